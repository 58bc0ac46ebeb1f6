//! What changes for one operation: its method, arguments, body, response and errors.

use super::Subject;
use super::describe::{self, field_type, location, names, path_shape, rust_type};
use super::walk::{Walk, pair_up, reordered};
use crate::ir::{
    AuthUse, BodyKind, Bound, Bounds, CredentialRef, ErrorsDef, EventData, HeaderField, HeadersDef, Operation, Param,
    ResponseKind, StreamKind, TypeKind, Wrapper,
};
use crate::naming::unraw;

fn method(operation: &Operation) -> String {
    unraw(&operation.method_name).to_owned()
}

/// `` `GET /videos/{id}` ``
fn route(operation: &Operation) -> String {
    format!("`{} {}`", operation.http_method, operation.path)
}

impl Walk<'_> {
    pub(super) fn operations(&mut self) {
        for (old, new) in self.operation_pairs.clone() {
            self.operation(old, new);
        }
        for operation in self.removed_operations.clone() {
            let types = self.removed_with.get(&operation.id).cloned().unwrap_or_default();
            let with = if types.is_empty() { String::new() } else { format!(", with its types {}", names(&types)) };
            self.breaking(
                &Subject::Operation(method(operation)),
                format!("removed ({}){with}", route(operation)),
                format!("calls to `{}` stop compiling", method(operation)),
            );
        }
        for operation in self.added_operations.clone() {
            let types = self.added_with.get(&operation.id).cloned().unwrap_or_default();
            let with = if types.is_empty() { String::new() } else { format!(", with its types {}", names(&types)) };
            self.additive(&Subject::Operation(method(operation)), format!("added ({}){with}", route(operation)));
        }
    }

    fn operation(&mut self, old: &Operation, new: &Operation) {
        let subject = Subject::Operation(method(new));
        if old.method_name != new.method_name {
            self.breaking(
                &subject,
                format!("renamed from `{}` ({})", method(old), route(new)),
                format!("calls to `{}` stop compiling", method(old)),
            );
        } else if old.id != new.id {
            self.docs_only(
                &subject,
                format!("operationId `{}` is now `{}`; the method keeps its name", old.id, new.id),
            );
        }
        if old.http_method != new.http_method || path_shape(&old.path) != path_shape(&new.path) {
            self.additive(&subject, format!("now sends {} (was {})", route(new), route(old)));
        }
        let mut docs = Vec::new();
        if old.docs != new.docs {
            docs.push("the method".to_owned());
        }
        self.path_params(&subject, old, new, &mut docs);
        self.params(&subject, old, new, &mut docs);
        self.request_body(&subject, old, new);
        self.success(&subject, old, new, &mut docs);
        self.errors(&subject, old, new, &mut docs);
        match (old.auth.as_slice(), new.auth.as_slice()) {
            ([], []) => {}
            ([], uses) => self.additive(&subject, format!("now sends {}", describe::auth_uses(uses))),
            (uses, []) => {
                let names: Vec<String> = uses.iter().map(|u| describe::credential(&u.credential)).collect();
                self.additive(&subject, format!("no longer sends {}", names.join(" and ")));
            }
            ([a], [b]) if a != b && a.credential == CredentialRef::ApiKey && b.credential == CredentialRef::ApiKey => {
                self.breaking(
                    &subject,
                    format!("sends the API key in {} (was {})", describe::auth(&b.scheme), describe::auth(&a.scheme)),
                    "a credential for the old scheme may be refused at run time",
                );
            }
            (a, b) if a != b => {
                let added: Vec<AuthUse> = b.iter().filter(|u| !a.contains(u)).cloned().collect();
                let removed: Vec<AuthUse> = a.iter().filter(|u| !b.contains(u)).cloned().collect();
                match (added.is_empty(), removed.is_empty()) {
                    (false, true) => self.breaking(
                        &subject,
                        format!("now also sends {}", describe::auth_uses(&added)),
                        "a client built without it can no longer make this call",
                    ),
                    (true, false) => {
                        self.additive(&subject, format!("no longer sends {}", describe::auth_uses(&removed)))
                    }
                    _ => self.breaking(
                        &subject,
                        format!("sends {} instead of {}", describe::auth_uses(&added), describe::auth_uses(&removed)),
                        "a client built without the new credential can no longer make this call",
                    ),
                }
            }
            _ => {}
        }
        match (old.deprecated, new.deprecated) {
            (false, true) => self.docs_only(&subject, "deprecated"),
            (true, false) => self.docs_only(&subject, "no longer deprecated"),
            _ => {}
        }
        self.docs_changed(&subject, docs);
    }

    /// Path parameters are positional arguments: matched by placeholder name, then by position.
    fn path_params(&mut self, subject: &Subject, old: &Operation, new: &Operation, docs: &mut Vec<String>) {
        let (a, b) = (&old.path_params, &new.path_params);
        let mut pairing = pair_up(a, b, &[&|p: &Param| p.wire_name.clone()]);
        if a.len() == b.len() && pairing.removed.len() == pairing.added.len() {
            for (&i, &j) in pairing.removed.iter().zip(&pairing.added) {
                self.docs_only(
                    subject,
                    format!(
                        "path parameter `{}` renamed to `{}` (arguments are positional)",
                        a[i].wire_name, b[j].wire_name
                    ),
                );
                pairing.pairs.push((i, j));
            }
            pairing.removed.clear();
            pairing.added.clear();
        }
        for &i in &pairing.removed {
            self.breaking(
                subject,
                format!("path parameter `{}` removed", a[i].wire_name),
                "existing calls pass an argument the method no longer takes",
            );
        }
        for &j in &pairing.added {
            self.breaking(
                subject,
                format!("path parameter `{}` added (`{}`)", b[j].wire_name, rust_type(&b[j].ty)),
                "existing calls lack the new argument",
            );
        }
        if a.len() == b.len() && pairing.pairs.iter().any(|(i, j)| i != j) {
            let order = |params: &[Param]| names(&params.iter().map(|p| p.wire_name.as_str()).collect::<Vec<_>>());
            self.breaking(
                subject,
                format!("path parameters reordered: ({}) -> ({})", order(a), order(b)),
                "existing calls pass their values to the wrong parameters",
            );
        }
        pairing.pairs.sort_unstable();
        for (i, j) in pairing.pairs {
            let (p, q) = (&a[i], &b[j]);
            let before = self.mark();
            let label = format!("path parameter `{}`", q.wire_name);
            if !self.same(&p.ty, &q.ty) {
                self.breaking(
                    subject,
                    format!("{label} type changed: `{}` -> `{}`", rust_type(&p.ty), rust_type(&q.ty)),
                    format!("existing calls pass a `{}`", rust_type(&p.ty)),
                );
            }
            self.bounds(subject, &label, &p.bounds, &q.bounds);
            if self.mark() == before && p.docs != q.docs {
                docs.push(label);
            }
        }
    }

    /// Query and header parameters: the fields of the params struct.
    fn params(&mut self, subject: &Subject, old: &Operation, new: &Operation, docs: &mut Vec<String>) {
        let label = |p: &Param| format!("{} parameter `{}`", location(p.location), p.wire_name);
        let params_type = match (&old.params_type, &new.params_type) {
            (None, None) => return,
            (None, Some(b)) => {
                let list: Vec<String> = new.params.iter().map(label).collect();
                self.breaking(
                    subject,
                    format!("now takes a `params: &types::{b}` argument ({})", list.join(", ")),
                    "existing calls lack the new argument",
                );
                return;
            }
            (Some(a), None) => {
                self.breaking(
                    subject,
                    format!("no longer takes query or header parameters (`{a}` removed)"),
                    "existing calls pass a `params` argument it no longer takes",
                );
                return;
            }
            (Some(a), Some(b)) => {
                if a != b {
                    self.breaking(
                        subject,
                        format!("params type renamed from `{a}` to `{b}`"),
                        format!("code that names `types::{a}` stops compiling"),
                    );
                }
                b.clone()
            }
        };
        let (a, b) = (&old.params, &new.params);
        let pairing = pair_up(
            a,
            b,
            &[&|p: &Param| p.rust_name.clone(), &|p: &Param| format!("{} {}", location(p.location), p.wire_name)],
        );
        for &i in &pairing.removed {
            self.breaking(subject, format!("{} removed", label(&a[i])), "code that sets it stops compiling");
        }
        for &j in &pairing.added {
            let q = &b[j];
            if q.required {
                self.breaking(
                    subject,
                    format!("{} added (`{}`, required)", label(q), rust_type(&q.ty)),
                    format!("`{params_type}::new` and struct literals need a value for it"),
                );
            } else {
                self.additive(subject, format!("{} added (`Option<{}>`)", label(q), rust_type(&q.ty)));
            }
        }
        for &(i, j) in &pairing.pairs {
            let (p, q) = (&a[i], &b[j]);
            let before = self.mark();
            if p.rust_name != q.rust_name {
                self.breaking(
                    subject,
                    format!("{} is now field `{}` (was `{}`)", label(q), unraw(&q.rust_name), unraw(&p.rust_name)),
                    format!("code that sets `{}` stops compiling", unraw(&p.rust_name)),
                );
            }
            if p.location != q.location || p.wire_name != q.wire_name {
                self.additive(subject, format!("{} is now sent as {}", label(p), label(q)));
            }
            let wrapper = |required: bool| if required { Wrapper::Bare } else { Wrapper::Option };
            let (t1, t2) = (field_type(&p.ty, wrapper(p.required)), field_type(&q.ty, wrapper(q.required)));
            if !self.same(&p.ty, &q.ty) {
                self.breaking(
                    subject,
                    format!("{} type changed: `{t1}` -> `{t2}`", label(q)),
                    format!("code that sets it as `{t1}` stops compiling"),
                );
            } else if p.required != q.required {
                let now = if q.required { "required" } else { "optional" };
                self.breaking(
                    subject,
                    format!("{} is now {now}: `{t1}` -> `{t2}`", label(q)),
                    format!("`{t1}` and `{t2}` are different types, so code that sets it stops compiling"),
                );
            }
            self.bounds(subject, &label(q), &p.bounds, &q.bounds);
            if self.mark() == before && p.docs != q.docs {
                docs.push(label(q));
            }
        }
        let required = |params: &[Param]| -> Vec<String> {
            params.iter().filter(|p| p.required).map(|p| p.rust_name.clone()).collect()
        };
        let (old_args, new_args) = (required(a), required(b));
        let (old_args, new_args): (Vec<&str>, Vec<&str>) =
            (old_args.iter().map(String::as_str).collect(), new_args.iter().map(String::as_str).collect());
        if reordered(&old_args, &new_args) {
            self.breaking(
                subject,
                format!(
                    "arguments of `{params_type}::new` reordered: ({}) -> ({})",
                    names(&old_args),
                    names(&new_args)
                ),
                "existing calls pass their values to the wrong parameters",
            );
        }
    }

    /// A bound is tighter when it appears, moves inwards or starts excluding its limit.
    fn bounds(&mut self, subject: &Subject, label: &str, old: &Bounds, new: &Bounds) {
        let (min_tighter, min_looser) = bound_change(old.minimum, new.minimum, true);
        let (max_tighter, max_looser) = bound_change(old.maximum, new.maximum, false);
        let (tighter, looser) = (min_tighter || max_tighter, min_looser || max_looser);
        let change = format!("from {} to {}", describe::bounds(old), describe::bounds(new));
        match (tighter, looser) {
            (true, false) => self.breaking(
                subject,
                format!("{label}: bounds tightened {change}"),
                "the client refuses, before sending, values it used to send",
            ),
            (true, true) => self.breaking(
                subject,
                format!("{label}: bounds changed {change}"),
                "the client refuses, before sending, values it used to send",
            ),
            (false, true) => self.additive(subject, format!("{label}: bounds loosened {change}")),
            (false, false) => {}
        }
    }

    fn request_body(&mut self, subject: &Subject, old: &Operation, new: &Operation) {
        let (a, b) = match (&old.body, &new.body) {
            (None, None) => return,
            (None, Some(b)) => {
                let what = format!("now takes a request body ({})", describe::body(&b.kind));
                self.breaking(subject, what, "existing calls lack the new `body` argument");
                return;
            }
            (Some(a), None) => {
                let what = format!("no longer takes a request body (was {})", describe::body(&a.kind));
                self.breaking(subject, what, "existing calls pass a `body` argument it no longer takes");
                return;
            }
            (Some(a), Some(b)) => (a, b),
        };
        let change = format!("{} -> {}", describe::body(&a.kind), describe::body(&b.kind));
        let same_argument = match (&a.kind, &b.kind) {
            (BodyKind::Text(_), BodyKind::Text(_)) | (BodyKind::Bytes(_), BodyKind::Bytes(_)) => true,
            (x, y) => match (x.ty(), y.ty()) {
                (Some(x), Some(y)) => self.same(x, y),
                _ => false,
            },
        };
        if !same_argument {
            self.breaking(
                subject,
                format!("request body type changed: {change}"),
                "the `body` argument's type changes",
            );
        } else {
            let encoding_changed = match (&a.kind, &b.kind) {
                (BodyKind::Text(x), BodyKind::Text(y)) | (BodyKind::Bytes(x), BodyKind::Bytes(y)) => x != y,
                (x, y) => std::mem::discriminant(x) != std::mem::discriminant(y),
            };
            if encoding_changed {
                self.additive(
                    subject,
                    format!("request body now sent as {} (was {})", describe::body(&b.kind), describe::body(&a.kind)),
                );
            }
        }
        if a.required != b.required {
            let now = if b.required { "required" } else { "optional" };
            self.breaking(
                subject,
                format!("request body is now {now}"),
                "the `body` argument changes between `T` and `Option<T>`",
            );
        }
    }

    fn success(&mut self, subject: &Subject, old: &Operation, new: &Operation, docs: &mut Vec<String>) {
        let (a, b) = (&old.success, &new.success);
        let same = match (&a.kind, &b.kind) {
            (ResponseKind::Json(x), ResponseKind::Json(y)) => self.same(x, y),
            (ResponseKind::Events(x), ResponseKind::Events(y)) => self.same_events(x, y),
            (x, y) => std::mem::discriminant(x) == std::mem::discriminant(y),
        };
        if !same {
            self.breaking(
                subject,
                format!("response changed: {} -> {}", describe::response(&a.kind), describe::response(&b.kind)),
                "the method's return type changes",
            );
        }
        let stream_method = format!("{}_stream", method(new));
        match (&a.stream, &b.stream) {
            (None, Some(stream)) => self.additive(
                subject,
                format!("new method `{stream_method}`, which streams {}", describe::stream(&stream.kind)),
            ),
            (Some(_), None) => {
                self.breaking(subject, format!("method `{}_stream` removed", method(old)), "calls to it stop compiling")
            }
            (Some(x), Some(y)) => {
                let same = match (&x.kind, &y.kind) {
                    (StreamKind::Bytes, StreamKind::Bytes) => true,
                    (StreamKind::Events(x), StreamKind::Events(y)) => self.same_events(x, y),
                    _ => false,
                };
                if !same {
                    self.breaking(
                        subject,
                        format!(
                            "`{stream_method}` now streams {} (was {})",
                            describe::stream(&y.kind),
                            describe::stream(&x.kind)
                        ),
                        "its return type changes",
                    );
                }
            }
            (None, None) => {}
        }
        let with_response = format!("{}_with_response", method(new));
        match (&a.headers, &b.headers) {
            (None, Some(h)) => self.breaking(
                subject,
                format!("`{with_response}` now reads the documented response headers into `{h}`"),
                format!("its return type changes to `ApiResponse<_, types::{h}>`"),
            ),
            (Some(h), None) => self.breaking(
                subject,
                format!("`{with_response}` no longer reads typed response headers (`{h}` removed)"),
                "its return type changes to `ApiResponse<_>`",
            ),
            (Some(x), Some(y)) => {
                if x != y {
                    self.breaking(
                        subject,
                        format!("response headers type renamed from `{x}` to `{y}`"),
                        format!("code that names `types::{x}` stops compiling"),
                    );
                }
                if let (Some(x), Some(y)) = (headers_def(self.old, x), headers_def(self.new, y)) {
                    self.headers(subject, x, y, docs);
                }
            }
            (None, None) => {}
        }
    }

    fn same_events(&self, old: &EventData, new: &EventData) -> bool {
        match (old, new) {
            (EventData::Json(x), EventData::Json(y)) => self.same(x, y),
            (EventData::Raw, EventData::Raw) => true,
            _ => false,
        }
    }

    /// The documented response headers: `Option` fields callers read.
    fn headers(&mut self, subject: &Subject, old: &HeadersDef, new: &HeadersDef, docs: &mut Vec<String>) {
        let (a, b) = (&old.fields, &new.fields);
        let pairing =
            pair_up(a, b, &[&|f: &HeaderField| f.rust_name.clone(), &|f: &HeaderField| f.wire_name.to_lowercase()]);
        for &i in &pairing.removed {
            self.breaking(
                subject,
                format!("response header `{}` removed", a[i].wire_name),
                "code that reads it stops compiling",
            );
        }
        for &j in &pairing.added {
            let field = &b[j];
            self.additive(
                subject,
                format!("response header `{}` added (`Option<{}>`)", field.wire_name, rust_type(&field.ty)),
            );
        }
        for &(i, j) in &pairing.pairs {
            let (x, y) = (&a[i], &b[j]);
            let before = self.mark();
            let label = format!("response header `{}`", y.wire_name);
            if x.rust_name != y.rust_name {
                self.breaking(
                    subject,
                    format!("{label} is now field `{}` (was `{}`)", unraw(&y.rust_name), unraw(&x.rust_name)),
                    format!("code that reads `{}` stops compiling", unraw(&x.rust_name)),
                );
            } else if x.wire_name != y.wire_name {
                self.additive(subject, format!("{label} is now read from `{}` (was `{}`)", y.wire_name, x.wire_name));
            }
            if !self.same(&x.ty, &y.ty) {
                self.breaking(
                    subject,
                    format!("{label} type changed: `Option<{}>` -> `Option<{}>`", rust_type(&x.ty), rust_type(&y.ty)),
                    format!("code that reads it as `{}` stops compiling", rust_type(&x.ty)),
                );
            }
            if self.mark() == before && x.docs != y.docs {
                docs.push(label);
            }
        }
    }

    /// The error enum: one variant per documented error status.
    fn errors(&mut self, subject: &Subject, old: &Operation, new: &Operation, docs: &mut Vec<String>) {
        let statuses = |def: Option<&ErrorsDef>| {
            def.map(|d| d.variants.iter().map(|v| format!("`{}`", describe::status(v.status))).collect::<Vec<_>>())
                .unwrap_or_default()
                .join(", ")
        };
        let (a_name, b_name) = match (&old.errors_type, &new.errors_type) {
            (None, None) => return,
            (None, Some(b)) => {
                let list = statuses(errors_def(self.new, b));
                self.breaking(
                    subject,
                    format!("now documents error statuses {list} (`{b}`)"),
                    format!("the error type changes from `Error` to `Error<types::{b}>`"),
                );
                return;
            }
            (Some(a), None) => {
                let list = statuses(errors_def(self.old, a));
                self.breaking(
                    subject,
                    format!("no longer documents error statuses (was {list}; `{a}` removed)"),
                    format!("the error type changes from `Error<types::{a}>` to `Error`"),
                );
                return;
            }
            (Some(a), Some(b)) => (a, b),
        };
        if a_name != b_name {
            self.breaking(
                subject,
                format!("error type renamed from `{a_name}` to `{b_name}`"),
                format!("code that names `types::{a_name}` stops compiling"),
            );
        }
        let (Some(a), Some(b)) = (errors_def(self.old, a_name), errors_def(self.new, b_name)) else { return };
        let (a, b) = (&a.variants, &b.variants);
        let pairing = pair_up(a, b, &[&|v: &crate::ir::ErrorVariant| describe::status(v.status)]);
        for &i in &pairing.removed {
            let variant = &a[i];
            self.breaking(
                subject,
                format!(
                    "error status `{}` removed (`{a_name}::{}`)",
                    describe::status(variant.status),
                    variant.rust_name
                ),
                format!("code that matches `{a_name}::{}` stops compiling", variant.rust_name),
            );
        }
        for &j in &pairing.added {
            let variant = &b[j];
            let body = variant.ty.as_ref().map(|ty| format!(", body `{}`", rust_type(ty))).unwrap_or_default();
            self.additive(
                subject,
                format!(
                    "error status `{}` added (`{b_name}::{}`{body})",
                    describe::status(variant.status),
                    variant.rust_name
                ),
            );
        }
        for &(i, j) in &pairing.pairs {
            let (x, y) = (&a[i], &b[j]);
            let before = self.mark();
            let label = format!("error `{}`", describe::status(y.status));
            if x.rust_name != y.rust_name {
                self.breaking(
                    subject,
                    format!("{label} is now `{b_name}::{}` (was `{}`)", y.rust_name, x.rust_name),
                    format!("code that matches `{a_name}::{}` stops compiling", x.rust_name),
                );
            }
            let body = |ty: &Option<crate::ir::TypeRef>| {
                ty.as_ref().map_or_else(|| "no typed body".to_owned(), |ty| format!("`{}`", rust_type(ty)))
            };
            let same = match (&x.ty, &y.ty) {
                (Some(p), Some(q)) => self.same(p, q),
                (None, None) => true,
                _ => false,
            };
            if !same {
                self.breaking(
                    subject,
                    format!("{label} body changed: {} -> {}", body(&x.ty), body(&y.ty)),
                    format!("code that matches `{b_name}::{}` with its old payload stops compiling", y.rust_name),
                );
            }
            if self.mark() == before && x.docs != y.docs {
                docs.push(label);
            }
        }
    }
}

