//! [`ClientBuilder`]: turns an API key, a base URL and options into a ready client, checking every
//! one of them up front so a bad key or URL fails at construction, not at the first call.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use rustls_pki_types::CertificateDer;

use crate::core::{ClientCore, CoreConfig, FromClientCore};
use crate::provider::{Credential, ProviderInfo};
use crate::retry::RetryPolicy;
use crate::secret::Secret;

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `from_env` found no API key in the environment.
    #[error("environment variable {var} is not set; it should hold your {provider} API key")]
    MissingEnvVar {
        /// The variable that was read.
        var: &'static str,
        /// The API it is for.
        provider: &'static str,
    },
    /// An environment variable is set but is not valid Unicode.
    #[error("environment variable {var} is not valid Unicode")]
    EnvVarNotUnicode {
        /// The variable that was read.
        var: &'static str,
    },
    /// The API needs a key and none was given.
    #[error("no {provider} API key was given: pass one to the builder's `api_key`, or set {var} and use `from_env`")]
    MissingApiKey {
        /// The variable `from_env` reads.
        var: &'static str,
        /// The API it is for.
        provider: &'static str,
    },
    /// The API key cannot be sent as given. The key itself is never part of the message.
    #[error("the {provider} API key is malformed: {reason}")]
    InvalidApiKey {
        /// The API it is for.
        provider: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An operation of every kind the API offers needs this credential, and none was given.
    #[error(
        "no {provider} credential `{name}` was given: pass it to the builder's `credential`, or set {var} and use `from_env`"
    )]
    MissingCredential {
        /// The credential's name (its security scheme in the spec).
        name: &'static str,
        /// The variable `from_env` reads.
        var: &'static str,
        /// The API it is for.
        provider: &'static str,
    },
    /// A credential cannot be sent as given. The value itself is never part of the message.
    #[error("the {provider} credential `{name}` is malformed: {reason}")]
    InvalidCredential {
        /// The credential's name.
        name: &'static str,
        /// The API it is for.
        provider: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A credential of another API was given (a constant from another generated crate).
    #[error("the {provider} API has no credential `{name}`")]
    UnknownCredential {
        /// The credential's name.
        name: &'static str,
        /// The API the builder is for.
        provider: &'static str,
    },
    /// The spec names no server and no base URL was given.
    #[error(
        "the {provider} spec names no server, so a base URL is needed: pass one to the builder's `base_url`, or set {var} and use `from_env`"
    )]
    MissingBaseUrl {
        /// The variable `from_env` reads.
        var: &'static str,
        /// The API it is for.
        provider: &'static str,
    },
    /// The base URL cannot be used.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A default header has an invalid name or value.
    #[error("invalid default header {name:?}: {reason}")]
    InvalidHeader {
        /// The header name as given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The provider's idempotency header is not a valid header name (a hand-written
    /// [`ProviderInfo`]; generated crates are checked when they are generated).
    #[error("the {provider} idempotency header {name:?} is not a valid header name")]
    InvalidIdempotencyHeader {
        /// The header name as given.
        name: &'static str,
        /// The API it is for.
        provider: &'static str,
    },
    /// reqwest could not build its client (for example, no TLS roots could be loaded).
    #[error("could not build the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
    /// A root certificate given to [`ClientBuilder::root_certificates_pem`] or
    /// [`ClientBuilder::root_certificate_der`] cannot be read.
    #[error("invalid root certificate: {reason}")]
    InvalidRootCertificate {
        /// What is wrong with it.
        reason: String,
    },
    /// The TLS backend could not be set up (under rustls: no trusted root certificates could be
    /// loaded from the system, and none were given).
    #[error("could not set up TLS ({backend}): {reason}")]
    Tls {
        /// The Cargo feature of the backend in use (see [`crate::TlsBackend`]).
        backend: &'static str,
        /// What went wrong.
        reason: String,
    },
}

/// Configures and builds a generated client: `simli::Client::builder().api_key(key).build()?`.
///
/// The defaults: the provider's default base URL, a timeout of 60 s per attempt, a connect
/// timeout of 10 s, no read timeout, no extra headers, and [`RetryPolicy::default`] (whose
/// documentation says which failures are retried). TLS is the backend this crate's features
/// chose ([`crate::TlsBackend`]), trusting the system's root certificates and any added with
/// [`ClientBuilder::root_certificates_pem`].
pub struct ClientBuilder<C> {
    provider: &'static ProviderInfo,
    api_key: Option<Secret>,
    credentials: Vec<(&'static str, Secret)>,
    base_url: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    read_timeout: Option<Duration>,
    retry: RetryPolicy,
    default_headers: HeaderMap,
    root_certificates: Vec<CertificateDer<'static>>,
    http_client: Option<reqwest::Client>,
    deferred_error: Option<ConfigError>,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("provider", &self.provider.name)
            .field("api_key", &self.api_key)
            .field("credentials", &self.credentials)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("read_timeout", &self.read_timeout)
            .field("retry", &self.retry)
            .field("default_headers", &self.default_headers.keys().collect::<Vec<_>>())
            .field("root_certificates", &self.root_certificates.len())
            .finish_non_exhaustive()
    }
}

