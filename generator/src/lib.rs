//! Reads an OpenAPI 3.0 or 3.1 description and writes a typed Rust client crate for it.
//!
//! The stages, each a module that can be used and tested alone:
//!
//! 1. [`load`](mod@load): YAML or JSON text to a JSON value tree; then [`resolve`](mod@resolve):
//!    every `$ref` (to any place in the document, or to other files next to it) made a reference
//!    to an entry of `components`.
//! 2. [`normalize`](mod@normalize): OpenAPI 3.1 spellings rewritten into the 3.0 shape `openapiv3` reads.
//! 3. [`model`](mod@model): the `openapiv3` document lowered to an intermediate model of operations
//!    and types, with every Rust name decided.
//! 4. [`emit`](mod@emit): the model as `quote!` token streams.
//! 5. [`format`](mod@format): tokens parsed as `syn::File` and printed with `prettyplease`.
//!
//! [`generate_file`] runs them all on a spec file, [`generate`] on text (no other files read).
//! A panic anywhere in them is caught and returned as an [`Error`] that
//! [says](Error::is_internal) it is a bug in the generator.

pub mod diagnostics;
pub mod drift;
pub mod emit;
pub mod format;
pub mod load;
pub mod model;
pub mod names;
pub mod normalize;
pub mod resolve;
mod yaml;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

pub use diagnostics::{Error, Location, Warning};
pub use emit::Layout;

/// What to generate, beyond the spec itself.
#[derive(Debug, Clone)]
pub struct Options {
    /// The crate's package name, e.g. `exa-websets`.
    pub crate_name: String,
    pub crate_version: String,
    /// Environment variable the client reads its API key from when none is given.
    /// Defaults to the crate name in SCREAMING_SNAKE_CASE plus `_API_KEY`.
    pub api_key_env: Option<String>,
    /// The command that regenerates the files, named in their `@generated` header.
    pub regenerate_command: String,
    pub layout: Layout,
    /// The folder whose files a spec's `$ref`s may read ([`generate_file`] only). `None`: the
    /// spec's own folder tree, so that `$ref: ../../secrets.yaml` is refused.
    pub ref_root: Option<PathBuf>,
}

/// A generated file, its path relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// The generated crate and what the generator had to say about the spec.
#[derive(Debug)]
pub struct Output {
    pub files: Vec<GeneratedFile>,
    pub warnings: Vec<Warning>,
    /// Counts for reports.
    pub operations: usize,
    pub types: usize,
}

/// Checks a crate name the way Cargo does (ASCII letters, digits, `-`, `_`; a letter first).
fn check_crate_name(name: &str) -> Result<(), Error> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= 64;
    if valid {
        Ok(())
    } else {
        Err(Error::document(format!(
            "`{name}` is not a valid crate name (ASCII letters, digits, `-` and `_`, starting with a letter)"
        )))
    }
}

fn check_env_name(name: &str) -> Result<(), Error> {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(Error::document(format!("`{name}` is not a usable environment variable name")))
    }
}

/// Stages 1 to 3: spec text to the intermediate model.
pub fn model_of(spec_text: &str) -> Result<(model::Api, Vec<Warning>), Error> {
    model_of_source(spec_text, resolve::Source::Text)
}

/// [`model_of`] for text read from `source`, whose `$ref`s to other files are followed.
pub fn model_of_source(spec_text: &str, source: resolve::Source<'_>) -> Result<(model::Api, Vec<Warning>), Error> {
    let mut diags = diagnostics::Diagnostics::default();
    let mut doc = load::parse(spec_text)?;
    resolve::resolve(&mut doc, source)?;
    normalize::normalize(&mut doc, &mut diags)?;
    let spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(doc).map_err(|e| {
        let pointer: String = e
            .path()
            .iter()
            .filter_map(|seg| match seg {
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
                serde_path_to_error::Segment::Unknown => None,
            })
            .fold(String::new(), |p, s| diagnostics::pointer_push(&p, &s));
        Error::at(pointer, format!("not a valid OpenAPI document here: {}", e.inner()))
    })?;
    let api = model::lower(&spec, &mut diags)?;
    Ok((api, diags.into_warnings()))
}

/// Runs every stage: spec text in, crate files out. `$ref`s to other files are refused (there
/// is no folder to read them from); [`generate_file`] follows them.
pub fn generate(spec_text: &str, options: &Options) -> Result<Output, Error> {
    generate_from(spec_text, resolve::Source::Text, options)
}

/// Runs every stage on the spec file at `path`, following `$ref`s to other files inside its
/// folder tree (or [`Options::ref_root`]).
pub fn generate_file(path: &Path, options: &Options) -> Result<Output, Error> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::document(format!("cannot read {}: {e}", path.display())))?;
    generate_from(&text, resolve::Source::File { path, root: options.ref_root.as_deref() }, options)
}

