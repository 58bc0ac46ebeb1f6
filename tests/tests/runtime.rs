//! The client experience through generated clients against a local server: retries and
//! backoff, timeouts, decode failures, odd bodies, construction errors, and secrets that never
//! show up in Debug output or error messages.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use client_runtime::{ConfigError, RetryPolicy};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use perplexity::types::GenerateAuthTokenRequest;
use perplexity::{Client, Error};

mod support;
use support::read_request;

const KEY: &str = "pplx-very-secret-api-key-4242";

/// Retries without real waiting, so the tests stay fast.
fn quick_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(max_retries)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

fn client(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder().api_key(KEY).base_url(server.uri()).retry_policy(retry).build().unwrap()
}

/// A Perplexity client with its own per-attempt timeout.
fn timed_client(base_url: &str, timeout: Duration, retry: RetryPolicy) -> Client {
    Client::builder().api_key(KEY).base_url(base_url).timeout(timeout).retry_policy(retry).build().unwrap()
}

fn token_body() -> serde_json::Value {
    json!({"auth_token": "pplx-minted-token-777", "created_at_epoch_seconds": 1})
}

/// A server whose every POST mints a token.
async fn token_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .mount(&server)
        .await;
    server
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn two_503s_then_success_takes_three_requests() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).up_to_n_times(2).mount(&server).await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .mount(&server)
        .await;
    let token = client(&server, quick_retries(2)).generate_auth_token(None).await.unwrap();
    assert_eq!(token.auth_token.expose_secret(), "pplx-minted-token-777");
    assert_eq!(request_count(&server).await, 3);
}

fn streaming_token_body() -> serde_json::Value {
    json!({"token": "aai-minted-token-555", "expires_in_seconds": 60})
}

fn assemblyai(server: &MockServer, retry: RetryPolicy) -> assemblyai::Client {
    assemblyai::Client::builder().api_key(KEY).base_url(server.uri()).retry_policy(retry).build().unwrap()
}

#[tokio::test]
async fn a_post_is_retried_only_on_statuses_that_say_nothing_was_done() {
    // Perplexity's POST mints a token, so a retry after a failure the server may have acted on
    // could mint two.
    for (status, retried) in
        [(429, true), (503, true), (408, false), (409, false), (500, false), (502, false), (504, false)]
    {
        let server = MockServer::start().await;
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(status)).up_to_n_times(1).mount(&server).await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
            .mount(&server)
            .await;
        let result = client(&server, quick_retries(2)).generate_auth_token(None).await;
        if retried {
            result.unwrap_or_else(|e| panic!("{status}: {e}"));
            assert_eq!(request_count(&server).await, 2, "status {status} must be retried");
        } else {
            let error = result.expect_err("the first answer is final");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
            assert_eq!(request_count(&server).await, 1, "status {status} must not be retried");
        }
    }
}

#[tokio::test]
async fn a_get_is_retried_on_every_retryable_status() {
    for status in [408, 409, 429, 500, 502, 503, 504] {
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(status)).up_to_n_times(1).mount(&server).await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(streaming_token_body()))
            .mount(&server)
            .await;
        let params = assemblyai::types::GenerateStreamingTokenParams::new(60);
        assemblyai(&server, quick_retries(2))
            .generate_streaming_token(&params)
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(request_count(&server).await, 2, "status {status}");
    }
}

#[tokio::test]
async fn a_post_that_times_out_is_not_retried_and_a_get_is() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client = timed_client(&server.uri(), Duration::from_millis(150), quick_retries(2));
    let error = client.generate_auth_token(None).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { attempts: 1, .. }), "{error:?}");
    assert_eq!(request_count(&server).await, 1);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(streaming_token_body()).set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let assemblyai = assemblyai::Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(150))
        .retry_policy(quick_retries(2))
        .build()
        .unwrap();
    let error = assemblyai.generate_streaming_token(&assemblyai::types::GenerateStreamingTokenParams::new(60)).await;
    assert!(matches!(error, Err(assemblyai::Error::Timeout { attempts: 3, .. })), "{error:?}");
    assert_eq!(request_count(&server).await, 3);
}

