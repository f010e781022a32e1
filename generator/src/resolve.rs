//! Stage 1½: every `$ref` made one that the later stages read, a reference to an entry of
//! `components`, by bundling.
//!
//! OpenAPI lets a `$ref` point anywhere: inside a component (`#/components/schemas/Disk/properties/filesystem`,
//! `#/components/schemas/Tag/allOf/0`), into `paths` (`#/paths/~1users/get/parameters/0`), or to
//! another file (`./schemas/droplet.yml`, `models.yaml#/Pet`). This stage rewrites the document
//! so that the stages after it see only references of the form `#/components/{section}/{name}`:
//!
//! - A schema that is pointed at is moved into `components/schemas`, named from where it sits
//!   (`Disk/properties/filesystem` becomes `Disk_filesystem`, a `DiskFilesystem` type; a whole
//!   file `droplet.yml` becomes `droplet`), and a `$ref` to it is left in its place, so that
//!   every use shares the one type and recursive schemas stay references.
//! - Anything else (a parameter, response, request body, header, path item, ...) is copied
//!   into the place that refers to it, with the referring object's own keys (`description`,
//!   `summary`) kept over the target's.
//!
//! Other files are read relative to the file that refers to them, YAML or JSON, only when the
//! spec was given as a file ([`Source::File`]) and only inside its folder tree (or the wider
//! root an [`Options::ref_root`](crate::Options::ref_root) names): `../../secrets.yaml`, an
//! absolute path elsewhere or a symlink leading out is refused at the referring place. URLs are
//! refused with a message saying to download them. Errors name the `$ref` that failed, in the
//! file it is written in.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::diagnostics::{kind_of, pointer_push, Error, Location};
use crate::validate::{SCHEMA_LISTS, SCHEMA_MAPS, SINGLE_SUBSCHEMAS};

/// Where the document came from: decides whether references to other files can be read.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// Text with no file behind it: references to other files are refused.
    Text,
    /// The spec file at `path`. Files it refers to are read from inside `root`, which is the
    /// spec's folder unless given.
    File { path: &'a Path, root: Option<&'a Path> },
}

/// Where files read for references are kept in the document while it is resolved. Removed
/// before the stage ends.
const BUNDLE: &str = "x-openapi-rust-gen-bundled-files";
/// More rounds of rewriting than this means references that only lead to each other.
const MAX_ROUNDS: usize = 64;
/// Documents nested deeper than this are not searched further (normalize refuses them).
const MAX_DEPTH: usize = 256;
/// Files read for one spec, at most.
const MAX_FILES: usize = 2000;

/// Rewrites every `$ref` in `doc` into a reference to an entry of `components`, reading the
/// other files it names when `source` allows.
pub fn resolve(doc: &mut Value, source: Source<'_>) -> Result<(), Error> {
    let mut files = Files::new(source)?;
    if files.base.is_some() {
        let root_dir = files.spec_dir.clone();
        files.rewrite_file_refs(doc, "", root_dir.as_deref());
    }
    let result = resolve_rounds(doc, &mut files);
    if let Some(root) = doc.as_object_mut() {
        root.remove(BUNDLE);
    }
    result
}

/// What a place in the document holds, as far as references are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    PathItem,
    Operation,
    Parameter,
    Header,
    RequestBody,
    Response,
    MediaType,
    Schema,
    Example,
    Link,
    Callback,
    SecurityScheme,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::PathItem => "path item",
            Kind::Operation => "operation",
            Kind::Parameter => "parameter",
            Kind::Header => "header",
            Kind::RequestBody => "request body",
            Kind::Response => "response",
            Kind::MediaType => "media type",
            Kind::Schema => "schema",
            Kind::Example => "example",
            Kind::Link => "link",
            Kind::Callback => "callback",
            Kind::SecurityScheme => "security scheme",
        }
    }
}

/// A `$ref` found at a place where a `kind` is expected.
struct Site {
    /// JSON pointer of the object holding the `$ref`.
    pointer: String,
    kind: Kind,
    target: String,
}

const COMPONENT_SECTIONS: [(&str, Kind); 10] = [
    ("schemas", Kind::Schema),
    ("responses", Kind::Response),
    ("parameters", Kind::Parameter),
    ("examples", Kind::Example),
    ("requestBodies", Kind::RequestBody),
    ("headers", Kind::Header),
    ("securitySchemes", Kind::SecurityScheme),
    ("links", Kind::Link),
    ("callbacks", Kind::Callback),
    ("pathItems", Kind::PathItem),
];

