//! Rust spellings for names found in a spec.
//!
//! Every name the emitter writes passes through here: spec names can be keywords (`type`),
//! dotted (`monitor.run.completed`), start with a digit, be empty, or be all symbols.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords that `r#` can escape.
const RAW_OK: [&str; 46] = [
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let",
    "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type",
    "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield",
];
/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NO_RAW: [&str; 5] = ["self", "Self", "super", "crate", "_"];
/// Reserved in editions 2018+ (`try`) and 2024 (`gen`).
const RAW_OK_NEWER: [&str; 2] = ["try", "gen"];

/// Methods `Client` has besides the operations: the runtime's (`generator/runtime/src/client.rs`,
/// checked by a test in `emit::runtime`) and the constructors the generated `lib.rs` adds.
/// Operation methods never take these names.
pub const CLIENT_METHOD_NAMES: [&str; 9] =
    ["builder", "base_url", "max_pages", "timeout", "max_response_bytes", "execute", "send", "new", "from_env"];

/// Methods and fields every request builder has besides its parameters' setters and fields,
/// and the `Client` method's local `request`: parameters never take these names.
pub const BUILDER_METHOD_NAMES: [&str; 8] =
    ["send", "client", "body", "into_stream", "header", "send_stream", "request", "into_call"];

/// Replaces characters that cannot appear in an identifier with separators, so that heck
/// splits words there.
fn clean(raw: &str) -> String {
    raw.chars().map(|c| if unicode_ident::is_xid_continue(c) { c } else { ' ' }).collect()
}

fn non_empty(s: String, fallback: &str) -> String {
    if s.trim_matches('_').is_empty() {
        fallback.to_owned()
    } else {
        s
    }
}

/// `UpperCamelCase` name for a type or variant.
pub fn type_name(raw: &str) -> String {
    let mut name = non_empty(clean(raw).to_upper_camel_case(), "Unnamed");
    if !name.starts_with(unicode_ident::is_xid_start) {
        name.insert(0, 'V');
    }
    if NO_RAW.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `snake_case` name for a field, method or parameter. Keywords stay as they are: a
/// [`Scope`] makes them raw identifiers.
pub fn value_name(raw: &str) -> String {
    let mut name = non_empty(clean(raw).to_snake_case(), "value");
    if !name.starts_with(|c: char| c == '_' || unicode_ident::is_xid_start(c)) {
        name.insert_str(0, "n_");
    }
    if NO_RAW.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A Rust identifier of the generated code: a valid name, written `r#name` when it is a
/// keyword. Only a [`Scope`] makes one, so every identifier in the model is unique where it
/// must be and valid.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RustIdent {
    name: String,
    raw: bool,
}

impl RustIdent {
    fn new(name: String) -> Self {
        let raw = RAW_OK.contains(&name.as_str()) || RAW_OK_NEWER.contains(&name.as_str());
        RustIdent { name, raw }
    }

    /// The name without any `r#`: what docs and serde see.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// Whether it is written `r#name`.
    pub fn is_raw(&self) -> bool {
        self.raw
    }

    /// The identifier as tokens.
    pub fn to_ident(&self) -> proc_macro2::Ident {
        let span = proc_macro2::Span::call_site();
        if self.raw {
            proc_macro2::Ident::new_raw(&self.name, span)
        } else {
            proc_macro2::Ident::new(&self.name, span)
        }
    }
}

impl std::fmt::Display for RustIdent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl quote::ToTokens for RustIdent {
    fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
        self.to_ident().to_tokens(tokens);
    }
}

/// Hands out names unique within one scope, in the order asked, so output is deterministic.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn with_reserved(names: &[&str]) -> Self {
        Scope { taken: names.iter().map(|s| s.to_string()).collect() }
    }

    /// Returns `candidate` (a name from [`type_name`] or [`value_name`]), or `candidate2`,
    /// `candidate3`, ... if it is taken.
    pub fn claim(&mut self, candidate: &str) -> RustIdent {
        if self.taken.insert(candidate.to_owned()) {
            return RustIdent::new(candidate.to_owned());
        }
        let sep = if candidate.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
        let name = (2..)
            .map(|n| format!("{candidate}{sep}{n}"))
            .find(|c| self.taken.insert(c.clone()))
            .expect("an unbounded range always finds a free name");
        RustIdent::new(name)
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_names_become_identifiers() {
        assert_eq!(type_name("monitor.run.completed"), "MonitorRunCompleted");
        assert_eq!(type_name("research_paper"), "ResearchPaper");
        assert_eq!(type_name("123"), "V123");
        assert_eq!(type_name("🚀"), "Unnamed");
        assert_eq!(type_name("self"), "Self_");
        assert_eq!(value_name("monitorId"), "monitor_id");
        assert_eq!(value_name("type"), "type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name(""), "value");
        assert_eq!(value_name("2fa"), "n_2fa");
        assert_eq!(value_name("X-Request-Id"), "x_request_id");
    }

    #[test]
    fn scopes_hand_out_unique_names() {
        let mut s = Scope::default();
        assert_eq!(s.claim("a").as_str(), "a");
        assert_eq!(s.claim("a").as_str(), "a2");
        let kw = s.claim("type");
        assert_eq!((kw.as_str(), kw.is_raw()), ("type", true));
        assert_eq!(kw.to_ident().to_string(), "r#type");
        let again = s.claim("type");
        assert_eq!((again.as_str(), again.is_raw()), ("type2", false));
        assert_eq!(s.claim("v1").as_str(), "v1");
        assert_eq!(s.claim("v1").as_str(), "v1_2");
    }
}
