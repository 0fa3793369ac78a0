//! Reading ORCID XML: a thin layer over quick-xml's borrowing reader, with the namespace
//! bindings kept here (ORCID's namespaces are a closed set, so a binding maps straight to `Ns`).
//!
//! The generated `FromXml` impls drive it: they ask for attributes and child elements and
//! say which field each child is; this module keeps the rules (order, duplicates, required
//! fields, unknown names, facets) in one place and reports line and column.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};

use super::schema::{Facets, StructSchema};
use super::{Mode, ReadError, SimpleType};
use crate::generated::Ns;

/// Markup read past quick-xml.
enum Markup<'a> {
    Start(Start<'a>),
    End,
}

/// A start tag, with its namespace resolved.
pub struct Start<'a> {
    /// The element's namespace.
    pub ns: Ns,
    /// The element's local name.
    pub local: &'a [u8],
    tag: BytesStart<'a>,
    empty: bool,
    /// Byte offset of the `<`.
    pos: usize,
}

impl Start<'_> {
    /// `prefix:local` as written in the document, for messages.
    pub fn display_name(&self) -> String {
        String::from_utf8_lossy(self.tag.name().as_ref()).into_owned()
    }
}

/// An attribute, with its namespace resolved and its value unescaped.
pub struct Attr<'s> {
    /// The attribute's namespace (`Ns::None` when unprefixed).
    pub ns: Ns,
    /// The attribute's local name.
    pub local: &'s [u8],
    /// The raw qualified name, for messages.
    qname: &'s [u8],
    /// The normalised, unescaped value.
    pub value: Cow<'s, str>,
}

/// The namespace bindings in scope: (prefix, namespace), innermost last.
#[derive(Default)]
struct Namespaces {
    bindings: Vec<(Vec<u8>, Ns)>,
    /// How many elements are open.
    depth: usize,
    /// Per open element that declared namespaces: (its depth, bindings in scope before it).
    /// Documents declare namespaces on a few elements only, so most elements cost nothing here.
    scopes: Vec<(usize, usize)>,
}

impl Namespaces {
    /// Enters an element: its `xmlns` declarations come into scope.
    fn open(&mut self, tag: &BytesStart<'_>) {
        self.depth += 1;
        let raw = tag.attributes_raw();
        if !raw.windows(5).any(|w| w == b"xmlns") {
            return;
        }
        self.scopes.push((self.depth, self.bindings.len()));
        for attr in tag.attributes().with_checks(false).flatten() {
            let key = attr.key.as_ref();
            let prefix: &[u8] = match key.strip_prefix(b"xmlns") {
                Some(b"") => b"",
                Some(rest) if rest.first() == Some(&b':') => &rest[1..],
                _ => continue,
            };
            let ns = if attr.value.is_empty() { Ns::None } else { Ns::from_uri(&attr.value) };
            self.bindings.push((prefix.to_vec(), ns));
        }
    }

    /// Leaves the innermost element.
    fn close(&mut self) {
        if let Some(&(depth, len)) = self.scopes.last()
            && depth == self.depth
        {
            self.scopes.pop();
            self.bindings.truncate(len);
        }
        self.depth = self.depth.saturating_sub(1);
    }

    /// The namespace of a prefix (`None` for an unprefixed element name: the default namespace).
    fn resolve(&self, prefix: Option<&[u8]>) -> Ns {
        let prefix = prefix.unwrap_or(b"");
        // Prefixes are short: comparing bytes in place beats a call to memcmp.
        let same = |p: &[u8]| p.len() == prefix.len() && p.iter().zip(prefix).all(|(a, b)| a == b);
        match self.bindings.iter().rev().find(|(p, _)| same(p)) {
            Some((_, ns)) => *ns,
            None if prefix.is_empty() => Ns::None,
            None if prefix == b"xml" => Ns::Xml,
            None => Ns::Other,
        }
    }
}

