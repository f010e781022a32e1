//! Types that contain themselves directly (not through a `Vec` or map) need a `Box`
//! somewhere on the cycle, or the Rust type would have infinite size.

use std::collections::HashMap;

use super::{TypeDef, TypeKind, TypeRef};

#[derive(Clone, Copy)]
enum Edge {
    Field(usize, usize),
    Variant(usize, usize),
    /// Through a type alias, which cannot hold a `Box` of its own.
    Alias,
}

/// The named type a value of `ty` holds inline, if any.
fn direct_target(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(n) => Some(n),
        TypeRef::Nullable(inner) => direct_target(inner),
        _ => None,
    }
}

/// Marks fields and variants to box so that no cycle of inline containment remains.
/// Deterministic: types are visited in order, and the edge closing each cycle is boxed.
pub fn box_cycles(types: &mut [TypeDef]) {
    let index: HashMap<&str, usize> = types.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let edges: Vec<Vec<(usize, Edge)>> = types
        .iter()
        .enumerate()
        .map(|(ti, t)| {
            let mut out = Vec::new();
            match &t.kind {
                TypeKind::Struct { fields, .. } => {
                    for (fi, f) in fields.iter().enumerate() {
                        if let Some(&target) = direct_target(&f.ty).and_then(|n| index.get(n)) {
                            out.push((target, Edge::Field(ti, fi)));
                        }
                    }
                }
                TypeKind::Union(u) => {
                    for (vi, v) in u.variants.iter().enumerate() {
                        if let Some(&target) = direct_target(&v.ty).and_then(|n| index.get(n)) {
                            out.push((target, Edge::Variant(ti, vi)));
                        }
                    }
                }
                TypeKind::Alias(ty) => {
                    if let Some(&target) = direct_target(ty).and_then(|n| index.get(n)) {
                        out.push((target, Edge::Alias));
                    }
                }
                TypeKind::Enum { .. } => {}
            }
            out
        })
        .collect();

    const WHITE: u8 = 0;
    const GRAY: u8 = 1;
    const BLACK: u8 = 2;
    let mut color = vec![WHITE; types.len()];
    let mut to_box: Vec<Edge> = Vec::new();
    for start in 0..types.len() {
        if color[start] != WHITE {
            continue;
        }
        // Iterative DFS: (node, next edge to look at, edge that entered this node).
        let mut stack: Vec<(usize, usize, Option<Edge>)> = vec![(start, 0, None)];
        color[start] = GRAY;
        while let Some(top) = stack.last_mut() {
            let (node, next) = (top.0, top.1);
            if next == edges[node].len() {
                color[node] = BLACK;
                stack.pop();
                continue;
            }
            top.1 += 1;
            let (target, edge) = edges[node][next];
            match color[target] {
                WHITE => {
                    color[target] = GRAY;
                    stack.push((target, 0, Some(edge)));
                }
                GRAY => {
                    // A cycle: box this edge, or the nearest boxable edge on the way round.
                    let boxable = |e: &Edge| !matches!(e, Edge::Alias);
                    let choice = if boxable(&edge) {
                        Some(edge)
                    } else {
                        let from = stack.iter().rposition(|f| f.0 == target).unwrap_or(0);
                        stack[from + 1..].iter().rev().filter_map(|f| f.2).find(boxable)
                    };
                    to_box.extend(choice);
                }
                _ => {}
            }
        }
    }
    for edge in to_box {
        match edge {
            Edge::Field(t, f) => {
                if let TypeKind::Struct { fields, .. } = &mut types[t].kind {
                    fields[f].boxed = true;
                }
            }
            Edge::Variant(t, v) => {
                if let TypeKind::Union(u) = &mut types[t].kind {
                    u.variants[v].boxed = true;
                }
            }
            Edge::Alias => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Field, Union, UnionVariant};

    fn field(name: &str, ty: TypeRef) -> Field {
        Field {
            json_name: name.into(),
            name: name.into(),
            ty,
            required: true,
            nullable: false,
            boxed: false,
            doc: None,
            deprecated: false,
        }
    }

    fn strukt(name: &str, fields: Vec<Field>) -> TypeDef {
        TypeDef {
            name: name.into(),
            doc: None,
            pointer: String::new(),
            kind: TypeKind::Struct { fields, additional: None },
        }
    }

    fn named(n: &str) -> TypeRef {
        TypeRef::Named(n.into())
    }

    fn boxed(t: &TypeDef) -> Vec<bool> {
        match &t.kind {
            TypeKind::Struct { fields, .. } => fields.iter().map(|f| f.boxed).collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| v.boxed).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn self_reference_is_boxed_but_not_through_a_vec() {
        let mut types = vec![strukt(
            "Node",
            vec![
                field("parent", TypeRef::Nullable(Box::new(named("Node")))),
                field("children", TypeRef::Array(Box::new(named("Node")))),
            ],
        )];
        box_cycles(&mut types);
        assert_eq!(boxed(&types[0]), [true, false]);
    }

    #[test]
    fn mutual_recursion_boxes_one_edge() {
        let mut types = vec![strukt("A", vec![field("b", named("B"))]), strukt("B", vec![field("a", named("A"))])];
        box_cycles(&mut types);
        assert_eq!(boxed(&types[0]), [false]);
        assert_eq!(boxed(&types[1]), [true]);
    }

    #[test]
    fn cycles_through_aliases_and_unions_box_a_boxable_edge() {
        let mut types = vec![
            strukt("A", vec![field("x", named("X"))]),
            TypeDef { name: "X".into(), doc: None, pointer: String::new(), kind: TypeKind::Alias(named("U")) },
            TypeDef {
                name: "U".into(),
                doc: None,
                pointer: String::new(),
                kind: TypeKind::Union(Union {
                    tag: None,
                    variants: vec![UnionVariant { name: "A".into(), ty: named("A"), tag_values: vec![], boxed: false }],
                    fallback: "Unknown".into(),
                }),
            },
        ];
        box_cycles(&mut types);
        assert_eq!(boxed(&types[2]), [true]);
        assert_eq!(boxed(&types[0]), [false]);
    }
}
