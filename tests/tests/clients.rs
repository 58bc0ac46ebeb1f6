//! Each generated client against a real HTTP server on 127.0.0.1 (wiremock): the method, path,
//! query, auth header and JSON body on the wire, and decoding of the success body and of every
//! documented error status.

use client_runtime::RetryPolicy;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk-test-key-0123456789";

/// The one request the server received, after checking there was exactly one.
async fn only_request(server: &MockServer) -> Request {
    let requests = server.received_requests().await.expect("request recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request, got {}", requests.len());
    requests.into_iter().next().unwrap()
}

fn json_body(request: &Request) -> Value {
    assert_eq!(request.headers.get("content-type").unwrap(), "application/json");
    serde_json::from_slice(&request.body).expect("the body is JSON")
}

fn user_agent_of(request: &Request) -> &str {
    request.headers.get("user-agent").unwrap().to_str().unwrap()
}

mod simli {
    use super::*;
    use ::simli::types::{CreateAutoSessionTokenError, TokenRequest, ValidationErrorLocItem};
    use ::simli::{Client, Error};

    async fn client(server: &MockServer) -> Client {
        Client::builder().api_key(KEY).base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap()
    }

    fn request() -> TokenRequest {
        TokenRequest {
            simli_api_key: "simli-key-in-body".into(),
            expiry_stamp: 3600.into(),
            llm_api_key: ::simli::Nullable::Absent,
            tts_api_key: ::simli::Nullable::Null,
            create_transcript: Some(true),
            origin_allow_list: vec!["https://app.example".to_owned()].into(),
        }
    }

    #[tokio::test]
    #[allow(deprecated)]
    async fn sends_the_documented_request_and_decodes_success() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/auto/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"session_token": "st-1"})))
            .mount(&server)
            .await;
        let body = client(&server).await.create_auto_session_token(&request()).await.unwrap();
        assert_eq!(body, json!({"session_token": "st-1"}));

        let sent = only_request(&server).await;
        assert_eq!(sent.headers.get("x-simli-api-key").unwrap(), KEY);
        assert!(user_agent_of(&sent).starts_with("simli/"));
        // Wire names; absent optional fields are not sent at all, and a null one is `null`.
        assert_eq!(
            json_body(&sent),
            json!({
                "simliAPIKey": "simli-key-in-body",
                "ttsAPIKey": null,
                "expiryStamp": 3600,
                "createTranscript": true,
                "originAllowList": ["https://app.example"],
            })
        );
    }

    #[tokio::test]
    #[allow(deprecated)]
    async fn decodes_the_422_validation_error() {
        let server = MockServer::start().await;
        let detail =
            json!({"detail": [{"loc": ["body", "simliAPIKey", 0], "msg": "field required", "type": "missing"}]});
        Mock::given(method("POST"))
            .and(path("/auto/token"))
            .respond_with(ResponseTemplate::new(422).set_body_json(&detail))
            .mount(&server)
            .await;
        let error = client(&server).await.create_auto_session_token(&request()).await.unwrap_err();
        let Error::Api(api) = error else { panic!("expected an API error, got {error:?}") };
        assert_eq!(api.status, 422);
        assert_eq!(serde_json::from_slice::<Value>(&api.raw_body).unwrap(), detail);
        let Some(CreateAutoSessionTokenError::UnprocessableEntity(validation)) = api.body else {
            panic!("expected the typed 422 body, got {:?}", api.body)
        };
        let item = &validation.detail.unwrap()[0];
        assert_eq!(
            item.loc,
            vec![
                ValidationErrorLocItem::String("body".into()),
                ValidationErrorLocItem::String("simliAPIKey".into()),
                ValidationErrorLocItem::Integer(0)
            ]
        );
        assert_eq!(item.r#type, "missing");
    }

    #[test]
    fn secrets_in_the_request_body_are_redacted_in_debug_output() {
        let debug = format!("{:?}", request());
        assert!(!debug.contains("simli-key-in-body"), "{debug}");
        assert!(debug.contains("Secret([REDACTED])"), "{debug}");
    }
}

