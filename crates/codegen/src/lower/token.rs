//! The settings' `[token]` table, checked against the spec: which operation mints a token, where
//! the lifetime goes and what the spec allows for it, and the Rust fields the token and its
//! expiry are read through. Every problem is reported at its line in `provider.toml`.

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};

use crate::diagnostics::{Diagnostics, Location};
use crate::ir::{
    Api, BodyKind, Bound, Bounds, FloatKind, IntegerKind, LeafKind, LifetimePlace, Number, Operation, ParamLocation,
    PathStep, ResponseKind, StructDef, TokenLifetime, TokenMint, TypeKind, TypeRef, ValuePath, Wrapper,
};
use crate::settings::{ExpiryKind, LifetimeSettings, LifetimeUnit, Located, Settings, TokenSettings};

/// Checks the `[token]` table and records how the client mints a token; errors go to the
/// settings file.
pub(super) fn lower_token(api: &mut Api, document: &OpenAPI, settings: &Settings, diagnostics: &mut Diagnostics) {
    let Some(token) = &settings.token else { return };
    let mut check = Check { api, document, token, file: &settings.file, diagnostics, failed: false };
    let mint = check.mint();
    if let Some(mut mint) = mint.filter(|_| !check.failed) {
        check.make_secret(&mut mint);
        api.token = Some(mint);
    }
}

/// The table being checked, and where its errors go.
struct Check<'a> {
    api: &'a mut Api,
    document: &'a OpenAPI,
    token: &'a TokenSettings,
    file: &'a str,
    diagnostics: &'a mut Diagnostics,
    failed: bool,
}

