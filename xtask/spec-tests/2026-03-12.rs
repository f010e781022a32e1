//! Copied by `cargo xtask check-specs` into the crate it generates from Exa's 2026-03-12
//! Websets spec: a user's flow against a loopback server, written the way the issue asks a
//! client to read (bodies in a few lines, one type per schema, union accessors).

mod support;

use exa_websets_2026_03_12::types::{
    CompanyEntity, CreateCriterionParameters, CreateEnrichmentParameters, CreateWebsetParameters,
    CreateWebsetParametersSearch, Entity, Event, Webset, WebsetEnrichmentFormat, WebsetStatus,
};
use exa_websets_2026_03_12::{Client, Error, RetryPolicy};
use serde_json::{json, Value};

const WEBSET: &str = r#"{"id":"ws_1","object":"webset","status":"idle","externalId":null,"title":null,
"searches":[],"imports":[],"enrichments":[],"monitors":[],
"createdAt":"2026-03-12T10:00:00Z","updatedAt":"2026-03-12T10:05:00Z"}"#;

fn events() -> &'static str {
    let text = format!(
        r#"{{"data":[{{"id":"ev_1","object":"event","type":"webset.idle","data":{WEBSET},"createdAt":"2026-03-12T10:05:00Z"}}],"hasMore":false,"nextCursor":null}}"#
    );
    Box::leak(text.into_boxed_str())
}

fn client(base: &str) -> Client {
    let retry = RetryPolicy { max_attempts: 1, ..RetryPolicy::default() };
    Client::builder().base_url(base).api_key("key").retry_policy(retry).build().unwrap()
}

/// The create-webset body of the issue (a search with two criteria, two enrichments): 15
/// lines at most, with no `None` and no fixed value spelled out.
fn create_webset_body() -> CreateWebsetParameters {
    CreateWebsetParameters::default()
        .search(
            CreateWebsetParametersSearch::new("AI startups in Berlin")
                .count(5)
                .entity(CompanyEntity::default())
                .criteria([
                    CreateCriterionParameters::new("founded after 2020"),
                    CreateCriterionParameters::new("has raised a Series A"),
                ]),
        )
        .enrichments([
            CreateEnrichmentParameters::new("CEO name").format(WebsetEnrichmentFormat::Text),
            CreateEnrichmentParameters::new("Annual revenue").format(WebsetEnrichmentFormat::Number),
        ])
}

#[test]
fn the_create_webset_body_is_short_and_sends_the_fixed_values() {
    let source = include_str!("spec.rs");
    let start = source.find("    CreateWebsetParameters::default()").unwrap();
    let lines = source[start..].lines().take_while(|l| *l != "}").count();
    assert!(lines <= 15, "the body takes {lines} lines");
    let sent = serde_json::to_value(create_webset_body()).unwrap();
    assert_eq!(sent["search"]["entity"], json!({"type": "company"}));
    assert_eq!(sent["search"]["count"], json!(5.0));
    assert_eq!(sent["enrichments"][1]["format"], "number");
    assert!(sent.get("externalId").is_none(), "unset fields are left out: {sent}");
}

#[tokio::test]
async fn a_webset_flow_reads_like_hand_written_code() {
    let server = support::serve(vec![
        (201, "application/json", WEBSET),
        (200, "application/json", WEBSET),
        (200, "application/json", events()),
        (404, "application/json", r#"{"message":"not found"}"#),
        (429, "application/json", r#"{"message":"slow down"}"#),
    ]);
    let client = client(&server.base);

    let created = client.websets_create(create_webset_body()).header("x-exa-websets-priority", "high").send().await;
    assert_eq!(created.unwrap().id, "ws_1");

    // `websets_get` answers the `allOf` of `Webset` and items: the same field types, and
    // the `Webset` itself by `From`.
    let got = client.websets_get("ws_1").send().await.unwrap().into_inner();
    assert!(got.status == WebsetStatus::Idle);
    let webset: Webset = got.into();
    assert_eq!(webset.id, "ws_1");

    // What every kind of event has, without a match.
    let page = client.events_list().limit(2).send().await.unwrap().into_inner();
    let event: &Event = &page.data[0];
    assert_eq!(event.id().map(String::as_str), Some("ev_1"));
    assert!(event.created_at().is_some());
    assert!(matches!(Entity::from(CompanyEntity::default()), Entity::Company(_)));

    let missing = client.websets_get("nope").send().await.unwrap_err();
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
    let busy = client.websets_get("ws_1").send().await.unwrap_err();
    assert!(matches!(&busy, Error::Api(e) if e.status.as_u16() == 429));

    let requests = server.requests.lock().unwrap();
    assert!(requests[0].starts_with("POST /v0/websets"));
    assert!(requests[0].to_ascii_lowercase().contains("x-exa-websets-priority: high"));
    let body: Value = serde_json::from_str(requests[0].split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["search"]["criteria"][1]["description"], "has raised a Series A");
}
