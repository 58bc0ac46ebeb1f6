//! The walk over two models: matching operations and types, the client-wide changes, and the
//! helpers the operation and type comparisons share.

use std::collections::{BTreeMap, BTreeSet};

use super::describe::{self, path_shape};
use super::roles::{Role, roles};
use super::{Change, Subject, Verdict};
use crate::diagnostics::pointer;
use crate::ir::{Api, Credential, CredentialRef, Operation, TypeKind, TypeRef};

/// Operations present in both models: old, new.
type OperationPairs<'a> = Vec<(&'a Operation, &'a Operation)>;

/// Unmatched old and new type names whose schemas are at one place.
type Candidates<'n> = (Vec<&'n String>, Vec<&'n String>);

/// The state of one comparison.
pub(super) struct Walk<'a> {
    pub(super) old: &'a Api,
    pub(super) new: &'a Api,
    old_roles: BTreeMap<String, Role>,
    new_roles: BTreeMap<String, Role>,
    /// Every type present in both models: old name to new name.
    pub(super) type_pairs: BTreeMap<String, String>,
    /// Operations present in both models.
    pub(super) operation_pairs: OperationPairs<'a>,
    pub(super) removed_operations: Vec<&'a Operation>,
    pub(super) added_operations: Vec<&'a Operation>,
    /// Types that went with a removed operation (old names) or came with an added one (new
    /// names), by operation id: reported with the operation, not on their own.
    pub(super) removed_with: BTreeMap<String, Vec<String>>,
    pub(super) added_with: BTreeMap<String, Vec<String>>,
    entries: Vec<Change>,
}

impl<'a> Walk<'a> {
    pub(super) fn new(old: &'a Api, new: &'a Api) -> Self {
        let (operation_pairs, removed_operations, added_operations) = match_operations(old, new);
        let mut walk = Walk {
            old,
            new,
            old_roles: roles(old),
            new_roles: roles(new),
            type_pairs: BTreeMap::new(),
            operation_pairs,
            removed_operations,
            added_operations,
            removed_with: BTreeMap::new(),
            added_with: BTreeMap::new(),
            entries: Vec::new(),
        };
        walk.match_types();
        walk.removed_with = owned_types(old, &walk.removed_operations, |name| walk.type_pairs.contains_key(name));
        let matched_new: BTreeSet<&String> = walk.type_pairs.values().collect();
        walk.added_with = owned_types(new, &walk.added_operations, |name| matched_new.contains(name));
        walk
    }

    pub(super) fn run(mut self) -> Vec<Change> {
        self.client();
        self.operations();
        self.types();
        self.entries
    }

    /// Pairs types by name; then the params, error and header types of matched operations;
    /// then what is left by the place of its schema.
    fn match_types(&mut self) {
        let (old_api, new_api) = (self.old, self.new);
        for name in old_api.types.keys().filter(|name| new_api.types.contains_key(*name)) {
            self.type_pairs.insert(name.clone(), name.clone());
        }
        let owned: Vec<(String, String)> = self
            .operation_pairs
            .iter()
            .flat_map(|(old, new)| {
                [
                    (&old.params_type, &new.params_type),
                    (&old.errors_type, &new.errors_type),
                    (&old.success.headers, &new.success.headers),
                ]
            })
            .filter_map(|(a, b)| Some((a.clone()?, b.clone()?)))
            .collect();
        for (a, b) in owned {
            self.pair_if_free(&a, &b);
        }
        let key = |kind: &TypeKind| match kind {
            TypeKind::Params(_) => "params",
            TypeKind::Errors(_) => "errors",
            TypeKind::Headers(_) => "headers",
            _ => "",
        };
        // An old schema inside a matched operation is compared at the new operation's place, as
        // the operation may have moved (`/things/{id}` to `/things/{thing_id}`).
        let moves: Vec<(String, String)> = self
            .operation_pairs
            .iter()
            .map(|(old, new)| (operation_pointer(old), operation_pointer(new)))
            .filter(|(old, new)| old != new)
            .collect();
        let moved = |origin: &str| -> String {
            for (old, new) in &moves {
                if let Some(rest) = origin.strip_prefix(old.as_str())
                    && (rest.is_empty() || rest.starts_with('/'))
                {
                    return format!("{new}{rest}");
                }
            }
            origin.to_owned()
        };
        let mut by_origin: BTreeMap<(String, &str), Candidates<'_>> = BTreeMap::new();
        let matched_new: BTreeSet<&String> = self.type_pairs.values().collect();
        for (name, def) in &old_api.types {
            if !self.type_pairs.contains_key(name) {
                by_origin.entry((moved(&def.origin), key(&def.kind))).or_default().0.push(name);
            }
        }
        for (name, def) in &new_api.types {
            if !matched_new.contains(name) {
                by_origin.entry((def.origin.clone(), key(&def.kind))).or_default().1.push(name);
            }
        }
        let unique: Vec<(String, String)> = by_origin
            .into_values()
            .filter_map(|(old, new)| match (old.as_slice(), new.as_slice()) {
                ([a], [b]) => Some(((*a).clone(), (*b).clone())),
                _ => None,
            })
            .collect();
        for (a, b) in unique {
            self.pair_if_free(&a, &b);
        }
    }

