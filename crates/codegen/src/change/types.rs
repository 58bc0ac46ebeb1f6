//! What changes for one named type: its kind, fields, values and variants.

use std::collections::BTreeSet;

use super::Subject;
use super::describe::{self, field_type, names, rust_type};
use super::roles::Role;
use super::walk::{Walk, pair_up, reordered};
use crate::ir::{EnumDef, Field, StructDef, TypeKind, UnionDef, UnionVariant};
use crate::naming::unraw;

/// Params, error and header types belong to one operation and are compared with it.
fn per_operation(kind: &TypeKind) -> bool {
    matches!(kind, TypeKind::Params(_) | TypeKind::Errors(_) | TypeKind::Headers(_))
}

/// The name of an enum's variant for values it does not know.
fn fallback(def: &EnumDef) -> &'static str {
    if def.variant_names().contains(&"Unknown") { "UnknownValue" } else { "Unknown" }
}

impl Walk<'_> {
    pub(super) fn types(&mut self) {
        let pairs: Vec<(String, String)> = self.type_pairs.iter().map(|(a, b)| (a.clone(), b.clone())).collect();
        for (a, b) in &pairs {
            if !(per_operation(&self.old.types[a].kind) && per_operation(&self.new.types[b].kind)) {
                self.type_pair(a, b);
            }
        }
        let (old, new) = (self.old, self.new);
        let folded_old: BTreeSet<&String> = self.removed_with.values().flatten().collect();
        let folded_new: BTreeSet<&String> = self.added_with.values().flatten().collect();
        let matched_new: BTreeSet<&String> = pairs.iter().map(|(_, b)| b).collect();
        let removed: Vec<&String> = old
            .types
            .iter()
            .filter(|(name, def)| {
                !self.type_pairs.contains_key(*name) && !per_operation(&def.kind) && !folded_old.contains(name)
            })
            .map(|(name, _)| name)
            .collect();
        let added: Vec<(&String, String)> = new
            .types
            .iter()
            .filter(|(name, def)| {
                !matched_new.contains(name) && !per_operation(&def.kind) && !folded_new.contains(name)
            })
            .map(|(name, def)| (name, describe::kind(&def.kind)))
            .collect();
        for name in removed {
            self.breaking(
                &Subject::Type(name.clone()),
                "removed",
                format!("code that names `types::{name}` stops compiling"),
            );
        }
        for (name, kind) in added {
            self.additive(&Subject::Type(name.clone()), format!("added ({kind})"));
        }
    }

    fn type_pair(&mut self, a: &str, b: &str) {
        let (x, y) = (&self.old.types[a], &self.new.types[b]);
        let subject = Subject::Type(b.to_owned());
        let role = self.role(a, b);
        if a != b {
            self.breaking(
                &subject,
                format!("renamed from `{a}`"),
                format!("code that names `types::{a}` stops compiling"),
            );
        }
        let mut docs = Vec::new();
        if a == b && x.docs != y.docs {
            docs.push("the type".to_owned());
        }
        match (&x.kind, &y.kind) {
            (TypeKind::Struct(p), TypeKind::Struct(q)) => self.structs(&subject, b, p, q, role, &mut docs),
            (TypeKind::Enum(p), TypeKind::Enum(q)) => self.enums(&subject, b, p, q, role),
            (TypeKind::Union(p), TypeKind::Union(q)) => self.unions(&subject, b, p, q, role),
            (TypeKind::Alias(p), TypeKind::Alias(q)) => {
                if !self.same(p, q) {
                    self.breaking(
                        &subject,
                        format!("now an alias of `{}` (was `{}`)", rust_type(q), rust_type(p)),
                        format!("code that uses it as `{}` stops compiling", rust_type(p)),
                    );
                }
            }
            (p, q) => self.breaking(
                &subject,
                format!("changed from {} to {}", describe::kind(p), describe::kind(q)),
                format!("code that uses it as {} stops compiling", describe::kind(p)),
            ),
        }
        self.docs_changed(&subject, docs);
    }

    fn structs(
        &mut self,
        subject: &Subject,
        name: &str,
        old: &StructDef,
        new: &StructDef,
        role: Role,
        docs: &mut Vec<String>,
    ) {
        // Without `new` or `Default`, a struct literal naming every field is the only way to build it.
        let buildable = old.all_fields_optional() || old.constructor_fields().is_some();
        let literal_why = format!("`{name}` had neither `new` nor `Default`, so its struct literals must now name it");
        let field_verb = role.field_verb();
        let (a, b) = (&old.fields, &new.fields);
        let pairing = pair_up(a, b, &[&|f: &Field| f.rust_name.clone(), &|f: &Field| f.wire_name.clone()]);
        for &j in &pairing.added {
            let field = &b[j];
            let ty = field_type(&field.ty, field.wrapper());
            let label = format!("field `{}`", unraw(&field.rust_name));
            if !role.request {
                self.additive(subject, format!("{label} added (`{ty}`)"));
            } else if !field.can_be_unset() {
                self.breaking(
                    subject,
                    format!("{label} added (`{ty}`, required)"),
                    format!("code that builds `{name}` must now set it"),
                );
            } else if buildable {
                self.additive(subject, format!("{label} added (`{ty}`)"));
            } else {
                self.breaking(subject, format!("{label} added (`{ty}`)"), literal_why.clone());
            }
        }
        for &i in &pairing.removed {
            self.breaking(
                subject,
                format!("field `{}` removed", unraw(&a[i].rust_name)),
                format!("code that {field_verb} it stops compiling"),
            );
        }
        for &(i, j) in &pairing.pairs {
            let (p, q) = (&a[i], &b[j]);
            let before = self.mark();
            let label = format!("field `{}`", unraw(&q.rust_name));
            if p.rust_name != q.rust_name {
                self.breaking(
                    subject,
                    format!("{label} renamed from `{}` (same wire name `{}`)", unraw(&p.rust_name), q.wire_name),
                    format!("code that names `{}` stops compiling", unraw(&p.rust_name)),
                );
            } else if p.wire_name != q.wire_name {
                self.additive(subject, format!("{label} is now `{}` on the wire (was `{}`)", q.wire_name, p.wire_name));
            }
            let (t1, t2) = (field_type(&p.ty, p.wrapper()), field_type(&q.ty, q.wrapper()));
            let mut now = Vec::new();
            if p.required != q.required {
                now.push(if q.required { "now required" } else { "now optional" });
            }
            if p.nullable != q.nullable {
                now.push(if q.nullable { "now nullable" } else { "no longer nullable" });
            }
            let now = now.join(" and ");
            if !self.same(&p.ty, &q.ty) {
                self.breaking(
                    subject,
                    format!("{label} type changed: `{t1}` -> `{t2}`"),
                    format!("code that {field_verb} it as `{t1}` stops compiling"),
                );
            } else if p.wrapper() != q.wrapper() {
                self.breaking(
                    subject,
                    format!("{label} is {now}: `{t1}` -> `{t2}`"),
                    format!("`{t1}` and `{t2}` are different types, so code that {field_verb} it stops compiling"),
                );
            } else if !now.is_empty() {
                self.additive(subject, format!("{label} is {now} (still `{t2}`)"));
            }
            match (p.deprecated, q.deprecated) {
                (false, true) => self.docs_only(subject, format!("{label} deprecated")),
                (true, false) => self.docs_only(subject, format!("{label} no longer deprecated")),
                _ => {}
            }
            if self.mark() == before && p.docs != q.docs {
                docs.push(label);
            }
        }
        match (&old.additional, &new.additional) {
            (None, Some(map)) => {
                let what = format!(
                    "map `{}` of the other properties added (`BTreeMap<String, {}>`)",
                    unraw(&map.rust_name),
                    rust_type(&map.ty)
                );
                if role.request && !buildable {
                    self.breaking(subject, what, literal_why.clone());
                } else {
                    self.additive(subject, what);
                }
            }
            (Some(map), None) => self.breaking(
                subject,
                format!("map `{}` of the other properties removed", unraw(&map.rust_name)),
                format!("code that {field_verb} it stops compiling"),
            ),
            (Some(x), Some(y)) => {
                if x.rust_name != y.rust_name {
                    self.breaking(
                        subject,
                        format!(
                            "map of the other properties renamed from `{}` to `{}`",
                            unraw(&x.rust_name),
                            unraw(&y.rust_name)
                        ),
                        format!("code that names `{}` stops compiling", unraw(&x.rust_name)),
                    );
                }
                if !self.same(&x.ty, &y.ty) {
                    self.breaking(
                        subject,
                        format!(
                            "map `{}` of the other properties changed value type: `{}` -> `{}`",
                            unraw(&y.rust_name),
                            rust_type(&x.ty),
                            rust_type(&y.ty)
                        ),
                        format!("code that {field_verb} it stops compiling"),
                    );
                }
            }
            (None, None) => {}
        }
        match (old.multipart, new.multipart) {
            (false, true) => self.additive(subject, "gains `to_multipart` (now sent as a multipart form)"),
            (true, false) => self.breaking(
                subject,
                "loses `to_multipart` (no longer sent as a multipart form)",
                format!("code that calls `{name}::to_multipart` stops compiling"),
            ),
            _ => {}
        }
        if let (Some(x), Some(y)) = (old.constructor_fields(), new.constructor_fields()) {
            let x: Vec<&str> = x.iter().map(|f| unraw(&f.rust_name)).collect();
            let y: Vec<&str> = y.iter().map(|f| unraw(&f.rust_name)).collect();
            if reordered(&x, &y) {
                self.breaking(
                    subject,
                    format!("arguments of `{name}::new` reordered: ({}) -> ({})", names(&x), names(&y)),
                    "existing calls pass their values to the wrong fields",
                );
            }
        }
    }

    fn enums(&mut self, subject: &Subject, name: &str, old: &EnumDef, new: &EnumDef, role: Role) {
        match (old, new) {
            (EnumDef::Integer { kind: x, .. }, EnumDef::Integer { kind: y, .. }) if x != y => self.breaking(
                subject,
                format!("integer type changed: `{}` -> `{}`", describe::integer(*x), describe::integer(*y)),
                format!("code that converts it to or from `{}` stops compiling", describe::integer(*x)),
            ),
            (EnumDef::String(_), EnumDef::Integer { .. }) | (EnumDef::Integer { .. }, EnumDef::String(_)) => {
                let (x, y) =
                    (describe::kind(&TypeKind::Enum(old.clone())), describe::kind(&TypeKind::Enum(new.clone())));
                self.breaking(subject, format!("changed from {x} to {y}"), "its values and conversions change type");
                return;
            }
            _ => {}
        }
        let values = |def: &EnumDef| -> Vec<(String, String)> {
            match def {
                EnumDef::String(variants) => variants.iter().map(|v| (v.value.clone(), v.rust_name.clone())).collect(),
                EnumDef::Integer { variants, .. } => {
                    variants.iter().map(|v| (v.value.to_string(), v.rust_name.clone())).collect()
                }
            }
        };
        let (a, b) = (values(old), values(new));
        let pairing = pair_up(&a, &b, &[&|v: &(String, String)| v.0.clone()]);
        let uses = match (role.request, role.response) {
            (true, false) => "sends",
            (false, true) => "matches",
            _ => "names",
        };
        for &j in &pairing.added {
            self.additive(subject, format!("value `{}` added (`{}`)", b[j].0, b[j].1));
        }
        for &i in &pairing.removed {
            let (value, variant) = &a[i];
            self.breaking(
                subject,
                format!("value `{value}` removed (`{name}::{variant}`)"),
                format!("code that {uses} `{name}::{variant}` stops compiling"),
            );
        }
        for &(i, j) in &pairing.pairs {
            if a[i].1 != b[j].1 {
                self.breaking(
                    subject,
                    format!("value `{}` is now `{name}::{}` (was `{}`)", b[j].0, b[j].1, a[i].1),
                    format!("code that names `{name}::{}` stops compiling", a[i].1),
                );
            }
        }
        let (x, y) = (fallback(old), fallback(new));
        if x != y {
            self.breaking(
                subject,
                format!("the variant for unknown values is now `{name}::{y}` (was `{x}`)"),
                format!("code that matches `{name}::{x}(..)` stops compiling"),
            );
        }
    }

    fn unions(&mut self, subject: &Subject, name: &str, old: &UnionDef, new: &UnionDef, role: Role) {
        let (a, b) = (&old.variants, &new.variants);
        let pairing = pair_up(a, b, &[&|v: &UnionVariant| v.rust_name.clone()]);
        let tags = |variant: &UnionVariant, property: &Option<String>| match property {
            Some(property) if !variant.tags.is_empty() => format!(", `{property}`: {}", names(&variant.tags)),
            _ => String::new(),
        };
        for &j in &pairing.added {
            let variant = &b[j];
            self.additive(
                subject,
                format!(
                    "variant `{}` added (`{}`{})",
                    variant.rust_name,
                    rust_type(&variant.ty),
                    tags(variant, &new.discriminator)
                ),
            );
        }
        for &i in &pairing.removed {
            self.breaking(
                subject,
                format!("variant `{}` removed", a[i].rust_name),
                format!("code that names `{name}::{}` stops compiling", a[i].rust_name),
            );
        }
        for &(i, j) in &pairing.pairs {
            let (x, y) = (&a[i], &b[j]);
            if !self.same(&x.ty, &y.ty) {
                self.breaking(
                    subject,
                    format!("variant `{}` type changed: `{}` -> `{}`", y.rust_name, rust_type(&x.ty), rust_type(&y.ty)),
                    format!("code that uses `{name}::{}` with a `{}` stops compiling", y.rust_name, rust_type(&x.ty)),
                );
            }
            let property = new.discriminator.as_deref().or(old.discriminator.as_deref()).unwrap_or("tag");
            let gained: Vec<&String> = y.tags.iter().filter(|t| !x.tags.contains(t)).collect();
            let lost: Vec<&String> = x.tags.iter().filter(|t| !y.tags.contains(t)).collect();
            if !gained.is_empty() && old.discriminator.is_some() && new.discriminator.is_some() {
                self.additive(
                    subject,
                    format!("variant `{}` is now also chosen by `{property}`: {}", y.rust_name, names(&gained)),
                );
            }
            if !lost.is_empty() && old.discriminator.is_some() && new.discriminator.is_some() {
                let what = format!("variant `{}` is no longer chosen by `{property}`: {}", y.rust_name, names(&lost));
                if role.response {
                    self.breaking(subject, what, format!("objects with that value now decode as `{name}::Unknown`"));
                } else {
                    self.additive(subject, what);
                }
            }
        }
        match (&old.discriminator, &new.discriminator) {
            (None, Some(property)) => self.additive(
                subject,
                format!("now told apart by `{property}`; objects with an unknown value decode as `{name}::Unknown`"),
            ),
            (Some(property), None) => self.breaking(
                subject,
                format!("no longer told apart by `{property}`"),
                format!("the `{name}::Unknown` variant is gone"),
            ),
            (Some(x), Some(y)) if x != y => {
                let what = format!("now told apart by `{y}` (was `{x}`)");
                if role.response {
                    self.breaking(subject, what, "values are decoded by another property");
                } else {
                    self.additive(subject, what);
                }
            }
            _ => {}
        }
        if old.discriminator.is_none() && new.discriminator.is_none() && role.response {
            let x: Vec<&str> = a.iter().map(|v| v.rust_name.as_str()).collect();
            let y: Vec<&str> = b.iter().map(|v| v.rust_name.as_str()).collect();
            if reordered(&x, &y) {
                self.breaking(
                    subject,
                    format!("variants reordered: ({}) -> ({})", names(&x), names(&y)),
                    "decoding tries them in order, so a value may now decode as another variant",
                );
            }
        }
    }
}
