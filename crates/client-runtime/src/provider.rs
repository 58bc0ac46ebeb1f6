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
}