const HTTP_METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every `$ref` at a place the OpenAPI structure gives a meaning, in document order.
fn collect(doc: &Value) -> Vec<Site> {
    let mut sites = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            walk(item, Kind::PathItem, &pointer_push("/paths", path), 0, &mut sites);
        }
    }
    if let Some(hooks) = doc.get("webhooks").and_then(Value::as_object) {
        for (name, item) in hooks {
            walk(item, Kind::PathItem, &pointer_push("/webhooks", name), 0, &mut sites);
        }
    }
    if let Some(components) = doc.get("components").and_then(Value::as_object) {
        for (section, kind) in COMPONENT_SECTIONS {
            if let Some(entries) = components.get(section).and_then(Value::as_object) {
                let base = pointer_push("/components", section);
                for (name, v) in entries {
                    walk(v, kind, &pointer_push(&base, name), 0, &mut sites);
                }
            }
        }
    }
    sites
}

fn each_entry(v: &Value, key: &str, kind: Kind, ptr: &str, depth: usize, sites: &mut Vec<Site>) {
    if let Some(map) = v.get(key).and_then(Value::as_object) {
        let here = pointer_push(ptr, key);
        for (name, child) in map {
            walk(child, kind, &pointer_push(&here, name), depth + 1, sites);
        }
    }
}

fn each_item(v: &Value, key: &str, kind: Kind, ptr: &str, depth: usize, sites: &mut Vec<Site>) {
    if let Some(list) = v.get(key).and_then(Value::as_array) {
        let here = pointer_push(ptr, key);
        for (i, child) in list.iter().enumerate() {
            walk(child, kind, &pointer_push(&here, &i.to_string()), depth + 1, sites);
        }
    }
}

fn child(v: &Value, key: &str, kind: Kind, ptr: &str, depth: usize, sites: &mut Vec<Site>) {
    if let Some(c) = v.get(key) {
        walk(c, kind, &pointer_push(ptr, key), depth + 1, sites);
    }
}

fn walk(v: &Value, kind: Kind, ptr: &str, depth: usize, sites: &mut Vec<Site>) {
    let Some(obj) = v.as_object() else { return };
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(target) = obj.get("$ref").and_then(Value::as_str) {
        sites.push(Site { pointer: ptr.to_owned(), kind, target: target.to_owned() });
        // Only a schema's other keywords mean something next to a `$ref`.
        if kind != Kind::Schema {
            return;
        }
    }
    match kind {
        Kind::PathItem => {
            each_item(v, "parameters", Kind::Parameter, ptr, depth, sites);
            for method in HTTP_METHODS {
                child(v, method, Kind::Operation, ptr, depth, sites);
            }
        }
        Kind::Operation => {
            each_item(v, "parameters", Kind::Parameter, ptr, depth, sites);
            child(v, "requestBody", Kind::RequestBody, ptr, depth, sites);
            each_entry(v, "responses", Kind::Response, ptr, depth, sites);
            each_entry(v, "callbacks", Kind::Callback, ptr, depth, sites);
        }
        Kind::Callback => {
            for (expr, item) in obj {
                walk(item, Kind::PathItem, &pointer_push(ptr, expr), depth + 1, sites);
            }
        }
        Kind::Parameter | Kind::Header => {
            child(v, "schema", Kind::Schema, ptr, depth, sites);
            each_entry(v, "content", Kind::MediaType, ptr, depth, sites);
            each_entry(v, "examples", Kind::Example, ptr, depth, sites);
        }
        Kind::RequestBody => each_entry(v, "content", Kind::MediaType, ptr, depth, sites),
        Kind::Response => {
            each_entry(v, "headers", Kind::Header, ptr, depth, sites);
            each_entry(v, "content", Kind::MediaType, ptr, depth, sites);
            each_entry(v, "links", Kind::Link, ptr, depth, sites);
        }
        Kind::MediaType => {
            child(v, "schema", Kind::Schema, ptr, depth, sites);
            each_entry(v, "examples", Kind::Example, ptr, depth, sites);
            if let Some(encoding) = obj.get("encoding").and_then(Value::as_object) {
                let here = pointer_push(ptr, "encoding");
                for (name, e) in encoding {
                    each_entry(e, "headers", Kind::Header, &pointer_push(&here, name), depth + 1, sites);
                }
            }
        }
        Kind::Schema => {
            for key in SCHEMA_MAPS {
                each_entry(v, key, Kind::Schema, ptr, depth, sites);
            }
            for key in SCHEMA_LISTS {
                each_item(v, key, Kind::Schema, ptr, depth, sites);
            }
            for key in SINGLE_SUBSCHEMAS {
                match obj.get(key) {
                    Some(Value::Array(_)) => each_item(v, key, Kind::Schema, ptr, depth, sites),
                    Some(_) => child(v, key, Kind::Schema, ptr, depth, sites),
                    None => {}
                }
            }
        }
        Kind::Example | Kind::Link | Kind::SecurityScheme => {}
    }
}

