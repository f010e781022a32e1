//! Specs that are broken, hostile or unusual: each gives a located error or a warning with a
//! documented handling, and never a panic.

use generator::{generate, Layout, Location, Options};
use serde_json::json;

fn options() -> Options {
    Options {
        crate_name: "bad-input".into(),
        crate_version: "0.1.0".into(),
        api_key_env: None,
        regenerate_command: "test".into(),
        layout: Layout::Standalone,
        ref_root: None,
    }
}

/// A minimal valid document around `paths` and `schemas` (YAML flow mappings).
fn spec(paths: &str, schemas: &str) -> String {
    format!("openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\npaths: {paths}\ncomponents:\n  schemas: {schemas}\n")
}

fn error_of(text: &str) -> generator::Error {
    match generate(text, &options()) {
        Ok(out) => panic!("expected an error, got {} warnings: {:?}", out.warnings.len(), out.warnings),
        Err(e) => e,
    }
}

fn warnings_of(text: &str) -> Vec<String> {
    match generate(text, &options()) {
        Ok(out) => out.warnings.iter().map(|w| w.to_string()).collect(),
        Err(e) => panic!("expected success, got {e}"),
    }
}

#[test]
fn unreadable_documents_are_errors_with_positions() {
    let e = error_of("openapi: 3.1.0\ninfo: [\n");
    assert!(e.location.position.is_some_and(|p| p.line >= 2), "{e}");
    let e = error_of("<<<<<<< HEAD\nopenapi: 3.1.0\n=======\nopenapi: 3.0.0\n>>>>>>> theirs\n");
    assert!(e.location.position.is_some(), "{e}");
    let e = error_of("{\"openapi\": \"3.1.0\",");
    assert!(e.location.position.is_some_and(|p| p.line == 1), "{e}");
    assert_eq!(error_of("").location, Location::document());
    assert_eq!(error_of("\n  \n").location, Location::document());
}

#[test]
fn wrong_versions_say_what_they_are() {
    let e = error_of("swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n");
    assert!(e.message.contains("Swagger 2.0") && e.message.contains("Convert"), "{e}");
    let e = error_of("openapi: 3.2.0\ninfo: {title: T, version: '1'}\npaths: {}\n");
    assert_eq!(e.location.pointer.as_deref(), Some("/openapi"));
    let e = error_of("info: {title: T, version: '1'}\n");
    assert!(e.message.contains("openapi"), "{e}");
}

#[test]
fn bad_references_name_their_place() {
    let e = error_of(&spec("{}", "{A: {type: object, properties: {b: {$ref: '#/components/schemas/Nope'}}}}"));
    assert_eq!(e.location.pointer.as_deref(), Some("/components/schemas/A/properties/b"), "{e}");
    // Text has no folder to read other files from.
    let e = error_of(&spec("{}", "{A: {$ref: 'other.yaml#/components/schemas/A'}}"));
    assert_eq!(e.location.pointer.as_deref(), Some("/components/schemas/A"), "{e}");
    assert!(e.message.contains("other.yaml") && e.message.contains("another file"), "{e}");
    let e = error_of(&spec("{}", "{A: {$ref: 'https://example.com/a.json'}}"));
    assert!(e.message.contains("is a URL") && e.message.contains("download"), "{e}");
    let e = error_of(&spec("{}", "{A: {$ref: '#/components/schemas/B/properties/nope'}, B: {type: object}}"));
    assert_eq!(e.location.pointer.as_deref(), Some("/components/schemas/A"), "{e}");
    assert!(e.message.contains("has no `properties`"), "{e}");
    let e = error_of(&spec("{}", "{A: {$ref: '#/components/schemas/A'}}"));
    assert!(e.message.contains("only to itself"), "{e}");
}

