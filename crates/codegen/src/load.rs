//! Bytes to an `openapiv3::OpenAPI` document, with the OpenAPI 3.0 / 3.1 dialect difference
//! handled here and nowhere else: `parse`, then `normalize`, then `deserialize` (every
//! failure names the file and the place in it).
//!
//! `openapiv3` models OpenAPI 3.0 only, and it silently drops keywords it does not know. So a
//! 3.1 document is rewritten into its 3.0 equivalent *before* it is deserialized, on the plain
//! JSON value:
//!
//! | OpenAPI 3.1 spelling                           | rewritten as (3.0)                          |
//! |------------------------------------------------|---------------------------------------------|
//! | `type: [X, "null"]`                            | `type: X`, `nullable: true`                 |
//! | `anyOf`/`oneOf` with a `{type: 'null'}` member | the other members, `nullable: true`         |
//! | a single remaining member `$ref: R`            | `allOf: [{$ref: R}]` plus the outer keys    |
//! | `type: 'null'` alone                           | `x-null: true` (generated as `()`)          |
//! | numeric `exclusiveMinimum: n`                  | `minimum: n`, `exclusiveMinimum: true`      |
//! | `const: v`                                     | `enum: [v]`, `x-const: true`                |
//! | `examples: [v, ...]` in a schema               | `example: v`                                |
//! | `contentMediaType` / `contentEncoding: base64` | `format: binary` / `format: byte`           |
//! | no `responses` on an operation                 | `responses: {}`                             |
//! | `webhooks`                                     | `x-webhooks`                                |
//!
//! In both dialects a `$ref` with sibling keys (such as `nullable` or `description`) becomes
//! `allOf: [{$ref}]` with the siblings beside it, so those keys are not lost. Because of these
//! rewrites a 3.0 `nullable: true` field and its 3.1 spellings reach the lowering step as the
//! same document, and generate the same code.

use openapiv3::OpenAPI;
use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostics, Location, pointer, pointer_token};

/// Which OpenAPI dialect a document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    V30,
    V31,
}

/// The repairs and the 3.1-to-3.0 rewrites, on the value tree (the module docs list them).
pub(crate) fn normalize(raw: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), crate::Error> {
    let dialect = detect_dialect(raw, diagnostics)?;
    let version = match dialect {
        Dialect::V30 => "3.0",
        Dialect::V31 => "3.1",
    };
    repair_form_data_parameters(raw, diagnostics);
    crate::refs::inline_misplaced_refs(raw, version, diagnostics);
    repair_schemas(raw, dialect, diagnostics);
    crate::refs::hoist_deep_schema_refs(raw, diagnostics);
    normalize_document(raw, dialect);
    Ok(())
}

/// The normalized value tree as a typed `openapiv3` document.
pub(crate) fn deserialize(raw: &Value, diagnostics: &mut Diagnostics) -> Result<OpenAPI, crate::Error> {
    serde_path_to_error::deserialize::<_, OpenAPI>(raw).map_err(|error| {
        let pointer = json_pointer(error.path());
        let message = format!("not a valid OpenAPI document here: {}", error.inner());
        diagnostics.fatal(Location::Pointer(pointer), message)
    })
}

/// The bytes as a value tree: JSON when the text starts with `{`, else YAML.
pub(crate) fn parse(bytes: &[u8], diagnostics: &mut Diagnostics) -> Result<Value, crate::Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(diagnostics.fatal(Location::File, "the file is empty; expected an OpenAPI 3.0 or 3.1 document"));
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(diagnostics.fatal(Location::File, "the file is not UTF-8 text"));
    };
    let value = if text.trim_start().starts_with('{') {
        serde_json::from_str::<Value>(text).map_err(|error| {
            let location = Location::Line { line: error.line(), column: error.column() };
            diagnostics.fatal(location, format!("invalid JSON: {error}"))
        })?
    } else {
        crate::yaml::from_str(text).map_err(|error| {
            let location =
                error.location().map_or(Location::File, |at| Location::Line { line: at.line(), column: at.column() });
            diagnostics.fatal(location, format!("invalid YAML: {error}"))
        })?
    };
    if !value.is_object() {
        return Err(diagnostics.fatal(
            Location::Pointer("#".into()),
            "the document is not a mapping; expected an OpenAPI 3.0 or 3.1 document",
        ));
    }
    Ok(value)
}

