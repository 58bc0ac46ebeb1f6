//! [`ApiResponse`]: a decoded body together with the status and headers it came with.

use crate::FromJson;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A successful response: the decoded body plus the status and headers, for callers who need a
/// request id or a rate-limit header. Returned by the `*_with_response` form of each operation.
///
/// `H` holds the headers the spec documents for the response, read into their types (see
/// [`ApiResponse::typed_headers`]); it is `()` when the spec documents none.
#[derive(Debug, Clone)]
pub struct ApiResponse<T, H = ()> {
    status: StatusCode,
    headers: HeaderMap,
    typed_headers: H,
    body: T,
}

impl<T> ApiResponse<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Self { status, headers, typed_headers: (), body }
    }
}

impl<T, H> ApiResponse<T, H> {
    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers the spec documents, each read into its type: `None` when a header is absent
    /// or its value does not parse.
    pub fn typed_headers(&self) -> &H {
        &self.typed_headers
    }

    /// Reads the documented headers as `H2`. Generated operations call this; it is cheap.
    pub fn with_typed_headers<H2: FromHeaders>(self) -> ApiResponse<T, H2> {
        let typed_headers = H2::from_headers(&self.headers);
        ApiResponse { status: self.status, headers: self.headers, typed_headers, body: self.body }
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// Gives up the status and headers and keeps the body.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Splits the response into status, headers and body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.body)
    }
}

/// A set of documented response headers, read from a response's header map. Generated per
/// operation that documents headers.
pub trait FromHeaders: Sized {
    /// Reads the headers; never fails, as a missing or malformed header is `None`.
    fn from_headers(headers: &HeaderMap) -> Self;
}

impl FromHeaders for () {
    fn from_headers(_: &HeaderMap) -> Self {}
}

/// Reads one header as `T`: as a string first (strings, string enums), then as a JSON scalar
/// (numbers, booleans). `None` when it is absent, not visible ASCII, or does not parse.
pub fn header_value<T: FromJson>(headers: &HeaderMap, name: &str) -> Option<T> {
    let text = headers.get(name)?.to_str().ok()?.trim();
    T::from_json(crate::Json::string(text)).ok().or_else(|| T::from_json(serde_json::from_str(text).ok()?).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_parse_into_their_types() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "123".parse().unwrap());
        headers.insert("x-remaining", " 42 ".parse().unwrap());
        headers.insert("x-flag", "true".parse().unwrap());
        headers.insert("x-bad", "lots".parse().unwrap());
        assert_eq!(header_value::<String>(&headers, "x-request-id").as_deref(), Some("123"));
        assert_eq!(header_value::<i64>(&headers, "X-Remaining"), Some(42));
        assert_eq!(header_value::<bool>(&headers, "x-flag"), Some(true));
        assert_eq!(header_value::<i64>(&headers, "x-bad"), None);
        assert_eq!(header_value::<String>(&headers, "x-missing"), None);
    }
}
