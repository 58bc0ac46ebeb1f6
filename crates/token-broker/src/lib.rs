//! A token broker: a small HTTP service that holds the providers' API keys and mints
//! short-lived tokens for a browser, through each generated client's `MintToken`.
//!
//! - `POST /v1/tokens/{provider}` answers `{"token", "expires_at", "provider"}`. The body is
//!   optional: `{"lifetime_seconds": N}` asks for a lifetime (at most the configured cap); no
//!   body means the provider's default.
//! - `GET /v1/providers` lists the enabled providers and the lifetimes each allows.
//! - `GET /` is a small page that mints a token the way a browser app would.
//!
//! Requests from an origin that is not configured are refused (403) before anything is
//! minted, and CORS headers are sent only to configured origins. Each client address has a
//! rate limit. Answers are never cached (`Cache-Control: no-store`), and neither keys nor tokens
//! are logged: the log has the provider, the status and the lifetime.

pub mod providers;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use client_runtime::TokenRequest;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use crate::providers::Provider;

/// The page served at `/`.
const PAGE: &str = include_str!("../static/index.html");

/// How the broker behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Origins (`https://app.example.com`) allowed to call the broker from a browser, besides
    /// the broker's own page.
    pub allowed_origins: Vec<String>,
    /// The longest lifetime a caller may ask for.
    pub max_lifetime: Duration,
    /// Token requests allowed per client address per minute.
    pub rate_limit_per_minute: NonZeroU32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            allowed_origins: Vec::new(),
            max_lifetime: Duration::from_secs(600),
            rate_limit_per_minute: NonZeroU32::new(30).expect("30 is not zero"),
        }
    }
}

struct AppState {
    providers: BTreeMap<&'static str, Provider>,
    config: Config,
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

/// The broker's routes, for the given providers. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()`: the rate limit is per client address.
pub fn router(config: Config, providers: Vec<Provider>) -> Router {
    let limiter = RateLimiter::keyed(Quota::per_minute(config.rate_limit_per_minute));
    let origins: Vec<HeaderValue> =
        config.allowed_origins.iter().filter_map(|origin| HeaderValue::from_str(origin).ok()).collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE]);
    let state = Arc::new(AppState {
        providers: providers.into_iter().map(|provider| (provider.id, provider)).collect(),
        config,
        limiter,
    });
    Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/v1/providers", get(list_providers))
        .route("/v1/tokens/{provider}", post(mint))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such route".to_owned()) })
        .layer(cors)
        .layer(middleware::from_fn_with_state(Arc::clone(&state), guard_origin))
        .with_state(state)
}

/// A JSON error answer.
fn error(status: StatusCode, message: String) -> Response {
    (status, no_store(), axum::Json(json!({ "error": message }))).into_response()
}

