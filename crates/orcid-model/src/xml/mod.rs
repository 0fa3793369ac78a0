//! ORCID XML: the runtime the generated model code builds on.

mod read;
mod schema;
mod simple;
mod write;

use std::fmt;

pub(crate) use read::{CDATA_END_IN_TEXT, attribute_text, forbidden_control, resolve_reference};
pub use read::{Attr, FieldCursor, Reader, Start};
pub use schema::{
    AttributeSchema, Branch, Child, ChildContent, Facets, Group, Pattern, SimpleSchema, StructSchema, Vocabulary, has_non_space, is_orcid_path, is_orcid_uri,
};
pub use simple::{DatePart, DateTime, SimpleType};
pub use write::{Layout, QName, Writer};

/// How strictly to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Everything the XSD says: unknown elements or attributes, wrong order, missing required
    /// elements and facet violations are errors. For checking input before upload.
    #[default]
    Strict,
    /// Skips elements and attributes it does not know and does not check order or facets,
    /// so that a program reading API responses keeps working when ORCID adds fields.
    /// Required elements must still be there.
    Lenient,
}

/// Why a document could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct ReadError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl ReadError {
    pub(crate) fn at(src: &[u8], pos: usize, message: String) -> ReadError {
        let before = &src[..pos.min(src.len())];
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        ReadError { line, column, message }
    }
}

/// A type read from an XML element.
pub trait FromXml: Sized {
    /// Reads the element opened by `start`, through its end tag.
    fn from_xml<'a>(r: &mut Reader<'a>, start: &Start<'a>) -> Result<Self, ReadError>;
}

/// A type written as an XML element.
pub trait ToXml {
    /// Writes the element, named `name` (the same type can appear under several names).
    fn to_xml(&self, w: &mut Writer, name: QName);
}

/// A type that is a global element of the schema, and so can be a document root, in XML or
/// in ORCID's JSON.
pub trait Element: FromXml + ToXml + crate::json::FromJson + crate::json::ToJson {
    /// The element's name.
    const NAME: QName;

    /// Reads a document whose root is this element.
    fn from_xml_str(xml: &str, mode: Mode) -> Result<Self, ReadError> {
        Self::from_xml_bytes(xml.as_bytes(), mode)
    }

    /// Reads a document whose root is this element.
    fn from_xml_bytes(xml: &[u8], mode: Mode) -> Result<Self, ReadError> {
        let mut r = Reader::new(xml, mode);
        let root = r.root()?;
        if (root.ns, root.local) != (Self::NAME.ns, Self::NAME.local.as_bytes()) {
            return Err(r.error_for(&root, format!("expected a <{}> document, found <{}>", Self::NAME, root.display_name())));
        }
        let value = Self::from_xml(&mut r, &root)?;
        r.finish()?;
        Ok(value)
    }

    /// Writes this value as a whole document.
    fn to_xml_string(&self, layout: Layout) -> String {
        let mut w = Writer::new(layout);
        self.to_xml(&mut w, Self::NAME);
        w.finish()
    }

    /// Reads ORCID's JSON for this type.
    fn from_json_str(json: &str, mode: Mode) -> Result<Self, ReadError> {
        let mut r = crate::json::JsonReader::new(json.as_bytes(), mode);
        let value = Self::from_json(&mut r)?;
        r.finish()?;
        Ok(value)
    }

    /// Writes ORCID's JSON. `for_upload` leaves out what ORCID ignores or rejects on input
    /// (read-only dates, source, path, transient normalised identifiers).
    fn to_json_string(&self, for_upload: bool, pretty: bool) -> String {
        let mut w = crate::json::JsonWriter::new(for_upload, pretty);
        self.to_json(&mut w);
        w.finish()
    }
}

/// Reads a whole document whose root element is read as `T` (whatever its name).
pub fn read_root<T: FromXml>(xml: &[u8], mode: Mode) -> Result<T, ReadError> {
    let mut r = Reader::new(xml, mode);
    let root = r.root()?;
    let value = T::from_xml(&mut r, &root)?;
    r.finish()?;
    Ok(value)
}

/// Whether a value parses as `T` (for [`SimpleSchema::check`]).
pub fn check_simple<T: SimpleType>(text: &str) -> Result<(), String> {
    T::parse_xml(text).map(|_| ())
}

/// XML whitespace (space, tab, CR, LF): what `whiteSpace="collapse"` removes.
pub fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Strict => "strict",
            Mode::Lenient => "lenient",
        })
    }
}