/// Splits a URI fragment (`/paths/~1users/get`, percent-encoding allowed) into reference tokens.
fn pointer_tokens(fragment: &str) -> Option<Vec<String>> {
    let decoded = percent_decode(fragment);
    if decoded.is_empty() {
        return Some(Vec::new());
    }
    let rest = decoded.strip_prefix('/')?;
    Some(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

fn tokens_pointer(tokens: &[String]) -> String {
    tokens.iter().fold(String::new(), |p, t| pointer_push(&p, t))
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Does a reference name a URL (`https://...`, `file:...`) rather than a path?
fn is_url(reference: &str) -> bool {
    let Some(colon) = reference.find(':') else { return false };
    let scheme = &reference[..colon];
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

enum FileState {
    /// Found and allowed; read when first needed.
    Pending(PathBuf),
    Mounted,
    /// Why it cannot be read; reported at the place that refers to it.
    Failed(String),
}

/// The files a spec refers to, by the name they are kept under in [`BUNDLE`] (their path
/// relative to the root).
struct Files {
    base: Option<PathBuf>,
    /// The spec's own folder.
    spec_dir: Option<PathBuf>,
    /// Files may be read only from inside this folder (canonical).
    root: Option<PathBuf>,
    states: BTreeMap<String, FileState>,
    /// The reference as written, for each rewritten one, to quote in messages.
    written: HashMap<String, String>,
    /// Where copied content came from: (pointer of the copy, pointer of the original), so
    /// that an error inside a copy names the place it is written.
    origins: Vec<(String, String)>,
}

impl Files {
    fn new(source: Source<'_>) -> Result<Self, Error> {
        let mut files = Files {
            base: None,
            spec_dir: None,
            root: None,
            states: BTreeMap::new(),
            written: HashMap::new(),
            origins: Vec::new(),
        };
        if let Source::File { path, root } = source {
            let canonical =
                path.canonicalize().map_err(|e| Error::document(format!("cannot read {}: {e}", path.display())))?;
            let dir = canonical.parent().map(Path::to_path_buf).unwrap_or_default();
            let root = match root {
                Some(r) => r.canonicalize().map_err(|e| {
                    Error::document(format!("the folder allowed for `$ref`s, {}, cannot be read: {e}", r.display()))
                })?,
                None => dir.clone(),
            };
            files.base = Some(canonical);
            files.spec_dir = Some(dir);
            files.root = Some(root);
        }
        Ok(files)
    }

    /// Rewrites the references to other files inside `value` (which came from the file in
    /// `dir`, kept under `prefix` in the document) into references within the document.
    /// References within the file get `prefix` in front.
    fn rewrite_file_refs(&mut self, value: &mut Value, prefix: &str, dir: Option<&Path>) {
        let mut stack = vec![value];
        while let Some(v) = stack.pop() {
            match v {
                Value::Object(map) => {
                    for (k, c) in map.iter_mut() {
                        match c {
                            Value::String(r) if k == "$ref" => {
                                if let Some(new) = self.rewrite_one(r, prefix, dir) {
                                    self.written.insert(new.clone(), r.clone());
                                    *r = new;
                                }
                            }
                            _ => stack.push(c),
                        }
                    }
                }
                Value::Array(items) => stack.extend(items.iter_mut()),
                _ => {}
            }
        }
    }

    fn rewrite_one(&mut self, reference: &str, prefix: &str, dir: Option<&Path>) -> Option<String> {
        if is_url(reference) {
            return None;
        }
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if file.is_empty() {
            return (!prefix.is_empty()).then(|| format!("#{prefix}{fragment}"));
        }
        let id = self.file_id(&percent_decode(file), dir);
        Some(format!("#{}{fragment}", pointer_push(&pointer_push("", BUNDLE), &id)))
    }

    /// The name a referred file is kept under, noting whether it may be read.
    fn file_id(&mut self, file: &str, dir: Option<&Path>) -> String {
        let (Some(dir), Some(root)) = (dir, self.root.clone()) else {
            let id = format!("(not read) {file}");
            self.states.entry(id.clone()).or_insert_with(|| {
                FileState::Failed(
                    "it refers to another file, which is read only when the spec is given as a file \
                     (`generator::generate_file`, or `cargo xtask codegen --spec FILE`)"
                        .into(),
                )
            });
            return id;
        };
        let joined = dir.join(file);
        let lexical = lexical_normal(&joined);
        let canonical = match joined.canonicalize() {
            Ok(c) => c,
            Err(e) => {
                let id = lexical.strip_prefix(&root).map_or_else(|_| lexical.display().to_string(), slash_path);
                let why = format!("cannot read {}: {e}", lexical.display());
                self.states.entry(id.clone()).or_insert(FileState::Failed(why));
                return id;
            }
        };
        match canonical.strip_prefix(&root) {
            Ok(rel) => {
                let id = slash_path(rel);
                if !self.states.contains_key(&id) {
                    let state = if self.states.len() >= MAX_FILES {
                        FileState::Failed(format!("the spec refers to more than {MAX_FILES} files"))
                    } else if canonical.is_file() {
                        FileState::Pending(canonical)
                    } else {
                        FileState::Failed(format!("{} is not a file", canonical.display()))
                    };
                    self.states.insert(id.clone(), state);
                }
                id
            }
            Err(_) => {
                let id = format!("(outside) {}", lexical.display());
                self.states.entry(id.clone()).or_insert_with(|| {
                    FileState::Failed(format!(
                        "{} is outside {}, the folder the spec's references may read from; give a wider root \
                         (`Options::ref_root`, `--allow-ref-root DIR`) to allow it",
                        canonical.display(),
                        root.display()
                    ))
                });
                id
            }
        }
    }

    /// Makes sure the file kept under `id` is in the document, reading it if needed.
    fn mount(&mut self, doc: &mut Value, id: &str) -> Result<(), String> {
        match self.states.get(id) {
            Some(FileState::Mounted) => return Ok(()),
            Some(FileState::Failed(why)) => return Err(why.clone()),
            None => return Err("no such file was referred to".into()),
            Some(FileState::Pending(_)) => {}
        }
        let Some(FileState::Pending(path)) = self.states.insert(id.to_owned(), FileState::Mounted) else {
            return Err("no such file was referred to".into());
        };
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut value = parse_any(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let prefix = pointer_push(&pointer_push("", BUNDLE), id);
        self.rewrite_file_refs(&mut value, &prefix, path.parent());
        let Some(root) = doc.as_object_mut() else { return Err("the document is not a mapping".into()) };
        let bundle = root.entry(BUNDLE).or_insert_with(|| json!({}));
        if let Some(bundle) = bundle.as_object_mut() {
            bundle.insert(id.to_owned(), value);
        }
        Ok(())
    }

    /// The reference as its author wrote it.
    fn as_written<'a>(&'a self, reference: &'a str) -> &'a str {
        self.written.get(reference).map_or(reference, String::as_str)
    }
}

/// A referred file: any YAML or JSON value (a schema file may be a mapping, a list of
/// parameters, ...).
fn parse_any(text: &str) -> Result<Value, Error> {
    match crate::load::parse(text) {
        Ok(v) => Ok(v),
        Err(e) if e.message.contains("top level") => {
            let yaml = crate::yaml::from_str(text).map_err(|e| Error::document(e.to_string()))?;
            serde_json::to_value(yaml).map_err(|e| Error::document(e.to_string()))
        }
        Err(e) => Err(e),
    }
}

fn slash_path(p: &Path) -> String {
    p.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
}

/// `a/./b/../c` as `a/c`, without touching the file system.
fn lexical_normal(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Where the text at `pointer` is written: through the copies made (latest first), and in
/// another file as that file's name and the pointer within it.
fn origin(pointer: &str, origins: &[(String, String)]) -> Location {
    let mut pointer = pointer.to_owned();
    for (copy, original) in origins.iter().rev() {
        if pointer == *copy || pointer.starts_with(&format!("{copy}/")) {
            pointer = format!("{original}{}", &pointer[copy.len()..]);
        }
    }
    let bundle_prefix = pointer_push("", BUNDLE);
    if let Some(rest) = pointer.strip_prefix(&bundle_prefix) {
        let tokens = pointer_tokens(rest).unwrap_or_default();
        if let Some((file, inner)) = tokens.split_first() {
            return Location { file: Some(file.into()), ..Location::pointer(tokens_pointer(inner)) };
        }
    }
    Location::pointer(pointer)
}

/// A place for a message: `#/a/b`, or `file.yaml#/a/b` inside another file.
fn shown(tokens: &[String]) -> String {
    match tokens.split_first() {
        Some((first, rest)) if first == BUNDLE => match rest.split_first() {
            Some((file, inner)) => format!("{file}#{}", tokens_pointer(inner)),
            None => "#".into(),
        },
        _ => format!("#{}", tokens_pointer(tokens)),
    }
}

fn get_path<'v>(doc: &'v Value, tokens: &[String]) -> Option<&'v Value> {
    tokens.iter().try_fold(doc, |v, t| step(v, t))
}

fn get_path_mut<'v>(doc: &'v mut Value, tokens: &[String]) -> Option<&'v mut Value> {
    tokens.iter().try_fold(doc, |v, t| match v {
        Value::Object(m) => m.get_mut(t),
        Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
        _ => None,
    })
}

fn step<'v>(v: &'v Value, token: &str) -> Option<&'v Value> {
    match v {
        Value::Object(m) => m.get(token),
        Value::Array(a) => token.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    }
}

