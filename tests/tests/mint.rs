//! `MintToken` on each of the five generated clients, against a local server that answers like
//! the vendor: the request on the wire (where the lifetime goes, in which unit), the expiry
//! arithmetic, lifetimes refused before sending, and answers without a token.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use client_runtime::token::LifetimeProblem;
use client_runtime::{Error, MintError, MintToken, RetryPolicy, TokenRequest};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk-vendor-key-0123456789";

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = requests(server).await;
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

fn json_body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("the body is JSON")
}

async fn answer(server: &MockServer, verb: &str, route: &str, status: u16, body: Value) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

fn client<C: client_runtime::FromClientCore>(builder: client_runtime::ClientBuilder<C>, server: &MockServer) -> C {
    builder.api_key(KEY).base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap()
}

fn lifetime(seconds: u64) -> TokenRequest {
    TokenRequest::with_lifetime(Duration::from_secs(seconds))
}

fn epoch_seconds(time: SystemTime) -> f64 {
    time.duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
}

/// What an app writes once for every provider: mint, and hand the browser the token text.
async fn mint_for_browser<C: MintToken>(
    client: &C,
    request: &TokenRequest,
) -> Result<(String, Option<SystemTime>), MintError<C::ErrorBody>> {
    let token = client.mint_token(request).await?;
    assert!(!format!("{token:?}").contains(token.token.expose_secret()), "Debug shows the token: {token:?}");
    assert_eq!(token.provider, client.provider());
    Ok((token.token.expose_secret().to_owned(), token.expires_at))
}

#[tokio::test]
async fn simli_sends_the_key_and_an_absolute_expiry_stamp_in_the_body() {
    let server = MockServer::start().await;
    answer(&server, "POST", "/auto/token", 200, json!({"session_token": "st-simli-1"})).await;
    let simli = client(simli::Client::builder(), &server);
    let before = epoch_seconds(SystemTime::now());
    let (token, expires_at) = mint_for_browser(&simli, &lifetime(120)).await.unwrap();
    assert_eq!(token, "st-simli-1");
    assert_eq!(expires_at, None, "Simli's answer does not say when the token expires");
    let sent = only_request(&server).await;
    assert_eq!(sent.headers.get("x-simli-api-key").unwrap(), KEY);
    let body = json_body(&sent);
    assert_eq!(body["simliAPIKey"], KEY);
    let stamp = body["expiryStamp"].as_f64().expect("an epoch-seconds stamp");
    assert!((before + 119.0..=before + 122.0).contains(&stamp), "stamp {stamp}, sent at {before}");
    assert_eq!(body.as_object().unwrap().len(), 2, "nothing else is sent: {body}");
}

#[tokio::test]
async fn simli_without_a_lifetime_leaves_the_stamp_out_and_a_missing_token_is_named() {
    let server = MockServer::start().await;
    answer(&server, "POST", "/auto/token", 200, json!({"detail": "no token here"})).await;
    let simli = client(simli::Client::builder(), &server);
    let error = simli.mint_token(&TokenRequest::new()).await.unwrap_err();
    let MintError::Response(missing) = &error else { panic!("expected a response error, got {error:?}") };
    assert_eq!(missing.pointer, "/session_token");
    assert_eq!(
        error.to_string(),
        "Simli's token answer has no usable value at `/session_token`: the answer has no token there"
    );
    assert_eq!(json_body(&only_request(&server).await), json!({"simliAPIKey": KEY}));
}

#[tokio::test]
async fn decart_sends_expires_in_and_reads_an_rfc3339_expiry() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/v1/client/tokens",
        200,
        json!({"apiKey": "ek-decart-1", "expiresAt": "2026-12-02T19:30:00.250+00:00", "permissions": null}),
    )
    .await;
    let decart = client(decart::Client::builder(), &server);
    let (token, expires_at) = mint_for_browser(&decart, &lifetime(90)).await.unwrap();
    assert_eq!(token, "ek-decart-1");
    assert_eq!(expires_at, Some(UNIX_EPOCH + Duration::from_millis(1_796_239_800_250)));
    let sent = only_request(&server).await;
    assert_eq!(sent.headers.get("x-api-key").unwrap(), KEY);
    assert_eq!(json_body(&sent), json!({"expiresIn": 90}));
}

#[tokio::test]
async fn decart_keeps_the_typed_422_body_and_reports_a_missing_token_as_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/client/tokens"))
        .and(wiremock::matchers::body_json(json!({"expiresIn": 5})))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "detail": [{"loc": ["body", "expiresIn"], "msg": "too short", "type": "value_error"}]
        })))
        .mount(&server)
        .await;
    answer(&server, "POST", "/v1/client/tokens", 200, json!({"expiresAt": "2026-12-02T19:30:00Z"})).await;
    let decart = client(decart::Client::builder(), &server);

    let error = decart.mint_token(&lifetime(5)).await.unwrap_err();
    let MintError::Request(Error::Api(api)) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.status.as_u16(), 422);
    let Some(decart::types::CreateClientTokenError::UnprocessableEntity(body)) = &api.body else {
        panic!("the 422 body is typed: {api:?}")
    };
    assert_eq!(body.detail.as_ref().unwrap()[0].msg, "too short");

    let error = decart.mint_token(&TokenRequest::new()).await.unwrap_err();
    let MintError::Request(Error::Decode(decode)) = &error else { panic!("expected a decode error, got {error:?}") };
    assert!(decode.message.contains("apiKey"), "{decode}");
    assert_eq!(json_body(&requests(&server).await[1]), json!({}), "no lifetime asked: none sent");
}

