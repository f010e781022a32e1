//! What `cargo xtask` and the repository's own tests share: where the in-repository spec
//! and client live, and the options they are generated with.

use std::path::{Path, PathBuf};

use generator::{Layout, Options};

pub mod bench;
pub mod check_specs;
pub mod fuzz;
pub mod roundtrip;

/// The spec the checked-in client is generated from, relative to the repository root.
pub const REPO_SPEC: &str = "spec/websets.yaml";
/// The checked-in client crate, relative to the repository root.
pub const REPO_CRATE_DIR: &str = "generated-client";
pub const REPO_CRATE_NAME: &str = "exa-websets";
pub const REPO_API_KEY_ENV: &str = "EXA_API_KEY";
/// Exit status for a bug in the generator (1 is a spec it cannot read, or drift).
pub const EXIT_INTERNAL: i32 = 70;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(".."))
}

/// The options `cargo xtask codegen` uses for the checked-in client.
pub fn repo_options() -> Options {
    Options {
        crate_name: REPO_CRATE_NAME.into(),
        crate_version: "0.1.0".into(),
        api_key_env: Some(REPO_API_KEY_ENV.into()),
        regenerate_command: "cargo xtask codegen".into(),
        layout: Layout::WorkspaceMember,
        ref_root: None,
    }
}

/// The shared, read-only material next to the repository (`../shared`, or `$EXA_SHARED_DIR`).
/// `None`, after printing a notice, when it is absent; a panic instead when
/// `REQUIRE_SHARED` is set, as CI does, so that tests depending on it cannot quietly skip.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("EXA_SHARED_DIR").map(PathBuf::from).unwrap_or_else(|| repo_root().join("../shared"));
    if dir.join("specs/exa-websets").is_dir() {
        return Some(dir);
    }
    if std::env::var_os("REQUIRE_SHARED").is_some() {
        panic!("the shared material is missing at {} and REQUIRE_SHARED is set", dir.display());
    }
    eprintln!("skipped: no shared material at {} (set EXA_SHARED_DIR to point at it)", dir.display());
    None
}

/// Exa's published Websets specs in the shared material, oldest first.
pub fn exa_specs(shared: &Path) -> Vec<PathBuf> {
    specs_in(&shared.join("specs/exa-websets"))
}

/// Exa's published Search specs in the shared material (which stream answers), oldest first.
pub fn exa_search_specs(shared: &Path) -> Vec<PathBuf> {
    specs_in(&shared.join("specs/exa-search"))
}

fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "yaml")).collect()
        })
        .unwrap_or_default();
    specs.sort();
    specs
}
