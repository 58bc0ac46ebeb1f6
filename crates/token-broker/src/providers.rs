//! The providers the broker can mint from, each a generated client behind one object-safe
//! interface, enabled by the presence of its `<PROVIDER>_API_KEY` variable.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

use client_runtime::token::LifetimeRule;
use client_runtime::{ConfigError, Error, MintError, MintToken, Secret, StatusCode, TokenRequest};

/// A minted token, ready to hand out.
pub struct Minted {
    /// The token.
    pub token: Secret,
    /// When it expires, when the vendor says.
    pub expires_at: Option<SystemTime>,
}

/// Why a provider could not mint, as the broker answers it: a status and a message that names
/// the provider and never holds a secret (no key, no token, no upstream body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The broker's answer status.
    pub status: StatusCode,
    /// What happened, for the browser and the log.
    pub message: String,
    /// The vendor's status, when it answered.
    pub upstream_status: Option<u16>,
}

type MintFuture<'a> = Pin<Box<dyn Future<Output = Result<Minted, Failure>> + Send + 'a>>;

/// One generated client, seen through `MintToken` without its typed answer.
trait Mint: Send + Sync {
    fn mint(&self, request: TokenRequest) -> MintFuture<'_>;
    fn rule(&self) -> LifetimeRule;
}

impl<C> Mint for C
where
    C: MintToken + Send + Sync,
{
    fn mint(&self, request: TokenRequest) -> MintFuture<'_> {
        let provider = self.provider();
        Box::pin(async move {
            match self.mint_token(&request).await {
                Ok(token) => Ok(Minted { token: token.token, expires_at: token.expires_at }),
                Err(error) => Err(failure(provider, &error)),
            }
        })
    }

    fn rule(&self) -> LifetimeRule {
        self.lifetime_rule()
    }
}

/// Maps a mint error to the broker's answer. Upstream bodies are not passed on: a vendor's
/// error message may quote what it was sent.
fn failure<E>(provider: &str, error: &MintError<E>) -> Failure {
    let (status, message, upstream_status) = match error {
        MintError::Lifetime(refused) => (StatusCode::BAD_REQUEST, refused.to_string(), None),
        MintError::Request(Error::Api(api)) => {
            let code = api.status.as_u16();
            let (status, what) = match code {
                429 => (StatusCode::SERVICE_UNAVAILABLE, "is rate-limiting this broker".to_owned()),
                503 => (StatusCode::SERVICE_UNAVAILABLE, "is unavailable".to_owned()),
                401 | 403 => (StatusCode::BAD_GATEWAY, "refused the broker's credentials".to_owned()),
                _ => (StatusCode::BAD_GATEWAY, "refused the token request".to_owned()),
            };
            (status, format!("{provider} {what} (HTTP {code})"), Some(code))
        }
        MintError::Request(Error::Timeout { .. }) => {
            (StatusCode::GATEWAY_TIMEOUT, format!("{provider} did not answer in time"), None)
        }
        MintError::Request(Error::Decode(decode)) => (
            StatusCode::BAD_GATEWAY,
            format!("{provider} answered with a body that does not match its API (at `{}`)", decode.path),
            Some(decode.status.as_u16()),
        ),
        MintError::Request(Error::Transport { .. }) => {
            (StatusCode::BAD_GATEWAY, format!("{provider} could not be reached"), None)
        }
        MintError::Response(missing) => (
            StatusCode::BAD_GATEWAY,
            format!("{provider} answered without a usable token (at `{}`)", missing.pointer),
            None,
        ),
        _ => (StatusCode::BAD_GATEWAY, format!("{provider} could not mint a token"), None),
    };
    Failure { status, message, upstream_status }
}

/// One enabled provider.
#[derive(Clone)]
pub struct Provider {
    /// The id in the broker's URLs (`decart`).
    pub id: &'static str,
    /// The display name (`Decart`).
    pub name: &'static str,
    client: Arc<dyn Mint>,
}

impl Provider {
    /// A provider from any client that mints tokens.
    pub fn new<C: MintToken + Send + Sync + 'static>(id: &'static str, client: C) -> Self {
        let name = client.provider();
        Self { id, name, client: Arc::new(client) }
    }

    /// Mints one token.
    ///
    /// # Errors
    ///
    /// The broker's answer for a refused lifetime or an upstream failure.
    pub async fn mint(&self, request: TokenRequest) -> Result<Minted, Failure> {
        self.client.mint(request).await
    }

    /// What the vendor allows for the lifetime.
    pub fn lifetime_rule(&self) -> LifetimeRule {
        self.client.rule()
    }
}

/// How to build one provider from the environment.
struct Known {
    id: &'static str,
    api_key_env: &'static str,
    from_env: fn() -> Result<Provider, ConfigError>,
}

/// Every provider the broker knows, in id order.
const KNOWN: [Known; 5] = [
    Known {
        id: "assemblyai",
        api_key_env: assemblyai::Client::API_KEY_ENV,
        from_env: || Ok(Provider::new("assemblyai", assemblyai::Client::from_env()?)),
    },
    Known {
        id: "decart",
        api_key_env: decart::Client::API_KEY_ENV,
        from_env: || Ok(Provider::new("decart", decart::Client::from_env()?)),
    },
    Known {
        id: "perplexity",
        api_key_env: perplexity::Client::API_KEY_ENV,
        from_env: || Ok(Provider::new("perplexity", perplexity::Client::from_env()?)),
    },
    Known {
        id: "simli",
        api_key_env: simli::Client::API_KEY_ENV,
        from_env: || Ok(Provider::new("simli", simli::Client::from_env()?)),
    },
    Known {
        id: "videodb",
        api_key_env: videodb::Client::API_KEY_ENV,
        from_env: || Ok(Provider::new("videodb", videodb::Client::from_env()?)),
    },
];

/// The ids of every provider the broker knows, and the variable that enables each.
pub fn known() -> impl Iterator<Item = (&'static str, &'static str)> {
    KNOWN.iter().map(|known| (known.id, known.api_key_env))
}

/// The providers whose `<PROVIDER>_API_KEY` is set (and not empty), each built by its client's
/// `from_env` (which also reads `<PROVIDER>_BASE_URL`).
///
/// # Errors
///
/// A provider whose variables are set but unusable (a malformed key or base URL), named with
/// its variable; the key itself is never in the message.
pub fn from_env() -> Result<Vec<Provider>, String> {
    let mut providers = Vec::new();
    for known in &KNOWN {
        let set = std::env::var_os(known.api_key_env).is_some_and(|value| !value.is_empty());
        if set {
            let provider =
                (known.from_env)().map_err(|error| format!("{} (from {}): {error}", known.id, known.api_key_env))?;
            providers.push(provider);
        }
    }
    Ok(providers)
}
