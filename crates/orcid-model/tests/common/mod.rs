//! Helpers shared by the sample tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `schemas/upstream/src/main/resources`, checked to exist.
pub fn resources() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/upstream/src/main/resources");
    assert!(root.is_dir(), "{} is missing: run `cargo xtask schemas fetch` first", root.display());
    root
}

/// Every sample file with the extension under `dir`, sorted.
pub fn samples(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(dir, ext, &mut out);
    out
}

fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("readable").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) && path.components().any(|c| c.as_os_str() == "samples") {
            out.push(path);
        }
    }
}
