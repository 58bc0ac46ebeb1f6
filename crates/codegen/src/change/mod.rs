//! The change report: what a new version of a spec changes for a Rust caller of the generated
//! crate, computed from two [`ir::Api`](crate::ir::Api) models with no I/O.
//!
//! [`compare`] walks the old and the new model side by side and returns a [`Report`]: one
//! [`Change`] per difference, each classified for someone who calls the generated crate as
//! **breaking** (their code may stop compiling, or start failing at run time), **additive**
//! (the generated code changes, and nothing that compiled or worked stops), or **docs-only**
//! (only generated documentation changes). The report's [`Verdict`] is its most severe entry,
//! and [`Verdict::next_version`] turns it into the next crate version.
//!
//! # Matching
//!
//! - Operations are matched by HTTP method and path (placeholder names ignored); the rest by
//!   method name, then by operationId. A matched pair with a new method name is a rename.
//! - Types are matched by Rust name; the rest by where their schema is (the JSON pointer the
//!   model records as `origin`), which catches the types renamed along with an operation and
//!   inline types whose derived name changed. A matched pair with a new name is a rename.
//! - Fields and query or header parameters are matched by Rust name, then by wire name; enum
//!   values by wire value; union variants by Rust name; error responses by status; path
//!   parameters by wire name, then by position (they are positional arguments).
//! - Types are compared through these matches, so `Vec<A>` against `Vec<B>`, where `A` was
//!   renamed to `B`, is one rename, not a type change at every use.
//!
//! # Direction
//!
//! Whether a change to a type breaks callers depends on what they do with it: they build
//! values of request types and read values of response types. Each type gets a role from
//! where it is reachable, through struct fields, `additionalProperties` maps, arrays, maps,
//! union variants and aliases:
//!
//! - **request**: from path parameters, query and header parameters (the params struct) and
//!   request bodies;
//! - **response**: from success bodies, event stream data, error bodies, documented response
//!   headers, and the payloads of webhooks and callbacks;
//! - a type reachable from both gets the stricter rule of the two, and so does a type no
//!   operation reaches (a free-standing schema, or a webhook payload given by `$ref`, which the
//!   model cannot tell apart), since callers may both build and read it.
//!
//! The role of a matched type is the union of its roles in the old and the new model.
//!
//! # Rules
//!
//! The columns are the roles above; "same" means the rule for requests holds for responses too.
//! Rows about operations and the client have one rule, in the first column.
//!
//! | Change | Request | Response |
//! |---|---|---|
//! | **Operations** | | |
//! | operation added | additive | |
//! | operation removed (with the types only it defined) | breaking: calls stop compiling | |
//! | method renamed (same method and path, new operationId or method name) | breaking: calls to the old name stop compiling | |
//! | operationId changed, method name kept | docs-only | |
//! | HTTP method or path changed, method kept | additive: requests follow the API, nothing to fix | |
//! | deprecated, or no longer deprecated | docs-only (`#[deprecated]` only warns) | |
//! | summary or description changed | docs-only | |
//! | path parameter added or removed | breaking: calls gain or lose an argument | |
//! | path parameter renamed in place | docs-only: arguments are positional | |
//! | path parameters reordered | breaking: calls pass values to the wrong parameters | |
//! | first query/header parameter added, or last removed | breaking: calls gain or lose the `params` argument | |
//! | params struct renamed | breaking | |
//! | required parameter added | breaking: `Params::new` and struct literals need it | |
//! | optional parameter added | additive (params structs always have `new` or `Default`) | |
//! | parameter removed | breaking: code that sets it stops compiling | |
//! | parameter required <-> optional | breaking: its field changes between `T` and `Option<T>` | |
//! | parameter type changed | breaking | |
//! | parameter moved (query <-> header) or its wire name changed | additive | |
//! | bounds tightened (a bound added, raised, lowered or made exclusive) | breaking: the client refuses values it used to send | |
//! | bounds loosened only | additive | |
//! | request body added or removed | breaking: calls gain or lose the `body` argument | |
//! | request body required <-> optional | breaking: `&T` <-> `Option<&T>` | |
//! | request body type changed (JSON, form and multipart compare their types) | breaking | |
//! | request body encoding changed, same argument type (JSON -> form, another content type) | additive | |
//! | success body changed (type, or JSON/text/bytes/stream/none) | | breaking: the return type changes |
//! | `_stream` method added | | additive |
//! | `_stream` method removed, or its item type changed | | breaking |
//! | first documented response header added, or last removed | | breaking: `ApiResponse<T>` <-> `ApiResponse<T, H>` |
//! | response header added | | additive |
//! | response header removed or retyped | | breaking |
//! | first error status documented, or last one dropped | | breaking: `Error` <-> `Error<E>` |
//! | error status added | | additive: it used to arrive untyped |
//! | error status removed, its variant renamed or its body changed | | breaking: matches on the variant stop compiling |
//! | operation starts or stops sending the API key | additive (the client-wide change below is what breaks) | |
//! | operation sends the key by another scheme | breaking: a credential for the old scheme may be refused at run time | |
//! | **Types** | | |
//! | type added | additive | additive |
//! | type removed | breaking: code naming it stops compiling | same |
//! | type renamed | breaking | same |
//! | type changed kind (struct, enum, union, alias) or an alias's target changed | breaking | same |
//! | required (non-`Option`) field added | breaking: code that builds it must set it | additive: only read |
//! | optional field (or `additionalProperties` map) added | additive, if the old struct had `new` or `Default`; else breaking: its struct literals must name it | additive |
//! | field removed | breaking: code that sets it stops compiling | breaking: code that reads it stops compiling |
//! | field type changed | breaking | breaking |
//! | field changes between `T`, `Option<T>` and `Nullable<T>` (required <-> optional, nullable) | breaking: they are different types | breaking: same |
//! | field required or nullable changed, `Option<T>` both times (optional, then required and nullable) | additive: only what is sent changes (`null` or absent) | additive |
//! | field renamed in Rust (same wire name) | breaking | breaking |
//! | field's wire name changed (same Rust name) | additive | additive |
//! | arguments of `new` reordered | breaking: calls pass values to the wrong fields | |
//! | `to_multipart` gained / lost | additive / breaking | |
//! | field deprecated, docs changed | docs-only | docs-only |
//! | enum value added | additive: a new value to send | additive: it used to arrive as `Unknown` |
//! | enum value removed, or its variant renamed | breaking: code that sends it stops compiling | breaking: code that matches it stops compiling |
//! | enum's fallback variant renamed (a value named `Unknown` added) | breaking | breaking |
//! | string <-> integer enum, or integer width changed | breaking | breaking |
//! | union variant added | additive | additive: the value used to fail to decode, or arrive as `Unknown` |
//! | union variant removed or retyped | breaking | breaking |
//! | discriminator value added to a variant | additive | additive |
//! | discriminator value removed from a variant | additive | breaking: those objects now decode as `Unknown` |
//! | discriminator added | additive (an `Unknown` variant appears) | additive |
//! | discriminator removed | breaking: `Unknown` disappears | breaking |
//! | discriminator property changed | additive | breaking: values are told apart by another property |
//! | untagged union's variants reordered | | breaking: decoding tries them in order |
//! | **Client** | | |
//! | API key now required, or no longer | breaking: `Client::new` gains or loses its key argument | |
//! | auth mode used by some operation for the first time / by none any more | additive (operations that switch are breaking, above) | |
//! | default base URL added | additive | |
//! | default base URL changed or removed | breaking: requests go elsewhere, or callers must configure one | |
//! | server constant added (`servers::NAME`) | additive | |
//! | server constant removed, or its URL changed | breaking | |
//! | API version, title, description, server description changed | docs-only | |
//!
//! Adding a variant to an enum, an error enum or a union is additive here although Rust
//! counts it as breaking for a `match` that lists every variant without a wildcard arm: the
//! generated enums keep unknown values (`Unknown`) and undocumented statuses arrive as untyped
//! errors, so callers already handle values they do not know, and a wildcard arm is the
//! expected way to match them. Likewise an optional field is additive for a request struct
//! that has `new` or derives `Default`: callers are expected to build it with one of them, or
//! with `..Default::default()`; a struct literal that names every field needs the new one.
//!
//! Docs changes are reported once per operation or type, and only for the elements that have
//! no other entry (a changed bound also changes a parameter's docs; that is one entry).
//! Internal details that do not change the generated API's types or behaviour are not reported
//! (which body field the `_stream` method sets, the order of fields with no constructor).
//!
//! # Text
//!
//! [`Report::render_text`] writes the entries grouped by severity, breaking first, and within
//! that by subject (the client, then operations, then types, each by name), one line each, a
//! breaking line ending with ` — ` and why it breaks; the last line is the verdict with the counts.
//!
//! # JSON
//!
//! [`Report::to_json`] returns this shape (a new `format` means an incompatible change of it):
//!
//! ```json
//! {
//!   "format": 1,
//!   "verdict": "breaking",
//!   "counts": { "breaking": 1, "additive": 1, "docs_only": 0 },
//!   "entries": [
//!     {
//!       "severity": "breaking",
//!       "subject": { "kind": "operation", "name": "get_transcript_paragraphs" },
//!       "what": "removed (`GET /v2/transcript/{transcript_id}/paragraphs`)",
//!       "why": "calls to `get_transcript_paragraphs` stop compiling"
//!     },
//!     {
//!       "severity": "additive",
//!       "subject": { "kind": "type", "name": "TranscriptStatus" },
//!       "what": "value `archived` added (`Archived`)",
//!       "why": null
//!     }
//!   ]
//! }
//! ```
//!
//! - `verdict` and `severity`: `"unchanged"` (verdict only), `"docs_only"`, `"additive"`,
//!   `"breaking"`.
//! - `subject.kind`: `"operation"` (`name` is the method name, without `r#`),
//!   `"type"` (`name` is the Rust type name in the crate's `types` module), or `"client"`
//!   (`name` is `null`: authentication, servers, the API's version and description).
//! - `what`: one sentence for people; `why`: for breaking entries, why it breaks a Rust caller,
//!   otherwise `null`.
//! - `entries` are in the order of [`Report::entries`]: severity (breaking first), then
//!   subject, then the order of the walk.

