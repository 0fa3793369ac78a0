//! Reading ORCID XML: a thin layer over quick-xml's borrowing reader, with the namespace
//! bindings kept here (ORCID's namespaces are a closed set, so a binding maps straight to `Ns`).
//!
//! The common cases (element-only content, plain text up to its end tag) are read straight from
//! the input; quick-xml reads the rest (comments, references, CDATA, anything unusual). The
//! input is UTF-8 here: other encodings are decoded first (`encoding.rs`).

use std::borrow::Cow;
use std::collections::HashMap;

use quick_xml::events::attributes::Attributes;
use quick_xml::events::{BytesStart, Event};

use super::content::{Core, Form, FrameCore, Input, MAX_ATTRIBUTES, MAX_DEPTH, Name, ProblemKind, Read, ReadMode, simple_value};
use super::schema::{MemberKind, StructSchema};
use super::simple::SimpleType;
use super::unknown::{Unknown, XmlName, XmlToken};
use crate::{Ns, ReadError};

/// A start tag, with its namespace resolved. Small (it is handed around for every element):
/// the names are ranges of the tag's content.
#[derive(Clone, Copy)]
pub struct Start<'a> {
    /// The tag's content between `<` and `>` (or `/>`): the name, then the attributes.
    content: &'a str,
    /// Byte offset of the `<`.
    pos: u32,
    /// The length of the name as written.
    name_len: u16,
    /// Where the local name starts (after `prefix:`; 0 without a prefix).
    local_at: u16,
    /// The element's namespace.
    pub ns: Ns,
    /// Whether the tag is `<x/>`.
    empty: bool,
}

impl<'a> Start<'a> {
    /// The name as written (`work:title`).
    pub fn qname(&self) -> &'a str {
        &self.content[..usize::from(self.name_len)]
    }

    /// The local name.
    pub fn local(&self) -> &'a str {
        &self.content[usize::from(self.local_at)..usize::from(self.name_len)]
    }

    /// The prefix as written (empty when none).
    pub fn prefix(&self) -> &'a str {
        match self.local_at {
            0 => "",
            at => &self.content[..usize::from(at) - 1],
        }
    }

    /// Byte offset of the `<`.
    pub fn pos(&self) -> usize {
        self.pos as usize
    }

    fn attributes(&self) -> Attributes<'a> {
        let mut attributes = Attributes::new(self.content, usize::from(self.name_len));
        // Duplicates are found when the element opens, in linear time (quick-xml's check is
        // quadratic in the number of attributes).
        attributes.with_checks(false);
        attributes
    }

    fn has_attributes(&self) -> bool {
        !self.content[usize::from(self.name_len)..].bytes().all(|b| b.is_ascii_whitespace())
    }

    /// `<prefix:local>`, for messages.
    pub fn display(&self) -> String {
        format!("<{}>", self.qname())
    }
}

/// The namespace bindings in scope.
#[derive(Default)]
struct Namespaces<'a> {
    /// (prefix, namespace URI, namespace), innermost last.
    bindings: Vec<(&'a str, Cow<'a, str>, Ns)>,
    /// How many elements are open.
    depth: usize,
    /// Per open element that declared namespaces: (its depth, bindings in scope before it).
    /// Documents declare namespaces on a few elements only, so most elements cost nothing here.
    scopes: Vec<(usize, usize)>,
    /// For documents with many bindings: prefix → their indices in `bindings`, innermost last,
    /// so that a lookup stays constant-time (built once bindings pass [`INDEX_FROM`]).
    index: Option<HashMap<&'a str, Vec<usize>>>,
    /// The prefix resolved last and its namespace (elements in a row mostly share a prefix);
    /// forgotten whenever the bindings change.
    last: Option<(&'a str, Ns)>,
}

/// Whether two short byte strings are equal, compared in place (names and prefixes are short:
/// this beats a call to memcmp).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Above this many bindings in scope, lookups go through a hash index.
const INDEX_FROM: usize = 32;

impl<'a> Namespaces<'a> {
    /// Enters an element: its `xmlns` declarations come into scope.
    fn open(&mut self, start: &Start<'a>, declarations: impl Iterator<Item = (&'a str, Cow<'a, str>)>) {
        self.depth += 1;
        let before = self.bindings.len();
        self.last = None;
        for (prefix, uri) in declarations {
            let ns = if uri.is_empty() { Ns::None } else { Ns::from_uri(uri.as_bytes()) };
            if let Some(index) = &mut self.index {
                index.entry(prefix).or_default().push(self.bindings.len());
            }
            self.bindings.push((prefix, uri, ns));
        }
        if self.bindings.len() > before {
            self.scopes.push((self.depth, before));
            if self.index.is_none() && self.bindings.len() > INDEX_FROM {
                let mut index: HashMap<&'a str, Vec<usize>> = HashMap::new();
                for (i, (p, _, _)) in self.bindings.iter().enumerate() {
                    index.entry(*p).or_default().push(i);
                }
                self.index = Some(index);
            }
        }
        let _ = start;
    }

    /// Leaves the innermost element.
    #[inline]
    fn close(&mut self) {
        if let Some(&(depth, len)) = self.scopes.last()
            && depth == self.depth
        {
            self.scopes.pop();
            self.last = None;
            if let Some(index) = &mut self.index {
                for (p, _, _) in &self.bindings[len..] {
                    if let Some(list) = index.get_mut(p) {
                        list.pop();
                    }
                }
            }
            self.bindings.truncate(len);
        }
        self.depth = self.depth.saturating_sub(1);
    }

    /// The binding of a prefix ("" for the default namespace).
    fn lookup(&self, prefix: &str) -> Option<&(&'a str, Cow<'a, str>, Ns)> {
        match &self.index {
            Some(index) => index.get(prefix).and_then(|l| l.last()).map(|&i| &self.bindings[i]),
            // Prefixes are short: comparing bytes in place beats hashing.
            None => self.bindings.iter().rev().find(|(p, _, _)| same(p.as_bytes(), prefix.as_bytes())),
        }
    }

    /// The namespace of a prefix ("" for an unprefixed element name: the default namespace).
    fn resolve(&mut self, prefix: &'a str) -> Ns {
        if let Some((p, ns)) = self.last
            && same(p.as_bytes(), prefix.as_bytes())
        {
            return ns;
        }
        let ns = match self.lookup(prefix) {
            Some((_, _, ns)) => *ns,
            None if prefix.is_empty() => Ns::None,
            None if prefix == "xml" => Ns::Xml,
            None => Ns::Other,
        };
        self.last = Some((prefix, ns));
        ns
    }

    /// The namespace URI of a prefix, as written.
    fn uri(&self, prefix: &str) -> &str {
        match self.lookup(prefix) {
            Some((_, uri, _)) => uri,
            None if prefix == "xml" => Ns::Xml.uri(),
            None => "",
        }
    }
}

/// An attribute of the tag opened last: its name and raw value, as ranges of the tag's content.
#[derive(Clone, Copy)]
struct AttrSpan {
    key: (u32, u32),
    value: (u32, u32),
}

