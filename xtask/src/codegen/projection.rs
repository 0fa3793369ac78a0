//! Typed projections between the record's types, worked out from the model: an item's summary
//! field by field, and the way a section's list holds its summaries (in groups, or not). The
//! renderer turns them into the `RecordItem` impls; no model value goes through text.

use anyhow::{Context, Result, bail};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::model::{Content, FieldDef, Model, Occurs, StructDef, TyRef};

/// The struct a type path names (`super::work::Work`, `work::Work`).
pub fn struct_named<'m>(model: &'m Model, path: &str) -> Result<&'m StructDef> {
    let path = path.trim_start_matches("crate::").trim_start_matches("super::");
    let (module, name) = path.rsplit_once("::").with_context(|| format!("type path {path} has no module"))?;
    model.structs.iter().find(|s| s.module == module && s.rust == name).with_context(|| format!("no struct {path}"))
}

fn fields(s: &StructDef) -> Result<&[FieldDef]> {
    match &s.content {
        Content::Elements { fields, .. } => Ok(fields),
        _ => bail!("{} holds no child elements", s.rust),
    }
}

/// Whether summary field `a` is item field `b`: the same elements in the same Rust type. A
/// renamed element (`rename` gives the item's local name) may be in another namespace.
fn same_value(a: &FieldDef, b: &FieldDef, rename: impl Fn(&str) -> Option<&'static str>) -> bool {
    a.choice_enum == b.choice_enum
        && a.elems.len() == b.elems.len()
        && a.elems.iter().zip(&b.elems).all(|(x, y)| {
            let named = match rename(&x.local) {
                Some(local) => local == y.local,
                None => x.ns == y.ns && x.local == y.local,
            };
            named && x.ty == y.ty && x.variant == y.variant
        })
}

