//! XSD validation of ORCID XML: a walk over quick-xml events against the generated content
//! models, collecting every problem.

use std::borrow::Cow;
use std::collections::HashMap;

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use super::rules::RuleOptions;
use super::{Diagnostic, Report, Severity};
use crate::generated::{Document, Ns};
use crate::xml::{ChildContent, Mode, ReadError, SimpleSchema, StructSchema, resolve_reference};

/// ORCID answers XSD problems with error 9001 and the parser's text.
const XSD_ERROR: Option<u16> = Some(9001);

/// An element being walked.
struct Frame {
    schema: &'static StructSchema,
    name: String,
    path: String,
    pos: usize,
    present: u64,
    last: usize,
    /// (local name, times seen) of the children so far, for `[n]` in paths.
    seen: Vec<(&'static str, u32)>,
    /// Text of a simple-content element with attributes.
    text: String,
}

struct Walker<'a> {
    src: &'a [u8],
    reader: NsReader<&'a [u8]>,
    report: Report,
    /// Which definition of the root element to use.
    choice: usize,
    /// Whether the root has a further definition.
    more: bool,
    /// Where each element starts, by path.
    positions: HashMap<String, usize>,
}

/// Validates an XML document: the XSD, ORCID's vocabularies and ORCID's rules beyond the XSD.
/// Malformed XML is one diagnostic, and the walk stops there; otherwise every problem is
/// reported. Dates in the future are not looked for (see [`validate_xml_with`]).
pub fn validate_xml(src: &[u8]) -> Report {
    validate_xml_with(src, RuleOptions::default())
}

/// [`validate_xml`] with options for ORCID's rules (updates, today's date).
pub fn validate_xml_with(src: &[u8], options: RuleOptions) -> Report {
    // The common case first: a valid item is read strictly in one pass, and only a document
    // with a problem is walked again to report every problem with its position.
    if let Some(report) = fast_path(src, options) {
        return report;
    }
    let (mut report, positions) = validate_xsd(src);
    if report.diagnostics.iter().any(|d| d.code == "xml.malformed") {
        return report;
    }
    // ORCID's rules need the typed item; what stops lenient reading was reported above.
    if let Ok(doc) = Document::from_xml_bytes(src, Mode::Lenient) {
        for f in super::rules::check(&doc, options) {
            // The element the path names, else its nearest ancestor that was seen.
            let mut key = f.path.as_str();
            let pos = loop {
                if let Some(pos) = positions.get(key) {
                    break *pos;
                }
                match key.rsplit_once('/') {
                    Some((parent, _)) => key = parent,
                    None => break 0,
                }
            };
            let e = ReadError::at(src, pos, String::new());
            report.diagnostics.push(Diagnostic {
                severity: f.severity,
                code: f.code,
                orcid_code: f.orcid_code,
                path: f.path,
                line: e.line,
                column: e.column,
                message: f.message,
            });
        }
    }
    report
}

/// One strict typed read: a clean report when the XSD, ORCID's lists and ORCID's rules find
/// nothing, else `None`.
fn fast_path(src: &[u8], options: RuleOptions) -> Option<Report> {
    let mut r = crate::xml::Reader::new(src, Mode::Strict);
    let root = r.root().ok()?;
    let doc = Document::from_root(&mut r, &root).ok()?;
    r.finish().ok()?;
    if r.read_unlisted_value() || !super::rules::check(&doc, options).is_empty() {
        return None;
    }
    Some(Report { kind: Document::JSON_KINDS.iter().copied().find(|k| *k == doc.kind()), diagnostics: Vec::new() })
}

/// The XSD pass, with the position of every element by path.
fn validate_xsd(src: &[u8]) -> (Report, HashMap<String, usize>) {
    // A root name that two schemas define (notification:notification) is checked against
    // each; the report with the fewest problems wins.
    let mut best: Option<(Report, HashMap<String, usize>)> = None;
    for choice in 0.. {
        let (report, positions, more) = validate_as(src, choice);
        if best.as_ref().is_none_or(|(b, _)| report.diagnostics.len() < b.diagnostics.len()) {
            best = Some((report, positions));
        }
        if !more {
            break;
        }
    }
    best.unwrap_or_default()
}

