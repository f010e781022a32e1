//! Types that contain themselves directly (not through a `Vec` or map) need a `Box`
//! somewhere on the cycle, or the Rust type would have infinite size.

use super::{TypeDef, TypeKind, TypeRef};

#[derive(Clone, Copy)]
enum Edge {
    Field(usize, usize),
    Variant(usize, usize),
    /// Through a type alias, which cannot hold a `Box` of its own.
    Alias,
}

/// The named type a value of `ty` holds inline, if any.
fn direct_target(ty: &TypeRef) -> Option<usize> {
    match ty {
        TypeRef::Named(id) => Some(id.index()),
        TypeRef::Nullable(inner) => direct_target(inner),
        _ => None,
    }
}

/// Marks fields and variants to box so that no cycle of inline containment remains.
/// Deterministic: types are visited in order, and the edge closing each cycle is boxed.
pub fn box_cycles(types: &mut [TypeDef]) {
    let to_box = closing_edges(&containment(types));
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

/// For each type, the types its values hold inline, with the field, variant or alias that
/// holds each.
fn containment(types: &[TypeDef]) -> Vec<Vec<(usize, Edge)>> {
    let target = |ty: &TypeRef| direct_target(ty).filter(|i| *i < types.len());
    types
        .iter()
        .enumerate()
        .map(|(ti, t)| match &t.kind {
            TypeKind::Struct { fields, .. } => {
                fields.iter().enumerate().filter_map(|(fi, f)| Some((target(&f.ty)?, Edge::Field(ti, fi)))).collect()
            }
            TypeKind::Union(u) => u
                .variants
                .iter()
                .enumerate()
                .filter_map(|(vi, v)| Some((target(&v.ty)?, Edge::Variant(ti, vi))))
                .collect(),
            TypeKind::Alias(ty) => target(ty).map(|t| (t, Edge::Alias)).into_iter().collect(),
            TypeKind::Enum { .. } => Vec::new(),
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    OnPath,
    Done,
}

/// A depth-first walk over `edges` that returns, for each cycle it closes, the edge to box:
/// the closing edge, or the nearest boxable edge on the way round when that is an alias.
fn closing_edges(edges: &[Vec<(usize, Edge)>]) -> Vec<Edge> {
    let mut visit = vec![Visit::New; edges.len()];
    let mut to_box = Vec::new();
    for start in 0..edges.len() {
        if visit[start] != Visit::New {
            continue;
        }
        // Iterative: (node, next edge to look at, edge that entered this node).
        let mut stack: Vec<(usize, usize, Option<Edge>)> = vec![(start, 0, None)];
        visit[start] = Visit::OnPath;
        while let Some(top) = stack.last_mut() {
            let (node, next) = (top.0, top.1);
            if next == edges[node].len() {
                visit[node] = Visit::Done;
                stack.pop();
                continue;
            }
            top.1 += 1;
            let (target, edge) = edges[node][next];
            match visit[target] {
                Visit::New => {
                    visit[target] = Visit::OnPath;
                    stack.push((target, 0, Some(edge)));
                }
                Visit::OnPath => {
                    let boxable = |e: &Edge| !matches!(e, Edge::Alias);
                    let choice = if boxable(&edge) {
                        Some(edge)
                    } else {
                        let from = stack.iter().rposition(|f| f.0 == target).unwrap_or(0);
                        stack[from + 1..].iter().rev().filter_map(|f| f.2).find(boxable)
                    };
                    to_box.extend(choice);
                }
                Visit::Done => {}
            }
        }
    }
    to_box
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Field, TypeId, Union, UnionVariant};
    use crate::names::{RustIdent, Scope};

    fn id(name: &str) -> RustIdent {
        Scope::default().claim(name)
    }

    fn field(name: &str, ty: TypeRef) -> Field {
        Field {
            json_name: name.into(),
            name: id(name),
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
            name: id(name),
            doc: None,
            pointer: String::new(),
            kind: TypeKind::Struct { fields, additional: None, includes: Vec::new() },
        }
    }

    /// A reference to the type at `index`.
    fn named(index: usize) -> TypeRef {
        TypeRef::Named(TypeId(index))
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
                field("parent", TypeRef::Nullable(Box::new(named(0)))),
                field("children", TypeRef::Array(Box::new(named(0)))),
            ],
        )];
        box_cycles(&mut types);
        assert_eq!(boxed(&types[0]), [true, false]);
    }

    #[test]
    fn mutual_recursion_boxes_one_edge() {
        let mut types = vec![strukt("A", vec![field("b", named(1))]), strukt("B", vec![field("a", named(0))])];
        box_cycles(&mut types);
        assert_eq!(boxed(&types[0]), [false]);
        assert_eq!(boxed(&types[1]), [true]);
    }

    #[test]
    fn cycles_through_aliases_and_unions_box_a_boxable_edge() {
        let mut types = vec![
            strukt("A", vec![field("x", named(1))]),
            TypeDef { name: id("X"), doc: None, pointer: String::new(), kind: TypeKind::Alias(named(2)) },
            TypeDef {
                name: id("U"),
                doc: None,
                pointer: String::new(),
                kind: TypeKind::Union(Union {
                    tag: None,
                    variants: vec![UnionVariant { name: id("A"), ty: named(0), tag_values: vec![], boxed: false }],
                    fallback: id("Unknown"),
                }),
            },
        ];
        box_cycles(&mut types);
        assert_eq!(boxed(&types[2]), [true]);
        assert_eq!(boxed(&types[0]), [false]);
    }
}
