//! Typed Rust model of ORCID's 3.0 message schema: every item and read type, read from and
//! written to ORCID XML and ORCID's JSON exactly as the member API sends and accepts them.
//!
//! The types are generated from ORCID's XSDs by `cargo xtask codegen` (see the repository's
//! README). Read any ORCID document and find out what it is:
//!
//! ```
//! use orcid_model::{Document, Mode};
//!
//! let xml = r#"<work:work xmlns:work="http://www.orcid.org/ns/work"
//!                        xmlns:common="http://www.orcid.org/ns/common">
//!     <work:title><common:title>On ORCID</common:title></work:title>
//!     <work:type>journal-article</work:type>
//! </work:work>"#;
//! let Document::Work(work) = Document::from_xml_str(xml, Mode::Strict)? else { panic!("a work") };
//! assert_eq!(work.title.title, "On ORCID");
//! assert_eq!(work.kind, orcid_model::vocabulary::WorkType::JournalArticle);
//! # Ok::<(), orcid_model::ReadError>(())
//! ```
//!
//! Build an item in code and write it:
//!
//! ```
//! use orcid_model::{Element, Layout, WriteOptions};
//! use orcid_model::work::{Work, WorkTitle};
//! use orcid_model::vocabulary::WorkType;
//!
//! let work = Work::new(WorkTitle::new("On ORCID"), WorkType::JournalArticle).with_journal_title("Journal");
//! let xml = work.to_xml_string(Layout::Compact);
//! assert!(xml.contains("<work:type>journal-article</work:type>"));
//! let json = work.to_json_string(WriteOptions::upload().compact());
//! assert!(json.starts_with(r#"{"title":{"title":{"value":"On ORCID"}}"#));
//! ```
//!
//! The model is made to be depended on across ORCID's schema changes: structs and enums are
//! `#[non_exhaustive]`, every enumeration keeps values it does not know, and lenient reading
//! keeps elements, attributes and JSON keys it does not know with the item they belong to and
//! writes them back (see [`UnknownContent`]).
//!
//! # Accessors
//!
//! Every struct has an accessor for each of its members, named as the field, whose shape does
//! not depend on what the XSD says of how often the member occurs: `Option<&T>` for one value
//! (`Option<&str>` for text, `Option<T>` for put-codes, numbers and flags), `&[T]` for a list.
//! ORCID makes elements optional or required between releases (3.3.7 made an organization's city
//! optional; 3.3.8 a professional activity's organization); code that reads through accessors
//! builds against the model generated at any of them. The public fields stay for building and
//! changing values.
//!
//! ```
//! use orcid_model::{Document, Mode};
//! let xml = r#"<employment:employment xmlns:employment="http://www.orcid.org/ns/employment"
//!         xmlns:common="http://www.orcid.org/ns/common">
//!     <common:organization><common:name>ORCID</common:name>
//!         <common:address><common:city>Bethesda</common:city><common:country>US</common:country></common:address>
//!     </common:organization>
//! </employment:employment>"#;
//! let Document::Employment(job) = Document::from_xml_str(xml, Mode::Strict)? else { panic!("an employment") };
//! let address = job.organization().and_then(|org| org.address());
//! assert_eq!(address.and_then(|a| a.city()), Some("Bethesda"));
//! assert_eq!(address.and_then(|a| a.region()), None);
//! # Ok::<(), orcid_model::ReadError>(())
//! ```
//!
//! [`ORCID_SNAPSHOT`] names the ORCID release, commit and date the model was generated from.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod document;
mod format;
#[rustfmt::skip]
mod generated;
pub mod items;
pub mod normalise;
mod runtime;
#[cfg(feature = "serde")]
mod strict;
pub mod validate;
mod values;

pub use document::{KindError, KindEvidence};
pub use format::{Format, UnknownFormat};
pub use generated::*;
pub use runtime::simple::{DatePart, DateTime};
pub use runtime::unknown::UnknownContent;
#[cfg(feature = "serde")]
pub use strict::Strict;
pub use values::{OrcidId, OrcidIdError, OrcidSnapshot, PutCode, UnknownValue, orcid_checksum_ok};

