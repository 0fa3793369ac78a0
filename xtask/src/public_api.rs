//! `cargo xtask public-api`: a listing of each library crate's public API, one line per item,
//! committed under `api/` and compared in a test, so that a change to the API shows up as a
//! reviewable diff (and a schema re-pin says whether its change is additive).
//!
//! The listing is read from the source with `syn`: every `pub` item of every module reachable
//! through `pub` modules, items re-exported from private modules, the fields of structs, the
//! variants of enums, the methods of inherent impls and the traits a type implements, and the
//! derives and `#[non_exhaustive]`. `#[doc(hidden)]` and `#[cfg(test)]`/`#[cfg(doctest)]`
//! items are not API. (rustdoc's JSON would be exact but needs a nightly toolchain.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use quote::ToTokens;
use syn::{Attribute, ImplItem, Item, TraitItem, UseTree, Visibility};

/// The library crates whose API is listed: (crate directory, crate name).
pub const CRATES: &[(&str, &str)] = &[
    ("crates/orcid-model", "orcid_model"),
    ("crates/orcid-client", "orcid_client"),
    ("crates/orcid-emulator", "orcid_emulator"),
    ("crates/orcid-dump", "orcid_dump"),
];

/// Where a crate's listing is committed.
pub fn listing_path(root: &Path, crate_name: &str) -> PathBuf {
    root.join("api").join(format!("{crate_name}.txt"))
}

/// One parsed source file, as a module.
struct Module {
    file: syn::File,
    /// Whether the module is reachable through `pub` modules and not hidden.
    public: bool,
    /// Whether the module is declared `pub` (and not hidden) in its parent.
    declared_pub: bool,
}

/// The crate's public API, one line per item.
pub fn listing(crate_dir: &Path, crate_name: &str) -> Result<String> {
    let mut modules: BTreeMap<String, Module> = BTreeMap::new();
    load(&crate_dir.join("src/lib.rs"), crate_name.to_owned(), true, true, &mut modules)?;
    let aliases = glob_aliases(&mut modules);
    let mut out = Vec::new();
    for (path, module) in &modules {
        if !module.public {
            continue;
        }
        // A re-exported module's items are listed under the module that re-exports them.
        if !aliases.iter().any(|(private, _)| private == path) {
            out.push(format!("mod {path}"));
        }
        for item in &module.file.items {
            list_item(item, path, &modules, &mut out);
        }
    }
    // Listed at the paths users write: `crate::work`, not `crate::generated::work`.
    let mut text = out.join("\n") + "\n";
    for (private, public) in aliases {
        text = text.replace(&format!("{private}::"), &format!("{public}::"));
        let (relative, public_relative) = (private.split_once("::").map_or("", |(_, r)| r), public.split_once("::").map(|(_, r)| r));
        let public_relative = public_relative.map_or("crate::".to_owned(), |r| format!("crate::{r}::"));
        text = text.replace(&format!("crate::{relative}::"), &public_relative);
    }
    Ok(text)
}

/// A private module whose items a public module re-exports whole (`mod generated;
/// pub use generated::*;`): its `pub` descendants are public at the re-exporting module's
/// path. Marks them public and returns (the private module's path, the public path).
fn glob_aliases(modules: &mut BTreeMap<String, Module>) -> Vec<(String, String)> {
    let mut aliases = Vec::new();
    for (module, m) in modules.iter().filter(|(_, m)| m.public) {
        for item in &m.file.items {
            let Item::Use(u) = item else { continue };
            if !is_pub(&u.vis) || hidden(&u.attrs) {
                continue;
            }
            let mut globs = Vec::new();
            glob_targets(&u.tree, module, &mut Vec::new(), &mut globs);
            for target in globs.into_iter().filter(|t| modules.get(t).is_some_and(|t| !t.public)) {
                aliases.push((target, module.clone()));
            }
        }
    }
    for (private, _) in &aliases {
        if let Some(m) = modules.get_mut(private) {
            m.public = true;
        }
        let descendants: Vec<String> = modules.keys().filter(|k| k.starts_with(&format!("{private}::"))).cloned().collect();
        for path in descendants {
            // Public when every module from the re-exported one down is declared `pub`.
            let mut chain = path.clone();
            let mut all_pub = true;
            while chain != *private {
                all_pub &= modules.get(&chain).is_some_and(|m| m.declared_pub);
                chain = chain.rsplit_once("::").map_or(String::new(), |(parent, _)| parent.to_owned());
            }
            if let Some(m) = modules.get_mut(&path) {
                m.public = all_pub;
            }
        }
    }
    aliases
}

