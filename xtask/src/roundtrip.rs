//! The round-trip check that `cargo xtask check-specs` adds to every crate it generates.
//!
//! For each type of the model, random JSON instances are made from the schema the type came
//! from (the spec as normalized, not the model, so that a type that misreads its schema
//! shows): required and optional properties, `null` where the schema admits it, every enum
//! value and one it does not list, every union variant, integers and floats at the extremes
//! of their formats, dates at the ends of the calendar, and extra properties where the schema
//! allows them. They are written to `tests/roundtrip.json` next to a test
//! (`xtask/roundtrip/harness.rs`) that decodes each with the generated type, as the client
//! decodes a body, re-encodes it, and fails on any instance that does not decode or does not
//! come back equal as a JSON value, printing the instance and the JSON path.
//!
//! The instances depend only on the spec and [`SEED`]: the check is reproducible.

use std::fmt::Write as _;

use generator::model::Api;
use serde_json::{json, Map, Value};

/// The seed every spec's instances are drawn with (mixed with each type's name).
pub const SEED: u64 = 0x5eed_2024_0a11;
/// Instances per type; the first ones walk each enum's values and each union's variants
/// in turn.
pub const PER_TYPE: usize = 16;
/// Below this depth optional properties are left out and arrays are empty, so that
/// recursive schemas end.
const MAX_DEPTH: usize = 6;

/// A generated test: `tests/roundtrip.rs` and `tests/roundtrip.json`, and how many
/// instances they hold.
pub struct RoundTrip {
    pub test: String,
    pub instances_json: String,
    pub instances: usize,
}

/// The round-trip test for the crate `crate_ident` generated from `spec_text`; `None` when
/// the spec has no types.
pub fn round_trip_test(spec_text: &str, api: &Api, crate_ident: &str) -> Result<Option<RoundTrip>, String> {
    let mut doc = generator::load::parse(spec_text).map_err(|e| e.to_string())?;
    let mut diags = generator::diagnostics::Diagnostics::default();
    generator::normalize::normalize(&mut doc, &mut diags).map_err(|e| e.to_string())?;
    let mut cases = Map::new();
    let mut calls = String::new();
    let mut count = 0;
    for t in &api.types {
        let Some(schema) = doc.pointer(&t.pointer) else { continue };
        let mut instances = Vec::with_capacity(PER_TYPE);
        for i in 0..PER_TYPE {
            let mut g = Instances {
                doc: &doc,
                rng: Rng::new(SEED ^ hash(t.name.as_str()) ^ (i as u64).wrapping_mul(0x9e37)),
                turn: i,
            };
            let value = g.top(schema);
            instances.push(Value::String(value.to_string()));
        }
        count += instances.len();
        cases.insert(t.name.to_string(), Value::Array(instances));
        let name = t.name.as_str();
        let _ = writeln!(calls, "    check::<types::{}>(&cases, {name:?}, &mut failures);", t.name);
    }
    if count == 0 {
        return Ok(None);
    }
    let harness = include_str!("../roundtrip/harness.rs");
    let test = harness.replace("CRATE_IDENT", crate_ident).replace("    // CHECKS\n", &calls);
    let instances_json = serde_json::to_string_pretty(&Value::Object(cases)).map_err(|e| e.to_string())? + "\n";
    Ok(Some(RoundTrip { test, instances_json, instances: count }))
}

fn hash(s: &str) -> u64 {
    // FNV-1a: stable across runs and platforms, unlike std's hasher.
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, one_in: u64) -> bool {
        self.next().is_multiple_of(one_in)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

struct Instances<'d> {
    doc: &'d Value,
    rng: Rng,
    /// The instance's number: the top-level enum value or union variant it takes.
    turn: usize,
}

/// An enum value no spec lists.
const UNLISTED: &str = "value-added-later";

