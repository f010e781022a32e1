//! Copied by `cargo xtask check-specs` into the crate generated from the `common_headers`
//! fixture: the headers every operation takes alike are one `CommonHeaders` argument,
//! written into each request beside the operation's own parameters.

mod support;

use fixture_common_headers::types::Entry;
use fixture_common_headers::{Client, CommonHeaders, Error};
use support::{serve, Server};

fn client(server: &Server) -> Client {
    Client::builder().base_url(&server.base).build().unwrap()
}

fn headers() -> CommonHeaders {
    CommonHeaders { x_client_id: "app-7".into(), x_api_version: 2, accept_language: None }
}

#[tokio::test]
async fn every_operation_sends_the_common_headers_and_its_own() {
    let server =
        serve(vec![(200, "application/json", r#"[{"amount": 5}]"#), (201, "application/json", r#"{"amount": 9}"#)]);
    let client = client(&server);
    let entries = client.list_entries(&headers(), 41).since("2026-01-01").x_note("hi").send().await.unwrap();
    assert_eq!(entries[0].amount, 5);
    let with_language = CommonHeaders { accept_language: Some("nl".into()), ..headers() };
    let added = client.add_entry(&with_language, 41, "key-1", Entry::new(9)).send().await.unwrap();
    assert_eq!(added.amount, 9);
    let requests = server.requests.lock().unwrap();
    let first = requests[0].to_ascii_lowercase();
    assert!(first.starts_with("get /accounts/41/entries?since=2026-01-01 http/1.1"), "{first}");
    for line in ["x-client-id: app-7", "x-api-version: 2", "x-note: hi"] {
        assert!(first.contains(line), "{line} in {first}");
    }
    assert!(!first.contains("accept-language"), "an unset optional header is not sent: {first}");
    let second = requests[1].to_ascii_lowercase();
    assert!(second.starts_with("post /accounts/41/entries http/1.1"), "{second}");
    for line in ["x-client-id: app-7", "x-api-version: 2", "accept-language: nl", "idempotency-key: key-1"] {
        assert!(second.contains(line), "{line} in {second}");
    }
    assert!(second.ends_with(r#"{"amount":9}"#), "{second}");
}

#[tokio::test]
async fn a_common_header_that_cannot_be_sent_is_refused_before_sending() {
    let server = serve(vec![(200, "text/plain", "ok")]);
    let bad = CommonHeaders { x_client_id: "line\nbreak".into(), ..headers() };
    let err = client(&server).get_status(&bad).send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { name: "X-Client-Id", .. }), "{err}");
    assert!(server.requests.lock().unwrap().is_empty(), "nothing is sent");
    let status = client(&server).get_status(&headers()).send().await.unwrap();
    assert_eq!(*status, "ok");
}
