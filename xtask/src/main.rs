//! `cargo xtask`: the project's command line. A thin shell over the `generator` library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::{Layout, Options};
use xtask::{repo_options, repo_root, REPO_CRATE_DIR, REPO_SPEC};

const USAGE: &str = "\
usage:
  cargo xtask codegen [--check]
        regenerate generated-client/ from spec/websets.yaml (--check: only compare, exit 1 on drift)
  cargo xtask codegen [--check] --spec FILE --out DIR [--name CRATE] [--api-key-env VAR] [--allow-ref-root DIR]
        generate a standalone client crate for any OpenAPI 3.0/3.1 spec (`$ref`s to other files are read
        from the spec's folder tree only, unless --allow-ref-root names a wider folder)
  cargo xtask check-specs [--corpus none|ci|all]
        generate a crate from every fixture, every Exa spec and (a fixed subset of, or all) the corpus
        documents in ../shared, and clippy and test each
  cargo xtask bench [--smoke]
        generator and generated code against progenitor and a hand-written baseline; writes BENCHMARKS.md
  cargo xtask fuzz [--minutes N]
        run the libFuzzer target over the whole pipeline (nightly; installs cargo-fuzz)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen(&args[1..]),
        Some("check-specs") => xtask::check_specs::run(&args[1..]),
        Some("fuzz") => xtask::fuzz::fuzz(&args[1..]),
        Some("bench") => xtask::bench::bench(&args[1..]),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

struct CodegenArgs {
    check: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    name: Option<String>,
    api_key_env: Option<String>,
    ref_root: Option<PathBuf>,
}

fn parse_codegen_args(args: &[String]) -> Result<CodegenArgs, String> {
    let mut parsed = CodegenArgs { check: false, spec: None, out: None, name: None, api_key_env: None, ref_root: None };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().cloned().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--spec" => parsed.spec = Some(value("--spec")?.into()),
            "--out" => parsed.out = Some(value("--out")?.into()),
            "--name" => parsed.name = Some(value("--name")?),
            "--api-key-env" => parsed.api_key_env = Some(value("--api-key-env")?),
            "--allow-ref-root" => parsed.ref_root = Some(value("--allow-ref-root")?.into()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    if parsed.spec.is_some() != parsed.out.is_some() {
        return Err(format!("--spec and --out go together\n{USAGE}"));
    }
    if parsed.spec.is_none() && (parsed.name.is_some() || parsed.api_key_env.is_some()) {
        return Err(format!("--name and --api-key-env need --spec and --out\n{USAGE}"));
    }
    Ok(parsed)
}

fn codegen(args: &[String]) -> Result<(), String> {
    let args = parse_codegen_args(args)?;
    let root = repo_root();
    let (spec, out, options) = match (&args.spec, &args.out) {
        (Some(spec), Some(out)) => {
            let name = match &args.name {
                Some(n) => n.clone(),
                None => default_crate_name(spec),
            };
            let mut command = format!("cargo xtask codegen --spec {} --out {}", spec.display(), out.display());
            if args.name.is_some() {
                command.push_str(&format!(" --name {name}"));
            }
            if let Some(env) = &args.api_key_env {
                command.push_str(&format!(" --api-key-env {env}"));
            }
            if let Some(root) = &args.ref_root {
                command.push_str(&format!(" --allow-ref-root {}", root.display()));
            }
            let options = Options {
                crate_name: name,
                crate_version: "0.1.0".into(),
                api_key_env: args.api_key_env.clone(),
                regenerate_command: command,
                layout: Layout::Standalone,
                ref_root: args.ref_root.clone(),
            };
            (spec.clone(), out.clone(), options)
        }
        _ => (root.join(REPO_SPEC), root.join(REPO_CRATE_DIR), repo_options()),
    };
    let output = generator::generate_file(&spec, &options).map_err(|e| {
        if e.is_internal() {
            // Not the spec's fault: a different exit status from a refused spec.
            eprintln!("error: {}: {e}", spec.display());
            std::process::exit(xtask::EXIT_INTERNAL);
        }
        format!("{}: {e}", spec.display())
    })?;
    for w in &output.warnings {
        eprintln!("{}: {w}", spec.display());
    }
    let fix = options.regenerate_command.replace(" --check", "");
    if args.check {
        let drifts = generator::drift::compare(&out, &output.files)
            .map_err(|e| format!("cannot read {}: {e}", out.display()))?;
        if drifts.is_empty() {
            eprintln!("{} is up to date with {}", out.display(), spec.display());
            return Ok(());
        }
        for d in &drifts {
            eprint!("{}", d.unified_diff());
        }
        return Err(format!(
            "{} file(s) in {} differ from what {} generates; run `{fix}` to update them",
            drifts.len(),
            out.display(),
            spec.display()
        ));
    }
    let changed =
        generator::drift::write(&out, &output.files).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!(
        "generated {} operations and {} types into {} ({} file(s) changed)",
        output.operations,
        output.types,
        out.display(),
        changed.len()
    );
    Ok(())
}

/// A crate name from the spec's file name: `exa-websets.yaml` gives `exa-websets`.
fn default_crate_name(spec: &Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
    let cleaned: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let cleaned = cleaned.trim_matches('-');
    if cleaned.starts_with(|c: char| c.is_ascii_alphabetic()) {
        format!("{cleaned}-client")
    } else {
        format!("api-{cleaned}-client").replace("--", "-")
    }
}