fn detect_dialect(raw: &Value, diagnostics: &mut Diagnostics) -> Result<Dialect, crate::Error> {
    if let Some(version) = raw.get("swagger") {
        let message = format!(
            "this is a Swagger {} document; only OpenAPI 3.0 and 3.1 are supported (convert it first, for example with swagger2openapi)",
            version.as_str().unwrap_or("2.0")
        );
        return Err(diagnostics.fatal(Location::Pointer("#/swagger".into()), message));
    }
    let Some(version) = raw.get("openapi") else {
        return Err(diagnostics.fatal(
            Location::Pointer("#".into()),
            "no `openapi` version field; expected an OpenAPI 3.0 or 3.1 document",
        ));
    };
    match version.as_str() {
        Some(v) if v.starts_with("3.0") => Ok(Dialect::V30),
        Some(v) if v.starts_with("3.1") => Ok(Dialect::V31),
        _ => Err(diagnostics.fatal(
            Location::Pointer("#/openapi".into()),
            format!("unsupported OpenAPI version {version}; expected 3.0.x or 3.1.x"),
        )),
    }
}

/// The HTTP methods a path item holds operations under.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Schema keywords Swagger 2.0 writes on a parameter itself rather than in a `schema`.
const SWAGGER_2_PARAMETER_SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
];

/// One Swagger 2.0 `in: formData` parameter of an operation: its contents (a `$ref` already
/// followed) and where it is written.
struct FormParameter {
    parameter: Map<String, Value>,
    at: String,
}

/// Swagger 2.0 `in: formData` parameters in an OpenAPI 3 document (written by tools that
/// convert half way) become the operation's `requestBody`, as Swagger 2.0 meant them: an object
/// of one property per parameter, `required` as each parameter says, sent as
/// `multipart/form-data` when a parameter is a file or the operation `consumes` multipart, else
/// as `application/x-www-form-urlencoded`. Path-level ones apply to each operation of the path,
/// unless the operation declares a parameter of the same name. One warning per operation;
/// places inside the new body are reported at the parameters they came from.
fn repair_form_data_parameters(raw: &mut Value, diagnostics: &mut Diagnostics) {
    let components = raw.pointer("/components/parameters").cloned().unwrap_or(Value::Null);
    let root_consumes = raw.get("consumes").cloned();
    let resolve = |parameter: &Value, at: &str| -> Option<FormParameter> {
        let (parameter, at) = match parameter.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.strip_prefix("#/components/parameters/")?;
                let target = components.get(crate::diagnostics::unescape_pointer_token(name))?;
                (target, pointer("#/components/parameters", &[&crate::diagnostics::unescape_pointer_token(name)]))
            }
            None => (parameter, at.to_owned()),
        };
        (parameter.get("in").and_then(Value::as_str) == Some("formData"))
            .then(|| FormParameter { parameter: parameter.as_object().cloned().unwrap_or_default(), at })
    };
    // The `components/parameters` entries some operation's body took in, by pointer.
    let mut used: Vec<String> = Vec::new();
    for section in ["paths", "webhooks", "x-webhooks"] {
        let Some(Value::Object(items)) = raw.get_mut(section) else { continue };
        for (path, item) in items.iter_mut() {
            let item_at = pointer("#", &[section, path]);
            let Some(item) = item.as_object_mut() else { continue };
            let shared: Vec<(usize, FormParameter)> = list_form_parameters(item, &item_at, &resolve);
            for method in METHODS {
                let Some(Value::Object(operation)) = item.get_mut(method) else { continue };
                let operation_at = pointer(&item_at, &[method]);
                let own = list_form_parameters(operation, &operation_at, &resolve);
                let declared: Vec<String> = operation
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
                    .collect();
                let mut form: Vec<&FormParameter> = shared
                    .iter()
                    .map(|(_, p)| p)
                    .filter(|p| {
                        !p.parameter
                            .get("name")
                            .and_then(Value::as_str)
                            .is_some_and(|n| declared.iter().any(|d| d == n))
                    })
                    .collect();
                form.extend(own.iter().map(|(_, p)| p));
                if form.is_empty() {
                    continue;
                }
                used.extend(form.iter().filter(|p| p.at.starts_with("#/components/")).map(|p| p.at.clone()));
                move_into_body(operation, &operation_at, &form, root_consumes.as_ref(), diagnostics);
                remove_parameters(operation, &operation_at, &own, diagnostics);
            }
            if !shared.is_empty() {
                remove_parameters(item, &item_at, &shared, diagnostics);
            }
        }
    }
    if let Some(Value::Object(parameters)) = raw.pointer_mut("/components/parameters") {
        let names: Vec<String> = parameters
            .iter()
            .filter(|(_, p)| p.get("in").and_then(Value::as_str) == Some("formData"))
            .map(|(name, _)| name.clone())
            .collect();
        for name in names {
            parameters.remove(&name);
            let at = pointer("#/components/parameters", &[&name]);
            if !used.contains(&at) {
                diagnostics.warning(
                    Location::Pointer(at),
                    "a Swagger 2.0 `in: formData` parameter that no operation uses; it is left out",
                );
            }
        }
    }
}

