//! Stable names across Exa's published Websets specs: between consecutive versions, every type
//! that appears, disappears or changes its fields must be explained by a change in its own
//! schema (the schema at its place, with the components an `allOf` of it includes). A type
//! must never be renamed, or change its fields, because some other schema changed.

use std::collections::BTreeMap;

use generator::model::{Api, TypeDef, TypeKind, TypeRef};
use serde_json::Value;

/// Keywords that change docs only. `model/lower/identity.rs` also ignores bounds (`minLength`,
/// `maximum`, `pattern`, ...) when it compares shapes; here a changed bound still counts as a
/// change of the type's own schema, so it may explain a changed type.
const ANNOTATIONS: [&str; 10] = [
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
];

struct Version {
    name: String,
    doc: Value,
    api: Api,
}

fn version(path: &std::path::Path) -> Version {
    let text = std::fs::read_to_string(path).unwrap();
    let mut doc = generator::load::parse(&text).unwrap();
    generator::normalize::normalize(&mut doc, &mut Default::default()).unwrap();
    let api = generator::model_of(&text).unwrap().0;
    Version { name: path.file_stem().unwrap().to_string_lossy().into_owned(), doc, api }
}

/// A type reference as the names it mentions.
fn words(ty: &TypeRef, api: &Api) -> String {
    match ty {
        TypeRef::Named(id) => api.type_def(*id).name.to_string(),
        TypeRef::Array(t) => format!("Vec<{}>", words(t, api)),
        TypeRef::Map(t) => format!("Map<{}>", words(t, api)),
        TypeRef::Nullable(t) => format!("Option<{}>", words(t, api)),
        other => format!("{other:?}"),
    }
}

/// What a user of the type sees: its kind and its fields, variants or values with their types.
fn signature(t: &TypeDef, api: &Api) -> Vec<String> {
    match &t.kind {
        TypeKind::Struct { fields, additional, .. } => fields
            .iter()
            .map(|f| format!("{}: {} {} {}", f.name, words(&f.ty, api), f.required, f.nullable))
            .chain(additional.iter().map(|a| format!("..: {}", words(a, api))))
            .collect(),
        TypeKind::Enum { variants, .. } => variants.iter().map(|v| format!("enum {}", v.value)).collect(),
        TypeKind::Union(u) => u.variants.iter().map(|v| format!("union {}({})", v.name, words(&v.ty, api))).collect(),
        TypeKind::Alias(ty) => vec![format!("= {}", words(ty, api))],
    }
}

/// The schema at `pointer` without annotations, with the components its `allOf`s include
/// written out: everything that decides the type's fields.
fn own_schema(doc: &Value, pointer: &str) -> Option<Value> {
    let mut schema = doc.pointer(pointer)?.clone();
    expand(doc, &mut schema, 0);
    Some(schema)
}

fn expand(doc: &Value, schema: &mut Value, depth: usize) {
    match schema {
        Value::Object(map) => {
            map.retain(|k, _| !ANNOTATIONS.contains(&k.as_str()) && !k.starts_with("x-"));
            if let (Some(Value::Array(parts)), true) = (map.get_mut("allOf"), depth < 8) {
                for part in parts.iter_mut() {
                    let target = part.get("$ref").and_then(Value::as_str).and_then(|r| doc.pointer(&r[1..]));
                    if let Some(target) = target {
                        *part = target.clone();
                    }
                }
            }
            map.values_mut().for_each(|v| expand(doc, v, depth + 1));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| expand(doc, v, depth + 1)),
        _ => {}
    }
}

/// A component of `doc` of the same shape as `schema` (annotations and bounds aside), if the
/// older document did not have one: the newer spec named this shape.
fn component_like(doc: &Value, schema: &Value) -> Option<String> {
    let bare = |v: &Value| {
        let mut v = v.clone();
        strip_bounds(&mut v);
        v
    };
    let target = bare(schema);
    doc.pointer("/components/schemas")?.as_object()?.iter().find_map(|(key, c)| {
        let mut c = c.clone();
        expand(doc, &mut c, 0);
        (bare(&c) == target).then(|| key.clone())
    })
}

