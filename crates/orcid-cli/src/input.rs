//! Reading an input file: XML or JSON told by the content, and the kind of a JSON document.

use std::path::Path;

use orcid_model::{Document, Kind, Mode};

/// The form of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// ORCID XML.
    Xml,
    /// ORCID's JSON.
    Json,
}

/// XML or JSON, by the first character that is not whitespace (after a byte-order mark).
pub fn form_of(bytes: &[u8]) -> Option<Form> {
    let first = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes).iter().find(|b| !b.is_ascii_whitespace());
    match first {
        Some(b'<') => Some(Form::Xml),
        Some(b'{') => Some(Form::Json),
        _ => None,
    }
}

/// The kind of a JSON document: `--kind`, else the file name, else its shape when exactly one
/// kind fits. Returns the kind and where it came from, or a message.
pub fn json_kind(bytes: &[u8], kind: Option<Kind>, file: &Path) -> Result<(Kind, &'static str), String> {
    if let Some(k) = kind {
        return Ok((k, "--kind"));
    }
    let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if let Some(k) = Kind::from_file_name(&file_name) {
        return Ok((k, "the file name"));
    }
    match Document::json_kinds_fitting(bytes).as_slice() {
        [one] => Ok((*one, "its shape")),
        [] => Err(format!("{}: cannot tell the kind of this JSON document from its name or shape; give --kind", file.display())),
        several => {
            let names: Vec<&str> = several.iter().map(|k| k.as_str()).collect();
            Err(format!("{}: this JSON document could be any of {}; give --kind", file.display(), names.join(", ")))
        }
    }
}

/// Reads XML or JSON, told by the first character; the message says `file:line:column: ...`.
pub fn read_document(bytes: &[u8], kind: Option<Kind>, mode: Mode, file: &Path) -> Result<Document, String> {
    let at = |e: orcid_model::ReadError| format!("{}:{}:{}: {}", file.display(), e.line, e.column, e.message);
    match form_of(bytes) {
        Some(Form::Xml) => Document::from_xml_bytes(bytes, mode).map_err(at),
        Some(Form::Json) => {
            let (kind, source) = json_kind(bytes, kind, file)?;
            Document::from_json_bytes(bytes, kind, mode).map_err(|e| format!("{} (read as {kind}, from {source})", at(e)))
        }
        None => Err(format!("{}:1:1: neither XML nor JSON", file.display())),
    }
}
