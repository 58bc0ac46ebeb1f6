//! [`Secret`]: a string that never shows itself in `Debug` output, logs or error messages.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret string: an API key, or a short-lived token minted by an API.
///
/// `Debug` prints `Secret([REDACTED])`, and there is deliberately no `Display`, so a secret cannot
/// end up in a log line or an error message by accident. The value is handed out only by
/// [`Secret::expose_secret`], and the memory holding it is zeroed when it is dropped.
///
/// Serializing a `Secret` writes the plain value (a request body has to carry it); deserializing
/// reads a plain JSON string.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// Returns the secret value. Every call site that reveals a secret is explicit and easy to
    /// find with `grep expose_secret`.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose_secret() == other.expose_secret()
    }
}

impl Eq for Secret {}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose_secret())
    }
}

impl crate::FromJson for Secret {
    fn from_json(value: crate::Json<'_>) -> Result<Self, crate::JsonError> {
        String::from_json(value).map(Self::from)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::new("sk-live-123");
        assert_eq!(format!("{secret:?}"), "Secret([REDACTED])");
        assert!(!format!("{:?}", Some(&secret)).contains("sk-live"));
    }

    #[test]
    fn round_trips_through_json_as_a_plain_string() {
        let secret: Secret = serde_json::from_str("\"ek_abc\"").unwrap();
        assert_eq!(secret.expose_secret(), "ek_abc");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"ek_abc\"");
    }
}
