//! The compile time users pay on every change: `cargo check` of each generated crate alone,
//! with its dependencies already built in a shared target directory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const PROGENITOR_MANIFEST: &str = r#"[package]
name = "progenitor-output"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
bytes = "1"
chrono = { version = "0.4", features = ["serde"] }
futures = "0.3"
progenitor-client = "0.15"
regress = "0.10"
# progenitor-client 0.15 is built on reqwest 0.13; no TLS backend is needed to type-check.
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_urlencoded = "0.7"
uuid = { version = "1", features = ["serde", "v4"] }

[workspace]
"#;

pub struct Crate {
    pub dir: PathBuf,
    pub lines: usize,
    pub bytes: usize,
}

fn count(files: &[(PathBuf, String)]) -> (usize, usize) {
    files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "rs"))
        .fold((0, 0), |(l, b), (_, text)| (l + text.lines().count(), b + text.len()))
}

fn write(dir: &Path, files: &[(PathBuf, String)]) -> Result<(), String> {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap_or(dir)).map_err(|e| e.to_string())?;
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Our crate for `text`, written under `work`.
pub fn ours(work: &Path, text: &str) -> Result<Crate, String> {
    let options = generator::Options {
        crate_name: "ours-output".into(),
        crate_version: "0.1.0".into(),
        api_key_env: None,
        regenerate_command: "cargo xtask bench".into(),
        layout: generator::Layout::Standalone,
        ref_root: None,
    };
    let out = generator::generate(text, &options).map_err(|e| e.to_string())?;
    let files: Vec<(PathBuf, String)> = out.files.into_iter().map(|f| (f.path, f.contents)).collect();
    let dir = work.join("ours");
    write(&dir, &files)?;
    let (lines, bytes) = count(&files);
    Ok(Crate { dir, lines, bytes })
}

/// progenitor's crate for the same text.
pub fn progenitor(work: &Path, text: &str) -> Result<Crate, String> {
    let source = crate::progenitor::generate(&crate::progenitor::normalised(text)?)?;
    let files = vec![
        (PathBuf::from("Cargo.toml"), PROGENITOR_MANIFEST.to_owned()),
        (PathBuf::from("src/lib.rs"), format!("#![allow(warnings)]\n{source}")),
    ];
    let dir = work.join("progenitor");
    write(&dir, &files)?;
    let (lines, bytes) = count(&files[1..]);
    Ok(Crate { dir, lines, bytes })
}

fn cargo_check(dir: &Path, target: &Path) -> Result<Duration, String> {
    let start = Instant::now();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--message-format=short"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let elapsed = start.elapsed();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let errors = stderr.lines().filter(|l| l.contains(": error")).count();
        return Err(format!("does not compile ({errors} errors)"));
    }
    Ok(elapsed)
}

/// Median `cargo check` time of the crate's own code over `runs` edits; `Err` says why
/// there is none (the crate does not compile).
pub fn check_time(c: &Crate, target: &Path, runs: usize) -> Result<Duration, String> {
    cargo_check(&c.dir, target)?; // dependencies
    let lib = c.dir.join("src/lib.rs");
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        // An edit: cargo compares modification times, so rewriting the file is enough.
        let text = std::fs::read_to_string(&lib).map_err(|e| e.to_string())?;
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&lib, text).map_err(|e| e.to_string())?;
        times.push(cargo_check(&c.dir, target)?);
    }
    times.sort();
    Ok(times[times.len() / 2])
}
