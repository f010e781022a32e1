//! Whatever a server sends, the client answers with a typed error: never a panic, never
//! unbounded memory. Servers here are raw TCP on loopback, to send what no well-behaved
//! HTTP library would.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use exa_websets::{Client, Error, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Serves each connection by reading the request head and writing `response(n)` for the
/// n-th connection. Returns the base URL.
fn raw_server(response: impl Fn(usize, &mut std::net::TcpStream) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { return };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            response(n, &mut stream);
        }
    });
    base
}

fn client(base: &str) -> Client {
    Client::builder()
        .api_key("k")
        .base_url(base)
        .retry_policy(RetryPolicy::never())
        .timeout(Duration::from_secs(10))
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_endless_chunked_body_is_cut_off_at_the_limit() {
    let base = raw_server(|_, stream| {
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
        let chunk = format!("{:x}\r\n{}\r\n", 8192, " ".repeat(8192));
        // Up to 64 MiB, far past the limit; the client stops reading long before.
        for _ in 0..8192 {
            if stream.write_all(chunk.as_bytes()).is_err() {
                return;
            }
        }
    });
    let err = client(&base).monitors_runs_list("m").send().await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { limit: 65536, .. }), "{err:?}");
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_reading() {
    let base = raw_server(|_, stream| {
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000000\r\n\r\n{");
    });
    let err = client(&base).monitors_runs_list("m").send().await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn a_connection_cut_mid_body_is_a_transport_error() {
    let base = raw_server(|_, stream| {
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"data\": [");
        let _ = stream.shutdown(std::net::Shutdown::Both);
    });
    let err = client(&base).monitors_runs_list("m").send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn garbage_instead_of_http_is_a_transport_error() {
    let base = raw_server(|_, stream| {
        let _ = stream.write_all(b"\x00\x01\x02 this is not HTTP\r\n\r\n");
    });
    let err = client(&base).monitors_runs_list("m").send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn invalid_utf8_and_deeply_nested_json_are_decode_errors() {
    let server = MockServer::start().await;
    let mut invalid = br#"{"data": [], "hasMore": false, "nextCursor": ""#.to_vec();
    invalid.extend_from_slice(&[0xff, 0xfe]);
    invalid.extend_from_slice(br#""}"#);
    let deep =
        format!("{{\"data\": {}{}, \"hasMore\": false, \"nextCursor\": null}}", "[".repeat(20_000), "]".repeat(20_000));
    Mock::given(wiremock::matchers::path("/v0/monitors/utf8/runs"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(invalid, "application/json"))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::path("/v0/monitors/deep/runs"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(deep, "application/json"))
        .mount(&server)
        .await;
    let client = Client::builder().api_key("k").base_url(server.uri()).build().unwrap();
    for id in ["utf8", "deep"] {
        let err = client.monitors_runs_list(id).send().await.unwrap_err();
        let Error::Decode(decode) = &err else { panic!("{id}: {err:?}") };
        assert!(decode.excerpt().chars().count() <= 202, "{id}: the excerpt is bounded");
        assert!(err.to_string().len() < 1000, "{id}: the message is bounded");
    }
}

#[tokio::test]
async fn error_bodies_of_any_shape_are_kept_whole() {
    let server = MockServer::start().await;
    let html = "<html>".repeat(10_000);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(html.clone(), "text/html"))
        .mount(&server)
        .await;
    let client =
        Client::builder().api_key("k").base_url(server.uri()).retry_policy(RetryPolicy::never()).build().unwrap();
    let err = client.monitors_runs_list("m").send().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.body, html.as_bytes());
    assert_eq!(api.message(), None);
    assert!(err.to_string().len() < 400, "the message quotes only an excerpt: {err}");
}

#[tokio::test]
async fn query_values_are_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"data": [], "hasMore": false, "nextCursor": null})),
        )
        .mount(&server)
        .await;
    let client = Client::builder().api_key("k").base_url(server.uri()).build().unwrap();
    client.monitors_runs_list("m").cursor("a&limit=1#x y").send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), Some("cursor=a%26limit%3D1%23x+y"));
    let pairs: Vec<(String, String)> = requests[0].url.query_pairs().into_owned().collect();
    assert_eq!(pairs, [("cursor".to_owned(), "a&limit=1#x y".to_owned())]);
}
