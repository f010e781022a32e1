//! Each operation's `Client` method, and its request builder unless the method returns the
//! runtime's `Call` (see [`call_type`]).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc, doc_sections, own};
use super::ident;
use super::types::{rust_type, Scope};
use crate::model::{
    Api, CursorField, EventStream, Media, Operation, Pagination, ParamLocation, Parameter, PathPart, RequestBody,
    ResponseBody, RustIdent, TypeDef, TypeKind, TypeRef,
};

/// The contents of `operations.rs`.
pub fn operations_module(api: &Api) -> TokenStream {
    let preamble = operations_preamble(api);
    let builders = api.operations.iter().map(|op| operation(op, &api.types));
    let methods = client_methods(api);
    quote! {
        #preamble
        #(#builders)*
        #methods
    }
}

/// The `Client` methods that start each operation's request, in one `impl` block:
/// one block per operation costs the compiler a coherence check each, a large share of a big
/// crate's check time.
pub fn client_methods(api: &Api) -> TokenStream {
    let (ops, types) = (&api.operations, &api.types);
    if ops.is_empty() {
        return TokenStream::new();
    }
    let methods = ops.iter().map(|op| client_method(op, &Inputs::of(op, types), &api.common_headers, types));
    quote! {
        impl Client {
            #(#methods)*
        }
    }
}

/// The module docs and imports of `operations.rs`, and the [`common_headers`] type.
pub fn operations_preamble(api: &Api) -> TokenStream {
    let ops = &api.operations;
    let common = common_headers(&api.common_headers, &api.types);
    let uses_types = ops.iter().any(|op| {
        let mut refs =
            op.params.iter().map(|p| &p.ty).chain(op.response.bodies().into_iter().filter_map(|b| match b {
                ResponseBody::Json(t) => Some(t),
                _ => None,
            }));
        refs.any(mentions_named)
            || op.event_stream.as_ref().and_then(|s| s.data.as_ref()).is_some_and(mentions_named)
            || matches!(&op.body, Some(b) if matches!(&b.media, Media::Json { ty, .. } if mentions_named(ty)))
    });
    let types_use = if uses_types {
        quote!(
            use crate::types;
        )
    } else {
        TokenStream::new()
    };
    // Every operation uses the first three imports; the others only some kinds of operation,
    // so each is a line of its own, and a new kind of operation adds lines rather than
    // changing one.
    let mut imports = vec![
        quote!(
            use reqwest::Method;
        ),
        quote!(
            use crate::runtime::client::Request;
        ),
        quote!(
            use crate::Client;
        ),
    ];
    // Every operation with one kind of success body goes through a `Call`, which names its
    // decoder (`call::Text`) unless it is the default, JSON.
    if ops.iter().any(|op| !matches!(op.response, ResponseBody::PerStatus { .. })) {
        imports.push(quote!(
            use crate::runtime::call::Call;
        ));
    }
    if ops.iter().any(|op| matches!(op.response, ResponseBody::Empty | ResponseBody::Text | ResponseBody::Binary)) {
        imports.push(quote!(
            use crate::runtime::call;
        ));
    }
    if ops.iter().any(|op| !is_whole(op, &api.types)) {
        imports.push(quote!(
            use crate::runtime::client::ApiResponse;
        ));
        imports.push(quote!(
            use crate::Error;
        ));
    }
    let common_use = if ops.is_empty() { TokenStream::new() } else { imports.into_iter().collect() };
    // `Client` is in scope for the link only when there is an operation to import it for.
    let module_doc = if ops.is_empty() {
        quote! {
            //! Request builders, one per operation: the spec describes none.
        }
    } else {
        quote! {
            //! The operations' requests. Each [`Client`] method starts one: set any optional
            //! parameters on it, then `send()` it. An operation whose request is complete once
            //! the method has written it (its required strings, numbers, enums and body, nothing
            //! optional, no paging or stream, one kind of success body) returns
            //! [`crate::runtime::Call`]; the others have a builder type of their own, here.
        }
    };
    quote! {
        #module_doc

        #common_use
        #types_use

        #common
    }
}

