//! Paths to operations: parameters, bodies, responses and pagination.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use openapiv3 as oa;
use openapiv3::ReferenceOr;

use super::schema::nullable_in_place;
use super::{is_http_token, with_default, Lower, Naming};
use crate::diagnostics::{pointer_push, Error};
use crate::model::*;
use crate::names::{type_name, value_name, Scope};

/// Success responses: the status as written, its code (`None` for `2XX` or `default`), the
/// response.
type SuccessResponses<'o> = Vec<(String, Option<u16>, &'o ReferenceOr<oa::Response>)>;

/// Parameters by name and location (`None` for a cookie), with their pointers.
type MergedParameters = IndexMap<(String, Option<ParamLocation>), (oa::Parameter, String)>;

impl Lower<'_> {
    pub(super) fn operations(&mut self) -> Result<Vec<Operation>, Error> {
        let declared_tags: BTreeSet<&str> = self.spec.tags.iter().map(|t| t.name.as_str()).collect();
        let mut undeclared: BTreeSet<String> = BTreeSet::new();
        let mut method_scope = Scope::with_reserved(&crate::names::CLIENT_METHOD_NAMES);
        // Names `operations.rs` imports or defines besides the builders.
        let mut builder_scope = Scope::with_reserved(&[
            "Call",
            "Client",
            "ClientBuilder",
            "CommonHeaders",
            "Error",
            "ApiResponse",
            "Request",
            "HeaderMap",
            "HeaderName",
            "Method",
        ]);
        let mut ops = Vec::new();
        for (path, item) in self.spec.paths.paths.iter() {
            let path_ptr = pointer_push("/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    self.diags
                        .warn(&path_ptr, format!("path item `$ref: {reference}` is not followed; the path is skipped"));
                    continue;
                }
            };
            for method in HttpMethod::ALL {
                let op = match method {
                    HttpMethod::Get => &item.get,
                    HttpMethod::Put => &item.put,
                    HttpMethod::Post => &item.post,
                    HttpMethod::Delete => &item.delete,
                    HttpMethod::Options => &item.options,
                    HttpMethod::Head => &item.head,
                    HttpMethod::Patch => &item.patch,
                    HttpMethod::Trace => &item.trace,
                };
                let Some(op) = op else { continue };
                let op_ptr = pointer_push(&path_ptr, method.as_str());
                for t in &op.tags {
                    if !declared_tags.contains(t.as_str()) {
                        undeclared.insert(t.clone());
                    }
                }
                ops.push(self.operation(path, method, item, op, &op_ptr, &mut method_scope, &mut builder_scope)?);
            }
        }
        if !undeclared.is_empty() {
            let list: Vec<String> = undeclared.into_iter().map(|t| format!("`{t}`")).collect();
            self.diags.note("/tags", format!("operations use tags that are never declared: {}; tags only group documentation and are otherwise ignored", list.join(", ")));
        }
        Ok(ops)
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        method: HttpMethod,
        item: &oa::PathItem,
        op: &oa::Operation,
        ptr: &str,
        method_scope: &mut Scope,
        builder_scope: &mut Scope,
    ) -> Result<Operation, Error> {
        let operation_id = match op.operation_id.as_deref().filter(|id| !id.trim().is_empty()) {
            Some(id) => id.to_owned(),
            None => {
                let derived = format!("{} {}", method.as_str(), path.replace(['{', '}'], ""));
                self.diags.warn(
                    ptr,
                    format!("no operationId; the method is named from the method and path ({})", value_name(&derived)),
                );
                derived
            }
        };
        let raw_method = value_name(&operation_id);
        if method_scope.is_taken(&raw_method) {
            self.diags.warn(
                pointer_push(ptr, "operationId"),
                format!("`{operation_id}` gives the same method name as an earlier operation; a number is appended"),
            );
        }
        let method_name = method_scope.claim(&raw_method);
        let builder_name = builder_scope.claim(&type_name(method_name.as_str()));

        let mut params = self.parameters(item, op, ptr, builder_name.as_str())?;
        let (path_parts, unused) = self.path_parts(path, &mut params, ptr);
        let body = match &op.request_body {
            Some(body) => self.request_body(body, &pointer_push(ptr, "requestBody"), builder_name.as_str())?,
            None => None,
        };
        let (response, mut event_stream) = self.response(op, ptr, builder_name.as_str(), builder_scope)?;
        if let Some(stream) = &mut event_stream {
            stream.flag = self.stream_flag(body.as_ref());
        }
        let mut operation = Operation {
            method_name,
            builder_name,
            http_method: method,
            path_template: path.to_owned(),
            path: path_parts,
            summary: op.summary.clone().filter(|s| !s.trim().is_empty()),
            description: op.description.clone().filter(|s| !s.trim().is_empty()),
            deprecated: op.deprecated,
            params,
            body,
            response,
            event_stream,
            pagination: None,
        };
        // Declared path parameters the template lacks cannot be sent anywhere.
        operation.remove_params(|i, _| unused.contains(&i));
        operation.pagination = self.pagination(&operation);
        Ok(operation)
    }

    fn parameters(
        &mut self,
        item: &oa::PathItem,
        op: &oa::Operation,
        ptr: &str,
        builder: &str,
    ) -> Result<Vec<Parameter>, Error> {
        let mut scope = Scope::with_reserved(&crate::names::BUILDER_METHOD_NAMES);
        let mut out = Vec::new();
        for ((name, location), (p, p_ptr)) in self.merged_parameters(item, op, ptr)? {
            let Some(location) = location else {
                self.diags.warn(&p_ptr, format!("cookie parameter `{name}` is not supported and is not sent"));
                continue;
            };
            if location == ParamLocation::Header && !self.sendable_header(&name, &p_ptr) {
                continue;
            }
            let param = self.parameter(&p, &p_ptr, location, builder, scope.claim(&value_name(&name)))?;
            out.push(param);
        }
        Ok(out)
    }

    /// The path item's and the operation's parameters, by name and location (`None` for a
    /// cookie): operation-level ones override path-level ones with the same name and place.
    fn merged_parameters(&self, item: &oa::PathItem, op: &oa::Operation, ptr: &str) -> Result<MergedParameters, Error> {
        let mut merged = IndexMap::new();
        let sources = [
            (&item.parameters, ptr.rsplit_once('/').map(|(p, _)| p.to_owned()).unwrap_or_default()),
            (&op.parameters, ptr.to_owned()),
        ];
        for (list, base) in sources {
            let list_ptr = pointer_push(&base, "parameters");
            for (i, p) in list.iter().enumerate() {
                let p_ptr = pointer_push(&list_ptr, &i.to_string());
                let p = self.resolve_parameter(p, &p_ptr)?;
                let location = match &p {
                    oa::Parameter::Path { .. } => Some(ParamLocation::Path),
                    oa::Parameter::Query { .. } => Some(ParamLocation::Query),
                    oa::Parameter::Header { .. } => Some(ParamLocation::Header),
                    oa::Parameter::Cookie { .. } => None,
                };
                merged.insert((p.parameter_data_ref().name.clone(), location), (p, p_ptr));
            }
        }
        Ok(merged)
    }

    /// Whether a header parameter can and may be sent; a warning says why not.
    fn sendable_header(&mut self, name: &str, ptr: &str) -> bool {
        if !is_http_token(name) {
            self.diags.warn(ptr, format!("header parameter `{name}` is not a valid HTTP header name; it is not sent"));
            return false;
        }
        // OpenAPI says these are ignored as parameters: the client sets them itself.
        if ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str()) {
            self.diags.warn(ptr, format!("header parameter `{name}` is ignored, as OpenAPI specifies"));
            return false;
        }
        true
    }

    /// One parameter of the model, named `rust_name`.
    fn parameter(
        &mut self,
        p: &oa::Parameter,
        p_ptr: &str,
        location: ParamLocation,
        builder: &str,
        rust_name: RustIdent,
    ) -> Result<Parameter, Error> {
        let data = p.parameter_data_ref();
        let name = data.name.clone();
        let (ty, doc_from_schema, default) = match &data.format {
            oa::ParameterSchemaOrContent::Schema(s) => {
                let naming = Naming::hint(format!("{builder}{}", type_name(&name)));
                let shape = self.shape(s.into(), &pointer_push(p_ptr, "schema"), naming)?;
                (shape.ty, shape.doc, shape.default)
            }
            oa::ParameterSchemaOrContent::Content(_) => {
                self.diags.warn(
                    pointer_push(p_ptr, "content"),
                    "a parameter described by `content` is sent as a plain string",
                );
                (TypeRef::String, None, None)
            }
        };
        if location == ParamLocation::Path && !data.required {
            self.diags
                .warn(p_ptr, format!("path parameter `{name}` is not marked required; path parameters always are"));
        }
        Ok(Parameter {
            rust_name,
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            doc: with_default(data.description.clone().or(doc_from_schema), default.as_ref()),
            list_separator: self.list_separator(p, p_ptr),
            name,
        })
    }

    /// How a list value is sent: joined with a separator, or (`None`) repeated per item.
    fn list_separator(&mut self, p: &oa::Parameter, ptr: &str) -> Option<char> {
        let oa::Parameter::Query { style, parameter_data, .. } = p else {
            // `simple` style, the only one for headers and the default for paths.
            return Some(',');
        };
        // `explode` defaults to true for `form` only; an exploded list repeats the parameter
        // whatever the style (`ids=1&ids=2`).
        match style {
            oa::QueryStyle::Form if parameter_data.explode.unwrap_or(true) => None,
            oa::QueryStyle::Form => Some(','),
            oa::QueryStyle::SpaceDelimited | oa::QueryStyle::PipeDelimited if parameter_data.explode == Some(true) => {
                None
            }
            oa::QueryStyle::SpaceDelimited => Some(' '),
            oa::QueryStyle::PipeDelimited => Some('|'),
            oa::QueryStyle::DeepObject => {
                let name = &parameter_data.name;
                self.diags
                    .warn(ptr, format!("`deepObject` style for `{name}` is not supported; the value is sent as JSON"));
                None
            }
        }
    }

    fn resolve_parameter(&self, p: &ReferenceOr<oa::Parameter>, ptr: &str) -> Result<oa::Parameter, Error> {
        self.component(p, "parameters", |c| &c.parameters, ptr)
    }

    /// A parameter, request body or response, following a `$ref` into its section of
    /// `components` (one level, as OpenAPI 3.0 allows there).
    fn component<T: Clone>(
        &self,
        item: &ReferenceOr<T>,
        section: &str,
        pick: impl Fn(&oa::Components) -> &IndexMap<String, ReferenceOr<T>>,
        ptr: &str,
    ) -> Result<T, Error> {
        let reference = match item {
            ReferenceOr::Item(t) => return Ok(t.clone()),
            ReferenceOr::Reference { reference } => reference,
        };
        let key = reference.strip_prefix(&format!("#/components/{section}/"));
        match key.and_then(|k| pick(self.spec.components.as_ref()?).get(k)) {
            Some(ReferenceOr::Item(t)) => Ok(t.clone()),
            _ => Err(Error::at(ptr, format!("`$ref: {reference}` does not name an entry of components/{section}"))),
        }
    }

    /// Splits the path template and reconciles it with the declared path parameters: one the
    /// template has but the spec does not declare is added, as a string; the indices of those
    /// declared but not in the template, which the operation then drops, are returned.
    fn path_parts(&mut self, path: &str, params: &mut Vec<Parameter>, ptr: &str) -> (Vec<PathPart>, BTreeSet<usize>) {
        let mut parts = Vec::new();
        let mut used = BTreeSet::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            let idx = match params.iter().position(|p| p.location == ParamLocation::Path && p.name == name) {
                Some(i) => i,
                None => {
                    self.diags.warn(ptr, format!("the path has `{{{name}}}` but declares no such path parameter; it is taken as a required string"));
                    let mut taken: Vec<&str> = params.iter().map(|p| p.rust_name.as_str()).collect();
                    taken.extend(crate::names::BUILDER_METHOD_NAMES);
                    let mut scope = Scope::with_reserved(&taken);
                    params.push(Parameter {
                        rust_name: scope.claim(&value_name(name)),
                        name: name.to_owned(),
                        location: ParamLocation::Path,
                        ty: TypeRef::String,
                        required: true,
                        doc: None,
                        list_separator: Some(','),
                    });
                    params.len() - 1
                }
            };
            used.insert(idx);
            parts.push(PathPart::Param(idx));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        let mut unused = BTreeSet::new();
        for (i, p) in params.iter().enumerate() {
            if p.location == ParamLocation::Path && !used.contains(&i) {
                self.diags.warn(ptr, format!("path parameter `{}` is declared but the path `{path}` has no `{{{}}}`; it is left out of the client", p.name, p.name));
                unused.insert(i);
            }
        }
        (parts, unused)
    }

    fn request_body(
        &mut self,
        body: &ReferenceOr<oa::RequestBody>,
        ptr: &str,
        builder: &str,
    ) -> Result<Option<RequestBody>, Error> {
        let body = self.component(body, "requestBodies", |c| &c.request_bodies, ptr)?;
        let Some(media) = self.media(&body.content, ptr, Naming::hint(format!("{builder}Body")))? else {
            return Ok(None);
        };
        Ok(Some(RequestBody { media, required: body.required, doc: body.description.clone() }))
    }

    /// Picks the JSON media type if there is one, else the first, and types it.
    fn media(
        &mut self,
        content: &IndexMap<String, oa::MediaType>,
        ptr: &str,
        naming: Naming,
    ) -> Result<Option<Media>, Error> {
        let content_ptr = pointer_push(ptr, "content");
        let json = content.iter().find(|(k, _)| is_json(k));
        let (content_type, media) = match json.or_else(|| content.first()) {
            Some(entry) => entry,
            None => return Ok(None),
        };
        if content.len() > 1 {
            let others: Vec<&str> = content.keys().filter(|k| *k != content_type).map(String::as_str).collect();
            self.diags.warn(
                &content_ptr,
                format!("several media types; `{content_type}` is used and {} ignored", others.join(", ")),
            );
        }
        let media_ptr = pointer_push(&content_ptr, content_type);
        Ok(Some(if is_json(content_type) {
            let ty = match &media.schema {
                Some(s) => {
                    let shape = self.shape(s.into(), &pointer_push(&media_ptr, "schema"), naming)?;
                    nullable_in_place(shape)
                }
                None => TypeRef::Any,
            };
            Media::Json { content_type: content_type.clone(), ty }
        } else if content_type.starts_with("text/") {
            Media::Text { content_type: content_type.clone() }
        } else {
            if content_type.starts_with("multipart/") || content_type == "application/x-www-form-urlencoded" {
                self.diags.warn(
                    &media_ptr,
                    format!("`{content_type}` bodies are passed through as raw bytes that the caller encodes"),
                );
            }
            Media::Binary { content_type: content_type.clone() }
        }))
    }

    /// The success response body, and the event stream among the success responses if
    /// there is one. When the 2xx responses describe different bodies, a per-status enum
    /// with a variant for each. A `text/event-stream` offered beside other media types is
    /// left to `send_stream`; offered alone, `send` also reads it whole, as text.
    fn response(
        &mut self,
        op: &oa::Operation,
        ptr: &str,
        builder: &str,
        builder_scope: &mut Scope,
    ) -> Result<(ResponseBody, Option<EventStream>), Error> {
        let responses_ptr = pointer_push(ptr, "responses");
        let Some(success) = self.success_responses(op, &responses_ptr) else {
            return Ok((ResponseBody::Empty, None));
        };
        let single = success.len() == 1;
        let mut bodies = Vec::with_capacity(success.len());
        // The first event stream: its media object, where it is, and which body is beside it.
        let mut stream: Option<(oa::MediaType, String, usize)> = None;
        for (code, status, response) in &success {
            let response_ptr = pointer_push(&responses_ptr, code);
            let mut response = self.component(response, "responses", |c| &c.responses, &response_ptr)?;
            if let Some(key) = response.content.keys().find(|k| is_event_stream(k)).cloned() {
                let media = if response.content.len() > 1 {
                    response.content.shift_remove(&key)
                } else {
                    response.content.get(&key).cloned()
                };
                if let (None, Some(media)) = (&stream, media) {
                    let media_ptr = pointer_push(&pointer_push(&response_ptr, "content"), &key);
                    stream = Some((media, media_ptr, bodies.len()));
                }
            }
            let candidate = if single { format!("{builder}Response") } else { format!("{builder}Response{code}") };
            let body = match self.media(&response.content, &response_ptr, Naming::hint(candidate))? {
                None => ResponseBody::Empty,
                Some(Media::Json { ty, .. }) => ResponseBody::Json(ty),
                Some(Media::Text { .. }) => ResponseBody::Text,
                Some(Media::Binary { .. }) => ResponseBody::Binary,
            };
            bodies.push((*status, body));
        }
        let event_stream = match stream {
            Some((media, media_ptr, beside)) => {
                let json = match &bodies[beside].1 {
                    ResponseBody::Json(ty) => Some(ty.clone()),
                    _ => None,
                };
                Some(self.event_stream(&media, &media_ptr, builder, json)?)
            }
            None => None,
        };
        Ok((per_status(bodies, builder, builder_scope), event_stream))
    }

    /// The success responses by code (`2XX` after the codes, as it matches what they do not),
    /// or `default` when there are none; `None`, with a warning, when there is neither.
    fn success_responses<'o>(&mut self, op: &'o oa::Operation, responses_ptr: &str) -> Option<SuccessResponses<'o>> {
        let mut success: Vec<_> = op
            .responses
            .responses
            .iter()
            .filter_map(|(code, r)| match code {
                oa::StatusCode::Code(c) if (200..300).contains(c) => Some((c.to_string(), Some(*c), r)),
                oa::StatusCode::Range(2) => Some(("2XX".to_owned(), None, r)),
                _ => None,
            })
            .collect();
        success.sort_by(|a, b| a.0.cmp(&b.0));
        if success.is_empty() {
            match &op.responses.default {
                Some(r) => success.push(("default".to_owned(), None, r)),
                None => {
                    self.diags.warn(responses_ptr, "no success response is described; the result is `()`");
                    return None;
                }
            }
        }
        Some(success)
    }

    /// What an event stream's events carry: JSON of the stream's schema (one named type,
    /// `{Builder}Event` when written in place), else of the JSON response's type beside it
    /// (`json`), else text. A string schema is text too: the data is not quoted.
    fn event_stream(
        &mut self,
        media: &oa::MediaType,
        ptr: &str,
        builder: &str,
        json: Option<TypeRef>,
    ) -> Result<EventStream, Error> {
        let data = match &media.schema {
            Some(schema) => {
                let naming = Naming::hint(format!("{builder}Event"));
                let shape = self.shape(schema.into(), &pointer_push(ptr, "schema"), naming)?;
                Some(nullable_in_place(shape))
            }
            None => json,
        };
        Ok(EventStream { data: data.filter(|ty| *ty != TypeRef::String), flag: None })
    }

    /// The request body's `stream` property, when it is a boolean of an object body: a
    /// common way for an API to choose between its JSON and its streamed response.
    fn stream_flag(&self, body: Option<&RequestBody>) -> Option<StreamFlag> {
        let Some(Media::Json { ty: TypeRef::Named(id), .. }) = body.map(|b| &b.media) else { return None };
        let TypeKind::Struct { fields, .. } = &self.types.get(*id)?.kind else { return None };
        let field = fields.iter().find(|f| f.json_name == "stream" && f.ty == TypeRef::Boolean)?;
        Some(StreamFlag { field: field.name.clone(), options: u8::from(field.nullable) + u8::from(!field.required) })
    }

    /// Recognises Exa-style cursor pagination: a `cursor` query parameter and a response
    /// with `data` (a list), `hasMore` and `nextCursor`.
    fn pagination(&self, op: &Operation) -> Option<Pagination> {
        let cursor_param = op.params.iter().position(|p| {
            // A required cursor would be an argument: the stream could not set another.
            p.location == ParamLocation::Query && p.name == "cursor" && p.ty == TypeRef::String && !p.required
        })?;
        let limit_param = op.params.iter().position(|p| {
            p.location == ParamLocation::Query
                && p.name == "limit"
                && matches!(p.ty, TypeRef::Integer(_) | TypeRef::Float(_))
        });
        let ResponseBody::Json(TypeRef::Named(id)) = &op.response else { return None };
        let TypeKind::Struct { fields, .. } = &self.types.get(*id)?.kind else { return None };
        let field = |json: &str| fields.iter().find(|f| f.json_name == json);
        let data = field("data").filter(|f| f.required && !f.nullable)?;
        let TypeRef::Array(item) = &data.ty else { return None };
        let has_more = field("hasMore").filter(|f| f.ty == TypeRef::Boolean && f.required && !f.nullable)?;
        let next = field("nextCursor").filter(|f| f.ty == TypeRef::String)?;
        Some(Pagination {
            body: TypeRef::Named(*id),
            item: (**item).clone(),
            cursor_param,
            limit_param,
            data_field: data.name.clone(),
            has_more_field: has_more.name.clone(),
            next_cursor_field: next.name.clone(),
            next_cursor: CursorField::of(next.required, next.nullable),
        })
    }
}

