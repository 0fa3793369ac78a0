//! The upgrade report of a re-pin: what moving from one ORCID snapshot to another changes for
//! users, from the model's surface (the XSDs as the generator reads them), ORCID's lists, the
//! model crate's public API and what `orcid validate` now accepts or refuses.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::codegen::vocab::Vocabulary;
use crate::schemas::Changes;

/// One list's change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListChange {
    /// The list's key (`work-type`).
    pub key: String,
    /// The Rust enum.
    pub rust: String,
    /// Where its values come from now.
    pub origins: Vec<String>,
    /// Whether ORCID binds the field to it (a value off the list fails the body).
    pub bound: bool,
    /// Values new at the new pin.
    pub added: Vec<String>,
    /// Values gone at the new pin.
    pub removed: Vec<String>,
    /// Other spellings new (`spelling -> value`).
    pub aliases_added: Vec<String>,
    /// Other spellings gone.
    pub aliases_removed: Vec<String>,
    /// The list is new, or gone, at the new pin.
    pub whole: Option<&'static str>,
}

/// A type of the model whose shape changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeChange {
    /// `struct common::Organization  <common:organization>`, as the surface names it.
    pub header: String,
    /// `added`, `removed` or `changed` (its members differ).
    pub what: &'static str,
    /// Member lines removed (`- `) and added (`+ `), with `~` for a member whose type changed.
    pub members: Vec<String>,
}

/// The report.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The old pin, as `Lock::snapshot` words it.
    pub from: String,
    /// The new pin.
    pub to: String,
    /// Upstream files added, removed, changed.
    pub files: Changes,
    /// Types of the model added, removed or changed (elements, attributes, cardinality).
    pub types: Vec<TypeChange>,
    /// Constraints (facets) added, removed or changed: `- ` / `+ ` lines.
    pub constraints: Vec<String>,
    /// List changes.
    pub lists: Vec<ListChange>,
    /// Public API lines removed (or changed) and added, of `orcid_model`.
    pub api_removed: Vec<String>,
    /// Public API lines added.
    pub api_added: Vec<String>,
}

/// Splits a model surface (see `Model::surface`) into its paragraphs: header → member lines.
fn paragraphs(surface: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in surface.lines() {
        if let Some(member) = line.strip_prefix("    ") {
            if let Some(h) = &current {
                out.entry(h.clone()).or_default().push(member.to_owned());
            }
        } else {
            out.entry(line.to_owned()).or_default();
            current = Some(line.to_owned());
        }
    }
    out
}

/// The name a member line is known by: `city: Option<String>  <city>` → `city`.
fn member_name(line: &str) -> &str {
    line.split_once(": ").map_or(line, |(name, _)| name).trim()
}

/// Type and constraint changes between two model surfaces.
pub fn surface_changes(old: &str, new: &str) -> (Vec<TypeChange>, Vec<String>) {
    let keep = |h: &str| !h.starts_with("vocabulary ") && !h.starts_with("facet ");
    let (old_p, new_p) = (paragraphs(old), paragraphs(new));
    let mut types = Vec::new();
    for (header, members) in &old_p {
        if !keep(header) {
            continue;
        }
        match new_p.get(header) {
            None => types.push(TypeChange {
                header: header.clone(),
                what: "removed",
                members: members.iter().map(|m| format!("- {m}")).collect(),
            }),
            Some(now) if now != members => {
                let old_names: BTreeMap<&str, &String> = members.iter().map(|m| (member_name(m), m)).collect();
                let new_names: BTreeMap<&str, &String> = now.iter().map(|m| (member_name(m), m)).collect();
                let mut lines = Vec::new();
                for (name, line) in &old_names {
                    match new_names.get(name) {
                        None => lines.push(format!("- {line}")),
                        Some(n) if n != line => lines.push(format!("~ {line}  =>  {}", n.split_once(": ").map_or("", |(_, t)| t))),
                        Some(_) => {}
                    }
                }
                lines.extend(new_names.iter().filter(|(n, _)| !old_names.contains_key(*n)).map(|(_, l)| format!("+ {l}")));
                if lines.is_empty() {
                    lines.push("(members reordered)".to_owned());
                }
                types.push(TypeChange { header: header.clone(), what: "changed", members: lines });
            }
            Some(_) => {}
        }
    }
    for (header, members) in &new_p {
        if keep(header) && !old_p.contains_key(header) {
            types.push(TypeChange { header: header.clone(), what: "added", members: members.iter().map(|m| format!("+ {m}")).collect() });
        }
    }
    // Type headers that differ only in their XSD name or root mapping pair up as removed+added;
    // good enough to review, and rare.
    let facets =
        |p: &BTreeMap<String, Vec<String>>| -> BTreeSet<String> { p.keys().filter(|h| h.starts_with("facet ")).cloned().collect() };
    let (old_f, new_f) = (facets(&old_p), facets(&new_p));
    let mut constraints: Vec<String> = old_f.difference(&new_f).map(|f| format!("- {f}")).collect();
    constraints.extend(new_f.difference(&old_f).map(|f| format!("+ {f}")));
    (types, constraints)
}

