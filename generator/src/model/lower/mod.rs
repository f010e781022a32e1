//! `openapiv3` document to [`Api`]: names resolved, inline schemas given types of their own.
//!
//! `schema.rs` lowers schemas to types, `operation.rs` paths to operations; this module holds
//! the state they share and what the document says as a whole (servers, security).

mod identity;
mod operation;
mod schema;

use std::collections::HashMap;

use openapiv3 as oa;
use openapiv3::{ReferenceOr, Schema};

use super::space::TypeSpace;
use super::*;
use crate::diagnostics::{pointer_push, Diagnostics, Error};
use crate::names::{type_name, Scope};
use identity::Identity;

/// Names the generated `types` module must not define, because the code it contains uses
/// them unqualified.
const RESERVED_TYPE_NAMES: [&str; 17] = [
    "Option",
    "Some",
    "None",
    "String",
    "Vec",
    "Box",
    "Result",
    "Ok",
    "Err",
    "Serialize",
    "Deserialize",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Deserializer",
    "StrVisitor",
];

/// Builds the model of `spec`. Problems that have a sensible reading become warnings.
pub fn lower(spec: &oa::OpenAPI, diags: &mut Diagnostics) -> Result<Api, Error> {
    let mut cx = Lower {
        spec,
        diags,
        type_scope: Scope::with_reserved(&RESERVED_TYPE_NAMES),
        component_names: HashMap::new(),
        types: TypeSpace::default(),
        identity: Identity::default(),
        depth: 0,
    };
    if let Some(components) = &spec.components {
        for key in components.schemas.keys() {
            let id = cx.types.reserve(cx.type_scope.claim(&type_name(key)));
            cx.component_names.insert(key.clone(), id);
        }
        cx.identity.index_components(components, &cx.component_names);
        for (key, schema) in &components.schemas {
            let ptr = pointer_push("/components/schemas", key);
            let id = cx.component_names[key];
            let sref = SchemaRef::from(schema);
            let shape = cx.shape(sref, &ptr, Naming::Fixed(id, cx.types.name(id).to_string()))?;
            if shape.ty != TypeRef::Named(id) {
                // A nullable alias names the value; the places that refer to it hold the
                // `null` (see `Lower::nullable_of`).
                cx.types.define(id, shape.doc, ptr, TypeKind::Alias(shape.ty));
            } else if cx.types.get(id).is_none() {
                // Only a (nullable) reference to itself: nothing says what the value is.
                cx.diags.warn(&ptr, "this schema only refers to itself; it is taken as any JSON value");
                cx.types.define(id, shape.doc, ptr, TypeKind::Alias(TypeRef::Any));
            }
        }
    }
    let mut operations = cx.operations()?;
    let (default_base_url, auth) = (cx.base_url(), cx.auth());
    let types = cx.types.finish(&mut operations);
    let common_headers = super::common_headers(&mut operations);
    let mut api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone().filter(|d| !d.trim().is_empty()),
        default_base_url,
        auth,
        operations,
        types,
        common_headers,
    };
    super::recursion::box_cycles(&mut api.types);
    Ok(api)
}

struct Lower<'a> {
    spec: &'a oa::OpenAPI,
    diags: &'a mut Diagnostics,
    type_scope: Scope,
    /// `components/schemas` key to its type.
    component_names: HashMap<String, TypeId>,
    types: TypeSpace,
    /// Which schemas already have a type (see `identity.rs`).
    identity: Identity,
    /// How many inline schemas `shape` is inside of.
    depth: usize,
}

const MAX_INLINE_DEPTH: usize = 48;

