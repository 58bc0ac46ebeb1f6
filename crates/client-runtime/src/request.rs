//! [`Request`]: what a generated operation hands to [`crate::ClientCore`] to send.

use std::fmt;

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use serde::Serialize;

use crate::body::Multipart;
use crate::error::InvalidRequest;
use crate::provider::Credential;

/// A request body, kept so it can be sent again on retry.
#[derive(Clone)]
pub(crate) enum Body {
    /// Bytes with their content type (JSON, form-encoded, text or binary), checked as a header
    /// value when the body was set.
    Bytes(Bytes, HeaderValue),
    /// A `multipart/form-data` form.
    Multipart(Multipart),
}

/// Characters a path segment keeps as they are: RFC 3986 "unreserved". Everything else,
/// including `/`, is percent-encoded, so a parameter value can never change the path's shape.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes one path parameter value.
pub fn encode_path_segment(value: &str) -> String {
    utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// How an operation presents a credential, as its spec's security scheme says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// The key, as it is, in the named header (`type: apiKey, in: header`).
    Header(&'static str),
    /// `Authorization: Bearer <key>` (`type: http, scheme: bearer`).
    Bearer,
    /// `Authorization: Basic <base64(key:)>`: the key as the user name with an empty password
    /// (`type: http, scheme: basic`, as Stripe uses it).
    Basic,
    /// The key in the named query parameter (`type: apiKey, in: query`).
    Query(&'static str),
    /// The key as the named cookie (`type: apiKey, in: cookie`).
    Cookie(&'static str),
}

/// Which of the client's credentials an [`Auth`] presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    /// The API key.
    ApiKey,
    /// A [`Credential`], by its name.
    Named(&'static str),
}

/// One HTTP request, described by a generated operation and sent by [`crate::ClientCore::send`].
///
/// Building never fails: a value that cannot be sent (a header with a newline, a body that does
/// not serialize) is remembered and reported as [`crate::Error::InvalidRequest`] by `send`,
/// before anything goes over the network.
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Option<Body>,
    /// Every credential the operation sends, and how: several when its security requirement
    /// combines schemes.
    pub(crate) auth: Vec<(Key, Auth)>,
    pub(crate) error: Option<InvalidRequest>,
}

impl fmt::Debug for Request {
    /// Shows the shape of the request, never header values or the body, which may hold secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path_template", &self.path_template)
            .field("path", &self.path)
            .field("query", &self.query.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>())
            .field("headers", &self.headers.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .field("has_body", &self.body.is_some())
            .field("auth", &self.auth)
            .finish()
    }
}

impl Request {
    /// Starts a request for `path_template`, such as `/videos/{video_id}`.
    pub fn new(method: Method, path_template: &'static str) -> Self {
        Self {
            method,
            path_template,
            path: path_template.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            auth: Vec::new(),
            error: None,
        }
    }

    /// Fills the `{name}` placeholder of the path with the percent-encoded value.
    #[must_use]
    pub fn path_param(mut self, name: &str, value: impl fmt::Display) -> Self {
        let placeholder = format!("{{{name}}}");
        self.path = self.path.replace(&placeholder, &encode_path_segment(&value.to_string()));
        self
    }

    /// Adds a query parameter.
    #[must_use]
    pub fn query(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.query.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds a query parameter when it has a value.
    #[must_use]
    pub fn query_opt(self, name: &'static str, value: Option<impl fmt::Display>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Adds a query parameter once per value (`?tag=a&tag=b`, OpenAPI's default `form` style).
    #[must_use]
    pub fn query_each<T: fmt::Display>(mut self, name: &'static str, values: impl IntoIterator<Item = T>) -> Self {
        for value in values {
            self = self.query(name, value);
        }
        self
    }

    /// Adds a query parameter of any shape, flattened the way OpenAPI's defaults describe:
    /// scalars as they are, arrays as repeated parameters (`form`, exploded), and objects as
    /// `name[key]=value` (`deepObject`), nesting as deep as the value does. `null` is omitted.
    #[must_use]
    pub fn query_serialized<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => flatten_query(name, &value, &mut |key, value| self.query.push((key, value))),
            Err(error) => self.fail(format!("query parameter `{name}` could not be serialized: {error}")),
        }
        self
    }

    /// Adds a header parameter.
    #[must_use]
    pub fn header(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value.to_string())) {
            (Ok(name), Ok(value)) => self.headers.push((name, value)),
            _ => self.fail(format!("header parameter `{name}` holds a value that cannot be sent in an HTTP header")),
        }
        self
    }

    /// Adds a header parameter that is a list, written comma-separated as OpenAPI's `simple`
    /// style says (`a,b,c`); an empty list sends no header.
    #[must_use]
    pub fn header_list<T: fmt::Display>(self, name: &'static str, values: impl IntoIterator<Item = T>) -> Self {
        let joined = values.into_iter().map(|value| value.to_string()).collect::<Vec<_>>().join(",");
        if joined.is_empty() { self } else { self.header(name, joined) }
    }

    /// Adds a query parameter whose spec describes it with `content: application/json`: the
    /// value as JSON text. `None` adds nothing.
    #[must_use]
    pub fn query_json<T: Serialize + ?Sized>(self, name: &'static str, value: Option<&T>) -> Self {
        self.with_json("query", name, value, |request, text| request.query(name, text))
    }

    /// Adds a header parameter whose spec describes it with `content: application/json`: the
    /// value as JSON text. `None` adds nothing.
    #[must_use]
    pub fn header_json<T: Serialize + ?Sized>(self, name: &'static str, value: Option<&T>) -> Self {
        self.with_json("header", name, value, |request, text| request.header(name, text))
    }

    /// Writes `value` as JSON text and hands it to `add`; a value that cannot be written makes
    /// the request fail before it is sent.
    fn with_json<T: Serialize + ?Sized>(
        mut self,
        place: &str,
        name: &str,
        value: Option<&T>,
        add: impl FnOnce(Self, String) -> Self,
    ) -> Self {
        let Some(value) = value else { return self };
        match serde_json::to_string(value) {
            Ok(text) => add(self, text),
            Err(error) => {
                self.fail(format!("{place} parameter `{name}` could not be written as JSON: {error}"));
                self
            }
        }
    }

    /// Adds a header parameter when it has a value.
    #[must_use]
    pub fn header_opt(self, name: &'static str, value: Option<impl fmt::Display>) -> Self {
        match value {
            Some(value) => self.header(name, value),
            None => self,
        }
    }

    /// Sets a JSON body.
    #[must_use]
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Some(Body::Bytes(Bytes::from(bytes), HeaderValue::from_static("application/json")));
            }
            Err(error) => self.fail(format!("the request body could not be serialized: {error}")),
        }
        self
    }

    /// Sets an `application/x-www-form-urlencoded` body. Nested objects and arrays use the
    /// bracket convention (`metadata[plan]=pro&items[0][price]=p_1`) that form-based APIs such as
    /// Stripe's expect.
    #[must_use]
    pub fn form<T: Serialize>(mut self, body: &T) -> Self {
        match serde_qs::Config::new().use_form_encoding(true).serialize_string(body) {
            Ok(text) => {
                self.body =
                    Some(Body::Bytes(Bytes::from(text), HeaderValue::from_static("application/x-www-form-urlencoded")));
            }
            Err(error) => self.fail(format!("the request body could not be form-encoded: {error}")),
        }
        self
    }

    /// Sets a `multipart/form-data` body.
    #[must_use]
    pub fn multipart(mut self, form: Multipart) -> Self {
        self.body = Some(Body::Multipart(form));
        self
    }

    /// Sets a body of raw bytes (or text) with its content type.
    #[must_use]
    pub fn bytes(mut self, content_type: &str, body: impl Into<Bytes>) -> Self {
        match HeaderValue::from_str(content_type) {
            Ok(value) => self.body = Some(Body::Bytes(body.into(), value)),
            Err(_) => self.fail(format!("`{content_type}` is not a valid content type")),
        }
        self
    }

    /// Presents the client's API key as `auth` describes.
    #[must_use]
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth.push((Key::ApiKey, auth));
        self
    }

    /// Presents one of the client's other credentials as `auth` describes. `send` fails before
    /// sending when the client was built without it.
    #[must_use]
    pub fn credential(mut self, credential: Credential, auth: Auth) -> Self {
        self.auth.push((Key::Named(credential.name), auth));
        self
    }

    /// Refuses the request: `send` returns this error without sending anything.
    #[must_use]
    pub fn invalid(mut self, error: InvalidRequest) -> Self {
        self.error.get_or_insert(error);
        self
    }

    fn fail(&mut self, message: String) {
        self.error.get_or_insert(InvalidRequest::new(message));
    }
}

