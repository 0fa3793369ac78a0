//! Writing ORCID XML and ORCID's JSON: the generated `Write` impls drive an [`Output`]
//! member by member, in schema order; the outputs know each member's name and JSON shape from
//! the schema tables, and put back what the struct holds that the model does not know.

use super::schema::{Member, MemberKind, Shape, StructSchema};
use super::simple::SimpleType;
use super::unknown::{Item, Node, UnknownContent, XmlName, XmlToken, XmlTree};
use crate::{Layout, Ns};

/// A type written as ORCID XML or JSON: implemented by the generated code.
pub trait Write {
    /// The struct's content model.
    const SCHEMA: &'static StructSchema;
    /// Writes the struct through `output`.
    fn write<'v, O: Output<'v>>(&'v self, output: &mut O);
}

/// A boxed field writes as its value.
impl<T: Write> Write for Box<T> {
    const SCHEMA: &'static StructSchema = T::SCHEMA;
    fn write<'v, O: Output<'v>>(&'v self, output: &mut O) {
        T::write(self, output)
    }
}

/// A writer of one form that the generated code drives.
pub trait Output<'v> {
    /// Starts a struct.
    fn begin(&mut self, schema: &'static StructSchema, unknown: &'v UnknownContent);
    /// A simple member (attribute, child element or text), one occurrence.
    fn simple<T: SimpleType>(&mut self, member: usize, value: &'v T);
    /// A struct member, one occurrence.
    fn nested<T: Write>(&mut self, member: usize, value: &'v T);
    /// Ends the struct.
    fn end(&mut self);
}

/// A value's text as XML writes it.
fn xml_text<T: SimpleType>(value: &T) -> String {
    let mut text = String::new();
    value.write_xml(&mut text);
    text
}

/// Per open struct: where its unknown content has got to.
struct Pending<'v> {
    schema: &'static StructSchema,
    unknown: &'v UnknownContent,
    /// The next unknown piece to consider for writing in place.
    next: usize,
    /// Occurrences written so far, per member (only kept when there is unknown content).
    occurrences: Vec<(usize, u32)>,
}

impl<'v> Pending<'v> {
    fn new(schema: &'static StructSchema, unknown: &'v UnknownContent) -> Pending<'v> {
        Pending { schema, unknown, next: 0, occurrences: Vec::new() }
    }

    /// Counts an occurrence of `member`; returns its 0-based number.
    fn occurrence(&mut self, member: usize) -> u32 {
        if self.unknown.is_empty() {
            return 0;
        }
        match self.occurrences.iter_mut().find(|(m, _)| *m == member) {
            Some((_, n)) => {
                *n += 1;
                *n - 1
            }
            None => {
                self.occurrences.push((member, 1));
                0
            }
        }
    }

    /// The pieces owned by one occurrence of a member (attributes on it, keys in its wrapper).
    fn owned(&self, member: usize, occurrence: u32) -> impl Iterator<Item = &'v Item> + use<'v> {
        self.unknown.items().iter().filter(move |i| i.owner == Some((member, occurrence)) && !matches!(i.node, Node::Value(_)))
    }

    /// The pieces that stand in the content in their own place, up to field `before`
    /// (exclusive of those anchored later); advances past them.
    fn in_place(&mut self, before: usize) -> Vec<&'v Item> {
        let items = self.unknown.items();
        let mut out = Vec::new();
        while let Some(item) = items.get(self.next) {
            if item.anchor > before {
                break;
            }
            self.next += 1;
            if positional(self.schema, item) {
                out.push(item);
            }
        }
        out
    }
}

/// Whether a piece stands in the content (rather than in a start tag or on a member).
fn positional(schema: &StructSchema, item: &Item) -> bool {
    match (&item.node, item.owner) {
        (Node::XmlElement(_) | Node::JsonKey(..), None) => true,
        (Node::Value(_), Some((m, _))) => !schema.members[m].is_attribute(),
        _ => false,
    }
}

