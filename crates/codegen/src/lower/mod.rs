//! The spec, normalized to OpenAPI 3.0 form, to the [`crate::ir`] model.

pub(crate) mod schema;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    OpenAPI, Parameter, ParameterData, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response, SecurityScheme,
    StatusCode, Type,
};

use self::schema::{Hint, option_if, schema_docs, type_docs};
use crate::diagnostics::{Diagnostics, Location, pointer};
use crate::docs;
use crate::ir::{
    Api, AuthScheme, Body, BodyKind, Bound, Bounds, ErrorVariant, ErrorsDef, EventData, HeaderField, HeadersDef,
    HttpMethod, Number, Operation, Param, ParamLocation, ParamsDef, ResponseKind, Server, StatusMatch, StreamFlag,
    StreamKind, StreamMethod, Success, TypeDef, TypeKind, TypeRef,
};
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
    };
    lowerer.lower_components();
    lowerer.refuse_alias_cycles();
    let operations = lowerer.lower_operations();
    lowerer.lower_webhooks_and_callbacks();
    lowerer.apply_secret_fields();
    lowerer.box_recursive_types();
    lowerer.box_large_union_variants();
    lowerer.fill_missing_docs(&operations);
    let (default_base_url, servers) = lowerer.servers();
    let display_name = settings.client.display_name.clone().unwrap_or_else(|| document.info.title.clone());
    Api {
        title: document.info.title.clone(),
        display_name,
        api_version: document.info.version.clone(),
        description: document.info.description.clone(),
        default_base_url,
        servers,
        requires_api_key: operations.iter().any(|op| op.auth.is_some()),
        operations,
        types: lowerer.types,
    }
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
        self.types.insert(name.clone(), TypeDef { name: name.clone(), docs, origin: origin.to_owned(), kind });
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

    /// How each operation is named. Without an operationId: whether its path is a collection
    /// (another path adds one parameter segment to it) and whether its derived name collides.
    /// With one: whether stripping FastAPI's suffix would give another operation's name.
    fn path_naming(&self) -> BTreeMap<(String, String), naming::PathNaming> {
        // Trailing slashes do not change what a path names (`/video/` beside `/video/{id}`).
        let paths: Vec<&str> = self.document.paths.paths.keys().map(|p| p.trim_end_matches('/')).collect();
        let unnamed: Vec<(String, String)> = self
            .document
            .operations()
            .filter(|(_, _, op)| op.operation_id.is_none())
            .map(|(path, method, _)| (path.to_owned(), method.to_owned()))
            .collect();
        let mut result: BTreeMap<(String, String), naming::PathNaming> = unnamed
            .iter()
            .map(|(path, method)| {
                let path_trimmed = path.trim_end_matches('/');
                let is_collection = !path_trimmed.ends_with('}')
                    && paths.iter().any(|other| {
                        other.strip_prefix(path_trimmed).is_some_and(|rest| {
                            rest.starts_with("/{") && rest.ends_with('}') && rest[1..].matches('/').count() == 0
                        })
                    });
                ((path.clone(), method.clone()), naming::PathNaming { is_collection, disambiguate: false })
            })
            .collect();
        let mut by_name: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (key, path_naming) in &result {
            by_name.entry(naming::method_name(None, &key.1, &key.0, *path_naming)).or_default().push(key.clone());
        }
        // FastAPI operationIds whose handler serves several routes would lose their suffix to the
        // same name; those keep the whole operationId.
        for (path, method, operation) in self.document.operations() {
            let Some(id) = &operation.operation_id else { continue };
            let key = (path.to_owned(), method.to_owned());
            result.insert(key.clone(), naming::PathNaming::default());
            by_name
                .entry(naming::method_name(Some(id), method, path, naming::PathNaming::default()))
                .or_default()
                .push(key);
        }
        for keys in by_name.values().filter(|keys| keys.len() > 1) {
            for key in keys {
                if let Some(entry) = result.get_mut(key) {
                    entry.disambiguate = true;
                }
            }
        }
        result
    }

    fn lower_operations(&mut self) -> Vec<Operation> {
        let path_naming = self.path_naming();
        let mut operations = Vec::new();
        let mut method_names: BTreeMap<String, String> = BTreeMap::new();
        let mut operation_ids: BTreeMap<String, String> = BTreeMap::new();
        for (path, item) in &self.document.paths.paths {
            let path_at = pointer("#/paths", &[path]);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    self.diagnostics.error(
                        Location::Pointer(path_at),
                        format!("path items given by `$ref: {reference}` are not supported; inline the path item"),
                    );
                    continue;
                }
            };
            for (method, operation) in item.iter() {
                let at = pointer(&path_at, &[method]);
                let Some(http_method) = HttpMethod::from_path_item_key(method) else { continue };
                let id = operation.operation_id.clone().unwrap_or_else(|| format!("{http_method} {path}"));
                if let Some(first) = operation_ids.insert(id.clone(), at.clone()) {
                    self.diagnostics.error(
                        Location::operation(&id, at.as_str()),
                        format!("operationId `{id}` is used twice, here and at {first}; operationIds must be unique"),
                    );
                    continue;
                }
                let method_name = match self.settings.operations.get(&id).and_then(|o| o.method_name.clone()) {
                    Some(name) => naming::snake_ident(&name),
                    None => {
                        let how = path_naming.get(&(path.clone(), method.to_owned())).copied().unwrap_or_default();
                        naming::method_name(operation.operation_id.as_deref(), method, path, how)
                    }
                };
                if let Some(other) = method_names.insert(method_name.clone(), id.clone()) {
                    self.diagnostics.error(
                        Location::operation(&id, at.as_str()),
                        format!(
                            "method name `{method_name}` is derived for both `{other}` and `{id}`; set `operations.\"{id}\".method_name` in the provider settings"
                        ),
                    );
                    continue;
                }
                let context = OperationContext { id, at, path, http_method, method_name };
                let lowered = self.lower_operation(&context, &item.parameters, operation);
                operations.push((lowered, context.at));
            }
        }
        self.check_method_names(&operations);
        for key in self.settings.operations.keys() {
            if !operation_ids.contains_key(key) {
                self.diagnostics.error(
                    Location::File,
                    format!(
                        "provider settings: `[operations.\"{key}\"]` matches no operation; use an operationId, or `METHOD /path` for an operation without one"
                    ),
                );
            }
        }
        operations.into_iter().map(|(operation, _)| operation).collect()
    }

    /// Reports client methods that would be defined twice: an operation's derived methods
    /// (`<name>_with_response`, `<name>_stream`) against other operations' methods and the
    /// client's own.
    fn check_method_names(&mut self, operations: &[(Operation, String)]) {
        let mut owners: BTreeMap<String, String> = crate::ir::CLIENT_METHODS
            .iter()
            .map(|name| ((*name).to_owned(), "the client's own method".to_owned()))
            .collect();
        for (operation, at) in operations {
            for name in operation.all_method_names() {
                if let Some(other) = owners.insert(name.clone(), format!("operation `{}`", operation.id)) {
                    self.diagnostics.error(
                        Location::operation(&operation.id, at.as_str()),
                        format!(
                            "client method `{name}` would be defined for both {other} and operation `{}`; set `operations.\"{}\".method_name` in the provider settings",
                            operation.id, operation.id
                        ),
                    );
                }
            }
        }
    }

    /// One operation: its parameters, body and responses, and the types they need.
    fn lower_operation(
        &mut self,
        context: &OperationContext<'_>,
        path_level_parameters: &[ReferenceOr<Parameter>],
        operation: &openapiv3::Operation,
    ) -> Operation {
        let type_base = naming::type_ident(&context.method_name);
        let mut auth = self.operation_auth(context, operation);
        let parameters = self.merge_parameters(context, path_level_parameters, &operation.parameters);
        let (path_params, params) = self.classify_parameters(context, &parameters, &type_base, &mut auth);
        let params_type = self.define_params_type(context, &type_base, &params);
        let body = operation.request_body.as_ref().and_then(|body| self.lower_body(body, context, &type_base));
        let (mut success, errors) = self.lower_responses(&operation.responses, context, &type_base);
        if let Some(stream) = success.stream.as_mut().filter(|s| matches!(s.kind, StreamKind::Events(_))) {
            stream.flag = self.stream_flag(body.as_ref());
        }
        let errors_type = self.define_errors_type(context, &type_base, errors);
        Operation {
            id: context.id.clone(),
            method_name: context.method_name.clone(),
            http_method: context.http_method,
            path: context.path.to_owned(),
            docs: operation_docs(operation),
            deprecated: operation.deprecated,
            path_params,
            params_type,
            params,
            body,
            success,
            errors_type,
            auth,
        }
    }

    /// The parameters of the path item and the operation, resolved, where operation-level ones
    /// override path-level ones with the same name and location; each with its pointer.
    fn merge_parameters(
        &mut self,
        context: &OperationContext<'_>,
        path_level_parameters: &[ReferenceOr<Parameter>],
        operation_parameters: &[ReferenceOr<Parameter>],
    ) -> Vec<(String, Parameter)> {
        let mut parameters: Vec<(String, Parameter)> = Vec::new();
        let levels =
            [(path_level_parameters, pointer("#/paths", &[context.path])), (operation_parameters, context.at.clone())];
        for (level, base) in levels {
            for (index, parameter) in level.iter().enumerate() {
                let at = pointer(&base, &["parameters", &index.to_string()]);
                let Some(parameter) = self.resolve_parameter(parameter, context, &at) else { continue };
                let key = (parameter.parameter_data_ref().name.clone(), location_name(&parameter));
                parameters.retain(|(_, p)| (p.parameter_data_ref().name.clone(), location_name(p)) != key);
                parameters.push((at, parameter));
            }
        }
        parameters
    }

    /// Sorts parameters into path parameters (method arguments) and query and header parameters
    /// (fields of the params struct), with names unique in each; a header that carries the API
    /// key becomes the operation's `auth` instead.
    fn classify_parameters(
        &mut self,
        context: &OperationContext<'_>,
        parameters: &[(String, Parameter)],
        type_base: &str,
        auth: &mut Option<AuthScheme>,
    ) -> (Vec<Param>, Vec<Param>) {
        let mut path_params = Vec::new();
        let mut params = Vec::new();
        let mut taken_args: BTreeSet<String> = ["params", "body"].iter().map(|s| (*s).to_owned()).collect();
        let mut taken_fields = BTreeSet::new();
        for (at, parameter) in parameters {
            let data = parameter.parameter_data_ref();
            let location = match parameter {
                Parameter::Path { .. } => ParamLocation::Path,
                Parameter::Query { .. } => ParamLocation::Query,
                Parameter::Header { .. } => {
                    let credential = self.settings.client.api_key_header_parameter.as_deref();
                    if credential.is_some_and(|name| name.eq_ignore_ascii_case(&data.name)) {
                        *auth = Some(AuthScheme::Header(data.name.clone()));
                        continue;
                    }
                    ParamLocation::Header
                }
                Parameter::Cookie { .. } => {
                    self.diagnostics.error(
                        context.location(at.as_str()),
                        format!("cookie parameter `{}` is not supported", data.name),
                    );
                    continue;
                }
            };
            let Some(mut param) = self.lower_parameter(data, location, context, type_base, at) else { continue };
            if location == ParamLocation::Path {
                param.rust_name = naming::unique(param.rust_name, &mut taken_args);
                path_params.push(param);
            } else {
                param.rust_name = naming::unique(param.rust_name, &mut taken_fields);
                params.push(param);
            }
        }
        self.reconcile_path_template(context, &mut path_params, &mut params);
        (path_params, params)
    }

    /// The `<Operation>Params` struct, when the operation has query or header parameters.
    fn define_params_type(
        &mut self,
        context: &OperationContext<'_>,
        type_base: &str,
        params: &[Param],
    ) -> Option<String> {
        if params.is_empty() {
            return None;
        }
        let def = ParamsDef { method_name: context.method_name.clone(), params: params.to_vec() };
        let doc = ("Query and header parameters of", ".");
        Some(self.define_for_operation(context, type_base, "Params", doc, TypeKind::Params(def)))
    }

    /// The `<Operation>Error` enum, when the spec documents error responses.
    fn define_errors_type(
        &mut self,
        context: &OperationContext<'_>,
        type_base: &str,
        errors: Vec<ErrorVariant>,
    ) -> Option<String> {
        if errors.is_empty() {
            return None;
        }
        let def = ErrorsDef { method_name: context.method_name.clone(), variants: errors };
        let doc = ("The error responses documented for", ", one variant per status.");
        Some(self.define_for_operation(context, type_base, "Error", doc, TypeKind::Errors(def)))
    }

    /// A type that belongs to one operation, `<Operation><suffix>`, documented as the two parts of
    /// `doc` around a link to the operation's method.
    fn define_for_operation(
        &mut self,
        context: &OperationContext<'_>,
        type_base: &str,
        suffix: &str,
        (before, after): (&str, &str),
        kind: TypeKind,
    ) -> String {
        let name = naming::unique(format!("{type_base}{suffix}"), &mut self.taken_type_names);
        let method = naming::unraw(&context.method_name);
        let docs = vec![format!("{before} [`Client::{}`](crate::Client::{method}){after}", context.method_name)];
        self.define(name.clone(), docs, &context.at, kind);
        name
    }

    fn resolve_parameter(
        &mut self,
        parameter: &ReferenceOr<Parameter>,
        context: &OperationContext<'_>,
        at: &str,
    ) -> Option<Parameter> {
        let location = context.location(at);
        self.resolve_component(parameter, "parameters", |c| &c.parameters, location)
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

    fn lower_parameter(
        &mut self,
        data: &ParameterData,
        location: ParamLocation,
        context: &OperationContext<'_>,
        type_base: &str,
        at: &str,
    ) -> Option<Param> {
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            self.diagnostics.error(
                context.location(at),
                format!("parameter `{}` is described with `content`; only `schema` is supported", data.name),
            );
            return None;
        };
        let schema_at = pointer(at, &["schema"]);
        let hint = Hint::Derived(format!("{type_base}{}", naming::type_ident(&data.name)));
        let mut lowered = self.lower_schema(schema, &hint, &schema_at);
        lowered.ty = self.without_aliases(lowered.ty);
        let scalar = |ty: &TypeRef| crate::ir::is_display(&self.types, ty);
        let plain = match (&lowered.ty, location) {
            (TypeRef::Array(item), ParamLocation::Query) => scalar(item),
            (ty, _) => scalar(ty),
        };
        // Objects and unions in the query are serialized and flattened (`deepObject` style);
        // in a path or a header there is no such convention.
        let serialized = !plain && location == ParamLocation::Query;
        if !plain && !serialized {
            self.diagnostics.error(
                context.location(schema_at),
                format!("parameter `{}` has a type that cannot be sent in the {}; only scalars (and arrays of scalars in the query) are supported", data.name, location_label(location)),
            );
            return None;
        }
        let mut docs = Vec::new();
        if let Some(description) = &data.description {
            docs.extend(docs::paragraphs(description));
        }
        let mut bounds = Bounds::default();
        let mut example = data.example.clone();
        if let ReferenceOr::Item(schema) = schema {
            example = example.or_else(|| schema.schema_data.example.clone());
            let mut schema_docs = schema_docs(&schema.schema_data, &data.name);
            if data.description.is_some() {
                schema_docs.retain(|p| p.starts_with("Defaults to") || p.starts_with("Example:"));
            }
            docs.extend(schema_docs);
            if let openapiv3::SchemaKind::Type(Type::Integer(integer)) = &schema.schema_kind {
                let bound = |limit: i64, exclusive: bool| Bound { limit: Number::Integer(limit), exclusive };
                bounds.minimum = integer.minimum.map(|m| bound(m, integer.exclusive_minimum));
                bounds.maximum = integer.maximum.map(|m| bound(m, integer.exclusive_maximum));
            }
            if let openapiv3::SchemaKind::Type(Type::Number(number)) = &schema.schema_kind {
                let bound = |limit: f64, exclusive: bool| Bound { limit: Number::Float(limit), exclusive };
                bounds.minimum = number.minimum.map(|m| bound(m, number.exclusive_minimum));
                bounds.maximum = number.maximum.map(|m| bound(m, number.exclusive_maximum));
            }
        }
        if let TypeRef::Integer(kind) = lowered.ty {
            for (bound, which) in [(&mut bounds.minimum, "minimum"), (&mut bounds.maximum, "maximum")] {
                if let Some(Bound { limit: Number::Integer(limit), .. }) = *bound
                    && !kind.holds(limit)
                {
                    *bound = None;
                    self.diagnostics.warning(
                        context.location(schema_at.as_str()),
                        format!("the {which} {limit} does not fit the parameter's Rust type, so it is not checked"),
                    );
                }
            }
        }
        if let Some(text) = bounds_doc(&bounds) {
            docs.push(text);
        }
        Some(Param {
            rust_name: naming::snake_ident(&data.name),
            wire_name: data.name.clone(),
            location,
            ty: lowered.ty,
            required: data.required || location == ParamLocation::Path,
            docs,
            bounds,
            example,
            serialized,
        })
    }

    /// Makes the path parameters match the path's `{placeholders}`. Specs get this wrong in the
    /// wild (Simli declares `session_id` of `/auto/transcript/{session_id}` as a query
    /// parameter), so a mismatch is a warning with a documented fallback: a same-named query
    /// parameter moves into the path, and a placeholder nobody declares becomes a string path
    /// parameter. A path parameter without a placeholder is an error.
    fn reconcile_path_template(
        &mut self,
        context: &OperationContext<'_>,
        path_params: &mut Vec<Param>,
        params: &mut Vec<Param>,
    ) {
        let placeholders: Vec<String> = context
            .path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
            .collect();
        let location = || context.location(context.at.as_str());
        for placeholder in &placeholders {
            if path_params.iter().any(|p| &p.wire_name == placeholder) {
                continue;
            }
            let mut param = match params
                .iter()
                .position(|p| &p.wire_name == placeholder && p.location == ParamLocation::Query)
            {
                Some(index) => {
                    self.diagnostics.warning(
                        location(),
                        format!("parameter `{placeholder}` is declared `in: query`, but the path has a `{{{placeholder}}}` placeholder; it is sent in the path"),
                    );
                    params.remove(index)
                }
                None => {
                    self.diagnostics.warning(
                        location(),
                        format!("the path has a `{{{placeholder}}}` placeholder that no parameter declares; it becomes a string path parameter"),
                    );
                    Param {
                        rust_name: naming::snake_ident(placeholder),
                        wire_name: placeholder.clone(),
                        location: ParamLocation::Path,
                        ty: TypeRef::String,
                        required: true,
                        docs: Vec::new(),
                        bounds: Bounds::default(),
                        example: None,
                        serialized: false,
                    }
                }
            };
            param.location = ParamLocation::Path;
            param.required = true;
            let mut taken: BTreeSet<String> = path_params.iter().map(|p| p.rust_name.clone()).collect();
            taken.extend(["params".to_owned(), "body".to_owned()]);
            param.rust_name = naming::unique(param.rust_name, &mut taken);
            path_params.push(param);
        }
        for param in path_params.iter() {
            if !placeholders.contains(&param.wire_name) {
                self.diagnostics.error(
                    location(),
                    format!(
                        "path parameter `{}` has no `{{{}}}` placeholder in the path",
                        param.wire_name, param.wire_name
                    ),
                );
            }
        }
        // Arguments follow the order of the placeholders in the path.
        path_params.sort_by_key(|p| placeholders.iter().position(|name| name == &p.wire_name));
    }

    fn lower_body(
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
                this.lower_schema(schema, &Hint::Derived(name.clone()), &schema_at).ty
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

    fn lower_responses(
        &mut self,
        responses: &openapiv3::Responses,
        context: &OperationContext<'_>,
        type_base: &str,
    ) -> (Success, Vec<ErrorVariant>) {
        let mut raw: Vec<(StatusMatch, String, &ReferenceOr<Response>)> = responses
            .responses
            .iter()
            .map(|(status, response)| match status {
                StatusCode::Code(code) => (StatusMatch::Code(*code), code.to_string(), response),
                StatusCode::Range(range) => (StatusMatch::Range(*range), format!("{range}XX"), response),
            })
            .collect();
        if let Some(default) = &responses.default {
            raw.push((StatusMatch::Default, "default".to_owned(), default));
        }
        let mut entries: Vec<(StatusMatch, String, Response)> = Vec::new();
        for (status, key, response) in raw {
            let location = context.location(pointer(&context.at, &["responses", &key]));
            if let Some(response) = self.resolve_component(response, "responses", |c| &c.responses, location) {
                entries.push((status, key, response));
            }
        }
        let is_success = |status: &StatusMatch| match status {
            StatusMatch::Code(code) => (200..300).contains(code),
            StatusMatch::Range(range) => *range == 2,
            StatusMatch::Default => false,
        };
        let success_entry = entries.iter().find(|(status, _, _)| is_success(status)).or_else(|| {
            entries.iter().find(|(status, _, _)| {
                *status == StatusMatch::Default && !entries.iter().any(|(s, _, _)| is_success(s))
            })
        });
        let success_key = success_entry.map(|(status, _, _)| *status);
        let success = match success_entry {
            Some((_, key, response)) => {
                let mut success = self.success_body(response, context, type_base, key);
                success.headers = self.response_headers(response, context, type_base, key);
                success
            }
            None => Success { kind: ResponseKind::Empty, stream: None, headers: None },
        };

        let mut errors = Vec::new();
        let mut taken = BTreeSet::new();
        let mut error_entries: Vec<_> = entries
            .iter()
            .filter(|(status, _, _)| Some(*status) != success_key && !is_success(status))
            .filter(|(status, _, _)| {
                !matches!(status, StatusMatch::Code(code) if *code < 400)
                    && *status != StatusMatch::Range(1)
                    && *status != StatusMatch::Range(3)
            })
            .collect();
        error_entries.sort_by_key(|(status, _, _)| *status);
        for (status, key, response) in error_entries {
            let variant = match status {
                StatusMatch::Code(code) => http::StatusCode::from_u16(*code)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .map_or_else(|| format!("Status{code}"), naming::type_ident),
                StatusMatch::Range(4) => "ClientError".to_owned(),
                StatusMatch::Range(5) => "ServerError".to_owned(),
                StatusMatch::Range(range) => format!("Status{range}xx"),
                StatusMatch::Default => "Other".to_owned(),
            };
            let rust_name = naming::unique(variant, &mut taken);
            let ty = self.response_body(response, context, &format!("{type_base}{rust_name}Body"), key);
            let status_text = match status {
                StatusMatch::Code(code) => format!("`{code}`"),
                StatusMatch::Range(range) => format!("`{range}XX`"),
                StatusMatch::Default => "Any other status".to_owned(),
            };
            let mut docs = docs::paragraphs(&response.description);
            match docs.first_mut() {
                Some(first) => *first = format!("{status_text}: {first}"),
                None => docs.push(status_text),
            };
            errors.push(ErrorVariant { rust_name, status: *status, ty, docs });
        }
        (success, errors)
    }

    /// The success body: JSON of its type, text, bytes, an event stream, or nothing; and the
    /// streaming method that goes with it.
    fn success_body(
        &mut self,
        response: &Response,
        context: &OperationContext<'_>,
        type_base: &str,
        key: &str,
    ) -> Success {
        let Some((media_type, media)) = preferred_media(&response.content) else {
            return Success { kind: ResponseKind::Empty, stream: None, headers: None };
        };
        let events = response.content.iter().find(|(media_type, _)| media_class(media_type) == MediaClass::EventStream);
        match media_class(media_type) {
            MediaClass::Json | MediaClass::Form | MediaClass::Multipart => {
                let at = pointer(&context.at, &["responses", key, "content", media_type, "schema"]);
                let ty = match &media.schema {
                    Some(schema) => {
                        option_if(self.lower_schema(schema, &Hint::Derived(format!("{type_base}Response")), &at))
                    }
                    None => TypeRef::Json,
                };
                let stream = events.map(|(events_type, events)| StreamMethod {
                    kind: StreamKind::Events(self.event_data(events_type, events, context, type_base, key)),
                    flag: None,
                });
                Success { kind: ResponseKind::Json(ty), stream, headers: None }
            }
            MediaClass::EventStream => {
                let data = self.event_data(media_type, media, context, type_base, key);
                Success { kind: ResponseKind::Events(data), stream: None, headers: None }
            }
            MediaClass::Text => Success { kind: ResponseKind::Text, stream: None, headers: None },
            MediaClass::Binary => Success {
                kind: ResponseKind::Bytes,
                stream: Some(StreamMethod { kind: StreamKind::Bytes, flag: None }),
                headers: None,
            },
        }
    }

    /// A struct for the headers a success response documents (`Content-Type` aside, which
    /// OpenAPI says to ignore). Each is read into its type when it is a scalar or a string enum,
    /// and kept as text otherwise.
    fn response_headers(
        &mut self,
        response: &Response,
        context: &OperationContext<'_>,
        type_base: &str,
        key: &str,
    ) -> Option<String> {
        let mut fields = Vec::new();
        let mut taken = BTreeSet::new();
        for (wire_name, header) in &response.headers {
            if wire_name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let at = pointer(&context.at, &["responses", key, "headers", wire_name]);
            let location = context.location(at.as_str());
            let Some(header) = self.resolve_component(header, "headers", |c| &c.headers, location) else { continue };
            let ty = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let hint = Hint::Derived(format!("{type_base}ResponseHeader {wire_name}"));
                    let lowered = self.lower_schema(schema, &hint, &pointer(&at, &["schema"]));
                    let ty = self.without_aliases(lowered.ty);
                    if crate::ir::is_display(&self.types, &ty) { ty } else { TypeRef::Json }
                }
                ParameterSchemaOrContent::Content(_) => TypeRef::Json,
            };
            let mut docs = header.description.as_deref().map(docs::paragraphs).unwrap_or_default();
            if docs.is_empty() {
                docs.push(format!("The `{wire_name}` header."));
            }
            // Structured values (lists, objects) are kept as the text sent.
            let ty = if ty == TypeRef::Json {
                docs.push("Kept as the text sent: the spec describes a structured value.".to_owned());
                TypeRef::String
            } else {
                ty
            };
            fields.push(HeaderField {
                rust_name: naming::unique(naming::snake_ident(wire_name), &mut taken),
                wire_name: wire_name.clone(),
                ty,
                docs,
            });
        }
        if fields.is_empty() {
            return None;
        }
        let name = naming::unique(format!("{type_base}ResponseHeaders"), &mut self.taken_type_names);
        let docs = vec![format!(
            "The headers documented for the success response of [`Client::{}`](crate::Client::{}), read by [`ApiResponse::typed_headers`](client_runtime::ApiResponse::typed_headers).",
            context.method_name,
            naming::unraw(&context.method_name)
        )];
        self.define(name.clone(), docs, &context.at, TypeKind::Headers(HeadersDef { fields }));
        Some(name)
    }

    /// The type of each event's data in a `text/event-stream` response. Its schema describes one
    /// event's data (the convention the vendors follow); without one, or with a plain string
    /// schema, the events are handed over raw.
    fn event_data(
        &mut self,
        media_type: &str,
        media: &openapiv3::MediaType,
        context: &OperationContext<'_>,
        type_base: &str,
        key: &str,
    ) -> EventData {
        let Some(schema) = &media.schema else { return EventData::Raw };
        let at = pointer(&context.at, &["responses", key, "content", media_type, "schema"]);
        let lowered = self.lower_schema(schema, &Hint::Derived(format!("{type_base}Event")), &at);
        match self.without_aliases(lowered.ty) {
            TypeRef::String => EventData::Raw,
            ty => EventData::Json(if lowered.nullable { TypeRef::Option(Box::new(ty)) } else { ty }),
        }
    }

    /// The boolean `stream` field of a JSON request body, which APIs that answer with either JSON
    /// or an event stream use to choose between them.
    fn stream_flag(&self, body: Option<&Body>) -> Option<StreamFlag> {
        let Some(BodyKind::Json(TypeRef::Named(name))) = body.filter(|b| b.required).map(|b| &b.kind) else {
            return None;
        };
        let Some(TypeKind::Struct(def)) = self.types.get(name).map(|t| &t.kind) else { return None };
        let field = def.fields.iter().find(|f| f.wire_name == "stream" && f.ty == TypeRef::Bool)?;
        Some(StreamFlag { rust_name: field.rust_name.clone(), optional: field.is_option() })
    }

    /// An error response's typed body: only JSON bodies are decoded; others stay raw.
    fn response_body(
        &mut self,
        response: &Response,
        context: &OperationContext<'_>,
        name: &str,
        key: &str,
    ) -> Option<TypeRef> {
        let (media_type, media) = preferred_media(&response.content)?;
        if media_class(media_type) != MediaClass::Json {
            return None;
        }
        let at = pointer(&context.at, &["responses", key, "content", media_type, "schema"]);
        let ty = match &media.schema {
            Some(schema) => option_if(self.lower_schema(schema, &Hint::Derived(name.to_owned()), &at)),
            None => TypeRef::Json,
        };
        Some(ty)
    }

    fn operation_auth(
        &mut self,
        context: &OperationContext<'_>,
        operation: &openapiv3::Operation,
    ) -> Option<AuthScheme> {
        let requirements = operation.security.as_ref().or(self.document.security.as_ref())?;
        let location = context.location(pointer(&context.at, &["security"]));
        let mut problems = Vec::new();
        for requirement in requirements.iter().filter(|r| !r.is_empty()) {
            if requirement.len() > 1 {
                problems.push(format!(
                    "a requirement combining {} at once is not supported yet",
                    requirement.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" and ")
                ));
                continue;
            }
            let Some(scheme_name) = requirement.keys().next() else { continue };
            match self.security_scheme(scheme_name) {
                Ok(auth) => return Some(auth),
                Err(problem) => problems.push(problem),
            }
        }
        if !problems.is_empty() {
            let message = format!("none of the operation's security requirements can be used: {}", problems.join("; "));
            self.diagnostics.error(location, message);
        }
        None
    }

    /// How the client's key is sent for a security scheme, or why it cannot be.
    fn security_scheme(&self, scheme_name: &str) -> Result<AuthScheme, String> {
        let scheme = self
            .document
            .components
            .as_ref()
            .and_then(|c| c.security_schemes.get(scheme_name))
            .and_then(ReferenceOr::as_item)
            .ok_or_else(|| {
                format!("security scheme `{scheme_name}` is not defined in `#/components/securitySchemes`")
            })?;
        match scheme {
            SecurityScheme::APIKey { location: openapiv3::APIKeyLocation::Header, name, .. } => {
                Ok(AuthScheme::Header(name.clone()))
            }
            SecurityScheme::APIKey { location: openapiv3::APIKeyLocation::Query, name, .. } => {
                Ok(AuthScheme::Query(name.clone()))
            }
            SecurityScheme::APIKey { location: openapiv3::APIKeyLocation::Cookie, .. } => {
                Err(format!("security scheme `{scheme_name}` puts the key in a cookie, which is not supported"))
            }
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => Ok(AuthScheme::Bearer),
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => Ok(AuthScheme::Basic),
            SecurityScheme::HTTP { scheme, .. } => Err(format!(
                "security scheme `{scheme_name}` uses HTTP `{scheme}` authentication, which is not supported"
            )),
            SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => Ok(AuthScheme::Bearer),
        }
    }

    /// Webhooks (3.1 `webhooks`) and callbacks are requests the API sends to its users: their
    /// payloads become types (named `<Name>Webhook` / `<Operation><Name>Callback`), so a server
    /// can decode them, but they get no client method.
    fn lower_webhooks_and_callbacks(&mut self) {
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

    /// Type aliases that expand to themselves (`A: {$ref: B}` and `B: {$ref: A}`, or an array of
    /// itself) define no type at all, and Rust rejects them. Each such cycle is refused once, at
    /// the schema of its first member, with the whole cycle named.
    fn refuse_alias_cycles(&mut self) {
        fn named(ty: &TypeRef, out: &mut Vec<String>) {
            match ty {
                TypeRef::Named(name) => out.push(name.clone()),
                TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Boxed(inner) => {
                    named(inner, out);
                }
                _ => {}
            }
        }
        let aliases: BTreeMap<&str, Vec<String>> = self
            .types
            .iter()
            .filter_map(|(name, def)| match &def.kind {
                TypeKind::Alias(target) => {
                    let mut targets = Vec::new();
                    named(target, &mut targets);
                    Some((name.as_str(), targets))
                }
                _ => None,
            })
            .collect();
        let mut reported: BTreeSet<String> = BTreeSet::new();
        let mut errors = Vec::new();
        for start in aliases.keys() {
            if reported.contains(*start) {
                continue;
            }
            // Depth-first over alias targets, keeping the path to report it.
            let mut stack: Vec<Vec<&str>> = vec![vec![start]];
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            while let Some(path) = stack.pop() {
                let last = path[path.len() - 1];
                let Some(targets) = aliases.get(last) else { continue };
                if let Some(_closing) = targets.iter().find(|t| t.as_str() == *start) {
                    let mut cycle: Vec<String> = path.iter().map(|name| (*name).to_owned()).collect();
                    reported.extend(cycle.iter().cloned());
                    cycle.push((*start).to_owned());
                    errors.push((self.types[*start].origin.clone(), cycle));
                    break;
                }
                for target in targets {
                    if let Some((name, _)) = aliases.get_key_value(target.as_str())
                        && seen.insert(name)
                    {
                        let mut next = path.clone();
                        next.push(name);
                        stack.push(next);
                    }
                }
            }
        }
        for (origin, cycle) in errors {
            let chain = cycle.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(" -> ");
            self.diagnostics.error(
                Location::Pointer(origin),
                format!(
                    "these schemas only refer to each other ({chain}), through `$ref`s, arrays or maps, so they never define a type; give one of them a type of its own"
                ),
            );
        }
    }

    /// A type that contains itself (directly, through `Option`, or through other types) would
    /// have infinite size. One edge per cycle is boxed: going through the types in name order,
    /// each field or variant whose target leads back to its own type is boxed, which breaks that
    /// cycle for every type on it. `Vec` and maps already add indirection, so cycles through
    /// them need nothing.
    fn box_recursive_types(&mut self) {
        let names: Vec<String> = self.types.keys().cloned().collect();
        for name in names {
            let targets: Vec<(usize, String)> = self.inline_edges(&name).into_iter().enumerate().collect();
            for (index, target) in targets {
                if target == name || self.reaches(&target, &name) {
                    self.box_edge(&name, index);
                }
            }
        }
    }

    /// Untagged unions are as large as their largest variant, so a struct (or file) variant
    /// beside a string would make every value that size: such variants are boxed.
    fn box_large_union_variants(&mut self) {
        let structs: BTreeSet<String> =
            self.types.iter().filter(|(_, t)| matches!(t.kind, TypeKind::Struct(_))).map(|(n, _)| n.clone()).collect();
        for def in self.types.values_mut() {
            let TypeKind::Union(union) = &mut def.kind else { continue };
            for variant in &mut union.variants {
                let large = match &variant.ty {
                    TypeRef::Named(name) => structs.contains(name),
                    TypeRef::File => true,
                    _ => false,
                };
                if large {
                    variant.ty = TypeRef::Boxed(Box::new(variant.ty.clone()));
                }
            }
        }
    }

    /// The named types a type holds without indirection, one entry per field or variant
    /// (an empty name where there is none).
    fn inline_edges(&self, name: &str) -> Vec<String> {
        fn target(ty: &TypeRef) -> String {
            match ty {
                TypeRef::Named(name) => name.clone(),
                TypeRef::Option(inner) => target(inner),
                _ => String::new(),
            }
        }
        match self.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(def)) => def.fields.iter().map(|f| target(&f.ty)).collect(),
            Some(TypeKind::Union(def)) => def.variants.iter().map(|v| target(&v.ty)).collect(),
            Some(TypeKind::Alias(ty)) => vec![target(ty)],
            _ => Vec::new(),
        }
    }

    fn reaches(&self, from: &str, to: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(current) = stack.pop() {
            if current == to {
                return true;
            }
            if current.is_empty() || !seen.insert(current.clone()) {
                continue;
            }
            stack.extend(self.inline_edges(&current));
        }
        false
    }

    fn box_edge(&mut self, name: &str, index: usize) {
        fn boxed(ty: &mut TypeRef) {
            match ty {
                TypeRef::Option(inner) => boxed(inner),
                TypeRef::Named(_) => *ty = TypeRef::Boxed(Box::new(ty.clone())),
                _ => {}
            }
        }
        match self.types.get_mut(name).map(|t| &mut t.kind) {
            Some(TypeKind::Struct(def)) => boxed(&mut def.fields[index].ty),
            Some(TypeKind::Union(def)) => boxed(&mut def.variants[index].ty),
            _ => {}
        }
    }

    /// Gives every type and field that the spec left undocumented a doc line saying where it
    /// comes from, so generated crates pass `missing_docs`.
    fn fill_missing_docs(&mut self, operations: &[Operation]) {
        for def in self.types.values_mut() {
            if def.docs.is_empty() {
                def.docs.push(origin_doc(&def.origin, operations));
            }
            match &mut def.kind {
                TypeKind::Struct(def) => {
                    for field in def.fields.iter_mut().filter(|f| f.docs.is_empty()) {
                        field.docs.push(format!("The `{}` property.", field.wire_name));
                    }
                }
                TypeKind::Params(def) => {
                    for param in def.params.iter_mut().filter(|p| p.docs.is_empty()) {
                        let place = if param.location == ParamLocation::Header { "header" } else { "query parameter" };
                        param.docs.push(format!("The `{}` {place}.", param.wire_name));
                    }
                }
                _ => {}
            }
        }
    }

    /// Turns the fields named in `secret_fields` into `Secret`s.
    fn apply_secret_fields(&mut self) {
        for entry in &self.settings.secret_fields {
            let Some((type_name, field_name)) = entry.split_once('.') else {
                self.diagnostics.error(
                    Location::File,
                    format!("provider settings: secret field `{entry}` must be written `TypeName.fieldName`"),
                );
                continue;
            };
            let field = match self.types.get_mut(type_name).map(|t| &mut t.kind) {
                Some(TypeKind::Struct(def)) => def.fields.iter_mut().find(|f| f.wire_name == field_name),
                _ => None,
            };
            match field {
                Some(field) if field.ty == TypeRef::String => field.ty = TypeRef::Secret,
                Some(_) => self.diagnostics.error(Location::File, format!("provider settings: secret field `{entry}` is not a string")),
                None => self.diagnostics.error(
                    Location::File,
                    format!("provider settings: secret field `{entry}` names no field of a generated struct (use the Rust type name and the wire field name)"),
                ),
            }
        }
    }
}

