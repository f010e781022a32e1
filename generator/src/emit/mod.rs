//! Stage 4: the model as Rust token streams, one per generated file, plus the crate's
//! `Cargo.toml`.

mod docs;
mod manifest;
mod operations;
mod runtime;
mod types;
mod usage;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Api, Auth, TypeRef};

pub use manifest::{manifest, Layout, ManifestSettings};
pub use runtime::{runtime_crate_name, runtime_manifest, RuntimeFile, RUNTIME_FILES};

/// An identifier the emitter spells itself (never a keyword); the model's names are
/// [`RustIdent`](crate::model::RustIdent)s.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Method names of standard traits (clippy's `should_implement_trait` list). A setter the spec
/// names so (a property called `add`) is allowed the name, which is the spec's, not a trait's.
const STD_TRAIT_METHODS: [&str; 30] = [
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// `#[allow(clippy::should_implement_trait)]` for a method named like a standard trait's.
pub(crate) fn allow_trait_name(name: &str) -> TokenStream {
    if STD_TRAIT_METHODS.contains(&name.trim_start_matches("r#")) {
        quote!(#[allow(clippy::should_implement_trait)])
    } else {
        TokenStream::new()
    }
}

/// What the emitted code needs beyond the model.
pub struct EmitSettings<'a> {
    pub api_key_env: &'a str,
    /// The crate's name as Rust code spells it (`exa_websets`).
    pub crate_ident: &'a str,
}

/// The Rust source files of a generated client that are emitted from the model (the
/// runtime's are copied: see [`runtime::RUNTIME_FILES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFile {
    Lib,
    Operations,
    Types,
}

impl SourceFile {
    pub const ALL: [SourceFile; 3] = [SourceFile::Lib, SourceFile::Operations, SourceFile::Types];

    /// The file's path under `src/`.
    pub fn name(self) -> &'static str {
        match self {
            SourceFile::Lib => "lib.rs",
            SourceFile::Operations => "operations.rs",
            SourceFile::Types => "types.rs",
        }
    }
}

/// The emitted Rust sources of the client, as `(path under src/, tokens)`.
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
    /// Per type: where it is used, the summary of a type whose schema has no description.
    usages: Vec<usage::Usage>,
}

impl<'a> Emitter<'a> {
    pub fn new(api: &'a Api, settings: &'a EmitSettings<'a>) -> Self {
        let usages = usage::of(api);
        Emitter { api, settings, usages }
    }

    pub fn file(&self, file: SourceFile) -> TokenStream {
        match file {
            SourceFile::Lib => lib_module(self.api, self.settings),
            SourceFile::Operations => operations::operations_module(self.api),
            SourceFile::Types => types::types_module(&self.api.types, &self.usages),
        }
    }

    pub fn part_count(&self, file: SourceFile) -> usize {
        match file {
            // Preamble, one part per operation, then the `Client` methods.
            SourceFile::Operations => 2 + self.api.operations.len(),
            SourceFile::Types => 1 + self.api.types.len(),
            SourceFile::Lib => 1,
        }
    }

    /// Part `index` (below [`Emitter::part_count`]) of `file`.
    pub fn part(&self, file: SourceFile, index: usize) -> TokenStream {
        match file {
            SourceFile::Operations => match index {
                0 => operations::operations_preamble(self.api),
                i if i <= self.api.operations.len() => {
                    operations::operation(&self.api.operations[i - 1], &self.api.types)
                }
                _ => operations::client_methods(self.api),
            },
            SourceFile::Types => match index {
                0 => types::types_preamble(&self.api.types),
                i => types::type_def(&self.api.types[i - 1], &self.api.types, &self.usages[i - 1]),
            },
            SourceFile::Lib => self.file(file),
        }
    }
}