#[test]
fn deep_nesting_and_alias_bombs_are_refused_not_crashed() {
    let mut deep = String::from("{\"type\": \"string\"}");
    for _ in 0..10_000 {
        deep = format!("{{\"type\": \"array\", \"items\": {deep}}}");
    }
    let json = format!(
        "{{\"openapi\": \"3.1.0\", \"info\": {{\"title\": \"T\", \"version\": \"1\"}}, \"paths\": {{}}, \
         \"components\": {{\"schemas\": {{\"Deep\": {deep}}}}}}}"
    );
    let _ = error_of(&json);
    let yaml_deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let _ = error_of(&format!("openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\nx-deep: {yaml_deep}\n"));

    let mut bomb =
        String::from("openapi: 3.1.0\ninfo: {title: T, version: '1'}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    let _ = error_of(&bomb);
}

/// A JSON document with these `paths` and no components.
fn json_spec(paths: serde_json::Value) -> String {
    json!({"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": paths}).to_string()
}

fn ok() -> serde_json::Value {
    json!({"200": {"description": "ok"}})
}

#[test]
fn missing_and_duplicate_operation_ids_get_names_and_warnings() {
    let text = json_spec(json!({
        "/a/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "get": {"responses": ok()}
        },
        "/b": {
            "get": {"operationId": "list", "responses": ok()},
            "post": {"operationId": "list", "responses": ok()}
        }
    }));
    let out = generate(&text, &options()).unwrap();
    let ops = &out.files.iter().find(|f| f.path.ends_with("operations.rs")).unwrap().contents;
    assert!(ops.contains("pub fn get_a_id("), "{ops}");
    assert!(ops.contains("pub fn list(") && ops.contains("pub fn list2("), "{ops}");
    let w: Vec<String> = out.warnings.iter().map(|w| w.to_string()).collect();
    assert!(w.iter().any(|w| w.contains("no operationId")), "{w:?}");
    assert!(w.iter().any(|w| w.contains("same method name")), "{w:?}");
}

#[test]
fn clashing_and_unspellable_names_become_distinct_identifiers() {
    let text = spec(
        "{}",
        "{foo-bar: {type: object, properties: {a_b: {type: string}, aB: {type: string}, '': {type: string}, '123': {type: string}, '🚀': {type: string}, type: {type: string}, self: {type: string}}}, \
          FooBar: {type: string, enum: ['', '1', '🚀', 'a.b', 'a-b', unknown]}}",
    );
    let out = generate(&text, &options()).unwrap();
    let types = &out.files.iter().find(|f| f.path.ends_with("types.rs")).unwrap().contents;
    for expected in [
        "pub struct FooBar {",
        "pub enum FooBar2 {",
        "pub a_b: Option<String>",
        "pub a_b2: Option<String>",
        "pub value: Option<String>",
        "pub n_123: Option<String>",
        "pub value2: Option<String>",
        "pub r#type: Option<String>",
        "pub self_: Option<String>",
        "Unnamed,",
        "V1,",
        "AB,",
        "AB2,",
        "Unknown,",
        "Unknown2(String)",
    ] {
        assert!(types.contains(expected), "missing {expected:?} in\n{types}");
    }
}

#[test]
fn path_templates_and_parameters_that_disagree_are_reconciled() {
    let text = json_spec(json!({
        "/a/{undeclared}": {"get": {
            "operationId": "a",
            "parameters": [{"name": "stray", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": ok()
        }}
    }));
    let out = generate(&text, &options()).unwrap();
    let w: Vec<String> = out.warnings.iter().map(|w| w.to_string()).collect();
    assert!(w.iter().any(|w| w.contains("declares no such path parameter")), "{w:?}");
    assert!(w.iter().any(|w| w.contains("`stray` is declared but the path")), "{w:?}");
    let ops = &out.files.iter().find(|f| f.path.ends_with("operations.rs")).unwrap().contents;
    assert!(ops.contains("pub fn a(&self, undeclared: impl AsRef<str>)"), "{ops}");
}

#[test]
fn parameters_never_take_the_names_of_the_builders_own_parts() {
    // `request` is the `Client` method's local and the builder's field; `client` and `body`
    // are fields too. An undeclared path parameter is named apart from them as well.
    let text = json_spec(json!({
        "/a/{request}/{client}": {"get": {
            "operationId": "a",
            "parameters": [{"name": "body", "in": "query", "required": true, "schema": {"type": "string"}}],
            "responses": ok()
        }}
    }));
    let out = generate(&text, &options()).unwrap();
    let ops = &out.files.iter().find(|f| f.path.ends_with("operations.rs")).unwrap().contents;
    for name in ["request", "client", "body"] {
        assert!(!ops.contains(&format!("    {name}: impl AsRef<str>")), "{name} is an argument in {ops}");
    }
    assert!(ops.contains("request.path_param(\"request\", request2.as_ref());"), "{ops}");
}

#[test]
fn other_media_types_and_per_status_bodies_are_handled_with_warnings() {
    let object = |p: &str| json!({"type": "object", "properties": {p: {"type": "string"}}});
    let text = json_spec(json!({
        "/upload": {"post": {
            "operationId": "upload",
            "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object"}}}},
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": object("a")}}},
                "201": {"description": "created", "content": {"application/json": {"schema": object("b")}}}
            }
        }},
        "/text": {"get": {"operationId": "text", "responses": {
            "200": {"description": "ok", "content": {"text/plain": {"schema": {"type": "string"}}}}
        }}},
        "/bin": {"get": {"operationId": "bin", "responses": {
            "200": {"description": "ok", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
        }}}
    }));
    let out = generate(&text, &options()).unwrap();
    let w: Vec<String> = out.warnings.iter().map(|w| w.to_string()).collect();
    assert!(w.iter().any(|w| w.contains("multipart/form-data")), "{w:?}");
    let ops = &out.files.iter().find(|f| f.path.ends_with("operations.rs")).unwrap().contents;
    assert!(ops.contains("-> Call<String, call::Text>") && ops.contains("-> Call<Vec<u8>, call::Bytes>"), "{ops}");
    // Different bodies for 200 and 201: a per-status result, not one body for both.
    for expected in ["pub enum UploadResponse {", "Ok(types::UploadResponse200)", "Created(types::UploadResponse201)"] {
        assert!(ops.contains(expected), "missing {expected:?} in\n{ops}");
    }
}

