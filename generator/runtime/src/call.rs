//! [`Call`]: the request builder of an operation with nothing left to set but extra headers,
//! compiled once here for every such operation.
//!
//! This module is the same in every generated crate (its source is
//! `generator/runtime/src/call.rs` in the generator's repository).
//!
//! A generated `Client` method writes the operation's whole request (its path, its required
//! parameters and body) and returns it as a `Call<T, D>`, where `T` is what a success gives
//! and `D` says how it is read from the body: [`Json`] (the default), [`Empty`], [`Text`] or
//! [`Bytes`]. Other operations (with optional parameters, required ones of other kinds,
//! several kinds of success body, paging or a stream) have a builder type of their own, whose
//! `send` writes the rest of the request into a `Call` and returns its future.
//!
//! ```ignore
//! // The generated crate's `Client::read_note` returns `Call<types::Note>`.
//! let note = client.read_note(42).header("x-trace", "abc").send().await?;
//! println!("{} (request id {:?})", note.text, note.request_id());
//! ```

use std::fmt;
use std::marker::PhantomData;

use crate::client::{ApiResponse, Client, RawResponse, Request};
use crate::error::Error;

/// How a [`Call`] reads the body of a successful response as a `T`.
pub trait Decode<T> {
    /// Reads `raw`.
    ///
    /// # Errors
    /// [`Error::Api`] for a status other than 2xx; [`Error::Decode`] for a body that is not
    /// a `T`.
    fn decode(raw: RawResponse) -> Result<ApiResponse<T>, Error>;
}

/// A JSON body ([`RawResponse::json`]).
#[derive(Debug, Clone, Copy)]
pub enum Json {}

/// No body the caller needs ([`RawResponse::empty`]).
#[derive(Debug, Clone, Copy)]
pub enum Empty {}

/// A UTF-8 text body ([`RawResponse::text`]).
#[derive(Debug, Clone, Copy)]
pub enum Text {}

/// The body's bytes as received ([`RawResponse::bytes`]).
#[derive(Debug, Clone, Copy)]
pub enum Bytes {}

impl<T: serde::de::DeserializeOwned> Decode<T> for Json {
    fn decode(raw: RawResponse) -> Result<ApiResponse<T>, Error> {
        raw.json()
    }
}

impl Decode<()> for Empty {
    fn decode(raw: RawResponse) -> Result<ApiResponse<()>, Error> {
        raw.empty()
    }
}

impl Decode<String> for Text {
    fn decode(raw: RawResponse) -> Result<ApiResponse<String>, Error> {
        raw.text()
    }
}

impl Decode<Vec<u8>> for Bytes {
    fn decode(raw: RawResponse) -> Result<ApiResponse<Vec<u8>>, Error> {
        raw.bytes()
    }
}

/// A request ready to send, whose success gives a `T` read from the body as `D` says
/// ([`Json`] unless the type names another [`Decode`]). Made by a generated `Client` method;
/// [`send`](Self::send) sends it.
#[must_use = "a request does nothing until it is sent"]
pub struct Call<T, D = Json> {
    client: Client,
    request: Request,
    output: PhantomData<fn() -> (T, D)>,
}

impl<T, D> Call<T, D> {
    /// A call that sends `request` with `client`.
    pub fn new(client: &Client, request: Request) -> Self {
        Call { client: client.clone(), request, output: PhantomData }
    }

    /// Sends this header too, after the ones the spec describes (a header of the same name
    /// is then sent twice). A name or value that cannot be sent makes [`send`](Self::send)
    /// fail with [`Error::InvalidParameter`] before anything is sent.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.request.extra_header(name.as_ref(), value.as_ref());
        self
    }

    /// The request as it stands, before extra headers are placed after the spec's.
    pub fn request(&self) -> &Request {
        &self.request
    }
}

impl<T, D: Decode<T>> Call<T, D> {
    /// Sends the request and decodes the response: the payload with the response's status
    /// and headers.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a parameter or header that cannot be sent, before
    /// anything is sent; the errors of [`Client::execute`] (connection, timeout, redirects,
    /// size limit); [`Error::Api`] for a status other than 2xx after any retries;
    /// [`Error::Decode`] for a body that is not a `T`.
    pub async fn send(self) -> Result<ApiResponse<T>, Error> {
        D::decode(self.client.execute(self.request).await?)
    }
}

// By hand, not derived: a derive would require `T: Clone` and `D: Clone`, which nothing here
// holds.
impl<T, D> Clone for Call<T, D> {
    fn clone(&self) -> Self {
        Call { client: self.client.clone(), request: self.request.clone(), output: PhantomData }
    }
}

impl<T, D> fmt::Debug for Call<T, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").field("client", &self.client).field("request", &self.request).finish()
    }
}
