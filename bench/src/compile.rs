//! Section 2: the generated code of each generator, and the compile time of its crate alone.
//!
//! Per spec, every generator gets the same text, so that lines and times compare the same
//! API: the operations progenitor accepts, or the whole spec when it accepts all of them or
//! fewer than half (a remnant would compare little of the spec).
//! Each crate is checked and built once to build its dependencies (untimed), then, `runs`
//! times, its sources are touched and `cargo check` timed, touched again and `cargo build`
//! timed; the generators take turns within each repetition, in an order that rotates, and
//! the medians are reported.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::crates::{self, Crate, Mode, GENERATORS};
use crate::timing::ratio;
use crate::Settings;

/// Longest a single timed `cargo check` or `cargo build` of one crate may take.
const LIMIT: Duration = Duration::from_secs(600);
/// Repetitions of a full run: at most `RUNS`, and no more than `MIN_RUNS` once the next one
/// would take the timed runs past `BUDGET`.
const RUNS: usize = 5;
const MIN_RUNS: usize = 3;
const BUDGET: Duration = Duration::from_secs(25 * 60);

/// The `n` largest documents under `dir`, largest first.
fn largest(dir: &Path, n: usize) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<(u64, PathBuf)>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json") {
                out.push((entry.metadata().map(|m| m.len()).unwrap_or(0), path));
            }
        }
    }
    let mut found = Vec::new();
    walk(dir, &mut found);
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found.into_iter().take(n).map(|(_, p)| p).collect()
}

/// The specs compiled: the newest Exa spec, `spec/`, and the three largest documents of the
/// shared corpus; `spec/` alone for `--smoke`.
fn specs(s: &Settings) -> Vec<(String, PathBuf)> {
    let mut specs = Vec::new();
    let shared = s.shared.as_ref().filter(|_| !s.smoke);
    if let Some(newest) = shared.and_then(|d| xtask::exa_specs(d).last().cloned()) {
        specs.push((format!("Exa {}", newest.file_stem().and_then(|n| n.to_str()).unwrap_or("?")), newest));
    }
    specs.push((xtask::REPO_SPEC.to_owned(), s.root.join(xtask::REPO_SPEC)));
    for path in shared.map(|d| largest(&d.join("specs/corpus"), 3)).unwrap_or_default() {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        specs.push((name.trim_end_matches(".yaml").trim_end_matches("_openapi").to_owned(), path));
    }
    specs
}

fn slug(name: &str) -> String {
    let mut slug: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    while slug.contains("--") {
        slug = slug.replace("--", "-");
    }
    slug.trim_matches('-').to_owned()
}

/// Timings of one crate in one mode: the runs so far, or why there are none.
type Times = Result<Vec<Duration>, String>;

/// Our runtime crate, as a dependency of `spec/`'s crate: its size and compile times.
struct Runtime {
    krate: Crate,
    check: Times,
    build: Times,
}

struct Measured {
    name: String,
    operations: String,
    crates: Vec<Result<Crate, String>>,
    check: Vec<Times>,
    build: Vec<Times>,
    /// Per generator whose crate compiles, the floor under its times ([`crates::floor_of`]),
    /// and its times.
    floors: Vec<Option<Crate>>,
    floor_check: Vec<Times>,
    floor_build: Vec<Times>,
}

fn median(times: &Times) -> Result<Duration, String> {
    match times {
        Ok(t) if !t.is_empty() => {
            let mut t = t.clone();
            t.sort();
            Ok(t[t.len() / 2])
        }
        Ok(_) => Err("not measured".into()),
        Err(e) => Err(e.clone()),
    }
}

fn secs(d: &Result<Duration, String>) -> String {
    match d {
        Ok(d) if d.as_secs_f64() < 10.0 => format!("{:.2} s", d.as_secs_f64()),
        Ok(d) => format!("{:.1} s", d.as_secs_f64()),
        Err(e) => e.clone(),
    }
}

/// One timed run, appended to `times` (which becomes the reason when there is none).
fn time(c: &Crate, mode: Mode, target: &Path, times: &mut Times) {
    if let Ok(runs) = times {
        match crates::touch(c).and_then(|()| crates::cargo(c, mode, target, LIMIT)) {
            Ok(t) => runs.push(t),
            Err(e) => *times = Err(e),
        }
    }
}