#[tokio::test]
async fn assemblyai_sends_the_default_lifetime_and_counts_a_relative_expiry_from_the_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/token"))
        .and(query_param("expires_in_seconds", "60"))
        .and(header("authorization", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "aai-tok-1", "expires_in_seconds": 60})))
        .mount(&server)
        .await;
    let assemblyai = client(assemblyai::Client::builder(), &server);
    let before = SystemTime::now();
    let (token, expires_at) = mint_for_browser(&assemblyai, &TokenRequest::new()).await.unwrap();
    let after = SystemTime::now();
    assert_eq!(token, "aai-tok-1");
    let expires_at = expires_at.expect("AssemblyAI says how long the token lives");
    let sixty = Duration::from_secs(60);
    assert!(before + sixty <= expires_at && expires_at <= after + sixty, "{expires_at:?}");
    assert_eq!(only_request(&server).await.url.query(), Some("expires_in_seconds=60"));
}

#[tokio::test]
async fn assemblyai_refuses_a_lifetime_outside_the_spec_before_sending() {
    let server = MockServer::start().await;
    let assemblyai = client(assemblyai::Client::builder(), &server);
    assert_eq!(assemblyai.lifetime_rule().max, Some(Duration::from_secs(600)));
    let error = assemblyai.mint_token(&lifetime(601)).await.unwrap_err();
    let MintError::Lifetime(refused) = &error else { panic!("expected a lifetime error, got {error:?}") };
    assert_eq!(refused.problem, LifetimeProblem::OutOfRange);
    assert_eq!(error.to_string(), "AssemblyAI allows a token lifetime of 1 s to 600 s, not 601 s");
    let error = assemblyai.mint_token(&TokenRequest::with_lifetime(Duration::ZERO)).await.unwrap_err();
    assert!(matches!(error, MintError::Lifetime(_)), "{error:?}");
    assert!(requests(&server).await.is_empty(), "nothing is sent");
}

#[tokio::test]
async fn perplexity_takes_no_lifetime_and_says_no_expiry() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/generate_auth_token",
        200,
        json!({"auth_token": "pplx-tok-1", "created_at_epoch_seconds": 1_735_689_600}),
    )
    .await;
    let perplexity = client(perplexity::Client::builder(), &server);
    let error = perplexity.mint_token(&lifetime(60)).await.unwrap_err();
    let MintError::Lifetime(refused) = &error else { panic!("expected a lifetime error, got {error:?}") };
    assert_eq!(refused.problem, LifetimeProblem::NotSettable);
    assert!(requests(&server).await.is_empty(), "a lifetime is refused, not silently dropped");

    let (token, expires_at) = mint_for_browser(&perplexity, &TokenRequest::new()).await.unwrap();
    assert_eq!((token.as_str(), expires_at), ("pplx-tok-1", None));
    let sent = only_request(&server).await;
    assert_eq!(sent.headers.get("authorization").unwrap(), &format!("Bearer {KEY}"));
    assert!(sent.body.is_empty(), "no body: the request has nothing to say");
}

#[tokio::test]
async fn videodb_reads_a_nested_token_and_an_epoch_expiry() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/capture/session/token",
        200,
        json!({"success": true, "data": {"token": "st-vdb-1", "expires_at": 1_700_000_000.5, "expires_in": 300}}),
    )
    .await;
    let videodb = client(videodb::Client::builder(), &server);
    let minted = videodb.mint_token(&lifetime(300)).await.unwrap();
    assert_eq!(minted.token.expose_secret(), "st-vdb-1");
    assert_eq!(minted.expires_at, Some(UNIX_EPOCH + Duration::from_millis(1_700_000_000_500)));
    assert_eq!(minted.response.data.as_ref().and_then(|data| data.expires_in), Some(300), "the typed answer is kept");
    let sent = only_request(&server).await;
    assert_eq!(sent.headers.get("x-access-token").unwrap(), KEY);
    assert_eq!(json_body(&sent), json!({"expires_in": 300}));
}

#[tokio::test]
async fn videodb_without_a_token_in_data_is_a_clear_error() {
    let server = MockServer::start().await;
    answer(&server, "POST", "/capture/session/token", 200, json!({"success": false, "data": {}})).await;
    let videodb = client(videodb::Client::builder(), &server);
    let error = videodb.mint_token(&TokenRequest::new()).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "VideoDB's token answer has no usable value at `/data/token`: the answer has no token there"
    );
}
