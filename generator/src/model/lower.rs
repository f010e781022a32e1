//! `openapiv3` document to [`Api`]: names resolved, inline schemas given types of their own.

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;
use openapiv3 as oa;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::*;
use crate::diagnostics::{pointer_push, Diagnostics, Error};
use crate::names::{type_name, value_name, Scope};

/// Names the generated `types` module must not define, because the code it contains uses
/// them unqualified.
const RESERVED_TYPE_NAMES: [&str; 17] = [
    "Option",
    "Some",
    "None",
    "String",
    "Vec",
    "Box",
    "Result",
    "Ok",
    "Err",
    "Serialize",
    "Deserialize",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Deserializer",
    "StrVisitor",
];

/// Builds the model of `spec`. Problems that have a sensible reading become warnings.
pub fn lower(spec: &oa::OpenAPI, diags: &mut Diagnostics) -> Result<Api, Error> {
    let mut cx = Lower {
        spec,
        diags,
        type_scope: Scope::with_reserved(&RESERVED_TYPE_NAMES),
        component_names: HashMap::new(),
        types: Vec::new(),
        enum_cache: HashMap::new(),
        depth: 0,
    };
    if let Some(components) = &spec.components {
        for key in components.schemas.keys() {
            let name = cx.type_scope.claim(&type_name(key));
            cx.component_names.insert(key.clone(), name);
        }
        for (key, schema) in &components.schemas {
            let ptr = pointer_push("/components/schemas", key);
            let name = cx.component_names[key].clone();
            let sref = SchemaRef::from(schema);
            let shape = cx.shape(sref, &ptr, Naming::Fixed(name.clone()))?;
            if shape.ty != TypeRef::Named(name.clone()) {
                let ty = if shape.nullable { TypeRef::Nullable(Box::new(shape.ty)) } else { shape.ty };
                cx.types.push(TypeDef { name, doc: shape.doc, pointer: ptr, kind: TypeKind::Alias(ty) });
            }
        }
    }
    let operations = cx.operations()?;
    let mut api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone().filter(|d| !d.trim().is_empty()),
        default_base_url: cx.base_url(),
        auth: cx.auth(),
        operations,
        types: cx.types,
    };
    super::recursion::box_cycles(&mut api.types);
    Ok(api)
}

struct Lower<'a> {
    spec: &'a oa::OpenAPI,
    diags: &'a mut Diagnostics,
    type_scope: Scope,
    /// `components/schemas` key to Rust type name.
    component_names: HashMap<String, String>,
    types: Vec<TypeDef>,
    /// Inline string enums already emitted, by (property name, values), so that an enum
    /// repeated across many schemas is one type.
    enum_cache: HashMap<(String, Vec<String>), String>,
    /// How many inline schemas `shape` is inside of.
    depth: usize,
}

const MAX_INLINE_DEPTH: usize = 48;

