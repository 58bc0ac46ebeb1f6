//! Success bodies read as they arrive: [`ByteStream`] for binary downloads, and [`EventStream`]
//! for `text/event-stream` responses whose events carry JSON.
//!
//! Both are returned once the response status and headers are in, after any retries; from then
//! on nothing is retried, and the per-attempt timeout no longer applies (a stream may run for as
//! long as the server keeps it open). Wrap a read in `tokio::time::timeout` to bound it.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures_core::Stream;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use sse_stream::{Sse, SseByteStream};

use crate::error::{DecodeError, Error, NoErrorBody, snippet};

type BoxedBytes = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;
type BoxedEvents = Pin<Box<dyn Stream<Item = Result<Sse, sse_stream::Error>> + Send>>;

/// The data of an event that ends a stream, by the convention many streaming APIs follow.
pub const DONE: &str = "[DONE]";

/// A binary success body, as chunks of bytes while they arrive.
///
/// It is a [`Stream`] of `Result<Bytes, Error<E>>`; [`ByteStream::collect_bytes`] reads the rest
/// into one buffer. The status and headers (`Content-Type`, `Content-Length`, ...) are available
/// before the body is read.
pub struct ByteStream<E = NoErrorBody> {
    status: StatusCode,
    headers: HeaderMap,
    attempts: u32,
    inner: Option<BoxedBytes>,
    _error: PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for ByteStream<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("content_type", &self.headers.get(reqwest::header::CONTENT_TYPE))
            .field("finished", &self.inner.is_none())
            .finish()
    }
}

