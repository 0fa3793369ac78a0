//! ORCID's lists (the values it accepts where the XSD says only "string"), which become Rust
//! enums: read from upstream at the pin, with what is ours laid over them.
//!
//! - Upstream: the Java enums of `org.orcid.jaxb.model.common` at the pinned commit, fetched
//!   with the XSDs into `schemas/upstream/` (`java:WorkType`). Their values and the aliases
//!   their `fromValue` maps are read by [`super::java`].
//! - Data files under `schemas/lists/` for the lists ORCID's model repository does not hold
//!   (`data:currency-codes.tsv`): each says where and when it was read, and how to refresh it
//!   (`cargo xtask lists refresh`).
//! - The overlay, `schemas/lists.toml`: which lists exist, their Rust names and docs, the XSD
//!   types and fields they type, which ones ORCID binds, Rust names where a value's own would
//!   not do, notes. It only names values: one upstream no longer has stops generation.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::{java, names};
use crate::schemas::JAVA_ENUMS;

/// One list.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// The table name (`work-type`).
    pub key: String,
    /// The Rust enum name.
    pub rust: String,
    /// The doc comment.
    pub doc: String,
    /// XSD simple types (`prefix:name`) the enum replaces.
    pub xsd_types: Vec<String>,
    /// Elements (`prefix:name`) the enum types, where the XSD gives them a generic string type.
    pub fields: Vec<String>,
    /// (value, Rust variant, note).
    pub values: Vec<(String, String, Option<String>)>,
    /// Whether ORCID binds the field to the list when it reads the body (an orcid-model
    /// adapter: a value off the list fails the body), rather than checking it in its rules.
    pub bound: bool,
    /// Other spellings ORCID accepts and stores as a listed value: (spelling, value).
    pub aliases: Vec<(String, String)>,
    /// Types (`prefix:name`) in which the field is free text after all: not checked there.
    pub except_in: Vec<String>,
    /// Where the values come from (`WorkType.java`, `currency-codes.tsv`), for docs and reports.
    pub origins: Vec<String>,
}

/// A data file of `schemas/lists/`: its provenance lines and its rows (value, note).
#[derive(Debug, Clone, Default)]
pub struct DataFile {
    /// The `#` lines at its top, without the `# `: where and when it was read, how to refresh.
    pub provenance: Vec<String>,
    /// (value, note) in file order.
    pub rows: Vec<(String, Option<String>)>,
}

impl DataFile {
    /// Reads a data file: `#` lines, a header line (`value` or `value<TAB>note`), then a row a
    /// line. Errors name the file and line.
    pub fn load(path: &Path) -> Result<DataFile> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        DataFile::parse(&text, &path.display().to_string())
    }

    /// Parses a data file's text (`file` names it in errors).
    pub fn parse(text: &str, file: &str) -> Result<DataFile> {
        let mut out = DataFile::default();
        let mut header_seen = false;
        let mut seen = BTreeSet::new();
        for (n, line) in text.lines().enumerate() {
            let n = n + 1;
            if let Some(comment) = line.strip_prefix('#') {
                out.provenance.push(comment.strip_prefix(' ').unwrap_or(comment).to_owned());
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            if !header_seen {
                if line != "value" && line != "value\tnote" {
                    bail!("{file}:{n}: the header is `value` or `value<TAB>note`, found {line:?}");
                }
                header_seen = true;
                continue;
            }
            let mut cells = line.split('\t');
            let value = cells.next().unwrap_or_default();
            let note = cells.next().filter(|n| !n.is_empty()).map(str::to_owned);
            if cells.next().is_some() {
                bail!("{file}:{n}: more than two columns");
            }
            if value.is_empty() || value != value.trim() {
                bail!("{file}:{n}: a value is not empty and has no surrounding spaces: {value:?}");
            }
            if !seen.insert(value.to_owned()) {
                bail!("{file}:{n}: {value:?} is listed twice");
            }
            out.rows.push((value.to_owned(), note));
        }
        if out.rows.is_empty() {
            bail!("{file}: no values");
        }
        Ok(out)
    }

    /// The file's text: provenance, header, rows (what `lists refresh` writes).
    pub fn render(&self) -> String {
        let mut out = String::new();
        for line in &self.provenance {
            out.push_str(&format!("# {line}\n"));
        }
        let with_notes = self.rows.iter().any(|(_, n)| n.is_some());
        out.push_str(if with_notes { "value\tnote\n" } else { "value\n" });
        for (value, note) in &self.rows {
            match note {
                Some(note) if with_notes => out.push_str(&format!("{value}\t{note}\n")),
                _ => out.push_str(&format!("{value}\n")),
            }
        }
        out
    }
}

/// Where lists come from: the overlay file, the data folder, and the fetched upstream files.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// `schemas/lists.toml`.
    pub overlay: &'a Path,
    /// `schemas/lists/`.
    pub data: &'a Path,
    /// `schemas/upstream/` (the Java enums are under [`JAVA_ENUMS`]).
    pub upstream: &'a Path,
}

