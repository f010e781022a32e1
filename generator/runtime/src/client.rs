//! Connection settings, retries, redirects, and the request and response handling that
//! every operation shares.
//!
//! This module is the same for every generated crate (its source is
//! `generator/runtime/src/client.rs` in the generator's repository, compiled and tested
//! there); what the spec says about reaching the API comes from the generated crate, as
//! the [`ApiInfo`] it passes to [`ClientBuilder::for_api`].
//!
//! # What is sent where
//!
//! Credentials (the API key, a bearer token, headers added with
//! [`ClientBuilder::sensitive_header`]) are sent only to the origin (scheme, host and
//! port) of the configured base URL. Redirects are followed by this client, not by
//! `reqwest`: a redirect within that origin is followed with the credentials, up to
//! [`MAX_REDIRECTS`] in a row; a redirect to another origin, `https` to `http`
//! included, ends the request with [`Error::Redirect`] unless
//! [`ClientBuilder::redirects`] allows following it, and then no credential goes along.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use crate::error::{ApiError, DecodeError, Error, RedirectError};

/// The most redirects followed for one request before it fails with [`Error::Redirect`].
pub const MAX_REDIRECTS: usize = 10;

/// How the API expects its key, as the spec's security scheme says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// The key in the named header (OpenAPI `apiKey` scheme, `in: header`).
    Header(&'static str),
    /// The key as the named query parameter (OpenAPI `apiKey` scheme, `in: query`).
    Query(&'static str),
    /// `Authorization: Bearer <key>` (OpenAPI `http` scheme, `scheme: bearer`).
    Bearer,
}

/// What the spec says about reaching the API: the generated crate's `API` constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiInfo {
    /// The first server the spec names, with its variables at their defaults.
    pub default_base_url: Option<&'static str>,
    /// How the API key is sent; `None` when the spec declares no scheme the client can
    /// apply itself.
    pub auth: Option<AuthScheme>,
    /// The environment variable the API key is read from when none is given.
    pub api_key_env: &'static str,
    /// The `User-Agent` every request carries: the generated crate's name and version,
    /// `name/version`.
    pub user_agent: &'static str,
}

/// What to do with a redirect to another origin (or from `https` to `http`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Redirects {
    /// Follow redirects within the base URL's origin; stop at any other with
    /// [`Error::Redirect`], which names the status and the target's origin. The default.
    #[default]
    SameOriginOnly,
    /// Also follow redirects to other origins, without any credential: the API key,
    /// bearer token and sensitive headers are never sent there.
    AnyOriginWithoutCredentials,
    /// Follow none: every redirect ends the request with [`Error::Redirect`].
    Never,
}

/// A handle to the API. Cloning it is cheap and shares the connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    user_agent: &'static str,
    credentials: Vec<Credential>,
    retry: RetryPolicy,
    redirects: Redirects,
    timeout: Duration,
    max_response_bytes: usize,
    max_pages: usize,
}

/// Something that proves who the caller is, sent only to the base URL's origin.
#[derive(Clone)]
enum Credential {
    Header(HeaderName, HeaderValue),
    Query(&'static str, String),
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("credentials", &format_args!("<{} redacted>", self.inner.credentials.len()))
            .field("retry", &self.inner.retry)
            .field("redirects", &self.inner.redirects)
            .field("timeout", &self.inner.timeout)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .field("max_pages", &self.inner.max_pages)
            .finish()
    }
}

impl Client {
    /// The URL that operation paths are appended to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The most pages a paged listing's stream fetches ([`ClientBuilder::max_pages`]).
    pub fn max_pages(&self) -> usize {
        self.inner.max_pages
    }

    /// How long one attempt may take ([`ClientBuilder::timeout`]); for a streamed
    /// response, how long its headers and then each silence may take.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The largest response body read, or for a stream the largest event
    /// ([`ClientBuilder::max_response_bytes`]).
    pub fn max_response_bytes(&self) -> usize {
        self.inner.max_response_bytes
    }

    /// Sends `request`, following redirects and retrying as the settings allow, and reads
    /// the whole response body (up to the configured limit).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a parameter the request refused, before anything is
    /// sent; [`Error::Transport`] or [`Error::Timeout`] when no response came,
    /// [`Error::Redirect`] for a redirect that may not be followed, and
    /// [`Error::BodyTooLarge`] for a body over the limit. The status is not checked here.
    pub async fn execute(&self, request: Request) -> Result<RawResponse, Error> {
        let (response, attempts) = self.send(request).await?;
        RawResponse::read(response, self.inner.max_response_bytes, attempts).await
    }

