//! `$ref`s that point anywhere in the document, not only at `#/components/schemas/<name>`.
//!
//! Real specs point schemas at `#/components/schemas/Params/properties/limit`,
//! `#/components/parameters/cursor/schema`,
//! `#/components/responses/Conflict/content/application~1json/schema` or
//! `#/components/schemas/Tag/allOf/0`. Before the document is parsed, each such target is moved
//! into `components/schemas` under a name made from where it was (`ParamsLimit`,
//! `CursorParam`, `ConflictResponse`, `TagPart1`), the place it was moved from refers to it
//! there, and every `$ref` to it is rewritten. Both the place and its referrers then share one
//! generated type, and the rest of the generator only ever sees component references.
//!
//! Targets are resolved as JSON Pointers (RFC 6901), following `$ref`s met on the way, with a
//! guard against cycles. A target that does not exist, or that is a parameter, response or
//! other non-schema object, is an error at the referring place. Diagnostics about a moved
//! schema name the place it was moved from, which is where it is in the user's file.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostics, Location, pointer, pointer_token, unescape_pointer_token};
use crate::naming;

/// Moves every schema that a `$ref` points at, outside `#/components/schemas/<name>`, into
/// `components/schemas`, and rewrites the references.
pub(crate) fn hoist_deep_schema_refs(raw: &mut Value, diagnostics: &mut Diagnostics) {
    let mut sites: Vec<(String, String)> = Vec::new();
    crate::walk::schemas_mut(raw, &mut |schema, at| {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            sites.push((at.to_owned(), reference.to_owned()));
        }
    });
    // Each distinct target, by its tokens, with the first place that refers to it.
    let mut targets: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for (site, reference) in &sites {
        let Some(tokens) = deep_target(reference) else { continue };
        targets.entry(tokens).or_insert_with(|| site.clone());
    }
    if targets.is_empty() {
        return;
    }
    let mut taken: BTreeSet<String> = component_schema_names(raw);
    let mut moved: BTreeMap<Vec<String>, Replacement> = BTreeMap::new();
    let mut ordered: Vec<(Vec<String>, String)> = targets.into_iter().collect();
    // Deepest first, so a target inside another is moved before the one around it, and the outer
    // one then carries a reference to it instead of a second copy.
    ordered.sort_by_key(|(tokens, _)| std::cmp::Reverse(tokens.len()));
    for (tokens, site) in ordered {
        let Some(concrete) = resolve(raw, &tokens) else {
            diagnostics.error(
                Location::Pointer(site),
                format!("`$ref: {}` points at nothing in this document", display_pointer(&tokens)),
            );
            // Reported once: the referrers become free-form, so lowering says nothing more.
            moved.insert(tokens, Replacement::Inline(Value::Object(Map::new())));
            continue;
        };
        if let Some(section) = non_schema_section(&concrete) {
            diagnostics.error(
                Location::Pointer(site),
                format!(
                    "`$ref: {}` points at an entry of `components/{section}`, which is not a schema",
                    display_pointer(&tokens)
                ),
            );
            moved.insert(tokens, Replacement::Inline(Value::Object(Map::new())));
            continue;
        }
        if is_component_schema(&concrete) {
            // It led (through other references) to a whole component schema: point there.
            moved.insert(tokens, Replacement::Component(concrete[2].clone()));
            continue;
        }
        let Some(target) = value_at(raw, &concrete) else { continue };
        if !needs_a_name(target) {
            // A plain value (`{type: integer, maximum: 100}`): each referrer gets its own copy, so
            // parameters keep their bounds and no alias is generated for an `i64`.
            moved.insert(tokens, Replacement::Inline(target.clone()));
            continue;
        }
        let name = naming::unique(synthetic_name(&concrete), &mut taken);
        let Some(slot) = value_at_mut(raw, &concrete) else { continue };
        let schema = std::mem::replace(slot, reference_to(&name));
        if let Some(schemas) = component_schemas_mut(raw) {
            schemas.insert(name.clone(), schema);
        }
        diagnostics.alias_pointer(pointer("#/components/schemas", &[&name]), display_pointer(&concrete));
        moved.insert(tokens, Replacement::Component(name));
    }
    rewrite_references(raw, &moved);
}