/// Parses a module's file and, depth first, the files of the modules it declares.
fn load(file: &Path, path: String, public: bool, declared_pub: bool, modules: &mut BTreeMap<String, Module>) -> Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let parsed = syn::parse_file(&text).with_context(|| format!("parsing {}", file.display()))?;
    let dir = match file.file_name().and_then(|n| n.to_str()) {
        Some("lib.rs" | "mod.rs") => file.parent().map(Path::to_path_buf),
        _ => file.parent().map(|p| p.join(file.file_stem().unwrap_or_default())),
    }
    .unwrap_or_default();
    let children: Vec<(String, bool)> = parsed
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Mod(m) if m.content.is_none() && !excluded(&m.attrs) => Some((m.ident.to_string(), is_pub(&m.vis) && !hidden(&m.attrs))),
            _ => None,
        })
        .collect();
    // Inline modules (`pub mod scope { ... }`) are modules of their own.
    for item in &parsed.items {
        if let Item::Mod(m) = item
            && let Some((_, items)) = &m.content
            && !excluded(&m.attrs)
        {
            let inline = syn::File { shebang: None, attrs: Vec::new(), items: items.clone() };
            let inline_pub = is_pub(&m.vis) && !hidden(&m.attrs);
            modules.insert(format!("{path}::{}", m.ident), Module { file: inline, public: public && inline_pub, declared_pub: inline_pub });
        }
    }
    modules.insert(path.clone(), Module { file: parsed, public, declared_pub });
    for (name, child_pub) in children {
        let candidates = [dir.join(format!("{name}.rs")), dir.join(&name).join("mod.rs")];
        let found = candidates.iter().find(|c| c.exists()).with_context(|| format!("module {path}::{name}: no file"))?;
        load(found, format!("{path}::{name}"), public && child_pub, child_pub, modules)?;
    }
    Ok(())
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn hidden(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc") && a.to_token_stream().to_string().contains("hidden"))
}

/// Test-only and doctest-only items.
fn excluded(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        let text = a.to_token_stream().to_string();
        a.path().is_ident("cfg") && (text.contains("test") || text.contains("doctest"))
    })
}

