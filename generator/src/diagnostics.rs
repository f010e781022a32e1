//! Errors and warnings, each tied to the place in the input it is about.

use std::fmt;

/// Builds a JSON pointer (RFC 6901) one reference token at a time.
pub fn pointer_push(base: &str, token: &str) -> String {
    let escaped = token.replace('~', "~0").replace('/', "~1");
    format!("{base}/{escaped}")
}

/// Where in the input a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A JSON pointer into the parsed document, written as a URI fragment (`#/paths/...`).
    Pointer(String),
    /// A position in the source text, 1-based.
    Text { line: usize, column: usize },
    /// The input as a whole (an empty file, a wrong top-level version).
    Document,
    /// A JSON pointer into another file the spec refers to (by its path from the spec's folder).
    File { file: String, pointer: String },
    /// Not the input's fault: a bug in the generator, met while doing what this says.
    Internal { doing: String },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Pointer(p) if p.is_empty() => f.write_str("#"),
            Location::Pointer(p) => write!(f, "#{p}"),
            Location::Text { line, column } => write!(f, "line {line}, column {column}"),
            Location::Document => f.write_str("document"),
            Location::File { file, pointer } => write!(f, "{file}#{pointer}"),
            Location::Internal { doing } => write!(f, "internal error (a bug in the generator) while {doing}"),
        }
    }
}

/// A spec the generator cannot turn into a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub location: Location,
    pub message: String,
}

impl Error {
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error { location: Location::Pointer(pointer.into()), message: message.into() }
    }

    pub fn document(message: impl Into<String>) -> Self {
        Error { location: Location::Document, message: message.into() }
    }

    /// A bug in the generator rather than a fault of the spec.
    pub fn internal(doing: impl Into<String>, message: impl Into<String>) -> Self {
        Error { location: Location::Internal { doing: doing.into() }, message: message.into() }
    }

    /// Is this a bug in the generator (not a spec it cannot read)?
    pub fn is_internal(&self) -> bool {
        matches!(self.location, Location::Internal { .. })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for Error {}

/// Something in the spec that is wrong or lossy but has a sensible, documented handling.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: {}: {}", Location::Pointer(self.pointer.clone()), self.message)
    }
}

/// Collects warnings as the stages run; the caller decides how to show them.
#[derive(Debug, Default)]
pub struct Diagnostics {
    warnings: Vec<Warning>,
}

impl Diagnostics {
    pub fn warn(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Warning { pointer: pointer.into(), message: message.into() });
    }

    pub fn into_warnings(self) -> Vec<Warning> {
        self.warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(pointer_push("/paths", "/v0/a~b"), "/paths/~1v0~1a~0b");
    }

    #[test]
    fn errors_name_their_place() {
        let e = Error::at("/components/schemas/A", "bad");
        assert_eq!(e.to_string(), "#/components/schemas/A: bad");
        let e = Error { location: Location::Text { line: 3, column: 7 }, message: "x".into() };
        assert_eq!(e.to_string(), "line 3, column 7: x");
    }
}
