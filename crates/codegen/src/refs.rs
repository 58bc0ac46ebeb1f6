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
//!
//! Outside schemas, OpenAPI 3.0 and 3.1 allow a `$ref` only in some places (a parameter, a
//! request body, a response, a header, a component). Specs put them elsewhere too: a `content`
//! map or a media type object kept under `components/mediaTypes` (a section OpenAPI 3.2 adds).
//! [`inline_misplaced_refs`] copies the target into each such place, with a warning, so the
//! rest of the generator sees an ordinary document; diagnostics inside a copy name the place
//! it was copied from.

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

/// In a copy of the object at `target`, each `schema` that becomes a named type (an object, an
/// enum, a union) is replaced by a `$ref` to where it is written, which [`hoist_deep_schema_refs`]
/// then moves into `components/schemas`: every copy shares one type, named from that place,
/// instead of each copy defining its own.
fn refer_to_named_schemas(copy: &mut Value, target: &[String]) {
    match copy {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                if crate::walk::is_data_key(key) {
                    continue;
                }
                let mut at = target.to_vec();
                at.push(key.clone());
                if key == "schema" {
                    let only_a_reference = child.as_object().is_some_and(|c| c.len() == 1 && c.contains_key("$ref"));
                    if needs_a_name(child) && !only_a_reference {
                        let mut reference = Map::new();
                        reference.insert("$ref".into(), Value::String(display_pointer(&at)));
                        *child = Value::Object(reference);
                    }
                } else {
                    refer_to_named_schemas(child, &at);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                let mut at = target.to_vec();
                at.push(index.to_string());
                refer_to_named_schemas(item, &at);
            }
        }
        _ => {}
    }
}

/// What a place outside schemas holds, as far as `$ref`s are concerned: which keys below it hold
/// which objects, and whether a `$ref` may stand in its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Responses,
    Response,
    Header,
    Content,
    MediaType,
    Encoding,
    Callback,
}

impl Place {
    /// Whether OpenAPI 3.0 and 3.1 allow a Reference Object here.
    fn takes_a_ref(self) -> bool {
        matches!(self, Self::PathItem | Self::Parameter | Self::RequestBody | Self::Response | Self::Header)
    }

    /// What the object is, for messages.
    fn noun(self) -> &'static str {
        match self {
            Self::PathItem => "a path item",
            Self::Operation => "an operation",
            Self::Parameter => "a parameter",
            Self::RequestBody => "a request body",
            Self::Responses => "a `responses` map",
            Self::Response => "a response",
            Self::Header => "a header",
            Self::Content => "a `content` map",
            Self::MediaType => "a media type object",
            Self::Encoding => "an encoding object",
            Self::Callback => "a callback",
        }
    }
}

/// The HTTP methods a path item holds operations under.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Replaces every `$ref` that stands where OpenAPI (`version`, such as `3.0`) allows none, outside
/// schemas (a `content` map, a media type object, an operation, an encoding), with a copy of what
/// it points at, wherever that is in the document; each with a warning at the `$ref`.
pub(crate) fn inline_misplaced_refs(raw: &mut Value, version: &str, diagnostics: &mut Diagnostics) {
    let snapshot = raw.clone();
    let mut inliner = Inliner { document: &snapshot, version, diagnostics, expanding: Vec::new(), copies: 0 };
    let Some(root) = raw.as_object_mut() else { return };
    for key in ["paths", "webhooks", "x-webhooks"] {
        if let Some(Value::Object(items)) = root.get_mut(key) {
            for (name, item) in items.iter_mut() {
                inliner.visit(item, Place::PathItem, &pointer("#", &[key, name]));
            }
        }
    }
    let Some(Value::Object(components)) = root.get_mut("components") else { return };
    for (section, place) in [
        ("parameters", Place::Parameter),
        ("requestBodies", Place::RequestBody),
        ("responses", Place::Response),
        ("headers", Place::Header),
        ("callbacks", Place::Callback),
        ("pathItems", Place::PathItem),
    ] {
        if let Some(Value::Object(entries)) = components.get_mut(section) {
            for (name, entry) in entries.iter_mut() {
                inliner.visit(entry, place, &pointer("#/components", &[section, name]));
            }
        }
    }
}

