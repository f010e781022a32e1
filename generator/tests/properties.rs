//! Property tests: whatever the spec, generation returns a result or a located error, and
//! never panics, hangs or overflows the stack. Random specs are built from the constructs
//! real specs use, plus names and shapes that are hard to spell in Rust; mutated specs are
//! real Exa specs with one part replaced by something wrong.

use generator::{generate, Layout, Options};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn options() -> Options {
    Options {
        crate_name: "prop".into(),
        crate_version: "0.1.0".into(),
        api_key_env: None,
        regenerate_command: "test".into(),
        layout: Layout::Standalone,
        ref_root: None,
    }
}

/// Names a spec may use: ordinary, keywords, clashing spellings, digits, symbols, emoji.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-zA-Z0-9]{0,8}",
        Just("type".to_owned()),
        Just("self".to_owned()),
        Just("Self".to_owned()),
        Just("".to_owned()),
        Just("123".to_owned()),
        Just("a-b".to_owned()),
        Just("a_b".to_owned()),
        Just("aB".to_owned()),
        Just("🚀".to_owned()),
        Just("monitor.run.completed".to_owned()),
        Just("Unknown".to_owned()),
        Just("Option".to_owned()),
        Just("“Pretty”".to_owned()),
        Just("Certainty™".to_owned()),
        Just("größe".to_owned()),
        Just("日本語".to_owned()),
        "\\PC{0,6}",
    ]
}

/// Long text with words that end in multi-byte characters, as vendor descriptions have.
fn description() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "\\PC{1,14}",
            "[a-z]{1,12}",
            Just("“Pretty”".to_owned()),
            Just("Certainty™".to_owned()),
            Just("1”.".to_owned()),
            Just("- ½".to_owned()),
            Just("日本語のテキスト".to_owned()),
            Just("\n".to_owned()),
        ],
        0..60,
    )
    .prop_map(|words| words.join(" "))
}

fn component_names() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(name(), 1..6)
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": ["string", "null"], "format": "date-time"})),
        Just(json!({"type": "integer", "format": "int32"})),
        Just(json!({"type": "number", "exclusiveMinimum": 0})),
        Just(json!({"type": "boolean"})),
        Just(json!({"type": "null"})),
        Just(json!({})),
        Just(json!(true)),
        Just(json!({"type": ["string", "integer"]})),
        prop::collection::vec(name(), 1..5).prop_map(|v| json!({"type": "string", "enum": v})),
        name().prop_map(|v| json!({"const": v})),
        (0..6usize).prop_map(|i| json!({"$ref": format!("#/components/schemas/c{i}")})),
        // References to any place, which may or may not exist.
        (0..6usize, prop_oneof![Just("items"), Just("properties/a"), Just("oneOf/0"), Just("additionalProperties")])
            .prop_map(|(i, at)| json!({"$ref": format!("#/components/schemas/c{i}/{at}")})),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec((name(), inner.clone(), any::<bool>()), 0..5).prop_map(|props| {
                let mut properties = Map::new();
                let mut required = Vec::new();
                for (n, s, r) in props {
                    if r {
                        required.push(Value::String(n.clone()));
                    }
                    properties.insert(n, s);
                }
                json!({"type": ["object"], "properties": properties, "required": required})
            }),
            inner.clone().prop_map(|s| json!({"type": "array", "items": s})),
            inner.clone().prop_map(|s| json!({"type": "object", "additionalProperties": s})),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({"oneOf": v})),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({"anyOf": v})),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({"allOf": v})),
            (prop::collection::vec(inner.clone(), 1..4), name())
                .prop_map(|(v, tag)| json!({"oneOf": v, "discriminator": {"propertyName": tag}})),
            inner.clone().prop_map(|s| json!({"oneOf": [s, {"type": "null"}]})),
            (inner, description()).prop_map(|(s, d)| {
                let mut s = s;
                if let Some(o) = s.as_object_mut() {
                    o.insert("description".into(), Value::String(d));
                    o.insert("type".into(), json!(["object"]));
                }
                s
            }),
        ]
    })
}

