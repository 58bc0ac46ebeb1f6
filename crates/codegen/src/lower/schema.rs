//! Schemas to types: every typing decision for values (optional, nullable, unions, maps,
//! free-form values, inline objects and their names) is made here.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaData, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::Lowerer;
use crate::diagnostics::{Location, pointer};
use crate::docs;
use crate::ir::{
    AdditionalFields, EnumDef, EnumVariant, Field, FlattenedField, FloatKind, IntegerKind, StructDef, TypeKind,
    TypeRef, UnionDef, UnionVariant,
};
use crate::naming;

/// How the type for a schema is named if it needs a name.
#[derive(Debug, Clone)]
pub(crate) enum Hint {
    /// A component schema: exactly this (already reserved) Rust name.
    Exact(String),
    /// An inline schema: this name, made unique.
    Derived(String),
}

impl Hint {
    fn base(&self) -> &str {
        match self {
            Self::Exact(name) | Self::Derived(name) => name,
        }
    }

    /// The hint for a schema nested inside this one.
    pub(crate) fn child(&self, suffix: &str) -> Self {
        Self::Derived(format!("{}{}", self.base(), naming::type_ident(suffix)))
    }
}

/// A lowered schema: its type, and whether `null` is allowed.
#[derive(Debug, Clone)]
pub(crate) struct Lowered {
    pub(crate) ty: TypeRef,
    pub(crate) nullable: bool,
}

impl Lowered {
    fn plain(ty: TypeRef) -> Self {
        Self { ty, nullable: false }
    }
}