/// The reader the generated code drives.
pub struct Reader<'a> {
    /// quick-xml's reader over `src`.
    inner: quick_xml::Reader<&'a [u8]>,
    /// Bytes read here directly, past quick-xml (plain text content and its end tag): its
    /// positions are behind ours by this much.
    base: usize,
    namespaces: Namespaces,
    src: &'a [u8],
    /// The whole input as text when it is all UTF-8 (checked once): text pieces are then
    /// sliced from it instead of being checked one by one.
    src_text: Option<&'a str>,
    /// Whether the input has a carriage return anywhere (else no line end needs normalising).
    has_cr: bool,
    /// Whether `]]>` appears anywhere (else no text needs checking for it).
    has_cdata_end: bool,
    /// A character XML does not allow anywhere: reported when reading starts.
    forbidden: Option<(usize, String)>,
    mode: Mode,
    /// Whether a value was read that is not on ORCID's list for its field.
    unlisted: std::cell::Cell<bool>,
}

impl<'a> Reader<'a> {
    /// A reader over a whole document.
    pub fn new(src: &'a [u8], mode: Mode) -> Self {
        let src_text = simdutf8::basic::from_utf8(src).ok();
        let has_cr = memchr::memchr(b'\r', src).is_some();
        let has_cdata_end = memchr::memmem::find(src, b"]]>").is_some();
        let forbidden = forbidden_control(src);
        let inner = quick_reader(src);
        Reader {
            inner,
            base: 0,
            namespaces: Namespaces::default(),
            src,
            src_text,
            has_cr,
            has_cdata_end,
            forbidden,
            mode,
            unlisted: std::cell::Cell::new(false),
        }
    }

    /// The byte offset in the input where reading goes on.
    fn position(&self) -> usize {
        self.base + self.inner.buffer_position() as usize
    }

