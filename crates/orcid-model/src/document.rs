//! Reading and writing whole documents: the entry points behind [`Element`] and
//! [`Document`], and the hand-written parts of [`Document`] and [`Kind`].

use crate::runtime::content::{Read, ReadMode};
use crate::runtime::encoding;
use crate::runtime::json_in::JsonInput;
use crate::runtime::output::{JsonOutput, XmlOutput};
use crate::runtime::xml_in::XmlInput;
use crate::{Document, Element, Format, Kind, Layout, Mode, QName, ReadError, WriteOptions};

/// Reads an XML document whose root must be `name`.
pub(crate) fn read_xml<T: Read>(src: &[u8], mode: ReadMode, name: QName) -> Result<T, ReadError> {
    let text = encoding::xml_text(src).map_err(|e| ReadError::at(src, e.pos, format!("malformed XML: {}", e.message)))?;
    let mut input = XmlInput::new(&text, mode);
    let root = input.root()?;
    if (root.ns, root.local()) != (name.ns, name.local) {
        return Err(ReadError::at(text.as_bytes(), root.pos(), format!("expected a <{name}> document, found <{}>", root.qname())));
    }
    input.set_entering(root);
    let value = T::read(&mut input)?;
    input.finish()?;
    Ok(value)
}

/// Reads a JSON document of one type.
pub(crate) fn read_json<T: Read>(src: &[u8], mode: ReadMode) -> Result<T, ReadError> {
    let text = encoding::json_text(src).map_err(|e| ReadError::at(src, e.pos, format!("malformed JSON: {}", e.message)))?;
    let mut input = JsonInput::new(text, mode);
    let value = T::read(&mut input)?;
    input.finish()?;
    Ok(value)
}

/// A document serializes as its JSON (as read, not for upload), as [`Element`]s do.
#[cfg(feature = "serde")]
impl serde::Serialize for Document {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_json(serializer)
    }
}

#[cfg(feature = "serde")]
impl Document {
    /// Reads a document of a kind from any self-describing serde deserializer (a
    /// `serde_json::Value`, YAML, a JSON reader ...), as [`Document::from_json_bytes`] reads
    /// JSON text: same values, same errors (without lines: the deserializer has none).
    ///
    /// ```
    /// use orcid_model::{Document, Kind, Mode};
    ///
    /// let value = serde_json::json!({"content": "open science"});
    /// let doc = Document::deserialize_kind(value, Kind::Keyword, Mode::Strict)?;
    /// assert_eq!(doc.kind(), Kind::Keyword);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn deserialize_kind<'de, D: serde::Deserializer<'de>>(deserializer: D, kind: Kind, mode: Mode) -> Result<Document, D::Error> {
        crate::runtime::serde_support::read_with(deserializer, mode.into(), |input| Document::read_json_kind(input, kind))
    }
}

impl Document {
    /// Reads any ORCID XML document, telling by its root element what it is (in any
    /// encoding XML allows).
    pub fn from_xml_bytes(xml: &[u8], mode: Mode) -> Result<Document, ReadError> {
        let text = encoding::xml_text(xml).map_err(|e| ReadError::at(xml, e.pos, format!("malformed XML: {}", e.message)))?;
        let mut input = XmlInput::new(&text, mode.into());
        let root = input.root()?;
        let doc = Document::read_xml_root(&mut input, root, &text)?;
        input.finish()?;
        Ok(doc)
    }

    /// Reads any ORCID XML document from a string.
    pub fn from_xml_str(xml: &str, mode: Mode) -> Result<Document, ReadError> {
        Document::from_xml_bytes(xml.as_bytes(), mode)
    }

    /// Reads an ORCID JSON document of a kind: JSON has no root name to tell it.
    pub fn from_json_bytes(json: &[u8], kind: Kind, mode: Mode) -> Result<Document, ReadError> {
        let text = encoding::json_text(json).map_err(|e| ReadError::at(json, e.pos, format!("malformed JSON: {}", e.message)))?;
        let mut input = JsonInput::new(text, mode.into());
        let doc = Document::read_json_kind(&mut input, kind)?;
        input.finish()?;
        Ok(doc)
    }

    /// Reads an ORCID JSON document of a kind from a string.
    pub fn from_json_str(json: &str, kind: Kind, mode: Mode) -> Result<Document, ReadError> {
        Document::from_json_bytes(json.as_bytes(), kind, mode)
    }

    /// Writes the document as XML.
    pub fn to_xml_string(&self, layout: Layout) -> String {
        self.to_xml_with(WriteOptions { layout, ..WriteOptions::default() })
    }

    /// Writes the document as XML, with options.
    pub fn to_xml_with(&self, options: WriteOptions) -> String {
        self.write_xml(XmlOutput::new(options.layout, options.for_upload))
    }

    /// Writes ORCID's JSON.
    pub fn to_json_string(&self, options: WriteOptions) -> String {
        self.write_json(JsonOutput::new(options.for_upload, options.layout == Layout::Indented)).finish()
    }

