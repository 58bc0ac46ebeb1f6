//! The runtime every generated API client in this workspace shares.
//!
//! Generated crates stay thin: they describe operations (method, path, parameters, body, auth and
//! documented error bodies) and hand them to [`ClientCore`], which owns everything that should be
//! written and fixed exactly once: building URLs, attaching credentials as sensitive headers,
//! timeouts, retries with backoff, decoding success and error bodies, and keeping secrets out of
//! `Debug` output and error messages.
//!
//! Users of a generated crate normally reach these types through that crate's re-exports
//! (`simli::Error`, `simli::Secret`, ...), so they never need to depend on this crate directly.

mod body;
mod builder;
mod core;
mod error;
mod provider;
mod request;
mod response;
mod retry;
mod secret;
mod stream;

pub use crate::body::{FilePart, Multipart};
pub use crate::builder::{ClientBuilder, ConfigError};
pub use crate::core::{ClientCore, FromClientCore};
pub use crate::error::{ApiError, DecodeError, Error, ErrorBody, InvalidRequest, NoErrorBody};
pub use crate::provider::{Credential, ProviderInfo};
pub use crate::request::{Auth, Request};
pub use crate::response::{ApiResponse, FromHeaders};
pub use crate::retry::RetryPolicy;
pub use crate::secret::Secret;
pub use crate::stream::{ByteStream, DONE, EventStream, ServerEvent};

/// Re-exported so generated code and users name the same types.
pub use bytes::Bytes;
/// The `Stream` trait that [`ByteStream`] and [`EventStream`] implement; read them with
/// `futures::StreamExt` (or any other stream combinators built on `futures-core`).
pub use futures_core::Stream;
/// The HTTP client underneath, re-exported so a caller-supplied `reqwest::Client` has the right
/// version: `Client::builder().http_client(client_runtime::reqwest::Client::new())`.
pub use reqwest;
pub use reqwest::{Method, StatusCode, Url, header};

/// Items used by generated code only. Not part of the public API; may change at any time.
#[doc(hidden)]
pub mod __private {
    pub use crate::error::{check_maximum, check_minimum, decode_error_body};
    pub use crate::request::encode_path_segment;
    pub use crate::response::header_value;
    pub use serde;
    pub use serde_json;
}
