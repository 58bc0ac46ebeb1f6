//! Decoding: a body is parsed once into a [`Json`] tree by code compiled once, here, and each
//! generated type turns that tree into itself with [`FromJson`], a plain, non-generic function.
//!
//! The usual design, a `Deserialize` impl per type, is generic over the deserializer, so every
//! type's decoder (and serde_json's parsing code inside it) is compiled again in the generated
//! crate for each deserializer it meets. For an API of Stripe's size that was most of a release
//! build. The tree borrows its keys and strings from the body where it can (a string with an
//! escape is the exception), and keeps an object's members in a plain list: parsing it costs
//! an allocation per object and array, and decoding from it gives every error its path
//! (`data.items[2].amount`) for free.
//!
//! Generated types still implement `Deserialize`, as a thin shim ([`deserialize`]) that reads a
//! tree with whatever deserializer it is given and decodes that.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Number, Value};

use crate::Nullable;

/// A parsed JSON value, as generated types decode from it: like a [`serde_json::Value`], but
/// its keys and strings borrow from the text it was parsed from where they can, and an
/// object's members stay a list in document order.
///
/// Built by parsing (it implements `Deserialize`) or from a `serde_json::Value`:
///
/// ```
/// use client_runtime::Json;
///
/// let json: Json = serde_json::from_str(r#"{"kind": "circle", "radius": 2}"#).unwrap();
/// assert_eq!(json.get("kind").and_then(Json::as_str), Some("circle"));
/// assert_eq!(Json::from(serde_json::json!({"radius": 2})).into_value(), serde_json::json!({"radius": 2}));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Json<'a>(Node<'a>);

#[derive(Debug, Clone, PartialEq)]
enum Node<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    /// The members in document order; a repeated key is kept twice, and the last one counts.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// `null`.
    pub const fn null() -> Self {
        Self(Node::Null)
    }

    /// An empty object.
    pub fn object() -> Self {
        Self(Node::Object(Vec::new()))
    }

    /// A string value.
    pub fn string(text: impl Into<Cow<'a, str>>) -> Self {
        Self(Node::String(text.into()))
    }

    /// The value of `key`, if this is an object that has it (the last one, if it is repeated).
    pub fn get(&self, key: &str) -> Option<&Self> {
        match &self.0 {
            Node::Object(members) => members.iter().rev().find(|(name, _)| name == key).map(|(_, value)| value),
            _ => None,
        }
    }

    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            Node::String(text) => Some(text),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.0, Node::Null)
    }

    /// The same value as a `serde_json::Value`.
    pub fn into_value(self) -> Value {
        match self.0 {
            Node::Null => Value::Null,
            Node::Bool(value) => Value::Bool(value),
            Node::Number(number) => Value::Number(number),
            Node::String(text) => Value::String(text.into_owned()),
            Node::Array(items) => Value::Array(items.into_iter().map(Json::into_value).collect()),
            Node::Object(members) => {
                Value::Object(members.into_iter().map(|(key, value)| (key.into_owned(), value.into_value())).collect())
            }
        }
    }
}

impl From<Value> for Json<'static> {
    fn from(value: Value) -> Self {
        Self(match value {
            Value::Null => Node::Null,
            Value::Bool(value) => Node::Bool(value),
            Value::Number(number) => Node::Number(number),
            Value::String(text) => Node::String(Cow::Owned(text)),
            Value::Array(items) => Node::Array(items.into_iter().map(Json::from).collect()),
            Value::Object(members) => {
                Node::Object(members.into_iter().map(|(key, value)| (Cow::Owned(key), Json::from(value))).collect())
            }
        })
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

/// Builds a [`Json`] from what a deserializer reports, borrowing what it lends.
struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Json(Node::Bool(value)))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Json(Node::Number(value.into())))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Json(Node::Number(value.into())))
    }

    fn visit_i128<E: serde::de::Error>(self, value: i128) -> Result<Self::Value, E> {
        match i64::try_from(value) {
            Ok(value) => self.visit_i64(value),
            Err(_) => self.visit_u128(u128::try_from(value).map_err(|_| E::custom("number out of range"))?),
        }
    }

    fn visit_u128<E: serde::de::Error>(self, value: u128) -> Result<Self::Value, E> {
        u64::try_from(value).map(|value| Json(Node::Number(value.into()))).map_err(|_| E::custom("number out of range"))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Self::Value, E> {
        // As `serde_json::Value` does: a float JSON cannot write (NaN, infinity) is `null`.
        Ok(Json(Number::from_f64(value).map_or(Node::Null, Node::Number)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Json(Node::String(Cow::Owned(value.to_owned()))))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Json(Node::String(Cow::Borrowed(value))))
    }

    fn visit_string<E>(self, value: String) -> Result<Self::Value, E> {
        Ok(Json(Node::String(Cow::Owned(value))))
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Json(Node::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Json::deserialize(deserializer)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Json(Node::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json(Node::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if members.is_empty() && key == NUMBER_TOKEN {
                // A number, as serde_json hands it over when an app turns on its
                // `arbitrary_precision` feature: its text under a key of its own.
                let text: Cow<'de, str> = map.next_value_seed(KeySeed)?;
                let number = text.parse().map_err(|_| serde::de::Error::custom("invalid number"))?;
                return Ok(Json(Node::Number(number)));
            }
            members.push((key, map.next_value()?));
        }
        Ok(Json(Node::Object(members)))
    }
}

/// The key under which serde_json's `arbitrary_precision` feature passes a number as its text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// An object's key (or other string), borrowed where the deserializer lends it.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_owned()))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(value))
    }

    fn visit_string<E>(self, value: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value))
    }
}

