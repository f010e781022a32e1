//! Errors and warnings, each tied to the place in the input it is about.
//!
//! A [`Location`] carries a JSON pointer into the document and, once the position index of the
//! source text has been consulted (see [`crate::load::Positions`]), the line and column the
//! pointer starts at. It also has room for the file the place is in, for specs split over
//! several files; `None` there means "the spec being read", which the caller names.

use std::fmt;
use std::path::{Path, PathBuf};

/// Builds a JSON pointer (RFC 6901) one reference token at a time.
pub fn pointer_push(base: &str, token: &str) -> String {
    let escaped = token.replace('~', "~0").replace('/', "~1");
    format!("{base}/{escaped}")
}

/// What kind of JSON value `v` is, for messages ("a list", "a mapping").
pub fn kind_of(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// The reference tokens of a JSON pointer, unescaped (`/paths/~1a` gives `["paths", "/a"]`).
pub fn pointer_tokens(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer.trim_start_matches('/').split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect()
}

/// A JSON pointer written for people: `#/paths/"/v0/websets"/get` rather than
/// `#/paths/~1v0~1websets/get`. Tokens that contain a `/` are quoted so the result stays
/// unambiguous.
pub fn readable_pointer(pointer: &str) -> String {
    let mut out = String::from("#");
    for token in pointer_tokens(pointer) {
        out.push('/');
        if token.contains('/') {
            out.push('"');
            out.push_str(&token);
            out.push('"');
        } else {
            out.push_str(&token);
        }
    }
    if out == "#" {
        out.push('/');
    }
    out
}

/// A position in the source text, both 1-based (the column counts characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line, 1-based.
    pub line: u32,
    /// Column in characters, 1-based.
    pub column: u32,
}

impl Position {
    /// A position from counts that fit any text the generator reads (larger ones saturate).
    pub fn new(line: usize, column: usize) -> Self {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Position { line: narrow(line), column: narrow(column) }
    }
}

/// Where in the input a diagnostic points. Any part may be unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The file, when it is not the spec the generator was given (room for multi-file specs).
    pub file: Option<PathBuf>,
    /// A JSON pointer into the document, escaped as RFC 6901 says, without the leading `#`.
    /// `None` for problems found before there is a document (syntax errors) or about the input
    /// as a whole.
    pub pointer: Option<String>,
    /// Line and column in the source text.
    pub position: Option<Position>,
}

impl Location {
    /// A place in the document, by JSON pointer (`/paths/~1a/get`).
    pub fn pointer(pointer: impl Into<String>) -> Self {
        Location { pointer: Some(pointer.into()), ..Location::default() }
    }

    /// A place in the text, by 1-based line and column.
    pub fn text(line: usize, column: usize) -> Self {
        Location { position: Some(Position::new(line, column)), ..Location::default() }
    }

    /// The input as a whole (an empty file, a wrong top-level value).
    pub fn document() -> Self {
        Location::default()
    }

    /// This location, naming `file` when it names no file yet.
    pub fn or_file(mut self, file: &Path) -> Self {
        if self.file.is_none() {
            self.file = Some(file.to_path_buf());
        }
        self
    }
}

impl fmt::Display for Location {
    /// `file:line:column: #/pointer`, leaving out what is unknown (`document` when nothing is).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = match &self.file {
            Some(file) => file.display().to_string(),
            None => String::new(),
        };
        if let Some(Position { line, column }) = self.position {
            if !place.is_empty() {
                place.push(':');
            }
            place.push_str(&format!("{line}:{column}"));
        }
        match (&self.pointer, place.is_empty()) {
            (Some(p), true) => f.write_str(&readable_pointer(p)),
            (Some(p), false) => write!(f, "{place}: {}", readable_pointer(p)),
            (None, true) => f.write_str("document"),
            (None, false) => f.write_str(&place),
        }
    }
}

/// A spec the generator cannot turn into a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Where the problem is.
    pub location: Location,
    /// What is wrong, and where possible what to write instead.
    pub message: String,
    /// Warnings found before the error stopped the work. They are often its cause (a misspelt
    /// keyword that left a required field missing), so they are worth showing with it.
    pub warnings: Vec<Warning>,
    /// A bug in the generator rather than a fault of the spec; `message` says what it was
    /// doing.
    pub internal: bool,
}

