//! What a document holds that this version of the model does not know: kept with the struct
//! it belongs to, in its place, so that reading and writing back loses nothing.
//!
//! XML keeps elements (with everything in them, foreign namespaces included) and attributes;
//! JSON keeps keys with their values as written. Each piece is anchored after the last known
//! field read before it, and the writers put it back there. Written in the other form, XML
//! becomes JSON and JSON XML by ORCID's own conventions (attributes are keys, elements are
//! keys, text is `"value"`); see [`UnknownContent`] for what cannot be carried across.

use std::fmt;

/// A namespaced name as a document wrote it. Two names are equal when their namespace and
/// local name are: the prefix is how the document spelled the namespace, and writing may
/// spell it otherwise (a foreign namespace never takes one of ORCID's prefixes).
#[derive(Clone)]
pub struct XmlName {
    /// The namespace URI ("" for none).
    pub uri: Box<str>,
    /// The prefix as written ("" for none).
    pub prefix: Box<str>,
    /// The local name.
    pub local: Box<str>,
}

impl XmlName {
    /// A name.
    pub fn new(uri: &str, prefix: &str, local: &str) -> XmlName {
        XmlName { uri: uri.into(), prefix: prefix.into(), local: local.into() }
    }
}

impl PartialEq for XmlName {
    fn eq(&self, other: &XmlName) -> bool {
        self.uri == other.uri && self.local == other.local
    }
}

impl Eq for XmlName {}

impl std::hash::Hash for XmlName {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (&self.uri, &self.local).hash(state);
    }
}

impl fmt::Debug for XmlName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.uri.is_empty() { write!(f, "{}", self.local) } else { write!(f, "{{{}}}{}", self.uri, self.local) }
    }
}

/// One piece of an element kept whole: a flat list, so that nothing about it needs recursion.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum XmlToken {
    /// A start tag.
    Start(XmlName),
    /// An attribute of the element started last.
    Attribute(XmlName, Box<str>),
    /// Character data.
    Text(Box<str>),
    /// The end of the element started last.
    End,
}

/// A piece of unknown content.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// An XML attribute.
    XmlAttribute(XmlName, Box<str>),
    /// An XML element and everything in it.
    XmlElement(Box<[XmlToken]>),
    /// A JSON key and its value as written (valid JSON).
    JsonKey(Box<str>, Box<str>),
    /// The value of a known member that could not be read as its type, as written.
    Value(Box<str>),
}

/// A piece of unknown content and where it goes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    /// Written before the first field whose index is at least this (after the fields read
    /// before it).
    pub anchor: usize,
    /// For a piece that belongs to a known simple member (an attribute on its element, a key
    /// in its JSON wrapper, or its unreadable value): the member and its occurrence (0-based).
    pub owner: Option<(usize, u32)>,
    /// The piece.
    pub node: Node,
}

/// What an item holds that this version of the model does not know: elements, attributes
/// and JSON keys that a newer ORCID may send. Lenient reading keeps them with the struct they
/// belong to, in their place, and writing puts them back, so that a read, a change and an
/// update (ORCID's PUT replaces the whole item) lose nothing.
///
/// Written in the same form it was read, it comes back with the same information. Written in
/// the other form it is carried by ORCID's conventions: an XML element becomes a JSON key
/// (text alone as a string, else an object with attributes and child elements as keys and
/// text as `"value"`, repeated names as an array), and a JSON key becomes an XML element in
/// the item's namespace (objects as child elements, arrays as repeated elements). What cannot
/// be carried across: XML namespaces and prefixes (JSON has none), whether a JSON key came from
/// an attribute or an element, and JSON's numbers and booleans (XML has only text).
/// Comments, processing instructions and `xsi:` attributes are not kept in either form.
///
/// ```
/// use orcid_model::{Element, Layout, Mode};
/// use orcid_model::work::Work;
///
/// let xml = r#"<work:work xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common"
///   xmlns:x="https://example.org/ext">
///   <work:title><common:title>T</common:title></work:title>
///   <work:type>book</work:type>
///   <x:note level="2">kept</x:note>
/// </work:work>"#;
/// let work = Work::from_xml_str(xml, Mode::Lenient)?;
/// assert_eq!(work.unknown_content().names(), ["<x:note>"]);
/// assert!(work.to_xml_string(Layout::Compact).contains(r#"<x:note xmlns:x="https://example.org/ext" level="2">kept</x:note>"#));
/// # Ok::<(), orcid_model::ReadError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
// Every generated struct holds one: boxed, an empty one is a single null pointer.
#[allow(clippy::box_collection)]
pub struct UnknownContent(Option<Box<Vec<Item>>>);

impl UnknownContent {
    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// How many pieces.
    pub fn len(&self) -> usize {
        self.items().len()
    }

    /// The pieces, each as a document names it: `<prefix:local>`, `@name`, `"key"`.
    pub fn names(&self) -> Vec<String> {
        self.items()
            .iter()
            .map(|item| match &item.node {
                Node::XmlAttribute(name, _) => format!("@{}", display(name)),
                Node::XmlElement(tokens) => match tokens.first() {
                    Some(XmlToken::Start(name)) => format!("<{}>", display(name)),
                    _ => "<?>".to_owned(),
                },
                Node::JsonKey(key, _) => format!("\"{key}\""),
                Node::Value(text) => format!("unreadable value {}", super::schema::shown(text)),
            })
            .collect()
    }