impl Check<'_> {
    fn error(&mut self, location: Location, message: String) {
        self.failed = true;
        self.diagnostics.error_in(self.file, location, format!("[token]: {message}"));
    }

    fn mint(&mut self) -> Option<TokenMint> {
        let wanted = &self.token.operation;
        let Some(operation) = self.api.operations.iter().find(|op| names_operation(op, &wanted.value)).cloned() else {
            let known: Vec<String> = self.api.operations.iter().take(8).map(|op| format!("`{}`", op.id)).collect();
            let message = format!(
                "the spec has no operation `{}` (operationId, or `METHOD /path`); it has {}",
                wanted.value,
                known.join(", ")
            );
            self.error(wanted.location(), message);
            return None;
        };
        let at = wanted.location();
        if !operation.path_params.is_empty() {
            self.error(
                at.clone(),
                format!("`{}` takes path parameters, which a minted token cannot fill", operation.id),
            );
        }
        let body = match operation.body.as_ref().map(|body| &body.kind) {
            None => None,
            Some(BodyKind::Json(ty) | BodyKind::Form(ty)) => match self.struct_of(ty) {
                Some((name, def)) => Some((name, def)),
                None => {
                    let message = format!("the body of `{}` is not an object with known properties", operation.id);
                    self.error(at.clone(), message);
                    None
                }
            },
            Some(_) => {
                self.error(at.clone(), format!("the body of `{}` is neither JSON nor a form", operation.id));
                None
            }
        };
        let lifetime =
            self.token.lifetime.as_ref().and_then(|lifetime| self.lifetime(&operation, body.as_ref(), lifetime));
        let api_key_field = self.token.api_key_in_body.as_ref().and_then(|field| {
            let (_, def) = self.body_field_def(body.as_ref(), field)?;
            let name = field_name(&field.value)?.to_owned();
            match def.fields.iter().find(|f| f.wire_name == name).map(|f| self.without_aliases(&f.ty)) {
                Some(TypeRef::String | TypeRef::Secret) => Some(name),
                _ => {
                    self.error(field.location(), format!("the body field `{name}` is not a string"));
                    None
                }
            }
        });
        if !self.failed {
            // (After an error above, what is unfilled would only repeat it.)
            self.unfilled(&operation, body.as_ref(), lifetime.as_ref(), api_key_field.as_deref());
        }
        let ResponseKind::Json(response) = &operation.success.kind else {
            self.error(at, format!("`{}` does not answer with a JSON body", operation.id));
            return None;
        };
        let mut free_form = false;
        let token = self.path(response, &self.token.token, &mut free_form, &[LeafKind::String, LeafKind::Secret]);
        let expiry = self.token.expiry.as_ref().and_then(|expiry| {
            let leaves: &[LeafKind] = match expiry.kind {
                ExpiryKind::Rfc3339 => &[LeafKind::String],
                ExpiryKind::RelativeSeconds | ExpiryKind::EpochSeconds => {
                    &[LeafKind::Integer, LeafKind::Float(FloatKind::F64)]
                }
            };
            Some((self.path(response, &expiry.pointer, &mut free_form, leaves)?, expiry.kind))
        });
        if self.token.free_form_response && !free_form && !self.failed {
            let message = format!(
                "`free_form_response = true`, but the spec types every value read from the answer of `{}`: remove it",
                operation.id
            );
            self.error(self.token.token.location(), message);
        }
        Some(TokenMint { operation: operation.id.clone(), lifetime, api_key_field, token: token?, expiry })
    }

    /// Where the lifetime goes, and its bounds in whole seconds.
    fn lifetime(
        &mut self,
        operation: &Operation,
        body: Option<&(String, StructDef)>,
        settings: &LifetimeSettings,
    ) -> Option<TokenLifetime> {
        let (place, located, name, ty, required, spec_bounds) = match (&settings.body, &settings.query) {
            (Some(field), None) => {
                let (_, def) = self.body_field_def(body, field)?;
                let name = field_name(&field.value)?.to_owned();
                let found = def.fields.iter().find(|f| f.wire_name == name)?;
                let bounds = body_field_bounds(self.document, operation, &name);
                (LifetimePlace::Body, field, name, found.ty.clone(), found.wrapper() == Wrapper::Bare, bounds)
            }
            (None, Some(query)) => {
                let found =
                    operation.params.iter().find(|p| p.location == ParamLocation::Query && p.wire_name == query.value);
                let Some(param) = found else {
                    let message = format!("`{}` has no query parameter `{}`", operation.id, query.value);
                    self.error(query.location(), message);
                    return None;
                };
                (LifetimePlace::Query, query, query.value.clone(), param.ty.clone(), param.required, param.bounds)
            }
            _ => {
                let message = "`lifetime` needs exactly one of `body` (a JSON pointer into the request body) and `query` (a parameter name)";
                self.error(self.token.operation.location(), message.to_owned());
                return None;
            }
        };
        let kind = match self.without_aliases(&ty) {
            TypeRef::Integer(kind) => Some(kind),
            TypeRef::Float(_) => None,
            other => {
                let message = format!("`{name}` is {}, not a number, so it cannot carry a lifetime", describe(&other));
                self.error(located.location(), message);
                return None;
            }
        };
        let (mut min, mut max) = (1, None);
        match settings.unit {
            LifetimeUnit::Seconds => {
                min = min.max(lower_limit(spec_bounds.minimum));
                max = upper_limit(spec_bounds.maximum);
                // A 32-bit field cannot take every lifetime; 64 bits hold any the runtime sends.
                let type_max = match kind {
                    Some(IntegerKind::I32) => Some(i32::MAX as u64),
                    Some(IntegerKind::U32) => Some(u64::from(u32::MAX)),
                    _ => None,
                };
                if let Some(type_max) = type_max {
                    max = Some(max.map_or(type_max, |max: u64| max.min(type_max)));
                }
            }
            LifetimeUnit::EpochSeconds => {
                if matches!(kind, Some(IntegerKind::I32 | IntegerKind::U32)) {
                    let message = format!("`{name}` is a 32-bit integer, too small for a time in epoch seconds");
                    self.error(located.location(), message);
                }
            }
        }
        if max.is_some_and(|max| max < min) {
            let message = format!("the spec allows no lifetime of a whole second or more for `{name}`");
            self.error(located.location(), message);
        }
        let default = match (&settings.default_seconds, required) {
            (None, true) => {
                let message = format!(
                    "the spec requires `{name}`, so a lifetime must always be sent: set `default_seconds` (between {})",
                    range_text(min, max)
                );
                self.error(located.location(), message);
                None
            }
            (Some(default), false) => {
                let message = format!(
                    "`default_seconds` applies only where the spec requires a lifetime; `{name}` is optional, so the vendor's own default applies: remove it"
                );
                self.error(default.location(), message);
                None
            }
            (Some(default), true) if default.value < min || max.is_some_and(|max| default.value > max) => {
                let message = format!(
                    "`default_seconds = {}` is outside what the spec allows for `{name}`: {}",
                    default.value,
                    range_text(min, max)
                );
                self.error(default.location(), message);
                None
            }
            (default, _) => default.as_ref().map(|d| d.value),
        };
        Some(TokenLifetime { place, name, unit: settings.unit, min, max, default })
    }

    /// The body struct a one-level body pointer names a field of, reporting what is wrong.
    fn body_field_def<'b>(
        &mut self,
        body: Option<&'b (String, StructDef)>,
        field: &Located<String>,
    ) -> Option<&'b (String, StructDef)> {
        let Some(body) = body else {
            self.error(field.location(), "the token operation has no request body".to_owned());
            return None;
        };
        let Some(name) = field_name(&field.value) else {
            let message =
                format!("`{}` must point at a top-level field of the request body, such as `/expiresIn`", field.value);
            self.error(field.location(), message);
            return None;
        };
        if !body.1.fields.iter().any(|f| f.wire_name == name) {
            let message =
                format!("the request body `{}` has no field `{name}`; it has {}", body.0, fields_text(&body.1));
            self.error(field.location(), message);
            return None;
        }
        Some(body)
    }

    /// Required fields and parameters that nothing fills in are errors: the mint could not
    /// send a valid request.
    fn unfilled(
        &mut self,
        operation: &Operation,
        body: Option<&(String, StructDef)>,
        lifetime: Option<&TokenLifetime>,
        api_key_field: Option<&str>,
    ) {
        let filled = |place: LifetimePlace, name: &str| {
            lifetime.is_some_and(|l| l.place == place && l.name == name)
                || (place == LifetimePlace::Body && api_key_field == Some(name))
        };
        let mut missing: Vec<String> = Vec::new();
        if let Some((type_name, def)) = body {
            let required = def.fields.iter().filter(|f| f.wrapper() == Wrapper::Bare);
            missing.extend(
                required
                    .filter(|f| !filled(LifetimePlace::Body, &f.wire_name))
                    .map(|f| format!("the body field `{type_name}.{}`", f.wire_name)),
            );
            if !def.flattened.is_empty() {
                missing.push(format!("the union flattened into `{type_name}`"));
            }
        }
        missing.extend(
            operation
                .params
                .iter()
                .filter(|p| {
                    p.required && !(p.location == ParamLocation::Query && filled(LifetimePlace::Query, &p.wire_name))
                })
                .map(|p| format!("the parameter `{}`", p.wire_name)),
        );
        if !missing.is_empty() {
            let message = format!(
                "`{}` requires {}, which the table does not fill (only the lifetime and `api_key_in_body` can be)",
                operation.id,
                missing.join(", ")
            );
            self.error(self.token.operation.location(), message);
        }
    }

    /// Resolves a pointer into the answer through the generated types.
    fn path(
        &mut self,
        response: &TypeRef,
        pointer: &Located<String>,
        free_form: &mut bool,
        leaves: &[LeafKind],
    ) -> Option<ValuePath> {
        match resolve(self.api, response, &pointer.value) {
            Ok((steps, leaf)) => {
                let untyped = steps.iter().any(|s| matches!(s, PathStep::Json(_) | PathStep::JsonObject(..)))
                    || leaf == LeafKind::Json;
                if untyped && !self.token.free_form_response {
                    let message = format!(
                        "`{}` reaches into a part of the answer the spec leaves free-form, so it cannot be checked; if the vendor documents it elsewhere, say so with `free_form_response = true`",
                        pointer.value
                    );
                    self.error(pointer.location(), message);
                    return None;
                }
                *free_form |= untyped;
                let float = |l: &LeafKind| matches!(l, LeafKind::Float(_));
                if leaf != LeafKind::Json && !leaves.iter().any(|l| *l == leaf || (float(l) && float(&leaf))) {
                    let wanted: Vec<&str> = leaves.iter().map(|l| leaf_text(*l)).collect();
                    let message = format!("`{}` is {}, not {}", pointer.value, leaf_text(leaf), wanted.join(" or "));
                    self.error(pointer.location(), message);
                    return None;
                }
                Some(ValuePath { pointer: pointer.value.clone(), steps, leaf })
            }
            Err(problem) => {
                self.error(
                    pointer.location(),
                    format!("`{}` does not resolve in the answer: {problem}", pointer.value),
                );
                None
            }
        }
    }

    /// The token's field becomes a `Secret`, so it never shows in `Debug` output.
    fn make_secret(&mut self, mint: &mut TokenMint) {
        if let Some(PathStep::Field { owner, rust_name, .. }) = mint.token.steps.last()
            && let Some(TypeKind::Struct(def)) = self.api.types.get_mut(owner).map(|t| &mut t.kind)
            && let Some(field) = def.fields.iter_mut().find(|f| &f.rust_name == rust_name)
            && field.ty == TypeRef::String
        {
            field.ty = TypeRef::Secret;
            mint.token.leaf = LeafKind::Secret;
        }
        if let Some(api_key) = &mint.api_key_field
            && let Some(operation) = self.api.operations.iter().find(|op| op.id == mint.operation)
            && let Some(TypeRef::Named(name)) = operation.body.as_ref().and_then(|b| b.kind.ty()).cloned()
            && let Some(TypeKind::Struct(def)) = self.api.types.get_mut(&name).map(|t| &mut t.kind)
            && let Some(field) = def.fields.iter_mut().find(|f| &f.wire_name == api_key)
            && field.ty == TypeRef::String
        {
            field.ty = TypeRef::Secret;
        }
    }

    fn struct_of(&self, ty: &TypeRef) -> Option<(String, StructDef)> {
        match self.without_aliases(ty) {
            TypeRef::Named(name) => match self.api.types.get(&name).map(|t| &t.kind) {
                Some(TypeKind::Struct(def)) => Some((name, def.clone())),
                _ => None,
            },
            _ => None,
        }
    }

    fn without_aliases(&self, ty: &TypeRef) -> TypeRef {
        self.api.without_aliases(ty)
    }
}