mod decart {
    use super::*;
    use ::decart::types::{ClientTokenRequest, CreateClientTokenError, RealtimeConstraints, TokenConstraints};
    use ::decart::{Client, Error};

    async fn client(server: &MockServer) -> Client {
        Client::builder().api_key(KEY).base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap()
    }

    #[tokio::test]
    async fn sends_the_key_as_a_header_and_decodes_the_token() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/client/tokens"))
            .and(header("x-api-key", KEY))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "apiKey": "ek_minted_secret",
                "expiresAt": "2026-11-23T10:00:00Z",
                "permissions": {"models": ["lucy"]},
                "constraints": null,
                "unknownFutureField": 1,
            })))
            .mount(&server)
            .await;
        let request = ClientTokenRequest {
            expires_in: 120.into(),
            allowed_origins: vec!["https://app.example".to_owned()].into(),
            constraints: TokenConstraints { realtime: RealtimeConstraints { max_session_duration: 300.into() }.into() }
                .into(),
            ..ClientTokenRequest::default()
        };
        let token = client(&server).await.create_client_token(Some(&request)).await.unwrap();
        assert_eq!(token.api_key.expose_secret(), "ek_minted_secret");
        assert_eq!(token.expires_at, "2026-11-23T10:00:00Z");
        assert_eq!(token.permissions.value().unwrap()["models"], json!(["lucy"]));
        // `null` and a missing key decode apart.
        assert!(token.constraints.is_null());
        assert!(!format!("{token:?}").contains("ek_minted_secret"));

        let sent = only_request(&server).await;
        assert_eq!(
            json_body(&sent),
            json!({
                "expiresIn": 120,
                "allowedOrigins": ["https://app.example"],
                "constraints": {"realtime": {"maxSessionDuration": 300}},
            })
        );
    }

    #[tokio::test]
    async fn the_body_is_optional() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/client/tokens"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"apiKey": "ek", "expiresAt": "t"})))
            .mount(&server)
            .await;
        client(&server).await.create_client_token(None).await.unwrap();
        let sent = only_request(&server).await;
        assert!(sent.body.is_empty());
        assert!(sent.headers.get("content-type").is_none());
    }

    #[tokio::test]
    async fn decodes_every_documented_error_status() {
        for (status, body) in [
            (401, json!(null)),
            (403, json!(null)),
            (
                422,
                json!({"detail": [{"loc": ["body"], "msg": "bad", "type": "value_error", "input": 5, "ctx": {"limit": 20}}]}),
            ),
        ] {
            let server = MockServer::start().await;
            let template = if body.is_null() {
                ResponseTemplate::new(status)
            } else {
                ResponseTemplate::new(status).set_body_json(&body)
            };
            Mock::given(method("POST")).respond_with(template).mount(&server).await;
            let error = client(&server).await.create_client_token(None).await.unwrap_err();
            let Error::Api(api) = error else { panic!("expected an API error for {status}") };
            match (status, api.body) {
                (401, Some(CreateClientTokenError::Unauthorized)) | (403, Some(CreateClientTokenError::Forbidden)) => {}
                (422, Some(CreateClientTokenError::UnprocessableEntity(validation))) => {
                    let item = &validation.detail.unwrap()[0];
                    assert_eq!(item.input, Some(json!(5)));
                    assert_eq!(item.ctx.as_ref().unwrap()["limit"], json!(20));
                }
                (status, body) => panic!("status {status} decoded as {body:?}"),
            }
        }
    }
}

mod assemblyai {
    use super::*;
    use ::assemblyai::types::{GenerateStreamingTokenError, GenerateStreamingTokenParams};
    use ::assemblyai::{Client, Error};

    async fn client(server: &MockServer) -> Client {
        Client::builder().api_key(KEY).base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap()
    }

