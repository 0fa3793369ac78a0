//! `cargo xtask codegen`: ORCID's XSDs → `crates/orcid-model/src/generated/`.
//!
//! The pipeline:
//! 1. [`stage`] copies the fetched XSDs, fixing upstream quirks (the one place that does).
//! 2. xsd-parser parses and interprets them into meta types; [`interpret`] sets the few type
//!    overrides we need (`xs:integer` is 64-bit, `xs:dateTime` keeps its text).
//! 3. [`model`] turns the meta types into a description of our Rust model.
//! 4. [`render`] writes one formatted module per namespace.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use xsd_parser::config::{ParserFlags, Resolver, Schema};
use xsd_parser::models::meta::{CustomMeta, ReferenceMeta};
use xsd_parser::{Interpreter, MetaTypes, Schemas, TypeIdent};

pub mod java;
pub mod json;
pub mod model;
pub mod names;
pub mod patterns;
pub mod projection;
pub mod render;
pub mod sections;
pub mod stage;
pub mod vocab;

/// What a codegen run wrote, or (with `--check`) found out of date.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Whether this was a check.
    pub check: bool,
    /// Files whose contents differ from what the generator makes.
    pub stale: Vec<String>,
    /// Files the generator makes that are not there.
    pub missing: Vec<String>,
    /// `.rs` files in the folder the generator does not make.
    pub orphaned: Vec<String>,
    /// Files left as they were.
    pub unchanged: usize,
    /// Lines generated.
    pub lines: usize,
}

impl Outcome {
    /// True when the generated folder matches the generator's output.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.orphaned.is_empty()
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (stale, missing, orphaned) = if self.check { ("stale", "missing", "orphaned") } else { ("updated", "created", "removed") };
        for (label, list) in [(stale, &self.stale), (missing, &self.missing), (orphaned, &self.orphaned)] {
            for file in list {
                writeln!(f, "{label:9} {file}")?;
            }
        }
        if self.check && !self.is_clean() {
            writeln!(f, "the generated code is out of date: run `cargo xtask codegen`")
        } else {
            writeln!(f, "{} files up to date, {} generated lines", self.unchanged, self.lines)
        }
    }
}

/// Parses the XSDs staged from `upstream` into xsd-parser's meta types.
pub fn interpret(upstream: &Path, stage_dir: &Path) -> Result<MetaTypes> {
    interpret_files(stage::stage(upstream, stage_dir)?)
}

/// Parses XSD files (and what they import) into xsd-parser's meta types.
pub fn interpret_files(files: Vec<PathBuf>) -> Result<MetaTypes> {
    let parser_config = xsd_parser::config::ParserConfig {
        resolver: vec![Resolver::File],
        flags: ParserFlags::RESOLVE_INCLUDES | ParserFlags::DEFAULT_NAMESPACES,
        schemas: files.into_iter().map(Schema::File).collect(),
        ..Default::default()
    };
    let schemas = xsd_parser::exec_parser(parser_config).context("parsing the XSDs")?;
    interpret_schemas(&schemas)
}

/// Interprets parsed schemas, with our overrides of XSD built-in types.
pub fn interpret_schemas(schemas: &Schemas) -> Result<MetaTypes> {
    let xs = schemas.resolve_namespace(&Some(xsd_parser::config::Namespace::XS)).context("the XSDs do not use the XML Schema namespace")?;
    let anonymous = schemas.resolve_namespace(&None).context("no anonymous namespace")?;
    let xs_type = |name: &'static str| TypeIdent::type_(name).with_ns(xs);
    let interpreter = Interpreter::new(schemas)
        .with_buildin_types()?
        .with_default_typedefs()?
        // Put-codes go beyond i32: every xs:integer is 64-bit.
        .with_typedef(xs_type("integer"), TypeIdent::I64.with_ns(anonymous))?
        // Date-times keep their text, so reading and writing change nothing.
        .with_type(xs_type("dateTime"), CustomMeta::new("DateTime"))?
        // Decimals (amounts) keep their text too.
        .with_type(xs_type("decimal"), ReferenceMeta::new(TypeIdent::STRING.with_ns(anonymous)))?;
    let (types, _) = interpreter.finish().context("interpreting the XSDs")?;
    Ok(types)
}

