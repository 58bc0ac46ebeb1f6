//! [`Nullable`]: a field that may be absent, `null`, or a value, each of which means something
//! different on the wire.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field the spec marks both optional and nullable: it has three states on the wire, and
/// they mean different things to most APIs. In a PATCH body, leaving a field out keeps it,
/// while `null` clears it; in a response, a missing key is "not sent" and `null` is "empty".
///
/// ```
/// use client_runtime::Nullable;
///
/// # #[derive(serde::Serialize, serde::Deserialize, Default)]
/// # struct Update {
/// #     #[serde(default, skip_serializing_if = "Nullable::is_absent")]
/// #     nickname: Nullable<String>,
/// # }
/// // Generated structs skip an absent field and write `null` for a null one.
/// let keep = Update { nickname: Nullable::Absent };
/// let clear = Update { nickname: Nullable::Null };
/// let set = Update { nickname: "Ada".to_owned().into() };
/// assert_eq!(serde_json::to_string(&keep).unwrap(), "{}");
/// assert_eq!(serde_json::to_string(&clear).unwrap(), r#"{"nickname":null}"#);
/// assert_eq!(serde_json::to_string(&set).unwrap(), r#"{"nickname":"Ada"}"#);
///
/// // Reading keeps the three apart.
/// let read: Update = serde_json::from_str(r#"{"nickname":null}"#).unwrap();
/// assert!(read.nickname.is_null());
/// let read: Update = serde_json::from_str("{}").unwrap();
/// assert!(read.nickname.is_absent());
/// ```
///
/// Why an enum rather than `Option<Option<T>>`: the states have names at the call site
/// (`Nullable::Null` rather than `Some(None)`), a value converts with `.into()`, and the
/// default is `Absent`, so `..Default::default()` leaves such fields out, as before.
///
/// Fields that are required and nullable stay `Option<T>` (always sent, `None` as `null`), and
/// fields that are optional and not nullable stay `Option<T>` (left out when `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// Not sent, or not received: the key is left out.
    #[default]
    Absent,
    /// Sent or received as `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the field is left out. Generated structs skip such fields when serializing.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the field is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Whether the field holds a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Self::Value(_))
    }

    /// Borrows the value: `Nullable<&T>`.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(value),
        }
    }

    /// The value, if there is one; absent and `null` are both `None`.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value, if there is one, by value; absent and `null` are both `None`.
    pub fn into_value(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// Maps the value, keeping absent and `null` as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(f(value)),
        }
    }

    /// `null` for `None`, the value for `Some`: for sending an `Option` where `None` means
    /// "clear it".
    pub fn null_if_none(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Value)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    /// A value as itself, and `null` as `null`. Absent is also written as `null` when the
    /// container cannot leave it out (generated structs skip it with `skip_serializing_if`).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => serializer.serialize_some(value),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    /// `null` is [`Nullable::Null`] and anything else a value; a missing key is
    /// [`Nullable::Absent`] through the field's `#[serde(default)]`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.map_or(Self::Null, Self::Value))
    }
}

impl<T: crate::FromJson> crate::FromJson for Nullable<T> {
    /// `null` is [`Nullable::Null`] and anything else a value; generated structs decode a
    /// missing key as [`Nullable::Absent`].
    fn from_json(value: crate::Json<'_>) -> Result<Self, crate::JsonError> {
        if value.is_null() { Ok(Self::Null) } else { T::from_json(value).map(Self::Value) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        nickname: Nullable<String>,
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        tags: Nullable<Vec<Option<u8>>>,
    }

    #[test]
    fn the_three_states_round_trip() {
        for (patch, wire) in [
            (Patch::default(), json!({})),
            (Patch { nickname: Nullable::Null, ..Default::default() }, json!({"nickname": null})),
            (Patch { nickname: "Ada".to_owned().into(), ..Default::default() }, json!({"nickname": "Ada"})),
            (Patch { tags: vec![Some(1), None].into(), ..Default::default() }, json!({"tags": [1, null]})),
        ] {
            assert_eq!(serde_json::to_value(&patch).unwrap(), wire);
            assert_eq!(serde_json::from_value::<Patch>(wire).unwrap(), patch);
        }
        assert!(serde_json::from_value::<Patch>(json!({"nickname": 3})).is_err());
    }

    #[test]
    fn accessors_name_the_states() {
        let value: Nullable<u8> = 7.into();
        assert_eq!((value.is_value(), value.value(), value.map(|v| v * 2)), (true, Some(&7), Nullable::Value(14)));
        assert_eq!(Nullable::<u8>::Null.into_value(), None);
        assert!(Nullable::<u8>::default().is_absent());
        assert_eq!(Nullable::null_if_none(None::<u8>), Nullable::Null);
        assert_eq!(Nullable::Value(String::from("a")).as_ref(), Nullable::Value(&String::from("a")));
    }
}