fn operation() -> impl Strategy<Value = (String, String, Value)> {
    let param =
        (name(), prop_oneof![Just("path"), Just("query"), Just("header"), Just("cookie")], leaf(), any::<bool>())
            .prop_map(|(n, place, s, req)| json!({"name": n, "in": place, "required": req, "schema": s}));
    (
        prop::collection::vec(name(), 1..4),
        prop_oneof![Just("get"), Just("post"), Just("delete"), Just("patch")],
        prop::option::of(name()),
        prop::collection::vec(param, 0..4),
        prop::option::of(schema()),
        schema(),
        prop_oneof![Just("application/json"), Just("text/plain"), Just("multipart/form-data")],
        description(),
    )
        .prop_map(|(segments, method, id, params, body, response, media, text)| {
            let path = format!("/{}", segments.iter().map(|s| format!("{{{s}}}")).collect::<Vec<_>>().join("/x/"));
            let mut op = json!({
                "description": text,
                "parameters": params,
                "responses": {"200": {"description": "ok", "content": {media: {"schema": response}}}},
            });
            if let Some(id) = id {
                op["operationId"] = Value::String(id);
            }
            if let Some(body) = body {
                op["requestBody"] = json!({"required": true, "content": {media: {"schema": body}}});
            }
            (path, method.to_owned(), op)
        })
}

fn spec() -> impl Strategy<Value = String> {
    (component_names(), prop::collection::vec(schema(), 6), prop::collection::vec(operation(), 0..5)).prop_map(
        |(names, schemas, ops)| {
            let mut components = Map::new();
            for (i, s) in schemas.into_iter().enumerate() {
                // Fixed names so random `$ref`s can hit, plus the awkward ones.
                components.insert(format!("c{i}"), s.clone());
                if let Some(n) = names.get(i) {
                    components.insert(n.clone(), s);
                }
            }
            let mut paths = Map::new();
            for (path, method, op) in ops {
                let item = paths.entry(path).or_insert_with(|| json!({}));
                item[method] = op;
            }
            json!({
                "openapi": "3.1.0",
                "info": {"title": "P", "version": "1"},
                "paths": paths,
                "components": {"schemas": components, "securitySchemes": {"k": {"type": "apiKey", "in": "header", "name": "x-k"}}}
            })
            .to_string()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_specs_never_panic(text in spec()) {
        if let Some(path) = std::env::var_os("PROPERTY_DUMP") {
            std::fs::write(path, &text).unwrap();
        }
        match generate(&text, &options()) {
            Ok(out) => prop_assert!(out.files.iter().any(|f| f.path.ends_with("types.rs"))),
            // A panic is caught and returned as an internal error: none may happen.
            Err(e) => prop_assert!(!e.message.is_empty() && !e.is_internal(), "{}", e),
        }
    }
}

/// Every JSON pointer in a document.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                pointers(child, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn smallest_exa_spec() -> Option<Value> {
    let dir = std::env::var_os("EXA_SHARED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let path = dir.join("specs/exa-websets/2025-04-09.yaml");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(generator::load::parse(&text).unwrap()),
        Err(_) if std::env::var_os("REQUIRE_SHARED").is_some() => panic!("{} is missing", path.display()),
        Err(_) => {
            eprintln!("skipped: {} not found", path.display());
            None
        }
    }
}

#[test]
fn mutated_exa_specs_never_panic() {
    let Some(base) = smallest_exa_spec() else { return };
    let mut all = Vec::new();
    pointers(&base, String::new(), &mut all);
    let replacements = [
        json!(null),
        json!("x"),
        json!(-1),
        json!([]),
        json!({}),
        json!({"$ref": "#/nowhere"}),
        json!([{"type": "null"}]),
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&(0..all.len(), 0..replacements.len(), any::<bool>()), |(at, with, delete)| {
            let mut doc = base.clone();
            let pointer = &all[at];
            if let Some((parent, key)) = pointer.rsplit_once('/') {
                match doc.pointer_mut(parent) {
                    Some(Value::Object(m)) if delete => {
                        m.remove(&key.replace("~1", "/").replace("~0", "~"));
                    }
                    _ => {
                        if let Some(v) = doc.pointer_mut(pointer) {
                            *v = replacements[with].clone();
                        }
                    }
                }
            }
            if let Err(e) = generate(&doc.to_string(), &options()) {
                prop_assert!(!e.is_internal(), "{}", e);
            }
            Ok(())
        })
        .unwrap();
}
