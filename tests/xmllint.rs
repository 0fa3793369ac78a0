//! libxml2 as the reference: for every ORCID sample, our strict reader and our validator agree
//! with `xmllint --schema` on whether it is valid, and what we write from it is valid too.
//!
//! Needs `xmllint` (Debian package libxml2-utils) and the fetched schemas.

use std::path::Path;

use libtest_mimic::{Arguments, Failed, Trial};
use orcid_model::{Document, Layout, Mode};

/// xmllint's verdict on one file.
fn xmllint(schema: &Path, file: &Path) -> Result<Option<String>, Failed> {
    let mut verdicts = conformance::xmllint(schema, &[file.to_path_buf()])?;
    Ok(verdicts.remove(file).flatten())
}

fn check(sample: &Path, schemas: &Path, scratch: &Path) -> Result<(), Failed> {
    let bytes = std::fs::read(sample)?;
    // The root element names the schema; lenient reading works for the invalid samples too.
    let doc = Document::from_xml_bytes(&bytes, Mode::Lenient).map_err(|e| format!("lenient read failed: {e}"))?;
    let schema = schemas.join(conformance::schema_for(&doc));
    let reference = xmllint(&schema, sample)?;
    let ours = Document::from_xml_bytes(&bytes, Mode::Strict);
    let report = orcid_model::validate::validate_xml(&bytes, &orcid_model::validate::Options::default());
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
        let out =
            scratch.join(format!("{}-{layout:?}.xml", sample.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()));
        std::fs::write(&out, doc.to_xml_string(layout))?;
        if let Some(msg) = xmllint(&schema, &out)? {
            return Err(format!("our {layout:?} output is not valid: {msg}").into());
        }
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let resources = conformance::resources();
    let scratch = std::env::temp_dir().join(format!("orcid-conformance-{}", std::process::id()));
    let schemas = conformance::staged_schemas(&scratch);
    let files = conformance::xml_samples(&resources);
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
