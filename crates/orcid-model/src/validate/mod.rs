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
mod file;
mod rules;

use crate::runtime::content::{Core, Form, ReadMode};
use crate::runtime::encoding;
use crate::runtime::json_in::JsonInput;
use crate::runtime::xml_in::XmlInput;
use crate::{Document, Kind};
use rules::BulkEntries;

pub use rules::{Answer, Decided, RULE_SETS, Rule, RuleSet, rule, rules};

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
    /// ORCID accepts it and stores it differently (another spelling of a listed value): the
    /// note says what it stores.
    Note,
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
    /// Byte offset in the document as text (UTF-8; for other encodings, after decoding).
    pub offset: usize,
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
            offset: 0,
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

    /// What ORCID would answer, as far as the document alone tells: the error it finds first
    /// (reading the body first, then its rules in their order). For a bulk, only what fails the
    /// whole request; each work's answer is [`Report::slot_verdict`].
    pub fn verdict(&self) -> Option<&Diagnostic> {
        let bulk = self.kind == Some(Kind::Bulk);
        first_error(self.diagnostics.iter().filter(|d| !bulk || whole_request(d)))
    }

    /// What ORCID would answer for the `n`th work (from 1) of a bulk.
    pub fn slot_verdict(&self, n: usize) -> Option<&Diagnostic> {
        first_error(self.diagnostics.iter().filter(|d| !whole_request(d) && bulk_slot(&d.path) == Some(n)))
    }
}

/// The error ORCID meets first among these: by the step that finds it, then in the document.
fn first_error<'d>(diagnostics: impl Iterator<Item = &'d Diagnostic>) -> Option<&'d Diagnostic> {
    diagnostics.filter(|d| d.severity == Severity::Error).min_by_key(|d| (rank(d), d.line, d.column))
}

/// Where in ORCID's order a problem is met: input that cannot be parsed at all first, then
/// the body's binding (`§2.1`), then the rules by their number (`W12` after `W3`).
fn rank(d: &Diagnostic) -> u32 {
    if matches!(d.code, "xml.malformed" | "json.malformed" | "xml.encoding" | "json.encoding" | "json.empty" | "input.limit") {
        return 0;
    }
    if d.rule.starts_with('§') {
        return 1;
    }
    2 + d.rule.trim_start_matches(|c: char| !c.is_ascii_digit()).parse().unwrap_or(0)
}

/// Whether a problem in a bulk fails the whole request (reading the body, its size) rather
/// than one work's slot (ORCID's rules on that work).
fn whole_request(d: &Diagnostic) -> bool {
    d.rule.starts_with('§') || d.rule == "B1" || d.rule == "B2"
}

/// The work (from 1) of a bulk a path is in: `bulk/work[3]/title` → 3.
fn bulk_slot(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("bulk/work[")?;
    rest.split(']').next()?.parse().ok()
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
    check_xml(src, options).report
}

/// Validates a JSON document of a kind (UTF-8): the XSD as ORCID applies it to JSON, ORCID's
/// lists and ORCID's rules.
pub fn validate_json(src: &[u8], kind: Kind, options: &Options) -> Report {
    check_json(src, kind, options).report
}

/// A validated document: the report, and the document as ORCID's server binds it (what it
/// would store), when it could be read.
#[derive(Debug)]
#[non_exhaustive]
pub struct Checked {
    /// Every problem found.
    pub report: Report,
    /// The document as read for validation: values ORCID's lists refuse are kept as unknown
    /// values, content the model does not know is left out (as ORCID leaves it out).
    pub document: Option<Document>,
    bulk: BulkEntries,
}

/// One work entry of a bulk, as ORCID's server takes it (§5.2).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Slot<'a> {
    /// The work as read (none when it could not be read).
    pub work: Option<&'a crate::work::Work>,
    /// The first error ORCID answers this entry with, if any. A duplicate of a work earlier
    /// in the bulk (rule B4) still comes with its work, so a server can name the put-code it
    /// gave the first one.
    pub refusal: Option<&'a Diagnostic>,
}

impl Checked {
    /// A bulk's work entries in order; empty for other documents or when the whole request is
    /// refused ([`Report::verdict`]).
    pub fn bulk_slots(&self) -> Vec<Slot<'_>> {
        let Some(Document::Bulk(bulk)) = &self.document else { return Vec::new() };
        if self.report.verdict().is_some() {
            return Vec::new();
        }
        let mut works = bulk.items.iter().filter_map(|i| match i {
            crate::bulk::BulkItem::Work(w) => Some(w),
            _ => None,
        });
        let mut read = self.bulk.ordinals.iter().peekable();
        (1..=self.bulk.total)
            .map(|ordinal| {
                let work = if read.peek() == Some(&&ordinal) {
                    read.next();
                    works.next()
                } else {
                    None
                };
                Slot { work, refusal: self.report.slot_verdict(ordinal as usize) }
            })
            .collect()
    }
}

