//! The type space the lowering fills: a [`TypeId`] per type, handed out when the type is
//! named (before its fields are known, so that types can refer to each other and to
//! themselves) and defined once it is lowered.

use super::{Operation, RustIdent, TypeDef, TypeId, TypeKind};

#[derive(Debug, Default)]
pub(crate) struct TypeSpace {
    names: Vec<RustIdent>,
    defs: Vec<Option<TypeDef>>,
    /// Ids in the order their types were defined: the order of the generated file.
    order: Vec<TypeId>,
}

impl TypeSpace {
    /// A new id for a type named `name`, to be defined later.
    pub fn reserve(&mut self, name: RustIdent) -> TypeId {
        self.names.push(name);
        self.defs.push(None);
        TypeId(self.names.len() - 1)
    }

    pub fn name(&self, id: TypeId) -> &RustIdent {
        &self.names[id.0]
    }

    /// Defines the type reserved as `id`.
    pub fn define(&mut self, id: TypeId, doc: Option<String>, pointer: String, kind: TypeKind) {
        debug_assert!(self.defs[id.0].is_none(), "type {} defined twice", self.names[id.0]);
        self.defs[id.0] = Some(TypeDef { name: self.names[id.0].clone(), doc, pointer, kind });
        self.order.push(id);
    }

    /// The definition of `id`, once defined.
    pub fn get(&self, id: TypeId) -> Option<&TypeDef> {
        self.defs[id.0].as_ref()
    }

    /// The types in the order they were defined, with every id (in them and in
    /// `operations`) renumbered to index that list.
    pub fn finish(self, operations: &mut [Operation]) -> Vec<TypeDef> {
        let mut new_index = vec![usize::MAX; self.defs.len()];
        for (new, old) in self.order.iter().enumerate() {
            new_index[old.0] = new;
        }
        let mut defs = self.defs;
        let mut types: Vec<TypeDef> = self.order.iter().map(|id| defs[id.0].take().expect("defined once")).collect();
        let mut renumber = |id: &mut TypeId| {
            let new = new_index[id.0];
            assert!(new != usize::MAX, "a reference to type {} that was never defined", self.names[id.0]);
            id.0 = new;
        };
        for ty in types.iter_mut().flat_map(TypeDef::refs_mut) {
            ty.ids_mut(&mut renumber);
        }
        for id in types.iter_mut().flat_map(TypeDef::ids_mut) {
            renumber(id);
        }
        for ty in operations.iter_mut().flat_map(Operation::refs_mut) {
            ty.ids_mut(&mut renumber);
        }
        types
    }
}
