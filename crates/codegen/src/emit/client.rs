//! The `client` module: the `Client` type, its constructors, and one method per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, ident, number_literal, type_tokens};
use crate::ir::{
    Api, AuthScheme, AuthUse, Body, BodyKind, Bound, Credential, CredentialRef, EventData, Operation, Param,
    ParamEncoding, ParamLocation, ResponseKind, StreamKind, StreamMethod, TypeRef, Wrapper,
};
use crate::naming;
use crate::settings::Settings;

/// The whole `client.rs` file.
pub(crate) fn client_module(api: &Api, settings: &Settings) -> TokenStream {
    let display = &api.display_name;
    let module_doc = format!(" The [`Client`] for the {display} API: construction, and one method per operation.");
    let crate_name = &settings.package.name;
    let user_agent = quote! { concat!(#crate_name, "/", env!("CARGO_PKG_VERSION")) };
    let default_base_url = match &api.default_base_url {
        Some(url) => quote! { Some(#url) },
        None => quote! { None },
    };
    let api_key_env = settings.api_key_env();
    let base_url_env = settings.base_url_env();
    let requires_api_key = api.requires_api_key;
    let idempotency_header = match &settings.client.idempotency_header {
        Some(name) => quote! { Some(#name) },
        None => quote! { None },
    };

    let mut client_docs = vec![format!("Client for the {display} API (version {}).", api.api_version)];
    client_docs.push(
        "Build one with [`Client::new`], [`Client::from_env`] or [`Client::builder`]. Clones are cheap and share one connection pool."
            .to_owned(),
    );
    let client_docs = doc_attrs(&client_docs);

    let base_url_const = api.default_base_url.as_ref().map(|url| {
        let doc = format!(" The base URL used unless another is configured: `{url}`.");
        quote! {
            #[doc = #doc]
            pub const DEFAULT_BASE_URL: &'static str = #url;
        }
    });
    let key_env_doc =
        format!(" The environment variable [`Client::from_env`] reads the API key from: `{api_key_env}`.");
    let url_env_doc =
        format!(" The environment variable [`Client::from_env`] reads an optional base URL from: `{base_url_env}`.");

    let constructors = constructors(api);
    let mint_token = super::token::mint_token_impl(api);
    let mut from_env_vars = Vec::new();
    if requires_api_key || api.credentials.is_empty() {
        from_env_vars.push(format!("the API key from `{api_key_env}`"));
    }
    from_env_vars.extend(api.credentials.iter().map(|c| format!("`{}` from `{}`", c.scheme, c.env_var)));
    let from_env_doc = doc_attrs(&[
        format!(
            "Creates a client from the environment: {}, and the base URL from `{base_url_env}` when that is set.",
            from_env_vars.join(", ")
        ),
        "# Errors\n\nWhen a variable the client needs is missing or empty, or a value is malformed.".to_owned(),
    ]);

    let servers = servers_module(api);
    let credential_consts = api.credentials.iter().map(|c| format_ident!("{}", c.const_name));
    let credentials_module = credentials_module(api);
    let methods = api.operations.iter().filter(|op| op.features.is_empty()).map(|op| operation_methods(op, api));
    // The operations of each set of features in an `impl` block of their own, in spec order.
    let mut gated_sets: Vec<(&[String], Vec<TokenStream>)> = Vec::new();
    for operation in api.operations.iter().filter(|op| !op.features.is_empty()) {
        let methods = operation_methods(operation, api);
        match gated_sets.iter_mut().find(|(features, _)| *features == operation.features.as_slice()) {
            Some((_, group)) => group.push(methods),
            None => gated_sets.push((&operation.features, vec![methods])),
        }
    }
    let gated_impls = gated_sets.into_iter().map(|(features, methods)| {
        let cfg = super::cfg_any(features);
        quote! {
            #cfg
            impl Client {
                #(#methods)*
            }
        }
    });
    let uses_types = api.operations.iter().any(|op| {
        op.params_type.is_some()
            || op.errors_type.is_some()
            || op.success.headers.is_some()
            || op.path_params.iter().any(|p| mentions_named(&p.ty))
            || op.body.as_ref().and_then(|b| b.kind.ty()).is_some_and(mentions_named)
            || matches!(&op.success.kind, ResponseKind::Json(ty) | ResponseKind::Events(EventData::Json(ty)) if mentions_named(ty))
            || op.success.stream.as_ref().is_some_and(|s| matches!(&s.kind, StreamKind::Events(EventData::Json(ty)) if mentions_named(ty)))
    });
    // With features off, some imports go unused.
    let allow_unused = (!api.features.is_empty()).then(|| quote! { #[allow(unused_imports)] });
    let types_import = uses_types.then(|| quote! { #allow_unused use crate::types; });
    let has_operations = !api.operations.is_empty();
    let mut runtime_imports = Vec::new();
    if api.operations.iter().any(|op| op.with_response_name().is_some()) {
        runtime_imports.extend([quote! { ApiResponse }]);
    }
    if api.operations.iter().any(|op| !op.auth.is_empty()) {
        runtime_imports.push(quote! { Auth });
    }
    let streams = api.stream_kinds();
    if streams.bytes {
        runtime_imports.push(quote! { ByteStream });
    }
    runtime_imports.extend([quote! { ClientBuilder }, quote! { ClientCore }, quote! { ConfigError }]);
    if has_operations {
        runtime_imports.push(quote! { Error });
    }
    if streams.events {
        runtime_imports.push(quote! { EventStream });
    }
    runtime_imports.push(quote! { FromClientCore });
    if has_operations {
        runtime_imports.push(quote! { Method });
    }
    runtime_imports.push(quote! { ProviderInfo });
    if has_operations {
        runtime_imports.push(quote! { Request });
    }
    if requires_api_key || api.credentials.iter().any(|c| c.required) {
        runtime_imports.push(quote! { Secret });
    }
    if streams.raw_events {
        runtime_imports.push(quote! { ServerEvent });
    }

    quote! {
        #![doc = #module_doc]

        use std::time::Duration;

        #allow_unused
        use client_runtime::{#(#runtime_imports),*};

        #types_import

        static PROVIDER: ProviderInfo = ProviderInfo {
            name: #display,
            user_agent: #user_agent,
            default_base_url: #default_base_url,
            api_key_env: #api_key_env,
            base_url_env: #base_url_env,
            requires_api_key: #requires_api_key,
            idempotency_header: #idempotency_header,
            credentials: &[#(credentials::#credential_consts),*],
        };

        #credentials_module

        #client_docs
        #[derive(Debug, Clone)]
        pub struct Client {
            core: ClientCore,
        }

        impl Client {
            #base_url_const
            #[doc = #key_env_doc]
            pub const API_KEY_ENV: &'static str = #api_key_env;
            #[doc = #url_env_doc]
            pub const BASE_URL_ENV: &'static str = #base_url_env;

            #constructors

            #from_env_doc
            pub fn from_env() -> Result<Self, ConfigError> {
                Self::builder().from_env().build()
            }

            /// A builder for the base URL, timeout, retry policy, default headers and the
            /// `reqwest::Client` to use.
            pub fn builder() -> ClientBuilder<Self> {
                ClientBuilder::new(&PROVIDER)
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            /// A copy of this client whose requests use another timeout per attempt, for one call
            /// or a few: `client.with_timeout(Duration::from_secs(5)).some_call(..)`.
            #[must_use]
            pub fn with_timeout(&self, timeout: Duration) -> Self {
                Self { core: self.core.with_timeout(timeout) }
            }

            #(#methods)*
        }

        #(#gated_impls)*

        impl FromClientCore for Client {
            fn from_client_core(core: ClientCore) -> Self {
                Self { core }
            }
        }

        #mint_token

        #servers
    }
}

/// `Client::new`: it takes the API key when operations send it, and each credential every
/// authenticated operation needs.
fn constructors(api: &Api) -> TokenStream {
    let required: Vec<&Credential> = api.credentials.iter().filter(|c| c.required).collect();
    let mut args = Vec::new();
    let mut calls = Vec::new();
    let mut docs = Vec::new();
    if api.requires_api_key {
        args.push(quote! { api_key: impl Into<Secret> });
        calls.push(quote! { .api_key(api_key) });
        docs.push("`api_key`".to_owned());
    }
    for credential in &required {
        let arg = ident(&credential.arg_name);
        let constant = format_ident!("{}", credential.const_name);
        args.push(quote! { #arg: impl Into<Secret> });
        calls.push(quote! { .credential(credentials::#constant, #arg) });
        docs.push(format!("`{}`", credential.arg_name));
    }
    let doc = if docs.is_empty() {
        doc_attrs(&[
            "Creates a client with default settings.".to_owned(),
            "# Errors\n\nWhen the HTTP client cannot be built.".to_owned(),
        ])
    } else {
        let (what, them) = if docs.len() == 1 { ("the key is", "it") } else { ("a credential is", "them") };
        doc_attrs(&[
            format!(
                "Creates a client that sends {} with the requests that need {them}, with default settings.",
                docs.join(" and ")
            ),
            format!(
                "# Errors\n\nWhen {what} empty or cannot be sent in an HTTP header, or the HTTP client cannot be built."
            ),
        ])
    };
    quote! {
        #doc
        pub fn new(#(#args),*) -> Result<Self, ConfigError> {
            Self::builder() #(#calls)* .build()
        }
    }
}

/// The `credentials` module: one constant per credential beside the API key.
fn credentials_module(api: &Api) -> Option<TokenStream> {
    if api.credentials.is_empty() {
        return None;
    }
    let constants = api.credentials.iter().map(|credential| {
        let Credential { scheme, const_name, env_var, required, docs, .. } = credential;
        let mut lines =
            vec![format!("`{scheme}`, read from `{env_var}` by [`Client::from_env`](crate::Client::from_env).")];
        if let Some(docs) = docs {
            lines.push(docs.clone());
        }
        lines.push(if *required {
            "Every operation that authenticates sends it, so [`Client::new`](crate::Client::new) takes it.".to_owned()
        } else {
            "Only some operations send it; they fail before sending anything when the client has none.".to_owned()
        });
        let doc = doc_attrs(&lines);
        let constant = format_ident!("{}", const_name);
        quote! {
            #doc
            pub const #constant: Credential = Credential { name: #scheme, env: #env_var, required: #required };
        }
    });
    Some(quote! {
        /// The credentials the API takes beside its key, for
        /// [`ClientBuilder::credential`](client_runtime::ClientBuilder::credential):
        /// `Client::builder().credential(credentials::NAME, value)`.
        pub mod credentials {
            use client_runtime::Credential;

            #(#constants)*
        }
    })
}

fn servers_module(api: &Api) -> Option<TokenStream> {
    if api.servers.len() < 2 {
        return None;
    }
    let consts = api.servers.iter().map(|server| {
        let name = format_ident!("{}", server.const_name);
        let url = &server.url;
        let doc = match &server.description {
            Some(description) => format!(" {description}: `{url}`."),
            None => format!(" `{url}`."),
        };
        quote! {
            #[doc = #doc]
            pub const #name: &str = #url;
        }
    });
    Some(quote! {
        /// The servers the spec lists; pass one to [`ClientBuilder::base_url`](client_runtime::ClientBuilder::base_url).
        pub mod servers {
            #(#consts)*
        }
    })
}

/// Whether a type refers to the generated `types` module.
fn mentions_named(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(_) => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Boxed(inner) => {
            mentions_named(inner)
        }
        _ => false,
    }
}

/// A path parameter's argument type: `&str` for strings, by value for `Copy` types.
fn path_arg_type(param: &Param) -> TokenStream {
    match &param.ty {
        TypeRef::String => quote! { &str },
        ty if ty.is_copy() => type_tokens(ty, true),
        ty => {
            let ty = type_tokens(ty, true);
            quote! { &#ty }
        }
    }
}

/// The `(argument list, argument names)` an operation's methods take.
fn operation_args(operation: &Operation) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut args = Vec::new();
    let mut names = Vec::new();
    for param in &operation.path_params {
        let name = ident(&param.rust_name);
        let ty = path_arg_type(param);
        args.push(quote! { #name: #ty });
        names.push(quote! { #name });
    }
    if let Some(params_type) = &operation.params_type {
        let ty = format_ident!("{}", params_type);
        args.push(quote! { params: &types::#ty });
        names.push(quote! { params });
    }
    if let Some(body) = &operation.body {
        let ty = match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) | BodyKind::Multipart(ty) => {
                let ty = type_tokens(ty, true);
                quote! { &#ty }
            }
            BodyKind::Text(_) if body.required => quote! { impl Into<String> },
            BodyKind::Text(_) => quote! { String },
            BodyKind::Bytes(_) if body.required => quote! { impl Into<client_runtime::Bytes> },
            BodyKind::Bytes(_) => quote! { client_runtime::Bytes },
        };
        if body.required {
            args.push(quote! { body: #ty });
        } else {
            args.push(quote! { body: Option<#ty> });
        }
        names.push(quote! { body });
    }
    (args, names)
}

/// What every method of one operation shares: its arguments, and how the error type is spelled.
struct MethodParts {
    /// `name: Type` for each argument.
    args: Vec<TokenStream>,
    /// The argument names, to forward them.
    arg_names: Vec<TokenStream>,
    /// `types::<Operation>Error`, when the spec documents error bodies.
    error_body: Option<TokenStream>,
    /// `#[deprecated]`, for a deprecated operation.
    deprecated: Option<TokenStream>,
    /// The request builder calls that attach the operation's credentials.
    auth: Vec<TokenStream>,
}

impl MethodParts {
    fn new(operation: &Operation, api: &Api) -> Self {
        let (args, arg_names) = operation_args(operation);
        let error_body = operation.errors_type.as_ref().map(|errors| {
            let errors = format_ident!("{}", errors);
            quote! { types::#errors }
        });
        let deprecated = operation.deprecated.then(|| quote! { #[deprecated = "deprecated by the API"] });
        let auth = operation.auth.iter().map(|auth_use| auth_call(auth_use, api)).collect();
        Self { args, arg_names, error_body, deprecated, auth }
    }

    /// `Error`, `EventStream` and `ByteStream` take the error body type last, and default it to
    /// `NoErrorBody`: `Error`, `Error<types::CreateError>`, `EventStream<T, types::CreateError>`.
    fn generics(&self, first: Option<TokenStream>) -> Option<TokenStream> {
        let args: Vec<TokenStream> = first.into_iter().chain(self.error_body.clone()).collect();
        (!args.is_empty()).then(|| quote! { <#(#args),*> })
    }

    /// The method's error type.
    fn error(&self) -> TokenStream {
        let generics = self.generics(None);
        quote! { Error #generics }
    }
}

/// Every client method of one operation: the main method, `<name>_with_response` (except for
/// event streams, whose stream carries the status and headers), and `<name>_stream` when the
/// body can be read as it arrives.
fn operation_methods(operation: &Operation, api: &Api) -> TokenStream {
    let parts = MethodParts::new(operation, api);
    if let ResponseKind::Events(data) = &operation.success.kind {
        return event_stream_method(operation, &parts, data);
    }
    let main = main_method(operation, &parts);
    let with_response = with_response_method(operation, &parts);
    let stream = operation.success.stream.as_ref().map(|stream| stream_method(operation, &parts, stream));
    quote! {
        #main

        #with_response

        #stream
    }
}

/// The main method's docs: the operation's docs, its method and path, what its streaming
/// companion does, and the errors.
fn main_method_docs(operation: &Operation) -> TokenStream {
    let mut docs = operation.docs.clone();
    docs.push(format!("`{} {}`", operation.http_method, operation.path));
    if let Some(stream) = operation.stream_name() {
        docs.push(match &operation.success.stream.as_ref().map(|s| &s.kind) {
            Some(StreamKind::Events(_)) => {
                format!("[`Client::{stream}`] asks for the response as an event stream and yields the events as they arrive.")
            }
            _ => format!("[`Client::{stream}`] returns the body as a stream of chunks instead, for large downloads."),
        });
    }
    if let ResponseKind::Events(_) = &operation.success.kind {
        docs.push(events_doc());
    }
    docs.push(errors_doc(operation));
    doc_attrs(&docs)
}

/// The main method of an operation whose only response is an event stream: it returns the stream.
fn event_stream_method(operation: &Operation, parts: &MethodParts, data: &EventData) -> TokenStream {
    let name = ident(&operation.method_name);
    let docs = main_method_docs(operation);
    let MethodParts { args, deprecated, .. } = parts;
    let error = parts.error();
    let request = build_request(operation, parts, Some(quote! { .header("accept", "text/event-stream") }));
    let (item, send) = event_item(data);
    let stream_generics = parts.generics(Some(item));
    quote! {
        #docs
        #deprecated
        pub async fn #name(&self, #(#args),*) -> Result<EventStream #stream_generics, #error> {
            #request
            self.core.#send(request).await
        }
    }
}

/// The body a success response is read as.
fn success_type(operation: &Operation) -> TokenStream {
    match &operation.success.kind {
        ResponseKind::Json(ty) => type_tokens(ty, true),
        ResponseKind::Text => quote! { String },
        ResponseKind::Bytes => quote! { client_runtime::Bytes },
        ResponseKind::Empty | ResponseKind::Events(_) => quote! { () },
    }
}

/// The main method: calls `<name>_with_response` and keeps the body.
fn main_method(operation: &Operation, parts: &MethodParts) -> TokenStream {
    let name = ident(&operation.method_name);
    let raw_name = format_ident!("{}", operation.with_response_name().unwrap_or_default());
    let docs = main_method_docs(operation);
    let MethodParts { args, arg_names, deprecated, .. } = parts;
    let error = parts.error();
    let success = success_type(operation);
    let allow_deprecated = operation.deprecated.then(|| quote! { #[allow(deprecated)] });
    let forward = if operation.success.kind != ResponseKind::Empty {
        quote! {
            #allow_deprecated
            let response = self.#raw_name(#(#arg_names),*).await?;
            Ok(response.into_body())
        }
    } else {
        quote! {
            #allow_deprecated
            self.#raw_name(#(#arg_names),*).await?;
            Ok(())
        }
    };
    quote! {
        #docs
        #deprecated
        pub async fn #name(&self, #(#args),*) -> Result<#success, #error> {
            #forward
        }
    }
}

/// `<name>_with_response`: sends the request, and returns the body with the status and headers
/// (and the documented headers, typed, when there are any).
fn with_response_method(operation: &Operation, parts: &MethodParts) -> TokenStream {
    let raw_name = format_ident!("{}", operation.with_response_name().unwrap_or_default());
    let MethodParts { args, deprecated, .. } = parts;
    let error = parts.error();
    let success = success_type(operation);
    let mut raw_docs = vec![format!(
        "Like [`Client::{}`], and also returns the response status and headers.",
        naming::unraw(&operation.method_name)
    )];
    let (response_type, typed_headers) = match &operation.success.headers {
        Some(headers) => {
            raw_docs.push(format!(
                "[`ApiResponse::typed_headers`] reads the documented headers into a [`types::{headers}`]."
            ));
            let headers = format_ident!("{}", headers);
            (quote! { ApiResponse<#success, types::#headers> }, Some(quote! { .map(ApiResponse::with_typed_headers) }))
        }
        None => (quote! { ApiResponse<#success> }, None),
    };
    let raw_docs = doc_attrs(&raw_docs);
    let request = build_request(operation, parts, None);
    let send = match &operation.success.kind {
        ResponseKind::Json(_) => quote! { send },
        ResponseKind::Text => quote! { send_text },
        ResponseKind::Bytes => quote! { send_bytes },
        ResponseKind::Empty | ResponseKind::Events(_) => quote! { send_no_content },
    };
    quote! {
        #raw_docs
        #deprecated
        pub async fn #raw_name(&self, #(#args),*) -> Result<#response_type, #error> {
            #request
            self.core.#send(request).await #typed_headers
        }
    }
}

/// `<name>_stream`: the body as it arrives, as byte chunks or as events.
fn stream_method(operation: &Operation, parts: &MethodParts, stream: &StreamMethod) -> TokenStream {
    let stream_name = format_ident!("{}", operation.stream_name().unwrap_or_default());
    let main = naming::unraw(&operation.method_name);
    let MethodParts { args, deprecated, .. } = parts;
    let error = parts.error();
    let (returns, request, send, mut stream_docs) = match &stream.kind {
        StreamKind::Bytes => (
            {
                let generics = parts.generics(None);
                quote! { ByteStream #generics }
            },
            build_request(operation, parts, None),
            quote! { send_stream },
            vec![
                format!("Like [`Client::{main}`], but returns the body as it arrives, as a stream of byte chunks."),
                "The status and headers are available before the body is read; `collect_bytes` reads the rest into one buffer.".to_owned(),
            ],
        ),
        StreamKind::Events(data) => {
            let (item, send) = event_item(data);
            let mut docs = vec![format!(
                "Like [`Client::{main}`], but asks for the response as a `text/event-stream` and yields its events as they arrive."
            )];
            let mut request = build_request(operation, parts, Some(quote! { .header("accept", "text/event-stream") }));
            if let (Some(flag), Some(BodyKind::Json(ty))) = (&stream.flag, operation.body.as_ref().map(|b| &b.kind)) {
                let field = ident(&flag.rust_name);
                let ty = type_tokens(ty, true);
                let value = match flag.wrapper {
                    Wrapper::Bare => quote! { true },
                    Wrapper::Option => quote! { Some(true) },
                    Wrapper::Nullable => quote! { client_runtime::Nullable::Value(true) },
                };
                docs.push(format!("It sends the body with `{}` set to `true`, whatever the value given.", naming::unraw(&flag.rust_name)));
                request = quote! {
                    let body = &#ty { #field: #value, ..body.clone() };
                    #request
                };
            }
            docs.push(events_doc());
            let generics = parts.generics(Some(item));
            (quote! { EventStream #generics }, request, send, docs)
        }
    };
    stream_docs.push(errors_doc(operation));
    let stream_docs = doc_attrs(&stream_docs);
    quote! {
        #stream_docs
        #deprecated
        pub async fn #stream_name(&self, #(#args),*) -> Result<#returns, #error> {
            #request
            self.core.#send(request).await
        }
    }
}

/// The item type of an event stream and the runtime call that reads it.
fn event_item(data: &EventData) -> (TokenStream, TokenStream) {
    match data {
        EventData::Json(ty) => (type_tokens(ty, true), quote! { send_events }),
        EventData::Raw => (quote! { ServerEvent }, quote! { send_raw_events }),
    }
}

fn events_doc() -> String {
    "Events without data are skipped, and an event whose data is `[DONE]` ends the stream. An event that does not decode is an [`Error::Decode`] item and the stream goes on; a broken connection is an [`Error::Transport`] item and ends it. Retries and the timeout cover the wait for the response headers only.".to_owned()
}

/// The `# Errors` section of an operation's methods.
fn errors_doc(operation: &Operation) -> String {
    let mut errors_doc = String::from("# Errors\n\n");
    match &operation.errors_type {
        Some(errors) => errors_doc.push_str(&format!(
            "[`Error::Api`] with a [`types::{errors}`] body for each documented error status; [`Error::Api`] without a typed body for any other; "
        )),
        None => errors_doc.push_str("[`Error::Api`] for any error status; "),
    }
    errors_doc
        .push_str("[`Error::Transport`], [`Error::Timeout`] or [`Error::Decode`] when no usable response arrives");
    if operation.path_params.iter().chain(&operation.params).any(|p| p.bounds != Default::default()) {
        errors_doc.push_str(
            "; [`Error::InvalidRequest`], before anything is sent, when a parameter is out of its documented range",
        );
    }
    errors_doc.push('.');
    errors_doc
}

/// The request builder call that attaches one credential.
fn auth_call(auth_use: &AuthUse, api: &Api) -> TokenStream {
    let how = match &auth_use.scheme {
        AuthScheme::Header(name) => quote! { Auth::Header(#name) },
        AuthScheme::Query(name) => quote! { Auth::Query(#name) },
        AuthScheme::Bearer => quote! { Auth::Bearer },
        AuthScheme::Basic => quote! { Auth::Basic },
        AuthScheme::Cookie(name) => quote! { Auth::Cookie(#name) },
    };
    match &auth_use.credential {
        CredentialRef::ApiKey => quote! { .auth(#how) },
        CredentialRef::Named(scheme) => {
            let credential = api.credentials.iter().find(|c| &c.scheme == scheme);
            let constant = format_ident!("{}", credential.map_or("MISSING_CREDENTIAL", |c| c.const_name.as_str()));
            quote! { .credential(credentials::#constant, #how) }
        }
    }
}

/// The statements that check the arguments and bind `request`, ready to send.
fn build_request(operation: &Operation, parts: &MethodParts, extra: Option<TokenStream>) -> TokenStream {
    let checks = operation.path_params.iter().chain(&operation.params).flat_map(bound_checks);
    let method = format_ident!("{}", operation.http_method.as_str());
    let path = &operation.path;
    let path_params = operation.path_params.iter().map(|param| {
        let wire = &param.wire_name;
        let name = ident(&param.rust_name);
        quote! { .path_param(#wire, #name) }
    });
    let auth = &parts.auth;
    let params = operation.params.iter().map(param_call);
    let body_call = |body: &Body| match &body.kind {
        BodyKind::Json(_) => quote! { .json(body) },
        BodyKind::Form(_) => quote! { .form(body) },
        BodyKind::Multipart(_) => quote! { .multipart(body.to_multipart()) },
        BodyKind::Text(content_type) if body.required => quote! { .bytes(#content_type, Into::<String>::into(body)) },
        BodyKind::Text(content_type) => quote! { .bytes(#content_type, body) },
        BodyKind::Bytes(content_type) => quote! { .bytes(#content_type, body) },
    };
    let body = operation.body.as_ref().filter(|b| b.required).map(body_call);
    let optional_body = operation.body.as_ref().filter(|b| !b.required).map(|body| {
        let call = body_call(body);
        quote! {
            if let Some(body) = body {
                request = request #call;
            }
        }
    });
    let binding = if optional_body.is_some() {
        quote! { let mut request }
    } else {
        quote! { let request }
    };
    quote! {
        #(#checks)*
        #binding = Request::new(Method::#method, #path)
            #(#path_params)*
            #(#auth)*
            #(#params)*
            #extra
            #body;
        #optional_body
    }
}

/// The builder call that adds one query or header parameter.
fn param_call(param: &Param) -> TokenStream {
    let wire = &param.wire_name;
    let name = ident(&param.rust_name);
    let is_array = matches!(param.ty, TypeRef::Array(_));
    let value = if param.ty.is_copy() {
        quote! { params.#name }
    } else {
        quote! { &params.#name }
    };
    match param.encoding {
        ParamEncoding::DeepObject => return quote! { .query_serialized(#wire, &params.#name) },
        ParamEncoding::Json => {
            let method = match param.location {
                ParamLocation::Header => quote! { header_json },
                _ => quote! { query_json },
            };
            return if param.required {
                quote! { .#method(#wire, Some(&params.#name)) }
            } else {
                quote! { .#method(#wire, params.#name.as_ref()) }
            };
        }
        ParamEncoding::Plain => {}
    }
    match (param.location, param.required, is_array) {
        (ParamLocation::Query, true, true) => quote! { .query_each(#wire, &params.#name) },
        (ParamLocation::Query, false, true) => quote! { .query_each(#wire, params.#name.iter().flatten()) },
        (ParamLocation::Query, true, false) => quote! { .query(#wire, #value) },
        (ParamLocation::Query, false, false) => quote! { .query_opt(#wire, params.#name.as_ref()) },
        (ParamLocation::Header, true, true) => quote! { .header_list(#wire, &params.#name) },
        (ParamLocation::Header, false, true) => quote! { .header_list(#wire, params.#name.iter().flatten()) },
        (ParamLocation::Header, true, false) => quote! { .header(#wire, #value) },
        (ParamLocation::Header, false, false) => quote! { .header_opt(#wire, params.#name.as_ref()) },
        (ParamLocation::Path, _, _) => TokenStream::new(),
    }
}

/// Checks of a parameter's documented bounds, run before the request is built.
fn bound_checks(param: &Param) -> Option<TokenStream> {
    let wire = &param.wire_name;
    let name = ident(&param.rust_name);
    let is_float = matches!(param.ty, TypeRef::Float(_));
    let source = if param.location == ParamLocation::Path {
        quote! { #name }
    } else {
        quote! { params.#name }
    };
    let value = if param.required {
        source.clone()
    } else {
        quote! { value }
    };
    let checks: Vec<TokenStream> =
        [(param.bounds.minimum, quote! { check_minimum }), (param.bounds.maximum, quote! { check_maximum })]
            .into_iter()
            .filter_map(|(bound, check)| {
                let Bound { limit, exclusive } = bound?;
                let limit = number_literal(limit, is_float);
                Some(quote! { client_runtime::__private::#check(#wire, #value, #limit, #exclusive)?; })
            })
            .collect();
    if checks.is_empty() {
        return None;
    }
    Some(if param.required {
        quote! { #(#checks)* }
    } else {
        quote! {
            if let Some(value) = #source {
                #(#checks)*
            }
        }
    })
}