/// Finds where `tokens` lead in `doc`, following a `$ref` met on the way (a pointer written
/// through a reference, or into a schema that was moved into `components`). Returns the
/// path actually walked.
fn locate(doc: &mut Value, tokens: &[String], files: &mut Files) -> Result<Vec<String>, String> {
    let mut path: Vec<String> = Vec::new();
    let mut hops = 0;
    let mut i = 0;
    while i < tokens.len() {
        if path.is_empty() && tokens[0] == BUNDLE {
            if let Some(id) = tokens.get(1) {
                files.mount(doc, id)?;
            }
        }
        let here = get_path(doc, &path).ok_or_else(|| format!("`{}` does not exist", shown(&path)))?;
        if step(here, &tokens[i]).is_some() {
            path.push(tokens[i].clone());
            i += 1;
            continue;
        }
        // Not here: if this is a reference, continue from its target.
        match here.get("$ref").and_then(Value::as_str).map(str::to_owned) {
            Some(r) if hops < MAX_ROUNDS => {
                hops += 1;
                let fragment =
                    r.strip_prefix('#').ok_or_else(|| format!("`{r}` on the way is not within the document"))?;
                path = pointer_tokens(fragment).ok_or_else(|| format!("`{r}` on the way is not a JSON pointer"))?;
                if path.first().is_some_and(|t| t == BUNDLE) {
                    if let Some(id) = path.get(1) {
                        files.mount(doc, id)?;
                    }
                }
                get_path(doc, &path).ok_or_else(|| format!("`{r}` on the way points to nothing"))?;
            }
            _ => {
                let at = if path.is_empty() { "the document".to_owned() } else { format!("`{}`", shown(&path)) };
                return Err(format!("it points to nothing: {at} has no `{}`", tokens[i]));
            }
        }
    }
    Ok(path)
}