    fn pair_if_free(&mut self, old: &str, new: &str) {
        let taken = self.type_pairs.contains_key(old) || self.type_pairs.values().any(|n| n == new);
        if !taken && self.old.types.contains_key(old) && self.new.types.contains_key(new) {
            self.type_pairs.insert(old.to_owned(), new.to_owned());
        }
    }

    /// The role of a matched type: the union of its roles in both models.
    pub(super) fn role(&self, old: &str, new: &str) -> Role {
        let old = self.old_roles.get(old).copied().unwrap_or(Role::BOTH);
        let new = self.new_roles.get(new).copied().unwrap_or(Role::BOTH);
        old.union(new)
    }

    /// Whether two type references name the same Rust type, through the type matches.
    pub(super) fn same(&self, old: &TypeRef, new: &TypeRef) -> bool {
        match (old, new) {
            (TypeRef::Named(a), TypeRef::Named(b)) => self.type_pairs.get(a).is_some_and(|paired| paired == b),
            (TypeRef::Array(a), TypeRef::Array(b))
            | (TypeRef::Map(a), TypeRef::Map(b))
            | (TypeRef::Option(a), TypeRef::Option(b))
            | (TypeRef::Boxed(a), TypeRef::Boxed(b)) => self.same(a, b),
            _ => old == new,
        }
    }

    pub(super) fn push(&mut self, severity: Verdict, subject: &Subject, what: String, why: Option<String>) {
        self.entries.push(Change { severity, subject: subject.clone(), what, why });
    }

    pub(super) fn breaking(&mut self, subject: &Subject, what: impl Into<String>, why: impl Into<String>) {
        self.push(Verdict::Breaking, subject, what.into(), Some(why.into()));
    }

    pub(super) fn additive(&mut self, subject: &Subject, what: impl Into<String>) {
        self.push(Verdict::Additive, subject, what.into(), None);
    }

    pub(super) fn docs_only(&mut self, subject: &Subject, what: impl Into<String>) {
        self.push(Verdict::DocsOnly, subject, what.into(), None);
    }

    /// How many entries there are so far, to tell whether an element got any.
    pub(super) fn mark(&self) -> usize {
        self.entries.len()
    }

    /// Records a docs change for the elements that got no other entry.
    pub(super) fn docs_changed(&mut self, subject: &Subject, elements: Vec<String>) {
        if !elements.is_empty() {
            self.docs_only(subject, format!("docs changed: {}", elements.join(", ")));
        }
    }

