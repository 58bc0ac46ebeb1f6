//! One interface over the APIs that mint short-lived tokens: [`MintToken`].
//!
//! A backend holds the real API key and mints a token that a browser or device may hold for a
//! short while. Each vendor does it its own way (where the lifetime goes, in which unit, where
//! the token and its expiry are in the answer); a generated client whose settings describe its
//! token operation implements [`MintToken`], so the caller asks every vendor the same thing and
//! gets the same answer back:
//!
//! ```no_run
//! use std::time::Duration;
//! use client_runtime::{MintToken, TokenRequest};
//!
//! async fn token_for_browser(client: &impl MintToken) -> Result<String, Box<dyn std::error::Error>> {
//!     let token = client.mint_token(&TokenRequest::with_lifetime(Duration::from_secs(120))).await?;
//!     println!("{} token, expires at {:?}", token.provider, token.expires_at);
//!     Ok(token.token.expose_secret().to_owned())
//! }
//! ```

use std::fmt;
use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::Secret;
use crate::error::{Error, NoErrorBody};

/// What to mint: nothing provider-specific, only the lifetime wanted.
///
/// Without a lifetime the vendor's own default applies (or, where the vendor requires one, the
/// default the client's settings chose: [`LifetimeRule::default`]). Options only one vendor has
/// stay on that vendor's typed operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenRequest {
    lifetime: Option<Duration>,
}

impl TokenRequest {
    /// A request for a token with the vendor's default lifetime.
    pub fn new() -> Self {
        Self::default()
    }

    /// A request for a token that lives `lifetime` (rounded up to whole seconds). A lifetime
    /// the vendor does not allow is refused before anything is sent.
    pub fn with_lifetime(lifetime: Duration) -> Self {
        Self { lifetime: Some(lifetime) }
    }

    /// The lifetime asked for, if any.
    pub fn lifetime(&self) -> Option<Duration> {
        self.lifetime
    }
}

/// A minted token: the secret itself, when it stops working, who minted it, and the vendor's
/// whole typed answer for anything else it says.
///
/// `Debug` shows neither the token nor the answer (which holds the token too).
#[non_exhaustive]
pub struct ShortLivedToken<R> {
    /// The token to hand to the browser or device.
    pub token: Secret,
    /// When the token expires, computed from what the vendor answered (relative seconds, an
    /// RFC 3339 time, epoch seconds); `None` when the vendor does not say. A relative expiry
    /// counts from just before the request was sent, so it is never later than the vendor's.
    pub expires_at: Option<SystemTime>,
    /// The provider's display name (`AssemblyAI`).
    pub provider: &'static str,
    /// The vendor's answer, typed as the operation returns it.
    pub response: R,
}

impl<R> ShortLivedToken<R> {
    /// Assembles a token; used by generated [`MintToken`] impls.
    pub fn new(provider: &'static str, token: Secret, expires_at: Option<SystemTime>, response: R) -> Self {
        Self { token, expires_at, provider, response }
    }

    /// How long the token has left, from now: `None` when the expiry is unknown, zero when it
    /// has passed.
    pub fn remaining(&self) -> Option<Duration> {
        self.expires_at.map(|at| at.duration_since(SystemTime::now()).unwrap_or_default())
    }
}

impl<R> fmt::Debug for ShortLivedToken<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShortLivedToken")
            .field("token", &self.token)
            .field("expires_at", &self.expires_at)
            .field("provider", &self.provider)
            .finish_non_exhaustive()
    }
}

/// What a vendor allows for a token's lifetime, from its spec and the client's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LifetimeRule {
    /// Whether the vendor takes a lifetime at all; when not, asking for one is an error.
    pub settable: bool,
    /// The shortest lifetime allowed (at least one second).
    pub min: Duration,
    /// The longest lifetime allowed, when the spec bounds it.
    pub max: Option<Duration>,
    /// The lifetime sent when none is asked for, where the vendor requires one; `None` where
    /// the vendor has a default of its own.
    pub default: Option<Duration>,
}

impl LifetimeRule {
    /// A vendor that takes no lifetime.
    pub const FIXED: Self = Self { settable: false, min: Duration::from_secs(1), max: None, default: None };