impl Error {
    /// An error about the place at JSON pointer `pointer`.
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error { location: Location::pointer(pointer), message: message.into(), warnings: Vec::new(), internal: false }
    }

    /// An error about the input as a whole.
    pub fn document(message: impl Into<String>) -> Self {
        Error { location: Location::document(), message: message.into(), warnings: Vec::new(), internal: false }
    }

    /// An error at a line and column of the text.
    pub fn at_text(line: usize, column: usize, message: impl Into<String>) -> Self {
        Error { location: Location::text(line, column), message: message.into(), warnings: Vec::new(), internal: false }
    }

    /// This error, naming `file` when its location names no file yet.
    pub fn or_file(mut self, file: &Path) -> Self {
        self.location = self.location.or_file(file);
        self
    }

    /// A bug in the generator rather than a fault of the spec, met while doing `doing`.
    pub fn internal(doing: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            location: Location::document(),
            message: format!("while {}: {}", doing.into(), message.into()),
            warnings: Vec::new(),
            internal: true,
        }
    }

    /// Is this a bug in the generator (not a spec it cannot read)?
    pub fn is_internal(&self) -> bool {
        self.internal
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.internal {
            write!(f, "internal error (a bug in the generator) {}", self.message)
        } else {
            write!(f, "{}: {}", self.location, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// How much a warning matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something the user can act on: a likely mistake or a lossy reading of the spec.
    Warning,
    /// Background information (shown by the command line only with `--verbose`).
    Note,
}

/// Something in the spec that is wrong or lossy but has a sensible, documented handling.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// Where it is.
    pub location: Location,
    /// What it is and what the generator did about it.
    pub message: String,
    /// A warning, or a note that only `--verbose` shows.
    pub severity: Severity,
}

impl Warning {
    /// The JSON pointer the warning is about (`""` for the whole document).
    pub fn pointer(&self) -> &str {
        self.location.pointer.as_deref().unwrap_or("")
    }

    /// This warning, naming `file` when its location names no file yet.
    pub fn or_file(mut self, file: &Path) -> Self {
        self.location = self.location.or_file(file);
        self
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        write!(f, "{label}: {}: {}", self.location, self.message)
    }
}

/// Collects warnings as the stages run; the caller decides how to show them.
#[derive(Debug, Default)]
pub struct Diagnostics {
    warnings: Vec<Warning>,
}

impl Diagnostics {
    /// Records a warning about the place at JSON pointer `pointer`.
    pub fn warn(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(pointer.into(), message.into(), Severity::Warning);
    }

    /// Records a note: true and perhaps useful, but nothing the user needs to act on.
    pub fn note(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(pointer.into(), message.into(), Severity::Note);
    }

    fn push(&mut self, pointer: String, message: String, severity: Severity) {
        self.warnings.push(Warning { location: Location::pointer(pointer), message, severity });
    }

    /// Everything recorded, warnings and notes, in the order found.
    pub fn into_warnings(self) -> Vec<Warning> {
        self.warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_are_escaped_and_unescaped() {
        assert_eq!(pointer_push("/paths", "/v0/a~b"), "/paths/~1v0~1a~0b");
        assert_eq!(pointer_tokens("/paths/~1v0~1a~0b/get"), ["paths", "/v0/a~b", "get"]);
        assert!(pointer_tokens("").is_empty());
    }

    #[test]
    fn pointers_are_shown_readably() {
        assert_eq!(readable_pointer("/paths/~1v0~1websets~1preview/post"), "#/paths/\"/v0/websets/preview\"/post");
        assert_eq!(readable_pointer("/components/schemas/A~0B"), "#/components/schemas/A~B");
        assert_eq!(readable_pointer(""), "#/");
    }

    #[test]
    fn errors_name_their_place() {
        let e = Error::at("/components/schemas/A", "bad");
        assert_eq!(e.to_string(), "#/components/schemas/A: bad");
        assert_eq!(Error::at_text(3, 7, "x").to_string(), "3:7: x");
        assert_eq!(Error::at_text(3, 7, "x").or_file(Path::new("s.yaml")).to_string(), "s.yaml:3:7: x");
        assert_eq!(Error::document("x").to_string(), "document: x");
        assert_eq!(Error::document("x").or_file(Path::new("s.yaml")).to_string(), "s.yaml: x");
        let mut e = Error::at("/paths/~1a/get", "bad").or_file(Path::new("s.yaml"));
        e.location.position = Some(Position { line: 4, column: 5 });
        assert_eq!(e.to_string(), "s.yaml:4:5: #/paths/\"/a\"/get: bad");
    }

    #[test]
    fn notes_are_labelled_as_notes() {
        let mut d = Diagnostics::default();
        d.warn("/a", "w");
        d.note("/b", "n");
        let shown: Vec<String> = d.into_warnings().iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["warning: #/a: w", "note: #/b: n"]);
    }
}