/// List changes between two sets of lists.
pub fn list_changes(old: &[Vocabulary], new: &[Vocabulary]) -> Vec<ListChange> {
    let values = |v: &Vocabulary| -> Vec<String> { v.values.iter().map(|(x, _, _)| x.clone()).collect() };
    let aliases = |v: &Vocabulary| -> Vec<String> { v.aliases.iter().map(|(a, b)| format!("{a} -> {b}")).collect() };
    let minus = |a: &[String], b: &[String]| -> Vec<String> { a.iter().filter(|x| !b.contains(x)).cloned().collect() };
    let mut out = Vec::new();
    for n in new {
        let base =
            ListChange { key: n.key.clone(), rust: n.rust.clone(), origins: n.origins.clone(), bound: n.bound, ..Default::default() };
        match old.iter().find(|o| o.key == n.key) {
            None => out.push(ListChange { added: values(n), whole: Some("new"), ..base }),
            Some(o) => {
                let change = ListChange {
                    added: minus(&values(n), &values(o)),
                    removed: minus(&values(o), &values(n)),
                    aliases_added: minus(&aliases(n), &aliases(o)),
                    aliases_removed: minus(&aliases(o), &aliases(n)),
                    ..base
                };
                if !(change.added.is_empty()
                    && change.removed.is_empty()
                    && change.aliases_added.is_empty()
                    && change.aliases_removed.is_empty())
                {
                    out.push(change);
                }
            }
        }
    }
    for o in old.iter().filter(|o| !new.iter().any(|n| n.key == o.key)) {
        out.push(ListChange {
            key: o.key.clone(),
            rust: o.rust.clone(),
            origins: o.origins.clone(),
            bound: o.bound,
            removed: values(o),
            whole: Some("gone"),
            ..Default::default()
        });
    }
    out
}

impl ListChange {
    /// What ORCID answers for a value off this list, as `orcid validate` reports it.
    fn refusal(&self) -> &'static str {
        if self.bound {
            "refused: 400/9051 in XML, 400/9047 in JSON"
        } else {
            "not on the list; refused where ORCID's rules check the field"
        }
    }
}

fn quoted(values: &[String]) -> String {
    values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}

