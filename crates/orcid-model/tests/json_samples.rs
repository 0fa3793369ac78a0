//! ORCID's JSON: every JSON sample reads and writes back the same; every XML sample survives
//! XML → JSON → XML; samples given in both forms agree.

mod common;

use std::path::Path;

use libtest_mimic::{Arguments, Failed, Trial};
use orcid_model::{Document, Kind, Layout, Mode, WriteOptions};
use serde_json::Value;

/// Samples whose file name does not start with their kind.
const KIND_OVERRIDES: &[(&str, &str)] = &[
    ("peer-review-group-id.json", "group-id-record"),
    // Named in the plural, these hold one item each.
    ("keywords-3.0.json", "keyword"),
    ("other-names-3.0.json", "other-name"),
    // The full record's JSON sample, under its name until 3.3.1.
    ("full-record-3.0.json", "record"),
];

fn kind_of(path: &Path) -> Kind {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    if let Some((_, kind)) = KIND_OVERRIDES.iter().find(|(n, _)| *n == name) {
        return kind.parse().unwrap();
    }
    Kind::from_file_name(&name).unwrap_or_else(|| panic!("no kind for {name}"))
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
    let doc = Document::from_json_str(&text, kind, Mode::Strict).map_err(|e| format!("strict read as {kind}: {e}"))?;
    let ours = doc.to_json_string(WriteOptions::read());
    let mut diffs = Vec::new();
    same("", &serde_json::from_str(&text)?, &serde_json::from_str(&ours)?, &mut diffs);
    if !diffs.is_empty() {
        return Err(format!("written back differs:\n  {}", diffs.join("\n  ")).into());
    }
    let again = Document::from_json_str(&ours, kind, Mode::Strict).map_err(|e| format!("our output does not read: {e}"))?;
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
    let json = doc.to_json_string(WriteOptions::read().compact());
    let from_json = Document::from_json_str(&json, doc.kind(), mode).map_err(|e| format!("our JSON does not read: {e}\n{json}"))?;
    if from_json.to_json_string(WriteOptions::read().compact()) != json {
        return Err("JSON → typed → JSON changed the JSON".into());
    }
    let xml_again = from_json.to_xml_string(Layout::Indented);
    let back = Document::from_xml_str(&xml_again, mode).map_err(|e| format!("XML from JSON does not read: {e}"))?;
    // Date-times become epoch milliseconds in JSON, so compare in the JSON form.
    if back.to_json_string(WriteOptions::read().compact()) != json {
        return Err("XML → JSON → XML lost information".into());
    }
    Ok(())
}

/// Where ORCID's XML and JSON write samples of the same item disagree: (stem, JSON paths).
/// ORCID's two files often describe different example data (another department, date or
/// identifier); each path here is such a difference in ORCID's own files at
/// [`KNOWN_DIFFERENCES_AT`], and everything else must agree. ORCID does not keep the example data
/// of the two files in step across releases (values and members differ from one release to the
/// next), so at any other pin (`cargo xtask backtest`) both files must only read strictly; the
/// round trips of every sample hold at every pin.
const KNOWN_DIFFERENCES_AT: &str = "0f61fa681c8e2287f390631644906c8631b5fa6c";

