//! Round trip of every generated type (written by `cargo xtask check-specs`; the harness is
//! `xtask/roundtrip/harness.rs`, the instances in `roundtrip.json` are made from the spec by
//! `xtask/src/roundtrip.rs`). Each instance is decoded as the client decodes a body,
//! re-encoded, and compared with the original as a JSON value.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use CRATE_IDENT::types;

type Cases = BTreeMap<String, Vec<String>>;

/// The first place where `back` differs from `sent`, as a JSON path.
fn difference(sent: &Value, back: &Value, path: &str) -> Option<String> {
    match (sent, back) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|k| match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) => difference(x, y, &format!("{path}.{k}")),
                (Some(_), None) => Some(format!("{path}.{k} (dropped)")),
                (None, _) => Some(format!("{path}.{k} (added)")),
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| difference(x, y, &format!("{path}[{i}]")))
        }
        _ if sent == back => None,
        _ => Some(format!("{path} (sent {sent}, got back {back})")),
    }
}

fn check<T: DeserializeOwned + Serialize>(cases: &Cases, name: &str, failures: &mut Vec<String>) {
    for (i, text) in cases[name].iter().enumerate() {
        let sent: Value = serde_json::from_str(text).expect("the instances are JSON");
        match CRATE_IDENT::runtime::client::decode_json::<T>(text.as_bytes()) {
            Err((path, err)) => {
                failures.push(format!("{name} #{i}: does not decode at `{path}`: {err}\n  instance: {text}"))
            }
            Ok(decoded) => {
                let back = serde_json::to_value(&decoded).expect("re-encodes");
                if let Some(at) = difference(&sent, &back, "$") {
                    failures.push(format!("{name} #{i}: comes back different at {at}\n  instance: {text}\n  back:     {back}"));
                }
            }
        }
    }
}

#[test]
fn every_instance_comes_back_unchanged() {
    let cases: Cases = serde_json::from_str(include_str!("roundtrip.json")).expect("roundtrip.json");
    let mut failures = Vec::new();
    // CHECKS
    let total: usize = cases.values().map(Vec::len).sum();
    assert!(failures.is_empty(), "{} of {total} instances failed to round-trip:\n{}", failures.len(), failures.join("\n"));
    println!("{total} instances of {} types round-trip", cases.len());
}
