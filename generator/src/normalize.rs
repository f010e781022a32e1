//! Stage 2: rewrite an OpenAPI 3.0 or 3.1 document into the 3.0 shape `openapiv3` reads.
//!
//! `openapiv3` models OpenAPI 3.0 and either refuses 3.1 constructs (array-valued `type`,
//! numeric `exclusiveMinimum`) or drops them without a word (`const`, `examples`, keywords
//! written next to a `$ref`). Each rewrite here keeps the meaning in a 3.0 spelling:
//!
//! | 3.1 / JSON Schema                    | written as                                   |
//! |--------------------------------------|----------------------------------------------|
//! | `type: [X]`, `type: [X, "null"]`     | `type: X`, plus `nullable: true`             |
//! | `type: [integer, number]`            | `oneOf: [{type: integer}, {type: number}]`   |
//! | `type: "null"`                       | `nullable: true` on an untyped schema        |
//! | `oneOf/anyOf: [S, {type: "null"}]`   | `S` with `nullable: true`                    |
//! | `const: v`                           | `enum: [v]`                                  |
//! | `examples: [a, ...]`                 | `example: a`                                 |
//! | `exclusiveMinimum: n` (a number)     | `minimum: n, exclusiveMinimum: true`         |
//! | `$ref` with sibling keywords         | `allOf: [{$ref}]` carrying the siblings      |
//! | boolean schemas `true` / `false`     | `{}` / `{not: {}}`                           |
//!
//! Only places that hold schemas are rewritten; example values and extensions are data and
//! are left alone.
//!
//! It also accepts, with a warning, what the specification does not allow but vendors
//! publish and the widely used tools read: an operation without `responses` (allowed in 3.1),
//! a response without `description`, `discriminator` written as a string, an empty (null)
//! section, non-string server variables, integer bounds beyond 64 bits. Security schemes the
//! client cannot apply itself are rewritten or dropped with a warning saying how to configure
//! them through the client builder.

use serde_json::{json, Map, Value};

use crate::diagnostics::{kind_of, pointer_push, Diagnostics, Error};

/// Schemas nested deeper than this are refused rather than risking the stack later on.
const MAX_SCHEMA_DEPTH: usize = 96;

/// Keywords that describe a referenced schema without changing its shape.
const ANNOTATIONS: [&str; 9] =
    ["description", "title", "default", "nullable", "example", "readOnly", "writeOnly", "deprecated", "discriminator"];

/// Checks the version and rewrites `doc` in place.
pub fn normalize(doc: &mut Value, diags: &mut Diagnostics) -> Result<(), Error> {
    let root = doc.as_object_mut().ok_or_else(|| Error::document("the document is not a mapping"))?;
    check_version(root, diags)?;
    let v31 = root.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.1"));
    root.insert("openapi".into(), Value::String("3.0.3".into()));
    for key in ["paths", "components", "servers", "tags", "security", "webhooks"] {
        drop_null(root, key, "", diags);
    }
    servers(root, diags);
    if !root.get("info").is_some_and(Value::is_object) {
        diags.warn("", "the document has no `info`; using an empty title and version");
        root.insert("info".into(), json!({"title": "", "version": ""}));
    }
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        for key in ["title", "version"] {
            match info.get(key) {
                Some(Value::String(_)) => {}
                Some(v @ (Value::Number(_) | Value::Bool(_))) => {
                    let text = v.to_string();
                    info.insert(key.into(), Value::String(text));
                }
                _ => {
                    diags.warn(
                        pointer_push("/info", key),
                        format!("`info` must have a `{key}` (a string); read as empty"),
                    );
                    info.insert(key.into(), Value::String(String::new()));
                }
            }
        }
    }
    let paths = root.entry("paths").or_insert_with(|| json!({}));
    if let Some(paths) = paths.as_object_mut() {
        for (path, item) in paths.iter_mut() {
            path_item(item, &pointer_push("/paths", path), v31, diags)?;
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        let keys: Vec<String> = components.keys().cloned().collect();
        for key in keys {
            drop_null(components, &key, "/components", diags);
        }
        security_schemes(components, diags);
        for_each_entry(components, "schemas", "/components", |v, p| schema(v, p, 0, diags))?;
        for_each_entry(components, "parameters", "/components", |v, p| parameter(v, p, diags))?;
        for_each_entry(components, "requestBodies", "/components", |v, p| content_holder(v, p, diags))?;
        for_each_entry(components, "responses", "/components", |v, p| response(v, p, diags))?;
        for_each_entry(components, "headers", "/components", |v, p| parameter(v, p, diags))?;
    }
    Ok(())
}