/// The measurements, our runtime's, and how many repetitions they are the medians of.
fn measure(s: &Settings) -> Result<(Vec<Measured>, Option<Runtime>, usize), String> {
    let runs = if s.smoke { 1 } else { RUNS };
    let target = s.root.join("target/bench-target");
    let mut all = Vec::new();
    let mut runtime = None;
    for (name, path) in specs(s) {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("[compile] {name}: generating");
        let (subset, operations) = match crate::progenitor::accepted_subset(&text) {
            Ok((subset, accepted, total)) if accepted == total => (subset, format!("all {total}")),
            Ok((subset, accepted, total)) if 2 * accepted >= total => (subset, format!("{accepted} of {total}")),
            // A remnant would compare little of the spec: all get the whole of it.
            Ok((_, accepted, total)) => {
                (text.clone(), format!("all {total}; progenitor accepts {accepted} alone, so it gets all too"))
            }
            // Our reading of it fails: every generator gets the whole spec.
            Err(e) => (text.clone(), format!("whole spec; {e}")),
        };
        let work = s.root.join("target/bench").join(slug(&name));
        let crates: Vec<Result<Crate, String>> =
            GENERATORS.iter().map(|g| crates::generate(g, &work, &slug(&name), &subset)).collect();
        for (g, c) in GENERATORS.iter().zip(&crates) {
            match c {
                Ok(c) => {
                    eprintln!("[compile] {name}: {g}: {} lines ({} of code), {} bytes", c.lines, c.code_lines, c.bytes)
                }
                Err(e) => eprintln!("[compile] {name}: {g} fails to generate: {}", e.lines().next().unwrap_or("")),
            }
        }
        let mut check = Vec::new();
        let mut build = Vec::new();
        let (mut floors, mut floor_check, mut floor_build) = (Vec::new(), Vec::new(), Vec::new());
        for (g, c) in GENERATORS.iter().zip(&crates) {
            // Dependencies (untimed), and whether the crate compiles at all; smoke checks once.
            let status = |mode, limit| match c {
                Ok(c) => crates::cargo(c, mode, &target, limit).map(|_| Vec::new()),
                Err(e) => Err(format!("fails to generate: {}", e.lines().next().unwrap_or(""))),
            };
            eprintln!("[compile] {name}: building the dependencies of {g}'s crate");
            let checked: Times = status(Mode::Check, LIMIT * 3);
            let built: Times = match (&checked, s.smoke) {
                (_, true) => Err("not measured (smoke)".into()),
                (Ok(_), false) => status(Mode::Build, LIMIT * 3),
                (Err(e), false) => Err(e.clone()),
            };
            // The floor, once the crate has compiled (and so has a lock file to copy).
            let floor = match (c, &checked) {
                (Ok(c), Ok(_)) => {
                    crates::floor_of(c).map_err(|e| eprintln!("[compile] {name}: no floor under {g}'s crate: {e}")).ok()
                }
                _ => None,
            };
            let floor_status = |mode| match &floor {
                Some(f) => crates::cargo(f, mode, &target, LIMIT).map(|_| Vec::new()),
                None => Err("no floor".to_owned()),
            };
            floor_check.push(floor_status(Mode::Check));
            floor_build.push(if s.smoke { Err("not measured (smoke)".into()) } else { floor_status(Mode::Build) });
            floors.push(floor);
            check.push(checked);
            build.push(built);
        }
        if name == xtask::REPO_SPEC {
            if let Some(Ok(ours)) = crates.first() {
                let krate = crates::runtime_of(ours)?;
                runtime = Some(Runtime { krate, check: Ok(Vec::new()), build: Ok(Vec::new()) });
            }
        }
        all.push(Measured { name, operations, crates, check, build, floors, floor_check, floor_build });
    }
    let started = std::time::Instant::now();
    let mut done = 0;
    for run in 0..runs {
        let per_run = started.elapsed() / run.max(1) as u32;
        if run >= MIN_RUNS && started.elapsed() + per_run > BUDGET {
            eprintln!("[compile] stopping after {run} repetitions ({:.0?} each)", per_run);
            break;
        }
        eprintln!("[compile] repetition {} of {runs} ({:.0?} so far)", run + 1, started.elapsed());
        done += 1;
        for m in &mut all {
            for k in 0..GENERATORS.len() {
                let i = (k + run) % GENERATORS.len();
                if let Ok(c) = &m.crates[i] {
                    time(c, Mode::Check, &target, &mut m.check[i]);
                    time(c, Mode::Build, &target, &mut m.build[i]);
                }
                if let Some(f) = &m.floors[i] {
                    time(f, Mode::Check, &target, &mut m.floor_check[i]);
                    time(f, Mode::Build, &target, &mut m.floor_build[i]);
                }
            }
        }
        if let Some(r) = &mut runtime {
            time(&r.krate, Mode::Check, &target, &mut r.check);
            time(&r.krate, Mode::Build, &target, &mut r.build);
            // Touched for the build, the runtime's check output is now stale: check it again,
            // untimed, or the next `cargo check` of spec/'s crate would check it too.
            if let Err(e) = crates::cargo(&r.krate, Mode::Check, &target, LIMIT) {
                r.check = Err(e);
            }
            // The floor under spec/'s crate depends on that runtime too, but from outside its
            // workspace, so with outputs of its own: bring them up to date as well, untimed.
            if let Some(floor) = all.iter().find(|m| m.name == xtask::REPO_SPEC).and_then(|m| m.floors[0].as_ref()) {
                for mode in [Mode::Check, Mode::Build] {
                    if let Err(e) = crates::cargo(floor, mode, &target, LIMIT) {
                        eprintln!("[compile] the floor under spec/'s crate: {e}");
                    }
                }
            }
        }
    }
    Ok((all, runtime, done))
}