#[rustfmt::skip]
const KNOWN_DIFFERENCES: &[(&str, &[&str])] = &[
    ("address-3.0", &["/country/value"]),
    ("distinction-3.0", &["/department-name", "/end-date/month/value", "/end-date/year/value", "/external-ids/external-id", "/organization/address/city", "/organization/address/country", "/organization/address/region", "/organization/disambiguated-organization/disambiguated-organization-identifier", "/organization/name", "/role-title", "/start-date/day/value", "/start-date/month/value", "/start-date/year/value", "/url/value"]),
    ("bulk-work-3.0", &["/bulk[0]/work/external-ids/external-id[0]/external-id-url/value", "/bulk[0]/work/external-ids/external-id[0]/external-id-value", "/bulk[0]/work/journal-title/value", "/bulk[0]/work/publication-date", "/bulk[0]/work/title/title/value", "/bulk[1]/work/external-ids/external-id[0]/external-id-relationship", "/bulk[1]/work/external-ids/external-id[0]/external-id-type", "/bulk[1]/work/external-ids/external-id[0]/external-id-url", "/bulk[1]/work/external-ids/external-id[0]/external-id-value", "/bulk[1]/work/journal-title/value", "/bulk[1]/work/publication-date", "/bulk[1]/work/title/title/value", "/bulk[1]/work/type"]),
    ("education-3.0", &["/department-name", "/end-date/month/value", "/end-date/year/value", "/external-ids/external-id", "/organization/address/city", "/organization/address/country", "/organization/address/region", "/organization/disambiguated-organization/disambiguated-organization-identifier", "/organization/name", "/role-title", "/start-date/year/value"]),
    ("employment-3.0", &["/department-name", "/end-date/day/value", "/end-date/month/value", "/end-date/year/value", "/external-ids/external-id", "/organization/address/city", "/organization/address/country", "/organization/address/region", "/organization/disambiguated-organization/disambiguated-organization-identifier", "/organization/name", "/role-title", "/start-date/day/value", "/start-date/month/value", "/start-date/year/value", "/url/value"]),
    ("invited-position-3.0", &["/department-name", "/end-date/day/value", "/end-date/month/value", "/end-date/year/value", "/external-ids/external-id", "/organization/address/city", "/organization/address/country", "/organization/address/region", "/organization/disambiguated-organization/disambiguated-organization-identifier", "/organization/name", "/role-title", "/start-date/day/value", "/start-date/month/value", "/start-date/year/value", "/url/value"]),
    ("membership-3.0", &["/department-name", "/end-date/month/value", "/end-date/year/value", "/organization/address/city", "/organization/address/country", "/organization/address/region", "/organization/disambiguated-organization/disambiguated-organization-identifier", "/organization/name", "/role-title", "/start-date/year/value"]),
    ("peer-review-simple-3.0", &["/review-identifiers/external-id[0]/external-id-value", "/review-url"]),
    ("qualification-3.0", &["/department-name", "/end-date/month/value", "/end-date/year/value", "/external-ids/external-id[0]/external-id-type", "/external-ids/external-id[1]/external-id-relationship", "/organization/address/city", "/organization/address/country", "/organization/address/region", "/organization/disambiguated-organization/disambiguated-organization-identifier", "/organization/name", "/role-title", "/start-date/month/value", "/start-date/year/value"]),
    ("peer-review-full-3.0", &["/convening-organization/disambiguated-organization/disambiguated-organization-identifier", "/convening-organization/disambiguated-organization/disambiguation-source", "/review-completion-date/day/value", "/review-completion-date/month/value", "/review-identifiers/external-id", "/review-url/value", "/subject-name/subtitle", "/subject-name/translated-title/value", "/subject-url/value"]),
    ("researcher-url-3.0", &["/url-name", "/url/value"]),
    ("research-resource-3.0", &["/proposal/external-ids/external-id", "/proposal/hosts/organization", "/proposal/title/title/value", "/proposal/title/translated-title", "/resource-item"]),
    ("service-3.0", &["/department-name", "/end-date/year/value", "/external-ids/external-id", "/organization/address/city", "/organization/address/country", "/organization/address/region", "/organization/disambiguated-organization/disambiguated-organization-identifier", "/organization/name", "/role-title", "/url/value"]),
    ("work-full-3.0", &["/citation/citation-value", "/contributors/contributor", "/country/value", "/external-ids/external-id[0]/external-id-relationship", "/external-ids/external-id[0]/external-id-value", "/journal-title/value", "/publication-date/day/value", "/publication-date/month/value", "/publication-date/year/value", "/short-description", "/title/subtitle/value", "/title/translated-title/value", "/url/value"]),
];

