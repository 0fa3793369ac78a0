//! Hostile input, at two sizes each: time should double with the size (linear), not grow
//! faster. `cargo bench -p orcid-model --bench hostile`.

use divan::{Bencher, black_box};
use orcid_model::validate::{Options, validate_json, validate_xml};
use orcid_model::{Document, Kind, Mode};

fn main() {
    divan::main();
}

const WORK_START: &str = r#"<work:work xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common""#;
const WORK_BODY: &str = "<work:title><common:title>T</common:title></work:title><work:type>book</work:type>";
const JSON_START: &str = r#"{"title":{"title":{"value":"T"}},"type":"book","x":"#;

fn xml(name: &str, n: usize) -> String {
    match name {
        "attributes" => format!("{WORK_START}{}>{WORK_BODY}</work:work>", (0..n).map(|i| format!(" a{i}=\"v\"")).collect::<String>()),
        "namespaces" => {
            format!("{WORK_START}{}>{WORK_BODY}</work:work>", (0..n).map(|i| format!(" xmlns:p{i}=\"urn:{i}\"")).collect::<String>())
        }
        "nesting" => format!("{WORK_START}>{WORK_BODY}{}{}</work:work>", "<x>".repeat(n), "</x>".repeat(n)),
        "siblings" => format!(
            "{WORK_START}>{WORK_BODY}<work:contributors>{}</work:contributors></work:work>",
            "<work:contributor><work:credit-name>N</work:credit-name></work:contributor>".repeat(n)
        ),
        "text" => format!(
            "{WORK_START}><work:title><common:title>{}</common:title></work:title><work:type>book</work:type></work:work>",
            "x".repeat(n)
        ),
        _ => unreachable!(),
    }
}

fn json(name: &str, n: usize) -> String {
    match name {
        "nesting" => format!("{JSON_START}{}{}}}", "[".repeat(n), "]".repeat(n)),
        "string" => format!("{JSON_START}\"{}\"}}", "x".repeat(n)),
        "siblings" => format!("{JSON_START}[{}1]}}", "1,".repeat(n)),
        // Unknown keys of the work itself: validation keeps a thousand problems and counts
        // the rest, linear in their number.
        "unknown-keys" => {
            let keys: String = (0..n).map(|i| format!(",\"k{i}\":1")).collect();
            format!(r#"{{"title":{{"title":{{"value":"T"}}}},"type":"book"{keys}}}"#)
        }
        _ => unreachable!(),
    }
}

const XML_CASES: &[(&str, usize)] = &[
    ("attributes", 5_000),
    ("attributes", 10_000),
    ("namespaces", 50_000),
    ("namespaces", 100_000),
    ("nesting", 50_000),
    ("nesting", 100_000),
    ("siblings", 50_000),
    ("siblings", 100_000),
    ("text", 25 << 20),
    ("text", 50 << 20),
];

const JSON_CASES: &[(&str, usize)] = &[
    ("nesting", 50_000),
    ("nesting", 100_000),
    ("string", 25 << 20),
    ("string", 50 << 20),
    ("siblings", 500_000),
    ("siblings", 1_000_000),
    ("unknown-keys", 250_000),
    ("unknown-keys", 500_000),
];

#[divan::bench(args = XML_CASES, sample_count = 5)]
fn xml_lenient(bencher: Bencher, case: (&str, usize)) {
    let doc = xml(case.0, case.1);
    bencher.bench(|| Document::from_xml_str(black_box(&doc), Mode::Lenient).is_ok());
}

#[divan::bench(args = XML_CASES, sample_count = 5)]
fn xml_validate(bencher: Bencher, case: (&str, usize)) {
    let doc = xml(case.0, case.1);
    bencher.bench(|| validate_xml(black_box(doc.as_bytes()), &Options::default()).diagnostics.len());
}

#[divan::bench(args = JSON_CASES, sample_count = 5)]
fn json_lenient(bencher: Bencher, case: (&str, usize)) {
    let doc = json(case.0, case.1);
    bencher.bench(|| Document::from_json_str(black_box(&doc), Kind::Work, Mode::Lenient).is_ok());
}

#[divan::bench(args = JSON_CASES, sample_count = 5)]
fn json_validate(bencher: Bencher, case: (&str, usize)) {
    let doc = json(case.0, case.1);
    bencher.bench(|| validate_json(black_box(doc.as_bytes()), Kind::Work, &Options::default()).diagnostics.len());
}