/// A `$ref` and nothing else.
fn pure_ref(v: &Value) -> Option<&str> {
    let obj = v.as_object()?;
    (obj.len() == 1).then(|| obj.get("$ref").and_then(Value::as_str)).flatten()
}

/// The `components/schemas` key for a schema moved from `path`: the names along the way,
/// without the structural keywords (`Disk/properties/filesystem` gives `Disk_filesystem`).
fn name_from(path: &[String]) -> String {
    let mut tokens: Vec<&str> = path.iter().map(String::as_str).collect();
    let mut file_stem = None;
    if tokens.first() == Some(&BUNDLE) && tokens.len() >= 2 {
        let id = tokens[1];
        let file = id.rsplit('/').next().unwrap_or(id);
        file_stem = Some(file.split('.').next().unwrap_or(file).to_owned());
        tokens.drain(..2);
    }
    if tokens.len() >= 3 && tokens[0] == "components" {
        tokens.drain(..2);
    }
    let mut parts = Vec::new();
    let mut skip_next = false;
    for t in tokens {
        if skip_next {
            skip_next = false;
            continue;
        }
        match t {
            "properties" | "schema" | "schemas" | "definitions" | "$defs" | "paths" | "components" | "responses" => {}
            "content" => skip_next = true,
            other => parts.push(other),
        }
    }
    let name = parts.join("_");
    if name.trim_matches(|c: char| !c.is_alphanumeric()).is_empty() {
        file_stem.unwrap_or_else(|| "Referenced".to_owned())
    } else {
        name
    }
}

