//! Copied by `cargo xtask check-specs` into the crate generated from each version of Exa's
//! Search API, which it names `api` (the copy ends with `use <crate> as api;`): `POST
//! /answer` streams its answer as server-sent events, or sends it whole as JSON.

mod support;

use api::types::AnswerBody;
use api::{Client, Error};
use futures::StreamExt;
use support::{serve, Server};

fn client(server: &Server) -> Client {
    Client::builder().api_key("secret-key").base_url(&server.base).build().unwrap()
}

fn question() -> AnswerBody {
    serde_json::from_value(serde_json::json!({"query": "What is the latest valuation of SpaceX?"})).unwrap()
}

const STREAM: &str = concat!(
    ": keep-alive\n\n",
    "data: {\"answer\":\"SpaceX is valued \"}\n\n",
    "data: {\"answer\":\"at $350 billion.\"}\r\n\r\n",
    "data: {\"citations\":[{\"url\":\"https://example.com/spacex\",\"title\":\"Valuation\"}]}\n\n",
    "data: [DONE]\n\n",
);

#[tokio::test]
async fn an_answer_streams_as_typed_events() {
    let server = serve(vec![(200, "text/event-stream", STREAM)]);
    let mut stream = client(&server).answer(question()).send_stream().await.unwrap();
    assert_eq!(stream.status(), 200);
    let mut answer = String::new();
    let mut citations = Vec::new();
    while let Some(event) = stream.next().await {
        let event = event.unwrap();
        answer.push_str(event.data.answer.as_deref().unwrap_or(""));
        citations.extend(event.data.citations.unwrap_or_default());
    }
    assert_eq!(answer, "SpaceX is valued at $350 billion.");
    assert_eq!(citations.len(), 1);
    assert_eq!(citations[0].url.as_deref(), Some("https://example.com/spacex"));

    let requests = server.requests.lock().unwrap();
    let request = &requests[0];
    assert!(request.starts_with("POST /answer HTTP/1.1"), "{request}");
    assert!(request.contains("accept: text/event-stream"), "{request}");
    assert!(request.contains("x-api-key: secret-key"), "{request}");
    let body: serde_json::Value = serde_json::from_str(request.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body, serde_json::json!({"query": "What is the latest valuation of SpaceX?", "stream": true}));
}

#[tokio::test]
async fn send_still_gets_the_whole_answer_as_json() {
    let server = serve(vec![(200, "application/json", r#"{"answer": "$350 billion", "citations": []}"#)]);
    let response = client(&server).answer(question()).send().await.unwrap();
    assert_eq!(response.answer.as_deref(), Some("$350 billion"));
    let requests = server.requests.lock().unwrap();
    assert!(requests[0].contains("accept: application/json"), "{}", requests[0]);
    assert!(!requests[0].contains("\"stream\""), "{}", requests[0]);
}

#[tokio::test]
async fn a_malformed_event_is_reported_with_its_text_and_the_answer_goes_on() {
    let body = "data: {\"answer\":\"a\"}\n\ndata: {\"answer\":7}\n\ndata: {\"answer\":\"b\"}";
    let server = serve(vec![(200, "text/event-stream", body)]);
    let items: Vec<_> = client(&server).answer(question()).send_stream().await.unwrap().collect().await;
    assert_eq!(items.len(), 3);
    let Err(Error::Event(bad)) = &items[1] else { panic!("{:?}", items[1]) };
    assert_eq!((bad.data.as_str(), bad.path.as_str()), ("{\"answer\":7}", "answer"));
    assert_eq!(items[2].as_ref().unwrap().data.answer.as_deref(), Some("b"), "the last event needs no blank line");
}
