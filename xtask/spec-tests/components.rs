//! Copied by `cargo xtask check-specs` into the crate generated from the `components`
//! fixture: `$ref`'d parameters, bodies and responses, an optional JSON body, a text body, a
//! `2XX` response and a stream whose `nextCursor` is optional and nullable.

mod support;

use std::time::Duration;

use fixture_components::types::{Pet, UpdatePetMode};
use fixture_components::{Client, Error, RetryPolicy};
use futures::StreamExt;
use support::{serve, Server};

fn client(server: &Server) -> Client {
    Client::builder()
        .api_key("token")
        .base_url(&server.base)
        .retry_policy(RetryPolicy { initial_backoff: Duration::from_millis(1), ..RetryPolicy::never() })
        .build()
        .unwrap()
}

const PET: &str = r#"{"id": "3f0c", "petType": "dog", "name": "Rex"}"#;

#[tokio::test]
async fn the_stream_ends_with_an_error_on_a_null_next_cursor_with_has_more() {
    let server = serve(vec![
        (
            200,
            "application/json",
            r#"{"data": [{"id": "1", "petType": "cat", "name": "A"}], "hasMore": true, "nextCursor": "c2"}"#,
        ),
        (
            200,
            "application/json",
            r#"{"data": [{"id": "2", "petType": "cat", "name": "B"}], "hasMore": true, "nextCursor": null}"#,
        ),
    ]);
    let results: Vec<_> = client(&server).list_pets().page_size(1).into_stream().collect().await;
    let pets: Vec<&Pet> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(pets.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["A", "B"]);
    // hasMore with a null cursor contradicts itself: the stream says so rather than
    // ending as if the listing were complete.
    assert!(matches!(results.last(), Some(Err(Error::Pagination(_)))), "{results:?}");
    let requests = server.requests.lock().unwrap();
    assert_eq!(requests.len(), 2, "a null cursor ends the listing even though hasMore is true");
    assert!(requests[0].starts_with("GET /pets?page_size=1 HTTP/1.1"), "{}", requests[0]);
    assert!(requests[1].starts_with("GET /pets?page_size=1&cursor=c2 HTTP/1.1"), "{}", requests[1]);
    assert!(requests[0].contains("authorization: Bearer token"), "{}", requests[0]);
}

#[tokio::test]
async fn an_optional_json_body_is_sent_only_when_set() {
    let server = serve(vec![(200, "application/json", PET), (202, "application/json", PET)]);
    let client = client(&server);
    let pet: Pet = serde_json::from_str(PET).unwrap();
    let updated = client.update_pet("3f0c", 7, UpdatePetMode::Merge).body(pet).send().await.unwrap();
    assert_eq!(updated.name, "Rex");
    // 202 is in the 2XX range the spec gives one body for; its JSON body decodes the same.
    client.update_pet("3f0c", 7, "replace").send().await.unwrap();
    let requests = server.requests.lock().unwrap();
    assert!(requests[0].starts_with("PATCH /pets/3f0c?mode=merge HTTP/1.1"), "{}", requests[0]);
    assert!(requests[0].contains("content-type: application/merge-patch+json"), "{}", requests[0]);
    assert!(requests[0].contains("if-match: 7"), "{}", requests[0]);
    assert!(requests[0].ends_with(r#"{"id":"3f0c","petType":"dog","name":"Rex"}"#), "{}", requests[0]);
    assert!(!requests[1].contains("content-type"), "{}", requests[1]);
}

#[tokio::test]
async fn a_text_body_is_sent_as_text() {
    let server = serve(vec![(204, "text/plain", "")]);
    client(&server).add_note("3f0c", "likes walks".into()).send().await.unwrap();
    let requests = server.requests.lock().unwrap();
    assert!(requests[0].starts_with("POST /pets/3f0c/notes HTTP/1.1"), "{}", requests[0]);
    assert!(requests[0].contains("content-type: text/plain"), "{}", requests[0]);
    assert!(requests[0].ends_with("likes walks"), "{}", requests[0]);
}
