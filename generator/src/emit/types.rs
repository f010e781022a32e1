//! Model types: structs, open string enums, unions and aliases.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::docs::{doc, own};
use super::ident;
use super::usage::Usage;
use crate::model::{EnumVariant, Field, FloatWidth, RustIdent, TypeDef, TypeKind, TypeRef, Union, UnionVariant};

/// Where a type is named from: inside the `types` module, or from a sibling module.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Types,
    Sibling,
}

/// The Rust type for a model type reference.
pub fn rust_type(ty: &TypeRef, types: &[TypeDef], scope: Scope) -> TokenStream {
    match ty {
        TypeRef::Named(id) => {
            let n = &types[id.index()].name;
            match scope {
                Scope::Types => quote!(#n),
                Scope::Sibling => quote!(types::#n),
            }
        }
        TypeRef::String => quote!(String),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Integer(width) => {
            let width = format_ident!("{}", width.rust_name());
            quote!(#width)
        }
        TypeRef::Float(FloatWidth::F32) => quote!(f32),
        TypeRef::Float(FloatWidth::F64) => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Any => quote!(serde_json::Value),
        TypeRef::Array(inner) => {
            let inner = rust_type(inner, types, scope);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner, types, scope);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = rust_type(inner, types, scope);
            quote!(Option<#inner>)
        }
    }
}

/// The contents of `types.rs`; `usages[i]` says how type `i` is used (see [`type_def`]).
pub fn types_module(types: &[TypeDef], usages: &[Usage]) -> TokenStream {
    let preamble = types_preamble(types);
    let defs = types.iter().enumerate().map(|(i, t)| type_def(t, types, &usages[i]));
    quote! {
        #preamble
        #(#defs)*
    }
}

/// The module docs and imports of `types.rs`.
pub fn types_preamble(types: &[TypeDef]) -> TokenStream {
    // Structs get both serde impls from the runtime's `json_object!`, enums from its
    // `open_enum!`; unions implement both here.
    let mut names = Vec::new();
    if types.iter().any(|t| matches!(t.kind, TypeKind::Union(_))) {
        names.extend(["Deserialize", "Deserializer", "Serialize"].map(ident));
    }
    let serde_use = match names.as_slice() {
        [] => TokenStream::new(),
        [one] => quote!(use serde::#one;),
        _ => quote!(use serde::{#(#names),*};),
    };
    quote! {
        //! Request and response bodies, as the spec describes them.
        // Field types nest as deep as the spec's schemas do (`Option<Option<Vec<Option<...>>>>`).
        #![allow(clippy::type_complexity)]
        #serde_use
    }
}

/// One model type and its impls; `all` is every type, which unions look into; `usage` how
/// it is used: its summary line when the schema has no title or description, and whether it
/// gets setters (not when it is only received).
pub fn type_def(t: &TypeDef, all: &[TypeDef], usage: &Usage) -> TokenStream {
    let name = t.name.to_ident();
    let docs = type_docs(t, &usage.summary);
    match &t.kind {
        TypeKind::Struct { fields, additional, includes } => {
            let def = struct_def(&name, docs, fields, additional.as_ref(), all);
            let builders = builders(&name, fields, additional.is_some(), !usage.received_only, all);
            let froms = includes.iter().filter_map(|id| from_merged(&name, fields, &all[id.index()]));
            quote! {
                #def
                #builders
                #(#froms)*
            }
        }
        TypeKind::Enum { variants, fallback } => string_enum(&name, docs, variants, fallback),
        TypeKind::Union(u) => {
            let def = union(&name, docs, u, all);
            let froms = union_froms(&name, u, all);
            let shared = shared_fields(&name, u, all);
            quote! {
                #def
                #froms
                #shared
            }
        }
        TypeKind::Alias(ty) => {
            let ty = rust_type(ty, all, Scope::Types);
            quote! {
                #docs
                pub type #name = #ty;
            }
        }
    }
}

/// A type's docs: the schema's title and description, or where the type is used when it
/// has neither or its title only repeats the name (`WebsetCreatedEvent`).
fn type_docs(t: &TypeDef, usage: &str) -> TokenStream {
    let squash = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let text = t.doc.as_deref().map(str::trim).unwrap_or_default();
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    if text.is_empty() {
        own(usage)
    } else if squash(first) == squash(t.name.as_str()) {
        let rest = doc(Some(rest));
        let blank = (!rest.is_empty()).then(|| quote!(#[doc = ""]));
        let usage = own(usage);
        quote!(#usage #blank #rest)
    } else {
        doc(Some(text))
    }
}

/// Doc lines for a paragraph after `docs`: a blank line between, never before the first.
fn paragraph(docs: &TokenStream, text: &str) -> TokenStream {
    if docs.is_empty() {
        own(text)
    } else {
        own(&format!("\n{text}"))
    }
}

/// Whether a required field holds a single fixed value (a `const`, a one-value enum, a union
/// tag): its type's default, which `new` and `Default` fill in.
fn is_fixed(f: &Field, all: &[TypeDef]) -> bool {
    f.required
        && !f.nullable
        && matches!(&f.ty, TypeRef::Named(id) if matches!(&all[id.index()].kind, TypeKind::Enum { variants, .. } if variants.len() == 1))
}

/// Whether the struct can be made with `Default`: no required field but fixed ones.
fn is_defaultable(fields: &[Field], all: &[TypeDef]) -> bool {
    fields.iter().all(|f| !f.required || is_fixed(f, all))
}

/// The type a field holds a value as: `Option<T>` for a nullable one (`None` is `null`).
fn value_type(f: &Field, all: &[TypeDef]) -> TokenStream {
    let ty = rust_type(&f.ty, all, Scope::Types);
    if f.nullable {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

/// `value` (of [`value_type`]) boxed as the field stores it.
fn boxed(f: &Field, value: TokenStream, all: &[TypeDef]) -> TokenStream {
    match (f.boxed, f.nullable) {
        (false, _) => value,
        (true, false) => quote!(Box::new(#value)),
        (true, true) => {
            let ty = value_type(f, all);
            quote!({
                let value: #ty = #value;
                value.map(Box::new)
            })
        }
    }
}

/// `new(required fields)` when some field must be given, and, when `with_setters`, chained
/// setters for the optional fields ([`setters`]).
fn builders(name: &Ident, fields: &[Field], additional: bool, with_setters: bool, all: &[TypeDef]) -> TokenStream {
    let constructor = (!is_defaultable(fields, all)).then(|| constructor(name, fields, additional, with_setters, all));
    let setters: Vec<TokenStream> =
        fields.iter().filter(|f| with_setters && !f.required).map(|f| setters(f, fields, all)).collect();
    if constructor.is_none() && setters.is_empty() {
        return TokenStream::new();
    }
    let allow_deprecated =
        if fields.iter().any(|f| f.deprecated) { quote!(#[allow(deprecated)]) } else { TokenStream::new() };
    quote! {
        #allow_deprecated
        #[allow(clippy::wrong_self_convention)]
        impl #name {
            #constructor
            #(#setters)*
        }
    }
}

/// `new` with an `impl Into` argument per required field (fixed values filled in, optional
/// fields absent); `with_setters` when the optional fields have setters.
fn constructor(name: &Ident, fields: &[Field], additional: bool, with_setters: bool, all: &[TypeDef]) -> TokenStream {
    let given: Vec<&Field> = fields.iter().filter(|f| f.required && !is_fixed(f, all)).collect();
    let args = given.iter().map(|f| {
        let (n, ty) = (&f.name, value_type(f, all));
        quote!(#n: impl Into<#ty>)
    });
    let inits = fields.iter().map(|f| {
        let n = &f.name;
        if !f.required {
            quote!(#n: None,)
        } else if is_fixed(f, all) {
            quote!(#n: Default::default(),)
        } else {
            let value = boxed(f, quote!(#n.into()), all);
            quote!(#n: #value,)
        }
    });
    let extra = additional.then(|| {
        let map = additional_name(fields);
        quote!(#map: Default::default(),)
    });
    let allow = (given.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let others = if !fields.iter().any(|f| !f.required) {
        ""
    } else if with_setters {
        "; set the others with the methods below"
    } else {
        ", the others left out"
    };
    let doc = own(&format!("A [`{name}`] with the fields it requires{others}."));
    quote! {
        #doc
        #allow
        pub fn new(#(#args),*) -> Self {
            Self { #(#inits)* #extra }
        }
    }
}

/// The setter of an optional field: `impl Into<T>`, so that `"text"`, `5` and a union's
/// variant read naturally. A nullable one takes the value too (`.x(5)`, which an
/// `impl Into<Option<f64>>` would refuse) and gets a second setter, `x_null()`, that sends
/// `null`: absent (no call), `null` and a value stay three different things.
fn setters(f: &Field, fields: &[Field], all: &[TypeDef]) -> TokenStream {
    let n = &f.name;
    let setter = if n.as_str() == "new" { format_ident!("with_new") } else { n.to_ident() };
    let ty = rust_type(&f.ty, all, Scope::Types);
    let value = match (f.boxed, f.nullable) {
        (false, false) => quote!(value.into()),
        (true, false) => quote!(Box::new(value.into())),
        (false, true) => quote!(Some(value.into())),
        (true, true) => quote!(Some(Box::new(value.into()))),
    };
    let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
    let json = f.json_name.replace('`', "'");
    let doc = match f.doc.as_deref().and_then(super::docs::first_sentence) {
        Some(sentence) => own(&format!("Sets `{n}`: {sentence}")),
        None if json == n.as_str() => own(&format!("Sets the `{json}` property.")),
        None => own(&format!("Sets `{n}`, the JSON `{json}` property.")),
    };
    let null_setter = f.nullable.then(|| {
        let mut null_name = format!("{}_null", n.as_str());
        while fields.iter().any(|other| other.name.as_str() == null_name) {
            null_name.push('_');
        }
        let null_name = ident(&null_name);
        let doc = own(&format!("Sends `{json}` as `null` (which is not the same as leaving it out)."));
        quote! {
            #doc
            #deprecated
            pub fn #null_name(mut self) -> Self {
                self.#n = Some(None);
                self
            }
        }
    });
    let allow = super::allow_trait_name(&setter.to_string());
    quote! {
        #doc
        #deprecated
        #allow
        pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
            self.#n = Some(#value);
            self
        }
        #null_setter
    }
}

/// The field that keeps additional properties: a name no declared field has.
fn additional_name(fields: &[Field]) -> Ident {
    let mut map_name = "additional_properties".to_owned();
    while fields.iter().any(|f| f.name.as_str() == map_name) {
        map_name.push('_');
    }
    ident(&map_name)
}

/// `From<Merged> for Base`, for a struct an `allOf` merged from `base` and more: the base's
/// fields moved out, the others dropped. Only when every field of the base is in the merged
/// struct with the same name and type (a part may redefine one) and the base keeps no
/// additional properties.
fn from_merged(name: &Ident, fields: &[Field], base: &TypeDef) -> Option<TokenStream> {
    let TypeKind::Struct { fields: base_fields, additional: None, .. } = &base.kind else { return None };
    let moves = base_fields
        .iter()
        .map(|b| {
            let f = fields.iter().find(|f| f.json_name == b.json_name)?;
            if (&f.name, &f.ty, f.required, f.nullable) != (&b.name, &b.ty, b.required, b.nullable) {
                return None;
            }
            let n = &b.name;
            Some(match (f.boxed, b.boxed) {
                (false, true) => quote!(#n: Box::new(value.#n),),
                (true, false) => quote!(#n: *value.#n,),
                _ => quote!(#n: value.#n,),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let base_name = &base.name;
    let doc = own(&format!("The [`{base_name}`] part of a [`{name}`]: its other fields are dropped."));
    let allow =
        if base_fields.iter().any(|f| f.deprecated) { quote!(#[allow(deprecated)]) } else { TokenStream::new() };
    Some(quote! {
        #doc
        #allow
        impl From<#name> for #base_name {
            fn from(value: #name) -> Self {
                #base_name { #(#moves)* }
            }
        }
    })
}

/// A struct, with both serde impls from the runtime's `json_object!`: each field's JSON
/// name and kind written once, beside the struct, in less code than serde's derives (see
/// `decode.rs` in the runtime).
fn struct_def(
    name: &Ident,
    docs: TokenStream,
    fields: &[Field],
    additional: Option<&TypeRef>,
    all: &[TypeDef],
) -> TokenStream {
    let map_name = additional.map(|_| additional_name(fields));
    let additional = additional.zip(map_name.as_ref()).map(|(value, map_name)| {
        let value = rust_type(value, all, Scope::Types);
        quote! {
            /// The properties beyond those above, which the schema allows, kept as sent.
            pub #map_name: std::collections::BTreeMap<String, #value>,
        }
    });
    let default = if is_defaultable(fields, all) { quote!(, Default) } else { TokenStream::new() };
    let entries = fields.iter().map(|f| {
        let field = &f.name;
        let json = &f.json_name;
        let kind = ident(match (f.required, f.nullable) {
            (true, false) => "required",
            // `Option<T>`: `None` when `null` (or absent, as serde's derive has it), and
            // always written, as `null` when `None`.
            (true, true) => "nullable",
            // Left out when `None`.
            (false, false) if f.ty != TypeRef::Any => "optional",
            // Absent, `null` and a value are three different things: `None` is left out,
            // `Some(None)` (or any JSON value's `Some(Value::Null)`) is `null`.
            (false, _) => "present",
        });
        quote!(#field: #json #kind)
    });
    let rest = map_name.map(|m| if fields.is_empty() { quote!(.. #m) } else { quote!(, .. #m) });
    let defs = fields.iter().map(|f| field(f, all));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq #default)]
        pub struct #name {
            #(#defs)*
            #additional
        }

        crate::runtime::json_object!(#name { #(#entries),* #rest });
    }
}

fn field(f: &Field, all: &[TypeDef]) -> TokenStream {
    let name = &f.name;
    let mut ty = rust_type(&f.ty, all, Scope::Types);
    if f.boxed {
        ty = quote!(Box<#ty>);
    }
    let deprecated = if f.deprecated { quote!(#[deprecated]) } else { TokenStream::new() };
    let docs = doc(f.doc.as_deref());
    let ty = match (f.required, f.nullable) {
        (true, false) => ty,
        (true, true) | (false, false) => quote!(Option<#ty>),
        (false, true) => quote!(Option<Option<#ty>>),
    };
    quote! {
        #docs
        #deprecated
        pub #name: #ty,
    }
}

/// An open string enum: the values the spec lists as unit variants, and a variant that keeps
/// any other string as sent (so it is re-sent unchanged). Its impls (`as_str`, `is_known`,
/// `From<&str>`, `Display`, `Serialize`, `Deserialize`) come from the runtime's `open_enum!`:
/// the same for every enum, they are written once there, and they compile much faster than
/// serde's derive with an `untagged` variant, which buffers every value. A single value (a
/// `const`) is the type's `Default`.
fn string_enum(name: &Ident, docs: TokenStream, variants: &[EnumVariant], fallback: &RustIdent) -> TokenStream {
    let idents: Vec<&RustIdent> = variants.iter().map(|v| &v.name).collect();
    let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
    let single = variants.len() == 1;
    let listed = values.iter().map(|v| format!("`{}`", v.replace('`', "'"))).collect::<Vec<_>>();
    let open_doc = paragraph(
        &docs,
        &if single {
            format!("Always {}; another value is kept in [`{fallback}`](Self::{fallback}).", listed[0])
        } else {
            format!("One of {}; values added later are kept in [`{fallback}`](Self::{fallback}).", listed.join(", "))
        },
    );
    let (default_derive, default_attr) =
        if single { (quote!(Default,), quote!(#[default])) } else { (TokenStream::new(), TokenStream::new()) };
    quote! {
        #docs
        #open_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, #default_derive)]
        pub enum #name {
            #default_attr
            #(#idents,)*
            /// A value this client does not know yet, kept as sent.
            #fallback(String),
        }

        crate::runtime::open_enum!(#name { #(#idents: #values,)* .. #fallback });
    }
}

/// A type with aliases looked through.
fn resolved<'a>(ty: &'a TypeRef, all: &'a [TypeDef]) -> &'a TypeRef {
    match ty {
        TypeRef::Named(id) => match &all[id.index()].kind {
            TypeKind::Alias(inner) => resolved(inner, all),
            _ => ty,
        },
        _ => ty,
    }
}

/// `From<Variant>` for each variant whose type no other variant has (and that is not the
/// union itself): `.entity(CompanyEntity::default())` where an `Entity` is wanted.
fn union_froms(name: &Ident, u: &Union, all: &[TypeDef]) -> TokenStream {
    let own = |v: &UnionVariant| matches!(resolved(&v.ty, all), TypeRef::Named(id) if &all[id.index()].name.to_ident() == name);
    let impls = u
        .variants
        .iter()
        .filter(|v| !own(v))
        .filter(|v| u.variants.iter().filter(|w| resolved(&w.ty, all) == resolved(&v.ty, all)).count() == 1)
        .map(|v| {
            let (vname, ty) = (&v.name, rust_type(&v.ty, all, Scope::Types));
            let value = if v.boxed { quote!(Box::new(value)) } else { quote!(value) };
            quote! {
                impl From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        Self::#vname(#value)
                    }
                }
            }
        });
    quote!(#(#impls)*)
}

/// A method per field that every variant of the union has with the same type, giving it for
/// whichever variant the value is (`None` for a kind this client does not know, or where the
/// field is optional and absent).
fn shared_fields(name: &Ident, u: &Union, all: &[TypeDef]) -> TokenStream {
    let structs: Option<Vec<&[Field]>> = u
        .variants
        .iter()
        .map(|v| match resolved(&v.ty, all) {
            TypeRef::Named(id) if !v.boxed => match &all[id.index()].kind {
                TypeKind::Struct { fields, .. } => Some(fields.as_slice()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let Some(structs) = structs.filter(|s| !s.is_empty()) else { return TokenStream::new() };
    let methods = structs[0].iter().filter_map(|first| {
        let same: Vec<&Field> = structs
            .iter()
            .filter_map(|fs| fs.iter().find(|f| f.json_name == first.json_name && f.ty == first.ty && !f.boxed))
            .collect();
        if same.len() != structs.len() {
            return None;
        }
        let arms = u.variants.iter().zip(&same).map(|(v, f)| {
            let (vname, n) = (&v.name, &f.name);
            let get = match (f.required, f.nullable) {
                (true, false) => quote!(Some(&v.#n)),
                (false, true) => quote!(v.#n.as_ref().and_then(Option::as_ref)),
                _ => quote!(v.#n.as_ref()),
            };
            quote!(Self::#vname(v) => #get,)
        });
        let (n, ty, fallback) = (&first.name, rust_type(&first.ty, all, Scope::Types), &u.fallback);
        let doc = own(&format!(
            "The `{}` of whichever kind this is (every kind has one).",
            first.json_name.replace('`', "'")
        ));
        let allow = if same.iter().any(|f| f.deprecated) { quote!(#[allow(deprecated)]) } else { TokenStream::new() };
        Some(quote! {
            #doc
            #allow
            pub fn #n(&self) -> Option<&#ty> {
                match self {
                    #(#arms)*
                    Self::#fallback(_) => None,
                }
            }
        })
    });
    let methods: Vec<TokenStream> = methods.collect();
    if methods.is_empty() {
        return TokenStream::new();
    }
    quote! {
        impl #name {
            #(#methods)*
        }
    }
}

/// What a union variant reads, for the order in which an untagged union tries them: the
/// most specific first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reads {
    Integer,
    Number,
    Boolean,
    /// An open string enum: it fits only values it lists, before any plain string.
    Enum,
    /// A date or date-time: a string of a known shape.
    FormattedString,
    String,
    /// An object with fixed properties: more required properties, then more properties,
    /// first (the `Reverse`s).
    Object(std::cmp::Reverse<usize>, std::cmp::Reverse<usize>),
    Map,
    Array,
    /// Another union or anything else that decides for itself.
    Nested,
    Any,
}

fn reads(ty: &TypeRef, all: &[TypeDef], depth: usize) -> Reads {
    use std::cmp::Reverse;
    match ty {
        TypeRef::Integer(_) => Reads::Integer,
        TypeRef::Float(_) => Reads::Number,
        TypeRef::Boolean => Reads::Boolean,
        TypeRef::String => Reads::String,
        TypeRef::Date | TypeRef::DateTime => Reads::FormattedString,
        TypeRef::Any => Reads::Any,
        TypeRef::Array(_) => Reads::Array,
        TypeRef::Map(_) => Reads::Map,
        TypeRef::Nullable(inner) => reads(inner, all, depth),
        TypeRef::Named(id) if depth < 16 => match all.get(id.index()).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields, .. }) => {
                Reads::Object(Reverse(fields.iter().filter(|f| f.required).count()), Reverse(fields.len()))
            }
            Some(TypeKind::Enum { .. }) => Reads::Enum,
            Some(TypeKind::Alias(inner)) => reads(inner, all, depth + 1),
            Some(TypeKind::Union(_)) | None => Reads::Nested,
        },
        TypeRef::Named(_) => Reads::Nested,
    }
}

/// Whether `value` (a `serde_json::Value`) is of the JSON kind a variant reads.
fn plausible(r: Reads) -> TokenStream {
    match r {
        Reads::Integer => quote!(value.is_i64() || value.is_u64()),
        Reads::Number => quote!(value.is_number()),
        Reads::Boolean => quote!(value.is_boolean()),
        Reads::Enum | Reads::FormattedString | Reads::String => quote!(value.is_string()),
        Reads::Object(..) | Reads::Map => quote!(value.is_object()),
        Reads::Array => quote!(value.is_array()),
        Reads::Nested | Reads::Any => quote!(true),
    }
}

/// A union of its variants' types. Variants are whole objects of different sizes, so
/// `clippy::large_enum_variant` is allowed: boxing them would only make matching clumsier.
///
/// Both kinds decode through `crate::runtime::decode`, which keeps the path of an error inside the
/// variant. A tagged union decodes the variant its tag names ([`tagged_union`]); an untagged
/// one tries its variants most specific first ([`untagged_union`], see [`Reads`]) and keeps
/// the first that re-encodes to the value exactly.
fn union(name: &Ident, docs: TokenStream, u: &Union, all: &[TypeDef]) -> TokenStream {
    match &u.tag {
        Some(tag) => tagged_union(name, docs, u, tag, all),
        None => untagged_union(name, docs, u, all),
    }
}

/// A variant's Rust type, as the union's enum holds it (boxed where it closes a cycle).
fn variant_type(v: &UnionVariant, all: &[TypeDef]) -> TokenStream {
    let ty = rust_type(&v.ty, all, Scope::Types);
    if v.boxed {
        quote!(Box<#ty>)
    } else {
        ty
    }
}

/// The union's variants (without the fallback), each with the tag values that select it.
fn union_variants(u: &Union, all: &[TypeDef]) -> Vec<TokenStream> {
    u.variants
        .iter()
        .map(|v| {
            let (vname, ty) = (&v.name, variant_type(v, all));
            let vdoc = match v.tag_values.as_slice() {
                [] => TokenStream::new(),
                values => own(&format!(
                    "Selected by {}.",
                    values.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
                )),
            };
            quote!(#vdoc #vname(#ty),)
        })
        .collect()
}

/// What makes the union's value from a decoded variant: the variant itself, or a closure
/// that boxes it.
fn variant_wrap(v: &UnionVariant, all: &[TypeDef]) -> TokenStream {
    let vname = &v.name;
    if v.boxed {
        let ty = rust_type(&v.ty, all, Scope::Types);
        quote!(|v: #ty| Self::#vname(Box::new(v)))
    } else {
        quote!(Self::#vname)
    }
}

/// A union decoded by the `tag` property.
fn tagged_union(name: &Ident, docs: TokenStream, u: &Union, tag: &str, all: &[TypeDef]) -> TokenStream {
    let (fallback, variants) = (&u.fallback, union_variants(u, all));
    let arms: Vec<TokenStream> = u
        .variants
        .iter()
        .filter(|v| !v.tag_values.is_empty())
        .map(|v| {
            let (values, wrap) = (&v.tag_values, variant_wrap(v, all));
            quote! {
                Some(#(#values)|*) => crate::runtime::decode::variant(&value).map(#wrap),
            }
        })
        .collect();
    // No variant has a tag value the spec names: every value is kept as sent.
    let choose = if arms.is_empty() {
        quote!(Ok(Self::#fallback(value)))
    } else {
        quote! {
            match value.get(#tag).and_then(serde_json::Value::as_str) {
                #(#arms)*
                _ => Ok(Self::#fallback(value)),
            }
        }
    };
    let tag_doc = paragraph(&docs, &format!("The variant is chosen by the `{tag}` property."));
    let serialize = union_serialize(name, u, Some(tag), all);
    quote! {
        #docs
        #tag_doc
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
            /// A kind this client does not know yet, kept as sent.
            #fallback(serde_json::Value),
        }

        #serialize

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                #choose
            }
        }
    }
}

/// The union's `Serialize`: each variant as its own value, as serde's `untagged` derive
/// writes it, but for a variant of a tagged union whose type does not declare the tag
/// property (it would be sent without it), written with the tag.
fn union_serialize(name: &Ident, u: &Union, tag: Option<&str>, all: &[TypeDef]) -> TokenStream {
    let declares_tag = |v: &UnionVariant, tag: &str| match &v.ty {
        TypeRef::Named(id) => matches!(&all[id.index()].kind,
            TypeKind::Struct { fields, .. } if fields.iter().any(|f| f.json_name == tag)),
        _ => true,
    };
    let arms = u.variants.iter().map(|v| {
        let vname = &v.name;
        match (tag, v.tag_values.first()) {
            (Some(tag), Some(value)) if !declares_tag(v, tag) => {
                quote!(Self::#vname(v) => crate::runtime::decode::with_tag(v, #tag, #value, serializer),)
            }
            _ => quote!(Self::#vname(v) => v.serialize(serializer),),
        }
    });
    let fallback = &u.fallback;
    quote! {
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#arms)*
                    Self::#fallback(v) => v.serialize(serializer),
                }
            }
        }
    }
}

/// A union without a tag: its variants tried most specific first.
fn untagged_union(name: &Ident, docs: TokenStream, u: &Union, all: &[TypeDef]) -> TokenStream {
    let (fallback, variants) = (&u.fallback, union_variants(u, all));
    let mut order: Vec<(Reads, &UnionVariant)> = u.variants.iter().map(|v| (reads(&v.ty, all, 0), v)).collect();
    order.sort_by_key(|(r, _)| *r);
    let tries = order.iter().map(|(r, v)| {
        let (plausible, wrap) = (plausible(*r), variant_wrap(v, all));
        let ty = rust_type(&v.ty, all, Scope::Types);
        // An open enum's `Unknown` fits any string: it is taken only if nothing else fits.
        let known = match (r, resolved(&v.ty, all)) {
            (Reads::Enum, TypeRef::Named(id)) => match &all[id.index()].kind {
                TypeKind::Enum { fallback, .. } => quote!(|v: &#ty| !matches!(v, #ty::#fallback(_))),
                _ => quote!(|_: &#ty| true),
            },
            _ => quote!(|_: &#ty| true),
        };
        quote!(.variant(#plausible, #known, #wrap))
    });
    let order_doc = paragraph(
        &docs,
        "Decoding picks the most specific variant the value fits (integers before\nnumbers, listed enum values before other strings, objects with more\nrequired properties first), one that re-encodes to the same JSON.",
    );
    let serialize = union_serialize(name, u, None, all);
    quote! {
        #docs
        #order_doc
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
            /// A value of a JSON kind that no variant reads, kept as sent.
            #fallback(serde_json::Value),
        }

        #serialize

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                let mut pick = crate::runtime::decode::Untagged::new(&value);
                pick #(#tries)*;
                pick.finish(Self::#fallback)
            }
        }
    }
}