/// Whether one bound got tighter and whether it got looser; `lower` for a minimum.
fn bound_change(old: Option<Bound>, new: Option<Bound>, lower: bool) -> (bool, bool) {
    match (old, new) {
        (None, None) => (false, false),
        (None, Some(_)) => (true, false),
        (Some(_), None) => (false, true),
        (Some(a), Some(b)) => {
            let (x, y) = (describe::value(a.limit), describe::value(b.limit));
            let inwards = if lower { y > x } else { y < x };
            let outwards = if lower { y < x } else { y > x };
            match (inwards, outwards, a.exclusive, b.exclusive) {
                (true, _, _, _) => (true, false),
                (_, true, _, _) => (false, true),
                (_, _, false, true) => (true, false),
                (_, _, true, false) => (false, true),
                _ => (false, false),
            }
        }
    }
}

fn errors_def<'a>(api: &'a crate::ir::Api, name: &str) -> Option<&'a ErrorsDef> {
    match api.types.get(name).map(|t| &t.kind) {
        Some(TypeKind::Errors(def)) => Some(def),
        _ => None,
    }
}

fn headers_def<'a>(api: &'a crate::ir::Api, name: &str) -> Option<&'a HeadersDef> {
    match api.types.get(name).map(|t| &t.kind) {
        Some(TypeKind::Headers(def)) => Some(def),
        _ => None,
    }
}
