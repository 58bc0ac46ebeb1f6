//! Operations: method names, parameters merged and sorted, and the types each operation defines.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{Parameter, ReferenceOr};

use super::parameters::location_name;
use super::{Lowerer, OperationContext};
use crate::diagnostics::{Location, pointer};
use crate::ir::{
    AuthScheme, AuthUse, CredentialRef, DerivedNames, ErrorVariant, ErrorsDef, HttpMethod, Operation, Param,
    ParamLocation, ParamsDef, StreamKind, TypeKind,
};
use crate::{docs, naming};

impl Lowerer<'_> {
    /// How each operation is named. Without an operationId: whether its path is a collection
    /// (another path adds one parameter segment to it) and whether its derived name collides.
    /// With one: whether stripping FastAPI's suffix would give another operation's name.
    pub(super) fn path_naming(&self) -> BTreeMap<(String, String), naming::PathNaming> {
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

    pub(super) fn lower_operations(&mut self) -> Vec<Operation> {
        let names = self.name_operations();
        let mut operations = Vec::new();
        for (path, item) in &self.document.paths.paths {
            let ReferenceOr::Item(item) = item else { continue };
            for (method, operation) in item.iter() {
                let Some(http_method) = HttpMethod::from_path_item_key(method) else { continue };
                let Some((id, method_name)) = names.get(&(path.clone(), method.to_owned())).cloned() else { continue };
                let at = pointer("#/paths", &[path, method]);
                let context = OperationContext { id, at, path, http_method, method_name };
                let lowered = self.lower_operation(&context, &item.parameters, operation);
                operations.push((lowered, context.at));
            }
        }
        self.name_derived_methods(&mut operations);
        operations.into_iter().map(|(operation, _)| operation).collect()
    }

    /// Every operation's id (for settings and messages) and method name, by path and method.
    ///
    /// The id is the operationId, or `METHOD /path` without one; operations that share an
    /// operationId (official specs reuse `update` or `list` across paths) get `METHOD /path`
    /// too, with a warning naming all of them. Method names come from the settings, the
    /// operationId or the path (see [`naming::method_name`]); an operationId shared with
    /// another adds the path's words (`update_teams`), and a method name that is already taken
    /// (by another operation, or the client's own methods) does the same, with a warning, and
    /// then a number. Spec order decides who keeps a name, so the result is deterministic.
    /// The client's method names that operations must stay off, each with who has it: the
    /// client's own, and `MintToken`'s when the settings describe a token operation.
    fn own_method_names(&self) -> Vec<(&'static str, &'static str)> {
        let own = crate::ir::CLIENT_METHODS.iter().map(|name| (*name, "the client's own method"));
        let mint = crate::ir::MINT_TOKEN_METHODS.iter().map(|name| (*name, "a method of the `MintToken` trait"));
        own.chain(mint.filter(|_| self.settings.token.is_some())).collect()
    }

    fn name_operations(&mut self) -> BTreeMap<(String, String), (String, String)> {
        let path_naming = self.path_naming();
        let mut listed: Vec<(String, String, Option<String>)> = Vec::new();
        for (path, item) in &self.document.paths.paths {
            let ReferenceOr::Item(item) = item else {
                if let ReferenceOr::Reference { reference } = item {
                    self.diagnostics.error(
                        Location::Pointer(pointer("#/paths", &[path])),
                        format!("path items given by `$ref: {reference}` are not supported; inline the path item"),
                    );
                }
                continue;
            };
            for (method, operation) in item.iter() {
                listed.push((path.clone(), method.to_owned(), operation.operation_id.clone()));
            }
        }
        let mut places_of_id: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (path, method, id) in &listed {
            if let Some(id) = id {
                places_of_id.entry(id).or_default().push(pointer("#/paths", &[path, method]));
            }
        }
        let mut names = BTreeMap::new();
        let mut ids: BTreeSet<String> = BTreeSet::new();
        let mut owners: BTreeMap<String, String> =
            self.own_method_names().into_iter().map(|(name, owner)| (name.to_owned(), owner.to_owned())).collect();
        for (path, method, operation_id) in &listed {
            let at = pointer("#/paths", &[path, method]);
            let place = format!("{} {path}", method.to_ascii_uppercase());
            let shared = operation_id.as_deref().and_then(|id| places_of_id.get(id).filter(|places| places.len() > 1));
            let id = match (operation_id, shared) {
                (Some(id), None) => id.clone(),
                (Some(operation_id), Some(places)) => {
                    self.diagnostics.warning(
                        Location::operation(&place, at.as_str()),
                        format!(
                            "operationId `{operation_id}` is used {} times ({}); each of these operations is named by its method and path, `{place}` here, in the settings and in messages",
                            places.len(),
                            places.join(", ")
                        ),
                    );
                    place.clone()
                }
                (None, _) => place.clone(),
            };
            ids.insert(id.clone());
            let override_name = self.settings.operations.get(&id).and_then(|o| o.method_name.clone());
            let mut method_name = match (&override_name, operation_id, shared) {
                (Some(name), _, _) => naming::snake_ident(name),
                (None, Some(operation_id), Some(_)) => {
                    naming::snake_ident(&format!("{operation_id} {}", naming::path_words(path)))
                }
                (None, _, _) => {
                    let how = path_naming.get(&(path.clone(), method.clone())).copied().unwrap_or_default();
                    naming::method_name(operation_id.as_deref(), method, path, how)
                }
            };
            if let Some(other) = owners.get(naming::unraw(&method_name)).cloned() {
                if override_name.is_some() {
                    self.diagnostics.error(
                        Location::operation(&id, at.as_str()),
                        format!("the settings name this operation's method `{method_name}`, which {other} already has"),
                    );
                    continue;
                }
                let wanted = naming::snake_ident(&format!("{method_name} {}", naming::path_words(path)));
                let mut taken: BTreeSet<String> = owners.keys().cloned().collect();
                let renamed = naming::unique(wanted, &mut taken);
                self.diagnostics.warning(
                    Location::operation(&id, at.as_str()),
                    format!(
                        "method name `{method_name}` is also derived for {other}; this one is `{renamed}` (set `operations.\"{id}\".method_name` in the provider settings to choose)"
                    ),
                );
                method_name = renamed;
            }
            owners.insert(naming::unraw(&method_name).to_owned(), format!("operation `{id}`"));
            names.insert((path.clone(), method.clone()), (id, method_name));
        }
        for key in self.settings.operations.keys() {
            if !ids.contains(key) {
                self.diagnostics.error(
                    Location::File,
                    format!(
                        "provider settings: `[operations.\"{key}\"]` matches no operation; use an operationId, or `METHOD /path` for an operation without one (or for one whose operationId is shared)"
                    ),
                );
            }
        }
        names
    }

    /// Names the derived methods (`<name>_with_response`, `<name>_stream`). The spec's own names
    /// win: a derived name that another operation's method (or the client's) already has
    /// becomes `<name>_with_raw_response`, `<name>_byte_stream` or `<name>_event_stream`, then
    /// numbered, with a warning.
    fn name_derived_methods(&mut self, operations: &mut [(Operation, String)]) {
        let mut taken: BTreeSet<String> =
            self.own_method_names().into_iter().map(|(name, _)| name.to_owned()).collect();
        taken.extend(operations.iter().map(|(operation, _)| naming::unraw(&operation.method_name).to_owned()));
        for (operation, at) in operations.iter_mut() {
            let main = naming::unraw(&operation.method_name).to_owned();
            if let Some(name) = operation.with_response_name() {
                if taken.contains(&name) {
                    let renamed = naming::unique(format!("{main}_with_raw_response"), &mut taken);
                    self.diagnostics.warning(
                        Location::operation(&operation.id, at.as_str()),
                        format!("`{name}` is another operation's method; this operation's is `{renamed}`"),
                    );
                    operation.derived_names.with_response = Some(renamed);
                } else {
                    taken.insert(name);
                }
            }
            if let Some(name) = operation.stream_name() {
                if taken.contains(&name) {
                    let kind = match operation.success.stream.as_ref().map(|s| &s.kind) {
                        Some(StreamKind::Events(_)) => "event_stream",
                        _ => "byte_stream",
                    };
                    let renamed = naming::unique(format!("{main}_{kind}"), &mut taken);
                    self.diagnostics.warning(
                        Location::operation(&operation.id, at.as_str()),
                        format!(
                            "`{name}` is another operation's method; this operation's stream method is `{renamed}`"
                        ),
                    );
                    operation.derived_names.stream = Some(renamed);
                } else {
                    taken.insert(name);
                }
            }
        }
    }

    /// One operation: its parameters, body and responses, and the types they need.
    pub(super) fn lower_operation(
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
            derived_names: DerivedNames::default(),
            tags: operation.tags.clone(),
            features: Vec::new(),
        }
    }

    /// The parameters of the path item and the operation, resolved, where operation-level ones
    /// override path-level ones with the same name and location; each with its pointer.
    pub(super) fn merge_parameters(
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
    pub(super) fn classify_parameters(
        &mut self,
        context: &OperationContext<'_>,
        parameters: &[(String, Parameter)],
        type_base: &str,
        auth: &mut Vec<AuthUse>,
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
                        *auth = vec![AuthUse {
                            credential: CredentialRef::ApiKey,
                            scheme: AuthScheme::Header(data.name.clone()),
                        }];
                        continue;
                    }
                    // A header the security requirement already sends is the credential, not
                    // an argument the caller passes again.
                    let sent = auth.iter().any(
                        |u| matches!(&u.scheme, AuthScheme::Header(name) if name.eq_ignore_ascii_case(&data.name)),
                    );
                    if sent {
                        continue;
                    }
                    ParamLocation::Header
                }
                Parameter::Cookie { .. } => {
                    // Browsers' business more than an API client's: the method is generated
                    // without it, and a caller who needs it sets a `Cookie` default header.
                    self.diagnostics.warning(
                        context.location(at.as_str()),
                        format!("cookie parameter `{}` is not sent by the generated method; set a `Cookie` default header on the client if the API needs it", data.name),
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
    pub(super) fn define_params_type(
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
    pub(super) fn define_errors_type(
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
    pub(super) fn define_for_operation(
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
}

/// An operation's docs: its summary, then its description unless that only repeats the summary.
pub(super) fn operation_docs(operation: &openapiv3::Operation) -> Vec<String> {
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
