//! Schema identity: which schemas share a type.
//!
//! - A schema written in place is one type however many paths reach it (an `allOf` that
//!   includes a component lowers the component's properties where they are written, not
//!   again under the including schema): types are keyed by the JSON pointer of the schema.
//! - An inline schema of the same shape as a component (same properties, types, required
//!   list, enum values and nesting; descriptions, titles, examples, defaults and bounds aside)
//!   is that component's type.
//! - Two inline schemas share a type only when they are the same shape *and* their own places
//!   give them the same name. A name therefore comes only from where a schema is written
//!   (its owner's name and its property, or its title), never from another place that
//!   happened to be lowered first: a schema that changes elsewhere cannot rename it.

use std::collections::HashMap;

use openapiv3 as oa;
use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::Shape;
use crate::model::TypeId;

/// The keywords that do not change which Rust type a schema is.
const ANNOTATIONS: [&str; 19] = [
    "description",
    "title",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "xml",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "pattern",
];

#[derive(Default)]
pub(super) struct Identity {
    /// Components that get a type of their own, by their shape.
    components: HashMap<String, TypeId>,
    /// What each inline schema became, by the pointer where it is written.
    by_pointer: HashMap<String, Shape>,
    /// Inline types by (name their place gives them, shape).
    by_name: HashMap<(String, String), TypeId>,
}

impl Identity {
    /// Records the shape of every component that gets a type of its own (the first of
    /// several with the same shape).
    pub fn index_components(&mut self, components: &oa::Components, ids: &HashMap<String, TypeId>) {
        for (key, schema) in &components.schemas {
            if let (ReferenceOr::Item(schema), Some(id)) = (schema, ids.get(key)) {
                if makes_type(schema) {
                    self.components.entry(shape_key(schema)).or_insert(*id);
                }
            }
        }
    }

    /// What the inline schema at `pointer` already became.
    pub fn at_pointer(&self, pointer: &str) -> Option<&Shape> {
        self.by_pointer.get(pointer)
    }

    pub fn remember_pointer(&mut self, pointer: &str, shape: &Shape) {
        self.by_pointer.insert(pointer.to_owned(), shape.clone());
    }

    /// The existing type for an inline schema of shape `key` that its place names `name`:
    /// a component of that shape, or an inline type of the same name and shape.
    pub fn existing(&self, name: &str, key: &str) -> Option<TypeId> {
        self.components.get(key).or_else(|| self.by_name.get(&(name.to_owned(), key.to_owned()))).copied()
    }

    pub fn remember_name(&mut self, name: String, key: String, id: TypeId) {
        self.by_name.entry((name, key)).or_insert(id);
    }
}

/// Whether the schema gets a type of its own: an object with properties, a string enum, a
/// union or a merge of several parts.
pub(super) fn makes_type(schema: &Schema) -> bool {
    let value = serde_json::to_value(schema).unwrap_or(Value::Null);
    let len = |k: &str| value.get(k).and_then(Value::as_array).map_or(0, Vec::len);
    let has_properties = value.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
    let string_enum = len("enum") > 0 && value["enum"].as_array().is_some_and(|v| v.iter().any(Value::is_string));
    has_properties || string_enum || len("oneOf") > 1 || len("anyOf") > 1 || len("allOf") > 1
}

/// The schema's shape as text: its JSON without annotations, `required` sorted.
pub(super) fn shape_key(schema: &Schema) -> String {
    let mut value = serde_json::to_value(schema).unwrap_or(Value::Null);
    strip(&mut value);
    value.to_string()
}

/// Removes annotations from a schema object and the schemas inside it, and sorts its keys
/// (the order properties are written in does not change the type).
fn strip(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else { return };
    map.sort_keys();
    map.retain(|k, _| !ANNOTATIONS.contains(&k.as_str()) && !k.starts_with("x-"));
    if let Some(Value::Array(required)) = map.get_mut("required") {
        required.sort_by_key(Value::to_string);
    }
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        props.sort_keys();
        props.values_mut().for_each(strip);
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(inner) = map.get_mut(key) {
            strip(inner);
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(parts)) = map.get_mut(key) {
            parts.iter_mut().for_each(strip);
        }
    }
}
