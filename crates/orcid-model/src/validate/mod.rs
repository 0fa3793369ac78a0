//! Validation: ORCID's verdict on a document before it is uploaded, as its server would give
//! it (`../shared/orcid-server-rules.md` is the specification followed), with every problem,
//! not just the first, each with a stable code, the rule it breaks, ORCID's answer (HTTP status
//! and error code), the path in the document, the line and column, and a message that says
//! what to change.
//!
//! It runs as ORCID's server does: the body is read against the XSD and ORCID's lists (one
//! typed read that records every problem, in XML or JSON: the same content model the readers
//! use), then ORCID's rules for the item type run on the typed item.
//!
//! ```
//! use orcid_model::validate::{Options, validate_xml};
//! let xml = r#"<work:work xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common">
//!   <work:type>book</work:type>
//!   <work:colour>blue</work:colour>
//! </work:work>"#;
//! let report = validate_xml(xml.as_bytes(), &Options::default());
//! let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code).collect();
//! assert_eq!(codes, ["xsd.missing-element", "xsd.unknown-element"]);
//! assert_eq!(report.diagnostics[1].path, "work/colour");
//! assert_eq!((report.diagnostics[1].line, report.diagnostics[1].column), (3, 3));
//! ```

mod binding;
pub mod normalise;
mod rules;

use crate::runtime::content::{Core, Form, ReadMode};
use crate::runtime::encoding;
use crate::runtime::json_in::JsonInput;
use crate::runtime::xml_in::XmlInput;
use crate::{Document, Kind};

pub use rules::{RULES, Rule};

/// How to validate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// The document is the body of an update (PUT): it must carry its put-code (ORCID answers
    /// 9019 otherwise), where a new item must not (9024).
    pub update: bool,
    /// Today, as (year, month, day), for "date in the future" warnings; `None` skips them.
    pub today: Option<(u16, u8, u8)>,
}

impl Options {
    /// Validation of an update's body.
    pub fn update() -> Options {
        Options { update: true, ..Options::default() }
    }

    /// With today's date, for "date in the future" warnings.
    pub fn with_today(self, today: (u16, u8, u8)) -> Options {
        Options { today: Some(today), ..self }
    }
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// ORCID accepts it, but it is probably a mistake.
    Warning,
    /// ORCID would refuse the document.
    Error,
}

/// One problem in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Our stable code (`xsd.unknown-element`, `orcid.work-title` ...).
    pub code: &'static str,
    /// What of the specification it applies: a rule (`W1`, `F6`, `B2`), a section (`§4.2`)
    /// or the step of reading the body (`§2.1` XML against the XSD, `§2.2` JSON).
    pub rule: &'static str,
    /// For an error: the HTTP status ORCID answers with.
    pub status: Option<u16>,
    /// For an error: the ORCID error code ORCID answers with, where the specification names
    /// one (XSD problems in an XML body are answered 400 with 9012 or 9001, so they name none).
    pub orcid_code: Option<u16>,
    /// Where in the document: local names from the root, with 1-based positions among
    /// same-named siblings where there may be several (`work/external-ids/external-id[2]/external-id-type`).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong and what to change.
    pub message: String,
    /// What ORCID does with a value before it checks or stores it, where it changes it
    /// (`ORCID stores "data-set"`).
    pub note: Option<String>,
}

impl Diagnostic {
    /// A problem found outside the validator (a file that cannot be read, a kind that cannot
    /// be told), for reports that mix both.
    pub fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            rule: "",
            status: None,
            orcid_code: None,
            path: String::new(),
            line: 1,
            column: 1,
            message: message.into(),
            note: None,
        }
    }

    /// The same, at a line and column.
    pub fn at(self, line: usize, column: usize) -> Diagnostic {
        Diagnostic { line, column, ..self }
    }
}

/// Every problem found in one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// The document's kind, when it is an ORCID document.
    pub kind: Option<Kind>,
    /// The problems, in document order.
    pub diagnostics: Vec<Diagnostic>,
    /// Problems found beyond the first thousand, counted only.
    pub more: usize,
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

    /// The first error: what ORCID would answer, as far as the document alone tells.
    pub fn verdict(&self) -> Option<&Diagnostic> {
        self.diagnostics.iter().find(|d| d.severity == Severity::Error)
    }
}

/// What a check finds; the position is added from the path.
pub(crate) struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub rule: &'static str,
    pub status: Option<u16>,
    pub orcid_code: Option<u16>,
    pub path: String,
    pub pos: Option<usize>,
    pub message: String,
    pub note: Option<String>,
}

