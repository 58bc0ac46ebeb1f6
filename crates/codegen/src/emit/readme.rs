//! The generated crate's README, whose usage example is compiled as a doctest of the crate.

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::{ident, integer_literal};
use crate::ir::{Api, BodyKind, Bound, Number, Operation, Param, TypeKind, TypeRef};
use crate::naming;
use crate::settings::Settings;

/// The README: what the crate is, a usage example that compiles, the operations and settings.
pub(crate) fn readme(api: &Api, settings: &Settings, header: &str, example_code: &str) -> String {
    let name = &settings.package.name;
    let display = &api.display_name;
    let mut out = format!("<!-- {header} -->\n\n# {name}\n\n");
    out.push_str(&format!(
        "Typed async client for the {display} API (version {}), generated from its OpenAPI spec.\n\n",
        api.api_version
    ));
    if let Some(description) = &api.description {
        for paragraph in crate::docs::paragraphs(description) {
            out.push_str(&paragraph);
            out.push_str("\n\n");
        }
    }
    if let Some(page) = &settings.source.page {
        out.push_str(&format!("Spec source: <{page}>\n\n"));
    }
    out.push_str("## Usage\n\n");
    let mut variables = Vec::new();
    if api.requires_api_key || api.credentials.is_empty() {
        variables.push(format!("the API key from `{}`", settings.api_key_env()));
    }
    if !api.credentials.is_empty() {
        variables.push("each credential below from its own variable".to_owned());
    }
    out.push_str(&format!(
        "`Client::from_env()` reads {} and, when it is set, the base URL from `{}`. \
         Every call returns the decoded body, or an `Error` whose `Api` variant carries the status, \
         the headers, the typed error body documented for that status and the raw body.\n\n",
        variables.join(" and "),
        settings.base_url_env()
    ));
    out.push_str("```rust,no_run\n");
    out.push_str(example_code);
    out.push_str("```\n\n");
    if !api.credentials.is_empty() {
        out.push_str(&credentials_section(api));
    }
    if let Some(section) = token_section(api) {
        out.push_str(&section);
    }
    if api.uses_nullable() {
        out.push_str(&nullable_section(api, &settings.package.name));
    }
    out.push_str(&features_section(api, &settings.package.name));
    out.push_str("## Operations\n\n| Method | Endpoint | Summary |\n|---|---|---|\n");
    for operation in &api.operations {
        let summary =
            operation.docs.first().map(|s| s.lines().next().unwrap_or("").replace('|', "\\|")).unwrap_or_default();
        let deprecated = if operation.deprecated { " (deprecated)" } else { "" };
        let mut methods = format!("`{}`", naming::unraw(&operation.method_name));
        if let Some(stream) = operation.stream_name() {
            methods.push_str(&format!(", `{stream}`"));
        }
        out.push_str(&format!(
            "| {methods} | `{} {}` | {summary}{deprecated} |\n",
            operation.http_method, operation.path
        ));
    }
    let streams = api.stream_kinds();
    if streams.events || streams.bytes {
        out.push_str(
            "\nMethods that stream return an `EventStream` of typed events or a `ByteStream` of chunks, both \
             `futures::Stream`s (read them with `StreamExt::next`). Retries and the timeout cover the wait \
             for the response headers; the stream then runs as long as the server keeps it open, or until \
             no data has come for the builder's `read_timeout`.\n",
        );
    }
    out.push_str("\n## Configuration\n\n");
    // The defaults and the retry policy live in the runtime; the README names where they are
    // documented instead of repeating numbers that could drift from them.
    out.push_str(&format!(
        "`Client::builder()` sets the base URL ({}), the timeout per attempt, the retry policy, extra \
         default headers, extra trusted root certificates, and a caller-supplied `reqwest::Client`; `client.with_timeout(..)` changes the \
         timeout for a call or two. [`ClientBuilder`] documents the defaults, and [`RetryPolicy`] which \
         failures are retried and how long each wait is.",
        match &api.default_base_url {
            Some(url) => format!("default `{url}`"),
            None => "required: the spec names no server".to_owned(),
        }
    ));
    let may_act_twice = api.operations.iter().any(|operation| {
        !["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"].contains(&operation.http_method.as_str())
    });
    match (&settings.client.idempotency_header, may_act_twice) {
        (Some(header), true) => out.push_str(&format!(
            " Each call with a method that is not idempotent (such as POST) carries a fresh key in the \
             `{header}` header, the same on its retries, so the API acts on it at most once; such calls \
             are retried like GETs. A key you set yourself in `{header}` is sent as it is."
        )),
        (None, true) => out.push_str(
            " A call that might act twice if sent twice, such as a POST, is retried only when the API \
             cannot have acted on it.",
        ),
        (_, false) => {}
    }
    out.push_str("\n\n[`ClientBuilder`]: crate::ClientBuilder\n[`RetryPolicy`]: crate::RetryPolicy\n\n");
    if api.servers.len() > 1 {
        out.push_str("The spec lists these servers, available as constants in `servers`:\n\n");
        for server in &api.servers {
            out.push_str(&format!("- `servers::{}`: `{}`\n", server.const_name, server.url));
        }
        out.push('\n');
    }
    out.push_str(
        "API keys and the tokens the API mints are `Secret`s: their `Debug` output is redacted, and \
         `expose_secret()` is the only way to read them.\n\n",
    );
    out.push_str("Regenerate this crate with `cargo xtask codegen` from the workspace root; do not edit it by hand.\n");
    out
}