/// What the generator reads: the fetched upstream files at the pin, the lock that pins them,
/// and our lists overlay and data files.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The folder `schemas fetch` filled (`schemas/upstream/`).
    pub upstream: PathBuf,
    /// `schemas/orcid-model.lock`.
    pub lock: PathBuf,
    /// `schemas/lists.toml`.
    pub overlay: PathBuf,
    /// `schemas/lists/`.
    pub data: PathBuf,
}

impl Inputs {
    /// The workspace's own inputs (under `root`).
    pub fn of_workspace(root: &Path) -> Inputs {
        Inputs {
            upstream: root.join("schemas/upstream"),
            lock: root.join("schemas/orcid-model.lock"),
            overlay: root.join("schemas/lists.toml"),
            data: root.join("schemas/lists"),
        }
    }

    /// The list sources for [`vocab::load`].
    pub fn lists(&self) -> vocab::Sources<'_> {
        vocab::Sources { overlay: &self.overlay, data: &self.data, upstream: &self.upstream }
    }

    /// The pin, checked against what `schemas fetch` last wrote.
    pub fn snapshot(&self) -> Result<model::Snapshot> {
        let lock = crate::schemas::Lock::load(&self.lock)?;
        let fetched = fs::read_to_string(self.upstream.join("COMMIT")).unwrap_or_default();
        if fetched.trim() != lock.commit {
            anyhow::bail!(
                "{} holds {} but {} pins {}: run `cargo xtask schemas fetch`",
                self.upstream.display(),
                if fetched.trim().is_empty() { "no fetched files" } else { fetched.trim() },
                self.lock.display(),
                lock.commit
            );
        }
        Ok(model::Snapshot {
            release: lock.release.clone().unwrap_or_else(|| "unreleased".into()),
            commit: lock.commit.clone(),
            date: lock.date.clone().unwrap_or_else(|| "unknown".into()),
        })
    }
}

/// Builds the model description from the fetched schemas, the pin and the lists.
pub fn build_model(inputs: &Inputs, stage_dir: &Path) -> Result<model::Model> {
    let snapshot = inputs.snapshot()?;
    let types = interpret(&inputs.upstream, stage_dir)?;
    let mut model = model::build(&types, vocab::load(inputs.lists())?)?;
    model.snapshot = Some(snapshot);
    Ok(model)
}

/// Generates every file, in memory: file name → contents.
pub fn generate(inputs: &Inputs, stage_dir: &Path) -> Result<BTreeMap<String, String>> {
    render::render(&build_model(inputs, stage_dir)?)
}

/// Runs the generator on the workspace at `root` and writes its model crate's generated folder,
/// or with `check` only compares.
pub fn run(root: &Path, check: bool) -> Result<Outcome> {
    let files = generate(&Inputs::of_workspace(root), &crate::paths::scratch(root, "xsd"))?;
    apply(&files, &root.join(crate::paths::GENERATED), check)
}

/// Writes (or compares) generated files against the folder `out`.
pub fn apply(files: &BTreeMap<String, String>, out: &Path, check: bool) -> Result<Outcome> {
    let mut outcome = Outcome { check, ..Outcome::default() };
    outcome.lines = files.values().map(|c| c.lines().count()).sum();
    if !check {
        fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    }
    for (name, contents) in files {
        let path = out.join(name);
        match fs::read_to_string(&path) {
            Ok(existing) if existing == *contents => outcome.unchanged += 1,
            Ok(_) => outcome.stale.push(display(&path)),
            Err(_) => outcome.missing.push(display(&path)),
        }
        if !check {
            fs::write(&path, contents).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    if out.exists() {
        let mut entries: Vec<PathBuf> = fs::read_dir(out)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if name.ends_with(".rs") && !files.contains_key(&name) {
                outcome.orphaned.push(display(&path));
                if !check {
                    fs::remove_file(&path)?;
                }
            }
        }
    }
    Ok(outcome)
}

fn display(path: &Path) -> String {
    path.strip_prefix(crate::paths::root()).unwrap_or(path).display().to_string()
}
