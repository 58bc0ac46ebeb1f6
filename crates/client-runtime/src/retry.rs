//! [`RetryPolicy`]: which failures are retried, and how long to wait between attempts.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// When and how often a failed request is sent again.
///
/// # Which failures are retried
///
/// A request that is safe to send twice is retried after a connection error, a timeout, a
/// connection that broke while the request or response was under way, and the statuses 408,
/// 409, 429 and 5xx. Safe to send twice are the methods HTTP defines as idempotent (GET, HEAD,
/// PUT, DELETE, OPTIONS and TRACE), and requests that carry an idempotency key (below).
///
/// Any other request (POST, PATCH, ...) might act twice if sent twice: mint two tokens, or
/// charge twice. It is retried only when the server cannot have acted on it: the connection
/// could not be made, so nothing was sent; or the server answered 429 Too Many Requests or
/// 503 Service Unavailable, which say it did not process the request. A timeout, a connection
/// that broke after the request went out, and the statuses 408, 409, 500, 502 and 504 are
/// final for it, since the server may have acted.
///
/// Every other status is final.
///
/// # Idempotency keys
///
/// When the API has an idempotency header (named by [`crate::ProviderInfo::idempotency_header`],
/// which a generated crate takes from its provider settings), each call with a method that is
/// not idempotent carries a fresh random key (a UUID v4) in that header, the same key on each of
/// its retries, so the server acts on the call at most once; such calls are retried like
/// idempotent ones. A value the caller set for that header (a default header, or a header
/// parameter) is sent as it is, never replaced, and the call is retried like idempotent ones too.
///
/// # Waits
///
/// Waits grow exponentially from [`RetryPolicy::initial_backoff`] with random jitter, up to
/// [`RetryPolicy::max_backoff`]; a `Retry-After` header (seconds or an HTTP date) takes
/// precedence, up to [`RetryPolicy::max_retry_after`]. [`RetryPolicy::default`] states the
/// defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Two retries, starting at 500 ms and doubling up to 8 s; `Retry-After` honoured up to 60 s.
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// Sets how many times a request is retried after the first attempt.
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the wait before the first retry; later waits double.
    #[must_use]
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// Sets the longest wait computed by exponential backoff.
    #[must_use]
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// Sets the longest `Retry-After` that is honoured; longer values are cut to this.
    #[must_use]
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// How many retries follow the first attempt.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// Whether a response with this status is worth another attempt of a request that is safe
    /// to send twice. A request that is not is retried on fewer statuses: see [`RetryPolicy`].
    pub fn is_retryable_status(status: StatusCode) -> bool {
        matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
    }

    /// Whether a response with this status is worth another attempt of a request sent as
    /// `replay` allows.
    pub(crate) fn retries_status(status: StatusCode, replay: Replay) -> bool {
        match replay {
            Replay::Safe => Self::is_retryable_status(status),
            // The server says it did not process the request.
            Replay::IfUnprocessed => matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE),
        }
    }

    /// Whether an attempt that got no response is worth repeating, given its error.
    pub(crate) fn retries_transport_error(error: &reqwest::Error, replay: Replay) -> bool {
        match replay {
            Replay::Safe => error.is_timeout() || error.is_connect() || error.is_request() || error.is_body(),
            // Only a failed connect is sure to have sent nothing (a connect timeout included).
            Replay::IfUnprocessed => error.is_connect(),
        }
    }

    /// Whether an attempt cut off by the client's own timeout is worth repeating: the request
    /// may have been sent and acted on, so only when that is safe.
    pub(crate) fn retries_timeout(replay: Replay) -> bool {
        replay == Replay::Safe
    }

    /// The wait before retry number `retry` (1 for the first retry), given the failed response's
    /// headers if there was a response.
    pub(crate) fn wait_before(&self, retry: u32, headers: Option<&HeaderMap>) -> Duration {
        if let Some(wait) = headers.and_then(retry_after) {
            return wait.min(self.max_retry_after);
        }
        let exponent = retry.saturating_sub(1).min(20);
        let full = self.initial_backoff.saturating_mul(1 << exponent).min(self.max_backoff);
        // "Equal jitter": half the wait is fixed, half is random, so retries from many clients
        // spread out without ever collapsing to zero.
        let half = full / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Whether a request may be sent again when an attempt may have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Sending it twice has the effect of sending it once: its method is idempotent, or it
    /// carries an idempotency key. Every retryable failure is retried.
    Safe,
    /// Sending it twice might act twice. Retried only when the server cannot have acted on it.
    IfUnprocessed,
}

