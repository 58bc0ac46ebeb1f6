//! The one error type every operation returns, and the pieces it is made of.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// How many characters of a response body an error message quotes.
const SNIPPET_CHARS: usize = 200;

/// Everything that can go wrong when calling an operation.
///
/// `E` is the operation's enum of documented error bodies (for example
/// `GenerateStreamingTokenError`), or [`NoErrorBody`] when the spec documents none.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E = NoErrorBody> {
    /// The API answered with a status that is not a success.
    #[error(transparent)]
    Api(Box<ApiError<E>>),
    /// The request could not be sent, or the connection broke before a full response arrived.
    #[error("request failed after {attempts} attempt(s): {source}")]
    Transport {
        /// How many attempts were made, retries included.
        attempts: u32,
        /// What reqwest reported, with the URL removed.
        #[source]
        source: reqwest::Error,
    },
    /// No complete response arrived within the timeout.
    #[error("request timed out after {attempts} attempt(s) (timeout {timeout:?} per attempt)")]
    Timeout {
        /// How many attempts were made, retries included.
        attempts: u32,
        /// The timeout that applied to each attempt.
        timeout: Duration,
    },
    /// A success response arrived, but its body did not match the documented schema.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The request was rejected on the client side before anything was sent.
    #[error(transparent)]
    InvalidRequest(InvalidRequest),
}

impl<E> Error<E> {
    /// The HTTP status of the response behind this error, if a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::Decode(decode) => Some(decode.status),
            _ => None,
        }
    }

    /// The typed error body, when the API answered with a documented error status.
    pub fn api_body(&self) -> Option<&E> {
        match self {
            Self::Api(api) => api.body.as_ref(),
            _ => None,
        }
    }
}

impl<E> From<InvalidRequest> for Error<E> {
    fn from(error: InvalidRequest) -> Self {
        Self::InvalidRequest(error)
    }
}

/// A response whose status is not a success.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// The response status.
    pub status: StatusCode,
    /// The response headers (request ids, rate-limit information, ...).
    pub headers: HeaderMap,
    /// The body decoded as the type the spec documents for this status. `None` when the status is
    /// not documented, the spec gives it no body, or the body did not match the documented type.
    pub body: Option<E>,
    /// The body exactly as received.
    pub raw_body: Bytes,
    /// How many attempts were made, retries included.
    pub attempts: u32,
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the API answered {}", self.status)?;
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        let snippet = snippet(&self.raw_body);
        if !snippet.is_empty() {
            write!(f, ": {snippet}")?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug> std::error::Error for ApiError<E> {}

/// A success response whose body could not be decoded.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// The response status.
    pub status: StatusCode,
    /// Where in the body decoding failed, as a serde path such as `data.expires_at`.
    pub path: String,
    /// What serde reported.
    pub message: String,
    /// The start of the body, for diagnosis.
    pub snippet: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode the {} response body at `{}`: {}; the body starts with {:?}",
            self.status, self.path, self.message, self.snippet
        )
    }
}

impl std::error::Error for DecodeError {}

/// A request that was refused on the client side, before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid request: {message}")]
pub struct InvalidRequest {
    message: String,
}

impl InvalidRequest {
    /// Creates the error from a message that names the offending parameter.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }

    /// The message, without the `invalid request:` prefix.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Decodes the documented error body that belongs to a response status.
///
/// Generated per operation, as an enum with one variant per documented error status.
pub trait ErrorBody: Sized {
    /// Decodes `body` for `status`, or returns `None` when the status is not documented or the
    /// body does not match.
    fn from_response(status: StatusCode, body: &[u8]) -> Option<Self>;
}

/// The error body type of operations whose spec documents no error responses.
///
/// It has no values, so `ApiError::body` is always `None` for such operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoErrorBody {}

impl ErrorBody for NoErrorBody {
    fn from_response(_: StatusCode, _: &[u8]) -> Option<Self> {
        None
    }
}

/// Decodes an error body; used by generated [`ErrorBody`] impls. An empty body decodes as JSON
/// `null`, so a documented body of type `()` or `Option<T>` accepts it.
pub fn decode_error_body<T: crate::FromJson>(body: &[u8]) -> Option<T> {
    crate::de::from_json(json_or_null(body)).ok()
}

/// The body to decode: the body itself, or `null` when it is empty or only whitespace.
pub(crate) fn json_or_null(body: &[u8]) -> &[u8] {
    if body.iter().all(u8::is_ascii_whitespace) { b"null" } else { body }
}

/// The first [`SNIPPET_CHARS`] characters of a body, lossily decoded as UTF-8.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(SNIPPET_CHARS * 4)]);
    let mut snippet: String = text.trim().chars().take(SNIPPET_CHARS).collect();
    if text.trim().chars().count() > SNIPPET_CHARS {
        snippet.push('…');
    }
    snippet
}

/// Checks a documented lower bound before a request is sent.
pub fn check_minimum<T: PartialOrd + fmt::Display>(
    name: &str,
    value: T,
    minimum: T,
    exclusive: bool,
) -> Result<(), InvalidRequest> {
    let ok = if exclusive { value > minimum } else { value >= minimum };
    if ok {
        return Ok(());
    }
    let relation = if exclusive { "greater than" } else { "at least" };
    Err(InvalidRequest::new(format!("`{name}` must be {relation} {minimum}, got {value}")))
}

/// Checks a documented upper bound before a request is sent.
pub fn check_maximum<T: PartialOrd + fmt::Display>(
    name: &str,
    value: T,
    maximum: T,
    exclusive: bool,
) -> Result<(), InvalidRequest> {
    let ok = if exclusive { value < maximum } else { value <= maximum };
    if ok {
        return Ok(());
    }
    let relation = if exclusive { "less than" } else { "at most" };
    Err(InvalidRequest::new(format!("`{name}` must be {relation} {maximum}, got {value}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_name_the_parameter_and_the_limit() {
        assert!(check_minimum("n", 1, 1, false).is_ok());
        assert!(check_maximum("n", 600, 600, false).is_ok());
        let low = check_minimum("expires_in_seconds", 0, 1, false).unwrap_err();
        assert_eq!(low.message(), "`expires_in_seconds` must be at least 1, got 0");
        let high = check_maximum("n", 601, 600, false).unwrap_err();
        assert_eq!(high.message(), "`n` must be at most 600, got 601");
        assert!(check_minimum("n", 1, 1, true).is_err());
        assert!(check_maximum("n", 5, 5, true).is_err());
    }

    #[test]
    fn snippets_are_short_and_trimmed() {
        assert_eq!(snippet(b"  {\"a\":1}\n"), "{\"a\":1}");
        let long = "x".repeat(1000);
        let cut = snippet(long.as_bytes());
        assert_eq!(cut.chars().count(), SNIPPET_CHARS + 1);
    }

    #[test]
    fn empty_error_bodies_decode_as_null() {
        assert_eq!(decode_error_body::<()>(b""), Some(()));
        assert_eq!(decode_error_body::<Option<u8>>(b" \n"), Some(None));
        assert_eq!(decode_error_body::<u8>(b"nope"), None);
    }
}
