//! `cargo xtask schemas update --rev REV` and `schemas check`: moving the pin, with the upgrade
//! report of what the move changes for users.
//!
//! A re-pin is all or nothing: the new files are fetched and the new model built (which fails
//! when our lists overlay names a value upstream dropped) before the workspace is touched.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::codegen::{self, Inputs};
use crate::public_api;
use crate::report::{self, Report};
use crate::schemas::{self, Lock, Source};

/// The model crate's listing, by crate name.
const MODEL: (&str, &str) = ("crates/orcid-model", "orcid_model");

/// Re-pins the workspace at `root` to `rev`: writes the lock, fetches the files, regenerates the
/// model and its API listing, and returns the report.
pub fn update(root: &Path, source: &Source, rev: &str) -> Result<Report> {
    let inputs = Inputs::of_workspace(root);
    let old_lock = Lock::load(&inputs.lock)?;
    let scratch = crate::paths::scratch(root, "repin");
    let _ = fs::remove_dir_all(&scratch);

    // The old side: the fetched files when they are the pinned ones, else fetched again.
    let old_inputs = if inputs.snapshot().is_ok() {
        inputs.clone()
    } else {
        let upstream = scratch.join("old");
        schemas::fetch(&old_lock, source, &upstream).context("fetching the files of the current pin, to compare")?;
        Inputs { upstream, ..inputs.clone() }
    };
    let old = codegen::build_model(&old_inputs, &scratch.join("stage-old"))?;

    let (new_lock, files) = schemas::update(&old_lock, source, rev)?;
    let new_upstream = scratch.join("new");
    schemas::fetch(&new_lock, source, &new_upstream)?;
    let new_lock_path = scratch.join("orcid-model.lock");
    fs::write(&new_lock_path, new_lock.render())?;
    let new_inputs = Inputs { upstream: new_upstream.clone(), lock: new_lock_path, ..inputs.clone() };
    let new = codegen::build_model(&new_inputs, &scratch.join("stage-new"))?;

    // Everything checked: now the workspace.
    fs::write(&inputs.lock, new_lock.render()).with_context(|| format!("writing {}", inputs.lock.display()))?;
    if inputs.upstream.exists() {
        fs::remove_dir_all(&inputs.upstream)?;
    }
    copy_dir(&new_upstream, &inputs.upstream)?;
    // The new model is built already: written as it is, not parsed from the XSDs again.
    codegen::apply(&codegen::render::render(&new)?, &root.join(crate::paths::GENERATED), false)?;
    let listing_path = public_api::listing_path(root, MODEL.1);
    let before = fs::read_to_string(&listing_path).unwrap_or_default();
    let after = public_api::listing(&root.join(MODEL.0), MODEL.1)?;
    fs::write(&listing_path, &after)?;
    let (api_removed, api_added) = public_api::diff(&before, &after);
    let _ = fs::remove_dir_all(&scratch);

    let (types, constraints) = report::surface_changes(&old.surface(), &new.surface());
    Ok(Report {
        from: old_lock.snapshot(),
        to: new_lock.snapshot(),
        files,
        types,
        constraints,
        lists: report::list_changes(&old.vocabularies, &new.vocabularies),
        api_removed,
        api_added,
    })
}

/// `schemas check`: where upstream's main is, and when it is ahead of the pin, the report of
/// re-pinning to it, made in a scratch copy of what generation needs (the workspace is not
/// touched). `None` when the pin is upstream's main.
pub fn check(root: &Path, source: &Source) -> Result<Option<Report>> {
    let lock = Lock::load(&root.join("schemas/orcid-model.lock"))?;
    let head = source.upstream_head()?;
    if head == lock.commit {
        return Ok(None);
    }
    let copy = crate::paths::scratch(root, "check");
    let _ = fs::remove_dir_all(&copy);
    copy_generation_inputs(root, &copy)?;
    let report = update(&copy, source, &head);
    let _ = fs::remove_dir_all(&copy);
    report.map(Some)
}

/// Copies what generating and listing the model need into `dest`: `schemas/` (with the fetched
/// files), the model crate and its API listing, and the workspace's `Cargo.toml`.
pub fn copy_generation_inputs(root: &Path, dest: &Path) -> Result<()> {
    for dir in ["schemas", MODEL.0] {
        copy_dir(&root.join(dir), &dest.join(dir))?;
    }
    fs::create_dir_all(dest.join("api"))?;
    let listing = public_api::listing_path(root, MODEL.1);
    if listing.exists() {
        fs::copy(&listing, public_api::listing_path(dest, MODEL.1))?;
    }
    fs::copy(root.join("Cargo.toml"), dest.join("Cargo.toml"))?;
    Ok(())
}

/// Copies a folder's files (not symbolic links' targets outside it).
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target: PathBuf = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if kind.is_file() {
            fs::copy(entry.path(), &target).with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}
