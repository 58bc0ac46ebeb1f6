//! Passes over the whole type space after lowering: alias cycles, boxing, docs and secrets.

use std::collections::{BTreeMap, BTreeSet};

use super::Lowerer;
use crate::diagnostics::{Location, pointer};
use crate::ir::{Operation, ParamLocation, TypeKind, TypeRef};
use crate::naming;

impl Lowerer<'_> {
    /// Type aliases that expand to themselves (`A: {$ref: B}` and `B: {$ref: A}`, or an array of
    /// itself) define no type at all, and Rust rejects them. Each such cycle is refused once, at
    /// the schema of its first member, with the whole cycle named.
    pub(super) fn refuse_alias_cycles(&mut self) {
        fn named(ty: &TypeRef, out: &mut Vec<String>) {
            match ty {
                TypeRef::Named(name) => out.push(name.clone()),
                TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Boxed(inner) => {
                    named(inner, out);
                }
                _ => {}
            }
        }
        let aliases: BTreeMap<&str, Vec<String>> = self
            .types
            .iter()
            .filter_map(|(name, def)| match &def.kind {
                TypeKind::Alias(target) => {
                    let mut targets = Vec::new();
                    named(target, &mut targets);
                    Some((name.as_str(), targets))
                }
                _ => None,
            })
            .collect();
        let mut reported: BTreeSet<String> = BTreeSet::new();
        let mut errors = Vec::new();
        for start in aliases.keys() {
            if reported.contains(*start) {
                continue;
            }
            // Depth-first over alias targets, keeping the path to report it.
            let mut stack: Vec<Vec<&str>> = vec![vec![start]];
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            while let Some(path) = stack.pop() {
                let last = path[path.len() - 1];
                let Some(targets) = aliases.get(last) else { continue };
                if let Some(_closing) = targets.iter().find(|t| t.as_str() == *start) {
                    let mut cycle: Vec<String> = path.iter().map(|name| (*name).to_owned()).collect();
                    reported.extend(cycle.iter().cloned());
                    cycle.push((*start).to_owned());
                    errors.push((self.types[*start].origin.clone(), cycle));
                    break;
                }
                for target in targets {
                    if let Some((name, _)) = aliases.get_key_value(target.as_str())
                        && seen.insert(name)
                    {
                        let mut next = path.clone();
                        next.push(name);
                        stack.push(next);
                    }
                }
            }
        }
        for (origin, cycle) in errors {
            let chain = cycle.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(" -> ");
            self.diagnostics.error(
                Location::Pointer(origin),
                format!(
                    "these schemas only refer to each other ({chain}), through `$ref`s, arrays or maps, so they never define a type; give one of them a type of its own"
                ),
            );
        }
    }

    /// A type that contains itself (directly, through `Option`, or through other types) would
    /// have infinite size. One edge per cycle is boxed: going through the types in name order,
    /// each field or variant whose target leads back to its own type is boxed, which breaks that
    /// cycle for every type on it. `Vec` and maps already add indirection, so cycles through
    /// them need nothing.
    pub(super) fn box_recursive_types(&mut self) {
        let names: Vec<String> = self.types.keys().cloned().collect();
        for name in names {
            let targets: Vec<(usize, String)> = self.inline_edges(&name).into_iter().enumerate().collect();
            for (index, target) in targets {
                if target == name || self.reaches(&target, &name) {
                    self.box_edge(&name, index);
                }
            }
        }
    }

    /// Untagged unions are as large as their largest variant, so a struct (or file) variant
    /// beside a string would make every value that size: such variants are boxed.
    pub(super) fn box_large_union_variants(&mut self) {
        // Structs, and aliases of structs (`pub type Rule = RuleCreate;`), however many deep.
        let struct_behind = |name: &str| {
            let mut current = name;
            for _ in 0..16 {
                match self.types.get(current).map(|t| &t.kind) {
                    Some(TypeKind::Struct(_)) => return true,
                    Some(TypeKind::Alias(TypeRef::Named(target))) => current = target,
                    _ => return false,
                }
            }
            false
        };
        let structs: BTreeSet<String> = self.types.keys().filter(|name| struct_behind(name)).cloned().collect();
        for def in self.types.values_mut() {
            let TypeKind::Union(union) = &mut def.kind else { continue };
            for variant in &mut union.variants {
                let large = match &variant.ty {
                    TypeRef::Named(name) => structs.contains(name),
                    TypeRef::File => true,
                    _ => false,
                };
                if large {
                    variant.ty = TypeRef::Boxed(Box::new(variant.ty.clone()));
                }
            }
        }
    }

    /// A struct field whose type nests three or more collections
    /// (`BTreeMap<String, BTreeMap<String, BTreeMap<String, T>>>`) gets a named alias,
    /// `<Struct><Field>`, as a person would write it and as clippy's `type_complexity` asks.
    pub(super) fn name_complex_field_types(&mut self) {
        fn depth(ty: &TypeRef) -> usize {
            match ty {
                TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Boxed(inner) => {
                    1 + depth(inner)
                }
                _ => 0,
            }
        }
        let mut aliases: Vec<(String, String, usize, TypeRef)> = Vec::new();
        for (name, def) in &self.types {
            let TypeKind::Struct(def) = &def.kind else { continue };
            for (index, field) in def.fields.iter().enumerate() {
                if depth(&field.ty) >= 3 {
                    aliases.push((name.clone(), field.rust_name.clone(), index, field.ty.clone()));
                }
            }
        }
        for (struct_name, field_name, index, ty) in aliases {
            let wanted = format!("{struct_name}{}", naming::type_ident(naming::unraw(&field_name)));
            let alias = naming::unique(naming::unreserved_type_name(wanted), &mut self.taken_type_names);
            let origin = self.types.get(&struct_name).map(|t| t.origin.clone()).unwrap_or_default();
            let docs = vec![format!("The type of [`{struct_name}::{}`].", naming::unraw(&field_name))];
            self.define(alias.clone(), docs, &origin, TypeKind::Alias(ty));
            if let Some(TypeKind::Struct(def)) = self.types.get_mut(&struct_name).map(|t| &mut t.kind) {
                def.fields[index].ty = TypeRef::Named(alias);
            }
        }
    }

    /// The named types a type holds without indirection, one entry per field or variant
    /// (an empty name where there is none).
    pub(super) fn inline_edges(&self, name: &str) -> Vec<String> {
        fn target(ty: &TypeRef) -> String {
            match ty {
                TypeRef::Named(name) => name.clone(),
                TypeRef::Option(inner) => target(inner),
                _ => String::new(),
            }
        }
        match self.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(def)) => def.fields.iter().map(|f| target(&f.ty)).collect(),
            Some(TypeKind::Union(def)) => def.variants.iter().map(|v| target(&v.ty)).collect(),
            Some(TypeKind::Alias(ty)) => vec![target(ty)],
            _ => Vec::new(),
        }
    }

    pub(super) fn reaches(&self, from: &str, to: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(current) = stack.pop() {
            if current == to {
                return true;
            }
            if current.is_empty() || !seen.insert(current.clone()) {
                continue;
            }
            stack.extend(self.inline_edges(&current));
        }
        false
    }

    pub(super) fn box_edge(&mut self, name: &str, index: usize) {
        fn boxed(ty: &mut TypeRef) {
            match ty {
                TypeRef::Option(inner) => boxed(inner),
                TypeRef::Named(_) => *ty = TypeRef::Boxed(Box::new(ty.clone())),
                _ => {}
            }
        }
        match self.types.get_mut(name).map(|t| &mut t.kind) {
            Some(TypeKind::Struct(def)) => boxed(&mut def.fields[index].ty),
            Some(TypeKind::Union(def)) => boxed(&mut def.variants[index].ty),
            _ => {}
        }
    }

    /// Gives every type and field that the spec left undocumented a doc line saying where it
    /// comes from, so generated crates pass `missing_docs`.
    pub(super) fn fill_missing_docs(&mut self, operations: &[Operation]) {
        for def in self.types.values_mut() {
            if def.docs.is_empty() {
                def.docs.push(origin_doc(&def.origin, operations));
            }
            match &mut def.kind {
                TypeKind::Struct(def) => {
                    for field in def.fields.iter_mut().filter(|f| f.docs.is_empty()) {
                        field.docs.push(format!("The `{}` property.", field.wire_name));
                    }
                }
                TypeKind::Params(def) => {
                    for param in def.params.iter_mut().filter(|p| p.docs.is_empty()) {
                        let place = if param.location == ParamLocation::Header { "header" } else { "query parameter" };
                        param.docs.push(format!("The `{}` {place}.", param.wire_name));
                    }
                }
                _ => {}
            }
        }
    }

    /// Turns the fields named in `secret_fields` into `Secret`s.
    pub(super) fn apply_secret_fields(&mut self) {
        for entry in &self.settings.secret_fields {
            let Some((type_name, field_name)) = entry.split_once('.') else {
                self.diagnostics.error(
                    Location::File,
                    format!("provider settings: secret field `{entry}` must be written `TypeName.fieldName`"),
                );
                continue;
            };
            let field = match self.types.get_mut(type_name).map(|t| &mut t.kind) {
                Some(TypeKind::Struct(def)) => def.fields.iter_mut().find(|f| f.wire_name == field_name),
                _ => None,
            };
            match field {
                Some(field) if field.ty == TypeRef::String => field.ty = TypeRef::Secret,
                Some(_) => self.diagnostics.error(Location::File, format!("provider settings: secret field `{entry}` is not a string")),
                None => self.diagnostics.error(
                    Location::File,
                    format!("provider settings: secret field `{entry}` names no field of a generated struct (use the Rust type name and the wire field name)"),
                ),
            }
        }
    }
}

