//! The `types` module: one Rust type per named schema, params struct and error enum.

use std::collections::HashSet;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::{doc_attrs, ident, integer_literal, type_tokens};
use crate::ir::{
    Api, EnumDef, EnumVariant, ErrorsDef, Field, HeadersDef, JsonKinds, Param, ParamsDef, StatusMatch, StructDef,
    TypeDef, TypeKind, TypeRef, UnionDef, UnionVariant, Wrapper,
};
use crate::naming;

/// One type's items, with the features they are compiled under (none: always).
pub(crate) fn type_items<'a>(api: &Api, def: &'a TypeDef) -> (TokenStream, &'a [String]) {
    (type_def(api, def), &def.features)
}

/// The head of the `types.rs` module: its docs and imports. The types themselves are emitted by
/// [`type_items`] in the format phase, a share of them on each core (tokens cannot move between
/// threads, so each thread emits what it formats).
pub(crate) fn types_module(api: &Api) -> TokenStream {
    let title = format!(" Request, response and error types of the {} API.", api.display_name);
    let serde_import = api
        .types
        .values()
        .any(|t| matches!(t.kind, TypeKind::Struct(_) | TypeKind::Enum(_) | TypeKind::Union(_)))
        .then(|| quote! { use serde::{Deserialize, Serialize}; });
    let nullable_import = api.uses_nullable().then(|| quote! { use client_runtime::Nullable; });
    let de_import = serde_import.is_some().then(|| quote! { use client_runtime::__private::de; });
    // With some features off, the types that use an import may all be left out.
    let allow_unused = (!api.features.is_empty()).then(|| quote! { #![allow(unused_imports)] });
    quote! {
        #![doc = #title]
        #allow_unused
        #nullable_import
        #serde_import
        #de_import
    }
}

/// The kinds of JSON value each of a union's variants takes, in variant order.
fn variant_kinds(api: &Api, def: &UnionDef) -> Vec<JsonKinds> {
    def.variants.iter().map(|v| JsonKinds::of(&api.types, &v.ty)).collect()
}

/// The variants, in order, that take a kind of JSON value.
fn takers<'a>(def: &'a UnionDef, kinds: &[JsonKinds], kind: JsonKinds) -> Vec<&'a UnionVariant> {
    def.variants.iter().zip(kinds).filter(|(_, k)| k.contains(kind)).map(|(v, _)| v).collect()
}