fn check_version(root: &mut Map<String, Value>, diags: &mut Diagnostics) -> Result<(), Error> {
    // `openapi: 3.0` unquoted is a YAML number.
    if let Some(n) = root.get("openapi").and_then(Value::as_f64).filter(|n| *n == 3.0 || *n == 3.1) {
        diags.warn("/openapi", "the version must be a string (`'3.0.3'`); the number is read as that version");
        root.insert("openapi".into(), Value::String(format!("{n:.1}")));
    }
    if let Some(swagger) = root.get("swagger") {
        return Err(Error::at(
            "/swagger",
            format!(
                "this is a Swagger {} document; only OpenAPI 3.0 and 3.1 are read. Convert it first \
                 (for example with swagger2openapi) and generate from the result",
                swagger.as_str().unwrap_or("2.0")
            ),
        ));
    }
    match root.get("openapi") {
        None => Err(Error::document("no `openapi` version field; this does not look like an OpenAPI document")),
        Some(Value::String(v)) if v.starts_with("3.0.") || v == "3.0" || v.starts_with("3.1.") || v == "3.1" => Ok(()),
        Some(other) => Err(Error::at(
            "/openapi",
            format!("OpenAPI version {other} is not supported; this generator reads 3.0.x and 3.1.x"),
        )),
    }
}

fn for_each_entry(
    parent: &mut Map<String, Value>,
    key: &str,
    base: &str,
    mut f: impl FnMut(&mut Value, &str) -> Result<(), Error>,
) -> Result<(), Error> {
    let here = pointer_push(base, key);
    if let Some(map) = parent.get_mut(key).and_then(Value::as_object_mut) {
        for (name, v) in map.iter_mut() {
            f(v, &pointer_push(&here, name))?;
        }
    }
    Ok(())
}

fn path_item(item: &mut Value, ptr: &str, v31: bool, diags: &mut Diagnostics) -> Result<(), Error> {
    let Some(item) = item.as_object_mut() else { return Ok(()) };
    drop_null(item, "parameters", ptr, diags);
    parameter_list(item, ptr, diags)?;
    for method in crate::model::HttpMethod::ALL.map(crate::model::HttpMethod::as_str) {
        let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else { continue };
        let op_ptr = pointer_push(ptr, method);
        for key in ["parameters", "tags", "security", "callbacks", "servers", "requestBody"] {
            drop_null(op, key, &op_ptr, diags);
        }
        if op.get("responses").is_none_or(Value::is_null) {
            // 3.1 made `responses` optional; 3.0 requires it, but tools read it as "none".
            if !v31 {
                diags.warn(
                    &op_ptr,
                    "the operation has no `responses`, which OpenAPI 3.0 requires (3.1 does not); \
                     read as describing none, so its result is `()`",
                );
            }
            op.insert("responses".into(), json!({}));
        }
        parameter_list(op, &op_ptr, diags)?;
        if let Some(body) = op.get_mut("requestBody") {
            content_holder(body, &pointer_push(&op_ptr, "requestBody"), diags)?;
        }
        for_each_entry(op, "responses", &op_ptr, |v, p| response(v, p, diags))?;
    }
    Ok(())
}

fn parameter_list(holder: &mut Map<String, Value>, ptr: &str, diags: &mut Diagnostics) -> Result<(), Error> {
    if let Some(list) = holder.get_mut("parameters").and_then(Value::as_array_mut) {
        let here = pointer_push(ptr, "parameters");
        let mut keep = Vec::with_capacity(list.len());
        for (i, p) in list.iter_mut().enumerate() {
            let p_ptr = pointer_push(&here, &i.to_string());
            keep.push(usable_parameter(p, &p_ptr, diags));
            parameter(p, &p_ptr, diags)?;
        }
        let mut keep = keep.into_iter();
        list.retain(|_| keep.next().unwrap_or(true));
    }
    Ok(())
}