/// Validates taking the `choice`-th definition of the root; also says whether there are more.
fn validate_as(src: &[u8], choice: usize) -> (Report, HashMap<String, usize>, bool) {
    let mut reader = NsReader::from_reader(src);
    reader.config_mut().trim_text(false);
    let mut w = Walker { src, reader, report: Report::default(), choice, more: false, positions: HashMap::new() };
    if let Err(e) = w.walk() {
        w.report.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            code: "xml.malformed",
            orcid_code: XSD_ERROR,
            path: String::new(),
            line: e.line,
            column: e.column,
            message: e.message,
        });
    }
    (w.report, w.positions, w.more)
}

fn resolve(r: ResolveResult<'_>) -> Ns {
    match r {
        ResolveResult::Bound(ns) => Ns::from_uri(ns.as_ref()),
        ResolveResult::Unbound => Ns::None,
        ResolveResult::Unknown(_) => Ns::Other,
    }
}

fn qname(tag: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(tag.name().as_ref()).into_owned()
}

impl<'a> Walker<'a> {
    fn at(&self, pos: usize) -> (usize, usize) {
        let e = ReadError::at(self.src, pos, String::new());
        (e.line, e.column)
    }

    fn problem(&mut self, code: &'static str, path: &str, pos: usize, message: String) {
        let (line, column) = self.at(pos);
        self.report.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            code,
            orcid_code: XSD_ERROR,
            path: path.to_owned(),
            line,
            column,
            message,
        });
    }

    fn malformed(&self, e: quick_xml::Error) -> ReadError {
        ReadError::at(self.src, self.reader.error_position() as usize, format!("malformed XML: {e}"))
    }

    fn next(&mut self) -> Result<(usize, Ns, Event<'a>), ReadError> {
        let pos = self.reader.buffer_position() as usize;
        match self.reader.read_resolved_event() {
            Ok((ns, event)) => Ok((pos, resolve(ns), event)),
            Err(e) => Err(self.malformed(e)),
        }
    }

    fn walk(&mut self) -> Result<(), ReadError> {
        // Characters XML allows nowhere make the document malformed, wherever they stand.
        if let Some((at, message)) = crate::xml::forbidden_control(self.src) {
            return Err(ReadError::at(self.src, at, message));
        }
        // The root element.
        let (pos, ns, tag, empty) = loop {
            match self.next()? {
                (pos, ns, Event::Start(tag)) => break (pos, ns, tag, false),
                (pos, ns, Event::Empty(tag)) => break (pos, ns, tag, true),
                (_, _, Event::Eof) => return Err(ReadError::at(self.src, self.src.len(), "the document has no root element".into())),
                _ => {}
            }
        };
        let local = tag.local_name().as_ref().to_vec();
        let mut definitions = Document::ROOT_CONTENTS.iter().filter(|(n, l, _)| *n == ns && l.as_bytes() == local.as_slice());
        let Some((_, root_local, content)) = definitions.nth(self.choice) else {
            let name = qname(&tag);
            self.problem("xsd.unknown-root", "", pos, format!("<{name}> is not an ORCID 3.0 document root"));
            return Ok(());
        };
        self.more = definitions.next().is_some();
        let root_local = (*root_local).to_owned();
        self.report.kind = Document::JSON_KINDS.iter().copied().find(|k| *k == root_local);
        let schema = match content {
            ChildContent::Struct(schema) => *schema,
            ChildContent::Simple(simple) => {
                let name = qname(&tag);
                self.check_attributes(&tag, &[], &root_local, pos, &name);
                let text = if empty { Cow::Borrowed("") } else { self.text(&tag, &root_local, pos, &name)? };
                self.check_value(simple, &text, &root_local, pos, &format!("<{name}>"));
                return Ok(());
            }
        };
        let mut stack = vec![self.open(schema, &tag, pos, qname(&tag), root_local)];
        if empty {
            self.close(stack.pop().expect("root"));
            return Ok(());
        }
        while !stack.is_empty() {
            let (pos, ns, event) = self.next()?;
            let (event, empty) = match event {
                Event::Empty(tag) => (Event::Start(tag), true),
                other => (other, false),
            };
            match event {
                Event::Start(tag) => {
                    let frame = stack.last_mut().expect("open");
                    let local = tag.local_name().as_ref().to_vec();
                    let Some(child) = frame.schema.child(ns, &local) else {
                        let (name, parent, path) = (qname(&tag), frame.name.clone(), format!("{}/{}", frame.path, String::from_utf8_lossy(&local)));
                        let hint = frame.schema.expected_hint();
                        self.problem("xsd.unknown-element", &path, pos, format!("unexpected element <{name}> in <{parent}>{hint}"));
                        if !empty {
                            self.reader.read_to_end(tag.name()).map_err(|e| self.malformed(e))?;
                        }
                        continue;
                    };
                    let path = child_path(frame, child.local);
                    let name = qname(&tag);
                    let index = usize::from(child.index);
                    let bit = 1u64 << index;
                    if index < frame.last {
                        let before = frame.schema.fields[frame.last];
                        self.problem("xsd.order", &path, pos, format!("<{name}> is out of order: it must come before <{before}>"));
                    } else if frame.present & bit != 0 && frame.schema.repeated & bit == 0 {
                        self.problem("xsd.too-many", &path, pos, format!("<{name}> may appear only once here"));
                    }
                    let frame = stack.last_mut().expect("open");
                    frame.present |= bit;
                    frame.last = frame.last.max(index);
                    match &child.content {
                        ChildContent::Struct(schema) => {
                            let child_frame = self.open(schema, &tag, pos, name, path);
                            if empty {
                                self.close(child_frame);
                            } else {
                                stack.push(child_frame);
                            }
                        }
                        ChildContent::Simple(simple) => {
                            self.positions.insert(path.clone(), pos);
                            self.check_attributes(&tag, &[], &path, pos, &name);
                            let text = if empty { Cow::Borrowed("") } else { self.text(&tag, &path, pos, &name)? };
                            self.check_value(simple, &text, &path, pos, &format!("<{name}>"));
                        }
                    }
                }
                Event::End(_) => {
                    let frame = stack.pop().expect("open");
                    self.close(frame);
                }
                Event::Text(t) if t.windows(3).any(|w| w == b"]]>") => {
                    return Err(ReadError::at(self.src, pos, crate::xml::CDATA_END_IN_TEXT.into()));
                }
                Event::Text(t) => {
                    let frame = stack.last_mut().expect("open");
                    if frame.schema.text.is_some() {
                        let piece = t.xml10_content().map_err(|e| ReadError::at(self.src, pos, e.to_string()))?;
                        frame.text.push_str(&piece);
                    } else if !t.iter().all(u8::is_ascii_whitespace) {
                        let (name, path) = (frame.name.clone(), frame.path.clone());
                        self.problem("xsd.text-not-allowed", &path, pos, format!("<{name}> may hold only elements, not text"));
                    }
                }
                Event::CData(t) => {
                    let frame = stack.last_mut().expect("open");
                    frame.text.push_str(&String::from_utf8_lossy(&t));
                }
                Event::GeneralRef(r) => {
                    let c = resolve_reference(&r).ok_or_else(|| ReadError::at(self.src, pos, "unknown entity".into()))?;
                    stack.last_mut().expect("open").text.push(c);
                }
                Event::Eof => {
                    let open = stack.last().map(|f| f.name.as_str()).unwrap_or_default();
                    return Err(ReadError::at(self.src, pos, format!("<{open}> is not closed")));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Starts an element of struct type: checks its attributes.
    fn open(&mut self, schema: &'static StructSchema, tag: &BytesStart<'_>, pos: usize, name: String, path: String) -> Frame {
        self.positions.insert(path.clone(), pos);
        self.check_attributes(tag, schema.attributes, &path, pos, &name);
        Frame { schema, name, path, pos, present: 0, last: 0, seen: Vec::new(), text: String::new() }
    }

    /// Ends an element: required children, choices, text content.
    fn close(&mut self, frame: Frame) {
        let missing = frame.schema.required & !frame.present;
        for i in (0..frame.schema.fields.len()).filter(|i| missing & (1 << i) != 0) {
            let (name, wanted) = (&frame.name, frame.schema.fields[i]);
            self.problem("xsd.missing-element", &frame.path, frame.pos, format!("<{name}> is missing the required element <{wanted}>"));
        }
        if let Err(msg) = frame.schema.check_groups(frame.present) {
            self.problem("xsd.choice", &frame.path, frame.pos, format!("<{}>: {msg}", frame.name));
        }
        if let Some(simple) = &frame.schema.text {
            let what = format!("<{}>", frame.name);
            self.check_value(simple, &frame.text, &frame.path, frame.pos, &what);
        }
    }

    fn check_attributes(&mut self, tag: &BytesStart<'_>, declared: &[crate::xml::AttributeSchema], path: &str, pos: usize, name: &str) {
        let mut seen = 0u64;
        for attr in tag.attributes().flatten() {
            let key = attr.key;
            if key.as_ref() == b"xmlns" || key.prefix().is_some_and(|p| p.as_ref() == b"xmlns") {
                continue;
            }
            let (ns, local) = self.reader.resolve_attribute(key);
            let ns = resolve(ns);
            if ns == Ns::Xsi {
                continue;
            }
            let attr_name = String::from_utf8_lossy(key.as_ref()).into_owned();
            let Some(i) = declared.iter().position(|a| a.ns == ns && a.local.as_bytes() == local.as_ref()) else {
                self.problem("xsd.unknown-attribute", path, pos, format!("unknown attribute `{attr_name}` on <{name}>"));
                continue;
            };
            seen |= 1 << i;
            let value = match crate::xml::attribute_text(attr.value) {
                Ok(v) => v.into_owned(),
                Err(e) => {
                    self.problem("xml.malformed", path, pos, format!("attribute `{attr_name}` of <{name}>: {e}"));
                    continue;
                }
            };
            let what = format!("attribute `{attr_name}` of <{name}>");
            let schema = declared[i].value;
            self.check_value(&schema, &value, &format!("{path}/@{attr_name}"), pos, &what);
        }
        for (i, a) in declared.iter().enumerate() {
            if a.required && seen & (1 << i) == 0 {
                let local = a.local;
                self.problem("xsd.missing-attribute", path, pos, format!("<{name}> is missing the required attribute `{local}`"));
            }
        }
    }

    fn check_value(&mut self, simple: &SimpleSchema, text: &str, path: &str, pos: usize, what: &str) {
        if let Err(msg) = simple.validate(text) {
            self.problem("xsd.value", path, pos, format!("{what}: {msg}"));
            return;
        }
        // Beyond the XSD: a plain string in the XSD, one of a list for ORCID.
        // Surrounding whitespace is not held against the value (ORCID's own read samples have
        // `self` followed by a newline).
        let trimmed = text.trim_matches(crate::xml::is_xml_space);
        if let Some(vocabulary) = simple.vocabulary.filter(|v| !v.accepts(trimmed)) {
            let hint = match vocabulary.closest(trimmed) {
                Some(close) => format!("; did you mean {close:?}?"),
                None => String::new(),
            };
            let (line, column) = self.at(pos);
            self.report.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                code: "orcid.vocabulary",
                orcid_code: Some(vocabulary.orcid_error),
                path: path.to_owned(),
                line,
                column,
                message: format!("{what}: {trimmed:?} is not on ORCID's {} list{hint}", vocabulary.name),
            });
        }
    }

    /// The text of a simple-typed element, through its end tag.
    fn text(&mut self, tag: &BytesStart<'_>, path: &str, start: usize, name: &str) -> Result<Cow<'a, str>, ReadError> {
        let mut text = String::new();
        loop {
            let (pos, _, event) = self.next()?;
            match event {
                Event::Text(t) if t.windows(3).any(|w| w == b"]]>") => {
                    return Err(ReadError::at(self.src, pos, crate::xml::CDATA_END_IN_TEXT.into()));
                }
                Event::Text(t) => text.push_str(&t.xml10_content().map_err(|e| ReadError::at(self.src, pos, e.to_string()))?),
                Event::CData(t) => text.push_str(&String::from_utf8_lossy(&t)),
                Event::GeneralRef(r) => {
                    text.push(resolve_reference(&r).ok_or_else(|| ReadError::at(self.src, pos, "unknown entity".into()))?)
                }
                Event::End(_) => return Ok(Cow::Owned(text)),
                Event::Start(inner) => {
                    self.problem("xsd.element-not-allowed", path, pos, format!("<{name}> holds text only; child elements are not allowed"));
                    self.reader.read_to_end(inner.name()).map_err(|e| self.malformed(e))?;
                }
                Event::Empty(_) => {
                    self.problem("xsd.element-not-allowed", path, pos, format!("<{name}> holds text only; child elements are not allowed"));
                }
                Event::Eof => return Err(ReadError::at(self.src, start, format!("<{}> is not closed", qname(tag)))),
                _ => {}
            }
        }
    }
}

/// The path of a child, with `[n]` when the element repeats.
fn child_path(frame: &mut Frame, local: &'static str) -> String {
    let n = match frame.seen.iter_mut().find(|(l, _)| *l == local) {
        Some((_, n)) => {
            *n += 1;
            *n
        }
        None => {
            frame.seen.push((local, 1));
            1
        }
    };
    let repeatable = frame.schema.children.iter().any(|c| c.local == local && frame.schema.repeated & (1 << c.index) != 0);
    if repeatable { format!("{}/{local}[{n}]", frame.path) } else { format!("{}/{local}", frame.path) }
}