    /// The credentials beside the API key: each is a constant callers name, and the required ones
    /// are arguments of `Client::new`.
    fn credentials(&mut self, subject: &Subject) {
        let (old, new) = (self.old, self.new);
        let find = |api: &'a Api, scheme: &str| api.credentials.iter().find(|c| c.scheme == scheme);
        for credential in &new.credentials {
            let Credential { scheme, const_name, env_var, required, .. } = credential;
            match find(old, scheme) {
                None if *required => self.breaking(
                    subject,
                    format!("now requires credential `{scheme}` ({env_var})"),
                    "`Client::new` takes it, and building a client without it fails",
                ),
                None => self.additive(subject, format!("new credential `{scheme}`: `credentials::{const_name}`, {env_var}")),
                Some(was) if was.required != *required => self.breaking(
                    subject,
                    format!(
                        "credential `{scheme}` is {} required",
                        if *required { "now" } else { "no longer" }
                    ),
                    "`Client::new` takes other arguments",
                ),
                Some(was) if was.const_name != *const_name || was.env_var != *env_var => self.breaking(
                    subject,
                    format!(
                        "credential `{scheme}` is `credentials::{const_name}` from {env_var} (was `credentials::{}` from {})",
                        was.const_name, was.env_var
                    ),
                    "code naming the old constant no longer compiles, and `from_env` reads another variable",
                ),
                Some(_) => {}
            }
        }
        for credential in old.credentials.iter().filter(|c| find(new, &c.scheme).is_none()) {
            self.breaking(
                subject,
                format!("credential `{}` is no longer used", credential.scheme),
                format!("`credentials::{}` no longer exists", credential.const_name),
            );
        }
    }

    /// Authentication, servers, and the API's own description.
    fn client(&mut self) {
        let (old, new) = (self.old, self.new);
        let subject = Subject::Client;
        match (old.requires_api_key, new.requires_api_key) {
            (false, true) => self.breaking(
                &subject,
                "now requires an API key",
                "`Client::new` now takes the key, and `from_env` fails without it",
            ),
            (true, false) => {
                self.breaking(&subject, "no longer requires an API key", "`Client::new` no longer takes a key")
            }
            _ => {}
        }
        let modes = |api: &Api| -> BTreeSet<String> {
            let uses = api.operations.iter().flat_map(|op| &op.auth);
            uses.filter(|u| u.credential == CredentialRef::ApiKey).map(|u| describe::auth(&u.scheme)).collect()
        };
        let (old_modes, new_modes) = (modes(old), modes(new));
        for mode in new_modes.difference(&old_modes) {
            self.additive(&subject, format!("new auth mode: the key in {mode}"));
        }
        for mode in old_modes.difference(&new_modes) {
            self.additive(&subject, format!("auth mode no longer used: the key in {mode}"));
        }
        self.credentials(&subject);
        match (&old.default_base_url, &new.default_base_url) {
            (Some(a), Some(b)) if a != b => self.breaking(
                &subject,
                format!("default base URL is now `{b}` (was `{a}`)"),
                "requests go to another URL unless the caller configures one",
            ),
            (None, Some(b)) => self.additive(&subject, format!("default base URL `{b}` added")),
            (Some(a), None) => self.breaking(
                &subject,
                format!("default base URL `{a}` removed"),
                "`Client::DEFAULT_BASE_URL` is gone and callers must configure a base URL",
            ),
            _ => {}
        }
        self.servers();
        if old.api_version != new.api_version {
            self.docs_only(&subject, format!("API version `{}` -> `{}`", old.api_version, new.api_version));
        }
        let mut docs = Vec::new();
        if old.title != new.title || old.display_name != new.display_name {
            docs.push("the API's title".to_owned());
        }
        if old.description != new.description {
            docs.push("the API's description".to_owned());
        }
        self.docs_changed(&subject, docs);
    }

    /// The `servers` module's constants, which exist when the spec lists two servers or more.
    fn servers(&mut self) {
        let subject = Subject::Client;
        let constants = |api: &'a Api| {
            let listed = if api.servers.len() >= 2 { api.servers.as_slice() } else { &[] };
            listed.iter().map(|s| (s.const_name.as_str(), s)).collect::<BTreeMap<_, _>>()
        };
        let (old, new) = (constants(self.old), constants(self.new));
        for (name, server) in &new {
            match old.get(name) {
                None => self.additive(&subject, format!("server constant `servers::{name}` added (`{}`)", server.url)),
                Some(before) if before.url != server.url => self.breaking(
                    &subject,
                    format!("server constant `servers::{name}` is now `{}` (was `{}`)", server.url, before.url),
                    "callers who choose it reach another URL",
                ),
                Some(before) if before.description != server.description => {
                    self.docs_only(&subject, format!("description of server `servers::{name}` changed"));
                }
                Some(_) => {}
            }
        }
        for name in old.keys().filter(|name| !new.contains_key(*name)) {
            self.breaking(
                &subject,
                format!("server constant `servers::{name}` removed"),
                "code that names it stops compiling",
            );
        }
    }
}