/// The write samples given in both forms read to the same item.
fn both_forms_agree(xml_path: &Path, json_path: &Path) -> Result<(), Failed> {
    let from_xml = Document::from_xml_bytes(&std::fs::read(xml_path)?, Mode::Strict).map_err(|e| format!("XML: {e}"))?;
    let kind = from_xml.kind();
    let from_json = Document::from_json_bytes(&std::fs::read(json_path)?, kind, Mode::Strict).map_err(|e| format!("JSON: {e}"))?;
    let (a, b): (Value, Value) = (
        serde_json::from_str(&from_xml.to_json_string(WriteOptions::upload().compact()))?,
        serde_json::from_str(&from_json.to_json_string(WriteOptions::upload().compact()))?,
    );
    if orcid_model::ORCID_SNAPSHOT.commit != KNOWN_DIFFERENCES_AT {
        // Another pin (`cargo xtask backtest`): both files read strictly and write, which is all
        // that can be asked of two files whose example data ORCID did not keep in step.
        return Ok(());
    }
    let mut diffs = Vec::new();
    same("", &a, &b, &mut diffs);
    let mut paths: Vec<String> = diffs.iter().map(|d| d.split(':').next().unwrap_or_default().to_owned()).collect();
    paths.sort();
    paths.dedup();
    let stem = json_path.file_stem().unwrap().to_string_lossy().into_owned();
    let known: Vec<String> =
        KNOWN_DIFFERENCES.iter().find(|(s, _)| *s == stem).map(|(_, p)| p.iter().map(|s| s.to_string()).collect()).unwrap_or_default();
    if paths != known {
        return Err(format!("the XML and JSON samples differ (expected only {known:?}):\n  {}", diffs.join("\n  ")).into());
    }
    Ok(())
}

/// serde both ways gives what the native JSON reader and writer give, byte for byte: the
/// sample read from JSON text by serde_json's reader and from a `serde_json::Value`, and
/// written by serde_json (compact and pretty) from the typed value.
fn serde_agrees(path: &Path) -> Result<(), Failed> {
    let text = std::fs::read_to_string(path)?;
    let invalid = INVALID_XML.iter().any(|n| path.ends_with(n));
    let (doc, kind) = if path.extension().is_some_and(|e| e == "xml") {
        let doc = Document::from_xml_str(&text, if invalid { Mode::Lenient } else { Mode::Strict }).map_err(|e| format!("{e}"))?;
        let kind = doc.kind();
        (doc, kind)
    } else {
        let kind = kind_of(path);
        (Document::from_json_str(&text, kind, Mode::Strict).map_err(|e| format!("{e}"))?, kind)
    };
    let native = doc.to_json_string(WriteOptions::read().compact());
    let via_serde = serde_json::to_string(&doc)?;
    if via_serde != native {
        return Err(format!("serde_json::to_string differs from the native writer:\n  native {native}\n  serde  {via_serde}").into());
    }
    let pretty = serde_json::to_string_pretty(&doc)?;
    if pretty + "\n" != doc.to_json_string(WriteOptions::read()) {
        return Err("serde_json::to_string_pretty differs from the native writer's indented form".into());
    }
    let modes: &[Mode] = if invalid { &[Mode::Lenient] } else { &[Mode::Strict, Mode::Lenient] };
    for &mode in modes {
        let read_native = Document::from_json_str(&native, kind, mode).map_err(|e| format!("{e}"))?;
        let mut de = serde_json::Deserializer::from_str(&native);
        let read_serde = Document::deserialize_kind(&mut de, kind, mode)?;
        if read_serde != read_native {
            return Err(format!("read through serde_json's reader ({mode}) differs from the native reader").into());
        }
        // A `Value` sorts keys (which moves kept unknown keys): compare with the native
        // reading of the same order.
        let value: Value = serde_json::from_str(&native)?;
        let sorted = Document::from_json_str(&value.to_string(), kind, mode).map_err(|e| format!("{e}"))?;
        if Document::deserialize_kind(value, kind, mode)? != sorted {
            return Err(format!("read from a serde_json::Value ({mode}) differs from the native reader").into());
        }
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
    for path in common::samples(&root, "json").into_iter().chain(common::samples(&root, "xml")) {
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        trials.push(Trial::test(format!("serde_agrees::{name}"), move || serde_agrees(&path)));
    }
    for json_path in common::samples(&root, "json") {
        let xml_path = json_path.with_extension("xml");
        if xml_path.exists() {
            let name = json_path.strip_prefix(&root).unwrap().with_extension("").display().to_string();
            trials.push(Trial::test(format!("both_forms_agree::{name}"), move || both_forms_agree(&xml_path, &json_path)));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