/// Builds an XML document.
pub struct XmlOutput<'v> {
    out: String,
    layout: Layout,
    upload: bool,
    /// One entry per open element: whether it has child elements so far.
    open: Vec<bool>,
    /// The last start tag still lacks its `>`.
    pending: bool,
    /// Per open struct.
    frames: Vec<Pending<'v>>,
    /// The name the next struct's element gets.
    next_name: Option<(Ns, &'static str)>,
    /// The names of the open struct elements.
    names: Vec<(Ns, &'static str)>,
}

impl<'v> XmlOutput<'v> {
    /// A writer that begins with the XML declaration.
    pub fn new(layout: Layout, upload: bool) -> XmlOutput<'v> {
        let mut out = String::with_capacity(4096);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>");
        if layout == Layout::Indented {
            out.push('\n');
        }
        XmlOutput { out, layout, upload, open: Vec::new(), pending: false, frames: Vec::new(), next_name: None, names: Vec::new() }
    }

    /// Writes a whole document whose root element is `name`.
    pub fn document<T: Write>(mut self, name: (Ns, &'static str), value: &'v T) -> String {
        self.next_name = Some(name);
        value.write(&mut self);
        self.finish()
    }

    /// Writes a whole document whose root element holds a simple value.
    pub fn simple_document<T: SimpleType>(mut self, name: (Ns, &'static str), value: &T) -> String {
        self.start(name.0, name.1);
        self.text(&xml_text(value));
        self.end_element(name.0, name.1);
        self.finish()
    }

    fn finish(mut self) -> String {
        if self.layout == Layout::Indented {
            self.out.push('\n');
        }
        self.out
    }

    fn close_pending(&mut self) {
        if self.pending {
            self.out.push('>');
            self.pending = false;
        }
    }

    fn newline(&mut self) {
        if self.layout == Layout::Indented {
            self.out.push('\n');
            for _ in 0..self.open.len() {
                self.out.push_str("    ");
            }
        }
    }

    fn push_name(&mut self, ns: Ns, local: &str) {
        let prefix = ns.prefix();
        if !prefix.is_empty() {
            self.out.push_str(prefix);
            self.out.push(':');
        }
        self.out.push_str(local);
    }

    /// Opens an element. The root element declares every ORCID namespace, as ORCID's own
    /// responses do, so that nested items never need declarations of their own.
    fn start(&mut self, ns: Ns, local: &str) {
        self.close_pending();
        if let Some(parent) = self.open.last_mut() {
            *parent = true;
            self.newline();
        }
        self.out.push('<');
        self.push_name(ns, local);
        if self.open.is_empty() {
            for ns in Ns::DECLARED {
                self.out.push_str(" xmlns:");
                self.out.push_str(ns.prefix());
                self.out.push_str("=\"");
                self.out.push_str(ns.uri());
                self.out.push('"');
            }
        }
        self.open.push(false);
        self.pending = true;
    }

    fn attribute(&mut self, ns: Ns, local: &str, value: &str) {
        self.out.push(' ');
        self.push_name(ns, local);
        self.out.push_str("=\"");
        escape_into(&mut self.out, value, true);
        self.out.push('"');
    }

    fn text(&mut self, text: &str) {
        if !text.is_empty() {
            // Empty text leaves the start tag open, so the element is written `<x/>`.
            self.close_pending();
            escape_into(&mut self.out, text, false);
        }
    }

    fn end_element(&mut self, ns: Ns, local: &str) {
        let had_children = self.open.pop().unwrap_or(false);
        if self.pending {
            self.out.push_str("/>");
            self.pending = false;
            return;
        }
        if had_children {
            self.newline();
        }
        self.out.push_str("</");
        self.push_name(ns, local);
        self.out.push('>');
    }

    /// Writes the unknown pieces that stand before field `before`.
    fn flush_in_place(&mut self, before: usize) {
        let Some(frame) = self.frames.last_mut() else { return };
        if frame.unknown.is_empty() {
            return;
        }
        let schema = frame.schema;
        for item in frame.in_place(before) {
            self.write_piece(schema, item);
        }
    }

    /// Writes a piece of unknown content that stands in the content.
    fn write_piece(&mut self, schema: &'static StructSchema, item: &Item) {
        match &item.node {
            Node::XmlElement(tokens) => self.write_tokens(tokens),
            Node::JsonKey(key, raw) => self.write_json_as_xml(schema.ns, key, raw),
            Node::Value(text) => {
                if let Some((m, _)) = item.owner {
                    let member = &schema.members[m];
                    self.start(member.ns, member.local);
                    self.text(text);
                    self.end_element(member.ns, member.local);
                }
            }
            Node::XmlAttribute(..) => {}
        }
    }

    /// Writes an element kept as tokens, with the namespace declarations it needs.
    fn write_tokens(&mut self, tokens: &[XmlToken]) {
        self.close_pending();
        if let Some(parent) = self.open.last_mut() {
            *parent = true;
            self.newline();
        }
        // (prefix, uri) declared by the kept elements open now; their default namespace.
        let mut scopes: Scopes = Vec::new();
        let mut open_names: Vec<String> = Vec::new();
        let mut in_tag = false;
        let declared = |scopes: &Scopes, prefix: &str| -> Option<String> {
            scopes.iter().rev().flat_map(|s| s.iter().rev()).find(|(p, _)| p == prefix).map(|(_, u)| u.clone())
        };
        for token in tokens {
            match token {
                XmlToken::Start(name) => {
                    if in_tag {
                        self.out.push('>');
                    }
                    let mut scope = Vec::new();
                    let qname = self.qualify(name, false, &scopes, &mut scope, &declared);
                    self.out.push('<');
                    self.out.push_str(&qname);
                    for (p, u) in &scope {
                        self.declare(p, u);
                    }
                    scopes.push(scope);
                    open_names.push(qname);
                    in_tag = true;
                }
                XmlToken::Attribute(name, value) => {
                    let mut scope = Vec::new();
                    let qname = self.qualify(name, true, &scopes, &mut scope, &declared);
                    for (p, u) in &scope {
                        self.declare(p, u);
                    }
                    if let Some(current) = scopes.last_mut() {
                        current.extend(scope);
                    }
                    self.out.push(' ');
                    self.out.push_str(&qname);
                    self.out.push_str("=\"");
                    escape_into(&mut self.out, value, true);
                    self.out.push('"');
                }
                XmlToken::Text(text) => {
                    if in_tag {
                        self.out.push('>');
                        in_tag = false;
                    }
                    escape_into(&mut self.out, text, false);
                }
                XmlToken::End => {
                    scopes.pop();
                    let name = open_names.pop().unwrap_or_default();
                    if in_tag {
                        self.out.push_str("/>");
                        in_tag = false;
                    } else {
                        self.out.push_str("</");
                        self.out.push_str(&name);
                        self.out.push('>');
                    }
                }
            }
        }
    }

    /// Writes a kept attribute in a namespace that is not ORCID's. `declared` holds what this
    /// start tag declared so far: each prefix is declared once on a tag, and a prefix ORCID's
    /// namespaces use, or one this tag already binds to another URI (two kept attributes
    /// `xsi:a` in a foreign namespace and a real `xmlns:xsi`), gives way to `ns0`, `ns1` ...
    /// (a start tag declaring one prefix twice is not XML).
    fn foreign_attribute(&mut self, declared: &mut Vec<(String, String)>, name: &XmlName, value: &str) {
        let bound = |declared: &[(String, String)], p: &str| declared.iter().find(|(q, _)| q == p).map(|(_, u)| u.clone());
        let usable = |declared: &[(String, String)], p: &str| {
            !p.is_empty()
                && p != "xml"
                && p != "xmlns"
                && !Ns::DECLARED.iter().any(|n| n.prefix() == p)
                && bound(declared, p).is_none_or(|u| u == *name.uri)
        };
        let mut prefix = name.prefix.to_string();
        if !usable(declared, &prefix) {
            let mut n = 0;
            while !usable(declared, &format!("ns{n}")) {
                n += 1;
            }
            prefix = format!("ns{n}");
        }
        if bound(declared, &prefix).is_none() {
            self.declare(&prefix, &name.uri);
            declared.push((prefix.clone(), name.uri.to_string()));
        }
        self.out.push(' ');
        self.out.push_str(&prefix);
        self.out.push(':');
        self.out.push_str(&name.local);
        self.out.push_str("=\"");
        escape_into(&mut self.out, value, true);
        self.out.push('"');
    }

    fn declare(&mut self, prefix: &str, uri: &str) {
        if prefix.is_empty() {
            self.out.push_str(" xmlns=\"");
        } else {
            self.out.push_str(" xmlns:");
            self.out.push_str(prefix);
            self.out.push_str("=\"");
        }
        escape_into(&mut self.out, uri, true);
        self.out.push('"');
    }

    /// The qualified name to write for a kept name, adding to `scope` what must be declared.
    fn qualify(
        &self,
        name: &XmlName,
        attribute: bool,
        scopes: &Scopes,
        scope: &mut Vec<(String, String)>,
        declared: &dyn Fn(&Scopes, &str) -> Option<String>,
    ) -> String {
        let ns = if name.uri.is_empty() { Ns::None } else { Ns::from_uri(name.uri.as_bytes()) };
        if ns != Ns::None && ns != Ns::Other {
            // ORCID's namespaces: the root declares them with ORCID's prefixes.
            return format!("{}:{}", ns.prefix(), name.local);
        }
        if name.uri.is_empty() {
            // No namespace: an element undoes a default namespace a kept ancestor declared.
            if !attribute && declared(scopes, "").is_some_and(|u| !u.is_empty()) {
                scope.push((String::new(), String::new()));
            }
            return name.local.to_string();
        }
        let mut prefix = name.prefix.to_string();
        // A foreign namespace must not take a prefix ORCID's namespaces use; an attribute in
        // a namespace needs a prefix.
        let taken = |p: &str| p == "xml" || p == "xmlns" || Ns::DECLARED.iter().any(|n| n.prefix() == p);
        if taken(&prefix) || (attribute && prefix.is_empty()) {
            let mut n = 0;
            while taken(&format!("ns{n}")) || declared(scopes, &format!("ns{n}")).is_some_and(|u| u != *name.uri) {
                n += 1;
            }
            prefix = format!("ns{n}");
        }
        if declared(scopes, &prefix).as_deref() != Some(&*name.uri) && !scope.iter().any(|(p, _)| *p == prefix) {
            scope.push((prefix.clone(), name.uri.to_string()));
        }
        if prefix.is_empty() { name.local.to_string() } else { format!("{prefix}:{}", name.local) }
    }

    /// Writes a key read from JSON as an XML element in the struct's namespace.
    fn write_json_as_xml(&mut self, ns: Ns, key: &str, raw: &str) {
        let mut tokens = Vec::new();
        json_to_tokens(ns, key, raw, &mut tokens);
        self.write_tokens(&tokens);
    }
}

impl<'v> Output<'v> for XmlOutput<'v> {
    fn begin(&mut self, schema: &'static StructSchema, unknown: &'v UnknownContent) {
        let (ns, local) = self.next_name.take().expect("the element's name is set");
        self.start(ns, local);
        self.names.push((ns, local));
        // Unknown attributes of the element itself.
        let mut declared = Vec::new();
        for item in unknown.items() {
            match (&item.node, item.owner) {
                (Node::XmlAttribute(name, value), None) => {
                    let uri_ns = Ns::from_uri(name.uri.as_bytes());
                    if name.uri.is_empty() {
                        self.attribute(Ns::None, &name.local, value);
                    } else if uri_ns != Ns::Other {
                        self.attribute(uri_ns, &name.local, value);
                    } else {
                        self.foreign_attribute(&mut declared, name, value);
                    }
                }
                (Node::Value(text), Some((m, _))) if schema.members[m].is_attribute() => {
                    let member = &schema.members[m];
                    self.attribute(member.ns, member.local, text);
                }
                _ => {}
            }
        }
        self.frames.push(Pending::new(schema, unknown));
    }

    fn simple<T: SimpleType>(&mut self, member: usize, value: &'v T) {
        let frame = self.frames.last_mut().expect("inside a struct");
        let schema = frame.schema;
        let m: &'static Member = &schema.members[member];
        if self.upload && !m.upload {
            return;
        }
        let occurrence = frame.occurrence(member);
        match m.kind {
            MemberKind::Attribute { .. } => {
                debug_assert!(self.pending, "attributes go right after the start tag");
                self.attribute(m.ns, m.local, &xml_text(value));
            }
            MemberKind::Text => self.text(&xml_text(value)),
            MemberKind::Element { field } => {
                self.flush_in_place(usize::from(field));
                self.start(m.ns, m.local);
                let owned: Vec<&Item> = self.frames.last().expect("frame").owned(member, occurrence).collect();
                let mut declared = Vec::new();
                for item in owned {
                    match &item.node {
                        Node::XmlAttribute(name, v) => {
                            let ns = if name.uri.is_empty() { Ns::None } else { Ns::from_uri(name.uri.as_bytes()) };
                            if ns == Ns::Other {
                                self.foreign_attribute(&mut declared, name, v);
                            } else {
                                self.attribute(ns, &name.local, v);
                            }
                        }
                        // A key of a JSON wrapper: an attribute, as ORCID's JSON makes keys of
                        // attributes (a scalar's text; a structure as its JSON).
                        Node::JsonKey(key, raw) => {
                            let text = json_scalar_text(raw).unwrap_or_else(|| raw.to_string());
                            self.attribute(Ns::None, key, &text);
                        }
                        Node::Value(_) | Node::XmlElement(_) => {}
                    }
                }
                self.text(&xml_text(value));
                self.end_element(m.ns, m.local);
            }
        }
    }

    fn nested<T: Write>(&mut self, member: usize, value: &'v T) {
        let frame = self.frames.last_mut().expect("inside a struct");
        let m: &'static Member = &frame.schema.members[member];
        if self.upload && !m.upload {
            return;
        }
        if let Some(field) = m.field() {
            self.flush_in_place(field);
        }
        self.next_name = Some((m.ns, m.local));
        value.write(self);
    }

    fn end(&mut self) {
        self.flush_in_place(usize::MAX);
        self.frames.pop();
        let (ns, local) = self.names.pop().expect("an open struct");
        self.end_element(ns, local);
    }
}

/// Escapes so that a reader gets back exactly `text`: `&`, `<`, `>` always, and in attributes
/// also quotes and the whitespace characters that attribute normalisation would change.
/// A carriage return is escaped everywhere, as line-end normalisation would drop it.
fn escape_into(out: &mut String, text: &str, attribute: bool) {
    let special = |b: u8| matches!(b, b'&' | b'<' | b'>' | b'\r') || (attribute && matches!(b, b'"' | b'\t' | b'\n'));
    if !text.bytes().any(special) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
}

/// A JSON value (valid JSON text) as XML tokens under the element `key`: objects as child
/// elements (`"value"` as text), arrays as repeated elements, scalars as text, `null` as
/// nothing. No recursion: the JSON is read with an explicit stack.
fn json_to_tokens(ns: Ns, key: &str, raw: &str, tokens: &mut Vec<XmlToken>) {
    use super::json_in::{Kind, Lexer};
    let name = |local: &str| XmlName::new(if ns == Ns::None { "" } else { ns.uri() }, "", local);
    let mut lex = Lexer::new(raw);
    // Per open container: (is object, the key its elements repeat under, for arrays).
    let mut stack: Vec<(bool, String)> = Vec::new();
    let mut current_key = key.to_owned();
    let outcome: super::json_in::Syntax<()> = (|| {
        loop {
            // A value under `current_key`.
            match lex.peek()? {
                Kind::Object => {
                    lex.begin_object()?;
                    tokens.push(XmlToken::Start(name(&current_key)));
                    stack.push((true, current_key.clone()));
                }
                Kind::Array => {
                    lex.begin_array()?;
                    stack.push((false, current_key.clone()));
                }
                Kind::Null => {
                    lex.null()?;
                }
                _ => {
                    lex.scalar()?;
                    let text = lex.text();
                    if current_key == "value" && stack.last().is_some_and(|(obj, _)| *obj) {
                        tokens.push(XmlToken::Text(text.into_owned().into_boxed_str()));
                    } else {
                        tokens.push(XmlToken::Start(name(&current_key)));
                        tokens.push(XmlToken::Text(text.into_owned().into_boxed_str()));
                        tokens.push(XmlToken::End);
                    }
                }
            }
            // The next value, closing what ends.
            loop {
                let Some((is_object, array_key)) = stack.last().cloned() else { return Ok(()) };
                if is_object {
                    if lex.next_key()? {
                        current_key = lex.text().into_owned();
                        break;
                    }
                    stack.pop();
                    tokens.push(XmlToken::End);
                } else if lex.next_element()? {
                    current_key = array_key;
                    break;
                } else {
                    stack.pop();
                }
            }
        }
    })();
    // Kept JSON was checked when it was read.
    debug_assert!(outcome.is_ok());
}

/// The text of a JSON scalar (a string unescaped, a number or boolean as written); `None` for
/// objects, arrays and `null`.
fn json_scalar_text(raw: &str) -> Option<String> {
    use super::json_in::{Kind, Lexer};
    let mut lex = Lexer::new(raw);
    match lex.peek().ok()? {
        Kind::String | Kind::Number | Kind::Bool => lex.scalar().ok().map(|_| lex.text().into_owned()),
        _ => None,
    }
}

/// Builds a JSON document.
pub struct JsonWriter {
    out: String,
    /// Reused for each scalar's text, to save an allocation per value.
    scratch: String,
    /// Per open container: whether it has a member yet.
    first: Vec<bool>,
    pretty: bool,
}

/// JSON text (valid) as this crate writes it compact: no whitespace between tokens, strings
/// escaped one way. Lenient reading keeps unknown values so, so that they compare by what they
/// hold, whatever the layout and escapes they were read with (writing lays them out anew).
pub fn canonical_json(raw: &str) -> Box<str> {
    let mut w = JsonWriter { out: String::with_capacity(raw.len()), scratch: String::new(), first: Vec::new(), pretty: false };
    w.copy(raw);
    w.out.into_boxed_str()
}

impl JsonWriter {
    /// A writer; `pretty` indents by two spaces.
    pub fn new(pretty: bool) -> JsonWriter {
        JsonWriter { out: String::with_capacity(4096), scratch: String::new(), first: Vec::new(), pretty }
    }

    /// The document written.
    pub fn finish(mut self) -> String {
        if self.pretty {
            self.out.push('\n');
        }
        self.out
    }

    fn newline(&mut self) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..self.first.len() {
                self.out.push_str("  ");
            }
        }
    }

    fn separator(&mut self) {
        if let Some(first) = self.first.last_mut() {
            if !*first {
                self.out.push(',');
            }
            *first = false;
            self.newline();
        }
    }

    fn close(&mut self, close: char) {
        let empty = self.first.pop().unwrap_or(true);
        if !empty {
            self.newline();
        }
        self.out.push(close);
    }
}

