//! What a document's bytes say as text: XML in any encoding XML 1.0 allows a parser to take
//! (a byte-order mark, UTF-16 in either byte order, the encoding its declaration names, decoded
//! with `encoding_rs`), JSON in UTF-8 (a leading byte-order mark allowed, as ORCID's parser
//! allows it). The readers then work on UTF-8 text.

use std::borrow::Cow;

/// Why bytes are not text: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingError {
    /// Byte offset.
    pub pos: usize,
    /// What is wrong.
    pub message: String,
}

fn error<T>(pos: usize, message: impl Into<String>) -> Result<T, EncodingError> {
    Err(EncodingError { pos, message: message.into() })
}

/// UTF-8 text, or where it stops being UTF-8.
pub fn utf8(src: &[u8]) -> Result<&str, EncodingError> {
    match simdutf8::basic::from_utf8(src) {
        Ok(text) => Ok(text),
        Err(_) => {
            let valid = std::str::from_utf8(src).err().map_or(0, |e| e.valid_up_to());
            error(valid, format!("the bytes are not UTF-8 here (byte 0x{:02X})", src.get(valid).copied().unwrap_or(0)))
        }
    }
}

/// A JSON document's text: UTF-8, with or without a byte-order mark (kept: the reader skips it).
pub fn json_text(src: &[u8]) -> Result<&str, EncodingError> {
    if src.starts_with(&[0xFE, 0xFF]) || src.starts_with(&[0xFF, 0xFE]) {
        return error(0, "JSON must be UTF-8; this document starts with a UTF-16 byte-order mark");
    }
    utf8(src)
}

/// The encoding a byte-order mark or the first bytes show (XML 1.0, appendix F).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detected {
    Utf8Bom,
    Utf16Le {
        bom: bool,
    },
    Utf16Be {
        bom: bool,
    },
    /// ASCII-compatible, no byte-order mark: the declaration decides.
    Plain,
}

fn detect(src: &[u8]) -> Result<Detected, EncodingError> {
    Ok(match src {
        [0xEF, 0xBB, 0xBF, ..] => Detected::Utf8Bom,
        [0x00, 0x00, 0xFE, 0xFF, ..] | [0xFF, 0xFE, 0x00, 0x00, ..] => {
            return error(0, "UTF-32 is not supported (ORCID's XML parser does not read it either); send UTF-8");
        }
        [0xFE, 0xFF, ..] => Detected::Utf16Be { bom: true },
        [0xFF, 0xFE, ..] => Detected::Utf16Le { bom: true },
        [0x3C, 0x00, 0x3F, 0x00, ..] => Detected::Utf16Le { bom: false },
        [0x00, 0x3C, 0x00, 0x3F, ..] => Detected::Utf16Be { bom: false },
        _ => Detected::Plain,
    })
}

/// The `encoding` of an XML declaration at the start of `text`, if it has one. Read as bytes
/// (the declaration is ASCII in every encoding a parser may meet before decoding), with plain
/// loops: it is a few dozen bytes, read once per document, where building a substring
/// searcher costs more than the search.
fn declared_encoding(text: &[u8]) -> Option<&str> {
    let decl = text.strip_prefix(b"<?xml")?;
    let end = decl.windows(2).position(|w| w == b"?>")?;
    let decl = &decl[..end];
    let at = decl.windows(8).position(|w| w == b"encoding")?;
    let rest = decl[at + "encoding".len()..].trim_ascii_start().strip_prefix(b"=")?.trim_ascii_start();
    let (&quote, rest) = rest.split_first().filter(|(q, _)| matches!(q, b'"' | b'\''))?;
    let label = &rest[..rest.iter().position(|&b| b == quote)?];
    std::str::from_utf8(label).ok()
}

fn is_utf8_label(label: &str) -> bool {
    label.eq_ignore_ascii_case("utf-8") || label.eq_ignore_ascii_case("utf8")
}

fn is_utf16_label(label: &str) -> bool {
    ["utf-16", "utf-16le", "utf-16be", "utf16"].iter().any(|l| label.eq_ignore_ascii_case(l))
}

fn is_latin1_label(label: &str) -> bool {
    ["iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1"].iter().any(|l| label.eq_ignore_ascii_case(l))
}

