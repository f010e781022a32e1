//! Model types: structs, open string enums, unions and aliases.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::docs::{doc, own};
use super::ident;
use crate::model::{Field, FloatWidth, IntWidth, TypeDef, TypeKind, TypeRef, Union};

/// Where a type is named from: inside the `types` module, or from a sibling module.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Types,
    Sibling,
}

/// The Rust type for a model type reference.
pub fn rust_type(ty: &TypeRef, scope: Scope) -> TokenStream {
    match ty {
        TypeRef::Named(n) => {
            let n = ident(n);
            match scope {
                Scope::Types => quote!(#n),
                Scope::Sibling => quote!(types::#n),
            }
        }
        TypeRef::String => quote!(String),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Integer(IntWidth::I32) => quote!(i32),
        TypeRef::Integer(IntWidth::I64) => quote!(i64),
        TypeRef::Float(FloatWidth::F32) => quote!(f32),
        TypeRef::Float(FloatWidth::F64) => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Any => quote!(serde_json::Value),
        TypeRef::Array(inner) => {
            let inner = rust_type(inner, scope);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner, scope);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = rust_type(inner, scope);
            quote!(Option<#inner>)
        }
    }
}

/// The contents of `types.rs`.
pub fn types_module(types: &[TypeDef]) -> TokenStream {
    let preamble = types_preamble(types);
    let defs = types.iter().map(type_def);
    let helpers = types_helpers(types);
    quote! {
        #preamble
        #(#defs)*
        #helpers
    }
}

/// The module docs and imports of `types.rs`.
pub fn types_preamble(types: &[TypeDef]) -> TokenStream {
    // `Deserializer` is named only by the hand-written impls of enums and tagged unions.
    let custom_deserialize = types.iter().any(|t| match &t.kind {
        TypeKind::Enum { .. } => true,
        TypeKind::Union(u) => u.tag.is_some(),
        _ => false,
    });
    let serde_use = if custom_deserialize {
        quote!(
            use serde::{Deserialize, Deserializer, Serialize};
        )
    } else if types.iter().any(|t| !matches!(t.kind, TypeKind::Alias(_))) {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    } else {
        TokenStream::new()
    };
    quote! {
        //! Request and response bodies, as the spec describes them.
        // Field types nest as deep as the spec's schemas do (`Option<Option<Vec<Option<...>>>>`).
        #![allow(clippy::type_complexity)]
        #serde_use
    }
}

/// The private helpers at the end of `types.rs` that some types use.
pub fn types_helpers(types: &[TypeDef]) -> TokenStream {
    let needs_double_option = types.iter().any(|t| match &t.kind {
        TypeKind::Struct { fields } => fields.iter().any(|f| !f.required && f.nullable),
        _ => false,
    });
    let needs_str_visitor = types.iter().any(|t| matches!(t.kind, TypeKind::Enum { .. }));
    let double_option = needs_double_option.then(double_option_module);
    let str_visitor = needs_str_visitor.then(str_visitor);
    quote! {
        #double_option
        #str_visitor
    }
}

/// One model type and its impls.
pub fn type_def(t: &TypeDef) -> TokenStream {
    let name = ident(&t.name);
    let docs = doc(t.doc.as_deref());
    match &t.kind {
        TypeKind::Struct { fields } => struct_def(&name, docs, fields),
        TypeKind::Enum { variants, fallback } => string_enum(&name, docs, variants, fallback),
        TypeKind::Union(u) => union(&name, docs, u),
        TypeKind::Alias(ty) => {
            let ty = rust_type(ty, Scope::Types);
            quote! {
                #docs
                pub type #name = #ty;
            }
        }
    }
}

/// The name serde's `rename_all = "camelCase"` gives a Rust field name.
fn serde_camel_case(rust: &str) -> String {
    let mut out = String::with_capacity(rust.len());
    let mut upper = false;
    for c in rust.trim_start_matches("r#").chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `#[serde(rename_all = "camelCase")]` names every field right, with at least one
/// field that needs it: then no field needs a rename of its own.
fn camel_case_fits(fields: &[Field]) -> bool {
    fields.iter().all(|f| serde_camel_case(&f.name) == f.json_name)
        && fields.iter().any(|f| f.name.trim_start_matches("r#") != f.json_name)
}

fn struct_def(name: &Ident, docs: TokenStream, fields: &[Field]) -> TokenStream {
    let camel = camel_case_fits(fields);
    let container = if camel { quote!(#[serde(rename_all = "camelCase")]) } else { TokenStream::new() };
    let fields = fields.iter().map(|f| field(f, camel));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #container
        pub struct #name {
            #(#fields)*
        }
    }
}

fn field(f: &Field, camel: bool) -> TokenStream {
    let name = ident(&f.name);
    let mut ty = rust_type(&f.ty, Scope::Types);
    if f.boxed {
        ty = quote!(Box<#ty>);
    }
    let deprecated = if f.deprecated { quote!(#[deprecated]) } else { TokenStream::new() };
    let docs = doc(f.doc.as_deref());
    let mut serde_args: Vec<TokenStream> = Vec::new();
    if !camel && f.name.trim_start_matches("r#") != f.json_name {
        let json = &f.json_name;
        serde_args.push(quote!(rename = #json));
    }
    let ty = match (f.required, f.nullable) {
        (true, false) => ty,
        // Always written, as `null` when `None`: the field is required.
        (true, true) => quote!(Option<#ty>),
        (false, false) => {
            serde_args.push(quote!(default, skip_serializing_if = "Option::is_none"));
            quote!(Option<#ty>)
        }
        // Absent, `null` and a value are three different things here.
        (false, true) => {
            serde_args.push(quote!(default, skip_serializing_if = "Option::is_none", with = "double_option"));
            quote!(Option<Option<#ty>>)
        }
    };
    let serde_attr = if serde_args.is_empty() { TokenStream::new() } else { quote!(#[serde(#(#serde_args),*)]) };
    quote! {
        #docs
        #deprecated
        #serde_attr
        pub #name: #ty,
    }
}

fn string_enum(name: &Ident, docs: TokenStream, variants: &[crate::model::EnumVariant], fallback: &str) -> TokenStream {
    let fallback = ident(fallback);
    let idents: Vec<Ident> = variants.iter().map(|v| ident(&v.name)).collect();
    let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = values.iter().map(|v| own(&format!("`{v}`")));
    let open_doc = own(&format!(
        "\nValues added to the API after this client was generated decode into\n[`{name}::{fallback}`], which keeps the value as sent."
    ));
    quote! {
        #docs
        #open_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variant_docs #idents,)*
            /// A value this client does not know yet, kept as sent.
            #fallback(String),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::#fallback(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#idents,)*
                    other => Self::#fallback(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(StrVisitor(std::marker::PhantomData))
            }
        }
    }
}

/// A union of its variants' types. Variants are whole objects of different sizes, so
/// `clippy::large_enum_variant` is allowed: boxing them would only make matching clumsier.
fn union(name: &Ident, docs: TokenStream, u: &Union) -> TokenStream {
    let fallback = ident(&u.fallback);
    let variants: Vec<TokenStream> = u
        .variants
        .iter()
        .map(|v| {
            let vname = ident(&v.name);
            let mut ty = rust_type(&v.ty, Scope::Types);
            if v.boxed {
                ty = quote!(Box<#ty>);
            }
            let vdoc = match v.tag_values.as_slice() {
                [] => TokenStream::new(),
                values => own(&format!(
                    "Selected by {}.",
                    values.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
                )),
            };
            quote!(#vdoc #vname(#ty),)
        })
        .collect();
    match &u.tag {
        Some(tag) => {
            let arms: Vec<TokenStream> = u.variants.iter().filter(|v| !v.tag_values.is_empty()).map(|v| {
                let vname = ident(&v.name);
                let values = &v.tag_values;
                let wrap = if v.boxed { quote!(|v| Self::#vname(Box::new(v))) } else { quote!(Self::#vname) };
                quote! {
                    Some(#(#values)|*) => serde_json::from_value(value).map(#wrap).map_err(serde::de::Error::custom),
                }
            }).collect();
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
            let tag_doc = own(&format!("The variant is chosen by the `{tag}` property."));
            quote! {
                #docs
                ///
                #tag_doc
                #[derive(Debug, Clone, PartialEq, Serialize)]
                #[serde(untagged)]
                #[allow(clippy::large_enum_variant)]
                pub enum #name {
                    #(#variants)*
                    /// A kind this client does not know yet, kept as sent.
                    #fallback(serde_json::Value),
                }

                impl<'de> Deserialize<'de> for #name {
                    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = serde_json::Value::deserialize(deserializer)?;
                        #choose
                    }
                }
            }
        }
        None => quote! {
            #docs
            ///
            /// The first variant that the value fits is chosen.
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            #[serde(untagged)]
            #[allow(clippy::large_enum_variant)]
            pub enum #name {
                #(#variants)*
                /// A value that fits no variant, kept as sent.
                #fallback(serde_json::Value),
            }
        },
    }
}

/// Serde support for optional, nullable fields: `None` is absent, `Some(None)` is `null`.
fn double_option_module() -> TokenStream {
    quote! {
        mod double_option {
            use serde::{Deserialize, Deserializer, Serialize, Serializer};

            pub fn serialize<T: Serialize, S: Serializer>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error> {
                match value {
                    Some(inner) => inner.serialize(serializer),
                    None => serializer.serialize_none(),
                }
            }

            pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
                Option::<T>::deserialize(deserializer).map(Some)
            }
        }
    }
}

/// Decodes enum strings without allocating for the values the enum knows.
fn str_visitor() -> TokenStream {
    let visitor = format_ident!("StrVisitor");
    quote! {
        struct #visitor<T>(std::marker::PhantomData<T>);

        impl<T: for<'a> From<&'a str>> serde::de::Visitor<'_> for #visitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
                Ok(T::from(value))
            }
        }
    }
}