/// Whether the settings' `operation` names this operation: its id, or `METHOD /path`.
fn names_operation(operation: &Operation, wanted: &str) -> bool {
    operation.id == wanted
        || wanted.split_once(' ').is_some_and(|(method, path)| {
            method.eq_ignore_ascii_case(operation.http_method.path_item_key()) && path == operation.path
        })
}

/// The field a one-level pointer (`/expiresIn`) names.
fn field_name(pointer: &str) -> Option<&str> {
    pointer.strip_prefix('/').filter(|name| !name.is_empty() && !name.contains('/') && !name.contains('~'))
}

fn fields_text(def: &StructDef) -> String {
    let names: Vec<String> = def.fields.iter().map(|f| format!("`{}`", f.wire_name)).collect();
    if names.is_empty() { "none".to_owned() } else { names.join(", ") }
}

fn range_text(min: u64, max: Option<u64>) -> String {
    match max {
        Some(max) => format!("{min} to {max} seconds"),
        None => format!("at least {min} seconds"),
    }
}

fn leaf_text(leaf: LeafKind) -> &'static str {
    match leaf {
        LeafKind::String | LeafKind::Secret => "a string",
        LeafKind::Integer => "an integer",
        LeafKind::Float(_) => "a number",
        LeafKind::Json => "free-form JSON",
    }
}

