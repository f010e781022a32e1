//! Credentials stay with the API's origin: redirects to other origins are refused (or,
//! when allowed, followed without any credential), for every kind of credential.

mod support;

use client_runtime::client::{ApiInfo, AuthScheme, ClientBuilder, Redirects, Request, MAX_REDIRECTS};
use client_runtime::{Client, Error, RetryPolicy};
use reqwest::Method;
use support::{json, response, Server};

const SECRET: &str = "sk-live-SECRET-0123456789";

/// Every way the client can carry a credential, each as a configured builder.
fn credential_kinds() -> Vec<(&'static str, ClientBuilder)> {
    let api = |auth| ApiInfo {
        default_base_url: None,
        auth: Some(auth),
        api_key_env: "UNUSED_TEST_KEY",
        user_agent: "test/0",
    };
    let none = ApiInfo { default_base_url: None, auth: None, api_key_env: "UNUSED_TEST_KEY", user_agent: "test/0" };
    vec![
        ("api key header", ClientBuilder::<Client>::for_api(api(AuthScheme::Header("x-api-key"))).api_key(SECRET)),
        ("api key query", ClientBuilder::<Client>::for_api(api(AuthScheme::Query("api_key"))).api_key(SECRET)),
        ("bearer scheme", ClientBuilder::<Client>::for_api(api(AuthScheme::Bearer)).api_key(SECRET)),
        ("bearer token", ClientBuilder::<Client>::for_api(none).bearer_token(SECRET)),
        ("sensitive header", ClientBuilder::<Client>::for_api(none).sensitive_header("x-org-secret", SECRET)),
    ]
}

fn build(builder: ClientBuilder, base: &str, redirects: Redirects) -> Client {
    builder.base_url(base).redirects(redirects).retry_policy(RetryPolicy::never()).build().unwrap()
}

async fn get(client: &Client, path: &str) -> Result<u16, Error> {
    let raw = client.execute(Request::new(Method::GET, path, true)).await?;
    Ok(raw.status().as_u16())
}

async fn post(client: &Client, path: &str) -> Result<u16, Error> {
    let mut request = Request::new(Method::POST, path, false);
    request.body = Some(("application/json", b"{\"a\":1}".to_vec()));
    let raw = client.execute(request).await?;
    Ok(raw.status().as_u16())
}

fn carries_secret(text: &str) -> bool {
    text.contains(SECRET)
}

#[tokio::test]
async fn cross_origin_redirects_are_refused_and_the_other_origin_gets_nothing() {
    // Two origins: another host (127.0.0.2) and another port on the same host.
    for other_host in ["127.0.0.2", "127.0.0.1"] {
        let other = Server::start(other_host, |_, _| json(200, "{}")).await;
        for status in [301u16, 302, 303, 307, 308] {
            for (kind, builder) in credential_kinds() {
                let target = other.url("/stolen?x=1");
                let api = Server::start("127.0.0.1", move |_, _| response(status, &[("location", &target)], "")).await;
                let client = build(builder, &api.url("/v1/"), Redirects::SameOriginOnly);
                let err = get(&client, "/things").await.expect_err("a cross-origin redirect is an error");
                let Error::Redirect(redirect) = &err else { panic!("{kind} {status}: {err:?}") };
                assert_eq!(redirect.status.as_u16(), status);
                assert_eq!(redirect.target_origin, format!("http://{}", other.addr));
                assert!(!carries_secret(&err.to_string()) && !carries_secret(&format!("{err:?}")), "{kind}: {err}");
                // The API's own origin did get the credential.
                assert!(carries_secret(&api.seen()[0].text()), "{kind}: {:?}", api.seen());
                let post_err = post(&client, "/things").await.expect_err("POST too");
                assert!(matches!(post_err, Error::Redirect(_)), "{kind} {status}: {post_err:?}");
            }
        }
        assert!(other.seen().is_empty(), "the other origin received {:?}", other.seen());
    }
}

#[tokio::test]
async fn cross_origin_redirects_followed_when_allowed_carry_no_credential() {
    for status in [301u16, 302, 303, 307, 308] {
        for (kind, builder) in credential_kinds() {
            let other = Server::start("127.0.0.2", |_, _| json(200, "{}")).await;
            let target = other.url("/elsewhere");
            let api = Server::start("127.0.0.1", move |_, _| response(status, &[("location", &target)], "")).await;
            let client = build(builder, &api.url("/v1/"), Redirects::AnyOriginWithoutCredentials);
            assert_eq!(get(&client, "/things").await.unwrap(), 200, "{kind} {status}");
            assert_eq!(post(&client, "/things").await.unwrap(), 200, "{kind} {status}");
            let seen = other.seen();
            assert_eq!(seen.len(), 2, "{kind} {status}");
            for request in &seen {
                assert!(!carries_secret(&request.text()), "{kind} {status}: {}", request.text());
                assert_eq!(request.header("authorization"), None, "{kind} {status}");
            }
            let expected_method = if matches!(status, 307 | 308) { "POST" } else { "GET" };
            assert_eq!(seen[1].method, expected_method, "{kind} {status}");
        }
    }
}

