//! Schemas to model types: structs, enums, unions, aliases, and the names they get.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use openapiv3 as oa;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::identity::{makes_type, shape_key};
use super::{with_default, Lower, Naming, SchemaRef, Shape, MAX_INLINE_DEPTH};
use crate::diagnostics::{pointer_push, Error};
use crate::model::*;
use crate::names::{type_name, value_name, Scope};

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
    /// Resolves `#/components/schemas/X` to X's type.
    pub(super) fn resolve(&self, reference: &str, ptr: &str) -> Result<(TypeId, &Schema), Error> {
        self.resolve_hops(reference, ptr, 0)
    }

    fn resolve_hops(&self, reference: &str, ptr: &str, hops: usize) -> Result<(TypeId, &Schema), Error> {
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
            Some((*self.component_names.get(k)?, schema))
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

    pub(super) fn shape(&mut self, s: SchemaRef<'_>, ptr: &str, naming: Naming) -> Result<Shape, Error> {
        let schema = match s {
            SchemaRef::Ref(reference) => {
                // Nullability declared on the referenced schema belongs to every place that
                // refers to it: the named type holds the value, the reference the `null`.
                let (id, target) = self.resolve(reference, ptr)?;
                let nullable = self.nullable_of(target, 0);
                return Ok(Shape { nullable, ..Shape::plain(TypeRef::Named(id)) });
            }
            SchemaRef::Inline(schema) => schema,
        };
        // One schema, one type: see `identity.rs`.
        if let Some(shape) = self.identity.at_pointer(ptr) {
            return Ok(shape.clone());
        }
        // Inline schemas nest only as deep as the document, except where `allOf` copies a
        // schema's properties into itself: bound the depth so that such a loop is an error.
        if self.depth >= MAX_INLINE_DEPTH {
            return Err(Error::at(
                ptr,
                format!("inline schemas nest more than {MAX_INLINE_DEPTH} deep (a schema that includes itself through `allOf`?)"),
            ));
        }
        let key = match naming {
            Naming::Hint { .. } if makes_type(schema) => {
                Some((self.candidate(&naming, &schema.schema_data), shape_key(schema)))
            }
            _ => None,
        };
        if let Some(id) = key.as_ref().and_then(|(name, shape)| self.identity.existing(name, shape)) {
            let data = &schema.schema_data;
            let shape = Shape {
                ty: TypeRef::Named(id),
                nullable: self.nullable_of(schema, 0),
                doc: doc_of(data),
                deprecated: data.deprecated,
                default: data.default.clone(),
            };
            self.identity.remember_pointer(ptr, &shape);
            return Ok(shape);
        }
        self.depth += 1;
        let result = self.inline_shape(schema, ptr, naming);
        self.depth -= 1;
        let shape = result?;
        if let (Some((name, key)), TypeRef::Named(id)) = (key, &shape.ty) {
            self.identity.remember_name(name, key, *id);
        }
        self.identity.remember_pointer(ptr, &shape);
        Ok(shape)
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
                TypeRef::Integer(format.as_deref().and_then(IntWidth::from_format).unwrap_or(IntWidth::I64))
            }
            Kind::Num { format } => {
                TypeRef::Float(if format.as_deref() == Some("float") { FloatWidth::F32 } else { FloatWidth::F64 })
            }
            Kind::Bool => TypeRef::Boolean,
            Kind::Any => TypeRef::Any,
            Kind::Array { items } => match items {
                Some(items) => {
                    let item_ptr = pointer_push(ptr, "items");
                    let item_naming = Naming::hint(format!("{}Item", naming.base()));
                    let item = self.shape(items.into(), &item_ptr, item_naming)?;
                    TypeRef::Array(Box::new(nullable_in_place(item)))
                }
                None => TypeRef::Array(Box::new(TypeRef::Any)),
            },
            Kind::Object { properties, required, additional } => {
                if properties.is_empty() {
                    self.map_type(additional, ptr, &naming)?
                } else {
                    let id = self.claim(&naming, data);
                    let owner = self.types.name(id).to_string();
                    let props = own_props(properties, ptr, &owner);
                    let fields = self.fields(props, required, ptr)?;
                    // Properties beyond the declared ones, when the schema allows them, are
                    // kept in a map of their declared type.
                    let additional = match additional {
                        Some(oa::AdditionalProperties::Any(true)) => Some(TypeRef::Any),
                        Some(oa::AdditionalProperties::Schema(_)) => match self.map_type(additional, ptr, &naming)? {
                            TypeRef::Map(value) => Some(*value),
                            _ => None,
                        },
                        _ => None,
                    };
                    let kind = TypeKind::Struct { fields, additional, includes: Vec::new() };
                    self.types.define(id, doc.clone(), ptr.into(), kind);
                    TypeRef::Named(id)
                }
            }
            Kind::AllOf(parts) => self.all_of(parts, ptr, naming, data, &mut nullable)?,
            Kind::OneOf(variants) => self.union(variants, "oneOf", ptr, naming, data, &mut nullable)?,
            Kind::AnyOf(variants) => self.union(variants, "anyOf", ptr, naming, data, &mut nullable)?,
        };
        Ok(Shape { ty, nullable, doc, deprecated: data.deprecated, default: data.default.clone() })
    }

    /// The name a schema's place gives its type: the component's, else its title, else the
    /// candidate made from where it is written.
    fn candidate(&self, naming: &Naming, data: &oa::SchemaData) -> String {
        match naming {
            Naming::Fixed(_, name) => name.clone(),
            Naming::Hint { candidate } => {
                let from_title = data.title.as_deref().map(type_name).filter(|t| t != "Unnamed");
                from_title.unwrap_or_else(|| candidate.clone())
            }
        }
    }

    /// The type a schema that needs one of its own gets.
    fn claim(&mut self, naming: &Naming, data: &oa::SchemaData) -> TypeId {
        match naming {
            Naming::Fixed(id, _) => *id,
            Naming::Hint { .. } => {
                let name = self.type_scope.claim(&self.candidate(naming, data));
                self.types.reserve(name)
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
                let value_naming = Naming::hint(format!("{}Value", naming.base()));
                let shape = self.shape((&**s).into(), &pointer_push(ptr, "additionalProperties"), value_naming)?;
                nullable_in_place(shape)
            }
            _ => TypeRef::Any,
        };
        Ok(TypeRef::Map(Box::new(value)))
    }

    /// The fields of an object type; each property's own types are named after the type it
    /// is written in and lowered where it is written.
    fn fields(
        &mut self,
        properties: IndexMap<String, Prop>,
        required: &[String],
        ptr: &str,
    ) -> Result<Vec<Field>, Error> {
        let mut scope = Scope::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (json_name, prop) in &properties {
            let naming = Naming::hint(format!("{}{}", prop.owner, type_name(json_name)));
            let shape = self.shape((&prop.schema).into(), &prop.ptr, naming)?;
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
        let id = self.claim(&naming, data);
        let mut scope = Scope::default();
        let variants =
            unique.into_iter().map(|value| EnumVariant { name: scope.claim(&type_name(&value)), value }).collect();
        let fallback = scope.claim("Unknown");
        self.types.define(id, doc, ptr.into(), TypeKind::Enum { variants, fallback });
        TypeRef::Named(id)
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
        let id = self.claim(&naming, data);
        let mut merged = Merged { owner: self.types.name(id).to_string(), ..Merged::default() };
        self.collect_all_of(parts, &here, &mut merged, 0)?;
        let includes = parts
            .iter()
            .filter_map(|p| match p {
                ReferenceOr::Reference { reference } => self.resolve(reference, &here).ok().map(|r| r.0),
                ReferenceOr::Item(_) => None,
            })
            .collect();
        let fields = self.fields(merged.properties, &merged.required, ptr)?;
        self.types.define(id, doc_of(data), ptr.into(), TypeKind::Struct { fields, additional: None, includes });
        Ok(TypeRef::Named(id))
    }

    /// Collects the properties of `allOf` parts, each with the place it is written in (a
    /// referenced component's properties stay the component's).
    fn collect_all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        ptr: &str,
        merged: &mut Merged,
        depth: usize,
    ) -> Result<(), Error> {
        if depth > 32 {
            return Err(Error::at(ptr, "`allOf` parts refer to each other in a loop"));
        }
        for (i, part) in parts.iter().enumerate() {
            let mut part_ptr = pointer_push(ptr, &i.to_string());
            let mut owner = merged.owner.clone();
            let schema = match part {
                ReferenceOr::Reference { reference } => {
                    let (id, schema) = self.resolve(reference, &part_ptr)?;
                    owner = self.types.name(id).to_string();
                    part_ptr = reference.trim_start_matches('#').to_owned();
                    schema
                }
                ReferenceOr::Item(s) => s,
            };
            match kind_of(schema) {
                Kind::Object { properties: p, required: r, .. } => {
                    merged.properties.extend(own_props(p, &part_ptr, &owner));
                    let new: Vec<String> = r.iter().filter(|r| !merged.required.contains(r)).cloned().collect();
                    merged.required.extend(new);
                }
                Kind::AllOf(inner) => {
                    let inner = inner.to_vec();
                    let saved = std::mem::replace(&mut merged.owner, owner);
                    self.collect_all_of(&inner, &pointer_push(&part_ptr, "allOf"), merged, depth + 1)?;
                    merged.owner = saved;
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
        let id = self.claim(&naming, data);
        let name = self.types.name(id).to_string();
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
                (None, ReferenceOr::Reference { reference }) => {
                    self.types.name(self.resolve(reference, &v_ptr)?.0).to_string()
                }
                (None, ReferenceOr::Item(s)) => inline_title.clone().unwrap_or_else(|| kind_label(s).to_owned()),
            };
            let variant_name = scope.claim(&base);
            let shape = self.shape(v.into(), &v_ptr, Naming::hint(format!("{name}{variant_name}")))?;
            *nullable |= shape.nullable;
            out.push(UnionVariant { name: variant_name, ty: shape.ty, tag_values, boxed: false });
        }
        let fallback = scope.claim("Unknown");
        let union = Union { tag: tag.map(|t| t.property), variants: out, fallback };
        self.types.define(id, doc_of(data), ptr.into(), TypeKind::Union(union));
        Ok(TypeRef::Named(id))
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

    /// Whether a schema admits `null`, the way [`Lower::shape`] reads it: `nullable`, a
    /// `null` among an enum's values, or a nullable part of a union or of a one-part `allOf`,
    /// looking through references.
    fn nullable_of(&self, schema: &Schema, depth: usize) -> bool {
        if schema.schema_data.nullable {
            return true;
        }
        if depth > 32 {
            return false;
        }
        let part = |r: &ReferenceOr<Schema>| match r {
            ReferenceOr::Reference { reference } => {
                self.resolve(reference, "").is_ok_and(|(_, s)| self.nullable_of(s, depth + 1))
            }
            ReferenceOr::Item(s) => self.nullable_of(s, depth + 1),
        };
        match kind_of(schema) {
            Kind::Str { values, .. } => values.iter().any(Option::is_none),
            Kind::AllOf([only]) => part(only),
            Kind::OneOf(parts) | Kind::AnyOf(parts) => parts.iter().any(part),
            _ => false,
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
}

struct Tag {
    property: String,
    mapping: IndexMap<String, String>,
}

/// A property of an object type: its schema, the pointer where it is written, and the name
/// of the type whose schema it is written in (which names the types written inside it).
struct Prop {
    schema: ReferenceOr<Box<Schema>>,
    ptr: String,
    owner: String,
}

/// What an `allOf` merge has collected so far, and the type the parts being read are
/// written in.
#[derive(Default)]
struct Merged {
    properties: IndexMap<String, Prop>,
    required: Vec<String>,
    owner: String,
}

/// The properties of an object schema at `ptr`, written in the type named `owner`.
fn own_props(
    properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
    ptr: &str,
    owner: &str,
) -> IndexMap<String, Prop> {
    let props_ptr = pointer_push(ptr, "properties");
    properties
        .iter()
        .map(|(k, v)| {
            (k.clone(), Prop { schema: v.clone(), ptr: pointer_push(&props_ptr, k), owner: owner.to_owned() })
        })
        .collect()
}

/// A field's type in a position that cannot carry `nullable` separately.
pub(super) fn nullable_in_place(shape: Shape) -> TypeRef {
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