/// Pairs operations by method and path, then by method name, then by operationId; returns the
/// pairs, the removed operations and the added ones.
fn match_operations<'a>(old: &'a Api, new: &'a Api) -> (OperationPairs<'a>, Vec<&'a Operation>, Vec<&'a Operation>) {
    let mut old_left: Vec<&Operation> = old.operations.iter().collect();
    let mut new_left: Vec<&Operation> = new.operations.iter().collect();
    let mut pairs = Vec::new();
    let keys: [fn(&Operation) -> String; 3] =
        [|op| format!("{} {}", op.http_method, path_shape(&op.path)), |op| op.method_name.clone(), |op| op.id.clone()];
    for key in keys {
        let mut still_new = Vec::new();
        for candidate in new_left {
            match old_left.iter().position(|op| key(op) == key(candidate)) {
                Some(index) => pairs.push((old_left.remove(index), candidate)),
                None => still_new.push(candidate),
            }
        }
        new_left = still_new;
    }
    (pairs, old_left, new_left)
}

/// The unmatched types whose schema lies inside each operation (its params, errors and
/// headers, and its inline schemas), by operation id.
fn owned_types(
    api: &Api,
    operations: &[&Operation],
    matched: impl Fn(&String) -> bool,
) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for operation in operations {
        let at = operation_pointer(operation);
        let inside = format!("{at}/");
        let names: Vec<String> = api
            .types
            .values()
            .filter(|def| !matched(&def.name) && (def.origin == at || def.origin.starts_with(&inside)))
            .map(|def| def.name.clone())
            .collect();
        out.insert(operation.id.clone(), names);
    }
    out
}

/// Where an operation is in its spec: `#/paths/~1things/get`.
fn operation_pointer(operation: &Operation) -> String {
    pointer("#/paths", &[&operation.path, operation.http_method.path_item_key()])
}

/// Which elements of two lists match, by the first key that pairs them.
pub(super) struct Pairing {
    /// `(old index, new index)`, in the order of the new list.
    pub(super) pairs: Vec<(usize, usize)>,
    /// Old indexes with no match, in order.
    pub(super) removed: Vec<usize>,
    /// New indexes with no match, in order.
    pub(super) added: Vec<usize>,
}

/// Pairs the elements of two lists: by the first key for all of them, then by the next key for
/// what is left, and so on.
pub(super) fn pair_up<T>(old: &[T], new: &[T], keys: &[&dyn Fn(&T) -> String]) -> Pairing {
    let mut old_used = vec![false; old.len()];
    let mut new_match: Vec<Option<usize>> = vec![None; new.len()];
    for key in keys {
        for (j, item) in new.iter().enumerate() {
            if new_match[j].is_some() {
                continue;
            }
            let wanted = key(item);
            if let Some(i) = (0..old.len()).find(|&i| !old_used[i] && key(&old[i]) == wanted) {
                old_used[i] = true;
                new_match[j] = Some(i);
            }
        }
    }
    Pairing {
        pairs: new_match.iter().enumerate().filter_map(|(j, i)| i.map(|i| (i, j))).collect(),
        removed: (0..old.len()).filter(|&i| !old_used[i]).collect(),
        added: (0..new.len()).filter(|&j| new_match[j].is_none()).collect(),
    }
}

/// Whether the names both lists share come in another order.
pub(super) fn reordered(old: &[&str], new: &[&str]) -> bool {
    let common_old: Vec<&&str> = old.iter().filter(|name| new.contains(name)).collect();
    let common_new: Vec<&&str> = new.iter().filter(|name| old.contains(name)).collect();
    common_old != common_new
}
