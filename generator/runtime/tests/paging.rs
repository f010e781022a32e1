//! The cursor stream over scripted pages: it ends where the server says, and with
//! `Error::Pagination` on cycles of any length, a missing cursor, or the page bound.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use client_runtime::client::{ApiInfo, ClientBuilder};
use client_runtime::paging::{CursorPaged, Page, Paged};
use client_runtime::{Client, Error};
use futures::stream::FusedStream;
use futures::StreamExt;

/// A listing whose pages are scripted by cursor (`""` is the first page).
#[derive(Clone)]
struct Scripted {
    client: Client,
    cursor: Option<String>,
    pages: Arc<HashMap<String, (bool, Option<String>)>>,
    requested: Arc<Mutex<Vec<Option<String>>>>,
}

impl CursorPaged for Scripted {
    type Item = String;

    fn client(&self) -> &Client {
        &self.client
    }

    fn page_cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    fn at_cursor(mut self, cursor: String) -> Self {
        self.cursor = Some(cursor);
        self
    }

    async fn fetch_page(self) -> Result<Page<String>, Error> {
        self.requested.lock().unwrap().push(self.cursor.clone());
        let key = self.cursor.clone().unwrap_or_default();
        let (has_more, next_cursor) = self.pages.get(&key).cloned().unwrap_or((false, None));
        Ok(Page { items: vec![format!("item@{key}")], has_more, next_cursor })
    }
}

fn listing(pages: &[(&str, bool, Option<&str>)], max_pages: usize) -> Scripted {
    let api = ApiInfo {
        default_base_url: Some("http://127.0.0.1:9/"),
        auth: None,
        api_key_env: "UNUSED_TEST_KEY",
        user_agent: "test/0",
    };
    let client = ClientBuilder::<Client>::for_api(api).max_pages(max_pages).build().unwrap();
    let pages = pages.iter().map(|(c, more, next)| (c.to_string(), (*more, next.map(str::to_owned)))).collect();
    Scripted { client, cursor: None, pages: Arc::new(pages), requested: Arc::default() }
}

async fn drain(listing: Scripted) -> (Vec<String>, Option<Error>, usize) {
    let requested = listing.requested.clone();
    let mut stream = Paged::new(listing);
    assert!(!stream.is_terminated(), "a listing that has not been read is not over");
    assert!(requested.lock().unwrap().is_empty(), "nothing is sent before the stream is read");
    fn send_and_unpin<S: Send + Unpin>(_: &S) {}
    send_and_unpin(&stream);
    let mut items = Vec::new();
    let mut error = None;
    while let Some(next) = stream.next().await {
        match next {
            Ok(item) => items.push(item),
            Err(err) => {
                assert!(error.is_none(), "only one error, then the end");
                error = Some(err);
            }
        }
    }
    assert!(stream.is_terminated(), "a stream that gave None is over");
    let requests = requested.lock().unwrap().len();
    assert!(stream.next().await.is_none(), "an ended stream stays ended");
    assert_eq!(requested.lock().unwrap().len(), requests, "an ended stream sends nothing");
    (items, error, requests)
}

#[tokio::test]
async fn follows_cursors_until_the_server_says_no_more() {
    let pages = [("", true, Some("c1")), ("c1", true, Some("c2")), ("c2", false, None)];
    let (items, error, requests) = drain(listing(&pages, 100)).await;
    assert_eq!(items, ["item@", "item@c1", "item@c2"]);
    assert!(error.is_none());
    assert_eq!(requests, 3);
}

#[tokio::test]
async fn cursor_cycles_of_any_length_end_with_a_pagination_error() {
    for cycle in 1..=5usize {
        // "" -> c1 -> c2 -> ... -> c<cycle> -> c1 -> ...
        let names: Vec<String> = (1..=cycle).map(|i| format!("c{i}")).collect();
        let mut pages = vec![("".to_owned(), true, Some(names[0].clone()))];
        for (i, name) in names.iter().enumerate() {
            pages.push((name.clone(), true, Some(names[(i + 1) % cycle].clone())));
        }
        let borrowed: Vec<(&str, bool, Option<&str>)> =
            pages.iter().map(|(c, m, n)| (c.as_str(), *m, n.as_deref())).collect();
        let (items, error, requests) = drain(listing(&borrowed, 10_000)).await;
        assert!(matches!(error, Some(Error::Pagination(ref m)) if m.contains("already used")), "{cycle}: {error:?}");
        assert_eq!(requests, cycle + 1, "each page once, then stop");
        assert_eq!(items.len(), cycle + 1, "items read before the cycle are kept");
    }
}

#[tokio::test]
async fn a_cursor_equal_to_the_first_one_sent_is_a_cycle_too() {
    let pages = [("c0", true, Some("c0"))];
    let mut first = listing(&pages, 100);
    first.cursor = Some("c0".into());
    let (_, error, requests) = drain(first).await;
    assert!(matches!(error, Some(Error::Pagination(_))));
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn more_pages_without_a_cursor_is_an_error_not_a_silent_end() {
    for next in [None, Some("")] {
        let pages = [("", true, next)];
        let (items, error, _) = drain(listing(&pages, 100)).await;
        assert_eq!(items.len(), 1);
        assert!(matches!(error, Some(Error::Pagination(ref m)) if m.contains("gave no cursor") || m.contains("empty")));
    }
}

#[tokio::test]
async fn fresh_cursors_forever_stop_at_the_page_bound() {
    // Every page points to a new cursor: 0 -> 1 -> 2 -> ...
    let pages: Vec<(String, bool, Option<String>)> = (0..100)
        .map(|i| (if i == 0 { String::new() } else { format!("c{i}") }, true, Some(format!("c{}", i + 1))))
        .collect();
    let borrowed: Vec<(&str, bool, Option<&str>)> =
        pages.iter().map(|(c, m, n)| (c.as_str(), *m, n.as_deref())).collect();
    let (items, error, requests) = drain(listing(&borrowed, 7)).await;
    assert_eq!(requests, 7);
    assert_eq!(items.len(), 7);
    assert!(matches!(error, Some(Error::Pagination(ref m)) if m.contains("7 pages")), "{error:?}");
}
