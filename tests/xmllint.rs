//! libxml2 as the reference: for every ORCID sample, our strict reader and our validator agree
//! with `xmllint --schema` on whether it is valid, and what we write from it is valid too.
//!
//! Needs `xmllint` (Debian package libxml2-utils) and the fetched schemas.

use std::path::{Path, PathBuf};
use std::process::Command;

use libtest_mimic::{Arguments, Failed, Trial};
use orcid_model::{Document, Layout, Mode};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The XSD that declares a document's root element, relative to `src/main/resources/`.
fn schema_for(doc: &Document) -> String {
    if let Document::NotificationCustom(_) = doc {
        // Both notification XSDs declare `notification:notification`.
        return "notification_3.0/notification-custom-3.0.xsd".into();
    }
    match doc.root_name().ns.prefix() {
        "common" => "common_3.0/common-3.0.xsd".into(),
        "summary" => "summary_3.0/summary-3.0.xsd".into(),
        "group-id" => "group-id-3.0/group-id-3.0.xsd".into(),
        "client" => "client_3.0/client-3.0.xsd".into(),
        "notification" => "notification_3.0/notification-permission-3.0.xsd".into(),
        "external-identifier" => "record_3.0/person-external-identifier-3.0.xsd".into(),
        other => format!("record_3.0/{other}-3.0.xsd"),
    }
}

/// Where we deliberately differ from libxml2 2.9: `xs:dateTime` has `whiteSpace="collapse"`,
/// so a date-time with whitespace around it (as in many of ORCID's read samples, with a newline
/// before the end tag) is valid; libxml2 2.9 rejects it. Such an error line is not counted.
fn is_date_time_whitespace_error(line: &str) -> bool {
    let Some(rest) = line.split("Schemas validity error : Element '").nth(1) else { return false };
    let Some((_, value)) = rest.split_once("': '") else { return false };
    let Some(value) = value.strip_suffix("' is not a valid value of the atomic type 'xs:dateTime'.") else {
        return false;
    };
    value != value.trim() && value.trim().parse::<orcid_model::DateTime>().is_ok()
}

/// Runs xmllint; `Ok(None)` when valid, `Ok(Some(message))` when not.
fn xmllint(schema: &Path, file: &Path) -> Result<Option<String>, Failed> {
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(schema)
        .arg(file)
        .output()
        .map_err(|e| format!("running xmllint ({e}): install it with `apt-get install libxml2-utils`"))?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // xmllint prints an error's value verbatim, newlines included: join each error's lines.
    let mut errors: Vec<String> = Vec::new();
    for line in stderr.lines() {
        if line.contains("Schemas validity error") || line.contains(" fails to validate") || errors.is_empty() {
            errors.push(line.to_owned());
        } else if let Some(last) = errors.last_mut() {
            last.push('\n');
            last.push_str(line);
        }
    }
    let counted: Vec<&String> =
        errors.iter().filter(|e| e.contains("Schemas validity error") && !is_date_time_whitespace_error(e)).collect();
    match out.status.code() {
        Some(0) => Ok(None),
        Some(3) if counted.is_empty() => Ok(None),
        Some(3) => Ok(Some(counted.iter().map(|e| e.as_str()).collect::<Vec<_>>().join("\n"))),
        _ => Err(format!("xmllint failed to run on {}: {stderr}", file.display()).into()),
    }
}

fn check(sample: &Path, schemas: &Path, scratch: &Path) -> Result<(), Failed> {
    let bytes = std::fs::read(sample)?;
    // The root element names the schema; lenient reading works for the invalid samples too.
    let doc = Document::from_xml_bytes(&bytes, Mode::Lenient).map_err(|e| format!("lenient read failed: {e}"))?;
    let schema = schemas.join(schema_for(&doc));
    let reference = xmllint(&schema, sample)?;
    let ours = Document::from_xml_bytes(&bytes, Mode::Strict);
    let report = orcid_model::validate::validate_xml(&bytes);
    // Only what the XSD says: ORCID's own rules (vocabularies ...) go beyond libxml2.
    let xsd_valid = !report.diagnostics.iter().any(|d| d.code.starts_with("xsd.") || d.code.starts_with("xml."));
    match (&reference, &ours, xsd_valid) {
        (None, Err(e), _) => return Err(format!("xmllint accepts it, strict mode rejects it: {e}").into()),
        (Some(msg), Ok(_), _) => return Err(format!("xmllint rejects it, strict mode accepts it: {msg}").into()),
        (None, _, false) => return Err(format!("xmllint accepts it, the validator rejects it: {:?}", report.diagnostics).into()),
        (Some(msg), _, true) => return Err(format!("xmllint rejects it, the validator accepts it: {msg}").into()),
        (Some(_), Err(_), false) => return Ok(()),
        (None, Ok(_), true) => {}
    }
    for layout in [Layout::Indented, Layout::Compact] {
        let out = scratch.join(format!(
            "{}-{layout:?}.xml",
            sample.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
        ));
        std::fs::write(&out, doc.to_xml_string(layout))?;
        if let Some(msg) = xmllint(&schema, &out)? {
            return Err(format!("our {layout:?} output is not valid: {msg}").into());
        }
    }
    Ok(())
}

fn samples(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("readable").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            samples(&path, out);
        } else if path.extension().is_some_and(|e| e == "xml") && path.components().any(|c| c.as_os_str() == "samples") {
            out.push(path);
        }
    }
}

fn main() {
    let args = Arguments::from_args();
    let upstream = root().join("schemas/upstream");
    let resources = upstream.join("src/main/resources");
    assert!(resources.is_dir(), "{} is missing: run `cargo xtask schemas fetch` first", resources.display());
    // The XSDs with the generator's one fix-up (2.1 imports pointed at 3.0), so libxml2 loads them.
    let scratch = std::env::temp_dir().join(format!("orcid-conformance-{}", std::process::id()));
    let schemas = scratch.join("xsd");
    xtask::codegen::stage::stage(&upstream, &schemas).expect("staging the XSDs");
    let mut files = Vec::new();
    samples(&resources, &mut files);
    let trials = files
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(&resources).expect("under resources").display().to_string();
            let (schemas, scratch) = (schemas.clone(), scratch.join(name.replace('/', "_")));
            Trial::test(format!("agrees_with_xmllint::{name}"), move || {
                std::fs::create_dir_all(&scratch)?;
                check(&path, &schemas, &scratch)
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    let _ = std::fs::remove_dir_all(&scratch);
    conclusion.exit();
}
