//! Streamed responses against a loopback server: events however they are split and spelt,
//! the `[DONE]` sentinel, malformed events, timeouts, retries, the size limit per event, the
//! request id, and credentials kept from other origins.

mod support;

use std::time::{Duration, Instant};

use client_runtime::client::{ApiInfo, AuthScheme, ClientBuilder, Request};
use client_runtime::sse::{Event, EventStream};
use client_runtime::{Client, Error, RetryPolicy};
use futures::StreamExt;
use reqwest::Method;
use serde::Deserialize;
use support::{json, response, streamed, Reply, Server};

const SECRET: &str = "sk-live-SECRET-0123456789";
const SSE: (&str, &str) = ("content-type", "text/event-stream");

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Delta {
    text: String,
}

fn builder(server: &Server) -> ClientBuilder {
    let api = ApiInfo {
        default_base_url: None,
        auth: Some(AuthScheme::Header("x-api-key")),
        api_key_env: "UNUSED_KEY",
        user_agent: "test/0",
    };
    ClientBuilder::<Client>::for_api(api)
        .api_key(SECRET)
        .base_url(server.url("/v1"))
        .retry_policy(RetryPolicy { initial_backoff: Duration::from_millis(1), ..RetryPolicy::default() })
}

fn client(server: &Server) -> Client {
    builder(server).build().unwrap()
}

fn get() -> Request {
    Request::new(Method::GET, "/stream", true)
}

async fn open(client: &Client) -> Result<EventStream<Delta>, Error> {
    EventStream::json(client, get()).await
}

/// Every item of the stream: events as `Ok`, errors as their `Debug` text.
async fn drain<T>(mut stream: EventStream<T>) -> Vec<Result<Event<T>, Error>> {
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item);
    }
    items
}

fn texts(items: &[Result<Event<Delta>, Error>]) -> Vec<String> {
    items
        .iter()
        .map(|item| match item {
            Ok(event) => event.data.text.clone(),
            Err(err) => format!("error: {err}"),
        })
        .collect()
}

/// A stream with everything the format allows: comments, keep-alives, CRLF and CR line
/// endings, multi-line data, a block with only an id, and a last event that no blank line
/// ends.
const AWKWARD: &str = concat!(
    ": a comment\r\n",
    "\r\n",
    "event: delta\r\nid: 1\r\nretry: 2500\r\ndata: {\"text\":\r\ndata: \"a\"}\r\n\r\n",
    "data: {\"text\":\"b\"}\n\n",
    ":keep-alive\n\n",
    "id: 7\n\n",
    "data: {\"text\":\"c\"}\r\r",
    "data: {\"text\":\"d\"}",
);

fn expect_awkward(items: &[Result<Event<Delta>, Error>]) {
    assert_eq!(texts(items), ["a", "b", "c", "d"]);
    let first = items[0].as_ref().unwrap();
    assert_eq!(first.event.as_deref(), Some("delta"));
    assert_eq!(first.id.as_deref(), Some("1"));
    assert_eq!(first.retry, Some(Duration::from_millis(2500)));
    let second = items[1].as_ref().unwrap();
    assert_eq!((second.event.as_deref(), second.id.as_deref(), second.retry), (None, None, None));
}

#[tokio::test]
async fn events_are_read_however_the_network_splits_them() {
    let bytes: Vec<String> = AWKWARD.chars().map(String::from).collect();
    let one_byte_each: Vec<(u64, &str)> = bytes.iter().map(|b| (1, b.as_str())).collect();
    let threes: Vec<String> = AWKWARD.as_bytes().chunks(3).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
    let three_each: Vec<(u64, &str)> = threes.iter().map(|b| (2, b.as_str())).collect();
    let whole = vec![(0, AWKWARD)];
    for (name, pieces) in [("bytes", one_byte_each), ("threes", three_each), ("whole", whole)] {
        for chunked in [true, false] {
            let reply = streamed(200, &[SSE], &pieces, chunked, false);
            let server = Server::start("127.0.0.1", move |_, _| reply.clone()).await;
            let items = drain(open(&client(&server)).await.unwrap()).await;
            assert_eq!(items.len(), 4, "{name}, chunked {chunked}: {:?}", texts(&items));
            expect_awkward(&items);
            let seen = &server.seen()[0];
            assert_eq!(seen.header("accept"), Some("text/event-stream"));
            assert_eq!(seen.header("x-api-key"), Some(SECRET));
        }
    }
}

#[tokio::test]
async fn done_ends_the_stream() {
    let body = "data: {\"text\":\"a\"}\n\ndata: [DONE]\n\ndata: {\"text\":\"never\"}\n\n";
    let server = Server::start("127.0.0.1", move |_, _| response(200, &[SSE], body)).await;
    let items = drain(open(&client(&server)).await.unwrap()).await;
    assert_eq!(texts(&items), ["a"]);
    let text = EventStream::text(&client(&server), get()).await.unwrap();
    let items: Vec<String> = drain(text).await.into_iter().map(|e| e.unwrap().data).collect();
    assert_eq!(items, ["{\"text\":\"a\"}"]);
}

