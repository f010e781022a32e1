//! Reads an OpenAPI 3.0 or 3.1 description and writes a typed Rust client crate for it.
//!
//! The stages, each a module that can be used and tested alone:
//!
//! 1. [`load`](mod@load): YAML or JSON text to a JSON value tree.
//!    [`validate`](mod@validate) then checks it as written: typos, unknown types and locations;
//!    [`resolve`](mod@resolve) makes every `$ref` (to any place in the document, or to other
//!    files next to it) a reference to an entry of `components`.
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
pub mod validate;
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
    /// Things the user can act on.
    pub warnings: Vec<Warning>,
    /// Background information, such as tags used but not declared (`--verbose` shows them).
    pub notes: Vec<Warning>,
    /// Counts for reports.
    pub operations: usize,
    pub types: usize,
}

/// Checks a crate name the way Cargo does (ASCII letters, digits, `-`, `_`; a letter first).
pub fn check_crate_name(name: &str) -> Result<(), Error> {
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

/// Checks that `name` can name an environment variable (ASCII letters, digits and `_`).
pub fn check_env_name(name: &str) -> Result<(), Error> {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(Error::document(format!("`{name}` is not a usable environment variable name")))
    }
}

/// Stages 1 to 3: spec text to the intermediate model, with the warnings and notes found on the
/// way (see [`diagnostics::Severity`]). Every warning and the error, if any, carry the line and
/// column of their place in `spec_text` as well as its JSON pointer.
pub fn model_of(spec_text: &str) -> Result<(model::Api, Vec<Warning>), Error> {
    model_of_source(spec_text, resolve::Source::Text)
}

/// [`model_of`] for text read from `source`, whose `$ref`s to other files are followed.
pub fn model_of_source(spec_text: &str, source: resolve::Source<'_>) -> Result<(model::Api, Vec<Warning>), Error> {
    let mut diags = diagnostics::Diagnostics::default();
    let result = model_stages(spec_text, source, &mut diags);
    // The index is built only when there is something to place.
    let mut positions: Option<load::Positions> = None;
    let mut place = |location: &mut Location| {
        // A place in another file of a multi-file spec is named by that file and pointer.
        if location.position.is_some() || location.file.is_some() {
            return;
        }
        let index = positions.get_or_insert_with(|| load::Positions::of_text(spec_text));
        match &location.pointer {
            Some(pointer) => location.position = index.locate(pointer),
            // About the document as a whole: its top, when it has one.
            None => {
                if let Some(top) = index.get("") {
                    location.pointer = Some(String::new());
                    location.position = Some(top);
                }
            }
        }
    };
    let mut warnings = diags.into_warnings();
    for w in &mut warnings {
        place(&mut w.location);
    }
    match result {
        Ok(api) => Ok((api, warnings)),
        Err(mut e) => {
            place(&mut e.location);
            e.warnings = warnings;
            Err(e)
        }
    }
}

fn model_stages(
    spec_text: &str,
    source: resolve::Source<'_>,
    diags: &mut diagnostics::Diagnostics,
) -> Result<model::Api, Error> {
    let mut doc = load::parse(spec_text)?;
    validate::validate(&doc, diags)?;
    resolve::resolve(&mut doc, source)?;
    normalize::normalize(&mut doc, diags)?;
    let spec: openapiv3::OpenAPI = match serde_path_to_error::deserialize(&doc) {
        Ok(spec) => spec,
        Err(e) => {
            let (pointer, message) = narrow(&doc, pointer_of(e.path()), e.inner().to_string());
            return Err(Error::at(pointer, format!("not a valid OpenAPI document here: {message}")));
        }
    };
    model::lower(&spec, diags)
}

/// A `serde_path_to_error` path as a JSON pointer.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    path.iter()
        .filter_map(|seg| match seg {
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
            serde_path_to_error::Segment::Unknown => None,
        })
        .fold(String::new(), |p, s| diagnostics::pointer_push(&p, &s))
}