impl Lowerer<'_> {
    /// Lowers a schema that may be a reference.
    pub(crate) fn lower_schema(&mut self, schema: &ReferenceOr<Schema>, hint: &Hint, at: &str) -> Lowered {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_reference(reference, at),
            ReferenceOr::Item(schema) => self.lower_inline(schema, hint, at),
        }
    }

    /// Lowers a boxed schema (object properties and array items are boxed in `openapiv3`).
    pub(crate) fn lower_boxed(&mut self, schema: &ReferenceOr<Box<Schema>>, hint: &Hint, at: &str) -> Lowered {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_reference(reference, at),
            ReferenceOr::Item(schema) => self.lower_inline(schema, hint, at),
        }
    }

    fn lower_reference(&mut self, reference: &str, at: &str) -> Lowered {
        match self.resolve_schema_name(reference, at) {
            Some(schema_name) => Lowered {
                ty: TypeRef::Named(self.component_names[&schema_name].clone()),
                nullable: self.nullable_components.contains(&schema_name),
            },
            None => {
                // `resolve_schema_name` said why.
                self.schema_count.schemas += 1;
                self.schema_count.fell_back.push(at.to_owned());
                Lowered::plain(TypeRef::Json)
            }
        }
    }

    /// Gives up on typing the schema at `at`: warns with the reason, counts it, and returns
    /// `serde_json::Value`.
    fn fall_back(&mut self, at: &str, reason: &str) -> TypeRef {
        self.diagnostics
            .warning(Location::Pointer(at.to_owned()), format!("{reason}; it is generated as `serde_json::Value`"));
        self.schema_count.fell_back.push(at.to_owned());
        TypeRef::Json
    }

    /// Lowers the schema of a request or response body, counting it among the body fallbacks
    /// when the generator could not type it.
    pub(crate) fn lower_body_schema(&mut self, schema: &ReferenceOr<Schema>, hint: &Hint, at: &str) -> Lowered {
        let before = self.schema_count.fell_back.len();
        let lowered = self.lower_schema(schema, hint, at);
        if lowered.ty == TypeRef::Json && self.schema_count.fell_back.len() > before {
            self.schema_count.bodies.push(at.to_owned());
        }
        lowered
    }

    /// The component schema a `$ref` points at, or an error at `at`.
    pub(crate) fn resolve_schema_name(&mut self, reference: &str, at: &str) -> Option<String> {
        let Some(name) = reference.strip_prefix("#/components/schemas/") else {
            let message = if reference.starts_with('#') {
                format!(
                    "`$ref: {reference}` points outside `#/components/schemas`; only references to component schemas are supported here"
                )
            } else {
                format!("`$ref: {reference}` is an external reference; bundle the spec into one file first")
            };
            self.diagnostics.error(Location::Pointer(at.to_owned()), message);
            return None;
        };
        let name = crate::diagnostics::unescape_pointer_token(name);
        if self.component_names.contains_key(&name) {
            Some(name)
        } else {
            // A broken spec, but one broken reference should not cost the whole crate.
            self.diagnostics.warning(
                Location::Pointer(at.to_owned()),
                format!("`$ref: {reference}` points at a schema that does not exist; the value is generated as `serde_json::Value`"),
            );
            None
        }
    }

    /// The component schema behind a reference, for `allOf` merging.
    fn component_schema(&self, name: &str) -> Option<&ReferenceOr<Schema>> {
        self.document.components.as_ref()?.schemas.get(name)
    }

    /// The schema itself, or the component schema a reference points at (`None` when the
    /// reference is not to a component schema, or points at another reference).
    fn member_schema(&self, member: &ReferenceOr<Schema>) -> Option<Schema> {
        match member {
            ReferenceOr::Item(schema) => Some(schema.clone()),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/schemas/")
                .and_then(|name| self.component_schema(name))
                .and_then(ReferenceOr::as_item)
                .cloned(),
        }
    }

    pub(crate) fn lower_inline(&mut self, schema: &Schema, hint: &Hint, at: &str) -> Lowered {
        self.schema_count.schemas += 1;
        let data = &schema.schema_data;
        let nullable = data.nullable;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                let values: Vec<&str> = string.enumeration.iter().flatten().map(String::as_str).collect();
                if !values.is_empty() {
                    self.define_enum(&values, data, hint, at)
                } else if string.format == VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) {
                    TypeRef::File
                } else {
                    TypeRef::String
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                let kind = integer_kind(&integer.format);
                let values: Vec<i64> = integer.enumeration.iter().flatten().copied().collect();
                if values.is_empty() {
                    TypeRef::Integer(kind)
                } else {
                    self.define_integer_enum(&values, kind, data, hint, at)
                }
            }
            SchemaKind::Type(Type::Number(number)) => TypeRef::Float(float_kind(&number.format)),
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Object(object)) => self.lower_object(
                &object.properties,
                &object.required,
                object.additional_properties.as_ref(),
                &[],
                data,
                hint,
                at,
            ),
            SchemaKind::Type(Type::Array(array)) => self.lower_array(array.items.as_ref(), hint, at),
            SchemaKind::OneOf { one_of } => return self.lower_union(one_of, data, hint, &pointer(at, &["oneOf"])),
            SchemaKind::AnyOf { any_of } => return self.lower_union(any_of, data, hint, &pointer(at, &["anyOf"])),
            SchemaKind::AllOf { all_of } => return self.lower_all_of(all_of, data, hint, at),
            SchemaKind::Not { .. } => {
                self.diagnostics.error(
                    Location::Pointer(at.to_owned()),
                    "`not` schemas are not supported: Rust types cannot express \"anything except\"",
                );
                TypeRef::Json
            }
            SchemaKind::Any(any) => return self.lower_any(any, data, hint, at),
        };
        Lowered { ty, nullable }
    }

    fn lower_array(&mut self, items: Option<&ReferenceOr<Box<Schema>>>, hint: &Hint, at: &str) -> TypeRef {
        let item = match items {
            Some(items) => self.lower_boxed(items, &hint.child("Item"), &pointer(at, &["items"])),
            None => Lowered::plain(TypeRef::Json),
        };
        TypeRef::Array(Box::new(option_if(item)))
    }

    /// An object: a struct of its properties (and of `unions`, the union members of an `allOf`
    /// it was merged from, each a flattened field), or a map when it has no properties.
    #[allow(clippy::too_many_arguments)]
    fn lower_object(
        &mut self,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        unions: &[(String, ReferenceOr<Schema>)],
        data: &SchemaData,
        hint: &Hint,
        at: &str,
    ) -> TypeRef {
        if properties.is_empty() && unions.is_empty() {
            return match additional {
                Some(AdditionalProperties::Schema(value)) => {
                    let value = self.lower_schema(value, &hint.child("Value"), &pointer(at, &["additionalProperties"]));
                    TypeRef::Map(Box::new(option_if(value)))
                }
                _ => TypeRef::JsonObject,
            };
        }
        let name = self.type_name(hint);
        let struct_hint = Hint::Exact(name.clone());
        let mut taken = std::collections::BTreeSet::new();
        let fields: Vec<Field> = properties
            .iter()
            .map(|(wire_name, property)| {
                let property_at = pointer(at, &["properties", wire_name]);
                let lowered = self.lower_boxed(property, &struct_hint.child(wire_name), &property_at);
                let property_data = match property {
                    ReferenceOr::Item(schema) => Some(&schema.schema_data),
                    ReferenceOr::Reference { .. } => None,
                };
                Field {
                    rust_name: naming::unique(naming::snake_ident(wire_name), &mut taken),
                    wire_name: wire_name.clone(),
                    ty: lowered.ty,
                    required: required.contains(wire_name),
                    nullable: lowered.nullable,
                    docs: property_data.map(|d| schema_docs(d, wire_name)).unwrap_or_default(),
                    deprecated: property_data.is_some_and(|d| d.deprecated),
                }
            })
            .collect();
        // Union members of an `allOf`: the value is also one of their shapes, so the struct
        // holds that shape too, flattened into the same JSON object.
        let flattened = unions
            .iter()
            .map(|(union_at, union)| {
                let lowered = self.lower_schema(union, &struct_hint.child("Kind"), union_at);
                // `EventPayload` inside `Event` is its `payload`; `Shape` is its `shape`.
                let base = match &lowered.ty {
                    TypeRef::Named(union_name) => union_name
                        .strip_prefix(name.as_str())
                        .filter(|rest| !rest.is_empty())
                        .unwrap_or(union_name)
                        .to_owned(),
                    _ => "kind".to_owned(),
                };
                FlattenedField { rust_name: naming::unique(naming::snake_ident(&base), &mut taken), ty: lowered.ty }
            })
            .collect();
        // Typed extra properties are kept in a map beside the named fields.
        let additional = match additional {
            Some(AdditionalProperties::Schema(value)) => {
                let value =
                    self.lower_schema(value, &struct_hint.child("Value"), &pointer(at, &["additionalProperties"]));
                let rust_name = naming::unique("additional_properties".to_owned(), &mut taken);
                Some(AdditionalFields { rust_name, ty: option_if(value) })
            }
            _ => None,
        };
        let def = StructDef { fields, flattened, multipart: false, additional };
        self.define(name, type_docs(data), at, TypeKind::Struct(def))
    }

    fn lower_union(&mut self, members: &[ReferenceOr<Schema>], data: &SchemaData, hint: &Hint, at: &str) -> Lowered {
        if members.is_empty() {
            // Strictly no value matches it, but specs use it as a placeholder (members left out
            // by a tool, "not described yet"); one such schema should not cost the whole crate.
            // When the discriminator's mapping names the members, those are what was meant.
            let mapped = self.mapped_members(data);
            if !mapped.is_empty() {
                self.diagnostics.warning(
                    Location::Pointer(at.to_owned()),
                    "this union lists no members; the schemas its discriminator's `mapping` names are generated as its members",
                );
                return self.lower_union(&mapped, data, hint, at);
            }
            let ty = self
                .fall_back(at, "this union lists no members, so it cannot be typed (strictly, no value matches it)");
            return Lowered { ty, nullable: data.nullable };
        }
        if members.len() == 1 {
            let mut lowered = self.lower_schema(&members[0], hint, &pointer(at, &["0"]));
            lowered.nullable |= data.nullable;
            return lowered;
        }
        let name = self.type_name(hint);
        let union_hint = Hint::Exact(name.clone());
        let mut nullable = data.nullable;
        let mut variants: Vec<(u8, TypeRef, Vec<String>)> = Vec::new();
        for (index, member) in members.iter().enumerate() {
            let member_hint = match member {
                ReferenceOr::Item(schema) => match &schema.schema_data.title {
                    Some(title) => union_hint.child(title),
                    None => union_hint.child(&format!("Variant{}", index + 1)),
                },
                ReferenceOr::Reference { .. } => union_hint.child("Variant"),
            };
            let lowered = self.lower_schema(member, &member_hint, &pointer(at, &[&index.to_string()]));
            nullable |= lowered.nullable;
            let tags = match &data.discriminator {
                Some(discriminator) => self.discriminator_values(discriminator, member),
                None => Vec::new(),
            };
            variants.push((try_order(&lowered.ty), lowered.ty, tags));
        }
        let mut discriminator = data.discriminator.as_ref().map(|d| d.property_name.clone());
        // A value that selects two variants cannot be decoded by the tag alone: the first
        // variant keeps it.
        let mut seen_tags = std::collections::BTreeSet::new();
        for (_, _, tags) in &mut variants {
            let before = tags.len();
            tags.retain(|tag| seen_tags.insert(tag.clone()));
            if tags.len() != before && discriminator.is_some() {
                self.diagnostics.warning(
                    Location::Pointer(at.to_owned()),
                    "two members of this union share a discriminator value; the first one decodes it",
                );
            }
        }
        if discriminator.is_some() && variants.iter().any(|(_, _, tags)| tags.is_empty()) {
            self.diagnostics.warning(
                Location::Pointer(at.to_owned()),
                "the discriminator value of some variants cannot be determined (no mapping, no const or single-value enum); variants are told apart by trying each in order",
            );
            discriminator = None;
        }
        if discriminator.is_none() {
            // serde tries untagged variants in order: the most specific shapes go first.
            variants.sort_by_key(|(rank, _, _)| *rank);
        }
        let mut taken = std::collections::BTreeSet::from(["Unknown".to_owned()]);
        let names = naming::shorten_variant_names(&name, variants.iter().map(|(_, ty, _)| variant_name(ty)).collect());
        let variants = variants
            .into_iter()
            .zip(names)
            .map(|((_, ty, tags), variant)| UnionVariant {
                rust_name: naming::unique(variant, &mut taken),
                ty,
                tags: if discriminator.is_some() { tags } else { Vec::new() },
            })
            .collect();
        let ty = self.define(name, type_docs(data), at, TypeKind::Union(UnionDef { variants, discriminator }));
        Lowered { ty, nullable }
    }

    /// References to the component schemas a discriminator's `mapping` names (by reference or
    /// by schema name), each once, leaving out those that do not exist.
    fn mapped_members(&self, data: &SchemaData) -> Vec<ReferenceOr<Schema>> {
        let Some(discriminator) = &data.discriminator else { return Vec::new() };
        let mut members: Vec<ReferenceOr<Schema>> = Vec::new();
        for target in discriminator.mapping.values() {
            let name = match target.strip_prefix("#/components/schemas/") {
                Some(name) => crate::diagnostics::unescape_pointer_token(name),
                None if !target.contains('/') && !target.starts_with('#') => target.clone(),
                None => continue,
            };
            if !self.component_names.contains_key(&name) {
                continue;
            }
            let reference = format!("#/components/schemas/{}", crate::diagnostics::pointer_token(&name));
            if !members.iter().any(|m| matches!(m, ReferenceOr::Reference { reference: r } if *r == reference)) {
                members.push(ReferenceOr::Reference { reference });
            }
        }
        members
    }

    /// The discriminator values that select a member: from the explicit `mapping`, else from the
    /// member's own discriminator property (`const` or a single-value `enum`), else (for a
    /// reference) the schema's name, as the OpenAPI specification defines.
    fn discriminator_values(
        &self,
        discriminator: &openapiv3::Discriminator,
        member: &ReferenceOr<Schema>,
    ) -> Vec<String> {
        if let ReferenceOr::Reference { reference } = member {
            let mapped: Vec<String> = discriminator
                .mapping
                .iter()
                .filter(|(_, target)| *target == reference || reference.ends_with(&format!("/{target}")))
                .map(|(value, _)| value.clone())
                .collect();
            if !mapped.is_empty() {
                return mapped;
            }
        }
        let schema = self.member_schema(member);
        if let Some(values) = schema.as_ref().and_then(|s| property_constant(s, &discriminator.property_name, self, 0))
        {
            return values;
        }
        match member {
            ReferenceOr::Reference { reference } if discriminator.mapping.is_empty() => {
                reference.rsplit('/').next().map(|name| vec![name.to_owned()]).unwrap_or_default()
            }
            _ => Vec::new(),
        }
    }

    fn lower_all_of(&mut self, members: &[ReferenceOr<Schema>], data: &SchemaData, hint: &Hint, at: &str) -> Lowered {
        if members.len() == 1 {
            let mut lowered = self.lower_schema(&members[0], hint, &pointer(at, &["allOf", "0"]));
            lowered.nullable |= data.nullable;
            return lowered;
        }
        // One member with a type (an enum, a scalar, an array, a union) beside objects that say
        // nothing (`type: object` alone, what `$ref` plus a sibling `type` becomes): that member.
        let bare: Vec<bool> = members.iter().map(|member| self.is_bare_object(member)).collect();
        if let [(index, member)] = members.iter().enumerate().filter(|(index, _)| !bare[*index]).collect::<Vec<_>>()[..]
        {
            let mut lowered = self.lower_schema(member, hint, &pointer(at, &["allOf", &index.to_string()]));
            lowered.nullable |= data.nullable;
            return lowered;
        }
        // Scalars of one type (a `$ref` to `type: string` beside an inline `enum` that narrows
        // it): the narrowest member is the type; the others only constrain or describe it.
        if let Some(index) = self.narrowest_scalar_member(members) {
            let mut lowered = self.lower_schema(&members[index], hint, &pointer(at, &["allOf", &index.to_string()]));
            lowered.nullable |= data.nullable;
            return lowered;
        }
        // Several members: merge their properties into one struct; unions among them become
        // flattened fields of it.
        let mut merged = MergedObject::for_schema_at(at);
        self.merge_all_of(members, at, &mut merged, "`allOf` with more than one member");
        let ty = self.lower_object(&merged.properties, &merged.required, None, &merged.unions, data, hint, at);
        Lowered { ty, nullable: data.nullable }
    }

    /// When every member of an `allOf` is a scalar of the same JSON type, the one that lists
    /// values (an `enum`), else the first that is a reference (it has a name), else the first;
    /// `None` when the members are not such scalars, or more than one lists values.
    fn narrowest_scalar_member(&self, members: &[ReferenceOr<Schema>]) -> Option<usize> {
        if members.is_empty() {
            return None;
        }
        let mut kinds: Vec<(&'static str, bool)> = Vec::new();
        for member in members {
            let schema = self.member_schema(member)?;
            kinds.push(scalar_kind(&schema)?);
        }
        if kinds.windows(2).any(|pair| pair[0].0 != pair[1].0) {
            return None;
        }
        let listing: Vec<usize> = (0..kinds.len()).filter(|index| kinds[*index].1).collect();
        match listing[..] {
            [index] => Some(index),
            [] => Some(members.iter().position(|m| matches!(m, ReferenceOr::Reference { .. })).unwrap_or(0)),
            _ => None,
        }
    }

    /// Whether a member adds nothing to an `allOf`: an object schema with no properties, no
    /// `required` and no `additionalProperties`, or a schema with no keywords at all.
    fn is_bare_object(&self, member: &ReferenceOr<Schema>) -> bool {
        let Some(schema) = self.member_schema(member) else { return false };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                object.properties.is_empty() && object.required.is_empty() && object.additional_properties.is_none()
            }
            SchemaKind::Any(any) => {
                matches!(any.typ.as_deref(), None | Some("object"))
                    && any.properties.is_empty()
                    && any.required.is_empty()
                    && any.additional_properties.is_none()
                    && any.items.is_none()
                    && any.enumeration.is_empty()
                    && any.one_of.is_empty()
                    && any.any_of.is_empty()
                    && any.all_of.is_empty()
                    && any.format.is_none()
            }
            _ => false,
        }
    }

    /// Adds the properties of every `allOf` member of the schema at `at` to `merged`, and its
    /// unions to `merged.unions`; a member that is neither an object nor a union is an error,
    /// `what` naming the construct in the message.
    fn merge_all_of(&mut self, members: &[ReferenceOr<Schema>], at: &str, merged: &mut MergedObject, what: &str) {
        for (index, member) in members.iter().enumerate() {
            let member_at = pointer(at, &["allOf", &index.to_string()]);
            if !self.collect_member(member, &member_at, merged, 0) {
                self.diagnostics.error(
                    Location::Pointer(member_at),
                    format!("{what} is supported only when every member is an object or a union of objects; this one is neither, so no value can be both"),
                );
            }
        }
    }

    /// Adds the properties of an object schema (or a reference to one), following nested
    /// `allOf`s; a union (`oneOf`/`anyOf`) is kept whole, to become a flattened field, unless it
    /// lists a schema this `allOf` is being merged for (a polymorphic base seen from one of its
    /// own subtypes: the subtype is that member, so the union adds nothing); `false` when the
    /// member is neither an object nor a union.
    fn collect_member(
        &mut self,
        member: &ReferenceOr<Schema>,
        at: &str,
        merged: &mut MergedObject,
        depth: usize,
    ) -> bool {
        if depth > 32 {
            self.diagnostics.error(Location::Pointer(at.to_owned()), "`allOf` members refer to each other in a cycle");
            return true;
        }
        let (schema, entered) = match member {
            ReferenceOr::Reference { reference } => {
                let Some(name) = self.resolve_schema_name(reference, at) else { return true };
                match self.component_schema(&name) {
                    Some(ReferenceOr::Item(schema)) => (schema.clone(), Some(name)),
                    Some(reference) => {
                        let reference = reference.clone();
                        return self.collect_member(&reference, at, merged, depth + 1);
                    }
                    None => return true,
                }
            }
            ReferenceOr::Item(schema) => (schema.clone(), None),
        };
        // Inside a referenced schema, places are named where that schema is written.
        let inner_at = match &entered {
            Some(name) => pointer("#/components/schemas", &[name]),
            None => at.to_owned(),
        };
        if let Some(name) = &entered {
            merged.chain.push(name.clone());
        }
        let collected = self.collect_schema(&schema, member, at, &inner_at, merged, depth);
        if entered.is_some() {
            merged.chain.pop();
        }
        collected
    }

    /// [`Self::collect_member`] for the schema a member is (or refers to): `at` is the member's
    /// place, `inner_at` the schema's own.
    fn collect_schema(
        &mut self,
        schema: &Schema,
        member: &ReferenceOr<Schema>,
        at: &str,
        inner_at: &str,
        merged: &mut MergedObject,
        depth: usize,
    ) -> bool {
        let all_of_members = |lowerer: &mut Self, merged: &mut MergedObject, members: &[ReferenceOr<Schema>]| {
            members.iter().enumerate().all(|(index, member)| {
                lowerer.collect_member(member, &pointer(inner_at, &["allOf", &index.to_string()]), merged, depth + 1)
            })
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                merged.add(&object.properties, &object.required);
                true
            }
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                if !self.lists_any_of(members, &merged.chain) {
                    merged.unions.push((at.to_owned(), member.clone()));
                }
                true
            }
            SchemaKind::AllOf { all_of } => all_of_members(self, merged, all_of),
            SchemaKind::Any(any) if any.properties.is_empty() && any.all_of.is_empty() && has_union(any) => {
                if !self.lists_any_of(&any.one_of, &merged.chain) && !self.lists_any_of(&any.any_of, &merged.chain) {
                    merged.unions.push((at.to_owned(), member.clone()));
                }
                true
            }
            SchemaKind::Any(any) if matches!(any.typ.as_deref(), None | Some("object")) => {
                merged.add(&any.properties, &any.required);
                // A union beside properties that is not a polymorphic base of this schema: its
                // members usually restate the properties (a discriminator among them), which a
                // flattened union would read and write twice; so it is left out, as it is where
                // such a schema is generated on its own.
                for (key, members) in [("oneOf", &any.one_of), ("anyOf", &any.any_of)] {
                    if !members.is_empty() && !self.lists_any_of(members, &merged.chain) {
                        self.diagnostics.warning(
                            Location::Pointer(pointer(inner_at, &[key])),
                            format!("this `{key}` is left out where the schema is merged through `allOf`: the struct gets the schema's properties, but not which of the members the value also matches"),
                        );
                    }
                }
                all_of_members(self, merged, &any.all_of)
            }
            _ => false,
        }
    }

    /// A component schema with properties (or `allOf`) beside a `oneOf`/`anyOf` whose every
    /// member is a subtype that includes it through `allOf`, as object-oriented specs write a
    /// base class: each subtype already has the base's properties, so the value is one of the
    /// subtypes, and the base is generated as their union.
    fn lower_polymorphic_base(&mut self, any: &AnySchema, data: &SchemaData, hint: &Hint, at: &str) -> Option<Lowered> {
        let name = at.strip_prefix("#/components/schemas/").filter(|name| !name.contains('/'))?;
        let name = crate::diagnostics::unescape_pointer_token(name);
        let (key, members) = if any.one_of.is_empty() { ("anyOf", &any.any_of) } else { ("oneOf", &any.one_of) };
        let subtypes = !members.is_empty()
            && members.iter().all(|member| match member {
                ReferenceOr::Reference { reference } => reference
                    .strip_prefix("#/components/schemas/")
                    .map(crate::diagnostics::unescape_pointer_token)
                    .is_some_and(|member| member != name && self.includes_through_all_of(&member, &name, 0)),
                ReferenceOr::Item(_) => false,
            });
        subtypes.then(|| self.lower_union(members, data, hint, &pointer(at, &[key])))
    }

    /// Whether a union's members include a reference to one of the named component schemas.
    fn lists_any_of(&self, members: &[ReferenceOr<Schema>], names: &[String]) -> bool {
        members.iter().any(|member| match member {
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/schemas/")
                .map(crate::diagnostics::unescape_pointer_token)
                .is_some_and(|name| names.contains(&name)),
            ReferenceOr::Item(_) => false,
        })
    }

    /// Whether the component schema `name` includes the component schema `target` through its
    /// `allOf` (directly, or through the `allOf`s of what it refers to).
    fn includes_through_all_of(&self, name: &str, target: &str, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        let Some(ReferenceOr::Item(schema)) = self.component_schema(name) else { return false };
        let members = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of,
            SchemaKind::Any(any) => &any.all_of,
            _ => return false,
        };
        members.iter().any(|member| {
            let ReferenceOr::Reference { reference } = member else { return false };
            let Some(member_name) =
                reference.strip_prefix("#/components/schemas/").map(crate::diagnostics::unescape_pointer_token)
            else {
                return false;
            };
            member_name == target || self.includes_through_all_of(&member_name, target, depth + 1)
        })
    }

    /// Schemas `openapiv3` could not classify: no `type`, or keywords that do not match it.
    fn lower_any(&mut self, any: &AnySchema, data: &SchemaData, hint: &Hint, at: &str) -> Lowered {
        let nullable = data.nullable;
        if data.extensions.get("x-null") == Some(&Value::Bool(true)) {
            return Lowered { ty: TypeRef::Unit, nullable: false };
        }
        if let Some(lowered) = self.lower_polymorphic_base(any, data, hint, at) {
            return lowered;
        }
        let typ = any.typ.as_deref();
        // `required` beside `allOf`, with no `type`: the merged object, with those properties
        // required (how specs say "this schema, and these fields are always there").
        let presence_over_all_of = typ.is_none() && !any.required.is_empty() && !any.all_of.is_empty();
        let ty = if typ == Some("object") || !any.properties.is_empty() || presence_over_all_of {
            if any.all_of.is_empty() {
                self.lower_object(
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    &[],
                    data,
                    hint,
                    at,
                )
            } else {
                // `properties` (or `required`) beside `allOf`: one struct with all of them.
                let mut merged = MergedObject::for_schema_at(at);
                merged.add(&any.properties, &any.required);
                self.merge_all_of(&any.all_of, at, &mut merged, "`allOf` beside `properties`");
                self.lower_object(&merged.properties, &merged.required, None, &merged.unions, data, hint, at)
            }
        } else if typ == Some("array") || any.items.is_some() {
            self.lower_array(any.items.as_ref(), hint, at)
        } else if typ == Some("string")
            || (typ.is_none() && !any.enumeration.is_empty() && any.enumeration.iter().all(Value::is_string))
        {
            let values: Vec<&str> = any.enumeration.iter().filter_map(Value::as_str).collect();
            if values.is_empty() { TypeRef::String } else { self.define_enum(&values, data, hint, at) }
        } else if typ == Some("integer") {
            TypeRef::Integer(IntegerKind::I64)
        } else if typ == Some("number") {
            TypeRef::Float(FloatKind::F64)
        } else if typ == Some("boolean") {
            TypeRef::Bool
        } else if typ.is_none() && any.additional_properties.is_some() {
            self.lower_object(&any.properties, &any.required, any.additional_properties.as_ref(), &[], data, hint, at)
        } else if let (None, false) = (typ, any.one_of.is_empty() && any.any_of.is_empty()) {
            let members = if any.one_of.is_empty() { &any.any_of } else { &any.one_of };
            return self.lower_union(members, data, hint, at);
        } else if typ.is_none() && any.enumeration.is_empty() && any.all_of.is_empty() {
            // No constraints at all: any JSON value.
            TypeRef::Json
        } else if typ.is_none() && any.enumeration.is_empty() && !any.all_of.is_empty() {
            // `allOf` beside keywords that only narrow its values (`format: uri` beside a `$ref`
            // to a string): the type is the `allOf`'s.
            return self.lower_all_of(&any.all_of, data, hint, at);
        } else {
            self.fall_back(at, "this schema's keywords do not describe one Rust type")
        };
        Lowered { ty, nullable }
    }

    fn define_enum(&mut self, values: &[&str], data: &SchemaData, hint: &Hint, at: &str) -> TypeRef {
        let values = self.without_repeats(values, at);
        let values = &values[..];
        let name = self.type_name(hint);
        let mut taken = std::collections::BTreeSet::new();
        let variants = values
            .iter()
            .map(|value| EnumVariant {
                rust_name: naming::unique(naming::type_ident(value), &mut taken),
                value: (*value).to_owned(),
            })
            .collect();
        self.define(name, type_docs(data), at, TypeKind::Enum(EnumDef::String(variants)))
    }

    /// An integer enum. Variant names come from `x-enum-varnames` (the extension
    /// openapi-generator reads) when the spec gives one per value, else from the value (`V512`,
    /// `Minus1`).
    fn define_integer_enum(
        &mut self,
        values: &[i64],
        kind: IntegerKind,
        data: &SchemaData,
        hint: &Hint,
        at: &str,
    ) -> TypeRef {
        let values = self.without_repeats(values, at);
        let values = &values[..];
        let name = self.type_name(hint);
        let mut kind = kind;
        if let Some(value) = values.iter().find(|value| !kind.holds(**value)) {
            self.diagnostics.warning(
                Location::Pointer(at.to_owned()),
                format!(
                    "the enum value {value} does not fit the schema's `format`; the enum is generated with `i64` values"
                ),
            );
            kind = IntegerKind::I64;
        }
        let given: Option<Vec<&str>> = data
            .extensions
            .get("x-enum-varnames")
            .and_then(Value::as_array)
            .and_then(|names| names.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
            .filter(|names| names.len() == values.len());
        let mut taken = std::collections::BTreeSet::new();
        let variants = values
            .iter()
            .enumerate()
            .map(|(index, value)| {
                let wanted = match &given {
                    Some(names) => naming::type_ident(names[index]),
                    None if *value < 0 => naming::type_ident(&format!("minus {}", value.unsigned_abs())),
                    None => naming::type_ident(&value.to_string()),
                };
                EnumVariant { rust_name: naming::unique(wanted, &mut taken), value: *value }
            })
            .collect();
        self.define(name, type_docs(data), at, TypeKind::Enum(EnumDef::Integer { kind, variants }))
    }
}

