//! Decoding: every JSON body, event and buffered union value goes through one decoder,
//! `serde_json`'s over a byte slice, so that each generated type's `Deserialize` impl is
//! compiled for that one deserializer and no other; and building blocks that keep the generic
//! part of generated impls small.
//!
//! Where decoding fails is recovered from the error's line and column by [`path_at`], a small
//! scan of the body that runs only on failure, instead of wrapping the deserializer to track
//! the path on every call (which would be a second instantiation of every type's decoder).

use std::borrow::Cow;
use std::fmt;

use serde::Deserializer;
use serde::de::{DeserializeOwned, Visitor};

/// Decodes a whole JSON document; on failure, the path to where it failed (`data.items[2]`,
/// `.` for the top level) and serde's message.
pub(crate) fn from_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, (String, String)> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    T::deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value))
        .map_err(|error| (path_at(body, error.line(), error.column()), error.to_string()))
}

/// Decodes a value that an untagged or discriminated union buffered, with the same decoder as
/// a body, so that the variant types are not compiled for a second one.
pub fn buffered<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, serde_json::Error> {
    serde_json::from_slice(&serde_json::to_vec(value)?)
}

/// The path, in serde-path-to-error's notation (`data.items[2].amount`), of the innermost
/// value open at a 1-based line and column of a JSON document, as `serde_json` reports an
/// error's position. A key is the key whose value was being read; a value that was complete
/// when the error came (a missing field is reported after its object closes) is named by its
/// own key.
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

/// Reads a string, borrowed from the input when the deserializer can lend it.
///
/// A generated string enum decodes with this and matches the text in a non-generic `From<&str>`,
/// which keeps a 300-variant enum to one small function per deserializer.
pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Cow<'de, str>, D::Error> {
    deserializer.deserialize_str(StringVisitor)
}

/// An object key as a generated struct's decoder reads it: borrowed when the input allows.
///
/// Every generated struct reads its keys as this one type, so the key-reading code is compiled
/// once per deserializer rather than once per struct.
#[derive(Debug)]
pub struct Key<'de>(Cow<'de, str>);

impl std::ops::Deref for Key<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        string(deserializer).map(Key)
    }
}

/// Reads the value of a struct's field into its slot; a key that comes twice is an error, as
/// in serde's derived decoders.
pub fn field<'de, A, T>(map: &mut A, slot: &mut Option<T>, name: &'static str) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: serde::Deserialize<'de>,
{
    if slot.is_some() {
        return Err(serde::de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a key a struct does not know.
pub fn skip<'de, A: serde::de::MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<serde::de::IgnoredAny>().map(|_| ())
}

struct StringVisitor;

impl<'de> Visitor<'de> for StringVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(value))
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value))
    }

    fn visit_borrowed_bytes<E: serde::de::Error>(self, value: &'de [u8]) -> Result<Self::Value, E> {
        std::str::from_utf8(value)
            .map(Cow::Borrowed)
            .map_err(|_| E::invalid_value(serde::de::Unexpected::Bytes(value), &self))
    }

    fn visit_bytes<E: serde::de::Error>(self, value: &[u8]) -> Result<Self::Value, E> {
        std::str::from_utf8(value)
            .map(|text| Cow::Owned(text.to_owned()))
            .map_err(|_| E::invalid_value(serde::de::Unexpected::Bytes(value), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        data: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        amount: u32,
        items: Vec<u32>,
    }

    fn failure(body: &str) -> String {
        from_json::<Outer>(body.as_bytes()).unwrap_err().0
    }

    #[test]
    fn paths_name_the_value_that_failed() {
        assert_eq!(failure(r#"{"data":{"amount":"x","items":[]}}"#), "data.amount");
        assert_eq!(failure(r#"{"data":{"amount":1,"items":[1,2,"x"]}}"#), "data.items[2]");
        // A missing field is reported once its object has closed: the object is the path.
        assert_eq!(failure(r#"{"data":{"amount":1}}"#), "data");
        assert_eq!(failure(r#"{"data":{"amount":1,"items":[]}} x"#), ".");
        assert_eq!(failure("{\n  \"data\": {\"amount\": 1,\n  \"items\": [1, true]}}"), "data.items[1]");
        // Keys with escapes and brackets inside strings do not confuse the scan.
        assert_eq!(failure(r#"{"n\"[":"]{","data":{"amount":-1,"items":[]}}"#), "data.amount");
    }

    #[test]
    fn borrows_plain_strings_and_owns_escaped_ones() {
        let mut plain = serde_json::Deserializer::from_str(r#""card""#);
        assert!(matches!(string(&mut plain).unwrap(), Cow::Borrowed("card")));
        let mut escaped = serde_json::Deserializer::from_str(r#""ca\nrd""#);
        assert!(matches!(string(&mut escaped).unwrap(), Cow::Owned(text) if text == "ca\nrd"));
    }

    #[test]
    fn fields_refuse_a_second_value() {
        let mut deserializer = serde_json::Deserializer::from_str(r#"{"id":"a","id":"b"}"#);
        struct Ids;
        impl<'de> Visitor<'de> for Ids {
            type Value = Option<String>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut id = None;
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    match &*key {
                        "id" => field(&mut map, &mut id, "id")?,
                        _ => skip(&mut map)?,
                    }
                }
                Ok(id)
            }
        }
        let error = deserializer.deserialize_map(Ids).unwrap_err();
        assert!(error.to_string().starts_with("duplicate field `id`"), "{error}");
    }

    #[test]
    fn refuses_what_is_not_a_string() {
        let error = string(&mut serde_json::Deserializer::from_str("42")).unwrap_err();
        assert!(error.to_string().contains("expected a string"), "{error}");
    }
}