/// One source's values before the overlay: (value, note), aliases, and its name.
struct Read {
    origin: String,
    values: Vec<(String, Option<String>)>,
    aliases: Vec<(String, String)>,
}

fn read_source(spec: &str, sources: Sources<'_>, ctx: &str) -> Result<Read> {
    if let Some(name) = spec.strip_prefix("java:") {
        let rel = format!("{JAVA_ENUMS}{name}.java");
        let path = sources.upstream.join(&rel);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{ctx}: reading {} (fetched with the schemas: run `cargo xtask schemas fetch`)", path.display()))?;
        let e = java::read(&text, &rel)?;
        if e.name != name {
            bail!("{rel}: declares the enum {}, not {name}", e.name);
        }
        Ok(Read { origin: format!("{name}.java"), values: e.constants.into_iter().map(|c| (c.value, None)).collect(), aliases: e.aliases })
    } else if let Some(file) = spec.strip_prefix("data:") {
        let data = DataFile::load(&sources.data.join(file))?;
        Ok(Read { origin: file.to_owned(), values: data.rows, aliases: Vec::new() })
    } else {
        bail!("{ctx}: `from` entries are `java:EnumName` or `data:file.tsv`, found {spec:?}")
    }
}

/// Reads every list: the overlay, with each list's values from upstream and the data files.
pub fn load(sources: Sources<'_>) -> Result<Vec<Vocabulary>> {
    let path = sources.overlay;
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let doc: toml::Table = text.parse().with_context(|| format!("{}: not valid TOML", path.display()))?;
    let mut out = Vec::new();
    for (key, table) in &doc {
        let ctx = format!("{}: [{key}]", path.display());
        let table = table.as_table().with_context(|| ctx.clone())?;
        let string = |k: &str| -> Result<String> {
            Ok(table.get(k).and_then(|v| v.as_str()).with_context(|| format!("{ctx}: missing `{k}`"))?.to_owned())
        };
        let list = |k: &str| -> Result<Vec<String>> {
            match table.get(k) {
                None => Ok(Vec::new()),
                Some(v) => v
                    .as_array()
                    .with_context(|| format!("{ctx}: `{k}` is a list"))?
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned).with_context(|| format!("{ctx}: `{k}` holds strings")))
                    .collect(),
            }
        };
        let map = |k: &str| -> Result<BTreeMap<String, String>> {
            match table.get(k) {
                None => Ok(BTreeMap::new()),
                Some(v) => v
                    .as_table()
                    .with_context(|| format!("{ctx}: `{k}` is a table"))?
                    .iter()
                    .map(|(a, b)| Ok((a.clone(), b.as_str().with_context(|| format!("{ctx}: `{k}` maps to strings"))?.to_owned())))
                    .collect(),
            }
        };
        let from = list("from")?;
        if from.is_empty() {
            bail!("{ctx}: `from` names where the values come from (`java:EnumName`, `data:file.tsv`)");
        }
        let (mut values, mut aliases, mut origins) = (Vec::new(), Vec::new(), Vec::new());
        let mut seen = BTreeSet::new();
        for spec in &from {
            let read = read_source(spec, sources, &ctx)?;
            for (value, note) in read.values {
                if !seen.insert(value.clone()) {
                    bail!("{ctx}: {value:?} comes from two sources ({})", from.join(", "));
                }
                values.push((value, note));
            }
            aliases.extend(read.aliases);
            origins.push(read.origin);
        }
        // What is ours names upstream's values: a name for a value upstream dropped is stale.
        let stale = |what: &str, value: &str| {
            anyhow::anyhow!(
                "{ctx}: `{what}` names {value:?}, which {} no longer has at this pin: remove it from the overlay",
                origins.join(" and ")
            )
        };
        let names_ours = map("names")?;
        let notes_ours = map("notes")?;
        for (what, keys) in [("names", &names_ours), ("notes", &notes_ours)] {
            if let Some(value) = keys.keys().find(|v| !seen.contains(*v)) {
                return Err(stale(what, value));
            }
        }
        for (spelling, value) in map("aliases")? {
            if !seen.contains(&value) {
                return Err(stale("aliases", &value));
            }
            aliases.push((spelling, value));
        }
        let mut rust_names = BTreeSet::new();
        let values = values
            .into_iter()
            .map(|(value, note)| {
                let name = names_ours.get(&value).cloned().unwrap_or_else(|| names::variant(&value));
                if name == "Unknown" || !rust_names.insert(name.clone()) {
                    bail!("{ctx}: two values map to the Rust variant {name}; give {value:?} a name under `names`");
                }
                let note = notes_ours.get(&value).cloned().or(note);
                Ok((value, name, note))
            })
            .collect::<Result<Vec<_>>>()?;
        out.push(Vocabulary {
            key: key.clone(),
            rust: string("enum")?,
            doc: string("doc")?,
            xsd_types: list("xsd-types")?,
            fields: list("fields")?,
            values,
            except_in: list("except-in")?,
            bound: match table.get("bound") {
                None => false,
                Some(v) => v.as_bool().with_context(|| format!("{ctx}: `bound` is true or false"))?,
            },
            aliases,
            origins,
        });
    }
    Ok(out)
}