fn describe(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => format!("`{name}`"),
        TypeRef::String | TypeRef::Secret => "a string".to_owned(),
        TypeRef::Bool => "a boolean".to_owned(),
        TypeRef::Array(_) => "an array".to_owned(),
        TypeRef::Map(_) | TypeRef::JsonObject => "a map".to_owned(),
        TypeRef::Json => "free-form JSON".to_owned(),
        _ => "not a number".to_owned(),
    }
}

/// The steps from the answer's type to the value a pointer names, and the value's kind.
fn resolve(api: &Api, response: &TypeRef, pointer: &str) -> Result<(Vec<PathStep>, LeafKind), String> {
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err("a JSON pointer starts with `/`, such as `/data/token`".to_owned());
    };
    let tokens: Vec<String> = rest.split('/').map(crate::diagnostics::unescape_pointer_token).collect();
    let mut steps = Vec::new();
    let mut ty = api.without_aliases(response);
    for (index, token) in tokens.iter().enumerate() {
        let remaining = || format!("/{}", rest.split('/').skip(index).collect::<Vec<_>>().join("/"));
        match &ty {
            TypeRef::Json => {
                steps.push(PathStep::Json(remaining()));
                return Ok((steps, LeafKind::Json));
            }
            TypeRef::JsonObject => {
                let after = remaining();
                let tail = after.splitn(3, '/').nth(2).map(|tail| format!("/{tail}"));
                steps.push(PathStep::JsonObject(token.clone(), tail));
                return Ok((steps, LeafKind::Json));
            }
            TypeRef::Named(name) => match api.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Struct(def)) => {
                    let Some(field) = def.fields.iter().find(|f| &f.wire_name == token) else {
                        return Err(format!("`{name}` has no property `{token}`; it has {}", fields_text(def)));
                    };
                    steps.push(PathStep::Field {
                        owner: name.clone(),
                        rust_name: field.rust_name.clone(),
                        wrapper: field.wrapper(),
                    });
                    ty = api.without_aliases(&field.ty);
                }
                _ => {
                    return Err(format!(
                        "`{name}` is not an object with known properties, so `{token}` cannot be read"
                    ));
                }
            },
            other => return Err(format!("{} has no property `{token}`", describe(other))),
        }
    }
    let leaf = match ty {
        TypeRef::String => LeafKind::String,
        TypeRef::Secret => LeafKind::Secret,
        TypeRef::Integer(_) => LeafKind::Integer,
        TypeRef::Float(kind) => LeafKind::Float(kind),
        TypeRef::Json => LeafKind::Json,
        other => return Err(format!("it is {}, not a string or a number", describe(&other))),
    };
    Ok((steps, leaf))
}

