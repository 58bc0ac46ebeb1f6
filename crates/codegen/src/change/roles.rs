//! Which types callers build (request) and which they read (response).

use std::collections::BTreeMap;

use crate::ir::{Api, TypeDef, TypeRef};

/// How callers use a type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Role {
    /// Reachable from a request: callers build values of it.
    pub(super) request: bool,
    /// Reachable from a response: callers read values of it.
    pub(super) response: bool,
}

impl Role {
    pub(super) const REQUEST: Self = Self { request: true, response: false };
    pub(super) const RESPONSE: Self = Self { request: false, response: true };
    pub(super) const BOTH: Self = Self { request: true, response: true };

    pub(super) fn union(self, other: Self) -> Self {
        Self { request: self.request || other.request, response: self.response || other.response }
    }

    /// What callers do with a field: `sets`, `reads`, `sets or reads`.
    pub(super) fn field_verb(self) -> &'static str {
        match (self.request, self.response) {
            (true, false) => "sets",
            (false, true) => "reads",
            _ => "sets or reads",
        }
    }
}

/// The role of every type of the model. Types no operation reaches get [`Role::BOTH`].
pub(super) fn roles(api: &Api) -> BTreeMap<String, Role> {
    let mut stack: Vec<(String, Role)> = Vec::new();
    for operation in &api.operations {
        let response = operation.response_roots();
        for root in operation.type_roots() {
            let role = if response.contains(&root) { Role::RESPONSE } else { Role::REQUEST };
            push(&root, role, &mut stack);
        }
    }
    for def in api.types.values().filter(|def| is_payload(def)) {
        stack.push((def.name.clone(), Role::RESPONSE));
    }
    let mut found: BTreeMap<String, Role> = BTreeMap::new();
    while let Some((name, role)) = stack.pop() {
        let entry = found.entry(name.clone()).or_default();
        if entry.union(role) == *entry {
            continue;
        }
        *entry = entry.union(role);
        let Some(def) = api.types.get(&name) else { continue };
        for ty in def.kind.children() {
            push(ty, role, &mut stack);
        }
    }
    api.types
        .keys()
        .map(|name| {
            let role = found.get(name).copied().filter(|r| r.request || r.response).unwrap_or(Role::BOTH);
            (name.clone(), role)
        })
        .collect()
}

/// The payload of a webhook or callback, defined inline: the API sends it, the caller reads it.
fn is_payload(def: &TypeDef) -> bool {
    if def.origin.starts_with("#/webhooks/") {
        return true;
    }
    // `#/paths/<path>/<method>/callbacks/...`
    let mut tokens = def.origin.strip_prefix("#/paths/").into_iter().flat_map(|rest| rest.split('/'));
    tokens.nth(2) == Some("callbacks")
}

fn push(ty: &TypeRef, role: Role, stack: &mut Vec<(String, Role)>) {
    if let Some(name) = ty.named() {
        stack.push((name.to_owned(), role));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::TypeKind;
    use crate::{Settings, SpecFile};

    fn api(yaml: &str) -> Api {
        crate::lower(SpecFile { path: "t.yaml", contents: yaml.as_bytes() }, &Settings::for_crate("t"))
            .expect("the spec lowers")
            .0
    }

    #[test]
    fn roles_follow_fields_arrays_maps_unions_and_aliases() {
        let api = api(r"
openapi: 3.0.3
info: {title: T, version: '1'}
servers: [{url: 'https://x.example'}]
paths:
  /a:
    post:
      operationId: send
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/In'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Out'}
components:
  schemas:
    In:
      type: object
      properties:
        items: {type: array, items: {$ref: '#/components/schemas/Item'}}
        shared: {$ref: '#/components/schemas/Shared'}
    Item:
      type: object
      properties:
        kind: {$ref: '#/components/schemas/Kind'}
    Kind: {type: string, enum: [a, b]}
    Out:
      type: object
      properties:
        by_name: {type: object, additionalProperties: {$ref: '#/components/schemas/Choice'}}
        shared: {$ref: '#/components/schemas/Shared'}
    Choice:
      oneOf:
        - {$ref: '#/components/schemas/Named'}
        - {type: string}
    Named: {$ref: '#/components/schemas/Leaf'}
    Leaf:
      type: object
      properties:
        x: {type: string}
    Shared: {type: string, enum: [x]}
    Orphan: {type: object, properties: {x: {type: string}}}
");
        let roles = roles(&api);
        for name in ["In", "Item", "Kind"] {
            assert_eq!(roles[name], Role::REQUEST, "{name}");
        }
        for name in ["Out", "Choice", "Named", "Leaf"] {
            assert_eq!(roles[name], Role::RESPONSE, "{name}");
        }
        assert_eq!(roles["Shared"], Role::BOTH);
        assert_eq!(roles["Orphan"], Role::BOTH, "unreached types get the stricter rule");
    }

    #[test]
    fn webhook_and_callback_payloads_are_read() {
        let def = |origin: &str| TypeDef {
            features: Vec::new(),
            decoded: false,
            name: "X".into(),
            docs: Vec::new(),
            origin: origin.into(),
            kind: TypeKind::Alias(TypeRef::String),
        };
        assert!(is_payload(&def("#/webhooks/newPet/post/requestBody/content/application~1json/schema")));
        assert!(is_payload(&def("#/paths/~1a/post/callbacks/done/{$url}/post/requestBody")));
        assert!(!is_payload(&def(
            "#/paths/~1a/post/requestBody/content/application~1json/schema/properties/callbacks"
        )));
        assert!(!is_payload(&def("#/components/schemas/callbacks")));
    }
}
