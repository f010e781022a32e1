//! Stage 3: the intermediate model, what the emitter needs to know and nothing of OpenAPI's
//! spelling. Every Rust name in here is final (a unique [`RustIdent`]); every doc string is
//! the spec's text; types refer to each other by [`TypeId`].

mod lower;
mod recursion;
mod space;

pub use crate::names::RustIdent;
pub use lower::lower;

/// A generated type: an index into [`Api::types`]. Only the model makes them, and every one
/// it hands out names a type of its `Api`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(usize);

impl TypeId {
    /// The position of the type in [`Api::types`].
    pub fn index(self) -> usize {
        self.0
    }
}

/// A whole API: its operations and the named types they use.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// The first server's URL, with variables at their defaults.
    pub default_base_url: Option<String>,
    pub auth: Option<Auth>,
    pub operations: Vec<Operation>,
    pub types: Vec<TypeDef>,
    /// Headers every operation takes alike, taken out of each operation's parameters (see
    /// [`common_headers`]): the `Client` methods take them together, as one argument.
    pub common_headers: Vec<Parameter>,
}

/// Takes out of `operations` the header parameters that every one of them declares alike
/// (name, type, required or not, description), and returns them: the API's context
/// (credentials, locale, client identification) rather than a per-call choice, which a
/// caller then fills in once. Only a group: two such headers or more, at least one
/// required, of a type sent as plain text, and two operations or more.
pub fn common_headers(operations: &mut [Operation]) -> Vec<Parameter> {
    let same = |a: &Parameter, b: &Parameter| {
        a.location == b.location
            && a.name.eq_ignore_ascii_case(&b.name)
            && a.ty == b.ty
            && a.required == b.required
            && a.doc == b.doc
    };
    let Some((first, rest)) = operations.split_first() else { return Vec::new() };
    let common: Vec<Parameter> = first
        .params
        .iter()
        .filter(|p| {
            p.location == ParamLocation::Header
                && matches!(p.ty, TypeRef::String | TypeRef::Integer(_) | TypeRef::Float(_) | TypeRef::Boolean)
                && rest.iter().all(|op| op.params.iter().any(|q| same(p, q)))
        })
        .cloned()
        .collect();
    if rest.is_empty() || common.len() < 2 || !common.iter().any(|p| p.required) {
        return Vec::new();
    }
    for op in operations {
        op.remove_params(|_, p| common.iter().any(|c| same(c, p)));
    }
    // Named apart from the first operation's other parameters, which they no longer meet.
    let mut scope = crate::names::Scope::default();
    common.into_iter().map(|p| Parameter { rust_name: scope.claim(&crate::names::value_name(&p.name)), ..p }).collect()
}

impl Api {
    /// The type `id` names.
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// Whether any operation streams its response (so the crate needs the `sse` module).
    pub fn has_event_streams(&self) -> bool {
        self.operations.iter().any(|op| op.event_stream.is_some())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// An API key sent in the named header.
    ApiKeyHeader { header: String },
    /// An API key sent as the named query parameter.
    ApiKeyQuery { name: String },
    /// `Authorization: Bearer <key>`.
    Bearer,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: RustIdent,
    pub doc: Option<String>,
    /// JSON pointer of the schema it came from.
    pub pointer: String,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
        /// The type of the properties beyond `fields`, when the schema allows them
        /// (`additionalProperties: true` or a schema beside `properties`): they are kept in a
        /// map rather than dropped.
        additional: Option<TypeRef>,
        /// The components an `allOf` merged into this struct by `$ref`: every one whose
        /// fields are all here (same names, same types) can be had with `From`.
        includes: Vec<TypeId>,
    },
    /// A string enum; values the spec does not list are kept in a catch-all variant.
    Enum {
        variants: Vec<EnumVariant>,
        fallback: RustIdent,
    },
    Union(Union),
    /// `pub type Name = ...;` for named schemas that are not objects, enums or unions.
    Alias(TypeRef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub json_name: String,
    pub name: RustIdent,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// Set where the field closes a cycle of types that contain each other directly.
    pub boxed: bool,
    pub doc: Option<String>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    pub value: String,
    pub name: RustIdent,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The property whose value picks the variant, when there is one.
    pub tag: Option<String>,
    pub variants: Vec<UnionVariant>,
    /// Name of the variant that keeps values no listed variant matches.
    pub fallback: RustIdent,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub name: RustIdent,
    pub ty: TypeRef,
    /// The tag values that select this variant (empty for untagged unions).
    pub tag_values: Vec<String>,
    pub boxed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    Named(TypeId),
    String,
    DateTime,
    Date,
    Integer(IntWidth),
    Float(FloatWidth),
    Boolean,
    /// Any JSON value.
    Any,
    Array(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// Nullable in a position that is not a field (an array item, a map value).
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    /// The named type this reference is or holds (through lists, maps and nullability).
    pub fn named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => inner.named(),
            _ => None,
        }
    }

