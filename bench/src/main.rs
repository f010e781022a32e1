//! Benchmarks, each measuring us and a baseline in the same run and printing the ratio.
//! `cargo xtask bench` runs them in full; `--smoke` runs each once, quickly, for CI.
//!
//! 1. Generation time against progenitor on the newest Exa spec and on `spec/`.
//! 2. Size of the generated code, and `cargo check` and debug `cargo build` time of each
//!    generated crate alone, against progenitor and openapi-to-rust.
//! 3. Decoding a 1,000-run page: generated model against a hand-written struct.
//! 4. Scaling: time per operation and peak memory for 100 to 10,000 operations.

mod alloc;
mod compile;
mod crates;
mod decode;
mod otr;
mod progenitor;
mod synthetic;
mod timing;

use std::path::PathBuf;
use std::time::Duration;

use timing::{median, ms, ratio};

#[global_allocator]
static ALLOC: alloc::Counting = alloc::Counting;

pub struct Settings {
    pub smoke: bool,
    pub root: PathBuf,
    pub shared: Option<PathBuf>,
}

fn options() -> generator::Options {
    generator::Options {
        crate_name: "bench".into(),
        crate_version: "0.1.0".into(),
        api_key_env: None,
        regenerate_command: "bench".into(),
        layout: generator::Layout::Standalone,
        ref_root: None,
    }
}

fn ours(text: &str) -> usize {
    generator::generate(text, &options()).map(|o| o.files.len()).unwrap_or(0)
}

fn theirs(text: &str) -> usize {
    progenitor::normalised(text).and_then(|s| progenitor::generate(&s)).map(|s| s.len()).unwrap_or(0)
}

/// The specs compared: the newest and the oldest Exa spec (if the shared material is
/// there), and ours.
fn inputs(s: &Settings) -> Vec<(String, String)> {
    let mut inputs = Vec::new();
    if let Some(shared) = &s.shared {
        let specs = xtask::exa_specs(shared);
        let mut chosen = vec![specs.last().cloned()];
        if specs.len() > 1 {
            chosen.push(specs.first().cloned());
        }
        for spec in chosen.into_iter().flatten() {
            let name = format!("Exa {}", spec.file_stem().and_then(|n| n.to_str()).unwrap_or("?"));
            inputs.push((name, std::fs::read_to_string(&spec).unwrap_or_default()));
        }
    }
    inputs
        .push(("spec/websets.yaml".into(), std::fs::read_to_string(s.root.join(xtask::REPO_SPEC)).unwrap_or_default()));
    inputs
}

fn generation(s: &Settings, out: &mut String) -> Result<Vec<(String, String)>, String> {
    let runs = if s.smoke { 1 } else { 21 };
    out.push_str("\n## 1. Generation time (spec text in, formatted source out), median\n\n");
    out.push_str(
        "| spec | operations compared | ours | progenitor | ratio (target ≤ 0.25) |\n|---|---|---:|---:|---:|\n",
    );
    let mut compared = Vec::new();
    for (name, text) in inputs(s) {
        let (subset, accepted, total) = progenitor::accepted_subset(&text)?;
        let note = if accepted == total {
            format!("all {total}")
        } else {
            format!("{accepted} of {total} (progenitor refuses the rest; both run on the subset)")
        };
        let t_ours = median(runs, || ours(&subset));
        let t_theirs = median(runs, || theirs(&subset));
        out.push_str(&format!(
            "| {name} | {note} | {} | {} | {} |\n",
            ms(t_ours),
            ms(t_theirs),
            ratio(t_ours.as_secs_f64(), t_theirs.as_secs_f64())
        ));
        compared.push((name, subset));
    }
    Ok(compared)
}