/// The Cargo features: the TLS backends and `tracing`, and, when the API has them, one per tag
/// and how to compile only some.
fn features_section(api: &Api, crate_name: &str) -> String {
    let version = "0.1";
    let tags = !api.features.is_empty();
    let mut out = String::from(
        "## Features\n\nTLS is one of three features, which this crate forwards to `client-runtime`:\n\n\
         | Feature | Default | TLS |\n|---|---|---|\n\
         | `rustls-ring` | on | rustls with the *ring* crypto provider, checking certificates against the system's \
         trusted roots |\n\
         | `rustls-aws-lc` | off | rustls with aws-lc-rs: FIPS-capable, but it builds the aws-lc-sys C library, most of \
         a cold build |\n\
         | `native-tls` | off | the platform's library: OpenSSL on Linux (its headers are needed to build), Secure \
         Transport on macOS, SChannel on Windows |\n\n\
         To use another, turn off the default features and name it",
    );
    out.push_str(if tags { ", with `full` for every tag's operations:\n\n" } else { ":\n\n" });
    let others = if tags { "\"native-tls\", \"full\"" } else { "\"native-tls\"" };
    out.push_str(&format!(
        "```toml\n{crate_name} = {{ version = \"{version}\", default-features = false, features = [{others}] }}\n```\n\n"
    ));
    out.push_str(
        "With more than one on, `native-tls` is used over `rustls-aws-lc`, and `rustls-aws-lc` over `rustls-ring`; \
         with none, the crate does not compile. Root certificates beside the system's (a private CA) are added \
         with `Client::builder().root_certificates_pem(..)`. `tracing` (off by default) opens one `tracing` span \
         per request attempt.\n\n",
    );
    if !tags {
        return out;
    }
    let example = api.features.iter().take(2).map(|f| format!("\"{}\"", f.name)).collect::<Vec<_>>().join(", ");
    out.push_str(&format!(
        "Each {} is a Cargo feature that compiles its operations and the types only they \
         reach; types that several share, and operations without one, are always compiled. All are on \
         by default (`full`). To compile less, turn them off and pick the ones you call, with a TLS feature:\n\n\
         ```toml\n{crate_name} = {{ version = \"{version}\", default-features = false, features = [\"rustls-ring\", {example}] }}\n```\n\n\
         | Feature | Operations |\n|---|---|\n",
        if api.features.iter().any(|f| f.from_path) { "group of paths (the spec has no tags)" } else { "tag" }
    ));
    for feature in &api.features {
        out.push_str(&format!("| `{}` | {} |\n", feature.name, feature.summary().replace('|', "\\|")));
    }
    out.push('\n');
    out
}