/// A doc line for a type the spec did not document, from where its schema is.
fn origin_doc(origin: &str, operations: &[Operation]) -> String {
    let unescape = crate::diagnostics::unescape_pointer_token;
    let property = origin.rsplit_once("/properties/").map(|(_, rest)| unescape(rest.split('/').next().unwrap_or(rest)));
    let is_item = origin.ends_with("/items") || origin.contains("/items/");
    let what = match (&property, is_item) {
        (Some(property), true) => format!("An item of the `{property}` property"),
        (Some(property), false) => format!("The value of the `{property}` property"),
        (None, true) => "An item".to_owned(),
        (None, false) => String::new(),
    };
    if let Some(rest) = origin.strip_prefix("#/components/schemas/") {
        let schema = unescape(rest.split('/').next().unwrap_or(rest));
        return if what.is_empty() {
            format!("The `{schema}` schema.")
        } else {
            format!("{what} of the `{schema}` schema.")
        };
    }
    let operation = operations
        .iter()
        .filter(|op| origin.starts_with(&pointer("#/paths", &[&op.path, op.http_method.path_item_key()])))
        .max_by_key(|op| op.path.len());
    let Some(operation) = operation else { return "A schema of the API.".to_owned() };
    let method = naming::unraw(&operation.method_name);
    let link = format!("[`Client::{method}`](crate::Client::{method})");
    let part = if origin.contains("/requestBody/") {
        "the request body"
    } else if origin.contains("/parameters/") {
        "a parameter"
    } else {
        "a response body"
    };
    if what.is_empty() { format!("The type of {part} of {link}.") } else { format!("{what} in {part} of {link}.") }
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

/// An operation's docs: its summary, then its description unless that only repeats the summary.
fn operation_docs(operation: &openapiv3::Operation) -> Vec<String> {
    let mut docs = Vec::new();
    if let Some(summary) = &operation.summary {
        docs.extend(docs::paragraphs(summary));
    }
    if let Some(description) =
        operation.description.as_ref().filter(|d| Some(d.trim()) != operation.summary.as_deref().map(str::trim))
    {
        docs.extend(docs::paragraphs(description));
    }
    docs
}

fn location_name(parameter: &Parameter) -> &'static str {
    match parameter {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

fn location_label(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query string",
        ParamLocation::Header => "headers",
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

fn bounds_doc(bounds: &Bounds) -> Option<String> {
    let text = match (bounds.minimum, bounds.maximum) {
        (Some(Bound { limit: min, exclusive: false }), Some(Bound { limit: max, exclusive: false })) => {
            format!("Must be between {min} and {max} (inclusive).")
        }
        (Some(min), Some(max)) => format!(
            "Must be {} {} and {} {}.",
            if min.exclusive { "greater than" } else { "at least" },
            min.limit,
            if max.exclusive { "less than" } else { "at most" },
            max.limit
        ),
        (Some(min), None) => {
            format!("Must be {} {}.", if min.exclusive { "greater than" } else { "at least" }, min.limit)
        }
        (None, Some(max)) => format!("Must be {} {}.", if max.exclusive { "less than" } else { "at most" }, max.limit),
        (None, None) => return None,
    };
    Some(format!("{text} Checked before the request is sent."))
}
