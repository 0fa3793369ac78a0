//! What must hold for any input, whatever its bytes: the fuzz targets call these, and
//! `cargo test` runs them over the seed corpus and every input fuzzing has found a problem
//! with (`tests/fuzz_corpus.rs` in the workspace).
//!
//! Beyond "no panic, no hang" (libFuzzer's own checks): a document lenient reading takes is
//! written back and read again to the same value, in its own form; one strict reading takes
//! crosses to the other form and back; what the validator passes, strict reading takes.

#![forbid(unsafe_code)]

use orcid_model::validate::{self, Options};
use orcid_model::{Document, Kind, Layout, Mode, ReadError, WriteOptions};

/// XML: both modes read or refuse without panicking; a document read leniently survives
/// being written (both layouts) and read again, and can be written as JSON.
pub fn read_xml(data: &[u8]) {
    let strict = Document::from_xml_bytes(data, Mode::Strict);
    let strict_ok = strict.is_ok();
    let lenient = Document::from_xml_bytes(data, Mode::Lenient);
    let Some(doc) = agree(strict, lenient) else { return };
    for layout in [Layout::Indented, Layout::Compact] {
        let written = doc.to_xml_string(layout);
        let again =
            Document::from_xml_str(&written, Mode::Lenient).unwrap_or_else(|e| panic!("written XML does not read back: {e}\n{written}"));
        assert_eq!(again, doc, "XML written and read back differs\n{written}");
    }
    // Known content crosses to JSON and back (a strictly read document has nothing unknown;
    // date-times take JSON's epoch milliseconds, so the second crossing is compared).
    let json = doc.to_json_string(WriteOptions::read());
    if strict_ok {
        let back = Document::from_json_str(&json, doc.kind(), Mode::Strict)
            .unwrap_or_else(|e| panic!("XML converted to JSON does not read back strictly: {e}\n{json}"));
        assert_eq!(back.to_json_string(WriteOptions::read()), json, "XML converted to JSON, read back and written again differs");
    }
}

/// JSON (the first byte picks the kind, the rest is the document): both modes read or
/// refuse without panicking; a document read leniently survives being written and read
/// again as JSON, and can be written as XML.
pub fn read_json(data: &[u8]) {
    let Some((&pick, json)) = data.split_first() else { return };
    let kind = Kind::ALL[usize::from(pick) % Kind::ALL.len()];
    let strict = Document::from_json_bytes(json, kind, Mode::Strict);
    let strict_ok = strict.is_ok();
    let lenient = Document::from_json_bytes(json, kind, Mode::Lenient);
    let Some(doc) = agree(strict, lenient) else { return };
    for options in [WriteOptions::read(), WriteOptions::read().compact()] {
        let written = doc.to_json_string(options);
        let again = Document::from_json_str(&written, kind, Mode::Lenient)
            .unwrap_or_else(|e| panic!("written JSON does not read back: {e}\n{written}"));
        assert_eq!(again, doc, "JSON written and read back differs\n{written}");
    }
    // Known content crosses to XML and back (the second crossing compared, as for XML).
    let xml = doc.to_xml_string(Layout::Indented);
    if strict_ok {
        let back = Document::from_xml_str(&xml, Mode::Strict)
            .unwrap_or_else(|e| panic!("JSON converted to XML does not read back strictly: {e}\n{xml}"));
        assert_eq!(back.to_xml_string(Layout::Indented), xml, "JSON converted to XML, read back and written again differs");
    }
}

/// What strict reading takes, lenient reading takes too, as the same value. The document
/// lenient reading took, if any.
fn agree(strict: Result<Document, ReadError>, lenient: Result<Document, ReadError>) -> Option<Document> {
    match (strict, lenient) {
        (Ok(strict), Ok(lenient)) => {
            assert_eq!(strict, lenient, "strict and lenient reading disagree on a document both take");
            Some(lenient)
        }
        (Ok(_), Err(e)) => panic!("lenient reading refuses what strict reading takes: {e}"),
        (Err(_), lenient) => lenient.ok(),
    }
}

/// Validation of both forms finishes without panicking, and what it passes the model reads:
/// strictly, or for a bulk (which ORCID binds without its XSD, ignoring what it does not know)
/// leniently.
pub fn validate(data: &[u8]) {
    let report = validate::validate_xml(data, &Options::default());
    let _ = report.verdict();
    if report.is_valid() {
        let read = Document::from_xml_bytes(data, Mode::Strict).or_else(|e| match Document::from_xml_bytes(data, Mode::Lenient) {
            Ok(doc) if doc.kind() == Kind::Bulk => Ok(doc),
            _ => Err(e),
        });
        if let Err(e) = read {
            panic!("the validator passes XML that strict reading refuses: {e}");
        }
    }
    if let Some((&pick, json)) = data.split_first() {
        let kind = Kind::ALL[usize::from(pick) % Kind::ALL.len()];
        let report = validate::validate_json(json, kind, &Options::default());
        let mode = if kind == Kind::Bulk { Mode::Lenient } else { Mode::Strict };
        if report.is_valid()
            && let Err(e) = Document::from_json_bytes(json, kind, mode)
        {
            panic!("the validator passes JSON that {mode} reading refuses: {e}");
        }
    }
}
