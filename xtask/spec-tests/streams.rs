//! Copied by `cargo xtask check-specs` into the crate generated from the `streams` fixture:
//! each operation's `send_stream`, with the events typed from the stream's schema, from the
//! JSON response's, or as text, and the body's `stream` flag set in each of its spellings.

mod support;

use fixture_streams::types::{ForecastPiece, WriteForecastBody, WriteOutlookBody};
use fixture_streams::Client;
use futures::StreamExt;
use support::{serve, Server};

fn client(server: &Server) -> Client {
    Client::builder().api_key("desk-key").base_url(&server.base).build().unwrap()
}

fn body_of(request: &str) -> &str {
    request.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

#[tokio::test]
async fn events_typed_by_the_streams_schema_with_the_required_flag_set() {
    let events = "event: piece\nid: 1\ndata: {\"delta\":\"Sunny\"}\n\nid: 2\ndata: {\"delta\":\", then rain.\",\"done\":true}\n\n";
    let server = serve(vec![(200, "text/event-stream", events)]);
    let body = WriteForecastBody { place: "Oslo".into(), stream: false };
    let stream = client(&server).write_forecast(body).send_stream().await.unwrap();
    let events: Vec<_> = stream.map(Result::unwrap).collect().await;
    assert_eq!(events[0].event.as_deref(), Some("piece"));
    assert_eq!(events[1].id.as_deref(), Some("2"));
    assert_eq!(events[1].data, ForecastPiece { delta: ", then rain.".into(), done: Some(true) });
    let requests = server.requests.lock().unwrap();
    assert!(requests[0].contains("x-desk-key: desk-key"), "{}", requests[0]);
    assert_eq!(body_of(&requests[0]), r#"{"place":"Oslo","stream":true}"#);
}

#[tokio::test]
async fn events_typed_by_the_json_response_and_an_optional_nullable_flag() {
    let server = serve(vec![(200, "text/event-stream", "data: {\"text\":\"Mild\"}\n\n")]);
    let client = client(&server);
    let events: Vec<_> = client.write_outlook().send_stream().await.unwrap().collect().await;
    assert_eq!(events[0].as_ref().unwrap().data.text, "Mild");
    let body = WriteOutlookBody { region: Some("north".into()), stream: None };
    let events: Vec<_> = client.write_outlook().body(body).send_stream().await.unwrap().collect().await;
    assert_eq!(events.len(), 1);
    let requests = server.requests.lock().unwrap();
    assert_eq!(body_of(&requests[0]), "", "no body was set, so there is no flag to set");
    assert_eq!(body_of(&requests[1]), r#"{"region":"north","stream":true}"#);
}

#[tokio::test]
async fn text_events_and_events_of_a_schema_written_in_place() {
    let server = serve(vec![
        (200, "text/event-stream", "data: Storm warning\ndata: for the coast\n\n: ping\n\ndata: Lifted\n\n"),
        (200, "text/event-stream", "data: {\"frame\": 1, \"cells\": [3, 4]}\n\ndata: [DONE]\n\n"),
    ]);
    let client = client(&server);
    let alerts = client.watch_alerts("north sea").severity("high").send_stream().await.unwrap();
    let alerts: Vec<String> = alerts.map(|e| e.unwrap().data).collect().await;
    assert_eq!(alerts, ["Storm warning\nfor the coast", "Lifted"]);
    let frames: Vec<_> = client.radar_frames().send_stream().await.unwrap().collect().await;
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].as_ref().unwrap().data.cells, Some(vec![3, 4]));
    let requests = server.requests.lock().unwrap();
    assert!(requests[0].starts_with("GET /alerts/north%20sea?severity=high HTTP/1.1"), "{}", requests[0]);
    assert!(requests[0].contains("accept: text/event-stream"), "{}", requests[0]);
}
