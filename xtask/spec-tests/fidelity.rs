//! Copied by `cargo xtask check-specs` into the crate generated from the `fidelity` fixture:
//! values that must come back as sent, and decoding errors inside unions that must name the
//! failing value.

mod support;

use fixture_fidelity::types::{Amount, Count, Kind, LooseOrStrict, Mode, ModeOrText, Open, Record, Widths};
use fixture_fidelity::{Client, Error, RetryPolicy};
use serde_json::{json, Value};
use support::serve;

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: Value) -> T {
    let decoded: T = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(serde_json::to_value(&decoded).unwrap(), value);
    decoded
}

#[test]
fn null_absent_and_a_value_stay_apart_for_nullable_named_schemas() {
    let base = json!({"kind": null, "owner": null, "label": null, "choice": null});
    let record: Record = round_trip(base.clone());
    assert_eq!((record.kind, record.maybe_kind, record.owner), (None, None, None));
    let mut with_null = base.clone();
    with_null["maybeKind"] = Value::Null;
    with_null["maybeOwner"] = Value::Null;
    with_null["labels"] = json!(["x", null]);
    let record: Record = round_trip(with_null);
    assert_eq!(record.maybe_kind, Some(None));
    assert_eq!(record.labels, Some(vec![Some("x".to_owned()), None]));
    let mut with_value = base;
    with_value["maybeKind"] = json!("a");
    let record: Record = round_trip(with_value);
    assert_eq!(record.maybe_kind, Some(Some(Kind::A)));
}

#[test]
fn setters_of_optional_nullable_fields_take_the_value_and_null_apart() {
    use fixture_fidelity::types::{Choice, Label, Owner};
    let record = || Record::new(None::<Kind>, None::<Owner>, None::<Label>, None::<Choice>);
    let sent = |r: Record| serde_json::to_value(r).unwrap();
    assert!(sent(record()).get("score").is_none());
    assert_eq!(sent(record().score(5))["score"], json!(5.0));
    assert_eq!(sent(record().score(2.5))["score"], json!(2.5));
    assert_eq!(sent(record().score_null())["score"], Value::Null);
    assert_eq!(record().maybe_kind(Kind::A).maybe_kind, Some(Some(Kind::A)));
    assert_eq!(record().maybe_kind_null().maybe_kind, Some(None));
}

#[test]
fn unions_pick_the_most_specific_variant_whatever_the_order() {
    assert_eq!(round_trip::<Amount>(json!(7)), Amount::Integer(7));
    assert_eq!(round_trip::<Amount>(json!(9_007_199_254_740_993u64)), Amount::Integer(9_007_199_254_740_993));
    assert_eq!(round_trip::<Amount>(json!(7.5)), Amount::Number(7.5));
    assert_eq!(round_trip::<Count>(json!(7)), Count::Integer(7));
    assert_eq!(round_trip::<ModeOrText>(json!("fast")), ModeOrText::Mode(Mode::Fast));
    assert_eq!(round_trip::<ModeOrText>(json!("other")), ModeOrText::String("other".into()));
    assert!(matches!(round_trip::<LooseOrStrict>(json!({"a": "x", "b": 1})), LooseOrStrict::Strict(_)));
    assert!(matches!(round_trip::<LooseOrStrict>(json!({"a": "x", "note": "n"})), LooseOrStrict::Loose(_)));
}

#[test]
fn extra_properties_and_integer_extremes_are_kept() {
    let open: Open = round_trip(json!({"field1": "a", "extra": {"k": 1}}));
    assert_eq!(open.additional_properties["extra"], json!({"k": 1}));
    let widths: Widths = round_trip(json!({"u64": u64::MAX, "i8": -128, "u8": 255, "i64": i64::MIN}));
    assert_eq!(widths.u64, Some(u64::MAX));
}

fn client(base: &str) -> Client {
    Client::builder().base_url(base).retry_policy(RetryPolicy::never()).build().unwrap()
}

#[tokio::test]
async fn an_error_inside_a_union_names_the_failing_value_and_quotes_it() {
    let server = serve(vec![
        (
            200,
            "application/json",
            r#"{"data": [{"id": "1", "properties": {"type": "company", "company": {"name": null, "size": 3}}}]}"#,
        ),
        (
            200,
            "application/json",
            r#"{"data": [{"id": "1", "properties": {"type": "person", "name": "p"}, "shape": {"a": 5}}]}"#,
        ),
    ]);
    let client = client(&server.base);
    let Err(Error::Decode(err)) = client.listing_get().send().await else { panic!("expected a decode error") };
    assert_eq!(err.path, "data[0].properties.company.name", "{err}");
    assert_eq!(err.message, "invalid type: null, expected a string", "{err}");
    let excerpt = err.excerpt();
    let at = excerpt.find("null").unwrap();
    assert!(excerpt[..at].ends_with(r#""name": "#), "{excerpt}");
    // An untagged union reports the place where the closest variant failed.
    let Err(Error::Decode(err)) = client.listing_get().send().await else { panic!("expected a decode error") };
    assert_eq!(err.path, "data[0].shape.a", "{err}");
    let requests = server.requests.lock().unwrap();
    assert!(requests[0].starts_with("GET /listing HTTP/1.1"), "{}", requests[0]);
}
