//! The generated crate's `Cargo.toml`. TOML, not Rust, so it is written as text; every
//! value put into it is a validated crate name or an escaped string.

/// Where the generated crate lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A member of this repository's workspace, with the dev-dependencies its tests use.
    WorkspaceMember,
    /// A crate on its own (`--out DIR`), its own workspace root.
    Standalone,
}

pub struct ManifestSettings<'a> {
    pub crate_name: &'a str,
    pub crate_version: &'a str,
    pub api_title: &'a str,
    pub layout: Layout,
    pub header: &'a str,
    /// Whether the crate has an operation that streams (and so needs the runtime's `sse`
    /// feature).
    pub event_streams: bool,
}

pub(super) fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `[dependencies]` lines, in name order: the runtime crate next to this one (with its
/// `sse` feature for a crate that streams), the runtime's dependencies that generated code
/// names itself (see [`super::runtime::shared_dependencies`]), and `chrono`, which generated
/// types use for dates.
fn dependencies(crate_name: &str, crate_version: &str, event_streams: bool) -> String {
    let features = if event_streams { ", features = [\"sse\"]" } else { "" };
    let runtime = format!(
        "{} = {{ path = \"runtime\", version = {}{features} }}",
        super::runtime::runtime_crate_name(crate_name),
        toml_string(&format!("={crate_version}")),
    );
    let mut lines = vec![
        "chrono = { version = \"0.4.38\", default-features = false, features = [\"clock\", \"serde\", \"std\"] }"
            .to_owned(),
        runtime,
    ];
    lines.extend(super::runtime::shared_dependencies().map(str::to_owned));
    lines.sort_unstable();
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// `header` and the `[package]` table of a generated manifest, up to its blank line.
pub(super) fn package(header: &str, name: &str, version: &str, description: &str) -> String {
    format!(
        "{header}\n\
         [package]\n\
         name = {name}\n\
         version = {version}\n\
         edition = \"2021\"\n\
         rust-version = \"1.85\"\n\
         description = {description}\n\
         license = \"MIT OR Apache-2.0\"\n\
         publish = false\n\
         \n",
        name = toml_string(name),
        version = toml_string(version),
        description = toml_string(description),
    )
}

pub fn manifest(s: &ManifestSettings<'_>) -> String {
    let title = if s.api_title.trim().is_empty() { "an HTTP" } else { s.api_title.trim() };
    let description = format!("Typed async client for the {title} API, generated from its OpenAPI description.");
    let mut out = format!(
        "{package}\
         [dependencies]\n\
         {dependencies}\
         \n\
         [dev-dependencies]\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
        package = package(s.header, s.crate_name, s.crate_version, &description),
        dependencies = dependencies(s.crate_name, s.crate_version, s.event_streams),
    );
    match s.layout {
        Layout::WorkspaceMember => out.push_str("wiremock = \"0.6\"\n"),
        Layout::Standalone => out.push_str("\n# Not part of any enclosing workspace.\n[workspace]\n"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::toml_string;

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_string("a \"b\" \\ c\n"), "\"a \\\"b\\\" \\\\ c\\u000A\"");
    }
}
