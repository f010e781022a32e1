//! Checks the document as written, before any rewriting, for the mistakes that would otherwise
//! pass silently or be reported far from where they are.
//!
//! - Unknown keywords (other than `x-` extensions) in schema, parameter, header, operation,
//!   path item, request body, media type and response objects are warnings, with a suggestion
//!   when a known keyword is close (`propertes` → `properties`). `openapiv3` would ignore them:
//!   a misspelt `properties` turns an object into a map of anything.
//! - Values `openapiv3` would misread or reject far from their place are errors, named by their
//!   own pointer: an unknown schema `type` (which would become "any value"), a parameter `in`
//!   that is not a location, a flag such as `required` that is not `true` or `false`.
//!
//! It reads the raw document (OpenAPI 3.0 or 3.1 spelling), so pointers are those of the text.

use serde_json::{Map, Value};

use crate::diagnostics::{pointer_push, Diagnostics, Error};
use crate::model::HttpMethod;

/// Schemas nested deeper than this are left to the later stages, which refuse them.
/// Parameter locations of Swagger 2.0 that OpenAPI 3 replaced by request bodies.
const SWAGGER_LOCATIONS: [&str; 2] = ["body", "formData"];

/// Keywords whose value maps names to schemas.
pub(crate) const SCHEMA_MAPS: [&str; 5] =
    ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];

/// Keywords whose value is a list of schemas.
pub(crate) const SCHEMA_LISTS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];

/// Keywords whose value is one schema.
pub(crate) const SINGLE_SUBSCHEMAS: [&str; 12] = [
    "items",
    "additionalItems",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "additionalProperties",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];

const MAX_DEPTH: usize = 128;

const SCHEMA_KEYWORDS: &[&str] = &[
    // JSON Schema core and applicators (2020-12, and the draft-04 spellings 3.0 uses).
    "$ref",
    "$id",
    "$schema",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$defs",
    "$comment",
    "$vocabulary",
    "definitions",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "prefixItems",
    "items",
    "additionalItems",
    "contains",
    "properties",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    // Validation.
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
    "dependencies",
    // Format, content and annotations.
    "format",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "title",
    "description",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "examples",
    "example",
    // OpenAPI's own.
    "nullable",
    "discriminator",
    "xml",
    "externalDocs",
];

const PARAMETER_KEYWORDS: &[&str] = &[
    "name",
    "in",
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
];
const HEADER_KEYWORDS: &[&str] = &[
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
];
const OPERATION_KEYWORDS: &[&str] = &[
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "callbacks",
    "deprecated",
    "security",
    "servers",
];
const PATH_ITEM_KEYWORDS: &[&str] = &[
    "$ref",
    "summary",
    "description",
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "servers",
    "parameters",
];
const RESPONSE_KEYWORDS: &[&str] = &["description", "headers", "content", "links"];
const REQUEST_BODY_KEYWORDS: &[&str] = &["description", "content", "required"];
const MEDIA_TYPE_KEYWORDS: &[&str] = &["schema", "example", "examples", "encoding"];

const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object", "null"];
const PARAMETER_LOCATIONS: &[&str] = &["query", "header", "path", "cookie"];

/// Checks `doc`, the document as loaded; warnings go to `diags`, the first error is returned.
pub fn validate(doc: &Value, diags: &mut Diagnostics) -> Result<(), Error> {
    let Some(root) = doc.as_object() else { return Ok(()) };
    let mut v = Validator { diags };
    if let Some(paths) = root.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            if !path.starts_with("x-") {
                v.path_item(item, &pointer_push("/paths", path))?;
            }
        }
    }
    let Some(components) = root.get("components").and_then(Value::as_object) else { return Ok(()) };
    let each = |key: &str| {
        let base = pointer_push("/components", key);
        components
            .get(key)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(move |(name, value)| (value, pointer_push(&base, name)))
    };
    for (s, ptr) in each("schemas") {
        v.schema(s, &ptr, 0)?;
    }
    for (p, ptr) in each("parameters") {
        v.parameter(p, &ptr, PARAMETER_KEYWORDS, "parameter")?;
    }
    for (h, ptr) in each("headers") {
        v.parameter(h, &ptr, HEADER_KEYWORDS, "header")?;
    }
    for (r, ptr) in each("responses") {
        v.response(r, &ptr)?;
    }
    for (b, ptr) in each("requestBodies") {
        v.request_body(b, &ptr)?;
    }
    for (item, ptr) in each("pathItems") {
        v.path_item(item, &ptr)?;
    }
    Ok(())
}

