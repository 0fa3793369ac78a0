//! The emulator's modules stay in layers: each imports only modules of the layers below it,
//! never one of its own layer (no two features know each other) or one above.

use std::collections::BTreeSet;
use std::path::Path;

/// Bottom up. The crate root (`lib.rs`) is above them all.
const LAYERS: &[&[&str]] =
    &[&["faults"], &["config"], &["state"], &["http"], &["groups", "items", "notices", "oauth", "people", "search"], &["router"]];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The crate modules a source file names: `crate::x::...` paths and `use crate::{x, y::z}`.
fn imports(source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for path in group[..end].split(',') {
                let name: String = path.trim().chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        } else {
            let name: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
            // `crate::Name` (a type at the root) is not a module.
            if !name.is_empty() && rest[name.len()..].starts_with("::") {
                found.insert(name);
            }
        }
    }
    found
}

#[test]
fn every_module_imports_only_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut seen = BTreeSet::new();
    let mut wrong = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let module = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if module == "lib" {
            continue;
        }
        let layer = layer_of(&module).unwrap_or_else(|| panic!("src/{module}.rs is in no layer: add it to LAYERS"));
        seen.insert(module.clone());
        for import in imports(&std::fs::read_to_string(&path).unwrap()) {
            match layer_of(&import) {
                Some(l) if l < layer => {}
                Some(_) => wrong.push(format!("{module} (layer {layer}) imports {import}")),
                None => wrong.push(format!("{module} imports {import}, which is the crate root or no module")),
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers:\n{}", wrong.join("\n"));
    let listed: BTreeSet<String> = LAYERS.iter().flat_map(|l| l.iter().map(|m| m.to_string())).collect();
    assert_eq!(seen, listed, "LAYERS names modules that are not there");
}

#[test]
fn the_import_reader_sees_paths_and_groups() {
    let source = "use crate::http::{Ctx, typed};\nuse crate::{groups, items::StoredSome};\nlet x = crate::state::lock(&y); crate::Config";
    let found: Vec<String> = imports(source).into_iter().collect();
    assert_eq!(found, ["groups", "http", "items", "state"]);
}