/// Validates an XML document (in any encoding XML allows): the XSD, ORCID's lists and
/// ORCID's rules for its kind.
pub fn validate_xml(src: &[u8], options: &Options) -> Report {
    let text = match encoding::xml_text(src) {
        Ok(text) => text,
        Err(e) => return Report { kind: None, diagnostics: vec![binding::unreadable(src, Form::Xml, e.pos, e.message)], more: 0 },
    };
    // A root name two schemas define (notification:notification) is read as each; the
    // reading with the fewest problems is the report.
    let mut best: Option<Report> = None;
    for choice in 0.. {
        let mut input = XmlInput::new(&text, ReadMode::Validate);
        input.core().root_choice = choice;
        let doc = input.root().and_then(|root| Document::read_xml_root(&mut input, root, &text)).and_then(|doc| input.finish().map(|_| doc));
        let core = input.into_core();
        let more = core.more_roots;
        let report = report(text.as_bytes(), Form::Xml, doc.ok(), core, None, options);
        if best.as_ref().is_none_or(|b| report.count(Severity::Error) < b.count(Severity::Error)) {
            best = Some(report);
        }
        if !more {
            break;
        }
    }
    best.unwrap_or_default()
}

/// Validates a JSON document of a kind (UTF-8): the XSD as ORCID applies it to JSON, ORCID's
/// lists and ORCID's rules.
pub fn validate_json(src: &[u8], kind: Kind, options: &Options) -> Report {
    let text = match encoding::json_text(src) {
        Ok(text) => text,
        Err(e) => return Report { kind: Some(kind), diagnostics: vec![binding::unreadable(src, Form::Json, e.pos, e.message)], more: 0 },
    };
    if text.trim_start_matches('\u{FEFF}').trim().is_empty() {
        return Report { kind: Some(kind), diagnostics: vec![binding::empty_json(src)], more: 0 };
    }
    let mut best: Option<Report> = None;
    for choice in 0.. {
        let mut input = JsonInput::new(text, ReadMode::Validate);
        input.core().root_choice = choice;
        let doc = Document::read_json_kind(&mut input, kind, text).and_then(|doc| input.finish().map(|_| doc));
        let core = input.into_core();
        let more = core.more_roots;
        let report = report(text.as_bytes(), Form::Json, doc.ok(), core, Some(kind), options);
        if best.as_ref().is_none_or(|b| report.count(Severity::Error) < b.count(Severity::Error)) {
            best = Some(report);
        }
        if !more {
            break;
        }
    }
    best.unwrap_or_default()
}

/// The diagnostics of a read (its problems) and of ORCID's rules on what was read.
fn report(src: &[u8], form: Form, doc: Option<Document>, core: Core<'_>, kind: Option<Kind>, options: &Options) -> Report {
    let kind = doc.as_ref().map(Document::kind).or(kind);
    let bulk = kind == Some(Kind::Bulk);
    let mut findings: Vec<Finding> = core.problems.iter().filter_map(|p| binding::diagnose(p, form, bulk)).collect();
    if let Some(doc) = &doc {
        // ORCID's rules run on what the body binds to: in a single item only once the XSD is
        // satisfied; in a bulk (no XSD step) on every work.
        let xsd_ok = bulk || !findings.iter().any(|f| f.severity == Severity::Error);
        for mut f in rules::check(doc, form, xsd_ok, options) {
            f.pos = Some(core.trail.position(&f.path));
            findings.push(f);
        }
    }
    let mut positions: Vec<usize> = findings.iter().map(|f| f.pos.unwrap_or(0)).collect();
    let lines = line_columns(src, &mut positions);
    let mut diagnostics: Vec<Diagnostic> = findings
        .into_iter()
        .zip(lines)
        .map(|(f, (line, column))| Diagnostic {
            severity: f.severity,
            code: f.code,
            rule: f.rule,
            status: f.status,
            orcid_code: f.orcid_code,
            path: f.path,
            line,
            column,
            message: f.message,
            note: f.note,
        })
        .collect();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    Report { kind, diagnostics, more: core.more_problems }
}

/// Lines and columns of many byte offsets in one pass over the input.
fn line_columns(src: &[u8], positions: &mut [usize]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..positions.len()).collect();
    order.sort_by_key(|&i| positions[i]);
    let mut out = vec![(1, 1); positions.len()];
    // Where counting has got to: its offset, line, and column there.
    let (mut at, mut line, mut column) = (0usize, 1usize, 1usize);
    for i in order {
        let pos = positions[i].min(src.len());
        let span = &src[at..pos];
        match memchr::memrchr(b'\n', span) {
            Some(last) => {
                line += memchr::memchr_iter(b'\n', span).count();
                column = 1 + chars(&span[last + 1..]);
            }
            None => column += chars(span),
        }
        at = pos;
        out[i] = (line, column);
    }
    out
}

/// Characters in UTF-8 bytes (those that do not continue a character).
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}
