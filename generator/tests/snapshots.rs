//! Snapshots of the generator's output for small fixture specs: any change to what the
//! generator writes shows up here as a reviewable diff (`cargo insta review`).

use generator::{generate, Layout, Options};

fn options() -> Options {
    Options {
        crate_name: "fixture-client".into(),
        crate_version: "0.1.0".into(),
        api_key_env: None,
        regenerate_command: "cargo xtask codegen --spec FIXTURE --out DIR".into(),
        layout: Layout::Standalone,
        ref_root: None,
    }
}

/// Warnings, then the named generated files, as one text.
fn render(fixture: &str, files: &[&str]) -> String {
    let path = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let spec = std::fs::read_to_string(&path).unwrap();
    let output = generate(&spec, &options()).unwrap_or_else(|e| panic!("{fixture}: {e}"));
    let mut text = String::from("=== warnings\n");
    for w in &output.warnings {
        text.push_str(&format!("{w}\n"));
    }
    for name in files {
        let file = output.files.iter().find(|f| f.path.to_str() == Some(name)).unwrap();
        text.push_str(&format!("=== {name}\n{}", file.contents));
    }
    text
}

#[test]
fn basics() {
    insta::assert_snapshot!(render("basics.yaml", &["src/types.rs", "src/operations.rs", "src/lib.rs", "Cargo.toml"]));
}

#[test]
fn streams() {
    insta::assert_snapshot!(render("streams.yaml", &["src/types.rs", "src/operations.rs", "src/lib.rs", "Cargo.toml"]));
}

#[test]
fn unions() {
    insta::assert_snapshot!(render("unions.yaml", &["src/types.rs", "src/operations.rs"]));
}
