//! Copied by `cargo xtask check-specs` into the crate generated from the `awkward` fixture:
//! an API key sent as a query parameter, a spec with no absolute server URL, and names that
//! had to be changed to stay clear of the client's own.

mod support;

use fixture_awkward::{types, Call, Client, Error, RetryPolicy};
use support::serve;

#[test]
fn without_a_server_in_the_spec_a_base_url_is_required() {
    assert_eq!(fixture_awkward::API.default_base_url, None);
    let err = Client::new("k3y").unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[tokio::test]
async fn a_query_api_key_goes_in_the_query_and_nowhere_else() {
    let server = serve(vec![(204, "text/plain", ""), (500, "text/plain", "oops")]);
    let client = Client::builder()
        .api_key("k3y secret")
        .base_url(&server.base)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("k3y"));
    // `new` is taken by the constructor, so the operation with that id is `new2`.
    client.new2().send().await.unwrap();
    let err = client.new2().send().await.unwrap_err();
    assert!(!err.to_string().contains("k3y") && !format!("{err:?}").contains("k3y"), "{err:?}");
    let requests = server.requests.lock().unwrap();
    assert!(requests[0].starts_with("GET /new?api-key=k3y+secret HTTP/1.1"), "{}", requests[0]);
    assert!(!requests[0].to_ascii_lowercase().contains("authorization"), "{}", requests[0]);
}

#[tokio::test]
async fn values_sent_as_json_text_are_encoded_and_an_operation_named_call_is_a_builder() {
    let server = serve(vec![(200, "text/plain", "pong"), (200, "text/plain; charset=utf-8", "plain")]);
    let client = Client::builder().api_key("k").base_url(&server.base).build().unwrap();
    let filter = |value: &str| types::Request { r#fn: Some(value.to_owned()), ..Default::default() };
    // The operation `call`: its builder is renamed, its `call` parameter is a setter.
    let reply = client
        .call(filter("a/b"))
        .call("c")
        .text(filter("h"))
        .items(vec![filter("1"), filter("2")])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.into_inner(), "pong");
    let text: Call<String, fixture_awkward::runtime::call::Text> = client.text();
    assert_eq!(text.send().await.unwrap().into_inner(), "plain");
    let requests = server.requests.lock().unwrap();
    let line = requests[0].lines().next().unwrap();
    assert!(line.starts_with("GET /call/%7B%22fn%22%3A%22a%2Fb%22%7D?"), "{line}");
    assert!(line.contains("call=c&items=%7B%22fn%22%3A%221%22%7D&items=%7B%22fn%22%3A%222%22%7D"), "{line}");
    assert!(requests[0].to_ascii_lowercase().contains("\r\ntext: {\"fn\":\"h\"}\r\n"), "{}", requests[0]);
    assert!(requests[1].starts_with("GET /text?api-key=k HTTP/1.1"), "{}", requests[1]);
}
