//! One request builder per operation, and the `Client` method that starts it.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc, doc_sections, own};
use super::ident;
use super::types::{rust_type, Scope};
use crate::model::{Media, Operation, ParamLocation, Parameter, PathPart, ResponseBody, TypeRef};

/// The contents of `operations.rs`. `enums` names the string enum types (sent by `as_str`).
pub fn operations_module(ops: &[Operation], enums: &BTreeSet<String>) -> TokenStream {
    let preamble = operations_preamble(ops);
    let builders = ops.iter().map(|op| operation(op, enums));
    quote! {
        #preamble
        #(#builders)*
    }
}

/// The module docs and imports of `operations.rs`.
pub fn operations_preamble(ops: &[Operation]) -> TokenStream {
    let uses_types = ops.iter().any(|op| {
        let mut refs =
            op.params.iter().map(|p| &p.ty).chain(op.response.bodies().into_iter().filter_map(|b| match b {
                ResponseBody::Json(t) => Some(t),
                _ => None,
            }));
        refs.any(mentions_named)
            || matches!(&op.body, Some(b) if matches!(&b.media, Media::Json { ty, .. } if mentions_named(ty)))
    });
    let types_use = if uses_types {
        quote!(
            use crate::types;
        )
    } else {
        TokenStream::new()
    };
    let header_use = if ops.iter().any(|o| o.params.iter().any(|p| p.location == ParamLocation::Header)) {
        quote!(
            use reqwest::header::HeaderName;
        )
    } else {
        TokenStream::new()
    };
    let stream_use = if ops.iter().any(|o| o.pagination.is_some()) {
        quote!(
            use futures::stream::{BoxStream, StreamExt};
        )
    } else {
        TokenStream::new()
    };
    // `client::` prefixes the path and header parameter helpers only.
    let client_use = if ops.iter().any(|o| o.params.iter().any(|p| p.location != ParamLocation::Query)) {
        quote!(
            use crate::client::{self, ApiResponse, Client, Request};
        )
    } else {
        quote!(
            use crate::client::{ApiResponse, Client, Request};
        )
    };
    quote! {
        //! Request builders, one per operation. Start one with the matching [`Client`] method,
        //! set optional parameters, then `send()` it.

        #header_use
        #stream_use
        use reqwest::header::HeaderMap;
        use reqwest::Method;

        #client_use
        use crate::error::Error;
        #types_use
    }
}

fn mentions_named(t: &TypeRef) -> bool {
    match t {
        TypeRef::Named(_) => true,
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => mentions_named(i),
        _ => false,
    }
}