/// Where our generation time goes, stage by stage, on the largest input.
fn stages(s: &Settings, compared: &[(String, String)], out: &mut String) -> Result<(), String> {
    let runs = if s.smoke { 1 } else { 21 };
    let Some((name, text)) = compared.first() else { return Ok(()) };
    let err = |e: generator::Error| e.to_string();
    let doc = generator::load::parse(text).map_err(err)?;
    let mut normalised = doc.clone();
    generator::normalize::normalize(&mut normalised, &mut Default::default()).map_err(err)?;
    let spec: openapiv3::OpenAPI = serde_json::from_value(normalised.clone()).map_err(|e| e.to_string())?;
    let api = generator::model::lower(&spec, &mut Default::default()).map_err(err)?;
    let settings = generator::emit::EmitSettings { api_key_env: "KEY", crate_ident: "bench" };
    let tokens = generator::emit::emit(&api, &settings);
    let files: Vec<syn::File> =
        tokens.iter().map(|(_, t)| syn::parse2(t.clone()).expect("generated code parses")).collect();
    let rows: Vec<(&str, Duration)> = vec![
        ("load (YAML/JSON to JSON value)", median(runs, || generator::load::parse(text).is_ok())),
        (
            "normalise",
            median(runs, || {
                let mut d = doc.clone();
                generator::normalize::normalize(&mut d, &mut Default::default()).is_ok()
            }),
        ),
        (
            "deserialise into openapiv3",
            median(runs, || serde_json::from_value::<openapiv3::OpenAPI>(normalised.clone()).is_ok()),
        ),
        ("lower to the model", median(runs, || generator::model::lower(&spec, &mut Default::default()).is_ok())),
        ("emit tokens (quote!)", median(runs, || generator::emit::emit(&api, &settings).len())),
        (
            "parse tokens as syn::File",
            median(runs, || tokens.iter().filter(|(_, t)| syn::parse2::<syn::File>(t.clone()).is_ok()).count()),
        ),
        (
            "print with prettyplease",
            median(runs, || files.iter().map(|f| prettyplease::unparse(f).len()).sum::<usize>()),
        ),
    ];
    let total: f64 = rows.iter().map(|(_, d)| d.as_secs_f64()).sum();
    out.push_str(&format!(
        "\n### Where our time goes ({name}), median per stage\n\n| stage | time | share |\n|---|---:|---:|\n"
    ));
    for (stage, d) in rows {
        out.push_str(&format!("| {stage} | {} | {:.0}% |\n", ms(d), 100.0 * d.as_secs_f64() / total));
    }
    Ok(())
}

fn decoding(s: &Settings, out: &mut String) {
    let runs = if s.smoke { 1 } else { 201 };
    let page = decode::page(1000);
    assert_eq!(decode::generated(&page), decode::hand_written(&page));
    let t_ours = median(runs, || decode::generated(&page));
    let t_hand = median(runs, || decode::hand_written(&page));
    out.push_str("\n## 3. Decoding a 1,000-run `ListMonitorRunsResponse`, median\n\n");
    out.push_str("| generated model | hand-written struct | ratio (target ≤ 1.05) |\n|---:|---:|---:|\n");
    out.push_str(&format!(
        "| {} | {} | {} |\n",
        ms(t_ours),
        ms(t_hand),
        ratio(t_ours.as_secs_f64(), t_hand.as_secs_f64())
    ));
}

fn scaling(s: &Settings, out: &mut String) {
    let sizes: &[usize] = if s.smoke { &[100, 1000] } else { &[100, 1000, 10_000] };
    out.push_str("\n## 4. Scaling: synthetic specs (each operation with two schemas)\n\n");
    out.push_str(
        "| operations | time | per operation | vs 100 (target ≤ 2) | peak memory |\n|---:|---:|---:|---:|---:|\n",
    );
    let mut base: Option<f64> = None;
    for &n in sizes {
        let text = synthetic::spec(n);
        let runs = match (s.smoke, n) {
            (true, _) => 1,
            (false, 10_000) => 3,
            _ => 7,
        };
        let t = median(runs, || ours(&text));
        let ((), peak) = alloc::peak_of(|| {
            ours(&text);
        });
        let per = t.as_secs_f64() / n as f64;
        let vs = base.map(|b| format!("{:.2}", per / b)).unwrap_or_else(|| "1.00".into());
        base.get_or_insert(per);
        out.push_str(&format!(
            "| {n} | {} | {:.1} µs | {vs} | {:.1} MiB |\n",
            ms(t),
            per * 1e6,
            peak as f64 / (1024.0 * 1024.0)
        ));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let smoke = args.iter().any(|a| a == "--smoke");
    // Without the shared material the Exa rows are skipped (with a notice), unless
    // REQUIRE_SHARED says they must not be.
    let s = Settings { smoke, root: xtask::repo_root(), shared: xtask::shared_dir() };
    let started = std::time::Instant::now();
    let mut out = String::new();
    // `--only N` runs one section, for working on it; the table is only complete without.
    let only: Option<u32> = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)?.parse().ok());
    let wanted = |n: u32| only.is_none_or(|o| o == n);
    let mut result = Ok(());
    if wanted(1) {
        result = generation(&s, &mut out).and_then(|compared| stages(&s, &compared, &mut out));
    }
    if wanted(2) && result.is_ok() {
        result = compile::section(&s, &mut out);
    }
    if wanted(3) {
        decoding(&s, &mut out);
    }
    if wanted(4) {
        scaling(&s, &mut out);
    }
    println!("{out}");
    eprintln!("benchmarks took {:.0?}", Duration::from_secs(started.elapsed().as_secs()));
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