/// The crate's README, whose example is run as a test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The runtime the generated code builds on. Not public API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::runtime::content::{Input, Read};
    pub use crate::runtime::output::{Output, Write};
    pub use crate::runtime::schema::{
        Branch, Content, Facets, Group, Member, MemberKind, Pattern, Shape, SimpleSchema, StructSchema, ValueKind, Vocabulary,
        has_non_space, is_client_path, is_client_uri, is_orcid_path, is_orcid_uri, is_true,
    };
    #[cfg(feature = "serde")]
    pub use crate::runtime::serde_support;
    pub use crate::runtime::simple::SimpleType;
    pub use crate::runtime::unknown::Unknown;
    pub use crate::values::UnknownValue;
}

use runtime::content::ReadMode;
use runtime::output::{JsonOutput, XmlOutput};

/// How strictly to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Mode {
    /// Everything the XSD says: unknown elements or attributes, wrong order, missing required
    /// elements, facet violations and values outside an XSD enumeration are errors. For
    /// checking input before upload.
    #[default]
    Strict,
    /// Keeps what it does not know (elements, attributes, JSON keys, enumeration values) and
    /// does not check order or facets, so that a program reading API responses keeps working
    /// when ORCID adds fields, and writes them back unchanged. Required elements must still be
    /// there.
    Lenient,
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mode::Strict => "strict",
            Mode::Lenient => "lenient",
        })
    }
}

/// Why a document could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
#[non_exhaustive]
pub struct ReadError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// In validation: the problem is already recorded (the value could not be built).
    reported: bool,
}

impl ReadError {
    /// An error at a line and column.
    pub fn new(line: usize, column: usize, message: impl Into<String>) -> ReadError {
        ReadError { line, column, message: message.into(), reported: false }
    }

    /// An error at a byte offset of `src`.
    pub(crate) fn at(src: &[u8], pos: usize, message: String) -> ReadError {
        let (line, column) = line_column(src, pos);
        ReadError { line, column, message, reported: false }
    }

    /// A value could not be built; its problems were recorded (validation).
    pub(crate) fn reported() -> ReadError {
        ReadError { line: 0, column: 0, message: String::new(), reported: true }
    }

    pub(crate) fn is_reported(&self) -> bool {
        self.reported
    }
}

/// The 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(src: &[u8], pos: usize) -> (usize, usize) {
    let before = &src[..pos.min(src.len())];
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line, column)
}

/// How to lay out what is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Layout {
    /// Each element (or JSON member) on its own line, indented by depth. Indentation goes
    /// only between elements, never into text content, so the information is the same.
    #[default]
    Indented,
    /// No whitespace between elements.
    Compact,
}

/// How to write a document, in either form.
///
/// ```
/// use orcid_model::{Layout, WriteOptions};
/// let options = WriteOptions::upload().compact();
/// assert!(options.for_upload && options.layout == Layout::Compact);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct WriteOptions {
    /// The layout.
    pub layout: Layout,
    /// A body for upload: leaves out what ORCID sets itself and ignores or refuses on input
    /// (source, created and last-modified dates, paths, transient normalised identifiers).
    pub for_upload: bool,
}

impl WriteOptions {
    /// A document as ORCID sends it (everything), indented.
    pub fn read() -> WriteOptions {
        WriteOptions::default()
    }

    /// A body for upload, indented.
    pub fn upload() -> WriteOptions {
        WriteOptions { for_upload: true, ..WriteOptions::default() }
    }

    /// The same, compact.
    pub fn compact(self) -> WriteOptions {
        WriteOptions { layout: Layout::Compact, ..self }
    }

    /// The same, indented.
    pub fn indented(self) -> WriteOptions {
        WriteOptions { layout: Layout::Indented, ..self }
    }
}

/// An element name: a namespace and a local name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QName {
    /// The namespace.
    pub ns: Ns,
    /// The local name.
    pub local: &'static str,
}

