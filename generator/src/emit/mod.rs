//! Stage 4: the model as Rust token streams, one per generated file, plus the crate's
//! `Cargo.toml`.

mod docs;
mod manifest;
mod operations;
mod runtime;
mod types;

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Api, ParamLocation, PathPart, ResponseBody, TypeKind, TypeRef};

pub use manifest::{manifest, Layout, ManifestSettings};

/// An identifier from a name the model made valid; `r#` names become raw identifiers.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// What the emitted code needs beyond the model.
pub struct EmitSettings<'a> {
    pub api_key_env: &'a str,
    /// The crate's name as Rust code spells it (`exa_websets`).
    pub crate_ident: &'a str,
}

/// The Rust source files of a generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFile {
    Lib,
    Client,
    Error,
    Operations,
    Types,
}

impl SourceFile {
    pub const ALL: [SourceFile; 5] =
        [SourceFile::Lib, SourceFile::Client, SourceFile::Error, SourceFile::Operations, SourceFile::Types];

    /// The file's path under `src/`.
    pub fn name(self) -> &'static str {
        match self {
            SourceFile::Lib => "lib.rs",
            SourceFile::Client => "client.rs",
            SourceFile::Error => "error.rs",
            SourceFile::Operations => "operations.rs",
            SourceFile::Types => "types.rs",
        }
    }
}

/// The Rust sources of the client, as `(path under src/, tokens)`.
pub fn emit(api: &Api, settings: &EmitSettings<'_>) -> Vec<(&'static str, TokenStream)> {
    let emitter = Emitter::new(api, settings);
    SourceFile::ALL.iter().map(|f| (f.name(), emitter.file(*f))).collect()
}

/// Emits files whole or in parts. A file's parts, printed one after another, are the file:
/// part 0 holds its docs and imports, each further part an item or a group of items. Parts
/// let the caller parse and print a large file on several threads (token streams cannot
/// cross threads, so each thread emits its own parts from the shared model).
pub struct Emitter<'a> {
    api: &'a Api,
    settings: &'a EmitSettings<'a>,
    /// The string enum types, which are sent by `as_str` rather than as JSON.
    enums: BTreeSet<String>,
}

impl<'a> Emitter<'a> {
    pub fn new(api: &'a Api, settings: &'a EmitSettings<'a>) -> Self {
        let enums =
            api.types.iter().filter(|t| matches!(t.kind, TypeKind::Enum { .. })).map(|t| t.name.clone()).collect();
        Emitter { api, settings, enums }
    }

    pub fn file(&self, file: SourceFile) -> TokenStream {
        match file {
            SourceFile::Lib => lib_module(self.api, self.settings.crate_ident),
            SourceFile::Client => runtime::client_module(&runtime_settings(self.api, self.settings)),
            SourceFile::Error => runtime::error_module(),
            SourceFile::Operations => operations::operations_module(&self.api.operations, &self.enums),
            SourceFile::Types => types::types_module(&self.api.types),
        }
    }

    pub fn part_count(&self, file: SourceFile) -> usize {
        match file {
            SourceFile::Operations => 1 + self.api.operations.len(),
            SourceFile::Types => 2 + self.api.types.len(),
            SourceFile::Client => runtime::CLIENT_PARTS,
            SourceFile::Error => runtime::ERROR_PARTS,
            SourceFile::Lib => 1,
        }
    }

    /// Part `index` (below [`Emitter::part_count`]) of `file`.
    pub fn part(&self, file: SourceFile, index: usize) -> TokenStream {
        match file {
            SourceFile::Operations => match index {
                0 => operations::operations_preamble(&self.api.operations),
                i => operations::operation(&self.api.operations[i - 1], &self.enums),
            },
            SourceFile::Types => match index {
                0 => types::types_preamble(&self.api.types),
                i if i <= self.api.types.len() => types::type_def(&self.api.types[i - 1]),
                _ => types::types_helpers(&self.api.types),
            },
            SourceFile::Client => runtime::client_part(&runtime_settings(self.api, self.settings), index),
            SourceFile::Error => runtime::error_part(index),
            SourceFile::Lib => self.file(file),
        }
    }
}