    /// Sends `request` and returns the response as soon as its headers have arrived,
    /// with the number of attempts it took. Redirects and retries are handled here.
    ///
    /// # Errors
    /// A parameter the request refused ([`Request::check`]), before anything is sent; then
    /// what sending and reading the headers can fail with.
    pub async fn send(&self, request: Request) -> Result<(reqwest::Response, u32), Error> {
        let request = request.check()?;
        let mut hop = Hop {
            method: request.method.clone(),
            url: self.url(&request.path, &request.query),
            body: request.body.clone(),
            idempotent: request.idempotent,
        };
        let mut redirects = 0;
        loop {
            let (response, attempts) = self.send_with_retries(&request, &hop).await?;
            let Some(target) = redirect_target(&response) else {
                return Ok((response, attempts));
            };
            let status = response.status();
            let same_origin = same_origin(&target, &self.inner.base_url);
            let refusal = if redirects >= MAX_REDIRECTS {
                Some(format!("more than {MAX_REDIRECTS} redirects in a row"))
            } else if self.inner.redirects == Redirects::Never {
                Some("the client is set to follow no redirects".to_owned())
            } else if !same_origin && self.inner.redirects == Redirects::SameOriginOnly {
                Some("the target is not the API's origin, and credentials may not go there".to_owned())
            } else {
                None
            };
            if let Some(reason) = refusal {
                return Err(Error::Redirect(Box::new(RedirectError::new(status, &target, reason, response.headers()))));
            }
            redirects += 1;
            hop = hop.redirected(status, target);
        }
    }

