//! Validation of ORCID's JSON: read it (strictly, then leniently to go on after the first
//! problem), check the typed item as XML with the same checks, and point every problem at
//! the JSON's own lines.

use std::collections::HashMap;

use super::rules::RuleOptions;
use super::{Diagnostic, Report, Severity, validate_xml_with};
use crate::generated::Document;
use crate::json::JsonReader;
use crate::xml::{Layout, Mode, ReadError};

/// Validates a JSON document of a kind (its XML root element name): the same checks as for
/// XML, with lines and columns in the JSON.
pub fn validate_json_with(src: &[u8], kind: &str, options: RuleOptions) -> Report {
    let root = kind.rsplit(':').next().unwrap_or(kind);
    let mut report = Report { kind: Document::JSON_KINDS.iter().copied().find(|k| *k == kind), diagnostics: Vec::new() };

    let (strict, strict_positions) = read(src, kind, root, Mode::Strict);
    let (doc, positions) = match strict {
        Ok(doc) => (doc, strict_positions),
        Err(e) => {
            let malformed = e.message.starts_with("malformed JSON");
            report.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                code: if malformed { "json.malformed" } else { "json.structure" },
                // ORCID answers JSON it cannot bind with 9047.
                orcid_code: Some(9047),
                path: String::new(),
                line: e.line,
                column: e.column,
                message: e.message,
            });
            if malformed {
                return report;
            }
            match read(src, kind, root, Mode::Lenient) {
                (Ok(doc), positions) => (doc, positions),
                _ => return report,
            }
        }
    };
    let xml = doc.to_xml_string(Layout::Compact);
    for d in validate_xml_with(xml.as_bytes(), options).diagnostics {
        let pos = position(&positions, &d.path, root);
        let at = ReadError::at(src, pos, String::new());
        report.diagnostics.push(Diagnostic { line: at.line, column: at.column, ..d });
    }
    // In the JSON's own order (the checks ran on the item in XML order).
    report.diagnostics.sort_by_key(|d| (d.line, d.column));
    report
}

fn read(src: &[u8], kind: &str, root: &str, mode: Mode) -> (Result<Document, ReadError>, HashMap<String, usize>) {
    let mut r = JsonReader::new(src, mode);
    r.record_positions(root);
    let result = Document::from_json_reader(&mut r, src, kind, mode).and_then(|doc| r.finish().map(|_| doc));
    (result, r.positions())
}

/// The JSON position of an XML path: attributes are keys; a bulk's `work[n]` is `bulk[n]/work`;
/// where the JSON has no such key (a single object for a list, a value left out), the nearest
/// ancestor.
fn position(positions: &HashMap<String, usize>, xml_path: &str, root: &str) -> usize {
    let mut path = xml_path.replace("/@", "/");
    if root == "bulk"
        && let Some(rest) = path.strip_prefix("bulk/work[")
            && let Some((n, tail)) = rest.split_once(']') {
                path = format!("bulk/bulk[{n}]/work{tail}");
            }
    let mut key = path.as_str();
    loop {
        if let Some(pos) = positions.get(key) {
            return *pos;
        }
        // A list written as a single object has no `[1]`.
        if let Some(pos) = positions.get(&key.replace("[1]", "")) {
            return *pos;
        }
        match key.rsplit_once('/') {
            Some((parent, _)) => key = parent,
            None => return 0,
        }
    }
}
