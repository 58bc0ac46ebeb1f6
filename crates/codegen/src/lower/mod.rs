//! The spec, normalized to OpenAPI 3.0 form, to the [`crate::ir`] model.
//!
//! This module holds the lowering state, the driver ([`lower`]), component schemas, servers and
//! the one resolver of `#/components/...` references; each part of an operation has a module of
//! its own: [`operations`] (names and the types an operation defines), [`parameters`],
//! [`bodies`], [`responses`] and [`auth`]; [`schema`] makes every typing decision for values;
//! [`webhooks`] lowers payloads without methods; [`passes`] runs over the whole type space at
//! the end (alias cycles, boxing, docs, secrets).

mod auth;
mod bodies;
mod features;
mod operations;
mod parameters;
mod passes;
mod responses;
pub(crate) mod schema;
mod token;
mod webhooks;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr};

use self::schema::{Hint, type_docs};
use crate::diagnostics::{Diagnostics, Location, pointer};
use crate::ir::{Api, HttpMethod, SchemaCount, Server, TypeDef, TypeKind, TypeRef};
use crate::naming;
use crate::settings::Settings;

/// Lowering state: the type space being built and the diagnostics collected.
pub(crate) struct Lowerer<'a> {
    document: &'a OpenAPI,
    settings: &'a Settings,
    diagnostics: &'a mut Diagnostics,
    types: BTreeMap<String, TypeDef>,
    /// Component schema name to Rust type name.
    component_names: BTreeMap<String, String>,
    /// Component schemas that are nullable themselves.
    nullable_components: BTreeSet<String>,
    /// Every Rust type name handed out.
    taken_type_names: BTreeSet<String>,
    /// The schemas lowered, and those that fell back to `serde_json::Value`.
    schema_count: SchemaCount,
}

/// Lowers a whole document.
pub(crate) fn lower(document: &OpenAPI, settings: &Settings, diagnostics: &mut Diagnostics) -> Api {
    let mut lowerer = Lowerer {
        document,
        settings,
        diagnostics,
        types: BTreeMap::new(),
        component_names: BTreeMap::new(),
        nullable_components: BTreeSet::new(),
        taken_type_names: BTreeSet::new(),
        schema_count: SchemaCount::default(),
    };
    lowerer.lower_components();
    lowerer.refuse_alias_cycles();
    let mut operations = lowerer.lower_operations();
    let credentials = auth::assign_credentials(&mut operations, settings, document);
    lowerer.lower_webhooks_and_callbacks();
    lowerer.apply_secret_fields();
    lowerer.box_recursive_types();
    lowerer.box_large_union_variants();
    lowerer.name_complex_field_types();
    lowerer.fill_missing_docs(&operations);
    let (default_base_url, servers) = lowerer.servers();
    let display_name = settings.client.display_name.clone().unwrap_or_else(|| display_name(&document.info.title));
    let mut api = Api {
        title: document.info.title.clone(),
        display_name,
        api_version: document.info.version.clone(),
        description: document.info.description.clone(),
        default_base_url,
        servers,
        requires_api_key: operations
            .iter()
            .any(|op| op.auth.iter().any(|u| u.credential == crate::ir::CredentialRef::ApiKey)),
        credentials,
        schema_count: std::mem::take(&mut lowerer.schema_count),
        features: Vec::new(),
        token: None,
        operations,
        types: lowerer.types,
    };
    let tag_docs: Vec<(String, Option<String>)> =
        document.tags.iter().map(|tag| (tag.name.clone(), tag.description.clone())).collect();
    features::assign_features(&mut api, &tag_docs, settings.client.features_per_tag);
    features::mark_decoded(&mut api);
    token::lower_token(&mut api, document, settings, lowerer.diagnostics);
    api
}