/// Tokens as one line, with the spaces `quote` puts around punctuation taken out.
fn text<T: ToTokens>(t: &T) -> String {
    let mut s = t.to_token_stream().to_string();
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ,", ","),
        (",)", ")"),
        ("& ", "&"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (" : ", ": "),
        ("{ ", "{"),
        (" }", "}"),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// The derives, `#[non_exhaustive]` and `#[must_use]` on an item: they are API too.
fn markers(attrs: &[Attribute]) -> String {
    let mut out = Vec::new();
    for a in attrs {
        if a.path().is_ident("derive") || a.path().is_ident("non_exhaustive") || a.path().is_ident("must_use") {
            out.push(text(&a.meta));
        }
    }
    if out.is_empty() { String::new() } else { format!(" #[{}]", out.join(", ")) }
}

fn list_item(item: &Item, module: &str, modules: &BTreeMap<String, Module>, out: &mut Vec<String>) {
    match item {
        Item::Struct(s) if is_pub(&s.vis) && !hidden(&s.attrs) && !excluded(&s.attrs) => {
            out.push(format!("struct {module}::{}{}{}", s.ident, text(&s.generics), markers(&s.attrs)));
            for (i, f) in s.fields.iter().enumerate().filter(|(_, f)| is_pub(&f.vis) && !hidden(&f.attrs)) {
                let name = f.ident.as_ref().map_or_else(|| i.to_string(), ToString::to_string);
                out.push(format!("  field {name}: {}", text(&f.ty)));
            }
            impls(&s.ident.to_string(), module, modules, out);
        }
        Item::Enum(e) if is_pub(&e.vis) && !hidden(&e.attrs) && !excluded(&e.attrs) => {
            out.push(format!("enum {module}::{}{}{}", e.ident, text(&e.generics), markers(&e.attrs)));
            for v in e.variants.iter().filter(|v| !hidden(&v.attrs)) {
                out.push(format!("  variant {}{}", v.ident, if v.fields.is_empty() { String::new() } else { text(&v.fields) }));
            }
            impls(&e.ident.to_string(), module, modules, out);
        }
        Item::Trait(t) if is_pub(&t.vis) && !hidden(&t.attrs) && !excluded(&t.attrs) => {
            let supertraits = if t.supertraits.is_empty() { String::new() } else { format!(": {}", text(&t.supertraits)) };
            out.push(format!("trait {module}::{}{}{supertraits}", t.ident, text(&t.generics)));
            for ti in &t.items {
                match ti {
                    TraitItem::Fn(f) if !hidden(&f.attrs) => {
                        let provided = if f.default.is_some() { " (provided)" } else { "" };
                        out.push(format!("  {}{provided}", text(&f.sig)));
                    }
                    TraitItem::Const(c) if !hidden(&c.attrs) => out.push(format!("  const {}: {}", c.ident, text(&c.ty))),
                    TraitItem::Type(ty) if !hidden(&ty.attrs) => out.push(format!("  type {}{}", ty.ident, text(&ty.bounds))),
                    _ => {}
                }
            }
            impls(&t.ident.to_string(), module, modules, out);
        }
        Item::Fn(f) if is_pub(&f.vis) && !hidden(&f.attrs) && !excluded(&f.attrs) => out.push(format!("{module}: {}", text(&f.sig))),
        Item::Const(c) if is_pub(&c.vis) && !hidden(&c.attrs) => out.push(format!("const {module}::{}: {}", c.ident, text(&c.ty))),
        Item::Static(s) if is_pub(&s.vis) && !hidden(&s.attrs) => out.push(format!("static {module}::{}: {}", s.ident, text(&s.ty))),
        Item::Type(t) if is_pub(&t.vis) && !hidden(&t.attrs) => {
            out.push(format!("type {module}::{}{} = {}", t.ident, text(&t.generics), text(&t.ty)))
        }
        Item::Use(u) if is_pub(&u.vis) && !hidden(&u.attrs) => {
            out.push(format!("use {module}::{{{}}}", text(&u.tree)));
            // Items re-exported from a module that is not public are listed here, with their impls.
            let mut leaves = Vec::new();
            use_leaves(&u.tree, module, &mut Vec::new(), &mut leaves);
            for (from, name) in leaves {
                // A private module's inline module re-exported whole (`pub use oauth::scope`).
                let whole = format!("{from}::{name}");
                if let Some(inner) = modules.get(&whole).filter(|m| !m.public) {
                    out.push(format!("mod {whole}"));
                    for item in &inner.file.items {
                        list_item(item, &whole, modules, out);
                    }
                    continue;
                }
                if let Some(source) = modules.get(&from).filter(|m| !m.public) {
                    for item in source.file.items.iter().filter(|i| item_name(i).as_deref() == Some(name.as_str())) {
                        // Listed at the path users write (`crate::DateTime`), its members
                        // found where it is defined.
                        let first = out.len();
                        list_item(item, &from, modules, out);
                        if let Some(header) = out.get_mut(first) {
                            *header = match header.strip_prefix(&format!("{from}: ")) {
                                Some(function) => format!("{module}: {function}"),
                                None => header.replacen(&format!("{from}::{name}"), &format!("{module}::{name}"), 1),
                            };
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// The name an item defines.
fn item_name(item: &Item) -> Option<String> {
    Some(match item {
        Item::Struct(s) => s.ident.to_string(),
        Item::Enum(e) => e.ident.to_string(),
        Item::Trait(t) => t.ident.to_string(),
        Item::Fn(f) => f.sig.ident.to_string(),
        Item::Const(c) => c.ident.to_string(),
        Item::Static(s) => s.ident.to_string(),
        Item::Type(t) => t.ident.to_string(),
        _ => return None,
    })
}

/// The (module, name) each leaf of a `use` tree names, resolving `crate::`, `self::` and
/// `super::` against the module it is in.
fn use_leaves(tree: &UseTree, module: &str, prefix: &mut Vec<String>, out: &mut Vec<(String, String)>) {
    match tree {
        UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_leaves(&p.tree, module, prefix, out);
            prefix.pop();
        }
        UseTree::Name(n) => out.push((resolve(module, prefix), n.ident.to_string())),
        UseTree::Rename(r) => out.push((resolve(module, prefix), r.ident.to_string())),
        UseTree::Group(g) => g.items.iter().for_each(|t| use_leaves(t, module, prefix, out)),
        UseTree::Glob(_) => {}
    }
}

fn resolve(module: &str, segments: &[String]) -> String {
    let root = module.split("::").next().unwrap_or(module);
    let mut path: Vec<&str> = match segments.first().map(String::as_str) {
        Some("crate") => vec![root],
        _ => module.split("::").collect(),
    };
    for s in segments {
        match s.as_str() {
            "crate" | "self" => {}
            "super" => {
                path.pop();
            }
            other => path.push(other),
        }
    }
    path.join("::")
}

/// A module path as the module is defined: a path through a glob re-export (`pub use
/// generated::*` makes `crate::work` name `crate::generated::work`) is followed to the module.
fn canonical(path: &str, modules: &BTreeMap<String, Module>) -> String {
    if modules.contains_key(path) {
        return path.to_owned();
    }
    for (module, m) in modules {
        for item in &m.file.items {
            let Item::Use(u) = item else { continue };
            let mut globs = Vec::new();
            glob_targets(&u.tree, module, &mut Vec::new(), &mut globs);
            for target in globs {
                if let Some(rest) = path.strip_prefix(&format!("{module}::")) {
                    let candidate = format!("{target}::{rest}");
                    if modules.contains_key(&candidate) {
                        return candidate;
                    }
                }
            }
        }
    }
    path.to_owned()
}

/// Whether module `owner` re-exports all of `module` (`pub use generated::*` at the crate
/// root): an `impl Document` there, written against `crate::Document`, is `module`'s type's.
fn globs_in(owner: &str, module: &str, modules: &BTreeMap<String, Module>) -> bool {
    let Some(m) = modules.get(owner) else { return false };
    m.file.items.iter().any(|item| {
        let Item::Use(u) = item else { return false };
        let mut globs = Vec::new();
        glob_targets(&u.tree, owner, &mut Vec::new(), &mut globs);
        is_pub(&u.vis) && globs.iter().any(|g| g == module)
    })
}

/// The modules a `use` tree glob-imports (`generated::*` → `crate::generated`).
fn glob_targets(tree: &UseTree, module: &str, prefix: &mut Vec<String>, out: &mut Vec<String>) {
    match tree {
        UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            glob_targets(&p.tree, module, prefix, out);
            prefix.pop();
        }
        UseTree::Group(g) => g.items.iter().for_each(|t| glob_targets(t, module, prefix, out)),
        UseTree::Glob(_) => out.push(resolve(module, prefix)),
        _ => {}
    }
}

/// The impls of the type `name` defined in `module`: the public methods of inherent impls,
/// and the traits it implements, from every module of the crate.
fn impls(name: &str, module: &str, modules: &BTreeMap<String, Module>, out: &mut Vec<String>) {
    let mut traits = Vec::new();
    for (path, m) in modules {
        for item in &m.file.items {
            let Item::Impl(imp) = item else { continue };
            if excluded(&imp.attrs) || hidden(&imp.attrs) {
                continue;
            }
            let syn::Type::Path(ty) = &*imp.self_ty else { continue };
            let segments: Vec<String> = ty.path.segments.iter().map(|s| s.ident.to_string()).collect();
            let (last, parents) = segments.split_last().map_or((String::new(), &[][..]), |(l, p)| (l.clone(), p));
            // `impl Client` in another module names the type through its `use`.
            let owner = match parents {
                [] => imported_from(&m.file, path, &last).unwrap_or_else(|| path.clone()),
                _ => resolve(path, parents),
            };
            if last != name || (canonical(&owner, modules) != module && !globs_in(&owner, module, modules)) {
                continue;
            }
            match &imp.trait_ {
                Some((_, trait_path, _)) => traits.push(format!("  impl{} {}", text(&imp.generics), text(trait_path))),
                None => {
                    for ii in &imp.items {
                        match ii {
                            ImplItem::Fn(f) if is_pub(&f.vis) && !hidden(&f.attrs) => out.push(format!("  {}", text(&f.sig))),
                            ImplItem::Const(c) if is_pub(&c.vis) && !hidden(&c.attrs) => {
                                out.push(format!("  const {}: {}", c.ident, text(&c.ty)))
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
    }
    traits.sort();
    out.extend(traits);
}

/// The module a file's `use` items import `name` from, if they do.
fn imported_from(file: &syn::File, module: &str, name: &str) -> Option<String> {
    let mut leaves = Vec::new();
    for item in &file.items {
        if let Item::Use(u) = item {
            use_leaves(&u.tree, module, &mut Vec::new(), &mut leaves);
        }
    }
    leaves.into_iter().find(|(_, leaf)| leaf == name).map(|(from, _)| from)
}

/// The lines only in `old` (removed) and only in `new` (added), in order. A member's line
/// (indented under its type) is compared and shown with its type's path (`orcid_model::…::Work ›
/// fn new(…)`): the same member line under two types is two items.
pub fn diff(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let (old, new) = (qualified(old), qualified(new));
    let old_lines: std::collections::HashSet<&str> = old.iter().map(String::as_str).collect();
    let new_lines: std::collections::HashSet<&str> = new.iter().map(String::as_str).collect();
    let removed = old.iter().filter(|l| !new_lines.contains(l.as_str())).cloned().collect();
    let added = new.iter().filter(|l| !old_lines.contains(l.as_str())).cloned().collect();
    (removed, added)
}

/// A listing's lines, members prefixed with their owner's path.
fn qualified(listing: &str) -> Vec<String> {
    let mut owner = String::new();
    listing
        .lines()
        .map(|line| match line.strip_prefix("  ") {
            Some(member) => format!("{owner} › {}", member.trim_start()),
            None => {
                owner = line.split_whitespace().nth(1).unwrap_or(line).to_owned();
                line.to_owned()
            }
        })
        .collect()
}