#[tokio::test]
async fn a_malformed_event_is_an_error_with_its_text_and_the_stream_goes_on() {
    let body = "data: {\"text\":\"a\"}\n\nevent: delta\nid: 9\ndata: {\"text\": 12}\n\ndata: not json\n\ndata: {\"text\":\"b\"}\n\n";
    let server = Server::start("127.0.0.1", move |_, _| response(200, &[SSE, ("x-request-id", "req-7")], body)).await;
    let items = drain(open(&client(&server)).await.unwrap()).await;
    assert_eq!(items.len(), 4);
    let Err(Error::Event(bad)) = &items[1] else { panic!("{:?}", items[1]) };
    assert_eq!((bad.event.as_deref(), bad.id.as_deref()), (Some("delta"), Some("9")));
    assert_eq!(bad.data, "{\"text\": 12}");
    assert_eq!(bad.path, "text");
    assert_eq!(bad.request_id.as_deref(), Some("req-7"));
    let message = items[1].as_ref().unwrap_err().to_string();
    assert!(message.contains("at `text`") && message.contains("data: {\"text\": 12}"), "{message}");
    let Err(Error::Event(not_json)) = &items[2] else { panic!("{:?}", items[2]) };
    assert_eq!(not_json.data, "not json");
    assert_eq!(items[3].as_ref().unwrap().data.text, "b");
}

#[tokio::test]
async fn invalid_utf8_ends_the_stream_with_an_event_error() {
    // Written as raw bytes: the loopback server's replies are text, so the test server
    // here is a plain one.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 4096];
        let _ = socket.read(&mut buffer).await;
        let mut reply = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n".to_vec();
        reply.extend_from_slice(b"data: {\"text\":\"a\"}\n\ndata: \xff\xfe\n\ndata: {\"text\":\"b\"}\n\n");
        socket.write_all(&reply).await.unwrap();
    });
    let api = ApiInfo { default_base_url: None, auth: None, api_key_env: "UNUSED_KEY", user_agent: "test/0" };
    let client = ClientBuilder::<Client>::for_api(api).base_url(format!("http://{addr}")).build().unwrap();
    let items = drain(open(&client).await.unwrap()).await;
    assert_eq!(items.len(), 2, "{:?}", texts(&items));
    assert!(matches!(&items[1], Err(Error::Event(e)) if e.message.contains("UTF-8") || e.message.contains("utf8")));
}

#[tokio::test]
async fn the_timeout_cuts_silences_not_a_stream_that_keeps_sending() {
    let event = "data: {\"text\":\"x\"}\n\n";
    // Eight events 100 ms apart, and keep-alive comments 100 ms apart before a last one:
    // twice the 300 ms timeout in all, never silent for as long.
    let mut pieces: Vec<(u64, &str)> = vec![(100, event); 8];
    pieces.extend(vec![(100, ": keep-alive\n\n"); 8]);
    pieces.push((100, event));
    let reply = streamed(200, &[SSE], &pieces, true, false);
    let server = Server::start("127.0.0.1", move |_, _| reply.clone()).await;
    let client = builder(&server).timeout(Duration::from_millis(300)).build().unwrap();
    let items = drain(open(&client).await.unwrap()).await;
    assert_eq!(texts(&items), vec!["x"; 9]);

    // One event, then silence.
    let reply = streamed(200, &[SSE, ("x-request-id", "req-9")], &[(0, event), (3000, event)], true, false);
    let server = Server::start("127.0.0.1", move |_, _| reply.clone()).await;
    let client = builder(&server).timeout(Duration::from_millis(300)).build().unwrap();
    let started = Instant::now();
    let items = drain(open(&client).await.unwrap()).await;
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(items.len(), 2);
    let Err(err @ Error::StreamTimeout { waited, .. }) = &items[1] else { panic!("{:?}", items[1]) };
    assert_eq!(*waited, Duration::from_millis(300));
    assert_eq!(err.request_id(), Some("req-9"));

    // Headers that do not come in time: an error from `open`, not retried.
    let server = Server::start("127.0.0.1", |_, _| {
        Reply::Timed(vec![(Duration::from_secs(3), "HTTP/1.1 200 OK\r\n\r\n".into())])
    })
    .await;
    let client = builder(&server).timeout(Duration::from_millis(300)).build().unwrap();
    let err = open(&client).await.unwrap_err();
    assert!(matches!(err, Error::StreamTimeout { attempts: 1, .. }), "{err:?}");
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn retries_happen_before_the_first_byte_only() {
    let reply = streamed(200, &[SSE], &[(0, "data: {\"text\":\"a\"}\n\n"), (50, "data: {\"te")], true, true);
    let server = Server::start("127.0.0.1", move |i, _| match i {
        0 => json(503, "{\"error\":\"busy\"}"),
        _ => reply.clone(),
    })
    .await;
    let items = drain(open(&client(&server)).await.unwrap()).await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().data.text, "a");
    assert!(matches!(&items[1], Err(Error::Transport { attempts: 2, .. })), "{:?}", items[1]);
    // The 503 was retried; the stream cut after its first event was not.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn the_size_limit_applies_to_each_event() {
    let event = format!("data: {{\"text\":\"{}\"}}\n\n", "x".repeat(100));
    let many: Vec<(u64, &str)> = vec![(0, event.as_str()); 20];
    let reply = streamed(200, &[SSE], &many, true, false);
    let server = Server::start("127.0.0.1", move |_, _| reply.clone()).await;
    let client = builder(&server).max_response_bytes(200).build().unwrap();
    let items = drain(open(&client).await.unwrap()).await;
    assert_eq!(items.len(), 20, "twenty events of 120 bytes fit a 200-byte limit each");
    assert!(items.iter().all(Result::is_ok));

    // An event over the limit, arriving whole or in pieces (or never ending), ends the stream.
    let big = format!("data: {{\"text\":\"{}\"}}\n\n", "x".repeat(500));
    let pieces: Vec<String> = big.as_bytes().chunks(50).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
    let endless = "x".repeat(100);
    let cases: Vec<Vec<(u64, &str)>> = vec![
        vec![(0, event.as_str()), (10, big.as_str()), (10, event.as_str())],
        std::iter::once((0, event.as_str())).chain(pieces.iter().map(|p| (5, p.as_str()))).collect(),
        std::iter::once((0, "data: ")).chain(std::iter::repeat_n((5, endless.as_str()), 100)).collect(),
    ];
    for pieces in cases {
        let reply = streamed(200, &[SSE, ("x-request-id", "req-3")], &pieces, true, false);
        let server = Server::start("127.0.0.1", move |_, _| reply.clone()).await;
        let client = builder(&server).max_response_bytes(200).build().unwrap();
        let items = drain(open(&client).await.unwrap()).await;
        let last = items.last().unwrap();
        assert!(matches!(last, Err(Error::EventTooLarge { limit: 200, .. })), "{last:?}");
        assert_eq!(last.as_ref().unwrap_err().request_id(), Some("req-3"));
        assert!(items.len() <= 2, "{:?}", texts(&items));
    }
}