/// Decoding from a parsed JSON value ([`Json`]). Implemented by every generated type, by the
/// scalars, collections and wrappers generated types are built from, and by
/// `serde_json::Value`.
///
/// ```
/// use client_runtime::FromJson;
///
/// let counts = <std::collections::BTreeMap<String, Vec<u32>>>::from_value(serde_json::json!({"a": [1, 2]})).unwrap();
/// assert_eq!(counts["a"], [1, 2]);
/// let error = <Vec<u32>>::from_value(serde_json::json!([1, "two"])).unwrap_err();
/// assert_eq!(error.path(), "[1]");
/// assert_eq!(error.message(), r#"invalid type: string "two", expected u32"#);
/// ```
pub trait FromJson: Sized {
    /// Decodes a value.
    fn from_json(value: Json<'_>) -> Result<Self, JsonError>;

    /// Decodes a value from the fields of an object that an enclosing struct flattens it into
    /// (an `allOf` part). Structs take the fields they know, so that what they leave goes on to
    /// the next part and to a map of extra properties; any other type decodes from a copy of
    /// the fields left.
    fn from_fields(fields: &mut Fields<'_>) -> Result<Self, JsonError> {
        Self::from_json(fields.left())
    }

    /// Decodes a `serde_json::Value`.
    fn from_value(value: Value) -> Result<Self, JsonError> {
        Self::from_json(Json::from(value))
    }
}

/// Why a value did not decode, and where: the path from the top of the document.
#[derive(Clone, PartialEq, Eq)]
pub struct JsonError {
    /// The steps from the failing value up to the top, innermost first.
    steps: Vec<Step>,
    message: String,
}

#[derive(Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

impl JsonError {
    /// An error with a message of its own, at the current value.
    pub fn custom(message: impl fmt::Display) -> Self {
        Self { steps: Vec::new(), message: message.to_string() }
    }

    /// A value of the wrong kind: `invalid type: string "x", expected i64`, as serde words it.
    pub fn invalid_type(value: &Json<'_>, expected: &str) -> Self {
        Self::custom(format_args!("invalid type: {}, expected {expected}", Unexpected(value)))
    }

    /// A required key that the object does not have.
    pub fn missing_field(name: &str) -> Self {
        Self::custom(format_args!("missing field `{name}`"))
    }

    /// The error, one level down: inside the value of `key`.
    #[cold]
    pub fn at_key(mut self, key: &str) -> Self {
        self.steps.push(Step::Key(key.to_owned()));
        self
    }

    /// The error, one level down: inside the array item at `index`.
    #[cold]
    pub fn at_index(mut self, index: usize) -> Self {
        self.steps.push(Step::Index(index));
        self
    }

    /// Where the value that failed is, in serde-path-to-error's notation: `data.items[2].amount`,
    /// or `.` for the top level.
    pub fn path(&self) -> String {
        let mut path = String::new();
        for step in self.steps.iter().rev() {
            match step {
                Step::Key(key) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Step::Index(index) => {
                    path.push('[');
                    path.push_str(&index.to_string());
                    path.push(']');
                }
            }
        }
        if path.is_empty() { ".".to_owned() } else { path }
    }

    /// What was wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.steps.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{} at `{}`", self.message, self.path())
        }
    }
}

impl fmt::Debug for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonError").field("path", &self.path()).field("message", &self.message).finish()
    }
}