/// A schema position: a `$ref` or a schema written in place.
#[derive(Clone, Copy)]
enum SchemaRef<'s> {
    Ref(&'s str),
    Inline(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SchemaRef<'s> {
    fn from(r: &'s ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SchemaRef<'s> {
    fn from(r: &'s ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

/// How to name a type the schema needs.
#[derive(Clone)]
enum Naming {
    /// A component schema: this exact name.
    Fixed(String),
    /// An inline schema: `candidate` unless the schema has a `title`; `leaf` is the property
    /// (or other position) it sits at. A `shareable` enum is merged with an identical one at
    /// a same-named position elsewhere.
    Hint { candidate: String, leaf: String, shareable: bool },
}

impl Naming {
    fn hint(candidate: impl Into<String>, leaf: impl Into<String>) -> Self {
        Naming::Hint { candidate: candidate.into(), leaf: leaf.into(), shareable: true }
    }

    /// A type of its owner's own, never shared: the direct properties of a named schema
    /// (`MonitorRun.status` is a `MonitorRunStatus`, even if `Monitor.status` has the same
    /// values).
    fn owned(candidate: impl Into<String>, leaf: impl Into<String>) -> Self {
        Naming::Hint { candidate: candidate.into(), leaf: leaf.into(), shareable: false }
    }

    fn base(&self) -> &str {
        match self {
            Naming::Fixed(n) => n,
            Naming::Hint { candidate, .. } => candidate,
        }
    }
}

/// What a schema position turns into.
struct Shape {
    ty: TypeRef,
    nullable: bool,
    doc: Option<String>,
    deprecated: bool,
    /// The schema's `default`, which the server applies when the value is left out.
    default: Option<serde_json::Value>,
}

impl Shape {
    fn plain(ty: TypeRef) -> Self {
        Shape { ty, nullable: false, doc: None, deprecated: false, default: None }
    }
}

/// A description with the default value noted after it: callers should know what leaving
/// a value out means.
fn with_default(doc: Option<String>, default: Option<&serde_json::Value>) -> Option<String> {
    let Some(default) = default.filter(|d| !d.is_null()) else { return doc };
    let text = serde_json::to_string(default).unwrap_or_default().replace('`', "'");
    let note = format!("Defaults to `{text}` when left out.");
    Some(match doc {
        Some(d) => format!("{}\n\n{note}", d.trim_end()),
        None => note,
    })
}

/// The parts of a schema that decide its Rust type, read the same way whether `openapiv3`
/// parsed it as a typed schema or as its catch-all `AnySchema`.
enum Kind<'s> {
    Str {
        format: Option<String>,
        values: Vec<Option<String>>,
    },
    Int {
        format: Option<String>,
    },
    Num {
        format: Option<String>,
    },
    Bool,
    Object {
        properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &'s [String],
        additional: Option<&'s oa::AdditionalProperties>,
    },
    Array {
        items: Option<&'s ReferenceOr<Box<Schema>>>,
    },
    OneOf(&'s [ReferenceOr<Schema>]),
    AnyOf(&'s [ReferenceOr<Schema>]),
    AllOf(&'s [ReferenceOr<Schema>]),
    Any,
}

fn format_of<T: serde::Serialize>(f: &oa::VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        oa::VariantOrUnknownOrEmpty::Item(i) => serde_json::to_value(i).ok().and_then(|v| v.as_str().map(String::from)),
        oa::VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        oa::VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn kind_of(schema: &Schema) -> Kind<'_> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => Kind::Str { format: format_of(&s.format), values: s.enumeration.clone() },
        SchemaKind::Type(Type::Integer(i)) => Kind::Int { format: format_of(&i.format) },
        SchemaKind::Type(Type::Number(n)) => Kind::Num { format: format_of(&n.format) },
        SchemaKind::Type(Type::Boolean(_)) => Kind::Bool,
        SchemaKind::Type(Type::Object(o)) => Kind::Object {
            properties: &o.properties,
            required: &o.required,
            additional: o.additional_properties.as_ref(),
        },
        SchemaKind::Type(Type::Array(a)) => Kind::Array { items: a.items.as_ref() },
        SchemaKind::OneOf { one_of } => Kind::OneOf(one_of),
        SchemaKind::AnyOf { any_of } => Kind::AnyOf(any_of),
        SchemaKind::AllOf { all_of } => Kind::AllOf(all_of),
        SchemaKind::Not { .. } => Kind::Any,
        SchemaKind::Any(a) => {
            let typ = a.typ.as_deref();
            if !a.one_of.is_empty() {
                Kind::OneOf(&a.one_of)
            } else if !a.all_of.is_empty() {
                Kind::AllOf(&a.all_of)
            } else if !a.any_of.is_empty() {
                Kind::AnyOf(&a.any_of)
            } else if !a.properties.is_empty() || typ == Some("object") || a.additional_properties.is_some() {
                Kind::Object {
                    properties: &a.properties,
                    required: &a.required,
                    additional: a.additional_properties.as_ref(),
                }
            } else if a.items.is_some() || typ == Some("array") {
                Kind::Array { items: a.items.as_ref() }
            } else if typ == Some("string")
                || (!a.enumeration.is_empty() && a.enumeration.iter().all(|v| v.is_string() || v.is_null()))
            {
                Kind::Str {
                    format: a.format.clone(),
                    values: a.enumeration.iter().map(|v| v.as_str().map(String::from)).collect(),
                }
            } else if typ == Some("integer") {
                Kind::Int { format: a.format.clone() }
            } else if typ == Some("number") {
                Kind::Num { format: a.format.clone() }
            } else if typ == Some("boolean") {
                Kind::Bool
            } else {
                Kind::Any
            }
        }
    }
}

fn doc_of(data: &oa::SchemaData) -> Option<String> {
    data.description.clone().or_else(|| data.title.clone()).filter(|d| !d.trim().is_empty())
}

impl Lower<'_> {
    /// Resolves `#/components/schemas/X` to the name of X's type.
    fn resolve(&self, reference: &str, ptr: &str) -> Result<(String, &Schema), Error> {
        self.resolve_hops(reference, ptr, 0)
    }

    fn resolve_hops(&self, reference: &str, ptr: &str, hops: usize) -> Result<(String, &Schema), Error> {
        if hops > 32 {
            return Err(Error::at(
                ptr,
                format!("`$ref: {reference}` is part of a loop of schemas that are only references"),
            ));
        }
        let Some(rest) = reference.strip_prefix("#/") else {
            return Err(Error::at(
                ptr,
                format!("`$ref: {reference}` points outside this document; bundle the spec into one file first"),
            ));
        };
        let key = rest.strip_prefix("components/schemas/").filter(|k| !k.contains('/'));
        let key = key.map(|k| k.replace("~1", "/").replace("~0", "~"));
        let found = key.as_ref().and_then(|k| {
            let schema = self.spec.components.as_ref()?.schemas.get(k)?;
            Some((self.component_names.get(k)?.clone(), schema))
        });
        match found {
            Some((name, ReferenceOr::Item(schema))) => Ok((name, schema)),
            Some((name, ReferenceOr::Reference { reference: next })) => {
                // A component that is itself only a reference: follow it for inspection,
                // but keep the alias's name.
                let next_ptr = format!("#/components/schemas/{}", key.unwrap_or_default());
                if next == reference || next == &next_ptr {
                    return Err(Error::at(ptr, format!("`$ref: {reference}` refers only to itself")));
                }
                self.resolve_hops(next, ptr, hops + 1).map(|(_, s)| (name, s))
            }
            None => Err(Error::at(ptr, format!("`$ref: {reference}` does not name a schema in components/schemas"))),
        }
    }

    fn shape(&mut self, s: SchemaRef<'_>, ptr: &str, naming: Naming) -> Result<Shape, Error> {
        let schema = match s {
            SchemaRef::Ref(reference) => {
                let (name, _) = self.resolve(reference, ptr)?;
                return Ok(Shape::plain(TypeRef::Named(name)));
            }
            SchemaRef::Inline(schema) => schema,
        };
        // Inline schemas nest only as deep as the document, except where `allOf` copies a
        // schema's properties into itself: bound the depth so that such a loop is an error.
        if self.depth >= MAX_INLINE_DEPTH {
            return Err(Error::at(
                ptr,
                format!("inline schemas nest more than {MAX_INLINE_DEPTH} deep (a schema that includes itself through `allOf`?)"),
            ));
        }
        self.depth += 1;
        let result = self.inline_shape(schema, ptr, naming);
        self.depth -= 1;
        result
    }

    fn inline_shape(&mut self, schema: &Schema, ptr: &str, naming: Naming) -> Result<Shape, Error> {
        let data = &schema.schema_data;
        let doc = doc_of(data);
        let mut nullable = data.nullable;
        let ty = match kind_of(schema) {
            Kind::Str { format, values } => {
                let known: Vec<String> = values.iter().flatten().cloned().collect();
                nullable |= values.iter().any(Option::is_none);
                if known.is_empty() {
                    match format.as_deref() {
                        Some("date-time") => TypeRef::DateTime,
                        Some("date") => TypeRef::Date,
                        _ => TypeRef::String,
                    }
                } else {
                    self.string_enum(known, ptr, naming, data, doc.clone())
                }
            }
            Kind::Int { format } => {
                TypeRef::Integer(if format.as_deref() == Some("int32") { IntWidth::I32 } else { IntWidth::I64 })
            }
            Kind::Num { format } => {
                TypeRef::Float(if format.as_deref() == Some("float") { FloatWidth::F32 } else { FloatWidth::F64 })
            }
            Kind::Bool => TypeRef::Boolean,
            Kind::Any => TypeRef::Any,
            Kind::Array { items } => match items {
                Some(items) => {
                    let item_ptr = pointer_push(ptr, "items");
                    let item_naming = Naming::hint(format!("{}Item", naming.base()), "item");
                    let item = self.shape(items.into(), &item_ptr, item_naming)?;
                    TypeRef::Array(Box::new(nullable_in_place(item)))
                }
                None => TypeRef::Array(Box::new(TypeRef::Any)),
            },
            Kind::Object { properties, required, additional } => {
                if properties.is_empty() {
                    self.map_type(additional, ptr, &naming)?
                } else {
                    if let Some(oa::AdditionalProperties::Schema(_)) = additional {
                        self.diags.warn(
                            pointer_push(ptr, "additionalProperties"),
                            "properties beyond the declared ones are accepted but not kept",
                        );
                    }
                    let name = self.claim(&naming, data);
                    let fields = self.fields(properties, required, ptr, &name)?;
                    self.types.push(TypeDef {
                        name: name.clone(),
                        doc: doc.clone(),
                        pointer: ptr.into(),
                        kind: TypeKind::Struct { fields },
                    });
                    TypeRef::Named(name)
                }
            }
            Kind::AllOf(parts) => self.all_of(parts, ptr, naming, data, &mut nullable)?,
            Kind::OneOf(variants) => self.union(variants, "oneOf", ptr, naming, data, &mut nullable)?,
            Kind::AnyOf(variants) => self.union(variants, "anyOf", ptr, naming, data, &mut nullable)?,
        };
        Ok(Shape { ty, nullable, doc, deprecated: data.deprecated, default: data.default.clone() })
    }

    fn claim(&mut self, naming: &Naming, data: &oa::SchemaData) -> String {
        match naming {
            Naming::Fixed(name) => name.clone(),
            Naming::Hint { candidate, .. } => {
                let from_title = data.title.as_deref().map(type_name).filter(|t| t != "Unnamed");
                self.type_scope.claim(from_title.as_deref().unwrap_or(candidate))
            }
        }
    }

    fn map_type(
        &mut self,
        additional: Option<&oa::AdditionalProperties>,
        ptr: &str,
        naming: &Naming,
    ) -> Result<TypeRef, Error> {
        let value = match additional {
            Some(oa::AdditionalProperties::Schema(s)) => {
                let value_naming = Naming::hint(format!("{}Value", naming.base()), "value");
                let shape = self.shape((&**s).into(), &pointer_push(ptr, "additionalProperties"), value_naming)?;
                nullable_in_place(shape)
            }
            _ => TypeRef::Any,
        };
        Ok(TypeRef::Map(Box::new(value)))
    }

    fn fields(
        &mut self,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        ptr: &str,
        owner: &str,
    ) -> Result<Vec<Field>, Error> {
        let props_ptr = pointer_push(ptr, "properties");
        let is_component = ptr.strip_prefix("/components/schemas/").is_some_and(|rest| !rest.contains('/'));
        let mut scope = Scope::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (json_name, prop) in properties {
            let prop_ptr = pointer_push(&props_ptr, json_name);
            let candidate = format!("{owner}{}", type_name(json_name));
            let naming = if is_component {
                Naming::owned(candidate, json_name.clone())
            } else {
                Naming::hint(candidate, json_name.clone())
            };
            let shape = self.shape(prop.into(), &prop_ptr, naming)?;
            let name = scope.claim(&value_name(json_name));
            fields.push(Field {
                json_name: json_name.clone(),
                name,
                ty: shape.ty,
                required: required.contains(json_name),
                nullable: shape.nullable,
                boxed: false,
                doc: with_default(shape.doc, shape.default.as_ref()),
                deprecated: shape.deprecated,
            });
        }
        for r in required {
            if !properties.contains_key(r) {
                self.diags.warn(
                    pointer_push(ptr, "required"),
                    format!("`{r}` is required but not among the properties; ignored"),
                );
            }
        }
        Ok(fields)
    }

    fn string_enum(
        &mut self,
        values: Vec<String>,
        ptr: &str,
        naming: Naming,
        data: &oa::SchemaData,
        doc: Option<String>,
    ) -> TypeRef {
        let mut unique = Vec::new();
        let mut seen = BTreeSet::new();
        for v in values {
            if seen.insert(v.clone()) {
                unique.push(v);
            }
        }
        let key = match &naming {
            Naming::Hint { leaf, shareable: true, .. } => Some((leaf.clone(), unique.clone())),
            _ => None,
        };
        if let Some(existing) = key.as_ref().and_then(|k| self.enum_cache.get(k)) {
            return TypeRef::Named(existing.clone());
        }
        let name = self.claim(&naming, data);
        if let Some(key) = key {
            self.enum_cache.insert(key, name.clone());
        }
        let mut scope = Scope::default();
        let variants =
            unique.into_iter().map(|value| EnumVariant { name: scope.claim(&type_name(&value)), value }).collect();
        let fallback = scope.claim("Unknown");
        self.types.push(TypeDef {
            name: name.clone(),
            doc,
            pointer: ptr.into(),
            kind: TypeKind::Enum { variants, fallback },
        });
        TypeRef::Named(name)
    }

    /// `allOf`: one reference with annotations is that type; otherwise the parts' properties
    /// are merged into one struct.
    fn all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        ptr: &str,
        naming: Naming,
        data: &oa::SchemaData,
        nullable: &mut bool,
    ) -> Result<TypeRef, Error> {
        let here = pointer_push(ptr, "allOf");
        if let [only] = parts {
            let shape = self.shape(only.into(), &pointer_push(&here, "0"), naming)?;
            *nullable |= shape.nullable;
            return Ok(shape.ty);
        }
        let mut properties: IndexMap<String, ReferenceOr<Box<Schema>>> = IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        self.collect_all_of(parts, &here, &mut properties, &mut required, 0)?;
        let name = self.claim(&naming, data);
        let fields = self.fields(&properties, &required, ptr, &name)?;
        self.types.push(TypeDef {
            name: name.clone(),
            doc: doc_of(data),
            pointer: ptr.into(),
            kind: TypeKind::Struct { fields },
        });
        Ok(TypeRef::Named(name))
    }

    fn collect_all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        ptr: &str,
        properties: &mut IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), Error> {
        if depth > 32 {
            return Err(Error::at(ptr, "`allOf` parts refer to each other in a loop"));
        }
        for (i, part) in parts.iter().enumerate() {
            let part_ptr = pointer_push(ptr, &i.to_string());
            let schema = match part {
                ReferenceOr::Reference { reference } => self.resolve(reference, &part_ptr)?.1,
                ReferenceOr::Item(s) => s,
            };
            match kind_of(schema) {
                Kind::Object { properties: p, required: r, .. } => {
                    for (k, v) in p {
                        properties.insert(k.clone(), v.clone());
                    }
                    required.extend(r.iter().filter(|r| !required.contains(r)).cloned().collect::<Vec<_>>());
                }
                Kind::AllOf(inner) => {
                    let inner = inner.to_vec();
                    self.collect_all_of(&inner, &pointer_push(&part_ptr, "allOf"), properties, required, depth + 1)?
                }
                Kind::Any => {}
                _ => self.diags.warn(part_ptr, "an `allOf` part that is not an object is ignored in the merged type"),
            }
        }
        Ok(())
    }

    fn union(
        &mut self,
        variants: &[ReferenceOr<Schema>],
        keyword: &str,
        ptr: &str,
        naming: Naming,
        data: &oa::SchemaData,
        nullable: &mut bool,
    ) -> Result<TypeRef, Error> {
        let here = pointer_push(ptr, keyword);
        if let [only] = variants {
            let shape = self.shape(only.into(), &pointer_push(&here, "0"), naming)?;
            *nullable |= shape.nullable;
            return Ok(shape.ty);
        }
        let name = self.claim(&naming, data);
        let tag = self.union_tag(variants, data, &here);
        let mut scope = Scope::default();
        let mut out = Vec::with_capacity(variants.len());
        for (i, v) in variants.iter().enumerate() {
            let v_ptr = pointer_push(&here, &i.to_string());
            let tag_values = match &tag {
                Some(t) => self.tag_values(v, t, data, &v_ptr),
                None => Vec::new(),
            };
            let inline_title: Option<String> = match v {
                ReferenceOr::Item(s) => s.schema_data.title.as_deref().map(type_name),
                ReferenceOr::Reference { .. } => None,
            };
            let base = match (tag_values.first(), v) {
                (Some(value), _) => type_name(value),
                (None, ReferenceOr::Reference { reference }) => self.resolve(reference, &v_ptr)?.0,
                (None, ReferenceOr::Item(s)) => inline_title.clone().unwrap_or_else(|| kind_label(s).to_owned()),
            };
            let variant_name = scope.claim(&base);
            let shape =
                self.shape(v.into(), &v_ptr, Naming::hint(format!("{name}{variant_name}"), variant_name.clone()))?;
            *nullable |= shape.nullable;
            out.push(UnionVariant { name: variant_name, ty: shape.ty, tag_values, boxed: false });
        }
        let fallback = scope.claim("Unknown");
        self.types.push(TypeDef {
            name: name.clone(),
            doc: doc_of(data),
            pointer: ptr.into(),
            kind: TypeKind::Union(Union { tag: tag.map(|t| t.property), variants: out, fallback }),
        });
        Ok(TypeRef::Named(name))
    }

    /// The property that tells the variants apart: the discriminator, or else a property
    /// every variant pins to a distinct constant.
    fn union_tag(&mut self, variants: &[ReferenceOr<Schema>], data: &oa::SchemaData, ptr: &str) -> Option<Tag> {
        if let Some(d) = &data.discriminator {
            return Some(Tag { property: d.property_name.clone(), mapping: d.mapping.clone() });
        }
        let first = variants.first()?;
        let candidates: Vec<String> = match first {
            ReferenceOr::Reference { reference } => self.resolve(reference, ptr).ok().map(|(_, s)| s),
            ReferenceOr::Item(s) => Some(s),
        }
        .map(|s| self.property_names(s, 0))
        .unwrap_or_default();
        'candidates: for prop in candidates {
            let mut seen = BTreeSet::new();
            for v in variants {
                match self.enum_property(v, &prop, 0).as_deref() {
                    Some([one]) if seen.insert(one.clone()) => {}
                    _ => continue 'candidates,
                }
            }
            return Some(Tag { property: prop, mapping: IndexMap::new() });
        }
        None
    }

    fn tag_values(
        &mut self,
        variant: &ReferenceOr<Schema>,
        tag: &Tag,
        data: &oa::SchemaData,
        ptr: &str,
    ) -> Vec<String> {
        if let ReferenceOr::Reference { reference } = variant {
            let mapped: Vec<String> =
                tag.mapping.iter().filter(|(_, r)| *r == reference).map(|(k, _)| k.clone()).collect();
            if !mapped.is_empty() {
                return mapped;
            }
        }
        if let Some(values) = self.enum_property(variant, &tag.property, 0) {
            return values;
        }
        if let ReferenceOr::Reference { reference } = variant {
            if data.discriminator.is_some() {
                if let Some(key) = reference.rsplit('/').next() {
                    return vec![key.to_owned()];
                }
            }
        }
        self.diags.warn(
            ptr,
            format!("no value of the tag `{}` selects this variant; it is never chosen when decoding", tag.property),
        );
        Vec::new()
    }

    /// The string values property `prop` of an object schema is limited to, looking through
    /// references and `allOf` parts (the way Exa wraps union variants).
    fn enum_property(&self, schema: &ReferenceOr<Schema>, prop: &str, depth: usize) -> Option<Vec<String>> {
        if depth > 16 {
            return None;
        }
        let schema = match schema {
            ReferenceOr::Reference { reference } => self.resolve(reference, "").ok()?.1,
            ReferenceOr::Item(s) => s,
        };
        match kind_of(schema) {
            Kind::Object { properties, .. } => {
                let p = match properties.get(prop)? {
                    ReferenceOr::Item(p) => p,
                    ReferenceOr::Reference { reference } => self.resolve(reference, "").ok()?.1,
                };
                match kind_of(p) {
                    Kind::Str { values, .. } if !values.is_empty() => Some(values.into_iter().flatten().collect()),
                    _ => None,
                }
            }
            Kind::AllOf(parts) => parts.iter().find_map(|part| self.enum_property(part, prop, depth + 1)),
            _ => None,
        }
    }

    /// Property names of an object schema, looking through `allOf` parts.
    fn property_names(&self, schema: &Schema, depth: usize) -> Vec<String> {
        match kind_of(schema) {
            Kind::Object { properties, .. } => properties.keys().cloned().collect(),
            Kind::AllOf(parts) if depth < 16 => parts
                .iter()
                .filter_map(|part| match part {
                    ReferenceOr::Reference { reference } => self.resolve(reference, "").ok().map(|(_, s)| s),
                    ReferenceOr::Item(s) => Some(s),
                })
                .flat_map(|s| self.property_names(s, depth + 1))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn operations(&mut self) -> Result<Vec<Operation>, Error> {
        let declared_tags: BTreeSet<&str> = self.spec.tags.iter().map(|t| t.name.as_str()).collect();
        let mut undeclared: BTreeSet<String> = BTreeSet::new();
        let mut method_scope =
            Scope::with_reserved(&["new", "builder", "from_env", "with_base_url", "base_url", "config"]);
        // Names `operations.rs` imports or defines besides the builders.
        let mut builder_scope = Scope::with_reserved(&[
            "Client",
            "ClientBuilder",
            "Error",
            "ApiResponse",
            "Request",
            "HeaderMap",
            "HeaderName",
            "Method",
            "BoxStream",
            "StreamExt",
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
            self.diags.warn("/tags", format!("operations use tags that are never declared: {}; tags only group documentation and are otherwise ignored", list.join(", ")));
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
        let builder_name = builder_scope.claim(&type_name(method_name.trim_start_matches("r#")));

        let mut params = self.parameters(item, op, ptr, &builder_name)?;
        let path_parts = self.path_parts(path, &mut params, ptr);
        let body = match &op.request_body {
            Some(body) => self.request_body(body, &pointer_push(ptr, "requestBody"), &builder_name)?,
            None => None,
        };
        let response = self.response(op, ptr, &builder_name, builder_scope)?;
        let mut operation = Operation {
            operation_id,
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
            pagination: None,
        };
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
        // Operation-level parameters override path-level ones with the same name and place.
        let mut merged: IndexMap<(String, &'static str), (oa::Parameter, String)> = IndexMap::new();
        let sources = [
            (&item.parameters, ptr.rsplit_once('/').map(|(p, _)| p.to_owned()).unwrap_or_default()),
            (&op.parameters, ptr.to_owned()),
        ];
        for (list, base) in sources {
            let list_ptr = pointer_push(&base, "parameters");
            for (i, p) in list.iter().enumerate() {
                let p_ptr = pointer_push(&list_ptr, &i.to_string());
                let p = self.resolve_parameter(p, &p_ptr)?;
                let place = match &p {
                    oa::Parameter::Path { .. } => "path",
                    oa::Parameter::Query { .. } => "query",
                    oa::Parameter::Header { .. } => "header",
                    oa::Parameter::Cookie { .. } => "cookie",
                };
                merged.insert((p.parameter_data_ref().name.clone(), place), (p, p_ptr));
            }
        }
        let mut scope = Scope::with_reserved(&["send", "client", "body", "into_stream"]);
        let mut out = Vec::new();
        for ((name, place), (p, p_ptr)) in merged {
            let location = match place {
                "path" => ParamLocation::Path,
                "query" => ParamLocation::Query,
                "header" => ParamLocation::Header,
                _ => {
                    self.diags.warn(&p_ptr, format!("cookie parameter `{name}` is not supported and is not sent"));
                    continue;
                }
            };
            if location == ParamLocation::Header {
                if !is_http_token(&name) {
                    self.diags.warn(
                        &p_ptr,
                        format!("header parameter `{name}` is not a valid HTTP header name; it is not sent"),
                    );
                    continue;
                }
                // OpenAPI says these are ignored as parameters: the client sets them itself.
                if ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str()) {
                    self.diags.warn(&p_ptr, format!("header parameter `{name}` is ignored, as OpenAPI specifies"));
                    continue;
                }
            }
            let data = p.parameter_data_ref();
            let (ty, doc_from_schema, default) = match &data.format {
                oa::ParameterSchemaOrContent::Schema(s) => {
                    let naming = Naming::hint(format!("{builder}{}", type_name(&name)), name.clone());
                    let shape = self.shape(s.into(), &pointer_push(&p_ptr, "schema"), naming)?;
                    (shape.ty, shape.doc, shape.default)
                }
                oa::ParameterSchemaOrContent::Content(_) => {
                    self.diags.warn(
                        pointer_push(&p_ptr, "content"),
                        "a parameter described by `content` is sent as a plain string",
                    );
                    (TypeRef::String, None, None)
                }
            };
            let required = data.required || location == ParamLocation::Path;
            if location == ParamLocation::Path && !data.required {
                self.diags.warn(
                    &p_ptr,
                    format!("path parameter `{name}` is not marked required; path parameters always are"),
                );
            }
            let list_separator = match &p {
                oa::Parameter::Query { style, .. } => match style {
                    oa::QueryStyle::Form if data.explode.unwrap_or(true) => None,
                    oa::QueryStyle::Form => Some(','),
                    oa::QueryStyle::SpaceDelimited => Some(' '),
                    oa::QueryStyle::PipeDelimited => Some('|'),
                    oa::QueryStyle::DeepObject => {
                        self.diags.warn(
                            &p_ptr,
                            format!("`deepObject` style for `{name}` is not supported; the value is sent as JSON"),
                        );
                        None
                    }
                },
                // `simple` style, the only one for headers and the default for paths.
                _ => Some(','),
            };
            out.push(Parameter {
                rust_name: scope.claim(&value_name(&name)),
                name,
                location,
                ty,
                required,
                doc: with_default(data.description.clone().or(doc_from_schema), default.as_ref()),
                list_separator,
            });
        }
        Ok(out)
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

    /// Splits the path template and reconciles it with the declared path parameters.
    fn path_parts(&mut self, path: &str, params: &mut Vec<Parameter>, ptr: &str) -> Vec<PathPart> {
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
                    let taken: Vec<&str> = params.iter().map(|p| p.rust_name.as_str()).collect();
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
        // Declared path parameters the template lacks cannot be sent anywhere: drop them,
        // and renumber the template's references.
        let mut keep = Vec::new();
        for (i, p) in params.iter().enumerate() {
            if p.location == ParamLocation::Path && !used.contains(&i) {
                self.diags.warn(ptr, format!("path parameter `{}` is declared but the path `{path}` has no `{{{}}}`; it is left out of the client", p.name, p.name));
            } else {
                keep.push(i);
            }
        }
        if keep.len() != params.len() {
            let remap: HashMap<usize, usize> = keep.iter().enumerate().map(|(new, old)| (*old, new)).collect();
            let old = std::mem::take(params);
            *params = old.into_iter().enumerate().filter(|(i, _)| remap.contains_key(i)).map(|(_, p)| p).collect();
            for part in &mut parts {
                if let PathPart::Param(i) = part {
                    *i = remap[i];
                }
            }
        }
        parts
    }

    fn request_body(
        &mut self,
        body: &ReferenceOr<oa::RequestBody>,
        ptr: &str,
        builder: &str,
    ) -> Result<Option<RequestBody>, Error> {
        let body = self.component(body, "requestBodies", |c| &c.request_bodies, ptr)?;
        let Some(media) = self.media(&body.content, ptr, Naming::hint(format!("{builder}Body"), "body"))? else {
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

    /// The success response body. When the 2xx responses describe different bodies, a
    /// per-status enum with a variant for each.
    fn response(
        &mut self,
        op: &oa::Operation,
        ptr: &str,
        builder: &str,
        builder_scope: &mut Scope,
    ) -> Result<ResponseBody, Error> {
        let responses_ptr = pointer_push(ptr, "responses");
        let mut success: Vec<(String, Option<u16>, &ReferenceOr<oa::Response>)> = op
            .responses
            .responses
            .iter()
            .filter_map(|(code, r)| match code {
                oa::StatusCode::Code(c) if (200..300).contains(c) => Some((c.to_string(), Some(*c), r)),
                oa::StatusCode::Range(2) => Some(("2XX".to_owned(), None, r)),
                _ => None,
            })
            .collect();
        // Codes in order, the `2XX` range after them (it matches what they do not).
        success.sort_by(|a, b| a.0.cmp(&b.0));
        if success.is_empty() {
            match &op.responses.default {
                Some(r) => success.push(("default".to_owned(), None, r)),
                None => {
                    self.diags.warn(&responses_ptr, "no success response is described; the result is `()`");
                    return Ok(ResponseBody::Empty);
                }
            }
        }
        let single = success.len() == 1;
        let mut bodies = Vec::with_capacity(success.len());
        for (code, status, response) in &success {
            let response_ptr = pointer_push(&responses_ptr, code);
            let response = self.component(response, "responses", |c| &c.responses, &response_ptr)?;
            let candidate = if single { format!("{builder}Response") } else { format!("{builder}Response{code}") };
            let body = match self.media(&response.content, &response_ptr, Naming::hint(candidate, "response"))? {
                None => ResponseBody::Empty,
                Some(Media::Json { ty, .. }) => ResponseBody::Json(ty),
                Some(Media::Text { .. }) => ResponseBody::Text,
                Some(Media::Binary { .. }) => ResponseBody::Binary,
            };
            bodies.push((*status, body));
        }
        let first = bodies[0].1.clone();
        if bodies.iter().all(|(_, b)| *b == first) {
            return Ok(first);
        }
        let mut variant_scope = Scope::default();
        let variants = bodies
            .into_iter()
            .map(|(status, body)| StatusResponse {
                variant: variant_scope.claim(&status_variant(status)),
                status,
                body,
            })
            .collect();
        let enum_name = builder_scope.claim(&format!("{builder}Response"));
        Ok(ResponseBody::PerStatus { enum_name, variants })
    }

    /// Recognises Exa-style cursor pagination: a `cursor` query parameter and a response
    /// with `data` (a list), `hasMore` and `nextCursor`.
    fn pagination(&self, op: &Operation) -> Option<Pagination> {
        let cursor_param = op
            .params
            .iter()
            .position(|p| p.location == ParamLocation::Query && p.name == "cursor" && p.ty == TypeRef::String)?;
        let limit_param = op.params.iter().position(|p| {
            p.location == ParamLocation::Query
                && p.name == "limit"
                && matches!(p.ty, TypeRef::Integer(_) | TypeRef::Float(_))
        });
        let ResponseBody::Json(TypeRef::Named(name)) = &op.response else { return None };
        let fields = self.types.iter().find_map(|t| match &t.kind {
            TypeKind::Struct { fields } if &t.name == name => Some(fields),
            _ => None,
        })?;
        let field = |json: &str| fields.iter().find(|f| f.json_name == json);
        let data = field("data").filter(|f| f.required && !f.nullable)?;
        let TypeRef::Array(item) = &data.ty else { return None };
        let has_more = field("hasMore").filter(|f| f.ty == TypeRef::Boolean && f.required && !f.nullable)?;
        let next = field("nextCursor").filter(|f| f.ty == TypeRef::String)?;
        Some(Pagination {
            item: (**item).clone(),
            cursor_param,
            limit_param,
            data_field: data.name.clone(),
            has_more_field: has_more.name.clone(),
            next_cursor_field: next.name.clone(),
            next_cursor_optional: next.nullable || !next.required,
        })
    }

    fn base_url(&mut self) -> Option<String> {
        let server = self.spec.servers.first()?;
        let mut url = server.url.clone();
        for (name, var) in server.variables.iter().flatten() {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            self.diags.warn(
                "/servers/0/url",
                format!(
                    "`{url}` is not an absolute http(s) URL; the client has no default base URL and one must be given"
                ),
            );
            return None;
        }
        Some(url)
    }

    fn auth(&mut self) -> Option<Auth> {
        let schemes = &self.spec.components.as_ref()?.security_schemes;
        let mut found = None;
        for (key, scheme) in schemes {
            let ptr = pointer_push("/components/securitySchemes", key);
            let auth = match scheme {
                ReferenceOr::Item(oa::SecurityScheme::APIKey {
                    location: oa::APIKeyLocation::Header, name, ..
                }) if is_http_token(name) => Some(Auth::ApiKeyHeader { header: name.clone() }),
                ReferenceOr::Item(oa::SecurityScheme::HTTP { scheme, .. }) if scheme.eq_ignore_ascii_case("bearer") => {
                    Some(Auth::Bearer)
                }
                _ => None,
            };
            match (auth, &found) {
                (Some(a), None) => found = Some(a),
                (Some(_), Some(_)) => self.diags.warn(ptr, "only the first supported security scheme is used"),
                (None, _) => {
                    self.diags.warn(ptr, "this kind of security scheme is not supported; the client does not send it")
                }
            }
        }
        found
    }
}

struct Tag {
    property: String,
    mapping: IndexMap<String, String>,
}

fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// A field's type in a position that cannot carry `nullable` separately.
fn nullable_in_place(shape: Shape) -> TypeRef {
    if shape.nullable && shape.ty != TypeRef::Any {
        TypeRef::Nullable(Box::new(shape.ty))
    } else {
        shape.ty
    }
}

/// A variant name for an inline union member with no title: what kind of value it is.
fn kind_label(schema: &Schema) -> &'static str {
    match kind_of(schema) {
        Kind::Str { values, .. } if !values.is_empty() => "Choice",
        Kind::Str { .. } => "String",
        Kind::Int { .. } => "Integer",
        Kind::Num { .. } => "Number",
        Kind::Bool => "Boolean",
        Kind::Object { .. } => "Object",
        Kind::Array { .. } => "List",
        Kind::OneOf(_) | Kind::AnyOf(_) | Kind::AllOf(_) => "Variant",
        Kind::Any => "Value",
    }
}

/// RFC 9110 `token`: what a header name may be made of.
fn is_http_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
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