fn resolve_rounds(doc: &mut Value, files: &mut Files) -> Result<(), Error> {
    let mut last_changed = None;
    for _ in 0..MAX_ROUNDS {
        let mut sites = collect(doc);
        // A component that is only a reference gives its name to what it refers to, so
        // aliases come first.
        sites.sort_by_key(|s| alias_key(doc, s).is_none());
        let mut round = Round::default();
        let mut changed = None;
        for site in sites {
            if round.follow(doc, files, &site)? {
                changed = Some(site.pointer.clone());
            }
        }
        round.move_schemas(doc);
        match changed {
            None => return Ok(()),
            Some(p) => last_changed = Some(p),
        }
    }
    let at = last_changed.unwrap_or_default();
    Err(Error {
        location: origin(&at, &files.origins),
        message: format!("`$ref`s here lead to each other in a loop (more than {MAX_ROUNDS} steps)"),
        warnings: Vec::new(),
        internal: false,
    })
}

/// One pass over every `$ref`: what it decided to move into `components/schemas`.
#[derive(Default)]
struct Round {
    /// Schemas to move into components, by where they are, with their new key.
    moves: BTreeMap<Vec<String>, String>,
    taken: Vec<String>,
}

impl Round {
    /// Follows one `$ref` a step; whether the document changed.
    fn follow(&mut self, doc: &mut Value, files: &mut Files, site: &Site) -> Result<bool, Error> {
        let written = files.as_written(&site.target).to_owned();
        let location = origin(&site.pointer, &files.origins);
        let fail = |why: String| Error {
            location: location.clone(),
            message: format!("`$ref: {written}` cannot be followed: {why}"),
            warnings: Vec::new(),
            internal: false,
        };
        let path = match target_path(doc, files, site) {
            Ok(None) => return Ok(false), // already what the later stages read
            Ok(Some(path)) => path,
            Err(why) => return Err(fail(why)),
        };
        if path.len() == 3 && path[0] == "components" {
            set_ref(doc, &site.pointer, &format!("#{}", tokens_pointer(&path)));
            return Ok(true);
        }
        let Some(target) = get_path(doc, &path) else { return Err(fail("it points to nothing".into())) };
        if let Some(next) = pure_ref(target) {
            if next == site.target {
                return Err(fail("it refers only to itself".into()));
            }
            let next = next.to_owned();
            set_ref(doc, &site.pointer, &next);
            return Ok(true);
        }
        if site.kind == Kind::Schema {
            let key = self.key_for(doc, site, &path);
            set_ref(doc, &site.pointer, &format!("#{}", pointer_push("/components/schemas", &key)));
            return Ok(true);
        }
        if !target.is_object() {
            return Err(fail(format!("it points to {}, where a {} was expected", kind_of(target), site.kind.noun())));
        }
        copy_in(doc, files, site, &path);
        Ok(true)
    }

    /// The `components/schemas` key the schema at `path` moves to, decided once per round.
    fn key_for(&mut self, doc: &Value, site: &Site, path: &[String]) -> String {
        if let Some(key) = self.moves.get(path) {
            return key.clone();
        }
        let key = match alias_key(doc, site) {
            Some(alias) if !self.taken.contains(&alias) => alias,
            _ => free_key(doc, &name_from(path), &self.taken),
        };
        self.taken.push(key.clone());
        self.moves.insert(path.to_vec(), key.clone());
        key
    }

    /// Moves the schemas this round decided on, deepest first, so that moving one schema does
    /// not move another's place.
    fn move_schemas(self, doc: &mut Value) {
        let mut ordered: Vec<(Vec<String>, String)> = self.moves.into_iter().collect();
        ordered.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        for (path, key) in ordered {
            let reference = json!({ "$ref": format!("#{}", pointer_push("/components/schemas", &key)) });
            let Some(slot) = get_path_mut(doc, &path) else { continue };
            let schema = std::mem::replace(slot, reference);
            schemas_section(doc).insert(key, schema);
        }
    }
}