    /// Calls `f` on every type id this reference names.
    fn ids_mut(&mut self, f: &mut impl FnMut(&mut TypeId)) {
        match self {
            TypeRef::Named(id) => f(id),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => inner.ids_mut(f),
            _ => {}
        }
    }
}

impl TypeDef {
    /// Every type id the definition names outside its type references.
    fn ids_mut(&mut self) -> impl Iterator<Item = &mut TypeId> {
        match &mut self.kind {
            TypeKind::Struct { includes, .. } => Some(includes.iter_mut()),
            _ => None,
        }
        .into_iter()
        .flatten()
    }

    /// Every type reference in the definition: fields (and additional properties), variants,
    /// what an alias holds.
    pub fn refs(&self) -> Vec<&TypeRef> {
        match &self.kind {
            TypeKind::Struct { fields, additional, .. } => fields.iter().map(|f| &f.ty).chain(additional).collect(),
            TypeKind::Enum { .. } => Vec::new(),
            TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(ty) => vec![ty],
        }
    }

    /// Every type reference in the definition, as [`TypeDef::refs`].
    fn refs_mut(&mut self) -> Vec<&mut TypeRef> {
        match &mut self.kind {
            TypeKind::Struct { fields, additional, .. } => {
                fields.iter_mut().map(|f| &mut f.ty).chain(additional.iter_mut()).collect()
            }
            TypeKind::Enum { .. } => Vec::new(),
            TypeKind::Union(u) => u.variants.iter_mut().map(|v| &mut v.ty).collect(),
            TypeKind::Alias(ty) => vec![ty],
        }
    }
}

impl Operation {
    /// Drops the parameters `remove` picks (by index and parameter), renumbering the path's
    /// and the pagination's references to the others.
    fn remove_params(&mut self, remove: impl Fn(usize, &Parameter) -> bool) {
        let mut new_index = Vec::with_capacity(self.params.len());
        let mut kept = 0;
        for (i, p) in self.params.iter().enumerate() {
            new_index.push((!remove(i, p)).then(|| {
                kept += 1;
                kept - 1
            }));
        }
        let renumber = |i: &mut usize| match new_index.get(*i) {
            Some(Some(n)) => *i = *n,
            _ => debug_assert!(false, "parameter {i} is removed but still referred to"),
        };
        for part in &mut self.path {
            if let PathPart::Param(i) = part {
                renumber(i);
            }
        }
        if let Some(pg) = &mut self.pagination {
            renumber(&mut pg.cursor_param);
            if let Some(limit) = &mut pg.limit_param {
                renumber(limit);
            }
        }
        let mut index = 0;
        self.params.retain(|_| {
            index += 1;
            new_index[index - 1].is_some()
        });
    }

    /// Every type reference of the operation: parameters, body, responses, stream, pages.
    fn refs_mut(&mut self) -> Vec<&mut TypeRef> {
        let mut refs: Vec<&mut TypeRef> = self.params.iter_mut().map(|p| &mut p.ty).collect();
        if let Some(RequestBody { media: Media::Json { ty, .. }, .. }) = &mut self.body {
            refs.push(ty);
        }
        match &mut self.response {
            ResponseBody::Json(ty) => refs.push(ty),
            ResponseBody::PerStatus { variants, .. } => {
                refs.extend(variants.iter_mut().filter_map(|v| match &mut v.body {
                    ResponseBody::Json(ty) => Some(ty),
                    _ => None,
                }))
            }
            _ => {}
        }
        refs.extend(self.event_stream.as_mut().and_then(|s| s.data.as_mut()));
        if let Some(pg) = &mut self.pagination {
            refs.push(&mut pg.body);
            refs.push(&mut pg.item);
        }
        refs
    }
}