/// The `in: formData` entries of the `parameters` list of a path item or operation, with their
/// indexes.
fn list_form_parameters(
    object: &Map<String, Value>,
    at: &str,
    resolve: &dyn Fn(&Value, &str) -> Option<FormParameter>,
) -> Vec<(usize, FormParameter)> {
    let Some(Value::Array(parameters)) = object.get("parameters") else { return Vec::new() };
    parameters
        .iter()
        .enumerate()
        .filter_map(|(index, parameter)| {
            resolve(parameter, &pointer(at, &["parameters", &index.to_string()])).map(|form| (index, form))
        })
        .collect()
}

/// Takes the given entries out of a `parameters` list; the others, moved up, are still reported
/// at their places in the file.
fn remove_parameters(
    object: &mut Map<String, Value>,
    at: &str,
    removed: &[(usize, FormParameter)],
    diagnostics: &mut Diagnostics,
) {
    let Some(Value::Array(parameters)) = object.get_mut("parameters") else { return };
    let mut kept = Vec::new();
    for (index, parameter) in std::mem::take(parameters).into_iter().enumerate() {
        if removed.iter().any(|(gone, _)| *gone == index) {
            continue;
        }
        if kept.len() != index {
            diagnostics.alias_pointer(
                pointer(at, &["parameters", &kept.len().to_string()]),
                pointer(at, &["parameters", &index.to_string()]),
            );
        }
        kept.push(parameter);
    }
    if kept.is_empty() {
        object.remove("parameters");
    } else {
        *parameters = kept;
    }
}

/// Makes the operation's request body of its form parameters (or, when it has one already,
/// leaves them out), with a warning at the operation.
fn move_into_body(
    operation: &mut Map<String, Value>,
    at: &str,
    form: &[&FormParameter],
    root_consumes: Option<&Value>,
    diagnostics: &mut Diagnostics,
) {
    let names: Vec<String> =
        form.iter().map(|p| format!("`{}`", p.parameter.get("name").and_then(Value::as_str).unwrap_or("?"))).collect();
    let names = names.join(", ");
    if operation.contains_key("requestBody") {
        diagnostics.warning(
            Location::Pointer(at.to_owned()),
            format!(
                "Swagger 2.0 `in: formData` parameters ({names}) beside a `requestBody`; OpenAPI 3 has no form parameters, and the request body already says what is sent, so they are left out"
            ),
        );
        return;
    }
    let consumes = operation.get("consumes").or(root_consumes);
    let says_multipart = consumes
        .and_then(Value::as_array)
        .is_some_and(|types| types.iter().any(|t| t.as_str().is_some_and(|t| t.starts_with("multipart/form-data"))));
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut has_file = false;
    for parameter in form {
        let Some(name) = parameter.parameter.get("name").and_then(Value::as_str) else { continue };
        let (schema, file) = form_property(&parameter.parameter);
        has_file |= file;
        properties.insert(name.to_owned(), Value::Object(schema));
        if parameter.parameter.get("required") == Some(&Value::Bool(true)) {
            required.push(Value::String(name.to_owned()));
        }
    }
    let media_type =
        if has_file || says_multipart { "multipart/form-data" } else { "application/x-www-form-urlencoded" };
    let mut schema = Map::new();
    schema.insert("type".into(), Value::String("object".into()));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required.clone()));
    }
    let mut media = Map::new();
    media.insert("schema".into(), Value::Object(schema));
    let mut content = Map::new();
    content.insert(media_type.into(), Value::Object(media));
    let mut body = Map::new();
    body.insert("required".into(), Value::Bool(!required.is_empty()));
    body.insert("content".into(), Value::Object(content));
    operation.insert("requestBody".into(), Value::Object(body));
    diagnostics.warning(
        Location::Pointer(at.to_owned()),
        format!(
            "Swagger 2.0 `in: formData` parameters ({names}) in an OpenAPI 3 document; they are read as Swagger 2.0 meant them: a `{media_type}` request body with one field per parameter"
        ),
    );
    // Places inside the new body are reported at the parameters they came from.
    let body_at = pointer(at, &["requestBody"]);
    diagnostics.alias_pointer(body_at.clone(), form[0].at.clone());
    let properties_at = pointer(&body_at, &["content", media_type, "schema", "properties"]);
    for parameter in form {
        let Some(name) = parameter.parameter.get("name").and_then(Value::as_str) else { continue };
        let original = if parameter.parameter.contains_key("schema") {
            pointer(&parameter.at, &["schema"])
        } else {
            parameter.at.clone()
        };
        diagnostics.alias_pointer(pointer(&properties_at, &[name]), original);
    }
}

