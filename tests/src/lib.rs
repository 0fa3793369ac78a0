//! Helpers for the conformance tests (`xmllint.rs`, `mutants.rs`): running libxml2's xmllint
//! on ORCID documents and reading its verdicts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use orcid_model::Document;

/// The workspace root.
pub fn root() -> PathBuf {
    xtask::paths::root()
}

/// The fetched `src/main/resources`, checked to exist.
pub fn resources() -> PathBuf {
    let dir = xtask::paths::upstream_dir().join("src/main/resources");
    assert!(dir.is_dir(), "{} is missing: run `cargo xtask schemas fetch` first", dir.display());
    dir
}

/// Stages the XSDs with the generator's one fix-up (2.1 imports pointed at 3.0), so that
/// libxml2 can load them; returns the folder.
pub fn staged_schemas(scratch: &Path) -> PathBuf {
    let dir = scratch.join("xsd");
    xtask::codegen::stage::stage(&xtask::paths::upstream_dir(), &dir).expect("staging the XSDs");
    dir
}

/// Every XML sample under `dir` (files under a `samples` folder), sorted.
pub fn xml_samples(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("readable").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    let mut out = Vec::new();
    for path in entries {
        if path.is_dir() {
            out.extend(xml_samples(&path));
        } else if path.extension().is_some_and(|e| e == "xml") && path.components().any(|c| c.as_os_str() == "samples") {
            out.push(path);
        }
    }
    out
}

/// The XSD that declares a document's root element, relative to `src/main/resources/`.
pub fn schema_for(doc: &Document) -> String {
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
/// before the end tag) is valid; libxml2 2.9 rejects it. Such an error is not counted.
pub fn is_date_time_whitespace_error(error: &str) -> bool {
    let Some(rest) = error.split("Schemas validity error : Element '").nth(1) else { return false };
    let Some((_, value)) = rest.split_once("': '") else { return false };
    let Some(value) = value.strip_suffix("' is not a valid value of the atomic type 'xs:dateTime'.") else {
        return false;
    };
    value != value.trim() && value.trim().parse::<orcid_model::DateTime>().is_ok()
}

/// Runs xmllint over files against one schema. Returns, per file, `None` when valid and the
/// counted errors when not.
pub fn xmllint(schema: &Path, files: &[PathBuf]) -> Result<BTreeMap<PathBuf, Option<String>>, String> {
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(schema)
        .args(files)
        .output()
        .map_err(|e| format!("running xmllint ({e}): install it with `apt-get install libxml2-utils`"))?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !matches!(out.status.code(), Some(0 | 1 | 3 | 4)) {
        return Err(format!("xmllint failed to run: {stderr}"));
    }
    // Each error starts with `file:line:`; xmllint prints values verbatim, newlines included,
    // so a line that starts no error continues the one before.
    let mut errors: BTreeMap<PathBuf, Vec<String>> = files.iter().map(|f| (f.clone(), Vec::new())).collect();
    let mut current: Option<PathBuf> = None;
    for line in stderr.lines() {
        let owner = files.iter().find(|f| {
            let f = f.to_string_lossy();
            line.starts_with(&format!("{f}:")) || line == format!("{f} fails to validate") || line == format!("{f} validates")
        });
        match owner {
            Some(f) if line.ends_with(" fails to validate") || line.ends_with(" validates") => current = Some(f.clone()),
            Some(f) => {
                errors.get_mut(f).expect("listed").push(line.to_owned());
                current = Some(f.clone());
            }
            None => {
                if let Some(last) = current.as_ref().and_then(|f| errors.get_mut(f)).and_then(|e| e.last_mut()) {
                    last.push('\n');
                    last.push_str(line);
                }
            }
        }
    }
    Ok(errors
        .into_iter()
        .map(|(file, errs)| {
            let counted: Vec<String> = errs
                .into_iter()
                .filter(|e| e.contains("Schemas validity error") || e.contains("parser error"))
                .filter(|e| !is_date_time_whitespace_error(e))
                .collect();
            (file, if counted.is_empty() { None } else { Some(counted.join("\n")) })
        })
        .collect())
}