// The defaults are stated once, in the docs of `ClientBuilder`; change them together.
/// The timeout of each attempt unless configured otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl<C: FromClientCore> ClientBuilder<C> {
    /// A builder with the defaults listed on [`ClientBuilder`].
    pub fn new(provider: &'static ProviderInfo) -> Self {
        Self {
            provider,
            api_key: None,
            credentials: Vec::new(),
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: None,
            retry: RetryPolicy::default(),
            default_headers: HeaderMap::new(),
            root_certificates: Vec::new(),
            http_client: None,
            deferred_error: None,
            client: PhantomData,
        }
    }

    /// Sets the API key.
    #[must_use]
    pub fn api_key(mut self, api_key: impl Into<Secret>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// Sets one of the API's credentials other than the API key (see
    /// [`crate::Credential`]); the generated crate's `credentials` module names them. Setting
    /// one twice keeps the last value.
    #[must_use]
    pub fn credential(mut self, credential: Credential, value: impl Into<Secret>) -> Self {
        self.credentials.retain(|(name, _)| *name != credential.name);
        self.credentials.push((credential.name, value.into()));
        self
    }

    /// Reads the API key from the provider's key variable (such as `SIMLI_API_KEY`), each other
    /// credential from its own variable, and the base URL from its base-URL variable (such as
    /// `SIMLI_BASE_URL`) when that is set. A missing key or required credential is reported by
    /// [`ClientBuilder::build`].
    #[must_use]
    pub fn from_env(mut self) -> Self {
        let provider = self.provider;
        match read_env(provider.api_key_env) {
            Ok(Some(key)) => self.api_key = Some(Secret::new(key)),
            Ok(None) if provider.requires_api_key => {
                self.defer(ConfigError::MissingEnvVar { var: provider.api_key_env, provider: provider.name });
            }
            Ok(None) => {}
            Err(error) => self.defer(error),
        }
        for credential in provider.credentials {
            match read_env(credential.env) {
                Ok(Some(value)) => self = self.credential(*credential, value),
                Ok(None) if credential.required => {
                    self.defer(ConfigError::MissingEnvVar { var: credential.env, provider: provider.name });
                }
                Ok(None) => {}
                Err(error) => self.defer(error),
            }
        }
        match read_env(self.provider.base_url_env) {
            Ok(Some(url)) => self.base_url = Some(url),
            Ok(None) => {}
            Err(error) => self.defer(error),
        }
        self
    }

    /// Sets the base URL that operation paths are appended to.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Sets the timeout of each attempt, from connecting until the whole body has arrived.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the connect timeout. Ignored when a caller-supplied `reqwest::Client` is used.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the longest wait for the next bytes of a response once it has started, off by
    /// default. It is the idle timeout of event streams and downloads, which the per-attempt
    /// timeout does not cover; a stalled stream then ends with an [`crate::Error::Transport`]
    /// item. Ignored when a caller-supplied `reqwest::Client` is used.
    #[must_use]
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// Sets the retry policy; [`RetryPolicy::none`] turns retries off.
    #[must_use]
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets how many times a failed request is retried, keeping the other retry settings.
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry = self.retry.max_retries(max_retries);
        self
    }

    /// Adds a header sent with every request.
    #[must_use]
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        let parsed_name = HeaderName::from_bytes(name.as_bytes());
        let parsed_value = HeaderValue::from_str(value);
        match (parsed_name, parsed_value) {
            (Ok(name), Ok(value)) => {
                self.default_headers.append(name, value);
            }
            (Err(_), _) => {
                self.defer(ConfigError::InvalidHeader { name: name.to_owned(), reason: "not a valid header name" })
            }
            (_, Err(_)) => {
                self.defer(ConfigError::InvalidHeader { name: name.to_owned(), reason: "not a valid header value" })
            }
        }
        self
    }

    /// Trusts the certificates of a PEM bundle (`-----BEGIN CERTIFICATE-----` blocks) as root
    /// certificates, beside the system's: a private CA, or a test server's self-signed
    /// certificate. Ignored when a caller-supplied `reqwest::Client` is used.
    #[must_use]
    pub fn root_certificates_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        match crate::tls::parse_pem_certificates(pem.as_ref()) {
            Ok(certificates) => self.root_certificates.extend(certificates),
            Err(error) => self.defer(error),
        }
        self
    }

    /// Trusts one DER-encoded certificate as a root certificate, beside the system's. Ignored
    /// when a caller-supplied `reqwest::Client` is used.
    #[must_use]
    pub fn root_certificate_der(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(CertificateDer::from(der.into()));
        self
    }

    /// Uses a caller-supplied `reqwest::Client` (for proxies or connection pool settings).
    /// Timeouts and retries are still applied per request. Build it from
    /// [`crate::http_client_builder`], which sets up TLS as this crate's features chose: under
    /// the default `rustls-ring` feature a plain `reqwest::Client::builder()` has no crypto
    /// provider and panics when it builds (unless the program installed a process-wide one).
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<C, ConfigError> {
        if let Some(error) = self.deferred_error {
            return Err(error);
        }
        let provider = self.provider;
        if let Some(key) = &self.api_key {
            check_value(key).map_err(|reason| ConfigError::InvalidApiKey { provider: provider.name, reason })?;
        } else if provider.requires_api_key {
            return Err(ConfigError::MissingApiKey { var: provider.api_key_env, provider: provider.name });
        }
        for (name, value) in &self.credentials {
            if !provider.credentials.iter().any(|c| c.name == *name) {
                return Err(ConfigError::UnknownCredential { name, provider: provider.name });
            }
            check_value(value).map_err(|reason| ConfigError::InvalidCredential {
                name,
                provider: provider.name,
                reason,
            })?;
        }
        if let Some(missing) = provider
            .credentials
            .iter()
            .find(|c| c.required && !self.credentials.iter().any(|(name, _)| *name == c.name))
        {
            return Err(ConfigError::MissingCredential {
                name: missing.name,
                var: missing.env,
                provider: provider.name,
            });
        }
        let Some(base_url) = self.base_url.as_deref().or(provider.default_base_url) else {
            return Err(ConfigError::MissingBaseUrl { var: provider.base_url_env, provider: provider.name });
        };
        // Parsed once here, so that each request only sets the path on a copy.
        let base = parse_base_url(base_url)?;
        let idempotency_header = provider
            .idempotency_header
            .map(|name| {
                HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| ConfigError::InvalidIdempotencyHeader { name, provider: provider.name })
            })
            .transpose()?;
        let http = match self.http_client {
            Some(client) => client,
            None => {
                let builder = crate::tls::configure(reqwest::Client::builder(), &self.root_certificates)?;
                let mut builder = builder.connect_timeout(self.connect_timeout);
                if let Some(timeout) = self.read_timeout {
                    builder = builder.read_timeout(timeout);
                }
                builder.build().map_err(ConfigError::HttpClient)?
            }
        };
        Ok(C::from_client_core(ClientCore::new(CoreConfig {
            http,
            base,
            api_key: self.api_key,
            credentials: self.credentials,
            default_headers: self.default_headers,
            retry: self.retry,
            idempotency_header,
            timeout: self.timeout,
            provider,
        })))
    }

    fn defer(&mut self, error: ConfigError) {
        self.deferred_error.get_or_insert(error);
    }
}