    /// A vendor that takes a lifetime in whole seconds between `min_seconds` and `max_seconds`,
    /// with `default_seconds` sent when none is asked for; used by generated impls.
    pub const fn seconds(min_seconds: u64, max_seconds: Option<u64>, default_seconds: Option<u64>) -> Self {
        let max = match max_seconds {
            Some(max) => Some(Duration::from_secs(max)),
            None => None,
        };
        let default = match default_seconds {
            Some(default) => Some(Duration::from_secs(default)),
            None => None,
        };
        let min = if min_seconds == 0 { 1 } else { min_seconds };
        Self { settable: true, min: Duration::from_secs(min), max, default }
    }

    /// The whole seconds to send for `request`: its lifetime rounded up, or the default;
    /// `None` to send nothing and let the vendor choose.
    ///
    /// # Errors
    ///
    /// When a lifetime is asked of a vendor that takes none, or it is outside the bounds.
    pub fn seconds_for(&self, provider: &'static str, request: &TokenRequest) -> Result<Option<i64>, LifetimeError> {
        let Some(requested) = request.lifetime else {
            return Ok(self.default.map(whole_seconds));
        };
        let refuse = |problem| Err(LifetimeError { provider, requested, rule: *self, problem });
        if !self.settable {
            return refuse(LifetimeProblem::NotSettable);
        }
        let seconds = whole_seconds(requested);
        let too_long = self.max.is_some_and(|max| seconds > whole_seconds(max));
        if seconds < whole_seconds(self.min) || too_long {
            return refuse(LifetimeProblem::OutOfRange);
        }
        Ok(Some(seconds))
    }

    /// Like [`LifetimeRule::seconds_for`], for a vendor that requires a lifetime: the seconds
    /// asked for, or the default.
    ///
    /// # Errors
    ///
    /// As `seconds_for`, and when none is asked for and the rule has no default.
    pub fn required_seconds_for(&self, provider: &'static str, request: &TokenRequest) -> Result<i64, LifetimeError> {
        self.seconds_for(provider, request)?.ok_or(LifetimeError {
            provider,
            requested: Duration::ZERO,
            rule: *self,
            problem: LifetimeProblem::Missing,
        })
    }
}

/// A duration in whole seconds, rounded up, saturating at `i64::MAX`.
fn whole_seconds(duration: Duration) -> i64 {
    let seconds = duration.as_secs().saturating_add(u64::from(duration.subsec_nanos() > 0));
    i64::try_from(seconds).unwrap_or(i64::MAX)
}

/// A lifetime the vendor does not allow, refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifetimeError {
    /// The provider's display name.
    pub provider: &'static str,
    /// The lifetime asked for.
    pub requested: Duration,
    /// What the vendor allows.
    pub rule: LifetimeRule,
    /// What is wrong with it.
    pub problem: LifetimeProblem,
}

/// Why a lifetime was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LifetimeProblem {
    /// The vendor's token operation takes no lifetime.
    NotSettable,
    /// The lifetime is shorter or longer than the vendor allows.
    OutOfRange,
    /// The vendor requires a lifetime, none was asked for, and there is no default.
    Missing,
}

impl fmt::Display for LifetimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { provider, requested, rule, problem } = self;
        match problem {
            LifetimeProblem::NotSettable => write!(
                f,
                "{provider} does not take a token lifetime, so a lifetime of {} s cannot be honoured; ask without one",
                whole_seconds(*requested)
            ),
            LifetimeProblem::Missing => {
                write!(f, "{provider} requires a token lifetime and none was asked for")
            }
            LifetimeProblem::OutOfRange => {
                write!(f, "{provider} allows a token lifetime of {} s", whole_seconds(rule.min))?;
                match rule.max {
                    Some(max) => write!(f, " to {} s", whole_seconds(max))?,
                    None => f.write_str(" or more")?,
                }
                write!(f, ", not {} s", whole_seconds(*requested))
            }
        }
    }
}

impl std::error::Error for LifetimeError {}

/// An answer that arrived and decoded, but does not hold a token (or an expiry) where the
/// client's settings say it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenResponseError {
    /// The provider's display name.
    pub provider: &'static str,
    /// The JSON pointer of the missing or unusable value (`/data/token`).
    pub pointer: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for TokenResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}'s token answer has no usable value at `{}`: {}", self.provider, self.pointer, self.message)
    }
}

impl std::error::Error for TokenResponseError {}