/// The property schema of one form parameter: its `schema`, with the schema keywords Swagger
/// 2.0 writes on the parameter itself and its description; `type: file` is a binary string.
/// Also says whether it holds a file.
fn form_property(parameter: &Map<String, Value>) -> (Map<String, Value>, bool) {
    let mut schema = parameter.get("schema").and_then(Value::as_object).cloned().unwrap_or_default();
    for key in SWAGGER_2_PARAMETER_SCHEMA_KEYS {
        if let Some(value) = parameter.get(*key) {
            schema.entry(*key).or_insert_with(|| value.clone());
        }
    }
    if let Some(description) = parameter.get("description") {
        schema.entry("description").or_insert_with(|| description.clone());
    }
    fn files_to_binary(schema: &mut Map<String, Value>) -> bool {
        let mut file = false;
        if schema.get("type").and_then(Value::as_str) == Some("file") {
            schema.insert("type".into(), Value::String("string".into()));
            schema.insert("format".into(), Value::String("binary".into()));
            file = true;
        }
        if schema.get("type").and_then(Value::as_str) == Some("string")
            && schema.get("format").and_then(Value::as_str) == Some("binary")
        {
            file = true;
        }
        if let Some(Value::Object(items)) = schema.get_mut("items") {
            file |= files_to_binary(items);
        }
        file
    }
    let file = files_to_binary(&mut schema);
    (schema, file)
}

/// Fixes, with a warning at each place, what real specs get wrong in ways whose meaning is still
/// clear: JSON Schema 2020-12 (OpenAPI 3.1) keywords in a 3.0 document, which are then read as
/// 3.1 defines them, and integer bounds and enum values beyond what a 64-bit integer holds (what
/// JavaScript tools write for the limits, `18446744073709552000`), which are dropped instead of
/// failing the whole document.
fn repair_schemas(raw: &mut Value, dialect: Dialect, diagnostics: &mut Diagnostics) {
    crate::walk::schemas_mut(raw, &mut |schema, at| {
        if dialect == Dialect::V30 {
            for spelling in spellings_of_31(schema) {
                diagnostics.warning(
                    Location::Pointer(at.to_owned()),
                    format!("{spelling} is OpenAPI 3.1 (JSON Schema 2020-12) in a 3.0 document; it is read as 3.1 defines it"),
                );
            }
        }
        repair_integer_numbers(schema, at, diagnostics);
        drop_required_only_unions(schema, at, diagnostics);
    });
}

/// `anyOf`/`oneOf` members that only say which properties must be present (`[{required: [name]},
/// {required: [company]}]`: "one of these must be given") describe no shape a Rust type could
/// tell apart; every value they allow is an instance of the schema around them. They are
/// dropped, with a warning, so the schema is the object it declares (its fields as optional as
/// its own `required` makes them), and the rule is left for the server to check.
fn drop_required_only_unions(schema: &mut Map<String, Value>, at: &str, diagnostics: &mut Diagnostics) {
    const PRESENCE_KEYS: &[&str] = &["required", "minProperties", "maxProperties", "title", "description", "$comment"];
    let only_requires = |member: &Value| {
        member.as_object().is_some_and(|m| {
            (m.contains_key("required") || m.contains_key("minProperties"))
                && m.iter().all(|(key, value)| {
                    PRESENCE_KEYS.contains(&key.as_str())
                        || (key == "type" && value == "object")
                        || key.starts_with("x-")
                })
        })
    };
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = schema.get(key) else { continue };
        if members.is_empty() || !members.iter().all(only_requires) {
            continue;
        }
        schema.remove(key);
        if !schema.contains_key("type") && !schema.contains_key("allOf") && !schema.contains_key("$ref") {
            schema.insert("type".into(), Value::String("object".into()));
        }
        diagnostics.warning(
            Location::Pointer(pointer(at, &[key])),
            format!(
                "the members of this `{key}` only list properties that must be present; the generated type does not check that rule, and its fields are as optional as the schema's own `required` makes them"
            ),
        );
    }
}

/// The 3.1-only spellings a schema uses.
fn spellings_of_31(schema: &Map<String, Value>) -> Vec<&'static str> {
    let mut found = Vec::new();
    match schema.get("type") {
        Some(Value::Array(_)) => found.push("`type` as a list"),
        Some(Value::String(t)) if t == "null" => found.push("`type: 'null'`"),
        _ => {}
    }
    if schema.contains_key("const") {
        found.push("`const`");
    }
    for key in ["exclusiveMinimum", "exclusiveMaximum"] {
        if schema.get(key).is_some_and(Value::is_number) {
            found.push(if key == "exclusiveMinimum" {
                "a numeric `exclusiveMinimum`"
            } else {
                "a numeric `exclusiveMaximum`"
            });
        }
    }
    found
}