/// An integer type, from the schema's `format` (`int8` to `int64`, `uint8` to `uint64`);
/// `I64` when there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IntWidth {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

impl IntWidth {
    /// The width a `format` names, if it names one.
    pub fn from_format(format: &str) -> Option<Self> {
        Some(match format {
            "int8" => IntWidth::I8,
            "int16" => IntWidth::I16,
            "int32" => IntWidth::I32,
            "int64" => IntWidth::I64,
            "uint8" => IntWidth::U8,
            "uint16" => IntWidth::U16,
            "uint32" => IntWidth::U32,
            "uint64" => IntWidth::U64,
            _ => return None,
        })
    }

    /// The Rust primitive's name.
    pub fn rust_name(self) -> &'static str {
        match self {
            IntWidth::I8 => "i8",
            IntWidth::I16 => "i16",
            IntWidth::I32 => "i32",
            IntWidth::I64 => "i64",
            IntWidth::U8 => "u8",
            IntWidth::U16 => "u16",
            IntWidth::U32 => "u32",
            IntWidth::U64 => "u64",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FloatWidth {
    F32,
    F64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// snake_case method name on the client.
    pub method_name: RustIdent,
    /// UpperCamelCase name of the operation's request builder.
    pub builder_name: RustIdent,
    pub http_method: HttpMethod,
    pub path_template: String,
    pub path: Vec<PathPart>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Parameter>,
    pub body: Option<RequestBody>,
    pub response: ResponseBody,
    /// The `text/event-stream` success response, when there is one: sent by `send_stream`,
    /// beside `send` for the other media types.
    pub event_stream: Option<EventStream>,
    pub pagination: Option<Pagination>,
}

/// A success response of server-sent events.
#[derive(Debug, Clone, PartialEq)]
pub struct EventStream {
    /// What each event's `data` is: JSON of this type (the stream's schema, else the JSON
    /// response's), or text when `None`.
    pub data: Option<TypeRef>,
    /// The request body's boolean `stream` property, which asks for the stream: the
    /// streaming method sets it.
    pub flag: Option<StreamFlag>,
}

/// A boolean body field that selects the streaming response.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamFlag {
    /// The field's Rust name.
    pub field: RustIdent,
    /// How many `Option`s wrap it: 0 (required), 1 (optional or nullable) or 2 (both).
    pub options: u8,
}

impl Operation {
    /// The parameters a caller must give, in the order the `Client` method takes them: path
    /// parameters in path order, then the other required ones in spec order. The optional
    /// ones get setters, so adding one to the spec breaks no caller.
    pub fn arguments(&self) -> Vec<&Parameter> {
        let path = self.path.iter().filter_map(|p| match p {
            PathPart::Param(i) => Some(&self.params[*i]),
            PathPart::Literal(_) => None,
        });
        path.chain(self.params.iter().filter(|p| p.required && p.location != ParamLocation::Path)).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Options => "options",
            HttpMethod::Head => "head",
            HttpMethod::Patch => "patch",
            HttpMethod::Trace => "trace",
        }
    }

