//! Reading an input file: XML or JSON told by the content ([`Format::detect`]), and the kind of a
//! JSON document.

use std::path::Path;

use orcid_model::{Document, Format, Kind, Mode};

/// Whether `path` is a file that can be read to its end: a folder, a FIFO, a socket or a device
/// is refused by name (reading a FIFO would wait for a writer forever).
pub fn check_regular(path: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_dir() {
        return Err(format!("{}: a folder, not a file", path.display()));
    }
    if !meta.is_file() {
        return Err(format!("{}: not a regular file (a FIFO, socket or device): items are read from files", path.display()));
    }
    Ok(())
}

/// A file's bytes, after [`check_regular`]; the message names the file.
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    check_regular(path)?;
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The kind of a JSON document: `--kind`, else what [`Kind::of_json`] tells from the file name
/// or the shape. Returns the kind and where it came from, or a message naming the file.
pub fn json_kind(bytes: &[u8], kind: Option<Kind>, file: &Path) -> Result<(Kind, String), String> {
    if let Some(k) = kind {
        return Ok((k, "--kind".to_owned()));
    }
    let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    Kind::of_json(bytes, file_name.as_deref())
        .map(|(k, from)| (k, from.to_string()))
        .map_err(|e| format!("{}: {e}; give its kind (--kind)", file.display()))
}

/// Reads XML or JSON, told by the first character; the message says `file:line:column: ...`.
pub fn read_document(bytes: &[u8], kind: Option<Kind>, mode: Mode, file: &Path) -> Result<Document, String> {
    let at = |e: orcid_model::ReadError| format!("{}:{}:{}: {}", file.display(), e.line, e.column, e.message);
    match Format::detect(bytes) {
        Some(Format::Xml) => Document::from_xml_bytes(bytes, mode).map_err(at),
        Some(Format::Json) => {
            let (kind, source) = json_kind(bytes, kind, file)?;
            Document::from_json_bytes(bytes, kind, mode).map_err(|e| format!("{} (read as {kind}, from {source})", at(e)))
        }
        None => Err(format!("{}:1:1: neither XML nor JSON", file.display())),
    }
}