impl QName {
    /// A name in a namespace.
    pub const fn new(ns: Ns, local: &'static str) -> QName {
        QName { ns, local }
    }
}

impl std::fmt::Display for QName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.ns.prefix() {
            "" => f.write_str(self.local),
            p => write!(f, "{p}:{}", self.local),
        }
    }
}

/// A type that is a document ORCID sends or accepts on its own (a global element of the
/// schema): it reads and writes whole documents, in XML or in ORCID's JSON.
///
/// The methods it requires are the generated code's and are not public API; every item type
/// implements it.
pub trait Element: __private::Read + __private::Write + Sized {
    /// The root element's name.
    const NAME: QName;
    /// The kind of document.
    const KIND: Kind;

    /// Reads an XML document whose root is this element.
    fn from_xml_str(xml: &str, mode: Mode) -> Result<Self, ReadError> {
        Self::from_xml_bytes(xml.as_bytes(), mode)
    }

    /// Reads an XML document whose root is this element, in any encoding XML allows.
    fn from_xml_bytes(xml: &[u8], mode: Mode) -> Result<Self, ReadError> {
        document::read_xml(xml, mode.into(), Self::NAME)
    }

    /// Reads ORCID's JSON for this type.
    fn from_json_str(json: &str, mode: Mode) -> Result<Self, ReadError> {
        Self::from_json_bytes(json.as_bytes(), mode)
    }

    /// Reads ORCID's JSON for this type (UTF-8).
    fn from_json_bytes(json: &[u8], mode: Mode) -> Result<Self, ReadError> {
        document::read_json(json, ReadMode::from(mode))
    }

    /// Writes this value as a whole XML document.
    fn to_xml_string(&self, layout: Layout) -> String {
        self.to_xml_with(WriteOptions { layout, ..WriteOptions::default() })
    }

    /// Writes this value as a whole XML document, with options.
    fn to_xml_with(&self, options: WriteOptions) -> String {
        XmlOutput::new(options.layout, options.for_upload).document((Self::NAME.ns, Self::NAME.local), self)
    }

    /// Writes ORCID's JSON.
    fn to_json_string(&self, options: WriteOptions) -> String {
        JsonOutput::new(options.for_upload, options.layout == Layout::Indented).document(self)
    }

    /// Writes this value in either format: the one place that chooses between
    /// [`to_xml_with`](Element::to_xml_with) and [`to_json_string`](Element::to_json_string).
    ///
    /// ```
    /// use orcid_model::{Element, Format, WriteOptions};
    /// use orcid_model::keyword::Keyword;
    /// let json = Keyword::new("fish").to_text(Format::Json, WriteOptions::upload().compact());
    /// assert_eq!(json, r#"{"content":"fish"}"#);
    /// ```
    fn to_text(&self, format: Format, options: WriteOptions) -> String {
        match format {
            Format::Xml => self.to_xml_with(options),
            Format::Json => self.to_json_string(options),
        }
    }

    /// Reads a document of this type in either format, strictly or leniently.
    fn from_text(bytes: &[u8], format: Format, mode: Mode) -> Result<Self, ReadError> {
        match format {
            Format::Xml => Self::from_xml_bytes(bytes, mode),
            Format::Json => Self::from_json_bytes(bytes, mode),
        }
    }

    /// Every piece of unknown content in the value (what lenient reading kept that this version
    /// of the model does not know), with where it is: `work/contributors/contributor[2]: <x:note>`.
    fn unknown_content_everywhere(&self) -> Vec<String> {
        let mut collector = runtime::output::UnknownCollector::new(Self::NAME.local);
        self.write(&mut collector);
        collector.found
    }

    /// Checks this value as ORCID's server would check it as a new item: the XSD, ORCID's
    /// lists and ORCID's rules. Lines and columns in the report refer to the value written as
    /// indented XML ([`Element::to_xml_string`] with [`Layout::Indented`]).
    fn validate(&self) -> validate::Report {
        validate::validate_xml(self.to_xml_string(Layout::Indented).as_bytes(), &validate::Options::default())
    }
}
