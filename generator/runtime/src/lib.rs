//! The client runtime: the modules every generated crate carries unchanged.
//!
//! `client.rs`, `decode.rs`, `error.rs` and `paging.rs` are copied verbatim (after the `@generated`
//! header) into each crate the generator writes, next to its generated `lib.rs`,
//! `operations.rs` and `types.rs`; `sse.rs` too, into crates with a streaming operation. They are ordinary Rust here so that they are
//! compiled, linted and tested once, for every spec alike. The only thing they need
//! from the generated crate is [`API`], what the spec says about reaching the API; this
//! crate's own is an example for its tests.

pub mod client;
pub mod decode;
pub mod error;
pub mod paging;
pub mod sse;

pub use client::{ApiInfo, ApiResponse, AuthScheme, Client, ClientBuilder, Redirects, RetryPolicy};
pub use error::{ApiError, DecodeError, Error, EventError, RedirectError};

/// What the spec says about reaching the API. In a generated crate this comes from the
/// spec; here it is an example: an API key in an `x-api-key` header.
pub const API: ApiInfo = ApiInfo {
    default_base_url: Some("https://api.example.com/v1/"),
    auth: Some(AuthScheme::Header("x-api-key")),
    api_key_env: "EXAMPLE_API_KEY",
};
