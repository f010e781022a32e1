//! Copied by `cargo xtask check-specs` into the crate it generates from Exa's 2025-06-03
//! spec. That spec's run status lists created, running, completed and canceled; Exa added
//! `failed` in July 2025. A client generated from the older spec must still read such runs.

use exa_websets_2025_06_03::types::{MonitorRun, MonitorRunStatus};
use serde_json::json;

#[test]
fn a_status_added_after_generation_decodes_and_round_trips() {
    let sent = json!({
        "id": "run_1",
        "object": "monitor_run",
        "status": "failed",
        "monitorId": "mon_1",
        "type": "search",
        "completedAt": null,
        "failedAt": "2025-07-22T08:00:00Z",
        "failedReason": "the search timed out",
        "canceledAt": null,
        "createdAt": "2025-07-22T07:00:00Z",
        "updatedAt": "2025-07-22T08:00:00Z",
        "somethingNew": [1, 2, 3]
    });
    let run: MonitorRun = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(run.status, MonitorRunStatus::Unknown("failed".into()));
    assert_eq!(run.status.as_str(), "failed");
    let back = serde_json::to_value(&run).unwrap();
    assert_eq!(back["status"], "failed");
    assert_eq!(back["failedAt"], sent["failedAt"]);
}

#[test]
fn known_statuses_still_decode_to_their_variants() {
    let run: MonitorRunStatus = serde_json::from_value(json!("canceled")).unwrap();
    assert_eq!(run, MonitorRunStatus::Canceled);
}