/// How the spec says the API key is sent, in words for the docs and as the runtime's
/// `AuthScheme`.
fn auth_scheme(auth: Option<&Auth>) -> (String, TokenStream) {
    match auth {
        Some(Auth::ApiKeyHeader { header }) => {
            let lower = header.to_ascii_lowercase();
            (format!("in the header `{header}`"), quote!(Some(runtime::AuthScheme::Header(#lower))))
        }
        Some(Auth::ApiKeyQuery { name }) => {
            (format!("as the query parameter `{name}`"), quote!(Some(runtime::AuthScheme::Query(#name))))
        }
        Some(Auth::Bearer) => ("as `Authorization: Bearer`".to_owned(), quote!(Some(runtime::AuthScheme::Bearer))),
        None => ("not at all: the spec declares no scheme the client applies itself".to_owned(), quote!(None)),
    }
}

/// The generated crate's `API` constant (what the spec says about reaching the API, which
/// `Client::builder` passes to the runtime), the `Client` type and its constructors.
fn client_type(api: &Api, title: &str, api_key_env: &str) -> TokenStream {
    let base_url = match &api.default_base_url {
        Some(url) => quote!(Some(#url)),
        None => quote!(None),
    };
    let (auth_words, auth) = auth_scheme(api.auth.as_ref());
    let server = match &api.default_base_url {
        Some(url) => format!("the server is `{url}`"),
        None => "the spec names no absolute server URL, so `ClientBuilder::base_url` must be called".to_owned(),
    };
    let key_source = if api.auth.is_some() {
        format!("; it is read from `{api_key_env}` when none is given")
    } else {
        String::new()
    };
    let doc = docs::own(&format!(
        "What the spec says about reaching the API: {server}; the API key is sent {auth_words}{key_source}. \
         Every request's `User-Agent` is this crate's name and version."
    ));
    let constructors = if api.auth.is_some() {
        let from_env_doc = format!(" A client for the default server that reads its API key from `{api_key_env}`.");
        quote! {
            /// A client for the default server that authenticates with `api_key`.
            pub fn new(api_key: impl Into<String>) -> Result<Self, Error> {
                Self::builder().api_key(api_key).build()
            }

            #[doc = #from_env_doc]
            pub fn from_env() -> Result<Self, Error> {
                Self::builder().build()
            }
        }
    } else {
        quote! {
            /// A client for the default server.
            pub fn new() -> Result<Self, Error> {
                Self::builder().build()
            }
        }
    };
    let client_doc = docs::own(&format!(
        "A handle to the {title} API, with a method per operation. Cloning it is cheap and \
         shares the connection pool.\n\n\
         It dereferences to [`runtime::Client`], which holds its settings (base URL, timeouts, \
         limits) and sends requests."
    ));
    quote! {
        #doc
        pub const API: runtime::ApiInfo = runtime::ApiInfo {
            default_base_url: #base_url,
            auth: #auth,
            api_key_env: #api_key_env,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
        };

        /// Builds a [`Client`]: base URL, credentials, timeouts, retries, redirects, HTTP client.
        pub type ClientBuilder = runtime::ClientBuilder<Client>;

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: runtime::Client,
        }

        impl Client {
            /// Settings beyond the defaults: base URL, credentials, timeouts, retries, redirects,
            /// HTTP client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::for_api(API)
            }

            #constructors
        }

        impl From<runtime::Client> for Client {
            fn from(inner: runtime::Client) -> Self {
                Client { inner }
            }
        }

        impl std::ops::Deref for Client {
            type Target = runtime::Client;

            fn deref(&self) -> &runtime::Client {
                &self.inner
            }
        }
    }
}

fn lib_module(api: &Api, settings: &EmitSettings<'_>) -> TokenStream {
    let crate_ident = settings.crate_ident;
    let title = if api.title.trim().is_empty() { "API".to_owned() } else { api.title.trim().to_owned() };
    let mut text = format!("Typed client for the {title} API (version {}).", api.version);
    if let Some(d) = &api.description {
        text.push_str("\n\n");
        text.push_str(&docs::render(d));
    }
    text.push_str(
        "\n\nEach operation is a method on [`Client`] that returns a request builder: set any\n\
         optional parameters on it, then `send()` it. Models live in [`types`]. What every\n\
         generated client shares (connection settings, retries, errors, paging) is in\n\
         [`runtime`], a crate of its own next to this one.",
    );
    if !api.common_headers.is_empty() {
        text.push_str(
            "\n\nThe spec gives every operation the same headers: they are filled in once, as a\n\
             [`CommonHeaders`], which each method takes first.",
        );
    }
    if api.has_event_streams() {
        text.push_str(
            "\n\nAn operation that can answer with server-sent events also has `send_stream()`,\n\
             which returns its events as they come, as a [`runtime::sse::EventStream`].",
        );
    }
    if let Some(example) = example(api, crate_ident) {
        text.push_str("\n\n```no_run\n");
        text.push_str(&example);
        text.push_str("```");
    }
    let client = client_type(api, &title, settings.api_key_env);
    let crate_doc = text.lines().map(|l| {
        let l = if l.is_empty() { String::new() } else { format!(" {l}") };
        quote!(#![doc = #l])
    });
    // A spec with no operations (only models) leaves the client's plumbing unused.
    let unused = api.operations.is_empty().then(|| quote!(#[allow(dead_code, unused_imports)]));
    let runtime_crate = ident(&format!("{crate_ident}_runtime"));
    let common_use = (!api.common_headers.is_empty()).then(|| {
        quote!(
            pub use operations::CommonHeaders;
        )
    });
    quote! {
        #(#crate_doc)*

        #unused
        pub mod operations;
        pub mod types;

        /// The client runtime: connection settings, retries, redirects, errors, paging. It is
        /// the same for every generated client, and a crate of its own, written next to this
        /// one.
        pub use #runtime_crate as runtime;
        pub use runtime::{ApiError, ApiResponse, Call, DecodeError, Error, EventError, RedirectError, Redirects, RetryPolicy};
        #common_use

        #client
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
        .arguments()
        .into_iter()
        .map(|p| format!("\"{}\"", p.name.to_ascii_uppercase().replace(['"', '\\'], "")))
        .collect();
    let client = if api.auth.is_some() { "Client::from_env()?" } else { "Client::new()?" };
    let (uses, headers, args) = if api.common_headers.is_empty() {
        ("Client".to_owned(), String::new(), args)
    } else {
        let fields: Vec<String> = api
            .common_headers
            .iter()
            .map(|p| {
                let value = match &p.ty {
                    TypeRef::String => {
                        format!("\"{}\".to_owned()", p.name.to_ascii_uppercase().replace(['"', '\\'], ""))
                    }
                    TypeRef::Integer(_) => "0".to_owned(),
                    TypeRef::Float(_) => "0.0".to_owned(),
                    _ => "false".to_owned(),
                };
                let value = if p.required { value } else { "None".to_owned() };
                format!("    {}: {value},\n", p.rust_name.to_ident())
            })
            .collect();
        let headers = format!("let headers = CommonHeaders {{\n{}}};\n", fields.concat());
        ("{Client, CommonHeaders}".to_owned(), headers, [vec!["&headers".to_owned()], args].concat())
    };
    Some(format!(
        "# async fn example() -> Result<(), {krate}::Error> {{\n\
         use {krate}::{uses};\n\n\
         let client = {client};\n\
         {headers}\
         let response = client.{}({}).send().await?;\n\
         println!(\"{{:?}} (request id {{:?}})\", *response, response.request_id());\n\
         # Ok(())\n\
         # }}\n",
        op.method_name,
        args.join(", ")
    ))
}