impl Lowerer<'_> {
    /// An enum's values with repeats dropped (each would be a variant no value reaches), with a
    /// warning that names them.
    fn without_repeats<T: Clone + Ord + std::fmt::Display>(&mut self, values: &[T], at: &str) -> Vec<T> {
        let mut seen = std::collections::BTreeSet::new();
        let mut repeated = Vec::new();
        let kept: Vec<T> = values
            .iter()
            .filter(|value| {
                let first = seen.insert((*value).clone());
                if !first {
                    repeated.push(format!("`{value}`"));
                }
                first
            })
            .cloned()
            .collect();
        if !repeated.is_empty() {
            self.diagnostics.warning(
                Location::Pointer(pointer(at, &["enum"])),
                format!("the enum lists {} more than once; each value is one variant", repeated.join(", ")),
            );
        }
        kept
    }
}

/// The JSON type of a scalar schema (`string`, `integer`, `number`, `boolean`), and whether it
/// lists its values; `None` for objects, arrays, unions and schemas without a type.
fn scalar_kind(schema: &Schema) -> Option<(&'static str, bool)> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => Some(("string", !string.enumeration.is_empty())),
        SchemaKind::Type(Type::Integer(integer)) => Some(("integer", !integer.enumeration.is_empty())),
        SchemaKind::Type(Type::Number(number)) => Some(("number", !number.enumeration.is_empty())),
        SchemaKind::Type(Type::Boolean(boolean)) => Some(("boolean", !boolean.enumeration.is_empty())),
        SchemaKind::Any(any)
            if any.properties.is_empty()
                && any.items.is_none()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.all_of.is_empty() =>
        {
            let typ = match any.typ.as_deref()? {
                "string" => "string",
                "integer" => "integer",
                "number" => "number",
                "boolean" => "boolean",
                _ => return None,
            };
            Some((typ, !any.enumeration.is_empty()))
        }
        _ => None,
    }
}

