//! Read and write speed on ORCID's largest samples, against a bare quick-xml event loop.
//!
//! `cargo bench -p orcid-model --bench xml` (needs `cargo xtask schemas fetch` first).

use std::path::Path;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use orcid_model::{Document, Layout, Mode};

const SAMPLES: &[&str] = &[
    "record_3.0/samples/read_samples/record-3.0.xml",
    "record_3.0/samples/read_samples/activities-3.0.xml",
    "record_3.0/samples/read_samples/work-full-3.0.xml",
    "bulk of 100 works (tests/items/work.xml)",
];

fn input(name: &str) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if name.starts_with("bulk") {
        // A bulk upload of 100 copies of the repository's example work.
        let work = std::fs::read_to_string(root.join("tests/items/work.xml")).expect("example work");
        let body = &work[work.find("<work:work").expect("root")..];
        let mut doc = String::from(r#"<?xml version="1.0"?><bulk:bulk xmlns:bulk="http://www.orcid.org/ns/bulk">"#);
        for _ in 0..100 {
            doc.push_str(body);
        }
        doc.push_str("</bulk:bulk>");
        return doc.into_bytes();
    }
    std::fs::read(root.join("schemas/upstream/src/main/resources").join(name))
        .unwrap_or_else(|e| panic!("{name}: {e} (run `cargo xtask schemas fetch`)"))
}

fn main() {
    divan::main();
}

#[divan::bench(args = SAMPLES)]
fn read_strict(bencher: Bencher, name: &str) {
    let bytes = input(name);
    bencher.counter(BytesCount::new(bytes.len())).bench(|| Document::from_xml_bytes(black_box(&bytes), Mode::Strict).expect("valid"));
}

/// Reading and dropping the document, what a program pays per document: `read_strict` times
/// the reading only (divan drops what a benchmark returns outside the timing).
#[divan::bench(args = SAMPLES)]
fn read_and_drop(bencher: Bencher, name: &str) {
    let bytes = input(name);
    bencher.counter(BytesCount::new(bytes.len())).bench(|| drop(Document::from_xml_bytes(black_box(&bytes), Mode::Strict).expect("valid")));
}

#[divan::bench(args = SAMPLES)]
fn read_lenient(bencher: Bencher, name: &str) {
    let bytes = input(name);
    bencher.counter(BytesCount::new(bytes.len())).bench(|| Document::from_xml_bytes(black_box(&bytes), Mode::Lenient).expect("valid"));
}

#[divan::bench(args = SAMPLES)]
fn write_indented(bencher: Bencher, name: &str) {
    let doc = Document::from_xml_bytes(&input(name), Mode::Strict).expect("valid");
    let len = doc.to_xml_string(Layout::Indented).len();
    bencher.counter(BytesCount::new(len)).bench(|| black_box(&doc).to_xml_string(Layout::Indented));
}

/// The floor: quick-xml's namespace-resolving event loop, building nothing.
#[divan::bench(args = SAMPLES)]
fn quick_xml_events_floor(bencher: Bencher, name: &str) {
    let bytes = input(name);
    bencher.counter(BytesCount::new(bytes.len())).bench(|| {
        let mut reader = quick_xml::NsReader::from_reader(black_box(&bytes[..]));
        let mut n = 0usize;
        loop {
            match reader.read_resolved_event() {
                Ok((_, quick_xml::events::Event::Eof)) => break n,
                Ok(_) => n += 1,
                Err(e) => panic!("{e}"),
            }
        }
    });
}
