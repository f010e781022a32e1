//! Everything that can go wrong with a request, with what the caller needs to act on it.
//!
//! This module is the same in every generated crate (its source is
//! `generator/runtime/src/error.rs` in the generator's repository).

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};

/// The longest piece of a response body quoted in an error message.
const EXCERPT_CHARS: usize = 200;

/// Why a request did not produce a value.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The client was configured with something unusable (a missing or malformed API
    /// key, an invalid base URL).
    Config(String),
    /// A parameter value cannot be sent as given; the request was not sent.
    InvalidParameter {
        /// The parameter's name in the spec.
        name: &'static str,
        /// What is wrong with the value.
        reason: String,
    },
    /// The request or the response did not finish within the configured timeout.
    Timeout {
        /// What `reqwest` reported.
        source: reqwest::Error,
        /// Attempts made, the last included.
        attempts: u32,
    },
    /// The connection failed or broke off.
    Transport {
        /// What `reqwest` reported.
        source: reqwest::Error,
        /// Attempts made, the last included.
        attempts: u32,
    },
    /// The server answered with a status other than 2xx.
    Api(Box<ApiError>),
    /// The server answered 2xx, but the body is not what the spec describes.
    Decode(Box<DecodeError>),
    /// The response body is larger than the configured limit; it was not read in full.
    BodyTooLarge {
        /// The response's status.
        status: StatusCode,
        /// The server's `X-Request-Id`.
        request_id: Option<String>,
        /// The limit in bytes.
        limit: usize,
    },
    /// A redirect the client may not follow (to another origin, too many, or any when
    /// redirects are off); nothing was sent to its target.
    Redirect(Box<RedirectError>),
    /// A paged listing could not go on: the server sent a cursor already used, said there
    /// were more pages without giving a cursor, or the page bound was reached.
    Pagination(String),
    /// A streamed response went quiet: its headers did not come within the client's
    /// timeout, or, once it was streaming, nothing came (not even a keep-alive comment)
    /// for as long. A stream that keeps sending is never cut by the timeout.
    StreamTimeout {
        /// How long nothing came.
        waited: Duration,
        /// The server's `X-Request-Id`, when the headers had come.
        request_id: Option<String>,
        /// Attempts made, the last included.
        attempts: u32,
    },
    /// One event of a stream is larger than the client's response size limit; the stream
    /// ends there.
    EventTooLarge {
        /// The server's `X-Request-Id`.
        request_id: Option<String>,
        /// The limit in bytes.
        limit: usize,
    },
    /// One event of a stream could not be decoded; the stream goes on with the next.
    Event(Box<EventError>),
}

impl Error {
    pub(crate) fn from_reqwest(err: reqwest::Error, attempts: u32) -> Self {
        let source = err.without_url();
        if source.is_timeout() {
            Error::Timeout { source, attempts }
        } else {
            Error::Transport { source, attempts }
        }
    }

    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::BodyTooLarge { status, .. } => Some(*status),
            Error::Redirect(e) => Some(e.status),
            Error::Event(e) => Some(e.status),
            _ => None,
        }
    }

    /// The server's `X-Request-Id`, when a response carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            Error::BodyTooLarge { request_id, .. } => request_id.as_deref(),
            Error::Redirect(e) => e.request_id.as_deref(),
            Error::Event(e) => e.request_id.as_deref(),
            Error::StreamTimeout { request_id, .. } | Error::EventTooLarge { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// How long the server asked the caller to wait (`Retry-After`, read as
    /// [`crate::client::parse_retry_after`] does), for an API error that carried one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(e) => e.retry_after(),
            _ => None,
        }
    }

    /// How many attempts were made before this error, when the request was sent.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(e) => Some(e.attempts),
            Error::Timeout { attempts, .. }
            | Error::Transport { attempts, .. }
            | Error::StreamTimeout { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(message) => write!(f, "client configuration: {message}"),
            Error::InvalidParameter { name, reason } => write!(f, "parameter `{name}`: {reason}"),
            Error::Timeout { source, attempts } => {
                write!(f, "timed out: {source}")?;
                write_causes(f, source)?;
                write_attempts(f, *attempts)
            }
            Error::Transport { source, attempts } => {
                write!(f, "connection failed: {source}")?;
                write_causes(f, source)?;
                write_attempts(f, *attempts)
            }
            Error::Api(err) => err.fmt(f),
            Error::Decode(err) => err.fmt(f),
            Error::BodyTooLarge { status, request_id, limit } => {
                write!(f, "HTTP {status}: response body larger than the {limit}-byte limit")?;
                write_request_id(f, request_id.as_deref())
            }
            Error::Redirect(err) => err.fmt(f),
            Error::Pagination(message) => write!(f, "paging stopped: {message}"),
            Error::StreamTimeout { waited, request_id, attempts } => {
                write!(f, "the stream sent nothing for {waited:?}")?;
                write_request_id(f, request_id.as_deref())?;
                write_attempts(f, *attempts)
            }
            Error::EventTooLarge { request_id, limit } => {
                write!(f, "an event of the stream is larger than the {limit}-byte limit")?;
                write_request_id(f, request_id.as_deref())
            }
            Error::Event(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout { source, .. } | Error::Transport { source, .. } => Some(source),
            Error::Api(err) => Some(err.as_ref()),
            Error::Decode(err) => Some(err.as_ref()),
            Error::Redirect(err) => Some(err.as_ref()),
            Error::Event(err) => Some(err.as_ref()),
            _ => None,
        }
    }
}