/// The values a schema's property is fixed to (`const`, or `enum` of strings), looking through
/// `allOf` members; `None` when it is not fixed.
fn property_constant(schema: &Schema, property: &str, lowerer: &Lowerer<'_>, depth: usize) -> Option<Vec<String>> {
    if depth > 8 {
        return None;
    }
    let from_property = |properties: &IndexMap<String, ReferenceOr<Box<Schema>>>| -> Option<Vec<String>> {
        let ReferenceOr::Item(field) = properties.get(property)? else { return None };
        match &field.schema_kind {
            SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
                Some(string.enumeration.iter().flatten().cloned().collect())
            }
            SchemaKind::Any(any) if !any.enumeration.is_empty() => {
                Some(any.enumeration.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            }
            _ => None,
        }
    };
    let all_of = |members: &[ReferenceOr<Schema>]| {
        members.iter().find_map(|member| {
            let schema = lowerer.member_schema(member)?;
            property_constant(&schema, property, lowerer, depth + 1)
        })
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => from_property(&object.properties),
        SchemaKind::AllOf { all_of: members } => all_of(members),
        SchemaKind::Any(any) => from_property(&any.properties).or_else(|| all_of(&any.all_of)),
        _ => None,
    }
}

/// The properties and required names gathered from the members of an `allOf`, and its members
/// that are unions, each with its pointer.
#[derive(Default)]
struct MergedObject {
    properties: IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: Vec<String>,
    unions: Vec<(String, ReferenceOr<Schema>)>,
    /// The component schemas the merge is in: the one being lowered, and those whose `allOf`
    /// members are being collected. A union that lists one of them is a polymorphic base seen
    /// from its own subtype.
    chain: Vec<String>,
}

