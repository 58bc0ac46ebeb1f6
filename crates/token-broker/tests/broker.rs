//! The broker binary end to end, against local servers that answer like the vendors: the
//! happy path, a disabled provider, upstream failures, CORS, the rate limit and the lifetime
//! cap; and afterwards a scan of everything it logged for the keys and tokens.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DECART_KEY: &str = "sk-decart-secret-111";
const ASSEMBLYAI_KEY: &str = "sk-assemblyai-secret-222";
const ALLOWED: &str = "https://app.example";

/// Every variable that could enable a provider or point it elsewhere, cleared so the test's
/// own environment does not leak in.
const PROVIDER_VARIABLES: [&str; 10] = [
    "ASSEMBLYAI_API_KEY",
    "ASSEMBLYAI_BASE_URL",
    "DECART_API_KEY",
    "DECART_BASE_URL",
    "PERPLEXITY_API_KEY",
    "PERPLEXITY_BASE_URL",
    "SIMLI_API_KEY",
    "SIMLI_BASE_URL",
    "VIDEODB_API_KEY",
    "VIDEODB_BASE_URL",
];

/// A running broker, its address, and what it has logged so far.
struct Broker {
    child: Child,
    url: String,
    log: Arc<Mutex<String>>,
}

impl Broker {
    fn start(env: &[(&str, String)], args: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_token-broker"));
        command.args(["--addr", "127.0.0.1:0", "--allow-origin", ALLOWED]).args(args);
        for variable in PROVIDER_VARIABLES.iter().chain(&["BROKER_ALLOWED_ORIGINS"]) {
            command.env_remove(variable);
        }
        command
            .env("RUST_LOG", "debug")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stderr(Stdio::piped())
            .stdout(Stdio::null());
        let mut child = command.spawn().expect("the broker starts");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (found, address) = mpsc::channel();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on ").nth(1) {
                    let _ = found.send(rest.split_whitespace().next().unwrap_or_default().to_owned());
                }
                sink.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let url = address.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("the broker did not say where it listens:\n{}", log.lock().unwrap())
        });
        Self { child, url, log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn decart_vendor() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/client/tokens"))
        .and(header("x-api-key", DECART_KEY))
        .and(body_json(json!({"expiresIn": 120})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"apiKey": "ek-minted-decart-777", "expiresAt": "2026-12-02T20:00:00Z"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/client/tokens"))
        .and(body_json(json!({"expiresIn": 5})))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "detail": [{"loc": ["body", "expiresIn"], "msg": format!("too short for key {DECART_KEY}"), "type": "value_error"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/client/tokens"))
        .and(body_json(json!({"expiresIn": 7})))
        .respond_with(ResponseTemplate::new(503).set_body_string("maintenance"))
        .mount(&server)
        .await;
    server
}

async fn assemblyai_vendor() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/token"))
        .and(query_param("expires_in_seconds", "60"))
        .and(header("authorization", ASSEMBLYAI_KEY))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"token": "aai-minted-888", "expires_in_seconds": 60})),
        )
        .mount(&server)
        .await;
    server
}

fn http() -> reqwest::Client {
    // The runtime's builder comes with its TLS configured (rustls with ring by default).
    client_runtime::http_client_builder().unwrap().timeout(Duration::from_secs(20)).build().unwrap()
}