/// Why minting failed. `E` is the token operation's enum of documented error bodies, so a
/// vendor's 422 body is still there to read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MintError<E = NoErrorBody> {
    /// The lifetime asked for is not allowed; nothing was sent.
    #[error(transparent)]
    Lifetime(LifetimeError),
    /// The call failed: an error status, the transport, a timeout, or a body that did not
    /// match the spec.
    #[error(transparent)]
    Request(Error<E>),
    /// The answer holds no token, or an expiry that cannot be read.
    #[error(transparent)]
    Response(TokenResponseError),
}

impl<E> From<Error<E>> for MintError<E> {
    fn from(error: Error<E>) -> Self {
        Self::Request(error)
    }
}

impl<E> From<LifetimeError> for MintError<E> {
    fn from(error: LifetimeError) -> Self {
        Self::Lifetime(error)
    }
}

impl<E> From<TokenResponseError> for MintError<E> {
    fn from(error: TokenResponseError) -> Self {
        Self::Response(error)
    }
}

/// A client that mints short-lived tokens, generated for every API whose settings describe its
/// token operation. See the [module docs](self) for an example.
pub trait MintToken {
    /// The token operation's typed answer, kept in [`ShortLivedToken::response`].
    type Response: Send + 'static;
    /// The token operation's documented error bodies.
    type ErrorBody: fmt::Debug + Send + Sync + 'static;

    /// The provider's display name (`Decart`).
    fn provider(&self) -> &'static str;

    /// What the vendor allows for the lifetime.
    fn lifetime_rule(&self) -> LifetimeRule;

    /// Mints one token.
    ///
    /// # Errors
    ///
    /// [`MintError::Lifetime`] before anything is sent when the lifetime is not allowed;
    /// [`MintError::Request`] when the call fails; [`MintError::Response`] when the answer
    /// holds no token.
    fn mint_token(
        &self,
        request: &TokenRequest,
    ) -> impl Future<Output = Result<ShortLivedToken<Self::Response>, MintError<Self::ErrorBody>>> + Send;
}

/// How a vendor states a token's expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExpiryKind {
    /// Seconds from now.
    RelativeSeconds,
    /// Seconds since the Unix epoch (fractions allowed).
    EpochSeconds,
    /// An RFC 3339 / ISO 8601 time; one without an offset is read as UTC.
    Rfc3339,
}

/// An expiry as the answer holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ExpiryValue<'a> {
    /// A JSON number.
    Number(f64),
    /// A JSON string.
    Text(&'a str),
}

/// Reads an expiry; `sent_at` is when the request went out (relative expiries count from it).
///
/// # Errors
///
/// A value of the wrong kind, out of range, or a string that is not a time.
pub fn expires_at(
    provider: &'static str,
    pointer: &'static str,
    kind: ExpiryKind,
    value: ExpiryValue<'_>,
    sent_at: SystemTime,
) -> Result<SystemTime, TokenResponseError> {
    let fail = |message: String| TokenResponseError { provider, pointer, message };
    let seconds = |number: f64| {
        if (0.0..1e12).contains(&number) {
            Ok(Duration::from_secs_f64(number))
        } else {
            Err(fail(format!("{number} is not a usable number of seconds")))
        }
    };
    match (kind, value) {
        (ExpiryKind::RelativeSeconds, ExpiryValue::Number(number)) => Ok(sent_at + seconds(number)?),
        (ExpiryKind::EpochSeconds, ExpiryValue::Number(number)) => Ok(UNIX_EPOCH + seconds(number)?),
        (ExpiryKind::Rfc3339, ExpiryValue::Text(text)) => parse_time(text).ok_or_else(|| {
            let shown: String = text.chars().take(40).collect();
            fail(format!("{shown:?} is not an RFC 3339 time"))
        }),
        (ExpiryKind::Rfc3339, ExpiryValue::Number(number)) => {
            Err(fail(format!("expected an RFC 3339 time as a string, found the number {number}")))
        }
        (_, ExpiryValue::Text(_)) => Err(fail("expected a number of seconds, found a string".to_owned())),
    }
}

/// An RFC 3339 time with an offset, or an ISO 8601 date-time without one (read as UTC).
fn parse_time(text: &str) -> Option<SystemTime> {
    let timestamp = text.parse::<jiff::Timestamp>().ok().or_else(|| {
        let civil = text.parse::<jiff::civil::DateTime>().ok()?;
        jiff::tz::Offset::UTC.to_timestamp(civil).ok()
    })?;
    SystemTime::try_from(timestamp).ok()
}