/// How to send and read the three states of an optional, nullable field.
fn nullable_section(api: &Api, crate_name: &str) -> String {
    let krate = naming::snake_ident(crate_name);
    let example = api.types.values().find_map(|def| match &def.kind {
        TypeKind::Struct(fields) => fields
            .fields
            .iter()
            .find(|f| f.wrapper() == crate::ir::Wrapper::Nullable)
            .map(|field| (def.name.clone(), naming::unraw(&field.rust_name).to_owned())),
        _ => None,
    });
    let mut out = String::from(
        "## Absent, null and a value\n\nA field the spec marks both optional and nullable is a `Nullable<T>`, because the API \
         tells its three states apart: `Nullable::Absent` (the default) leaves the key out, `Nullable::Null` sends \
         `null` (to clear a value, say), and `value.into()` sends the value. Responses keep the three apart too: \
         a missing key is `Absent`, `null` is `Null`.",
    );
    if let Some((type_name, field)) = example {
        out.push_str(&format!(
            " To send `null` for `{field}` of `types::{type_name}`, set `{field}: {krate}::Nullable::Null`."
        ));
    }
    out.push_str(
        " A field that is required and nullable stays an `Option<T>` and is always sent, `None` as `null`.\n\n",
    );
    out
}

/// The table of credentials beside the API key, and how to give them.
fn credentials_section(api: &Api) -> String {
    let beside = if api.requires_api_key { " beside the API key" } else { "" };
    let mut out = format!(
        "## Credentials\n\nOperations send these credentials{beside}, as the spec's security requirements \
         combine several schemes. Give each with `Client::builder().credential(credentials::NAME, value)`, or \
         set its variable and use `from_env`. A required one is an argument of `Client::new`; without an \
         optional one, only the operations that send it fail, before sending anything.\n\n\
         | Credential | Constant | Variable | Required |\n|---|---|---|---|\n"
    );
    for credential in &api.credentials {
        out.push_str(&format!(
            "| `{}` | `credentials::{}` | `{}` | {} |\n",
            credential.scheme,
            credential.const_name,
            credential.env_var,
            if credential.required { "yes" } else { "no" }
        ));
    }
    out.push('\n');
    out
}

/// The example function shown in the README, as tokens: build the client from the environment,
/// call one operation, and handle its errors.
pub(crate) fn example_tokens(api: &Api, settings: &Settings) -> TokenStream {
    let krate = ident(&naming::snake_ident(&settings.package.name));
    let chosen = settings
        .client
        .readme_example_operation
        .as_ref()
        .and_then(|id| api.operations.iter().find(|op| &op.id == id))
        .or_else(|| api.operations.iter().find(|op| !op.deprecated))
        .or_else(|| api.operations.first());
    let call = match chosen {
        Some(operation) => operation_call(api, &krate, operation),
        None => quote! {},
    };
    quote! {
        use #krate::{Client, Error};

        async fn example() -> Result<(), Box<dyn std::error::Error>> {
            let client = Client::from_env()?;
            #call
            Ok(())
        }
    }
}

