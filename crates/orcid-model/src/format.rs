//! XML or JSON: the one type every crate of the toolkit uses for the two forms of an ORCID
//! document, told from the content, a media type, or a file name.

use std::fmt;
use std::str::FromStr;

/// The two forms of ORCID documents.
///
/// ```
/// use orcid_model::Format;
/// assert_eq!(Format::detect(b"  <work:work/>"), Some(Format::Xml));
/// assert_eq!(Format::from_media_type("application/vnd.orcid+json; charset=UTF-8"), Some(Format::Json));
/// assert_eq!(Format::from_path("items/work-1.XML".as_ref()), Some(Format::Xml));
/// assert_eq!("json".parse::<Format>(), Ok(Format::Json));
/// assert_eq!(Format::Json.media_type(), "application/vnd.orcid+json");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Format {
    /// ORCID XML (`application/vnd.orcid+xml`).
    #[default]
    Xml,
    /// ORCID's JSON (`application/vnd.orcid+json`).
    Json,
}

/// A text that names no format (see [`Format`]'s `FromStr`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a format: use xml or json")]
pub struct UnknownFormat(pub String);

impl Format {
    /// Both, in the order help texts list them.
    pub const ALL: [Format; 2] = [Format::Xml, Format::Json];

    /// The lower-case name (`xml`, `json`), as flags and extensions spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xml => "xml",
            Format::Json => "json",
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        self.as_str()
    }

    /// ORCID's media type, for `Content-Type` and `Accept`.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Xml => "application/vnd.orcid+xml",
            Format::Json => "application/vnd.orcid+json",
        }
    }

    /// The form a media type (a `Content-Type` or one entry of `Accept`, parameters allowed)
    /// names, among those ORCID's API consumes and produces: its own (`application/vnd.orcid+xml`,
    /// `application/orcid+json`) and the plain ones (`application/xml`, `application/json`).
    pub fn from_media_type(value: &str) -> Option<Format> {
        let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/vnd.orcid+xml" | "application/orcid+xml" | "application/xml" => Some(Format::Xml),
            "application/vnd.orcid+json" | "application/orcid+json" | "application/json" => Some(Format::Json),
            _ => None,
        }
    }

    /// The form a file's extension names (`.xml`, `.json`, in any case).
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?;
        Format::ALL.into_iter().find(|f| ext.eq_ignore_ascii_case(f.extension()))
    }

    /// The form of a document, from its first character that is not whitespace: `<` is XML,
    /// `{` JSON. The encoding is found first as XML 1.0 (appendix F) finds it: a byte-order
    /// mark (UTF-8, UTF-16 either way, UTF-32), else the zero bytes around the first
    /// character of UTF-16 text without one.
    pub fn detect(bytes: &[u8]) -> Option<Format> {
        let first = first_char(bytes)?;
        match first {
            '<' => Some(Format::Xml),
            '{' => Some(Format::Json),
            _ => None,
        }
    }
}

/// The first character that is not whitespace, in the encoding the first bytes show.
fn first_char(bytes: &[u8]) -> Option<char> {
    // (code unit width, big endian, bytes to skip)
    let (width, big, skip) = match bytes {
        [0x00, 0x00, 0xFE, 0xFF, ..] => (4, true, 4),
        [0xFF, 0xFE, 0x00, 0x00, ..] => (4, false, 4),
        [0xEF, 0xBB, 0xBF, ..] => (1, true, 3),
        [0xFE, 0xFF, ..] => (2, true, 2),
        [0xFF, 0xFE, ..] => (2, false, 2),
        [0x00, 0x00, 0x00, b, ..] if *b != 0 => (4, true, 0),
        [b, 0x00, 0x00, 0x00, ..] if *b != 0 => (4, false, 0),
        [0x00, b, ..] if *b != 0 => (2, true, 0),
        [b, 0x00, ..] if *b != 0 => (2, false, 0),
        _ => (1, true, 0),
    };
    bytes[skip..]
        .chunks_exact(width)
        .map(|unit| {
            let value = if big {
                unit.iter().fold(0u32, |v, &b| v << 8 | u32::from(b))
            } else {
                unit.iter().rev().fold(0u32, |v, &b| v << 8 | u32::from(b))
            };
            char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER)
        })
        .find(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL.into_iter().find(|f| s.eq_ignore_ascii_case(f.as_str())).ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        for unit in (if bom { "\u{FEFF}" } else { "" }).encode_utf16().chain(text.encode_utf16()) {
            out.extend(if big { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        out
    }

    #[test]
    fn detection_follows_the_byte_order_mark_and_the_zero_bytes() {
        for text in ["<work:work/>", "\n  <?xml version=\"1.0\"?><work:work/>"] {
            for (big, bom) in [(true, true), (false, true), (true, false), (false, false)] {
                assert_eq!(Format::detect(&utf16(text, big, bom)), Some(Format::Xml), "{text:?} big {big} bom {bom}");
            }
            let mut utf8 = b"\xEF\xBB\xBF".to_vec();
            utf8.extend(text.as_bytes());
            assert_eq!(Format::detect(&utf8), Some(Format::Xml));
            let utf32: Vec<u8> = [0xFEFF_u32].into_iter().chain(text.chars().map(u32::from)).flat_map(u32::to_be_bytes).collect();
            assert_eq!(Format::detect(&utf32), Some(Format::Xml));
        }
        assert_eq!(Format::detect(&utf16(" {\"title\": 1}", false, true)), Some(Format::Json));
        assert_eq!(Format::detect(b"\t{}"), Some(Format::Json));
        assert_eq!(Format::detect(b""), None);
        assert_eq!(Format::detect(b"   "), None);
        assert_eq!(Format::detect(b"work"), None);
        assert_eq!(Format::detect(b"\xFF\xFE"), None);
    }

    #[test]
    fn names_media_types_and_extensions() {
        assert_eq!("XML".parse::<Format>(), Ok(Format::Xml));
        assert_eq!("yaml".parse::<Format>().unwrap_err().to_string(), "\"yaml\" is not a format: use xml or json");
        assert_eq!(Format::from_media_type("Application/JSON"), Some(Format::Json));
        assert_eq!(Format::from_media_type("application/xml;charset=utf-8"), Some(Format::Xml));
        assert_eq!(Format::from_media_type("text/xml"), None, "ORCID's API does not take it");
        assert_eq!(Format::from_path("a/b.Json".as_ref()), Some(Format::Json));
        assert_eq!(Format::from_path("a/b.txt".as_ref()), None);
        assert_eq!(Format::from_path("xml".as_ref()), None);
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>(), Ok(f));
            assert_eq!(Format::from_media_type(f.media_type()), Some(f));
        }
    }
}