impl MergedObject {
    /// An empty merge for the schema at `at` (a component schema's pointer puts it on the chain).
    fn for_schema_at(at: &str) -> Self {
        let mut merged = Self::default();
        if let Some(name) = at.strip_prefix("#/components/schemas/").filter(|name| !name.contains('/')) {
            merged.chain.push(crate::diagnostics::unescape_pointer_token(name));
        }
        merged
    }

    fn add(&mut self, properties: &IndexMap<String, ReferenceOr<Box<Schema>>>, required: &[String]) {
        for (name, schema) in properties {
            self.properties.insert(name.clone(), schema.clone());
        }
        for name in required {
            if !self.required.contains(name) {
                self.required.push(name.clone());
            }
        }
    }
}

/// Whether a schema `openapiv3` could not classify lists union members.
fn has_union(any: &AnySchema) -> bool {
    !any.one_of.is_empty() || !any.any_of.is_empty()
}

/// `Option<T>` for a nullable value inside a collection.
pub(crate) fn option_if(lowered: Lowered) -> TypeRef {
    if lowered.nullable { TypeRef::Option(Box::new(lowered.ty)) } else { lowered.ty }
}

fn integer_kind(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> IntegerKind {
    match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => IntegerKind::I32,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uint32" || f == "uint16" || f == "uint8" => IntegerKind::U32,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uint64" || f == "uint" => IntegerKind::U64,
        _ => IntegerKind::I64,
    }
}

