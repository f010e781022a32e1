//! `cargo xtask check-specs`: every spec we claim to read must give a crate that builds.
//!
//! Generates a standalone crate from each fixture spec, each of Exa's published specs and the
//! vendor documents of the shared corpus (`../shared/specs/corpus/`), runs
//! `cargo clippy --all-targets -D warnings` and `cargo doc` (warnings denied) on each, runs the
//! hand-written tests in `xtask/spec-tests/` for the specs that have one and the round-trip test
//! of every type (see [`crate::roundtrip`]) for fixtures and Exa specs, and prints a table.
//!
//! A spec's test is `xtask/spec-tests/<file stem>.rs` (`basics.rs`, `2025-06-03.rs`), or for
//! every version of Exa's Search API `exa-search.rs`, which names the crate `api`: the copy
//! gets a `use <crate> as api;` line.
//!
//! Corpus documents: `--corpus ci` (the default, what CI runs) takes a fixed, representative
//! subset that keeps the run short; `--corpus all` takes every one (large vendor specs take
//! minutes each on two cores); `--corpus none` skips them. A corpus document the generator
//! refuses is listed with its message; it is a failure unless it is in `INVALID`, the
//! documents the OpenAPI specification does not allow. A crash (a bug in the generator) or a
//! crate that does not pass is always a failure.
//!
//! All crates build in one target directory with the workspace's lock file, so dependencies
//! are compiled once.

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::{Layout, Options};

use crate::{exa_search_specs, exa_specs, repo_root, shared_dir};

/// Corpus documents (file names) that the OpenAPI specification does not allow. The generator
/// may refuse them (it accepts each with warnings today); the table lists them either way.
const INVALID: [&str; 5] = [
    // 3.0 operations without `responses`.
    "fromParameter.yaml",
    "issue_3248.yaml",
    // `discriminator` written as a string.
    "type_alias.yaml",
    // `components: {headers: }` (null).
    "test_regex.yaml",
    // Server variable `enum` of numbers.
    "petstore-with-fake-endpoints-models-for-testing-with-http-signature.yaml",
];

/// The corpus documents CI checks: every kind of failure the corpus once showed (non-ASCII
/// text, missing `responses`, joined query lists of non-strings, string discriminators, null
/// sections, numeric server variables, unsupported security schemes), 3.0 and 3.1, small to
/// mid-size, from several vendors and tools. Sized to add a few minutes to CI on two cores.
const CI_SUBSET: [&str; 16] = [
    "geodatasource.com_1.0_openapi.yaml",
    "pdfgeneratorapi.com_3.1.1_openapi.yaml",
    "tomtom.com_maps_1.0.0_openapi.yaml",
    "vonage.com_account_1.11.8_openapi.yaml",
    "amazonaws.com_AWSMigrationHub_2017-05-31_openapi.yaml",
    "bbci.co.uk_1.0_openapi.yaml",
    "datumbox.com_1.0_openapi.yaml",
    "fromParameter.yaml",
    "issue_5436.yml",
    "type_alias.yaml",
    "test_regex.yaml",
    "petstore-with-object-as-parameter.yaml",
    "petstore-with-fake-endpoints-models-for-testing-with-http-signature.yaml",
    "oneOfDiscriminator.yaml",
    "schema-with-special-characters.yaml",
    "allOf_composition.yaml",
];

/// Which corpus documents to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corpus {
    None,
    Ci,
    All,
}

struct Input {
    name: String,
    spec: PathBuf,
    /// A corpus document: no spec test or round trip, and refusing it may be right.
    corpus: bool,
    /// Its hand-written test, if it has one.
    test: Option<PathBuf>,
}

struct Row {
    spec: String,
    operations: usize,
    types: usize,
    lines: usize,
    warnings: usize,
    instances: usize,
    result: String,
    seconds: u64,
}

impl std::str::FromStr for Corpus {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        match value {
            "none" => Ok(Corpus::None),
            "ci" => Ok(Corpus::Ci),
            "all" => Ok(Corpus::All),
            other => Err(format!("--corpus takes none, ci or all, not `{other}`")),
        }
    }
}

/// Corpus documents in `shared`, sorted by folder and name.
pub fn corpus_specs(shared: &Path) -> Vec<PathBuf> {
    let mut specs = Vec::new();
    let Ok(dirs) = std::fs::read_dir(shared.join("specs/corpus")) else { return specs };
    for dir in dirs.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()) {
        if let Ok(files) = std::fs::read_dir(&dir) {
            specs.extend(
                files
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json")),
            );
        }
    }
    specs.sort();
    specs
}