impl std::error::Error for JsonError {}

/// A value as serde's `Unexpected` names it in an error message.
struct Unexpected<'a, 'b>(&'a Json<'b>);

impl fmt::Display for Unexpected<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.0 {
            Node::Null => f.write_str("null"),
            Node::Bool(value) => write!(f, "boolean `{value}`"),
            Node::Number(number) if number.is_f64() => write!(f, "floating point `{number}`"),
            Node::Number(number) => write!(f, "integer `{number}`"),
            Node::String(text) => write!(f, "string {text:?}"),
            Node::Array(_) => f.write_str("sequence"),
            Node::Object(_) => f.write_str("map"),
        }
    }
}

/// The kinds of JSON value, which a generated union matches on to pick its variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number without a fraction or exponent that fits `i64` or `u64`.
    Integer,
    /// Any other number.
    Float,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl Kind {
    /// The kind of a value.
    pub fn of(value: &Json<'_>) -> Self {
        match &value.0 {
            Node::Null => Self::Null,
            Node::Bool(_) => Self::Bool,
            Node::Number(number) if number.is_f64() => Self::Float,
            Node::Number(_) => Self::Integer,
            Node::String(_) => Self::String,
            Node::Array(_) => Self::Array,
            Node::Object(_) => Self::Object,
        }
    }
}

/// The fields of an object that a generated struct decodes: each is taken out by name, and what
/// is left can be handed to a flattened part or collected as extra properties.
///
/// The readers return `None` when a field fails, and keep the first failure for [`Fields::error`]
/// (once one has failed, the others return `None` at once). A generated decoder reads every field
/// into one tuple and matches it: with `?` after each field instead, every field would need its
/// own exit that drops the fields read before it, and a struct's decoder would grow with the
/// square of its fields.
#[derive(Debug)]
pub struct Fields<'a> {
    /// The object's members sorted by key, each key once (the last of a repeated key is kept,
    /// as a map would); a field taken is `None`.
    members: Vec<(Cow<'a, str>, Option<Json<'a>>)>,
    error: Option<JsonError>,
}

impl<'a> Fields<'a> {
    /// The fields of `value`, which must be an object; `expecting` names the struct for the
    /// error (`struct Customer`).
    pub fn new(value: Json<'a>, expecting: &str) -> Result<Self, JsonError> {
        let Node::Object(members) = value.0 else { return Err(JsonError::invalid_type(&value, expecting)) };
        // Same size and alignment (`Option<Json>` fits in the unused tags of `Json`), so the
        // list is converted where it is.
        let mut members: Vec<(Cow<'a, str>, Option<Json<'a>>)> =
            members.into_iter().map(|(key, value)| (key, Some(value))).collect();
        // Stable, so a repeated key's members stay in document order; the last one is kept.
        members.sort_by(|a, b| a.0.cmp(&b.0));
        members.dedup_by(|later, kept| {
            let repeated = later.0 == kept.0;
            if repeated {
                std::mem::swap(later, kept);
            }
            repeated
        });
        Ok(Self { members, error: None })
    }

