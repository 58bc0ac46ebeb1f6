//! Webhooks and callbacks: payload types without client methods.

use super::schema::Hint;
use super::{Lowerer, preferred_media};
use crate::diagnostics::{Location, pointer};
use crate::ir::TypeRef;
use crate::{docs, naming};

impl Lowerer<'_> {
    /// Webhooks (3.1 `webhooks`) and callbacks are requests the API sends to its users: their
    /// payloads become types (named `<Name>Webhook` / `<Operation><Name>Callback`), so a server
    /// can decode them, but they get no client method.
    pub(super) fn lower_webhooks_and_callbacks(&mut self) {
        let mut payloads: Vec<(String, String, String, openapiv3::PathItem)> = Vec::new();
        let webhooks = self.document.extensions.get("x-webhooks").and_then(serde_json::Value::as_object);
        for (name, item) in webhooks.into_iter().flatten() {
            let at = pointer("#/webhooks", &[name]);
            match serde_json::from_value::<openapiv3::PathItem>(item.clone()) {
                Ok(item) => payloads.push((
                    format!("{}Webhook", naming::type_ident(name)),
                    at,
                    format!("`{name}` webhook"),
                    item,
                )),
                Err(error) => {
                    self.diagnostics.error(Location::Pointer(at), format!("not a valid webhook path item: {error}"))
                }
            }
        }
        for (path, method, operation) in self.document.operations() {
            let base = operation.operation_id.clone().unwrap_or_else(|| format!("{method} {path}"));
            for (name, callback) in &operation.callbacks {
                for (expression, item) in callback {
                    let at = pointer("#/paths", &[path, method, "callbacks", name, expression]);
                    let type_name = format!("{}{}Callback", naming::type_ident(&base), naming::type_ident(name));
                    payloads.push((type_name, at, format!("`{name}` callback of `{base}`"), item.clone()));
                }
            }
        }
        for (type_name, at, label, item) in payloads {
            for (method, operation) in item.iter() {
                let Some(body) = &operation.request_body else { continue };
                let body_at = pointer(&at, &[method, "requestBody"]);
                let Some(body) = self.resolve_component(
                    body,
                    "requestBodies",
                    |c| &c.request_bodies,
                    Location::Pointer(body_at.clone()),
                ) else {
                    continue;
                };
                let Some((media_type, media)) = preferred_media(&body.content) else { continue };
                let Some(schema) = &media.schema else { continue };
                let schema_at = pointer(&body_at, &["content", media_type, "schema"]);
                let lowered = self.lower_schema(schema, &Hint::Derived(type_name.clone()), &schema_at);
                if let TypeRef::Named(name) = &lowered.ty
                    && let Some(def) = self.types.get_mut(name)
                    && def.origin == schema_at
                    && def.docs.is_empty()
                {
                    def.docs.push(format!("The payload the API sends with the {label}."));
                    if let Some(description) = &body.description {
                        def.docs.extend(docs::paragraphs(description));
                    }
                }
            }
        }
    }
}
