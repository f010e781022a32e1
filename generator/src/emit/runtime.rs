//! The parts of the client every operation shares: `client.rs` (configuration, retries,
//! requests, responses) and `error.rs`. The same for every spec except for the defaults
//! taken from it.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Auth;

pub struct RuntimeSettings<'a> {
    pub default_base_url: Option<&'a str>,
    pub auth: Option<&'a Auth>,
    pub api_key_env: &'a str,
    /// Which optional helpers some operation uses (the others are left out, unused code
    /// being a warning).
    pub uses_header_params: bool,
    pub uses_path_params: bool,
    pub uses_json: bool,
    pub uses_empty: bool,
    pub uses_text: bool,
    pub uses_bytes: bool,
    pub uses_per_status: bool,
}

/// Parts of `client.rs` (see `Emitter`): each a group of items, in order.
pub const CLIENT_PARTS: usize = 5;

/// All of `client.rs`.
pub fn client_module(s: &RuntimeSettings<'_>) -> TokenStream {
    (0..CLIENT_PARTS).map(|i| client_part(s, i)).collect()
}

/// Part `index` of `client.rs`.
pub fn client_part(s: &RuntimeSettings<'_>, index: usize) -> TokenStream {
    let base_url = match s.default_base_url {
        Some(url) => quote! {
            /// The server the spec names; [`ClientBuilder::base_url`] picks another.
            pub const DEFAULT_BASE_URL: Option<&str> = Some(#url);
        },
        None => quote! {
            /// The spec names no absolute server URL: [`ClientBuilder::base_url`] must be called.
            pub const DEFAULT_BASE_URL: Option<&str> = None;
        },
    };
    let env = s.api_key_env;
    let env_doc = format!(" Environment variable the API key is read from when none is given: `{env}`.");
    // The key is a header (checked and marked sensitive when the client is built) or, for
    // APIs that want it so, a query parameter added to every URL.
    let (auth_header, auth_value) = match s.auth {
        Some(Auth::ApiKeyHeader { header }) => {
            let header = header.to_ascii_lowercase();
            (quote!(reqwest::header::HeaderName::from_static(#header)), quote!(key.as_str()))
        }
        Some(Auth::Bearer | Auth::ApiKeyQuery { .. }) | None => {
            (quote!(reqwest::header::AUTHORIZATION), quote!(format!("Bearer {key}").as_str()))
        }
    };
    let header_auth_used = !matches!(s.auth, Some(Auth::ApiKeyQuery { .. }));
    let header_use = match (header_auth_used, s.uses_header_params) {
        (true, _) => quote!(
            use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
        ),
        (false, true) => quote!(
            use reqwest::header::{HeaderMap, HeaderValue};
        ),
        (false, false) => quote!(
            use reqwest::header::HeaderMap;
        ),
    };
    let (auth_type, auth_make, header_auth, query_auth) = match s.auth {
        Some(Auth::ApiKeyQuery { name }) => (
            quote!(Option<(&'static str, String)>),
            quote!(let auth = Some((#name, key));),
            TokenStream::new(),
            quote! {
                if let Some((name, key)) = &self.inner.auth {
                    url.query_pairs_mut().append_pair(name, key);
                }
            },
        ),
        _ => (
            quote!(Option<(HeaderName, HeaderValue)>),
            quote! {
                let mut value = reqwest::header::HeaderValue::from_str(#auth_value).map_err(|_| {
                    Error::Config("the API key contains characters that cannot be sent in an HTTP header".into())
                })?;
                value.set_sensitive(true);
                let auth = Some((#auth_header, value));
            },
            quote! {
                if let Some((name, value)) = &self.inner.auth {
                    builder = builder.header(name.clone(), value.clone());
                }
            },
            TokenStream::new(),
        ),
    };
    let needs_key = s.auth.is_some();
    let from_env_doc = format!(" A client for the default server that reads its API key from `{env}`.");
    let new_fn = if needs_key {
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
    let auth_build = if needs_key {
        quote! {
            let key = match self.api_key {
                Some(key) => key,
                None => std::env::var(API_KEY_ENV).map_err(|_| {
                    Error::Config(format!("no API key was given and the environment variable {API_KEY_ENV} is not set"))
                })?,
            };
            if key.trim().is_empty() {
                return Err(Error::Config("the API key is empty".into()));
            }
            #auth_make
        }
    } else {
        quote!(let auth = None;)
    };

    let path_param = s.uses_path_params.then(|| {
        quote! {
            /// Characters a path parameter keeps as they are; everything else is
            /// percent-encoded, `/`, `?`, `#` and `%` included.
            const PATH_VALUE: &percent_encoding::AsciiSet =
                &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

            /// Appends one path parameter to `path`, encoded so that it stays one segment.
            /// Empty, `.` and `..` are refused: no encoding stops servers reading those as
            /// "this" or "the parent" segment.
            pub(crate) fn push_path_param(path: &mut String, name: &'static str, value: &str) -> Result<(), Error> {
                if value.is_empty() || value == "." || value == ".." {
                    return Err(Error::InvalidParameter {
                        name,
                        reason: format!("{value:?} cannot be sent as a path segment"),
                    });
                }
                path.extend(percent_encoding::utf8_percent_encode(value, PATH_VALUE));
                Ok(())
            }
        }
    });
    // Kept when no operation decodes a body, so that `DecodeError` stays in use.
    let unused = (!(s.uses_json || s.uses_text)).then(|| quote!(#[allow(dead_code)]));
    let decode_error = {
        quote! {
                #unused
                /// `at` is the (line, column) serde_json reports, when it reports one.
                fn decode_error(self, path: String, message: String, at: Option<(usize, usize)>) -> Error {
                    Error::Decode(Box::new(DecodeError::new(self.status, self.headers, self.body, path, message, at)))
                }

        }
    };
    let json = s.uses_json.then(|| {
        quote! {
                /// Decodes a JSON body; a failure names the JSON path where decoding stopped.
                pub(crate) fn json<T: serde::de::DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
                    let raw = self.success()?;
                    if let Some(content_type) = raw.headers.get(reqwest::header::CONTENT_TYPE) {
                        let essence = content_type.to_str().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
                        if !(essence == "application/json" || essence.ends_with("+json")) {
                            let message = format!("expected a JSON body, got content type {content_type:?}");
                            return Err(raw.decode_error(String::new(), message, None));
                        }
                    }
                    let mut de = serde_json::Deserializer::from_slice(&raw.body);
                    let decoded = match serde_path_to_error::deserialize(&mut de) {
                        // Trailing bytes after the value are as wrong as a bad value.
                        Ok(body) => de.end().map(|()| body).map_err(|e| (String::new(), e)),
                        Err(err) => Err((err.path().to_string(), err.into_inner())),
                    };
                    match decoded {
                        Ok(body) => Ok(ApiResponse { status: raw.status, headers: raw.headers, body }),
                        Err((path, err)) => {
                            let at = Some((err.line(), err.column()));
                            Err(raw.decode_error(path, err.to_string(), at))
                        }
                    }
                }

        }
    });
    let header_value = s.uses_header_params.then(|| {
        quote! {
            /// A header parameter's value, refused if it could end the header early.
            pub(crate) fn header_value(name: &'static str, value: &str) -> Result<HeaderValue, Error> {
                HeaderValue::from_str(value).map_err(|_| Error::InvalidParameter {
                    name,
                    reason: "contains characters that cannot appear in an HTTP header".into(),
                })
            }
        }
    });
    let empty = s.uses_empty.then(|| {
        quote! {
            /// A response whose body, if any, carries nothing the caller needs.
            pub(crate) fn empty(self) -> Result<ApiResponse<()>, Error> {
                let raw = self.success()?;
                Ok(ApiResponse { status: raw.status, headers: raw.headers, body: () })
            }
        }
    });
    let text = s.uses_text.then(|| {
        quote! {
            /// A text body, which must be UTF-8.
            pub(crate) fn text(self) -> Result<ApiResponse<String>, Error> {
                let raw = self.success()?;
                match String::from_utf8(raw.body) {
                    Ok(body) => Ok(ApiResponse { status: raw.status, headers: raw.headers, body }),
                    Err(err) => {
                        let message = format!("the body is not UTF-8: {}", err.utf8_error());
                        let raw = RawResponse { status: raw.status, headers: raw.headers, body: err.into_bytes() };
                        Err(raw.decode_error(String::new(), message, None))
                    }
                }
            }
        }
    });
    let per_status_response = s.uses_per_status.then(|| {
        quote! {
            /// The body turned into another type (a per-status enum's variant).
            pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
                ApiResponse { status: self.status, headers: self.headers, body: f(self.body) }
            }
        }
    });
    let per_status_raw = s.uses_per_status.then(|| {
        quote! {
            pub(crate) fn status(&self) -> StatusCode {
                self.status
            }

            /// A status the spec does not describe for the operation: an API error if it is
            /// not a success, else a decoding error that keeps the body.
            pub(crate) fn undocumented<T>(self) -> Result<ApiResponse<T>, Error> {
                let raw = self.success()?;
                let message = format!("the spec describes no response with status {}", raw.status);
                Err(raw.decode_error(String::new(), message, None))
            }
        }
    });
    let bytes = s.uses_bytes.then(|| {
        quote! {
            /// The body as received.
            pub(crate) fn bytes(self) -> Result<ApiResponse<Vec<u8>>, Error> {
                let raw = self.success()?;
                Ok(ApiResponse { status: raw.status, headers: raw.headers, body: raw.body })
            }
        }
    });

    match index {
        0 => quote! {
            //! Connection settings, retries, and the request and response handling that every
            //! operation shares.

            use std::fmt;
            use std::sync::Arc;
            use std::time::Duration;

            #header_use
            use reqwest::{Method, StatusCode};

            use crate::error::{ApiError, DecodeError, Error};

            #base_url

            #[doc = #env_doc]
            pub const API_KEY_ENV: &str = #env;

            const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

            /// A handle to the API. Cloning it is cheap and shares the connection pool.
            #[derive(Clone)]
            pub struct Client {
                inner: Arc<Inner>,
            }

            struct Inner {
                http: reqwest::Client,
                base_url: reqwest::Url,
                auth: #auth_type,
                retry: RetryPolicy,
                timeout: Duration,
                max_response_bytes: usize,
            }

            impl fmt::Debug for Client {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.debug_struct("Client")
                        .field("base_url", &self.inner.base_url.as_str())
                        .field("api_key", &self.inner.auth.as_ref().map(|_| "<redacted>"))
                        .field("retry", &self.inner.retry)
                        .field("timeout", &self.inner.timeout)
                        .field("max_response_bytes", &self.inner.max_response_bytes)
                        .finish()
                }
            }

        },
        1 => quote! {
            impl Client {
                #new_fn

                /// Settings beyond the defaults: base URL, timeouts, retries, HTTP client.
                pub fn builder() -> ClientBuilder {
                    ClientBuilder::default()
                }

                /// The URL that operation paths are appended to.
                pub fn base_url(&self) -> &reqwest::Url {
                    &self.inner.base_url
                }

                /// Sends `request`, retrying as the [`RetryPolicy`] allows, and reads the whole
                /// response body (up to the configured limit).
                pub(crate) async fn execute(&self, request: Request) -> Result<RawResponse, Error> {
                    let url = self.url(&request.path, &request.query);
                    let retry = &self.inner.retry;
                    let may_resend = request.idempotent || retry.retry_non_idempotent;
                    let mut attempt: u32 = 1;
                    loop {
                        let mut builder = self
                            .inner
                            .http
                            .request(request.method.clone(), url.clone())
                            .headers(request.headers.clone())
                            .header(reqwest::header::USER_AGENT, USER_AGENT)
                            .header(reqwest::header::ACCEPT, "application/json")
                            .timeout(self.inner.timeout);
                        #header_auth
                        if let Some((content_type, body)) = &request.body {
                            builder = builder.header(reqwest::header::CONTENT_TYPE, *content_type).body(body.clone());
                        }
                        let more_attempts = attempt < retry.max_attempts;
                        match builder.send().await {
                            Ok(response) => {
                                if more_attempts && may_resend && is_retryable_status(response.status()) {
                                    let wait = retry_after(response.headers()).unwrap_or_else(|| retry.backoff(attempt));
                                    // A server asking for a longer pause than the policy allows gets
                                    // its answer passed back instead of a long sleep.
                                    if wait <= retry.max_backoff {
                                        drop(response);
                                        tokio::time::sleep(wait).await;
                                        attempt += 1;
                                        continue;
                                    }
                                }
                                return RawResponse::read(response, self.inner.max_response_bytes).await;
                            }
                            // A connection that was never made carried no request, so even a
                            // non-idempotent one can be tried again.
                            Err(err) if more_attempts && err.is_connect() => {
                                tokio::time::sleep(retry.backoff(attempt)).await;
                                attempt += 1;
                            }
                            Err(err) => return Err(Error::from_reqwest(err)),
                        }
                    }
                }

                fn url(&self, path: &str, query: &[(&'static str, String)]) -> reqwest::Url {
                    let mut url = self.inner.base_url.clone();
                    let joined = format!("{}{}", url.path().trim_end_matches('/'), path);
                    url.set_path(&joined);
                    if !query.is_empty() {
                        url.query_pairs_mut().extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
                    }
                    #query_auth
                    url
                }
            }

        },
        2 => quote! {
            /// Builds a [`Client`].
            #[derive(Clone)]
            pub struct ClientBuilder {
                api_key: Option<String>,
                base_url: Option<String>,
                http: Option<reqwest::Client>,
                connect_timeout: Duration,
                timeout: Duration,
                retry: RetryPolicy,
                max_response_bytes: usize,
            }

            impl Default for ClientBuilder {
                fn default() -> Self {
                    ClientBuilder {
                        api_key: None,
                        base_url: None,
                        http: None,
                        connect_timeout: Duration::from_secs(10),
                        timeout: Duration::from_secs(60),
                        retry: RetryPolicy::default(),
                        max_response_bytes: 32 * 1024 * 1024,
                    }
                }
            }

            impl fmt::Debug for ClientBuilder {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.debug_struct("ClientBuilder")
                        .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
                        .field("base_url", &self.base_url)
                        .field("custom_http_client", &self.http.is_some())
                        .field("connect_timeout", &self.connect_timeout)
                        .field("timeout", &self.timeout)
                        .field("retry", &self.retry)
                        .field("max_response_bytes", &self.max_response_bytes)
                        .finish()
                }
            }

            impl ClientBuilder {
                /// The API key to send. Without one, `build` reads the environment variable
                /// [`API_KEY_ENV`].
                pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
                    self.api_key = Some(api_key.into());
                    self
                }

                /// Where to send requests instead of [`DEFAULT_BASE_URL`], e.g. a proxy or a test
                /// server. A trailing slash makes no difference.
                pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
                    self.base_url = Some(base_url.into());
                    self
                }

                /// Use this `reqwest::Client` (for its proxy, TLS or pool settings). The connect
                /// timeout is then the one it was built with; the request timeout still applies.
                pub fn http_client(mut self, http: reqwest::Client) -> Self {
                    self.http = Some(http);
                    self
                }

                /// How long to wait for a connection to be made (default 10 s).
                pub fn connect_timeout(mut self, timeout: Duration) -> Self {
                    self.connect_timeout = timeout;
                    self
                }

                /// How long one attempt may take from sending to the end of the body (default 60 s).
                pub fn timeout(mut self, timeout: Duration) -> Self {
                    self.timeout = timeout;
                    self
                }

                /// When and how often to try again (default: [`RetryPolicy::default`]).
                pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
                    self.retry = retry;
                    self
                }

                /// Refuse response bodies larger than this many bytes (default 32 MiB).
                pub fn max_response_bytes(mut self, limit: usize) -> Self {
                    self.max_response_bytes = limit;
                    self
                }

                /// Checks the settings and makes the client.
                pub fn build(self) -> Result<Client, Error> {
                    #auth_build
                    let base = match self.base_url.as_deref().or(DEFAULT_BASE_URL) {
                        Some(base) => base,
                        None => return Err(Error::Config("no base URL: the spec names none, so call ClientBuilder::base_url".into())),
                    };
                    let base_url = reqwest::Url::parse(base)
                        .map_err(|e| Error::Config(format!("the base URL {base:?} is not a valid URL: {e}")))?;
                    if !matches!(base_url.scheme(), "http" | "https") || base_url.cannot_be_a_base() {
                        return Err(Error::Config(format!("the base URL {base:?} is not an http or https URL")));
                    }
                    if base_url.query().is_some() || base_url.fragment().is_some() {
                        return Err(Error::Config(format!("the base URL {base:?} may not have a query or fragment")));
                    }
                    let http = match self.http {
                        Some(http) => http,
                        None => reqwest::Client::builder()
                            .connect_timeout(self.connect_timeout)
                            .build()
                            .map_err(Error::from_reqwest)?,
                    };
                    Ok(Client {
                        inner: Arc::new(Inner {
                            http,
                            base_url,
                            auth,
                            retry: self.retry,
                            timeout: self.timeout,
                            max_response_bytes: self.max_response_bytes,
                        }),
                    })
                }
            }

        },
        3 => quote! {
            /// When a failed attempt is tried again.
            ///
            /// Retried: connection failures, and responses 429, 502, 503 and 504, waiting as
            /// `Retry-After` says or else with exponential backoff and jitter. Requests with a
            /// non-idempotent method (POST, PATCH) are only re-sent after a response if
            /// `retry_non_idempotent` is set; a connection that failed never carried them.
            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct RetryPolicy {
                /// Attempts in all, the first included; 1 turns retries off.
                pub max_attempts: u32,
                /// The wait before the first retry; it doubles with each further one.
                pub initial_backoff: Duration,
                /// The longest wait between attempts. A `Retry-After` longer than this ends the
                /// retries and returns the response.
                pub max_backoff: Duration,
                /// Also re-send POST and PATCH requests after a retryable response.
                pub retry_non_idempotent: bool,
            }

            impl Default for RetryPolicy {
                fn default() -> Self {
                    RetryPolicy {
                        max_attempts: 3,
                        initial_backoff: Duration::from_millis(500),
                        max_backoff: Duration::from_secs(30),
                        retry_non_idempotent: false,
                    }
                }
            }

            impl RetryPolicy {
                /// Every request is sent once.
                pub fn never() -> Self {
                    RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
                }

                /// The wait before retry number `retry` (1-based): exponential, capped, with
                /// the upper half randomised so that many clients do not retry in step.
                fn backoff(&self, retry: u32) -> Duration {
                    let factor = 2u32.saturating_pow(retry.saturating_sub(1));
                    let full = self.initial_backoff.saturating_mul(factor).min(self.max_backoff);
                    let half = full / 2;
                    half + half.mul_f64(fastrand::f64())
                }
            }

            fn is_retryable_status(status: StatusCode) -> bool {
                matches!(status.as_u16(), 429 | 502 | 503 | 504)
            }

            /// `Retry-After` as seconds or as an HTTP date.
            fn retry_after(headers: &HeaderMap) -> Option<Duration> {
                let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
                if let Ok(seconds) = value.parse::<u64>() {
                    return Some(Duration::from_secs(seconds));
                }
                let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
                let wait = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
                Some(wait.to_std().unwrap_or(Duration::ZERO))
            }

            /// A request as an operation describes it.
            pub(crate) struct Request {
                pub method: Method,
                /// Path after the base URL, with parameters already encoded.
                pub path: String,
                pub query: Vec<(&'static str, String)>,
                pub headers: HeaderMap,
                pub body: Option<(&'static str, Vec<u8>)>,
                pub idempotent: bool,
            }

            #path_param
            #header_value

        },
        4 => quote! {
            /// A successful response: the decoded body, plus the status and headers it came with.
            ///
            /// It dereferences to the body, so `response.field` works directly.
            #[derive(Debug, Clone, PartialEq)]
            pub struct ApiResponse<T> {
                status: StatusCode,
                headers: HeaderMap,
                body: T,
            }

            impl<T> ApiResponse<T> {
                /// The HTTP status.
                pub fn status(&self) -> StatusCode {
                    self.status
                }

                /// All response headers.
                pub fn headers(&self) -> &HeaderMap {
                    &self.headers
                }

                /// The `X-Request-Id` the server gave this request; quote it when reporting a problem.
                pub fn request_id(&self) -> Option<&str> {
                    request_id(&self.headers)
                }

                /// The body alone.
                pub fn into_inner(self) -> T {
                    self.body
                }

                #per_status_response
            }

            impl<T> std::ops::Deref for ApiResponse<T> {
                type Target = T;

                fn deref(&self) -> &T {
                    &self.body
                }
            }

            pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
                headers.get("x-request-id").and_then(|v| v.to_str().ok())
            }

            /// A response read in full.
            pub(crate) struct RawResponse {
                status: StatusCode,
                headers: HeaderMap,
                body: Vec<u8>,
            }

            impl RawResponse {
                async fn read(mut response: reqwest::Response, limit: usize) -> Result<Self, Error> {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let too_large = || Error::BodyTooLarge {
                        status,
                        request_id: request_id(&headers).map(str::to_owned),
                        limit,
                    };
                    if response.content_length().is_some_and(|len| len > limit as u64) {
                        return Err(too_large());
                    }
                    let mut body = Vec::new();
                    while let Some(chunk) = response.chunk().await.map_err(Error::from_reqwest)? {
                        if body.len() + chunk.len() > limit {
                            return Err(too_large());
                        }
                        body.extend_from_slice(&chunk);
                    }
                    Ok(RawResponse { status, headers, body })
                }

                fn success(self) -> Result<Self, Error> {
                    if self.status.is_success() {
                        Ok(self)
                    } else {
                        Err(Error::Api(Box::new(ApiError::new(self.status, self.headers, self.body))))
                    }
                }

                #decode_error
                #json
                #empty
                #text
                #bytes
                #per_status_raw
            }
        },
        _ => TokenStream::new(),
    }
}

/// Parts of `error.rs`.
pub const ERROR_PARTS: usize = 3;

/// All of `error.rs`.
pub fn error_module() -> TokenStream {
    (0..ERROR_PARTS).map(error_part).collect()
}

/// Part `index` of `error.rs`.
pub fn error_part(index: usize) -> TokenStream {
    match index {
        0 => quote! {
            //! Everything that can go wrong with a request, with what the caller needs to act on it.

            use std::borrow::Cow;
            use std::fmt;

            use reqwest::header::HeaderMap;
            use reqwest::StatusCode;

            /// The longest piece of a response body quoted in an error message.
            const EXCERPT_CHARS: usize = 200;

            /// Why a request did not produce a value.
            #[derive(Debug)]
            #[non_exhaustive]
            pub enum Error {
                /// The client was configured with something unusable (a missing or malformed API
                /// key, an invalid base URL).
                Config(String),
                /// A parameter value cannot be sent as given; the request was not sent.
                InvalidParameter {
                    name: &'static str,
                    reason: String,
                },
                /// The request or the response did not finish within the configured timeout.
                Timeout(reqwest::Error),
                /// The connection failed or broke off.
                Transport(reqwest::Error),
                /// The server answered with a status other than 2xx.
                Api(Box<ApiError>),
                /// The server answered 2xx, but the body is not what the spec describes.
                Decode(Box<DecodeError>),
                /// The response body is larger than the configured limit; it was not read in full.
                BodyTooLarge {
                    status: StatusCode,
                    request_id: Option<String>,
                    limit: usize,
                },
                /// A paged listing did not advance (the server sent the same cursor again).
                Pagination(String),
            }

            impl Error {
                pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
                    if err.is_timeout() {
                        Error::Timeout(err.without_url())
                    } else {
                        Error::Transport(err.without_url())
                    }
                }

                /// The HTTP status, when a response was received.
                pub fn status(&self) -> Option<StatusCode> {
                    match self {
                        Error::Api(e) => Some(e.status),
                        Error::Decode(e) => Some(e.status),
                        Error::BodyTooLarge { status, .. } => Some(*status),
                        _ => None,
                    }
                }

                /// The server's `X-Request-Id`, when a response carried one.
                pub fn request_id(&self) -> Option<&str> {
                    match self {
                        Error::Api(e) => e.request_id.as_deref(),
                        Error::Decode(e) => e.request_id.as_deref(),
                        Error::BodyTooLarge { request_id, .. } => request_id.as_deref(),
                        _ => None,
                    }
                }
            }

        },
        1 => quote! {
            impl fmt::Display for Error {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    match self {
                        Error::Config(message) => write!(f, "client configuration: {message}"),
                        Error::InvalidParameter { name, reason } => write!(f, "parameter `{name}`: {reason}"),
                        Error::Timeout(err) => {
                            write!(f, "timed out: {err}")?;
                            write_causes(f, err)
                        }
                        Error::Transport(err) => {
                            write!(f, "connection failed: {err}")?;
                            write_causes(f, err)
                        }
                        Error::Api(err) => err.fmt(f),
                        Error::Decode(err) => err.fmt(f),
                        Error::BodyTooLarge { status, request_id, limit } => {
                            write!(f, "HTTP {status}: response body larger than the {limit}-byte limit")?;
                            write_request_id(f, request_id.as_deref())
                        }
                        Error::Pagination(message) => write!(f, "paging stopped: {message}"),
                    }
                }
            }

            impl std::error::Error for Error {
                fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                    match self {
                        Error::Timeout(err) | Error::Transport(err) => Some(err),
                        Error::Api(err) => Some(err.as_ref()),
                        Error::Decode(err) => Some(err.as_ref()),
                        _ => None,
                    }
                }
            }

            /// reqwest's own message is terse ("error sending request"); the cause says why.
            fn write_causes(f: &mut fmt::Formatter<'_>, err: &reqwest::Error) -> fmt::Result {
                let mut source = std::error::Error::source(err);
                while let Some(cause) = source {
                    write!(f, ": {cause}")?;
                    source = cause.source();
                }
                Ok(())
            }

            fn write_request_id(f: &mut fmt::Formatter<'_>, request_id: Option<&str>) -> fmt::Result {
                match request_id {
                    Some(id) => write!(f, " (request id {id})"),
                    None => Ok(()),
                }
            }

            /// At most [`EXCERPT_CHARS`] characters of `body` around byte `at`, lossily decoded.
            fn excerpt(body: &[u8], at: usize) -> String {
                let start = at.saturating_sub(EXCERPT_CHARS / 2).min(body.len());
                let end = (start + EXCERPT_CHARS).min(body.len());
                let text = String::from_utf8_lossy(&body[start..end]);
                let mut out = String::new();
                if start > 0 {
                    out.push('…');
                }
                out.extend(text.chars().map(|c| if c.is_control() { ' ' } else { c }));
                if end < body.len() {
                    out.push('…');
                }
                out
            }

        },
        2 => quote! {
            /// A response with a status other than 2xx.
            #[derive(Debug, Clone)]
            #[non_exhaustive]
            pub struct ApiError {
                pub status: StatusCode,
                /// The server's `X-Request-Id`.
                pub request_id: Option<String>,
                pub headers: HeaderMap,
                /// The body exactly as received.
                pub body: Vec<u8>,
            }

            impl ApiError {
                pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Vec<u8>) -> Self {
                    let request_id = crate::client::request_id(&headers).map(str::to_owned);
                    ApiError { status, request_id, headers, body }
                }

                /// The body as text (invalid UTF-8 replaced).
                pub fn body_text(&self) -> Cow<'_, str> {
                    String::from_utf8_lossy(&self.body)
                }

                /// The server's explanation, when the body is JSON with a `message` or `error`
                /// string (at the top level or inside an `error` object).
                pub fn message(&self) -> Option<String> {
                    let value: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
                    let pick = |v: &serde_json::Value| {
                        ["message", "error", "detail"].iter().find_map(|k| v.get(k)?.as_str().map(str::to_owned))
                    };
                    pick(&value).or_else(|| pick(value.get("error")?))
                }
            }

            impl fmt::Display for ApiError {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    write!(f, "HTTP {}", self.status)?;
                    write_request_id(f, self.request_id.as_deref())?;
                    match self.message() {
                        Some(message) => write!(f, ": {}", excerpt(message.as_bytes(), 0)),
                        None if self.body.is_empty() => Ok(()),
                        None => write!(f, ": {}", excerpt(&self.body, 0)),
                    }
                }
            }

            impl std::error::Error for ApiError {}

            /// A 2xx response whose body could not be decoded.
            #[derive(Debug, Clone)]
            #[non_exhaustive]
            pub struct DecodeError {
                pub status: StatusCode,
                pub request_id: Option<String>,
                pub headers: HeaderMap,
                /// Where decoding stopped, e.g. `data[3].status` (empty for the whole body).
                pub path: String,
                /// What was wrong there.
                pub message: String,
                /// The body exactly as received.
                pub body: Vec<u8>,
                /// Byte offset in `body` where decoding stopped.
                offset: usize,
            }

            impl DecodeError {
                pub(crate) fn new(
                    status: StatusCode,
                    headers: HeaderMap,
                    body: Vec<u8>,
                    path: String,
                    message: String,
                    at: Option<(usize, usize)>,
                ) -> Self {
                    let request_id = crate::client::request_id(&headers).map(str::to_owned);
                    let offset = at.map_or(0, |(line, column)| {
                        let line_start: usize =
                            body.split(|b| *b == b'\n').take(line.saturating_sub(1)).map(|l| l.len() + 1).sum();
                        line_start + column.saturating_sub(1)
                    });
                    DecodeError { status, request_id, headers, path, message, body, offset }
                }

                /// The part of the body where decoding stopped, at most a couple of hundred
                /// characters.
                pub fn excerpt(&self) -> String {
                    excerpt(&self.body, self.offset)
                }
            }

            impl fmt::Display for DecodeError {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    write!(f, "HTTP {}: could not decode the body", self.status)?;
                    if !self.path.is_empty() && self.path != "." {
                        write!(f, " at `{}`", self.path)?;
                    }
                    write!(f, ": {}", self.message)?;
                    write_request_id(f, self.request_id.as_deref())?;
                    if !self.body.is_empty() {
                        write!(f, "; body: {}", self.excerpt())?;
                    }
                    Ok(())
                }
            }

            impl std::error::Error for DecodeError {}
        },
        _ => TokenStream::new(),
    }
}