/// A server on 127.0.0.1 that reads each request in full and closes the connection without
/// answering. Returns its URL and the number of requests it has read.
async fn server_that_hangs_up() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            // The head, then as many body bytes as it announces.
            if read_request(&mut socket).await.is_some() {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            drop(socket);
        }
    });
    (url, requests)
}

#[tokio::test]
async fn a_post_whose_connection_breaks_after_sending_is_not_retried_and_a_get_is() {
    let (url, requests) = server_that_hangs_up().await;
    let client = Client::builder().api_key(KEY).base_url(&url).retry_policy(quick_retries(2)).build().unwrap();
    let error = client.generate_auth_token(None).await.unwrap_err();
    assert!(matches!(error, Error::Transport { attempts: 1, .. }), "{error:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 1);

    let (url, requests) = server_that_hangs_up().await;
    let assemblyai =
        assemblyai::Client::builder().api_key(KEY).base_url(&url).retry_policy(quick_retries(2)).build().unwrap();
    let error = assemblyai.generate_streaming_token(&assemblyai::types::GenerateStreamingTokenParams::new(60)).await;
    assert!(matches!(error, Err(assemblyai::Error::Transport { attempts: 3, .. })), "{error:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 3);
}

/// An API whose settings name an idempotency header; no generated crate has one yet, so the
/// client is the runtime's own, as a generated crate would build it.
static KEYED: client_runtime::ProviderInfo = client_runtime::ProviderInfo {
    name: "Keyed",
    user_agent: "keyed/1.0",
    default_base_url: None,
    api_key_env: "KEYED_API_KEY",
    base_url_env: "KEYED_BASE_URL",
    requires_api_key: false,
    idempotency_header: Some("Idempotency-Key"),
    credentials: &[],
};

struct KeyedClient(client_runtime::ClientCore);

impl client_runtime::FromClientCore for KeyedClient {
    fn from_client_core(core: client_runtime::ClientCore) -> Self {
        Self(core)
    }
}

impl KeyedClient {
    fn new(builder: client_runtime::ClientBuilder<Self>, server: &MockServer) -> Self {
        builder.base_url(server.uri()).retry_policy(quick_retries(2)).build().unwrap()
    }

    async fn call(&self, method: client_runtime::Method) -> Result<serde_json::Value, Error> {
        Ok(self.0.send(client_runtime::Request::new(method, "/charges")).await?.into_body())
    }
}

/// The `Idempotency-Key` values of each request the server received, in order.
async fn idempotency_keys(server: &MockServer) -> Vec<Vec<String>> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .map(|request| {
            let values = request.headers.get_all("idempotency-key").iter();
            values.map(|value| value.to_str().unwrap().to_owned()).collect()
        })
        .collect()
}

#[tokio::test]
async fn with_an_idempotency_header_a_post_is_retried_with_one_key_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(500)).up_to_n_times(2).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(&server).await;
    let client = KeyedClient::new(client_runtime::ClientBuilder::new(&KEYED), &server);
    client.call(client_runtime::Method::POST).await.unwrap();
    client.call(client_runtime::Method::POST).await.unwrap();

    let keys = idempotency_keys(&server).await;
    assert_eq!(keys.len(), 4, "two 500s and a success, then one more call: {keys:?}");
    assert!(keys.iter().all(|values| values.len() == 1), "one key per request: {keys:?}");
    let (first, second) = (&keys[0][0], &keys[3][0]);
    assert_eq!(first.len(), 36, "a hyphenated UUID: {first}");
    assert!(keys[..3].iter().all(|values| &values[0] == first), "every attempt of a call sends its key: {keys:?}");
    assert_ne!(first, second, "each call has its own key");
}

#[tokio::test]
async fn with_an_idempotency_header_a_post_that_times_out_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})).set_delay(Duration::from_secs(3)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(&server).await;
    let builder = client_runtime::ClientBuilder::new(&KEYED).timeout(Duration::from_millis(150));
    KeyedClient::new(builder, &server).call(client_runtime::Method::POST).await.unwrap();
    let keys = idempotency_keys(&server).await;
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_eq!(keys[0], keys[1]);
}

