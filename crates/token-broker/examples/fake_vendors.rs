//! A local stand-in for the five vendors' token endpoints, for trying the broker (and its page)
//! without real API keys or the internet. Every provider's base URL can point at it:
//!
//! ```text
//! cargo run -p token-broker --example fake_vendors -- 127.0.0.1:8081 &
//! DECART_API_KEY=fake DECART_BASE_URL=http://127.0.0.1:8081 cargo run -p token-broker
//! ```
//!
//! Each route answers the way its vendor's spec describes, with a fresh token each time and an
//! expiry in the vendor's own format. It checks nothing: it is a demo server, not a test.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::Query;
use axum::routing::{get, post};
use serde_json::{Value, json};

static MINTED: AtomicU64 = AtomicU64::new(0);

fn token(prefix: &str) -> String {
    format!("{prefix}-fake-{}", MINTED.fetch_add(1, Ordering::Relaxed) + 1)
}

fn now() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
}

/// The lifetime a JSON body asks for under `field`, or the vendor's default.
fn seconds(body: &Option<axum::Json<Value>>, field: &str, default: u64) -> u64 {
    body.as_ref().and_then(|body| body.get(field)).and_then(Value::as_u64).unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8081".to_owned());
    let app = Router::new()
        .route(
            "/v1/client/tokens",
            post(|body: Option<axum::Json<Value>>| async move {
                let lifetime = seconds(&body, "expiresIn", 60);
                let expires_at = jiff::Timestamp::from_second((now().as_secs() + lifetime) as i64).unwrap_or_default();
                axum::Json(json!({"apiKey": token("ek"), "expiresAt": expires_at.to_string()}))
            }),
        )
        .route(
            "/v3/token",
            get(|Query(query): Query<std::collections::HashMap<String, u64>>| async move {
                let lifetime = query.get("expires_in_seconds").copied().unwrap_or(60);
                axum::Json(json!({"token": token("aai"), "expires_in_seconds": lifetime}))
            }),
        )
        .route(
            "/generate_auth_token",
            post(|| async { axum::Json(json!({"auth_token": token("pplx"), "created_at_epoch_seconds": now().as_secs()})) }),
        )
        .route("/auto/token", post(|| async { axum::Json(json!({"session_token": token("simli")})) }))
        .route(
            "/capture/session/token",
            post(|body: Option<axum::Json<Value>>| async move {
                let lifetime = seconds(&body, "expires_in", 86_400);
                let expires_at = now().as_secs_f64() + lifetime as f64;
                axum::Json(json!({"success": true, "data": {"token": token("st"), "expires_at": expires_at, "expires_in": lifetime}}))
            }),
        );
    let listener =
        tokio::net::TcpListener::bind(&addr).await.unwrap_or_else(|error| panic!("cannot listen on {addr}: {error}"));
    eprintln!("fake vendors listening on http://{}", listener.local_addr().map_or(addr, |a| a.to_string()));
    axum::serve(listener, app).await.unwrap_or_else(|error| panic!("the server stopped: {error}"));
}