/// Where the JSON writer's shaping goes: JSON text ([`JsonWriter`]), or a token tape that a
/// serde serializer is then driven from ([`super::tape::Tape`]). The shaping (scalars in their
/// shapes, unknown content, kept XML as JSON) is written once, here, for both.
pub trait JsonSink {
    /// `{`
    fn begin_object(&mut self);
    /// `}`
    fn end_object(&mut self);
    /// `[`
    fn begin_array(&mut self);
    /// `]`
    fn end_array(&mut self);
    /// Starts an array element.
    fn element(&mut self);
    /// A key of the schema (plain ASCII) of the object opened last.
    fn schema_key(&mut self, key: &'static str) {
        self.key(key)
    }
    /// A key of the object opened last.
    fn key(&mut self, key: &str);
    /// A string value.
    fn string(&mut self, s: &str);
    /// A number, `true`, `false` or `null`, as written.
    fn raw(&mut self, text: &str);
    /// A buffer for a scalar's text (handed back with [`JsonSink::keep_scratch`]).
    fn take_scratch(&mut self) -> String {
        String::new()
    }
    /// Hands back the buffer [`JsonSink::take_scratch`] gave.
    fn keep_scratch(&mut self, _scratch: String) {}

    /// A scalar in a shape: a string, a literal (numbers and booleans), `{"value": ...}`, or
    /// epoch milliseconds; `extra` adds keys to a wrapper (a bare scalar becomes wrapped).
    fn scalar<T: SimpleType>(&mut self, value: &T, shape: Shape, extra: &[&Item]) {
        if let (Some(text), Shape::Wrapped | Shape::String, true) = (value.as_text(), shape, extra.is_empty()) {
            // The common case: text written as it is, without a copy.
            if shape == Shape::Wrapped {
                self.begin_object();
                self.schema_key("value");
                self.string(text);
                self.end_object();
            } else {
                self.string(text);
            }
            return;
        }
        let mut text = self.take_scratch();
        text.clear();
        value.write_json(&mut text);
        let wrapped = matches!(shape, Shape::Wrapped | Shape::Millis) || !extra.is_empty();
        if wrapped {
            self.begin_object();
            self.schema_key("value");
        }
        match shape {
            Shape::Millis => match value.json_millis() {
                Some(ms) => self.raw(&ms.to_string()),
                None => self.string(&text),
            },
            Shape::Raw if text == "true" || text == "false" || is_json_number(&text) => self.raw(&text),
            _ => self.string(&text),
        }
        if wrapped {
            for item in extra {
                self.piece(item);
            }
            self.end_object();
        }
        self.keep_scratch(text);
    }