/// `CommonHeaders`, the headers every operation takes alike ([`crate::model::common_headers`]):
/// a struct with a public field per header, which each `Client` method takes by reference
/// and writes into its request.
fn common_headers(common: &[Parameter], types: &[TypeDef]) -> TokenStream {
    if common.is_empty() {
        return TokenStream::new();
    }
    let fields = common.iter().map(|p| {
        let name = p.rust_name.to_ident();
        let (stored, _, _) = param_types(p, types);
        let pdoc = param_doc(p, "The");
        let ty = if p.required { stored } else { quote!(Option<#stored>) };
        quote! {
            #pdoc
            pub #name: #ty,
        }
    });
    let writes = header_code(common.iter(), false, types);
    let list: Vec<String> = common.iter().map(|p| format!("`{}`", p.name.replace('`', "'"))).collect();
    let doc = own(&format!(
        "The headers every operation of the API takes ({}): the spec gives each one the same,\n\
         so they are filled in once, here, and each [`Client`] method takes them by reference.\n\
         A field that is an `Option` is sent only when set.",
        list.join(", ")
    ));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct CommonHeaders {
            #(#fields)*
        }

        impl CommonHeaders {
            /// Writes the headers into `request`.
            fn write(&self, request: &mut Request) {
                #(#writes)*
            }
        }
    }
}

/// Whether `id` is a string enum, sent by `as_str` rather than as JSON.
fn is_enum(types: &[TypeDef], id: crate::model::TypeId) -> bool {
    matches!(types[id.index()].kind, TypeKind::Enum { .. })
}

fn mentions_named(t: &TypeRef) -> bool {
    match t {
        TypeRef::Named(_) => true,
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => mentions_named(i),
        _ => false,
    }
}

/// The type a parameter is stored as, and the argument type callers pass.
fn param_types(p: &Parameter, types: &[TypeDef]) -> (TokenStream, TokenStream, bool) {
    let ty = rust_type(&p.ty, types, Scope::Sibling);
    match &p.ty {
        TypeRef::String => (ty, quote!(impl Into<String>), true),
        TypeRef::Named(n) if is_enum(types, *n) => (ty.clone(), quote!(impl Into<#ty>), true),
        // `.limit(2)` for a `number` parameter, `.count(5u8)` for an `int64` one.
        TypeRef::Integer(_) | TypeRef::Float(_) => (ty.clone(), quote!(impl Into<#ty>), true),
        _ => (ty.clone(), ty, false),
    }
}

/// Where a parameter's value is read from in the generated code.
#[derive(Clone, Copy)]
enum Place<'a> {
    /// The builder's field, `self.name` (a `T`).
    Field(&'a RustIdent),
    /// A local `value` bound to a `&T`.
    Ref(&'a str),
    /// The `Client` method's argument `name`: an `impl AsRef<str>` for a string (`None`),
    /// else an `impl Into<T>` of the type given, converted where it is read (once).
    Arg(&'a RustIdent, Option<&'a TokenStream>),
}

impl Place<'_> {
    /// The expression to call methods on.
    fn receiver(self) -> TokenStream {
        match self {
            Place::Field(name) => quote!(self.#name),
            Place::Ref(local) => {
                let local = ident(local);
                quote!(#local)
            }
            Place::Arg(name, Some(ty)) => quote!(Into::<#ty>::into(#name)),
            Place::Arg(name, None) => quote!(#name.as_ref()),
        }
    }

    /// The expression as a `&T` (`&str` for a string argument).
    fn reference(self) -> TokenStream {
        match self {
            Place::Field(_) | Place::Arg(_, Some(_)) => {
                let r = self.receiver();
                quote!(&#r)
            }
            Place::Ref(_) | Place::Arg(_, None) => self.receiver(),
        }
    }
}

/// Code that turns the value at `place` into the `String` sent. Lists are joined with
/// `separator` (`simple` and delimited styles). `None` for a value sent as JSON text (an
/// object, a union, a list of them): see [`write_value`].
fn to_text(ty: &TypeRef, place: Place<'_>, separator: char, types: &[TypeDef]) -> Option<TokenStream> {
    let value = place.receiver();
    Some(match ty {
        TypeRef::Array(item) if **item == TypeRef::String => {
            let separator = separator.to_string();
            quote!(#value.join(#separator))
        }
        TypeRef::Array(item) if is_scalar(item, types) => {
            // `value.iter()`, not `&value.iter()`: a leading `&` would borrow the joined text.
            let text = to_text(item, Place::Ref("item"), separator, types)?;
            let separator = separator.to_string();
            quote!(#value.iter().map(|item| #text).collect::<Vec<_>>().join(#separator))
        }
        TypeRef::String if matches!(place, Place::Arg(..)) => quote!(#value.to_owned()),
        TypeRef::String => quote!(#value.clone()),
        TypeRef::Named(n) if is_enum(types, *n) => quote!(#value.as_str().to_owned()),
        TypeRef::Integer(_) | TypeRef::Float(_) | TypeRef::Boolean | TypeRef::Date => quote!(#value.to_string()),
        TypeRef::DateTime => quote!(#value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        _ => return None,
    })
}

/// The statement that writes the value at `place`, a parameter sent in `location`, with the
/// `Request` method for that location: `query` takes the text as a `String`, `path_param` and
/// `header` as a `&str` (borrowing rather than copying strings). The text is as `to_text`
/// makes it; a value sent as JSON text is encoded by the runtime first (`Request::json_param`,
/// which refuses a value JSON cannot hold, so that no operation's code returns early) into
/// the local `text`.
fn write_value(
    ty: &TypeRef,
    place: Place<'_>,
    name: &str,
    separator: char,
    location: ParamLocation,
    types: &[TypeDef],
) -> TokenStream {
    let write = |text: TokenStream| match location {
        ParamLocation::Path => quote!(request.path_param(#name, #text);),
        ParamLocation::Query => quote!(request.query(#name, #text);),
        ParamLocation::Header => quote!(request.header(#name, #text);),
    };
    let borrowed = location != ParamLocation::Query;
    match (ty, to_text(ty, place, separator, types)) {
        (TypeRef::String, Some(_)) if borrowed => write(place.reference()),
        (TypeRef::Named(n), Some(_)) if borrowed && is_enum(types, *n) => {
            let value = place.receiver();
            write(quote!(#value.as_str()))
        }
        (_, Some(text)) if borrowed => write(quote!(&#text)),
        (_, Some(text)) => write(text),
        (_, None) => {
            let reference = place.reference();
            let statement = write(if borrowed { quote!(&text) } else { quote!(text) });
            quote! {
                if let Some(text) = request.json_param(#name, #reference) {
                    #statement
                }
            }
        }
    }
}

/// Is this a type sent as plain text (not as JSON)?
fn is_scalar(ty: &TypeRef, types: &[TypeDef]) -> bool {
    match ty {
        TypeRef::Named(n) => is_enum(types, *n),
        TypeRef::String
        | TypeRef::Integer(_)
        | TypeRef::Float(_)
        | TypeRef::Boolean
        | TypeRef::Date
        | TypeRef::DateTime => true,
        _ => false,
    }
}

/// The payload type and the `RawResponse` method that decodes a plain body.
fn plain_body(body: &ResponseBody, types: &[TypeDef]) -> (Option<TokenStream>, TokenStream) {
    match body {
        ResponseBody::Empty | ResponseBody::PerStatus { .. } => (None, quote!(empty)),
        ResponseBody::Json(ty) => (Some(rust_type(ty, types, Scope::Sibling)), quote!(json)),
        ResponseBody::Text => (Some(quote!(String)), quote!(text)),
        ResponseBody::Binary => (Some(quote!(Vec<u8>)), quote!(bytes)),
    }
}

/// For bodies that differ by status: `send`, which writes the rest of the request with
/// `request` and decodes by status, and the enum it decodes into. Nothing for other bodies,
/// which go through a `Call` ([`call_for`]).
fn per_status(op: &Operation, request: &TokenStream, types: &[TypeDef]) -> (TokenStream, TokenStream) {
    let ResponseBody::PerStatus { enum_name, variants } = &op.response else {
        return (TokenStream::new(), TokenStream::new());
    };
    let name = enum_name.to_ident();
    let defs = variants.iter().map(|v| {
        let variant = v.variant.to_ident();
        let status_doc = own(&match v.status {
            Some(code) => format!("Status {code}."),
            None => "Any other success status.".to_owned(),
        });
        match plain_body(&v.body, types).0 {
            Some(ty) => quote!(#status_doc #variant(#ty),),
            None => quote!(#status_doc #variant,),
        }
    });
    let arms = variants.iter().map(|v| {
        let variant = v.variant.to_ident();
        let pattern = match v.status {
            Some(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                quote!(#code)
            }
            None => quote!(200..=299),
        };
        let (ty, method) = plain_body(&v.body, types);
        match (&v.body, ty) {
            (ResponseBody::Json(_), Some(ty)) => quote!(#pattern => raw.json::<#ty>().map(|r| r.map(#name::#variant)),),
            (_, Some(_)) => quote!(#pattern => raw.#method().map(|r| r.map(#name::#variant)),),
            (_, None) => quote!(#pattern => raw.empty().map(|r| r.map(|()| #name::#variant)),),
        }
    });
    let doc = own(&format!(
        "The successful responses of `{} {}`, which differ by status.",
        op.http_method.as_str().to_ascii_uppercase(),
        op.path_template
    ));
    // Variants hold whole response bodies of different sizes; boxing the large ones would
    // only make matching on them clumsier.
    let def = quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#defs)*
        }
    };
    let send = quote! {
        /// Sends the request and decodes the response.
        pub async fn send(self) -> Result<ApiResponse<#name>, Error> {
            #request
            let raw = self.client.execute(request).await?;
            match raw.status().as_u16() {
                #(#arms)*
                _ => raw.undocumented(),
            }
        }
    };
    (send, def)
}

/// One operation's request builder and its per-status response enum if any; nothing for an
/// operation whose `Client` method (in [`client_methods`]) returns a `Call`.
pub fn operation(op: &Operation, types: &[TypeDef]) -> TokenStream {
    if is_whole(op, types) {
        return TokenStream::new();
    }
    let builder = op.builder_name.to_ident();
    let inputs = Inputs::of(op, types);
    let request = request(op, types, &inputs.body_setup);
    let send_stream = op.event_stream.as_ref().map(|es| send_stream(op, es, types, &inputs.body_setup));
    let builder_struct = builder_struct(op, &inputs.fields, types);
    let setters = &inputs.setters;
    let stream = op.pagination.as_ref().map(|pg| paged(op, pg, types));
    let paged_impl = op.pagination.as_ref().map(|pg| paged_impl(op, pg, types));
    // With one kind of success body, `send` writes the request into the runtime's `Call` and
    // returns its future, so that the code that awaits is the runtime's, compiled once.
    // Several kinds are told apart by status here.
    let (send, response_enum) = match call_for(&op.response, types) {
        Some(Plain { payload, call }) => (
            quote! {
                /// Sends the request and decodes the response.
                pub fn send(
                    self,
                ) -> impl std::future::Future<Output = Result<ApiResponse<#payload>, Error>> + Send + 'static {
                    self.into_call().send()
                }

                /// The request with everything set on this builder written in.
                fn into_call(self) -> #call {
                    #request
                    Call::new(&self.client, request)
                }
            },
            TokenStream::new(),
        ),
        None => per_status(op, &request, types),
    };
    quote! {
        #response_enum

        #builder_struct

        impl #builder {
            #(#setters)*

            /// Sends this header too, after the ones the spec describes (a header of the same
            /// name is then sent twice). A name or value that cannot be sent makes `send` fail
            /// with [`Error::InvalidParameter`] before anything is sent.
            pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
                self.request.extra_header(name.as_ref(), value.as_ref());
                self
            }

            #send

            #send_stream

            #stream
        }

        #paged_impl
    }
}

/// Whether the request of `op` is complete once its `Client` method has written it (see
/// [`Early`]): every parameter is required and written there, the body too if there is one,
/// and there is no stream or paging and one kind of success body. Such an operation has no
/// builder of its own: its method returns the runtime's `Call` ([`call_type`]), whose
/// `header` and `send` are compiled once, in the runtime.
fn is_whole(op: &Operation, types: &[TypeDef]) -> bool {
    let early = Early::of(op, types);
    op.params.iter().all(|p| early.writes(p))
        && op.body.as_ref().is_none_or(|b| b.required && early.body)
        && op.event_stream.is_none()
        && op.pagination.is_none()
        && !matches!(op.response, ResponseBody::PerStatus { .. })
}

/// The `Call` type the `Client` method of `op` returns, if its request is whole
/// ([`is_whole`]).
fn call_type(op: &Operation, types: &[TypeDef]) -> Option<TokenStream> {
    is_whole(op, types).then(|| call_for(&op.response, types).map(|plain| plain.call)).flatten()
}

/// A success body of one kind: what it decodes to, and the runtime's `Call` type that sends a
/// request for it and decodes it (JSON unless the second parameter names another decoder).
struct Plain {
    payload: TokenStream,
    call: TokenStream,
}

/// The [`Plain`] body of `response`; `None` for bodies that differ by status.
fn call_for(response: &ResponseBody, types: &[TypeDef]) -> Option<Plain> {
    let (payload, decoder) = match response {
        ResponseBody::Json(ty) => (rust_type(ty, types, Scope::Sibling), None),
        ResponseBody::Empty => (quote!(()), Some(quote!(Empty))),
        ResponseBody::Text => (quote!(String), Some(quote!(Text))),
        ResponseBody::Binary => (quote!(Vec<u8>), Some(quote!(Bytes))),
        ResponseBody::PerStatus { .. } => return None,
    };
    let call = match decoder {
        Some(decoder) => quote!(Call<#payload, call::#decoder>),
        None => quote!(Call<#payload>),
    };
    Some(Plain { payload, call })
}

/// A parameter's docs: the spec's description, else what it is (`lead`: "Sets the" for a
/// setter, "The" for a field).
fn param_doc(p: &Parameter, lead: &str) -> TokenStream {
    match p.doc.as_deref() {
        Some(text) if !text.trim().is_empty() => doc(Some(text)),
        _ => {
            let place = match p.location {
                ParamLocation::Path => "path",
                ParamLocation::Query => "query",
                ParamLocation::Header => "header",
            };
            own(&format!("{lead} `{}` {place} parameter.", p.name.replace('`', "'")))
        }
    }
}

/// Which inputs the `Client` method writes into the request at once, so that the builder
/// holds the request instead of a field per input: the path when every path parameter is a
/// string, number or string enum (then written in full); likewise the required query
/// parameters of one value, and the required headers; the required body unless
/// `send_stream` sets a flag in it. The rest is kept in fields and written by `send`, in
/// the same order as before: path, query (required single values first), headers, body.
#[derive(Clone, Copy)]
struct Early {
    path: bool,
    query: bool,
    headers: bool,
    body: bool,
}

impl Early {
    fn of(op: &Operation, types: &[TypeDef]) -> Early {
        let plain = |p: &Parameter| match &p.ty {
            TypeRef::String | TypeRef::Integer(_) | TypeRef::Float(_) => true,
            TypeRef::Named(n) => is_enum(types, *n),
            _ => false,
        };
        let all = |location: ParamLocation| {
            op.params.iter().filter(|p| p.location == location && p.required && !is_repeated(p)).all(plain)
        };
        let flag = op.event_stream.as_ref().is_some_and(|es| es.flag.is_some());
        Early {
            path: all(ParamLocation::Path),
            query: all(ParamLocation::Query),
            headers: all(ParamLocation::Header),
            body: op.body.as_ref().is_some_and(|b| b.required) && !flag,
        }
    }

    /// Whether the `Client` method writes parameter `p`.
    fn writes(self, p: &Parameter) -> bool {
        p.required
            && match p.location {
                ParamLocation::Path => self.path,
                ParamLocation::Query => self.query && !is_repeated(p),
                ParamLocation::Header => self.headers,
            }
    }
}

/// A list parameter sent as one query parameter per item (`form` style, `explode: true`).
fn is_repeated(p: &Parameter) -> bool {
    matches!(p.ty, TypeRef::Array(_)) && p.list_separator.is_none()
}

/// What a request builder holds and how it is made: a field per parameter (and body), the
/// `Client` method's arguments and field initialisers, and setters for the optional ones.
struct Inputs {
    fields: Vec<TokenStream>,
    args: Vec<TokenStream>,
    /// Each argument's name and the spec's description of it, for the `Client` method's
    /// docs (the builder's fields are private, so docs there would reach no reader).
    arg_docs: Vec<(String, Option<String>)>,
    inits: Vec<TokenStream>,
    setters: Vec<TokenStream>,
    /// Code in `into_call` or `send` (and `send_stream`) that writes the body kept in the
    /// builder, if any.
    body_setup: TokenStream,
    /// Code in the `Client` method that writes the body argument, if it does.
    early_body: TokenStream,
}

impl Inputs {
    fn of(op: &Operation, types: &[TypeDef]) -> Inputs {
        let mut inputs = Inputs {
            fields: Vec::new(),
            args: Vec::new(),
            arg_docs: Vec::new(),
            inits: Vec::new(),
            setters: Vec::new(),
            body_setup: TokenStream::new(),
            early_body: TokenStream::new(),
        };
        let early = Early::of(op, types);
        for p in op.arguments() {
            let name = p.rust_name.to_ident();
            let (stored, arg, into) = param_types(p, types);
            inputs.arg_docs.push((p.rust_name.to_ident().to_string(), p.doc.clone()));
            if early.writes(p) {
                let arg = if p.ty == TypeRef::String { quote!(impl AsRef<str>) } else { arg };
                inputs.args.push(quote!(#name: #arg));
                continue;
            }
            inputs.fields.push(quote!(#name: #stored,));
            inputs.args.push(quote!(#name: #arg));
            inputs.inits.push(if into { quote!(#name: #name.into(),) } else { quote!(#name,) });
        }
        for p in op.params.iter().filter(|p| !p.required) {
            let name = p.rust_name.to_ident();
            let (stored, arg, into) = param_types(p, types);
            inputs.fields.push(quote!(#name: Option<#stored>,));
            inputs.inits.push(quote!(#name: None,));
            let value = if into { quote!(value.into()) } else { quote!(value) };
            let pdoc = param_doc(p, "Sets the");
            let allow = super::allow_trait_name(&name.to_string());
            inputs.setters.push(quote! {
                #pdoc
                #allow
                pub fn #name(mut self, value: #arg) -> Self {
                    self.#name = Some(#value);
                    self
                }
            });
        }
        if let Some(body) = &op.body {
            inputs.body(body, early.body, types);
        }
        inputs
    }

    /// The body: an argument when required, else a setter; and the code that encodes it,
    /// in the `Client` method when `early`, else in `send`.
    fn body(&mut self, body: &RequestBody, early: bool, types: &[TypeDef]) {
        let (ty, content_type) = match &body.media {
            Media::Json { ty, content_type } => (rust_type(ty, types, Scope::Sibling), content_type),
            Media::Text { content_type } => (quote!(String), content_type),
            Media::Binary { content_type } => (quote!(Vec<u8>), content_type),
        };
        // Text and bytes are sent as they are; JSON is encoded by the runtime, which fails for
        // a value JSON cannot hold (a map with keys that are not strings).
        // `value` is the field, or a reference to the value inside it; `reference` is a
        // reference to the value.
        let set = |value: TokenStream, reference: TokenStream| match &body.media {
            Media::Json { .. } => quote!(request.json_body(#content_type, #reference);),
            Media::Text { .. } => quote!(request.body = Some((#content_type, #value.clone().into_bytes()));),
            Media::Binary { .. } => quote!(request.body = Some((#content_type, #value.clone()));),
        };
        if body.required && early {
            self.args.push(quote!(body: #ty));
            self.arg_docs.push(("body".to_owned(), body.doc.clone()));
            self.early_body = match &body.media {
                Media::Json { .. } => set(quote!(body), quote!(&body)),
                Media::Text { .. } => quote!(request.body = Some((#content_type, body.into_bytes()));),
                Media::Binary { .. } => quote!(request.body = Some((#content_type, body));),
            };
        } else if body.required {
            self.fields.push(quote!(body: #ty,));
            self.args.push(quote!(body: #ty));
            self.arg_docs.push(("body".to_owned(), body.doc.clone()));
            self.inits.push(quote!(body,));
            self.body_setup = set(quote!(self.body), quote!(&self.body));
        } else {
            let bdoc = doc(body.doc.as_deref());
            self.fields.push(quote!(body: Option<#ty>,));
            self.inits.push(quote!(body: None,));
            self.setters.push(quote! {
                /// The request body.
                #bdoc
                pub fn body(mut self, value: #ty) -> Self {
                    self.body = Some(value);
                    self
                }
            });
            let inner = set(quote!(body), quote!(body));
            self.body_setup = quote! {
                if let Some(body) = &self.body {
                    #inner
                }
            };
        }
    }
}

/// A type in doc text, with links to named types.
fn type_words(ty: &TypeRef, types: &[TypeDef]) -> String {
    match ty {
        TypeRef::Named(n) => {
            let n = &types[n.index()].name;
            format!("[`{n}`](crate::types::{n})")
        }
        TypeRef::Array(item) => format!("a list of {}", type_words(item, types)),
        TypeRef::Map(value) => format!("a map from strings to {}", type_words(value, types)),
        TypeRef::Nullable(inner) => format!("{} or null", type_words(inner, types)),
        other => format!("`{}`", rust_type(other, types, Scope::Types).to_string().replace(' ', "")),
    }
}

/// What `send` gives, in doc text.
fn response_words(op: &Operation, types: &[TypeDef]) -> String {
    match &op.response {
        ResponseBody::Empty => "no body".to_owned(),
        ResponseBody::Json(ty) => type_words(ty, types),
        ResponseBody::Text => "the body as text".to_owned(),
        ResponseBody::Binary => "the body's bytes".to_owned(),
        ResponseBody::PerStatus { enum_name, .. } => format!("[`{enum_name}`], a variant per success status"),
    }
}

/// The request builder's struct.
fn builder_struct(op: &Operation, fields: &[TokenStream], types: &[TypeDef]) -> TokenStream {
    let builder = op.builder_name.to_ident();
    let body = match op.body.as_ref().map(|b| (&b.media, b.required)) {
        Some((Media::Json { ty, .. }, required)) => {
            let how = if required { "an argument" } else { "set with `body`" };
            format!("Its JSON body is {} ({how}). ", type_words(ty, types))
        }
        Some((Media::Text { .. }, _)) => "Its body is text. ".to_owned(),
        Some((Media::Binary { .. }, _)) => "Its body is bytes. ".to_owned(),
        None => String::new(),
    };
    let stream = match op.event_stream.as_ref().map(|es| es.data.as_ref()) {
        Some(Some(data)) => {
            format!(" [`send_stream`](Self::send_stream) gives its events, each holding {}.", type_words(data, types))
        }
        Some(None) => " [`send_stream`](Self::send_stream) gives its events, each holding text.".to_owned(),
        None => String::new(),
    };
    let builder_doc = own(&format!(
        "Request builder for `{} {}`, made by [`Client::{}`].\n\n{body}[`send`](Self::send) gives {}, with \
         the response's status and headers.{stream}",
        op.http_method.as_str().to_ascii_uppercase(),
        op.path_template,
        op.method_name,
        response_words(op, types),
    ));
    quote! {
        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder {
            client: Client,
            request: Request,
            #(#fields)*
        }
    }
}

/// The `Client` method that starts a request builder: the request, with what it can write
/// at once (see [`Early`]), and the other arguments kept for `send`.
fn client_method(op: &Operation, inputs: &Inputs, common: &[Parameter], types: &[TypeDef]) -> TokenStream {
    let builder = op.builder_name.to_ident();
    let call = call_type(op, types);
    let method_name = op.method_name.to_ident();
    let Inputs { args, arg_docs, inits, early_body, .. } = inputs;
    let mut args = args.clone();
    let mut arg_docs = arg_docs.clone();
    let mut written = params_code(op, types, Stage::Client);
    if !common.is_empty() {
        // The first argument, named apart from the operation's own.
        let mut name = "headers".to_owned();
        while op.params.iter().any(|p| p.rust_name.as_str() == name) || name == "body" {
            name.insert_str(0, "common_");
        }
        let local = ident(&name);
        args.insert(0, quote!(#local: &CommonHeaders));
        arg_docs.insert(0, (name, Some("The headers every operation sends (`CommonHeaders`).".to_owned())));
        written.insert(0, quote!(#local.write(&mut request);));
    }
    let method = ident(&op.http_method.as_str().to_ascii_uppercase());
    let idempotent = op.http_method.is_idempotent();
    let start = match op.path.first() {
        Some(PathPart::Literal(text)) => quote!(#text),
        _ => quote!(""),
    };
    let request = if written.is_empty() && early_body.is_empty() {
        quote!(let request = Request::new(Method::#method, #start, #idempotent);)
    } else {
        quote! {
            let mut request = Request::new(Method::#method, #start, #idempotent);
            #(#written)*
            #early_body
        }
    };
    let method_doc = doc_sections(&[op.summary.clone(), op.description.clone()]);
    let endpoint_doc = own(&format!("`{} {}`", op.http_method.as_str().to_ascii_uppercase(), op.path_template));
    let method_sep = if method_doc.is_empty() { TokenStream::new() } else { quote!(#[doc = ""]) };
    // A `Call` has no docs of its own for this operation: what `send` gives is said here.
    let returns_doc = match &call {
        Some(_) => {
            let doc = own(&format!(
                "[`send`](Call::send) gives {}, with the response's status and headers.",
                response_words(op, types)
            ));
            quote!(#[doc = ""] #doc)
        }
        None => TokenStream::new(),
    };
    let arguments_doc = super::docs::arguments(&arg_docs);
    let deprecated = if op.deprecated { quote!(#[deprecated]) } else { TokenStream::new() };
    // Every required parameter is an argument; a spec decides how many there are.
    let many_args = if args.len() > 6 { quote!(#[allow(clippy::too_many_arguments)]) } else { TokenStream::new() };
    let (output, make) = match call {
        Some(call) => (call, quote!(Call::new(self, request))),
        None => (
            quote!(#builder),
            quote! {
                #builder {
                    client: self.clone(),
                    request,
                    #(#inits)*
                }
            },
        ),
    };
    quote! {
        #method_doc
        #method_sep
        #endpoint_doc
        #returns_doc
        #arguments_doc
        #deprecated
        #many_args
        pub fn #method_name(&self, #(#args),*) -> #output {
            #request
            #make
        }
    }
}

/// The code in a builder's `into_call`, `send` or `send_stream` that binds `request`, the
/// runtime's `Request` for this operation:
/// what the `Client` method wrote (and extra headers), then the rest of the path, query,
/// headers and body, one runtime call per parameter. (A stream's `Accept` and deadline are
/// the runtime's `EventStream` to set.)
fn request(op: &Operation, types: &[TypeDef], body_setup: &TokenStream) -> TokenStream {
    let rest = params_code(op, types, Stage::Send);
    if rest.is_empty() && body_setup.is_empty() {
        return quote!(let request = self.request;);
    }
    quote! {
        let mut request = self.request;
        #(#rest)*
        #body_setup
    }
}

/// Where request code runs: the `Client` method writes what [`Early`] says, `send` the rest.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Client,
    Send,
}

/// The code of stage `stage` that writes parameters: path, query, headers, in that order.
/// The `Client` method reads them from its arguments, `send` from the builder's fields.
fn params_code(op: &Operation, types: &[TypeDef], stage: Stage) -> Vec<TokenStream> {
    let early = Early::of(op, types);
    let from_args = stage == Stage::Client;
    let mut code = Vec::new();
    if early.path == from_args {
        code.extend(path_code(op, from_args, types));
    }
    let ours = |p: &&Parameter| early.writes(p) == from_args;
    code.extend(query_code(op.params.iter().filter(ours), from_args, types));
    code.extend(header_code(op.params.iter().filter(ours), from_args, types));
    code
}

/// The path after its first literal piece: literals appended, parameters encoded, from the
/// `Client` method's arguments when `from_args` (see [`Early`]), else from fields.
fn path_code(op: &Operation, from_args: bool, types: &[TypeDef]) -> Vec<TokenStream> {
    let rest = match op.path.split_first() {
        Some((PathPart::Literal(_), rest)) => rest,
        _ => op.path.as_slice(),
    };
    rest.iter()
        .map(|part| match part {
            PathPart::Literal(text) => match text.chars().collect::<Vec<_>>().as_slice() {
                [c] => quote!(request.path.push(#c);),
                _ => quote!(request.path.push_str(#text);),
            },
            PathPart::Param(i) => {
                let p = &op.params[*i];
                let json = &p.name;
                with_value(p, from_args, types, &|place| {
                    write_value(&p.ty, place, json, ',', ParamLocation::Path, types)
                })
            }
        })
        .collect()
}

/// `code` for a parameter's value, read from the `Client` method's argument when
/// `from_args`, else as [`with_place`] reads it.
fn with_value(
    p: &Parameter,
    from_args: bool,
    types: &[TypeDef],
    code: &dyn Fn(Place<'_>) -> TokenStream,
) -> TokenStream {
    if !from_args {
        return with_place(p, code);
    }
    let ty = rust_type(&p.ty, types, Scope::Sibling);
    code(Place::Arg(&p.rust_name, (p.ty != TypeRef::String).then_some(&ty)))
}

/// `code` for a parameter's value: read from the builder's field when required, from
/// `value` once it is known to be set when optional.
fn with_place(p: &Parameter, code: &dyn Fn(Place<'_>) -> TokenStream) -> TokenStream {
    if p.required {
        return code(Place::Field(&p.rust_name));
    }
    let name = p.rust_name.to_ident();
    let inner = code(Place::Ref("value"));
    quote! {
        if let Some(value) = &self.#name {
            #inner
        }
    }
}

/// The code writing the query parameters among `params`: required single values first, then
/// optional and repeated ones; from arguments when `from_args`, else from fields of `self`.
fn query_code<'p>(params: impl Iterator<Item = &'p Parameter>, from_args: bool, types: &[TypeDef]) -> Vec<TokenStream> {
    let query_params: Vec<&Parameter> = params.filter(|p| p.location == ParamLocation::Query).collect();
    let (first, then): (Vec<&Parameter>, Vec<&Parameter>) =
        query_params.into_iter().partition(|p| p.required && !is_repeated(p));
    first
        .into_iter()
        .chain(then)
        .map(|p| {
            let json = &p.name;
            let code = |place: Place<'_>| match (&p.ty, p.list_separator) {
                (TypeRef::Array(item), None) => {
                    let items = place.reference();
                    let write = write_value(item, Place::Ref("item"), json, ',', ParamLocation::Query, types);
                    quote! {
                        for item in #items {
                            #write
                        }
                    }
                }
                (other, separator) => {
                    write_value(other, place, json, separator.unwrap_or(','), ParamLocation::Query, types)
                }
            };
            with_value(p, from_args, types, &code)
        })
        .collect()
}

/// The code writing the header parameters among `params` (the caller's extra headers are
/// sent after them), from arguments when `from_args`, else from fields of `self`.
fn header_code<'p>(
    params: impl Iterator<Item = &'p Parameter>,
    from_args: bool,
    types: &[TypeDef],
) -> Vec<TokenStream> {
    params
        .filter(|p| p.location == ParamLocation::Header)
        .map(|p| {
            let json = &p.name;
            let code = |place: Place<'_>| write_value(&p.ty, place, json, ',', ParamLocation::Header, types);
            with_value(p, from_args, types, &code)
        })
        .collect()
}

/// `send_stream`, for an operation that can answer with server-sent events: the request as
/// `send` builds it, with the body's `stream` flag set, asking for the stream.
fn send_stream(op: &Operation, es: &EventStream, types: &[TypeDef], body_setup: &TokenStream) -> TokenStream {
    let request = request(op, types, body_setup);
    let (data, open, data_words) = match &es.data {
        Some(ty) => {
            let words = match ty {
                TypeRef::Named(id) => format!("a [`types::{}`]", types[id.index()].name),
                _ => "JSON".to_owned(),
            };
            (rust_type(ty, types, Scope::Sibling), quote!(json), words)
        }
        None => (quote!(String), quote!(text), "text".to_owned()),
    };
    let (receiver, set_flag, flag_words) = match (&es.flag, &op.body) {
        (Some(flag), Some(body)) => {
            let field = flag.field.to_ident();
            let value = match flag.options {
                0 => quote!(true),
                1 => quote!(Some(true)),
                _ => quote!(Some(Some(true))),
            };
            let set = if body.required {
                quote!(self.body.#field = #value;)
            } else {
                quote! {
                    if let Some(body) = &mut self.body {
                        body.#field = #value;
                    }
                }
            };
            (quote!(mut self), set, "\nThe body's `stream` flag is set to `true`, which asks for it.")
        }
        _ => (quote!(self), TokenStream::new(), ""),
    };
    let doc = own(&format!(
        "Sends the request for its stream of server-sent events (`text/event-stream`) and\n\
         returns the events as they come, each one's data {data_words}.{flag_words}\n\
         \n\
         The client's timeout bounds the wait for the headers and then each silence, not the\n\
         whole stream; its size limit applies to each event. See [`crate::runtime::sse`] for how the\n\
         stream is read and which errors end it."
    ));
    quote! {
        #doc
        pub async fn send_stream(#receiver) -> Result<crate::runtime::sse::EventStream<#data>, Error> {
            #set_flag
            #request
            crate::runtime::sse::EventStream::#open(&self.client, request).await
        }
    }
}

/// `into_stream`, the request builder's way to every item of a cursor-paged listing.
fn paged(op: &Operation, pg: &Pagination, types: &[TypeDef]) -> TokenStream {
    let limit_note = match pg.limit_param {
        Some(i) => format!("\nThe page size is the `{}` set on this request.", op.params[i].name),
        None => String::new(),
    };
    let stream_doc = own(&format!(
        "Every item of every page, as a stream of results, each {} or an error.\n\
         Pages are fetched one at a time as the stream is read, following the cursor until\n\
         the server says there are no more.{limit_note}\n\
         The stream ends after the first error, which it yields (see\n\
         [`Paged`](crate::runtime::paging::Paged) for the errors paging itself can give).",
        type_words(&pg.item, types)
    ));
    quote! {
        #stream_doc
        pub fn into_stream(self) -> crate::runtime::paging::Paged<Self> {
            crate::runtime::paging::Paged::new(self)
        }
    }
}

/// The request builder as a [`CursorPaged`](crate::runtime::paging) listing for the runtime's
/// generic stream: how to read its cursor, set another, and split a page.
fn paged_impl(op: &Operation, pg: &Pagination, types: &[TypeDef]) -> TokenStream {
    let builder = op.builder_name.to_ident();
    let item = rust_type(&pg.item, types, Scope::Sibling);
    let data = pg.data_field.to_ident();
    let has_more = pg.has_more_field.to_ident();
    let next_cursor = pg.next_cursor_field.to_ident();
    let cursor = op.params[pg.cursor_param].rust_name.to_ident();
    let next = match pg.next_cursor {
        CursorField::Always => quote!(Some(page.#next_cursor)),
        CursorField::Optional => quote!(page.#next_cursor),
        CursorField::OptionalNullable => quote!(page.#next_cursor.flatten()),
    };
    let body = rust_type(&pg.body, types, Scope::Sibling);
    quote! {
        impl crate::runtime::paging::CursorPaged for #builder {
            type Item = #item;
            type Body = #body;

            fn client(&self) -> &crate::runtime::Client {
                &self.client
            }

            fn page_cursor(&self) -> Option<&str> {
                self.#cursor.as_deref()
            }

            fn at_cursor(self, cursor: String) -> Self {
                self.#cursor(cursor)
            }

            fn call(self) -> Call<#body> {
                self.into_call()
            }

            fn page(page: #body) -> crate::runtime::paging::Page<#item> {
                crate::runtime::paging::Page { items: page.#data, has_more: page.#has_more, next_cursor: #next }
            }
        }
    }
}
