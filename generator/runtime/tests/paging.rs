//! The cursor stream over pages a loopback server scripts: it ends where the server says,
//! and with `Error::Pagination` on cycles of any length, a missing cursor, or the page bound;
//! a failed page ends it with that error, after the items already read.

mod support;

use std::collections::HashMap;

use client_runtime::call::Call;
use client_runtime::client::{ApiInfo, ClientBuilder, Request};
use client_runtime::paging::{CursorPaged, Page, Paged};
use client_runtime::{Client, Error, RetryPolicy};
use futures::stream::FusedStream;
use futures::StreamExt;
use reqwest::Method;
use support::{json, Server};

/// A listing at `/list`, asking for `?cursor=` when it has one.
#[derive(Clone)]
struct Scripted {
    client: Client,
    cursor: Option<String>,
}

#[derive(serde::Deserialize)]
struct Body {
    items: Vec<String>,
    has_more: bool,
    next_cursor: Option<String>,
}

impl CursorPaged for Scripted {
    type Item = String;
    type Body = Body;

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

    fn call(self) -> Call<Body> {
        let mut request = Request::new(Method::GET, "/list", true);
        if let Some(cursor) = &self.cursor {
            request.query("cursor", cursor.clone());
        }
        Call::new(&self.client, request)
    }

    fn page(body: Body) -> Page<String> {
        Page { items: body.items, has_more: body.has_more, next_cursor: body.next_cursor }
    }
}

/// A server answering each cursor (`""` for none) as `pages` says, with one item named after
/// it (a cursor it does not know gets a 500), and a listing of it.
async fn listing(pages: &[(&str, bool, Option<&str>)], max_pages: usize) -> (Scripted, Server) {
    let pages: HashMap<String, (bool, Option<String>)> =
        pages.iter().map(|(c, more, next)| (c.to_string(), (*more, next.map(str::to_owned)))).collect();
    let server = Server::start("127.0.0.1", move |_, seen| {
        let cursor = seen.target.split_once("?cursor=").map_or("", |(_, c)| c).to_owned();
        match pages.get(&cursor) {
            Some((has_more, next_cursor)) => {
                let body = serde_json::json!({
                    "items": [format!("item@{cursor}")],
                    "has_more": has_more,
                    "next_cursor": next_cursor,
                });
                json(200, &body.to_string())
            }
            None => json(500, r#"{"error": "no such page"}"#),
        }
    })
    .await;
    let api = ApiInfo { default_base_url: None, auth: None, api_key_env: "UNUSED_TEST_KEY", user_agent: "test/0" };
    let client = ClientBuilder::<Client>::for_api(api)
        .base_url(server.url("/"))
        .retry_policy(RetryPolicy::never())
        .max_pages(max_pages)
        .build()
        .unwrap();
    (Scripted { client, cursor: None }, server)
}

/// The items and the error the stream gave, and how many requests the server saw.
async fn drain(listing: Scripted, server: &Server) -> (Vec<String>, Option<Error>, usize) {
    let mut stream = Paged::new(listing);
    assert!(!stream.is_terminated(), "a listing that has not been read is not over");
    assert!(server.seen().is_empty(), "nothing is sent before the stream is read");
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
    let requests = server.seen().len();
    assert!(stream.next().await.is_none(), "an ended stream stays ended");
    assert_eq!(server.seen().len(), requests, "an ended stream sends nothing");
    (items, error, requests)
}

#[tokio::test]
async fn follows_cursors_until_the_server_says_no_more() {
    let pages = [("", true, Some("c1")), ("c1", true, Some("c2")), ("c2", false, None)];
    let (listing, server) = listing(&pages, 100).await;
    let (items, error, requests) = drain(listing, &server).await;
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
        let (listing, server) = listing(&borrowed, 10_000).await;
        let (items, error, requests) = drain(listing, &server).await;
        assert!(matches!(error, Some(Error::Pagination(ref m)) if m.contains("already used")), "{cycle}: {error:?}");
        assert_eq!(requests, cycle + 1, "each page once, then stop");
        assert_eq!(items.len(), cycle + 1, "items read before the cycle are kept");
    }
}

#[tokio::test]
async fn a_cursor_equal_to_the_first_one_sent_is_a_cycle_too() {
    let pages = [("c0", true, Some("c0"))];
    let (mut first, server) = listing(&pages, 100).await;
    first.cursor = Some("c0".into());
    let (_, error, requests) = drain(first, &server).await;
    assert!(matches!(error, Some(Error::Pagination(_))));
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn more_pages_without_a_cursor_is_an_error_not_a_silent_end() {
    for next in [None, Some("")] {
        let pages = [("", true, next)];
        let (listing, server) = listing(&pages, 100).await;
        let (items, error, _) = drain(listing, &server).await;
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
    let (listing, server) = listing(&borrowed, 7).await;
    let (items, error, requests) = drain(listing, &server).await;
    assert_eq!(requests, 7);
    assert_eq!(items.len(), 7);
    assert!(matches!(error, Some(Error::Pagination(ref m)) if m.contains("7 pages")), "{error:?}");
}

#[tokio::test]
async fn a_failed_page_ends_the_stream_with_its_error_after_the_items_read() {
    // The second page's cursor is one the server does not know: it answers 500.
    let pages = [("", true, Some("c1"))];
    let (listing, server) = listing(&pages, 100).await;
    let (items, error, requests) = drain(listing, &server).await;
    assert_eq!(items, ["item@"]);
    assert!(matches!(error, Some(Error::Api(ref e)) if e.status.as_u16() == 500), "{error:?}");
    assert_eq!(requests, 2);
    assert_eq!(server.seen()[1].target, "/list?cursor=c1");
}
