//! Cursor-paged listings as streams of items, one generic loop for every operation.
//!
//! This module is the same in every generated crate (its source is
//! `generator/runtime/src/paging.rs` in the generator's repository).

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{FusedStream, Stream};
use serde::de::DeserializeOwned;

use crate::call::Call;
use crate::client::{ApiResponse, Client};
use crate::error::Error;

/// One page of a cursor-paged listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The page's items, in order.
    pub items: Vec<T>,
    /// Whether the server says more pages follow.
    pub has_more: bool,
    /// The cursor of the next page, as the server sent it.
    pub next_cursor: Option<String>,
}

/// A request builder of a cursor-paged operation: it can be made into the request for one
/// page, re-aimed at another cursor, and can split a page's body. Sending and decoding are
/// [`Paged`]'s, here, so that the code that fetches pages is compiled once, not per listing.
pub trait CursorPaged: Clone + Send + 'static {
    /// What each page lists.
    type Item: Send + 'static;

    /// A page's JSON body as the operation's response decodes it.
    type Body: DeserializeOwned + Send + 'static;

    /// The client the request goes through (for its page bound).
    fn client(&self) -> &Client;

    /// The cursor this request asks for, if any.
    fn page_cursor(&self) -> Option<&str>;

    /// The same request, asking for the page at `cursor`.
    fn at_cursor(self, cursor: String) -> Self;

    /// The request for the page this asks for, ready to send.
    fn call(self) -> Call<Self::Body>;

    /// A page's items, whether the server says more follow, and its next cursor.
    fn page(body: Self::Body) -> Page<Self::Item>;
}

/// Every item of every page of a cursor-paged listing, as a [`Stream`] of
/// `Result<R::Item, Error>`: pages are fetched one at a time as the stream is read,
/// following the cursor until the server says there are no more.
///
/// The stream yields an error and ends when a request fails, and with
/// [`Error::Pagination`] when the server sends a cursor this stream already sent (a
/// cycle of any length), says more pages follow without giving a cursor, or when
/// [`Client::max_pages`] pages have been read and the server still says more follow.
///
/// It is a named type, not a boxed stream, so that the code that fetches and decodes pages
/// is compiled where the stream is read, not in every crate that only offers it; it is
/// [`Unpin`], so [`StreamExt::next`](futures::StreamExt::next) works on it directly.
#[must_use = "no page is fetched unless the stream is read"]
pub struct Paged<R: CursorPaged> {
    /// The request for the next page, until there is none.
    next: Option<R>,
    /// The request whose page is being fetched, and the fetch.
    fetching: Option<(R, Fetch<R>)>,
    /// Items of the pages fetched, not yet read.
    buffer: VecDeque<R::Item>,
    /// An error to yield once the buffered items are out.
    failure: Option<Error>,
    cursors: Cursors,
}

/// Fetching one page.
type Fetch<R> = BoxFuture<'static, Result<ApiResponse<<R as CursorPaged>::Body>, Error>>;

impl<R: CursorPaged> Paged<R> {
    /// The listing that starts with the page `first` asks for.
    pub fn new(first: R) -> Self {
        let cursors = Cursors::new(first.page_cursor(), first.client().max_pages());
        Paged { next: Some(first), fetching: None, buffer: VecDeque::new(), failure: None, cursors }
    }
}

// Nothing is pinned in place: the fetch in progress is boxed.
impl<R: CursorPaged> Unpin for Paged<R> {}

impl<R: CursorPaged> Stream for Paged<R> {
    type Item = Result<R::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some((_, fetch)) = &mut this.fetching {
                let page = ready!(fetch.as_mut().poll(cx));
                if let Some((request, _)) = this.fetching.take() {
                    match page.map(|response| R::page(response.into_inner())) {
                        Ok(page) => {
                            this.buffer.extend(page.items);
                            match this.cursors.follow(page.has_more, page.next_cursor) {
                                Ok(Some(cursor)) => this.next = Some(request.at_cursor(cursor)),
                                Ok(None) => {}
                                Err(err) => this.failure = Some(err),
                            }
                        }
                        Err(err) => this.failure = Some(err),
                    }
                }
            }
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(err) = this.failure.take() {
                this.next = None;
                return Poll::Ready(Some(Err(err)));
            }
            let Some(request) = this.next.take() else { return Poll::Ready(None) };
            let fetch = Box::pin(request.clone().call().send());
            this.fetching = Some((request, fetch));
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let more = self.fetching.is_some() || self.next.is_some() || self.failure.is_some();
        (self.buffer.len(), if more { None } else { Some(self.buffer.len()) })
    }
}

impl<R: CursorPaged> FusedStream for Paged<R> {
    fn is_terminated(&self) -> bool {
        self.fetching.is_none() && self.next.is_none() && self.failure.is_none() && self.buffer.is_empty()
    }
}

impl<R: CursorPaged> fmt::Debug for Paged<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paged")
            .field("pages", &self.cursors.pages)
            .field("buffered", &self.buffer.len())
            .field("fetching", &self.fetching.is_some())
            .finish_non_exhaustive()
    }
}

/// The cursors a listing has sent and how many pages it has read: what decides whether to
/// follow the next cursor. It does not depend on the listing, so it is compiled once.
#[derive(Debug)]
struct Cursors {
    /// Every cursor sent so far.
    sent: HashSet<String>,
    pages: usize,
    max_pages: usize,
}

impl Cursors {
    fn new(first: Option<&str>, max_pages: usize) -> Self {
        Cursors { sent: first.map(str::to_owned).into_iter().collect(), pages: 0, max_pages }
    }

    /// After a page: the cursor to fetch next, `None` at the end, or why paging stops.
    fn follow(&mut self, has_more: bool, next_cursor: Option<String>) -> Result<Option<String>, Error> {
        self.pages += 1;
        if !has_more {
            return Ok(None);
        }
        let failure = match next_cursor {
            None => "the server said more pages follow but gave no cursor".to_owned(),
            Some(cursor) if cursor.is_empty() => {
                "the server said more pages follow but gave an empty cursor".to_owned()
            }
            Some(cursor) if self.sent.contains(&cursor) => {
                format!("the server sent the cursor {cursor:?}, which this listing already used")
            }
            Some(_) if self.pages >= self.max_pages => {
                format!("read {} pages, the client's bound, and the server says more follow", self.pages)
            }
            Some(cursor) => {
                self.sent.insert(cursor.clone());
                return Ok(Some(cursor));
            }
        };
        Err(Error::Pagination(failure))
    }
}