/// A doc line for a type the spec did not document, from where its schema is.
pub(super) fn origin_doc(origin: &str, operations: &[Operation]) -> String {
    let unescape = crate::diagnostics::unescape_pointer_token;
    let property = origin.rsplit_once("/properties/").map(|(_, rest)| unescape(rest.split('/').next().unwrap_or(rest)));
    let is_item = origin.ends_with("/items") || origin.contains("/items/");
    let what = match (&property, is_item) {
        (Some(property), true) => format!("An item of the `{property}` property"),
        (Some(property), false) => format!("The value of the `{property}` property"),
        (None, true) => "An item".to_owned(),
        (None, false) => String::new(),
    };
    if let Some(rest) = origin.strip_prefix("#/components/schemas/") {
        let schema = unescape(rest.split('/').next().unwrap_or(rest));
        return if what.is_empty() {
            format!("The `{schema}` schema.")
        } else {
            format!("{what} of the `{schema}` schema.")
        };
    }
    let operation = operations
        .iter()
        .filter(|op| origin.starts_with(&pointer("#/paths", &[&op.path, op.http_method.path_item_key()])))
        .max_by_key(|op| op.path.len());
    let Some(operation) = operation else { return "A schema of the API.".to_owned() };
    let method = naming::unraw(&operation.method_name);
    let link = format!("[`Client::{method}`](crate::Client::{method})");
    let part = if origin.contains("/requestBody/") {
        "the request body"
    } else if origin.contains("/parameters/") {
        "a parameter"
    } else {
        "a response body"
    };
    if what.is_empty() { format!("The type of {part} of {link}.") } else { format!("{what} in {part} of {link}.") }
}
