//! [`ProviderInfo`]: what a generated crate tells the runtime about its API. A leaf module: it
//! depends on nothing else in the crate, so the builder and the core can both use it.

/// What a generated crate tells the runtime about its API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderInfo {
    /// The API's name for messages, such as `Simli`.
    pub name: &'static str,
    /// Sent as `User-Agent`: `<crate>/<version>`.
    pub user_agent: &'static str,
    /// The base URL used when none is configured; `None` when the spec names no server, so the
    /// user must configure one.
    pub default_base_url: Option<&'static str>,
    /// The environment variable [`crate::ClientBuilder::from_env`] reads the API key from.
    pub api_key_env: &'static str,
    /// The environment variable [`crate::ClientBuilder::from_env`] reads an optional base URL
    /// from.
    pub base_url_env: &'static str,
    /// Whether any operation needs the API key. When none does, a client builds without one.
    pub requires_api_key: bool,
    /// The header the API reads an idempotency key from (such as `Idempotency-Key`), when it
    /// has one. Each call whose method is not idempotent then carries a fresh key in it, and is
    /// retried as fully as a GET: see [`crate::RetryPolicy`].
    pub idempotency_header: Option<&'static str>,
    /// The credentials other than the API key, for APIs whose operations send several at once
    /// (a client id and a secret, say). Empty for most APIs.
    pub credentials: &'static [Credential],
}

/// A credential other than the API key: one security scheme of a requirement that combines
/// several, such as a client id header sent together with a secret header. A generated crate
/// declares one constant per credential in its `credentials` module; pass it to
/// [`crate::ClientBuilder::credential`] with the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credential {
    /// The security scheme's name in the spec, such as `clientId`; messages use it.
    pub name: &'static str,
    /// The environment variable [`crate::ClientBuilder::from_env`] reads it from.
    pub env: &'static str,
    /// Whether every operation that authenticates sends it, so that a client is useless without
    /// it: building one then fails when it is missing. Otherwise only the operations that need
    /// it fail, before sending anything.
    pub required: bool,
}