/// A parameter `openapiv3` can read: a `$ref`, or a `name` and an `in` the specification
/// knows. Others (Swagger's `in: body`, a nameless entry) are dropped with a warning.
fn usable_parameter(p: &Value, ptr: &str, diags: &mut Diagnostics) -> bool {
    let Some(obj) = p.as_object() else {
        diags.warn(ptr, "a parameter must be an object; ignored");
        return false;
    };
    if obj.contains_key("$ref") {
        return true;
    }
    let place = obj.get("in").and_then(Value::as_str);
    if !matches!(place, Some("query" | "header" | "path" | "cookie")) {
        let shown = place.map_or_else(|| "missing".to_owned(), |p| format!("`{p}`"));
        diags.warn(
            ptr,
            format!("a parameter's `in` must be query, header, path or cookie ({shown} here; a request body goes in `requestBody`); the parameter is ignored"),
        );
        return false;
    }
    if !obj.get("name").is_some_and(Value::is_string) {
        diags.warn(ptr, "a parameter must have a `name` (a string); ignored");
        return false;
    }
    true
}

/// A parameter or a header: a `schema` or a `content` map.
fn parameter(p: &mut Value, ptr: &str, diags: &mut Diagnostics) -> Result<(), Error> {
    if let Some(p) = p.as_object_mut() {
        if let Some(s) = p.get_mut("schema") {
            schema(s, &pointer_push(ptr, "schema"), 0, diags)?;
        }
    }
    content_holder(p, ptr, diags)
}

fn response(r: &mut Value, ptr: &str, diags: &mut Diagnostics) -> Result<(), Error> {
    if let Some(obj) = r.as_object_mut() {
        if !obj.contains_key("$ref") && !obj.get("description").is_some_and(Value::is_string) {
            diags.warn(ptr, "a response must have a `description` (a string); read as an empty one");
            obj.insert("description".into(), Value::String(String::new()));
        }
        for key in ["headers", "content", "links"] {
            drop_null(obj, key, ptr, diags);
        }
        for_each_entry(obj, "headers", ptr, |v, p| parameter(v, p, diags))?;
    }
    content_holder(r, ptr, diags)
}

/// A request body, response or parameter: whatever sits under `content/*/schema`.
fn content_holder(v: &mut Value, ptr: &str, diags: &mut Diagnostics) -> Result<(), Error> {
    let Some(obj) = v.as_object_mut() else { return Ok(()) };
    let content_ptr = pointer_push(ptr, "content");
    if let Some(content) = obj.get_mut("content").and_then(Value::as_object_mut) {
        for (media, m) in content.iter_mut() {
            let media_ptr = pointer_push(&content_ptr, media);
            if let Some(s) = m.get_mut("schema") {
                schema(s, &pointer_push(&media_ptr, "schema"), 0, diags)?;
            }
        }
    }
    Ok(())
}

fn schema(v: &mut Value, ptr: &str, depth: usize, diags: &mut Diagnostics) -> Result<(), Error> {
    if depth > MAX_SCHEMA_DEPTH {
        return Err(Error::at(ptr, format!("schemas are nested more than {MAX_SCHEMA_DEPTH} deep")));
    }
    match v {
        Value::Bool(true) => {
            *v = json!({});
            return Ok(());
        }
        Value::Bool(false) => {
            *v = json!({"not": {}});
            return Ok(());
        }
        Value::Object(_) => {}
        other => {
            return Err(Error::at(ptr, format!("expected a schema object, found {}", kind_of(other))));
        }
    }
    let Value::Object(obj) = v else { return Ok(()) };
    tolerate_defects(obj, ptr, diags);
    subschemas(obj, ptr, depth, diags)?;
    type_arrays(obj, ptr, diags);
    rewrite_3_1_keywords(obj);
    null_alternatives(obj);
    ref_siblings(obj, ptr, diags);
    Ok(())
}

/// What vendors publish though the specification forbids it, read on with a warning: null
/// keywords, a `required` or `enum` that is not a list, string discriminators, integer
/// bounds beyond 64 bits.
fn tolerate_defects(obj: &mut Map<String, Value>, ptr: &str, diags: &mut Diagnostics) {
    for key in ["properties", "required", "enum", "allOf", "anyOf", "oneOf", "items", "discriminator"] {
        drop_null(obj, key, ptr, diags);
    }
    // `required: true` on a property (a Swagger habit) is not a list of names; `validate` has
    // warned about that already, a list with other things than names is warned about here.
    let required = obj.get("required");
    if required.is_some_and(|r| r.as_array().is_some_and(|a| a.iter().any(|n| !n.is_string()))) {
        diags.warn(pointer_push(ptr, "required"), "`required` in a schema must be a list of property names; ignored");
    }
    if required.is_some_and(|r| !r.is_array() || r.as_array().is_some_and(|a| a.iter().any(|n| !n.is_string()))) {
        obj.remove("required");
    }
    if obj.get("enum").is_some_and(|e| !e.is_array()) {
        diags.warn(pointer_push(ptr, "enum"), "`enum` must be a list; ignored");
        obj.remove("enum");
    }
    discriminator(obj, ptr, diags);
    integer_bounds(obj, ptr, diags);
}