fn type_def(api: &Api, def: &TypeDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let docs = doc_attrs(&def.docs);
    // The decoders of types the client never decodes (request bodies, webhook payloads) are
    // `#[inline]`: compiled only in a crate that calls them, rather than always in this one.
    let lazy = (!def.decoded).then(|| quote! { #[inline] });
    let lazy = lazy.as_ref();
    match &def.kind {
        TypeKind::Struct(def) => struct_def(api, &name, &docs, def, lazy),
        TypeKind::Enum(def) => enum_def(&name, &docs, def, lazy),
        TypeKind::Union(union) => {
            let display = crate::ir::is_display(&api.types, &TypeRef::Named(def.name.clone()));
            union_def(api, &name, &docs, union, display, lazy)
        }
        TypeKind::Alias(ty) => {
            let ty = type_tokens(ty, false);
            quote! { #docs pub type #name = #ty; }
        }
        TypeKind::Params(def) => params_def(&name, &docs, def),
        TypeKind::Errors(def) => errors_def(&name, &docs, def),
        TypeKind::Headers(def) => headers_def(&name, &docs, def),
    }
}

/// A documented-headers struct: `Option` fields read by `FromHeaders`.
fn headers_def(name: &Ident, docs: &TokenStream, def: &HeadersDef) -> TokenStream {
    let fields = def.fields.iter().map(|field| {
        let docs = doc_attrs(&field.docs);
        let ident = ident(&field.rust_name);
        let ty = type_tokens(&field.ty, false);
        quote! {
            #docs
            pub #ident: Option<#ty>,
        }
    });
    let reads = def.fields.iter().map(|field| {
        let ident = ident(&field.rust_name);
        let wire = &field.wire_name;
        quote! { #ident: client_runtime::__private::header_value(headers, #wire), }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct #name {
            #(#fields)*
        }

        impl client_runtime::FromHeaders for #name {
            fn from_headers(headers: &client_runtime::header::HeaderMap) -> Self {
                Self {
                    #(#reads)*
                }
            }
        }
    }
}

/// The field's full type: `Option<T>` when it may be absent or null, `Nullable<T>` when it
/// may be either.
fn field_type(field: &Field) -> TokenStream {
    let ty = type_tokens(&field.ty, false);
    match field.wrapper() {
        Wrapper::Bare => ty,
        Wrapper::Option => quote! { Option<#ty> },
        Wrapper::Nullable => quote! { Nullable<#ty> },
    }
}

fn struct_def(api: &Api, name: &Ident, docs: &TokenStream, def: &StructDef, lazy: Option<&TokenStream>) -> TokenStream {
    let default = def.all_fields_optional().then(|| quote! { Default, });
    let fields = def.fields.iter().map(|field| {
        let mut docs = field.docs.clone();
        if field.deprecated {
            docs.push("Deprecated by the API.".to_owned());
        }
        if field.required && field.nullable {
            docs.push("Always sent; `None` is sent as `null`.".to_owned());
        }
        let docs = doc_attrs(&docs);
        let ident = ident(&field.rust_name);
        let ty = field_type(field);
        let mut serde_args = Vec::new();
        if naming::unraw(&field.rust_name) != field.wire_name {
            let wire = &field.wire_name;
            serde_args.push(quote! { rename = #wire });
        }
        match field.wrapper() {
            Wrapper::Option if !field.required => {
                serde_args.push(quote! { skip_serializing_if = "Option::is_none" });
            }
            Wrapper::Nullable => {
                serde_args.push(quote! { skip_serializing_if = "Nullable::is_absent" });
            }
            Wrapper::Bare | Wrapper::Option => {}
        }
        let serde_attr = (!serde_args.is_empty()).then(|| quote! { #[serde(#(#serde_args),*)] });
        quote! {
            #docs
            #serde_attr
            pub #ident: #ty,
        }
    });
    let additional = def.additional.as_ref().map(|additional| {
        let ident = ident(&additional.rust_name);
        let ty = type_tokens(&TypeRef::Map(Box::new(additional.ty.clone())), false);
        quote! {
            /// The properties beyond the ones above, by name.
            #[serde(flatten)]
            pub #ident: #ty,
        }
    });
    let flattened = def.flattened.iter().map(|field| {
        let ident = ident(&field.rust_name);
        let ty = type_tokens(&field.ty, false);
        let doc =
            format!(" The value is also a [`{}`]; its fields are part of the same object.", type_display(&field.ty));
        quote! {
            #[doc = #doc]
            #[serde(flatten)]
            pub #ident: #ty,
        }
    });
    let multipart = def.multipart.then(|| multipart_impl(api, name, def));
    let constructor = def.constructor_fields().map(|required| {
        let args = required.iter().map(|field| {
            let ident = ident(&field.rust_name);
            match &field.ty {
                TypeRef::String => quote! { #ident: impl Into<String> },
                TypeRef::Secret => quote! { #ident: impl Into<client_runtime::Secret> },
                ty => {
                    let ty = type_tokens(ty, false);
                    quote! { #ident: #ty }
                }
            }
        });
        let inits = def.fields.iter().map(|field| {
            let ident = ident(&field.rust_name);
            match &field.ty {
                _ if field.wrapper() == Wrapper::Nullable => quote! { #ident: Nullable::Absent, },
                _ if field.can_be_unset() => quote! { #ident: None, },
                TypeRef::String | TypeRef::Secret => quote! { #ident: #ident.into(), },
                _ => quote! { #ident, },
            }
        });
        let flattened_args = def.flattened.iter().map(|field| {
            let ident = ident(&field.rust_name);
            let ty = type_tokens(&field.ty, false);
            quote! { #ident: #ty }
        });
        let args = args.chain(flattened_args);
        let flattened_inits = def.flattened.iter().map(|field| {
            let ident = ident(&field.rust_name);
            quote! { #ident, }
        });
        let inits = inits.chain(flattened_inits);
        let additional = def.additional.as_ref().map(|additional| {
            let ident = ident(&additional.rust_name);
            quote! { #ident: std::collections::BTreeMap::new(), }
        });
        let allow = (required.len() + def.flattened.len() > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
        quote! {
            impl #name {
                /// A value with the required fields given and every optional one unset.
                #allow
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits)* #additional }
                }
            }
        }
    });
    let from_json = struct_from_json(name, def, lazy);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default Serialize)]
        pub struct #name {
            #(#fields)*
            #(#flattened)*
            #additional
        }

        #from_json

        #constructor

        #multipart
    }
}

/// Decoding for a struct: each field is taken out of the object by its wire name (unknown keys
/// are left; a missing required key is an error, a missing optional one `None` or
/// `Nullable::Absent`), then the flattened parts take theirs from what is left, and the extra
/// properties are the rest. Every field is read into one tuple, which is matched once (see
/// `de::Fields`): the code per struct grows with its fields, not with their square.
fn struct_from_json(name: &Ident, def: &StructDef, lazy: Option<&TokenStream>) -> TokenStream {
    let mut reads = Vec::new();
    let mut locals = Vec::new();
    let mut inits = Vec::new();
    let taken: HashSet<&str> = (def.fields.iter().map(|field| field.rust_name.as_str()))
        .chain(def.flattened.iter().map(|field| field.rust_name.as_str()))
        .chain(def.additional.iter().map(|additional| additional.rust_name.as_str()))
        .map(naming::unraw)
        .collect();
    for field in &def.fields {
        let ident = ident(&field.rust_name);
        let wire = &field.wire_name;
        reads.push(match (field.wrapper(), &field.ty) {
            (Wrapper::Nullable, _) => quote! { fields.nullable(#wire) },
            (Wrapper::Option, _) | (Wrapper::Bare, TypeRef::Option(_)) => quote! { fields.option(#wire) },
            (Wrapper::Bare, _) => quote! { fields.required(#wire) },
        });
        let local = struct_local(naming::unraw(&field.rust_name), &taken)
            .map_or_else(|| ident.clone(), |name| format_ident!("{name}"));
        inits.push(if local == ident {
            quote! { #ident }
        } else {
            quote! { #ident: #local }
        });
        locals.push(local);
    }
    for field in &def.flattened {
        let ident = ident(&field.rust_name);
        reads.push(quote! { fields.flattened() });
        inits.push(quote! { #ident });
        locals.push(ident);
    }
    if let Some(additional) = &def.additional {
        let ident = ident(&additional.rust_name);
        reads.push(quote! { fields.rest() });
        inits.push(quote! { #ident });
        locals.push(ident);
    }
    let (fields, body) = match reads.as_slice() {
        [] => (format_ident!("_fields"), quote! { Ok(Self {}) }),
        [read] => (
            format_ident!("fields"),
            quote! {
                match #read {
                    Some(#(#locals)*) => Ok(Self { #(#inits)* }),
                    None => Err(fields.error()),
                }
            },
        ),
        _ => (
            format_ident!("fields"),
            quote! {
                match (#(#reads),*) {
                    (#(Some(#locals)),*) => Ok(Self { #(#inits),* }),
                    _ => Err(fields.error()),
                }
            },
        ),
    };
    let expecting = format!("struct {name}");
    let deserialize = deserialize_shim(name);
    quote! {
        impl de::FromJson for #name {
            #lazy
            fn from_json(value: de::Json<'_>) -> std::result::Result<Self, de::JsonError> {
                Self::from_fields(&mut de::Fields::new(value, #expecting)?)
            }

            #lazy
            fn from_fields(#fields: &mut de::Fields<'_>) -> std::result::Result<Self, de::JsonError> {
                #body
            }
        }

        #deserialize
    }
}

/// The local a struct's decoder binds a field to, when it cannot be the field's own name:
/// `fields` is the decoder's argument, and a name of only underscores and digits (a property
/// named `529` is the field `_529`) is one clippy rejects for a binding. The other name starts
/// with `field` and gives way to the struct's fields.
fn struct_local(name: &str, taken: &HashSet<&str>) -> Option<String> {
    let mut local = if name == "fields" {
        "fields_field".to_owned()
    } else if name.chars().all(|c| c == '_' || c.is_ascii_digit()) {
        format!("field{name}")
    } else {
        return None;
    };
    while taken.contains(local.as_str()) {
        local.push('_');
    }
    Some(local)
}

/// `Deserialize`, through the type's `FromJson`: one generic call into the runtime, compiled
/// only where a user decodes the type with serde.
fn deserialize_shim(name: &Ident) -> TokenStream {
    quote! {
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                de::deserialize(deserializer)
            }
        }
    }
}

/// `to_multipart`: files become file parts, scalars text parts, and anything structured a part
/// holding its JSON.
fn multipart_impl(api: &Api, name: &Ident, def: &StructDef) -> TokenStream {
    let is_scalar = |ty: &TypeRef| crate::ir::is_display(&api.types, ty);
    let parts = def.fields.iter().map(|field| {
        let wire = &field.wire_name;
        let ident = ident(&field.rust_name);
        // `text` takes any `Display` by value: a `Copy` field is passed as itself, since a
        // borrow of it is one clippy (`needless_borrows_for_generic_args`) asks to drop.
        let (value, ty) = if field.can_be_unset() {
            (quote! { value }, &field.ty)
        } else if is_copy_scalar(api, &field.ty) {
            (quote! { self.#ident }, &field.ty)
        } else {
            (quote! { &self.#ident }, &field.ty)
        };
        let add = match ty {
            TypeRef::File => quote! { form = form.file(#wire, #value); },
            TypeRef::Secret => quote! { form = form.text(#wire, #value.expose_secret()); },
            TypeRef::Array(item) if **item == TypeRef::File => quote! {
                for file in #value {
                    form = form.file(#wire, file);
                }
            },
            TypeRef::Array(item) if is_scalar(item) => quote! {
                for item in #value {
                    form = form.text(#wire, item);
                }
            },
            ty if is_scalar(ty) => quote! { form = form.text(#wire, #value); },
            _ => quote! { form = form.json(#wire, #value); },
        };
        match field.wrapper() {
            Wrapper::Bare => add,
            // A form has no `null`: absent and null both leave the part out.
            Wrapper::Nullable => quote! {
                if let Nullable::Value(value) = &self.#ident {
                    #add
                }
            },
            Wrapper::Option => quote! {
                if let Some(value) = &self.#ident {
                    #add
                }
            },
        }
    });
    let additional = def.additional.as_ref().map(|additional| {
        let ident = ident(&additional.rust_name);
        let add = match &additional.ty {
            TypeRef::File => quote! { form.file(name, value) },
            ty if is_scalar(ty) => quote! { form.text(name, value) },
            _ => quote! { form.json(name, value) },
        };
        quote! {
            for (name, value) in &self.#ident {
                form = #add;
            }
        }
    });
    quote! {
        impl #name {
            /// The value as the `multipart/form-data` form the API expects: files as file parts,
            /// other fields as text.
            pub fn to_multipart(&self) -> client_runtime::Multipart {
                let mut form = client_runtime::Multipart::new();
                #(#parts)*
                #additional
                form
            }
        }
    }
}

/// Whether a value of the type is a `Copy` scalar: a number, a boolean, an integer enum, or an
/// alias of one.
fn is_copy_scalar(api: &Api, ty: &TypeRef) -> bool {
    let mut ty = ty;
    for _ in 0..16 {
        match ty {
            TypeRef::Named(name) => match api.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Alias(target)) => ty = target,
                Some(TypeKind::Enum(EnumDef::Integer { .. })) => return true,
                _ => return false,
            },
            other => return other.is_copy() && *other != TypeRef::Unit,
        }
    }
    false
}

fn enum_def(name: &Ident, docs: &TokenStream, def: &EnumDef, lazy: Option<&TokenStream>) -> TokenStream {
    let fallback_name = if def.variant_names().contains(&"Unknown") { "UnknownValue" } else { "Unknown" };
    let fallback = format_ident!("{}", fallback_name);
    let variants = match def {
        EnumDef::String(variants) => variants,
        EnumDef::Integer { kind, variants } => {
            let repr = type_tokens(&TypeRef::Integer(*kind), false);
            return integer_enum_def(name, docs, variants, &fallback, &repr, lazy);
        }
    };
    let arms = variants.iter().map(|variant| {
        let ident = format_ident!("{}", variant.rust_name);
        let wire = &variant.value;
        quote! { Self::#ident => #wire, }
    });
    let from_wire = if variants.len() > TABLE_FROM {
        // A long list is looked up in a table and matched by position: a `match` on the strings
        // compiles to a comparison per value, which for Stripe's 300-value enums was a tenth of
        // a release build. A `static`, as clippy wants for a table over 16 KiB (1,025 values).
        let count = Literal::usize_unsuffixed(variants.len());
        let values = variants.iter().map(|variant| &variant.value);
        let arms = variants.iter().enumerate().map(|(index, variant)| {
            let ident = format_ident!("{}", variant.rust_name);
            let index = Literal::usize_unsuffixed(index);
            quote! { Some(#index) => Self::#ident, }
        });
        quote! {
            static WIRE: [&str; #count] = [#(#values),*];
            match de::position(&WIRE, value) {
                #(#arms)*
                _ => Self::#fallback(value.to_owned()),
            }
        }
    } else {
        let arms = variants.iter().map(|variant| {
            let ident = format_ident!("{}", variant.rust_name);
            let wire = &variant.value;
            quote! { #wire => Self::#ident, }
        });
        quote! {
            match value {
                #(#arms)*
                other => Self::#fallback(other.to_owned()),
            }
        }
    };
    let variants = variants.iter().map(|variant| {
        let ident = format_ident!("{}", variant.rust_name);
        let doc = format!(" `{}`", variant.value);
        quote! {
            #[doc = #doc]
            #ident,
        }
    });
    // Encoding and decoding are written out rather than derived: a derived `Deserialize` with
    // an untagged fallback buffers every value and matches it in generic code, which for
    // Stripe's 300-variant enums is most of a release build. Here the matching is the
    // non-generic `From<&str>`.
    let deserialize = deserialize_shim(name);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know yet; kept as sent.
            #fallback(String),
        }

        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#arms)*
                    Self::#fallback(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                #from_wire
            }
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl de::FromJson for #name {
            #lazy
            fn from_json(value: de::Json<'_>) -> std::result::Result<Self, de::JsonError> {
                de::text(&value).map(Self::from)
            }
        }

        #deserialize

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

/// Above this many values, a string enum's `From<&str>` looks the text up in a table.
const TABLE_FROM: usize = 16;

/// An integer enum: a `Copy` enum that encodes as its number and keeps unknown numbers.
fn integer_enum_def(
    name: &Ident,
    docs: &TokenStream,
    variants: &[EnumVariant<i64>],
    fallback: &Ident,
    repr: &TokenStream,
    lazy: Option<&TokenStream>,
) -> TokenStream {
    let variant_decls = variants.iter().map(|variant| {
        let ident = format_ident!("{}", variant.rust_name);
        let doc = format!(" `{}`", variant.value);
        quote! {
            #[doc = #doc]
            #ident,
        }
    });
    let to_value = variants.iter().map(|variant| {
        let ident = format_ident!("{}", variant.rust_name);
        let value = integer_literal(variant.value);
        quote! { Self::#ident => #value, }
    });
    let from_value = variants.iter().map(|variant| {
        let ident = format_ident!("{}", variant.rust_name);
        let value = integer_literal(variant.value);
        quote! { #value => Self::#ident, }
    });
    let deserialize = deserialize_shim(name);
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variant_decls)*
            /// A value this version of the crate does not know yet; kept as sent.
            #fallback(#repr),
        }

        impl #name {
            /// The value as it is sent on the wire.
            pub fn value(self) -> #repr {
                match self {
                    #(#to_value)*
                    Self::#fallback(value) => value,
                }
            }
        }

        impl From<#repr> for #name {
            fn from(value: #repr) -> Self {
                match value {
                    #(#from_value)*
                    other => Self::#fallback(other),
                }
            }
        }

        impl From<#name> for #repr {
            fn from(value: #name) -> Self {
                value.value()
            }
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                self.value().serialize(serializer)
            }
        }

        impl de::FromJson for #name {
            #lazy
            fn from_json(value: de::Json<'_>) -> std::result::Result<Self, de::JsonError> {
                <#repr as de::FromJson>::from_json(value).map(Self::from)
            }
        }

        #deserialize

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.value().fmt(f)
            }
        }
    }
}

fn union_def(
    api: &Api,
    name: &Ident,
    docs: &TokenStream,
    def: &UnionDef,
    display: bool,
    lazy: Option<&TokenStream>,
) -> TokenStream {
    let variants = def.variants.iter().map(|variant| {
        let ident = format_ident!("{}", variant.rust_name);
        if variant.ty == TypeRef::Unit {
            return quote! { #[doc = " `null`."] #ident, };
        }
        let ty = type_tokens(&variant.ty, false);
        let doc = format!(" A value of type `{}`.", type_display(&variant.ty));
        quote! {
            #[doc = #doc]
            #ident(#ty),
        }
    });
    let display_impl = display.then(|| {
        let arms = def.variants.iter().map(|variant| {
            let ident = format_ident!("{}", variant.rust_name);
            quote! { Self::#ident(value) => value.fmt(f), }
        });
        quote! {
            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    });
    if let Some(property) = &def.discriminator {
        return tagged_union_def(name, docs, def, property, lazy);
    }
    let deserialize = untagged_from_json(api, name, def, lazy);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }

        #deserialize

        #display_impl
    }
}

/// Decoding for an untagged union. It looks at the kind of JSON value first (string, object,
/// ...) and hands it straight to the variant that takes that kind; only a kind that several
/// variants take is tried on each of them in order, as serde's untagged enums do.
fn untagged_from_json(api: &Api, name: &Ident, def: &UnionDef, lazy: Option<&TokenStream>) -> TokenStream {
    let kinds = variant_kinds(api, def);
    let type_name = name.to_string();
    let mut arms = Vec::new();
    let mut accepted = Vec::new();
    for kind in JsonKinds::EACH {
        let candidates = takers(def, &kinds, kind);
        if candidates.is_empty() {
            continue;
        }
        accepted.push(kind);
        let pattern = kind_pattern(kind);
        let body = match candidates.as_slice() {
            [only] => decode_variant(only),
            _ => {
                let mut tries = Vec::new();
                let mut last = quote! { Err(de::no_variant(#type_name)) };
                for (index, variant) in candidates.iter().enumerate() {
                    let ident = format_ident!("{}", variant.rust_name);
                    if variant.ty == TypeRef::Unit {
                        // Takes any `null`: the variants after it are never reached.
                        last = quote! { Ok(Self::#ident) };
                        break;
                    }
                    if index + 1 == candidates.len() {
                        last = quote! {
                            de::FromJson::from_json(value).map(Self::#ident).map_err(|_| de::no_variant(#type_name))
                        };
                    } else {
                        tries.push(quote! {
                            if let Ok(decoded) = de::FromJson::from_json(value.clone()) {
                                return Ok(Self::#ident(decoded));
                            }
                        });
                    }
                }
                quote! {
                    {
                        #(#tries)*
                        #last
                    }
                }
            }
        };
        arms.push(quote! { #pattern => #body, });
    }
    let fallback = (accepted.len() < JsonKinds::EACH.len()).then(|| {
        let expecting = expecting_text(&accepted);
        quote! { _ => Err(de::JsonError::invalid_type(&value, #expecting)), }
    });
    let deserialize = deserialize_shim(name);
    quote! {
        impl de::FromJson for #name {
            #lazy
            fn from_json(value: de::Json<'_>) -> std::result::Result<Self, de::JsonError> {
                match de::Kind::of(&value) {
                    #(#arms)*
                    #fallback
                }
            }
        }

        #deserialize
    }
}

/// The `de::Kind` pattern of one kind of JSON value.
fn kind_pattern(kind: JsonKinds) -> TokenStream {
    match kind {
        JsonKinds::NULL => quote! { de::Kind::Null },
        JsonKinds::BOOL => quote! { de::Kind::Bool },
        JsonKinds::INTEGER => quote! { de::Kind::Integer },
        JsonKinds::FLOAT => quote! { de::Kind::Float },
        JsonKinds::STRING => quote! { de::Kind::String },
        JsonKinds::ARRAY => quote! { de::Kind::Array },
        _ => quote! { de::Kind::Object },
    }
}

/// Decodes `value` as the one variant that takes its kind.
fn decode_variant(variant: &UnionVariant) -> TokenStream {
    let ident = format_ident!("{}", variant.rust_name);
    if variant.ty == TypeRef::Unit {
        quote! { Ok(Self::#ident) }
    } else {
        quote! { de::FromJson::from_json(value).map(Self::#ident) }
    }
}

/// What an untagged union's decoder expects, for its error messages: "a string or an object".
fn expecting_text(kinds: &[JsonKinds]) -> String {
    let has_float = kinds.contains(&JsonKinds::FLOAT);
    let names: Vec<&str> = kinds
        .iter()
        .filter_map(|&kind| match kind {
            JsonKinds::NULL => Some("null"),
            JsonKinds::BOOL => Some("a boolean"),
            JsonKinds::INTEGER if has_float => None,
            JsonKinds::INTEGER => Some("an integer"),
            JsonKinds::FLOAT => Some("a number"),
            JsonKinds::STRING => Some("a string"),
            JsonKinds::ARRAY => Some("an array"),
            _ => Some("an object"),
        })
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_owned(),
        None => "nothing".to_owned(),
    }
}

/// A union with a discriminator: decoding reads the discriminator property and decodes the
/// whole object as the variant it names (so variant structs keep their own copy of the
/// property), and keeps an object with an unknown value as `Unknown` instead of failing.
/// Encoding writes the variant as it is; it carries its discriminator itself.
fn tagged_union_def(
    name: &Ident,
    docs: &TokenStream,
    def: &UnionDef,
    property: &str,
    lazy: Option<&TokenStream>,
) -> TokenStream {
    let variants = def.variants.iter().map(|variant| {
        let ident = format_ident!("{}", variant.rust_name);
        let ty = type_tokens(&variant.ty, false);
        let values = variant.tags.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
        let doc = format!(" `{property}`: {values}.");
        quote! {
            #[doc = #doc]
            #ident(#ty),
        }
    });
    let arms = def.variants.iter().map(|variant| {
        let ident = format_ident!("{}", variant.rust_name);
        let tags = &variant.tags;
        quote! { #(Some(#tags))|* => de::FromJson::from_json(value).map(Self::#ident), }
    });
    let unknown_doc = format!(" An object whose `{property}` this version of the crate does not know; kept as sent.");
    let deserialize = deserialize_shim(name);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            Unknown(serde_json::Value),
        }

        impl de::FromJson for #name {
            #lazy
            fn from_json(value: de::Json<'_>) -> std::result::Result<Self, de::JsonError> {
                match value.get(#property).and_then(de::Json::as_str) {
                    #(#arms)*
                    _ => Ok(Self::Unknown(value.into_value())),
                }
            }
        }

        #deserialize
    }
}

/// A short human name for a type, for docs.
fn type_display(ty: &TypeRef) -> String {
    type_tokens(ty, false).to_string().replace(' ', "").replace(',', ", ")
}

fn param_type(param: &Param) -> TokenStream {
    let ty = type_tokens(&param.ty, false);
    if param.required {
        ty
    } else {
        quote! { Option<#ty> }
    }
}

fn params_def(name: &Ident, docs: &TokenStream, def: &ParamsDef) -> TokenStream {
    let required: Vec<&Param> = def.params.iter().filter(|p| p.required).collect();
    let default = required.is_empty().then(|| quote! { Default, });
    let fields = def.params.iter().map(|param| {
        let docs = doc_attrs(&param.docs);
        let ident = ident(&param.rust_name);
        let ty = param_type(param);
        quote! { #docs pub #ident: #ty, }
    });
    let constructor = (!required.is_empty()).then(|| {
        let args = required.iter().map(|param| {
            let ident = ident(&param.rust_name);
            let ty = param_type(param);
            quote! { #ident: #ty }
        });
        let inits = def.params.iter().map(|param| {
            let ident = ident(&param.rust_name);
            if param.required {
                quote! { #ident, }
            } else {
                quote! { #ident: None, }
            }
        });
        let doc = " The parameters with every required value given and every optional one unset.".to_owned();
        let allow = (required.len() > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
        quote! {
            impl #name {
                #[doc = #doc]
                #allow
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits)* }
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name {
            #(#fields)*
        }
        #constructor
    }
}

fn errors_def(name: &Ident, docs: &TokenStream, def: &ErrorsDef) -> TokenStream {
    let variants = def.variants.iter().map(|variant| {
        let docs = doc_attrs(&variant.docs);
        let ident = format_ident!("{}", variant.rust_name);
        match &variant.ty {
            Some(ty) => {
                let ty = type_tokens(ty, false);
                quote! { #docs #ident(#ty), }
            }
            None => quote! { #docs #ident, },
        }
    });
    let uses_body = def.variants.iter().any(|v| v.ty.is_some());
    let body_arg = if uses_body { format_ident!("body") } else { format_ident!("_body") };
    let mut has_default = false;
    let arms: Vec<TokenStream> = def
        .variants
        .iter()
        .map(|variant| {
            let ident = format_ident!("{}", variant.rust_name);
            let pattern = match variant.status {
                StatusMatch::Code(code) => {
                    let code = Literal::u16_unsuffixed(code);
                    quote! { #code }
                }
                // A range beside a code it covers (`4XX` and `400`) is a guard, so the arms do
                // not overlap (`match_overlapping_arm`); the code's own arm comes first.
                StatusMatch::Range(range)
                    if def
                        .variants
                        .iter()
                        .any(|v| matches!(v.status, StatusMatch::Code(code) if code / 100 == range)) =>
                {
                    let hundreds = Literal::u16_unsuffixed(range);
                    quote! { code if code / 100 == #hundreds }
                }
                StatusMatch::Range(range) => {
                    let low = Literal::u16_unsuffixed(range * 100);
                    let high = Literal::u16_unsuffixed(range * 100 + 99);
                    quote! { #low..=#high }
                }
                StatusMatch::Default => {
                    has_default = true;
                    quote! { _ }
                }
            };
            let value = match &variant.ty {
                Some(_) => quote! { client_runtime::__private::decode_error_body(body).map(Self::#ident) },
                None => quote! { Some(Self::#ident) },
            };
            quote! { #pattern => #value, }
        })
        .collect();
    let fallback = (!has_default).then(|| quote! { _ => None, });
    let only_default = def.variants.len() == 1 && def.variants[0].status == StatusMatch::Default;
    let (status_arg, decode) = if only_default {
        let value = match &def.variants[0].ty {
            Some(_) => {
                let ident = format_ident!("{}", def.variants[0].rust_name);
                quote! { client_runtime::__private::decode_error_body(body).map(Self::#ident) }
            }
            None => {
                let ident = format_ident!("{}", def.variants[0].rust_name);
                quote! { Some(Self::#ident) }
            }
        };
        (format_ident!("_status"), value)
    } else {
        (format_ident!("status"), quote! { match status.as_u16() { #(#arms)* #fallback } })
    };
    // The enum only ever travels inside `Error::Api(Box<..>)`, so a large variant costs nothing.
    let mixed_payloads = def.variants.iter().any(|v| matches!(v.ty, Some(TypeRef::Named(_))))
        && def.variants.iter().any(|v| v.ty != def.variants[0].ty);
    let allow = mixed_payloads.then(|| quote! { #[allow(clippy::large_enum_variant)] });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #allow
        pub enum #name {
            #(#variants)*
        }

        impl client_runtime::ErrorBody for #name {
            fn from_response(#status_arg: client_runtime::StatusCode, #body_arg: &[u8]) -> Option<Self> {
                #decode
            }
        }
    }
}