fn inputs(root: &Path, corpus: Corpus) -> Vec<Input> {
    let tests = root.join("xtask/spec-tests");
    let test = |name: &str| Some(tests.join(format!("{name}.rs"))).filter(|t| t.is_file());
    let mut inputs = Vec::new();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("generator/tests/fixtures"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    fixtures.sort();
    for f in fixtures {
        inputs.push(Input { name: format!("fixture-{}", stem(&f)), test: test(&stem(&f)), spec: f, corpus: false });
    }
    let Some(shared) = shared_dir() else { return inputs };
    for spec in exa_specs(&shared) {
        inputs.push(Input {
            name: format!("exa-websets-{}", stem(&spec)),
            test: test(&stem(&spec)),
            spec,
            corpus: false,
        });
    }
    for spec in exa_search_specs(&shared) {
        inputs.push(Input {
            name: format!("exa-search-{}", stem(&spec)),
            test: test("exa-search"),
            spec,
            corpus: false,
        });
    }
    for spec in corpus_specs(&shared) {
        let chosen = match corpus {
            Corpus::None => false,
            Corpus::Ci => CI_SUBSET.contains(&file_name(&spec)),
            Corpus::All => true,
        };
        if chosen {
            inputs.push(Input { name: corpus_crate_name(&spec), spec, corpus: true, test: None });
        }
    }
    inputs
}

/// A crate name for a corpus document: `corpus-` and its file stem, cleaned and shortened.
fn corpus_crate_name(spec: &Path) -> String {
    let cleaned: String =
        stem(spec).chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let short: String = cleaned.chars().take(48).collect();
    format!("corpus-{}", short.trim_matches('-'))
}

fn stem(p: &Path) -> String {
    p.file_stem().and_then(|s| s.to_str()).unwrap_or("spec").to_owned()
}

fn file_name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("?")
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

/// Checks every fixture and Exa spec, and the corpus documents `corpus` names; with `only`,
/// just the crates whose name contains it.
pub fn run(corpus: Corpus, only: Option<&str>) -> Result<(), String> {
    let root = repo_root();
    // The crates are written into, and built in, the target dir cargo uses for this
    // workspace, so their dependencies are built once for all of them.
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), std::path::PathBuf::from);
    let work = target.join("spec-check");
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for input in inputs(&root, corpus) {
        if only.is_some_and(|only| !input.name.contains(only)) {
            continue;
        }
        let started = std::time::Instant::now();
        match check(&root, &work, &target, &input)? {
            Ok(mut row) => {
                row.seconds = started.elapsed().as_secs();
                if row.result.starts_with("FAILED") {
                    failures.push(format!("{}: {}", input.spec.display(), row.result));
                }
                rows.push(row);
            }
            Err(refused) => {
                let invalid = INVALID.contains(&file_name(&input.spec));
                eprintln!("==> {}: refused: {refused}", input.name);
                if !invalid {
                    failures.push(format!(
                        "{}: refused a document the specification allows: {refused}",
                        input.spec.display()
                    ));
                }
                let kind = if invalid { "refused (invalid document)" } else { "FAILED: refused" };
                rows.push(Row {
                    spec: file_name(&input.spec).to_owned(),
                    operations: 0,
                    types: 0,
                    lines: 0,
                    warnings: 0,
                    instances: 0,
                    result: format!("{kind}: {}", refused.replace('|', "\\|")),
                    seconds: started.elapsed().as_secs(),
                });
            }
        }
    }
    println!("\n| spec | operations | types | generated lines (without the runtime) | warnings | round-trip instances | result | seconds |");
    println!("|---|---:|---:|---:|---:|---:|---|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.spec, r.operations, r.types, r.lines, r.warnings, r.instances, r.result, r.seconds
        );
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// Generates, writes and checks one input's crate. The outer error stops the whole run; the
/// inner one is a corpus document the generator refused (a spec error, not a crash).
fn check(root: &Path, work: &Path, target: &Path, input: &Input) -> Result<Result<Row, String>, String> {
    let Input { name, spec, corpus, test } = input;
    let options = Options {
        crate_name: name.clone(),
        crate_version: "0.1.0".into(),
        api_key_env: None,
        regenerate_command: "cargo xtask check-specs".into(),
        layout: Layout::Standalone,
        ref_root: None,
    };
    let output = match generator::generate_file(spec, &options) {
        Ok(output) => output,
        Err(e) if *corpus && !e.is_internal() => return Ok(Err(e.to_string())),
        Err(e) => return Err(format!("{}: {e}", spec.display())),
    };
    let dir = work.join(name);
    generator::drift::write(&dir, &output.files, false).map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
    // The workspace's lock file pins the versions already built, so nothing is resolved
    // or compiled anew for each crate.
    let _ = std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"));
    if let Some(test) = test {
        std::fs::create_dir_all(dir.join("tests/support")).map_err(|e| e.to_string())?;
        let mut text = std::fs::read_to_string(test).map_err(|e| e.to_string())?;
        if stem(test) == "exa-search" {
            text.push_str(&format!("\nuse {} as api;\n", name.replace('-', "_")));
        }
        std::fs::write(dir.join("tests/spec.rs"), text).map_err(|e| e.to_string())?;
        let support = root.join("xtask/spec-tests/support.rs");
        std::fs::copy(&support, dir.join("tests/support/mod.rs")).map_err(|e| e.to_string())?;
    }
    let round_trip = if *corpus { None } else { write_round_trip(spec, name, &dir)? };
    let lines = output
        .files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "rs") && f.path.starts_with("src"))
        .map(|f| f.contents.lines().count())
        .sum();
    eprintln!("==> {name}: {} operations, {} types, {lines} lines", output.operations, output.types);
    let mut result = cargo(&dir, target, &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"])
        .and_then(|()| cargo(&dir, target, &["doc", "--quiet", "--no-deps"]))
        .map(|()| "clippy and docs ok".to_owned());
    if test.is_some() && result.is_ok() {
        result = cargo(&dir, target, &["test", "--quiet"]).map(|()| "clippy and docs ok, tests ok".to_owned());
    } else if round_trip.is_some() && result.is_ok() {
        result = cargo(&dir, target, &["test", "--quiet", "--test", "roundtrip"])
            .map(|()| "clippy and docs ok, round trip ok".to_owned());
    }
    Ok(Ok(Row {
        spec: file_name(spec).to_owned(),
        operations: output.operations,
        types: output.types,
        lines,
        warnings: output.warnings.len(),
        instances: round_trip.unwrap_or(0),
        result: result.unwrap_or_else(|e| format!("FAILED: {e}")),
        seconds: 0,
    }))
}

