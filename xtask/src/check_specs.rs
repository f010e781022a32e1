//! `cargo xtask check-specs`: every spec we claim to read must give a crate that builds.
//!
//! Generates a standalone crate from each fixture spec and each of Exa's published specs
//! (in the shared material), runs `cargo clippy --all-targets -D warnings` and `cargo doc`
//! (warnings denied) on each, runs the hand-written tests in `xtask/spec-tests/` for the
//! specs that have one and the round-trip test of every type (see [`crate::roundtrip`]),
//! and prints a table.
//!
//! A spec's test is `xtask/spec-tests/<file stem>.rs` (`basics.rs`, `2025-06-03.rs`), or for
//! every version of Exa's Search API `exa-search.rs`, which names the crate `api`: the copy
//! gets a `use <crate> as api;` line.

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::{Layout, Options};

use crate::{exa_search_specs, exa_specs, repo_root, shared_dir};

struct Row {
    spec: String,
    operations: usize,
    types: usize,
    lines: usize,
    warnings: usize,
    instances: usize,
    result: String,
}

/// Each spec's crate name, path, and hand-written test (if it has one).
fn inputs(root: &Path) -> Vec<(String, PathBuf, PathBuf)> {
    let tests = root.join("xtask/spec-tests");
    let mut inputs = Vec::new();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("generator/tests/fixtures"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    fixtures.sort();
    for f in fixtures {
        inputs.push((format!("fixture-{}", stem(&f)), tests.join(format!("{}.rs", stem(&f))), f));
    }
    if let Some(shared) = shared_dir() {
        for spec in exa_specs(&shared) {
            inputs.push((format!("exa-websets-{}", stem(&spec)), tests.join(format!("{}.rs", stem(&spec))), spec));
        }
        for spec in exa_search_specs(&shared) {
            inputs.push((format!("exa-search-{}", stem(&spec)), tests.join("exa-search.rs"), spec));
        }
    }
    inputs
}

fn stem(p: &Path) -> String {
    p.file_stem().and_then(|s| s.to_str()).unwrap_or("spec").to_owned()
}

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed in {}", args.join(" "), dir.display()))
    }
}

/// Checks every spec, or those whose crate name contains `only`.
pub fn run(only: Option<&str>) -> Result<(), String> {
    let root = repo_root();
    // The crates are written into, and built in, the target dir cargo uses for this
    // workspace, so their dependencies are built once for all of them.
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), std::path::PathBuf::from);
    let work = target.join("spec-check");
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for (name, test, spec) in inputs(&root) {
        if only.is_some_and(|only| !name.contains(only)) {
            continue;
        }
        let text = std::fs::read_to_string(&spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
        let options = Options {
            crate_name: name.clone(),
            crate_version: "0.1.0".into(),
            api_key_env: None,
            regenerate_command: "cargo xtask check-specs".into(),
            layout: Layout::Standalone,
        };
        let output = generator::generate(&text, &options).map_err(|e| format!("{}: {e}", spec.display()))?;
        let dir = work.join(&name);
        generator::drift::write(&dir, &output.files, false)
            .map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
        // The workspace's lock file pins the versions already built, so nothing is resolved
        // or compiled anew for each crate.
        let _ = std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"));
        let has_test = test.is_file();
        if has_test {
            std::fs::create_dir_all(dir.join("tests/support")).map_err(|e| e.to_string())?;
            let mut text = std::fs::read_to_string(&test).map_err(|e| e.to_string())?;
            if stem(&test) == "exa-search" {
                text.push_str(&format!("\nuse {} as api;\n", name.replace('-', "_")));
            }
            std::fs::write(dir.join("tests/spec.rs"), text).map_err(|e| e.to_string())?;
            let support = root.join("xtask/spec-tests/support.rs");
            std::fs::copy(&support, dir.join("tests/support/mod.rs")).map_err(|e| e.to_string())?;
        }
        let api = generator::model_of(&text).map_err(|e| format!("{}: {e}", spec.display()))?.0;
        let round_trip = crate::roundtrip::round_trip_test(&text, &api, &name.replace('-', "_"))
            .map_err(|e| format!("{}: {e}", spec.display()))?;
        let instances = round_trip.as_ref().map_or(0, |r| r.instances);
        if let Some(rt) = &round_trip {
            std::fs::create_dir_all(dir.join("tests")).map_err(|e| e.to_string())?;
            std::fs::write(dir.join("tests/roundtrip.rs"), &rt.test).map_err(|e| e.to_string())?;
            std::fs::write(dir.join("tests/roundtrip.json"), &rt.instances_json).map_err(|e| e.to_string())?;
        }
        let lines = output
            .files
            .iter()
            .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
            .map(|f| f.contents.lines().count())
            .sum();
        eprintln!("==> {name}: {} operations, {} types, {lines} lines", output.operations, output.types);
        let mut result = cargo(&dir, &target, &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"])
            .and_then(|()| cargo(&dir, &target, &["doc", "--quiet", "--no-deps"]))
            .map(|()| "clippy and docs ok".to_owned());
        if has_test && result.is_ok() {
            result = cargo(&dir, &target, &["test", "--quiet"]).map(|()| "clippy and docs ok, tests ok".to_owned());
        } else if round_trip.is_some() && result.is_ok() {
            result = cargo(&dir, &target, &["test", "--quiet", "--test", "roundtrip"])
                .map(|()| "clippy and docs ok, round trip ok".to_owned());
        }
        let result = result.unwrap_or_else(|e| {
            failures.push(e);
            "FAILED".to_owned()
        });
        rows.push(Row {
            spec: spec.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_owned(),
            operations: output.operations,
            types: output.types,
            lines,
            warnings: output.warnings.len(),
            instances,
            result,
        });
    }
    println!("\n| spec | operations | types | generated lines | warnings | round-trip instances | result |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.spec, r.operations, r.types, r.lines, r.warnings, r.instances, r.result
        );
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}