/// Markup read past quick-xml.
enum Markup {
    /// A start tag, opened into `XmlInput::opened`.
    Start,
    /// The parent's end tag.
    End,
}

/// What a reader holds for an open struct.
pub struct XmlFrame<'a> {
    core: FrameCore,
    start: Start<'a>,
    /// The next of its attributes to go through.
    attr_next: usize,
    /// The value of the attribute member just returned.
    attribute_value: Option<Cow<'a, str>>,
    /// What `next` reads now.
    phase: Phase,
}

/// Where `next` is in an element: attributes, then the text (simple content) or the children.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Attributes,
    Text,
    Children,
    Ended,
}

/// The XML reader the generated code drives.
pub struct XmlInput<'a> {
    core: Core<'a>,
    /// quick-xml's reader over `src`.
    inner: quick_xml::Reader<&'a [u8]>,
    /// Bytes read here directly, past quick-xml: its positions are behind ours by this much.
    base: usize,
    namespaces: Namespaces<'a>,
    src: &'a str,
    /// Whether the input has a carriage return anywhere (else no line end needs normalising).
    has_cr: bool,
    /// Whether `]]>` appears anywhere (else no text needs checking for it).
    has_cdata_end: bool,
    /// The attributes of the tag opened last (parsed once, when it opens; each element's
    /// attributes are read before anything inside it opens another tag).
    attrs: Vec<AttrSpan>,
    /// Where that tag starts.
    attrs_of: u32,
    /// The tag opened last. Kept here rather than handed back through layers of `Result` and
    /// `Option`: copies of it through those layers cost more than all the rest of reading a tag.
    opened: Start<'a>,
}

impl<'a> XmlInput<'a> {
    /// A reader over a whole document, which must be UTF-8 (see `encoding.rs`).
    pub fn new(src: &'a str, mode: ReadMode) -> Self {
        XmlInput {
            core: Core::new(src.as_bytes(), mode, Form::Xml),
            inner: quick_reader(src.as_bytes()),
            base: 0,
            namespaces: Namespaces::default(),
            src,
            has_cr: memchr::memchr(b'\r', src.as_bytes()).is_some(),
            has_cdata_end: has_cdata_end(src.as_bytes()),
            attrs: Vec::new(),
            attrs_of: u32::MAX,
            opened: Start { content: "", pos: 0, name_len: 0, local_at: 0, ns: Ns::None, empty: true },
        }
    }