/// reqwest's own message is terse ("error sending request"); the cause says why.
fn write_causes(f: &mut fmt::Formatter<'_>, err: &reqwest::Error) -> fmt::Result {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        write!(f, ": {cause}")?;
        source = cause.source();
    }
    Ok(())
}

fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    match attempts {
        0 | 1 => Ok(()),
        n => write!(f, " (after {n} attempts)"),
    }
}

fn write_request_id(f: &mut fmt::Formatter<'_>, request_id: Option<&str>) -> fmt::Result {
    match request_id {
        Some(id) => write!(f, " (request id {id})"),
        None => Ok(()),
    }
}

/// At most [`EXCERPT_CHARS`] characters of `body` around byte `at`, lossily decoded.
fn excerpt(body: &[u8], at: usize) -> String {
    let start = at.saturating_sub(EXCERPT_CHARS / 2).min(body.len());
    let end = (start + EXCERPT_CHARS).min(body.len());
    let text = String::from_utf8_lossy(&body[start..end]);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(text.chars().map(|c| if c.is_control() { ' ' } else { c }));
    if end < body.len() {
        out.push('…');
    }
    out
}

/// The byte offset of a (line, column) position, as serde_json reports them, in `text`.
pub(crate) fn offset_of(text: &[u8], (line, column): (usize, usize)) -> usize {
    let line_start: usize = text.split(|b| *b == b'\n').take(line.saturating_sub(1)).map(|l| l.len() + 1).sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// A response with a status other than 2xx.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The response's status.
    pub status: StatusCode,
    /// The server's `X-Request-Id`.
    pub request_id: Option<String>,
    /// All response headers.
    pub headers: HeaderMap,
    /// The body exactly as received.
    pub body: Vec<u8>,
    /// Attempts made, this one included.
    pub attempts: u32,
    /// When the response came, for reading a `Retry-After` date.
    received: SystemTime,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Vec<u8>, attempts: u32) -> Self {
        let request_id = crate::client::request_id(&headers).map(str::to_owned);
        ApiError { status, request_id, headers, body, attempts, received: SystemTime::now() }
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The wait the response's `Retry-After` asks for, counted from when the response
    /// came (see [`crate::client::parse_retry_after`]).
    pub fn retry_after(&self) -> Option<Duration> {
        let value = self.headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
        crate::client::parse_retry_after(value, self.received)
    }

    /// The server's explanation, when the body is JSON with a `message`, `error` or
    /// `detail` string (at the top level or inside an `error` object).
    pub fn message(&self) -> Option<String> {
        let value: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        let pick = |v: &serde_json::Value| {
            ["message", "error", "detail"].iter().find_map(|k| v.get(k)?.as_str().map(str::to_owned))
        };
        pick(&value).or_else(|| pick(value.get("error")?))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        write_request_id(f, self.request_id.as_deref())?;
        match self.message() {
            Some(message) => write!(f, ": {}", excerpt(message.as_bytes(), 0)),
            None if self.body.is_empty() => Ok(()),
            None => write!(f, ": {}", excerpt(&self.body, 0)),
        }
    }
}

