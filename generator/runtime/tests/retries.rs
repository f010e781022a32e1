//! Retries against loopback servers: every `Retry-After` form, the bound `max_backoff`
//! puts on waiting, and pooled connections the server closed under the next request.

mod support;

use std::time::{Duration, Instant, SystemTime};

use client_runtime::client::{ApiInfo, ClientBuilder, Request};
use client_runtime::{Client, Error, RetryPolicy};
use reqwest::Method;
use support::{json, response, Reply, Server};

fn client(base: &str, retry: RetryPolicy) -> Client {
    let api = ApiInfo { default_base_url: None, auth: None, api_key_env: "UNUSED_TEST_KEY", user_agent: "test/0" };
    ClientBuilder::<Client>::for_api(api).base_url(base).retry_policy(retry).build().unwrap()
}

/// Backoff far longer than any `Retry-After` below, so a quick retry proves the header
/// was read.
fn slow_backoff() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_secs(8),
        max_backoff: Duration::from_secs(10),
        retry_non_idempotent: false,
    }
}

async fn get(client: &Client) -> Result<u16, Error> {
    Ok(client.execute(Request::new(Method::GET, "/x", true)).await?.status().as_u16())
}

/// A server answering 429 with `Retry-After: value` once, then 200.
async fn once_429(value: String) -> Server {
    Server::start(
        "127.0.0.1",
        move |i, _| {
            if i == 0 {
                response(429, &[("retry-after", &value)], "")
            } else {
                json(200, "{}")
            }
        },
    )
    .await
}

#[tokio::test]
async fn fractional_seconds_are_waited_not_ignored() {
    let server = once_429("0.3".into()).await;
    let started = Instant::now();
    assert_eq!(get(&client(&server.url("/"), slow_backoff())).await.unwrap(), 200);
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(300) && took < Duration::from_secs(3), "{took:?}");
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn an_http_date_is_waited_for() {
    let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let server = once_429(when).await;
    let started = Instant::now();
    assert_eq!(get(&client(&server.url("/"), slow_backoff())).await.unwrap(), 200);
    let took = started.elapsed();
    // The date has whole seconds: between one and two seconds from now.
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(4), "{took:?}");
}

#[tokio::test]
async fn waits_beyond_max_backoff_return_the_response_at_once() {
    for value in ["86400", "99999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"] {
        let server = Server::start("127.0.0.1", move |_, _| response(429, &[("retry-after", value)], "")).await;
        let started = Instant::now();
        let raw =
            client(&server.url("/"), slow_backoff()).execute(Request::new(Method::GET, "/x", true)).await.unwrap();
        assert_eq!(raw.status().as_u16(), 429);
        assert!(started.elapsed() < Duration::from_secs(2), "{value}");
        assert_eq!(server.seen().len(), 1, "{value}: no retry");
        let err = raw.empty().unwrap_err();
        assert!(err.retry_after().unwrap() > Duration::from_secs(3600), "{value}");
        assert_eq!(err.attempts(), Some(1));
    }
}

#[tokio::test]
async fn unreadable_retry_after_waits_the_backoff_and_never_hammers() {
    for value in ["soon", "-5", "1e3", "Tomorrow"] {
        let server = once_429(value.to_owned()).await;
        let retry = RetryPolicy { initial_backoff: Duration::from_millis(400), ..slow_backoff() };
        let started = Instant::now();
        assert_eq!(get(&client(&server.url("/"), retry)).await.unwrap(), 200, "{value}");
        // The backoff's jitter keeps at least half of it.
        assert!(started.elapsed() >= Duration::from_millis(200), "{value}: {:?}", started.elapsed());
    }
}

#[tokio::test]
async fn the_error_says_how_many_attempts_were_made_and_what_was_asked() {
    let server = Server::start("127.0.0.1", |_, _| response(503, &[("retry-after", "0.05")], "")).await;
    let client = client(&server.url("/"), slow_backoff());
    let raw = client.execute(Request::new(Method::GET, "/x", true)).await.unwrap();
    let err = raw.empty().unwrap_err();
    assert_eq!(err.attempts(), Some(3));
    assert_eq!(err.retry_after(), Some(Duration::from_millis(50)));
    assert_eq!(server.seen().len(), 3);
}

/// A server that keeps the connection open after its first answer, then closes it when
/// the next request arrives on it, without answering: what a server whose keep-alive
/// timer just ran out does.
async fn closes_kept_connections() -> Server {
    Server::start("127.0.0.1", |_, seen| {
        if seen.connection == 0 && seen.target != "/first" {
            Reply::Close
        } else {
            json(200, "{}")
        }
    })
    .await
}

#[tokio::test]
async fn a_stale_pooled_connection_is_retried_for_idempotent_requests() {
    let server = closes_kept_connections().await;
    let client = client(&server.url("/"), RetryPolicy { initial_backoff: Duration::from_millis(10), ..slow_backoff() });
    client.execute(Request::new(Method::GET, "/first", true)).await.unwrap();
    let raw = client.execute(Request::new(Method::GET, "/second", true)).await.unwrap();
    assert_eq!(raw.status().as_u16(), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!((seen[1].connection, seen[2].connection), (0, 1), "retried on a new connection");
}

#[tokio::test]
async fn a_stale_pooled_connection_is_not_retried_for_a_post_unless_allowed() {
    for allowed in [false, true] {
        let server = closes_kept_connections().await;
        let retry =
            RetryPolicy { initial_backoff: Duration::from_millis(10), retry_non_idempotent: allowed, ..slow_backoff() };
        let client = client(&server.url("/"), retry);
        client.execute(Request::new(Method::GET, "/first", true)).await.unwrap();
        let mut post = Request::new(Method::POST, "/create", false);
        post.body = Some(("application/json", b"{}".to_vec()));
        let result = client.execute(post).await;
        if allowed {
            assert_eq!(result.unwrap().status().as_u16(), 200);
            assert_eq!(server.seen().len(), 3);
        } else {
            let err = result.unwrap_err();
            assert!(matches!(err, Error::Transport { attempts: 1, .. }), "{err:?}");
            assert_eq!(server.seen().len(), 2);
        }
    }
}

#[tokio::test]
async fn a_failure_after_the_response_started_is_not_retried() {
    // Headers promise 100 bytes; the connection closes after 5.
    let server = Server::start("127.0.0.1", |_, _| {
        Reply::RawThenClose("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nhello".into())
    })
    .await;
    let client = client(&server.url("/"), RetryPolicy { initial_backoff: Duration::from_millis(10), ..slow_backoff() });
    let err = client.execute(Request::new(Method::GET, "/x", true)).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_post() {
    // Bind, note the port, close: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let retry = RetryPolicy { initial_backoff: Duration::from_millis(10), ..slow_backoff() };
    let client = client(&format!("http://127.0.0.1:{port}/"), retry);
    let err = client.execute(Request::new(Method::POST, "/x", false)).await.unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 3, .. }), "{err:?}");
}
