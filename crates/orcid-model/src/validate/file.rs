//! A file's check as `orcid validate` and the browser page give it: the form told from the
//! content, a JSON document's kind from what is given, else its name, else its shape; and the
//! per-file report object they print.

use super::{Diagnostic, Options, Report, Severity, validate_json, validate_xml};
use crate::{Format, Kind};

impl Report {
    /// Checks a file's bytes: XML or JSON told from the content; a JSON document's kind is
    /// `kind`, else what its `file_name` or its shape tell ([`Kind::of_json`]), and the first
    /// message about its structure says how the kind was told (it may be the wrong one).
    ///
    /// ```
    /// use orcid_model::validate::{Options, Report};
    ///
    /// let report = Report::of_file(br#"{"content": "open science"}"#, Some("keyword.json"), None, &Options::default());
    /// assert!(report.is_valid());
    /// assert_eq!(report.kind.map(|k| k.as_str()), Some("keyword"));
    /// ```
    pub fn of_file(bytes: &[u8], file_name: Option<&str>, kind: Option<Kind>, options: &Options) -> Report {
        match Format::detect(bytes) {
            Some(Format::Xml) => validate_xml(bytes, options),
            Some(Format::Json) => {
                let told = match kind {
                    Some(k) => Ok((k, "--kind".to_owned())),
                    None => Kind::of_json(bytes, file_name).map(|(k, from)| (k, from.to_string())),
                };
                match told {
                    Ok((kind, source)) => {
                        let mut report = validate_json(bytes, kind, options);
                        if let Some(first) =
                            report.diagnostics.iter_mut().find(|d| d.code == "json.structure" || d.code == "json.unknown-key")
                        {
                            first.message = format!("{} (read as {kind}, from {source})", first.message);
                        }
                        report
                    }
                    Err(e) => Report::one_error("json.kind", format!("{}{e}; give its kind (--kind)", name_prefix(file_name))),
                }
            }
            None => Report::one_error("input.form", "neither XML nor JSON".to_owned()),
        }
    }

    fn one_error(code: &'static str, message: String) -> Report {
        Report { kind: None, diagnostics: vec![Diagnostic::new(Severity::Error, code, message).at(1, 1)], more: 0 }
    }

    /// A bulk's refused works when the whole request is not refused: (position from 1,
    /// ORCID's answer for it).
    pub fn slot_verdicts(&self) -> Vec<(usize, &Diagnostic)> {
        if self.kind != Some(Kind::Bulk) || self.verdict().is_some() {
            return Vec::new();
        }
        let mut slots: Vec<usize> = self.diagnostics.iter().filter_map(|d| super::bulk_slot(&d.path)).collect();
        slots.dedup();
        slots.into_iter().filter_map(|n| self.slot_verdict(n).map(|d| (n, d))).collect()
    }
}

fn name_prefix(file_name: Option<&str>) -> String {
    file_name.map(|n| format!("{n}: ")).unwrap_or_default()
}

impl Severity {
    /// `error`, `warning` or `note`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Note => "note",
            Severity::Warning => "warning",
        }
    }
}

#[cfg(feature = "serde")]
impl Report {
    /// The report of one file as `orcid validate --report json` prints it (one object a line):
    /// `file`, `kind`, `valid`, ORCID's `verdict`, the `diagnostics`, and for a bulk the
    /// `slots` ORCID would refuse.
    pub fn to_json(&self, file: &str, valid: bool) -> serde_json::Value {
        use serde_json::json;
        let diagnostics: Vec<_> = self
            .diagnostics
            .iter()
            .map(|d| {
                json!({
                    "severity": d.severity.name(),
                    "code": d.code,
                    "rule": d.rule,
                    "status": d.status,
                    "orcid_code": d.orcid_code,
                    "path": d.path,
                    "line": d.line,
                    "column": d.column,
                    "message": d.message,
                    "note": d.note,
                })
            })
            .collect();
        let answer = |d: &Diagnostic| json!({"status": d.status, "orcid_code": d.orcid_code, "rule": d.rule});
        let mut object = json!({
            "file": file,
            "kind": self.kind.map(|k| k.as_str()),
            "valid": valid,
            "verdict": self.verdict().map(answer),
            "diagnostics": diagnostics,
        });
        let slots = self.slot_verdicts();
        if !slots.is_empty() {
            object["slots"] = slots.iter().map(|(n, d)| json!({"work": n, "verdict": answer(d)})).collect();
        }
        object
    }
}
