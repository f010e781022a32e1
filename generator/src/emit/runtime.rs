//! The client runtime: the crate every generated crate depends on.
//!
//! It is ordinary Rust in `generator/runtime/` (the `client-runtime` crate of this
//! workspace, compiled, linted and tested there). The generator writes a copy of it next to
//! each crate it generates, as `runtime/`: its sources verbatim below the `@generated`
//! header (without their unit tests), and a manifest naming it after the generated crate
//! (`exa-websets-runtime` for `exa-websets`), so that two generated clients in one build
//! never clash. Nothing in it depends on the spec: what the spec says about reaching the
//! API is the generated crate's `API` constant, passed to `ClientBuilder::for_api`. Being
//! a crate of its own, it is compiled once, not again whenever the client is regenerated.
//! `sse.rs` and the crates it uses are behind its `sse` feature, which a generated crate
//! turns on only when it has an operation that streams.

/// A runtime source file as written into the runtime crate's `src/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeFile {
    /// Its file name under `src/`: `lib.rs`, or a module name plus `.rs`.
    pub name: &'static str,
    /// Its source, exactly as in `generator/runtime/src/`.
    pub source: &'static str,
}

/// Every runtime source file: `lib.rs`, then its modules in the order it declares them.
pub const RUNTIME_FILES: [RuntimeFile; 7] = [
    RuntimeFile { name: "lib.rs", source: include_str!("../../runtime/src/lib.rs") },
    RuntimeFile { name: "call.rs", source: include_str!("../../runtime/src/call.rs") },
    RuntimeFile { name: "client.rs", source: include_str!("../../runtime/src/client.rs") },
    RuntimeFile { name: "decode.rs", source: include_str!("../../runtime/src/decode.rs") },
    RuntimeFile { name: "error.rs", source: include_str!("../../runtime/src/error.rs") },
    RuntimeFile { name: "paging.rs", source: include_str!("../../runtime/src/paging.rs") },
    RuntimeFile { name: "sse.rs", source: include_str!("../../runtime/src/sse.rs") },
];

/// The runtime crate's `[dependencies]`, as `generator/runtime/Cargo.toml` lists them
/// (checked by a test below). `bytes` and `sse-stream` are optional: the `sse` feature's.
pub const RUNTIME_DEPENDENCIES: &[&str] = &[
    "bytes = { version = \"1\", optional = true }",
    "fastrand = \"2\"",
    "futures = \"0.3\"",
    "httpdate = \"1\"",
    "percent-encoding = \"2\"",
    "reqwest = { version = \"0.12\", default-features = false, features = [\"rustls-tls\"] }",
    "serde = \"1.0.181\"",
    "serde_json = { version = \"1\", features = [\"float_roundtrip\"] }",
    "serde_path_to_error = \"0.1\"",
    "sse-stream = { version = \"0.3\", default-features = false, features = [\"memchr\"], optional = true }",
    "tokio = { version = \"1\", features = [\"time\"] }",
];

/// The runtime's dependencies that generated code names too (requests, futures, serde), as
/// the generated crate's manifest lists them: the same lines, so that both use one version.
pub fn shared_dependencies() -> impl Iterator<Item = &'static str> {
    const NAMED_BY_GENERATED_CODE: [&str; 4] = ["futures", "reqwest", "serde", "serde_json"];
    RUNTIME_DEPENDENCIES
        .iter()
        .copied()
        .filter(|line| NAMED_BY_GENERATED_CODE.contains(&line.split(' ').next().unwrap_or_default()))
}

/// The runtime crate's package name next to the generated crate `crate_name`.
pub fn runtime_crate_name(crate_name: &str) -> String {
    format!("{crate_name}-runtime")
}

/// How a runtime module's unit tests start; they end the file.
const TESTS_MARKER: &str = "\n#[cfg(test)]\nmod tests {";

/// The runtime crate's `Cargo.toml`, below `header`: named after the generated crate, with its
/// version, the dependencies above and the `sse` feature. Not a workspace of its own: it lives
/// inside the generated crate's folder, whose workspace takes it in.
pub fn runtime_manifest(crate_name: &str, crate_version: &str, header: &str) -> String {
    let dependencies: String = RUNTIME_DEPENDENCIES.iter().map(|l| format!("{l}\n")).collect();
    let description =
        format!("The client runtime of {crate_name}: connection settings, retries, redirects, errors, paging.");
    format!(
        "{package}\
         [features]\n\
         sse = [\"dep:bytes\", \"dep:sse-stream\"]\n\
         \n\
         [dependencies]\n\
         {dependencies}",
        package = super::manifest::package(header, &runtime_crate_name(crate_name), crate_version, &description),
    )
}

impl RuntimeFile {
    /// The module name, e.g. `client` (`lib` for `lib.rs`).
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

    fn source(name: &str) -> &'static str {
        RUNTIME_FILES.iter().find(|f| f.name == name).unwrap().source
    }

    #[test]
    fn the_runtime_modules_are_the_ones_its_crate_declares() {
        let lib = RUNTIME_FILES[0].source;
        let declared: Vec<&str> = lib.lines().filter_map(|l| l.strip_prefix("pub mod ")?.strip_suffix(';')).collect();
        let copied: Vec<&str> = RUNTIME_FILES[1..].iter().map(RuntimeFile::module).collect();
        assert_eq!(declared, copied);
    }

    #[test]
    fn only_the_sse_module_uses_the_sse_features_crates() {
        assert!(RUNTIME_FILES[0].source.contains("#[cfg(feature = \"sse\")]\npub mod sse;"));
        for krate in ["bytes", "sse_stream"] {
            for file in RUNTIME_FILES.iter().filter(|f| f.name != "sse.rs") {
                assert!(!file.source.contains(&format!("{krate}::")), "{} uses {krate}", file.name);
            }
        }
    }

    #[test]
    fn the_runtime_manifest_lists_exactly_the_runtimes_dependencies_and_features() {
        let manifest = include_str!("../../runtime/Cargo.toml");
        let section = |name: &str| -> Vec<String> {
            let body = manifest.split(&format!("\n[{name}]\n")).nth(1).unwrap().split("\n[").next().unwrap();
            body.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect()
        };
        assert_eq!(section("dependencies"), RUNTIME_DEPENDENCIES);
        let written = runtime_manifest("x", "0.1.0", "# h\n");
        assert!(written.contains("name = \"x-runtime\""));
        for line in section("features").iter().filter(|l| !l.starts_with("default")) {
            assert!(written.contains(&format!("\n{line}\n")), "{line}");
        }
        for line in RUNTIME_DEPENDENCIES {
            assert!(written.contains(&format!("\n{line}\n")), "{line}");
        }
    }

    #[test]
    fn operations_never_take_a_name_client_already_has() {
        let client: syn::File = syn::parse_str(source("client.rs")).unwrap();
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
        assert!(source("client.rs").contains(TESTS_MARKER), "client.rs has unit tests to leave out");
    }
}
