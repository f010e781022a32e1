//! `Call`, the builder of operations with nothing left to set: it sends the request it was
//! made with (extra headers after the spec's) and reads the body as its decoder says.

mod support;

use client_runtime::call::{Bytes, Call, Empty, Text};
use client_runtime::client::{ApiInfo, ClientBuilder, Request};
use client_runtime::{Client, Error, RetryPolicy};
use reqwest::Method;
use support::{json, response, Server};

fn client(base: &str) -> Client {
    let api = ApiInfo { default_base_url: None, auth: None, api_key_env: "UNUSED_TEST_KEY", user_agent: "test/0" };
    ClientBuilder::<Client>::for_api(api).base_url(base).retry_policy(RetryPolicy::never()).build().unwrap()
}

fn request(path: &str) -> Request {
    let mut request = Request::new(Method::GET, path, true);
    request.header("x-spec", "first");
    request
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Note {
    id: i64,
}

/// Not `Clone`, not `Debug`: a `Call` for it still is both.
#[derive(serde::Deserialize)]
struct Opaque {}

#[tokio::test]
async fn a_call_sends_its_request_with_extra_headers_last_and_decodes_json() {
    let server = Server::start("127.0.0.1", |_, _| json(200, r#"{"id": 7}"#)).await;
    let client = client(&server.url("/v1/"));
    let call: Call<Note> = Call::new(&client, request("/notes/7"));
    let note = call.header("x-spec", "extra").header("x-trace", "t1").send().await.unwrap();
    assert_eq!(note.id, 7, "the response dereferences to the body");
    assert_eq!(note.status().as_u16(), 200);
    let seen = &server.seen()[0];
    assert_eq!((seen.method.as_str(), seen.target.as_str()), ("GET", "/v1/notes/7"));
    let spec: Vec<&str> = seen.headers.iter().filter(|(n, _)| n == "x-spec").map(|(_, v)| v.as_str()).collect();
    assert_eq!(spec, ["first", "extra"], "the spec's header first, the extra one after it");
    assert_eq!(seen.header("x-trace"), Some("t1"));

    let call: Call<Opaque> = Call::new(&client, request("/opaque"));
    let copy = call.clone();
    assert!(format!("{copy:?}").starts_with("Call { client: "), "{copy:?}");
    assert_eq!(copy.request().path, call.request().path);
}

#[tokio::test]
async fn each_decoder_reads_its_kind_of_body() {
    let server = Server::start("127.0.0.1", |_, seen| match seen.target.as_str() {
        "/text" => response(200, &[("content-type", "text/plain")], "hello"),
        "/bytes" => response(200, &[("content-type", "application/octet-stream")], "\u{1}\u{2}"),
        "/empty" => response(204, &[], ""),
        _ => json(200, r#"{"id": "not a number"}"#),
    })
    .await;
    let client = client(&server.url("/"));
    let text = Call::<String, Text>::new(&client, request("/text")).send().await.unwrap();
    assert_eq!(text.into_inner(), "hello");
    let bytes = Call::<Vec<u8>, Bytes>::new(&client, request("/bytes")).send().await.unwrap();
    assert_eq!(bytes.into_inner(), [1, 2]);
    let empty = Call::<(), Empty>::new(&client, request("/empty")).send().await.unwrap();
    assert_eq!(empty.status().as_u16(), 204);
    // A JSON string is not text: the default decoder reads JSON.
    let err = Call::<String>::new(&client, request("/text")).send().await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    let err = Call::<Note>::new(&client, request("/wrong")).send().await.unwrap_err();
    let Error::Decode(decode) = err else { panic!("{err:?}") };
    assert_eq!(decode.path, "id");
}

#[tokio::test]
async fn a_bad_extra_header_fails_before_anything_is_sent_and_errors_keep_the_status() {
    let server = Server::start("127.0.0.1", |_, _| json(404, r#"{"error": "no such note"}"#)).await;
    let client = client(&server.url("/"));
    let err = Call::<Note>::new(&client, request("/x")).header("bad name", "v").send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { .. }), "{err:?}");
    assert!(server.seen().is_empty(), "nothing was sent");
    let err = Call::<Note>::new(&client, request("/x")).send().await.unwrap_err();
    let Error::Api(api) = err else { panic!("{err:?}") };
    assert_eq!(api.status.as_u16(), 404);
}
