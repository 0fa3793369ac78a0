//! Writing ORCID XML.

use super::SimpleType;
use crate::generated::Ns;

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

/// How to lay out the XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// Each element on its own line, indented by depth. Indentation goes only between
    /// elements, never into text content, so the information written is the same.
    #[default]
    Indented,
    /// No whitespace between elements.
    Compact,
}

/// Builds an XML document; the generated `ToXml` impls drive it.
pub struct Writer {
    out: String,
    layout: Layout,
    /// One entry per open element: whether it has child elements so far.
    open: Vec<bool>,
    /// The last start tag still lacks its `>`.
    pending: bool,
}

impl Writer {
    /// A writer that begins with the XML declaration.
    pub fn new(layout: Layout) -> Writer {
        let mut out = String::with_capacity(4096);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>");
        if layout == Layout::Indented {
            out.push('\n');
        }
        Writer { out, layout, open: Vec::new(), pending: false }
    }

    /// The document written so far.
    pub fn finish(mut self) -> String {
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

    /// Opens an element. The root element declares every ORCID namespace, as ORCID's own
    /// responses do, so that nested items never need declarations of their own.
    pub fn start(&mut self, name: QName) {
        self.close_pending();
        if let Some(parent) = self.open.last_mut() {
            *parent = true;
            self.newline();
        }
        self.out.push('<');
        self.push_name(name);
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

    fn push_name(&mut self, name: QName) {
        let prefix = name.ns.prefix();
        if !prefix.is_empty() {
            self.out.push_str(prefix);
            self.out.push(':');
        }
        self.out.push_str(name.local);
    }

    /// Writes an attribute of the element just opened.
    pub fn attribute<T: SimpleType>(&mut self, name: QName, value: &T) {
        debug_assert!(self.pending, "attributes go right after start");
        self.out.push(' ');
        self.push_name(name);
        self.out.push_str("=\"");
        let mut text = String::new();
        value.write_xml(&mut text);
        escape_into(&mut self.out, &text, true);
        self.out.push('"');
    }

    /// Writes text content.
    pub fn text<T: SimpleType>(&mut self, value: &T) {
        let mut text = String::new();
        value.write_xml(&mut text);
        if !text.is_empty() {
            // Empty text leaves the start tag open, so the element is written `<x/>`.
            self.close_pending();
            escape_into(&mut self.out, &text, false);
        }
    }

    /// Closes the element opened last.
    pub fn end(&mut self, name: QName) {
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
        self.push_name(name);
        self.out.push('>');
    }

    /// An element holding one simple value.
    pub fn simple_element<T: SimpleType>(&mut self, name: QName, value: &T) {
        self.start(name);
        self.text(value);
        self.end(name);
    }
}

/// Escapes so that a reader gets back exactly `text`: `&`, `<`, `>` always, and in attributes
/// also quotes and the whitespace characters that attribute normalisation would change.
/// A carriage return is escaped everywhere, as line-end normalisation would drop it.
fn escape_into(out: &mut String, text: &str, attribute: bool) {
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