/// The smallest whole number of seconds a lower bound allows.
fn lower_limit(bound: Option<Bound>) -> u64 {
    match bound {
        None => 1,
        Some(Bound { limit: Number::Integer(n), exclusive }) => {
            u64::try_from(n.saturating_add(i64::from(exclusive))).unwrap_or(0).max(1)
        }
        Some(Bound { limit: Number::Float(x), exclusive }) => {
            let whole = if exclusive && x.fract() == 0.0 { x + 1.0 } else { x.ceil() };
            if whole.is_finite() && whole > 1.0 { whole as u64 } else { 1 }
        }
    }
}

/// The largest whole number of seconds an upper bound allows.
fn upper_limit(bound: Option<Bound>) -> Option<u64> {
    match bound? {
        Bound { limit: Number::Integer(n), exclusive } => Some(u64::try_from(n - i64::from(exclusive)).unwrap_or(0)),
        Bound { limit: Number::Float(x), exclusive } => {
            let whole = if exclusive && x.fract() == 0.0 { x - 1.0 } else { x.floor() };
            Some(if whole.is_finite() && whole > 0.0 { whole as u64 } else { 0 })
        }
    }
}

/// The `minimum` and `maximum` the spec gives a top-level field of an operation's JSON body,
/// looking through `$ref`s and a nullable `anyOf`/`oneOf`.
fn body_field_bounds(document: &OpenAPI, operation: &Operation, field: &str) -> Bounds {
    let found = (|| {
        let item = document.paths.paths.get(&operation.path)?.as_item()?;
        let spec_operation = item.iter().find(|(method, _)| *method == operation.http_method.path_item_key())?.1;
        let body =
            resolve_ref(document, spec_operation.request_body.as_ref()?, "requestBodies", |c| &c.request_bodies)?;
        let media = body.content.iter().find(|(media, _)| media.contains("json") || media.contains("form"))?.1;
        let schema = schema_item(document, media.schema.as_ref()?)?;
        let object = object_of(document, &schema)?;
        let property = object.properties.get(field)?;
        let property = match property {
            ReferenceOr::Item(schema) => (**schema).clone(),
            ReferenceOr::Reference { reference } => schema_item(document, &ReferenceOr::ref_(reference))?,
        };
        Some(number_bounds(document, &property))
    })();
    found.unwrap_or_default()
}

fn resolve_ref<T: Clone>(
    document: &OpenAPI,
    item: &ReferenceOr<T>,
    section: &str,
    entries: impl Fn(&openapiv3::Components) -> &indexmap::IndexMap<String, ReferenceOr<T>>,
) -> Option<T> {
    match item {
        ReferenceOr::Item(item) => Some(item.clone()),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix(&format!("#/components/{section}/"))?;
            entries(document.components.as_ref()?).get(name)?.as_item().cloned()
        }
    }
}

fn schema_item(document: &OpenAPI, schema: &ReferenceOr<openapiv3::Schema>) -> Option<openapiv3::Schema> {
    let mut schema = schema.clone();
    for _ in 0..16 {
        match schema {
            ReferenceOr::Item(item) => return Some(item),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/schemas/")?;
                schema = document.components.as_ref()?.schemas.get(name)?.clone();
            }
        }
    }
    None
}

/// The one schema behind a nullable wrapper: the single member of an `allOf`, or the one
/// non-null alternative of an `anyOf`/`oneOf` (normalization marks a lone `null` with `x-null`).
fn non_null(document: &OpenAPI, schema: &openapiv3::Schema) -> Option<openapiv3::Schema> {
    let members = match &schema.schema_kind {
        SchemaKind::AllOf { all_of: members } => members,
        SchemaKind::AnyOf { any_of: members } | SchemaKind::OneOf { one_of: members } => members,
        _ => return Some(schema.clone()),
    };
    let mut typed = members
        .iter()
        .filter_map(|member| schema_item(document, member))
        .filter(|member| !member.schema_data.extensions.contains_key("x-null"));
    let first = typed.next()?;
    typed.next().is_none().then_some(first)
}

fn object_of(document: &OpenAPI, schema: &openapiv3::Schema) -> Option<openapiv3::ObjectType> {
    match non_null(document, schema)?.schema_kind {
        SchemaKind::Type(Type::Object(object)) => Some(object),
        _ => None,
    }
}

fn number_bounds(document: &OpenAPI, schema: &openapiv3::Schema) -> Bounds {
    non_null(document, schema).map(|schema| super::parameters::schema_bounds(&schema)).unwrap_or_default()
}
