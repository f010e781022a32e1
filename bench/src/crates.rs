//! The compile time users pay on every change: `cargo check` and `cargo build` (debug) of
//! each generated crate alone, with its dependencies already built in a shared target
//! directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

const PROGENITOR_DEPENDENCIES: &str = r#"bytes = "1"
chrono = { version = "0.4", features = ["serde"] }
futures = "0.3"
progenitor-client = "0.15"
regress = "0.10"
# progenitor-client 0.15 is built on reqwest 0.13; no TLS backend is needed to compile.
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_urlencoded = "0.7"
uuid = { version = "1", features = ["serde", "v4"] }
"#;

/// The generators compared, in table order.
pub const GENERATORS: [&str; 3] = ["ours", "progenitor", "openapi-to-rust"];

pub struct Crate {
    pub dir: PathBuf,
    pub lines: usize,
    /// Lines that are neither blank nor only a comment (doc comments included).
    pub code_lines: usize,
    pub bytes: usize,
}

/// Lines and bytes of the Rust files among `files`, leaving out our runtime crate (under
/// `runtime/`), a dependency like progenitor's `progenitor-client`, which [`runtime_of`]
/// counts.
fn count(files: &[(PathBuf, String)]) -> (usize, usize, usize) {
    let code = |line: &str| {
        let line = line.trim();
        !line.is_empty() && !line.starts_with("//")
    };
    files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "rs") && !p.starts_with("runtime"))
        .fold((0, 0, 0), |(l, c, b), (_, text)| {
            (l + text.lines().count(), c + text.lines().filter(|l| code(l)).count(), b + text.len())
        })
}

/// The runtime crate next to one of our generated crates: compiled once, as a dependency,
/// and the same for every spec but its name.
pub fn runtime_of(ours: &Crate) -> Result<Crate, String> {
    let dir = ours.dir.join("runtime");
    let src = dir.join("src");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&src).map_err(|e| format!("{}: {e}", src.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        files.push((path.strip_prefix(&dir).unwrap_or(&path).to_path_buf(), text));
    }
    let (lines, code_lines, bytes) = count(&files);
    Ok(Crate { dir, lines, code_lines, bytes })
}

/// The floor under `c`'s compile times: a crate with `c`'s manifest and lock file (its
/// dependencies, our runtime included) and an empty `lib.rs`, in `<dir>-floor`, its package
/// renamed so that it shares no output file with `c`. Its `cargo check` is what any crate
/// with these dependencies costs: cargo's own work over the dependency graph, and starting
/// the compiler.
pub fn floor_of(c: &Crate) -> Result<Crate, String> {
    let mut name = c.dir.file_name().and_then(|n| n.to_str()).unwrap_or("crate").to_owned();
    name.push_str("-floor");
    let dir = c.dir.with_file_name(name);
    let manifest = std::fs::read_to_string(c.dir.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let mut renamed = false;
    let manifest: String = manifest
        .lines()
        .map(|line| match line.strip_prefix("name = \"") {
            Some(rest) if !renamed => {
                renamed = true;
                format!("name = \"{}-floor\"\n", rest.trim_end_matches('"'))
            }
            // Our runtime, next to the crate: the same package, built once for both.
            _ if line.contains("path = \"runtime\"") => {
                let path = c.dir.join("runtime").display().to_string();
                let quoted = path.replace('\\', "\\\\").replace('"', "\\\"");
                line.replace("path = \"runtime\"", &format!("path = \"{quoted}\"")) + "\n"
            }
            _ => format!("{line}\n"),
        })
        .collect();
    let mut files = vec![
        (PathBuf::from("Cargo.toml"), manifest),
        (PathBuf::from("src/lib.rs"), "//! Nothing: the floor under the generated crate's compile times.\n".to_owned()),
    ];
    if let Ok(lock) = std::fs::read_to_string(c.dir.join("Cargo.lock")) {
        files.push((PathBuf::from("Cargo.lock"), lock));
    }
    write(&dir, &files)
}

fn write(dir: &Path, files: &[(PathBuf, String)]) -> Result<Crate, String> {
    // A crate left from an earlier run may have files this one does not.
    let _ = std::fs::remove_dir_all(dir.join("src"));
    let _ = std::fs::remove_dir_all(dir.join("runtime/src"));
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap_or(dir)).map_err(|e| e.to_string())?;
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
    }
    let (lines, code_lines, bytes) = count(files);
    Ok(Crate { dir: dir.to_owned(), lines, code_lines, bytes })
}