    /// One hop of a request, retried as the [`RetryPolicy`] allows.
    async fn send_with_retries(&self, request: &Request, hop: &Hop) -> Result<(reqwest::Response, u32), Error> {
        let retry = &self.inner.retry;
        let may_resend = hop.idempotent || retry.retry_non_idempotent;
        let mut attempt: u32 = 1;
        loop {
            let more_attempts = attempt < retry.max_attempts;
            let sent = self.build_hop(request, hop).send();
            let outcome = match request.timeout {
                // No deadline for the whole response (a stream): the client's timeout still
                // bounds the wait for its headers.
                Some(None) => match tokio::time::timeout(self.inner.timeout, sent).await {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        let waited = self.inner.timeout;
                        return Err(Error::StreamTimeout { waited, request_id: None, attempts: attempt });
                    }
                },
                _ => sent.await,
            };
            match outcome {
                Ok(response) => {
                    if more_attempts && may_resend && is_retryable_status(response.status()) {
                        if let Some(wait) = retry.wait_after(response.headers(), attempt, SystemTime::now()) {
                            drop(response);
                            tokio::time::sleep(wait).await;
                            attempt += 1;
                            continue;
                        }
                    }
                    return Ok((response, attempt));
                }
                Err(err) if more_attempts && may_retry_transport(&err, may_resend) => {
                    tokio::time::sleep(retry.backoff(attempt)).await;
                    attempt += 1;
                }
                Err(err) => return Err(Error::from_reqwest(err, attempt)),
            }
        }
    }

    fn build_hop(&self, request: &Request, hop: &Hop) -> reqwest::RequestBuilder {
        let mut url = hop.url.clone();
        let trusted = same_origin(&url, &self.inner.base_url);
        let mut headers = request.headers.clone();
        if trusted {
            for credential in &self.inner.credentials {
                match credential {
                    Credential::Header(name, value) => {
                        headers.insert(name.clone(), value.clone());
                    }
                    Credential::Query(name, value) => {
                        url.query_pairs_mut().append_pair(name, value);
                    }
                }
            }
        }
        let accept = request.accept.unwrap_or("application/json");
        let mut builder = self
            .inner
            .http
            .request(hop.method.clone(), url)
            .headers(headers)
            .header(reqwest::header::USER_AGENT, self.inner.user_agent)
            .header(reqwest::header::ACCEPT, accept);
        if let Some(timeout) = request.timeout.unwrap_or(Some(self.inner.timeout)) {
            builder = builder.timeout(timeout);
        }
        if let Some((content_type, body)) = &hop.body {
            builder = builder.header(reqwest::header::CONTENT_TYPE, *content_type).body(body.clone());
        }
        builder
    }

    fn url(&self, path: &str, query: &[(&'static str, String)]) -> Url {
        let mut url = self.inner.base_url.clone();
        let joined = format!("{}{}", url.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }
}

/// Where one hop of a request goes, and what it carries.
struct Hop {
    method: Method,
    url: Url,
    body: Option<(&'static str, Vec<u8>)>,
    idempotent: bool,
}

impl Hop {
    /// The next hop after a redirect with `status` to `target`, as browsers and
    /// RFC 9110 §15.4 do it: 303 (and 301/302 after a POST) turn into a GET without a
    /// body; 307 and 308 repeat the request as it was.
    fn redirected(self, status: StatusCode, target: Url) -> Hop {
        let to_get = match status.as_u16() {
            303 => self.method != Method::HEAD,
            301 | 302 => self.method == Method::POST,
            _ => false,
        };
        if to_get {
            Hop { method: Method::GET, url: target, body: None, idempotent: true }
        } else {
            Hop { url: target, ..self }
        }
    }
}

/// The target of a redirect response, resolved against the URL that was asked for; `None`
/// for any other response (a 3xx without a usable `Location` is left to the caller).
fn redirect_target(response: &reqwest::Response) -> Option<Url> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get(reqwest::header::LOCATION)?.to_str().ok()?;
    response.url().join(location).ok()
}

/// Same scheme, host and port (RFC 6454), which is what credentials are tied to.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

/// A transport failure that may be tried again: a connection that was never made carried
/// nothing, so any request may be re-sent; other failures before the response (a pooled
/// connection closed under the request, a reset) only when re-sending is allowed. A
/// timeout is not retried: the time it allows has been used.
fn may_retry_transport(err: &reqwest::Error, may_resend: bool) -> bool {
    if err.is_timeout() || err.is_builder() {
        return false;
    }
    err.is_connect() || (may_resend && err.is_request())
}

/// Builds a [`Client`], or a generated crate's client type `C`, which wraps one (see
/// [`ClientBuilder::build`]).
pub struct ClientBuilder<C = Client> {
    settings: Settings,
    client: PhantomData<fn() -> C>,
}

/// What a [`ClientBuilder`] was given: apart from the client type, so that checking them
/// and making the client is compiled once, in this crate.
struct Settings {
    api: ApiInfo,
    api_key: Option<String>,
    bearer_token: Option<String>,
    sensitive_headers: Vec<(String, String)>,
    base_url: Option<String>,
    http: Option<reqwest::ClientBuilder>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    redirects: Redirects,
    max_response_bytes: usize,
    max_pages: usize,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api", &self.settings.api)
            .field("api_key", &self.settings.api_key.as_ref().map(|_| "<redacted>"))
            .field("bearer_token", &self.settings.bearer_token.as_ref().map(|_| "<redacted>"))
            .field(
                "sensitive_headers",
                &self.settings.sensitive_headers.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            )
            .field("base_url", &self.settings.base_url)
            .field("custom_http_client", &self.settings.http.is_some())
            .field("connect_timeout", &self.settings.connect_timeout)
            .field("timeout", &self.settings.timeout)
            .field("retry", &self.settings.retry)
            .field("redirects", &self.settings.redirects)
            .field("max_response_bytes", &self.settings.max_response_bytes)
            .field("max_pages", &self.settings.max_pages)
            .finish()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder for the API `api` describes; a generated crate's `Client::builder` passes
    /// its `API`.
    pub fn for_api(api: ApiInfo) -> Self {
        let settings = Settings {
            api,
            api_key: None,
            bearer_token: None,
            sensitive_headers: Vec::new(),
            base_url: None,
            http: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            redirects: Redirects::default(),
            max_response_bytes: 32 * 1024 * 1024,
            max_pages: 10_000,
        };
        ClientBuilder { settings, client: PhantomData }
    }

    /// The API key to send as the spec's security scheme says. Without one, `build`
    /// reads the environment variable named by [`ApiInfo::api_key_env`]. Ignored when
    /// the spec declares no scheme the client can apply (see
    /// [`ClientBuilder::bearer_token`] and [`ClientBuilder::http_client`] for those).
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.settings.api_key = Some(api_key.into());
        self
    }

    /// Send `Authorization: Bearer <token>` with every request to the API's origin: for
    /// OAuth 2 and OpenID Connect schemes, whose tokens the caller obtains.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.settings.bearer_token = Some(token.into());
        self
    }

    /// Send this header with every request to the API's origin and nowhere else, hidden
    /// from `Debug` output: for credentials the spec does not describe.
    pub fn sensitive_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings.sensitive_headers.push((name.into(), value.into()));
        self
    }

    /// Where to send requests instead of [`ApiInfo::default_base_url`], e.g. a proxy or a
    /// test server. A trailing slash makes no difference.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.settings.base_url = Some(base_url.into());
        self
    }

    /// Build the HTTP client from this `reqwest::ClientBuilder` (for its proxy, TLS
    /// roots, client certificate for mutual TLS, or pool settings). `build` sets its
    /// connect timeout and turns its own redirect handling off, since this client follows
    /// redirects itself to keep credentials with the API's origin.
    pub fn http_client(mut self, http: reqwest::ClientBuilder) -> Self {
        self.settings.http = Some(http);
        self
    }

    /// How long to wait for a connection to be made (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take from sending to the end of the body (default 60 s).
    ///
    /// A streamed response (an operation's `send_stream`) has no deadline as a whole: this
    /// bounds the wait for its headers and then each silence, so a stream that keeps
    /// sending, keep-alive comments included, is never cut; one that goes quiet for this
    /// long ends with [`Error::StreamTimeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// When and how often to try again (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.settings.retry = retry;
        self
    }

    /// What to do with redirects to other origins (default:
    /// [`Redirects::SameOriginOnly`]).
    pub fn redirects(mut self, redirects: Redirects) -> Self {
        self.settings.redirects = redirects;
        self
    }

    /// Refuse response bodies larger than this many bytes (default 32 MiB). A stream may
    /// be longer: the limit applies to each of its events.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.settings.max_response_bytes = limit;
        self
    }

    /// The most pages one paged listing's stream fetches before it ends with
    /// [`Error::Pagination`] (default 10,000): a bound for servers that hand out fresh
    /// cursors forever.
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.settings.max_pages = pages;
        self
    }

    /// Checks the settings and makes the client: a [`Client`], or the generated crate's
    /// client made from one.
    ///
    /// # Errors
    /// [`Error::Config`] for a missing or unusable API key, base URL or header.
    pub fn build(self) -> Result<C, Error> {
        self.settings.build().map(C::from)
    }
}

