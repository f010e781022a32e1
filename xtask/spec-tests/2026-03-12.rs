//! Copied by `cargo xtask check-specs` into the crate it generates from Exa's 2026-03-12
//! Websets spec: a user's flow against a loopback server, written the way the issue asks a
//! client to read (bodies in a few lines, one type per schema, union accessors).

mod support;

use exa_websets_2026_03_12::types::{
    CompanyEntity, CreateCriterionParameters, CreateEnrichmentParameters, CreateMonitorParameters,
    CreateWebhookParameters, CreateWebsetParameters, CreateWebsetParametersSearch, Entity, Event, EventType,
    MonitorBehavior, MonitorBehaviorConfig, MonitorCadence, WebhookStatus, Webset, WebsetEnrichmentFormat,
    WebsetItemEvaluationSatisfied, WebsetItemProperties, WebsetStatus,
};
use exa_websets_2026_03_12::{Client, Error, RetryPolicy};
use futures::StreamExt;
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

fn item(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","object":"webset_item","source":"search","sourceId":"s_1","websetId":"ws_1",
"properties":{{"type":"company","url":"https://example.com","description":"A startup","content":null,
"company":{{"name":"Example GmbH","location":"Berlin","employees":12,"industry":null,"about":null,"logoUrl":null}}}},
"evaluations":[{{"criterion":"founded after 2020","reasoning":"founded 2021","satisfied":"yes","references":[]}}],
"enrichments":null,"createdAt":"2026-03-12T10:01:00Z","updatedAt":"2026-03-12T10:01:00Z"}}"#
    )
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

const MONITOR: &str = r#"{"id":"mon_1","object":"monitor","status":"enabled","websetId":"ws_1",
"cadence":{"cron":"0 9 * * 1","timezone":"Europe/Berlin"},
"behavior":{"type":"search","config":{"query":"new AI startups in Berlin","count":10}},
"lastRun":null,"nextRunAt":"2026-03-16T08:00:00Z","metadata":{},
"createdAt":"2026-03-12T10:06:00Z","updatedAt":"2026-03-12T10:06:00Z"}"#;

const RUNS: &str = r#"{"data":[{"id":"run_1","object":"monitor_run","status":"completed","monitorId":"mon_1",
"type":"search","completedAt":"2026-03-16T08:03:00Z","failedAt":null,"failedReason":null,"canceledAt":null,
"createdAt":"2026-03-16T08:00:00Z","updatedAt":"2026-03-16T08:03:00Z"}],"hasMore":false,"nextCursor":null}"#;

const WEBHOOK: &str = r#"{"id":"wh_1","object":"webhook","status":"active","events":["webset.idle","webset.item.created"],
"url":"https://example.com/hook","secret":"whsec_1","metadata":{},
"createdAt":"2026-03-12T10:07:00Z","updatedAt":"2026-03-12T10:07:00Z"}"#;

/// The issue's whole flow, in order: create a webset with a search and enrichments, poll it
/// until it is idle, stream its items across pages, watch it with a monitor and read the
/// monitor's runs, subscribe a webhook, list events, and handle a 404 and a 429.
#[tokio::test]
async fn a_webset_flow_reads_like_hand_written_code() {
    let running = leak(WEBSET.replace(r#""status":"idle""#, r#""status":"running""#));
    let first_page = leak(format!(r#"{{"data":[{}],"hasMore":true,"nextCursor":"c2"}}"#, item("wi_1")));
    let last_page = leak(format!(r#"{{"data":[{}],"hasMore":false,"nextCursor":null}}"#, item("wi_2")));
    let server = support::serve(vec![
        (201, "application/json", running),
        (200, "application/json", running),
        (200, "application/json", WEBSET),
        (200, "application/json", first_page),
        (200, "application/json", last_page),
        (201, "application/json", MONITOR),
        (200, "application/json", RUNS),
        (201, "application/json", WEBHOOK),
        (200, "application/json", events()),
        (404, "application/json", r#"{"message":"not found"}"#),
        (429, "application/json", r#"{"message":"slow down"}"#),
    ]);
    let client = client(&server.base);

    let created = client.websets_create(create_webset_body()).header("x-exa-websets-priority", "high").send().await;
    let created = created.unwrap();
    assert_eq!((created.id.as_str(), &created.status), ("ws_1", &WebsetStatus::Running));

    // Poll until the webset is idle. `websets_get` answers the `allOf` of `Webset` and
    // items: the same field types, and the `Webset` itself by `From`.
    let mut polls = 0;
    let webset: Webset = loop {
        polls += 1;
        let got = client.websets_get(&created.id).send().await.unwrap().into_inner();
        if got.status == WebsetStatus::Idle {
            break got.into();
        }
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    };
    assert_eq!((webset.id.as_str(), polls), ("ws_1", 2));

    // Every item, page after page, as one stream.
    let mut items = client.websets_items_list(&webset.id).limit(1).into_stream();
    let mut names = Vec::new();
    while let Some(item) = items.next().await {
        let item = item.unwrap();
        if let WebsetItemProperties::Company(company) = &item.properties {
            names.push(format!("{} {}", item.id, company.company.name));
        }
        assert_eq!(item.evaluations[0].satisfied, WebsetItemEvaluationSatisfied::Yes);
    }
    assert_eq!(names, ["wi_1 Example GmbH", "wi_2 Example GmbH"]);

    // A weekly monitor that searches for more, and its runs.
    let search = MonitorBehaviorConfig::new(10).query("new AI startups in Berlin");
    let cadence = MonitorCadence::new("0 9 * * 1").timezone("Europe/Berlin");
    let monitor =
        client.monitors_create(CreateMonitorParameters::new(&webset.id, cadence, MonitorBehavior::new(search)));
    let monitor = monitor.send().await.unwrap();
    let runs = client.monitors_runs_list(&monitor.id).send().await.unwrap().into_inner();
    assert_eq!((runs.data[0].status.as_str(), runs.data[0].r#type.is_known()), ("completed", true));

    let hook =
        CreateWebhookParameters::new([EventType::WebsetIdle, EventType::WebsetItemCreated], "https://example.com/hook");
    let hook = client.webhooks_create(hook).send().await.unwrap();
    assert_eq!((&hook.status, hook.events.len()), (&WebhookStatus::Active, 2));

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
    let lines: Vec<&str> = requests.iter().map(|r| r.lines().next().unwrap()).collect();
    assert!(lines[0].starts_with("POST /v0/websets "), "{lines:?}");
    assert!(lines[4].starts_with("GET /v0/websets/ws_1/items?") && lines[4].contains("cursor=c2"), "{lines:?}");
    assert!(lines[5].starts_with("POST /v0/monitors "), "{lines:?}");
    assert!(lines[6].starts_with("GET /v0/monitors/mon_1/runs"), "{lines:?}");
    assert!(lines[7].starts_with("POST /v0/webhooks "), "{lines:?}");
    assert!(requests[0].to_ascii_lowercase().contains("x-exa-websets-priority: high"));
    let body: Value = serde_json::from_str(requests[0].split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["search"]["criteria"][1]["description"], "has raised a Series A");
    let body: Value = serde_json::from_str(requests[5].split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(
        body["behavior"],
        json!({"type": "search", "config": {"query": "new AI startups in Berlin", "count": 10.0}})
    );
    let body: Value = serde_json::from_str(requests[7].split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["events"], json!(["webset.idle", "webset.item.created"]));
}