/// What a reference to a moved target becomes.
enum Replacement {
    /// A reference to this component schema.
    Component(String),
    /// A copy of this schema, in place of the reference.
    Inline(Value),
}

/// Whether a schema becomes a named type (an object, an enum, a union, a reference) somewhere
/// inside, so copies of it would generate the same type twice.
fn needs_a_name(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else { return false };
    const NAMED: &[&str] = &["properties", "enum", "const", "oneOf", "anyOf", "allOf", "$ref", "patternProperties"];
    if NAMED.iter().any(|key| object.contains_key(*key)) {
        return true;
    }
    ["items", "additionalProperties", "prefixItems", "not"].iter().filter_map(|key| object.get(*key)).any(|child| {
        match child {
            Value::Array(children) => children.iter().any(needs_a_name),
            child => needs_a_name(child),
        }
    })
}

/// `#/a/b` as tokens, when it is a local reference that is not a whole component schema.
fn deep_target(reference: &str) -> Option<Vec<String>> {
    let tokens = parse_pointer(reference)?;
    (!is_component_schema(&tokens)).then_some(tokens)
}

fn parse_pointer(reference: &str) -> Option<Vec<String>> {
    let rest = reference.strip_prefix('#')?;
    if rest.is_empty() {
        return Some(Vec::new());
    }
    let rest = rest.strip_prefix('/')?;
    Some(rest.split('/').map(unescape_pointer_token).collect())
}

fn display_pointer(tokens: &[String]) -> String {
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    pointer("#", &tokens)
}

fn is_component_schema(tokens: &[String]) -> bool {
    tokens.len() == 3 && tokens[0] == "components" && tokens[1] == "schemas"
}

/// The section, when the tokens name a whole entry of a components section other than schemas.
fn non_schema_section(tokens: &[String]) -> Option<&str> {
    (tokens.len() == 3 && tokens[0] == "components" && tokens[1] != "schemas").then(|| tokens[1].as_str())
}

fn reference_to(name: &str) -> Value {
    let mut object = Map::new();
    object.insert("$ref".into(), Value::String(format!("#/components/schemas/{}", pointer_token(name))));
    Value::Object(object)
}

fn component_schema_names(raw: &Value) -> BTreeSet<String> {
    raw.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default()
}

fn component_schemas_mut(raw: &mut Value) -> Option<&mut Map<String, Value>> {
    let root = raw.as_object_mut()?;
    let components = root.entry("components").or_insert_with(|| Value::Object(Map::new())).as_object_mut()?;
    components.entry("schemas").or_insert_with(|| Value::Object(Map::new())).as_object_mut()
}

/// The tokens of the place a pointer leads to, following `$ref`s met on the way (at most 32).
fn resolve(raw: &Value, tokens: &[String]) -> Option<Vec<String>> {
    let mut path: Vec<String> = Vec::new();
    let mut queue: Vec<String> = tokens.iter().rev().cloned().collect();
    let mut hops = 0;
    while let Some(token) = queue.pop() {
        let current = value_at(raw, &path)?;
        let current = match current.get("$ref").and_then(Value::as_str) {
            // A reference on the way: continue from its target.
            Some(reference) if current.get(&token).is_none() => {
                hops += 1;
                if hops > 32 {
                    return None;
                }
                path = parse_pointer(reference)?;
                queue.push(token);
                continue;
            }
            _ => current,
        };
        match current {
            Value::Object(object) => {
                object.get(&token)?;
            }
            Value::Array(items) => {
                let index: usize = token.parse().ok()?;
                items.get(index)?;
            }
            _ => return None,
        }
        path.push(token);
    }
    Some(path)
}

fn value_at<'a>(raw: &'a Value, tokens: &[String]) -> Option<&'a Value> {
    tokens.iter().try_fold(raw, |value, token| match value {
        Value::Object(object) => object.get(token),
        Value::Array(items) => items.get(token.parse::<usize>().ok()?),
        _ => None,
    })
}

fn value_at_mut<'a>(raw: &'a mut Value, tokens: &[String]) -> Option<&'a mut Value> {
    tokens.iter().try_fold(raw, |value, token| match value {
        Value::Object(object) => object.get_mut(token),
        Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?),
        _ => None,
    })
}