mod describe;
mod operations;
mod roles;
mod types;
mod walk;

use std::fmt;

use serde_json::{Value, json};

use crate::ir::Api;

/// Compares two models of an API, the one the published crate was generated from and the
/// one it would be generated from now, and reports what changes for its callers.
pub fn compare(old: &Api, new: &Api) -> Report {
    let mut entries = walk::Walk::new(old, new).run();
    entries.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.subject.cmp(&b.subject)));
    Report { entries }
}

/// The differences between two models, classified for a Rust caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The changes: breaking first, then additive, then docs-only; within each, the client,
    /// then operations, then types, each by name.
    pub entries: Vec<Change>,
}

impl Report {
    /// The most severe entry's severity; [`Verdict::Unchanged`] when there are no entries.
    pub fn verdict(&self) -> Verdict {
        self.entries.iter().map(|c| c.severity).max().unwrap_or(Verdict::Unchanged)
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries of one severity.
    pub fn of(&self, severity: Verdict) -> impl Iterator<Item = &Change> {
        self.entries.iter().filter(move |c| c.severity == severity)
    }

    /// The report for people: grouped by severity (breaking first) and by subject, one line per
    /// change, ending with a one-line verdict. The caller prints its own header (the provider
    /// and the versions compared).
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        if self.is_empty() {
            out.push_str("No changes.\n");
        }
        for severity in [Verdict::Breaking, Verdict::Additive, Verdict::DocsOnly] {
            let entries: Vec<&Change> = self.of(severity).collect();
            if entries.is_empty() {
                continue;
            }
            out.push_str(&format!("{} ({}):\n", severity.heading(), entries.len()));
            let mut current: Option<&Subject> = None;
            for change in entries {
                if current != Some(&change.subject) {
                    out.push_str(&format!("  {}:\n", change.subject));
                    current = Some(&change.subject);
                }
                match &change.why {
                    Some(why) => out.push_str(&format!("    - {} — {why}\n", change.what)),
                    None => out.push_str(&format!("    - {}\n", change.what)),
                }
            }
        }
        out.push_str(&format!("Verdict: {}", self.verdict()));
        if !self.is_empty() {
            let [breaking, additive, docs] = self.counts();
            out.push_str(&format!(" ({breaking} breaking, {additive} additive, {docs} docs-only)"));
        }
        out.push('\n');
        out
    }

