//! The model to files: Rust modules as tokens, plus `Cargo.toml`, `README.md` and `lib.rs`.

mod client;
pub(crate) mod readme;
mod token;
mod types;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Api, FloatKind, IntegerKind, Number, TypeRef};
use crate::settings::Settings;
use crate::{Dependencies, RuntimeSource};

pub(crate) use self::client::client_module;
pub(crate) use self::readme::readme;
pub(crate) use self::types::{type_items, types_module};

/// An identifier from a name the naming module produced (possibly raw, `r#type`).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", feature = "b"))]`: compiled under any of
/// the features; nothing for none.
pub(crate) fn cfg_any(features: &[String]) -> Option<TokenStream> {
    match features {
        [] => None,
        [one] => Some(quote! { #[cfg(feature = #one)] }),
        many => Some(quote! { #[cfg(any(#(feature = #many),*))] }),
    }
}

/// Puts each item under `cfg_any(features)`: after its docs, so the item reads docs first, as
/// hand-written code does.
pub(crate) fn gate_items(items: &mut [syn::Item], features: &[String]) {
    let Some(cfg) = cfg_any(features) else { return };
    for item in items {
        let attrs = match item {
            syn::Item::Struct(item) => &mut item.attrs,
            syn::Item::Enum(item) => &mut item.attrs,
            syn::Item::Type(item) => &mut item.attrs,
            syn::Item::Impl(item) => &mut item.attrs,
            syn::Item::Const(item) => &mut item.attrs,
            syn::Item::Fn(item) => &mut item.attrs,
            syn::Item::Mod(item) => &mut item.attrs,
            syn::Item::Use(item) => &mut item.attrs,
            syn::Item::Static(item) => &mut item.attrs,
            syn::Item::Trait(item) => &mut item.attrs,
            syn::Item::Macro(item) => &mut item.attrs,
            _ => continue,
        };
        let at = attrs.iter().take_while(|a| a.path().is_ident("doc")).count();
        attrs.insert(at, syn::parse_quote! { #cfg });
    }
}

/// `#[doc = "..."]` lines for paragraphs, one attribute per line so they print as `///`.
pub(crate) fn doc_attrs(paragraphs: &[String]) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for (index, paragraph) in paragraphs.iter().enumerate() {
        if index > 0 {
            lines.push(String::new());
        }
        lines.extend(paragraph.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") }));
    }
    quote! { #(#[doc = #lines])* }
}

/// An integer literal; negative values are a negated literal, which is how `i64::MIN` can be
/// written at all (`9223372036854775808` alone does not fit an `i64`).
pub(crate) fn integer_literal(value: i64) -> TokenStream {
    let magnitude = Literal::u64_unsuffixed(value.unsigned_abs());
    if value < 0 {
        quote! { -#magnitude }
    } else {
        quote! { #magnitude }
    }
}

/// A number from the spec as a literal: a float literal where the value it is compared with is a
/// float.
pub(crate) fn number_literal(number: Number, float: bool) -> TokenStream {
    match number {
        Number::Integer(value) if !float => integer_literal(value),
        Number::Integer(value) => {
            #[allow(clippy::cast_precision_loss)] // the limit of a float parameter, as a float
            let literal = Literal::f64_unsuffixed(value as f64);
            quote! { #literal }
        }
        Number::Float(value) => {
            let literal = Literal::f64_unsuffixed(value);
            quote! { #literal }
        }
    }
}

/// The Rust type for a reference; `qualified` prefixes named types with `types::`.
pub(crate) fn type_tokens(ty: &TypeRef, qualified: bool) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = format_ident!("{}", name);
            if qualified {
                quote! { types::#name }
            } else {
                quote! { #name }
            }
        }
        TypeRef::String => quote! { String },
        TypeRef::Secret => quote! { client_runtime::Secret },
        TypeRef::Bool => quote! { bool },
        TypeRef::Integer(IntegerKind::I32) => quote! { i32 },
        TypeRef::Integer(IntegerKind::I64) => quote! { i64 },
        TypeRef::Integer(IntegerKind::U32) => quote! { u32 },
        TypeRef::Integer(IntegerKind::U64) => quote! { u64 },
        TypeRef::Float(FloatKind::F32) => quote! { f32 },
        TypeRef::Float(FloatKind::F64) => quote! { f64 },
        TypeRef::Json => quote! { serde_json::Value },
        TypeRef::JsonObject => quote! { serde_json::Map<String, serde_json::Value> },
        TypeRef::Array(item) => {
            let item = type_tokens(item, qualified);
            quote! { Vec<#item> }
        }
        TypeRef::Map(value) => {
            let value = type_tokens(value, qualified);
            quote! { std::collections::BTreeMap<String, #value> }
        }
        TypeRef::Option(inner) => {
            let inner = type_tokens(inner, qualified);
            quote! { Option<#inner> }
        }
        TypeRef::Unit => quote! { () },
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(inner, qualified);
            quote! { Box<#inner> }
        }
        TypeRef::File => quote! { client_runtime::FilePart },
    }
}

/// The crate root: docs from the README (so its example is compiled as a doctest), the
/// modules, and the runtime types users need.
pub(crate) fn lib_module(api: &Api) -> TokenStream {
    let types = (!api.types.is_empty()).then(|| {
        quote! {
            #[rustfmt::skip]
            pub mod types;
        }
    });
    let streams = api.stream_kinds();
    let mut exports: Vec<&str> =
        vec!["ApiError", "ApiResponse", "Bytes", "ClientBuilder", "ConfigError", "DecodeError", "Error"];
    if streams.bytes {
        exports.push("ByteStream");
    }
    if streams.events {
        exports.push("EventStream");
    }
    exports.extend(["FilePart", "FromJson", "InvalidRequest", "Json", "JsonError", "NoErrorBody"]);
    exports.extend(["RetryPolicy", "Secret"]);
    if api.uses_nullable() {
        exports.push("Nullable");
    }
    if streams.raw_events {
        exports.push("ServerEvent");
    }
    if streams.bytes || streams.events {
        exports.push("Stream");
    }
    if api.token.is_some() {
        exports.extend(["MintError", "MintToken", "ShortLivedToken", "TokenRequest"]);
    }
    exports.sort_unstable();
    let exports = exports.iter().map(|name| format_ident!("{}", name));
    quote! {
        #![doc = include_str!("../README.md")]

        #[rustfmt::skip]
        mod client;
        #types

        pub use client::*;
        #[rustfmt::skip]
        pub use client_runtime::{#(#exports),*};
    }
}

/// The TLS features every generated crate forwards to the runtime (`client-runtime`'s
/// `TlsBackend` documents them), with the comment each gets; the first is the default.
pub(crate) const TLS_FEATURES: [(&str, &str); 3] = [
    ("rustls-ring", "rustls with the *ring* crypto provider, checking certificates against the system's roots."),
    ("rustls-aws-lc", "rustls with aws-lc-rs: FIPS-capable, but it builds the aws-lc-sys C library."),
    (
        "native-tls",
        "The platform's TLS: OpenSSL on Linux (its headers are needed to build), Secure Transport on macOS, SChannel on Windows.",
    ),
];

/// The `[features]` table: the TLS backends (`rustls-ring` on by default), `tracing`, and one
/// feature per tag (all on by default, through `full`) when the API has them.
fn features_table(api: &Api) -> String {
    let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let mut out = String::from("\n[features]\n");
    let (default_tls, _) = TLS_FEATURES[0];
    if api.features.is_empty() {
        out.push_str("# TLS: one of the three below is needed. With `default-features = false`, name one.\n");
        out.push_str(&format!("default = [{}]\n", quoted(default_tls)));
    } else {
        out.push_str(
            "# TLS, and every tag's operations. To compile less, turn off default features and pick tags, with one\n\
             # of the TLS features below.\n",
        );
        out.push_str(&format!("default = [{}, \"full\"]\n", quoted(default_tls)));
    }
    for (name, comment) in TLS_FEATURES {
        out.push_str(&format!("# {comment}\n{name} = [{}]\n", quoted(&format!("client-runtime/{name}"))));
    }
    out.push_str("# One `tracing` span per request attempt: method, path template, status and attempt number.\n");
    out.push_str("tracing = [\"client-runtime/tracing\"]\n");
    if api.features.is_empty() {
        return out;
    }
    // Feature names are kebab-case words: valid bare TOML keys, quoted as list items.
    let names: Vec<String> = api.features.iter().map(|f| quoted(&f.name)).collect();
    out.push_str("# Every tag's operations.\n");
    out.push_str(&format!("full = [{}]\n", names.join(", ")));
    for feature in &api.features {
        out.push_str(&format!("# {}.\n", feature.summary()));
        out.push_str(&format!("{} = []\n", feature.name));
    }
    out
}

/// The generated crate's `Cargo.toml`.
pub(crate) fn cargo_toml(api: &Api, settings: &Settings, dependencies: &Dependencies, header: &str) -> String {
    let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let version = settings.package.version.clone().unwrap_or_else(|| "0.1.0".to_owned());
    let description = settings.package.description.clone().unwrap_or_else(|| {
        format!("Typed async client for the {} API, generated from its OpenAPI spec.", api.display_name)
    });
    let mut out =
        format!("# {header}\n\n[package]\nname = {}\nversion = {}\n", quoted(&settings.package.name), quoted(&version));
    out.push_str(&format!("description = {}\n", quoted(&description)));
    // `MintToken` is behind the runtime's `token` feature.
    let runtime_features = if api.token.is_some() { ", features = [\"token\"]" } else { "" };
    match dependencies {
        Dependencies::Workspace => {
            out.push_str("edition.workspace = true\nrust-version.workspace = true\nlicense.workspace = true\npublish.workspace = true\n");
            out.push_str(&format!("\n[dependencies]\nclient-runtime = {{ workspace = true{runtime_features} }}\nserde.workspace = true\nserde_json.workspace = true\n"));
            out.push_str(&features_table(api));
            out.push_str("\n[lints]\nworkspace = true\n");
        }
        Dependencies::Standalone { runtime } | Dependencies::Member { runtime } => {
            let runtime = match runtime {
                RuntimeSource::Path(path) => format!("path = {}", quoted(path)),
                RuntimeSource::Git { url, rev } => format!("git = {}, rev = {}", quoted(url), quoted(rev)),
                RuntimeSource::Version(requirement) => format!("version = {}", quoted(requirement)),
            };
            // The runtime's defaults (its TLS backend) come through this crate's own features.
            out.push_str("edition = \"2024\"\npublish = false\n");
            out.push_str(&format!(
                "\n[dependencies]\nclient-runtime = {{ {runtime}, default-features = false{runtime_features} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n"
            ));
            out.push_str(&features_table(api));
            out.push_str("\n[lints.rust]\nmissing_docs = \"warn\"\nunsafe_code = \"forbid\"\n");
            if matches!(dependencies, Dependencies::Standalone { .. }) {
                // Not part of any enclosing workspace, so it builds wherever it is written.
                out.push_str("\n[workspace]\n");
            }
        }
    }
    out
}