fn read_env(var: &'static str) -> Result<Option<String>, ConfigError> {
    match std::env::var(var) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::EnvVarNotUnicode { var }),
    }
}

/// Why a key or credential cannot be sent, if it cannot.
fn check_value(value: &Secret) -> Result<(), &'static str> {
    let key = value.expose_secret();
    let reason = if key.is_empty() {
        "it is empty"
    } else if key.trim() != key {
        "it starts or ends with whitespace (a stray newline from a file or shell?)"
    } else if HeaderValue::from_str(key).is_err() {
        "it holds characters that cannot be sent in an HTTP header"
    } else {
        return Ok(());
    };
    Err(reason)
}

/// Parses and checks a base URL: http or https, without a query or a fragment.
fn parse_base_url(raw: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidBaseUrl { url: raw.to_owned(), reason };
    let url = Url::parse(raw).map_err(|error| invalid(error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!("the scheme must be http or https, not {}", url.scheme())));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL cannot have a query or a fragment".to_owned()));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_lose_their_trailing_slash() {
        let shown = |raw: &str| crate::core::base_url_text(&parse_base_url(raw).unwrap()).to_owned();
        assert_eq!(shown("https://api.simli.ai/"), "https://api.simli.ai");
        assert_eq!(shown("http://127.0.0.1:8080/v1/"), "http://127.0.0.1:8080/v1");
        assert!(parse_base_url("ftp://x").is_err());
        assert!(parse_base_url("not a url").is_err());
        assert!(parse_base_url("https://x/?q=1").is_err());
    }

    #[derive(Debug)]
    struct Core(#[allow(dead_code)] ClientCore);

    impl FromClientCore for Core {
        fn from_client_core(core: ClientCore) -> Self {
            Self(core)
        }
    }

    fn provider(idempotency_header: Option<&'static str>) -> &'static ProviderInfo {
        Box::leak(Box::new(ProviderInfo {
            name: "Test",
            user_agent: "test/1.0",
            default_base_url: Some("https://api.test.example"),
            api_key_env: "TEST_API_KEY",
            base_url_env: "TEST_BASE_URL",
            requires_api_key: false,
            idempotency_header,
            credentials: &[],
        }))
    }

    #[test]
    fn the_idempotency_header_must_be_a_header_name() {
        ClientBuilder::<Core>::new(provider(Some("Idempotency-Key"))).build().unwrap();
        let error = ClientBuilder::<Core>::new(provider(Some("Idempotency Key"))).build().unwrap_err();
        assert!(matches!(error, ConfigError::InvalidIdempotencyHeader { name: "Idempotency Key", .. }), "{error:?}");
        assert_eq!(error.to_string(), "the Test idempotency header \"Idempotency Key\" is not a valid header name");
    }
}