fn operation_call(api: &Api, krate: &proc_macro2::Ident, operation: &Operation) -> TokenStream {
    let method = ident(&operation.method_name);
    let mut args = Vec::new();
    for param in &operation.path_params {
        args.push(param_value(param));
    }
    if let Some(params_type) = &operation.params_type {
        let ty = format_ident!("{}", params_type);
        let required: Vec<TokenStream> = operation.params.iter().filter(|p| p.required).map(param_value).collect();
        if required.is_empty() {
            args.push(quote! { &#krate::types::#ty::default() });
        } else {
            args.push(quote! { &#krate::types::#ty::new(#(#required),*) });
        }
    }
    if let Some(body) = &operation.body {
        let value = match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) | BodyKind::Multipart(ty) => {
                let value = value_expr(api, krate, ty, "body", 0);
                quote! { &#value }
            }
            BodyKind::Text(_) => quote! { "text".to_owned() },
            BodyKind::Bytes(_) => quote! { #krate::Bytes::from_static(b"bytes") },
        };
        args.push(if body.required {
            value
        } else {
            quote! { Some(#value) }
        });
    }
    let allow = operation.deprecated.then(|| quote! { #[allow(deprecated)] });
    let message = format!("{} answered {{}}: {{:?}}", api.display_name);
    quote! {
        #allow
        let result = client.#method(#(#args),*).await;
        match result {
            Ok(response) => println!("{response:?}"),
            Err(Error::Api(error)) => eprintln!(#message, error.status, error.body),
            Err(error) => return Err(error.into()),
        }
    }
}

fn param_value(param: &Param) -> TokenStream {
    match (&param.ty, &param.example) {
        (TypeRef::Integer(_), Some(Value::Number(n))) if n.is_i64() => integer_literal(n.as_i64().unwrap_or_default()),
        (TypeRef::Integer(_), _) => match param.bounds.minimum {
            Some(Bound { limit: Number::Integer(minimum), exclusive: false }) => integer_literal(minimum),
            _ => quote! { 1 },
        },
        (TypeRef::String, Some(Value::String(s))) => {
            if param.location == crate::ir::ParamLocation::Path {
                quote! { #s }
            } else {
                quote! { #s.to_owned() }
            }
        }
        (TypeRef::String, _) => {
            let placeholder = format!("your-{}", param.wire_name.to_kebab_case());
            if param.location == crate::ir::ParamLocation::Path {
                quote! { #placeholder }
            } else {
                quote! { #placeholder.to_owned() }
            }
        }
        (TypeRef::Bool, _) => quote! { false },
        (TypeRef::Float(_), _) => quote! { 1.0 },
        _ => quote! { Default::default() },
    }
}

/// An expression that builds a value of `ty` with every required field set.
fn value_expr(api: &Api, krate: &proc_macro2::Ident, ty: &TypeRef, name: &str, depth: usize) -> TokenStream {
    if depth > 4 {
        return quote! { Default::default() };
    }
    match ty {
        TypeRef::Named(type_name) => {
            let type_ident = format_ident!("{}", type_name);
            let path = quote! { #krate::types::#type_ident };
            match api.types.get(type_name).map(|t| &t.kind) {
                Some(TypeKind::Struct(def)) if def.all_fields_optional() => quote! { #path::default() },
                Some(TypeKind::Struct(def)) if def.constructor_fields().is_some() => {
                    let args = def.constructor_fields().unwrap_or_default().into_iter().map(|field| match &field.ty {
                        TypeRef::String | TypeRef::Secret => {
                            let placeholder = format!("your-{}", field.wire_name.to_kebab_case());
                            quote! { #placeholder }
                        }
                        ty => value_expr(api, krate, ty, &field.wire_name, depth + 1),
                    });
                    let flattened = def
                        .flattened
                        .iter()
                        .map(|field| value_expr(api, krate, &field.ty, &field.rust_name, depth + 1));
                    let args = args.chain(flattened);
                    quote! { #path::new(#(#args),*) }
                }
                Some(TypeKind::Struct(def)) => {
                    let fields = def.fields.iter().map(|field| {
                        let field_ident = ident(&field.rust_name);
                        if field.wrapper() == crate::ir::Wrapper::Nullable {
                            quote! { #field_ident: Default::default() }
                        } else if field.can_be_unset() {
                            quote! { #field_ident: None }
                        } else {
                            let value = value_expr(api, krate, &field.ty, &field.wire_name, depth + 1);
                            quote! { #field_ident: #value }
                        }
                    });
                    let flattened = def.flattened.iter().map(|field| {
                        let field_ident = ident(&field.rust_name);
                        let value = value_expr(api, krate, &field.ty, &field.rust_name, depth + 1);
                        quote! { #field_ident: #value }
                    });
                    let fields = fields.chain(flattened);
                    let additional = def.additional.as_ref().map(|additional| {
                        let field_ident = ident(&additional.rust_name);
                        quote! { , #field_ident: Default::default() }
                    });
                    quote! { #path { #(#fields),* #additional } }
                }
                Some(TypeKind::Enum(def)) => match def.variant_names().first() {
                    Some(variant) => {
                        let variant = format_ident!("{}", variant);
                        quote! { #path::#variant }
                    }
                    None => quote! { Default::default() },
                },
                Some(TypeKind::Union(def)) => {
                    let variant = &def.variants[0];
                    let variant_ident = format_ident!("{}", variant.rust_name);
                    if variant.ty == TypeRef::Unit {
                        quote! { #path::#variant_ident }
                    } else {
                        let inner = value_expr(api, krate, &variant.ty, name, depth + 1);
                        quote! { #path::#variant_ident(#inner) }
                    }
                }
                Some(TypeKind::Alias(inner)) => value_expr(api, krate, inner, name, depth + 1),
                _ => quote! { Default::default() },
            }
        }
        TypeRef::String | TypeRef::Secret => {
            let placeholder = format!("your-{}", name.to_kebab_case());
            quote! { #placeholder.into() }
        }
        TypeRef::Bool => quote! { false },
        TypeRef::Integer(_) => quote! { 0 },
        TypeRef::Float(_) => quote! { 0.0 },
        TypeRef::Json => quote! { serde_json::Value::Null },
        TypeRef::Unit => quote! { () },
        TypeRef::Boxed(inner) => {
            let inner = value_expr(api, krate, inner, name, depth + 1);
            quote! { Box::new(#inner) }
        }
        TypeRef::File => quote! { #krate::FilePart::new(b"file contents".to_vec()).file_name("example.bin") },
        TypeRef::JsonObject | TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Option(_) => quote! { Default::default() },
    }
}

/// How the client mints a token through `MintToken`, when the settings describe it.
fn token_section(api: &Api) -> Option<String> {
    let mint = api.token.as_ref()?;
    let operation = api.operations.iter().find(|op| op.id == mint.operation)?;
    let method = naming::unraw(&operation.method_name);
    let lifetime = match &mint.lifetime {
        None => "The API takes no lifetime, so asking for one is an error.".to_owned(),
        Some(lifetime) => {
            let bounds = match lifetime.max {
                Some(max) => format!("{} to {max} seconds", lifetime.min),
                None => format!("at least {} second(s)", lifetime.min),
            };
            let default = match lifetime.default {
                Some(default) => format!("{default} seconds when none is asked for (the API requires one)"),
                None => "the API's own default when none is asked for".to_owned(),
            };
            format!("Lifetimes of {bounds} are allowed, and refused before sending otherwise; {default}.")
        }
    };
    let expiry = match &mint.expiry {
        Some((path, _)) => format!("`expires_at` is worked out from `{}` of the answer", path.pointer),
        None => "the API does not say when the token expires, so `expires_at` is `None`".to_owned(),
    };
    Some(format!(
        "## Minting a token\n\n`Client` implements `MintToken` (re-exported here), the interface every token \
         provider's client shares: `client.mint_token(&TokenRequest::with_lifetime(d)).await` calls \
         `{method}` and returns a `ShortLivedToken` with the token as a `Secret`, its expiry as a `SystemTime`, \
         and the typed answer. {lifetime} The token is read from `{}`; {expiry}.\n\n",
        mint.token.pointer
    ))
}