#[test]
fn undeclared_tags_are_notes_and_unsupported_security_a_warning() {
    let text = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {/a: {get: {operationId: a, tags: [Things], responses: {'200': {description: ok}}}}}\n\
                components: {securitySchemes: {oauth: {type: oauth2, flows: {}}}}\n";
    let out = generate(text, &options()).unwrap();
    let notes: Vec<String> = out.notes.iter().map(|w| w.to_string()).collect();
    assert!(notes.iter().any(|n| n.starts_with("note: ") && n.contains("`Things`")), "{notes:?}");
    let w = warnings_of(text);
    assert!(!w.iter().any(|w| w.contains("`Things`")), "undeclared tags are a note, not a warning: {w:?}");
    assert!(w.iter().any(|w| w.contains("#/components/securitySchemes/oauth")), "{w:?}");
}

#[test]
fn a_schema_that_includes_itself_through_all_of_is_an_error() {
    // Found by the property test: merging `A` into its own property repeated forever.
    let text =
        spec("{}", "{A: {type: object, properties: {b: {allOf: [{$ref: '#/components/schemas/A'}, {type: object}]}}}}");
    let e = error_of(&text);
    assert!(e.message.contains("includes itself"), "{e}");
    let e = error_of(&spec("{}", "{A: {$ref: '#/components/schemas/B'}, B: {$ref: '#/components/schemas/A'}}"));
    assert!(e.message.contains("loop"), "{e}");
}

#[test]
fn parameters_and_variants_that_spell_alike_stay_distinct() {
    let text = json_spec(json!({
        "/a": {"get": {
            "operationId": "a",
            "parameters": [
                {"name": "page-size", "in": "query", "schema": {"type": "integer"}},
                {"name": "page_size", "in": "query", "schema": {"type": "integer"}},
                {"name": "Page Size", "in": "header", "schema": {"type": "string"}},
                {"name": "send", "in": "query", "schema": {"type": "string"}}
            ],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "oneOf": [
                    {"type": "object", "title": "Thing", "properties": {"a": {"type": "string"}}},
                    {"type": "object", "title": "thing", "properties": {"b": {"type": "string"}}}
                ]
            }}}}}
        }}
    }));
    let out = generate(&text, &options()).unwrap();
    let ops = &out.files.iter().find(|f| f.path.ends_with("operations.rs")).unwrap().contents;
    for setter in ["pub fn page_size(", "pub fn page_size2(", "pub fn send2("] {
        assert!(ops.contains(setter), "missing {setter} in\n{ops}");
    }
    let w: Vec<String> = out.warnings.iter().map(|w| w.to_string()).collect();
    assert!(w.iter().any(|w| w.contains("`Page Size`")), "a header name that is not a valid token is reported: {w:?}");
    let types = &out.files.iter().find(|f| f.path.ends_with("types.rs")).unwrap().contents;
    assert!(types.contains("Thing(Thing)") && types.contains("Thing2(Thing2)"), "{types}");
}
