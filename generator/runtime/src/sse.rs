//! Streamed responses: server-sent events (`text/event-stream`) as a stream of typed events.
//!
//! This module is the same in every generated crate that has a streaming operation (its
//! source is `generator/runtime/src/sse.rs` in the generator's repository, compiled and
//! tested there). The event stream format itself is read by the `sse-stream` crate; this
//! module adds what the client promises for every request:
//!
//! - The request goes through [`Client::send`]: credentials stay with the API's origin
//!   across redirects, and retries happen only before the response's headers, never once
//!   events have started.
//! - The client's timeout bounds the wait for the headers and then each silence of the
//!   stream, never the stream as a whole ([`Error::StreamTimeout`]).
//! - The client's size limit applies to each event, counting its raw text and any
//!   comments before it ([`Error::EventTooLarge`]).
//! - The status, headers and request id are at hand on the [`EventStream`].
//!
//! How the stream is read: events may be split across network chunks anyhow; lines end in
//! `\n`, `\r\n` or `\r`; several `data` lines make one data value joined by `\n`; comments
//! (lines starting with `:`) and blocks without a `data` field are not events. A last event
//! the server ends without a blank line is still delivered. An event whose data is
//! `[DONE]` ends the stream, as many AI APIs signal the end.
//!
//! How it ends: an event whose data cannot be decoded is yielded as [`Error::Event`] (with
//! its text) and the stream goes on with the next one. A transport failure,
//! [`Error::StreamTimeout`], [`Error::EventTooLarge`] or a field that is not UTF-8
//! ([`Error::Event`]) is yielded and ends the stream.

use std::fmt;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes};
use futures::stream::{BoxStream, Stream, StreamExt};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::client::{Client, RawResponse, Request};
use crate::error::{offset_of, Error, EventError};

/// The media type of a server-sent event stream.
pub const EVENT_STREAM: &str = "text/event-stream";

/// The data that ends a stream instead of being an event.
pub const DONE: &str = "[DONE]";

/// One server-sent event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The event's type (its `event` field); `None` for the default type, `message`.
    pub event: Option<String>,
    /// The event's `id` field, when it has one.
    pub id: Option<String>,
    /// How long the server asks a client to wait before reconnecting (its `retry` field).
    pub retry: Option<Duration>,
    /// The event's data, decoded.
    pub data: T,
}

/// A streamed response: its events, as they come, with the response's status and headers.
///
/// It is a [`Stream`] of `Result<Event<T>, Error>`; see the [module docs](self) for which
/// errors end it.
#[must_use = "the events are lost unless the stream is read"]
pub struct EventStream<T> {
    status: StatusCode,
    headers: HeaderMap,
    events: BoxStream<'static, Result<Event<T>, Error>>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").field("status", &self.status).field("request_id", &self.request_id()).finish()
    }
}

impl<T> EventStream<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `X-Request-Id` the server gave this request; quote it when reporting a problem.
    pub fn request_id(&self) -> Option<&str> {
        crate::client::request_id(&self.headers)
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.poll_next_unpin(cx)
    }
}

impl<T: serde::de::DeserializeOwned + Send + 'static> EventStream<T> {
    /// Sends `request` for an event stream whose data is JSON of type `T`.
    ///
    /// # Errors
    /// As [`Client::send`] does; [`Error::Api`] for a status other than 2xx, and
    /// [`Error::Decode`] for a success that is not an event stream.
    pub async fn json(client: &Client, request: Request) -> Result<Self, Error> {
        Self::open(client, request, |data| {
            crate::client::decode_json(data.as_bytes()).map_err(|(path, err)| {
                let at = offset_of(data.as_bytes(), (err.line(), err.column()));
                (path, err.to_string(), at)
            })
        })
        .await
    }
}

impl EventStream<String> {
    /// Sends `request` for an event stream whose data is taken as text.
    ///
    /// # Errors
    /// As [`EventStream::json`].
    pub async fn text(client: &Client, request: Request) -> Result<Self, Error> {
        Self::open(client, request, |data| Ok(data.to_owned())).await
    }
}

/// Decodes an event's data, or says where and why it could not: (path, message, offset).
type Decode<T> = fn(&str) -> Result<T, (String, String, usize)>;

impl<T: Send + 'static> EventStream<T> {
    async fn open(client: &Client, mut request: Request, decode: Decode<T>) -> Result<Self, Error> {
        request.accept = Some(EVENT_STREAM);
        request.timeout = Some(None);
        let (response, attempts) = client.send(request).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let limit = client.max_response_bytes();
        if !status.is_success() || !is_event_stream(&headers) {
            let raw = RawResponse::read(response, limit, attempts).await?.success()?;
            let message = match headers.get(reqwest::header::CONTENT_TYPE) {
                Some(content_type) => {
                    format!("expected an event stream ({EVENT_STREAM}), got content type {content_type:?}")
                }
                None => format!("expected an event stream ({EVENT_STREAM}), got no content type"),
            };
            return Err(raw.decode_error(String::new(), message, None));
        }
        let request_id = crate::client::request_id(&headers).map(str::to_owned);
        let counter = Arc::new(Counter::default());
        let chunks = chunks(response, client.timeout(), limit, attempts, counter.clone(), request_id.clone());
        let blocks = sse_stream::SseByteStream::new(chunks);
        let state = Events { blocks, counter, decode, status, request_id, limit, ended: false };
        let events = futures::stream::unfold(state, Events::next).boxed();
        Ok(EventStream { status, headers, events })
    }
}

