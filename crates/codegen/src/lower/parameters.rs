//! Parameters: path, query and header parameters, their types and bounds, and the path template.

use std::collections::BTreeSet;

use openapiv3::{Parameter, ParameterData, ParameterSchemaOrContent, ReferenceOr, Type};

use super::schema::{Hint, schema_docs};
use super::{Lowerer, MediaClass, OperationContext, media_class};
use crate::diagnostics::pointer;
use crate::ir::{Bound, Bounds, Number, Param, ParamEncoding, ParamLocation, TypeRef};
use crate::{docs, naming};

impl Lowerer<'_> {
    pub(super) fn resolve_parameter(
        &mut self,
        parameter: &ReferenceOr<Parameter>,
        context: &OperationContext<'_>,
        at: &str,
    ) -> Option<Parameter> {
        let location = context.location(at);
        self.resolve_component(parameter, "parameters", |c| &c.parameters, location)
    }

    /// A parameter whose type the spec does not give: a string.
    fn string_parameter(&self, data: &ParameterData, location: ParamLocation) -> Param {
        Param {
            rust_name: naming::snake_ident(&data.name),
            wire_name: data.name.clone(),
            location,
            ty: TypeRef::String,
            required: data.required || location == ParamLocation::Path,
            docs: data.description.as_deref().map(docs::paragraphs).unwrap_or_default(),
            bounds: Bounds::default(),
            example: data.example.clone(),
            encoding: ParamEncoding::Plain,
        }
    }

    pub(super) fn lower_parameter(
        &mut self,
        data: &ParameterData,
        location: ParamLocation,
        context: &OperationContext<'_>,
        type_base: &str,
        at: &str,
    ) -> Option<Param> {
        // A parameter is described by a `schema`, or by `content` with one media type: JSON
        // there means the value is sent as JSON text (`?filter={"a":1}`); any other media type
        // is read as its schema, formatted as usual.
        let (schema, schema_at, json_content) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => (schema, pointer(at, &["schema"]), false),
            ParameterSchemaOrContent::Content(content) => {
                let chosen = content.iter().find(|(_, media)| media.schema.is_some());
                let Some((media_type, schema)) = chosen.and_then(|(m, media)| media.schema.as_ref().map(|s| (m, s)))
                else {
                    self.diagnostics.warning(
                        context.location(at),
                        format!("parameter `{}` gives `content` without a schema; it is sent as a string", data.name),
                    );
                    return Some(self.string_parameter(data, location));
                };
                let json = matches!(media_class(media_type), MediaClass::Json);
                (schema, pointer(at, &["content", media_type, "schema"]), json)
            }
        };
        let hint = Hint::Derived(format!("{type_base}{}", naming::type_ident(&data.name)));
        let mut lowered = self.lower_schema(schema, &hint, &schema_at);
        lowered.ty = self.without_aliases(lowered.ty);
        let scalar = |ty: &TypeRef| crate::ir::is_display(&self.types, ty);
        let plain = match (&lowered.ty, location) {
            // Arrays repeat in the query (`form`) and are comma-separated in a header (`simple`).
            (TypeRef::Array(item), ParamLocation::Query | ParamLocation::Header) => scalar(item),
            (ty, _) => scalar(ty),
        };
        let encoding = if json_content && !matches!(lowered.ty, TypeRef::String) {
            ParamEncoding::Json
        } else if plain {
            ParamEncoding::Plain
        } else if location == ParamLocation::Query {
            // Objects and unions in the query are serialized and flattened (`deepObject` style).
            ParamEncoding::DeepObject
        } else if location == ParamLocation::Header {
            // OpenAPI's `simple` style would write an object as `key,value,key,value`, which
            // APIs that take structured headers rarely mean; they take JSON.
            self.diagnostics.warning(
                context.location(schema_at.as_str()),
                format!("header parameter `{}` is not a scalar; it is sent as JSON text", data.name),
            );
            ParamEncoding::Json
        } else {
            self.diagnostics.error(
                context.location(schema_at),
                format!("parameter `{}` has a type that cannot be sent in the {}; only scalars (and arrays of scalars in the query or a header) are supported", data.name, location_label(location)),
            );
            return None;
        };
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
            bounds = schema_bounds(schema);
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
        // A query string or a header has no `null`: a required parameter that may be null is an
        // `Option`, and `None` leaves it out, as RFC 6570 does with an undefined value.
        let nullable_required = data.required && lowered.nullable && location != ParamLocation::Path;
        if nullable_required {
            docs.push("Required, but may be null: `None` leaves it out.".to_owned());
        }
        Some(Param {
            rust_name: naming::snake_ident(&data.name),
            wire_name: data.name.clone(),
            location,
            ty: lowered.ty,
            required: (data.required && !nullable_required) || location == ParamLocation::Path,
            docs,
            bounds,
            example,
            encoding,
        })
    }

    /// Makes the path parameters match the path's `{placeholders}`. Specs get this wrong in the
    /// wild (Simli declares `session_id` of `/auto/transcript/{session_id}` as a query
    /// parameter), so a mismatch is a warning with a documented fallback: a same-named query
    /// parameter moves into the path, and a placeholder nobody declares becomes a string path
    /// parameter. A path parameter without a placeholder is an error.
    pub(super) fn reconcile_path_template(
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
                        encoding: ParamEncoding::Plain,
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
        // A path parameter the path has no place for cannot be sent; the operation is still
        // usable without it.
        path_params.retain(|param| {
            let placed = placeholders.contains(&param.wire_name);
            if !placed {
                self.diagnostics.warning(
                    location(),
                    format!(
                        "path parameter `{}` has no `{{{}}}` placeholder in the path, so it cannot be sent; the method has no argument for it",
                        param.wire_name, param.wire_name
                    ),
                );
            }
            placed
        });
        // Arguments follow the order of the placeholders in the path.
        path_params.sort_by_key(|p| placeholders.iter().position(|name| name == &p.wire_name));
    }
}

pub(super) fn location_name(parameter: &Parameter) -> &'static str {
    match parameter {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

pub(super) fn location_label(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query string",
        ParamLocation::Header => "headers",
    }
}

/// The `minimum` and `maximum` of an integer or number schema.
pub(super) fn schema_bounds(schema: &openapiv3::Schema) -> Bounds {
    let mut bounds = Bounds::default();
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
    bounds
}

pub(super) fn bounds_doc(bounds: &Bounds) -> Option<String> {
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