/// Runs `f`, turning a panic into an internal error that says what was being done.
fn guard<T>(doing: &str, f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(internal(doing, payload.as_ref())))
}

fn internal(doing: &str, payload: &(dyn std::any::Any + Send)) -> Error {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned());
    Error::internal(doing, format!("{what}; please report this with the spec that caused it"))
}

fn generate_from(spec_text: &str, source: resolve::Source<'_>, options: &Options) -> Result<Output, Error> {
    check_crate_name(&options.crate_name)?;
    let api_key_env = match &options.api_key_env {
        Some(env) => env.clone(),
        None => format!("{}_API_KEY", heck::ToShoutySnakeCase::to_shouty_snake_case(options.crate_name.as_str())),
    };
    check_env_name(&api_key_env)?;
    let (api, warnings) = guard("reading the spec", || model_of_source(spec_text, source))?;
    guard("writing the crate", || write_crate(&api, warnings, options, &api_key_env))
}

fn write_crate(
    api: &model::Api,
    warnings: Vec<Warning>,
    options: &Options,
    api_key_env: &str,
) -> Result<Output, Error> {
    let crate_ident = options.crate_name.replace('-', "_");
    let settings = emit::EmitSettings { api_key_env, crate_ident: &crate_ident };
    let rust_header = format::header(&options.regenerate_command, "//");
    let mut files = vec![GeneratedFile {
        path: PathBuf::from("Cargo.toml"),
        contents: emit::manifest(&emit::ManifestSettings {
            crate_name: &options.crate_name,
            crate_version: &options.crate_version,
            api_title: &api.title,
            layout: options.layout,
            header: &format::header(&options.regenerate_command, "#"),
        }),
    }];
    for (file, contents) in format_in_parallel(&emit::Emitter::new(api, &settings), &rust_header)? {
        files.push(GeneratedFile { path: PathBuf::from(format!("src/{}", file.name())), contents });
    }
    Ok(Output { files, warnings, operations: api.operations.len(), types: api.types.len() })
}

/// Emits, parses and prints every file, spreading the parts over the machine's cores. Parsing
/// dominates generation time, and a large spec's types and operations are many independent
/// parts. The result does not depend on how the parts were spread.
fn format_in_parallel(emitter: &emit::Emitter<'_>, header: &str) -> Result<Vec<(emit::SourceFile, String)>, Error> {
    use std::sync::atomic::{AtomicUsize, Ordering};

    let jobs: Vec<(emit::SourceFile, usize)> = emit::SourceFile::ALL
        .into_iter()
        .flat_map(|file| (0..emitter.part_count(file)).map(move |i| (file, i)))
        .collect();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let job = next.fetch_add(1, Ordering::Relaxed);
            let Some(&(file, index)) = jobs.get(job) else { return done };
            let path = format!("src/{}", file.name());
            let doing = format!("writing part {index} of {path}");
            done.push((job, guard(&doing, || format::print_part(emitter.part(file, index), index == 0, &path))));
        }
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let mut printed: Vec<(usize, Result<String, Error>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for handle in handles {
            match handle.join() {
                Ok(done) => all.extend(done),
                Err(payload) => all.push((usize::MAX, Err(internal("writing the crate's files", payload.as_ref())))),
            }
        }
        all
    });
    printed.sort_by_key(|(job, _)| *job);
    let mut files: Vec<(emit::SourceFile, Vec<String>)> = Vec::new();
    for (job, text) in printed {
        let text = text?;
        let Some(&(file, _)) = jobs.get(job) else {
            return Err(Error::internal("writing the crate's files", "a formatting job went missing"));
        };
        match files.last_mut() {
            Some((f, parts)) if *f == file => parts.push(text),
            _ => files.push((file, vec![text])),
        }
    }
    Ok(files.into_iter().map(|(file, parts)| (file, format::finish(&parts, header))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_internal_errors_that_say_what_was_being_done() {
        let e = guard("writing part 3 of src/types.rs", || -> Result<(), Error> {
            panic!("byte index 11 is not a char boundary")
        })
        .unwrap_err();
        assert!(e.is_internal());
        let text = e.to_string();
        assert!(text.contains("bug in the generator") && text.contains("part 3 of src/types.rs"), "{text}");
        assert!(text.contains("char boundary"), "{text}");
        let e = guard("x", || -> Result<(), Error> { std::panic::panic_any(7_u8) }).unwrap_err();
        assert!(e.is_internal());
        assert!(!Error::document("bad spec").is_internal());
        assert_eq!(guard("x", || Ok(3)), Ok(3));
    }
}
