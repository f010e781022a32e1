//! The generated client against a real HTTP server on loopback.

use std::time::{Duration, Instant};

use exa_websets::types::{MonitorRunStatus, MonitorRunType};
use exa_websets::{Client, Error, RetryPolicy};
use futures::StreamExt;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "test-key-123";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .retry_policy(RetryPolicy { initial_backoff: Duration::from_millis(5), ..RetryPolicy::default() })
        .build()
        .unwrap()
}

fn run(id: &str, status: &str) -> serde_json::Value {
    json!({
        "id": id,
        "object": "monitor_run",
        "status": status,
        "monitorId": "mon_1",
        "type": "search",
        "completedAt": null,
        "failedAt": null,
        "failedReason": null,
        "canceledAt": null,
        "createdAt": "2025-07-01T10:00:00Z",
        "updatedAt": "2025-07-01T10:05:00.123Z"
    })
}

fn page(runs: Vec<serde_json::Value>, next: Option<&str>) -> serde_json::Value {
    json!({ "data": runs, "hasMore": next.is_some(), "nextCursor": next })
}

/// The example response on Exa's documentation page for the endpoint, read from the
/// shared material next to the repository (never copied into it).
fn exa_example_response() -> Option<String> {
    let dir = std::env::var_os("EXA_SHARED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let page = dir.join("seed/list-monitor-runs.md");
    let Ok(text) = std::fs::read_to_string(&page) else {
        if std::env::var_os("REQUIRE_SHARED").is_some() {
            panic!("{} is missing and REQUIRE_SHARED is set", page.display());
        }
        eprintln!("skipped: {} not found (set EXA_SHARED_DIR to point at the shared material)", page.display());
        return None;
    };
    let start = text.find("```\n{").expect("the page has a JSON example") + 4;
    let end = start + text[start..].find("```").expect("the example block is closed");
    Some(text[start..end].to_owned())
}

#[tokio::test]
async fn sends_method_path_query_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v0/monitors/mon_1/runs"))
        .and(query_param("cursor", "cur_2"))
        .and(query_param("limit", "10"))
        .and(header("x-api-key", KEY))
        .and(header("accept", "application/json"))
        .and(header("user-agent", concat!("exa-websets/", env!("CARGO_PKG_VERSION"))))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![run("run_1", "completed")], None)))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server).monitors_runs_list("mon_1").cursor("cur_2").limit(10).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.data.len(), 1);
    assert_eq!(response.data[0].status, MonitorRunStatus::Completed);
    assert_eq!(response.data[0].r#type, MonitorRunType::Search);
    assert!(!response.has_more);
}

#[tokio::test]
async fn optional_query_parameters_are_left_out_when_unset() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![], None)))
        .mount(&server)
        .await;
    client(&server).monitors_runs_list("mon_1").send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), None);
}

#[tokio::test]
async fn base_url_with_a_path_and_trailing_slash_gives_no_double_slash() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![], None)))
        .mount(&server)
        .await;
    for base in [format!("{}/websets/", server.uri()), format!("{}/websets", server.uri())] {
        let client = Client::builder().api_key(KEY).base_url(base).build().unwrap();
        client.monitors_runs_list("mon_1").send().await.unwrap();
    }
    for request in server.received_requests().await.unwrap() {
        assert_eq!(request.url.path(), "/websets/v0/monitors/mon_1/runs");
    }
}

#[tokio::test]
async fn the_default_base_url_is_the_specs_server() {
    assert_eq!(exa_websets::API.default_base_url, Some("https://api.exa.ai/websets/"));
    let client = Client::new(KEY).unwrap();
    assert_eq!(client.base_url().as_str(), "https://api.exa.ai/websets/");
}

#[tokio::test]
async fn path_parameters_cannot_change_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![], None)))
        .mount(&server)
        .await;
    let client = client(&server);
    for (id, encoded) in [
        ("a/b", "a%2Fb"),
        ("a?b=c", "a%3Fb%3Dc"),
        ("a#b", "a%23b"),
        ("../../admin", "..%2F..%2Fadmin"),
        ("%2F", "%252F"),
        ("a\r\nX-Evil: 1", "a%0D%0AX-Evil%3A%201"),
        ("é", "%C3%A9"),
    ] {
        client.monitors_runs_list(id).send().await.unwrap();
        let requests = server.received_requests().await.unwrap();
        let last = requests.last().unwrap();
        assert_eq!(last.url.path(), format!("/v0/monitors/{encoded}/runs"), "for {id:?}");
        assert_eq!(last.url.query(), None, "for {id:?}");
    }
    for id in ["..", ".", ""] {
        let err = client.monitors_runs_list(id).send().await.unwrap_err();
        assert!(matches!(err, Error::InvalidParameter { name: "monitor", .. }), "{id:?}: {err:?}");
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 7, "refused ids are never sent");
}

