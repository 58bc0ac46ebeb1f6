//! [`RetryPolicy`]: which failures are retried, and how long to wait between attempts.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// When and how often a failed request is sent again.
///
/// Retried: connection errors, timeouts, and the statuses 408, 409, 429 and 5xx. Every other
/// status is final. Waits grow exponentially from [`RetryPolicy::initial_backoff`] with random
/// jitter, up to [`RetryPolicy::max_backoff`]; a `Retry-After` header (seconds or an HTTP date)
/// takes precedence, up to [`RetryPolicy::max_retry_after`].
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

    /// Whether a response with this status is worth another attempt.
    pub fn is_retryable_status(status: StatusCode) -> bool {
        matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
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