/// Whether the response says it is an event stream (or says nothing).
fn is_event_stream(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers.get(reqwest::header::CONTENT_TYPE) else { return true };
    let essence = content_type.to_str().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == EVENT_STREAM
}

/// Bytes of the stream handed to the parser so far, and where the current event began.
#[derive(Default)]
struct Counter {
    consumed: AtomicUsize,
    event_start: AtomicUsize,
}

impl Counter {
    /// The bytes read since the last event: the one not yet complete.
    fn pending(&self) -> usize {
        self.consumed.load(Ordering::Relaxed) - self.event_start.load(Ordering::Relaxed)
    }

    /// The size of the event just completed; the next one starts here.
    fn finish_event(&self) -> usize {
        let consumed = self.consumed.load(Ordering::Relaxed);
        consumed - self.event_start.swap(consumed, Ordering::Relaxed)
    }
}

/// A network chunk that counts the bytes the parser takes from it, so that each event's
/// size is known exactly however the events fall across chunks.
struct Counted {
    bytes: Bytes,
    counter: Arc<Counter>,
}

impl Buf for Counted {
    fn remaining(&self) -> usize {
        self.bytes.remaining()
    }

    fn chunk(&self) -> &[u8] {
        self.bytes.chunk()
    }

    fn advance(&mut self, n: usize) {
        self.counter.consumed.fetch_add(n, Ordering::Relaxed);
        self.bytes.advance(n);
    }
}

/// Why the byte stream stopped: an [`Error`] carried through the parser, which boxes it.
#[derive(Debug)]
struct Interrupted(Error);

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Interrupted {}

/// The response body as chunks for the parser. Each read may wait at most `idle`; before
/// each, the event being read must still be within `limit`. At the end comes a blank line,
/// which delivers a last event the server did not end with one (and is nothing otherwise).
fn chunks(
    response: reqwest::Response,
    idle: Duration,
    limit: usize,
    attempts: u32,
    counter: Arc<Counter>,
    request_id: Option<String>,
) -> BoxStream<'static, Result<Counted, Interrupted>> {
    futures::stream::unfold(Some(response), move |response| {
        let counter = counter.clone();
        let request_id = request_id.clone();
        async move {
            let mut response = response?;
            let stop = |err: Error| Some((Err(Interrupted(err)), None));
            if counter.pending() > limit {
                return stop(Error::EventTooLarge { request_id, limit });
            }
            match tokio::time::timeout(idle, response.chunk()).await {
                Ok(Ok(Some(bytes))) => Some((Ok(Counted { bytes, counter }), Some(response))),
                Ok(Ok(None)) => Some((Ok(Counted { bytes: Bytes::from_static(b"\n\n"), counter }), None)),
                Ok(Err(err)) => stop(Error::from_reqwest(err, attempts)),
                Err(_) => stop(Error::StreamTimeout { waited: idle, request_id, attempts }),
            }
        }
    })
    .boxed()
}

/// The parsed blocks as typed events.
struct Events<T> {
    blocks: sse_stream::SseByteStream<BoxStream<'static, Result<Counted, Interrupted>>>,
    counter: Arc<Counter>,
    decode: Decode<T>,
    status: StatusCode,
    request_id: Option<String>,
    limit: usize,
    ended: bool,
}

impl<T> Events<T> {
    async fn next(mut self) -> Option<(Result<Event<T>, Error>, Self)> {
        loop {
            if self.ended {
                return None;
            }
            let block = match self.blocks.next().await? {
                Ok(block) => block,
                Err(err) => {
                    self.ended = true;
                    return Some((Err(self.parse_error(err)), self));
                }
            };
            if self.counter.finish_event() > self.limit {
                self.ended = true;
                let err = Error::EventTooLarge { request_id: self.request_id.clone(), limit: self.limit };
                return Some((Err(err), self));
            }
            // A block without data (only an id or a retry, say) is not an event.
            let Some(data) = block.data else { continue };
            if data == DONE {
                return None;
            }
            let retry = block.retry.map(Duration::from_millis);
            let item = match (self.decode)(&data) {
                Ok(value) => Ok(Event { event: block.event, id: block.id, retry, data: value }),
                Err((path, message, offset)) => Err(Error::Event(Box::new(EventError {
                    status: self.status,
                    request_id: self.request_id.clone(),
                    event: block.event,
                    id: block.id,
                    data,
                    path,
                    message,
                    offset,
                }))),
            };
            return Some((item, self));
        }
    }

    /// An error the parser gave, which ends the stream.
    fn parse_error(&self, err: sse_stream::Error) -> Error {
        let message = match err {
            sse_stream::Error::Body(source) => match source.downcast::<Interrupted>() {
                Ok(interrupted) => return interrupted.0,
                Err(other) => other.to_string(),
            },
            other => format!("the stream cannot be read: {other}"),
        };
        Error::Event(Box::new(EventError {
            status: self.status,
            request_id: self.request_id.clone(),
            event: None,
            id: None,
            data: String::new(),
            path: String::new(),
            message,
            offset: 0,
        }))
    }
}