impl Lowerer<'_> {
    /// A Rust type name for a hint: exact for components, unique for inline schemas.
    fn type_name(&mut self, hint: &Hint) -> String {
        match hint {
            Hint::Exact(name) => name.clone(),
            Hint::Derived(name) => {
                naming::unique(naming::unreserved_type_name(naming::type_ident(name)), &mut self.taken_type_names)
            }
        }
    }

    /// The type behind an alias (`pub type Name = String;` becomes `String`), so parameters take
    /// plain types such as `&str`.
    fn without_aliases(&self, ty: TypeRef) -> TypeRef {
        let mut ty = ty;
        for _ in 0..16 {
            match &ty {
                TypeRef::Named(name) => match self.types.get(name).map(|t| &t.kind) {
                    Some(TypeKind::Alias(target)) => ty = target.clone(),
                    _ => return ty,
                },
                TypeRef::Array(item) => return TypeRef::Array(Box::new(self.without_aliases((**item).clone()))),
                _ => return ty,
            }
        }
        ty
    }

    /// Records a named type and returns a reference to it.
    fn define(&mut self, name: String, mut docs: Vec<String>, origin: &str, kind: TypeKind) -> TypeRef {
        if docs.len() == 1 && naming::title_is_redundant(&docs[0], &name) {
            docs.clear();
        }
        let def =
            TypeDef { name: name.clone(), docs, origin: origin.to_owned(), kind, features: Vec::new(), decoded: false };
        self.types.insert(name.clone(), def);
        TypeRef::Named(name)
    }

    fn lower_components(&mut self) {
        let schemas = self.document.components.as_ref().map(|components| &components.schemas);
        for key in self.settings.type_names.keys() {
            if !schemas.is_some_and(|schemas| schemas.contains_key(key)) {
                self.diagnostics.error(
                    Location::File,
                    format!("provider settings: `[type_names]` renames `{key}`, but the spec has no schema of that name in `#/components/schemas`"),
                );
            }
        }
        let Some(components) = &self.document.components else { return };
        // Reserve every component's name first, so inline types never take one.
        for (schema_name, schema) in &components.schemas {
            let wanted = match self.settings.type_names.get(schema_name) {
                Some(name) => name.clone(),
                None => {
                    let derived = naming::type_ident(schema_name);
                    let unreserved = naming::unreserved_type_name(derived.clone());
                    if unreserved != derived {
                        self.diagnostics.warning(
                            Location::Pointer(pointer("#/components/schemas", &[schema_name])),
                            format!(
                                "the schema is generated as `{unreserved}`, because `{derived}` would shadow the `{derived}` the generated code uses; set `type_names.\"{schema_name}\"` in the provider settings to choose another name"
                            ),
                        );
                    }
                    unreserved
                }
            };
            let rust_name = naming::unique(wanted, &mut self.taken_type_names);
            self.component_names.insert(schema_name.clone(), rust_name);
            if let ReferenceOr::Item(schema) = schema
                && schema.schema_data.nullable
            {
                self.nullable_components.insert(schema_name.clone());
            }
        }
        for (schema_name, schema) in &components.schemas {
            let rust_name = self.component_names[schema_name].clone();
            let at = pointer("#/components/schemas", &[schema_name]);
            let lowered = self.lower_schema(schema, &Hint::Exact(rust_name.clone()), &at);
            if lowered.ty != TypeRef::Named(rust_name.clone()) {
                let docs = match schema {
                    ReferenceOr::Item(schema) => type_docs(&schema.schema_data),
                    ReferenceOr::Reference { .. } => Vec::new(),
                };
                self.define(rust_name, docs, &at, TypeKind::Alias(lowered.ty));
            }
        }
    }

    fn servers(&mut self) -> (Option<String>, Vec<Server>) {
        let mut taken = BTreeSet::new();
        let servers: Vec<Server> = self
            .document
            .servers
            .iter()
            .enumerate()
            .map(|(index, server)| {
                let mut url = server.url.clone();
                for (name, variable) in server.variables.iter().flatten() {
                    url = url.replace(&format!("{{{name}}}"), &variable.default);
                }
                let label = server
                    .description
                    .as_deref()
                    .map(|d| d.replace(" server", "").replace(" Server", ""))
                    .filter(|d| !d.trim().is_empty() && d.len() < 40)
                    .unwrap_or_else(|| format!("server {}", index + 1));
                Server {
                    const_name: naming::unique(naming::const_ident(&label), &mut taken),
                    url,
                    description: server.description.clone(),
                }
            })
            .collect();
        let default = match (&self.settings.client.default_base_url, servers.first()) {
            (Some(url), _) => Some(url.clone()),
            (None, Some(server)) if server.url.starts_with("http") => Some(server.url.clone()),
            _ => {
                self.diagnostics.warning(
                    Location::Pointer("#/servers".into()),
                    format!(
                        "the spec lists no absolute server URL, so the client has no default base URL: users must give one (the builder's `base_url` or {}), or set `client.default_base_url` in the provider settings",
                        self.settings.base_url_env()
                    ),
                );
                None
            }
        };
        (default, servers)
    }

    /// An inline object, or the `#/components/<section>/<name>` entry a `$ref` points at; a
    /// reference that points anywhere else is an error at `location`.
    fn resolve_component<T: Clone>(
        &mut self,
        item: &ReferenceOr<T>,
        section: &str,
        entries: impl Fn(&openapiv3::Components) -> &indexmap::IndexMap<String, ReferenceOr<T>>,
        location: Location,
    ) -> Option<T> {
        let reference = match item {
            ReferenceOr::Item(item) => return Some(item.clone()),
            ReferenceOr::Reference { reference } => reference,
        };
        let document = self.document;
        let prefix = format!("#/components/{section}/");
        let found = reference.strip_prefix(&prefix).and_then(|name| entries(document.components.as_ref()?).get(name));
        match found {
            Some(ReferenceOr::Item(item)) => Some(item.clone()),
            _ => {
                self.diagnostics.error(
                    location,
                    format!("`$ref: {reference}` does not point at an entry of `#/components/{section}`"),
                );
                None
            }
        }
    }
}