/// `openapiv3` reads references, parameters and schemas through untagged or internally tagged
/// enums, which hide where inside them reading failed: the path stops at the enclosing object
/// and the message says only that no variant matched. Reading the object at `pointer` again as
/// the type it should be recovers the inner place and the real message, repeatedly.
fn narrow(doc: &serde_json::Value, mut pointer: String, mut message: String) -> (String, String) {
    fn read_as<T: serde::de::DeserializeOwned>(v: &serde_json::Value) -> Option<(String, String)> {
        serde_path_to_error::deserialize::<_, T>(v).err().map(|e| (pointer_of(e.path()), e.inner().to_string()))
    }
    for _ in 0..32 {
        let Some(value) = doc.pointer(&pointer) else { break };
        if value.get("$ref").is_some() {
            break;
        }
        let tokens = diagnostics::pointer_tokens(&pointer);
        let n = tokens.len();
        let last = tokens.last().map(String::as_str).unwrap_or("");
        let parent = if n >= 2 { tokens[n - 2].as_str() } else { "" };
        let grandparent = if n >= 3 { tokens[n - 3].as_str() } else { "" };
        let inner = match (grandparent, parent, last) {
            // `Paths` flattens its map, which hides the entry too.
            ("", "", "paths") => value.as_object().and_then(|paths| {
                paths.iter().filter(|(k, _)| !k.starts_with("x-")).find_map(|(k, item)| {
                    read_as::<openapiv3::PathItem>(item).map(|(p, m)| (diagnostics::pointer_push("", k) + &p, m))
                })
            }),
            (_, "paths" | "pathItems", _) => read_as::<openapiv3::PathItem>(value),
            (_, "parameters", _) => read_as::<openapiv3::Parameter>(value),
            (_, "headers", _) => read_as::<openapiv3::Header>(value),
            (_, "responses", _) => read_as::<openapiv3::Response>(value),
            (_, "requestBodies", _) | (_, _, "requestBody") => read_as::<openapiv3::RequestBody>(value),
            ("components", "schemas", _)
            | (_, "properties" | "allOf" | "anyOf" | "oneOf", _)
            | (_, _, "schema" | "items" | "not" | "additionalProperties") => read_as::<openapiv3::Schema>(value),
            _ => None,
        };
        let Some((inner_pointer, inner_message)) = inner else { break };
        message = inner_message;
        if inner_pointer.is_empty() {
            break;
        }
        pointer.push_str(&inner_pointer);
    }
    (pointer, message)
}

/// Runs every stage: spec text in, crate files out.
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
    let (api, found) = guard("reading the spec", || model_of_source(spec_text, source))?;
    guard("writing the crate", || write_crate(&api, found, options, &api_key_env))
}

/// Stages 4 and 5 for a model.
fn write_crate(api: &model::Api, found: Vec<Warning>, options: &Options, api_key_env: &str) -> Result<Output, Error> {
    let (notes, warnings) = found.into_iter().partition(|w| w.severity == diagnostics::Severity::Note);
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
            event_streams: api.has_event_streams(),
        }),
    }];
    for (file, contents) in format_files(&emit::Emitter::new(api, &settings), &rust_header)? {
        files.push(GeneratedFile { path: PathBuf::from(format!("src/{}", file.name())), contents });
    }
    files.push(GeneratedFile {
        path: PathBuf::from("runtime/Cargo.toml"),
        contents: emit::runtime_manifest(
            &options.crate_name,
            &options.crate_version,
            &format::header(&options.regenerate_command, "#"),
        ),
    });
    for runtime in emit::RUNTIME_FILES {
        files.push(GeneratedFile {
            path: PathBuf::from(format!("runtime/src/{}", runtime.name)),
            contents: runtime.contents(&rust_header),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Output { files, warnings, notes, operations: api.operations.len(), types: api.types.len() })
}

/// Emits, parses and prints every file. Parsing dominates generation time, and a large spec's
/// types and operations are many independent parts, so each file's parts are printed on
/// rayon's thread pool (all cores, or `RAYON_NUM_THREADS`). The result does not depend on how
/// the parts were spread: `collect` keeps their order.
fn format_files(emitter: &emit::Emitter<'_>, header: &str) -> Result<Vec<(emit::SourceFile, String)>, Error> {
    use rayon::prelude::*;

    emit::SourceFile::ALL
        .into_iter()
        .map(|file| {
            let path = format!("src/{}", file.name());
            let parts: Vec<String> = (0..emitter.part_count(file))
                .into_par_iter()
                .map(|index| format::print_part(emitter.part(file, index), index == 0, &path))
                .collect::<Result<_, _>>()?;
            Ok((file, format::finish(&parts, header)))
        })
        .collect()
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