/// The fastest peer whose crate compiles, for one mode: its name and median.
fn fastest(times: &[Times]) -> Option<(&'static str, Duration)> {
    (1..GENERATORS.len()).filter_map(|i| median(&times[i]).ok().map(|d| (GENERATORS[i], d))).min_by_key(|(_, d)| *d)
}

fn ratio_of(ours: &Result<Duration, String>, theirs: &Result<Duration, String>) -> String {
    match (ours, theirs) {
        (Ok(a), Ok(b)) => ratio(a.as_secs_f64(), b.as_secs_f64()),
        _ => "n/a".into(),
    }
}

pub fn section(s: &Settings, out: &mut String) -> Result<(), String> {
    let (all, runtime, runs) = measure(s)?;
    out.push_str(&format!(
        "\n## 2. Generated code, and compiling the generated crate alone (dependencies built), median of {runs}\n\n"
    ));
    out.push_str(
        "Every generator gets the same text per spec: the operations progenitor accepts, or the whole spec \
         when it accepts fewer than half. \
         Times are wall times of `cargo check` and of `cargo build` (debug) in the crate after touching its \
         sources, with incremental compilation off so that each run compiles the whole crate, as after a \
         regeneration; ratios are ours / that generator's (below 1: ours is smaller or faster).\n\n",
    );
    if let Some(r) = &runtime {
        out.push_str(&format!(
            "Our crates depend on a runtime crate that the generator writes next to each (`runtime/`, the same \
             for every spec), as progenitor's depend on `progenitor-client` and openapi-to-rust's on \
             `reqwest-middleware`: like theirs it is a dependency, built before the crate and not again when \
             the client is regenerated, so it is not in the lines and times below. It has {} lines ({} of code, {} bytes); \
             compiling it alone takes {} (check) and {} (debug build).\n\n",
            r.krate.lines,
            r.krate.code_lines,
            r.krate.bytes,
            secs(&median(&r.check)),
            secs(&median(&r.build)),
        ));
    }
    out.push_str("| spec (operations) | generator | lines | code lines | bytes | check | debug build | lines ratio | code lines ratio | check ratio | build ratio |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    let mut summary = String::new();
    let mut floors = String::new();
    for m in &all {
        let checks: Vec<_> = m.check.iter().map(median).collect();
        let builds: Vec<_> = m.build.iter().map(median).collect();
        for (i, g) in GENERATORS.iter().enumerate() {
            let spec = if i == 0 { format!("{} ({})", m.name, m.operations) } else { String::new() };
            let (lines, code_lines, bytes) = match &m.crates[i] {
                Ok(c) => (c.lines.to_string(), c.code_lines.to_string(), c.bytes.to_string()),
                Err(_) => ("–".into(), "–".into(), "–".into()),
            };
            let ratios = match (&m.crates[0], &m.crates[i]) {
                (_, _) if i == 0 => "| | | | ".to_owned(),
                (Ok(a), Ok(b)) => format!(
                    "| {} | {} | {} | {} ",
                    ratio(a.lines as f64, b.lines as f64),
                    ratio(a.code_lines as f64, b.code_lines as f64),
                    ratio_of(&checks[0], &checks[i]),
                    ratio_of(&builds[0], &builds[i])
                ),
                _ => "| n/a | n/a | n/a | n/a ".to_owned(),
            };
            out.push_str(&format!(
                "| {spec} | {g} | {lines} | {code_lines} | {bytes} | {} | {} {ratios}|\n",
                secs(&checks[i]),
                secs(&builds[i])
            ));
        }
        let against = |times: &[Times], ours: &Result<Duration, String>| match fastest(times) {
            Some((peer, d)) => format!("{} ({peer})", ratio_of(ours, &Ok(d))),
            None => "n/a (no peer's time)".into(),
        };
        let lines = match (&m.crates[0], &m.crates[1], &checks[1]) {
            (Ok(a), Ok(b), Ok(_)) => format!(
                "{} ({} of code lines)",
                ratio(a.lines as f64, b.lines as f64),
                ratio(a.code_lines as f64, b.code_lines as f64)
            ),
            (_, _, Err(e)) => format!("n/a (progenitor: {e})"),
            _ => "n/a".into(),
        };
        summary.push_str(&format!(
            "| {} | {} | {} | {lines} |\n",
            m.name,
            against(&m.check, &checks[0]),
            against(&m.build, &builds[0])
        ));
        floors.push_str(&floor_row(m, &checks, &builds));
    }
    out.push_str("\n### Against the targets\n\n");
    out.push_str(
        "Check and build: ours / the fastest peer whose crate compiles, for that measure. Lines: ours / \
         progenitor's, where progenitor's crate compiles; all lines, and in brackets lines of code (not blank, \
         not only a comment: our crates carry the spec's descriptions as doc comments).\n\n",
    );
    out.push_str("| spec | check (target ≤ 0.6) | debug build (target ≤ 0.6) | lines vs progenitor (target ≤ 0.7) |\n|---|---:|---:|---:|\n");
    out.push_str(&summary);
    out.push_str("\n### Above the floor\n\n");
    out.push_str(
        "The floor under a crate's times is an empty `lib.rs` with the same manifest and lock file \
         (`crates::floor_of`): cargo's work over the dependency graph and starting the compiler, which any \
         crate with those dependencies pays and no generated code can remove. Above the floor is the \
         crate's time minus its floor: what its generated code costs. Ratios compare that with the same \
         peer as above.\n\n",
    );
    out.push_str(
        "| spec | generator | check floor | build floor | check above floor | build above floor | check ratio above floor | build ratio above floor |\n\
         |---|---|---:|---:|---:|---:|---:|---:|\n",
    );
    out.push_str(&floors);
    Ok(())
}

/// A time minus its floor, when both were measured.
fn above(time: &Result<Duration, String>, floor: &Times) -> Result<Duration, String> {
    Ok(time.clone()?.saturating_sub(median(floor)?))
}

/// The floors of one spec's crates, and ours above the floor against the fastest peer's.
fn floor_row(m: &Measured, checks: &[Result<Duration, String>], builds: &[Result<Duration, String>]) -> String {
    let mut rows = String::new();
    let peer_check = fastest(&m.check).and_then(|(p, _)| GENERATORS.iter().position(|g| *g == p));
    let peer_build = fastest(&m.build).and_then(|(p, _)| GENERATORS.iter().position(|g| *g == p));
    for (i, g) in GENERATORS.iter().enumerate() {
        if m.floors[i].is_none() {
            continue;
        }
        let check_above = above(&checks[i], &m.floor_check[i]);
        let build_above = above(&builds[i], &m.floor_build[i]);
        let against = |peer: Option<usize>,
                       ours: &Result<Duration, String>,
                       times: &[Result<Duration, String>],
                       floors: &[Times]| {
            match peer {
                Some(p) if i == 0 => format!("{} ({})", ratio_of(ours, &above(&times[p], &floors[p])), GENERATORS[p]),
                _ => String::new(),
            }
        };
        rows.push_str(&format!(
            "| {} | {g} | {} | {} | {} | {} | {} | {} |\n",
            if i == 0 { m.name.as_str() } else { "" },
            secs(&median(&m.floor_check[i])),
            secs(&median(&m.floor_build[i])),
            secs(&check_above),
            secs(&build_above),
            against(peer_check, &check_above, checks, &m.floor_check),
            against(peer_build, &build_above, builds, &m.floor_build),
        ));
    }
    rows
}