/// A type name from where a schema was: the entry's name, then the parts of the path that say
/// something (property names, `Item`, `Value`, `Part1` for an `allOf` member, `Variant1` for a
/// union member, the status of a response), and for entries of other sections what they are.
fn synthetic_name(tokens: &[String]) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut rest: &[String] = tokens;
    match tokens {
        [components, section, name, tail @ ..] if components == "components" => {
            words.push(name.clone());
            match section.as_str() {
                "parameters" => words.push("Param".into()),
                "responses" => words.push("Response".into()),
                "requestBodies" => words.push("Request".into()),
                "headers" => words.push("Header".into()),
                _ => {}
            }
            rest = tail;
        }
        [paths, path, method, tail @ ..] if paths == "paths" => {
            words.push(method.clone());
            words.push(path.clone());
            rest = tail;
        }
        _ => {}
    }
    let mut index = 0;
    while index < rest.len() {
        let token = rest[index].as_str();
        let next = rest.get(index + 1).map(String::as_str);
        match token {
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" | "content"
            | "schema" | "parameters" | "headers" => {}
            "items" | "prefixItems" => words.push("Item".into()),
            "additionalProperties" => words.push("Value".into()),
            "requestBody" => words.push("Request".into()),
            "responses" => {
                words.push(format!("{} Response", next.unwrap_or_default()));
                index += 1;
            }
            "allOf" | "anyOf" | "oneOf" => {
                let position = next.and_then(|n| n.parse::<usize>().ok()).map_or(1, |n| n + 1);
                let word = if token == "allOf" { "Part" } else { "Variant" };
                words.push(format!("{word}{position}"));
                index += 1;
            }
            media if media.contains('/') => {}
            other => words.push(other.to_owned()),
        }
        index += 1;
    }
    naming::unreserved_type_name(naming::type_ident(&words.join(" ")))
}