impl<E> ByteStream<E> {
    pub(crate) fn new(response: reqwest::Response, attempts: u32) -> Self {
        Self {
            status: response.status(),
            headers: response.headers().clone(),
            attempts,
            inner: Some(Box::pin(response.bytes_stream())),
            _error: PhantomData,
        }
    }

    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Content-Length` the server announced, if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.headers.get(reqwest::header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
    }

    /// Reads the rest of the body into one buffer.
    ///
    /// # Errors
    ///
    /// [`Error::Transport`] when the connection breaks before the body is complete.
    pub async fn collect_bytes(mut self) -> Result<Bytes, Error<E>> {
        let mut chunks = Vec::new();
        while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            chunks.push(chunk?);
        }
        Ok(match chunks.len() {
            1 => chunks.swap_remove(0),
            _ => chunks.concat().into(),
        })
    }
}

impl<E> Stream for ByteStream<E> {
    type Item = Result<Bytes, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(inner) = self.inner.as_mut() else { return Poll::Ready(None) };
        let item = ready!(inner.as_mut().poll_next(cx));
        Poll::Ready(match item {
            Some(Ok(chunk)) => Some(Ok(chunk)),
            Some(Err(error)) => {
                self.inner = None;
                Some(Err(Error::Transport { attempts: self.attempts, source: error.without_url() }))
            }
            None => {
                self.inner = None;
                None
            }
        })
    }
}

/// One server-sent event as it arrived, for event streams the spec does not describe as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerEvent {
    /// The `event:` field: the event's type, when the server names one.
    pub event: Option<String>,
    /// The `data:` lines, joined with newlines.
    pub data: String,
    /// The `id:` field, when the server sets one.
    pub id: Option<String>,
}

/// Turns one event into an item, or into the `(path, message)` of a decode error.
type DecodeEvent<T> = fn(Sse, String) -> Result<T, (String, String)>;

/// A `text/event-stream` success body: each event's `data` decoded as JSON of type `T`, or
/// handed over as a [`ServerEvent`] when the spec does not describe it as JSON.
///
/// It is a [`Stream`] of `Result<T, Error<E>>`. Events without data (keep-alives, comments,
/// `retry:` hints) are skipped, and an event whose data is `[DONE]` ends the stream, as does
/// the end of the body. An event that does not decode as `T` is reported as [`Error::Decode`]
/// and the stream goes on; a broken connection is reported as [`Error::Transport`] and ends it.
pub struct EventStream<T, E = NoErrorBody> {
    status: StatusCode,
    headers: HeaderMap,
    attempts: u32,
    inner: Option<BoxedEvents>,
    last_event_id: Option<String>,
    decode: DecodeEvent<T>,
    _error: PhantomData<fn() -> E>,
}

impl<T, E> fmt::Debug for EventStream<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .field("last_event_id", &self.last_event_id)
            .field("finished", &self.inner.is_none())
            .finish()
    }
}

impl<T: crate::FromJson, E> EventStream<T, E> {
    pub(crate) fn json(response: reqwest::Response, attempts: u32) -> Self {
        Self::from_parts(response.status(), response.headers().clone(), attempts, Box::pin(response.bytes_stream()))
    }

    fn from_parts(status: StatusCode, headers: HeaderMap, attempts: u32, body: BoxedBytes) -> Self {
        EventStream::with_decoder(status, headers, attempts, body, decode_json::<T>)
    }
}

impl<E> EventStream<ServerEvent, E> {
    pub(crate) fn raw(response: reqwest::Response, attempts: u32) -> Self {
        let (status, headers) = (response.status(), response.headers().clone());
        Self::with_decoder(status, headers, attempts, Box::pin(response.bytes_stream()), |event, data| {
            Ok(ServerEvent { event: event.event, data, id: event.id })
        })
    }
}

fn decode_json<T: crate::FromJson>(_: Sse, data: String) -> Result<T, (String, String)> {
    crate::de::from_json(data.as_bytes())
}

impl<T, E> EventStream<T, E> {
    fn with_decoder(
        status: StatusCode,
        headers: HeaderMap,
        attempts: u32,
        body: BoxedBytes,
        decode: DecodeEvent<T>,
    ) -> Self {
        Self {
            status,
            headers,
            attempts,
            inner: Some(Box::pin(SseByteStream::new(body))),
            last_event_id: None,
            decode,
            _error: PhantomData,
        }
    }

    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `id` of the most recent event that had one: what a client sends as `Last-Event-ID`
    /// to resume, where the API supports it.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }
}

impl<T, E> Stream for EventStream<T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            let Some(inner) = self.inner.as_mut() else { return Poll::Ready(None) };
            let mut event = match ready!(inner.as_mut().poll_next(cx)) {
                Some(Ok(event)) => event,
                Some(Err(error)) => {
                    self.inner = None;
                    return Poll::Ready(Some(Err(self.stream_error(error))));
                }
                None => {
                    self.inner = None;
                    return Poll::Ready(None);
                }
            };
            if let Some(id) = &event.id {
                self.last_event_id = Some(id.clone());
            }
            let Some(data) = event.data.take().filter(|data| !data.trim().is_empty()) else { continue };
            if data.trim() == DONE {
                self.inner = None;
                return Poll::Ready(None);
            }
            let snippet = snippet(data.as_bytes());
            let decoded = (self.decode)(event, data).map_err(|(path, message)| {
                Error::Decode(Box::new(DecodeError {
                    status: self.status,
                    path,
                    message: format!("in an event's data: {message}"),
                    snippet,
                }))
            });
            return Poll::Ready(Some(decoded));
        }
    }
}

impl<T, E> EventStream<T, E> {
    fn stream_error(&self, error: sse_stream::Error) -> Error<E> {
        match error {
            sse_stream::Error::Body(source) => match source.downcast::<reqwest::Error>() {
                Ok(source) => Error::Transport { attempts: self.attempts, source: source.without_url() },
                Err(source) => self.malformed(source.to_string()),
            },
            other => self.malformed(other.to_string()),
        }
    }

    fn malformed(&self, message: String) -> Error<E> {
        Error::Decode(Box::new(DecodeError {
            status: self.status,
            path: ".".to_owned(),
            message: format!("the event stream is malformed: {message}"),
            snippet: String::new(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt as _;

    use super::*;

    #[derive(Debug, PartialEq)]
    struct Delta {
        text: String,
    }

    impl crate::FromJson for Delta {
        fn from_json(value: crate::Json<'_>) -> Result<Self, crate::JsonError> {
            let mut fields = crate::de::Fields::new(value, "struct Delta")?;
            fields.required("text").map(|text| Self { text }).ok_or_else(|| fields.error())
        }
    }

    fn events(chunks: &[&'static str]) -> EventStream<Delta> {
        let chunks: Vec<reqwest::Result<Bytes>> = chunks.iter().map(|c| Ok(Bytes::from_static(c.as_bytes()))).collect();
        EventStream::from_parts(StatusCode::OK, HeaderMap::new(), 1, Box::pin(futures_util::stream::iter(chunks)))
    }

    #[tokio::test]
    async fn events_split_across_chunks_decode_in_order_and_done_ends_the_stream() {
        let mut stream = events(&[
            ": keep-alive\n\nid: 1\ndata: {\"te",
            "xt\":\"Hel\"}\r\n\r\nevent: delta\ndata: {\"text\":\"lo\"}\n\nretry: 10\n\n",
            "data: [DONE]\n\ndata: {\"text\":\"after done\"}\n\n",
        ]);
        assert_eq!(stream.next().await.unwrap().unwrap(), Delta { text: "Hel".into() });
        assert_eq!(stream.last_event_id(), Some("1"));
        assert_eq!(stream.next().await.unwrap().unwrap(), Delta { text: "lo".into() });
        assert!(stream.next().await.is_none());
        assert!(stream.next().await.is_none(), "a finished stream stays finished");
    }

    #[tokio::test]
    async fn a_bad_event_is_a_decode_error_and_the_stream_goes_on() {
        let mut stream = events(&["data: {\"text\": 5}\n\n", "data: {\"text\":\"ok\"}\n\n"]);
        let Err(Error::Decode(error)) = stream.next().await.unwrap() else { panic!("expected a decode error") };
        assert_eq!(error.path, "text");
        assert!(error.message.starts_with("in an event's data"), "{}", error.message);
        assert_eq!(stream.next().await.unwrap().unwrap(), Delta { text: "ok".into() });
        assert!(stream.next().await.is_none());
    }

    #[tokio::test]
    async fn raw_events_keep_their_type_and_id() {
        let body = Box::pin(futures_util::stream::iter([Ok(Bytes::from_static(
            b"event: progress\nid: 7\ndata: half\ndata: way\n\ndata: [DONE]\n\n",
        ))]));
        let mut stream: EventStream<ServerEvent> =
            EventStream::with_decoder(StatusCode::OK, HeaderMap::new(), 1, body, |event, data| {
                Ok(ServerEvent { event: event.event, data, id: event.id })
            });
        let event = stream.next().await.unwrap().unwrap();
        assert_eq!(
            event,
            ServerEvent { event: Some("progress".into()), data: "half\nway".into(), id: Some("7".into()) }
        );
        assert!(stream.next().await.is_none());
    }

    #[tokio::test]
    async fn multi_line_data_is_joined_with_newlines() {
        let mut stream = events(&["data: {\"text\":\ndata: \"two lines\"}\n\n"]);
        assert_eq!(stream.next().await.unwrap().unwrap(), Delta { text: "two lines".into() });
    }
}