    /// Writes pieces of unknown content as keys of the object open now; XML elements with
    /// the same name one after another become one key holding an array.
    fn pieces(&mut self, items: &[&Item]) {
        let mut i = 0;
        while i < items.len() {
            let name = |item: &Item| match &item.node {
                Node::XmlElement(tokens) => match tokens.first() {
                    Some(XmlToken::Start(name)) => Some(name.local.clone()),
                    _ => None,
                },
                _ => None,
            };
            let Some(local) = name(items[i]) else {
                self.piece(items[i]);
                i += 1;
                continue;
            };
            let run = items[i..].iter().take_while(|item| name(item).as_ref() == Some(&local)).count();
            if run == 1 {
                self.piece(items[i]);
            } else {
                self.key(&local);
                self.begin_array();
                for item in &items[i..i + run] {
                    if let Node::XmlElement(tokens) = &item.node {
                        self.element();
                        self.xml_as_json(&XmlTree::of(tokens), &[0]);
                    }
                }
                self.end_array();
            }
            i += run;
        }
    }

    /// Writes a piece of unknown content as a key of the object open now.
    fn piece(&mut self, item: &Item) {
        match &item.node {
            Node::JsonKey(key, raw) => {
                self.key(key);
                self.copy(raw);
            }
            Node::XmlAttribute(name, value) => {
                self.key(&name.local);
                self.string(value);
            }
            Node::XmlElement(tokens) => {
                if let Some(XmlToken::Start(name)) = tokens.first() {
                    self.key(&name.local);
                }
                self.xml_as_json(&XmlTree::of(tokens), &[0]);
            }
            Node::Value(text) => self.string(text),
        }
    }