/// Does some operation have this kind of response body (alone or for one status)?
fn uses(api: &Api, body: &ResponseBody) -> bool {
    api.operations.iter().any(|o| o.response.bodies().contains(&body))
}

fn runtime_settings<'a>(api: &'a Api, settings: &EmitSettings<'a>) -> runtime::RuntimeSettings<'a> {
    runtime::RuntimeSettings {
        default_base_url: api.default_base_url.as_deref(),
        auth: api.auth.as_ref(),
        api_key_env: settings.api_key_env,
        uses_header_params: api.operations.iter().any(|o| o.params.iter().any(|p| p.location == ParamLocation::Header)),
        uses_path_params: api.operations.iter().any(|o| o.params.iter().any(|p| p.location == ParamLocation::Path)),
        uses_json: api
            .operations
            .iter()
            .any(|o| o.response.bodies().iter().any(|b| matches!(b, ResponseBody::Json(_)))),
        uses_empty: uses(api, &ResponseBody::Empty),
        uses_text: uses(api, &ResponseBody::Text),
        uses_bytes: uses(api, &ResponseBody::Binary),
        uses_per_status: api.operations.iter().any(|o| matches!(o.response, ResponseBody::PerStatus { .. })),
    }
}

fn lib_module(api: &Api, crate_ident: &str) -> TokenStream {
    let title = if api.title.trim().is_empty() { "API".to_owned() } else { api.title.trim().to_owned() };
    let mut text = format!("Typed client for the {title} API (version {}).", api.version);
    if let Some(d) = &api.description {
        text.push_str("\n\n");
        text.push_str(&docs::render(d));
    }
    text.push_str(
        "\n\nEach operation is a method on [`Client`] that returns a request builder: set any\n\
         optional parameters on it, then `send()` it. Models live in [`types`].",
    );
    if let Some(example) = example(api, crate_ident) {
        text.push_str("\n\n```no_run\n");
        text.push_str(&example);
        text.push_str("```");
    }
    let crate_doc = text.lines().map(|l| {
        let l = if l.is_empty() { String::new() } else { format!(" {l}") };
        quote!(#![doc = #l])
    });
    // A spec with no operations (only models) leaves the client's plumbing unused.
    let unused = api.operations.is_empty().then(|| quote!(#[allow(dead_code, unused_imports)]));
    quote! {
        #(#crate_doc)*

        #unused
        pub mod client;
        pub mod error;
        #unused
        pub mod operations;
        pub mod types;

        pub use client::{ApiResponse, Client, ClientBuilder, RetryPolicy};
        pub use error::{ApiError, DecodeError, Error};
    }
}

/// A usage example for the crate docs: the first operation whose required inputs are all
/// strings, so the example can be written without knowing the types.
fn example(api: &Api, krate: &str) -> Option<String> {
    let op = api.operations.iter().find(|op| {
        op.body.as_ref().is_none_or(|b| !b.required)
            && op.params.iter().filter(|p| p.required).all(|p| p.ty == TypeRef::String)
    })?;
    let args: Vec<String> = op
        .path
        .iter()
        .filter_map(|p| match p {
            PathPart::Param(i) => Some(&op.params[*i]),
            PathPart::Literal(_) => None,
        })
        .chain(op.params.iter().filter(|p| p.required && p.location != ParamLocation::Path))
        .map(|p| format!("\"{}\"", p.name.to_ascii_uppercase().replace(['"', '\\'], "")))
        .collect();
    let client = if api.auth.is_some() { "Client::from_env()?" } else { "Client::new()?" };
    Some(format!(
        "# async fn example() -> Result<(), {krate}::Error> {{\n\
         use {krate}::Client;\n\n\
         let client = {client};\n\
         let response = client.{}({}).send().await?;\n\
         println!(\"{{:?}} (request id {{:?}})\", *response, response.request_id());\n\
         # Ok(())\n\
         # }}\n",
        op.method_name,
        args.join(", ")
    ))
}