fn is_event_stream(media: &str) -> bool {
    media.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("text/event-stream")
}

fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// A variant name for a success status: its reason phrase where it has a common one.
fn status_variant(status: Option<u16>) -> String {
    match status {
        Some(200) => "Ok".into(),
        Some(201) => "Created".into(),
        Some(202) => "Accepted".into(),
        Some(203) => "NonAuthoritativeInformation".into(),
        Some(204) => "NoContent".into(),
        Some(205) => "ResetContent".into(),
        Some(206) => "PartialContent".into(),
        Some(code) => format!("Status{code}"),
        None => "OtherSuccess".into(),
    }
}

/// One body for every success status, or an enum with a variant per status when they differ.
fn per_status(bodies: Vec<(Option<u16>, ResponseBody)>, builder: &str, builder_scope: &mut Scope) -> ResponseBody {
    let first = bodies[0].1.clone();
    if bodies.iter().all(|(_, b)| *b == first) {
        return first;
    }
    let mut variant_scope = Scope::default();
    let variants = bodies
        .into_iter()
        .map(|(status, body)| StatusResponse { variant: variant_scope.claim(&status_variant(status)), status, body })
        .collect();
    let enum_name = builder_scope.claim(&format!("{builder}Response"));
    ResponseBody::PerStatus { enum_name, variants }
}