#[tokio::test]
async fn an_idempotency_key_the_caller_set_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(500)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(&server).await;
    let builder = client_runtime::ClientBuilder::new(&KEYED).default_header("Idempotency-Key", "caller-key-1");
    KeyedClient::new(builder, &server).call(client_runtime::Method::POST).await.unwrap();
    let keys = idempotency_keys(&server).await;
    assert_eq!(keys, [["caller-key-1"], ["caller-key-1"]], "kept, alone, and retried with");
}

#[tokio::test]
async fn a_get_carries_no_idempotency_key_and_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(&server).await;
    let client = KeyedClient::new(client_runtime::ClientBuilder::new(&KEYED), &server);
    client.call(client_runtime::Method::GET).await.unwrap();
    assert_eq!(idempotency_keys(&server).await, [Vec::<String>::new(), Vec::new()]);
}

#[tokio::test]
async fn without_an_idempotency_header_a_post_carries_no_key() {
    let server = token_server().await;
    client(&server, RetryPolicy::none()).generate_auth_token(None).await.unwrap();
    assert_eq!(idempotency_keys(&server).await, [Vec::<String>::new()]);
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .mount(&server)
        .await;
    let started = Instant::now();
    client(&server, quick_retries(2)).generate_auth_token(None).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "waited only {:?}", started.elapsed());
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn other_4xx_responses_are_sent_once() {
    for status in [400, 401, 403, 404, 422] {
        let server = MockServer::start().await;
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(status)).mount(&server).await;
        let error = client(&server, quick_retries(5)).generate_auth_token(None).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(request_count(&server).await, 1, "status {status} must not be retried");
    }
}

#[tokio::test]
async fn exhausted_retries_report_the_number_of_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("overloaded"))
        .mount(&server)
        .await;
    let error = client(&server, quick_retries(2)).generate_auth_token(None).await.unwrap_err();
    assert_eq!(request_count(&server).await, 3);
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.attempts, 3);
    assert_eq!(error.to_string(), "the API answered 503 Service Unavailable after 3 attempts: overloaded");
}

#[tokio::test]
async fn zero_retries_means_one_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    client(&server, RetryPolicy::none()).generate_auth_token(None).await.unwrap_err();
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn connection_errors_are_retried_and_reported_as_transport_errors() {
    // A port that was just free: nothing listens there. Even a POST is retried, since a refused
    // connection sent nothing.
    let address = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://{address}"))
        .retry_policy(quick_retries(2))
        .build()
        .unwrap();
    let error = client.generate_auth_token(None).await.unwrap_err();
    let Error::Transport { attempts, .. } = &error else { panic!("expected a transport error, got {error:?}") };
    assert_eq!(*attempts, 3);
    assert!(error.to_string().starts_with("request failed after 3 attempt(s)"), "{error}");
}

#[tokio::test]
async fn a_slow_server_hits_the_client_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client = timed_client(&server.uri(), Duration::from_millis(200), RetryPolicy::none());
    let started = Instant::now();
    let error = client.generate_auth_token(None).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { attempts: 1, .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn the_timeout_can_be_changed_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()).set_delay(Duration::from_millis(400)))
        .mount(&server)
        .await;
    let client = timed_client(&server.uri(), Duration::from_millis(100), RetryPolicy::none());
    assert!(matches!(client.generate_auth_token(None).await, Err(Error::Timeout { .. })));
    let patient = client.with_timeout(Duration::from_secs(10));
    patient.generate_auth_token(None).await.unwrap();
    // The original client keeps its own timeout.
    assert!(matches!(client.generate_auth_token(None).await, Err(Error::Timeout { .. })));
}

#[tokio::test]
async fn a_non_json_success_body_is_a_decode_error_with_the_status() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>gateway</html>"))
        .mount(&server)
        .await;
    let error = client(&server, RetryPolicy::none()).generate_auth_token(None).await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("expected a decode error, got {error:?}") };
    assert_eq!(decode.status, 200);
    assert_eq!(decode.snippet, "<html>gateway</html>");
    assert!(error.to_string().contains("200 OK"), "{error}");
}