    #[tokio::test]
    async fn sends_query_parameters_and_the_raw_key() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v3/token"))
            .and(query_param("expires_in_seconds", "60"))
            .and(query_param("max_session_duration_seconds", "600"))
            .and(header("authorization", KEY))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"token": "tmp-token-abc", "expires_in_seconds": 60})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let params = GenerateStreamingTokenParams {
            max_session_duration_seconds: Some(600),
            ..GenerateStreamingTokenParams::new(60)
        };
        let token = client(&server).await.generate_streaming_token(&params).await.unwrap();
        assert_eq!(token.token.expose_secret(), "tmp-token-abc");
        assert_eq!(token.expires_in_seconds, 60);
        let sent = only_request(&server).await;
        assert!(sent.body.is_empty());
    }

    #[tokio::test]
    async fn omits_unset_optional_parameters() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(query_param("expires_in_seconds", "1"))
            .and(query_param_is_missing("max_session_duration_seconds"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "t", "expires_in_seconds": 1})))
            .expect(1)
            .mount(&server)
            .await;
        client(&server).await.generate_streaming_token(&GenerateStreamingTokenParams::new(1)).await.unwrap();
    }

    #[tokio::test]
    async fn out_of_range_parameters_are_refused_before_sending() {
        let server = MockServer::start().await;
        let client = client(&server).await;
        for (expires, max_duration, message) in [
            (0, None, "`expires_in_seconds` must be at least 1, got 0"),
            (601, None, "`expires_in_seconds` must be at most 600, got 601"),
            (60, Some(59), "`max_session_duration_seconds` must be at least 60, got 59"),
            (60, Some(10_801), "`max_session_duration_seconds` must be at most 10800, got 10801"),
        ] {
            let params = GenerateStreamingTokenParams {
                max_session_duration_seconds: max_duration,
                ..GenerateStreamingTokenParams::new(expires)
            };
            let error = client.generate_streaming_token(&params).await.unwrap_err();
            let Error::InvalidRequest(invalid) = error else { panic!("expected InvalidRequest, got {error:?}") };
            assert_eq!(invalid.message(), message);
        }
        let received = server.received_requests().await.unwrap();
        assert!(received.is_empty(), "nothing may be sent, but {} requests were", received.len());
    }

    #[tokio::test]
    async fn decodes_every_documented_error_status() {
        for status in [400u16, 401, 429, 500] {
            let server = MockServer::start().await;
            let body =
                json!({"error": format!("failure {status}"), "code": "E1", "details": {"field": "expires_in_seconds"}});
            Mock::given(method("GET"))
                .respond_with(ResponseTemplate::new(status).set_body_json(&body))
                .mount(&server)
                .await;
            let error = client(&server)
                .await
                .generate_streaming_token(&GenerateStreamingTokenParams::new(60))
                .await
                .unwrap_err();
            let Error::Api(api) = error else { panic!("expected an API error") };
            let decoded = match api.body {
                Some(GenerateStreamingTokenError::BadRequest(e)) if status == 400 => e,
                Some(GenerateStreamingTokenError::Unauthorized(e)) if status == 401 => e,
                Some(GenerateStreamingTokenError::TooManyRequests(e)) if status == 429 => e,
                Some(GenerateStreamingTokenError::InternalServerError(e)) if status == 500 => e,
                other => panic!("status {status} decoded as {other:?}"),
            };
            assert_eq!(decoded.error, format!("failure {status}"));
            assert_eq!(decoded.code.as_deref(), Some("E1"));
        }
    }

    #[tokio::test]
    async fn an_undocumented_status_keeps_status_and_raw_body() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(404).set_body_string("no such route"))
            .mount(&server)
            .await;
        let error =
            client(&server).await.generate_streaming_token(&GenerateStreamingTokenParams::new(60)).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
        let Error::Api(api) = error else { panic!() };
        assert!(api.body.is_none());
        assert_eq!(&api.raw_body[..], b"no such route");
    }
}

mod perplexity {
    use super::*;
    use ::perplexity::types::GenerateAuthTokenRequest;
    use ::perplexity::{Client, Error};