    /// Copies a JSON value (valid JSON text) through this writer, so that it takes the
    /// writer's layout. No recursion.
    fn copy(&mut self, raw: &str) {
        use super::json_in::{Kind, Lexer};
        let mut lex = Lexer::new(raw);
        let mut stack: Vec<bool> = Vec::new();
        let outcome: super::json_in::Syntax<()> = (|| {
            loop {
                match lex.peek()? {
                    Kind::Object => {
                        lex.begin_object()?;
                        self.begin_object();
                        stack.push(true);
                    }
                    Kind::Array => {
                        lex.begin_array()?;
                        self.begin_array();
                        stack.push(false);
                    }
                    Kind::String => {
                        lex.scalar()?;
                        self.string(&lex.text());
                    }
                    _ => {
                        lex.scalar()?;
                        self.raw(&lex.text());
                    }
                }
                loop {
                    let Some(&is_object) = stack.last() else { return Ok(()) };
                    if is_object {
                        if lex.next_key()? {
                            self.key(&lex.text());
                            break;
                        }
                        stack.pop();
                        self.end_object();
                    } else if lex.next_element()? {
                        self.element();
                        break;
                    } else {
                        stack.pop();
                        self.end_array();
                    }
                }
            }
        })();
        debug_assert!(outcome.is_ok());
    }

