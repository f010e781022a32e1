//! `cargo xtask fuzz [--minutes N]`: runs the libFuzzer target in `fuzz/` over the whole
//! pipeline, seeded with the fixture specs and Exa's published specs.
//!
//! cargo-fuzz needs a nightly toolchain (for the sanitizer flags); it is installed from
//! crates.io on first use. CI runs on stable and relies on the property tests instead.

use std::path::Path;
use std::process::Command;

use crate::{exa_specs, repo_root, shared_dir};

fn run(cmd: &mut Command) -> Result<(), String> {
    let status = cmd.status().map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed ({status})"))
    }
}

fn seed(corpus: &Path, root: &Path) -> Result<usize, String> {
    std::fs::create_dir_all(corpus).map_err(|e| e.to_string())?;
    let mut seeds: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("generator/tests/fixtures"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    if let Some(shared) = shared_dir() {
        seeds.extend(exa_specs(&shared));
    }
    seeds.push(root.join("spec/websets.yaml"));
    for s in &seeds {
        let name = format!("seed-{}", s.file_name().and_then(|n| n.to_str()).unwrap_or("spec"));
        std::fs::copy(s, corpus.join(name)).map_err(|e| format!("cannot copy {}: {e}", s.display()))?;
    }
    Ok(seeds.len())
}

pub fn fuzz(args: &[String]) -> Result<(), String> {
    let minutes: u64 = match args {
        [] => 5,
        [flag, n] if flag == "--minutes" => n.parse().map_err(|_| format!("--minutes takes a number, not {n:?}"))?,
        _ => return Err("usage: cargo xtask fuzz [--minutes N]".into()),
    };
    let root = repo_root();
    let have_cargo_fuzz = Command::new("cargo").args(["fuzz", "--version"]).output().is_ok_and(|o| o.status.success());
    if !have_cargo_fuzz {
        eprintln!("installing cargo-fuzz from crates.io");
        run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let corpus = root.join("target/fuzz-corpus/generate");
    let seeds = seed(&corpus, &root)?;
    eprintln!("fuzzing for {minutes} minute(s) with {seeds} seed specs in {}", corpus.display());
    run(Command::new("cargo")
        .current_dir(&root)
        .args(["+nightly", "fuzz", "run", "--fuzz-dir", "fuzz", "generate"])
        .arg(&corpus)
        .args([
            "--",
            &format!("-max_total_time={}", minutes * 60),
            "-timeout=10",
            "-rss_limit_mb=4096",
            "-max_len=300000",
            "-print_final_stats=1",
        ]))
}
