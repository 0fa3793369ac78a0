//! Validation speed: a valid item (the fast path, one strict typed read) and an item with
//! problems (the walk that reports every problem with its position), against a bare quick-xml
//! loop over the same bytes.
//!
//! `cargo bench -p orcid-model --bench validate`. For the whole-program comparison with
//! xmllint: `cargo xtask corpus --out DIR` then `cargo xtask bench-validate --corpus DIR`.

use std::path::Path;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use orcid_model::validate::{Options, validate_xml};

const INPUTS: &[&str] = &["valid work (tests/items/work.xml)", "work with problems", "bulk of 100 valid works"];

fn input(name: &str) -> Vec<u8> {
    let work = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/items/work.xml")).expect("example work");
    match name {
        "work with problems" => work
            .replace("<work:type>journal-article</work:type>", "<work:type>jornal-article</work:type>")
            .replace("<common:month>05</common:month>", "<common:month>5</common:month>")
            .into_bytes(),
        "bulk of 100 valid works" => {
            let body = &work[work.find("<work:work").expect("root")..];
            let mut doc = String::from(r#"<?xml version="1.0"?><bulk:bulk xmlns:bulk="http://www.orcid.org/ns/bulk">"#);
            for _ in 0..100 {
                doc.push_str(body);
            }
            doc.push_str("</bulk:bulk>");
            doc.into_bytes()
        }
        _ => work.into_bytes(),
    }
}

fn main() {
    divan::main();
}

#[divan::bench(args = INPUTS)]
fn validate(bencher: Bencher, name: &str) {
    let bytes = input(name);
    bencher.counter(BytesCount::new(bytes.len())).bench(|| validate_xml(black_box(&bytes), &Options::default()));
}

/// The floor: quick-xml's plain event loop.
#[divan::bench(args = INPUTS)]
fn quick_xml_events_floor(bencher: Bencher, name: &str) {
    let bytes = input(name);
    bencher.counter(BytesCount::new(bytes.len())).bench(|| {
        let mut reader = quick_xml::Reader::from_reader(black_box(&bytes[..]));
        let mut n = 0usize;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break n,
                Ok(_) => n += 1,
                Err(e) => panic!("{e}"),
            }
        }
    });
}