impl<'d> Instances<'d> {
    /// An instance of the schema as a whole: never `null` (the type holds the value; a
    /// reference to it holds the `null`), and the enum value or union variant of its turn.
    fn top(&mut self, schema: &Value) -> Value {
        let schema = self.deref(schema);
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            return match values.get(self.turn % (values.len() + 1)) {
                Some(v) => (*v).clone(),
                None => json!(UNLISTED),
            };
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(variants) = schema.get(key).and_then(Value::as_array) {
                if variants.len() > 1 {
                    let variant = &variants[self.turn % variants.len()];
                    return self.variant(schema, variant, 0);
                }
            }
        }
        self.non_null(schema, 0)
    }

    /// The schema a `$ref` names (through chains of references).
    fn deref<'s>(&self, mut schema: &'s Value) -> &'s Value
    where
        'd: 's,
    {
        for _ in 0..32 {
            let Some(r) = schema.get("$ref").and_then(Value::as_str) else { break };
            match r.strip_prefix('#').and_then(|p| self.doc.pointer(p)) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    fn nullable(&self, schema: &Value, depth: usize) -> bool {
        let schema = self.deref(schema);
        if schema.get("nullable") == Some(&Value::Bool(true)) {
            return true;
        }
        if depth > 16 {
            return false;
        }
        if schema.get("enum").and_then(Value::as_array).is_some_and(|v| v.iter().any(Value::is_null)) {
            return true;
        }
        if let Some([only]) = schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
            return self.nullable(only, depth + 1);
        }
        ["oneOf", "anyOf"].iter().any(|k| {
            schema.get(*k).and_then(Value::as_array).is_some_and(|v| v.iter().any(|s| self.nullable(s, depth + 1)))
        })
    }

    fn any(&mut self, schema: &Value, depth: usize) -> Value {
        // Deep down, a nullable value ends a chain of required self-references.
        if self.nullable(schema, 0) && (depth >= MAX_DEPTH || self.rng.chance(4)) {
            return Value::Null;
        }
        let schema = self.deref(schema);
        self.non_null(schema, depth)
    }

    fn non_null(&mut self, schema: &Value, depth: usize) -> Value {
        let schema = self.deref(schema);
        if depth > 3 * MAX_DEPTH {
            return Value::Null;
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let listed: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            let is_string = schema.get("type").and_then(Value::as_str).is_none_or(|t| t == "string");
            if is_string && (listed.is_empty() || self.rng.chance(listed.len() as u64 + 1)) {
                return json!(UNLISTED);
            }
            if !listed.is_empty() {
                return (*self.rng.pick(&listed)).clone();
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            if let [only] = parts.as_slice() {
                return self.non_null(only, depth + 1);
            }
            let mut merged = Map::new();
            for part in parts {
                if let Value::Object(o) = self.non_null(part, depth + 1) {
                    merged.extend(o);
                }
            }
            return Value::Object(merged);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(variants) = schema.get(key).and_then(Value::as_array) {
                let variant = self.rng.pick(variants);
                return self.variant(schema, variant, depth);
            }
        }
        let ty = schema.get("type").and_then(Value::as_str);
        let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
        let is_object = ty == Some("object")
            || (ty.is_none() && (schema.get("properties").is_some() || schema.get("additionalProperties").is_some()));
        match ty {
            Some("string") => self.string(format),
            Some("integer") => self.integer(format),
            Some("number") => self.number(format),
            Some("boolean") => Value::Bool(self.rng.chance(2)),
            Some("array") => {
                let n = if depth >= MAX_DEPTH { 0 } else { self.rng.below(4) };
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                Value::Array((0..n).map(|_| self.any(&items, depth + 1)).collect())
            }
            _ if is_object => self.object(schema, depth),
            _ if schema.get("items").is_some() => {
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                let n = if depth >= MAX_DEPTH { 0 } else { self.rng.below(3) };
                Value::Array((0..n).map(|_| self.any(&items, depth + 1)).collect())
            }
            _ => self.anything(depth),
        }
    }

    /// A union's variant, with the discriminator set to the value that selects it.
    fn variant(&mut self, union: &Value, variant: &Value, depth: usize) -> Value {
        let mut value = self.non_null(variant, depth + 1);
        let Some(property) = union.pointer("/discriminator/propertyName").and_then(Value::as_str) else {
            return value;
        };
        let Some(reference) = variant.get("$ref").and_then(Value::as_str) else { return value };
        let mapped = union
            .pointer("/discriminator/mapping")
            .and_then(Value::as_object)
            .and_then(|m| m.iter().find(|(_, r)| r.as_str() == Some(reference)).map(|(k, _)| k.clone()));
        let tag = mapped.unwrap_or_else(|| reference.rsplit('/').next().unwrap_or_default().to_owned());
        if let Value::Object(o) = &mut value {
            o.insert(property.to_owned(), Value::String(tag));
        }
        value
    }

    fn object(&mut self, schema: &Value, depth: usize) -> Value {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, property) in properties.into_iter().flatten() {
            let present = required.contains(&name.as_str()) || (depth < MAX_DEPTH && self.rng.chance(2));
            if present {
                out.insert(name.clone(), self.any(property, depth + 1));
            }
        }
        let additional = schema.get("additionalProperties");
        let count = if depth < MAX_DEPTH { self.rng.below(3) } else { 0 };
        match additional {
            Some(Value::Bool(true)) => {
                for i in 0..count {
                    let extra = self.anything(depth + 1);
                    out.insert(format!("extra{i}"), extra);
                }
            }
            Some(extra @ Value::Object(_)) => {
                for i in 0..count {
                    let value = self.any(extra, depth + 1);
                    out.insert(format!("extra{i}"), value);
                }
            }
            _ => {}
        }
        Value::Object(out)
    }

    fn string(&mut self, format: &str) -> Value {
        let options: &[&str] = match format {
            "date-time" => &[
                "2024-02-29T23:59:59Z",
                "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z",
                "1970-01-01T00:00:00.123Z",
            ],
            "date" => &["2024-02-29", "0001-01-01", "9999-12-31"],
            "uuid" => &["00000000-0000-0000-0000-000000000000", "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"],
            "byte" => &["", "aGVsbG8gd29ybGQ="],
            _ => &["", "plain", "quote \" backslash \\ newline \n tab \t", "ünïcödé ✓ 𝄞", "\u{0}"],
        };
        json!(*self.rng.pick(options))
    }

    fn integer(&mut self, format: &str) -> Value {
        let (min, max): (i128, i128) = match format {
            "int8" => (i8::MIN.into(), i8::MAX.into()),
            "int16" => (i16::MIN.into(), i16::MAX.into()),
            "int32" => (i32::MIN.into(), i32::MAX.into()),
            "uint8" => (0, u8::MAX.into()),
            "uint16" => (0, u16::MAX.into()),
            "uint32" => (0, u32::MAX.into()),
            "uint64" => (0, u64::MAX.into()),
            _ => (i64::MIN.into(), i64::MAX.into()),
        };
        let n = match self.rng.below(5) {
            0 => min,
            1 => max,
            2 => 0,
            // Past 2^53, where a float would round.
            3 => (9_007_199_254_740_993i128).clamp(min, max),
            _ => (self.rng.below(1000) as i128).clamp(min, max),
        };
        match u64::try_from(n) {
            Ok(u) => json!(u),
            Err(_) => json!(n as i64),
        }
    }

    fn number(&mut self, format: &str) -> Value {
        // Values a `float` (f32) holds exactly, and the extremes of a `double`.
        let options: &[f64] = match format {
            "float" => &[1.5, -0.25, f32::MAX as f64, f32::MIN_POSITIVE as f64, 0.0],
            _ => &[1.5, -0.25, 1.797_693_134_862_315_7e308, 5e-324, 0.1, 1e21],
        };
        json!(*self.rng.pick(options))
    }

    /// Any JSON value, for schemas that say nothing.
    fn anything(&mut self, depth: usize) -> Value {
        match self.rng.below(if depth < MAX_DEPTH { 6 } else { 4 }) {
            0 => Value::Null,
            1 => json!(7),
            2 => json!("text"),
            3 => json!(true),
            4 => json!([1, "two", null]),
            _ => json!({"k": 1, "nested": {"deep": [1.5]}}),
        }
    }
}