/// Writes the round-trip test of every type into the crate at `dir`; the number of instances,
/// or `None` for a spec without types.
fn write_round_trip(spec: &Path, name: &str, dir: &Path) -> Result<Option<usize>, String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let api = generator::model_of(&text).map_err(|e| format!("{}: {e}", spec.display()))?.0;
    let Some(rt) = crate::roundtrip::round_trip_test(&text, &api, &name.replace('-', "_"))
        .map_err(|e| format!("{}: {e}", spec.display()))?
    else {
        return Ok(None);
    };
    std::fs::create_dir_all(dir.join("tests")).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("tests/roundtrip.rs"), &rt.test).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("tests/roundtrip.json"), &rt.instances_json).map_err(|e| e.to_string())?;
    Ok(Some(rt.instances))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_choices_read_from_their_names() {
        assert_eq!("ci".parse::<Corpus>().unwrap(), Corpus::Ci);
        assert_eq!("all".parse::<Corpus>().unwrap(), Corpus::All);
        assert_eq!("none".parse::<Corpus>().unwrap(), Corpus::None);
        assert!("some".parse::<Corpus>().is_err());
    }

    #[test]
    fn the_ci_subset_and_invalid_list_name_corpus_documents() {
        let Some(shared) = shared_dir() else { return };
        let names: Vec<String> = corpus_specs(&shared).iter().map(|p| file_name(p).to_owned()).collect();
        for listed in CI_SUBSET.iter().chain(INVALID.iter()) {
            assert!(names.iter().any(|n| n == listed), "{listed} is not in the corpus");
        }
        assert!(names.len() >= 50, "{names:?}");
    }

    #[test]
    fn corpus_crate_names_are_valid() {
        let name =
            corpus_crate_name(Path::new("x/petstore-with-fake-endpoints-models-for-testing-with-http-signature.yaml"));
        assert!(name.len() <= 64 && name.starts_with("corpus-") && !name.ends_with('-'), "{name}");
        assert_eq!(corpus_crate_name(Path::new("bunq.com_1.0_openapi.yaml")), "corpus-bunq-com-1-0-openapi");
    }
}