#[tokio::test]
async fn same_origin_redirects_keep_working_with_credentials() {
    for (kind, builder) in credential_kinds() {
        let api = Server::start("127.0.0.1", |_, seen| {
            if seen.target.starts_with("/v1/old") {
                response(308, &[("location", "/v1/new")], "")
            } else {
                json(200, "{}")
            }
        })
        .await;
        let client = build(builder, &api.url("/v1/"), Redirects::SameOriginOnly);
        assert_eq!(get(&client, "/old").await.unwrap(), 200, "{kind}");
        let seen = api.seen();
        assert_eq!(seen.len(), 2);
        assert!(seen[1].target.starts_with("/v1/new"), "{kind}: {seen:?}");
        assert!(carries_secret(&seen[1].text()), "{kind}: same origin keeps the credential");
    }
}

#[tokio::test]
async fn redirect_loops_end_after_a_bounded_number_of_hops() {
    let api = Server::start("127.0.0.1", |_, seen| response(302, &[("location", &seen.target.clone())], "")).await;
    let (_, builder) = credential_kinds().remove(0);
    let client = build(builder, &api.url("/"), Redirects::SameOriginOnly);
    let err = get(&client, "/loop").await.expect_err("a loop is an error");
    assert!(matches!(&err, Error::Redirect(r) if r.reason.contains("redirects in a row")), "{err}");
    assert_eq!(api.seen().len(), MAX_REDIRECTS + 1);
}

#[tokio::test]
async fn redirects_can_be_turned_off() {
    let api = Server::start("127.0.0.1", |_, _| response(302, &[("location", "/v1/new")], "")).await;
    let (_, builder) = credential_kinds().remove(0);
    let client = build(builder, &api.url("/v1/"), Redirects::Never);
    assert!(matches!(get(&client, "/old").await, Err(Error::Redirect(_))));
    assert_eq!(api.seen().len(), 1);
}

#[tokio::test]
async fn an_absolute_cursor_or_path_value_cannot_aim_the_credential_elsewhere() {
    // Operation paths and query values are always appended to the base URL: a value that
    // looks like a URL on another host stays a value sent to the API.
    let other = Server::start("127.0.0.2", |_, _| json(200, "{}")).await;
    let api = Server::start("127.0.0.1", |_, _| json(200, "{}")).await;
    for (kind, builder) in credential_kinds() {
        let client = build(builder, &api.url("/v1/"), Redirects::SameOriginOnly);
        let mut request = Request::new(Method::GET, "/runs", true);
        request.query.push(("cursor", other.url("/page2")));
        assert_eq!(client.execute(request).await.unwrap().status().as_u16(), 200, "{kind}");
    }
    assert!(other.seen().is_empty());
}

#[tokio::test]
async fn https_to_http_on_the_same_host_and_port_is_another_origin() {
    // The redirect points from `https://localhost:A` to `http://localhost:B`, where a
    // plain-HTTP server listens: same host name, but the scheme (and port) differ.
    let plain = Server::start("127.0.0.1", |_, _| json(200, "{}")).await;
    for (kind, builder) in credential_kinds() {
        let target = format!("http://localhost:{}/downgraded", plain.addr.port());
        let (api, cert) = Server::start_tls(move |_, _| response(302, &[("location", &target)], "")).await;
        let trust = reqwest::Client::builder().add_root_certificate(reqwest::Certificate::from_der(&cert).unwrap());
        let client = builder
            .base_url(format!("https://localhost:{}/v1/", api.addr.port()))
            .http_client(trust)
            .retry_policy(RetryPolicy::never())
            .build()
            .unwrap();
        let err = get(&client, "/things").await.expect_err("a downgrade is refused");
        let Error::Redirect(redirect) = &err else { panic!("{kind}: {err:?}") };
        assert_eq!(redirect.target_origin, format!("http://localhost:{}", plain.addr.port()));
        assert!(carries_secret(&api.seen()[0].text()), "{kind}: the HTTPS origin got the credential");
    }
    assert!(plain.seen().is_empty(), "the plain-HTTP server received {:?}", plain.seen());
}