#[tokio::test]
async fn a_wrongly_typed_field_names_its_path() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"auth_token": "t", "created_at_epoch_seconds": "yesterday"})),
        )
        .mount(&server)
        .await;
    let error = client(&server, RetryPolicy::none()).generate_auth_token(None).await.unwrap_err();
    let Error::Decode(decode) = error else { panic!() };
    assert_eq!(decode.path, "created_at_epoch_seconds");
}

#[tokio::test]
async fn an_empty_success_body_is_handled() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    // Every field of VideoDB's response is optional, so an empty body is an empty response.
    let videodb = videodb::Client::builder().api_key(KEY).base_url(server.uri()).build().unwrap();
    let response = videodb.create_capture_session_token(&Default::default()).await.unwrap();
    assert!(response.data.is_none() && response.success.is_none());
    // Perplexity's response requires a token, so an empty body is a clear decode error.
    let error = client(&server, RetryPolicy::none()).generate_auth_token(None).await.unwrap_err();
    let Error::Decode(decode) = error else { panic!() };
    assert!(decode.message.contains("the body is empty"), "{}", decode.message);
}

#[tokio::test]
async fn a_ten_megabyte_body_does_not_hang() {
    let server = MockServer::start().await;
    let big = "x".repeat(10 * 1024 * 1024);
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"auth_token": big, "created_at_epoch_seconds": 1})),
        )
        .mount(&server)
        .await;
    let client =
        Client::builder().api_key(KEY).base_url(server.uri()).timeout(Duration::from_secs(30)).build().unwrap();
    let token = tokio::time::timeout(Duration::from_secs(60), client.generate_auth_token(None))
        .await
        .expect("no hang")
        .unwrap();
    assert_eq!(token.auth_token.expose_secret().len(), 10 * 1024 * 1024);
}

#[tokio::test]
async fn the_user_agent_names_the_crate_and_version() {
    let server = token_server().await;
    client(&server, RetryPolicy::none()).generate_auth_token(None).await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.headers.get("user-agent").unwrap(), "perplexity/0.1.0");
}

#[tokio::test]
async fn default_headers_are_sent_with_every_request() {
    let server = token_server().await;
    let client =
        Client::builder().api_key(KEY).base_url(server.uri()).default_header("x-team", "growth").build().unwrap();
    client.generate_auth_token(None).await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.headers.get("x-team").unwrap(), "growth");
}

#[test]
fn malformed_keys_and_urls_fail_at_construction() {
    let cases: Vec<(Result<Client, ConfigError>, &str)> = vec![
        (Client::new(""), "the Perplexity API key is malformed: it is empty"),
        (Client::new(format!("{KEY}\n")), "starts or ends with whitespace"),
        (Client::new("bad\u{7f}key"), "cannot be sent in an HTTP header"),
        (Client::builder().build(), "no Perplexity API key was given"),
        (
            Client::builder().api_key(KEY).base_url("api.perplexity.ai").build(),
            "invalid base URL \"api.perplexity.ai\"",
        ),
        (Client::builder().api_key(KEY).base_url("ftp://x.example").build(), "the scheme must be http or https"),
        (Client::builder().api_key(KEY).default_header("bad header", "v").build(), "invalid default header"),
    ];
    for (result, expected) in cases {
        let error = result.expect_err(expected);
        let message = error.to_string();
        assert!(message.contains(expected), "expected `{expected}` in `{message}`");
        assert!(!message.contains("bad\u{7f}key") && !message.contains(KEY), "the key leaked: {message}");
    }
}

#[test]
fn the_api_key_never_appears_in_client_debug_output() {
    let client = Client::new(KEY).unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains(KEY), "{debug}");
    assert!(debug.contains("[REDACTED]"), "{debug}");
    let builder = Client::builder().api_key(KEY);
    assert!(!format!("{builder:?}").contains(KEY));
    // A field that is not a secret stays readable. The value appears nowhere else in the Debug
    // output (not in the type or field names), so this fails if it were redacted or dropped.
    let request = GenerateAuthTokenRequest { token_name: Some("ci-label-6b1f".into()) };
    let debug = format!("{request:?}");
    assert!(debug.contains("ci-label-6b1f"), "{debug}");
}