impl std::error::Error for ApiError {}

/// A 2xx response whose body could not be decoded.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// The response's status.
    pub status: StatusCode,
    /// The server's `X-Request-Id`.
    pub request_id: Option<String>,
    /// All response headers.
    pub headers: HeaderMap,
    /// Where decoding stopped, e.g. `data[3].status` (empty for the whole body).
    pub path: String,
    /// What was wrong there.
    pub message: String,
    /// The body exactly as received.
    pub body: Vec<u8>,
    /// Byte offset in `body` where decoding stopped.
    offset: usize,
}

impl DecodeError {
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
        path: String,
        message: String,
        at: Option<(usize, usize)>,
    ) -> Self {
        let request_id = crate::client::request_id(&headers).map(str::to_owned);
        let offset = at.map_or(0, |at| offset_of(&body, at));
        DecodeError { status, request_id, headers, path, message, body, offset }
    }

    /// The part of the body where decoding stopped, at most a couple of hundred characters.
    pub fn excerpt(&self) -> String {
        excerpt(&self.body, self.offset)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: could not decode the body", self.status)?;
        if !self.path.is_empty() && self.path != "." {
            write!(f, " at `{}`", self.path)?;
        }
        write!(f, ": {}", self.message)?;
        write_request_id(f, self.request_id.as_deref())?;
        if !self.body.is_empty() {
            write!(f, "; body: {}", self.excerpt())?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// A redirect the client did not follow. It names the status and the target's origin
/// only: the rest of the target URL may carry tokens, and no credential is ever quoted.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RedirectError {
    /// The redirect's status (301, 302, 303, 307 or 308).
    pub status: StatusCode,
    /// The target's origin, e.g. `http://127.0.0.2:8080`.
    pub target_origin: String,
    /// Why it was not followed.
    pub reason: String,
    /// The server's `X-Request-Id`.
    pub request_id: Option<String>,
}

impl RedirectError {
    pub(crate) fn new(status: StatusCode, target: &Url, reason: String, headers: &HeaderMap) -> Self {
        RedirectError {
            status,
            target_origin: target.origin().ascii_serialization(),
            reason,
            request_id: crate::client::request_id(headers).map(str::to_owned),
        }
    }
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: redirect to {} not followed: {}", self.status, self.target_origin, self.reason)?;
        write_request_id(f, self.request_id.as_deref())
    }
}

impl std::error::Error for RedirectError {}

/// An event of a stream whose data could not be decoded. The stream goes on after it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EventError {
    /// The stream's status.
    pub status: StatusCode,
    /// The server's `X-Request-Id`.
    pub request_id: Option<String>,
    /// The event's type (its `event` field), when it has one.
    pub event: Option<String>,
    /// The event's `id` field, when it has one.
    pub id: Option<String>,
    /// The event's data, exactly as received (its `data` lines joined with line feeds).
    pub data: String,
    /// Where decoding stopped, e.g. `citations[0].url` (empty for the whole data).
    pub path: String,
    /// What was wrong there.
    pub message: String,
    /// Byte offset in `data` where decoding stopped.
    pub(crate) offset: usize,
}

impl EventError {
    /// The part of the data where decoding stopped, at most a couple of hundred characters.
    pub fn excerpt(&self) -> String {
        excerpt(self.data.as_bytes(), self.offset)
    }
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: could not decode an event", self.status)?;
        if let Some(event) = &self.event {
            write!(f, " of type {event:?}")?;
        }
        if let Some(id) = &self.id {
            write!(f, " with id {id:?}")?;
        }
        if !self.path.is_empty() && self.path != "." {
            write!(f, " at `{}`", self.path)?;
        }
        write!(f, ": {}", self.message)?;
        write_request_id(f, self.request_id.as_deref())?;
        write!(f, "; data: {}", self.excerpt())
    }
}

impl std::error::Error for EventError {}