/// The type a parameter is stored as, and the argument type callers pass.
fn param_types(p: &Parameter, enums: &BTreeSet<String>) -> (TokenStream, TokenStream, bool) {
    let ty = rust_type(&p.ty, Scope::Sibling);
    match &p.ty {
        TypeRef::String => (ty, quote!(impl Into<String>), true),
        TypeRef::Named(n) if enums.contains(n) => (ty.clone(), quote!(impl Into<#ty>), true),
        _ => (ty.clone(), ty, false),
    }
}

/// Where a parameter's value is read from in the generated code.
#[derive(Clone, Copy)]
enum Place<'a> {
    /// The builder's field, `self.name` (a `T`).
    Field(&'a str),
    /// A local `value` bound to a `&T`.
    Ref(&'a str),
}

impl Place<'_> {
    /// The expression to call methods on.
    fn receiver(self) -> TokenStream {
        match self {
            Place::Field(name) => {
                let name = ident(name);
                quote!(self.#name)
            }
            Place::Ref(local) => {
                let local = ident(local);
                quote!(#local)
            }
        }
    }

    /// The expression as a `&T`.
    fn reference(self) -> TokenStream {
        match self {
            Place::Field(_) => {
                let r = self.receiver();
                quote!(&#r)
            }
            Place::Ref(_) => self.receiver(),
        }
    }
}

/// Code that turns the value at `place` into the `String` sent. Lists are joined with
/// `separator` (`simple` and delimited styles).
fn to_text(ty: &TypeRef, place: Place<'_>, name: &str, separator: char, enums: &BTreeSet<String>) -> TokenStream {
    let value = place.receiver();
    match ty {
        TypeRef::Array(item) if **item == TypeRef::String => {
            let separator = separator.to_string();
            quote!(#value.join(#separator))
        }
        TypeRef::Array(item) if is_scalar(item, enums) => {
            // `value.iter()`, not `&value.iter()`: a leading `&` would borrow the joined text.
            let text = to_text(item, Place::Ref("item"), name, separator, enums);
            let separator = separator.to_string();
            quote!(#value.iter().map(|item| #text).collect::<Vec<_>>().join(#separator))
        }
        TypeRef::String => quote!(#value.clone()),
        TypeRef::Named(n) if enums.contains(n) => quote!(#value.as_str().to_owned()),
        TypeRef::Integer(_) | TypeRef::Float(_) | TypeRef::Boolean | TypeRef::Date => quote!(#value.to_string()),
        TypeRef::DateTime => quote!(#value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        _ => {
            let reference = place.reference();
            quote! {
                serde_json::to_string(#reference).map_err(|e| Error::InvalidParameter { name: #name, reason: e.to_string() })?
            }
        }
    }
}

/// Is this a type sent as plain text (not as JSON)?
fn is_scalar(ty: &TypeRef, enums: &BTreeSet<String>) -> bool {
    match ty {
        TypeRef::Named(n) => enums.contains(n),
        TypeRef::String
        | TypeRef::Integer(_)
        | TypeRef::Float(_)
        | TypeRef::Boolean
        | TypeRef::Date
        | TypeRef::DateTime => true,
        _ => false,
    }
}

/// Code for the value at `place` as a `&str`, borrowing rather than copying strings.
fn to_str(ty: &TypeRef, place: Place<'_>, name: &str, separator: char, enums: &BTreeSet<String>) -> TokenStream {
    match ty {
        TypeRef::String => place.reference(),
        TypeRef::Named(n) if enums.contains(n) => {
            let value = place.receiver();
            quote!(#value.as_str())
        }
        other => {
            let text = to_text(other, place, name, separator, enums);
            quote!(&#text)
        }
    }
}

/// The payload type and the `RawResponse` method that decodes a plain body.
fn plain_body(body: &ResponseBody) -> (Option<TokenStream>, TokenStream) {
    match body {
        ResponseBody::Empty | ResponseBody::PerStatus { .. } => (None, quote!(empty)),
        ResponseBody::Json(ty) => (Some(rust_type(ty, Scope::Sibling)), quote!(json)),
        ResponseBody::Text => (Some(quote!(String)), quote!(text)),
        ResponseBody::Binary => (Some(quote!(Vec<u8>)), quote!(bytes)),
    }
}

/// The `send` result type, the code that decodes the response, and for per-status bodies
/// the enum it decodes into.
fn response_handling(op: &Operation) -> (TokenStream, TokenStream, TokenStream) {
    let ResponseBody::PerStatus { enum_name, variants } = &op.response else {
        let (ty, method) = plain_body(&op.response);
        let ty = ty.unwrap_or_else(|| quote!(()));
        return (ty, quote!(self.client.execute(request).await?.#method()), TokenStream::new());
    };
    let name = ident(enum_name);
    let defs = variants.iter().map(|v| {
        let variant = ident(&v.variant);
        let status_doc = own(&match v.status {
            Some(code) => format!("Status {code}."),
            None => "Any other success status.".to_owned(),
        });
        match plain_body(&v.body).0 {
            Some(ty) => quote!(#status_doc #variant(#ty),),
            None => quote!(#status_doc #variant,),
        }
    });
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.variant);
        let pattern = match v.status {
            Some(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                quote!(#code)
            }
            None => quote!(200..=299),
        };
        let (ty, method) = plain_body(&v.body);
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
    let decode = quote! {
        let raw = self.client.execute(request).await?;
        match raw.status().as_u16() {
            #(#arms)*
            _ => raw.undocumented(),
        }
    };
    (quote!(#name), decode, def)
}

/// One operation: its request builder, its per-status response enum if any, and the
/// `Client` method that starts it.
pub fn operation(op: &Operation, enums: &BTreeSet<String>) -> TokenStream {
    let builder = ident(&op.builder_name);
    let method_name = ident(&op.method_name);
    let template = &op.path_template;
    let http = op.http_method.as_str().to_ascii_uppercase();
    let http_ident = ident(&http);

    // Required parameters are arguments in path order, then the others in spec order; the
    // optional ones get setters, so adding one to the spec breaks no caller.
    let mut required: Vec<&Parameter> = op
        .path
        .iter()
        .filter_map(|p| match p {
            PathPart::Param(i) => Some(&op.params[*i]),
            PathPart::Literal(_) => None,
        })
        .collect();
    required.extend(op.params.iter().filter(|p| p.required && p.location != ParamLocation::Path));
    let optional: Vec<&Parameter> = op.params.iter().filter(|p| !p.required).collect();

    let mut fields = Vec::new();
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for p in &required {
        let name = ident(&p.rust_name);
        let (stored, arg, into) = param_types(p, enums);
        let pdoc = doc(p.doc.as_deref());
        fields.push(quote!(#pdoc #name: #stored,));
        args.push(quote!(#name: #arg));
        inits.push(if into { quote!(#name: #name.into(),) } else { quote!(#name,) });
    }
    for p in &optional {
        let name = ident(&p.rust_name);
        let (stored, arg, into) = param_types(p, enums);
        fields.push(quote!(#name: Option<#stored>,));
        inits.push(quote!(#name: None,));
        let value = if into { quote!(value.into()) } else { quote!(value) };
        let pdoc = doc(p.doc.as_deref());
        setters.push(quote! {
            #pdoc
            pub fn #name(mut self, value: #arg) -> Self {
                self.#name = Some(#value);
                self
            }
        });
    }
    let mut body_setup = quote!(let body = None;);
    if let Some(body) = &op.body {
        let (ty, encode, content_type) = match &body.media {
            Media::Json { ty, content_type } => (
                rust_type(ty, Scope::Sibling),
                quote!(serde_json::to_vec(body)
                    .map_err(|e| Error::InvalidParameter { name: "body", reason: e.to_string() })?),
                content_type.clone(),
            ),
            Media::Text { content_type } => (quote!(String), quote!(body.clone().into_bytes()), content_type.clone()),
            Media::Binary { content_type } => (quote!(Vec<u8>), quote!(body.clone()), content_type.clone()),
        };
        let bdoc = doc(body.doc.as_deref());
        if body.required {
            fields.push(quote!(#bdoc body: #ty,));
            args.push(quote!(body: #ty));
            inits.push(quote!(body,));
            body_setup = quote! {
                let body = &self.body;
                let body = Some((#content_type, #encode));
            };
        } else {
            fields.push(quote!(body: Option<#ty>,));
            inits.push(quote!(body: None,));
            setters.push(quote! {
                /// The request body.
                #bdoc
                pub fn body(mut self, value: #ty) -> Self {
                    self.body = Some(value);
                    self
                }
            });
            body_setup = match &body.media {
                Media::Json { .. } => quote! {
                    let body = self
                        .body
                        .as_ref()
                        .map(serde_json::to_vec)
                        .transpose()
                        .map_err(|e| Error::InvalidParameter { name: "body", reason: e.to_string() })?
                        .map(|bytes| (#content_type, bytes));
                },
                Media::Text { .. } => {
                    quote!(let body = self.body.as_ref().map(|body| (#content_type, body.clone().into_bytes()));)
                }
                Media::Binary { .. } => {
                    quote!(let body = self.body.as_ref().map(|body| (#content_type, body.clone()));)
                }
            };
        }
    }

    // The path starts as its first literal piece; the rest is appended.
    let (path_start, rest) = match op.path.split_first() {
        Some((PathPart::Literal(text), rest)) => (quote!(String::from(#text)), rest),
        _ => (quote!(String::new()), op.path.as_slice()),
    };
    let path_decl = if rest.is_empty() { quote!(let path = #path_start;) } else { quote!(let mut path = #path_start;) };
    let path_code = rest.iter().map(|part| match part {
        PathPart::Literal(text) => match text.chars().collect::<Vec<_>>().as_slice() {
            [c] => quote!(path.push(#c);),
            _ => quote!(path.push_str(#text);),
        },
        PathPart::Param(i) => {
            let p = &op.params[*i];
            let json = &p.name;
            let text = to_str(&p.ty, Place::Field(&p.rust_name), json, ',', enums);
            quote!(client::push_path_param(&mut path, #json, #text)?;)
        }
    });
    // Required parameters are read from the builder's field, optional ones from `value`
    // once they are known to be set.
    let with_place = |p: &Parameter, code: &dyn Fn(Place<'_>) -> TokenStream| -> TokenStream {
        if p.required {
            code(Place::Field(&p.rust_name))
        } else {
            let name = ident(&p.rust_name);
            let inner = code(Place::Ref("value"));
            quote! {
                if let Some(value) = &self.#name {
                    #inner
                }
            }
        }
    };
    // Required single values start the list (`vec![...]`); optional and repeated ones are
    // pushed after it.
    let repeated = |p: &Parameter| matches!(p.ty, TypeRef::Array(_)) && p.list_separator.is_none();
    let query_params: Vec<&Parameter> = op.params.iter().filter(|p| p.location == ParamLocation::Query).collect();
    let initial: Vec<TokenStream> = query_params
        .iter()
        .filter(|p| p.required && !repeated(p))
        .map(|p| {
            let json = &p.name;
            let text = to_text(&p.ty, Place::Field(&p.rust_name), json, p.list_separator.unwrap_or(','), enums);
            quote!((#json, #text))
        })
        .collect();
    let query_code: Vec<TokenStream> = query_params
        .iter()
        .filter(|p| !p.required || repeated(p))
        .map(|p| {
            let json = &p.name;
            with_place(p, &|place| match (&p.ty, p.list_separator) {
                (TypeRef::Array(item), None) => {
                    let items = place.reference();
                    let text = to_text(item, Place::Ref("item"), json, ',', enums);
                    quote! {
                        for item in #items {
                            query.push((#json, #text));
                        }
                    }
                }
                (other, separator) => {
                    let text = to_text(other, place, json, separator.unwrap_or(','), enums);
                    quote!(query.push((#json, #text));)
                }
            })
        })
        .collect();
    let query_decl = match (initial.is_empty(), query_code.is_empty()) {
        (true, true) => quote!(let query = Vec::new();),
        (true, false) => quote!(let mut query = Vec::new();),
        (false, true) => quote!(let query = vec![#(#initial),*];),
        (false, false) => quote!(let mut query = vec![#(#initial),*];),
    };
    let header_code = op.params.iter().filter(|p| p.location == ParamLocation::Header).map(|p| {
        let json = &p.name;
        let lower = p.name.to_ascii_lowercase();
        with_place(p, &|place| {
            let text = to_str(&p.ty, place, json, ',', enums);
            quote!(headers.insert(HeaderName::from_static(#lower), client::header_value(#json, #text)?);)
        })
    });
    let has_headers = op.params.iter().any(|p| p.location == ParamLocation::Header);
    let headers_decl =
        if has_headers { quote!(let mut headers = HeaderMap::new();) } else { quote!(let headers = HeaderMap::new();) };
    let idempotent = op.http_method.is_idempotent();
    let (output, decode, response_enum) = response_handling(op);

    let builder_doc = own(&format!(
        "Request builder for `{http} {template}`, made by [`Client::{}`].",
        op.method_name.trim_start_matches("r#")
    ));
    let method_doc = doc_sections(&[op.summary.clone(), op.description.clone()]);
    let endpoint_doc = own(&format!("`{http} {template}`"));
    let method_sep = if method_doc.is_empty() { TokenStream::new() } else { quote!(#[doc = ""]) };
    let deprecated = if op.deprecated { quote!(#[deprecated]) } else { TokenStream::new() };
    // Every required parameter is an argument; a spec decides how many there are.
    let many_args = if args.len() > 6 { quote!(#[allow(clippy::too_many_arguments)]) } else { TokenStream::new() };
    let stream = op.pagination.as_ref().map(|pg| {
        let item = rust_type(&pg.item, Scope::Sibling);
        let data = ident(&pg.data_field);
        let has_more = ident(&pg.has_more_field);
        let next_cursor = ident(&pg.next_cursor_field);
        let cursor = ident(&op.params[pg.cursor_param].rust_name);
        let next = match pg.next_cursor_options {
            0 => quote!(Some(page.#next_cursor)),
            1 => quote!(page.#next_cursor),
            _ => quote!(page.#next_cursor.flatten()),
        };
        let limit_note = match pg.limit_param {
            Some(i) => format!("\nThe page size is the `{}` set on this request.", op.params[i].name),
            None => String::new(),
        };
        let stream_doc = own(&format!(
            "Every item of every page, as a stream: pages are fetched one at a time as the\n\
             stream is read, following the cursor until the server says there are no more.{limit_note}\n\
             The stream ends after the first error, which it yields."
        ));
        quote! {
            #stream_doc
            pub fn into_stream(self) -> BoxStream<'static, Result<#item, Error>> {
                let start = (Some(self), std::collections::VecDeque::new(), None);
                futures::stream::unfold(start, |(mut next, mut buffer, mut failure)| async move {
                    loop {
                        if let Some(item) = buffer.pop_front() {
                            return Some((Ok(item), (next, buffer, failure)));
                        }
                        if let Some(err) = failure.take() {
                            return Some((Err(err), (None, buffer, None)));
                        }
                        let request: Self = next.take()?;
                        let page = match request.clone().send().await {
                            Ok(page) => page.into_inner(),
                            Err(err) => return Some((Err(err), (None, buffer, None))),
                        };
                        buffer.extend(page.#data);
                        if page.#has_more {
                            match #next {
                                Some(cursor) if request.#cursor.as_deref() == Some(cursor.as_str()) => {
                                    failure = Some(Error::Pagination(format!("the server sent the cursor {cursor:?} twice")));
                                }
                                Some(cursor) if !cursor.is_empty() => next = Some(request.#cursor(cursor)),
                                _ => {}
                            }
                        }
                    }
                })
                .boxed()
            }
        }
    });

    quote! {
        #response_enum

        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder {
            client: Client,
            #(#fields)*
        }

        impl #builder {
            #(#setters)*

            /// Sends the request and decodes the response.
            pub async fn send(self) -> Result<ApiResponse<#output>, Error> {
                #path_decl
                #(#path_code)*
                #query_decl
                #(#query_code)*
                #headers_decl
                #(#header_code)*
                #body_setup
                let request = Request {
                    method: Method::#http_ident,
                    path,
                    query,
                    headers,
                    body,
                    idempotent: #idempotent,
                };
                #decode
            }

            #stream
        }

        impl Client {
            #method_doc
            #method_sep
            #endpoint_doc
            #deprecated
            #many_args
            pub fn #method_name(&self, #(#args),*) -> #builder {
                #builder {
                    client: self.clone(),
                    #(#inits)*
                }
            }
        }
    }
}