#[tokio::test]
async fn the_api_key_never_appears_in_any_error() {
    let mut errors: Vec<Error<client_runtime::NoErrorBody>> = Vec::new();
    // An API error.
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(401).set_body_string("denied")).mount(&server).await;
    errors.push(client(&server, RetryPolicy::none()).generate_auth_token(None).await.unwrap_err());
    // A decode error.
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_string("nope")).mount(&server).await;
    errors.push(client(&server, RetryPolicy::none()).generate_auth_token(None).await.unwrap_err());
    // A timeout.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let slow = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(50))
        .retry_policy(RetryPolicy::none());
    errors.push(slow.build().unwrap().generate_auth_token(None).await.unwrap_err());
    // A transport error (connection refused).
    let address = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let refused =
        Client::builder().api_key(KEY).base_url(format!("http://{address}")).retry_policy(RetryPolicy::none());
    errors.push(refused.build().unwrap().generate_auth_token(None).await.unwrap_err());

    let kinds: Vec<&str> = errors
        .iter()
        .map(|e| match e {
            Error::Api(_) => "api",
            Error::Decode(_) => "decode",
            Error::Timeout { .. } => "timeout",
            Error::Transport { .. } => "transport",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["api", "decode", "timeout", "transport"]);
    for error in &errors {
        for text in [error.to_string(), format!("{error:?}"), format!("{error:#?}")] {
            assert!(!text.contains(KEY), "the key leaked: {text}");
        }
    }
}

/// Set by [`from_env_reads_the_provider_variables`] for the child processes it starts; changing
/// the environment of this multi-threaded process itself would race with other tests.
const CHILD_MARKER: &str = "WORKSPACE_TESTS_FROM_ENV_CHILD";

fn run_child(test: &str, env: &[(&str, &str)]) {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command.args([test, "--exact", "--ignored", "--nocapture"]).env(CHILD_MARKER, "1");
    for var in ["PERPLEXITY_API_KEY", "PERPLEXITY_BASE_URL"] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && stdout.contains("1 passed"), "child {test} failed:\n{stdout}");
}

#[test]
fn from_env_reads_the_provider_variables() {
    run_child(
        "from_env_child_with_key_and_url",
        &[("PERPLEXITY_API_KEY", KEY), ("PERPLEXITY_BASE_URL", "http://127.0.0.1:9/v2/")],
    );
    run_child("from_env_child_with_key_only", &[("PERPLEXITY_API_KEY", KEY)]);
    run_child("from_env_child_without_key", &[]);
    run_child("from_env_child_with_bad_url", &[("PERPLEXITY_API_KEY", KEY), ("PERPLEXITY_BASE_URL", "not a url")]);
}

/// Fails the test unless it runs as a child of [`from_env_reads_the_provider_variables`], whose
/// environment it checks: run on its own (`--ignored`), it would otherwise pass having tested
/// nothing.
fn assert_in_child() {
    assert!(
        std::env::var_os(CHILD_MARKER).is_some(),
        "this test checks an environment that only from_env_reads_the_provider_variables sets up; \
         run that test instead of this one"
    );
}

#[test]
#[ignore = "run in a child process by from_env_reads_the_provider_variables"]
fn from_env_child_with_key_and_url() {
    assert_in_child();
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9/v2");
}

#[test]
#[ignore = "run in a child process by from_env_reads_the_provider_variables"]
fn from_env_child_with_key_only() {
    assert_in_child();
    assert_eq!(Client::from_env().unwrap().base_url(), "https://api.perplexity.ai");
}

#[test]
#[ignore = "run in a child process by from_env_reads_the_provider_variables"]
fn from_env_child_without_key() {
    assert_in_child();
    let error = Client::from_env().unwrap_err();
    assert_eq!(
        error.to_string(),
        "environment variable PERPLEXITY_API_KEY is not set; it should hold your Perplexity API key"
    );
}

#[test]
#[ignore = "run in a child process by from_env_reads_the_provider_variables"]
fn from_env_child_with_bad_url() {
    assert_in_child();
    let error = Client::from_env().unwrap_err();
    assert!(error.to_string().starts_with("invalid base URL \"not a url\""), "{error}");
}