/// Normalizes every schema nested in this one.
fn subschemas(obj: &mut Map<String, Value>, ptr: &str, depth: usize, diags: &mut Diagnostics) -> Result<(), Error> {
    for key in ["properties", "patternProperties", "$defs", "definitions"] {
        let here = pointer_push(ptr, key);
        if let Some(map) = obj.get_mut(key).and_then(Value::as_object_mut) {
            for (name, s) in map.iter_mut() {
                schema(s, &pointer_push(&here, name), depth + 1, diags)?;
            }
        }
    }
    for key in ["items", "not", "contains", "propertyNames", "if", "then", "else"] {
        if let Some(s) = obj.get_mut(key) {
            if key == "items" && s.is_array() {
                diags.warn(pointer_push(ptr, key), "tuple-style `items` (a list) is read as an array of any value");
                *s = json!({});
                continue;
            }
            schema(s, &pointer_push(ptr, key), depth + 1, diags)?;
        }
    }
    if let Some(s) = obj.get_mut("additionalProperties") {
        if !s.is_boolean() {
            schema(s, &pointer_push(ptr, "additionalProperties"), depth + 1, diags)?;
        }
    }
    if obj.remove("prefixItems").is_some() {
        diags.warn(ptr, "`prefixItems` (tuples) is not supported; the array's items are read as any value");
        obj.insert("items".into(), json!({}));
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        let here = pointer_push(ptr, key);
        match obj.get_mut(key) {
            Some(Value::Array(list)) => {
                for (i, s) in list.iter_mut().enumerate() {
                    schema(s, &pointer_push(&here, &i.to_string()), depth + 1, diags)?;
                }
            }
            Some(other) => {
                return Err(Error::at(here, format!("expected a list of schemas, found {}", kind_of(other))))
            }
            None => {}
        }
    }
    Ok(())
}

/// 3.1 keywords in their 3.0 spelling: `const` as a one-value `enum`, the first of `examples`
/// as `example`, numeric `exclusiveMinimum`/`exclusiveMaximum` as a bound plus a flag.
fn rewrite_3_1_keywords(obj: &mut Map<String, Value>) {
    if let Some(c) = obj.remove("const") {
        if !obj.contains_key("enum") {
            obj.insert("enum".into(), Value::Array(vec![c]));
        }
    }
    if let Some(examples) = obj.remove("examples") {
        if let (false, Some(first)) = (obj.contains_key("example"), examples.as_array().and_then(|a| a.first())) {
            obj.insert("example".into(), first.clone());
        }
    }
    for (key, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(n) = obj.get(key).filter(|n| n.is_number()).cloned() {
            obj.insert(bound.into(), n);
            obj.insert(key.into(), Value::Bool(true));
        }
    }
}

/// Removes `key` when its value is null (`headers:` with nothing after it), which the
/// specification does not allow for any keyword here, with a warning.
fn drop_null(obj: &mut Map<String, Value>, key: &str, ptr: &str, diags: &mut Diagnostics) {
    if obj.get(key).is_some_and(Value::is_null) {
        obj.remove(key);
        diags.warn(
            pointer_push(ptr, key),
            format!("`{key}` is empty (null), which the specification does not allow; read as absent"),
        );
    }
}