#[tokio::test]
async fn status_headers_and_request_id_are_at_hand() {
    let server = Server::start("127.0.0.1", |_, _| {
        response(200, &[("content-type", "text/event-stream; charset=utf-8"), ("x-request-id", "req-1")], "")
    })
    .await;
    let stream = open(&client(&server)).await.unwrap();
    assert_eq!((stream.status().as_u16(), stream.request_id()), (200, Some("req-1")));
    assert!(stream.headers().contains_key("content-type"));
    assert!(format!("{stream:?}").contains("req-1"));
    assert!(drain(stream).await.is_empty());
}

#[tokio::test]
async fn errors_before_the_stream_keep_the_response() {
    let server = Server::start("127.0.0.1", |i, _| match i {
        0 => response(404, &[("content-type", "application/json"), ("x-request-id", "req-4")], "{\"error\":\"no\"}"),
        _ => json(200, "{\"answer\":\"whole\"}"),
    })
    .await;
    let client = builder(&server).retry_policy(RetryPolicy::never()).build().unwrap();
    let err = open(&client).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(
        (api.status.as_u16(), api.request_id.as_deref(), api.body_text().as_ref()),
        (404, Some("req-4"), "{\"error\":\"no\"}")
    );
    let err = open(&client).await.unwrap_err();
    let Error::Decode(decode) = &err else { panic!("{err:?}") };
    assert!(decode.message.contains("application/json"), "{err}");
    assert_eq!(decode.body, b"{\"answer\":\"whole\"}");
}

#[tokio::test]
async fn a_stream_redirected_to_another_origin_is_refused_and_that_origin_gets_nothing() {
    let other = Server::start("127.0.0.2", |_, _| response(200, &[SSE], "data: {\"text\":\"stolen\"}\n\n")).await;
    for status in [301u16, 302, 303, 307, 308] {
        let target = other.url("/steal");
        let api = Server::start("127.0.0.1", move |_, _| response(status, &[("location", &target)], "")).await;
        let client = client(&api);
        let mut request = Request::new(Method::POST, "/answer", false);
        request.body = Some(("application/json", b"{\"stream\":true}".to_vec()));
        let err = EventStream::<Delta>::json(&client, request).await.unwrap_err();
        let Error::Redirect(redirect) = &err else { panic!("{status}: {err:?}") };
        assert_eq!(redirect.target_origin, format!("http://{}", other.addr));
        assert_eq!(api.seen()[0].header("x-api-key"), Some(SECRET));
        assert_eq!(api.seen()[0].body, "{\"stream\":true}");
    }
    assert!(other.seen().is_empty(), "the other origin received {:?}", other.seen());
}
