//! `schemas/vocabularies.toml`: ORCID's controlled vocabularies, which become Rust enums.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::names;

/// One vocabulary.
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
}

/// Reads the data file.
pub fn load(path: &Path) -> Result<Vec<Vocabulary>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let doc: toml::Table = text.parse().with_context(|| format!("{}: not valid TOML", path.display()))?;
    let mut out = Vec::new();
    for (key, table) in &doc {
        let ctx = || format!("{}: [{key}]", path.display());
        let table = table.as_table().with_context(ctx)?;
        let string = |k: &str| -> Result<String> {
            Ok(table.get(k).and_then(|v| v.as_str()).with_context(|| format!("{}: missing `{k}`", ctx()))?.to_owned())
        };
        let list = |k: &str| -> Result<Vec<String>> {
            let arr = table.get(k).and_then(|v| v.as_array()).with_context(|| format!("{}: missing `{k}`", ctx()))?;
            arr.iter().map(|v| v.as_str().map(str::to_owned).with_context(|| format!("{}: `{k}` holds strings", ctx()))).collect()
        };
        let notes = table.get("notes").and_then(|v| v.as_table());
        let mut values = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for v in table.get("values").and_then(|v| v.as_array()).with_context(|| format!("{}: missing `values`", ctx()))? {
            let (value, name) = match v {
                toml::Value::String(s) => (s.clone(), names::variant(s)),
                toml::Value::Table(t) => (
                    t.get("value").and_then(|v| v.as_str()).with_context(ctx)?.to_owned(),
                    t.get("name").and_then(|v| v.as_str()).with_context(ctx)?.to_owned(),
                ),
                _ => bail!("{}: values are strings or {{ value, name }} tables", ctx()),
            };
            if name == "Unknown" || !seen.insert(name.clone()) {
                bail!("{}: two values map to the Rust variant {name}; give one an explicit name", ctx());
            }
            let note = notes.and_then(|n| n.get(&value)).and_then(|n| n.as_str()).map(str::to_owned);
            values.push((value, name, note));
        }
        out.push(Vocabulary {
            key: key.clone(),
            rust: string("enum")?,
            doc: string("doc")?,
            xsd_types: list("xsd-types")?,
            fields: list("fields")?,
            values,
            except_in: match table.get("except-in") {
                None => Vec::new(),
                Some(_) => list("except-in")?,
            },
            bound: match table.get("bound") {
                None => false,
                Some(v) => v.as_bool().with_context(|| format!("{}: `bound` is true or false", ctx()))?,
            },
            aliases: match table.get("aliases").map(|v| v.as_table()) {
                None => Vec::new(),
                Some(Some(t)) => t
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), v.as_str().with_context(|| format!("{}: aliases map to strings", ctx()))?.to_owned())))
                    .collect::<Result<_>>()?,
                Some(None) => bail!("{}: `aliases` is a table", ctx()),
            },
        });
    }
    Ok(out)
}
