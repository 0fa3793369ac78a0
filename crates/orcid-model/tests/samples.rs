//! Every XML sample of ORCID's pinned schema reads, writes back and keeps its information set.
//!
//! The samples are fetched by `cargo xtask schemas fetch` into `schemas/upstream/`. Each file is
//! its own test case, named after its path.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use libtest_mimic::{Arguments, Failed, Trial};
use orcid_model::{Document, Layout, Mode};
use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

/// The two samples ORCID ships that are invalid against its own XSD, and what strict mode says.
const INVALID: &[(&str, &str)] = &[
    // `<work:journal-title></work:journal-title>`: common:non-empty-string's pattern.
    ("record_3.0/samples/read_samples/work-3.0.xml", "<work:journal-title>: a common:string-1000 value must match the pattern"),
    // Summaries directly in `activities:group` instead of in `activities:peer-review-group`.
    ("record_3.0/samples/read_samples/peer-reviews-3.0.xml", "unexpected element <peer-review:summary> in <activities:group>"),
];

/// An element of the information set: namespace, local name, attributes, children.
#[derive(Debug, PartialEq)]
enum Node {
    Element { ns: String, local: String, attrs: BTreeMap<(String, String), String>, children: Vec<Node> },
    Text(String),
}

/// Parses XML into its information set: namespace prefixes, namespace declarations, `xsi:`
/// attributes, comments and whitespace-only text between elements do not count.
fn infoset(xml: &[u8]) -> Node {
    let mut reader = NsReader::from_reader(xml);
    let mut stack: Vec<Node> =
        vec![Node::Element { ns: String::new(), local: "#document".into(), attrs: BTreeMap::new(), children: vec![] }];
    let resolve = |r: ResolveResult<'_>| match r {
        ResolveResult::Bound(ns) => String::from_utf8_lossy(ns.as_ref()).into_owned(),
        _ => String::new(),
    };
    loop {
        let (ns, event) = reader.read_resolved_event().expect("well-formed");
        let ns = resolve(ns);
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let mut attrs = BTreeMap::new();
                for a in e.attributes() {
                    let a = a.expect("attribute");
                    let key = a.key;
                    if key.as_ref() == b"xmlns" || key.prefix().is_some_and(|p| p.as_ref() == b"xmlns") {
                        continue;
                    }
                    let (ans, local) = reader.resolve_attribute(key);
                    let ans = resolve(ans);
                    if ans == "http://www.w3.org/2001/XMLSchema-instance" {
                        continue;
                    }
                    let value = a.decode_and_unescape_value(reader.decoder()).expect("value").into_owned();
                    attrs.insert((ans, String::from_utf8_lossy(local.as_ref()).into_owned()), value);
                }
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                stack.push(Node::Element { ns, local, attrs, children: vec![] });
                if reader_last_was_empty(xml, reader.buffer_position() as usize) {
                    close(&mut stack);
                }
            }
            Event::End(_) => close(&mut stack),
            Event::Text(t) => push_text(&mut stack, &t.xml10_content().expect("text")),
            Event::CData(t) => push_text(&mut stack, &t.xml10_content().expect("cdata")),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().expect("char ref") {
                    Some(c) => c,
                    None => match r.as_ref() {
                        b"amp" => '&',
                        b"lt" => '<',
                        b"gt" => '>',
                        b"quot" => '"',
                        b"apos" => '\'',
                        _ => panic!("unknown entity"),
                    },
                };
                push_text(&mut stack, &c.to_string());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut doc = stack.pop().expect("document");
    normalize(&mut doc);
    doc
}

fn reader_last_was_empty(xml: &[u8], pos: usize) -> bool {
    pos >= 2 && xml[pos - 2] == b'/' && xml[pos - 1] == b'>'
}

fn close(stack: &mut Vec<Node>) {
    let node = stack.pop().expect("open element");
    if let Some(Node::Element { children, .. }) = stack.last_mut() {
        children.push(node);
    }
}

fn push_text(stack: &mut [Node], text: &str) {
    if let Some(Node::Element { children, .. }) = stack.last_mut() {
        if let Some(Node::Text(t)) = children.last_mut() {
            t.push_str(text);
        } else {
            children.push(Node::Text(text.to_owned()));
        }
    }
}

/// Drops whitespace-only text in elements that have element children (element-only content).
fn normalize(node: &mut Node) {
    if let Node::Element { children, .. } = node {
        let has_elements = children.iter().any(|c| matches!(c, Node::Element { .. }));
        if has_elements {
            children.retain(|c| !matches!(c, Node::Text(t) if t.trim().is_empty()));
        }
        children.iter_mut().for_each(normalize);
    }
}

fn round_trip(path: &Path, mode: Mode) -> Result<(), Failed> {
    let original = std::fs::read(path)?;
    let doc = Document::from_xml_bytes(&original, mode).map_err(|e| format!("{mode} read failed: {e}"))?;
    for layout in [Layout::Indented, Layout::Compact] {
        let written = doc.to_xml_string(layout);
        let again = Document::from_xml_str(&written, mode)
            .map_err(|e| format!("our {layout:?} output does not read back ({mode}): {e}\n{written}"))?;
        if again != doc {
            return Err(format!("{layout:?}: the value read back differs").into());
        }
        if mode == Mode::Strict || path.ends_with("work-3.0.xml") {
            let (a, b) = (infoset(&original), infoset(written.as_bytes()));
            if a != b {
                return Err(format!("{layout:?}: information set differs\noriginal: {a:#?}\nwritten: {b:#?}").into());
            }
        }
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let root = common::resources();
    let files = common::samples(&root, "xml");
    // Every XML sample the lock pins is here (81 at 3.3.8, 79 before 3.3.1).
    let lock =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/orcid-model.lock")).expect("the lock");
    let pinned = lock.lines().filter(|l| l.contains("/samples/") && l.split('"').nth(1).is_some_and(|p| p.ends_with(".xml"))).count();
    assert!(pinned > 0 && files.len() == pinned, "expected the {pinned} XML samples the lock pins, found {}", files.len());
    let mut trials = Vec::new();
    for path in files {
        let name = path.strip_prefix(&root).expect("under root").display().to_string();
        match INVALID.iter().find(|(n, _)| *n == name) {
            None => trials.push(Trial::test(format!("round_trip::{name}"), move || round_trip(&path, Mode::Strict))),
            Some((_, expected)) => {
                let strict_path = path.clone();
                trials.push(Trial::test(format!("strict_rejects::{name}"), move || {
                    let bytes = std::fs::read(&strict_path)?;
                    match Document::from_xml_bytes(&bytes, Mode::Strict) {
                        Ok(_) => Err("strict mode accepted a sample that is invalid against the XSD".into()),
                        Err(e) if e.message.contains(expected) => Ok(()),
                        Err(e) => Err(format!("unexpected message: {e}").into()),
                    }
                }));
                trials.push(Trial::test(format!("lenient_reads::{name}"), move || round_trip(&path, Mode::Lenient)));
            }
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