fn no_store() -> [(header::HeaderName, &'static str); 2] {
    [(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")]
}

/// Refuses requests whose `Origin` is neither the broker itself nor a configured origin, before
/// they reach a handler (a refused browser gets no CORS headers, and nothing is minted).
async fn guard_origin(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default();
        let own = headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .is_some_and(|host| origin == format!("http://{host}") || origin == format!("https://{host}"));
        if !own && !state.config.allowed_origins.iter().any(|allowed| allowed == origin) {
            tracing::warn!(origin, path = request.uri().path(), "refused a request from an origin that is not allowed");
            return error(StatusCode::FORBIDDEN, format!("origin {origin} is not allowed to use this broker"));
        }
    }
    next.run(request).await
}

async fn list_providers(State(state): State<Arc<AppState>>) -> Response {
    let cap = state.config.max_lifetime.as_secs();
    let providers: Vec<serde_json::Value> = state
        .providers
        .values()
        .map(|provider| {
            let rule = provider.lifetime_rule();
            json!({
                "id": provider.id,
                "name": provider.name,
                "lifetime_settable": rule.settable,
                "min_lifetime_seconds": rule.min.as_secs(),
                "max_lifetime_seconds": rule.max.map_or(cap, |max| max.as_secs().min(cap)),
            })
        })
        .collect();
    (no_store(), axum::Json(json!({ "providers": providers }))).into_response()
}

/// The optional body of a token request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MintBody {
    lifetime_seconds: Option<u64>,
}

async fn mint(
    State(state): State<Arc<AppState>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let ip = client.ip();
    if let Err(not_until) = state.limiter.check_key(&ip) {
        let wait = not_until.wait_time_from(governor::clock::Clock::now(state.limiter.clock()));
        let seconds = wait.as_secs() + 1;
        tracing::warn!(provider = %id, client = %ip, "rate limit reached");
        let mut response =
            error(StatusCode::TOO_MANY_REQUESTS, format!("too many token requests; retry in {seconds} s"));
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return response;
    }
    let Some(provider) = state.providers.get(id.as_str()) else {
        tracing::info!(provider = %id, client = %ip, status = 404, "token request for a provider that is not enabled");
        return error(StatusCode::NOT_FOUND, format!("provider `{id}` is not enabled on this broker"));
    };
    let lifetime = match requested_lifetime(&headers, &body, state.config.max_lifetime) {
        Ok(lifetime) => lifetime,
        Err(message) => {
            tracing::info!(provider = provider.id, client = %ip, status = 400, "token request refused: {message}");
            return error(StatusCode::BAD_REQUEST, message);
        }
    };
    let request = lifetime.map_or_else(TokenRequest::new, TokenRequest::with_lifetime);
    let lifetime_seconds = lifetime.map(|l| l.as_secs());
    match provider.mint(request).await {
        Ok(minted) => {
            let expires_at = minted
                .expires_at
                .and_then(|at| jiff::Timestamp::try_from(at).ok())
                .map(|at| at.round(jiff::Unit::Second).unwrap_or(at).to_string());
            tracing::info!(
                provider = provider.id,
                client = %ip,
                status = 200,
                lifetime_seconds,
                expires_at = expires_at.as_deref().unwrap_or("unknown"),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "minted a token"
            );
            let answer = json!({
                "token": minted.token.expose_secret(),
                "expires_at": expires_at,
                "provider": provider.id,
            });
            (no_store(), axum::Json(answer)).into_response()
        }
        Err(failure) => {
            tracing::warn!(
                provider = provider.id,
                client = %ip,
                status = failure.status.as_u16(),
                upstream_status = failure.upstream_status,
                lifetime_seconds,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "could not mint: {}",
                failure.message
            );
            error(failure.status, failure.message)
        }
    }
}

/// The lifetime a request asks for: none without a body, else `lifetime_seconds`, at most the
/// cap.
fn requested_lifetime(headers: &HeaderMap, body: &[u8], cap: Duration) -> Result<Option<Duration>, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_none_or(|value| value.starts_with("application/json"));
    if !is_json {
        return Err("the body must be JSON: {\"lifetime_seconds\": N}".to_owned());
    }
    let body: MintBody = serde_json::from_slice(body)
        .map_err(|error| format!("the body must be {{\"lifetime_seconds\": N}} or empty: {error}"))?;
    match body.lifetime_seconds {
        None => Ok(None),
        Some(0) => Err("`lifetime_seconds` must be at least 1".to_owned()),
        Some(seconds) if seconds > cap.as_secs() => {
            Err(format!("`lifetime_seconds` is capped at {} on this broker, not {seconds}", cap.as_secs()))
        }
        Some(seconds) => Ok(Some(Duration::from_secs(seconds))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_are_optional_json_and_capped() {
        let json = {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers
        };
        let cap = Duration::from_secs(300);
        assert_eq!(requested_lifetime(&json, b"", cap), Ok(None));
        assert_eq!(requested_lifetime(&json, b"{}", cap), Ok(None));
        assert_eq!(requested_lifetime(&json, br#"{"lifetime_seconds": 60}"#, cap), Ok(Some(Duration::from_secs(60))));
        let capped = requested_lifetime(&json, br#"{"lifetime_seconds": 301}"#, cap).unwrap_err();
        assert!(capped.contains("capped at 300"), "{capped}");
        assert!(requested_lifetime(&json, br#"{"lifetime_seconds": 0}"#, cap).is_err());
        assert!(requested_lifetime(&json, br#"{"ttl": 5}"#, cap).is_err(), "unknown fields are refused");
        let mut text = HeaderMap::new();
        text.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert!(requested_lifetime(&text, b"60", cap).is_err());
    }
}