/// Where a `$ref` points, as a path in the (bundled) document; `None` when it already names a
/// component entry; an explanation when it cannot be followed.
fn target_path(doc: &mut Value, files: &mut Files, site: &Site) -> Result<Option<Vec<String>>, String> {
    if is_url(&site.target) {
        return Err("it is a URL, and references are followed only within the document and to files next to it; \
                    download the file and refer to the local copy"
            .into());
    }
    let Some(fragment) = site.target.strip_prefix('#') else {
        // Only reachable for text given without a file: every file reference of a
        // file-based spec was rewritten.
        let id = files.file_id(site.target.split('#').next().unwrap_or_default(), None);
        return Err(match files.states.get(&id) {
            Some(FileState::Failed(why)) => why.clone(),
            _ => "it names another file".into(),
        });
    };
    let Some(tokens) = pointer_tokens(fragment) else {
        return Err("the part after `#` is not a JSON pointer (it must start with `/`)".into());
    };
    if tokens.len() == 3 && tokens[0] == "components" {
        return Ok(None);
    }
    if tokens.is_empty() {
        return Err("it points to the whole document".into());
    }
    locate(doc, &tokens, files).map(Some)
}

/// Puts a copy of the object at `path` where `site`'s `$ref` is, keeping the `$ref`'s siblings.
fn copy_in(doc: &mut Value, files: &mut Files, site: &Site, path: &[String]) {
    let Some(mut copy) = get_path(doc, path).cloned() else { return };
    if let (Some(copy), Some(here)) =
        (copy.as_object_mut(), pointer_tokens(&site.pointer).and_then(|t| get_path(doc, &t)).and_then(Value::as_object))
    {
        for (k, v) in here {
            if k != "$ref" {
                copy.insert(k.clone(), v.clone());
            }
        }
    }
    if let Some(slot) = pointer_tokens(&site.pointer).and_then(|t| get_path_mut(doc, &t)) {
        *slot = copy;
        files.origins.push((site.pointer.clone(), tokens_pointer(path)));
    }
}

/// For `components/schemas/X: {$ref: ...}` (nothing else), `X`.
fn alias_key(doc: &Value, site: &Site) -> Option<String> {
    let tokens = pointer_tokens(&site.pointer)?;
    let [components, schemas, key] = tokens.as_slice() else { return None };
    if components != "components" || schemas != "schemas" || site.kind != Kind::Schema {
        return None;
    }
    pure_ref(get_path(doc, &tokens)?).map(|_| key.clone())
}

fn set_ref(doc: &mut Value, site: &str, reference: &str) {
    if let Some(obj) = pointer_tokens(site).and_then(|t| get_path_mut(doc, &t)).and_then(Value::as_object_mut) {
        obj.insert("$ref".into(), Value::String(reference.to_owned()));
    }
}

fn schemas_section(doc: &mut Value) -> &mut Map<String, Value> {
    if !doc.is_object() {
        *doc = json!({});
    }
    let root = doc.as_object_mut().expect("made an object above");
    let components = root.entry("components").or_insert_with(|| json!({}));
    if !components.is_object() {
        *components = json!({});
    }
    let components = components.as_object_mut().expect("made an object above");
    let schemas = components.entry("schemas").or_insert_with(|| json!({}));
    if !schemas.is_object() {
        *schemas = json!({});
    }
    schemas.as_object_mut().expect("made an object above")
}

