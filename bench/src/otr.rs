//! openapi-to-rust as the second peer, a generator that reads OpenAPI 3.1 itself: it gets the
//! spec as written (no normalising of ours), and is driven through its library the way its
//! CLI's `generate <SOURCE>` drives it (async client, no SSE client, no tracing).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use openapi_to_rust::{CodeGenerator, GeneratorConfig, SchemaAnalyzer, TypeMapper};

/// The generated module tree (`lib.rs` is its `mod.rs`) and the `[dependencies]` lines the
/// tool says that code needs.
pub struct Output {
    pub files: Vec<(PathBuf, String)>,
    pub dependencies: Vec<String>,
}

fn run(text: &str) -> Result<Output, String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let input = if text.trim_start().starts_with('{') { "spec.json" } else { "spec.yaml" };
    let value = openapi_to_rust::spec_source::parse_spec(text, input).map_err(|e| err(&e))?;
    let value = openapi_to_rust::overlay::preprocess_spec(value, &[], &[]).map_err(|e| err(&e))?;
    openapi_to_rust::spec_source::validate_oas_document(&value)?;
    let mut config = GeneratorConfig {
        module_name: "api".into(),
        enable_async_client: true,
        enable_sse_client: false,
        tracing_enabled: false,
        ..Default::default()
    };
    config.apply_spec_server_default(&value);
    let mapper = TypeMapper::new(config.types.clone());
    let mut analysis =
        SchemaAnalyzer::with_type_mapper(value, mapper).and_then(|mut a| a.analyze()).map_err(|e| err(&e))?;
    let generator = CodeGenerator::new(config);
    let result = generator.generate_all(&mut analysis).map_err(|e| err(&e))?;
    let mut files: Vec<(PathBuf, String)> =
        result.files.into_iter().map(|f| (PathBuf::from("src").join(f.path), f.content)).collect();
    files.push((PathBuf::from("src/lib.rs"), format!("#![allow(warnings)]\n{}", result.mod_file.content)));
    let dependencies = result
        .required_deps
        .into_iter()
        .filter(|d| d.target.is_none())
        .map(|mut d| {
            // A TLS backend is not what the code needs, and building one (aws-lc) would only
            // lengthen the untimed dependency build; the crate's own compile is the same.
            if d.crate_name == "reqwest" {
                d.features.retain(|f| *f != "rustls");
            }
            d.to_toml_line()
        })
        .collect();
    Ok(Output { files, dependencies })
}

/// openapi-to-rust's crate for `text`; `Err` if it refuses or panics.
pub fn generate(text: &str) -> Result<Output, String> {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(|| run(text)));
    std::panic::set_hook(quiet);
    result.unwrap_or_else(|_| Err("openapi-to-rust panicked".into()))
}