fn float_kind(format: &VariantOrUnknownOrEmpty<NumberFormat>) -> FloatKind {
    match format {
        VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => FloatKind::F32,
        _ => FloatKind::F64,
    }
}

/// The order serde should try untagged variants in: primitives that cannot be confused with
/// each other first, integers before floats (a float variant would swallow `1`), free-form JSON
/// last (it matches anything).
fn try_order(ty: &TypeRef) -> u8 {
    match ty {
        TypeRef::Unit => 0,
        TypeRef::Bool => 1,
        TypeRef::Integer(_) => 2,
        TypeRef::Float(_) => 3,
        TypeRef::String | TypeRef::Secret | TypeRef::File => 4,
        TypeRef::Named(_) | TypeRef::Array(_) | TypeRef::Option(_) => 5,
        TypeRef::Boxed(inner) => try_order(inner),
        TypeRef::Map(_) | TypeRef::JsonObject => 6,
        TypeRef::Json => 9,
    }
}

/// A variant name that says what the variant holds.
fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String | TypeRef::Secret => "String".into(),
        TypeRef::File => "File".into(),
        TypeRef::Bool => "Boolean".into(),
        TypeRef::Integer(_) => "Integer".into(),
        TypeRef::Float(_) => "Number".into(),
        TypeRef::Json => "Value".into(),
        TypeRef::JsonObject | TypeRef::Map(_) => "Object".into(),
        TypeRef::Array(item) => format!("{}List", variant_name(item)),
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => variant_name(inner),
        TypeRef::Unit => "Null".into(),
    }
}

/// Docs for a named type: its description, else its title unless the title only repeats the
/// schema's name (FastAPI's `title: TokenRequest`). Types left without docs get one in
/// [`Lowerer::fill_missing_docs`](super::Lowerer).
pub(crate) fn type_docs(data: &SchemaData) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(description) = &data.description {
        out.extend(docs::paragraphs(description));
    } else if let Some(title) = &data.title {
        out.extend(docs::paragraphs(title));
    }
    if data.deprecated {
        out.push("Deprecated by the API.".to_owned());
    }
    out
}

/// Docs for a field or parameter: description (or a title that adds something), default and
/// example.
pub(crate) fn schema_docs(data: &SchemaData, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(description) = &data.description {
        out.extend(docs::paragraphs(description));
    } else if let Some(title) = data.title.as_ref().filter(|t| !naming::title_is_redundant(t, name)) {
        out.extend(docs::paragraphs(title));
    }
    if let Some(default) = &data.default {
        out.push(format!("Defaults to {} when not set.", docs::code(default)));
    }
    if let Some(example) = &data.example {
        out.push(format!("Example: {}.", docs::code(example)));
    }
    out
}