/// `name`, or `name_2`, `name_3`, ... if `components/schemas` has it already.
fn free_key(doc: &Value, name: &str, taken: &[String]) -> String {
    let exists =
        |k: &str| taken.iter().any(|t| t == k) || doc.pointer("/components/schemas").and_then(|s| s.get(k)).is_some();
    if !exists(name) {
        return name.to_owned();
    }
    (2..).map(|n| format!("{name}_{n}")).find(|k| !exists(k)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(doc: Value) -> Result<Value, Error> {
        let mut doc = doc;
        resolve(&mut doc, Source::Text).map(|()| doc)
    }

    #[test]
    fn schemas_inside_components_are_moved_and_named_from_their_place() {
        let doc = resolved(json!({
            "paths": {"/d": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Disk/properties/filesystem"}}}}}}}},
            "components": {"schemas": {
                "Disk": {"type": "object", "properties": {"filesystem": {"type": "object", "properties": {"x": {"type": "string"}}}}},
                "Tag": {"allOf": [{"type": "object"}]},
                "UsesTag": {"$ref": "#/components/schemas/Tag/allOf/0"}
            }}
        }))
        .unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Disk"]["properties"]["filesystem"],
            json!({"$ref": "#/components/schemas/Disk_filesystem"})
        );
        assert_eq!(schemas["Disk_filesystem"]["properties"]["x"]["type"], "string");
        // A component that is only a reference lends the target its name.
        assert_eq!(schemas["UsesTag"]["type"], "object");
        assert_eq!(schemas["Tag"]["allOf"][0]["$ref"], "#/components/schemas/UsesTag");
        let body = &doc["paths"]["/d"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(body["$ref"], "#/components/schemas/Disk_filesystem");
    }

    #[test]
    fn non_schemas_are_copied_with_the_referrers_own_keys() {
        let doc = resolved(json!({
            "paths": {
                "/users": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}], "responses": {}}},
                "/others": {"get": {
                    "parameters": [{"$ref": "#/paths/~1users/get/parameters/0", "description": "mine"}],
                    "responses": {"200": {"$ref": "#/paths/~1users/get/responses/404"}}
                }}
            }
        }));
        let err = doc.unwrap_err();
        assert_eq!(err.location.pointer.as_deref(), Some("/paths/~1others/get/responses/200"));
        assert!(err.message.contains("`#/paths/~1users/get/responses` has no `404`"), "{err}");
        let doc = resolved(json!({
            "paths": {
                "/users": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}], "responses": {}}},
                "/others": {"get": {"parameters": [{"$ref": "#/paths/~1users/get/parameters/0", "description": "mine"}]}}
            }
        }))
        .unwrap();
        let p = &doc["paths"]["/others"]["get"]["parameters"][0];
        assert_eq!(p["name"], "q");
        assert_eq!(p["description"], "mine");
        assert!(p.get("$ref").is_none());
    }

    #[test]
    fn chains_loops_and_bad_pointers_are_handled() {
        // A chain through non-component places ends at the component.
        let doc = resolved(json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
            "B": {"type": "string"},
            "C": {"$ref": "#/components/schemas/A/properties/b"}
        }}}))
        .unwrap();
        assert_eq!(doc["components"]["schemas"]["C"]["$ref"], "#/components/schemas/B");
        // Parameters that refer to each other.
        let err = resolved(json!({"paths": {"/a": {"get": {"parameters": [
            {"$ref": "#/paths/~1a/get/parameters/1"}, {"$ref": "#/paths/~1a/get/parameters/0"}
        ]}}}}))
        .unwrap_err();
        assert!(err.message.contains("refers only to itself") || err.message.contains("loop"), "{err}");
        for bad in ["#paths", "#", "https://example.com/s.yaml", "other.yaml#/A"] {
            let err = resolved(json!({"components": {"schemas": {"A": {"$ref": bad}, "B": {"type": "object"}}}, "paths": {"/x": {"get": {
                "parameters": [{"name": "p", "in": "query", "schema": {"$ref": bad}}]}}}}))
            .unwrap_err();
            assert!(err.location.pointer.is_some(), "{err}");
            assert!(err.message.contains(bad), "{err}");
        }
    }

    #[test]
    fn percent_encoded_pointers_and_recursive_schemas() {
        let doc = resolved(json!({"components": {"schemas": {
            "Node": {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/components/schemas/Node/properties/kids"}}}},
            "Use": {"$ref": "#/components/schemas/Node/properties/kids%2Fitems"}
        }}}))
        .unwrap();
        // Percent-decoding comes before splitting: `%2F` separates tokens.
        assert_eq!(doc["components"]["schemas"]["Use"]["$ref"], "#/components/schemas/Node_kids");
        let doc = resolved(json!({"components": {"schemas": {
            "Node": {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/components/schemas/Node/properties/kids"}}}}
        }}}))
        .unwrap();
        let s = &doc["components"]["schemas"];
        assert_eq!(s["Node"]["properties"]["kids"]["$ref"], "#/components/schemas/Node_kids");
        assert_eq!(s["Node_kids"]["items"]["$ref"], "#/components/schemas/Node_kids");
        assert_eq!(percent_decode("%7Bid%7D%2"), "{id}%2");
    }

    #[test]
    fn names_come_from_the_place() {
        let t = |s: &str| pointer_tokens(s).unwrap();
        assert_eq!(name_from(&t("/components/schemas/Disk/properties/filesystem")), "Disk_filesystem");
        assert_eq!(
            name_from(&t("/paths/~1users/get/responses/200/content/application~1json/schema")),
            "/users_get_200"
        );
        assert_eq!(name_from(&[BUNDLE.into(), "schemas/droplet.yml".into()]), "droplet");
        assert_eq!(name_from(&[BUNDLE.into(), "models.yaml".into(), "Pet".into()]), "Pet");
        assert_eq!(
            name_from(&[BUNDLE.into(), "c.yaml".into(), "components".into(), "schemas".into(), "Error".into()]),
            "Error"
        );
        assert!(is_url("https://x/y.yaml") && is_url("file:///etc/passwd") && !is_url("./a.yaml") && !is_url("#/a:b"));
    }
}
