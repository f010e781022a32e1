//! Cursor-paged listings as streams of items, one generic loop for every operation.
//!
//! This module is the same in every generated crate (its source is
//! `generator/runtime/src/paging.rs` in the generator's repository).

use std::collections::{HashSet, VecDeque};

use futures::future::BoxFuture;
use futures::stream::{BoxStream, StreamExt};

use crate::client::Client;
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

/// A request builder of a cursor-paged operation: it can be sent for one page, and
/// re-aimed at another cursor.
pub trait CursorPaged: Clone + Send + 'static {
    /// What each page lists.
    type Item: Send + 'static;

    /// The client the request goes through (for its page bound).
    fn client(&self) -> &Client;

    /// The cursor this request asks for, if any.
    fn page_cursor(&self) -> Option<&str>;

    /// The same request, asking for the page at `cursor`.
    fn at_cursor(self, cursor: String) -> Self;

    /// Sends the request for one page.
    fn fetch_page(self) -> BoxFuture<'static, Result<Page<Self::Item>, Error>>;
}

/// Every item of every page, fetched one page at a time as the stream is read, following
/// the cursor until the server says there are no more.
///
/// The stream yields an error and ends when a request fails, and with
/// [`Error::Pagination`] when the server sends a cursor this stream already sent (a
/// cycle of any length), says more pages follow without giving a cursor, or when
/// [`Client::max_pages`] pages have been read and the server still says more follow.
pub fn cursor_stream<R: CursorPaged>(first: R) -> BoxStream<'static, Result<R::Item, Error>> {
    let max_pages = first.client().max_pages();
    let mut sent = HashSet::new();
    if let Some(cursor) = first.page_cursor() {
        sent.insert(cursor.to_owned());
    }
    let state = State { next: Some(first), buffer: VecDeque::new(), failure: None, sent, pages: 0, max_pages };
    futures::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            if let Some(err) = state.failure.take() {
                state.next = None;
                return Some((Err(err), state));
            }
            let request = state.next.take()?;
            match request.clone().fetch_page().await {
                Ok(page) => state.advance(request, page),
                Err(err) => state.failure = Some(err),
            }
        }
    })
    .boxed()
}

struct State<R: CursorPaged> {
    next: Option<R>,
    buffer: VecDeque<R::Item>,
    /// An error to yield once the buffered items are out.
    failure: Option<Error>,
    /// Every cursor sent so far.
    sent: HashSet<String>,
    pages: usize,
    max_pages: usize,
}

impl<R: CursorPaged> State<R> {
    fn advance(&mut self, request: R, page: Page<R::Item>) {
        self.pages += 1;
        self.buffer.extend(page.items);
        if !page.has_more {
            return;
        }
        let failure = match page.next_cursor {
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
                self.next = Some(request.at_cursor(cursor));
                return;
            }
        };
        self.failure = Some(Error::Pagination(failure));
    }
}
