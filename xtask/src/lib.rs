//! The maintainer tasks behind `cargo xtask`, as a library so that tests can drive them.

pub mod backtest;
pub mod bench;
pub mod codegen;
pub mod corpus;
pub mod lists;
pub mod public_api;
pub mod repin;
pub mod report;
pub mod schemas;
pub mod web;

/// Where things live in the workspace.
pub mod paths {
    use std::path::{Path, PathBuf};

    /// The generated part of the model crate, under the workspace root.
    pub const GENERATED: &str = "crates/orcid-model/src/generated";

    /// The workspace root: the nearest folder at or above the current directory that holds
    /// `schemas/orcid-model.lock` and a `Cargo.toml`, found at run time, so that an xtask built
    /// in one clone and run in another (a shared `CARGO_TARGET_DIR`) works on the clone it is
    /// run in. Outside any workspace, the one this xtask was built from.
    pub fn root() -> PathBuf {
        let here = std::env::current_dir().ok();
        here.as_deref()
            .and_then(find_root)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_path_buf())
    }

    /// The workspace root at or above `dir`, if any.
    pub fn find_root(dir: &Path) -> Option<PathBuf> {
        dir.ancestors().find(|d| d.join("schemas/orcid-model.lock").is_file() && d.join("Cargo.toml").is_file()).map(Path::to_path_buf)
    }

    /// The target folder: `CARGO_TARGET_DIR` when set (relative to `root`), else `root/target`.
    pub fn target(root: &Path) -> PathBuf {
        match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => root.join(dir),
            None => root.join("target"),
        }
    }

    /// A scratch folder of xtask's for this workspace: under the target folder, named after the
    /// workspace too, so that two clones sharing one target folder never share scratch space.
    pub fn scratch(root: &Path, name: &str) -> PathBuf {
        let tag = crate::schemas::sha256_hex(root.to_string_lossy().as_bytes());
        target(root).join("xtask").join(&tag[..12]).join(name)
    }

    /// `schemas/orcid-model.lock`.
    pub fn lock_file() -> PathBuf {
        root().join("schemas/orcid-model.lock")
    }
    /// The git-ignored folder the pinned ORCID files are fetched into.
    pub fn upstream_dir() -> PathBuf {
        root().join("schemas/upstream")
    }
    /// The generated part of the model crate.
    pub fn generated_dir() -> PathBuf {
        root().join(GENERATED)
    }
}
