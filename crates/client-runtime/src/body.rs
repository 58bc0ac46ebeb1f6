//! Request bodies other than JSON: files and `multipart/form-data` forms.

use std::fmt;

use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A file to upload: the bytes, and optionally a file name and a content type.
///
/// Fields the spec declares as binary (`format: binary`, or 3.1's `contentMediaType`) have this
/// type. In a `multipart/form-data` body it is sent as a file part. In the rare JSON body that has
/// one it is written as a string (the bytes read as UTF-8, invalid sequences replaced).
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A file part holding `bytes`, with no file name or content type.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Self { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// Sets the file name sent with the part (many servers require one).
    #[must_use]
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's content type, such as `image/png`.
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

impl fmt::Debug for FilePart {
    /// Shows the size and metadata, not the contents.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<Bytes> for FilePart {
    fn from(bytes: Bytes) -> Self {
        Self::new(bytes)
    }
}

impl Serialize for FilePart {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl crate::FromJson for FilePart {
    fn from_json(value: crate::Json<'_>) -> Result<Self, crate::JsonError> {
        String::from_json(value).map(|text| Self::new(text.into_bytes()))
    }
}

impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| Self::new(text.into_bytes()))
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
enum Part {
    Text { name: String, value: String },
    File { name: String, file: FilePart },
}

/// A `multipart/form-data` body. Kept as plain data rather than a `reqwest` form, so it can be
/// sent again when a request is retried.
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    #[must_use]
    pub fn text(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.parts.push(Part::Text { name: name.to_owned(), value: value.to_string() });
        self
    }

    /// Adds a field holding a value serialized as JSON, for objects inside a form.
    #[must_use]
    pub fn json<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        let value = serde_json::to_string(value).unwrap_or_default();
        self.text(name, value)
    }

    /// Adds a file.
    #[must_use]
    pub fn file(mut self, name: &str, file: &FilePart) -> Self {
        self.parts.push(Part::File { name: name.to_owned(), file: file.clone() });
        self
    }

    /// The form as reqwest sends it; built anew for every attempt.
    pub(crate) fn to_form(&self) -> Result<reqwest::multipart::Form, reqwest::Error> {
        let mut form = reqwest::multipart::Form::new();
        for part in &self.parts {
            form = match part {
                Part::Text { name, value } => form.text(name.clone(), value.clone()),
                Part::File { name, file } => {
                    let mut body = reqwest::multipart::Part::stream(file.bytes.clone());
                    if let Some(file_name) = &file.file_name {
                        body = body.file_name(file_name.clone());
                    }
                    if let Some(content_type) = &file.content_type {
                        body = body.mime_str(content_type)?;
                    }
                    form.part(name.clone(), body)
                }
            };
        }
        Ok(form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_parts_debug_without_their_contents() {
        let file = FilePart::new(b"secret pixels".to_vec()).file_name("a.png").content_type("image/png");
        let debug = format!("{file:?}");
        assert!(debug.contains("len: 13") && debug.contains("a.png") && !debug.contains("pixels"), "{debug}");
    }

    #[test]
    fn forms_are_rebuilt_for_each_attempt() {
        let form = Multipart::new().text("prompt", "a cat").file("data", &FilePart::new(vec![1, 2, 3]));
        assert!(form.to_form().is_ok());
        assert!(form.to_form().is_ok());
    }
}
