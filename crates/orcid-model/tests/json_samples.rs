//! ORCID's JSON: every JSON sample reads and writes back the same; every XML sample survives
//! XML → JSON → XML; samples given in both forms agree.

mod common;

use std::path::Path;

use libtest_mimic::{Arguments, Failed, Trial};
use orcid_model::{Document, Layout, Mode};
use serde_json::Value;

/// Samples whose file name does not start with their kind.
const KIND_OVERRIDES: &[(&str, &str)] = &[
    ("peer-review-group-id.json", "group-id-record"),
    // Named in the plural, these hold one item each.
    ("keywords-3.0.json", "keyword"),
    ("other-names-3.0.json", "other-name"),
];

fn kind_of(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    if let Some((_, kind)) = KIND_OVERRIDES.iter().find(|(n, _)| *n == name) {
        return (*kind).to_owned();
    }
    Document::kind_from_file_name(&name).unwrap_or_else(|| panic!("no kind for {name}")).to_owned()
}

/// Compares ORCID's JSON with ours: key order does not matter; a `null`, an empty list and an
/// absent key are the same; where ORCID's file has a bare string we write `{"value": ...}`, and
/// where it has a single object we write a list of one (the leniencies the API accepts).
fn same(path: &str, theirs: &Value, ours: &Value, diffs: &mut Vec<String>) {
    let empty = |v: &Value| v.is_null() || v.as_array().is_some_and(|a| a.is_empty());
    match (theirs, ours) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                match b.get(k) {
                    Some(vb) => same(&format!("{path}/{k}"), va, vb, diffs),
                    None if empty(va) => {}
                    None => diffs.push(format!("{path}/{k}: missing from ours")),
                }
            }
            for (k, vb) in b {
                if !a.contains_key(k) && !empty(vb) {
                    diffs.push(format!("{path}/{k}: only in ours: {vb}"));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                same(&format!("{path}[{i}]"), va, vb, diffs);
            }
        }
        (Value::String(s), Value::Object(b)) if b.len() == 1 && b.get("value") == Some(&Value::String(s.clone())) => {}
        (Value::Object(_), Value::Array(b)) if b.len() == 1 => same(path, theirs, &b[0], diffs),
        (a, b) if a == b => {}
        (a, b) => diffs.push(format!("{path}: theirs {a}, ours {b}")),
    }
}

fn json_round_trip(path: &Path) -> Result<(), Failed> {
    let text = std::fs::read_to_string(path)?;
    let kind = kind_of(path);
    let doc = Document::from_json_str(&text, &kind, Mode::Strict).map_err(|e| format!("strict read as {kind}: {e}"))?;
    let ours = doc.to_json_string(false, true);
    let mut diffs = Vec::new();
    same("", &serde_json::from_str(&text)?, &serde_json::from_str(&ours)?, &mut diffs);
    if !diffs.is_empty() {
        return Err(format!("written back differs:\n  {}", diffs.join("\n  ")).into());
    }
    let again = Document::from_json_str(&ours, &kind, Mode::Strict).map_err(|e| format!("our output does not read: {e}"))?;
    if again != doc {
        return Err("the value read back from our output differs".into());
    }
    Ok(())
}

/// The two XML samples that are invalid against ORCID's XSD; read leniently here.
const INVALID_XML: &[&str] = &["read_samples/work-3.0.xml", "read_samples/peer-reviews-3.0.xml"];

fn xml_json_xml(path: &Path) -> Result<(), Failed> {
    let xml = std::fs::read(path)?;
    let invalid = INVALID_XML.iter().any(|n| path.ends_with(n));
    let mode = if invalid { Mode::Lenient } else { Mode::Strict };
    let doc = Document::from_xml_bytes(&xml, mode).map_err(|e| format!("{e}"))?;
    let json = doc.to_json_string(false, false);
    let from_json = Document::from_json_str(&json, doc.kind(), mode).map_err(|e| format!("our JSON does not read: {e}\n{json}"))?;
    if from_json.to_json_string(false, false) != json {
        return Err("JSON → typed → JSON changed the JSON".into());
    }
    let xml_again = from_json.to_xml_string(Layout::Indented);
    let back = Document::from_xml_str(&xml_again, mode).map_err(|e| format!("XML from JSON does not read: {e}"))?;
    // Date-times become epoch milliseconds in JSON, so compare in the JSON form.
    if back.to_json_string(false, false) != json {
        return Err("XML → JSON → XML lost information".into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let root = common::resources();
    let mut trials = Vec::new();
    for path in common::samples(&root, "json") {
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        trials.push(Trial::test(format!("json_round_trip::{name}"), move || json_round_trip(&path)));
    }
    for path in common::samples(&root, "xml") {
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        trials.push(Trial::test(format!("xml_json_xml::{name}"), move || xml_json_xml(&path)));
    }
    libtest_mimic::run(&args, trials).exit();
}