/// Rewrites every `$ref` (outside example data) whose target was moved: to the component it
/// became, or to a copy of it, the reference's own siblings (a description) kept over it.
fn rewrite_references(value: &mut Value, moved: &BTreeMap<Vec<String>, Replacement>) {
    match value {
        Value::Object(object) => {
            let replacement = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(parse_pointer)
                .and_then(|tokens| moved.get(&tokens));
            match replacement {
                Some(Replacement::Component(name)) => {
                    object
                        .insert("$ref".into(), Value::String(format!("#/components/schemas/{}", pointer_token(name))));
                }
                Some(Replacement::Inline(schema)) => {
                    object.remove("$ref");
                    let siblings = std::mem::take(object);
                    if let Value::Object(copy) = schema.clone() {
                        *object = copy;
                    }
                    object.extend(siblings);
                    return;
                }
                None => {}
            }
            for (key, child) in object.iter_mut() {
                if !crate::walk::is_data_key(key) {
                    rewrite_references(child, moved);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_references(item, moved)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn hoisted(mut raw: Value) -> (Value, Vec<String>) {
        let mut diagnostics = Diagnostics::new("t.yaml");
        hoist_deep_schema_refs(&mut raw, &mut diagnostics);
        let messages = match diagnostics.check() {
            Ok(()) => Vec::new(),
            Err(error) => error.diagnostics.iter().map(ToString::to_string).collect(),
        };
        (raw, messages)
    }

    #[test]
    fn a_property_a_parameter_schema_and_an_all_of_member_are_moved_and_shared() {
        let (raw, errors) = hoisted(json!({
            "paths": {"/a": {"get": {"parameters": [
                {"name": "limit", "in": "query", "schema": {"$ref": "#/components/schemas/Params/properties/limit"}},
                {"name": "cursor", "in": "query", "schema": {"$ref": "#/components/parameters/cursor/schema"}}
            ]}}},
            "components": {
                "parameters": {"cursor": {"name": "cursor", "in": "query", "schema": {"type": "string"}}},
                "schemas": {
                    "Params": {"type": "object", "properties": {"limit": {"type": "integer", "maximum": 100}}},
                    "Tag": {"allOf": [{"type": "object", "properties": {"id": {"type": "string"}}}]},
                    "Uses": {"$ref": "#/components/schemas/Tag/allOf/0"}
                }
            }
        }));
        assert!(errors.is_empty(), "{errors:?}");
        let schemas = &raw["components"]["schemas"];
        // Plain values are copied, so the parameter keeps its bounds and nothing new is named.
        let parameters = &raw["paths"]["/a"]["get"]["parameters"];
        assert_eq!(parameters[0]["schema"], json!({"type": "integer", "maximum": 100}));
        assert_eq!(parameters[1]["schema"], json!({"type": "string"}));
        assert_eq!(schemas["Params"]["properties"]["limit"], json!({"type": "integer", "maximum": 100}));
        assert!(schemas.get("ParamsLimit").is_none() && schemas.get("CursorParam").is_none());
        // A schema that becomes a type is moved, and both places refer to it.
        assert_eq!(schemas["TagPart1"]["properties"]["id"], json!({"type": "string"}));
        assert_eq!(schemas["Tag"]["allOf"][0], json!({"$ref": "#/components/schemas/TagPart1"}));
        assert_eq!(schemas["Uses"], json!({"$ref": "#/components/schemas/TagPart1"}));
    }

    #[test]
    fn a_target_inside_another_target_is_moved_once() {
        let (raw, errors) = hoisted(json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"b": {"type": "array", "items": {"type": "object", "properties": {"c": {"type": "string"}}}}}},
            "UsesB": {"$ref": "#/components/schemas/A/properties/b"},
            "UsesItem": {"$ref": "#/components/schemas/A/properties/b/items"}
        }}}));
        assert!(errors.is_empty(), "{errors:?}");
        let schemas = &raw["components"]["schemas"];
        assert_eq!(schemas["AB"]["items"], json!({"$ref": "#/components/schemas/ABItem"}));
        assert_eq!(schemas["ABItem"]["properties"]["c"], json!({"type": "string"}));
        assert_eq!(schemas["UsesItem"], json!({"$ref": "#/components/schemas/ABItem"}));
    }

    #[test]
    fn references_on_the_way_are_followed_and_cycles_end() {
        let (raw, errors) = hoisted(json!({"components": {"schemas": {
            "Alias": {"$ref": "#/components/schemas/Real"},
            "Real": {"type": "object", "properties": {"x": {"type": "string", "enum": ["a"]}}},
            "Uses": {"$ref": "#/components/schemas/Alias/properties/x"},
            "Loop1": {"$ref": "#/components/schemas/Loop2"},
            "Loop2": {"$ref": "#/components/schemas/Loop1"},
            "Lost": {"$ref": "#/components/schemas/Loop1/properties/y"}
        }}}));
        assert_eq!(raw["components"]["schemas"]["RealX"], json!({"type": "string", "enum": ["a"]}));
        assert_eq!(raw["components"]["schemas"]["Uses"], json!({"$ref": "#/components/schemas/RealX"}));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("#/components/schemas/Lost") && errors[0].contains("points at nothing"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_non_schema_target_is_an_error_at_the_referring_place() {
        let (_, errors) = hoisted(json!({"components": {
            "parameters": {"p": {"name": "p", "in": "query", "schema": {"type": "string"}}},
            "schemas": {"Wrong": {"$ref": "#/components/parameters/p"}}
        }}));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("#/components/schemas/Wrong") && errors[0].contains("not a schema"), "{errors:?}");
    }

    #[test]
    fn names_say_where_the_schema_was() {
        let name = |pointer: &str| synthetic_name(&parse_pointer(pointer).unwrap());
        assert_eq!(name("#/components/responses/Conflict/content/application~1json/schema"), "ConflictResponse");
        assert_eq!(name("#/components/schemas/Pet/properties/tags/items"), "PetTagsItem");
        assert_eq!(name("#/components/schemas/Shape/oneOf/1"), "ShapeVariant2");
        assert_eq!(name("#/paths/~1users/get/responses/200/content/application~1json/schema"), "GetUsers200Response");
        assert_eq!(name("#/components/schemas/Box/properties/option"), "BoxOption");
        assert_eq!(name("#/components/schemas/Wrap/properties/string"), "WrapString");
    }
}
