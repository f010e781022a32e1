//! The client runtime: what every generated crate shares, whatever its spec.
//!
//! The generator writes this crate, byte for byte, next to each crate it generates (as
//! `runtime/`, named after that crate plus `-runtime`), which depends on it. It is ordinary
//! Rust here so that it is compiled, linted and tested once, for every spec alike; and in a
//! user's build it is a dependency of its own, so regenerating the client or changing the
//! spec does not compile it again. The generated crate wraps [`Client`] in its own `Client`
//! type, which has a method per operation, and passes [`ClientBuilder::for_api`] what its
//! spec says about reaching the API, as an [`ApiInfo`].
//!
//! # Features
//! - `sse`: the `sse` module, server-sent event streams, and the crates it reads them with.
//!   Generated crates turn it on when they have an operation that streams.

pub mod call;
pub mod client;
pub mod decode;
pub mod error;
pub mod paging;
#[cfg(feature = "sse")]
pub mod sse;

pub use call::Call;
pub use client::{ApiInfo, ApiResponse, AuthScheme, Client, ClientBuilder, Redirects, RetryPolicy};
pub use error::{ApiError, DecodeError, Error, EventError, RedirectError};

/// The `serde` this crate was built with, for the macros generated code calls.
#[doc(hidden)]
pub use serde as __serde;