/// The token at `pointer`, or an error naming it.
///
/// # Errors
///
/// When the answer has no token there, or an empty one.
pub fn required_token(
    provider: &'static str,
    pointer: &'static str,
    token: Option<&str>,
) -> Result<Secret, TokenResponseError> {
    match token {
        Some(token) if !token.is_empty() => Ok(Secret::new(token)),
        Some(_) => Err(TokenResponseError { provider, pointer, message: "the token is empty".to_owned() }),
        None => Err(TokenResponseError { provider, pointer, message: "the answer has no token there".to_owned() }),
    }
}

/// Seconds since the Unix epoch, `seconds` after `now`: a lifetime sent as an absolute time.
pub fn epoch_seconds_after(now: SystemTime, seconds: i64) -> i64 {
    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    i64::try_from(since_epoch).unwrap_or(i64::MAX).saturating_add(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDED: LifetimeRule = LifetimeRule::seconds(1, Some(600), Some(60));

    #[test]
    fn lifetimes_are_checked_against_the_rule() {
        let none = TokenRequest::new();
        assert_eq!(BOUNDED.seconds_for("P", &none), Ok(Some(60)));
        assert_eq!(LifetimeRule::seconds(1, None, None).seconds_for("P", &none), Ok(None));
        let asked = |millis| TokenRequest::with_lifetime(Duration::from_millis(millis));
        assert_eq!(BOUNDED.seconds_for("P", &asked(120_000)), Ok(Some(120)));
        assert_eq!(BOUNDED.seconds_for("P", &asked(1_500)), Ok(Some(2)), "rounded up");
        let error = BOUNDED.seconds_for("P", &asked(601_000)).unwrap_err();
        assert_eq!(error.to_string(), "P allows a token lifetime of 1 s to 600 s, not 601 s");
        let error = BOUNDED.seconds_for("P", &asked(0)).unwrap_err();
        assert_eq!(error.problem, LifetimeProblem::OutOfRange);
        let error = LifetimeRule::FIXED.seconds_for("P", &asked(5_000)).unwrap_err();
        assert!(error.to_string().contains("does not take a token lifetime"), "{error}");
        assert_eq!(LifetimeRule::FIXED.seconds_for("P", &none), Ok(None));
    }

    #[test]
    fn expiries_of_every_kind_become_absolute_times() {
        let sent = UNIX_EPOCH + Duration::from_secs(1_000);
        let at = |kind, value| expires_at("P", "/x", kind, value, sent);
        assert_eq!(at(ExpiryKind::RelativeSeconds, ExpiryValue::Number(60.0)), Ok(sent + Duration::from_secs(60)));
        assert_eq!(
            at(ExpiryKind::EpochSeconds, ExpiryValue::Number(1_700_000_000.5)),
            Ok(UNIX_EPOCH + Duration::from_millis(1_700_000_000_500))
        );
        let expected = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        for text in ["2026-01-01T00:00:00Z", "2026-01-01T01:00:00+01:00", "2026-01-01T00:00:00.000000"] {
            assert_eq!(at(ExpiryKind::Rfc3339, ExpiryValue::Text(text)), Ok(expected), "{text}");
        }
        let error = at(ExpiryKind::Rfc3339, ExpiryValue::Text("tomorrow")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "P's token answer has no usable value at `/x`: \"tomorrow\" is not an RFC 3339 time"
        );
        assert!(at(ExpiryKind::EpochSeconds, ExpiryValue::Number(-1.0)).is_err());
        assert!(at(ExpiryKind::EpochSeconds, ExpiryValue::Text("1")).is_err());
    }

    #[test]
    fn tokens_are_required_and_never_shown() {
        let token = ShortLivedToken::new("P", required_token("P", "/t", Some("tok-123")).unwrap(), None, "tok-123");
        assert!(!format!("{token:?}").contains("tok-123"), "{token:?}");
        assert!(required_token("P", "/t", None).unwrap_err().to_string().contains("`/t`"));
        assert!(required_token("P", "/t", Some("")).is_err());
        assert_eq!(epoch_seconds_after(UNIX_EPOCH + Duration::from_secs(100), 60), 160);
    }
}