    /// Writes the elements `nodes` of a kept XML tree (siblings with one name) as one JSON
    /// value: one element as its value, several as an array. No recursion.
    fn xml_as_json(&mut self, tree: &XmlTree<'_>, nodes: &[usize]) {
        enum Step {
            Run(Vec<usize>),
            Node(usize),
            Key(String),
            Element,
            CloseObject,
            CloseArray,
        }
        let mut work = vec![Step::Run(nodes.to_vec())];
        while let Some(step) = work.pop() {
            match step {
                Step::Run(run) if run.len() == 1 => work.push(Step::Node(run[0])),
                Step::Run(run) => {
                    self.begin_array();
                    work.push(Step::CloseArray);
                    for &node in run.iter().rev() {
                        work.push(Step::Node(node));
                        work.push(Step::Element);
                    }
                }
                Step::Node(index) => {
                    // Text alone is a string; else an object of attributes, text and children.
                    let node = &tree.nodes[index];
                    if tree.is_text_only(index) {
                        self.string(&node.text);
                        continue;
                    }
                    self.begin_object();
                    for (name, value) in &node.attributes {
                        self.key(&name.local);
                        self.string(value);
                    }
                    if !node.text.trim().is_empty() {
                        self.schema_key("value");
                        self.string(&node.text);
                    }
                    // Children grouped by local name, in order of first appearance.
                    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
                    for &child in &node.children {
                        let local = &*tree.nodes[child].name.local;
                        match groups.iter_mut().find(|(l, _)| *l == local) {
                            Some((_, group)) => group.push(child),
                            None => groups.push((local, vec![child])),
                        }
                    }
                    work.push(Step::CloseObject);
                    for (local, group) in groups.into_iter().rev() {
                        work.push(Step::Run(group));
                        work.push(Step::Key(local.to_owned()));
                    }
                }
                Step::Key(key) => self.key(&key),
                Step::Element => self.element(),
                Step::CloseObject => self.end_object(),
                Step::CloseArray => self.end_array(),
            }
        }
    }
}

impl JsonSink for JsonWriter {
    /// `{`
    fn begin_object(&mut self) {
        self.out.push('{');
        self.first.push(true);
    }

    /// `}`
    fn end_object(&mut self) {
        self.close('}');
    }

    /// `[`
    fn begin_array(&mut self) {
        self.out.push('[');
        self.first.push(true);
    }

    /// `]`
    fn end_array(&mut self) {
        self.close(']');
    }

    /// Starts an array element.
    fn element(&mut self) {
        self.separator();
    }

    /// Writes a key of the schema (plain ASCII, nothing to escape) of the object opened last.
    fn schema_key(&mut self, key: &'static str) {
        self.separator();
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str(if self.pretty { "\": " } else { "\":" });
    }

    /// Writes a key of the object opened last.
    fn key(&mut self, key: &str) {
        self.separator();
        self.string(key);
        self.out.push(':');
        if self.pretty {
            self.out.push(' ');
        }
    }

    /// A string value.
    fn string(&mut self, s: &str) {
        self.out.reserve(s.len() + 2);
        self.out.push('"');
        let bytes = s.as_bytes();
        // Copy runs that need no escape; find the next byte that does eight at a time.
        let mut run = 0;
        let mut i = 0;
        while i < bytes.len() {
            if let Some(chunk) = bytes.get(i..i + 8) {
                let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
                if !needs_escape(word) {
                    i += 8;
                    continue;
                }
            }
            let b = bytes[i];
            if b == b'"' || b == b'\\' || b < 0x20 {
                self.out.push_str(&s[run..i]);
                match b {
                    b'"' => self.out.push_str("\\\""),
                    b'\\' => self.out.push_str("\\\\"),
                    b'\n' => self.out.push_str("\\n"),
                    b'\r' => self.out.push_str("\\r"),
                    b'\t' => self.out.push_str("\\t"),
                    // The short forms Jackson (ORCID's JSON) and serde_json write too.
                    0x08 => self.out.push_str("\\b"),
                    0x0C => self.out.push_str("\\f"),
                    _ => {
                        const HEX: &[u8; 16] = b"0123456789abcdef";
                        self.out.push_str("\\u00");
                        self.out.push(char::from(HEX[usize::from(b >> 4)]));
                        self.out.push(char::from(HEX[usize::from(b & 0xF)]));
                    }
                }
                run = i + 1;
            }
            i += 1;
        }
        self.out.push_str(&s[run..]);
        self.out.push('"');
    }

