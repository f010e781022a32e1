//! The client runtime: the modules every generated crate carries unchanged.
//!
//! They are ordinary Rust in `generator/runtime/src/` (the `client-runtime` crate of this
//! workspace, compiled, linted and tested there) and are copied verbatim into each
//! generated crate below the `@generated` header. What differs between specs is not in
//! them: it is the generated crate's `API` constant (see `emit::lib_module`), which they
//! read as `crate::API`.

/// A runtime module as copied into a generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeFile {
    /// Its file name under `src/`, which is also its module name plus `.rs`.
    pub name: &'static str,
    /// Its source, exactly as in `generator/runtime/src/`.
    pub source: &'static str,
}

/// Every runtime module, in the order `lib.rs` declares them.
pub const RUNTIME_FILES: [RuntimeFile; 4] = [
    RuntimeFile { name: "client.rs", source: include_str!("../../runtime/src/client.rs") },
    RuntimeFile { name: "decode.rs", source: include_str!("../../runtime/src/decode.rs") },
    RuntimeFile { name: "error.rs", source: include_str!("../../runtime/src/error.rs") },
    RuntimeFile { name: "paging.rs", source: include_str!("../../runtime/src/paging.rs") },
];

/// The crates the runtime uses, as the generated manifest must list them: each is a
/// `[dependencies]` line of `generator/runtime/Cargo.toml`, checked by a test below.
pub const RUNTIME_DEPENDENCIES: &[&str] = &[
    "fastrand = \"2\"",
    "futures = \"0.3\"",
    "httpdate = \"1\"",
    "percent-encoding = \"2\"",
    "reqwest = { version = \"0.12\", default-features = false, features = [\"rustls-tls\"] }",
    "serde = { version = \"1\", features = [\"derive\"] }",
    "serde_json = { version = \"1\", features = [\"float_roundtrip\"] }",
    "serde_path_to_error = \"0.1\"",
    "tokio = { version = \"1\", features = [\"time\"] }",
];

impl RuntimeFile {
    /// The module name, e.g. `client`.
    pub fn module(&self) -> &'static str {
        self.name.trim_end_matches(".rs")
    }

    /// The file as written into a generated crate: `header`, a `rustfmt::skip` so that
    /// `cargo fmt` in the user's crate leaves it as generated, then the source.
    pub fn contents(&self, header: &str) -> String {
        format!("{header}#![cfg_attr(rustfmt, rustfmt::skip)]\n\n{}", self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_modules_are_the_ones_its_crate_declares() {
        let lib = include_str!("../../runtime/src/lib.rs");
        let declared: Vec<&str> = lib.lines().filter_map(|l| l.strip_prefix("pub mod ")?.strip_suffix(';')).collect();
        let copied: Vec<&str> = RUNTIME_FILES.iter().map(RuntimeFile::module).collect();
        assert_eq!(declared, copied);
    }

    #[test]
    fn the_generated_manifest_lists_exactly_the_runtimes_dependencies() {
        let manifest = include_str!("../../runtime/Cargo.toml");
        let section = manifest.split("[dependencies]").nth(1).unwrap().split("\n[").next().unwrap();
        let listed: Vec<&str> =
            section.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        assert_eq!(listed, RUNTIME_DEPENDENCIES);
    }

    #[test]
    fn copies_keep_the_source_byte_for_byte() {
        let text = RUNTIME_FILES[0].contents("// h\n");
        assert!(text.starts_with("// h\n#![cfg_attr(rustfmt, rustfmt::skip)]\n\n//! "));
        assert!(text.ends_with(RUNTIME_FILES[0].source));
    }
}