    /// Writes the document in either format.
    pub fn to_text(&self, format: Format, options: WriteOptions) -> String {
        match format {
            Format::Xml => self.to_xml_with(options),
            Format::Json => self.to_json_string(options),
        }
    }

    /// Reads a document in either format (JSON, which has no root name, as `kind`).
    pub fn from_text(bytes: &[u8], format: Format, kind: Kind, mode: Mode) -> Result<Document, ReadError> {
        match format {
            Format::Xml => Document::from_xml_bytes(bytes, mode),
            Format::Json => Document::from_json_bytes(bytes, kind, mode),
        }
    }

    /// The kinds whose shape a JSON document fits: those it reads as strictly. Exactly one
    /// means the kind can be told from the content alone.
    ///
    /// ```
    /// use orcid_model::{Document, Kind};
    /// let json = r#"{"title": {"title": {"value": "T"}}, "type": "book", "citation": null,
    ///                "contributors": {"contributor": []}}"#;
    /// assert_eq!(Document::json_kinds_fitting(json.as_bytes()), vec![Kind::Work]);
    /// ```
    pub fn json_kinds_fitting(json: &[u8]) -> Vec<Kind> {
        Kind::ALL.iter().copied().filter(|kind| Document::from_json_bytes(json, *kind, Mode::Strict).is_ok()).collect()
    }

    /// Every piece of unknown content in the document (what lenient reading kept that this
    /// version of the model does not know), with where it is: `work/contributors/contributor[2]: <x:note>`.
    pub fn unknown_content_everywhere(&self) -> Vec<String> {
        self.collect_unknown()
    }

    /// Whether the document is an item written to a record, with its section.
    pub fn section(&self) -> Option<crate::items::Section> {
        crate::items::Section::of_kind(self.kind())
    }
}

impl Kind {
    /// The kind a file name suggests: the longest kind its name starts with, followed by `-`,
    /// `_` or `.` (`work-full-3.0.json` → `work`, `bulk-works.json` → `bulk`).
    ///
    /// ```
    /// use orcid_model::Kind;
    /// assert_eq!(Kind::from_file_name("peer-review-simple-3.0.json"), Some(Kind::PeerReview));
    /// assert_eq!(Kind::from_file_name("invited-positions.json"), Some(Kind::InvitedPositions));
    /// assert_eq!(Kind::from_file_name("data.json"), None);
    /// ```
    pub fn from_file_name(name: &str) -> Option<Kind> {
        let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
        Kind::ALL
            .iter()
            .filter(|kind| !kind.as_str().contains(':'))
            .filter(|kind| name.strip_prefix(kind.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with(['-', '_', '.'])))
            .max_by_key(|kind| kind.as_str().len())
            .copied()
    }

    /// The kind of a JSON document, which ORCID's JSON does not name: from its file name when
    /// one is given and names a kind, else from its shape when exactly one kind fits it. The one
    /// way the toolkit tells (the command line and `push` alike).
    ///
    /// ```
    /// use orcid_model::{Kind, KindError, KindEvidence};
    /// let small = br#"{"title": {"title": {"value": "T"}}, "type": "book"}"#;
    /// assert_eq!(Kind::of_json(small, Some("work-1.json")), Ok((Kind::Work, KindEvidence::FileName)));
    /// assert_eq!(Kind::of_json(small, None), Err(KindError::SeveralFit(vec![Kind::Work, Kind::WorkSummary])));
    /// let work = br#"{"title": {"title": {"value": "T"}}, "type": "book", "contributors": {"contributor": []}}"#;
    /// assert_eq!(Kind::of_json(work, Some("data.json")), Ok((Kind::Work, KindEvidence::Shape)));
    /// ```
    pub fn of_json(json: &[u8], file_name: Option<&str>) -> Result<(Kind, KindEvidence), KindError> {
        if let Some(kind) = file_name.and_then(Kind::from_file_name) {
            return Ok((kind, KindEvidence::FileName));
        }
        match Document::json_kinds_fitting(json).as_slice() {
            [one] => Ok((*one, KindEvidence::Shape)),
            [] => Err(KindError::NoneFits),
            several => Err(KindError::SeveralFit(several.to_vec())),
        }
    }
}

/// Where [`Kind::of_json`] found a JSON document's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KindEvidence {
    /// The file name starts with the kind (`work-1.json`).
    FileName,
    /// Exactly one kind's shape fits the document.
    Shape,
}

impl std::fmt::Display for KindEvidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KindEvidence::FileName => "the file name",
            KindEvidence::Shape => "its shape",
        })
    }
}

/// Why [`Kind::of_json`] cannot tell a JSON document's kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KindError {
    /// No kind's shape fits, and the file name names none.
    #[error("cannot tell the kind of this JSON document from its name or shape")]
    NoneFits,
    /// Several kinds fit (a small document can be several things).
    #[error("this JSON document could be any of {}", .0.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "))]
    SeveralFit(Vec<Kind>),
}

/// Reads a document of a type through a fresh reader, for root names two schemas define.
pub(crate) fn read_xml_as<T: Read + Element>(text: &str, mode: ReadMode) -> Result<T, ReadError> {
    read_xml(text.as_bytes(), mode, T::NAME)
}