    /// A copy of the fields not taken yet, as an object.
    fn left(&self) -> Json<'a> {
        Json(Node::Object(self.members.iter().filter_map(|(key, value)| Some((key.clone(), value.clone()?))).collect()))
    }

    // The readers are generic, so there is one copy per field type; they are kept out of line
    // so that a struct's decoder stays one call per field rather than a copy of each. Each
    // writes out its own `match` on the decoded value: a shared helper ending in `.map(Some)`
    // or `.map(Nullable::Value)` was tried and made Stripe's `balance` 2% more LLVM IR.

    /// What a key holds, unless a field has already failed. Not generic: the readers below, of
    /// which there is a copy per field type, only match on it.
    #[inline(never)]
    fn slot(&mut self, key: &str) -> Slot<'a> {
        if self.error.is_some() {
            return Slot::Skip;
        }
        let Ok(index) = self.members.binary_search_by(|(name, _)| name.as_ref().cmp(key)) else { return Slot::Absent };
        match self.members[index].1.take() {
            None => Slot::Absent,
            Some(Json(Node::Null)) => Slot::Null,
            Some(value) => Slot::Value(value),
        }
    }

    /// Keeps the first failure.
    #[cold]
    #[inline(never)]
    fn failed(&mut self, error: JsonError) {
        self.error.get_or_insert(error);
    }

    /// Keeps a failure to decode the value of `key`.
    #[cold]
    #[inline(never)]
    fn failed_at(&mut self, error: JsonError, key: &str) {
        self.failed(error.at_key(key));
    }

    /// Takes a field the struct requires: a missing key is an error.
    #[inline(never)]
    pub fn required<T: FromJson>(&mut self, key: &str) -> Option<T> {
        let value = match self.slot(key) {
            Slot::Value(value) => value,
            Slot::Null => Json::null(),
            Slot::Absent => {
                self.failed(JsonError::missing_field(key));
                return None;
            }
            Slot::Skip => return None,
        };
        match T::from_json(value) {
            Ok(value) => Some(value),
            Err(error) => {
                self.failed_at(error, key);
                None
            }
        }
    }

    /// Takes a field that may be missing or `null`: both are `None`.
    #[inline(never)]
    pub fn option<T: FromJson>(&mut self, key: &str) -> Option<Option<T>> {
        let value = match self.slot(key) {
            Slot::Value(value) => value,
            Slot::Absent | Slot::Null => return Some(None),
            Slot::Skip => return None,
        };
        match T::from_json(value) {
            Ok(value) => Some(Some(value)),
            Err(error) => {
                self.failed_at(error, key);
                None
            }
        }
    }

    /// Takes a field whose missing key and `null` mean different things.
    #[inline(never)]
    pub fn nullable<T: FromJson>(&mut self, key: &str) -> Option<Nullable<T>> {
        let value = match self.slot(key) {
            Slot::Value(value) => value,
            Slot::Absent => return Some(Nullable::Absent),
            Slot::Null => return Some(Nullable::Null),
            Slot::Skip => return None,
        };
        match T::from_json(value) {
            Ok(value) => Some(Nullable::Value(value)),
            Err(error) => {
                self.failed_at(error, key);
                None
            }
        }
    }

    /// Decodes a part flattened into the struct from the fields left (see
    /// [`FromJson::from_fields`]).
    pub fn flattened<T: FromJson>(&mut self) -> Option<T> {
        if self.error.is_some() {
            return None;
        }
        match T::from_fields(self) {
            Ok(value) => Some(value),
            Err(error) => {
                self.failed(error);
                None
            }
        }
    }

    /// Every field left, each decoded as `T`: the properties beyond the ones the struct names.
    pub fn rest<T: FromJson>(&mut self) -> Option<BTreeMap<String, T>> {
        if self.error.is_some() {
            return None;
        }
        let mut rest = BTreeMap::new();
        for (key, value) in std::mem::take(&mut self.members) {
            let Some(value) = value else { continue };
            match T::from_json(value) {
                Ok(value) => rest.insert(key.into_owned(), value),
                Err(error) => {
                    self.failed_at(error, &key);
                    return None;
                }
            };
        }
        Some(rest)
    }

    /// The failure that made a reader return `None`.
    #[cold]
    pub fn error(&mut self) -> JsonError {
        self.error.take().unwrap_or_else(|| JsonError::custom("a field failed to decode"))
    }
}

/// What [`Fields`] found under a key.
enum Slot<'a> {
    /// A field has already failed: nothing is read.
    Skip,
    Absent,
    Null,
    Value(Json<'a>),
}

/// `Deserialize` for a [`FromJson`] type: reads a [`Json`] tree with the deserializer given and
/// decodes it. Generated types' `Deserialize` impls are this one call.
pub fn deserialize<'de, D: Deserializer<'de>, T: FromJson>(deserializer: D) -> Result<T, D::Error> {
    let value = Json::deserialize(deserializer)?;
    T::from_json(value).map_err(serde::de::Error::custom)
}

/// The text of a string value: what a string enum matches.
pub fn text<'v>(value: &'v Json<'_>) -> Result<&'v str, JsonError> {
    value.as_str().ok_or_else(|| JsonError::invalid_type(value, "a string"))
}

/// Where `value` is in `values`: how a string enum with many values finds its variant.
pub fn position(values: &[&str], value: &str) -> Option<usize> {
    values.iter().position(|candidate| *candidate == value)
}

/// The message an untagged union's error carries when no variant took a value several could.
pub fn no_variant(name: &str) -> JsonError {
    JsonError::custom(format_args!("data did not match any variant of untagged enum {name}"))
}

/// Parses a whole JSON document and decodes it; on failure, the path to where it failed
/// (`data.items[2]`, `.` for the top level) and the message.
pub(crate) fn from_json<T: FromJson>(body: &[u8]) -> Result<T, (String, String)> {
    let value: Json<'_> = serde_json::from_slice(body)
        .map_err(|error| (path_at(body, error.line(), error.column()), error.to_string()))?;
    T::from_json(value).map_err(|error| (error.path(), error.message))
}