    /// The reading mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The whole input.
    pub fn source(&self) -> &'a [u8] {
        self.src
    }

    /// An error at a byte offset.
    pub fn error_at(&self, pos: usize, message: impl Into<String>) -> ReadError {
        ReadError::at(self.src, pos, message.into())
    }

    /// An error at an element's start tag.
    pub fn error_for(&self, start: &Start<'_>, message: impl Into<String>) -> ReadError {
        self.error_at(start.pos, message)
    }

    fn error_here(&self, message: impl Into<String>) -> ReadError {
        self.error_at(self.position(), message)
    }

    fn xml_error(&self, err: quick_xml::Error) -> ReadError {
        self.error_at(self.base + self.inner.error_position() as usize, format!("malformed XML: {err}"))
    }

    /// Enters a start tag at byte offset `pos`: its namespace declarations come into scope
    /// and its name is resolved.
    fn open(&mut self, tag: BytesStart<'a>, empty: bool, pos: usize) -> Start<'a> {
        self.namespaces.open(&tag);
        // `tag` borrows the input, so its name can too.
        let name_len = tag.name().as_ref().len();
        let full: &'a [u8] = &self.src[pos + 1..pos + 1 + name_len];
        let (prefix, local) = match full.iter().position(|&b| b == b':') {
            Some(colon) => (Some(&full[..colon]), &full[colon + 1..]),
            None => (None, full),
        };
        let ns = self.namespaces.resolve(prefix);
        Start { ns, local, tag, empty, pos }
    }

    /// Reads up to the root element (skipping the prolog, comments and whitespace).
    pub fn root(&mut self) -> Result<Start<'a>, ReadError> {
        if let Some((at, message)) = &self.forbidden {
            return Err(self.error_at(*at, message.clone()));
        }
        loop {
            let pos = self.position();
            let event = self.inner.read_event().map_err(|e| self.xml_error(e))?;
            match event {
                Event::Start(tag) => return Ok(self.open(tag, false, pos)),
                Event::Empty(tag) => return Ok(self.open(tag, true, pos)),
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
                Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
                Event::Eof => return Err(self.error_here("the document has no root element")),
                _ => return Err(self.error_at(pos, "text before the root element")),
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
                Ok(_) => return Err(self.error_at(pos, "content after the root element")),
                Err(e) => return Err(self.xml_error(e)),
            }
        }
    }

    /// The attributes of a start tag, skipping namespace declarations.
    pub fn attributes<'s>(&'s self, start: &'s Start<'a>) -> impl Iterator<Item = Result<Attr<'s>, ReadError>> + 's {
        let mut attributes = start.tag.attributes();
        attributes.with_checks(true);
        // Most elements have no attributes: then quick-xml's parser need not start at all.
        let any = !start.tag.attributes_raw().iter().all(u8::is_ascii_whitespace);
        attributes.take(if any { usize::MAX } else { 0 }).filter_map(move |attr| {
            let attr = match attr {
                Ok(a) => a,
                Err(e) => return Some(Err(self.error_at(start.pos, format!("malformed attribute: {e}")))),
            };
            let key = attr.key;
            if key.as_ref() == b"xmlns" || key.prefix().is_some_and(|p| p.as_ref() == b"xmlns") {
                return None;
            }
            let ns = match key.prefix() {
                Some(prefix) => self.namespaces.resolve(Some(prefix.as_ref())),
                None => Ns::None,
            };
            let qname: &'s [u8] = key.into_inner();
            let local_start = key.prefix().map_or(0, |p| p.as_ref().len() + 1);
            let value = attribute_text(attr.value);
            Some(match value {
                Ok(value) => Ok(Attr { ns, local: &qname[local_start..], qname, value }),
                Err(e) => Err(self.error_at(start.pos, format!("attribute {}: {e}", String::from_utf8_lossy(qname)))),
            })
        })
    }

    /// An attribute the type does not declare: an error in strict mode, skipped in lenient mode.
    /// `xsi:` attributes (schema locations) are always allowed.
    pub fn unknown_attribute(&self, start: &Start<'a>, attr: &Attr<'_>) -> Result<(), ReadError> {
        if attr.ns == Ns::Xsi || self.mode == Mode::Lenient {
            return Ok(());
        }
        Err(self.error_at(
            start.pos,
            format!("unknown attribute `{}` on <{}>", String::from_utf8_lossy(attr.qname), start.display_name()),
        ))
    }

    /// A required attribute.
    pub fn required_attribute<T>(&self, start: &Start<'a>, value: Option<T>, name: &str) -> Result<T, ReadError> {
        value.ok_or_else(|| self.error_at(start.pos, format!("<{}> is missing the required attribute `{name}`", start.display_name())))
    }

    /// Parses an attribute value, checking the facets of its XSD type in strict mode.
    pub fn attribute_value<T: SimpleType>(&self, start: &Start<'a>, attr: &Attr<'_>, facets: &Facets) -> Result<T, ReadError> {
        self.simple_value(&attr.value, facets).map_err(|msg| {
            self.error_at(start.pos, format!("attribute `{}` of <{}>: {msg}", String::from_utf8_lossy(attr.qname), start.display_name()))
        })
    }

    fn simple_value<T: SimpleType>(&self, text: &str, facets: &Facets) -> Result<T, String> {
        if self.mode == Mode::Strict {
            facets.check(text)?;
        }
        let value = T::parse_xml(text)?;
        if !value.is_listed() {
            self.unlisted.set(true);
        }
        Ok(value)
    }

    /// Whether any value read so far is not on ORCID's list for its field (a vocabulary's
    /// `Unknown`): validators then look closer.
    pub fn read_unlisted_value(&self) -> bool {
        self.unlisted.get()
    }

    /// The next child element of the element opened by `parent`, or `None` at its end tag.
    ///
    /// Text between children must be whitespace (element-only content); comments and
    /// processing instructions are skipped.
    pub fn next_child(&mut self, parent: &Start<'a>) -> Result<Option<Start<'a>>, ReadError> {
        if parent.empty {
            self.namespaces.close();
            return Ok(None);
        }
        match self.plain_markup(parent) {
            Some(Markup::Start(child)) => return Ok(Some(child)),
            Some(Markup::End) => {
                self.namespaces.close();
                return Ok(None);
            }
            None => {}
        }
        loop {
            let pos = self.position();
            let event = self.inner.read_event().map_err(|e| self.xml_error(e))?;
            match event {
                Event::Start(tag) => return Ok(Some(self.open(tag, false, pos))),
                Event::Empty(tag) => return Ok(Some(self.open(tag, true, pos))),
                Event::End(end) => {
                    self.check_end(parent, &end, pos)?;
                    self.namespaces.close();
                    return Ok(None);
                }
                Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    if self.mode == Mode::Strict {
                        return Err(self.error_at(pos, format!("<{}> may hold only elements, not text", parent.display_name())));
                    }
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => return Err(self.error_here(format!("<{}> is not closed", parent.display_name()))),
                Event::Decl(_) | Event::DocType(_) => return Err(self.error_at(pos, "unexpected declaration")),
            }
        }
    }

    /// Reads the text content of `start` up to its end tag: character data, CDATA and
    /// references, exactly as written (no trimming), with line ends normalised as XML says.
    pub fn text(&mut self, start: &Start<'a>) -> Result<Cow<'a, str>, ReadError> {
        if start.empty {
            self.namespaces.close();
            return Ok(Cow::Borrowed(""));
        }
        if let Some(text) = self.plain_text(start) {
            self.namespaces.close();
            return Ok(Cow::Borrowed(text));
        }
        let mut out: Option<String> = None;
        let mut first: Cow<'a, str> = Cow::Borrowed("");
        loop {
            let pos = self.position();
            let piece: Cow<'a, str> = match self.inner.read_event() {
                Ok(Event::Text(t)) if self.has_cdata_end && t.windows(3).any(|w| w == b"]]>") => {
                    return Err(self.error_at(pos, CDATA_END_IN_TEXT));
                }
                Ok(Event::Text(t)) => match self.slice_of(&t, pos) {
                    Some(text) if !self.has_cr => Cow::Borrowed(text),
                    Some(text) => normalize_eols(Cow::Borrowed(text)),
                    None => text_content(t.into_inner()).map_err(|e| self.error_at(pos, e))?,
                },
                Ok(Event::CData(c)) => c.xml10_content().map_err(|e| self.error_at(pos, e.to_string()))?,
                Ok(Event::GeneralRef(r)) => match resolve_reference(&r) {
                    Some(ch) => Cow::Owned(ch.to_string()),
                    None => {
                        let name = String::from_utf8_lossy(&r).into_owned();
                        let what = if name.starts_with('#') { "bad character reference" } else { "unknown entity" };
                        return Err(self.error_at(pos, format!("{what} `&{name};`")));
                    }
                },
                Ok(Event::Comment(_) | Event::PI(_)) => continue,
                Ok(Event::End(end)) => {
                    self.check_end(start, &end, pos)?;
                    self.namespaces.close();
                    break;
                }
                Ok(Event::Start(_) | Event::Empty(_)) => {
                    return Err(self.error_at(pos, format!("<{}> holds text only; child elements are not allowed", start.display_name())));
                }
                Ok(Event::Eof) => return Err(self.error_here(format!("<{}> is not closed", start.display_name()))),
                Ok(_) => return Err(self.error_at(pos, "unexpected markup in text")),
                Err(e) => return Err(self.xml_error(e)),
            };
            match &mut out {
                Some(buf) => buf.push_str(&piece),
                None if first.is_empty() => first = piece,
                None => {
                    let mut buf = first.clone().into_owned();
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

    /// The common case of text content, read without quick-xml: character data with no
    /// markup or references straight up to `start`'s end tag. Reading goes on after the end
    /// tag; `None` (nothing consumed) leaves anything else to the general way.
    fn plain_text(&mut self, start: &Start<'a>) -> Option<&'a str> {
        let from = self.position();
        let rest = self.src.get(from..)?;
        let stop = memchr::memchr2(b'<', b'&', rest)?;
        let end = end_tag_len(&rest[stop..], start.tag.name().as_ref())?;
        let text = self.src_text?.get(from..from + stop)?;
        if (self.has_cr && text.contains('\r')) || (self.has_cdata_end && text.contains("]]>")) {
            return None;
        }
        // quick-xml goes on after the end tag, in the state it is in now (inside text).
        self.advance(stop + end);
        Some(text)
    }

    /// The common case of element-only content, read without quick-xml: whitespace, then a
    /// start tag or `parent`'s end tag. `None` (nothing consumed) leaves anything else
    /// (comments, text, other markup, a mismatched end tag) to quick-xml.
    ///
    /// Like [`Reader::plain_text`], this relies on quick-xml standing between two pieces of
    /// markup here (it has just returned a start or end tag), so that it goes on unchanged
    /// from wherever this leaves it.
    fn plain_markup(&mut self, parent: &Start<'a>) -> Option<Markup<'a>> {
        let text = self.src_text?;
        let from = self.position();
        let rest = self.src.get(from..)?;
        let lt = rest.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))?;
        let after = rest[lt..].strip_prefix(b"<")?;
        match *after.first()? {
            b'/' => {
                let end = end_tag_len(&rest[lt..], parent.tag.name().as_ref())?;
                self.advance(lt + end);
                Some(Markup::End)
            }
            b'!' | b'?' | b' ' | b'\t' | b'\r' | b'\n' => None,
            _ => {
                // The tag ends at the first `>` outside quoted attribute values.
                let mut i = 0;
                let gt = loop {
                    let j = i + memchr::memchr3(b'>', b'"', b'\'', &after[i..])?;
                    match after[j] {
                        b'>' => break j,
                        quote => i = j + 1 + memchr::memchr(quote, &after[j + 1..])? + 1,
                    }
                };
                let at = from + lt + 1;
                let content = text.get(at..at + gt)?;
                let (content, empty) = match content.strip_suffix('/') {
                    Some(c) => (c, true),
                    None => (content, false),
                };
                let name_len = content.bytes().position(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')).unwrap_or(content.len());
                self.advance(lt + 1 + gt + 1);
                Some(Markup::Start(self.open(BytesStart::from_content(content, name_len), empty, at - 1)))
            }
        }
    }

    /// Moves past `n` bytes read here, quick-xml with it.
    fn advance(&mut self, n: usize) {
        let rest: &'a [u8] = self.inner.get_ref();
        *self.inner.get_mut() = &rest[n..];
        self.base += n;
    }

    /// The text of a piece of character data at `pos`, sliced from the input when it is
    /// known to be UTF-8 and the piece is the input's own bytes.
    fn slice_of(&self, piece: &[u8], pos: usize) -> Option<&'a str> {
        let text = self.src_text?.get(pos..pos + piece.len())?;
        (text.as_ptr() == piece.as_ptr()).then_some(text)
    }

    /// Reads an element of simple type: its text, checked against `facets` in strict mode.
    /// Attributes are not allowed on it (xsi: ones aside).
    pub fn simple_element<T: SimpleType>(&mut self, start: &Start<'a>, facets: &Facets) -> Result<T, ReadError> {
        for attr in self.attributes(start) {
            let attr = attr?;
            self.unknown_attribute(start, &attr)?;
        }
        let text = self.text(start)?;
        self.simple_value(&text, facets)
            .map_err(|msg| self.error_at(start.pos, format!("<{}>: {msg}", start.display_name())))
    }

    /// Reads the text content of an element with simple content (its attributes already read).
    pub fn text_content<T: SimpleType>(&mut self, start: &Start<'a>, facets: &Facets) -> Result<T, ReadError> {
        let text = self.text(start)?;
        self.simple_value(&text, facets)
            .map_err(|msg| self.error_at(start.pos, format!("<{}>: {msg}", start.display_name())))
    }

    /// Skips an element and everything in it.
    pub fn skip(&mut self, start: &Start<'a>) -> Result<(), ReadError> {
        if !start.empty {
            // The names of the elements open inside, to match their end tags.
            let mut open: Vec<Vec<u8>> = Vec::new();
            loop {
                let pos = self.position();
                match self.inner.read_event().map_err(|e| self.xml_error(e))? {
                    Event::Start(tag) => open.push(tag.name().as_ref().to_vec()),
                    Event::End(end) => match open.pop() {
                        Some(name) if name == end.name().as_ref() => {}
                        Some(name) => return Err(self.mismatched_end(&name, &end, pos)),
                        None => {
                            self.check_end(start, &end, pos)?;
                            break;
                        }
                    },
                    Event::Eof => return Err(self.error_here(format!("<{}> is not closed", start.display_name()))),
                    _ => {}
                }
            }
        }
        self.namespaces.close();
        Ok(())
    }

    /// An end tag must close the element being read.
    fn check_end(&self, open: &Start<'a>, end: &quick_xml::events::BytesEnd<'_>, pos: usize) -> Result<(), ReadError> {
        let name = open.tag.name();
        if name.as_ref() == end.name().as_ref() { Ok(()) } else { Err(self.mismatched_end(name.as_ref(), end, pos)) }
    }

    fn mismatched_end(&self, open: &[u8], end: &quick_xml::events::BytesEnd<'_>, pos: usize) -> ReadError {
        self.error_at(
            pos,
            format!(
                "malformed XML: </{}> does not close <{}>",
                String::from_utf8_lossy(end.name().as_ref()),
                String::from_utf8_lossy(open)
            ),
        )
    }

    /// A child element the type does not declare: an error in strict mode, skipped in lenient mode.
    pub fn unknown_element(&mut self, parent: &Start<'a>, child: &Start<'a>, schema: &StructSchema) -> Result<(), ReadError> {
        if self.mode == Mode::Lenient {
            return self.skip(child);
        }
        Err(self.error_at(
            child.pos,
            format!("unexpected element <{}> in <{}>{}", child.display_name(), parent.display_name(), schema.expected_hint()),
        ))
    }

    /// Checks that field `index` may come now: in schema order, and not twice unless repeatable.
    /// In lenient mode order is not checked and a repeated single field keeps its last value.
    pub fn order(&self, schema: &StructSchema, cursor: &mut FieldCursor, index: usize, child: &Start<'a>) -> Result<(), ReadError> {
        let bit = 1u64 << index;
        if self.mode == Mode::Strict {
            if index < cursor.last {
                return Err(self.error_at(
                    child.pos,
                    format!(
                        "<{}> is out of order: it must come before <{}>",
                        child.display_name(),
                        schema.fields[cursor.last]
                    ),
                ));
            }
            if cursor.present & bit != 0 && schema.repeated & bit == 0 {
                return Err(self.error_at(child.pos, format!("<{}> may appear only once here", child.display_name())));
            }
        }
        cursor.last = cursor.last.max(index);
        cursor.present |= bit;
        Ok(())
    }

    /// At the end of an element: required fields and choices.
    pub fn complete(&self, start: &Start<'a>, schema: &StructSchema, cursor: &FieldCursor) -> Result<(), ReadError> {
        let missing = schema.required & !cursor.present;
        if missing != 0 {
            let first = missing.trailing_zeros() as usize;
            return Err(self.error_at(
                start.pos,
                format!("<{}> is missing the required element <{}>", start.display_name(), schema.fields[first]),
            ));
        }
        if self.mode == Mode::Strict
            && let Err(msg) = schema.check_groups(cursor.present) {
                return Err(self.error_at(start.pos, format!("<{}>: {msg}", start.display_name())));
            }
        Ok(())
    }

    /// The value of a field the schema requires; `complete` has already checked presence.
    pub fn take<T>(&self, start: &Start<'a>, schema: &StructSchema, index: usize, value: Option<T>) -> Result<T, ReadError> {
        value.ok_or_else(|| {
            self.error_at(start.pos, format!("<{}> is missing the required element <{}>", start.display_name(), schema.fields[index]))
        })
    }
}

/// Which fields of a struct have been seen, and the furthest in schema order.
#[derive(Default)]
pub struct FieldCursor {
    present: u64,
    last: usize,
}

/// The character a reference stands for: a character reference or one of XML's five
/// predefined entities; `None` for anything else.
pub(crate) fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c),
        Ok(None) => match r.as_ref() {
            b"amp" => Some('&'),
            b"lt" => Some('<'),
            b"gt" => Some('>'),
            b"quot" => Some('"'),
            b"apos" => Some('\''),
            _ => None,
        },
        Err(_) => None,
    }
}

/// The length of `</name>` (whitespace allowed before `>`) at the start of `bytes`, if that
/// is what stands there.
fn end_tag_len(bytes: &[u8], name: &[u8]) -> Option<usize> {
    let tail = bytes.strip_prefix(b"</")?.strip_prefix(name)?;
    let spaces = tail.iter().take_while(|b| b" \t\r\n".contains(b)).count();
    (tail.get(spaces) == Some(&b'>')).then_some(2 + name.len() + spaces + 1)
}

/// What XML 1.0 says of `]]>` in character data.
pub(crate) const CDATA_END_IN_TEXT: &str = "malformed XML: `]]>` is not allowed in text (write `]]&gt;`)";

/// The first character XML 1.0 allows nowhere: a control character other than tab, line
/// feed and carriage return. Its byte offset, and what to say.
pub(crate) fn forbidden_control(src: &[u8]) -> Option<(usize, String)> {
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

/// Character data as XML 1.0 reads it: UTF-8, line ends (`\r\n`, `\r`) as `\n`.
fn text_content(raw: Cow<'_, [u8]>) -> Result<Cow<'_, str>, String> {
    let text: Cow<'_, str> = match raw {
        Cow::Borrowed(b) => Cow::Borrowed(std::str::from_utf8(b).map_err(|e| format!("not UTF-8: {e}"))?),
        Cow::Owned(b) => Cow::Owned(String::from_utf8(b).map_err(|e| format!("not UTF-8: {e}"))?),
    };
    Ok(normalize_eols(text))
}

/// `\r\n` and a lone `\r` as `\n`.
fn normalize_eols(text: Cow<'_, str>) -> Cow<'_, str> {
    if !text.as_bytes().contains(&b'\r') {
        return text;
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// An attribute's value as a reader sees it: whitespace normalised, references resolved.
pub(crate) fn attribute_text(raw: Cow<'_, [u8]>) -> Result<Cow<'_, str>, String> {
    let value = match raw {
        Cow::Borrowed(raw) => normalize_attr(raw),
        Cow::Owned(raw) => normalize_attr(&raw).into_owned().into(),
    };
    match value {
        Cow::Borrowed(raw) => unescape(raw),
        Cow::Owned(raw) => unescape(&raw).map(|v| Cow::Owned(v.into_owned())),
    }
}

fn normalize_attr(raw: &[u8]) -> Cow<'_, [u8]> {
    // XML attribute-value normalisation: literal tab, CR and LF become spaces.
    if raw.iter().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        Cow::Owned(raw.iter().map(|&b| if matches!(b, b'\t' | b'\n' | b'\r') { b' ' } else { b }).collect())
    } else {
        Cow::Borrowed(raw)
    }
}

fn unescape(raw: &[u8]) -> Result<Cow<'_, str>, String> {
    let text = std::str::from_utf8(raw).map_err(|e| format!("not UTF-8: {e}"))?;
    quick_xml::escape::unescape(text).map_err(|e| e.to_string())
}