/// Integer schemas are generated as 64-bit integers: a bound, `multipleOf` or enum value that is
/// not one (beyond the range, or a fraction) is dropped with a warning; a whole float (`100.0`)
/// becomes the integer it is.
fn repair_integer_numbers(schema: &mut Map<String, Value>, at: &str, diagnostics: &mut Diagnostics) {
    let is_integer = match schema.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(types)) => {
            let types: Vec<&Value> = types.iter().filter(|t| t.as_str() != Some("null")).collect();
            types.len() == 1 && types[0] == "integer"
        }
        _ => false,
    };
    if !is_integer {
        return;
    }
    let as_integer = |value: &Value| -> Option<Value> {
        let number = value.as_number()?;
        if number.is_i64() {
            return Some(value.clone());
        }
        let float = number.as_f64()?;
        // -2^63 is exactly an f64; 2^63 is one past i64::MAX.
        let in_range = (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&float);
        #[allow(clippy::cast_possible_truncation)] // checked whole and in range just above
        (float.fract() == 0.0 && in_range).then(|| Value::from(float as i64))
    };
    for key in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"] {
        let Some(value) = schema.get(key) else { continue };
        if !value.is_number() {
            continue;
        }
        match as_integer(value) {
            Some(integer) => {
                schema.insert(key.to_owned(), integer);
            }
            None => {
                diagnostics.warning(
                    Location::Pointer(pointer(at, &[key])),
                    format!("`{key}: {value}` is not a 64-bit integer, which this integer is generated as; it is not checked"),
                );
                schema.remove(key);
            }
        }
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        let mut dropped = Vec::new();
        values.retain_mut(|value| {
            if value.is_null() || !value.is_number() {
                return true;
            }
            match as_integer(value) {
                Some(integer) => {
                    *value = integer;
                    true
                }
                None => {
                    dropped.push(value.to_string());
                    false
                }
            }
        });
        if !dropped.is_empty() {
            diagnostics.warning(
                Location::Pointer(pointer(at, &["enum"])),
                format!(
                    "the enum values {} are not 64-bit integers, which this enum is generated with; they are left out",
                    dropped.join(", ")
                ),
            );
        }
    }
}

fn normalize_document(raw: &mut Value, dialect: Dialect) {
    let Some(root) = raw.as_object_mut() else { return };
    if dialect == Dialect::V31
        && let Some(webhooks) = root.remove("webhooks")
    {
        root.insert("x-webhooks".into(), webhooks);
    }
    root.entry("paths").or_insert_with(|| Value::Object(Map::new()));
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for item in paths.values_mut() {
            add_missing_responses(item);
        }
    }
    if let Some(Value::Object(webhooks)) = root.get_mut("x-webhooks") {
        for item in webhooks.values_mut() {
            add_missing_responses(item);
        }
    }
    if let Some(Value::Object(schemas)) = root.get_mut("components").and_then(|c| c.get_mut("schemas")) {
        for schema in schemas.values_mut() {
            normalize_schema(schema, dialect);
        }
    }
    for (key, value) in root.iter_mut() {
        if key != "components" || !value.is_object() {
            normalize_schema_positions(value, dialect);
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        for (key, value) in components.iter_mut() {
            if key != "schemas" {
                normalize_schema_positions(value, dialect);
            }
        }
    }
}

/// 3.1 makes `responses` optional; `openapiv3` requires it.
fn add_missing_responses(path_item: &mut Value) {
    let Some(item) = path_item.as_object_mut() else { return };
    for method in METHODS {
        if let Some(Value::Object(operation)) = item.get_mut(method) {
            operation.entry("responses").or_insert_with(|| Value::Object(Map::new()));
        }
    }
}

/// Finds every `schema` key outside of schemas and example data, and normalizes its value.
fn normalize_schema_positions(value: &mut Value, dialect: Dialect) {
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                if crate::walk::is_data_key(key) {
                    continue;
                }
                if key == "schema" {
                    normalize_schema(child, dialect);
                } else {
                    normalize_schema_positions(child, dialect);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| normalize_schema_positions(item, dialect)),
        _ => {}
    }
}

fn is_null_schema(value: &Value) -> bool {
    if value.get("x-null") == Some(&Value::Bool(true)) {
        return true;
    }
    match value.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().all(|t| t == "null"),
        _ => false,
    }
}

