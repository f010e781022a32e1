//! Every public item of a generated crate has a one-line summary, and no doc comment starts
//! with an empty line: checked on the crates generated from every fixture and from Exa's
//! newest Websets spec, by parsing their files with `syn` and reading each item's first doc
//! line.

use std::path::Path;

use generator::{Layout, Options};
use syn::{Attribute, ImplItem, Item, Visibility};

/// What is wrong with one crate's docs, as `file: item: problem` lines.
fn doc_problems(spec: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(spec).unwrap();
    let options = Options {
        crate_name: "docs-check".into(),
        crate_version: "0.1.0".into(),
        api_key_env: None,
        regenerate_command: "cargo xtask check-specs".into(),
        layout: Layout::Standalone,
        ref_root: None,
    };
    let output = generator::generate(&text, &options).unwrap();
    let mut problems = Vec::new();
    for file in output.files.iter().filter(|f| f.path.extension().is_some_and(|e| e == "rs")) {
        let parsed = syn::parse_file(&file.contents).unwrap();
        let mut report =
            |what: &str, problem: &str| problems.push(format!("{}: {what}: {problem}", file.path.display()));
        check_leading_blank("the module", &parsed.attrs, &mut report);
        check_items(&parsed.items, true, &mut report);
    }
    problems
}

/// The doc lines of `attrs`, as written after `///`.
fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|s| s.lines().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

fn check_leading_blank(what: &str, attrs: &[Attribute], report: &mut impl FnMut(&str, &str)) {
    if doc_lines(attrs).first().is_some_and(|l| l.trim().is_empty()) {
        report(what, "its doc comment starts with an empty line");
    }
}

/// A public item must have docs whose first line says something; every doc comment must
/// start with text.
fn check(what: &str, public: bool, attrs: &[Attribute], report: &mut impl FnMut(&str, &str)) {
    let lines = doc_lines(attrs);
    match lines.first() {
        None if public => report(what, "no doc comment"),
        Some(first) if first.trim().is_empty() => report(what, "its doc comment starts with an empty line"),
        _ => {}
    }
}

/// `reachable`: whether the items are in a public module (items of a private one are not part
/// of the crate's API).
fn check_items(items: &[Item], reachable: bool, report: &mut impl FnMut(&str, &str)) {
    for item in items {
        let public = |vis: &Visibility| reachable && matches!(vis, Visibility::Public(_));
        match item {
            Item::Struct(s) => {
                check(&s.ident.to_string(), public(&s.vis), &s.attrs, report);
                for f in &s.fields {
                    let name = f.ident.as_ref().map_or_else(String::new, ToString::to_string);
                    check(&format!("{}.{name}", s.ident), false, &f.attrs, report);
                }
            }
            Item::Enum(e) => {
                check(&e.ident.to_string(), public(&e.vis), &e.attrs, report);
                for v in &e.variants {
                    check(&format!("{}::{}", e.ident, v.ident), false, &v.attrs, report);
                }
            }
            Item::Type(t) => check(&t.ident.to_string(), public(&t.vis), &t.attrs, report),
            Item::Fn(f) => check(&f.sig.ident.to_string(), public(&f.vis), &f.attrs, report),
            Item::Const(c) => check(&c.ident.to_string(), public(&c.vis), &c.attrs, report),
            Item::Static(s) => check(&s.ident.to_string(), public(&s.vis), &s.attrs, report),
            Item::Trait(t) => check(&t.ident.to_string(), public(&t.vis), &t.attrs, report),
            // A module in its own file has its docs there (`//!`), checked with that file.
            Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    check(&m.ident.to_string(), public(&m.vis), &m.attrs, report);
                    check_items(items, public(&m.vis), report);
                }
            }
            Item::Impl(i) => {
                let inherent = i.trait_.is_none();
                let ty = &i.self_ty;
                let ty = quote_type(ty);
                for member in &i.items {
                    match member {
                        ImplItem::Fn(f) => {
                            check(&format!("{ty}::{}", f.sig.ident), inherent && public(&f.vis), &f.attrs, report)
                        }
                        ImplItem::Const(c) => {
                            check(&format!("{ty}::{}", c.ident), inherent && public(&c.vis), &c.attrs, report)
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

fn quote_type(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p.path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::"),
        _ => "impl".to_owned(),
    }
}

#[test]
fn every_public_item_of_every_fixture_crate_has_a_summary_line() {
    let fixtures = xtask::repo_root().join("generator/tests/fixtures");
    let mut specs: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    assert!(!specs.is_empty());
    let problems: Vec<String> = specs
        .iter()
        .flat_map(|spec| doc_problems(spec).into_iter().map(move |p| format!("{}: {p}", spec.display())))
        .collect();
    assert!(problems.is_empty(), "{} doc problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn every_public_item_of_the_newest_websets_crate_has_a_summary_line() {
    let Some(shared) = xtask::shared_dir() else { return };
    let problems = doc_problems(&shared.join("specs/exa-websets/2026-03-12.yaml"));
    assert!(problems.is_empty(), "{} doc problems:\n{}", problems.len(), problems.join("\n"));
}
