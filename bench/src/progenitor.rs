//! progenitor as the baseline: the same normalised document, its tokens formatted with
//! prettyplease like ours, so that generator is compared with generator.

use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::Value;

/// Spec text to the `openapiv3` document both generators read (our load and normalise).
pub fn normalised(text: &str) -> Result<openapiv3::OpenAPI, String> {
    let mut doc = generator::load::parse(text).map_err(|e| e.to_string())?;
    let mut diags = generator::diagnostics::Diagnostics::default();
    generator::normalize::normalize(&mut doc, &mut diags).map_err(|e| e.to_string())?;
    serde_json::from_value(doc).map_err(|e| e.to_string())
}

/// progenitor's output for `spec`, formatted; `Err` if it refuses or panics.
pub fn generate(spec: &openapiv3::OpenAPI) -> Result<String, String> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut generator = progenitor_impl::Generator::new(&progenitor_impl::GenerationSettings::default());
        generator.generate_tokens(spec).map_err(|e| e.to_string())
    }));
    let tokens = match result {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => return Err(e),
        Err(_) => return Err("progenitor panicked".into()),
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
    Ok(prettyplease::unparse(&file))
}

/// The spec text reduced to the operations for which `keep` (given the text of a spec with
/// that one operation) is true, with how many were kept of how many.
fn subset(text: &str, mut keep: impl FnMut(&str) -> bool) -> Result<(String, usize, usize), String> {
    let mut doc: Value = generator::load::parse(text).map_err(|e| e.to_string())?;
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    let mut kept = serde_json::Map::new();
    let (mut accepted, mut total) = (0, 0);
    for (path, item) in &paths {
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item {
            if !["get", "put", "post", "delete", "patch", "head", "options", "trace"].contains(&method.as_str()) {
                continue;
            }
            total += 1;
            let mut one = doc.clone();
            one["paths"] = serde_json::json!({ path: { method: op } });
            if keep(&one.to_string()) {
                accepted += 1;
                let entry = kept.entry(path.clone()).or_insert_with(|| serde_json::json!({}));
                entry[method] = op.clone();
            }
        }
    }
    doc["paths"] = Value::Object(kept);
    Ok((doc.to_string(), accepted, total))
}

/// The spec text reduced to the operations progenitor accepts, one at a time, and how many
/// of how many those are. The whole spec when it accepts all of it.
pub fn accepted_subset(text: &str) -> Result<(String, usize, usize), String> {
    let spec = normalised(text)?;
    let total: usize = spec.operations().count();
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = if generate(&spec).is_ok() {
        Ok((text.to_owned(), total, total))
    } else {
        subset(text, |one| normalised(one).map(|s| generate(&s).is_ok()).unwrap_or(false))
    };
    std::panic::set_hook(quiet);
    result
}