impl FromJson for Json<'_> {
    fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
        Ok(Json(value.into_static()))
    }
}

impl Json<'_> {
    /// The same value, owning its strings.
    fn into_static(self) -> Node<'static> {
        match self.0 {
            Node::Null => Node::Null,
            Node::Bool(value) => Node::Bool(value),
            Node::Number(number) => Node::Number(number),
            Node::String(text) => Node::String(Cow::Owned(text.into_owned())),
            Node::Array(items) => Node::Array(items.into_iter().map(|item| Json(item.into_static())).collect()),
            Node::Object(members) => Node::Object(
                members
                    .into_iter()
                    .map(|(key, value)| (Cow::Owned(key.into_owned()), Json(value.into_static())))
                    .collect(),
            ),
        }
    }
}

impl FromJson for Value {
    fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
        Ok(value.into_value())
    }
}

impl FromJson for Map<String, Value> {
    fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
        let Node::Object(members) = value.0 else { return Err(JsonError::invalid_type(&value, "a map")) };
        Ok(members.into_iter().map(|(key, value)| (key.into_owned(), value.into_value())).collect())
    }
}

impl FromJson for String {
    fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
        match value.0 {
            Node::String(text) => Ok(text.into_owned()),
            _ => Err(JsonError::invalid_type(&value, "a string")),
        }
    }
}

impl FromJson for bool {
    fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
        match value.0 {
            Node::Bool(value) => Ok(value),
            _ => Err(JsonError::invalid_type(&value, "a boolean")),
        }
    }
}

impl FromJson for () {
    fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
        match value.0 {
            Node::Null => Ok(()),
            _ => Err(JsonError::invalid_type(&value, "unit")),
        }
    }
}

/// An integer of any width: read as `i64` or `u64`, then narrowed, as serde_json does.
fn integer<T: TryFrom<i64> + TryFrom<u64>>(value: &Json<'_>, name: &str) -> Result<T, JsonError> {
    let Node::Number(number) = &value.0 else { return Err(JsonError::invalid_type(value, name)) };
    let narrowed = if let Some(signed) = number.as_i64() {
        T::try_from(signed).ok()
    } else if let Some(unsigned) = number.as_u64() {
        T::try_from(unsigned).ok()
    } else {
        return Err(JsonError::invalid_type(value, name));
    };
    narrowed.ok_or_else(|| JsonError::custom(format_args!("invalid value: integer `{number}`, expected {name}")))
}

macro_rules! integers {
    ($($ty:ty),*) => {$(
        impl FromJson for $ty {
            fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
                integer(&value, stringify!($ty))
            }
        }
    )*};
}

integers!(i8, i16, i32, i64, u8, u16, u32, u64);

/// A number as `f64`.
fn float(value: &Json<'_>, name: &str) -> Result<f64, JsonError> {
    match &value.0 {
        Node::Number(number) => number.as_f64().ok_or_else(|| JsonError::invalid_type(value, name)),
        _ => Err(JsonError::invalid_type(value, name)),
    }
}

impl FromJson for f64 {
    fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
        float(&value, "f64")
    }
}

impl FromJson for f32 {
    #[allow(clippy::cast_possible_truncation)]
    fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
        float(&value, "f32").map(|value| value as f32)
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
        if value.is_null() { Ok(None) } else { T::from_json(value).map(Some) }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
        T::from_json(value).map(Box::new)
    }

    fn from_fields(fields: &mut Fields<'_>) -> Result<Self, JsonError> {
        T::from_fields(fields).map(Box::new)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
        match value.0 {
            // A plain loop: the iterator adapters that `collect` into a `Result` are several
            // times the code, and this is compiled once per item type.
            Node::Array(items) => {
                let mut decoded = Vec::with_capacity(items.len());
                for (index, item) in items.into_iter().enumerate() {
                    match T::from_json(item) {
                        Ok(item) => decoded.push(item),
                        Err(error) => return Err(error.at_index(index)),
                    }
                }
                Ok(decoded)
            }
            _ => Err(JsonError::invalid_type(&value, "a sequence")),
        }
    }
}

impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
        let Node::Object(members) = value.0 else { return Err(JsonError::invalid_type(&value, "a map")) };
        let mut map = BTreeMap::new();
        // A repeated key keeps its last value.
        for (key, value) in members {
            match T::from_json(value) {
                Ok(value) => map.insert(key.into_owned(), value),
                Err(error) => return Err(error.at_key(&key)),
            };
        }
        Ok(map)
    }
}