/// A schema position: a `$ref` or a schema written in place.
#[derive(Clone, Copy)]
enum SchemaRef<'s> {
    Ref(&'s str),
    Inline(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SchemaRef<'s> {
    fn from(r: &'s ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SchemaRef<'s> {
    fn from(r: &'s ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

/// How to name a type the schema needs.
#[derive(Clone)]
enum Naming {
    /// A component schema: the type reserved for it, and its name.
    Fixed(TypeId, String),
    /// An inline schema: `candidate` (made from where it is written) unless the schema has a
    /// `title`.
    Hint { candidate: String },
}

impl Naming {
    fn hint(candidate: impl Into<String>) -> Self {
        Naming::Hint { candidate: candidate.into() }
    }

    fn base(&self) -> &str {
        match self {
            Naming::Fixed(_, n) => n,
            Naming::Hint { candidate, .. } => candidate,
        }
    }
}

/// What a schema position turns into.
#[derive(Clone)]
struct Shape {
    ty: TypeRef,
    nullable: bool,
    doc: Option<String>,
    deprecated: bool,
    /// The schema's `default`, which the server applies when the value is left out.
    default: Option<serde_json::Value>,
}

impl Shape {
    fn plain(ty: TypeRef) -> Self {
        Shape { ty, nullable: false, doc: None, deprecated: false, default: None }
    }
}

/// A description with the default value noted after it: callers should know what leaving
/// a value out means.
fn with_default(doc: Option<String>, default: Option<&serde_json::Value>) -> Option<String> {
    let Some(default) = default.filter(|d| !d.is_null()) else { return doc };
    let text = serde_json::to_string(default).unwrap_or_default().replace('`', "'");
    let note = format!("Defaults to `{text}` when left out.");
    Some(match doc {
        Some(d) => format!("{}\n\n{note}", d.trim_end()),
        None => note,
    })
}

impl Lower<'_> {
    fn base_url(&mut self) -> Option<String> {
        let server = self.spec.servers.first()?;
        let mut url = server.url.clone();
        for (name, var) in server.variables.iter().flatten() {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            self.diags.warn(
                "/servers/0/url",
                format!(
                    "`{url}` is not an absolute http(s) URL; the client has no default base URL and one must be given"
                ),
            );
            return None;
        }
        Some(url)
    }

    /// The scheme the client applies: the first API key or bearer scheme, else the first
    /// OAuth2 or OpenID Connect one (normalize made those bearer schemes the caller supplies a
    /// token for). Others are reported, with how to configure them instead.
    fn auth(&mut self) -> Option<Auth> {
        let schemes = &self.spec.components.as_ref()?.security_schemes;
        let mut found: Option<(Auth, bool)> = None;
        for (key, scheme) in schemes {
            let ptr = pointer_push("/components/securitySchemes", key);
            let (auth, delegated) = match scheme {
                ReferenceOr::Item(oa::SecurityScheme::APIKey {
                    location: oa::APIKeyLocation::Header, name, ..
                }) if is_http_token(name) => (Some(Auth::ApiKeyHeader { header: name.clone() }), false),
                ReferenceOr::Item(oa::SecurityScheme::APIKey { location: oa::APIKeyLocation::Query, name, .. }) => {
                    (Some(Auth::ApiKeyQuery { name: name.clone() }), false)
                }
                ReferenceOr::Item(oa::SecurityScheme::HTTP { scheme, extensions, .. })
                    if scheme.eq_ignore_ascii_case("bearer") =>
                {
                    (Some(Auth::Bearer), extensions.contains_key("x-openapi-rust-gen-from"))
                }
                ReferenceOr::Item(oa::SecurityScheme::HTTP { scheme, .. }) => {
                    self.diags.warn(
                        &ptr,
                        format!(
                            "HTTP `{scheme}` authentication is not applied by the client; give \
                             `Client::builder().http_client(...)` a `reqwest::Client` whose default headers carry \
                             the `Authorization` value"
                        ),
                    );
                    continue;
                }
                _ => (None, false),
            };
            match (auth, &found) {
                (Some(a), None) => found = Some((a, delegated)),
                (Some(a), Some((_, true))) if !delegated => found = Some((a, false)),
                (Some(_), Some(_)) => self.diags.warn(ptr, "only the first supported security scheme is used"),
                (None, _) => self.diags.warn(
                    ptr,
                    "this kind of security scheme is not applied by the client; configure it on a \
                     `reqwest::Client` given to `Client::builder().http_client(...)`",
                ),
            }
        }
        found.map(|(a, _)| a)
    }
}

/// RFC 9110 `token`: what a header name may be made of.
fn is_http_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