struct Inliner<'a, 'd> {
    /// The document as it was before any copy, where targets are looked up.
    document: &'a Value,
    version: &'a str,
    diagnostics: &'d mut Diagnostics,
    /// The targets being copied, outermost first: a target met again inside its own copy is a
    /// cycle.
    expanding: Vec<Vec<String>>,
    /// How many copies were made: references inside copies are copied too, so a document can
    /// ask for exponentially many; past [`MAX_COPIES`] the rest are refused.
    copies: usize,
}

/// More copies than any real document needs (the wide corpus makes at most 53).
const MAX_COPIES: usize = 2_000;

impl Inliner<'_, '_> {
    fn visit(&mut self, value: &mut Value, place: Place, at: &str) {
        let Some(object) = value.as_object_mut() else { return };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str).map(str::to_owned) {
            if !place.takes_a_ref() {
                self.inline(value, &reference, place, at);
            }
            // An allowed reference is resolved where its target is visited.
            return;
        }
        match place {
            Place::PathItem => {
                for method in METHODS {
                    if let Some(operation) = object.get_mut(method) {
                        self.visit(operation, Place::Operation, &pointer(at, &[method]));
                    }
                }
                self.visit_list(object, "parameters", Place::Parameter, at);
            }
            Place::Operation => {
                self.visit_list(object, "parameters", Place::Parameter, at);
                if let Some(body) = object.get_mut("requestBody") {
                    self.visit(body, Place::RequestBody, &pointer(at, &["requestBody"]));
                }
                if let Some(responses) = object.get_mut("responses") {
                    self.visit(responses, Place::Responses, &pointer(at, &["responses"]));
                }
                self.visit_map(object, "callbacks", Place::Callback, at);
            }
            Place::Parameter | Place::Header | Place::RequestBody => {
                if let Some(content) = object.get_mut("content") {
                    self.visit(content, Place::Content, &pointer(at, &["content"]));
                }
            }
            Place::Responses => {
                for (status, response) in object.iter_mut() {
                    if !crate::walk::is_data_key(status) {
                        self.visit(response, Place::Response, &pointer(at, &[status]));
                    }
                }
            }
            Place::Response => {
                self.visit_map(object, "headers", Place::Header, at);
                if let Some(content) = object.get_mut("content") {
                    self.visit(content, Place::Content, &pointer(at, &["content"]));
                }
            }
            Place::Content => {
                for (media_type, media) in object.iter_mut() {
                    self.visit(media, Place::MediaType, &pointer(at, &[media_type]));
                }
            }
            Place::MediaType => self.visit_map(object, "encoding", Place::Encoding, at),
            Place::Encoding => self.visit_map(object, "headers", Place::Header, at),
            Place::Callback => {
                for (expression, item) in object.iter_mut() {
                    if !crate::walk::is_data_key(expression) {
                        self.visit(item, Place::PathItem, &pointer(at, &[expression]));
                    }
                }
            }
        }
    }

    fn visit_list(&mut self, object: &mut Map<String, Value>, key: &str, place: Place, at: &str) {
        if let Some(Value::Array(items)) = object.get_mut(key) {
            for (index, item) in items.iter_mut().enumerate() {
                self.visit(item, place, &pointer(at, &[key, &index.to_string()]));
            }
        }
    }

    fn visit_map(&mut self, object: &mut Map<String, Value>, key: &str, place: Place, at: &str) {
        if let Some(Value::Object(entries)) = object.get_mut(key) {
            for (name, entry) in entries.iter_mut() {
                self.visit(entry, place, &pointer(at, &[key, name]));
            }
        }
    }

    /// Replaces the reference at `at` with a copy of its target (the reference's own siblings
    /// kept over it), then visits the copy as what it now is.
    fn inline(&mut self, value: &mut Value, reference: &str, place: Place, at: &str) {
        let noun = place.noun();
        let Some(tokens) = parse_pointer(reference) else {
            self.diagnostics.error(
                Location::Pointer(at.to_owned()),
                format!("`$ref: {reference}` is an external reference; bundle the spec into one file first"),
            );
            *value = Value::Object(Map::new());
            return;
        };
        let target = resolve(self.document, &tokens)
            .and_then(|concrete| value_at(self.document, &concrete).map(|target| (concrete, target)));
        let Some((concrete, target)) = target else {
            self.diagnostics.error(
                Location::Pointer(at.to_owned()),
                format!("`$ref: {reference}` points at nothing in this document"),
            );
            *value = Value::Object(Map::new());
            return;
        };
        self.copies += 1;
        if self.copies > MAX_COPIES {
            self.diagnostics.error(
                Location::Pointer(at.to_owned()),
                format!("`$ref: {reference}` is not copied in: the document's references outside schemas ask for more than {MAX_COPIES} copies"),
            );
            *value = Value::Object(Map::new());
            return;
        }
        if self.expanding.contains(&concrete) || self.expanding.len() > 32 {
            self.diagnostics.error(
                Location::Pointer(at.to_owned()),
                format!("`$ref: {reference}` leads back to itself, so {noun} here is never given"),
            );
            *value = Value::Object(Map::new());
            return;
        }
        let target_at = display_pointer(&concrete);
        self.diagnostics.warning(
            Location::Pointer(at.to_owned()),
            format!(
                "{noun} given by `$ref` is not allowed here in OpenAPI {}{}; the one at `{target_at}` is copied in",
                self.version,
                if place == Place::MediaType { " (3.2 allows it, from `components/mediaTypes`)" } else { "" },
            ),
        );
        let mut copy = target.clone();
        refer_to_named_schemas(&mut copy, &concrete);
        if let (Value::Object(copy), Value::Object(siblings)) = (&mut copy, &*value) {
            for (key, sibling) in siblings {
                if key != "$ref" {
                    copy.insert(key.clone(), sibling.clone());
                }
            }
        }
        *value = copy;
        self.diagnostics.alias_pointer(at.to_owned(), target_at);
        self.expanding.push(concrete);
        self.visit(value, place, at);
        self.expanding.pop();
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

    fn inlined(mut raw: Value) -> (Value, Vec<String>) {
        let mut diagnostics = Diagnostics::new("t.yaml");
        inline_misplaced_refs(&mut raw, "3.0", &mut diagnostics);
        let messages = diagnostics.into_warnings().iter().map(ToString::to_string).collect();
        (raw, messages)
    }

    #[test]
    fn misplaced_references_are_copied_in_and_allowed_ones_are_left() {
        let (raw, messages) = inlined(json!({
            "paths": {"/a": {"post": {
                "parameters": [{"$ref": "#/components/parameters/p"}],
                "requestBody": {"content": {"application/json": {"$ref": "#/components/mediaTypes/m", "x-note": "kept"}}},
                "responses": {"200": {"$ref": "#/components/responses/R"}, "201": {"description": "d", "content": {"$ref": "#/components/mediaTypes/c"}}}
            }}},
            "components": {
                "mediaTypes": {
                    "m": {"schema": {"type": "object", "properties": {"x": {"type": "string"}}}},
                    "c": {"text/plain": {"schema": {"type": "string"}}}
                },
                "responses": {"R": {"description": "r", "content": {"$ref": "#/components/mediaTypes/gone"}}}
            }
        }));
        let operation = &raw["paths"]["/a"]["post"];
        // Allowed references stay; the named schema of a copy refers to where it is written.
        assert_eq!(operation["parameters"][0], json!({"$ref": "#/components/parameters/p"}));
        assert_eq!(operation["responses"]["200"], json!({"$ref": "#/components/responses/R"}));
        assert_eq!(
            operation["requestBody"]["content"]["application/json"],
            json!({"schema": {"$ref": "#/components/mediaTypes/m/schema"}, "x-note": "kept"})
        );
        assert_eq!(operation["responses"]["201"]["content"], json!({"text/plain": {"schema": {"type": "string"}}}));
        assert_eq!(raw["components"]["responses"]["R"]["content"], json!({}));
        assert_eq!(messages.len(), 3, "{messages:#?}");
        assert!(
            messages.iter().any(|m| m.contains("error")
                && m.contains("#/components/responses/R/content")
                && m.contains("points at nothing")),
            "{messages:#?}"
        );
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
