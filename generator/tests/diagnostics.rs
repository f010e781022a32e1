//! Every error and warning names its place twice: the JSON pointer and the line and column in
//! the spec text. Typos are caught where they are written.

use generator::diagnostics::Position;
use generator::{generate, Error, Layout, Options, Output};

fn options() -> Options {
    Options {
        crate_name: "located".into(),
        crate_version: "0.1.0".into(),
        api_key_env: None,
        regenerate_command: "test".into(),
        layout: Layout::Standalone,
        ref_root: None,
    }
}

fn error_of(text: &str) -> Error {
    match generate(text, &options()) {
        Ok(out) => panic!("expected an error, got {:?}", out.warnings),
        Err(e) => e,
    }
}

fn output_of(text: &str) -> Output {
    generate(text, &options()).unwrap_or_else(|e| panic!("expected success, got {e}"))
}

fn at(line: usize, column: usize) -> Option<Position> {
    Some(Position::new(line, column))
}

const SPEC: &str = "openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /v0/things/{id}:
    get:
      operationId: things-get
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string}
        - name: limit
          in: query
          schema: {type: integer}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: string}
";

#[test]
fn a_misspelt_parameter_location_names_the_parameter_and_its_line() {
    let e = error_of(&SPEC.replace("in: query", "in: qeury"));
    assert_eq!(e.location.pointer.as_deref(), Some("/paths/~1v0~1things~1{id}/get/parameters/1/in"));
    assert_eq!(e.location.position, at(13, 15));
    assert_eq!(
        e.to_string(),
        "13:15: #/paths/\"/v0/things/{id}\"/get/parameters/1/in: `qeury` is not a parameter location; `in` is one \
         of query, header, path or cookie (did you mean \"query\"?)"
    );
}

#[test]
fn a_flag_that_is_not_a_boolean_names_its_line() {
    let e = error_of(&SPEC.replace("required: true", "required: ture"));
    assert_eq!(e.location.pointer.as_deref(), Some("/paths/~1v0~1things~1{id}/get/parameters/0/required"));
    assert_eq!(e.location.position, at(10, 21));
    assert!(e.message.contains("did you mean \"true\"?"), "{e}");
}

#[test]
fn a_misspelt_keyword_is_a_located_warning_with_a_suggestion() {
    let out = output_of(&SPEC.replace("      properties:", "      propertes:"));
    let w: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        w,
        ["warning: 25:7: #/components/schemas/Thing/propertes: unknown keyword `propertes` in a schema; it is \
          ignored (did you mean \"properties\"?)"]
    );
}

#[test]
fn an_unknown_type_is_an_error_not_any_value() {
    let e = error_of(&SPEC.replace("id: {type: string}", "id: {type: strng}"));
    assert_eq!(e.location.pointer.as_deref(), Some("/components/schemas/Thing/properties/id/type"));
    assert_eq!(e.location.position, at(26, 20));
    assert!(e.message.contains("did you mean \"string\"?"), "{e}");
}

#[test]
fn json_specs_are_located_too() {
    let json = serde_json::to_string_pretty(&generator::load::parse(SPEC).unwrap()).unwrap();
    let e = error_of(&json.replace("\"query\"", "\"qeury\""));
    let line = json.lines().position(|l| l.contains("\"query\"")).unwrap() + 1;
    assert_eq!(e.location.position.map(|p| p.line), Some(u32::try_from(line).unwrap()), "{e}");
}

#[test]
fn errors_from_reading_the_document_name_the_inner_place() {
    // `openapiv3` hides the place inside a path item; the error still names the field.
    let e = error_of(&SPEC.replace("operationId: things-get", "operationId: [things, get]"));
    assert_eq!(e.location.pointer.as_deref(), Some("/paths/~1v0~1things~1{id}/get/operationId"), "{e}");
    assert_eq!(e.location.position, at(6, 7), "{e}");
    assert!(e.message.contains("expected a string"), "{e}");
    // A misspelt `responses` leaves the operation without any (which OpenAPI 3.1 allows): the
    // typo is named where it is written, and the operation's result is `()`.
    let out = output_of(&SPEC.replace("      responses:", "      respones:"));
    let w: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
    assert!(
        w.contains(
            &"warning: 15:7: #/paths/\"/v0/things/{id}\"/get/respones: unknown keyword `respones` in an operation; it \
              is ignored (did you mean \"responses\"?)"
                .to_owned()
        ),
        "{w:?}"
    );
}

#[test]
fn errors_about_the_whole_document_point_at_its_top() {
    let e = error_of("\n# no version\ninfo: {title: T, version: '1'}\n");
    assert_eq!(e.location.position, at(3, 1), "{e}");
    assert!(e.message.contains("openapi"), "{e}");
}

#[test]
fn every_warning_of_every_fixture_has_a_line() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let out = output_of(&std::fs::read_to_string(&path).unwrap());
        for w in out.warnings.iter().chain(&out.notes) {
            assert!(w.location.position.is_some(), "{}: {w}", path.display());
            seen += 1;
        }
    }
    assert!(seen > 0, "the fixtures give some warnings to check");
}