fn manifest(name: &str, edition: &str, dependencies: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"{edition}\"\npublish = false\n\n\
         [dependencies]\n{dependencies}\n[workspace]\n"
    )
}

/// Generator `which`'s crate for `text`, written to `work/<which>`, its package named after
/// `slug` so that crates of different specs never share an output file; `Err` says why
/// there is none.
pub fn generate(which: &str, work: &Path, slug: &str, text: &str) -> Result<Crate, String> {
    let dir = work.join(which);
    let name = format!("{which}-{slug}");
    match which {
        "ours" => {
            let options = generator::Options {
                crate_name: name,
                crate_version: "0.1.0".into(),
                api_key_env: None,
                regenerate_command: "cargo xtask bench".into(),
                layout: generator::Layout::Standalone,
                ref_root: None,
            };
            let quiet = std::panic::take_hook();
            std::panic::set_hook(Box::new(|_| {}));
            let out = std::panic::catch_unwind(|| generator::generate(text, &options));
            std::panic::set_hook(quiet);
            let out = out.map_err(|_| "our generator panicked".to_owned())?.map_err(|e| e.to_string())?;
            let files: Vec<(PathBuf, String)> = out.files.into_iter().map(|f| (f.path, f.contents)).collect();
            write(&dir, &files)
        }
        "progenitor" => {
            let source = crate::progenitor::generate(&crate::progenitor::normalised(text)?)?;
            let files = vec![
                (PathBuf::from("Cargo.toml"), manifest(&name, "2021", PROGENITOR_DEPENDENCIES)),
                (PathBuf::from("src/lib.rs"), format!("#![allow(warnings)]\n{source}")),
            ];
            write(&dir, &files)
        }
        _ => {
            let out = crate::otr::generate(text)?;
            let mut files = out.files;
            // The tool is edition 2024 and so may be the code it writes.
            files.push((PathBuf::from("Cargo.toml"), manifest(&name, "2024", &(out.dependencies.join("\n") + "\n"))));
            write(&dir, &files)
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Check,
    Build,
}

/// Makes every source file of the crate newer than its last compile, as an edit would.
pub fn touch(c: &Crate) -> Result<(), String> {
    fn walk(dir: &Path, now: SystemTime) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, now)?;
            } else {
                std::fs::File::options().write(true).open(&path)?.set_modified(now)?;
            }
        }
        Ok(())
    }
    // Modification times may be coarse: let the clock move past the last compile.
    std::thread::sleep(Duration::from_millis(20));
    walk(&c.dir.join("src"), SystemTime::now()).map_err(|e| e.to_string())
}

/// Wall time of one `cargo check` or `cargo build` of the crate, at most `limit`; `Err` says
/// why there is none ("does not compile (N errors)", "timed out").
pub fn cargo(c: &Crate, mode: Mode, target: &Path, limit: Duration) -> Result<Duration, String> {
    use std::os::unix::process::CommandExt;
    let log = c.dir.join(if mode == Mode::Check { "check.log" } else { "build.log" });
    let stderr = std::fs::File::create(&log).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let mut child = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([if mode == Mode::Check { "check" } else { "build" }, "--quiet", "--message-format=short"])
        .current_dir(&c.dir)
        // Both the final and the intermediate artifacts here: a build directory shared with
        // other builds would make these runs wait for its lock.
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_BUILD_BUILD_DIR", target)
        // Touched but unchanged sources would let incremental compilation reuse everything:
        // without it each run compiles the whole crate, as after a regeneration.
        .env("CARGO_INCREMENTAL", "0")
        .stdout(Stdio::null())
        .stderr(stderr)
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if start.elapsed() > limit {
            // The whole group: cargo and the rustc processes it started.
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
            let _ = child.wait();
            return Err(format!("timed out (over {} s)", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    if !status.success() {
        let stderr = std::fs::read_to_string(&log).unwrap_or_default();
        let errors = stderr.lines().filter(|l| l.contains(": error")).count();
        return Err(format!("does not compile ({errors} errors)"));
    }
    Ok(elapsed)
}
