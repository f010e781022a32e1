//! `cargo xtask bench [--smoke]`: runs the `bench` crate and, for a full run, records the
//! table in BENCHMARKS.md with the machine it ran on.

use std::process::Command;

use crate::repo_root;

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|kb| kb.parse::<u64>().ok()))
        .map(|kb| format!("{:.0} GiB", kb as f64 / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown memory".into());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    format!("{cpu}, {cores} cores, {memory}; {}", rustc.unwrap_or_default())
}

pub fn bench(args: &[String]) -> Result<(), String> {
    let smoke = match args {
        [] => false,
        [flag] if flag == "--smoke" => true,
        _ => return Err("usage: cargo xtask bench [--smoke]".into()),
    };
    let root = repo_root();
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    // The bench crate is outside the workspace (see its Cargo.toml); it shares the target dir.
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), std::path::PathBuf::from);
    cmd.current_dir(&root).env("CARGO_TARGET_DIR", target).args([
        "run",
        "--quiet",
        "--manifest-path",
        "bench/Cargo.toml",
    ]);
    if smoke {
        cmd.args(["--", "--smoke"]);
    } else {
        cmd.args(["--release", "--"]);
    }
    // Progress goes to stderr as it happens (a full run takes a while); the table is stdout.
    let output = cmd.stderr(std::process::Stdio::inherit()).output().map_err(|e| format!("cannot run cargo: {e}"))?;
    let table = String::from_utf8_lossy(&output.stdout).into_owned();
    print!("{table}");
    if !output.status.success() {
        return Err("the benchmarks failed".into());
    }
    if !smoke {
        let date = Command::new("date").arg("-u").arg("+%Y-%m-%d").output().ok();
        let date = date.map(|d| String::from_utf8_lossy(&d.stdout).trim().to_owned()).unwrap_or_default();
        let text = format!(
            "# Benchmarks\n\n\
             Every number below is measured against its baseline in the same run; compare ratios, not\n\
             absolute times, across runs and machines. Reproduce with:\n\n\
             ```sh\ncargo xtask bench\n```\n\n\
             (`cargo xtask bench --smoke` runs each benchmark once, and compiles only `spec/`'s crates,\n\
             with `cargo check`; CI runs that.)\n\n\
             Reading the tables: our generated crates depend on a runtime crate (client configuration,\n\
             retries, errors, paging) that the generator writes next to each, as progenitor's depend on\n\
             `progenitor-client` and openapi-to-rust's on `reqwest-middleware`; section 2 gives its size\n\
             and compile time apart. Generation time includes writing it out. The peers are the\n\
             benchmark's only: progenitor and openapi-to-rust are libraries of the `bench` crate, which\n\
             the workspace's tests do not build.\n\n\
             Last run: {date}, on {}.\n{table}",
            machine()
        );
        std::fs::write(root.join("BENCHMARKS.md"), text).map_err(|e| format!("cannot write BENCHMARKS.md: {e}"))?;
        eprintln!("wrote BENCHMARKS.md");
    }
    Ok(())
}
