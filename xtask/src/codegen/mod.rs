//! `cargo xtask codegen`.
use std::path::Path;

/// What a codegen run did or found.
pub struct Outcome;
impl Outcome { pub fn is_clean(&self) -> bool { true } }
impl std::fmt::Display for Outcome { fn fmt(&self, _f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { Ok(()) } }
/// Runs the generator.
pub fn run(_schemas: &Path, _out: &Path, _check: bool) -> anyhow::Result<Outcome> { Ok(Outcome) }