async fn post(
    broker: &Broker,
    provider: &str,
    origin: Option<&str>,
    body: Option<Value>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = http().post(format!("{}/v1/tokens/{provider}", broker.url));
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

#[tokio::test]
async fn the_broker_mints_refuses_and_maps_failures_without_logging_secrets() {
    let decart = decart_vendor().await;
    let assemblyai = assemblyai_vendor().await;
    let broker = Broker::start(
        &[
            ("DECART_API_KEY", DECART_KEY.to_owned()),
            ("DECART_BASE_URL", decart.uri()),
            ("ASSEMBLYAI_API_KEY", ASSEMBLYAI_KEY.to_owned()),
            ("ASSEMBLYAI_BASE_URL", assemblyai.uri()),
        ],
        &["--max-lifetime-seconds", "300"],
    );

    // The happy path, from an allowed origin: the token, an absolute expiry, the provider;
    // CORS for that origin, and no caching.
    let (status, headers, body) = post(&broker, "decart", Some(ALLOWED), Some(json!({"lifetime_seconds": 120}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"token": "ek-minted-decart-777", "expires_at": "2026-12-02T20:00:00Z", "provider": "decart"})
    );
    assert_eq!(headers["access-control-allow-origin"], ALLOWED);
    assert_eq!(headers["cache-control"], "no-store");

    // No body: the provider's default (AssemblyAI requires a lifetime, so its settings' 60 s).
    let (status, _, body) = post(&broker, "assemblyai", None, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token"], "aai-minted-888");
    assert!(body["expires_at"].as_str().is_some_and(|at| at.ends_with('Z')), "{body}");

    // A provider without a key is not enabled; an unknown one neither.
    for provider in ["simli", "nope"] {
        let (status, _, body) = post(&broker, provider, None, None).await;
        assert_eq!(status, 404, "{provider}: {body}");
        assert!(body["error"].as_str().unwrap().contains("not enabled"), "{body}");
    }

    // Upstream failures: a 422 is the broker's 502 naming the provider, without the vendor's
    // body (which quotes the key here); a 503 stays a 503.
    let (status, _, body) = post(&broker, "decart", None, Some(json!({"lifetime_seconds": 5}))).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body, json!({"error": "Decart refused the token request (HTTP 422)"}));
    let (status, _, body) = post(&broker, "decart", None, Some(json!({"lifetime_seconds": 7}))).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body, json!({"error": "Decart is unavailable (HTTP 503)"}));

    // Lifetimes: over the broker's cap, and outside the vendor's bounds, before anything is sent.
    let (status, _, body) = post(&broker, "decart", None, Some(json!({"lifetime_seconds": 301}))).await;
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (400, "`lifetime_seconds` is capped at 300 on this broker, not 301")
    );
    let sent_before = assemblyai.received_requests().await.unwrap().len();
    let (status, _, body) = post(&broker, "assemblyai", None, Some(json!({"lifetime_seconds": 0}))).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(assemblyai.received_requests().await.unwrap().len(), sent_before, "nothing was sent");

    // CORS: an unknown origin is refused before anything is minted, preflight too, and gets
    // no CORS headers; an allowed origin's preflight passes.
    let minted_before = decart.received_requests().await.unwrap().len();
    let (status, headers, _) =
        post(&broker, "decart", Some("https://evil.example"), Some(json!({"lifetime_seconds": 120}))).await;
    assert_eq!(status, 403);
    assert!(!headers.contains_key("access-control-allow-origin"));
    assert_eq!(decart.received_requests().await.unwrap().len(), minted_before, "nothing was minted");
    let preflight = |origin: &'static str| {
        http()
            .request(reqwest::Method::OPTIONS, format!("{}/v1/tokens/decart", broker.url))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let refused = preflight("https://evil.example").await.unwrap();
    assert_eq!(refused.status(), 403);
    let allowed = preflight(ALLOWED).await.unwrap();
    assert!(allowed.status().is_success(), "{}", allowed.status());
    assert_eq!(allowed.headers()["access-control-allow-origin"], ALLOWED);

    // The page a browser app would use.
    let page = http().get(&broker.url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("/v1/tokens/"), "the page asks the broker for tokens");
    let listed: Value = http().get(format!("{}/v1/providers", broker.url)).send().await.unwrap().json().await.unwrap();
    let ids: Vec<&str> = listed["providers"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["assemblyai", "decart"]);
    assert_eq!(listed["providers"][0]["max_lifetime_seconds"], 300, "AssemblyAI's 600 s, capped by the broker");

    // What was logged: every request, and no key or token.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = broker.log();
    assert!(log.contains("minted a token"), "{log}");
    assert!(log.contains("could not mint"), "{log}");
    for secret in [DECART_KEY, ASSEMBLYAI_KEY, "ek-minted-decart-777", "aai-minted-888"] {
        assert!(!log.contains(secret), "the log holds a secret ({secret}):\n{log}");
    }
}

#[tokio::test]
async fn each_client_address_has_a_rate_limit() {
    let assemblyai = assemblyai_vendor().await;
    let broker = Broker::start(
        &[("ASSEMBLYAI_API_KEY", ASSEMBLYAI_KEY.to_owned()), ("ASSEMBLYAI_BASE_URL", assemblyai.uri())],
        &["--rate-limit-per-minute", "3"],
    );
    for _ in 0..3 {
        let (status, _, body) = post(&broker, "assemblyai", None, None).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, headers, body) = post(&broker, "assemblyai", None, None).await;
    assert_eq!(status, 429, "{body}");
    let retry_after: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(assemblyai.received_requests().await.unwrap().len(), 3, "the limited request reached no vendor");
}

#[tokio::test]
async fn a_malformed_provider_setting_stops_the_broker_with_a_message_and_no_key() {
    let output = Command::new(env!("CARGO_BIN_EXE_token-broker"))
        .args(["--addr", "127.0.0.1:0"])
        .env("DECART_API_KEY", "sk-with\nnewline-333")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("decart (from DECART_API_KEY)"), "{stderr}");
    assert!(!stderr.contains("newline-333"), "{stderr}");
}