fn strip_bounds(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|k, _| !BOUNDS.contains(&k.as_str()));
            map.values_mut().for_each(strip_bounds);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_bounds),
        _ => {}
    }
}

const BOUNDS: [&str; 9] = [
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

/// Each type by name: its place and its signature.
fn types(v: &Version) -> BTreeMap<String, (String, Vec<String>)> {
    v.api.types.iter().map(|t| (t.name.to_string(), (t.pointer.clone(), signature(t, &v.api)))).collect()
}

#[test]
fn names_change_only_with_their_own_schema() {
    let Some(shared) = xtask::shared_dir() else { return };
    let versions: Vec<Version> = xtask::exa_specs(&shared).iter().map(|p| version(p)).collect();
    assert!(versions.len() >= 2, "expected several Websets specs");
    let mut unexplained = Vec::new();
    for pair in versions.windows(2) {
        let (old, new) = (&pair[0], &pair[1]);
        let (old_types, new_types) = (types(old), types(new));
        eprintln!("{} -> {}:", old.name, new.name);
        let names: std::collections::BTreeSet<&String> = old_types.keys().chain(new_types.keys()).collect();
        for name in names {
            let change = match (old_types.get(name), new_types.get(name)) {
                (Some(a), Some(b)) if a.1 == b.1 => continue,
                (Some(_), Some(_)) => "changes its fields",
                (None, Some(_)) => "appears",
                (Some(_), None) => "disappears",
                (None, None) => unreachable!(),
            };
            let pointer = &new_types.get(name).or(old_types.get(name)).unwrap().0;
            let (before, after) = (own_schema(&old.doc, pointer), own_schema(&new.doc, pointer));
            let reason = if before != after {
                "its schema changed".to_owned()
            } else if let Some(component) =
                before.as_ref().filter(|_| change == "disappears").and_then(|b| component_like(&new.doc, b))
            {
                // Required by the other rule: an inline schema shaped like a component is
                // that component, here one the newer spec added.
                format!("its schema is now the new component {component}")
            } else {
                "UNEXPLAINED".to_owned()
            };
            eprintln!("  {name} {change} ({pointer}: {reason})");
            if reason == "UNEXPLAINED" {
                unexplained.push(format!("{} -> {}: {name} {change}", old.name, new.name));
            }
        }
    }
    assert!(unexplained.is_empty(), "types that changed without a change in their own schema:\n{unexplained:#?}");
}

/// The case that prompted the rule: two inline enums that became equal in 2025-11-19 used to
/// merge under the name of the first one met, renaming the other.
#[test]
fn an_enum_keeps_its_name_when_another_becomes_equal_to_it() {
    let Some(shared) = xtask::shared_dir() else { return };
    for version in ["2025-07-21", "2025-11-19"] {
        let v = self::version(&shared.join(format!("specs/exa-websets/{version}.yaml")));
        assert!(types(&v).contains_key("WebsetSearchScopeItemSource"), "{version}");
    }
}

/// One schema, one type: the `allOf` of `Webset` keeps `Webset`'s field types, and inline
/// schemas shaped like a component are that component.
#[test]
fn one_schema_gives_one_type() {
    let Some(shared) = xtask::shared_dir() else { return };
    let v = version(&shared.join("specs/exa-websets/2026-03-12.yaml"));
    let t = types(&v);
    assert!(t["GetWebsetResponse"].1.contains(&"status: WebsetStatus true false".to_owned()));
    assert!(t["Monitor"].1.contains(&"cadence: MonitorCadence true false".to_owned()));
    assert!(t["Monitor"].1.contains(&"behavior: MonitorBehavior true false".to_owned()));
    let clash: Vec<&String> = t.keys().filter(|n| n.ends_with(|c: char| c.is_ascii_digit())).collect();
    assert!(clash.is_empty(), "names with a clash suffix: {clash:?}");
}
