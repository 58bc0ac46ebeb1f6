//! Visiting every schema of a raw (not yet parsed) document with its JSON pointer: the one
//! place that knows where schemas can be, for the passes that run before parsing.

use serde_json::{Map, Value};

use crate::diagnostics::pointer;

/// The keys under which a schema holds one other schema.
const SUBSCHEMA_ONE: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "propertyNames",
];
/// The keys under which a schema holds a list of schemas.
const SUBSCHEMA_LIST: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// The keys under which a schema holds a map of schemas.
const SUBSCHEMA_MAP: &[&str] = &["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];

/// Example values and extensions hold data, never schemas.
pub(crate) fn is_data_key(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// Calls `visit` on every schema object of the document, outer schemas before the ones inside
/// them, with its pointer: component schemas, every `schema` outside schemas and example data,
/// and the schemas inside those.
pub(crate) fn schemas_mut(raw: &mut Value, visit: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    let Some(root) = raw.as_object_mut() else { return };
    for (key, value) in root.iter_mut() {
        if key == "components" {
            let Some(components) = value.as_object_mut() else { continue };
            for (section, entries) in components.iter_mut() {
                let at = pointer("#/components", &[section]);
                if section == "schemas" {
                    if let Some(schemas) = entries.as_object_mut() {
                        for (name, schema) in schemas.iter_mut() {
                            schema_tree(schema, &pointer(&at, &[name]), visit);
                        }
                    }
                } else {
                    positions(entries, &at, visit);
                }
            }
        } else if !is_data_key(key) {
            positions(value, &pointer("#", &[key]), visit);
        }
    }
}

/// Finds every `schema` key outside of schemas and example data.
fn positions(value: &mut Value, at: &str, visit: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                if is_data_key(key) {
                    continue;
                }
                let child_at = pointer(at, &[key]);
                if key == "schema" {
                    schema_tree(child, &child_at, visit);
                } else {
                    positions(child, &child_at, visit);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                positions(item, &pointer(at, &[&index.to_string()]), visit);
            }
        }
        _ => {}
    }
}

/// A schema and every schema inside it.
fn schema_tree(schema: &mut Value, at: &str, visit: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    let Some(object) = schema.as_object_mut() else { return };
    visit(object, at);
    for key in SUBSCHEMA_ONE {
        if let Some(child) = object.get_mut(*key) {
            schema_tree(child, &pointer(at, &[key]), visit);
        }
    }
    for key in SUBSCHEMA_LIST {
        if let Some(Value::Array(children)) = object.get_mut(*key) {
            for (index, child) in children.iter_mut().enumerate() {
                schema_tree(child, &pointer(at, &[key, &index.to_string()]), visit);
            }
        }
    }
    for key in SUBSCHEMA_MAP {
        if let Some(Value::Object(children)) = object.get_mut(*key) {
            for (name, child) in children.iter_mut() {
                schema_tree(child, &pointer(at, &[key, name]), visit);
            }
        }
    }
}
