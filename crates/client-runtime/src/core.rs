//! [`ClientCore`]: sends a [`Request`] with auth, timeout and retries, and decodes the answer.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::FromJson;
use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode, Url};

use crate::error::{ApiError, DecodeError, Error, ErrorBody, InvalidRequest, snippet};
use crate::provider::ProviderInfo;
use crate::request::{Auth, Body, Key, Request};
use crate::response::ApiResponse;
use crate::retry::{self, Replay, RetryPolicy};
use crate::secret::Secret;
use crate::stream::{ByteStream, EventStream, ServerEvent};

/// The shared, configured part of every generated client. Cheap to clone.
#[derive(Clone)]
pub struct ClientCore {
    inner: Arc<Inner>,
    timeout: Duration,
}

/// Implemented by each generated `Client`, so one builder serves every API.
pub trait FromClientCore {
    /// Wraps the configured core.
    fn from_client_core(core: ClientCore) -> Self;
}

/// Everything a [`ClientCore`] is made of, each part already checked by the builder.
pub(crate) struct CoreConfig {
    pub(crate) http: reqwest::Client,
    /// The base URL, checked by the builder.
    pub(crate) base: Url,
    pub(crate) api_key: Option<Secret>,
    /// The other credentials, by name.
    pub(crate) credentials: Vec<(&'static str, Secret)>,
    pub(crate) default_headers: HeaderMap,
    pub(crate) retry: RetryPolicy,
    /// Where each call that is not idempotent carries a fresh idempotency key.
    pub(crate) idempotency_header: Option<HeaderName>,
    /// The timeout of each attempt.
    pub(crate) timeout: Duration,
    pub(crate) provider: &'static ProviderInfo,
}

/// The part of the configuration that every clone shares.
struct Inner {
    http: reqwest::Client,
    /// The base URL: each request's URL is a copy with its path set.
    base: Url,
    api_key: Option<Secret>,
    credentials: Vec<(&'static str, Secret)>,
    default_headers: HeaderMap,
    retry: RetryPolicy,
    idempotency_header: Option<HeaderName>,
    provider: &'static ProviderInfo,
}

impl fmt::Debug for ClientCore {
    /// Shows the configuration, never the API key or header values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCore")
            .field("provider", &self.inner.provider.name)
            .field("base_url", &self.base_url())
            .field("api_key", &self.inner.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("credentials", &self.inner.credentials.iter().map(|(name, _)| *name).collect::<Vec<_>>())
            .field("timeout", &self.timeout)
            .field("retry", &self.inner.retry)
            .field("idempotency_header", &self.inner.idempotency_header)
            .field("default_headers", &self.inner.default_headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A success response as an attempt hands it over: read in full, or with its body unread.
trait Success: Sized {
    /// Takes the success response. For a whole body this reads it, so the attempt's timeout
    /// covers the read; for a stream it only keeps the response.
    async fn take(response: reqwest::Response) -> reqwest::Result<Self>;

    /// The response status.
    #[cfg(feature = "tracing")]
    fn status(&self) -> StatusCode;
}

/// A success response read in full.
struct Whole {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Success for Whole {
    async fn take(response: reqwest::Response) -> reqwest::Result<Self> {
        let mut response = response;
        let status = response.status();
        // Taken rather than copied: reading the body does not look at them.
        let headers = std::mem::take(response.headers_mut());
        Ok(Self { status, headers, body: response.bytes().await? })
    }

    #[cfg(feature = "tracing")]
    fn status(&self) -> StatusCode {
        self.status
    }
}

/// A streamed success response: its body is read by [`ByteStream`] or [`EventStream`].
impl Success for reqwest::Response {
    async fn take(response: reqwest::Response) -> reqwest::Result<Self> {
        Ok(response)
    }

    #[cfg(feature = "tracing")]
    fn status(&self) -> StatusCode {
        reqwest::Response::status(self)
    }
}

/// An error response, always read in full.
struct Failure {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// What the server answered to one attempt.
enum Answer<S> {
    Success(S),
    Failure(Failure),
}

/// Why an attempt produced no response.
enum AttemptError {
    Http(reqwest::Error),
    /// What the attempt waits for (see [`Success::take`]) did not arrive within the timeout.
    TimedOut,
}

impl AttemptError {
    fn is_retryable(&self, replay: Replay) -> bool {
        match self {
            Self::Http(error) => RetryPolicy::retries_transport_error(error, replay),
            Self::TimedOut => RetryPolicy::retries_timeout(replay),
        }
    }
}

/// A base URL as shown and documented: without a trailing slash, ready for a path.
pub(crate) fn base_url_text(base: &Url) -> &str {
    base.as_str().trim_end_matches('/')
}

impl ClientCore {
    /// The one constructor: [`crate::ClientBuilder::build`] checks the parts and calls it.
    pub(crate) fn new(config: CoreConfig) -> Self {
        let CoreConfig {
            http,
            base,
            api_key,
            credentials,
            default_headers,
            retry,
            idempotency_header,
            timeout,
            provider,
        } = config;
        let inner = Inner { http, base, api_key, credentials, default_headers, retry, idempotency_header, provider };
        Self { inner: Arc::new(inner), timeout }
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        base_url_text(&self.inner.base)
    }

    /// The API key the client sends, if it was given one.
    pub fn api_key(&self) -> Option<&Secret> {
        self.inner.api_key.as_ref()
    }

    /// The timeout of each attempt.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// A copy that uses another timeout per attempt; the connection pool is shared.
    #[must_use]
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        Self { inner: Arc::clone(&self.inner), timeout }
    }

    /// Sends the request and decodes a JSON success body as `T`.
    pub async fn send<T: FromJson, E: ErrorBody>(&self, request: Request) -> Result<ApiResponse<T>, Error<E>> {
        let response = self.execute::<E>(request).await?;
        let body = decode_success(response.status, &response.body)?;
        Ok(ApiResponse::new(response.status, response.headers, body))
    }

    /// Sends the request and returns the success body as text (`text/*` responses).
    pub async fn send_text<E: ErrorBody>(&self, request: Request) -> Result<ApiResponse<String>, Error<E>> {
        let response = self.execute::<E>(request).await?;
        let text = String::from_utf8(response.body.to_vec()).map_err(|error| {
            Error::Decode(Box::new(DecodeError {
                status: response.status,
                path: ".".to_owned(),
                message: format!("the body is not UTF-8 text: {error}"),
                snippet: snippet(&response.body),
            }))
        })?;
        Ok(ApiResponse::new(response.status, response.headers, text))
    }

    /// Sends the request and returns the success body as bytes (binary responses such as images).
    pub async fn send_bytes<E: ErrorBody>(&self, request: Request) -> Result<ApiResponse<Bytes>, Error<E>> {
        let response = self.execute::<E>(request).await?;
        Ok(ApiResponse::new(response.status, response.headers, response.body))
    }

    /// Sends the request and ignores the success body (for responses documented without one).
    pub async fn send_no_content<E: ErrorBody>(&self, request: Request) -> Result<ApiResponse<()>, Error<E>> {
        let response = self.execute::<E>(request).await?;
        Ok(ApiResponse::new(response.status, response.headers, ()))
    }

    /// Sends the request and returns the success body as a stream of byte chunks, once the
    /// status and headers have arrived.
    ///
    /// Retries and the per-attempt timeout cover the wait for the response headers; an error
    /// status is read in full and reported as usual.
    pub async fn send_stream<E: ErrorBody>(&self, request: Request) -> Result<ByteStream<E>, Error<E>> {
        let (response, attempts) = self.execute_streamed::<E>(request).await?;
        Ok(ByteStream::new(response, attempts))
    }

    /// Sends the request and returns the success body as a stream of server-sent events whose
    /// data is decoded as `T`, once the status and headers have arrived.
    ///
    /// Retries and the per-attempt timeout cover the wait for the response headers; an error
    /// status is read in full and reported as usual.
    pub async fn send_events<T: FromJson, E: ErrorBody>(
        &self,
        request: Request,
    ) -> Result<EventStream<T, E>, Error<E>> {
        let (response, attempts) = self.execute_streamed::<E>(request).await?;
        Ok(EventStream::json(response, attempts))
    }

    /// Like [`ClientCore::send_events`], for event streams whose data is not JSON: each event is
    /// handed over as a [`ServerEvent`].
    pub async fn send_raw_events<E: ErrorBody>(
        &self,
        request: Request,
    ) -> Result<EventStream<ServerEvent, E>, Error<E>> {
        let (response, attempts) = self.execute_streamed::<E>(request).await?;
        Ok(EventStream::raw(response, attempts))
    }

    async fn execute_streamed<E: ErrorBody>(&self, request: Request) -> Result<(reqwest::Response, u32), Error<E>> {
        self.run::<reqwest::Response, E>(request).await
    }

    async fn execute<E: ErrorBody>(&self, request: Request) -> Result<Whole, Error<E>> {
        Ok(self.run::<Whole, E>(request).await?.0)
    }

    /// Sends the request, retrying as the policy allows, and returns the success response with
    /// the number of attempts made.
    async fn run<S: Success, E: ErrorBody>(&self, request: Request) -> Result<(S, u32), Error<E>> {
        if let Some(error) = request.error {
            return Err(Error::InvalidRequest(error));
        }
        let url = self.url(&request)?;
        let mut headers = self.headers(&request)?;
        let (keyed, made_key) = self.add_idempotency_key(&request.method, &mut headers)?;
        let replay = Replay::of(&request.method, keyed);
        let max_attempts = self.inner.retry.retries().saturating_add(1);
        // The first attempt takes the headers as built; a retry, which is rare, builds them
        // again (with the same idempotency key) rather than every call keeping a copy.
        let mut first_headers = Some(headers);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let headers = match first_headers.take() {
                Some(headers) => headers,
                None => self.retry_headers(&request, made_key.as_ref())?,
            };
            let outcome = self.attempt::<S>(&request, &url, headers, attempt).await;
            let retry_headers = match &outcome {
                Ok(Answer::Success(_)) => None,
                Ok(Answer::Failure(failure)) if RetryPolicy::retries_status(failure.status, replay) => {
                    Some(Some(&failure.headers))
                }
                Ok(Answer::Failure(_)) => None,
                Err(error) if error.is_retryable(replay) => Some(None),
                Err(_) => None,
            };
            if let Some(headers) = retry_headers
                && attempt < max_attempts
            {
                tokio::time::sleep(self.inner.retry.wait_before(attempt, headers)).await;
                continue;
            }
            return match outcome {
                Ok(Answer::Success(success)) => Ok((success, attempt)),
                Ok(Answer::Failure(failure)) => Err(Error::Api(Box::new(ApiError {
                    body: E::from_response(failure.status, &failure.body),
                    status: failure.status,
                    headers: failure.headers,
                    raw_body: failure.body,
                    attempts: attempt,
                }))),
                Err(AttemptError::TimedOut) => Err(Error::Timeout { attempts: attempt, timeout: self.timeout }),
                Err(AttemptError::Http(error)) if error.is_timeout() => {
                    Err(Error::Timeout { attempts: attempt, timeout: self.timeout })
                }
                Err(AttemptError::Http(error)) => {
                    Err(Error::Transport { attempts: attempt, source: error.without_url() })
                }
            };
        }
    }

    async fn attempt<S: Success>(
        &self,
        request: &Request,
        url: &Url,
        headers: HeaderMap,
        attempt: u32,
    ) -> Result<Answer<S>, AttemptError> {
        #[cfg(feature = "tracing")]
        let span = tracing::info_span!(
            "http_request",
            provider = self.inner.provider.name,
            method = %request.method,
            path = request.path_template,
            attempt,
            status = tracing::field::Empty,
        );
        #[cfg(not(feature = "tracing"))]
        let _ = attempt;
        // The request is put together here rather than through reqwest's builder, which would
        // merge the headers into a map of its own one by one.
        let mut outgoing = reqwest::Request::new(request.method.clone(), url.clone());
        *outgoing.headers_mut() = headers;
        match &request.body {
            Some(Body::Bytes(body, _)) => *outgoing.body_mut() = Some(body.clone().into()),
            Some(Body::Multipart(form)) => {
                // reqwest sets the content type with the boundary, and the length.
                let form = form.to_form().map_err(AttemptError::Http)?;
                outgoing = reqwest::RequestBuilder::from_parts(self.inner.http.clone(), outgoing)
                    .multipart(form)
                    .build()
                    .map_err(AttemptError::Http)?;
            }
            None => {}
        }
        let receive = async {
            let mut response = self.inner.http.execute(outgoing).await?;
            let status = response.status();
            if status.is_success() {
                return Ok(Answer::Success(S::take(response).await?));
            }
            let headers = std::mem::take(response.headers_mut());
            let body = response.bytes().await?;
            Ok(Answer::Failure(Failure { status, headers, body }))
        };
        // The timeout covers what `receive` waits for: a whole response, or only the headers
        // of a streamed success (and an error body), so a long stream is not cut off.
        let send = async {
            match tokio::time::timeout(self.timeout, receive).await {
                Ok(result) => result.map_err(AttemptError::Http),
                Err(_) => Err(AttemptError::TimedOut),
            }
        };
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument as _;
            let result = send.instrument(span.clone()).await;
            if let Ok(answer) = &result {
                let status = match answer {
                    Answer::Success(success) => success.status(),
                    Answer::Failure(failure) => failure.status,
                };
                span.record("status", status.as_u16());
            }
            result
        }
        #[cfg(not(feature = "tracing"))]
        send.await
    }

    /// Gives a call whose method is not idempotent a fresh idempotency key, when the API has an
    /// idempotency header and the caller set none; every attempt of the call sends the same
    /// headers, so the same key. Returns whether the call carries a key, and the key if it was
    /// made here.
    fn add_idempotency_key<E>(
        &self,
        method: &Method,
        headers: &mut HeaderMap,
    ) -> Result<(bool, Option<HeaderValue>), Error<E>> {
        let Some(name) = &self.inner.idempotency_header else { return Ok((false, None)) };
        if retry::is_idempotent(method) {
            return Ok((false, None));
        }
        if headers.contains_key(name) {
            return Ok((true, None));
        }
        let key = uuid::Uuid::new_v4().hyphenated().to_string();
        let value = HeaderValue::from_str(&key)
            .map_err(|_| InvalidRequest::new("a generated idempotency key is not a valid header value"))?;
        headers.insert(name.clone(), value.clone());
        Ok((true, Some(value)))
    }

    /// The headers of a retry: built again, with the idempotency key the first attempt made.
    fn retry_headers<E>(&self, request: &Request, made_key: Option<&HeaderValue>) -> Result<HeaderMap, Error<E>> {
        let mut headers = self.headers(request)?;
        if let (Some(name), Some(key)) = (&self.inner.idempotency_header, made_key) {
            headers.insert(name.clone(), key.clone());
        }
        Ok(headers)
    }

    /// The value of one of the client's credentials, or why the request cannot be sent.
    fn secret<E>(&self, key: Key) -> Result<&Secret, Error<E>> {
        let provider = self.inner.provider;
        match key {
            Key::ApiKey => self.inner.api_key.as_ref().ok_or_else(|| {
                InvalidRequest::new(format!(
                    "this operation needs a {} API key and the client was built without one",
                    provider.name
                ))
                .into()
            }),
            Key::Named(name) => {
                self.inner.credentials.iter().find(|(known, _)| *known == name).map(|(_, secret)| secret).ok_or_else(
                    || {
                        let env = provider.credentials.iter().find(|c| c.name == name).map_or("", |c| c.env);
                        InvalidRequest::new(format!(
                            "this operation needs the {} credential `{name}` and the client was built without it: pass it to the builder's `credential`, or set {env} and use `from_env`",
                            provider.name
                        ))
                        .into()
                    },
                )
            }
        }
    }

    fn url<E>(&self, request: &Request) -> Result<Url, Error<E>> {
        // The base URL's path, then the request's (already percent-encoded), on a copy of the
        // parsed base URL: no parse of the whole URL per request.
        let base = &self.inner.base;
        let base_path = base.path().trim_end_matches('/');
        let mut path = String::with_capacity(base_path.len() + request.path.len());
        path.push_str(base_path);
        path.push_str(&request.path);
        let mut url = base.clone();
        url.set_path(&path);
        let mut query: Vec<(&str, &str)> =
            request.query.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
        for &(key, auth) in &request.auth {
            if let Auth::Query(name) = auth {
                query.push((name, self.secret(key)?.expose_secret()));
            }
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    fn headers<E>(&self, request: &Request) -> Result<HeaderMap, Error<E>> {
        // Sized once for everything that goes in, so the map never grows on the way.
        let defaults = &self.inner.default_headers;
        // Two more for what reqwest adds (`accept`, and `content-length` for a multipart body).
        let mut headers = HeaderMap::with_capacity(defaults.len() + request.headers.len() + request.auth.len() + 4);
        headers.extend(defaults.iter().map(|(name, value)| (name.clone(), value.clone())));
        headers.insert(USER_AGENT, HeaderValue::from_static(self.inner.provider.user_agent));
        for (name, value) in &request.headers {
            headers.insert(name.clone(), value.clone());
        }
        if let Some(Body::Bytes(_, content_type)) = &request.body {
            headers.insert(CONTENT_TYPE, content_type.clone());
        }
        let mut cookies = Vec::new();
        for &(key, auth) in &request.auth {
            let secret = self.secret(key)?.expose_secret();
            let (name, value) = match auth {
                Auth::Header(name) => (name, secret.to_owned()),
                Auth::Bearer => ("authorization", format!("Bearer {secret}")),
                Auth::Basic => {
                    use base64::Engine as _;
                    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{secret}:"));
                    ("authorization", format!("Basic {encoded}"))
                }
                Auth::Cookie(name) => {
                    cookies.push(format!("{name}={secret}"));
                    continue;
                }
                Auth::Query(_) => continue,
            };
            // The builder checked the credential is header-safe; a failure here means a bug,
            // reported without the value.
            let name = if name.eq_ignore_ascii_case("authorization") {
                AUTHORIZATION
            } else {
                name.parse().map_err(|_| InvalidRequest::new(format!("`{name}` is not a valid header name")))?
            };
            headers.insert(name, sensitive(value)?);
        }
        if !cookies.is_empty() {
            // Cookies the caller set as a default header are kept beside the credentials.
            if let Some(existing) = headers.get(COOKIE).and_then(|value| value.to_str().ok()) {
                cookies.insert(0, existing.to_owned());
            }
            headers.insert(COOKIE, sensitive(cookies.join("; "))?);
        }
        Ok(headers)
    }
}

fn decode_success<T: FromJson, E>(status: StatusCode, body: &[u8]) -> Result<T, Error<E>> {
    let decode_error = |path: String, message: String| {
        Error::Decode(Box::new(DecodeError { status, path, message, snippet: snippet(body) }))
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        // An empty body is `null` for types that allow it (`()`, `Option`, `Value`), and `{}` for
        // structs whose fields are all optional; anything else is a decode error that says so.
        return T::from_json(crate::Json::null()).or_else(|_| T::from_json(crate::Json::object())).map_err(|error| {
            decode_error(".".to_owned(), format!("the body is empty, but a value was expected ({error})"))
        });
    }
    crate::de::from_json(body).map_err(|(path, message)| decode_error(path, message))
}

/// A credential as a header value marked sensitive, so reqwest and `Debug` never show it.
fn sensitive(value: String) -> Result<HeaderValue, InvalidRequest> {
    let mut value = HeaderValue::try_from(value)
        .map_err(|_| InvalidRequest::new("a credential cannot be sent in an HTTP header"))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::NoErrorBody;

    #[test]
    fn decode_errors_carry_status_path_and_snippet() {
        #[derive(Debug)]
        struct Token {
            #[allow(dead_code)]
            data: Data,
        }
        #[derive(Debug)]
        struct Data {
            #[allow(dead_code)]
            expires_at: f64,
        }
        impl FromJson for Token {
            fn from_json(value: crate::Json<'_>) -> Result<Self, crate::JsonError> {
                let mut fields = crate::de::Fields::new(value, "struct Token")?;
                fields.required("data").map(|data| Self { data }).ok_or_else(|| fields.error())
            }
        }
        impl FromJson for Data {
            fn from_json(value: crate::Json<'_>) -> Result<Self, crate::JsonError> {
                let mut fields = crate::de::Fields::new(value, "struct Data")?;
                fields.required("expires_at").map(|expires_at| Self { expires_at }).ok_or_else(|| fields.error())
            }
        }
        let error = decode_success::<Token, ()>(StatusCode::OK, br#"{"data":{"expires_at":"soon"}}"#).unwrap_err();
        let Error::Decode(decode) = error else { panic!("expected a decode error") };
        assert_eq!(decode.status, StatusCode::OK);
        assert_eq!(decode.path, "data.expires_at");
        assert!(decode.snippet.starts_with("{\"data\""));
    }

    #[derive(Debug)]
    struct TestClient(ClientCore);

    impl FromClientCore for TestClient {
        fn from_client_core(core: ClientCore) -> Self {
            Self(core)
        }
    }

    static PROVIDER: ProviderInfo = ProviderInfo {
        name: "Test",
        user_agent: "test/1.0",
        default_base_url: Some("https://api.test.example/v1/"),
        api_key_env: "TEST_API_KEY",
        base_url_env: "TEST_BASE_URL",
        requires_api_key: true,
        idempotency_header: None,
        credentials: &[],
    };

    /// An API with credentials beside its key.
    static PAIRED: ProviderInfo = ProviderInfo { credentials: &[CLIENT_ID, SECRET], ..PROVIDER };

    const CLIENT_ID: crate::Credential = crate::Credential { name: "clientId", env: "TEST_CLIENT_ID", required: true };
    const SECRET: crate::Credential = crate::Credential { name: "secret", env: "TEST_SECRET", required: false };

    fn core() -> ClientCore {
        crate::ClientBuilder::<TestClient>::new(&PROVIDER).api_key("k-123").build().unwrap().0
    }

    fn paired_core() -> ClientCore {
        crate::ClientBuilder::<TestClient>::new(&PAIRED)
            .api_key("k-123")
            .credential(CLIENT_ID, "id-7")
            .build()
            .unwrap()
            .0
    }

    #[test]
    fn a_requirement_of_several_schemes_sends_every_credential() {
        let core = crate::ClientBuilder::<TestClient>::new(&PAIRED)
            .api_key("k-123")
            .credential(CLIENT_ID, "id-7")
            .credential(SECRET, "s-9")
            .default_header("cookie", "theme=dark")
            .build()
            .unwrap()
            .0;
        let request = Request::new(reqwest::Method::GET, "/t")
            .auth(Auth::Bearer)
            .credential(CLIENT_ID, Auth::Header("x-client-id"))
            .credential(SECRET, Auth::Cookie("session"));
        let headers = core.headers::<()>(&request).unwrap();
        assert_eq!(headers["authorization"], "Bearer k-123");
        assert_eq!(headers["x-client-id"], "id-7");
        assert_eq!(headers["cookie"], "theme=dark; session=s-9");
        assert!(headers["x-client-id"].is_sensitive() && headers["cookie"].is_sensitive());
        let query = Request::new(reqwest::Method::GET, "/t").credential(CLIENT_ID, Auth::Query("client_id"));
        assert_eq!(core.url::<()>(&query).unwrap().as_str(), "https://api.test.example/v1/t?client_id=id-7");
        let debug = format!("{core:?} {request:?}");
        assert!(!debug.contains("id-7") && !debug.contains("s-9"), "{debug}");
    }

    #[test]
    fn a_missing_credential_is_named_before_anything_is_sent() {
        // `secret` is optional: the client builds, and only an operation that needs it fails.
        let request = Request::new(reqwest::Method::GET, "/t").credential(SECRET, Auth::Header("x-secret"));
        let Err(Error::InvalidRequest(error)) = paired_core().headers::<()>(&request) else {
            panic!("expected a refusal")
        };
        assert!(
            error.to_string().contains("credential `secret`") && error.to_string().contains("TEST_SECRET"),
            "{error}"
        );
        // `clientId` is required: building without it fails.
        let error = crate::ClientBuilder::<TestClient>::new(&PAIRED).api_key("k-123").build().unwrap_err();
        assert!(matches!(error, crate::ConfigError::MissingCredential { name: "clientId", var: "TEST_CLIENT_ID", .. }));
        let foreign = crate::Credential { name: "appKey", env: "OTHER_APP_KEY", required: false };
        let error = crate::ClientBuilder::<TestClient>::new(&PAIRED)
            .api_key("k-123")
            .credential(CLIENT_ID, "id-7")
            .credential(foreign, "a")
            .build()
            .unwrap_err();
        assert_eq!(error.to_string(), "the Test API has no credential `appKey`");
        let error = crate::ClientBuilder::<TestClient>::new(&PAIRED)
            .api_key("k-123")
            .credential(CLIENT_ID, "id-7\n")
            .build()
            .unwrap_err();
        assert!(matches!(error, crate::ConfigError::InvalidCredential { name: "clientId", .. }), "{error:?}");
        assert!(!error.to_string().contains("id-7"));
    }

    #[test]
    fn credentials_are_sensitive_headers_and_never_debug_printed() {
        let core = core();
        for (auth, name, value) in [
            (Auth::Header("x-api-key"), "x-api-key", "k-123"),
            (Auth::Bearer, "authorization", "Bearer k-123"),
            (Auth::Basic, "authorization", "Basic ay0xMjM6"),
        ] {
            let headers = core.headers::<()>(&Request::new(reqwest::Method::GET, "/").auth(auth)).unwrap();
            let header = headers.get(name).unwrap();
            assert_eq!(header, value);
            assert!(header.is_sensitive(), "{name} must be marked sensitive");
            assert!(!format!("{headers:?}").contains("k-123"), "reqwest redacts sensitive values");
        }
        assert!(!format!("{core:?}").contains("k-123"));
    }

    /// Callers spawn these futures on multi-threaded runtimes, so they must be `Send`.
    #[test]
    fn request_futures_are_send() {
        fn assert_send<T: Send>(_: T) {}
        let core = core();
        let request = || Request::new(reqwest::Method::GET, "/");
        assert_send(core.send::<serde_json::Value, NoErrorBody>(request()));
        assert_send(core.send_bytes::<NoErrorBody>(request()));
        assert_send(core.send_stream::<NoErrorBody>(request()));
        assert_send(core.send_events::<serde_json::Value, NoErrorBody>(request()));
    }

    #[test]
    fn urls_join_the_base_path_the_encoded_path_and_the_query() {
        let core = core();
        let request = Request::new(reqwest::Method::GET, "/jobs/{id}").path_param("id", "a/b").query("q", "x y");
        assert_eq!(core.url::<()>(&request).unwrap().as_str(), "https://api.test.example/v1/jobs/a%2Fb?q=x+y");
        let keyed = Request::new(reqwest::Method::GET, "/t").auth(Auth::Query("key"));
        assert_eq!(core.url::<()>(&keyed).unwrap().as_str(), "https://api.test.example/v1/t?key=k-123");
    }

    #[test]
    fn empty_success_bodies_decode_as_null() {
        let value: serde_json::Value = decode_success::<_, ()>(StatusCode::OK, b"").unwrap();
        assert_eq!(value, serde_json::Value::Null);
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct AllOptional {
            token: Option<String>,
        }
        crate::de::from_json_by_serde!(AllOptional);
        assert_eq!(decode_success::<AllOptional, ()>(StatusCode::OK, b" ").unwrap(), AllOptional { token: None });
        #[derive(Debug, serde::Deserialize)]
        struct Required {
            #[allow(dead_code)]
            token: String,
        }
        crate::de::from_json_by_serde!(Required);
        let Err(Error::Decode(error)) = decode_success::<Required, ()>(StatusCode::OK, b"") else { panic!() };
        assert!(error.message.contains("the body is empty"), "{}", error.message);
        assert!(decode_success::<serde_json::Value, ()>(StatusCode::OK, b"not json").is_err());
    }

    /// What a one-connection test server does, in order, after reading the request.
    enum Step {
        Write(String),
        Pause(Duration),
    }

    /// A chunk of a `transfer-encoding: chunked` body.
    fn chunk(data: &str) -> Step {
        Step::Write(format!("{:x}\r\n{data}\r\n", data.len()))
    }

    /// A server on 127.0.0.1 that answers one connection by following `steps`, then closes it.
    async fn serve_once(steps: Vec<Step>) -> String {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            for step in steps {
                match step {
                    Step::Write(text) => {
                        if socket.write_all(text.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                    Step::Pause(pause) => tokio::time::sleep(pause).await,
                }
            }
        });
        format!("http://{address}")
    }

    fn streaming_core(base_url: &str, timeout: Duration) -> ClientCore {
        crate::ClientBuilder::<TestClient>::new(&PROVIDER)
            .api_key("k-123")
            .base_url(base_url)
            .timeout(timeout)
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap()
            .0
    }

    const STREAM_HEAD: &str =
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";

    #[tokio::test]
    async fn a_stream_outlives_the_timeout_once_its_headers_arrive() {
        use futures_util::StreamExt as _;
        #[derive(Debug, serde::Deserialize)]
        struct Tick {
            n: u32,
        }
        crate::de::from_json_by_serde!(Tick);
        let pause = || Step::Pause(Duration::from_millis(400));
        let ticks = || {
            vec![
                Step::Write(STREAM_HEAD.to_owned()),
                pause(),
                chunk("data: {\"n\":1}\n\n"),
                pause(),
                chunk("data: {\"n\":2}\n\n"),
                chunk(""),
            ]
        };
        let url = serve_once(ticks()).await;
        let core = streaming_core(&url, Duration::from_millis(300));
        let stream = core.send_events::<Tick, NoErrorBody>(Request::new(reqwest::Method::GET, "/ticks")).await.unwrap();
        let ticks_seen: Vec<u32> = stream.map(|tick| tick.unwrap().n).collect().await;
        assert_eq!(ticks_seen, [1, 2], "800 ms of events under a 300 ms timeout");

        // A whole-body request to the same server is cut off by the timeout.
        let url = serve_once(ticks()).await;
        let error = streaming_core(&url, Duration::from_millis(300))
            .send_text::<NoErrorBody>(Request::new(reqwest::Method::GET, "/ticks"))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Timeout { attempts: 1, .. }), "{error:?}");
    }

    #[tokio::test]
    async fn a_read_timeout_ends_a_stalled_stream() {
        use futures_util::StreamExt as _;
        #[derive(Debug, serde::Deserialize)]
        struct Tick {
            n: u32,
        }
        crate::de::from_json_by_serde!(Tick);
        let url = serve_once(vec![
            Step::Write(STREAM_HEAD.to_owned()),
            chunk("data: {\"n\":1}\n\n"),
            Step::Pause(Duration::from_millis(600)),
            chunk("data: {\"n\":2}\n\n"),
            chunk(""),
        ])
        .await;
        let core = crate::ClientBuilder::<TestClient>::new(&PROVIDER)
            .api_key("k-123")
            .base_url(&url)
            .read_timeout(Duration::from_millis(150))
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap()
            .0;
        let mut stream =
            core.send_events::<Tick, NoErrorBody>(Request::new(reqwest::Method::GET, "/ticks")).await.unwrap();
        assert_eq!(stream.next().await.unwrap().unwrap().n, 1);
        let Some(Err(Error::Transport { source, .. })) = stream.next().await else {
            panic!("expected the stall to end the stream")
        };
        assert!(source.is_timeout(), "{source:?}");
        assert!(stream.next().await.is_none());
    }

    #[tokio::test]
    async fn a_stream_whose_headers_are_late_times_out() {
        let url = serve_once(vec![Step::Pause(Duration::from_millis(500)), Step::Write(STREAM_HEAD.to_owned())]).await;
        let error = streaming_core(&url, Duration::from_millis(100))
            .send_stream::<NoErrorBody>(Request::new(reqwest::Method::GET, "/file"))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Timeout { attempts: 1, .. }), "{error:?}");
    }

    #[tokio::test]
    async fn a_connection_that_breaks_mid_stream_is_a_transport_error() {
        use futures_util::StreamExt as _;
        // The connection closes after 10 of the 100 bytes announced.
        let head = "HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ncontent-length: 100\r\n\r\n0123456789";
        let url = serve_once(vec![Step::Write(head.to_owned())]).await;
        let mut stream = streaming_core(&url, Duration::from_secs(5))
            .send_stream::<NoErrorBody>(Request::new(reqwest::Method::GET, "/file"))
            .await
            .unwrap();
        assert_eq!(stream.content_length(), Some(100));
        let mut received: Vec<u8> = Vec::new();
        let error = loop {
            match stream.next().await {
                Some(Ok(chunk)) => received.extend_from_slice(&chunk),
                Some(Err(error)) => break error,
                None => panic!("the stream ended without reporting the broken connection"),
            }
        };
        assert_eq!(received, b"0123456789");
        assert!(matches!(error, Error::Transport { attempts: 1, .. }), "{error:?}");
        assert!(stream.next().await.is_none(), "the stream ends after a transport error");
    }
}
