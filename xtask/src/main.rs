//! `cargo xtask`: the project's command line. A thin shell over the `generator` library.
//!
//! Exit status: 0 on success; 1 when the spec has an error, `--check` finds drift, or writing
//! would replace a hand-written file (or fails); 2 when the arguments are wrong; 70 for an
//! internal error (a bug in the generator, not a fault of the spec).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};
use generator::diagnostics::Severity;
use generator::{Layout, Options, Warning};
use xtask::{repo_options, repo_root, REPO_CRATE_DIR, REPO_SPEC};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "The project's commands: generate clients, check specs, benchmark, fuzz.",
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a Rust client crate from an OpenAPI 3.0/3.1 spec (by default, regenerate
    /// generated-client/ from spec/websets.yaml).
    Codegen(CodegenArgs),
    /// Generate a crate from every fixture, every Exa spec and (a fixed subset of, or all) the
    /// corpus documents in ../shared, and clippy and test each.
    CheckSpecs {
        /// Only the specs whose crate name contains this (`fixture-unions`, `2025-06-03`).
        only: Option<String>,
        /// Which corpus documents: `ci`, a fixed representative subset; `all`; or `none`.
        #[arg(long, value_name = "none|ci|all", default_value = "ci")]
        corpus: xtask::check_specs::Corpus,
    },
    /// Benchmark the generator and the generated code against progenitor and a hand-written
    /// baseline; writes BENCHMARKS.md.
    Bench {
        /// Run each benchmark once, only to see that it builds and runs.
        #[arg(long)]
        smoke: bool,
    },
    /// Run the libFuzzer target over the whole pipeline (needs nightly; installs cargo-fuzz).
    Fuzz {
        /// How long to fuzz.
        #[arg(long, value_name = "N", default_value_t = 5)]
        minutes: u64,
    },
}

#[derive(Args)]
#[command(after_help = "Exit status: 0 on success; 1 when the spec has an error, --check finds drift, or \
                        writing would replace a file without the @generated header; 2 for wrong arguments.")]
struct CodegenArgs {
    /// Only compare the generated files with those on disk; exit 1 with a diff when they differ.
    #[arg(long)]
    check: bool,
    /// Also replace files in --out that do not start with the `@generated` header (by default the
    /// generator refuses, names them and writes nothing).
    #[arg(long, conflicts_with = "check")]
    force: bool,
    /// Also show notes (such as tags used but never declared), and warnings under --check.
    #[arg(long, short)]
    verbose: bool,
    /// The OpenAPI spec (YAML or JSON) to generate a standalone crate from.
    #[arg(long, value_name = "FILE", requires = "out", value_parser = existing_file)]
    spec: Option<PathBuf>,
    /// The directory of the crate to write (created if missing).
    #[arg(long, value_name = "DIR", requires = "spec", value_parser = directory_or_nothing)]
    out: Option<PathBuf>,
    /// The crate's package name. Default: the spec's `info.title` in lowercase words joined by
    /// `-`, plus `-client` (`Websets` gives `websets-client`).
    #[arg(long, value_name = "CRATE", requires = "spec", value_parser = crate_name)]
    name: Option<String>,
    /// The environment variable the client reads its API key from. Default: the crate name in
    /// SCREAMING_SNAKE_CASE plus `_API_KEY`.
    #[arg(long, value_name = "VAR", requires = "spec", value_parser = env_name)]
    api_key_env: Option<String>,
    /// Let `$ref`s read files anywhere under this folder (by default, only under the spec's own
    /// folder, so that `$ref: ../../secrets.yaml` is refused).
    #[arg(long, value_name = "DIR", requires = "spec")]
    allow_ref_root: Option<PathBuf>,
}

fn existing_file(arg: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(arg);
    if path.is_file() {
        Ok(path)
    } else if path.exists() {
        Err("not a file".into())
    } else {
        Err("no such file".into())
    }
}

fn directory_or_nothing(arg: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(arg);
    if path.exists() && !path.is_dir() {
        Err("exists and is not a directory".into())
    } else {
        Ok(path)
    }
}

fn crate_name(arg: &str) -> Result<String, String> {
    generator::check_crate_name(arg).map(|()| arg.to_owned()).map_err(|e| e.message)
}

fn env_name(arg: &str) -> Result<String, String> {
    generator::check_env_name(arg).map(|()| arg.to_owned()).map_err(|e| e.message)
}

