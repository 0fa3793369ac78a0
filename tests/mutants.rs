//! Differential test against libxml2: mutants of valid items (dropped, reordered and unknown
//! elements, bad enumeration values, over-long and pattern-breaking strings, bad attributes),
//! and on every one our validator's XSD verdict equals `xmllint --schema`'s.

use std::path::{Path, PathBuf};

use quick_xml::Reader;
use quick_xml::events::Event;

/// Valid items to mutate: ORCID's write samples (under `src/main/resources`) and this
/// repository's examples (under `tests/`).
const SOURCES: &[&str] = &[
    "record_3.0/samples/write_samples/work-full-3.0.xml",
    "record_3.0/samples/write_samples/funding-3.0.xml",
    "record_3.0/samples/write_samples/employment-3.0.xml",
    "record_3.0/samples/write_samples/education-3.0.xml",
    "record_3.0/samples/write_samples/peer-review-full-3.0.xml",
    "record_3.0/samples/write_samples/qualification-3.0.xml",
    "tests/items/work.xml",
    "tests/items/employment.xml",
    // Lists the XSD requires an entry of (`hosts`, `resource-items`): emptied by a dropped entry.
    "tests/items/research-resource.xml",
];

/// A minimal element tree that keeps names, attributes and text as written.
#[derive(Clone, Debug)]
enum Node {
    Element { name: String, attrs: Vec<(String, String)>, children: Vec<Node> },
    Text(String),
}

fn parse(xml: &[u8]) -> Node {
    let mut reader = Reader::from_reader(xml);
    let mut stack = vec![Node::Element { name: String::new(), attrs: vec![], children: vec![] }];
    loop {
        let (event, empty) = match reader.read_event().expect("well-formed") {
            Event::Empty(e) => (Event::Start(e), true),
            other => (other, false),
        };
        match event {
            Event::Start(e) => {
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("attribute");
                        (String::from_utf8_lossy(a.key.as_ref()).into_owned(), String::from_utf8_lossy(&a.value).into_owned())
                    })
                    .collect();
                let node = Node::Element { name: String::from_utf8_lossy(e.name().as_ref()).into_owned(), attrs, children: vec![] };
                if empty {
                    push(&mut stack, node);
                } else {
                    stack.push(node);
                }
            }
            Event::End(_) => {
                let node = stack.pop().expect("open");
                push(&mut stack, node);
            }
            Event::Text(t) => push(&mut stack, Node::Text(String::from_utf8_lossy(&t).into_owned())),
            Event::GeneralRef(r) => push(&mut stack, Node::Text(format!("&{};", String::from_utf8_lossy(&r)))),
            Event::Eof => break,
            _ => {}
        }
    }
    let Node::Element { mut children, .. } = stack.pop().expect("document") else { unreachable!() };
    children.retain(|c| matches!(c, Node::Element { .. }));
    children.remove(0)
}

fn push(stack: &mut [Node], node: Node) {
    if let Some(Node::Element { children, .. }) = stack.last_mut() {
        children.push(node);
    }
}

fn write(node: &Node, out: &mut String) {
    match node {
        Node::Text(t) => out.push_str(t),
        Node::Element { name, attrs, children } => {
            out.push('<');
            out.push_str(name);
            for (k, v) in attrs {
                out.push_str(&format!(" {k}=\"{v}\""));
            }
            out.push('>');
            children.iter().for_each(|c| write(c, out));
            out.push_str(&format!("</{name}>"));
        }
    }
}

/// Paths (child indices from the root) of every element below the root.
fn element_paths(node: &Node, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    if let Node::Element { children, .. } = node {
        for (i, c) in children.iter().enumerate() {
            if matches!(c, Node::Element { .. }) {
                path.push(i);
                out.push(path.clone());
                element_paths(c, path, out);
                path.pop();
            }
        }
    }
}

fn at<'n>(node: &'n mut Node, path: &[usize]) -> &'n mut Node {
    path.iter().fold(node, |n, &i| match n {
        Node::Element { children, .. } => &mut children[i],
        Node::Text(_) => unreachable!(),
    })
}

fn is_leaf(node: &Node) -> bool {
    matches!(node, Node::Element { children, .. } if children.iter().all(|c| matches!(c, Node::Text(_))))
}