/// How a media type is encoded, judged by its essence (parameters such as `charset` ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum MediaClass {
    /// `application/json`, vendor `+json` types, and `*/*`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// `text/event-stream`.
    EventStream,
    /// Other `text/*` types.
    Text,
    /// Everything else.
    Binary,
}

fn media_class(media_type: &str) -> MediaClass {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" | "*/*" => MediaClass::Json,
        e if e.ends_with("+json") => MediaClass::Json,
        "application/x-www-form-urlencoded" => MediaClass::Form,
        "multipart/form-data" => MediaClass::Multipart,
        "text/event-stream" => MediaClass::EventStream,
        e if e.starts_with("text/") => MediaClass::Text,
        _ => MediaClass::Binary,
    }
}

/// The media type to generate for when a body or response offers several: JSON first, then
/// forms, then streams and text, then binary.
fn preferred_media(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&str, &openapiv3::MediaType)> {
    content
        .iter()
        .min_by_key(|(media_type, _)| media_class(media_type))
        .map(|(media_type, media)| (media_type.as_str(), media))
}

/// What an operation is called and where it is, for naming and messages.
struct OperationContext<'a> {
    id: String,
    at: String,
    path: &'a str,
    http_method: HttpMethod,
    method_name: String,
}

impl OperationContext<'_> {
    /// A place inside this operation, for diagnostics.
    fn location(&self, pointer: impl Into<String>) -> Location {
        Location::operation(&self.id, pointer)
    }
}

/// The API's name for docs and messages, which say "the {name} API": the spec's title without a
/// trailing "API" (or "REST API"), so "Keeper API" does not become "the Keeper API API".
fn display_name(title: &str) -> String {
    let trimmed = title.trim();
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    let api_words = match words.as_slice() {
        [.., rest, last] if last.eq_ignore_ascii_case("api") && rest.eq_ignore_ascii_case("rest") => 2,
        [.., last] if last.eq_ignore_ascii_case("api") => 1,
        _ => 0,
    };
    if api_words == 0 || words.len() <= api_words {
        return trimmed.to_owned();
    }
    words[..words.len() - api_words].join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn display_names_do_not_repeat_api() {
        for (title, name) in [
            ("Keeper API", "Keeper"),
            ("Stripe REST API", "Stripe"),
            ("Simli", "Simli"),
            ("API", "API"),
            ("The Oxide Region API", "The Oxide Region"),
            ("Rapid", "Rapid"),
        ] {
            assert_eq!(super::display_name(title), name, "{title}");
        }
    }
}
