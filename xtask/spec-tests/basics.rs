//! Copied by `cargo xtask check-specs` into the crate generated from the `basics` fixture:
//! behaviour that the Exa client alone does not exercise (POST retries, header and query
//! parameters, bearer auth, optional nullable fields, text and binary bodies).

mod support;

use std::time::Duration;

use fixture_basics::operations::RestockItemResponse;
use fixture_basics::types::{Item, ItemKind, NewItem, NewItemKind};
use fixture_basics::{Client, Error, RetryPolicy};
use serde_json::json;
use support::{serve, Server};

fn client(server: &Server, retry: RetryPolicy) -> Client {
    Client::builder()
        .api_key("secret-token")
        .base_url(&server.base)
        .retry_policy(RetryPolicy { initial_backoff: Duration::from_millis(1), ..retry })
        .build()
        .unwrap()
}

const ITEM: &str = r#"{"id": 7, "kind": "tool.hand", "note": null, "self": "https://x/7", "tags": ["a", null]}"#;

fn new_item() -> NewItem {
    NewItem { kind: NewItemKind::ToolHand, note: None }
}

#[tokio::test]
async fn post_is_not_resent_after_a_503_unless_asked() {
    let server = serve(vec![(503, "text/plain", "busy"), (201, "application/json", ITEM)]);
    let err = client(&server, RetryPolicy::default()).create_item(new_item()).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests.lock().unwrap().len(), 1);

    let server = serve(vec![(503, "text/plain", "busy"), (201, "application/json", ITEM)]);
    let retry = RetryPolicy { retry_non_idempotent: true, ..RetryPolicy::default() };
    let item = client(&server, retry).create_item(new_item()).send().await.unwrap();
    assert_eq!(item.status(), 201);
    assert_eq!(item.kind, ItemKind::ToolHand);
    let requests = server.requests.lock().unwrap();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].starts_with("POST /items HTTP/1.1"), "{}", requests[1]);
    assert!(requests[1].contains("content-type: application/json"), "{}", requests[1]);
    assert!(requests[1].ends_with(r#"{"kind":"tool.hand"}"#), "{}", requests[1]);
}

#[tokio::test]
async fn bearer_auth_headers_and_query_arrays_are_sent() {
    let server =
        serve(vec![(200, "application/json", ITEM), (200, "application/json", "[]"), (200, "application/json", "[]")]);
    let client = client(&server, RetryPolicy::never());
    client.get_item(7, "trace-1").if_none_match("\"etag\"").send().await.unwrap();
    client.list_items().ids(vec![1, 2]).kind("2nd-hand").send().await.unwrap();
    client
        .list_items()
        .kinds(vec!["tool.hand".into(), "type".into()])
        .tags(vec!["a b".into(), "c".into()])
        .x_flags(vec![1, 2])
        .send()
        .await
        .unwrap();
    let requests = server.requests.lock().unwrap();
    assert!(requests[0].starts_with("GET /items/7 HTTP/1.1"), "{}", requests[0]);
    assert!(requests[0].contains("authorization: Bearer secret-token"), "{}", requests[0]);
    assert!(requests[0].contains("x-trace-id: trace-1"), "{}", requests[0]);
    assert!(requests[0].contains("if-none-match: \"etag\""), "{}", requests[0]);
    assert!(requests[1].starts_with("GET /items?kind=2nd-hand&ids=1&ids=2 HTTP/1.1"), "{}", requests[1]);
    // explode: false joins with commas, pipeDelimited with pipes, header lists with commas.
    assert!(requests[2].starts_with("GET /items?kinds=tool.hand%2Ctype&tags=a+b%7Cc HTTP/1.1"), "{}", requests[2]);
    assert!(requests[2].contains("x-flags: 1,2"), "{}", requests[2]);
}

#[tokio::test]
async fn header_values_cannot_add_headers() {
    let server = serve(vec![(200, "application/json", ITEM)]);
    let err = client(&server, RetryPolicy::never()).get_item(7, "a\r\nX-Evil: 1").send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { name: "X-Trace-Id", .. }), "{err:?}");
    assert!(server.requests.lock().unwrap().is_empty());
}

#[tokio::test]
async fn text_binary_and_empty_responses() {
    let server = serve(vec![
        (200, "text/plain", "hello"),
        (200, "application/octet-stream", "\u{1}\u{2}"),
        (204, "text/plain", ""),
    ]);
    let client = client(&server, RetryPolicy::never());
    assert_eq!(client.get_item_label(7).send().await.unwrap().into_inner(), "hello");
    client.put_item_label(7).body(vec![1, 2, 3]).send().await.unwrap();
    client.delete_items_item_id(7).send().await.unwrap();
    let requests = server.requests.lock().unwrap();
    assert!(requests[1].starts_with("PUT /items/7/label.txt HTTP/1.1"), "{}", requests[1]);
    assert!(requests[1].contains("content-type: application/octet-stream"), "{}", requests[1]);
    assert!(requests[2].starts_with("DELETE /items/7 HTTP/1.1"), "{}", requests[2]);
}

#[test]
fn absent_null_and_present_values_round_trip_as_they_came() {
    for label in [None, Some(json!(null)), Some(json!("shelf 3"))] {
        let mut sent: serde_json::Value = serde_json::from_str(ITEM).unwrap();
        if let Some(label) = &label {
            sent["label"] = label.clone();
        }
        let item: Item = serde_json::from_value(sent.clone()).unwrap();
        match &label {
            None => assert_eq!(item.label, None),
            Some(serde_json::Value::Null) => assert_eq!(item.label, Some(None)),
            Some(_) => assert_eq!(item.label, Some(Some("shelf 3".into()))),
        }
        assert_eq!(serde_json::to_value(&item).unwrap(), sent);
    }
}

#[test]
fn the_default_base_url_fills_in_server_variables() {
    assert_eq!(fixture_basics::API.default_base_url, Some("https://eu.example.com/api/"));
}

#[tokio::test]
async fn responses_that_differ_by_status_decode_into_their_variant() {
    let server = serve(vec![
        (200, "application/json", ITEM),
        (202, "text/plain", "in an hour"),
        (204, "text/plain", ""),
        (299, "text/plain", "?"),
        (409, "application/json", r#"{"message": "busy"}"#),
    ]);
    let client = client(&server, RetryPolicy::never());
    let restock = || client.restock_item(7).send();
    assert!(matches!(restock().await.unwrap().into_inner(), RestockItemResponse::Ok(item) if item.id == 7));
    assert_eq!(restock().await.unwrap().into_inner(), RestockItemResponse::Accepted("in an hour".into()));
    assert_eq!(restock().await.unwrap().into_inner(), RestockItemResponse::NoContent);
    let err = restock().await.unwrap_err();
    assert!(matches!(&err, Error::Decode(d) if d.status == 299), "{err:?}");
    let err = restock().await.unwrap_err();
    assert!(matches!(&err, Error::Api(a) if a.status == 409 && a.message().as_deref() == Some("busy")), "{err:?}");
}