#[tokio::test]
async fn the_example_response_from_exas_page_decodes() {
    let Some(example) = exa_example_response() else { return };
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(example, "application/json"))
        .mount(&server)
        .await;
    let response = client(&server).monitors_runs_list("mon_1").send().await.unwrap();
    let run = &response.data[0];
    assert_eq!(run.status, MonitorRunStatus::Created);
    assert_eq!(run.r#type, MonitorRunType::Search);
    assert_eq!(run.completed_at.unwrap().to_rfc3339(), "2023-11-07T05:31:56+00:00");
    assert!(response.has_more);
    assert_eq!(response.next_cursor.as_deref(), Some("<string>"));
}

#[tokio::test]
async fn error_statuses_give_status_request_id_and_body() {
    let server = MockServer::start().await;
    let body = json!({"error": "Monitor not found"});
    Mock::given(path("/v0/monitors/missing/runs"))
        .respond_with(ResponseTemplate::new(404).insert_header("x-request-id", "req_404").set_body_json(&body))
        .mount(&server)
        .await;
    Mock::given(path("/v0/monitors/broken/runs"))
        .respond_with(ResponseTemplate::new(500).insert_header("x-request-id", "req_500").set_body_string("boom"))
        .expect(1) // 500 is not retried
        .mount(&server)
        .await;
    let client = client(&server);

    let err = client.monitors_runs_list("missing").send().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.status, 404);
    assert_eq!(api.request_id.as_deref(), Some("req_404"));
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&api.body).unwrap(), body);
    assert_eq!(api.message().as_deref(), Some("Monitor not found"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.to_string(), "HTTP 404 Not Found (request id req_404): Monitor not found");

    let err = client.monitors_runs_list("broken").send().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.status, 500);
    assert_eq!(err.request_id(), Some("req_500"));
    assert_eq!(api.body_text(), "boom");
}

#[tokio::test]
async fn bodies_that_do_not_decode_keep_the_body_and_say_where() {
    let server = MockServer::start().await;
    let mut bad = page(vec![run("run_1", "completed"), run("run_2", "running")], None);
    bad["data"][1]["createdAt"] = json!("yesterday");
    let bad_text = bad.to_string();
    Mock::given(path("/v0/monitors/bad/runs"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req_bad")
                .set_body_raw(bad_text.clone(), "application/json"),
        )
        .mount(&server)
        .await;
    for (id, body, content_type) in [
        ("empty", "", "application/json"),
        ("truncated", "{\"data\": [", "application/json"),
        ("garbage", "\u{1}\u{2}not json", "application/json"),
        ("html", "<html>Bad gateway</html>", "text/html"),
    ] {
        Mock::given(path(format!("/v0/monitors/{id}/runs")))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, content_type))
            .mount(&server)
            .await;
    }
    let client = client(&server);

    let err = client.monitors_runs_list("bad").send().await.unwrap_err();
    let Error::Decode(decode) = &err else { panic!("{err:?}") };
    assert_eq!(decode.path, "data[1].createdAt");
    assert_eq!(decode.body, bad_text.as_bytes());
    assert_eq!(decode.request_id.as_deref(), Some("req_bad"));
    assert!(decode.excerpt().contains("yesterday"), "{}", decode.excerpt());
    assert!(err.to_string().contains("data[1].createdAt"), "{err}");

    for id in ["empty", "truncated", "garbage", "html"] {
        let err = client.monitors_runs_list(id).send().await.unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{id}: {err:?}");
    }
}

#[tokio::test]
async fn the_api_key_never_shows_in_debug_or_errors() {
    let server = MockServer::start().await;
    let client = client(&server);
    assert!(!format!("{client:?}").contains(KEY));
    assert!(!format!("{:?}", Client::builder().api_key(KEY)).contains(KEY));
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401)).mount(&server).await;
    let err = client.monitors_runs_list("m").send().await.unwrap_err();
    assert!(!format!("{err:?}").contains(KEY) && !err.to_string().contains(KEY));
}

#[tokio::test]
async fn bad_api_keys_and_base_urls_are_refused_when_building() {
    let err = Client::builder().api_key("key\nX-Injected: 1").build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(!err.to_string().contains("X-Injected"));
    assert!(matches!(Client::builder().api_key("").build(), Err(Error::Config(_))));
    assert!(matches!(Client::builder().api_key(KEY).base_url("not a url").build(), Err(Error::Config(_))));
    assert!(matches!(Client::builder().api_key(KEY).base_url("ftp://example.com").build(), Err(Error::Config(_))));
}