/// Why a command failed.
enum Failure {
    /// The spec, the files on disk or the work itself: exit 1.
    Failed(String),
    /// The arguments (a file that cannot be read, say): exit 2, as for any usage error.
    Usage(clap::Error),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Failed(message)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen(args) => codegen(&args),
        Command::CheckSpecs { only, corpus } => xtask::check_specs::run(corpus, only.as_deref()).map_err(Failure::from),
        Command::Bench { smoke } => {
            let args: Vec<String> = if smoke { vec!["--smoke".into()] } else { Vec::new() };
            xtask::bench::bench(&args).map_err(Failure::from)
        }
        Command::Fuzz { minutes } => {
            xtask::fuzz::fuzz(&["--minutes".into(), minutes.to_string()]).map_err(Failure::from)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Failed(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
        Err(Failure::Usage(error)) => error.exit(),
    }
}

/// `n operation(s)`, spelt as people do.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn codegen(args: &CodegenArgs) -> Result<(), Failure> {
    let root = repo_root();
    let (spec, out) = match (&args.spec, &args.out) {
        (Some(spec), Some(out)) => (spec.clone(), out.clone()),
        _ => (root.join(REPO_SPEC), root.join(REPO_CRATE_DIR)),
    };
    let text = std::fs::read_to_string(&spec).map_err(|e| {
        Failure::Usage(
            Cli::command().error(clap::error::ErrorKind::Io, format!("cannot read the spec {}: {e}", spec.display())),
        )
    })?;
    let options = match &args.spec {
        Some(_) => standalone_options(args, &spec, &out, &text),
        None => repo_options(),
    };
    let show = |w: &Warning| eprintln!("{}", w.clone().or_file(&spec));
    let output = generator::generate_file(&spec, &options).map_err(|e| {
        e.warnings.iter().filter(|w| args.verbose || w.severity == Severity::Warning).for_each(show);
        if e.is_internal() {
            // Not the spec's fault: a different exit status from a refused spec.
            eprintln!("error: {}: {e}", spec.display());
            std::process::exit(xtask::EXIT_INTERNAL);
        }
        e.or_file(&spec).to_string()
    })?;

    if !args.check || args.verbose {
        output.warnings.iter().for_each(show);
    }
    if args.verbose {
        output.notes.iter().for_each(show);
    }

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
        return Err(Failure::Failed(format!(
            "{} in {} {} from what {} generates; run `{}` to update them",
            count(drifts.len(), "file", "files"),
            out.display(),
            if drifts.len() == 1 { "differs" } else { "differ" },
            spec.display(),
            options.regenerate_command
        )));
    }
    let changed = generator::drift::write(&out, &output.files, args.force).map_err(|e| match e {
        generator::drift::WriteError::HandWritten(_) => format!(
            "nothing was written to {}: {e}\n  run again with --force to replace them, or choose another --out",
            out.display()
        ),
        generator::drift::WriteError::Io { .. } => format!("cannot write {}: {e}", out.display()),
    })?;
    eprintln!(
        "generated {} and {} into {} ({} changed{})",
        count(output.operations, "operation", "operations"),
        count(output.types, "type", "types"),
        out.display(),
        count(changed.len(), "file", "files"),
        match output.warnings.len() {
            0 => String::new(),
            n => format!(", {} above", count(n, "warning", "warnings")),
        }
    );
    Ok(())
}

/// The options for `--spec FILE --out DIR`: a standalone crate named by `--name` or after the
/// spec's title.
fn standalone_options(args: &CodegenArgs, spec: &Path, out: &Path, text: &str) -> Options {
    let name = match &args.name {
        Some(n) => n.clone(),
        None => {
            let doc = generator::load::parse(text).ok();
            let title = doc.as_ref().and_then(|d| d.pointer("/info/title")).and_then(|t| t.as_str()).unwrap_or("");
            crate_name_from_title(title)
        }
    };
    let mut command = format!("cargo xtask codegen --spec {} --out {}", spec.display(), out.display());
    if let Some(name) = &args.name {
        command.push_str(&format!(" --name {name}"));
    }
    if let Some(env) = &args.api_key_env {
        command.push_str(&format!(" --api-key-env {env}"));
    }
    if let Some(root) = &args.allow_ref_root {
        command.push_str(&format!(" --allow-ref-root {}", root.display()));
    }
    Options {
        crate_name: name,
        crate_version: "0.1.0".into(),
        api_key_env: args.api_key_env.clone(),
        regenerate_command: command,
        layout: Layout::Standalone,
        ref_root: args.allow_ref_root.clone(),
    }
}

/// The default crate name: the spec's title as lowercase ASCII words joined by `-`, plus
/// `-client` (`Websets` gives `websets-client`, `Exa Search API` gives `exa-search-api-client`,
/// `PetStore` gives `pet-store-client`). A title without letters gives `api-client`.
fn crate_name_from_title(title: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = c.is_ascii_lowercase();
            word.push(c.to_ascii_lowercase());
        } else {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = false;
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    if words.first().is_none_or(|w| w.starts_with(|c: char| c.is_ascii_digit())) {
        words.insert(0, "api".into());
    }
    if words.last().is_none_or(|w| w != "client") {
        words.push("client".into());
    }
    let mut name = words.join("-");
    name.truncate(64);
    name.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_come_from_the_title() {
        assert_eq!(crate_name_from_title("Websets"), "websets-client");
        assert_eq!(crate_name_from_title("Exa Search API"), "exa-search-api-client");
        assert_eq!(crate_name_from_title("PetStore"), "pet-store-client");
        assert_eq!(crate_name_from_title("Box Platform API client"), "box-platform-api-client");
        assert_eq!(crate_name_from_title("3D printing (v2)"), "api-3d-printing-v2-client");
        assert_eq!(crate_name_from_title(""), "api-client");
        assert_eq!(crate_name_from_title("Ünïcode"), "n-code-client");
        for title in ["Websets", "", "3D", &"x".repeat(100)] {
            let name = crate_name_from_title(title);
            assert!(generator::check_crate_name(&name).is_ok(), "{title:?} gives {name:?}");
        }
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(count(1, "operation", "operations"), "1 operation");
        assert_eq!(count(0, "operation", "operations"), "0 operations");
        assert_eq!(count(2, "file", "files"), "2 files");
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