/// `discriminator: petType` (a string) for `discriminator: {propertyName: petType}`.
fn discriminator(obj: &mut Map<String, Value>, ptr: &str, diags: &mut Diagnostics) {
    let here = pointer_push(ptr, "discriminator");
    match obj.get("discriminator") {
        Some(Value::String(name)) => {
            diags.warn(
                &here,
                format!("`discriminator` must be an object with `propertyName`; read as `{{propertyName: {name}}}`"),
            );
            let name = name.clone();
            obj.insert("discriminator".into(), json!({ "propertyName": name }));
        }
        Some(Value::Object(d))
            if d.get("propertyName").is_some_and(Value::is_string)
                && d.get("mapping")
                    .is_some_and(|m| m.as_object().is_none_or(|m| m.values().any(|v| !v.is_string()))) =>
        {
            diags.warn(pointer_push(&here, "mapping"), "`mapping` must map names to strings; ignored");
            if let Some(Value::Object(d)) = obj.get_mut("discriminator") {
                d.remove("mapping");
            }
        }
        Some(Value::Object(d)) if d.get("propertyName").is_some_and(Value::is_string) => {}
        Some(_) => {
            diags.warn(&here, "`discriminator` must be an object with a string `propertyName`; ignored");
            obj.remove("discriminator");
        }
        None => {}
    }
}

/// Keywords whose value must be a non-negative integer (`openapiv3` reads them as `usize`).
const COUNTS: [&str; 6] = ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"];

/// Integer-schema bounds and counts that do not fit the 64-bit integers `openapiv3` reads
/// (`minimum: -9223372036854776000`) are dropped with a warning: they limit values, they do not
/// decide the generated type. Integral floats (`maximum: 10.0`) are read as integers.
fn integer_bounds(obj: &mut Map<String, Value>, ptr: &str, diags: &mut Diagnostics) {
    let integer = obj.get("type").and_then(Value::as_str) == Some("integer");
    let bounds: &[&str] = if integer { &["minimum", "maximum", "multipleOf"] } else { &[] };
    for key in bounds.iter().chain(COUNTS.iter()) {
        let Some(Value::Number(n)) = obj.get(*key) else { continue };
        let signed = !COUNTS.contains(key);
        let fits = if signed { n.is_i64() || n.is_u64() && n.as_i64().is_some() } else { n.is_u64() };
        if fits {
            continue;
        }
        let f = n.as_f64().unwrap_or(f64::NAN);
        let integral = f.fract() == 0.0 && f.abs() < 9.0e15 && (signed || f >= 0.0);
        if integral {
            obj.insert((*key).to_owned(), json!(f as i64));
        } else {
            diags.warn(
                pointer_push(ptr, key),
                format!("`{key}: {n}` is not a 64-bit {}; ignored", if signed { "integer" } else { "count" }),
            );
            obj.remove(*key);
        }
    }
}

/// Server variables must be strings; numbers (`port: {default: 8080}`) are read as text.
fn servers(root: &mut Map<String, Value>, diags: &mut Diagnostics) {
    let Some(Value::Array(list)) = root.get_mut("servers") else { return };
    for (i, server) in list.iter_mut().enumerate() {
        let Some(vars) = server.get_mut("variables").and_then(Value::as_object_mut) else { continue };
        for (name, var) in vars.iter_mut() {
            let here = pointer_push(&format!("/servers/{i}/variables"), name);
            let Some(var) = var.as_object_mut() else { continue };
            let mut changed = false;
            if let Some(d) = var.get_mut("default") {
                changed |= stringify(d);
            }
            if let Some(Value::Array(values)) = var.get_mut("enum") {
                for v in values.iter_mut() {
                    changed |= stringify(v);
                }
            }
            if !var.get("default").is_some_and(Value::is_string) {
                var.insert("default".into(), Value::String(String::new()));
                diags.warn(&here, "a server variable needs a `default`; read as empty");
            }
            if changed {
                diags.warn(&here, "server variable values must be strings; numbers and booleans are read as text");
            }
        }
    }
}

fn stringify(v: &mut Value) -> bool {
    match v {
        Value::Number(n) => *v = Value::String(n.to_string()),
        Value::Bool(b) => *v = Value::String(b.to_string()),
        _ => return false,
    }
    true
}

