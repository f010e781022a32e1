//! Where each type is used, in words: the summary line of a type whose schema has neither a
//! title nor a description ("Request body of `POST /v0/websets`", "The `status` of
//! [`Webset`]").

use crate::model::{Api, Media, RequestBody, ResponseBody, TypeDef, TypeKind, TypeRef};

/// Per type of `api`: the first place that uses it, as a sentence. Operations come first
/// (their bodies, responses, events and parameters), then fields, items and map values of
/// structs, then union variants and aliases, in definition order; a type used nowhere is
/// named after its schema.
pub fn usages(api: &Api) -> Vec<String> {
    let mut out: Vec<Option<String>> = vec![None; api.types.len()];
    for op in &api.operations {
        let endpoint = format!("`{} {}`", op.http_method.as_str().to_ascii_uppercase(), op.path_template);
        if let Some(RequestBody { media: Media::Json { ty, .. }, .. }) = &op.body {
            place(ty, &format!("Request body of {endpoint}"), &mut out);
        }
        match &op.response {
            ResponseBody::Json(ty) => place(ty, &format!("Response of {endpoint}"), &mut out),
            ResponseBody::PerStatus { variants, .. } => {
                for v in variants {
                    if let ResponseBody::Json(ty) = &v.body {
                        place(ty, &format!("A response of {endpoint}"), &mut out);
                    }
                }
            }
            _ => {}
        }
        if let Some(data) = op.event_stream.as_ref().and_then(|s| s.data.as_ref()) {
            place(data, &format!("An event streamed by {endpoint}"), &mut out);
        }
        for p in &op.params {
            place(&p.ty, &format!("The `{}` parameter of {endpoint}", p.name.replace('`', "'")), &mut out);
        }
    }
    for t in &api.types {
        uses_in(t, &mut out);
    }
    out.into_iter().zip(&api.types).map(|(usage, t)| usage.unwrap_or_else(|| unused(t))).collect()
}

/// The places type `t` gives the types it refers to.
fn uses_in(t: &TypeDef, out: &mut [Option<String>]) {
    let name = &t.name;
    match &t.kind {
        TypeKind::Struct { fields, additional, .. } => {
            for f in fields {
                place(&f.ty, &format!("The `{}` of [`{name}`]", f.json_name.replace('`', "'")), out);
            }
            if let Some(ty) = additional {
                place(ty, &format!("A property of [`{name}`] beyond those it declares"), out);
            }
        }
        TypeKind::Union(u) => {
            for v in &u.variants {
                place(&v.ty, &format!("The `{}` kind of [`{name}`]", v.name), out);
            }
        }
        TypeKind::Alias(ty) => place(ty, &format!("What [`{name}`] holds"), out),
        TypeKind::Enum { .. } => {}
    }
}

/// Gives the types `ty` names the place `what` (for the type itself), unless they have one.
fn place(ty: &TypeRef, what: &str, out: &mut [Option<String>]) {
    match ty {
        TypeRef::Named(id) => {
            out[id.index()].get_or_insert_with(|| format!("{what}."));
        }
        TypeRef::Array(inner) => place(inner, &format!("An item of {}", lower_first(what)), out),
        TypeRef::Map(inner) => place(inner, &format!("A value of {}", lower_first(what)), out),
        TypeRef::Nullable(inner) => place(inner, what, out),
        _ => {}
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

/// A type no operation or other type uses: named after the schema it came from.
fn unused(t: &TypeDef) -> String {
    match t.pointer.strip_prefix("#/components/schemas/") {
        Some(schema) if !schema.contains('/') => format!("The `{}` schema of the spec.", schema.replace('`', "'")),
        _ => format!("A type of the spec (at `{}`).", t.pointer.replace('`', "'")),
    }
}