/// The path, in serde-path-to-error's notation (`data.items[2].amount`), of the innermost
/// value open at a 1-based line and column of a JSON document, as `serde_json` reports a
/// syntax error's position. A key is the key whose value was being read.
pub(crate) fn path_at(body: &[u8], line: usize, column: usize) -> String {
    enum Frame {
        Object { key: Option<String>, expect_key: bool },
        Array { index: usize },
    }
    let line_start = if line <= 1 {
        0
    } else {
        body.iter().enumerate().filter(|(_, byte)| **byte == b'\n').nth(line - 2).map_or(body.len(), |(i, _)| i + 1)
    };
    let end = line_start.saturating_add(column).min(body.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match body[i] {
            b'{' => stack.push(Frame::Object { key: None, expect_key: true }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { expect_key, .. }) = stack.last_mut() {
                    *expect_key = false;
                }
            }
            b'"' => {
                let mut close = i + 1;
                let mut escaped = false;
                while close < body.len() && (escaped || body[close] != b'"') {
                    escaped = !escaped && body[close] == b'\\';
                    close += 1;
                }
                if let Some(Frame::Object { key, expect_key: true }) = stack.last_mut() {
                    let raw = &body[i..(close + 1).min(body.len())];
                    *key = Some(serde_json::from_slice::<String>(raw).unwrap_or_else(|_| {
                        String::from_utf8_lossy(raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default())
                            .into_owned()
                    }));
                }
                i = close;
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None, .. } => break,
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() { ".".to_owned() } else { path }
}

/// `FromJson` through a type's derived `Deserialize`, for the runtime's own tests.
#[cfg(test)]
macro_rules! from_json_by_serde {
    ($($ty:ty),*) => {$(
        impl $crate::FromJson for $ty {
            fn from_json(value: $crate::Json<'_>) -> Result<Self, $crate::JsonError> {
                serde_json::from_value(value.into_value()).map_err($crate::JsonError::custom)
            }
        }
    )*};
}

#[cfg(test)]
pub(crate) use from_json_by_serde;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq)]
    struct Outer {
        data: Inner,
    }

    #[derive(Debug, PartialEq)]
    struct Inner {
        amount: u32,
        items: Vec<u32>,
        note: Option<String>,
    }

    impl FromJson for Outer {
        fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
            let mut fields = Fields::new(value, "struct Outer")?;
            fields.required("data").map(|data| Self { data }).ok_or_else(|| fields.error())
        }
    }

    impl FromJson for Inner {
        fn from_json(value: Json<'_>) -> Result<Self, JsonError> {
            Self::from_fields(&mut Fields::new(value, "struct Inner")?)
        }

        fn from_fields(fields: &mut Fields<'_>) -> Result<Self, JsonError> {
            match (fields.required("amount"), fields.required("items"), fields.option("note")) {
                (Some(amount), Some(items), Some(note)) => Ok(Self { amount, items, note }),
                _ => Err(fields.error()),
            }
        }
    }

    fn failure(body: &str) -> (String, String) {
        from_json::<Outer>(body.as_bytes()).unwrap_err()
    }

    #[test]
    fn paths_name_the_value_that_failed() {
        assert_eq!(failure(r#"{"data":{"amount":"x","items":[]}}"#).0, "data.amount");
        assert_eq!(failure(r#"{"data":{"amount":1,"items":[1,2,"x"]}}"#).0, "data.items[2]");
        // A missing field is reported at the object that lacks it.
        assert_eq!(failure(r#"{"data":{"amount":1}}"#), ("data".to_owned(), "missing field `items`".to_owned()));
        assert_eq!(failure("[]"), (".".to_owned(), "invalid type: sequence, expected struct Outer".to_owned()));
        // Syntax errors are placed by a scan of the text.
        assert_eq!(failure(r#"{"data":{"amount":1,"items":[]}} x"#).0, ".");
        assert_eq!(failure("{\n  \"data\": {\"amount\": 1,\n  \"items\": [1, 2 3]}}").0, "data.items[1]");
        assert_eq!(failure(r#"{"n\"[":"]{","data":{"amount":-,"items":[]}}"#).0, "data.amount");
    }

    #[test]
    fn messages_read_as_serde_words_them() {
        assert_eq!(failure(r#"{"data":{"amount":-1,"items":[]}}"#).1, "invalid value: integer `-1`, expected u32");
        assert_eq!(
            failure(r#"{"data":{"amount":1.5,"items":[]}}"#).1,
            "invalid type: floating point `1.5`, expected u32"
        );
        assert_eq!(failure(r#"{"data":{"amount":1,"items":{}}}"#).1, "invalid type: map, expected a sequence");
        let error = <Vec<bool>>::from_value(json!([true, null])).unwrap_err();
        assert_eq!(error.to_string(), "invalid type: null, expected a boolean at `[1]`");
    }

    #[test]
    fn unknown_keys_are_skipped_and_optional_ones_default() {
        let decoded = from_json::<Outer>(br#"{"data":{"amount":1,"items":[2],"extra":{}},"more":1}"#).unwrap();
        assert_eq!(decoded, Outer { data: Inner { amount: 1, items: vec![2], note: None } });
        let noted = Inner::from_value(json!({"amount": 1, "items": [], "note": "n"})).unwrap();
        assert_eq!(noted.note.as_deref(), Some("n"));
        assert_eq!(Inner::from_value(json!({"amount": 1, "items": [], "note": null})).unwrap().note, None);
    }

    #[test]
    fn flattened_structs_take_their_fields_and_the_rest_is_left() {
        let mut fields = Fields::new(Json::from(json!({"amount": 1, "items": [], "tier": "gold"})), "struct").unwrap();
        let inner: Inner = fields.flattened().unwrap();
        assert_eq!(inner.amount, 1);
        let rest: BTreeMap<String, String> = fields.rest().unwrap();
        assert_eq!(rest, BTreeMap::from([("tier".to_owned(), "gold".to_owned())]));
        // Anything else decodes from a copy of what is left.
        let mut fields = Fields::new(Json::from(json!({"a": 1})), "struct").unwrap();
        let copy: Map<String, Value> = fields.flattened().unwrap();
        assert_eq!(copy.len(), 1);
        assert_eq!(fields.rest::<u8>().unwrap().len(), 1);
    }

    #[test]
    fn the_first_failure_is_kept_and_the_rest_are_not_read() {
        let mut fields = Fields::new(Json::from(json!({"a": "x", "b": true, "c": 1})), "struct").unwrap();
        assert_eq!(fields.required::<u8>("a"), None);
        assert_eq!(fields.required::<bool>("b"), None, "not read once a field failed");
        assert_eq!(fields.option::<u8>("c"), None);
        let error = fields.error();
        assert_eq!((error.path().as_str(), error.message()), ("a", r#"invalid type: string "x", expected u8"#));
        let mut fields = Fields::new(Json::from(json!({"n": null})), "struct").unwrap();
        assert_eq!(fields.nullable::<u8>("n"), Some(Nullable::Null));
        assert_eq!(fields.nullable::<u8>("m"), Some(Nullable::Absent));
        assert_eq!(fields.option::<u8>("m"), Some(None));
        assert_eq!(fields.required::<u8>("m"), None);
        assert_eq!(fields.error().message(), "missing field `m`");
    }

    #[test]
    fn escaped_keys_and_strings_decode_as_the_text_says() {
        // Strings without escapes are borrowed from the body, the others unescaped into copies.
        let decoded = from_json::<Outer>(br#"{"d\u0061ta":{"amount":1,"items":[],"note":"a\"b\u00e9"}}"#).unwrap();
        assert_eq!(decoded.data.note.as_deref(), Some("a\"b\u{e9}"));
        // A reader lends nothing: every key and string is a copy.
        let mut reader = serde_json::Deserializer::from_reader(&br#"{"amount":1,"items":[],"note":"n"}"#[..]);
        let inner: Inner = deserialize(&mut reader).unwrap();
        assert_eq!(inner.note.as_deref(), Some("n"));
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value_everywhere() {
        let decoded =
            from_json::<Outer>(br#"{"data":{"amount":1,"items":[],"amount":2},"data":{"amount":3,"items":[]}}"#);
        assert_eq!(decoded.unwrap().data.amount, 3);
        let decoded = from_json::<Outer>(br#"{"data":{"amount":1,"items":[],"amount":2}}"#).unwrap();
        assert_eq!(decoded.data.amount, 2);
        // Nothing of the first is left over for the extra properties.
        let parsed: Json<'_> = serde_json::from_str(r#"{"b": 0, "a": 1, "b": 2}"#).unwrap();
        let mut fields = Fields::new(parsed, "struct").unwrap();
        assert_eq!(fields.required::<u8>("a"), Some(1));
        assert_eq!(fields.rest::<u8>().unwrap(), BTreeMap::from([("b".to_owned(), 2)]));
        let parsed: Json<'_> = serde_json::from_str(r#"{"k": 1, "k": 2}"#).unwrap();
        assert_eq!(parsed.get("k"), Some(&Json::from(json!(2))));
        assert_eq!(<BTreeMap<String, u8>>::from_json(parsed).unwrap(), BTreeMap::from([("k".to_owned(), 2)]));
    }

    #[test]
    fn numbers_passed_as_text_are_numbers() {
        // What serde_json produces for every number when an app enables `arbitrary_precision`
        // (the feature is global to a build, so it is not turned on here).
        let parsed: Json<'_> = serde_json::from_str(r#"{"n": {"$serde_json::private::Number": "12.5"}}"#).unwrap();
        assert_eq!(parsed.get("n"), Some(&Json::from(json!(12.5))));
        let parsed: Json<'_> = serde_json::from_str(r#"{"$serde_json::private::Number": "7"}"#).unwrap();
        assert_eq!(u8::from_json(parsed).unwrap(), 7);
        assert!(serde_json::from_str::<Json<'_>>(r#"{"$serde_json::private::Number": "x"}"#).is_err());
    }

    #[test]
    fn large_objects_are_found_by_key_in_any_order() {
        // Members in reverse order of their keys, more than a small sort handles in place.
        let text = format!("{{{}}}", (0..40).rev().map(|i| format!(r#""k{i:02}": {i}"#)).collect::<Vec<_>>().join(","));
        let parsed: Json<'_> = serde_json::from_str(&text).unwrap();
        let mut fields = Fields::new(parsed, "struct").unwrap();
        for i in [0_u8, 17, 39, 5] {
            assert_eq!(fields.required::<u8>(&format!("k{i:02}")), Some(i));
        }
        assert_eq!(fields.option::<u8>("k17"), Some(None), "a field is taken once");
        assert_eq!(fields.rest::<u8>().unwrap().len(), 36);
    }

    #[test]
    fn trees_convert_to_and_from_values() {
        let value = json!({"a": [1, -2, 2.5, "x", null, true], "b": {"c": {}}});
        assert_eq!(Json::from(value.clone()).into_value(), value);
        let text = value.to_string();
        let parsed: Json<'_> = serde_json::from_str(&text).unwrap();
        assert_eq!(Value::from_json(parsed.clone()).unwrap(), value);
        assert_eq!(<Json<'static>>::from_json(parsed).unwrap(), Json::from(value));
        // Anything but a struct flattened into one decodes from a copy of the fields left.
        let mut fields = Fields::new(Json::from(json!({"a": 1, "b": 2})), "struct").unwrap();
        assert_eq!(fields.required::<u8>("a"), Some(1));
        assert_eq!(fields.flattened::<Value>(), Some(json!({"b": 2})));
    }

    #[test]
    fn scalars_are_checked_and_narrowed() {
        assert_eq!(i64::from_value(json!(i64::MIN)).unwrap(), i64::MIN);
        assert_eq!(u64::from_value(json!(u64::MAX)).unwrap(), u64::MAX);
        assert!(i64::from_value(json!(u64::MAX)).is_err());
        assert!(i32::from_value(json!(1_i64 << 40)).is_err());
        assert_eq!(f64::from_value(json!(3)).unwrap(), 3.0);
        assert!(f64::from_value(json!("3")).is_err());
        assert_eq!(<()>::from_json(Json::null()).unwrap(), ());
        assert_eq!(Option::<u8>::from_json(Json::null()).unwrap(), None);
        assert_eq!(Kind::of(&Json::from(json!(1))), Kind::Integer);
        assert_eq!(Kind::of(&Json::from(json!(1.0))), Kind::Float);
        assert_eq!(Kind::of(&Json::from(json!(u64::MAX))), Kind::Integer);
    }

    #[test]
    fn the_deserialize_shim_reads_any_self_describing_input() {
        let mut deserializer = serde_json::Deserializer::from_str(r#"{"amount": 2, "items": [3]}"#);
        let inner: Inner = deserialize(&mut deserializer).unwrap();
        assert_eq!(inner.items, [3]);
        let mut deserializer = serde_json::Deserializer::from_str(r#"{"amount": 2, "items": ["x"]}"#);
        let error = deserialize::<_, Inner>(&mut deserializer).unwrap_err();
        assert!(error.to_string().starts_with("invalid type: string \"x\", expected u32 at `items[0]`"), "{error}");
    }
}