    /// Safe to send twice: retried by default.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, HttpMethod::Post | HttpMethod::Patch)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    /// Index into [`Operation::params`].
    Param(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub rust_name: RustIdent,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub doc: Option<String>,
    /// How a list value is sent: `Some(sep)` joins the items into one value; `None`
    /// repeats the parameter once per item (query `form` style, `explode: true`).
    pub list_separator: Option<char>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    pub media: Media,
    pub required: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Media {
    Json { content_type: String, ty: TypeRef },
    Text { content_type: String },
    Binary { content_type: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// No body is expected (or none is described): the result is `()`.
    Empty,
    Json(TypeRef),
    Text,
    Binary,
    /// Success statuses with different bodies: an enum named `enum_name`, a variant each.
    PerStatus {
        enum_name: RustIdent,
        variants: Vec<StatusResponse>,
    },
}

impl ResponseBody {
    /// The plain bodies this response can have: itself, or each status's.
    pub fn bodies(&self) -> Vec<&ResponseBody> {
        match self {
            ResponseBody::PerStatus { variants, .. } => variants.iter().map(|v| &v.body).collect(),
            other => vec![other],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusResponse {
    /// The status code, or `None` for the `2XX` range (or `default`).
    pub status: Option<u16>,
    pub variant: RustIdent,
    /// Never `PerStatus` itself.
    pub body: ResponseBody,
}

/// A cursor-paged list: `cursor` in, `data` / `hasMore` / `nextCursor` out.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// A page's body: the operation's JSON response, a struct (a `TypeRef::Named`).
    pub body: TypeRef,
    pub item: TypeRef,
    /// Index into [`Operation::params`].
    pub cursor_param: usize,
    pub limit_param: Option<usize>,
    /// Rust names of the response fields.
    pub data_field: RustIdent,
    pub has_more_field: RustIdent,
    pub next_cursor_field: RustIdent,
    /// How `nextCursor` is declared, which decides how many `Option`s wrap it.
    pub next_cursor: CursorField,
}

/// How a page's `nextCursor` field is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorField {
    /// Required and not nullable: a `String`.
    Always,
    /// Optional or nullable: an `Option<String>`.
    Optional,
    /// Optional and nullable: an `Option<Option<String>>`.
    OptionalNullable,
}

impl CursorField {
    /// The shape of a field that is `required` or not, and `nullable` or not.
    pub fn of(required: bool, nullable: bool) -> Self {
        match (required, nullable) {
            (true, false) => CursorField::Always,
            (false, true) => CursorField::OptionalNullable,
            _ => CursorField::Optional,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(params: &[Parameter]) -> Vec<&str> {
        params.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn headers_every_operation_takes_alike_are_taken_out_together() {
        let (api, _) = crate::model_of(include_str!("../../tests/fixtures/common_headers.yaml")).unwrap();
        assert_eq!(names(&api.common_headers), ["X-Client-Id", "X-Api-Version", "Accept-Language"]);
        let op = |name: &str| api.operations.iter().find(|op| op.method_name.as_str() == name).unwrap();
        let list = op("list_entries");
        assert_eq!(names(&list.params), ["X-Note", "accountId", "since"], "X-Note is not on every operation");
        let path_params: Vec<&str> = list
            .path
            .iter()
            .filter_map(|part| match part {
                PathPart::Param(i) => Some(list.params[*i].name.as_str()),
                PathPart::Literal(_) => None,
            })
            .collect();
        assert_eq!(path_params, ["accountId"], "the path's references are renumbered");
        assert_eq!(names(&op("add_entry").params), ["accountId", "Idempotency-Key"]);
        assert!(op("get_status").params.iter().all(|p| p.name == "X-Note"));
    }

    #[test]
    fn no_group_without_a_required_header_or_a_second_operation() {
        let spec = |required: bool, second: bool| {
            let header =
                |name: &str| format!("{{name: {name}, in: header, required: {required}, schema: {{type: string}}}}");
            let op = |id: &str| {
                format!(
                    "    {id}: {{operationId: {id}, parameters: [{}, {}], responses: {{'200': {{description: ok}}}}}}\n",
                    header("A"),
                    header("B")
                )
            };
            format!(
                "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /x:\n{}{}",
                op("get"),
                if second { op("post") } else { String::new() }
            )
        };
        let common = |required, second| crate::model_of(&spec(required, second)).unwrap().0.common_headers.len();
        assert_eq!(common(true, true), 2);
        assert_eq!(common(false, true), 0, "optional headers stay setters");
        assert_eq!(common(true, false), 0, "one operation's headers are its own");
    }

    #[test]
    fn a_listings_page_body_is_its_response_however_types_are_renumbered() {
        // Types defined before the page's (the item and the enums inside it, which the page's
        // lowering reaches first) move the page's id when the type space is finished.
        let (api, _) = crate::model_of(include_str!("../../../spec/websets.yaml")).unwrap();
        let op = &api.operations[0];
        let pg = op.pagination.as_ref().expect("the runs listing is paged");
        assert_eq!(op.response, ResponseBody::Json(pg.body.clone()));
        let TypeRef::Named(id) = &pg.body else { panic!("{:?}", pg.body) };
        assert_eq!(api.types[id.index()].name.as_str(), "ListMonitorRunsResponse");
    }
}