/// Flattens a JSON value into query pairs: see [`Request::query_serialized`].
fn flatten_query(name: &str, value: &serde_json::Value, push: &mut impl FnMut(String, String)) {
    use serde_json::Value;
    match value {
        Value::Null => {}
        Value::String(text) => push(name.to_owned(), text.clone()),
        Value::Bool(_) | Value::Number(_) => push(name.to_owned(), value.to_string()),
        Value::Array(items) => items.iter().for_each(|item| flatten_query(name, item, push)),
        Value::Object(fields) => {
            for (key, field) in fields {
                flatten_query(&format!("{name}[{key}]"), field, push);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lists_are_comma_separated_and_json_parameters_are_json_text() {
        let request = Request::new(Method::GET, "/")
            .header_list("x-list", ["a", "b"])
            .header_list("x-empty", Vec::<String>::new())
            .query_json("filter", Some(&serde_json::json!({"a": [1, 2]})))
            .query_json::<str>("absent", None)
            .header_json("x-meta", Some(&serde_json::json!({"k": "v"})));
        let headers: Vec<(&str, &str)> =
            request.headers.iter().map(|(name, value)| (name.as_str(), value.to_str().unwrap())).collect();
        assert_eq!(headers, [("x-list", "a,b"), ("x-meta", r#"{"k":"v"}"#)]);
        assert_eq!(request.query, [("filter".to_owned(), r#"{"a":[1,2]}"#.to_owned())]);
    }

    #[test]
    fn path_params_are_percent_encoded() {
        let request = Request::new(Method::GET, "/videos/{video_id}/frames/{n}")
            .path_param("video_id", "a b/../c")
            .path_param("n", 7);
        assert_eq!(request.path, "/videos/a%20b%2F..%2Fc/frames/7");
    }

    #[test]
    fn bad_header_values_are_reported_not_sent() {
        let request = Request::new(Method::GET, "/").header("x-thing", "line\nbreak");
        assert!(request.headers.is_empty());
        assert!(request.error.unwrap().message().contains("x-thing"));
    }

    #[test]
    fn complex_query_values_are_flattened() {
        let value = serde_json::json!({"gt": 5, "lte": 9, "tags": ["a", "b"], "skip": null});
        let request =
            Request::new(Method::GET, "/").query_serialized("created", &value).query_serialized("id", &["x", "y"]);
        let pairs: Vec<(&str, &str)> = request.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("created[gt]", "5"),
                ("created[lte]", "9"),
                ("created[tags]", "a"),
                ("created[tags]", "b"),
                ("id", "x"),
                ("id", "y")
            ]
        );
    }

    #[test]
    fn debug_shows_no_values() {
        let request = Request::new(Method::POST, "/t").query("key", "hunter2").header("x-k", "hunter2").json("hunter2");
        assert!(!format!("{request:?}").contains("hunter2"));
    }
}