impl Report {
    /// Whether the re-pin changes nothing users see.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
            && self.constraints.is_empty()
            && self.lists.is_empty()
            && self.api_removed.is_empty()
            && self.api_added.is_empty()
    }

    /// Whether the model crate's public API only grew.
    pub fn additive(&self) -> bool {
        self.api_removed.is_empty()
    }

    /// What `orcid validate` now accepts or refuses that it did not, one sentence a line.
    pub fn validation_changes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for l in &self.lists {
            if !l.added.is_empty() {
                out.push(format!("{} ({}): now accepted: {} (before: {})", l.key, l.rust, quoted(&l.added), l.refusal()));
            }
            if !l.removed.is_empty() {
                out.push(format!("{} ({}): now {}: {}", l.key, l.rust, l.refusal(), quoted(&l.removed)));
            }
            if !l.aliases_added.is_empty() {
                out.push(format!(
                    "{} ({}): other spellings now accepted and stored as listed values: {}",
                    l.key,
                    l.rust,
                    quoted(&l.aliases_added)
                ));
            }
            if !l.aliases_removed.is_empty() {
                out.push(format!("{} ({}): other spellings no longer accepted: {}", l.key, l.rust, quoted(&l.aliases_removed)));
            }
        }
        for t in &self.types {
            for m in &t.members {
                let Some(changed) = m.strip_prefix("~ ") else { continue };
                let (before, after) = changed.split_once("  =>  ").unwrap_or((changed, ""));
                let was_required = !before.contains("Option<") && !before.contains("Vec<");
                let now_optional = after.starts_with("Option<") || after.starts_with("Vec<");
                let name = member_name(before);
                if was_required && now_optional {
                    out.push(format!("{}: the XSD no longer requires `{name}` (ORCID's rules for the item may still)", short(&t.header)));
                } else if !was_required && !now_optional {
                    out.push(format!("{}: the XSD now requires `{name}` (it was optional)", short(&t.header)));
                }
            }
            match t.what {
                "added" => out.push(format!("{}: a new type, read and validated", short(&t.header))),
                "removed" => out.push(format!("{}: no longer in the schema", short(&t.header))),
                _ => {}
            }
            for m in &t.members {
                if let Some(line) = m.strip_prefix("+ ").filter(|_| t.what == "changed") {
                    out.push(format!("{}: `{}` is new", short(&t.header), member_name(line)));
                }
                if let Some(line) = m.strip_prefix("- ").filter(|_| t.what == "changed") {
                    out.push(format!("{}: `{}` is gone (refused as unknown in strict reading)", short(&t.header), member_name(line)));
                }
            }
        }
        for c in &self.constraints {
            out.push(format!("constraint {}", c.replacen("- ", "removed: ", 1).replacen("+ ", "added: ", 1)));
        }
        out
    }

    /// The report as text, for a terminal or a pull request.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# ORCID re-pin: {} -> {}\n", self.from, self.to);
        let f = &self.files;
        let _ = writeln!(out, "Upstream files: {} added, {} removed, {} changed.", f.added.len(), f.removed.len(), f.changed.len());
        for (label, list) in [("added", &f.added), ("removed", &f.removed), ("changed", &f.changed)] {
            for path in list {
                let _ = writeln!(out, "  {label:8} {path}");
            }
        }
        let _ = writeln!(out, "\n## Schema (XSD) changes: {} types, {} constraints", self.types.len(), self.constraints.len());
        for t in &self.types {
            let _ = writeln!(out, "{} {}", t.what, t.header);
            for m in &t.members {
                let _ = writeln!(out, "    {m}");
            }
        }
        for c in &self.constraints {
            let _ = writeln!(out, "{c}");
        }
        let added: usize = self.lists.iter().map(|l| l.added.len()).sum();
        let removed: usize = self.lists.iter().map(|l| l.removed.len()).sum();
        let _ = writeln!(out, "\n## Lists: {} changed, {added} values added, {removed} removed", self.lists.len());
        for l in &self.lists {
            let whole = l.whole.map(|w| format!(" ({w} list)")).unwrap_or_default();
            let _ = writeln!(out, "{} ({}, from {}){whole}", l.key, l.rust, l.origins.join(" + "));
            for (sign, list) in [("+", &l.added), ("-", &l.removed), ("+ alias", &l.aliases_added), ("- alias", &l.aliases_removed)] {
                if !list.is_empty() {
                    let _ = writeln!(out, "    {sign} {}", list.join(" "));
                }
            }
        }
        let _ = writeln!(
            out,
            "\n## orcid_model's public API: {} lines removed or changed, {} added: {}",
            self.api_removed.len(),
            self.api_added.len(),
            if self.additive() { "additive" } else { "NOT additive (a breaking release)" }
        );
        for line in &self.api_removed {
            let _ = writeln!(out, "- {line}");
        }
        for line in &self.api_added {
            let _ = writeln!(out, "+ {line}");
        }
        let validation = self.validation_changes();
        let _ = writeln!(out, "\n## What `orcid validate` now says differently: {}", validation.len());
        for line in &validation {
            let _ = writeln!(out, "- {line}");
        }
        let _ = writeln!(out, "\n## CHANGELOG draft\n\n{}", self.changelog());
        out
    }

    /// A draft CHANGELOG entry: what users notice, most important first.
    pub fn changelog(&self) -> String {
        let mut out = format!("- Re-pinned to ORCID/orcid-model {} (was {}).", self.to, self.from);
        if !self.additive() {
            out.push_str(" **Breaking**: the model's public API lost or changed items (see `api/orcid_model.txt`).");
        }
        out.push('\n');
        for line in self.validation_changes() {
            let _ = writeln!(out, "  - {line}");
        }
        if self.is_empty() {
            out.push_str("  - Nothing users see changed.\n");
        }
        out
    }
}

/// `struct common::Organization  <common:organization>` → `common::Organization`.
fn short(header: &str) -> &str {
    header.split_whitespace().nth(1).unwrap_or(header)
}