    async fn client(server: &MockServer) -> Client {
        Client::builder().api_key(KEY).base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap()
    }

    #[tokio::test]
    async fn sends_a_bearer_token_and_decodes_the_new_token() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/generate_auth_token"))
            .and(header("authorization", format!("Bearer {KEY}").as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "auth_token": "pplx-new-token",
                "created_at_epoch_seconds": 1735689600.5,
                "token_name": "Production API Key",
            })))
            .expect(1)
            .mount(&server)
            .await;
        let request = GenerateAuthTokenRequest { token_name: Some("Production API Key".into()) };
        let token = client(&server).await.generate_auth_token(Some(&request)).await.unwrap();
        assert_eq!(token.auth_token.expose_secret(), "pplx-new-token");
        assert_eq!(token.created_at_epoch_seconds, 1735689600.5);
        assert_eq!(token.token_name.as_deref(), Some("Production API Key"));
        assert!(!format!("{token:?}").contains("pplx-new-token"));
        let sent = only_request(&server).await;
        assert_eq!(json_body(&sent), json!({"token_name": "Production API Key"}));
    }

    #[tokio::test]
    async fn errors_without_documented_bodies_keep_the_raw_body() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(401).set_body_string("{\"error\":\"bad key\"}"))
            .mount(&server)
            .await;
        let error = client(&server).await.generate_auth_token(None).await.unwrap_err();
        let Error::Api(api) = error else { panic!() };
        assert_eq!(api.status, 401);
        assert_eq!(&api.raw_body[..], b"{\"error\":\"bad key\"}");
    }
}

mod videodb {
    use super::*;
    use ::videodb::types::CreateCaptureSessionTokenRequest;
    use ::videodb::{Client, servers};

    #[tokio::test]
    async fn sends_the_access_token_header_and_decodes_the_nested_token() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/capture/session/token"))
            .and(header("x-access-token", KEY))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "success": true,
                "data": {"token": "st-session-token", "expires_at": 1700000000, "expires_in": 86400},
            })))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder().api_key(KEY).base_url(server.uri()).build().unwrap();
        let request = CreateCaptureSessionTokenRequest { user_id: Some("user-123".into()), expires_in: Some(600) };
        let response = client.create_capture_session_token(&request).await.unwrap();
        assert_eq!(response.success, Some(true));
        let data = response.data.unwrap();
        assert_eq!(data.token.as_ref().unwrap().expose_secret(), "st-session-token");
        assert_eq!(data.expires_at, Some(1_700_000_000.0));
        assert_eq!(data.expires_in, Some(86400));
        assert!(!format!("{data:?}").contains("st-session-token"));
        let sent = only_request(&server).await;
        assert_eq!(json_body(&sent), json!({"user_id": "user-123", "expires_in": 600}));
    }

    #[test]
    fn every_server_is_offered_and_the_first_is_the_default() {
        assert_eq!(Client::DEFAULT_BASE_URL, "https://api.videodb.io");
        assert_eq!(servers::PRODUCTION, "https://api.videodb.io");
        assert_eq!(servers::STAGING, "https://staging-api.videodb.io");
        let client = Client::builder().api_key(KEY).base_url(servers::STAGING).build().unwrap();
        assert_eq!(client.base_url(), "https://staging-api.videodb.io");
        let default = Client::new(KEY).unwrap();
        assert_eq!(default.base_url(), "https://api.videodb.io");
    }

    #[tokio::test]
    async fn with_response_returns_status_and_headers() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).insert_header("x-request-id", "req-42").set_body_json(json!({})))
            .mount(&server)
            .await;
        let client = Client::builder().api_key(KEY).base_url(server.uri()).build().unwrap();
        let response = client
            .create_capture_session_token_with_response(&CreateCaptureSessionTokenRequest::default())
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers().get("x-request-id").unwrap(), "req-42");
        assert!(response.body().data.is_none());
    }
}
