//! Bad input gets an error, never a panic: every sample cut at many points, and with bytes
//! flipped, goes through the readers and the validators.

mod common;

use orcid_model::validate::{Options, validate_json, validate_xml};
use orcid_model::{Document, Kind, Mode};

fn mangled(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let step = (bytes.len() / 40).max(1);
    for cut in (0..bytes.len()).step_by(step) {
        out.push(bytes[..cut].to_vec());
        let mut flipped = bytes.to_vec();
        for (i, b) in [b'<', b'>', b'"', b'\\', b'{', b'}', b'&', 0xC3].iter().enumerate() {
            if let Some(x) = flipped.get_mut(cut + i * 7) {
                *x = *b;
            }
        }
        out.push(flipped);
    }
    out
}

#[test]
fn mangled_samples_never_panic() {
    let root = common::resources();
    let mut documents = 0;
    for path in common::samples(&root, "xml") {
        for bytes in mangled(&std::fs::read(&path).unwrap()) {
            let _ = Document::from_xml_bytes(&bytes, Mode::Strict);
            let _ = Document::from_xml_bytes(&bytes, Mode::Lenient);
            let _ = validate_xml(&bytes, &Options::default());
            documents += 1;
        }
    }
    for path in common::samples(&root, "json") {
        let kind = Kind::from_file_name(&path.file_name().unwrap().to_string_lossy()).unwrap_or(Kind::Work);
        for bytes in mangled(&std::fs::read(&path).unwrap()) {
            let _ = Document::from_json_bytes(&bytes, kind, Mode::Strict);
            let _ = Document::from_json_bytes(&bytes, kind, Mode::Lenient);
            let _ = validate_json(&bytes, kind, &Options::default());
            let _ = Document::json_kinds_fitting(&bytes[..bytes.len().min(2000)]);
            documents += 1;
        }
    }
    assert!(documents > 5000, "{documents}");
}