impl Settings {
    fn build(self) -> Result<Client, Error> {
        let mut credentials = Vec::new();
        if let Some(scheme) = self.api.auth {
            let key = match self.api_key {
                Some(key) => key,
                None => std::env::var(self.api.api_key_env).map_err(|_| {
                    Error::Config(format!(
                        "no API key was given and the environment variable {} is not set",
                        self.api.api_key_env
                    ))
                })?,
            };
            if key.trim().is_empty() {
                return Err(Error::Config("the API key is empty".into()));
            }
            credentials.push(match scheme {
                AuthScheme::Header(name) => Credential::Header(header_name(name)?, sensitive_value(&key)?),
                AuthScheme::Query(name) => Credential::Query(name, key),
                AuthScheme::Bearer => bearer(&key)?,
            });
        }
        if let Some(token) = &self.bearer_token {
            credentials.push(bearer(token)?);
        }
        for (name, value) in &self.sensitive_headers {
            credentials.push(Credential::Header(header_name(name)?, sensitive_value(value)?));
        }
        let base_url = parse_base_url(self.base_url.as_deref().or(self.api.default_base_url))?;
        let http = self
            .http
            .unwrap_or_default()
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| Error::from_reqwest(err, 0))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                user_agent: self.api.user_agent,
                credentials,
                retry: self.retry,
                redirects: self.redirects,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
                max_pages: self.max_pages,
            }),
        })
    }
}

fn header_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::Config(format!("{name:?} is not a valid HTTP header name")))
}

fn sensitive_value(value: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| Error::Config("a credential contains characters that cannot be sent in an HTTP header".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

fn bearer(token: &str) -> Result<Credential, Error> {
    Ok(Credential::Header(reqwest::header::AUTHORIZATION, sensitive_value(&format!("Bearer {token}"))?))
}

fn parse_base_url(base: Option<&str>) -> Result<Url, Error> {
    let Some(base) = base else {
        return Err(Error::Config("no base URL: the spec names none, so call ClientBuilder::base_url".into()));
    };
    let url = Url::parse(base).map_err(|e| Error::Config(format!("the base URL {base:?} is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(Error::Config(format!("the base URL {base:?} is not an http or https URL")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!("the base URL {base:?} may not have a query or fragment")));
    }
    Ok(url)
}

/// When a failed attempt is tried again.
///
/// Retried: connection failures; for requests that may be re-sent, other failures
/// before any response arrived (such as a pooled connection the server had closed);
/// and responses 429, 502, 503 and 504. Requests with a non-idempotent method (POST,
/// PATCH) may be re-sent only if `retry_non_idempotent` is set; a connection that was
/// never made never carried them, so that failure is retried for every request.
///
/// The wait before a retry after a response is what its `Retry-After` asks for (see
/// [`parse_retry_after`]), or the backoff when it has none or none that can be read. A
/// wait longer than `max_backoff` is not waited: the response is returned at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// The wait before the first retry; it doubles with each further one.
    pub initial_backoff: Duration,
    /// The longest wait between attempts. A `Retry-After` longer than this ends the
    /// retries and returns the response.
    pub max_backoff: Duration,
    /// Also re-send POST and PATCH requests after a retryable response or a failure
    /// after the request was written.
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

    /// The wait before retry number `retry` (1-based): exponential, capped, with the upper
    /// half randomised so that many clients do not retry in step.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        let full = self.initial_backoff.saturating_mul(factor).min(self.max_backoff);
        let half = full / 2;
        half + half.mul_f64(fastrand::f64())
    }

    /// How long to wait before retrying a retryable response with these headers, or
    /// `None` when the wait asked for is longer than `max_backoff` (the response is then
    /// returned instead). A `Retry-After` that cannot be read, or a date already past,
    /// gives the backoff: never sooner than that.
    pub fn wait_after(&self, headers: &HeaderMap, attempt: u32, now: SystemTime) -> Option<Duration> {
        let asked = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, now))
            .filter(|wait| !wait.is_zero());
        let wait = asked.unwrap_or_else(|| self.backoff(attempt));
        (wait <= self.max_backoff).then_some(wait)
    }
}

fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// A `Retry-After` value (RFC 9110 §10.2.3) as a wait from `now`.
///
/// Reads delta-seconds, with the fractional seconds some servers send (rounded up to the
/// next millisecond, so never sooner than asked), saturating values too large for 64
/// bits; and an HTTP date in any of its three forms (IMF-fixdate, RFC 850, asctime), a
/// date in the past giving zero. Anything else is `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !whole.is_empty() && digits(whole) && digits(fraction) && !(value.ends_with('.')) {
        let seconds = whole.bytes().fold(0u64, |n, b| n.saturating_mul(10).saturating_add(u64::from(b - b'0')));
        let (millis, rest) = fraction.split_at(fraction.len().min(3));
        let mut millis_value = format!("{millis:0<3}").parse::<u64>().unwrap_or(0);
        if rest.bytes().any(|b| b != b'0') {
            millis_value += 1;
        }
        return Some(Duration::from_secs(seconds).saturating_add(Duration::from_millis(millis_value)));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A request as an operation describes it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The HTTP method.
    pub method: Method,
    /// Path after the base URL, with parameters already encoded.
    pub path: String,
    /// Query parameters in order, not yet encoded.
    pub query: Vec<(&'static str, String)>,
    /// Header parameters and any extra headers the caller set.
    pub headers: HeaderMap,
    /// Content type and bytes of the body.
    pub body: Option<(&'static str, Vec<u8>)>,
    /// Whether the method may be sent twice (GET, PUT, DELETE, ...): retried by default.
    pub idempotent: bool,
    /// The `Accept` header; `application/json` when `None`.
    pub accept: Option<&'static str>,
    /// A per-attempt timeout other than the client's, `None` for the client's. `Some(None)`
    /// sets no deadline for the whole response, for a stream that may stay open for long;
    /// the client's timeout then still bounds each attempt's wait for the headers.
    pub timeout: Option<Option<Duration>>,
    /// The first parameter that could not be set, and why: [`Client::send`] returns it as
    /// [`Error::InvalidParameter`] before anything is sent.
    invalid: Option<(&'static str, String)>,
    /// Headers the caller added that the spec does not describe: [`Request::check`] appends
    /// them after the spec's, whenever either was set.
    extra: Vec<(HeaderName, HeaderValue)>,
}

impl Request {
    /// A request with no query, headers or body. Generated operations make theirs with this
    /// and the methods below, one call per parameter, so that what every operation does alike
    /// is compiled once, here.
    pub fn new(method: Method, path: &str, idempotent: bool) -> Self {
        Request {
            method,
            path: path.to_owned(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            idempotent,
            accept: None,
            timeout: None,
            invalid: None,
            extra: Vec::new(),
        }
    }

    /// Keeps the first parameter that could not be set (see [`Request::check`]). Setting
    /// parameters does not return errors, so that an operation's code is one plain call per
    /// parameter, as `reqwest::RequestBuilder` does it.
    fn refuse(&mut self, name: &'static str, reason: String) {
        self.invalid.get_or_insert((name, reason));
    }

    /// The request as it is sent, with the caller's extra headers after the spec's; or the
    /// error of the first parameter that could not be set.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for that parameter.
    pub fn check(mut self) -> Result<Self, Error> {
        if let Some((name, reason)) = self.invalid {
            return Err(Error::InvalidParameter { name, reason });
        }
        for (name, value) in std::mem::take(&mut self.extra) {
            self.headers.append(name, value);
        }
        Ok(self)
    }

    /// Appends a path parameter, encoded so that it stays one segment: everything but
    /// letters, digits, `-`, `.`, `_` and `~` is percent-encoded, `/`, `?`, `#` and `%`
    /// included.
    ///
    /// Empty, `.` and `..` are refused (the request then fails with
    /// [`Error::InvalidParameter`], see [`Request::check`]): no encoding stops servers
    /// reading those as "this" or "the parent" segment.
    pub fn path_param(&mut self, name: &'static str, value: &str) {
        if value.is_empty() || value == "." || value == ".." {
            self.refuse(name, format!("{value:?} cannot be sent as a path segment"));
        } else {
            self.path.extend(percent_encoding::utf8_percent_encode(value, PATH_VALUE));
        }
    }

    /// Adds a query parameter, after those added before; `value` is encoded when sent.
    pub fn query(&mut self, name: &'static str, value: String) {
        self.query.push((name, value));
    }

    /// Adds a header parameter, after any header of that name added before (both are
    /// sent). A `name` that is not a header name, or a `value` with characters that could
    /// end the header early, is refused (see [`Request::check`]).
    pub fn header(&mut self, name: &'static str, value: &str) {
        match checked_header(name, value) {
            Ok((header, value)) => {
                self.headers.append(header, value);
            }
            Err(reason) => self.refuse(name, reason),
        }
    }

    /// Adds a header the spec does not describe, which a caller set on a request builder:
    /// it is sent after the spec's headers, and after any other of that name (all are sent).
    /// One that cannot be sent is refused as the parameter `header` (see [`Request::check`]).
    pub fn extra_header(&mut self, name: &str, value: &str) {
        match checked_header(name, value) {
            Ok(header) => self.extra.push(header),
            Err(reason) => self.refuse("header", reason),
        }
    }

    /// The JSON text of a parameter sent as JSON (an object, a union, a list of them), for
    /// [`Request::query`], [`Request::header`] or [`Request::path_param`]. A value JSON cannot
    /// hold, such as a map with keys that are not strings, is refused (see
    /// [`Request::check`]) and gives `None`.
    pub fn json_param<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Option<String> {
        match serde_json::to_string(value) {
            Ok(text) => Some(text),
            Err(e) => {
                self.refuse(name, e.to_string());
                None
            }
        }
    }

    /// Sets the body to `value` as JSON, sent as `content_type`. A value that cannot be
    /// written as JSON, such as a map with keys that are not strings, is refused as the
    /// parameter `body` (see [`Request::check`]).
    pub fn json_body<T: serde::Serialize + ?Sized>(&mut self, content_type: &'static str, value: &T) {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.body = Some((content_type, bytes)),
            Err(e) => self.refuse("body", e.to_string()),
        }
    }
}

/// Characters a path parameter keeps as they are; everything else is percent-encoded,
/// `/`, `?`, `#` and `%` included.
const PATH_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A header's name and value, checked so that neither can end the header early; an error
/// says which is wrong.
fn checked_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("{name:?} is not a header name"))?;
    let value = HeaderValue::from_str(value)
        .map_err(|_| "contains characters that cannot appear in an HTTP header".to_owned())?;
    Ok((header, value))
}

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

    /// The body turned into another type (a per-status enum's variant).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse { status: self.status, headers: self.headers, body: f(self.body) }
    }
}