/// [`validate_xml`], keeping what was read.
pub fn check_xml(src: &[u8], options: &Options) -> Checked {
    let text = match encoding::xml_text(src) {
        Ok(text) => text,
        Err(e) => return unreadable(None, binding::unreadable(src, Form::Xml, e.pos, e.message)),
    };
    // A root name two schemas define (notification:notification) is read as each; the
    // reading with the fewest problems is the report.
    best_reading(|choice| {
        let mut input = XmlInput::new(&text, ReadMode::Validate);
        input.core().root_choice = choice;
        let doc =
            input.root().and_then(|root| Document::read_xml_root(&mut input, root, &text)).and_then(|doc| input.finish().map(|_| doc));
        let core = input.into_core();
        let more = core.more_roots;
        (checked(text.as_bytes(), Form::Xml, doc.ok(), core, None, options), more)
    })
}

/// [`validate_json`], keeping what was read.
pub fn check_json(src: &[u8], kind: Kind, options: &Options) -> Checked {
    let text = match encoding::json_text(src) {
        Ok(text) => text,
        Err(e) => return unreadable(Some(kind), binding::unreadable(src, Form::Json, e.pos, e.message)),
    };
    if text.trim_start_matches('\u{FEFF}').trim().is_empty() {
        return unreadable(Some(kind), binding::empty_json(src));
    }
    best_reading(|choice| {
        let mut input = JsonInput::new(text, ReadMode::Validate);
        input.core().root_choice = choice;
        let doc = Document::read_json_kind(&mut input, kind).and_then(|doc| input.finish().map(|_| doc));
        let core = input.into_core();
        let more = core.more_roots;
        (checked(text.as_bytes(), Form::Json, doc.ok(), core, Some(kind), options), more)
    })
}

fn unreadable(kind: Option<Kind>, d: Diagnostic) -> Checked {
    Checked { report: Report { kind, diagnostics: vec![d], more: 0 }, document: None, bulk: BulkEntries::default() }
}

/// Reads with each definition of the root (`read(choice)` says whether there are more) and
/// keeps the reading with the fewest errors.
fn best_reading(mut read: impl FnMut(usize) -> (Checked, bool)) -> Checked {
    let mut best: Option<Checked> = None;
    for choice in 0.. {
        let (checked, more) = read(choice);
        if best.as_ref().is_none_or(|b| checked.report.count(Severity::Error) < b.report.count(Severity::Error)) {
            best = Some(checked);
        }
        if !more {
            break;
        }
    }
    best.expect("one reading at least")
}

/// The diagnostics of a read (its problems) and of ORCID's rules on what was read.
fn checked(src: &[u8], form: Form, doc: Option<Document>, core: Core<'_>, kind: Option<Kind>, options: &Options) -> Checked {
    let kind = doc.as_ref().map(Document::kind).or(kind);
    let bulk = kind == Some(Kind::Bulk);
    let mut findings: Vec<Finding> = core.problems.iter().filter_map(|p| binding::diagnose(p, form, bulk)).collect();
    let entries = if bulk { bulk_entries(&core) } else { BulkEntries::default() };
    if let Some(doc) = &doc {
        // ORCID's rules run on what the body binds to: in a single item only once the XSD is
        // satisfied; in a bulk (no XSD step) on every work.
        let xsd_ok = bulk || !findings.iter().any(|f| f.severity == Severity::Error);
        if xsd_ok {
            for mut f in rules::check(doc, &entries, options) {
                f.pos = Some(core.trail.position(&f.path));
                findings.push(f);
            }
        }
    }
    let mut positions: Vec<usize> = findings.iter().map(|f| f.pos.unwrap_or(0).min(src.len())).collect();
    let offsets = positions.clone();
    let lines = line_columns(src, &mut positions);
    let mut diagnostics: Vec<Diagnostic> = findings
        .into_iter()
        .zip(lines)
        .zip(offsets)
        .map(|((f, (line, column)), offset)| Diagnostic {
            severity: f.severity,
            code: f.code,
            rule: f.rule,
            status: f.status,
            orcid_code: f.orcid_code,
            path: f.path,
            line,
            column,
            offset,
            message: f.message,
            note: f.note,
        })
        .collect();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    Checked { report: Report { kind, diagnostics, more: core.more_problems }, document: doc, bulk: entries }
}

/// A bulk's `work` entries as the read found them.
fn bulk_entries(core: &Core<'_>) -> BulkEntries {
    let entries = core.trail.children(0, "work");
    let mut dropped = core.dropped.clone();
    dropped.sort_unstable();
    let ordinals = entries.iter().filter(|(index, _)| dropped.binary_search(index).is_err()).map(|(_, ordinal)| *ordinal).collect();
    BulkEntries { total: u32::try_from(entries.len()).unwrap_or(u32::MAX), ordinals }
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
