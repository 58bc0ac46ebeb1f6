//! Request bodies: JSON, forms, multipart, text and bytes.

use openapiv3::{ReferenceOr, RequestBody};

use super::schema::Hint;
use super::{Lowerer, MediaClass, OperationContext, media_class, preferred_media};
use crate::diagnostics::pointer;
use crate::ir::{Body, BodyKind, TypeKind, TypeRef};

impl Lowerer<'_> {
    pub(super) fn lower_body(
        &mut self,
        body: &ReferenceOr<RequestBody>,
        context: &OperationContext<'_>,
        type_base: &str,
    ) -> Option<Body> {
        let at = pointer(&context.at, &["requestBody"]);
        let location = context.location(at.as_str());
        let body = self.resolve_component(body, "requestBodies", |c| &c.request_bodies, location.clone())?;
        let (media_type, media) = preferred_media(&body.content)?;
        let name = format!("{type_base}Request");
        let lower = |this: &mut Self| match &media.schema {
            Some(schema) => {
                let schema_at = pointer(&at, &["content", media_type, "schema"]);
                this.lower_body_schema(schema, &Hint::Derived(name.clone()), &schema_at).ty
            }
            None => TypeRef::Json,
        };
        let kind = match media_class(media_type) {
            MediaClass::Json => BodyKind::Json(lower(self)),
            MediaClass::Form => BodyKind::Form(lower(self)),
            MediaClass::Multipart => {
                let ty = lower(self);
                let def = match &ty {
                    TypeRef::Named(type_name) => match self.types.get_mut(type_name).map(|t| &mut t.kind) {
                        Some(TypeKind::Struct(def)) => Some(def),
                        _ => None,
                    },
                    _ => None,
                };
                let Some(def) = def else {
                    self.diagnostics.error(location, "a `multipart/form-data` body must be an object with properties");
                    return None;
                };
                def.multipart = true;
                BodyKind::Multipart(ty)
            }
            MediaClass::Text => BodyKind::Text(media_type.to_owned()),
            MediaClass::Binary | MediaClass::EventStream => BodyKind::Bytes(media_type.to_owned()),
        };
        Some(Body { kind, required: body.required })
    }
}
