//! Validation: every problem of a document, not just the first, each with a stable code, the
//! path in the document, the line and column, and a message that says what to change.
//!
//! Two passes: what the XSD says, walking the document against the generated content models
//! ([`crate::xml::StructSchema`]) without building values, with ORCID's vocabularies checked on
//! the way; then, on the typed item, the rules ORCID's server applies beyond the XSD and
//! warnings for what it accepts but is probably a mistake.
//!
//! ```
//! use orcid_model::validate::validate_xml;
//! let xml = r#"<work:work xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common">
//!   <work:type>book</work:type>
//!   <work:colour>blue</work:colour>
//! </work:work>"#;
//! let report = validate_xml(xml.as_bytes());
//! let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code).collect();
//! assert_eq!(codes, ["xsd.unknown-element", "xsd.missing-element"]);
//! assert_eq!(report.diagnostics[0].path, "work/colour");
//! assert_eq!((report.diagnostics[0].line, report.diagnostics[0].column), (3, 3));
//! ```

mod json;
mod rules;
mod xsd;

pub use json::validate_json_with;
pub use rules::{RuleOptions, orcid_checksum_ok};
pub use xsd::{validate_xml, validate_xml_with};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// ORCID accepts it, but it is probably a mistake.
    Warning,
    /// ORCID would reject the document.
    Error,
}

/// One problem in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Our stable code (`xsd.unknown-element`, `xsd.value` ...).
    pub code: &'static str,
    /// The ORCID API error code the problem would cause (XSD problems: 9001).
    pub orcid_code: Option<u16>,
    /// Where in the document: local names from the root, with 1-based positions among
    /// same-named siblings where there are several (`work/external-ids/external-id[2]/external-id-type`).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong and what to change.
    pub message: String,
}

/// Every problem found in one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The document's kind (its root element's local name), when it is an ORCID document.
    pub kind: Option<&'static str>,
    /// The problems, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Whether ORCID would accept the document (warnings allowed).
    pub fn is_valid(&self) -> bool {
        !self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    /// How many problems of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}
