//! The runtime that typed async API clients generated from OpenAPI specs share: HTTP, auth,
//! timeouts, retries, typed errors and secrets, written once instead of once per API.
//!
//! A generated crate stays thin: it describes each operation (method, path, parameters, body,
//! auth and documented error bodies) as a [`Request`] and hands it to [`ClientCore`], which
//! builds the URL, attaches the credentials as sensitive headers, applies the timeout, retries
//! with backoff under a [`RetryPolicy`] that does not repeat a request the server may have
//! acted on (unless the API takes idempotency keys), and decodes the success body or the
//! operation's documented error body into an [`Error`]. API keys and minted tokens are
//! [`Secret`]s, which keep themselves out of `Debug` output, logs and error messages.
//!
//! # Who uses this crate
//!
//! Users of a generated client rarely depend on this crate directly: each generated crate
//! re-exports what its callers need (`simli::Error`, `simli::Secret`, `simli::RetryPolicy`,
//! ...), and its `Client::builder()` returns this crate's [`ClientBuilder`]. A generated crate's
//! `Cargo.toml` names this crate as `client-runtime`, by path, git revision or version: see the
//! generator's `cargo xtask generate --runtime`.
//!
//! The types that only generated code needs ([`ClientCore`], [`Request`], [`ProviderInfo`],
//! [`FromClientCore`], [`ErrorBody`]) are public so that a client can be written by hand, too:
//!
//! ```no_run
//! use client_runtime::{
//!     Auth, ClientBuilder, ClientCore, Error, FromClientCore, Method, ProviderInfo, Request,
//! };
//!
//! static PROVIDER: ProviderInfo = ProviderInfo {
//!     name: "Example",
//!     user_agent: concat!("example-client/", env!("CARGO_PKG_VERSION")),
//!     default_base_url: Some("https://api.example.com/"),
//!     api_key_env: "EXAMPLE_API_KEY",
//!     base_url_env: "EXAMPLE_BASE_URL",
//!     requires_api_key: true,
//!     idempotency_header: None,
//!     credentials: &[],
//! };
//!
//! #[derive(Debug, Clone)]
//! struct Client {
//!     core: ClientCore,
//! }
//!
//! impl FromClientCore for Client {
//!     fn from_client_core(core: ClientCore) -> Self {
//!         Self { core }
//!     }
//! }
//!
//! impl Client {
//!     fn builder() -> ClientBuilder<Self> {
//!         ClientBuilder::new(&PROVIDER)
//!     }
//!
//!     /// `GET /status`, with the key as a bearer token; a JSON body of any shape.
//!     async fn status(&self) -> Result<serde_json::Value, Error> {
//!         let request = Request::new(Method::GET, "/status").auth(Auth::Bearer);
//!         Ok(self.core.send(request).await?.into_body())
//!     }
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder().from_env().build()?;
//! println!("{}", client.status().await?);
//! # Ok(())
//! # }
//! ```
//!
//! # Feature flags
//!
//! TLS, one of three (generated crates forward each under the same name):
//!
//! - `rustls-ring` (on by default): rustls with the *ring* crypto provider, checking certificates
//!   with the platform's verifier (the system's trusted roots). The rustls configuration is built
//!   here and handed to reqwest, so no process-wide crypto provider is installed; one that the
//!   program installed itself is used instead of *ring*.
//! - `rustls-aws-lc`: rustls with aws-lc-rs (reqwest's `rustls` feature), FIPS-capable, at the
//!   cost of building the aws-lc-sys C library (most of a cold build of a small client).
//! - `native-tls`: the platform's TLS library, OpenSSL on Linux (its development headers are
//!   needed to build), Secure Transport on macOS, SChannel on Windows.
//!
//! With more than one on, `native-tls` is used over `rustls-aws-lc`, and `rustls-aws-lc` over
//! `rustls-ring` ([`TlsBackend::selected`] tells which); with none, this crate does not compile.
//! [`ClientBuilder::root_certificates_pem`] adds trusted roots under any of them.
//!
//! - `token` (off by default): [`MintToken`], one interface over APIs that mint short-lived
//!   tokens for browsers and devices (the [`token`] module). Generated crates whose settings
//!   describe a token operation turn it on.
//! - `tracing` (off by default): one [`tracing`](https://docs.rs/tracing) span per request
//!   attempt, with the provider, method, path template, attempt number and status. Generated
//!   crates forward it as their own `tracing` feature.
//!
//! # Minimum supported Rust version
//!
//! Rust 1.88 or newer, as `rust-version` in the manifest says.

mod body;
mod builder;
mod core;
mod de;
mod error;
mod nullable;
mod provider;
mod request;
mod response;
mod retry;
mod secret;
mod stream;
mod tls;
#[cfg(feature = "token")]
pub mod token;

pub use crate::body::{FilePart, Multipart};
pub use crate::builder::{ClientBuilder, ConfigError};
pub use crate::core::{ClientCore, FromClientCore};
pub use crate::de::{FromJson, Json, JsonError};
pub use crate::error::{ApiError, DecodeError, Error, ErrorBody, InvalidRequest, NoErrorBody};
pub use crate::nullable::Nullable;
pub use crate::provider::{Credential, ProviderInfo};
pub use crate::request::{Auth, Request};
pub use crate::response::{ApiResponse, FromHeaders};
pub use crate::retry::RetryPolicy;
pub use crate::secret::Secret;
pub use crate::stream::{ByteStream, DONE, EventStream, ServerEvent};
pub use crate::tls::{TlsBackend, http_client_builder};
#[cfg(feature = "token")]
pub use crate::token::{MintError, MintToken, ShortLivedToken, TokenRequest};

/// Re-exported so generated code and users name the same types.
pub use bytes::Bytes;
/// The `Stream` trait that [`ByteStream`] and [`EventStream`] implement; read them with
/// `futures::StreamExt` (or any other stream combinators built on `futures-core`).
pub use futures_core::Stream;
/// The HTTP client underneath, re-exported so a caller-supplied `reqwest::Client` has the right
/// version: `Client::builder().http_client(client_runtime::http_client_builder()?.build()?)`.
pub use reqwest;
pub use reqwest::{Method, StatusCode, Url, header};

/// Items used by generated code only. Not part of the public API; may change at any time.
#[doc(hidden)]
pub mod __private {
    /// Decoding building blocks of generated types.
    pub mod de {
        pub use crate::de::{Fields, FromJson, Json, JsonError, Kind, deserialize, no_variant, position, text};
    }
    pub use crate::error::{check_maximum, check_minimum, decode_error_body};
    pub use crate::request::encode_path_segment;
    pub use crate::response::header_value;
    pub use serde;
    pub use serde_json;
}