/// Security schemes the client cannot apply itself. OAuth2 and OpenID Connect become a bearer
/// token the caller obtains and supplies; mutual TLS and unknown kinds are dropped; each with
/// a warning that says how to configure it through the client builder.
fn security_schemes(components: &mut Map<String, Value>, diags: &mut Diagnostics) {
    let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") else { return };
    let mut drop = Vec::new();
    for (name, scheme) in schemes.iter_mut() {
        let ptr = pointer_push("/components/securitySchemes", name);
        let Some(obj) = scheme.as_object_mut() else {
            diags.warn(&ptr, "a security scheme must be an object; ignored");
            drop.push(name.clone());
            continue;
        };
        if obj.contains_key("$ref") {
            continue;
        }
        let kind = obj.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
        let field = |k: &str| obj.get(k).is_some_and(Value::is_string);
        match kind.as_str() {
            "apiKey"
                if field("name")
                    && matches!(obj.get("in").and_then(Value::as_str), Some("header" | "query" | "cookie")) => {}
            "http" if field("scheme") => {}
            "oauth2" | "openIdConnect" => {
                diags.warn(
                    &ptr,
                    format!(
                        "the client does not run {} flows itself; it sends `Authorization: Bearer <token>` with a \
                         token you obtain and give to `Client::builder().api_key(token)` (or the API key \
                         environment variable)",
                        if kind == "oauth2" { "OAuth2" } else { "OpenID Connect" }
                    ),
                );
                let description = obj.get("description").cloned();
                let mut bearer = json!({"type": "http", "scheme": "bearer", "x-openapi-rust-gen-from": kind});
                if let (Some(d), Some(b)) = (description.filter(Value::is_string), bearer.as_object_mut()) {
                    b.insert("description".into(), d);
                }
                *scheme = bearer;
            }
            "mutualTLS" => {
                diags.warn(
                    &ptr,
                    "mutual TLS is not applied by the client; build a `reqwest::Client` with your certificate \
                     (`reqwest::ClientBuilder::identity`) and give it to `Client::builder().http_client(...)`",
                );
                drop.push(name.clone());
            }
            _ => {
                diags.warn(
                    &ptr,
                    format!(
                        "security scheme of type `{kind}` is unknown or lacks fields the specification requires; \
                         it is not applied: configure it on a `reqwest::Client` given to \
                         `Client::builder().http_client(...)`"
                    ),
                );
                drop.push(name.clone());
            }
        }
    }
    for name in drop {
        schemes.shift_remove(&name);
    }
}

/// `type: [..]` and `type: "null"` to a single 3.0 type plus `nullable`.
fn type_arrays(obj: &mut Map<String, Value>, ptr: &str, diags: &mut Diagnostics) {
    let types: Vec<String> = match obj.get("type") {
        Some(Value::Array(list)) => list.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect(),
        Some(Value::String(s)) if s == "null" => vec![s.clone()],
        _ => return,
    };
    let mut non_null: Vec<String> = types.iter().filter(|t| *t != "null").cloned().collect();
    non_null.dedup();
    if non_null.len() < types.len() {
        obj.insert("nullable".into(), Value::Bool(true));
    }
    if non_null.len() == 2 && non_null.contains(&"integer".to_owned()) && non_null.contains(&"number".to_owned()) {
        // Integers are numbers, but a Rust float would turn `7` into `7.0` and round large
        // integers: a union whose integer variant is tried first keeps both exactly.
        obj.remove("type");
        let int_format =
            obj.get("format").and_then(Value::as_str).is_some_and(|f| f.starts_with("int") || f.starts_with("uint"));
        let format = if int_format { obj.remove("format") } else { None };
        let mut integer = Map::new();
        integer.insert("type".into(), Value::String("integer".into()));
        if let Some(format) = format {
            integer.insert("format".into(), format);
        }
        let number = Value::Object(Map::from_iter([("type".to_owned(), Value::String("number".into()))]));
        obj.insert("oneOf".into(), Value::Array(vec![Value::Object(integer), number]));
        return;
    }
    match non_null.as_slice() {
        [] => {
            obj.remove("type");
        }
        [one] => {
            obj.insert("type".into(), Value::String(one.clone()));
        }
        many => {
            diags.warn(
                pointer_push(ptr, "type"),
                format!("a value of several types ({}) is read as any JSON value", many.join(", ")),
            );
            obj.remove("type");
        }
    }
}

/// Is this (already normalised) schema `{type: "null"}`, i.e. only `nullable: true`?
fn is_null_schema(s: &Value) -> bool {
    s.as_object().is_some_and(|o| {
        o.get("nullable") == Some(&Value::Bool(true))
            && o.keys().all(|k| k == "nullable" || k == "description" || k == "title")
    })
}