impl Replay {
    /// How a request with this method may be replayed, given whether it carries an idempotency
    /// key.
    pub(crate) fn of(method: &Method, has_idempotency_key: bool) -> Self {
        if has_idempotency_key || is_idempotent(method) { Self::Safe } else { Self::IfUnprocessed }
    }
}

/// Whether sending a request with this method twice has the effect of sending it once: GET,
/// HEAD, PUT, DELETE, OPTIONS and TRACE, the idempotent methods of RFC 9110, section 9.2.2. They
/// are listed rather than taken from `Method::is_idempotent`, which counts methods defined
/// since (such as QUERY).
pub(crate) fn is_idempotent(method: &Method) -> bool {
    [Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS, Method::TRACE].contains(method)
}

/// Parses `Retry-After` as delay-seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        headers
    }

    #[test]
    fn retryable_statuses() {
        for status in [408, 409, 429, 500, 502, 503, 504] {
            assert!(RetryPolicy::is_retryable_status(StatusCode::from_u16(status).unwrap()));
        }
        for status in [400, 401, 403, 404, 422] {
            assert!(!RetryPolicy::is_retryable_status(StatusCode::from_u16(status).unwrap()));
        }
    }

    #[test]
    fn requests_that_may_act_twice_retry_only_statuses_that_say_nothing_was_done() {
        let status = |code| StatusCode::from_u16(code).unwrap();
        for code in [429, 503] {
            assert!(RetryPolicy::retries_status(status(code), Replay::IfUnprocessed), "{code}");
        }
        for code in [400, 408, 409, 422, 500, 502, 504] {
            assert!(!RetryPolicy::retries_status(status(code), Replay::IfUnprocessed), "{code}");
        }
        for code in [408, 409, 429, 500, 502, 503, 504] {
            assert!(RetryPolicy::retries_status(status(code), Replay::Safe), "{code}");
        }
        assert!(RetryPolicy::retries_timeout(Replay::Safe));
        assert!(!RetryPolicy::retries_timeout(Replay::IfUnprocessed));
    }

    #[test]
    fn idempotent_methods_and_keyed_requests_are_safe_to_replay() {
        for method in [Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS, Method::TRACE] {
            assert_eq!(Replay::of(&method, false), Replay::Safe, "{method}");
        }
        let query = Method::from_bytes(b"QUERY").unwrap();
        for method in [Method::POST, Method::PATCH, Method::CONNECT, query] {
            assert_eq!(Replay::of(&method, false), Replay::IfUnprocessed, "{method}");
            assert_eq!(Replay::of(&method, true), Replay::Safe, "{method}");
        }
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let policy = RetryPolicy::default();
        for _ in 0..50 {
            let first = policy.wait_before(1, None);
            assert!(first >= Duration::from_millis(250) && first <= Duration::from_millis(500));
            let third = policy.wait_before(3, None);
            assert!(third >= Duration::from_secs(1) && third <= Duration::from_secs(2));
            let late = policy.wait_before(30, None);
            assert!(late <= Duration::from_secs(8));
        }
    }

    #[test]
    fn retry_after_seconds_and_dates_are_honoured_up_to_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.wait_before(1, Some(&headers("3"))), Duration::from_secs(3));
        assert_eq!(policy.wait_before(1, Some(&headers("3600"))), Duration::from_secs(60));
        let in_ten = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(10));
        let wait = policy.wait_before(1, Some(&headers(&in_ten)));
        assert!(wait > Duration::from_secs(8) && wait <= Duration::from_secs(10), "{wait:?}");
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(10));
        assert_eq!(policy.wait_before(1, Some(&headers(&past))), Duration::ZERO);
    }
}
