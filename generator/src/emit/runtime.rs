//! The client runtime: the modules every generated crate carries unchanged.
//!
//! They are ordinary Rust in `generator/runtime/src/` (the `client-runtime` crate of this
//! workspace, compiled, linted and tested there) and are copied verbatim into each
//! generated crate below the `@generated` header. What differs between specs is not in
//! them: it is the generated crate's `API` constant (see `emit::lib_module`), which they
//! read as `crate::API`. `sse.rs` and the crates it uses go only into crates with an
//! operation that streams, which keeps them out of the build of every other crate.

/// A runtime module as copied into a generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeFile {
    /// Its file name under `src/`, which is also its module name plus `.rs`.
    pub name: &'static str,
    /// Its source, exactly as in `generator/runtime/src/`.
    pub source: &'static str,
    /// Copied only into crates with an operation that streams server-sent events.
    pub streams_only: bool,
}

/// Every runtime module, in the order `lib.rs` declares them.
pub const RUNTIME_FILES: [RuntimeFile; 5] = [
    RuntimeFile { name: "client.rs", source: include_str!("../../runtime/src/client.rs"), streams_only: false },
    RuntimeFile { name: "decode.rs", source: include_str!("../../runtime/src/decode.rs"), streams_only: false },
    RuntimeFile { name: "error.rs", source: include_str!("../../runtime/src/error.rs"), streams_only: false },
    RuntimeFile { name: "paging.rs", source: include_str!("../../runtime/src/paging.rs"), streams_only: false },
    RuntimeFile { name: "sse.rs", source: include_str!("../../runtime/src/sse.rs"), streams_only: true },
];

/// The runtime modules a crate gets: all but `sse.rs` unless it has an operation that
/// streams.
pub fn runtime_files(event_streams: bool) -> impl Iterator<Item = &'static RuntimeFile> {
    RUNTIME_FILES.iter().filter(move |f| event_streams || !f.streams_only)
}

/// The crates the runtime uses, as the generated manifest must list them: with
/// [`STREAM_DEPENDENCIES`], each is a `[dependencies]` line of
/// `generator/runtime/Cargo.toml`, checked by a test below.
pub const RUNTIME_DEPENDENCIES: &[&str] = &[
    "fastrand = \"2\"",
    "futures = \"0.3\"",
    "httpdate = \"1\"",
    "percent-encoding = \"2\"",
    "reqwest = { version = \"0.12\", default-features = false, features = [\"rustls-tls\"] }",
    "serde = { version = \"1.0.181\", features = [\"derive\"] }",
    "serde_json = { version = \"1\", features = [\"float_roundtrip\"] }",
    "serde_path_to_error = \"0.1\"",
    "tokio = { version = \"1\", features = [\"time\"] }",
];

/// How a runtime module's unit tests start; they end the file.
const TESTS_MARKER: &str = "\n#[cfg(test)]\nmod tests {";

/// The crates `sse.rs` alone uses, listed only for crates that copy it.
pub const STREAM_DEPENDENCIES: &[&str] =
    &["bytes = \"1\"", "sse-stream = { version = \"0.3\", default-features = false, features = [\"memchr\"] }"];

impl RuntimeFile {
    /// The module name, e.g. `client`.
    pub fn module(&self) -> &'static str {
        self.name.trim_end_matches(".rs")
    }

    /// The file as written into a generated crate: `header`, a `rustfmt::skip` so that
    /// `cargo fmt` in the user's crate leaves it as generated, then the source without its
    /// unit tests (they run here, in the runtime crate; every user's build need not carry
    /// them).
    pub fn contents(&self, header: &str) -> String {
        format!("{header}#![cfg_attr(rustfmt, rustfmt::skip)]\n\n{}\n", self.without_tests().trim_end())
    }

    /// The source up to its `#[cfg(test)] mod tests`, which by convention ends the file.
    fn without_tests(&self) -> &'static str {
        match self.source.find(TESTS_MARKER) {
            Some(at) => &self.source[..at],
            None => self.source,
        }
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
    fn only_crates_that_stream_get_the_sse_module_and_only_it_uses_their_crates() {
        let names = |streams| runtime_files(streams).map(|f| f.name).collect::<Vec<_>>();
        assert_eq!(names(false), ["client.rs", "decode.rs", "error.rs", "paging.rs"]);
        assert_eq!(names(true), ["client.rs", "decode.rs", "error.rs", "paging.rs", "sse.rs"]);
        for line in STREAM_DEPENDENCIES {
            let krate = line.split(' ').next().unwrap().replace('-', "_");
            for file in runtime_files(false) {
                assert!(!file.source.contains(&format!("{krate}::")), "{} uses {krate}", file.name);
            }
        }
    }

    #[test]
    fn the_generated_manifest_lists_exactly_the_runtimes_dependencies() {
        let manifest = include_str!("../../runtime/Cargo.toml");
        let section = manifest.split("[dependencies]").nth(1).unwrap().split("\n[").next().unwrap();
        let listed: Vec<&str> =
            section.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        let mut ours: Vec<&str> = RUNTIME_DEPENDENCIES.iter().chain(STREAM_DEPENDENCIES).copied().collect();
        ours.sort_unstable();
        assert_eq!(listed, ours);
    }

    #[test]
    fn operations_never_take_a_name_client_already_has() {
        let client: syn::File = syn::parse_str(RUNTIME_FILES[0].source).unwrap();
        let methods = client.items.iter().filter_map(|item| match item {
            syn::Item::Impl(block) if matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) => {
                Some(block.items.iter())
            }
            _ => None,
        });
        for method in methods.flatten() {
            if let syn::ImplItem::Fn(f) = method {
                if matches!(f.vis, syn::Visibility::Public(_)) {
                    let name = f.sig.ident.to_string();
                    assert!(
                        crate::names::CLIENT_METHOD_NAMES.contains(&name.as_str()),
                        "Client::{name} is not reserved"
                    );
                }
            }
        }
    }

    #[test]
    fn copies_keep_the_source_byte_for_byte_but_the_unit_tests() {
        for file in RUNTIME_FILES {
            let text = file.contents("// h\n");
            assert!(text.starts_with("// h\n#![cfg_attr(rustfmt, rustfmt::skip)]\n\n//! "), "{}", file.name);
            let copied = &text["// h\n#![cfg_attr(rustfmt, rustfmt::skip)]\n\n".len()..];
            assert!(file.source.starts_with(copied), "{}", file.name);
            assert!(!copied.contains("#[cfg(test)]"), "{}: tests are left out", file.name);
            // What is left out is blank lines and the tests module, nothing else.
            let rest = file.source[copied.len()..].trim_start();
            assert!(rest.is_empty() || rest.starts_with("#[cfg(test)]\nmod tests {"), "{}", file.name);
        }
        assert!(RUNTIME_FILES[0].source.contains(TESTS_MARKER), "client.rs has unit tests to leave out");
    }
}