/// Every mutant of a document, with a label saying what was done.
fn mutants(doc: &Node) -> Vec<(String, Node)> {
    let mut paths = Vec::new();
    element_paths(doc, &mut Vec::new(), &mut paths);
    let mut out = Vec::new();
    for path in &paths {
        let (parent, last) = path.split_at(path.len() - 1);
        let i = last[0];
        // Drop the element.
        let mut m = doc.clone();
        if let Node::Element { children, .. } = at(&mut m, parent) {
            children.remove(i);
        }
        out.push((format!("drop {path:?}"), m));
        // Swap it with the next element sibling.
        let mut m = doc.clone();
        if let Node::Element { children, .. } = at(&mut m, parent)
            && let Some(j) = (i + 1..children.len()).find(|&j| matches!(children[j], Node::Element { .. }))
        {
            children.swap(i, j);
            out.push((format!("swap {path:?}"), m));
        }
        let node = at(&mut doc.clone(), path).clone();
        if is_leaf(&node) {
            for (label, text) in [
                ("bogus value", "bogus value".to_owned()),
                ("empty", String::new()),
                ("blank", "   ".to_owned()),
                ("over-long", "x".repeat(5001)),
                ("not a number", "12a".to_owned()),
            ] {
                let mut m = doc.clone();
                if let Node::Element { children, .. } = at(&mut m, path) {
                    *children = vec![Node::Text(text)];
                }
                out.push((format!("{label} {path:?}"), m));
            }
        } else {
            // An unknown element inside it.
            let mut m = doc.clone();
            if let Node::Element { children, .. } = at(&mut m, path) {
                children.insert(0, Node::Element { name: "common:bogus".into(), attrs: vec![], children: vec![Node::Text("x".into())] });
            }
            out.push((format!("unknown child {path:?}"), m));
        }
        // A bad attribute value, and an unknown attribute.
        let mut m = doc.clone();
        if let Node::Element { attrs, .. } = at(&mut m, path) {
            if let Some(a) = attrs.iter_mut().find(|(k, _)| !k.starts_with("xmlns")) {
                a.1 = "bogus".into();
                out.push((format!("bad attribute {path:?}"), m.clone()));
            }
            if let Node::Element { attrs, .. } = at(&mut m, path) {
                attrs.push(("colour".into(), "red".into()));
            }
            out.push((format!("unknown attribute {path:?}"), m));
        }
    }
    out
}

fn main() {
    let resources = conformance::resources();
    let scratch = std::env::temp_dir().join(format!("orcid-mutants-{}", std::process::id()));
    let schemas = conformance::staged_schemas(&scratch);
    let (mut total, mut invalid) = (0, 0);
    let mut disagreements = Vec::new();
    for source in SOURCES {
        let file = if source.starts_with("tests/") { conformance::root().join(source) } else { resources.join(source) };
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{source}: {e}"));
        let doc = orcid_model::Document::from_xml_bytes(&bytes, orcid_model::Mode::Strict).expect("a valid source");
        let schema = schemas.join(conformance::schema_for(&doc));
        let tree = parse(&bytes);
        let dir = scratch.join(Path::new(source).file_stem().expect("name"));
        std::fs::create_dir_all(&dir).expect("scratch");
        let mut files: Vec<(String, PathBuf)> = Vec::new();
        for (n, (label, mutant)) in mutants(&tree).into_iter().enumerate() {
            let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            write(&mutant, &mut xml);
            let file = dir.join(format!("m{n:04}.xml"));
            std::fs::write(&file, xml).expect("scratch");
            files.push((label, file));
        }
        let paths: Vec<PathBuf> = files.iter().map(|(_, f)| f.clone()).collect();
        let verdicts = conformance::xmllint(&schema, &paths).expect("xmllint runs");
        for (label, file) in &files {
            let report =
                orcid_model::validate::validate_xml(&std::fs::read(file).expect("written"), &orcid_model::validate::Options::default());
            let ours: Vec<_> = report.diagnostics.iter().filter(|d| d.code.starts_with("xsd.") || d.code.starts_with("xml.")).collect();
            let theirs = &verdicts[file];
            if theirs.is_some() {
                invalid += 1;
            }
            if ours.is_empty() != theirs.is_none() {
                disagreements.push(format!("{source} {label} ({}):\n  xmllint: {theirs:?}\n  ours: {ours:?}", file.display()));
            }
            total += 1;
        }
    }
    let mutant_count = total;
    // The benchmark corpus: every generated item is valid for xmllint and for us.
    let corpus = scratch.join("corpus");
    for folder in xtask::corpus::write(&corpus, 300, 7, 0).expect("corpus") {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder).expect("folder").map(|e| e.expect("entry").path()).collect();
        files.sort();
        if files.is_empty() {
            continue;
        }
        let kind = folder.file_name().expect("kind").to_string_lossy().into_owned();
        let verdicts = conformance::xmllint(&schemas.join(format!("record_3.0/{kind}-3.0.xsd")), &files).expect("xmllint runs");
        for file in &files {
            let report =
                orcid_model::validate::validate_xml(&std::fs::read(file).expect("written"), &orcid_model::validate::Options::default());
            if verdicts[file].is_some() || !report.diagnostics.is_empty() {
                disagreements.push(format!(
                    "corpus item {} is not valid: xmllint {:?}, ours {:?}",
                    file.display(),
                    verdicts[file],
                    report.diagnostics
                ));
            }
            total += 1;
        }
    }
    println!("{total} documents ({invalid} mutants invalid for xmllint), {} disagreements", disagreements.len());
    assert!(mutant_count >= 500, "only {mutant_count} mutants");
    // The mutations must bite: most mutants are invalid, and some stay valid.
    assert!(invalid > mutant_count / 2 && invalid < mutant_count, "{invalid} of {mutant_count} mutants invalid");
    if disagreements.is_empty() {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    println!("{total} passed, 0 failed");
}