    /// A value written as is (numbers, `true`, `false`, `null`).
    fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn take_scratch(&mut self) -> String {
        std::mem::take(&mut self.scratch)
    }

    fn keep_scratch(&mut self, scratch: String) {
        self.scratch = scratch;
    }
}

/// Whether any of eight bytes is `"`, `\\` or a control character (below 0x20), which JSON
/// strings escape. (SWAR: each test sets the high bit of the bytes that match.)
pub(crate) fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let below_0x20 = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    below_0x20 | zero_byte(word ^ (ONES * u64::from(b'"'))) | zero_byte(word ^ (ONES * u64::from(b'\\'))) != 0
}

/// Whether text is a JSON number exactly (the common case, a whole number, decided at once).
pub(crate) fn is_json_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits == "0" || !digits.starts_with('0');
    }
    let mut lex = super::json_in::Lexer::new(text);
    matches!(lex.peek(), Ok(super::json_in::Kind::Number)) && lex.scalar().is_ok() && lex.finish().is_ok()
}

/// Per open struct in JSON: lists in progress.
struct JsonFrame<'v> {
    pending: Pending<'v>,
    /// The array open now: of this member, or the tagged list (`usize::MAX`).
    list: Option<usize>,
    /// A wrapper the JSON leaves out: no braces, its list straight in the parent's key.
    flattened: bool,
}

/// Builds ORCID's JSON (text, or any other [`JsonSink`]).
pub struct JsonOutput<'v, W: JsonSink = JsonWriter> {
    w: W,
    upload: bool,
    frames: Vec<JsonFrame<'v>>,
    /// Whether the next struct is a flattened wrapper.
    next_flattened: bool,
}

impl<'v> JsonOutput<'v> {
    /// A writer. `upload` leaves out what ORCID sets itself (source, dates, paths);
    /// `pretty` indents by two spaces.
    pub fn new(upload: bool, pretty: bool) -> JsonOutput<'v> {
        JsonOutput::with_sink(JsonWriter::new(pretty), upload)
    }

    /// Writes a whole document.
    pub fn document<T: Write>(self, value: &'v T) -> String {
        self.document_into(value).finish()
    }
}

impl<'v, W: JsonSink> JsonOutput<'v, W> {
    /// A writer into `sink`; `upload` as for [`JsonOutput::new`].
    pub fn with_sink(sink: W, upload: bool) -> JsonOutput<'v, W> {
        JsonOutput { w: sink, upload, frames: Vec::new(), next_flattened: false }
    }

    /// Whether the document is a wrapper ORCID's JSON leaves out (its list alone).
    pub fn flattened(mut self, flattened: bool) -> Self {
        self.next_flattened = flattened;
        self
    }

    /// Writes a whole document into the sink and hands it back.
    pub fn document_into<T: Write>(mut self, value: &'v T) -> W {
        value.write(&mut self);
        self.w
    }

    /// Writes a whole document that is a simple value into the sink and hands it back.
    pub fn simple_document_into<T: SimpleType>(mut self, value: &T, shape: Shape) -> W {
        self.w.scalar(value, shape, &[]);
        self.w
    }

    /// Before member `m`: closes a list of another member, opens the list `m` belongs to,
    /// or writes its key; also writes the unknown pieces that stand before it.
    fn before(&mut self, member: usize) {
        let frame = self.frames.last_mut().expect("inside a struct");
        let schema = frame.pending.schema;
        let m = &schema.members[member];
        let field = m.field();
        let repeated = field.is_some_and(|f| schema.repeated & (1 << f) != 0);
        let tagged = repeated && schema.json_tagged.is_some();
        let list = if tagged {
            Some(usize::MAX)
        } else if repeated {
            Some(member)
        } else {
            None
        };
        if frame.list.is_some() && frame.list != list {
            frame.list = None;
            self.w.end_array();
        }
        if !frame.pending.unknown.is_empty()
            && frame.list.is_none()
            && let Some(field) = field
        {
            let items = frame.pending.in_place(field);
            let (schema, unknown) = (frame.pending.schema, frame.pending.unknown);
            write_pieces(&mut self.w, schema, unknown, &items);
        }
        match list {
            Some(_) if frame.list == list => self.w.element(),
            Some(_) => {
                if !frame.flattened {
                    self.w.schema_key(if tagged { schema.json_tagged.unwrap_or_default() } else { m.json_key });
                }
                self.w.begin_array();
                self.w.element();
                frame.list = list;
            }
            None => self.w.schema_key(if m.kind == MemberKind::Text { "value" } else { m.json_key }),
        }
        if tagged {
            self.w.begin_object();
            self.w.schema_key(m.json_key);
        }
    }

    fn after(&mut self, member: usize) {
        let frame = self.frames.last().expect("inside a struct");
        let schema = frame.pending.schema;
        let m = &schema.members[member];
        if m.field().is_some_and(|f| schema.repeated & (1 << f) != 0) && schema.json_tagged.is_some() {
            self.w.end_object();
        }
    }
}