#[tokio::test]
async fn a_caller_supplied_reqwest_client_is_used() {
    let server = MockServer::start().await;
    Mock::given(header("x-custom", "yes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![], None)))
        .expect(1)
        .mount(&server)
        .await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-custom", "yes".parse().unwrap());
    let http = reqwest::Client::builder().default_headers(headers);
    let client = Client::builder().api_key(KEY).base_url(server.uri()).http_client(http).build().unwrap();
    client.monitors_runs_list("m").send().await.unwrap();
}

#[tokio::test]
async fn unknown_enum_values_and_extra_fields_are_kept_or_ignored() {
    let server = MockServer::start().await;
    let mut r = run("run_1", "paused");
    r["type"] = json!("backfill");
    r["somethingNew"] = json!({"nested": true});
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [r], "hasMore": false, "nextCursor": null, "extra": 1})),
        )
        .mount(&server)
        .await;
    let response = client(&server).monitors_runs_list("m").send().await.unwrap().into_inner();
    let run = &response.data[0];
    assert_eq!(run.status, MonitorRunStatus::Unknown("paused".into()));
    assert_eq!(run.r#type, MonitorRunType::Unknown("backfill".into()));
    let back = serde_json::to_value(run).unwrap();
    assert_eq!(back["status"], "paused");
    assert_eq!(back["type"], "backfill");
}

#[tokio::test]
async fn required_nullable_fields_round_trip_as_null() {
    let original = run("run_1", "failed");
    let decoded: exa_websets::types::MonitorRun = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(decoded.status, MonitorRunStatus::Failed);
    assert_eq!(decoded.completed_at, None);
    let encoded = serde_json::to_value(&decoded).unwrap();
    assert_eq!(encoded["completedAt"], serde_json::Value::Null);
    assert!(encoded.as_object().unwrap().contains_key("failedReason"));
    assert_eq!(serde_json::from_value::<exa_websets::types::MonitorRun>(encoded).unwrap(), decoded);
}

#[tokio::test]
async fn retries_503_then_succeeds_and_gives_up_after_the_limit() {
    let server = MockServer::start().await;
    Mock::given(path("/v0/monitors/flaky/runs"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v0/monitors/flaky/runs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![], None)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v0/monitors/down/runs")).respond_with(ResponseTemplate::new(502)).expect(3).mount(&server).await;
    let client = client(&server);
    client.monitors_runs_list("flaky").send().await.unwrap();
    let err = client.monitors_runs_list("down").send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
}

#[tokio::test]
async fn retry_after_is_honoured_in_seconds_and_as_a_date() {
    let server = MockServer::start().await;
    Mock::given(path("/v0/monitors/seconds/runs"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    // Whole seconds only, and the first request below takes about one: at least a second
    // of this is still ahead when the second request is answered.
    let date = (chrono::Utc::now() + chrono::Duration::seconds(3)).to_rfc2822().replace("+0000", "GMT");
    Mock::given(path("/v0/monitors/date/runs"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", date.as_str()))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v0/monitors/too-long/runs"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![], None)))
        .mount(&server)
        .await;
    let client = client(&server);

    let started = Instant::now();
    client.monitors_runs_list("seconds").send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950), "{:?}", started.elapsed());

    let started = Instant::now();
    client.monitors_runs_list("date").send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(500), "{:?}", started.elapsed());

    // Longer than the policy's longest wait: the 429 comes back at once.
    let err = client.monitors_runs_list("too-long").send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
}

#[tokio::test]
async fn connection_errors_are_retried_then_reported_as_transport() {
    // A port that was just free: nothing listens there.
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://{addr}"))
        .retry_policy(RetryPolicy { initial_backoff: Duration::from_millis(1), ..RetryPolicy::default() })
        .build()
        .unwrap();
    let err = client.monitors_runs_list("m").send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn slow_responses_time_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)).set_body_json(page(vec![], None)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let err = client.monitors_runs_list("m").send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let server = MockServer::start().await;
    let big = page((0..200).map(|i| run(&format!("run_{i}"), "completed")).collect(), None);
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(big)).mount(&server).await;
    let client = Client::builder().api_key(KEY).base_url(server.uri()).max_response_bytes(4096).build().unwrap();
    let err = client.monitors_runs_list("m").send().await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { limit: 4096, .. }), "{err:?}");
}

