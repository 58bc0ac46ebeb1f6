//! Cargo features per tag: a user who calls the operations of one tag compiles those, the
//! operations without a tag, and only the types they reach.
//!
//! Every operation with tags is compiled under any of its tags' features. Every type is
//! compiled under the union of the features of the operations that reach it, and always when an
//! untagged operation, a webhook or callback payload, or an always-compiled type reaches it, or
//! when nothing does. A type's features thereby include those of every type that holds it, so
//! each combination of features compiles.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, Feature};
use crate::naming;

/// How many operations an API without tags needs before its path groups become features.
const PATH_GROUPS_FROM: usize = 20;

/// Features every generated crate has, which a tag's feature must not take (the TLS backends
/// are `emit::TLS_FEATURES`).
const RESERVED_FEATURES: &[&str] = &["default", "full", "tracing", "rustls-ring", "rustls-aws-lc", "native-tls"];

/// When a type is compiled: always, or under any of a set of features (by index).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Gate {
    always: bool,
    bits: Vec<u64>,
}

impl Gate {
    fn empty(features: usize) -> Self {
        Self { always: false, bits: vec![0; features.div_ceil(64)] }
    }

    fn set(&mut self, feature: usize) {
        self.bits[feature / 64] |= 1 << (feature % 64);
    }

    fn has(&self, feature: usize) -> bool {
        self.bits[feature / 64] & (1 << (feature % 64)) != 0
    }

    /// Reached by nothing yet.
    fn is_empty(&self) -> bool {
        !self.always && self.bits.iter().all(|word| *word == 0)
    }

    fn is_full(&self, features: usize) -> bool {
        (0..features).all(|feature| self.has(feature))
    }

    /// Adds `other`; whether that changed anything.
    fn merge(&mut self, other: &Self) -> bool {
        if self.always {
            return false;
        }
        if other.always {
            self.always = true;
            return true;
        }
        let mut changed = false;
        for (mine, theirs) in self.bits.iter_mut().zip(&other.bits) {
            changed |= *theirs & !*mine != 0;
            *mine |= *theirs;
        }
        changed
    }
}

/// Marks the types the client decodes: those its operations' responses (success bodies, events,
/// error bodies, headers) reach.
pub(super) fn mark_decoded(api: &mut Api) {
    let mut stack: Vec<String> = Vec::new();
    for operation in &api.operations {
        stack.extend(operation.response_roots().iter().filter_map(|root| root.named().map(str::to_owned)));
    }
    while let Some(name) = stack.pop() {
        let Some(def) = api.types.get_mut(&name) else { continue };
        if def.decoded {
            continue;
        }
        def.decoded = true;
        stack.extend(def.kind.children().iter().filter_map(|child| child.named().map(str::to_owned)));
    }
}