impl<'v, W: JsonSink> Output<'v> for JsonOutput<'v, W> {
    fn begin(&mut self, schema: &'static StructSchema, unknown: &'v UnknownContent) {
        let flattened = std::mem::take(&mut self.next_flattened);
        if !flattened {
            self.w.begin_object();
        }
        let mut frame = JsonFrame { pending: Pending::new(schema, unknown), list: None, flattened };
        // Unknown attributes (keys in JSON) and unreadable attribute values go first.
        for item in unknown.items() {
            match (&item.node, item.owner) {
                (Node::XmlAttribute(..), None) => self.w.piece(item),
                (Node::Value(text), Some((m, _))) if schema.members[m].is_attribute() => {
                    self.w.schema_key(schema.members[m].json_key);
                    self.w.string(text);
                }
                _ => {}
            }
        }
        if unknown.is_empty() {
            frame.pending.next = 0;
        }
        self.frames.push(frame);
    }

    fn simple<T: SimpleType>(&mut self, member: usize, value: &'v T) {
        let frame = self.frames.last_mut().expect("inside a struct");
        let m = &frame.pending.schema.members[member];
        if self.upload && !m.upload {
            return;
        }
        let occurrence = frame.pending.occurrence(member);
        let owned: Vec<&'v Item> =
            if frame.pending.unknown.is_empty() { Vec::new() } else { frame.pending.owned(member, occurrence).collect() };
        self.before(member);
        self.w.scalar(value, m.shape, &owned);
        self.after(member);
    }

    fn nested<T: Write>(&mut self, member: usize, value: &'v T) {
        let frame = self.frames.last_mut().expect("inside a struct");
        let m = &frame.pending.schema.members[member];
        if self.upload && !m.upload {
            return;
        }
        self.before(member);
        self.next_flattened = m.shape == Shape::Flattened;
        value.write(self);
        self.after(member);
    }

    fn end(&mut self) {
        let mut frame = self.frames.pop().expect("an open struct");
        if frame.list.take().is_some() {
            self.w.end_array();
        } else if frame.flattened {
            // A flattened wrapper with an empty list: the parent's key still needs a value.
            self.w.begin_array();
            self.w.end_array();
        }
        if !frame.pending.unknown.is_empty() {
            let items = frame.pending.in_place(usize::MAX);
            write_pieces(&mut self.w, frame.pending.schema, frame.pending.unknown, &items);
        }
        if !frame.flattened {
            self.w.end_object();
        }
    }
}

/// Writes pieces of unknown content that stand in a struct's content: a value that could not
/// be read under its member's key, in the member's shape, with the keys kept in its wrapper;
/// the rest as [`JsonWriter::pieces`] does.
fn write_pieces<'v, W: JsonSink>(w: &mut W, schema: &'static StructSchema, unknown: &'v UnknownContent, items: &[&'v Item]) {
    let mut rest = 0;
    for (i, item) in items.iter().enumerate() {
        let (Node::Value(text), Some((m, occurrence))) = (&item.node, item.owner) else { continue };
        w.pieces(&items[rest..i]);
        rest = i + 1;
        let member = &schema.members[m];
        let wrapper: Vec<&Item> =
            unknown.items().iter().filter(|x| x.owner == Some((m, occurrence)) && !matches!(x.node, Node::Value(_))).collect();
        w.schema_key(if member.kind == MemberKind::Text { "value" } else { member.json_key });
        w.scalar(&text.to_string(), member.shape, &wrapper);
    }
    w.pieces(&items[rest..]);
}

/// The (prefix, uri) declarations of each kept element open now, outermost first.
type Scopes = Vec<Vec<(String, String)>>;

/// A struct the collector is in: its path, its content model, occurrences of its repeated
/// members.
type OpenStruct = (String, &'static StructSchema, Vec<(usize, u32)>);

/// Goes through a value as a writer would, writing nothing: collects every piece of unknown
/// content with where it is (`work/contributors/contributor[2]: <x:note>`).
pub struct UnknownCollector {
    /// Per open struct.
    open: Vec<OpenStruct>,
    /// The path segment the next struct is entered as.
    next: Option<String>,
    /// What was found.
    pub found: Vec<String>,
}

impl UnknownCollector {
    /// A collector; `root` names the value's root.
    pub fn new(root: &str) -> UnknownCollector {
        UnknownCollector { open: Vec::new(), next: Some(root.to_owned()), found: Vec::new() }
    }
}

impl<'v> Output<'v> for UnknownCollector {
    fn begin(&mut self, schema: &'static StructSchema, unknown: &'v UnknownContent) {
        let name = self.next.take().unwrap_or_default();
        let path = match self.open.last() {
            Some((parent, _, _)) => format!("{parent}/{name}"),
            None => name,
        };
        for piece in unknown.names() {
            self.found.push(format!("{path}: {piece}"));
        }
        self.open.push((path, schema, Vec::new()));
    }

    fn simple<T: SimpleType>(&mut self, _member: usize, _value: &'v T) {}

    fn nested<T: Write>(&mut self, member: usize, value: &'v T) {
        let Some((_, schema, counts)) = self.open.last_mut() else { return };
        let m = &schema.members[member];
        let repeated = m.field().is_some_and(|f| schema.repeated & (1 << f) != 0);
        let label = if repeated {
            let n = match counts.iter_mut().find(|(x, _)| *x == member) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    counts.push((member, 1));
                    1
                }
            };
            format!("{}[{n}]", m.local)
        } else {
            m.local.to_owned()
        };
        self.next = Some(label);
        value.write(self);
    }

    fn end(&mut self) {
        self.open.pop();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn canonical_json_drops_layout_and_spells_escapes_one_way() {
        let raw = "{ \"a b\" : \"x \\\" y\\\\ \\/ \\u0041\" ,\n\t\"c\" : [ 1 , 2.50 , true, null ] }";
        assert_eq!(&*super::canonical_json(raw), r#"{"a b":"x \" y\\ / A","c":[1,2.50,true,null]}"#);
        let once = super::canonical_json(raw);
        assert_eq!(super::canonical_json(&once), once);
    }
}