    /// The shared state (mode, problems, trail).
    pub fn core(&mut self) -> &mut Core<'a> {
        &mut self.core
    }

    /// Hands over the shared state once reading is done.
    pub fn into_core(self) -> Core<'a> {
        self.core
    }

    /// How this reader reads.
    pub fn mode(&self) -> ReadMode {
        self.core.mode
    }

    /// A root element that is no ORCID document.
    pub fn unknown_root(&mut self, root: &Start<'a>) -> ReadError {
        let message = format!("{} is not an ORCID 3.0 document root", root.display());
        self.core.fatal(ProblemKind::UnknownRoot, None, root.pos(), message)
    }

    /// The byte offset in the input where reading goes on.
    fn position(&self) -> usize {
        self.base + self.inner.buffer_position() as usize
    }

    fn malformed(&mut self, pos: usize, message: impl Into<String>) -> ReadError {
        let message = message.into();
        let message = if message.starts_with("malformed XML") { message } else { format!("malformed XML: {message}") };
        self.core.fatal(ProblemKind::Malformed, None, pos, message)
    }

    fn xml_error(&mut self, err: quick_xml::Error) -> ReadError {
        let pos = self.base + self.inner.error_position() as usize;
        self.malformed(pos, err.to_string())
    }

    /// Enters a start tag at byte offset `pos` (`content` is what stands between `<` and `>`):
    /// its namespace declarations come into scope and its name is resolved.
    fn open(&mut self, content: &'a str, empty: bool, pos: usize) -> Result<(), ReadError> {
        let (name_len, colon) = scan_name(content.as_bytes());
        self.open_named(content, empty, pos, name_len, colon)
    }

    /// [`XmlInput::open`] for a tag whose name is scanned already: `name_len` bytes, with its
    /// first colon at `colon`.
    fn open_named(&mut self, content: &'a str, empty: bool, pos: usize, name_len: usize, colon: Option<usize>) -> Result<(), ReadError> {
        let local_at = colon.map_or(0, |colon| colon + 1);
        let (Ok(name_len), Ok(local_at), Ok(pos32)) = (u16::try_from(name_len), u16::try_from(local_at), u32::try_from(pos)) else {
            return Err(self.core.fatal(
                ProblemKind::Limit,
                None,
                pos,
                "names longer than 65,535 bytes and documents over 4 GB are not read".into(),
            ));
        };
        let start = Start { content, pos: pos32, name_len, local_at, ns: Ns::None, empty };
        let prefix = start.prefix();
        if self.namespaces.depth >= MAX_DEPTH {
            return Err(self.core.fatal(
                ProblemKind::Limit,
                None,
                pos,
                format!("elements nest deeper than {MAX_DEPTH} levels; ORCID's documents nest about a dozen"),
            ));
        }
        // With a colon: a prefix and a local part. (A second colon is looked for only in names
        // that are kept, `kept_name`: a name the schema knows has none, and this runs for
        // every tag.)
        if local_at == 1 || (local_at > 0 && local_at == name_len) {
            return Err(self.bad_name(&start));
        }
        self.attrs.clear();
        self.attrs_of = start.pos;
        if start.has_attributes() {
            let declarations = self.parse_attributes(&start)?;
            self.namespaces.open(&start, declarations.into_iter());
            self.check_attribute_names(&start)?;
        } else {
            self.namespaces.depth += 1;
        }
        let ns = self.namespaces.resolve(prefix);
        if ns == Ns::Other && self.namespaces.lookup(prefix).is_none() {
            return Err(self.bad_name(&start));
        }
        self.opened = Start { ns, ..start };
        Ok(())
    }

    /// A tag name namespaces do not allow: two colons, or a prefix not declared (which a
    /// namespace-aware parser, ORCID's, refuses: the name means nothing). Out of line: tags
    /// are opened for every element.
    #[cold]
    #[inline(never)]
    fn bad_name(&mut self, start: &Start<'a>) -> ReadError {
        let message = if is_qname(start.qname().as_bytes()) {
            format!("the prefix `{}` of {} is not declared", start.prefix(), start.display())
        } else {
            format!("{} is not a name namespaces allow (prefix:local, one colon)", start.display())
        };
        self.malformed(start.pos(), message)
    }

    /// What namespaces require of the attributes of the tag opened last, once its
    /// declarations are in scope: names with one colon at most, declared prefixes, and no two
    /// attributes with the same namespace and local name (`a:x` and `b:x`, with `a` and `b`
    /// bound to one namespace).
    #[inline(never)]
    fn check_attribute_names(&mut self, start: &Start<'a>) -> Result<(), ReadError> {
        // Namespaced attributes are few (`xsi:schemaLocation`); past this many, a set.
        const FEW: usize = 8;
        let mut seen: Vec<(&str, &'a str)> = Vec::new();
        let mut many: Option<std::collections::HashSet<(&str, &'a str)>> = None;
        for i in 0..self.attrs.len() {
            let a = self.attrs[i];
            let key = &start.content[a.key.0 as usize..a.key.1 as usize];
            // By bytes: a `str` searcher's set-up costs more than a short name.
            let Some(colon) = key.bytes().position(|b| b == b':') else { continue };
            let (prefix, local) = (&key[..colon], &key[colon + 1..]);
            if prefix.is_empty() || local.is_empty() || local.bytes().any(|b| b == b':') {
                let message =
                    format!("the attribute `{key}` of {} is not a name namespaces allow (prefix:local, one colon)", start.display());
                return Err(self.malformed(start.pos(), message));
            }
            if prefix == "xmlns" {
                continue;
            }
            let uri = match prefix {
                "xml" => Ns::Xml.uri(),
                _ => match self.namespaces.lookup(prefix) {
                    Some((_, uri, _)) => uri,
                    None => {
                        let message = format!("the prefix `{prefix}` of the attribute `{key}` of {} is not declared", start.display());
                        return Err(self.malformed(start.pos(), message));
                    }
                },
            };
            let twice = match &mut many {
                Some(set) => !set.insert((uri, local)),
                None => {
                    let twice = seen.contains(&(uri, local));
                    seen.push((uri, local));
                    if seen.len() > FEW {
                        many = Some(seen.drain(..).collect());
                    }
                    twice
                }
            };
            if twice {
                let message = format!("{} has two attributes named `{local}` in the namespace `{uri}`", start.display());
                return Err(self.malformed(start.pos(), message));
            }
        }
        Ok(())
    }

    /// Goes through a tag's attributes once, into `self.attrs`: well-formed, no name twice, not
    /// too many. Returns its namespace declarations.
    fn parse_attributes(&mut self, start: &Start<'a>) -> Result<Vec<(&'a str, Cow<'a, str>)>, ReadError> {
        let mut declarations = Vec::new();
        // Above this many attributes, duplicates are looked for through a set (linear time).
        const FEW: usize = 16;
        let mut many: Option<std::collections::HashSet<&'a str>> = None;
        let base = start.content.as_ptr() as usize;
        let span = |slice: &[u8]| {
            let at = (slice.as_ptr() as usize).wrapping_sub(base);
            (at as u32, (at + slice.len()) as u32)
        };
        for attr in start.attributes() {
            let attr = match attr {
                Ok(a) => a,
                Err(e) => return Err(self.malformed(start.pos(), format!("malformed attribute in {}: {e}", start.display()))),
            };
            let key = self.in_tag(start, attr.key.as_ref());
            let twice = match &mut many {
                Some(set) => !set.insert(key),
                None => {
                    let twice = self.attrs.iter().any(|a| &start.content[a.key.0 as usize..a.key.1 as usize] == key);
                    if self.attrs.len() + 1 >= FEW {
                        let mut set: std::collections::HashSet<&'a str> =
                            self.attrs.iter().map(|a| &start.content[a.key.0 as usize..a.key.1 as usize]).collect();
                        set.insert(key);
                        many = Some(set);
                    }
                    twice
                }
            };
            if twice {
                return Err(self.malformed(start.pos(), format!("the attribute `{key}` appears twice in {}", start.display())));
            }
            if self.attrs.len() >= MAX_ATTRIBUTES {
                return Err(self.core.fatal(
                    ProblemKind::Limit,
                    None,
                    start.pos(),
                    format!("{} has more than {MAX_ATTRIBUTES} attributes, more than Java's XML parser (ORCID's) allows", start.display()),
                ));
            }
            // quick-xml's attribute iterator borrows both from the tag.
            let value = self.in_tag(start, attr.value.as_ref());
            self.attrs.push(AttrSpan { key: span(attr.key.as_ref()), value: span(value.as_bytes()) });
            if !key.starts_with("xmlns") {
                continue;
            }
            let prefix = match key.strip_prefix("xmlns") {
                Some("") => Some(""),
                Some(rest) if rest.starts_with(':') => Some(&rest[1..]),
                _ => None,
            };
            if let Some(prefix) = prefix {
                let uri = match attribute_text(value) {
                    Ok(v) => v,
                    Err(e) => return Err(self.malformed(start.pos(), format!("attribute `{key}` of {}: {e}", start.display()))),
                };
                declarations.push((prefix, uri));
            }
        }
        Ok(declarations)
    }

    /// The attributes of `start`, which must be the tag opened last: (name as written, raw
    /// value), namespace declarations left out.
    fn attribute(&self, start: &Start<'a>, index: usize) -> Option<(&'a str, &'a str)> {
        if self.attrs_of != start.pos {
            return None;
        }
        let a = self.attrs.get(index)?;
        // Both end at ASCII (`=`, a quote): slicing cannot split a character.
        let key = start.content.get(a.key.0 as usize..a.key.1 as usize)?;
        Some((key, start.content.get(a.value.0 as usize..a.value.1 as usize)?))
    }

    /// A piece of a tag (an attribute's name or value) as a slice of the input.
    fn in_tag(&self, start: &Start<'a>, piece: &[u8]) -> &'a str {
        let base = start.content.as_ptr() as usize;
        let at = (piece.as_ptr() as usize).wrapping_sub(base);
        start.content.get(at..at + piece.len()).unwrap_or("")
    }

    /// Reads up to the root element (skipping the prolog, comments and whitespace).
    pub fn root(&mut self) -> Result<Start<'a>, ReadError> {
        if let Some((at, message)) = forbidden_control(self.src.as_bytes()) {
            return Err(self.malformed(at, message));
        }
        loop {
            let pos = self.position();
            let event = self.inner.read_event().map_err(|e| self.xml_error(e));
            match event? {
                Event::Start(tag) => {
                    let content = self.content_of(&tag, pos);
                    self.open(content, false, pos)?;
                    return Ok(self.opened);
                }
                Event::Empty(tag) => {
                    let content = self.content_of(&tag, pos);
                    self.open(content, true, pos)?;
                    return Ok(self.opened);
                }
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::DocType(_) => {
                    return Err(self.malformed(
                        pos,
                        "a DOCTYPE declaration is not allowed: ORCID refuses documents with one, and this reader never loads what it names",
                    ));
                }
                Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
                Event::Eof => {
                    let pos = self.position();
                    return Err(self.malformed(pos, "the document has no root element"));
                }
                _ => return Err(self.malformed(pos, "text before the root element")),
            }
        }
    }

    /// After the root: only comments, processing instructions and whitespace may follow.
    pub fn finish(&mut self) -> Result<(), ReadError> {
        loop {
            let pos = self.position();
            match self.inner.read_event() {
                Ok(Event::Eof) => return Ok(()),
                Ok(Event::Comment(_) | Event::PI(_)) => {}
                Ok(Event::Text(t)) if t.iter().all(u8::is_ascii_whitespace) => {}
                Ok(_) => return Err(self.malformed(pos, "content after the root element")),
                Err(e) => return Err(self.xml_error(e)),
            }
        }
    }

    /// A tag's content (between `<` and `>`) as a slice of the input.
    fn content_of(&self, tag: &BytesStart<'_>, pos: usize) -> &'a str {
        let len = tag.len();
        self.src.get(pos + 1..pos + 1 + len).unwrap_or("")
    }

    /// Sets the element the next `enter` reads (the document's root).
    pub fn set_entering(&mut self, start: Start<'a>) {
        self.opened = start;
    }

    /// The next child element of the element opened by `parent`, or `None` at its end tag.
    /// Text between children must be whitespace (element-only content); comments and
    /// processing instructions are skipped.
    fn next_child(&mut self, parent: &Start<'a>, trail: Option<u32>) -> Result<bool, ReadError> {
        if parent.empty {
            self.namespaces.close();
            return Ok(false);
        }
        match self.plain_markup(parent)? {
            Some(Markup::Start) => return Ok(true),
            Some(Markup::End) => {
                self.namespaces.close();
                return Ok(false);
            }
            None => {}
        }
        loop {
            let pos = self.position();
            let event = self.inner.read_event().map_err(|e| self.xml_error(e))?;
            match event {
                Event::Start(tag) => {
                    let content = self.content_of(&tag, pos);
                    self.open(content, false, pos)?;
                    return Ok(true);
                }
                Event::Empty(tag) => {
                    let content = self.content_of(&tag, pos);
                    self.open(content, true, pos)?;
                    return Ok(true);
                }
                Event::End(end) => {
                    self.check_end(parent.qname(), end.name().as_ref(), pos)?;
                    self.namespaces.close();
                    return Ok(false);
                }
                Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
                Event::Text(t) if self.has_cdata_end && t.windows(3).any(|w| w == b"]]>") => {
                    return Err(self.malformed(pos, CDATA_END_IN_TEXT));
                }
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    let message = format!("{} may hold only elements, not text", parent.display());
                    self.core.problem(ProblemKind::TextNotAllowed, trail, pos, message)?;
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => {
                    let message = format!("{} is not closed", parent.display());
                    return Err(self.malformed(parent.pos(), message));
                }
                Event::Decl(_) | Event::DocType(_) => return Err(self.malformed(pos, "unexpected declaration")),
            }
        }
    }

    /// Reads the text content of `start` up to its end tag: character data, CDATA and
    /// references, exactly as written (no trimming), with line ends normalised as XML says.
    /// Child elements are a problem (reported, and skipped).
    fn text(&mut self, start: &Start<'a>, trail: Option<u32>) -> Result<Cow<'a, str>, ReadError> {
        if start.empty {
            self.namespaces.close();
            return Ok(Cow::Borrowed(""));
        }
        if let Some(text) = self.plain_text(start) {
            self.namespaces.close();
            return Ok(text);
        }
        let mut out: Option<String> = None;
        let mut first: Cow<'a, str> = Cow::Borrowed("");
        loop {
            let pos = self.position();
            let event = self.inner.read_event().map_err(|e| self.xml_error(e))?;
            let piece: Cow<'a, str> = match event {
                Event::Text(t) if self.has_cdata_end && t.windows(3).any(|w| w == b"]]>") => {
                    return Err(self.malformed(pos, CDATA_END_IN_TEXT));
                }
                Event::Text(t) => {
                    let text = self.slice_at(pos, t.len());
                    if self.has_cr { normalize_eols(Cow::Borrowed(text)) } else { Cow::Borrowed(text) }
                }
                Event::CData(c) => Cow::Borrowed(self.slice_at(pos + 9, c.len())),
                Event::GeneralRef(r) => match resolve_reference(&r) {
                    Some(ch) => {
                        // Into the text being built, without a string of its own.
                        let buf = out.get_or_insert_with(|| std::mem::take(&mut first).into_owned());
                        buf.push(ch);
                        continue;
                    }
                    None => {
                        let name = String::from_utf8_lossy(&r).into_owned();
                        let what = if name.starts_with('#') { "bad character reference" } else { "unknown entity" };
                        return Err(self.malformed(pos, format!("{what} `&{name};`")));
                    }
                },
                Event::Comment(_) | Event::PI(_) => continue,
                Event::End(end) => {
                    self.check_end(start.qname(), end.name().as_ref(), pos)?;
                    self.namespaces.close();
                    break;
                }
                Event::Start(tag) | Event::Empty(tag) => {
                    let empty = matches!(self.src.as_bytes().get(pos + 1 + tag.len()), Some(b'/'));
                    let message = format!("{} holds text only; child elements are not allowed", start.display());
                    self.core.problem(ProblemKind::ElementNotAllowed, trail, pos, message)?;
                    let content = self.content_of(&tag, pos);
                    self.open(content, empty, pos)?;
                    let child = self.opened;
                    self.skip(&child)?;
                    continue;
                }
                Event::Eof => {
                    let message = format!("{} is not closed", start.display());
                    return Err(self.malformed(start.pos(), message));
                }
                Event::Decl(_) | Event::DocType(_) => return Err(self.malformed(pos, "unexpected markup in text")),
            };
            match &mut out {
                Some(buf) => buf.push_str(&piece),
                None if first.is_empty() => first = piece,
                None => {
                    let mut buf = std::mem::take(&mut first).into_owned();
                    buf.push_str(&piece);
                    out = Some(buf);
                }
            }
        }
        Ok(match out {
            Some(buf) => Cow::Owned(buf),
            None => first,
        })
    }

    /// `len` bytes of the input at `pos`.
    fn slice_at(&self, pos: usize, len: usize) -> &'a str {
        self.src.get(pos..pos + len).unwrap_or("")
    }

    /// The common case of text content, read without quick-xml: character data, with the
    /// five named entity references at most, straight up to `start`'s end tag. Reading goes on
    /// after the end tag; `None` (nothing consumed) leaves anything else (character
    /// references, CDATA, comments, markup, line ends to normalise) to the general way.
    fn plain_text(&mut self, start: &Start<'a>) -> Option<Cow<'a, str>> {
        let from = self.position();
        let rest = self.src.as_bytes().get(from..)?;
        let mut stop = memchr::memchr2(b'<', b'&', rest)?;
        // Text with references is built here; text without is a slice of the input.
        let mut built: Option<String> = None;
        let mut piece_from = 0;
        while rest[stop] == b'&' {
            let semicolon = stop + 1 + memchr::memchr(b';', rest.get(stop + 1..)?)?;
            let ch = predefined_entity(&rest[stop + 1..semicolon])?;
            let buf = built.get_or_insert_with(String::new);
            buf.push_str(self.src.get(from + piece_from..from + stop)?);
            buf.push(ch);
            piece_from = semicolon + 1;
            stop = piece_from + memchr::memchr2(b'<', b'&', &rest[piece_from..])?;
        }
        let end = end_tag_len(&rest[stop..], start.qname().as_bytes())?;
        let raw = self.src.get(from..from + stop)?;
        if (self.has_cr && raw.contains('\r')) || (self.has_cdata_end && raw.contains("]]>")) {
            return None;
        }
        let text = match built {
            Some(mut buf) => {
                buf.push_str(self.src.get(from + piece_from..from + stop)?);
                Cow::Owned(buf)
            }
            None => Cow::Borrowed(raw),
        };
        // quick-xml goes on after the end tag, in the state it is in now (inside text).
        self.advance(stop + end);
        Some(text)
    }

    /// The common case of element-only content, read without quick-xml: whitespace, then a
    /// start tag or `parent`'s end tag. `None` (nothing consumed) leaves anything else
    /// (comments, text, other markup, a mismatched end tag) to quick-xml.
    ///
    /// Like [`XmlInput::plain_text`], this relies on quick-xml standing between two pieces of
    /// markup here (it has just returned a start or end tag), so that it goes on unchanged
    /// from wherever this leaves it.
    fn plain_markup(&mut self, parent: &Start<'a>) -> Result<Option<Markup>, ReadError> {
        let from = self.position();
        let Some(rest) = self.src.as_bytes().get(from..) else { return Ok(None) };
        let Some(lt) = skip_spaces(rest) else { return Ok(None) };
        let Some(after) = rest[lt..].strip_prefix(b"<") else { return Ok(None) };
        match after.first() {
            Some(b'/') => {
                let Some(end) = end_tag_len(&rest[lt..], parent.qname().as_bytes()) else { return Ok(None) };
                self.advance(lt + end);
                Ok(Some(Markup::End))
            }
            None | Some(b'!' | b'?' | b' ' | b'\t' | b'\r' | b'\n') => Ok(None),
            Some(_) => {
                // Most tags are a name alone: `>` or `/>` right after it.
                let (name_len, colon) = scan_name(after);
                let (len, empty) = match after.get(name_len) {
                    Some(b'>') => (name_len, false),
                    Some(b'/') if after.get(name_len + 1) == Some(&b'>') => (name_len, true),
                    Some(b' ' | b'\t' | b'\r' | b'\n') => {
                        // Attributes: the tag ends at the first `>` outside quoted values.
                        let mut i = name_len;
                        let gt = loop {
                            let Some(j) = memchr::memchr3(b'>', b'"', b'\'', &after[i..]) else { return Ok(None) };
                            let j = i + j;
                            match after[j] {
                                b'>' => break j,
                                quote => match memchr::memchr(quote, &after[j + 1..]) {
                                    Some(k) => i = j + 1 + k + 1,
                                    None => return Ok(None),
                                },
                            }
                        };
                        match after[..gt].last() {
                            Some(b'/') => (gt - 1, true),
                            _ => (gt, false),
                        }
                    }
                    _ => return Ok(None),
                };
                let at = from + lt + 1;
                let Some(content) = self.src.get(at..at + len) else { return Ok(None) };
                self.advance(lt + 1 + len + usize::from(empty) + 1);
                self.open_named(content, empty, at - 1, name_len, colon)?;
                Ok(Some(Markup::Start))
            }
        }
    }

    /// Moves past `n` bytes read here, quick-xml with it.
    fn advance(&mut self, n: usize) {
        let rest: &'a [u8] = self.inner.get_ref();
        *self.inner.get_mut() = &rest[n..];
        self.base += n;
    }

    /// Skips an element and everything in it.
    fn skip(&mut self, start: &Start<'a>) -> Result<(), ReadError> {
        self.walk(start, &mut |_, _| {})
    }

    /// Walks the inside of an element through its end tag, handing each piece to `each`
    /// (with the namespace bindings in scope). No recursion: the open elements are a stack.
    fn walk(&mut self, start: &Start<'a>, each: &mut dyn FnMut(&mut Self, Piece<'a, '_>)) -> Result<(), ReadError> {
        if start.empty {
            self.namespaces.close();
            return Ok(());
        }
        let mut open: Vec<Start<'a>> = Vec::new();
        loop {
            let pos = self.position();
            let event = self.inner.read_event().map_err(|e| self.xml_error(e))?;
            match event {
                Event::Start(tag) | Event::Empty(tag) => {
                    let content = self.content_of(&tag, pos);
                    let empty = self.src.as_bytes().get(pos + 1 + content.len()) == Some(&b'/');
                    self.open(content, empty, pos)?;
                    let child = self.opened;
                    each(self, Piece::Start(&child));
                    if empty {
                        self.namespaces.close();
                        each(self, Piece::End);
                    } else {
                        open.push(child);
                    }
                }
                Event::End(end) => {
                    let expected = open.last().map_or(start.qname(), |s| s.qname());
                    self.check_end(expected, end.name().as_ref(), pos)?;
                    self.namespaces.close();
                    if open.pop().is_none() {
                        return Ok(());
                    }
                    each(self, Piece::End);
                }
                Event::Text(t) => {
                    if self.has_cdata_end && t.windows(3).any(|w| w == b"]]>") {
                        return Err(self.malformed(pos, CDATA_END_IN_TEXT));
                    }
                    let text = self.slice_at(pos, t.len());
                    each(self, Piece::Text(if self.has_cr { normalize_eols(Cow::Borrowed(text)) } else { Cow::Borrowed(text) }));
                }
                Event::CData(c) => {
                    let text = Cow::Borrowed(self.slice_at(pos + 9, c.len()));
                    each(self, Piece::Text(text));
                }
                Event::GeneralRef(r) => match resolve_reference(&r) {
                    Some(ch) => each(self, Piece::Text(Cow::Owned(ch.to_string()))),
                    None => {
                        let name = String::from_utf8_lossy(&r).into_owned();
                        return Err(self.malformed(pos, format!("unknown entity `&{name};`")));
                    }
                },
                Event::Eof => {
                    let message = format!("{} is not closed", start.display());
                    return Err(self.malformed(start.pos(), message));
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Decl(_) | Event::DocType(_) => return Err(self.malformed(pos, "unexpected declaration")),
            }
        }
    }

    /// Reads an element the model does not know, with everything in it, as tokens.
    fn capture(&mut self, start: &Start<'a>) -> Result<Vec<XmlToken>, ReadError> {
        let mut tokens = vec![XmlToken::Start(self.kept_name(start)?)];
        self.push_attributes(start, &mut tokens)?;
        let mut failed = None;
        self.walk(start, &mut |input, piece| match piece {
            Piece::Start(child) => match input.kept_name(child) {
                Ok(name) => {
                    tokens.push(XmlToken::Start(name));
                    if failed.is_none()
                        && let Err(e) = input.push_attributes(child, &mut tokens)
                    {
                        failed = Some(e);
                    }
                }
                Err(e) => {
                    failed.get_or_insert(e);
                }
            },
            Piece::End => tokens.push(XmlToken::End),
            Piece::Text(text) => match tokens.last_mut() {
                Some(XmlToken::Text(t)) => {
                    let mut joined = std::mem::take(t).into_string();
                    joined.push_str(&text);
                    *t = joined.into_boxed_str();
                }
                _ => tokens.push(XmlToken::Text(text.into_owned().into_boxed_str())),
            },
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
        tokens.push(XmlToken::End);
        Ok(tokens)
    }

    /// An element's name with its namespace URI, for keeping; a name with a second colon,
    /// which namespaces do not allow, is malformed.
    fn kept_name(&mut self, start: &Start<'a>) -> Result<XmlName, ReadError> {
        if start.local().contains(':') {
            return Err(self.bad_name(start));
        }
        Ok(XmlName::new(self.namespaces.uri(start.prefix()), start.prefix(), start.local()))
    }

    /// The attributes of an element kept as unknown content (namespace declarations and
    /// `xsi:` attributes aside).
    fn push_attributes(&mut self, start: &Start<'a>, tokens: &mut Vec<XmlToken>) -> Result<(), ReadError> {
        let mut i = 0;
        while let Some((key, raw)) = self.attribute(start, i) {
            i += 1;
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            let (prefix, local) = split_name(key);
            let uri = if prefix.is_empty() { "" } else { self.namespaces.uri(prefix) };
            if Ns::from_uri(uri.as_bytes()) == Ns::Xsi {
                continue;
            }
            let value = match attribute_text(raw) {
                Ok(v) => v.into_owned(),
                Err(e) => return Err(self.malformed(start.pos(), format!("attribute `{key}` of {}: {e}", start.display()))),
            };
            tokens.push(XmlToken::Attribute(XmlName::new(uri, prefix, local), value.into_boxed_str()));
        }
        Ok(())
    }

    /// An end tag must close the element being read.
    fn check_end(&mut self, open: &str, end: &[u8], pos: usize) -> Result<(), ReadError> {
        if open.as_bytes() == end {
            Ok(())
        } else {
            let message = format!("</{}> does not close <{open}>", String::from_utf8_lossy(end));
            Err(self.malformed(pos, message))
        }
    }

    /// Reads an element whose content is a simple value (the root of a document like
    /// `<common:title>`).
    pub fn root_simple<T: SimpleType>(&mut self, start: &Start<'a>, facets: &'static super::schema::Facets) -> Result<T, ReadError> {
        let text = self.text(start, None)?;
        if self.core.mode != ReadMode::Lenient
            && let Err(message) = facets.check(&text)
        {
            self.core.problem(ProblemKind::Value, None, start.pos(), format!("{}: {message}", start.display()))?;
        }
        T::parse_xml(&text)
            .map_err(|message| self.core.fatal(ProblemKind::Value, None, start.pos(), format!("{}: {message}", start.display())))
    }

    /// Goes past the root element without reading it (after a fresh reader has read it).
    pub fn skip_root(&mut self, start: &Start<'a>) -> Result<(), ReadError> {
        self.skip(start)
    }
}

/// A piece of an element's inside, for [`XmlInput::walk`].
enum Piece<'a, 's> {
    Start(&'s Start<'a>),
    End,
    Text(Cow<'a, str>),
}

impl<'a> XmlInput<'a> {
    /// The next child element that is a member (unknown ones are handled here), or `None` at
    /// the element's end.
    fn next_element(&mut self, f: &mut XmlFrame<'a>) -> Result<Option<usize>, ReadError> {
        let schema = f.core.schema;
        loop {
            if !self.next_child(&f.start, f.core.trail)? {
                f.phase = Phase::Ended;
                return Ok(None);
            }
            // Read in place: a copy of the tag just written costs a stall.
            let (ns, local) = (self.opened.ns, self.opened.local());
            match schema.element(ns, local.as_bytes()) {
                Some(index) if self.core.keep_unknown && f.core.seen_before(index) => {
                    // Lenient reading: a second of a member that comes once is kept as it is,
                    // where it is, rather than read over the first.
                    let child = self.opened;
                    let tokens = self.capture(&child)?;
                    f.core.unknown.keep_xml_element(f.core.reached, tokens);
                }
                Some(index) => {
                    let (pos, qname) = (self.opened.pos(), self.opened.qname());
                    f.core.meet(&mut self.core, index, pos, Name::Element(qname))?;
                    return Ok(Some(index));
                }
                None => {
                    let child = self.opened;
                    if child.local().contains(':') {
                        return Err(self.bad_name(&child));
                    }
                    let message = || format!("unexpected element {} in {}{}", child.display(), f.start.display(), schema.expected_hint());
                    let trail = if self.core.validating() {
                        Some(self.core.trail.push(f.core.trail, Cow::Borrowed(child.local()), false, 0, child.pos()))
                    } else {
                        None
                    };
                    self.core.problem_lazy(ProblemKind::UnknownElement, trail, child.pos(), message)?;
                    if self.core.keep_unknown {
                        let tokens = self.capture(&child)?;
                        f.core.unknown.keep_xml_element(f.core.reached, tokens);
                    } else {
                        self.skip(&child)?;
                    }
                }
            }
        }
    }
}

impl<'a> Input<'a> for XmlInput<'a> {
    type Frame = XmlFrame<'a>;

    // Inlined: the frame is then built where the struct's reader keeps it, not copied there.
    #[inline(always)]
    fn enter(&mut self, schema: &'static StructSchema) -> Result<XmlFrame<'a>, ReadError> {
        // The element just opened: the root, or the child `next` returned.
        let start = self.opened;
        let trail = if self.core.validating() && self.core.trail_is_empty() {
            Some(self.core.trail.push(None, Cow::Borrowed(start.local()), false, 0, start.pos()))
        } else {
            self.core.pending_trail.take()
        };

        let phase = if self.attribute(&start, 0).is_some() {
            Phase::Attributes
        } else if schema.text_member().is_some() {
            Phase::Text
        } else {
            Phase::Children
        };
        Ok(XmlFrame { core: FrameCore::new(schema, start.pos(), trail), start, attr_next: 0, attribute_value: None, phase })
    }

    fn next(&mut self, f: &mut XmlFrame<'a>) -> Result<Option<usize>, ReadError> {
        let schema = f.core.schema;
        // Attributes first.
        if f.phase == Phase::Children {
            return self.next_element(f);
        }
        if f.phase == Phase::Ended {
            return Ok(None);
        }
        while let Some((key, raw)) = self.attribute(&f.start, f.attr_next) {
            f.attr_next += 1;
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            let (prefix, local) = split_name(key);
            let ns = if prefix.is_empty() { Ns::None } else { self.namespaces.resolve(prefix) };
            if ns == Ns::Xsi {
                // Schema locations: allowed everywhere, not kept.
                continue;
            }
            let value = match attribute_text(raw) {
                Ok(v) => v,
                Err(e) => return Err(self.malformed(f.start.pos(), format!("attribute `{key}` of {}: {e}", f.start.display()))),
            };
            match schema.attribute(ns, local.as_bytes()) {
                Some(index) => {
                    f.core.meet(&mut self.core, index, f.start.pos(), Name::Attribute(key, f.start.qname()))?;
                    f.attribute_value = Some(value);
                    return Ok(Some(index));
                }
                None => {
                    let message = || format!("unknown attribute `{key}` on {}", f.start.display());
                    self.core.problem_lazy(ProblemKind::UnknownAttribute, f.core.trail, f.start.pos(), message)?;
                    if self.core.keep_unknown {
                        let uri = if prefix.is_empty() { "" } else { self.namespaces.uri(prefix) };
                        f.core.unknown.keep_xml_attribute(XmlName::new(uri, prefix, local), value.into_owned());
                    }
                }
            }
        }
        // Simple content: the text, once.
        if let Some(index) = schema.text_member() {
            f.phase = Phase::Ended;
            f.core.meet(&mut self.core, index, f.start.pos(), Name::Element(f.start.qname()))?;
            return Ok(Some(index));
        }
        f.phase = Phase::Children;
        self.next_element(f)
    }

    fn simple<T: SimpleType>(&mut self, f: &mut XmlFrame<'a>) -> Result<Option<T>, ReadError> {
        let member = f.core.current();
        match member.kind {
            MemberKind::Attribute { .. } => {
                let value = f.attribute_value.take().unwrap_or_default();
                let name = Name::Attribute(member.local, f.start.qname());
                simple_value(&mut self.core, &mut f.core, &value, f.start.pos(), name, T::parse_xml)
            }
            MemberKind::Text => {
                let start = f.start;
                let text = self.text(&start, f.core.trail)?;
                f.phase = Phase::Ended;
                simple_value(&mut self.core, &mut f.core, &text, start.pos(), Name::Element(start.qname()), T::parse_xml)
            }
            MemberKind::Element { .. } => {
                // The child `next` returned is the tag opened last.
                let child = self.opened;
                if child.has_attributes() {
                    self.child_attributes(f, &child)?;
                }
                let text = self.text(&child, f.core.member_trail)?;
                simple_value(&mut self.core, &mut f.core, &text, child.pos(), Name::Element(child.qname()), T::parse_xml)
            }
        }
    }

    #[inline(always)]
    fn nested<T: Read>(&mut self, f: &mut XmlFrame<'a>) -> Result<Option<T>, ReadError> {
        self.core.pending_trail = f.core.member_trail;
        match T::read(self) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_reported() && !self.core.stopped => {
                self.core.dropped.extend(f.core.member_trail);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    fn leave(&mut self, f: &mut XmlFrame<'a>) -> Result<Unknown, ReadError> {
        if f.phase != Phase::Ended {
            // A struct that stopped early (it cannot, but stay safe): finish its element.
            let start = f.start;
            self.skip(&start)?;
            f.phase = Phase::Ended;
        }
        f.core.complete(&mut self.core, Name::Element(f.start.qname()), |m| match m.kind {
            MemberKind::Attribute { .. } => format!("attribute `{}`", m.local),
            _ => format!("element <{}>", qualified(m.ns, m.local)),
        })?;
        Ok(std::mem::take(&mut f.core.unknown).finish())
    }

    fn required<T>(&mut self, f: &XmlFrame<'a>, member: usize, value: Option<T>) -> Result<T, ReadError> {
        f.core.required(&self.core, member, value, Name::Element(f.start.qname()))
    }
}

impl<'a> XmlInput<'a> {
    /// The attributes of a child element of simple type: none are declared, so each is unknown
    /// (`xsi:` ones aside); lenient reading keeps them with the member.
    fn child_attributes(&mut self, f: &mut XmlFrame<'a>, child: &Start<'a>) -> Result<(), ReadError> {
        let mut i = 0;
        while let Some((key, raw)) = self.attribute(child, i) {
            i += 1;
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            let (prefix, local) = split_name(key);
            let uri = if prefix.is_empty() { "" } else { self.namespaces.uri(prefix) };
            if Ns::from_uri(uri.as_bytes()) == Ns::Xsi {
                continue;
            }
            let message = || format!("unknown attribute `{key}` on {}", child.display());
            self.core.problem_lazy(ProblemKind::UnknownAttribute, f.core.member_trail, child.pos(), message)?;
            if self.core.keep_unknown {
                let value = match attribute_text(raw) {
                    Ok(v) => v.into_owned(),
                    Err(e) => return Err(self.malformed(child.pos(), format!("attribute `{key}` of {}: {e}", child.display()))),
                };
                let owner = f.core.owner();
                f.core.unknown.keep_member_attribute(owner, XmlName::new(uri, prefix, local), value);
            }
        }
        Ok(())
    }
}

/// Whether a name with a colon is a qualified name as namespaces allow: a non-empty prefix
/// and local part, one colon.
fn is_qname(name: &[u8]) -> bool {
    match name.iter().position(|&b| b == b':') {
        Some(colon) => colon > 0 && colon + 1 < name.len() && !name[colon + 1..].contains(&b':'),
        None => false,
    }
}

/// `prefix:local` split at the colon (no prefix: `("", name)`).
fn split_name(name: &str) -> (&str, &str) {
    match name.bytes().position(|b| b == b':') {
        Some(colon) => (&name[..colon], &name[colon + 1..]),
        None => ("", name),
    }
}

/// `prefix:local` with ORCID's conventional prefix.
pub fn qualified(ns: Ns, local: &str) -> String {
    match ns.prefix() {
        "" => local.to_owned(),
        p => format!("{p}:{local}"),
    }
}

/// The character a reference stands for: a character reference or one of XML's five
/// predefined entities; `None` for anything else (and for characters XML does not allow).
pub fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => is_xml_char(c).then_some(c),
        Ok(None) => predefined_entity(r.as_ref()),
        Err(_) => None,
    }
}

/// The character of one of XML's five predefined entities (`amp`, `lt` ...), by name.
fn predefined_entity(name: &[u8]) -> Option<char> {
    match name {
        b"amp" => Some('&'),
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"quot" => Some('"'),
        b"apos" => Some('\''),
        _ => None,
    }
}

/// XML 1.0's `Char` (also what JSON strings are held to: their values may be written as XML).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

// Where tags are read, bytes are looked at eight at a time (SWAR): names and the whitespace
// between tags are too short for memchr's set-up to pay and long enough for a byte loop to
// show. `root` has refused control characters, so a byte up to the space is XML whitespace.
// In each mask, the lowest flagged byte is exact (borrows and carries only run upwards).
const ONES: u64 = u64::from_ne_bytes([1; 8]);
const HIGHS: u64 = ONES * 0x80;

/// The bytes of `word` up to the space (whitespace), flagged in their top bit.
fn spaces(word: u64) -> u64 {
    word.wrapping_sub(ONES * 0x21) & !word & HIGHS
}

/// The bytes of `word` above the space, flagged in their top bit.
fn non_spaces(word: u64) -> u64 {
    (word.wrapping_add(ONES * (0x7f - 0x20)) | word) & HIGHS
}

/// The bytes of `word` equal to `byte`, flagged in their top bit.
fn equal_to(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// The offset of the lowest flagged byte of a non-zero mask.
fn lowest(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// The name a tag starts with: its length (up to whitespace, `>` or `/`, which no name holds)
/// and its first colon.
#[inline]
fn scan_name(bytes: &[u8]) -> (usize, Option<usize>) {
    let mut colon = None;
    let mut i = 0;
    while let Some(&chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let word = u64::from_le_bytes(chunk);
        let found = equal_to(word, b':');
        if colon.is_none() && found != 0 {
            colon = Some(i + lowest(found));
        }
        let stop = spaces(word) | equal_to(word, b'>') | equal_to(word, b'/');
        if stop != 0 {
            let end = i + lowest(stop);
            return (end, colon.filter(|&c| c < end));
        }
        i += 8;
    }
    for (at, &b) in bytes.iter().enumerate().skip(i) {
        match b {
            b'\0'..=b' ' | b'>' | b'/' => return (at, colon),
            b':' if colon.is_none() => colon = Some(at),
            _ => {}
        }
    }
    (bytes.len(), colon)
}

/// The offset of the first byte that is not whitespace.
fn skip_spaces(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(&chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let found = non_spaces(u64::from_le_bytes(chunk));
        if found != 0 {
            return Some(i + lowest(found));
        }
        i += 8;
    }
    bytes.iter().skip(i).position(|&b| b > b' ').map(|at| i + at)
}

/// The length of `</name>` (whitespace allowed before `>`) at the start of `bytes`, if that
/// is what stands there.
fn end_tag_len(bytes: &[u8], name: &[u8]) -> Option<usize> {
    let tail = bytes.strip_prefix(b"</")?.strip_prefix(name)?;
    let spaces = tail.iter().take_while(|b| b" \t\r\n".contains(b)).count();
    (tail.get(spaces) == Some(&b'>')).then_some(2 + name.len() + spaces + 1)
}

/// Whether `]]>` appears anywhere. By its rare first byte: a substring searcher costs more to
/// build than a small document takes to read.
fn has_cdata_end(src: &[u8]) -> bool {
    memchr::memchr_iter(b']', src).any(|i| src.get(i + 1..i + 3) == Some(b"]>"))
}

/// What XML 1.0 says of `]]>` in character data.
pub const CDATA_END_IN_TEXT: &str = "malformed XML: `]]>` is not allowed in text (write `]]&gt;`)";

/// The first character XML 1.0 allows nowhere: a control character other than tab, line
/// feed and carriage return. Its byte offset, and what to say.
pub fn forbidden_control(src: &[u8]) -> Option<(usize, String)> {
    // A pass without early exit or branches first (it vectorises); the search only when
    // there is one.
    let mut any = 0u8;
    for &b in src {
        let low = u8::from(b < 0x20);
        let space = u8::from(b == b'\t') | u8::from(b == b'\n') | u8::from(b == b'\r');
        any |= low & !space;
    }
    if any == 0 {
        return None;
    }
    let at = src.iter().position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))?;
    Some((at, format!("malformed XML: the control character U+{:04X} is not allowed in XML", src[at])))
}

/// quick-xml's reader as this module uses it.
fn quick_reader(src: &[u8]) -> quick_xml::Reader<&[u8]> {
    let mut inner = quick_xml::Reader::from_reader(src);
    let config = inner.config_mut();
    config.trim_text(false);
    config.expand_empty_elements = false;
    // End tags are matched here, against the element being read: cheaper than quick-xml's
    // own stack of names, which does not see the end tags read past it.
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    inner
}

/// `\r\n` and a lone `\r` as `\n`.
fn normalize_eols(text: Cow<'_, str>) -> Cow<'_, str> {
    if !text.as_bytes().contains(&b'\r') {
        return text;
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// An attribute's value as a reader sees it: whitespace normalised, references resolved.
pub fn attribute_text(raw: &str) -> Result<Cow<'_, str>, String> {
    // XML attribute-value normalisation: literal tab, CR and LF become spaces.
    if raw.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        let spaced: String = raw.chars().map(|c| if matches!(c, '\t' | '\n' | '\r') { ' ' } else { c }).collect();
        unescape(&spaced).map(|v| Cow::Owned(v.into_owned()))
    } else {
        unescape(raw)
    }
}

fn unescape(text: &str) -> Result<Cow<'_, str>, String> {
    let raw = text.as_bytes();
    if memchr::memchr(b'<', raw).is_some() {
        return Err("`<` is not allowed in an attribute value (write `&lt;`)".into());
    }
    if memchr::memchr(b'&', raw).is_none() {
        return Ok(Cow::Borrowed(text));
    }
    quick_xml::escape::unescape(text).map_err(|e| e.to_string()).and_then(|v| {
        if v.chars().all(is_xml_char) { Ok(v) } else { Err("a character reference to a character XML does not allow".into()) }
    })
}

#[cfg(test)]
mod tests {
    use super::{ReadMode, XmlInput, scan_name, skip_spaces};

    /// The text of `<x>…</x>`, as `text` reads it.
    fn text_of(inner: &str) -> Result<String, String> {
        let src = format!("<x>{inner}</x>");
        let mut input = XmlInput::new(&src, ReadMode::Strict);
        let root = input.root().map_err(|e| e.to_string())?;
        let text = input.text(&root, None).map_err(|e| e.to_string())?.into_owned();
        input.finish().map_err(|e| e.to_string())?;
        Ok(text)
    }

    /// Text with the five named references is read without quick-xml; anything else it
    /// holds sends it the general way, and both give the same text.
    #[test]
    fn text_with_references_reads_the_same_either_way() {
        for (inner, expected) in [
            ("plain", "plain"),
            ("", ""),
            ("a &amp; b", "a & b"),
            ("&lt;wnt&gt;", "<wnt>"),
            ("&quot;&apos;&amp;", "\"'&"),
            ("x &#65; y &amp; z", "x A y & z"),
            ("&amp; then &#x42;", "& then B"),
            ("a &amp; b<!-- c --> d", "a & b d"),
            ("a &amp;<![CDATA[<&>]]> b", "a &<&> b"),
            ("two\nlines &amp; more", "two\nlines & more"),
        ] {
            assert_eq!(text_of(inner).as_deref(), Ok(expected), "{inner:?}");
        }
        for bad in ["a & b", "a &bogus; b", "a &amp b", "&;", "]]&gt; ok ]]>"] {
            assert!(text_of(bad).is_err(), "{bad:?} should be refused");
        }
    }

    /// The eight-at-a-time scans agree with plain byte loops, at every length and position
    /// (bytes from a small alphabet: whitespace, colons, ASCII, and the high bytes whose
    /// carries a word-wise add could spread).
    #[test]
    fn word_scans_agree_with_byte_loops() {
        const ALPHABET: &[u8] = b" \t\n\r:!a-/>\xa1\xc3\xff\x7f";
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 27) as usize;
            let bytes: Vec<u8> = (0..len).map(|i| ALPHABET[((state >> (i * 2 % 60)) as usize + i) % ALPHABET.len()]).collect();
            let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
            let end = bytes.iter().position(|b| is_space(b) || matches!(b, b'>' | b'/')).unwrap_or(len);
            let colon = bytes[..end].iter().position(|&b| b == b':');
            assert_eq!(scan_name(&bytes), (end, colon), "{bytes:?}");
            assert_eq!(skip_spaces(&bytes), bytes.iter().position(|b| !is_space(b)), "{bytes:?}");
        }
    }
}