/// Gives `api` one feature per tag its operations use, and gates operations and types by them,
/// when `enabled` says so (`None`: when the operations use at least two tags).
pub(super) fn assign_features(api: &mut Api, tag_docs: &[(String, Option<String>)], enabled: Option<bool>) {
    // The groups: the operations' tags; when no operation has one, the first segment of each
    // path after a version (`/v1/charges/{id}` is in `charges`), as APIs such as Stripe's
    // sort their operations.
    let by_path = api.operations.iter().all(|op| op.tags.is_empty());
    if by_path {
        for operation in &mut api.operations {
            operation.tags = path_group(&operation.path).into_iter().collect();
        }
    }
    // Groups in the order the spec lists its tags, then in the order operations use them.
    let mut tags: Vec<String> =
        if by_path { Vec::new() } else { tag_docs.iter().map(|(tag, _)| tag.clone()).collect() };
    tags.dedup();
    tags.retain(|tag| api.operations.iter().any(|op| op.tags.contains(tag)));
    for operation in &api.operations {
        for tag in &operation.tags {
            if !tags.contains(tag) {
                tags.push(tag.clone());
            }
        }
    }
    // By default, tags become features when there are two or more; path groups only in an API
    // large enough for compile time to matter.
    let worth_it = tags.len() >= 2 && (!by_path || api.operations.len() >= PATH_GROUPS_FROM);
    if !enabled.unwrap_or(worth_it) || tags.is_empty() {
        if by_path {
            for operation in &mut api.operations {
                operation.tags.clear();
            }
        }
        return;
    }
    let mut taken: BTreeSet<String> = RESERVED_FEATURES.iter().map(|s| (*s).to_owned()).collect();
    let names: BTreeMap<String, String> = tags
        .iter()
        .map(|tag| {
            let mut name = heck::ToKebabCase::to_kebab_case(tag.as_str());
            if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                name = format!("tag-{name}");
            }
            if RESERVED_FEATURES.contains(&name.as_str()) {
                name = format!("{name}-tag");
            }
            (tag.clone(), naming::unique(name, &mut taken))
        })
        .collect();
    for operation in &mut api.operations {
        let mut features: Vec<String> = operation.tags.iter().filter_map(|tag| names.get(tag).cloned()).collect();
        features.sort();
        features.dedup();
        operation.features = features;
    }
    api.features = tags
        .iter()
        .map(|tag| Feature {
            name: names[tag].clone(),
            tag: tag.clone(),
            docs: tag_docs.iter().find(|(name, _)| name == tag).and_then(|(_, docs)| docs.clone()),
            operations: api.operations.iter().filter(|op| op.tags.contains(tag)).count(),
            from_path: by_path,
        })
        .collect();

    // Propagate gates from the operations to the types they reach, and through the types: a
    // worklist over type indices, with each gate a bit set of features, so a large API (Stripe:
    // 6,500 types, 62 features) takes milliseconds.
    let names: Vec<&String> = api.types.keys().collect();
    let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, name)| (name.as_str(), i)).collect();
    let children: Vec<Vec<usize>> = api
        .types
        .values()
        .map(|def| def.kind.children().iter().filter_map(|c| c.named().and_then(|n| index.get(n).copied())).collect())
        .collect();
    let bit: BTreeMap<&str, usize> = api.features.iter().enumerate().map(|(i, f)| (f.name.as_str(), i)).collect();
    let mut gates = vec![Gate::empty(api.features.len()); names.len()];
    let mut stack: Vec<usize> = Vec::new();
    for operation in &api.operations {
        let mut gate = Gate::empty(api.features.len());
        if operation.features.is_empty() {
            gate.always = true;
        }
        for feature in &operation.features {
            gate.set(bit[feature.as_str()]);
        }
        for root in operation.type_roots() {
            if let Some(&i) = root.named().and_then(|name| index.get(name))
                && gates[i].merge(&gate)
            {
                stack.push(i);
            }
        }
    }
    let propagate = |stack: &mut Vec<usize>, gates: &mut Vec<Gate>| {
        while let Some(i) = stack.pop() {
            let gate = gates[i].clone();
            for &child in &children[i] {
                if gates[child].merge(&gate) {
                    stack.push(child);
                }
            }
        }
    };
    propagate(&mut stack, &mut gates);
    // Types no operation reaches (webhook and callback payloads, unused components) are always
    // compiled, and so is everything they hold.
    for (i, gate) in gates.iter_mut().enumerate() {
        if gate.is_empty() {
            gate.always = true;
            stack.push(i);
        }
    }
    propagate(&mut stack, &mut gates);

    for (def, gate) in api.types.values_mut().zip(&gates) {
        def.features = if gate.always || gate.is_full(api.features.len()) {
            Vec::new()
        } else {
            api.features.iter().enumerate().filter(|(i, _)| gate.has(*i)).map(|(_, f)| f.name.clone()).collect()
        };
    }
    // An operation whose every tag is on is compiled with everything; one that names a type
    // must find it: the gates above guarantee it.
    debug_assert!(api.operations.iter().all(|op| op.type_roots().iter().all(|root| {
        root.named()
            .and_then(|name| api.types.get(name))
            .is_none_or(|def| def.features.is_empty() || op.features.iter().all(|f| def.features.contains(f)))
    })));
}

/// The group of a path: its first segment that is neither a version (`v1`, `v2beta`), `api`,
/// nor a placeholder.
fn path_group(path: &str) -> Option<String> {
    path.split('/')
        .find(|segment| {
            let version = segment.strip_prefix('v').is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
            !segment.is_empty() && !version && *segment != "api" && !segment.starts_with('{')
        })
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::{RESERVED_FEATURES, path_group};

    /// A tag cannot take the name of a feature the emitted `Cargo.toml` always has.
    #[test]
    fn the_tls_features_are_reserved() {
        for (name, _) in crate::emit::TLS_FEATURES {
            assert!(RESERVED_FEATURES.contains(&name), "{name}");
        }
    }

    #[test]
    fn path_groups_skip_versions_and_placeholders() {
        assert_eq!(path_group("/v1/charges/{charge}/refunds").as_deref(), Some("charges"));
        assert_eq!(path_group("/api/v2beta/projects").as_deref(), Some("projects"));
        assert_eq!(path_group("/{org}/repos").as_deref(), Some("repos"));
        assert_eq!(path_group("/").as_deref(), None);
    }
}