/// Keywords that say something only about values of one JSON type.
fn keywords_of_type(json_type: &str) -> &'static [&'static str] {
    match json_type {
        "string" => &["format", "pattern", "minLength", "maxLength", "enum"],
        "integer" | "number" => {
            &["format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "enum"]
        }
        "array" => &["items", "minItems", "maxItems", "uniqueItems", "prefixItems"],
        "object" => &["properties", "required", "additionalProperties", "minProperties", "maxProperties"],
        _ => &[],
    }
}

/// The annotation keys `openapiv3` reads beside `allOf`, kept when an annotation-only member
/// merges into the schema around it.
const KEPT_ANNOTATIONS: &[&str] =
    &["nullable", "description", "title", "default", "example", "readOnly", "writeOnly", "deprecated", "externalDocs"];

/// Keys that constrain a value without saying what type it is; they have nothing to apply to
/// once their member merges away.
const CONSTRAINTS: &[&str] = &[
    "examples",
    "xml",
    "$comment",
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// Keys that describe a value or constrain it without saying what type it is: an `allOf` member
/// made only of these (`{nullable: true}`, `{description: ...}`, `{readOnly: true}`, the usual
/// 3.0 way to put siblings on a `$ref`) adds nothing to the type.
fn is_annotation_key(key: &str) -> bool {
    is_kept_annotation(key) || CONSTRAINTS.contains(&key)
}

/// Whether an annotation is kept on the schema around a member that merges away.
fn is_kept_annotation(key: &str) -> bool {
    KEPT_ANNOTATIONS.contains(&key) || key.starts_with("x-")
}

/// `allOf` members that only annotate (see [`is_annotation_key`]) merge into the schema around
/// them, the outer schema's own keys winning; `allOf: [{$ref: X}, {nullable: true}]` becomes a
/// nullable reference to `X`.
fn merge_annotation_members(schema: &mut Map<String, Value>) {
    let Some(Value::Array(members)) = schema.get_mut("allOf") else { return };
    let only_annotates = |member: &Value, type_too: bool| {
        member.as_object().is_some_and(|m| {
            !m.is_empty() && m.keys().all(|k| is_annotation_key(k) || (type_too && k == "type" && m[k].is_string()))
        })
    };
    // A member that only says `type: string` (with annotations) beside one that says which
    // strings (a `$ref` to an enum, a union) adds nothing either; the other member decides.
    let has_substance = members.iter().any(|member| !only_annotates(member, true));
    let is_annotation = |member: &Value| only_annotates(member, has_substance);
    if !members.iter().any(is_annotation) {
        return;
    }
    let (annotations, kept): (Vec<Value>, Vec<Value>) = std::mem::take(members).into_iter().partition(is_annotation);
    *members = kept;
    if members.is_empty() {
        schema.remove("allOf");
    }
    for annotation in annotations {
        let Value::Object(annotation) = annotation else { continue };
        for (key, value) in annotation {
            if key == "nullable" && value == Value::Bool(true) {
                schema.insert(key, value);
            } else if is_kept_annotation(&key) {
                schema.entry(key).or_insert(value);
            }
        }
    }
}

fn normalize_schema(value: &mut Value, dialect: Dialect) {
    // 3.1 boolean schemas: `true` allows anything, as `{}` does. `false` allows nothing, which no
    // Rust type says; where it is common (`items: false` after `prefixItems`, a property that
    // must be absent) it is dropped below, elsewhere it is read as `{}`.
    if value.is_boolean() {
        *value = Value::Object(Map::new());
    }
    let Some(schema) = value.as_object_mut() else { return };
    if schema.get("items") == Some(&Value::Bool(false)) || schema.get("items") == Some(&Value::Bool(true)) {
        schema.remove("items");
    }
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.retain(|_, property| *property != Value::Bool(false));
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = schema.get_mut(key) {
            members.retain(|member| *member != Value::Bool(false));
        }
    }

    // `$ref` with siblings: keep the siblings by moving the reference into `allOf`.
    if schema.contains_key("$ref") && schema.len() > 1 {
        let reference = schema.remove("$ref").unwrap_or(Value::Null);
        let mut target = Map::new();
        target.insert("$ref".into(), reference);
        schema.insert("allOf".into(), Value::Array(vec![Value::Object(target)]));
    }

    // 3.1 spellings in a 3.0 document (see `repair_schemas`) are read the 3.1 way.
    if dialect == Dialect::V31 || !spellings_of_31(schema).is_empty() {
        normalize_31_keywords(schema);
    }

    // An `enum` that lists `null` means the value is nullable.
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        let before = values.len();
        values.retain(|v| !v.is_null());
        if values.len() != before {
            schema.insert("nullable".into(), Value::Bool(true));
        }
    }

    merge_annotation_members(schema);

    // Recurse into subschemas.
    for key in ["items", "not", "additionalProperties", "unevaluatedItems", "contains", "if", "then", "else"] {
        // `additionalProperties: true/false` is 3.0 as much as 3.1, and means what it says.
        if let Some(child) = schema.get_mut(key).filter(|child| !(key == "additionalProperties" && child.is_boolean()))
        {
            normalize_schema(child, dialect);
        }
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(Value::Array(children)) = schema.get_mut(key) {
            children.iter_mut().for_each(|child| normalize_schema(child, dialect));
        }
    }
    for key in ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"] {
        if let Some(Value::Object(children)) = schema.get_mut(key) {
            children.values_mut().for_each(|child| normalize_schema(child, dialect));
        }
    }

    // `anyOf` / `oneOf` with `null` members (3.1's nullable; some 3.0 documents use it too).
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = schema.get_mut(key) else { continue };
        let before = members.len();
        members.retain(|member| !is_null_schema(member));
        if members.len() == before {
            continue;
        }
        if members.is_empty() {
            // Only `null` was allowed: a unit value, marked as a lone `type: 'null'` is.
            schema.remove(key);
            schema.insert("x-null".into(), Value::Bool(true));
            continue;
        }
        schema.insert("nullable".into(), Value::Bool(true));
        let remaining = match schema.get_mut(key) {
            Some(Value::Array(members)) if members.len() == 1 => members.pop(),
            _ => None,
        };
        if let Some(only) = remaining {
            schema.remove(key);
            match only {
                Value::Object(member) if member.contains_key("$ref") => {
                    if let Some(Value::Array(all_of)) = schema.get_mut("allOf") {
                        all_of.push(Value::Object(member));
                    } else {
                        schema.insert("allOf".into(), Value::Array(vec![Value::Object(member)]));
                    }
                }
                Value::Object(member) => {
                    // The outer schema's own keys (title, description, default) win.
                    for (k, v) in member {
                        schema.entry(k).or_insert(v);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Rewrites the keywords that 3.1 (JSON Schema 2020-12) spells differently from 3.0.
fn normalize_31_keywords(schema: &mut Map<String, Value>) {
    match schema.remove("type") {
        Some(Value::Array(types)) => {
            let mut types: Vec<String> = types.into_iter().filter_map(|t| t.as_str().map(str::to_owned)).collect();
            if types.iter().any(|t| t == "null") {
                schema.insert("nullable".into(), Value::Bool(true));
                types.retain(|t| t != "null");
            }
            match types.len() {
                0 => {
                    schema.insert("x-null".into(), Value::Bool(true));
                }
                1 => {
                    schema.insert("type".into(), Value::String(types.remove(0)));
                }
                _ => {
                    // Several types: one `anyOf` member per type, each with its own keywords.
                    let members = types
                        .iter()
                        .map(|t| {
                            let mut member = Map::new();
                            member.insert("type".into(), Value::String(t.clone()));
                            for keyword in keywords_of_type(t) {
                                if let Some(v) = schema.get(*keyword) {
                                    member.insert((*keyword).into(), v.clone());
                                }
                            }
                            Value::Object(member)
                        })
                        .collect();
                    for t in &types {
                        for keyword in keywords_of_type(t) {
                            schema.remove(*keyword);
                        }
                    }
                    schema.insert("anyOf".into(), Value::Array(members));
                }
            }
        }
        Some(Value::String(t)) if t == "null" => {
            schema.insert("x-null".into(), Value::Bool(true));
        }
        Some(other) => {
            schema.insert("type".into(), other);
        }
        None => {}
    }
    for (exclusive, inclusive) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(Value::Number(bound)) = schema.get(exclusive).cloned() {
            schema.insert(inclusive.into(), Value::Number(bound));
            schema.insert(exclusive.into(), Value::Bool(true));
        }
    }
    if let Some(constant) = schema.remove("const") {
        if constant.is_null() {
            schema.insert("x-null".into(), Value::Bool(true));
        } else {
            schema.insert("enum".into(), Value::Array(vec![constant]));
            schema.insert("x-const".into(), Value::Bool(true));
        }
    }
    if let Some(Value::Array(mut examples)) = schema.remove("examples")
        && !examples.is_empty()
        && !schema.contains_key("example")
    {
        schema.insert("example".into(), examples.swap_remove(0));
    }
    let encoding = schema.remove("contentEncoding");
    if schema.remove("contentMediaType").is_some() || encoding.is_some() {
        let format = if encoding.as_ref().and_then(Value::as_str) == Some("base64") { "byte" } else { "binary" };
        schema.entry("type").or_insert_with(|| Value::String("string".into()));
        schema.insert("format".into(), Value::String(format.into()));
    }
    for annotation in ["$schema", "$id", "$comment", "$anchor"] {
        schema.remove(annotation);
    }
}

/// Turns a serde path (`paths./auto/token.post`) into a JSON pointer.
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    let mut pointer = String::from("#");
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            serde_path_to_error::Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&pointer_token(key));
            }
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn normalized(dialect: Dialect, schema: Value) -> Value {
        let mut schema = schema;
        normalize_schema(&mut schema, dialect);
        schema
    }

    #[test]
    fn type_lists_with_null_become_nullable() {
        let schema = normalized(Dialect::V31, json!({"type": ["string", "null"], "title": "T"}));
        assert_eq!(schema, json!({"type": "string", "nullable": true, "title": "T"}));
    }

    #[test]
    fn any_of_with_null_and_a_reference_becomes_nullable_all_of() {
        let schema = normalized(
            Dialect::V31,
            json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}], "title": "Body"}),
        );
        assert_eq!(schema, json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true, "title": "Body"}));
    }

    #[test]
    fn any_of_with_null_and_an_inline_schema_merges_it() {
        let schema = normalized(Dialect::V31, json!({"anyOf": [{"type": "integer"}, {"type": "null"}], "default": -1}));
        assert_eq!(schema, json!({"type": "integer", "nullable": true, "default": -1}));
    }

    #[test]
    fn reference_with_nullable_sibling_keeps_it_in_both_dialects() {
        for dialect in [Dialect::V30, Dialect::V31] {
            let schema = normalized(dialect, json!({"$ref": "#/components/schemas/A", "nullable": true}));
            assert_eq!(schema, json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true}));
        }
    }

    #[test]
    fn numeric_exclusive_bounds_and_const() {
        let schema = normalized(
            Dialect::V31,
            json!({"type": "integer", "exclusiveMinimum": 0, "properties": {"k": {"const": "v"}}}),
        );
        assert_eq!(
            schema,
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "properties": {"k": {"enum": ["v"], "x-const": true}}})
        );
    }

    #[test]
    fn lone_null_type_is_marked() {
        assert_eq!(normalized(Dialect::V31, json!({"type": "null"})), json!({"x-null": true}));
    }

    #[test]
    fn annotation_only_all_of_members_merge_into_the_schema_around_them() {
        let schema = normalized(
            Dialect::V30,
            json!({"allOf": [{"$ref": "#/components/schemas/X"}, {"nullable": true, "description": "d", "maxLength": 3}]}),
        );
        assert_eq!(
            schema,
            json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true, "description": "d"})
        );
        let schema = normalized(
            Dialect::V30,
            json!({"description": "outer", "allOf": [{"description": "inner", "readOnly": true}, {"type": "object"}]}),
        );
        assert_eq!(schema, json!({"description": "outer", "readOnly": true, "allOf": [{"type": "object"}]}));
        // A bare `type` beside a reference to an enum says nothing the enum does not.
        let schema = normalized(
            Dialect::V30,
            json!({"allOf": [{"$ref": "#/components/schemas/Scope"}, {"type": "string", "description": "d"}]}),
        );
        assert_eq!(schema, json!({"allOf": [{"$ref": "#/components/schemas/Scope"}], "description": "d"}));
        // Without a member of substance, a typed member stays.
        let schema = normalized(Dialect::V30, json!({"allOf": [{"type": "string"}, {"maxLength": 3}]}));
        assert_eq!(schema, json!({"allOf": [{"type": "string"}]}));
    }

    #[test]
    fn boolean_schemas_are_read_as_what_they_allow() {
        let schema = normalized(
            Dialect::V31,
            json!({"type": "array", "prefixItems": [true, {"type": "string"}], "items": false}),
        );
        assert_eq!(schema, json!({"type": "array", "prefixItems": [{}, {"type": "string"}]}));
        let schema = normalized(
            Dialect::V31,
            json!({"type": "object", "properties": {"gone": false, "any": true}, "anyOf": [false, {"type": "object"}], "additionalProperties": false}),
        );
        assert_eq!(
            schema,
            json!({"type": "object", "properties": {"any": {}}, "anyOf": [{"type": "object"}], "additionalProperties": false})
        );
    }

    #[test]
    fn unions_of_only_null_are_marked_null_not_left_empty() {
        for key in ["anyOf", "oneOf"] {
            let schema = normalized(Dialect::V31, json!({key: [{"type": "null"}], "description": "d"}));
            assert_eq!(schema, json!({"x-null": true, "description": "d"}), "{key}");
        }
    }

    #[test]
    fn unions_that_only_list_required_properties_are_dropped_with_a_warning() {
        let mut diagnostics = Diagnostics::new("t.yaml");
        let mut schema = json!({"properties": {"a": {}, "b": {}}, "anyOf": [{"required": ["a"], "title": "t"}, {"required": ["b"]}]});
        drop_required_only_unions(schema.as_object_mut().unwrap(), "#/x", &mut diagnostics);
        assert_eq!(schema, json!({"type": "object", "properties": {"a": {}, "b": {}}}));
        assert_eq!(diagnostics.into_warnings()[0].location, Location::Pointer("#/x/anyOf".into()));
        // A member with a shape of its own keeps the union.
        let mut diagnostics = Diagnostics::new("t.yaml");
        let mut schema = json!({"oneOf": [{"required": ["a"]}, {"type": "string"}]});
        let before = schema.clone();
        drop_required_only_unions(schema.as_object_mut().unwrap(), "#/x", &mut diagnostics);
        assert_eq!(schema, before);
        assert!(diagnostics.into_warnings().is_empty());
    }

    #[test]
    fn multi_type_lists_become_any_of_with_their_keywords() {
        let schema = normalized(Dialect::V31, json!({"type": ["string", "integer"], "minimum": 1, "maxLength": 3}));
        assert_eq!(schema, json!({"anyOf": [{"type": "string", "maxLength": 3}, {"type": "integer", "minimum": 1}]}));
    }
}
