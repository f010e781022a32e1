//! Decoding a 1,000-run page: the generated model against the struct a person would write
//! by hand for the same fields.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandRun {
    id: String,
    object: String,
    status: String,
    monitor_id: String,
    r#type: String,
    completed_at: Option<DateTime<Utc>>,
    failed_at: Option<DateTime<Utc>>,
    failed_reason: Option<String>,
    canceled_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandPage {
    data: Vec<HandRun>,
    has_more: bool,
    next_cursor: Option<String>,
}

/// A realistic page: every status and type, some nulls, some timestamps.
pub fn page(runs: usize) -> Vec<u8> {
    let statuses = ["created", "running", "completed", "canceled", "failed"];
    let data: Vec<_> = (0..runs)
        .map(|i| {
            let done = i % 3 == 0;
            json!({
                "id": format!("run_{i:08}"),
                "object": "monitor_run",
                "status": statuses[i % statuses.len()],
                "monitorId": "monitor_cm7x3k9p20001abcd",
                "type": if i % 2 == 0 { "search" } else { "refresh" },
                "completedAt": if done { json!("2025-07-01T10:05:00.123Z") } else { json!(null) },
                "failedAt": null,
                "failedReason": if i % 5 == 4 { json!("the search timed out") } else { json!(null) },
                "canceledAt": null,
                "createdAt": "2025-07-01T10:00:00Z",
                "updatedAt": "2025-07-01T10:05:00.123Z"
            })
        })
        .collect();
    serde_json::to_vec(&json!({"data": data, "hasMore": true, "nextCursor": "cursor_abc"}))
        .expect("JSON values serialise")
}

pub fn generated(bytes: &[u8]) -> usize {
    let page: exa_websets::types::ListMonitorRunsResponse = serde_json::from_slice(bytes).expect("the page decodes");
    page.data.len()
}

pub fn hand_written(bytes: &[u8]) -> usize {
    let page: HandPage = serde_json::from_slice(bytes).expect("the page decodes");
    page.data.len()
}