/// `oneOf: [S, {type: "null"}]` to `S` with `nullable: true`.
fn null_alternatives(obj: &mut Map<String, Value>) {
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(list)) = obj.get_mut(key) else { continue };
        let before = list.len();
        list.retain(|s| !is_null_schema(s));
        if list.len() == before {
            continue;
        }
        obj.insert("nullable".into(), Value::Bool(true));
        let Some(Value::Array(list)) = obj.get(key) else { continue };
        let structural = obj.keys().any(|k| k != key && !ANNOTATIONS.contains(&k.as_str()));
        if list.len() == 1 && !structural {
            let only = list[0].clone();
            obj.remove(key);
            let only = only.as_object().cloned().unwrap_or_default();
            if only.contains_key("$ref") {
                obj.insert("allOf".into(), Value::Array(vec![Value::Object(only)]));
            } else {
                for (k, v) in only {
                    // The outer schema's own annotations describe this use and win.
                    obj.entry(k).or_insert(v);
                }
            }
        } else if list.is_empty() {
            obj.remove(key);
        }
    }
}

/// `$ref` with siblings: 3.0 ignores them, so wrap the reference in `allOf`.
fn ref_siblings(obj: &mut Map<String, Value>, ptr: &str, diags: &mut Diagnostics) {
    let Some(reference) = obj.get("$ref").cloned() else { return };
    if obj.len() == 1 {
        return;
    }
    obj.remove("$ref");
    // A `type` next to a `$ref` only restates the target's type; `nullable` was already
    // taken from it by `type_arrays`.
    if let Some(t) = obj.remove("type") {
        if !t.is_string() {
            diags.warn(pointer_push(ptr, "type"), "ignored an unusual `type` written next to `$ref`");
        }
    }
    if obj.is_empty() {
        obj.insert("$ref".into(), reference);
        return;
    }
    let (annotations, structure): (Map<String, Value>, Map<String, Value>) =
        std::mem::take(obj).into_iter().partition(|(k, _)| ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"));
    let mut all_of = vec![json!({ "$ref": reference })];
    if !structure.is_empty() {
        all_of.push(Value::Object(structure));
    }
    *obj = annotations;
    obj.insert("allOf".into(), Value::Array(all_of));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm_schema(v: Value) -> Value {
        let mut v = v;
        let mut d = Diagnostics::default();
        schema(&mut v, "/x", 0, &mut d).unwrap();
        v
    }

    #[test]
    fn type_arrays_become_nullable() {
        assert_eq!(norm_schema(json!({"type": ["string", "null"]})), json!({"type": "string", "nullable": true}));
        assert_eq!(norm_schema(json!({"type": ["object"]})), json!({"type": "object"}));
    }

    #[test]
    fn three_nullable_spellings_agree() {
        let a = norm_schema(json!({"type": ["string", "null"], "format": "date-time"}));
        let b = norm_schema(json!({"type": "string", "nullable": true, "format": "date-time"}));
        let c = norm_schema(json!({"oneOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}));
        let key = |v: &Value| {
            let mut o = v.as_object().unwrap().clone();
            o.sort_keys();
            Value::Object(o)
        };
        assert_eq!(key(&a), key(&b));
        assert_eq!(key(&a), key(&c));
    }

    #[test]
    fn ref_with_siblings_is_wrapped() {
        let v = norm_schema(json!({"type": ["object", "null"], "$ref": "#/components/schemas/A", "description": "d"}));
        assert_eq!(v, json!({"nullable": true, "description": "d", "allOf": [{"$ref": "#/components/schemas/A"}]}));
        let v = norm_schema(json!({"type": ["object"], "$ref": "#/components/schemas/A"}));
        assert_eq!(v, json!({"$ref": "#/components/schemas/A"}));
    }

    #[test]
    fn const_examples_and_exclusive_bounds() {
        let v = norm_schema(json!({"const": "company", "examples": ["a", "b"]}));
        assert_eq!(v, json!({"enum": ["company"], "example": "a"}));
        let v = norm_schema(json!({"type": "number", "exclusiveMinimum": 0}));
        assert_eq!(v, json!({"type": "number", "exclusiveMinimum": true, "minimum": 0}));
    }

    #[test]
    fn versions_are_checked() {
        let mut d = Diagnostics::default();
        let err = normalize(&mut json!({"swagger": "2.0"}), &mut d).unwrap_err();
        assert!(err.message.contains("Swagger 2.0"), "{err}");
        let err = normalize(&mut json!({"openapi": "3.2.0"}), &mut d).unwrap_err();
        assert!(err.to_string().starts_with("#/openapi"), "{err}");
    }
}