    /// The report for tools, in the shape documented in the [module docs](self).
    pub fn to_json(&self) -> Value {
        let [breaking, additive, docs] = self.counts();
        let entries: Vec<Value> = self
            .entries
            .iter()
            .map(|change| {
                let (kind, name) = match &change.subject {
                    Subject::Operation(name) => ("operation", Value::from(name.as_str())),
                    Subject::Type(name) => ("type", Value::from(name.as_str())),
                    Subject::Client => ("client", Value::Null),
                };
                json!({
                    "severity": change.severity.as_str(),
                    "subject": { "kind": kind, "name": name },
                    "what": change.what,
                    "why": change.why,
                })
            })
            .collect();
        json!({
            "format": 1,
            "verdict": self.verdict().as_str(),
            "counts": { "breaking": breaking, "additive": additive, "docs_only": docs },
            "entries": entries,
        })
    }

    fn counts(&self) -> [usize; 3] {
        [Verdict::Breaking, Verdict::Additive, Verdict::DocsOnly].map(|severity| self.of(severity).count())
    }
}

/// How much a change matters to a Rust caller of the generated crate, least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Nothing changed (only a whole report can say this).
    Unchanged,
    /// Only generated documentation changes.
    DocsOnly,
    /// The generated code changes, and nothing that compiled or worked stops.
    Additive,
    /// Callers' code may stop compiling, or start failing at run time.
    Breaking,
}

