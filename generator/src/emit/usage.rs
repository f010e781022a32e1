//! Where each type is used: in words, the summary line of a type whose schema has neither a
//! title nor a description ("Request body of `POST /v0/websets`", "The `status` of
//! [`Webset`]"); and which way it goes ([`received_only`]).

use crate::model::{Api, Media, RequestBody, ResponseBody, TypeDef, TypeId, TypeKind, TypeRef};

/// How a type is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    /// The first place that uses it, as a sentence (see [`usages`]).
    pub summary: String,
    /// Whether it only comes from the server (see [`received_only`]).
    pub received_only: bool,
}

/// Per type of `api`: how it is used.
pub fn of(api: &Api) -> Vec<Usage> {
    usages(api)
        .into_iter()
        .zip(received_only(api))
        .map(|(summary, received_only)| Usage { summary, received_only })
        .collect()
}

/// Per type of `api`: the first place that uses it, as a sentence. Operations come first
/// (their bodies, responses, events and parameters), then fields, items and map values of
/// structs, then union variants and aliases, in definition order; a type used nowhere is
/// named after its schema.
fn usages(api: &Api) -> Vec<String> {
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

/// Per type of `api`: whether it only ever comes from the server, in a response or an
/// event, and is part of nothing the client sends (a request body or a parameter, directly
/// or inside another type). Such types get no setters: nobody builds them but the decoder.
/// A type used nowhere is not received only.
fn received_only(api: &Api) -> Vec<bool> {
    let mut sent = vec![false; api.types.len()];
    let mut received = vec![false; api.types.len()];
    for op in &api.operations {
        if let Some(RequestBody { media: Media::Json { ty, .. }, .. }) = &op.body {
            reach(ty, api, &mut sent);
        }
        for p in &op.params {
            reach(&p.ty, api, &mut sent);
        }
        for body in op.response.bodies() {
            if let ResponseBody::Json(ty) = body {
                reach(ty, api, &mut received);
            }
        }
        if let Some(data) = op.event_stream.as_ref().and_then(|s| s.data.as_ref()) {
            reach(data, api, &mut received);
        }
    }
    received.iter().zip(&sent).map(|(received, sent)| *received && !sent).collect()
}

/// Marks every type `ty` reaches (itself, its fields' types, variants, ...) in `seen`.
fn reach(ty: &TypeRef, api: &Api, seen: &mut [bool]) {
    let mut stack: Vec<TypeId> = ty.named().into_iter().collect();
    while let Some(id) = stack.pop() {
        if !std::mem::replace(&mut seen[id.index()], true) {
            stack.extend(api.type_def(id).refs().into_iter().filter_map(TypeRef::named));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewThing"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
    get:
      operationId: listThings
      parameters:
        - {name: filter, in: query, schema: {$ref: "#/components/schemas/Filter"}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Thing"}}
components:
  schemas:
    Tag:
      type: object
      properties: {name: {type: string}}
    Owner:
      type: object
      properties: {name: {type: string}}
    NewThing:
      type: object
      properties:
        tags: {type: array, items: {$ref: "#/components/schemas/Tag"}}
    Thing:
      type: object
      properties:
        tags: {type: array, items: {$ref: "#/components/schemas/Tag"}}
        owner: {$ref: "#/components/schemas/Owner"}
    Filter:
      type: object
      properties: {owner: {type: string}}
    Unused:
      type: object
      properties: {x: {type: string}}
"##;

    #[test]
    fn only_what_nothing_sent_reaches_is_received_only() {
        let (api, _) = crate::model_of(SPEC).unwrap();
        let usage = of(&api);
        let received_only = |name: &str| {
            let i = api.types.iter().position(|t| t.name.as_str() == name).unwrap_or_else(|| panic!("{name}"));
            usage[i].received_only
        };
        assert!(received_only("Thing"), "only in responses");
        assert!(received_only("Owner"), "only inside a response");
        assert!(!received_only("Tag"), "inside a request body as well as a response");
        assert!(!received_only("NewThing"), "a request body");
        assert!(!received_only("Filter"), "a parameter");
        assert!(!received_only("Unused"), "used nowhere: kept whole");
    }
}