/// An XML document's text.
pub fn xml_text(src: &[u8]) -> Result<Cow<'_, str>, EncodingError> {
    match detect(src)? {
        Detected::Utf8Bom => {
            let text = utf8(&src[3..]).map_err(|e| EncodingError { pos: e.pos + 3, ..e })?;
            match declared_encoding(text.as_bytes()) {
                Some(label) if !is_utf8_label(label) => {
                    error(0, format!("the byte-order mark says UTF-8 but the declaration says {label:?}"))
                }
                _ => Ok(Cow::Borrowed(text)),
            }
        }
        Detected::Utf16Le { bom } | Detected::Utf16Be { bom } => {
            let little = matches!(detect(src)?, Detected::Utf16Le { .. });
            let body = if bom { &src[2..] } else { src };
            let encoding = if little { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
            let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(body) else {
                return error(0, format!("the document is not valid {}", encoding.name()));
            };
            match declared_encoding(text.as_bytes()) {
                Some(label) if !is_utf16_label(label) => {
                    let found = if bom { "byte-order mark" } else { "first bytes" };
                    error(0, format!("the {found} say {} but the declaration says {label:?}", encoding.name()))
                }
                None if !bom => error(0, "a UTF-16 document without a byte-order mark must declare its encoding"),
                _ => Ok(Cow::Owned(text.into_owned())),
            }
        }
        Detected::Plain => match declared_encoding(&src[..src.len().min(512)]) {
            None => utf8(src).map(Cow::Borrowed),
            Some(label) if is_utf8_label(label) => utf8(src).map(Cow::Borrowed),
            Some(label) if is_utf16_label(label) => {
                error(0, format!("the declaration says {label:?} but the bytes are not UTF-16 (no byte-order mark, ASCII bytes)"))
            }
            Some(label) if is_latin1_label(label) => Ok(Cow::Owned(src.iter().map(|&b| char::from(b)).collect())),
            Some(label) => {
                let Some(encoding) = encoding_rs::Encoding::for_label_no_replacement(label.as_bytes()) else {
                    return error(0, format!("the declaration names an encoding this reader does not know: {label:?}"));
                };
                if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                    return error(0, format!("the declaration says {label:?} but the bytes are not UTF-16"));
                }
                match encoding.decode_without_bom_handling_and_without_replacement(src) {
                    Some(text) => Ok(Cow::Owned(text.into_owned())),
                    None => error(0, format!("the bytes are not valid {label}, which the declaration says they are")),
                }
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if little { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
        }
        for unit in text.encode_utf16() {
            out.extend(if little { unit.to_le_bytes() } else { unit.to_be_bytes() });
        }
        out
    }

    #[test]
    fn encodings_xml_allows() {
        let doc = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>é</a>";
        assert_eq!(xml_text(&utf16(doc, true, true)).unwrap(), doc);
        assert_eq!(xml_text(&utf16(doc, false, true)).unwrap(), doc);
        assert_eq!(xml_text(&utf16(doc, true, false)).unwrap(), doc);
        let bom = [&[0xEF, 0xBB, 0xBF][..], b"<a/>"].concat();
        assert_eq!(xml_text(&bom).unwrap(), "<a/>");
        let latin = [&b"<?xml version='1.0' encoding='ISO-8859-1'?><a>"[..], &[0xE9], b"</a>"].concat();
        assert_eq!(xml_text(&latin).unwrap(), "<?xml version='1.0' encoding='ISO-8859-1'?><a>é</a>");
        let cp = [&b"<?xml version='1.0' encoding='windows-1252'?><a>"[..], &[0x80], b"</a>"].concat();
        assert!(xml_text(&cp).unwrap().contains('€'));
    }

    #[test]
    fn contradictions_name_both() {
        let doc = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>";
        let e = xml_text(&utf16(doc, true, true)).unwrap_err();
        assert!(e.message.contains("UTF-16LE") && e.message.contains("ISO-8859-1"), "{}", e.message);
        let e = xml_text(b"<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>").unwrap_err();
        assert!(e.message.contains("UTF-16"), "{}", e.message);
        let e = xml_text(&[&[0xEF, 0xBB, 0xBF][..], b"<?xml version='1.0' encoding='latin1'?><a/>"].concat()).unwrap_err();
        assert!(e.message.contains("UTF-8") && e.message.contains("latin1"), "{}", e.message);
        let e = xml_text(b"<?xml version='1.0' encoding='x-nonsense'?><a/>").unwrap_err();
        assert!(e.message.contains("x-nonsense"), "{}", e.message);
        let e = xml_text(b"<a>\xff</a>").unwrap_err();
        assert_eq!(e.pos, 3);
    }

    #[test]
    fn json_is_utf8() {
        assert_eq!(json_text(b"\xEF\xBB\xBF{}").unwrap(), "\u{FEFF}{}");
        assert!(json_text(&utf16("{}", true, true)).is_err());
    }
}