#[tokio::test]
async fn the_stream_follows_cursors_across_pages() {
    let server = MockServer::start().await;
    let pages = [
        (None, page(vec![run("r1", "completed"), run("r2", "completed")], Some("c2"))),
        (Some("c2"), page(vec![run("r3", "failed"), run("r4", "running")], Some("c3"))),
        (Some("c3"), page(vec![run("r5", "created")], None)),
    ];
    for (cursor, body) in pages {
        let mut mock = Mock::given(path("/v0/monitors/m/runs")).and(query_param("limit", "2"));
        mock = match cursor {
            Some(c) => mock.and(query_param("cursor", c)),
            None => mock.and(wiremock::matchers::query_param_is_missing("cursor")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).expect(1).mount(&server).await;
    }
    let runs: Vec<_> = client(&server).monitors_runs_list("m").limit(2).into_stream().collect().await;
    let ids: Vec<String> = runs.into_iter().map(|r| r.unwrap().id).collect();
    assert_eq!(ids, ["r1", "r2", "r3", "r4", "r5"]);
}

#[tokio::test]
async fn the_stream_stops_at_the_first_error_and_at_a_repeated_cursor() {
    let server = MockServer::start().await;
    Mock::given(path("/v0/monitors/m/runs"))
        .and(wiremock::matchers::query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![run("r1", "completed")], Some("c2"))))
        .mount(&server)
        .await;
    Mock::given(path("/v0/monitors/m/runs"))
        .and(query_param("cursor", "c2"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server).monitors_runs_list("m").into_stream().collect().await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert!(matches!(&items[1], Err(Error::Api(e)) if e.status == 404));

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![run("r1", "completed")], Some("same"))))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server).monitors_runs_list("m").into_stream().take(10).collect().await;
    assert_eq!(items.len(), 3, "two pages of one item, then the error");
    assert!(matches!(items[2], Err(Error::Pagination(_))));
}

/// The `list_runs` flow pointed at a server that redirects to another host: the key must
/// not reach it (reqwest alone would have sent `x-api-key` along).
#[tokio::test]
async fn a_redirect_to_another_host_gets_no_api_key() {
    let api = MockServer::start().await;
    let listener = std::net::TcpListener::bind("127.0.0.2:0").unwrap();
    let other = MockServer::builder().listener(listener).start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/stolen", other.uri())))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![], None)))
        .mount(&other)
        .await;
    let err = client(&api).monitors_runs_list("m").send().await.unwrap_err();
    let Error::Redirect(redirect) = &err else { panic!("{err:?}") };
    assert_eq!(redirect.status.as_u16(), 302);
    assert_eq!(redirect.target_origin, other.uri());
    assert!(!err.to_string().contains(KEY));
    assert!(other.received_requests().await.unwrap().is_empty());

    // Allowed to follow, it goes without the key.
    let follow = Client::builder()
        .api_key(KEY)
        .base_url(api.uri())
        .redirects(exa_websets::Redirects::AnyOriginWithoutCredentials)
        .build()
        .unwrap();
    follow.monitors_runs_list("m").send().await.unwrap();
    let received = other.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert!(!received[0].headers.contains_key("x-api-key"));
}

/// A server whose cursors cycle (`c1 -> c2 -> c1`) ends the stream with a pagination
/// error after each page was read once.
#[tokio::test]
async fn cycling_cursors_end_the_stream_with_an_error() {
    let server = MockServer::start().await;
    for (cursor, next) in [(None, "c1"), (Some("c1"), "c2"), (Some("c2"), "c1")] {
        let mut mock = Mock::given(method("GET"));
        if let Some(cursor) = cursor {
            mock = mock.and(query_param("cursor", cursor));
        }
        let id = cursor.unwrap_or("first");
        let body = json!({"data": [run(id, "completed")], "hasMore": true, "nextCursor": next});
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .with_priority(if cursor.is_some() { 1 } else { 2 })
            .mount(&server)
            .await;
    }
    let results: Vec<_> = client(&server).monitors_runs_list("m").into_stream().collect().await;
    assert_eq!(results.len(), 4, "three runs, then the error");
    assert!(matches!(results.last(), Some(Err(Error::Pagination(_)))), "{results:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn extra_headers_are_sent_and_bad_ones_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(header("x-exa-websets-priority", "high"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![], None)))
        .expect(1)
        .mount(&server)
        .await;
    // Numbers take anything that converts losslessly: `limit` is an i64.
    client(&server).monitors_runs_list("m").limit(2u8).header("x-exa-websets-priority", "high").send().await.unwrap();
    let err = client(&server).monitors_runs_list("m").header("bad name", "x").send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { .. }), "{err:?}");
    let err = client(&server).monitors_runs_list("m").header("x-ok", "line\nbreak").send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { .. }), "{err:?}");
}