impl Verdict {
    /// The name used in JSON: `unchanged`, `docs_only`, `additive`, `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unchanged => "unchanged",
            Self::DocsOnly => "docs_only",
            Self::Additive => "additive",
            Self::Breaking => "breaking",
        }
    }

    fn heading(self) -> &'static str {
        match self {
            Self::Unchanged => "Unchanged",
            Self::DocsOnly => "Docs-only changes",
            Self::Additive => "Additive changes",
            Self::Breaking => "Breaking changes",
        }
    }

    /// The next crate version under cargo's semver rules: for 0.x, breaking bumps the minor
    /// (0.3.1 -> 0.4.0), additive bumps the patch (0.3.1 -> 0.3.2), docs-only and unchanged keep
    /// it; for >= 1.0, breaking bumps the major, additive the minor.
    ///
    /// # Errors
    ///
    /// When `current` is not `x.y.z`: three decimal numbers without leading zeros, and no
    /// pre-release or build suffix.
    pub fn next_version(self, current: &str) -> Result<String, String> {
        let invalid = || format!("`{current}` is not a version of the form x.y.z (three numbers, no leading zeros)");
        let parts: Vec<&str> = current.split('.').collect();
        let [major, minor, patch] = parts.as_slice() else { return Err(invalid()) };
        let number = |part: &str| -> Result<u64, String> {
            let digits = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            if !digits || (part.len() > 1 && part.starts_with('0')) {
                return Err(invalid());
            }
            part.parse().map_err(|_| invalid())
        };
        let (major, minor, patch) = (number(major)?, number(minor)?, number(patch)?);
        let overflow = || format!("`{current}` cannot be bumped: a number would overflow");
        let next = match (self, major) {
            (Self::Unchanged | Self::DocsOnly, _) => (major, minor, patch),
            (Self::Breaking, 0) => (0, minor.checked_add(1).ok_or_else(overflow)?, 0),
            (Self::Additive, 0) => (0, minor, patch.checked_add(1).ok_or_else(overflow)?),
            (Self::Breaking, _) => (major.checked_add(1).ok_or_else(overflow)?, 0, 0),
            (Self::Additive, _) => (major, minor.checked_add(1).ok_or_else(overflow)?, 0),
        };
        Ok(format!("{}.{}.{}", next.0, next.1, next.2))
    }
}

impl fmt::Display for Verdict {
    /// For people: `unchanged`, `docs-only`, `additive`, `breaking`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DocsOnly => "docs-only",
            other => other.as_str(),
        })
    }
}

/// One difference between the models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// [`Verdict::DocsOnly`], [`Verdict::Additive`] or [`Verdict::Breaking`].
    pub severity: Verdict,
    /// What changed: an operation, a type, or the client.
    pub subject: Subject,
    /// What changed, in one sentence.
    pub what: String,
    /// For breaking entries, why it breaks a Rust caller, in one short clause; `None` otherwise.
    pub why: Option<String>,
}

/// What a change is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    /// An operation, by its method name (without `r#`).
    Operation(String),
    /// A named type, by its Rust name.
    Type(String),
    /// The client as a whole: authentication, servers, the API's version and description.
    Client,
}

impl Subject {
    fn sort_key(&self) -> (u8, &str) {
        match self {
            Self::Client => (0, ""),
            Self::Operation(name) => (1, name),
            Self::Type(name) => (2, name),
        }
    }
}

impl Ord for Subject {
    /// The client first, then operations, then types, each by name.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Subject {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Subject {
    /// `operation `name``, `type `Name``, `client`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Operation(name) => write!(f, "operation `{name}`"),
            Self::Type(name) => write!(f, "type `{name}`"),
            Self::Client => f.write_str("client"),
        }
    }
}

#[cfg(test)]
mod tests;