/// The known word closest to `word`, if it is close enough to be a likely misspelling.
pub fn suggest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, &k.to_lowercase()), *k))
        .filter(|(d, k)| *d <= (k.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn did_you_mean(word: &str, known: &[&str]) -> String {
    suggest(word, known).map(|k| format!(" (did you mean \"{k}\"?)")).unwrap_or_default()
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

fn one_of(known: &[&str]) -> String {
    match known {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

struct Validator<'d> {
    diags: &'d mut Diagnostics,
}

impl Validator<'_> {
    /// Warns about each key of `obj` that is neither in `known` nor an `x-` extension.
    fn keywords(&mut self, obj: &Map<String, Value>, ptr: &str, known: &[&str], what: &str) {
        for key in obj.keys() {
            if key.starts_with("x-") || known.contains(&key.as_str()) {
                continue;
            }
            self.diags.warn(
                pointer_push(ptr, key),
                format!("unknown keyword `{key}` in {what}; it is ignored{}", did_you_mean(key, known)),
            );
        }
    }

    /// An error unless the value of `key` in `obj`, when present, is `true` or `false`.
    fn flag(obj: &Map<String, Value>, ptr: &str, key: &str) -> Result<(), Error> {
        match obj.get(key) {
            None | Some(Value::Bool(_)) => Ok(()),
            Some(other) => {
                let hint = other.as_str().map(|s| did_you_mean(s, &["true", "false"])).unwrap_or_default();
                Err(Error::at(
                    pointer_push(ptr, key),
                    format!("`{key}` must be true or false, not {}{hint}", describe(other)),
                ))
            }
        }
    }

    fn path_item(&mut self, item: &Value, ptr: &str) -> Result<(), Error> {
        let Some(item) = item.as_object() else { return Ok(()) };
        if item.contains_key("$ref") {
            return Ok(());
        }
        self.keywords(item, ptr, PATH_ITEM_KEYWORDS, "a path item");
        self.parameter_list(item, ptr)?;
        for method in HttpMethod::ALL.map(HttpMethod::as_str) {
            if let Some(op) = item.get(method).and_then(Value::as_object) {
                self.operation(op, &pointer_push(ptr, method))?;
            }
        }
        Ok(())
    }

    fn operation(&mut self, op: &Map<String, Value>, ptr: &str) -> Result<(), Error> {
        self.keywords(op, ptr, OPERATION_KEYWORDS, "an operation");
        Self::flag(op, ptr, "deprecated")?;
        self.parameter_list(op, ptr)?;
        if let Some(body) = op.get("requestBody") {
            self.request_body(body, &pointer_push(ptr, "requestBody"))?;
        }
        if let Some(responses) = op.get("responses").and_then(Value::as_object) {
            let here = pointer_push(ptr, "responses");
            for (code, r) in responses {
                let is_status = code == "default"
                    || (code.len() == 3
                        && code.starts_with(['1', '2', '3', '4', '5'])
                        && code[1..].chars().all(|c| c.is_ascii_digit() || c == 'X' || c == 'x'));
                if code.starts_with("x-") {
                    continue;
                }
                if !is_status {
                    self.diags.warn(
                        pointer_push(&here, code),
                        format!(
                            "`{code}` is not a status code (such as 200, 4XX or default); this entry is ignored{}",
                            did_you_mean(code, &["default"])
                        ),
                    );
                    continue;
                }
                self.response(r, &pointer_push(&here, code))?;
            }
        }
        Ok(())
    }

    fn parameter_list(&mut self, holder: &Map<String, Value>, ptr: &str) -> Result<(), Error> {
        if let Some(list) = holder.get("parameters").and_then(Value::as_array) {
            let here = pointer_push(ptr, "parameters");
            for (i, p) in list.iter().enumerate() {
                self.parameter(p, &pointer_push(&here, &i.to_string()), PARAMETER_KEYWORDS, "a parameter")?;
            }
        }
        Ok(())
    }

    /// A parameter (or, with `HEADER_KEYWORDS`, a header: a parameter without `name` and `in`).
    fn parameter(&mut self, p: &Value, ptr: &str, known: &[&str], what: &str) -> Result<(), Error> {
        let Some(obj) = p.as_object() else { return Ok(()) };
        if obj.contains_key("$ref") {
            return Ok(());
        }
        self.keywords(obj, ptr, known, what);
        if known.contains(&"in") {
            match obj.get("in") {
                Some(Value::String(s)) if PARAMETER_LOCATIONS.contains(&s.as_str()) => {}
                // Swagger 2.0's locations, left in specs converted by hand: not a typo, so
                // `normalize` reads the document on and warns that the parameter is left out.
                Some(Value::String(s)) if SWAGGER_LOCATIONS.contains(&s.as_str()) => return Ok(()),
                Some(Value::String(s)) => {
                    return Err(Error::at(
                        pointer_push(ptr, "in"),
                        format!(
                            "`{s}` is not a parameter location; `in` is one of {}{}",
                            one_of(PARAMETER_LOCATIONS),
                            did_you_mean(s, PARAMETER_LOCATIONS)
                        ),
                    ))
                }
                Some(other) => {
                    return Err(Error::at(
                        pointer_push(ptr, "in"),
                        format!("`in` must be one of {}, not {}", one_of(PARAMETER_LOCATIONS), describe(other)),
                    ))
                }
                None => return Err(Error::at(ptr, "the parameter has no `in` (query, header, path or cookie)")),
            }
            match obj.get("name") {
                Some(Value::String(_)) => {}
                Some(other) => {
                    return Err(Error::at(
                        pointer_push(ptr, "name"),
                        format!("a parameter's `name` must be a string, not {}", describe(other)),
                    ))
                }
                // `normalize` leaves a nameless parameter out with a warning.
                None => {}
            }
        }
        for key in ["required", "deprecated", "allowEmptyValue", "explode", "allowReserved"] {
            Self::flag(obj, ptr, key)?;
        }
        if let Some(s) = obj.get("schema") {
            self.schema(s, &pointer_push(ptr, "schema"), 0)?;
        }
        self.content(obj, ptr)
    }

    fn request_body(&mut self, body: &Value, ptr: &str) -> Result<(), Error> {
        let Some(obj) = body.as_object() else { return Ok(()) };
        if obj.contains_key("$ref") {
            return Ok(());
        }
        self.keywords(obj, ptr, REQUEST_BODY_KEYWORDS, "a request body");
        Self::flag(obj, ptr, "required")?;
        self.content(obj, ptr)
    }

    fn response(&mut self, r: &Value, ptr: &str) -> Result<(), Error> {
        let Some(obj) = r.as_object() else { return Ok(()) };
        if obj.contains_key("$ref") {
            return Ok(());
        }
        self.keywords(obj, ptr, RESPONSE_KEYWORDS, "a response");
        if let Some(headers) = obj.get("headers").and_then(Value::as_object) {
            let here = pointer_push(ptr, "headers");
            for (name, h) in headers {
                self.parameter(h, &pointer_push(&here, name), HEADER_KEYWORDS, "a header")?;
            }
        }
        self.content(obj, ptr)
    }

    /// The media types under `content`, and their schemas.
    fn content(&mut self, holder: &Map<String, Value>, ptr: &str) -> Result<(), Error> {
        let Some(content) = holder.get("content").and_then(Value::as_object) else { return Ok(()) };
        let here = pointer_push(ptr, "content");
        for (media, m) in content {
            let media_ptr = pointer_push(&here, media);
            let Some(m) = m.as_object() else { continue };
            self.keywords(m, &media_ptr, MEDIA_TYPE_KEYWORDS, "a media type");
            if let Some(s) = m.get("schema") {
                self.schema(s, &pointer_push(&media_ptr, "schema"), 0)?;
            }
        }
        Ok(())
    }

    fn schema(&mut self, s: &Value, ptr: &str, depth: usize) -> Result<(), Error> {
        let Some(obj) = s.as_object() else { return Ok(()) };
        if depth > MAX_DEPTH {
            return Ok(());
        }
        self.keywords(obj, ptr, SCHEMA_KEYWORDS, "a schema");
        Self::schema_type(obj, ptr)?;
        for key in ["nullable", "readOnly", "writeOnly", "deprecated", "uniqueItems"] {
            Self::flag(obj, ptr, key)?;
        }
        if let Some(other) = obj.get("required").filter(|r| !r.is_array()) {
            // Read on, as the widely used tools do: `normalize` drops it.
            self.diags.warn(
                pointer_push(ptr, "required"),
                format!(
                    "a schema's `required` is the list of its required property names, not {}; it is ignored \
                     (to make a property required, list its name in `required` of the object that holds it)",
                    describe(other)
                ),
            );
        }
        self.subschemas(obj, ptr, depth)
    }

    /// `type`: a known type name, or a list of them.
    fn schema_type(obj: &Map<String, Value>, ptr: &str) -> Result<(), Error> {
        let here = pointer_push(ptr, "type");
        match obj.get("type") {
            None => Ok(()),
            Some(Value::String(t)) => Self::type_name(t, &here),
            Some(Value::Array(list)) => list.iter().enumerate().try_for_each(|(i, t)| match t {
                Value::String(t) => Self::type_name(t, &pointer_push(&here, &i.to_string())),
                other => Err(Error::at(
                    pointer_push(&here, &i.to_string()),
                    format!("a type is a name such as string or object, not {}", describe(other)),
                )),
            }),
            Some(other) => {
                Err(Error::at(here, format!("`type` must be a type name or a list of them, not {}", describe(other))))
            }
        }
    }

    /// Every schema nested in this one: in maps of named schemas, single keywords and lists.
    fn subschemas(&mut self, obj: &Map<String, Value>, ptr: &str, depth: usize) -> Result<(), Error> {
        for key in SCHEMA_MAPS {
            match obj.get(key) {
                Some(Value::Object(map)) => {
                    let here = pointer_push(ptr, key);
                    for (name, sub) in map {
                        self.schema(sub, &pointer_push(&here, name), depth + 1)?;
                    }
                }
                None => {}
                Some(other) => {
                    return Err(Error::at(
                        pointer_push(ptr, key),
                        format!("`{key}` must be a mapping from names to schemas, not {}", describe(other)),
                    ))
                }
            }
        }
        for key in SINGLE_SUBSCHEMAS {
            if let Some(sub) = obj.get(key) {
                self.schema(sub, &pointer_push(ptr, key), depth + 1)?;
            }
        }
        for key in SCHEMA_LISTS {
            if let Some(Value::Array(list)) = obj.get(key) {
                let here = pointer_push(ptr, key);
                for (i, sub) in list.iter().enumerate() {
                    self.schema(sub, &pointer_push(&here, &i.to_string()), depth + 1)?;
                }
            }
        }
        Ok(())
    }

    fn type_name(t: &str, ptr: &str) -> Result<(), Error> {
        if TYPES.contains(&t) {
            return Ok(());
        }
        Err(Error::at(ptr, format!("unknown type `{t}`; a type is one of {}{}", one_of(TYPES), did_you_mean(t, TYPES))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(doc: Value) -> (Result<(), Error>, Vec<String>) {
        let mut d = Diagnostics::default();
        let r = validate(&doc, &mut d);
        (r, d.into_warnings().iter().map(ToString::to_string).collect())
    }

    fn with_operation(op: Value) -> Value {
        json!({"openapi": "3.1.0", "paths": {"/a": {"get": op}}})
    }

    #[test]
    fn misspelt_schema_keywords_are_warnings_with_a_suggestion() {
        let (r, w) = check(json!({"components": {"schemas": {
            "A": {"type": "object", "propertes": {"b": {"type": "string", "descripton": "x", "x-ok": 1}}}
        }}}));
        assert!(r.is_ok());
        assert_eq!(
            w,
            ["warning: #/components/schemas/A/propertes: unknown keyword `propertes` in a schema; it is ignored \
                 (did you mean \"properties\"?)"],
            "the misspelt map is not walked into, so only one warning"
        );
        let (_, w) = check(json!({"components": {"schemas": {"A": {"properties": {"b": {"descripton": "x"}}}}}}));
        assert!(w[0].contains("#/components/schemas/A/properties/b/descripton") && w[0].contains("\"description\""));
        let (_, w) = check(json!({"components": {"schemas": {"A": {"frobnicate": 1}}}}));
        assert!(w[0].contains("`frobnicate`") && !w[0].contains("did you mean"), "{w:?}");
    }

    #[test]
    fn unknown_types_are_errors_at_their_own_pointer() {
        let (r, _) = check(json!({"components": {"schemas": {"A": {"properties": {"b": {"type": "strng"}}}}}}));
        let e = r.unwrap_err();
        assert_eq!(e.location.pointer.as_deref(), Some("/components/schemas/A/properties/b/type"));
        assert!(e.message.contains("unknown type `strng`") && e.message.contains("\"string\""), "{e}");
        let (r, _) = check(json!({"components": {"schemas": {"A": {"type": ["string", "nul"]}}}}));
        assert_eq!(r.unwrap_err().location.pointer.as_deref(), Some("/components/schemas/A/type/1"));
        let (r, _) = check(json!({"components": {"schemas": {"A": {"type": ["string", "null"]}}}}));
        assert!(r.is_ok());
    }

    #[test]
    fn parameter_mistakes_name_the_parameter() {
        let p = |param: Value| check(with_operation(json!({"parameters": [{"name": "ok", "in": "query"}, param]})));
        let (r, _) = p(json!({"name": "q", "in": "qeury"}));
        let e = r.unwrap_err();
        assert_eq!(e.location.pointer.as_deref(), Some("/paths/~1a/get/parameters/1/in"));
        assert!(e.message.contains("did you mean \"query\""), "{e}");
        let (r, _) = p(json!({"name": "q", "in": "query", "required": "ture"}));
        let e = r.unwrap_err();
        assert_eq!(e.location.pointer.as_deref(), Some("/paths/~1a/get/parameters/1/required"));
        assert!(e.message.contains("not the string \"ture\" (did you mean \"true\"?)"), "{e}");
        let (r, w) = p(json!({"name": "q", "in": "query", "requird": true}));
        assert!(r.is_ok());
        assert!(w[0].contains("#/paths/\"/a\"/get/parameters/1/requird") && w[0].contains("\"required\""), "{w:?}");
        // Left to `normalize`, which leaves these parameters out with a warning.
        for tolerated in
            [json!({"in": "query"}), json!({"name": "b", "in": "body"}), json!({"name": "f", "in": "formData"})]
        {
            assert!(p(tolerated).0.is_ok());
        }
        let (r, _) = p(json!({"$ref": "#/components/parameters/P"}));
        assert!(r.is_ok());
    }

    #[test]
    fn operation_response_and_media_type_keywords_are_checked() {
        let (r, w) = check(with_operation(json!({
            "operationID": "a",
            "responses": {
                "200": {"description": "ok", "contnet": {}},
                "201": {"description": "ok", "content": {"application/json": {"schem": {}}}},
                "descripton": "x",
                "x-extra": 1
            }
        })));
        assert!(r.is_ok());
        let joined = w.join("\n");
        for expected in [
            "#/paths/\"/a\"/get/operationID: unknown keyword `operationID` in an operation; it is ignored (did you mean \"operationId\"?)",
            "#/paths/\"/a\"/get/responses/200/contnet: unknown keyword `contnet` in a response",
            "#/paths/\"/a\"/get/responses/201/content/\"application/json\"/schem: unknown keyword `schem` in a media type",
            "#/paths/\"/a\"/get/responses/descripton: `descripton` is not a status code",
        ] {
            assert!(joined.contains(expected), "missing {expected:?} in\n{joined}");
        }
        assert_eq!(w.len(), 4, "{joined}");
    }

    #[test]
    fn schema_required_must_be_a_list() {
        let (r, w) = check(json!({"components": {"schemas": {"A": {"properties": {"b": {"required": true}}}}}}));
        assert!(r.is_ok());
        assert!(
            w[0].contains("#/components/schemas/A/properties/b/required") && w[0].contains("list its name"),
            "{w:?}"
        );
    }

    #[test]
    fn suggestions_only_for_close_words() {
        assert_eq!(suggest("propertes", SCHEMA_KEYWORDS), Some("properties"));
        assert_eq!(suggest("additionalProperty", SCHEMA_KEYWORDS), Some("additionalProperties"));
        assert_eq!(suggest("qeury", PARAMETER_LOCATIONS), Some("query"));
        assert_eq!(suggest("banana", TYPES), None);
    }
}
