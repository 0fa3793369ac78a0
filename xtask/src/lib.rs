//! The maintainer tasks behind `cargo xtask`, as a library so that tests can drive them.

pub mod bench;
pub mod codegen;
pub mod corpus;
pub mod public_api;
pub mod schemas;

/// Where things live in the workspace.
pub mod paths {
    use std::path::PathBuf;

    /// The workspace root.
    pub fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_path_buf()
    }
    /// `schemas/orcid-model.lock`.
    pub fn lock_file() -> PathBuf {
        root().join("schemas/orcid-model.lock")
    }
    /// The git-ignored folder the pinned ORCID files are fetched into.
    pub fn upstream_dir() -> PathBuf {
        root().join("schemas/upstream")
    }
    /// Our data file of ORCID's controlled vocabularies.
    pub fn vocabularies_file() -> PathBuf {
        root().join("schemas/vocabularies.toml")
    }
    /// The generated part of the model crate.
    pub fn generated_dir() -> PathBuf {
        root().join("crates/orcid-model/src/generated")
    }
}