impl<T> std::ops::Deref for ApiResponse<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

/// The `X-Request-Id` header, when present and readable.
pub fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
}

/// A response read in full, not yet decoded.
#[derive(Debug)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    attempts: u32,
}

impl RawResponse {
    pub(crate) async fn read(mut response: reqwest::Response, limit: usize, attempts: u32) -> Result<Self, Error> {
        let status = response.status();
        let headers = response.headers().clone();
        let too_large = || Error::BodyTooLarge { status, request_id: request_id(&headers).map(str::to_owned), limit };
        if response.content_length().is_some_and(|len| len > limit as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|err| Error::from_reqwest(err, attempts))? {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse { status, headers, body, attempts })
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub(crate) fn success(self) -> Result<Self, Error> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(Error::Api(Box::new(ApiError::new(self.status, self.headers, self.body, self.attempts))))
        }
    }

    /// `at` is the (line, column) serde_json reports, when it reports one.
    pub(crate) fn decode_error(self, path: String, message: String, at: Option<(usize, usize)>) -> Error {
        Error::Decode(Box::new(DecodeError::new(self.status, self.headers, self.body, path, message, at)))
    }

    fn into_response<T>(self, body: T) -> ApiResponse<T> {
        ApiResponse { status: self.status, headers: self.headers, body }
    }

    /// Decodes a JSON body.
    ///
    /// # Errors
    /// [`Error::Api`] for a status other than 2xx; [`Error::Decode`], naming the JSON path
    /// where decoding stopped, for a body that is not JSON of the expected shape.
    pub fn json<T: serde::de::DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        let raw = self.success()?;
        if let Some(content_type) = raw.headers.get(reqwest::header::CONTENT_TYPE) {
            let essence =
                content_type.to_str().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            if !(essence == "application/json" || essence.ends_with("+json")) {
                let message = format!("expected a JSON body, got content type {content_type:?}");
                return Err(raw.decode_error(String::new(), message, None));
            }
        }
        match decode_json(&raw.body) {
            Ok(body) => Ok(raw.into_response(body)),
            Err((path, err)) => {
                let at = match err.line() {
                    0 => crate::decode::locate(&raw.body, &path),
                    line => Some((line, err.column())),
                };
                Err(raw.decode_error(path, err.to_string(), at))
            }
        }
    }

    /// A response whose body, if any, carries nothing the caller needs.
    ///
    /// # Errors
    /// [`Error::Api`] for a status other than 2xx.
    pub fn empty(self) -> Result<ApiResponse<()>, Error> {
        Ok(self.success()?.into_response(()))
    }

    /// A text body, which must be UTF-8.
    ///
    /// # Errors
    /// [`Error::Api`] for a status other than 2xx, [`Error::Decode`] for invalid UTF-8.
    pub fn text(self) -> Result<ApiResponse<String>, Error> {
        let raw = self.success()?;
        match std::str::from_utf8(&raw.body) {
            Ok(text) => {
                let text = text.to_owned();
                Ok(raw.into_response(text))
            }
            Err(err) => {
                let message = format!("the body is not UTF-8: {err}");
                Err(raw.decode_error(String::new(), message, None))
            }
        }
    }

    /// The body as received.
    ///
    /// # Errors
    /// [`Error::Api`] for a status other than 2xx.
    pub fn bytes(self) -> Result<ApiResponse<Vec<u8>>, Error> {
        let mut raw = self.success()?;
        let body = std::mem::take(&mut raw.body);
        Ok(raw.into_response(body))
    }

    /// A status the spec does not describe for the operation.
    ///
    /// # Errors
    /// Always: [`Error::Api`] if it is not a success, else [`Error::Decode`] keeping the
    /// body.
    pub fn undocumented<T>(self) -> Result<ApiResponse<T>, Error> {
        let raw = self.success()?;
        let message = format!("the spec describes no response with status {}", raw.status);
        Err(raw.decode_error(String::new(), message, None))
    }
}