    /// The pieces.
    pub(crate) fn items(&self) -> &[Item] {
        self.0.as_deref().map_or(&[], |v| v.as_slice())
    }

    /// Whether any piece was read from the given form (for saying what a conversion cannot
    /// carry exactly).
    pub fn has_xml(&self) -> bool {
        self.items().iter().any(|i| matches!(i.node, Node::XmlAttribute(..) | Node::XmlElement(_)))
    }

    /// Whether any piece was read from JSON.
    pub fn has_json(&self) -> bool {
        self.items().iter().any(|i| matches!(i.node, Node::JsonKey(..)))
    }
}

fn display(name: &XmlName) -> String {
    if name.prefix.is_empty() { name.local.to_string() } else { format!("{}:{}", name.prefix, name.local) }
}

impl fmt::Debug for UnknownContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

/// What a reader gathers for one struct.
#[derive(Default)]
pub struct UnknownBuilder {
    items: Vec<Item>,
}

/// The type the generated structs hold.
pub type Unknown = UnknownContent;

impl UnknownBuilder {
    /// An XML attribute of the struct's own element.
    pub fn keep_xml_attribute(&mut self, name: XmlName, value: String) {
        self.items.push(Item { anchor: 0, owner: None, node: Node::XmlAttribute(name, value.into_boxed_str()) });
    }

    /// An XML attribute on the element of a known simple member.
    pub fn keep_member_attribute(&mut self, owner: (usize, u32), name: XmlName, value: String) {
        self.items.push(Item { anchor: 0, owner: Some(owner), node: Node::XmlAttribute(name, value.into_boxed_str()) });
    }

    /// An XML element after the fields read so far (`anchor`).
    pub fn keep_xml_element(&mut self, anchor: usize, tokens: Vec<XmlToken>) {
        self.items.push(Item { anchor, owner: None, node: Node::XmlElement(tokens.into_boxed_slice()) });
    }

    /// A JSON key after the fields read so far.
    pub fn keep_json_key(&mut self, anchor: usize, key: &str, raw: &str) {
        self.items.push(Item { anchor, owner: None, node: Node::JsonKey(key.into(), super::output::canonical_json(raw)) });
    }

    /// A JSON key inside the wrapper object of a known simple member.
    pub fn keep_member_key(&mut self, owner: (usize, u32), key: &str, raw: &str) {
        self.items.push(Item { anchor: 0, owner: Some(owner), node: Node::JsonKey(key.into(), super::output::canonical_json(raw)) });
    }

    /// The value of a known member that could not be read, as written.
    pub fn keep_value(&mut self, owner: (usize, u32), anchor: usize, text: &str) {
        self.items.push(Item { anchor, owner: Some(owner), node: Node::Value(text.into()) });
    }

    /// The content gathered.
    pub fn finish(self) -> UnknownContent {
        if self.items.is_empty() { UnknownContent(None) } else { UnknownContent(Some(Box::new(self.items))) }
    }

    /// [`finish`](Self::finish), with what writing puts first (unknown attributes, and
    /// unreadable values of attributes) moved before the rest, in their order: JSON may hold
    /// an attribute's key after the content's, and a document written and read back must be
    /// the same value.
    pub fn finish_in_written_order(mut self, schema: &super::schema::StructSchema) -> UnknownContent {
        let first = |item: &Item| match (&item.node, item.owner) {
            (Node::XmlAttribute(..), None) => true,
            (Node::Value(_), Some((m, _))) => schema.members[m].is_attribute(),
            _ => false,
        };
        self.items.sort_by_key(|item| !first(item));
        self.finish()
    }
}

/// An XML element kept as tokens, as a tree of indices (for converting it to JSON without
/// recursion).
pub struct XmlTree<'t> {
    /// Per element: its name, attributes, text and children (indices).
    pub nodes: Vec<TreeNode<'t>>,
}

/// One element of an [`XmlTree`].
pub struct TreeNode<'t> {
    /// Its name.
    pub name: &'t XmlName,
    /// Its attributes.
    pub attributes: Vec<(&'t XmlName, &'t str)>,
    /// Its text, joined.
    pub text: String,
    /// Its child elements.
    pub children: Vec<usize>,
}

impl<'t> XmlTree<'t> {
    /// The tree of an element's tokens; node 0 is the element.
    pub fn of(tokens: &'t [XmlToken]) -> XmlTree<'t> {
        let mut nodes: Vec<TreeNode<'t>> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        for token in tokens {
            match token {
                XmlToken::Start(name) => {
                    let index = nodes.len();
                    nodes.push(TreeNode { name, attributes: Vec::new(), text: String::new(), children: Vec::new() });
                    if let Some(&parent) = open.last() {
                        nodes[parent].children.push(index);
                    }
                    open.push(index);
                }
                XmlToken::Attribute(name, value) => {
                    if let Some(&at) = open.last() {
                        nodes[at].attributes.push((name, value));
                    }
                }
                XmlToken::Text(text) => {
                    if let Some(&at) = open.last() {
                        nodes[at].text.push_str(text);
                    }
                }
                XmlToken::End => {
                    open.pop();
                }
            }
        }
        XmlTree { nodes }
    }

    /// Whether a node is text alone (no attributes, no children): a JSON string.
    pub fn is_text_only(&self, node: usize) -> bool {
        let n = &self.nodes[node];
        n.attributes.is_empty() && n.children.is_empty()
    }
}