/// `summary`'s value built from `self`, an `item`: each attribute and element the summary has
/// is taken from the item's of the same name (or the one `renames` gives: summary's local
/// name → item's). What the item does not have is left empty; a part the summary requires and
/// the item lacks, or holds in another type, stops generation.
/// `fills` gives, for a part the summary requires and the item may lack, what to show then.
pub fn summary_of(
    item: &StructDef,
    summary: &StructDef,
    renames: &[(&'static str, &'static str)],
    fills: &[(&str, &str)],
) -> Result<TokenStream> {
    let what = || format!("{} → {}", item.rust, summary.rust);
    let mut inits = Vec::new();
    for a in &summary.attrs {
        let name = format_ident!("{}", a.rust);
        let value = match item.attrs.iter().find(|b| b.ns == a.ns && b.local == a.local) {
            Some(b) if b.ty != a.ty => bail!("{}: attribute {} has another type in the item", what(), a.local),
            Some(b) => {
                let from = format_ident!("{}", b.rust);
                match (a.required, b.required) {
                    (true, true) | (false, false) => quote!(self.#from.clone()),
                    (false, true) => quote!(Some(self.#from.clone())),
                    (true, false) => bail!("{}: the summary requires attribute {} the item may lack", what(), a.local),
                }
            }
            None if a.required => bail!("{}: the item has no attribute {}", what(), a.local),
            None => quote!(None),
        };
        inits.push(quote!(#name: #value));
    }
    let item_fields = fields(item)?;
    for f in fields(summary)? {
        let renamed = |local: &str| renames.iter().find(|(s, _)| *s == local).map(|(_, i)| *i);
        let name = format_ident!("{}", f.rust);
        let from = item_fields.iter().find(|g| same_value(f, g, renamed));
        let value = match from {
            Some(g) => {
                let from = format_ident!("{}", g.rust);
                match (f.occurs, g.occurs) {
                    (a, b) if a == b => quote!(self.#from.clone()),
                    (Occurs::Optional, Occurs::Required) => quote!(Some(self.#from.clone())),
                    (Occurs::Required, Occurs::Optional) if fills.iter().any(|(n, _)| *n == f.rust) => {
                        let fill = fills.iter().find(|(n, _)| *n == f.rust).map(|(_, e)| *e).unwrap_or_default();
                        let fill: syn::Expr =
                            syn::parse_str(fill).map_err(|e| anyhow::anyhow!("{}: bad fill for {}: {e}", what(), f.rust))?;
                        quote!(self.#from.clone().unwrap_or_else(|| #fill))
                    }
                    _ => bail!("{}: {} occurs {:?} in the summary but {:?} in the item", what(), f.rust, f.occurs, g.occurs),
                }
            }
            None => match f.occurs {
                Occurs::Optional => quote!(None),
                Occurs::Many => quote!(Vec::new()),
                Occurs::Required => bail!("{}: the item has nothing for the summary's required {}", what(), f.rust),
            },
        };
        inits.push(quote!(#name: #value));
    }
    for (local, _) in renames {
        if !fields(summary)?.iter().any(|f| f.elems.iter().any(|e| e.local == *local)) {
            bail!("{}: the summary has no element {local} to rename", what());
        }
    }
    let summary_ty = format_ident!("{}", summary.rust);
    let module = format_ident!("{}", summary.module);
    Ok(quote!(crate::#module::#summary_ty { #(#inits,)* unknown: Default::default() }))
}

/// The fields leading from a list type to the summaries it holds: one for a plain list (a
/// person section's), two for groups of summaries, three for groups of groups (peer reviews).
pub fn list_path<'m>(model: &'m Model, list: &'m StructDef, summary: &str) -> Result<Vec<&'m FieldDef>> {
    fn walk<'m>(model: &'m Model, s: &'m StructDef, target: &str, depth: usize) -> Option<Vec<&'m FieldDef>> {
        if depth == 0 {
            return None;
        }
        let Content::Elements { fields, .. } = &s.content else { return None };
        for f in fields.iter().filter(|f| f.occurs == Occurs::Many && f.choice_enum.is_none()) {
            let TyRef::Struct(path) = &f.elems[0].ty else { continue };
            if path.trim_start_matches("super::") == target {
                return Some(vec![f]);
            }
            if let Some(rest) = struct_named(model, path).ok().and_then(|inner| walk(model, inner, target, depth - 1)) {
                return Some([vec![f], rest].concat());
            }
        }
        None
    }
    walk(model, list, summary, 3).with_context(|| format!("{} holds no list of {summary}", list.rust))
}

/// A struct literal of `s` with the given fields set and every other part empty; a required
/// part not given stops generation.
pub fn construct(s: &StructDef, given: &[(&str, TokenStream)]) -> Result<TokenStream> {
    let mut inits = Vec::new();
    for a in &s.attrs {
        let name = format_ident!("{}", a.rust);
        match given.iter().find(|(n, _)| *n == a.rust) {
            Some((_, value)) => inits.push(quote!(#name: #value)),
            None if a.required => bail!("{}: required attribute {} not given", s.rust, a.rust),
            None => inits.push(quote!(#name: None)),
        }
    }
    for f in fields(s)? {
        let name = format_ident!("{}", f.rust);
        let value = match (given.iter().find(|(n, _)| *n == f.rust), f.occurs) {
            (Some((_, value)), Occurs::Optional) => quote!(Some(#value)),
            (Some((_, value)), _) => value.clone(),
            (None, Occurs::Optional) => quote!(None),
            (None, Occurs::Many) => quote!(Vec::new()),
            (None, Occurs::Required) => bail!("{}: required {} not given", s.rust, f.rust),
        };
        inits.push(quote!(#name: #value));
    }
    for (name, _) in given {
        if !s.attrs.iter().any(|a| a.rust == *name) && !fields(s)?.iter().any(|f| f.rust == *name) {
            bail!("{} has no part {name}", s.rust);
        }
    }
    let (module, name) = (format_ident!("{}", s.module), format_ident!("{}", s.rust));
    Ok(quote!(crate::#module::#name { #(#inits,)* unknown: Default::default() }))
}

/// The group type a list field holds.
pub fn group_struct<'m>(model: &'m Model, f: &FieldDef) -> Result<&'m StructDef> {
    match &f.elems[0].ty {
        TyRef::Struct(path) => struct_named(model, path),
        TyRef::Simple(_) => bail!("{} holds no groups", f.rust),
    }
}