/// Decodes JSON text, trailing bytes after the value being as wrong as a bad value. The
/// error comes with the JSON path where decoding stopped (empty for the whole value), inside
/// unions too: an error that a union reports from inside its value (see [`crate::decode`])
/// comes back at the full path, without a line and column of its own (locate it with
/// [`crate::decode::locate`]).
pub fn decode_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, (String, serde_json::Error)> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize(&mut de) {
        Ok(body) => de.end().map(|()| body).map_err(|e| (String::new(), e)),
        Err(err) => {
            let outer = err.path().to_string();
            let err = err.into_inner();
            let message = crate::decode::without_position(&err);
            match crate::decode::split_path(&outer, &message) {
                (path, inner) if inner != message => Err((path, serde::de::Error::custom(inner))),
                _ => Err((outer, err)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(value: &str) -> Option<Duration> {
        parse_retry_after(value, SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777))
    }

    #[test]
    fn retry_after_seconds_in_every_form() {
        assert_eq!(after("120"), Some(Duration::from_secs(120)));
        assert_eq!(after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(after("0"), Some(Duration::ZERO));
        assert_eq!(after("2.5"), Some(Duration::from_millis(2500)));
        assert_eq!(after("0.0001"), Some(Duration::from_millis(1)), "rounded up, never sooner");
        assert_eq!(after("1.2340"), Some(Duration::from_millis(1234)));
        assert_eq!(after("99999999999999999999"), Some(Duration::from_secs(u64::MAX)), "saturated");
        for unreadable in ["", "-1", "soon", "1.", ".5", "1e3", "1,5", "+3", "0x10"] {
            assert_eq!(after(unreadable), None, "{unreadable:?}");
        }
    }

    #[test]
    fn retry_after_dates_in_all_three_forms() {
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's own example.
        for date in ["Sun, 06 Nov 1994 08:49:47 GMT", "Sunday, 06-Nov-94 08:49:47 GMT", "Sun Nov  6 08:49:47 1994"] {
            assert_eq!(after(date), Some(Duration::from_secs(10)), "{date}");
        }
        assert_eq!(after("Sun, 06 Nov 1994 08:49:27 GMT"), Some(Duration::ZERO), "a date past is no wait");
    }

    #[test]
    fn waits_follow_retry_after_then_backoff_and_never_past_max_backoff() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            ..RetryPolicy::default()
        };
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(reqwest::header::RETRY_AFTER, HeaderValue::from_str(value).unwrap());
            policy.wait_after(&headers, 1, SystemTime::UNIX_EPOCH)
        };
        assert_eq!(with("2.5"), Some(Duration::from_millis(2500)));
        assert_eq!(with("86400"), None, "longer than max_backoff: the response is returned");
        assert_eq!(with("99999999999999999999"), None);
        for fallback in [with("soon"), with("0"), policy.wait_after(&HeaderMap::new(), 1, SystemTime::UNIX_EPOCH)] {
            let wait = fallback.expect("the backoff");
            assert!(wait >= Duration::from_millis(50) && wait <= Duration::from_millis(100), "{wait:?}");
        }
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(same_origin(&url("https://a.example/x"), &url("https://a.example:443/y?z")));
        assert!(!same_origin(&url("https://a.example/"), &url("http://a.example/")));
        assert!(!same_origin(&url("http://127.0.0.1:8080/"), &url("http://127.0.0.1:8081/")));
        assert!(!same_origin(&url("http://127.0.0.1/"), &url("http://127.0.0.2/")));
    }

    #[test]
    fn redirects_change_method_as_rfc_9110_says() {
        let hop = |method: Method| Hop {
            method,
            url: Url::parse("http://a/").unwrap(),
            body: Some(("application/json", b"{}".to_vec())),
            idempotent: false,
        };
        let target = Url::parse("http://a/b").unwrap();
        let after =
            |method: Method, status: u16| hop(method).redirected(StatusCode::from_u16(status).unwrap(), target.clone());
        let posted = after(Method::POST, 303);
        assert_eq!((posted.method, posted.body.is_none(), posted.idempotent), (Method::GET, true, true));
        let kept = after(Method::POST, 307);
        assert_eq!((kept.method, kept.body.is_some()), (Method::POST, true));
        assert_eq!(after(Method::POST, 302).method, Method::GET);
        assert_eq!(after(Method::PUT, 301).method, Method::PUT);
        assert_eq!(after(Method::HEAD, 303).method, Method::HEAD);
    }

    #[test]
    fn path_params_stay_one_segment() {
        let mut request = Request::new(Method::GET, "/x/", true);
        request.path_param("id", "a/b?c#d%e f");
        assert_eq!(request.path, "/x/a%2Fb%3Fc%23d%25e%20f");
        for bad in ["", ".", ".."] {
            let mut request = Request::new(Method::GET, "/x/", true);
            request.path_param("id", bad);
            request.path_param("other", bad);
            let err = request.check().unwrap_err();
            assert!(matches!(err, Error::InvalidParameter { name: "id", .. }), "the first refusal: {err}");
        }
    }

    #[test]
    fn json_params_are_their_json_text_and_what_json_cannot_hold_is_refused() {
        let mut request = Request::new(Method::GET, "/x", true);
        let filter = serde_json::json!({"name": "a b", "tags": [1, 2]});
        assert_eq!(request.json_param("filter", &filter).as_deref(), Some(r#"{"name":"a b","tags":[1,2]}"#));
        assert!(request.clone().check().is_ok());
        let keyed: std::collections::BTreeMap<(i32, i32), i32> = [((1, 2), 3)].into();
        assert_eq!(request.json_param("keyed", &keyed), None);
        let err = request.check().unwrap_err();
        assert!(matches!(err, Error::InvalidParameter { name: "keyed", .. }), "{err}");
    }

    #[test]
    fn spec_and_extra_headers_of_one_name_are_both_sent() {
        let mut request = Request::new(Method::GET, "/x", true);
        request.extra_header("x-trace", "extra");
        // A spec header written after the extra one (an optional parameter, in `send`).
        request.header("X-Trace", "spec");
        let sent = request.clone().check().unwrap();
        let values: Vec<_> = sent.headers.get_all("x-trace").iter().map(|v| v.to_str().unwrap()).collect();
        assert_eq!(values, ["spec", "extra"], "the spec's first, then the caller's");
        request.extra_header("bad name", "x");
        request.header("X-Other", "line\nbreak");
        match request.check() {
            Err(Error::InvalidParameter { name, .. }) => assert_eq!(name, "header", "the first refusal is kept"),
            other => panic!("{other:?}"),
        }
    }
}
