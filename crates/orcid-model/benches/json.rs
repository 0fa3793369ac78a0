//! ORCID JSON read and write speed on the largest JSON samples, against
//! `serde_json::from_slice::<serde_json::Value>` over the same bytes (the floor).
//!
//! `cargo bench -p orcid-model --bench json` (needs `cargo xtask schemas fetch` first).

use std::path::Path;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use orcid_model::{Document, Kind, Mode, WriteOptions};

/// (sample, kind)
const SAMPLES: &[&str] = &[
    "read_samples/record-full-3.0.json",
    "write_samples/bulk-works-100-works-3.0.json",
    "write_samples/work-with-NISO-roles-51-contributors-3.0.json",
];

fn kind(name: &str) -> Kind {
    let file = name.rsplit('/').next().unwrap_or(name);
    Kind::from_file_name(file).expect("kind from the name")
}

fn input(name: &str) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/upstream/src/main/resources/record_3.0/samples");
    std::fs::read(root.join(name)).unwrap_or_else(|e| panic!("{name}: {e} (run `cargo xtask schemas fetch`)"))
}

fn main() {
    divan::main();
}

#[divan::bench(args = SAMPLES)]
fn read_strict(bencher: Bencher, name: &str) {
    let bytes = input(name);
    let kind = kind(name);
    bencher
        .counter(BytesCount::new(bytes.len()))
        .bench(|| Document::from_json_bytes(black_box(&bytes), kind, Mode::Strict).expect("valid"));
}

/// Lenient reading: no XSD facets checked, unknown content kept.
#[divan::bench(args = SAMPLES)]
fn read_lenient(bencher: Bencher, name: &str) {
    let bytes = input(name);
    let kind = kind(name);
    bencher
        .counter(BytesCount::new(bytes.len()))
        .bench(|| Document::from_json_bytes(black_box(&bytes), kind, Mode::Lenient).expect("valid"));
}

/// Reading and dropping the document, what a program pays per document: `read_strict` times
/// the reading only (divan drops what a benchmark returns outside the timing).
#[divan::bench(args = SAMPLES)]
fn read_and_drop(bencher: Bencher, name: &str) {
    let bytes = input(name);
    let kind = kind(name);
    bencher
        .counter(BytesCount::new(bytes.len()))
        .bench(|| drop(Document::from_json_bytes(black_box(&bytes), kind, Mode::Strict).expect("valid")));
}

#[divan::bench(args = SAMPLES)]
fn serde_json_value_floor(bencher: Bencher, name: &str) {
    let bytes = input(name);
    bencher.counter(BytesCount::new(bytes.len())).bench(|| serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).expect("valid"));
}

#[divan::bench(args = SAMPLES)]
fn write(bencher: Bencher, name: &str) {
    let doc = Document::from_json_bytes(&input(name), kind(name), Mode::Strict).expect("valid");
    let len = doc.to_json_string(WriteOptions::read().compact()).len();
    bencher.counter(BytesCount::new(len)).bench(|| black_box(&doc).to_json_string(WriteOptions::read().compact()));
}

#[divan::bench(args = SAMPLES)]
fn serde_json_value_write_floor(bencher: Bencher, name: &str) {
    let value: serde_json::Value = serde_json::from_slice(&input(name)).expect("valid");
    let len = serde_json::to_string(&value).expect("writes").len();
    bencher.counter(BytesCount::new(len)).bench(|| serde_json::to_string(black_box(&value)).expect("writes"));
}

/// The serde path against the native one, typed: a work (`work-full-3.0.json`, 1.7 KB) and the
/// record sample. `serde_json::from_slice::<Work>` and `serde_json::to_string(&work)` go
/// through the model's serde support; `from_json_bytes` and `to_json_string` are native.
mod serde_path {
    use super::*;
    use orcid_model::Element;
    use orcid_model::record::Record;
    use orcid_model::work::Work;

    const WORK: &str = "write_samples/work-full-3.0.json";
    const RECORD: &str = "read_samples/record-full-3.0.json";

    #[divan::bench]
    fn work_read_native(bencher: Bencher) {
        let bytes = input(WORK);
        bencher.bench(|| Work::from_json_bytes(black_box(&bytes), Mode::Lenient).expect("valid"));
    }

    #[divan::bench]
    fn work_read_serde(bencher: Bencher) {
        let bytes = input(WORK);
        bencher.bench(|| serde_json::from_slice::<Work>(black_box(&bytes)).expect("valid"));
    }

    #[divan::bench]
    fn work_write_native(bencher: Bencher) {
        let work = Work::from_json_bytes(&input(WORK), Mode::Strict).expect("valid");
        bencher.bench(|| black_box(&work).to_json_string(WriteOptions::read().compact()));
    }

    #[divan::bench]
    fn work_write_serde(bencher: Bencher) {
        let work = Work::from_json_bytes(&input(WORK), Mode::Strict).expect("valid");
        bencher.bench(|| serde_json::to_string(black_box(&work)).expect("writes"));
    }

    /// serde_json alone writing the same JSON from a `serde_json::Value`: the floor of any
    /// `Serialize` driven into serde_json.
    #[divan::bench]
    fn work_write_serde_json_value(bencher: Bencher) {
        let work = Work::from_json_bytes(&input(WORK), Mode::Strict).expect("valid");
        let value: serde_json::Value = serde_json::from_str(&work.to_json_string(WriteOptions::read().compact())).expect("JSON");
        bencher.bench(|| serde_json::to_string(black_box(&value)).expect("writes"));
    }

    #[divan::bench]
    fn record_write_serde_json_value(bencher: Bencher) {
        let record = Record::from_json_bytes(&input(RECORD), Mode::Lenient).expect("valid");
        let value: serde_json::Value = serde_json::from_str(&record.to_json_string(WriteOptions::read().compact())).expect("JSON");
        bencher.bench(|| serde_json::to_string(black_box(&value)).expect("writes"));
    }

    #[divan::bench]
    fn record_read_native(bencher: Bencher) {
        let bytes = input(RECORD);
        bencher.bench(|| Record::from_json_bytes(black_box(&bytes), Mode::Lenient).expect("valid"));
    }

    #[divan::bench]
    fn record_read_serde(bencher: Bencher) {
        let bytes = input(RECORD);
        bencher.bench(|| serde_json::from_slice::<Record>(black_box(&bytes)).expect("valid"));
    }

    /// serde_json alone reading the same text, keeping nothing: the floor of any
    /// `Deserialize` driven by serde_json.
    #[divan::bench]
    fn record_read_serde_json_ignored(bencher: Bencher) {
        let bytes = input(RECORD);
        bencher.bench(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&bytes)).expect("valid"));
    }

    #[divan::bench]
    fn record_write_native(bencher: Bencher) {
        let record = Record::from_json_bytes(&input(RECORD), Mode::Lenient).expect("valid");
        bencher.bench(|| black_box(&record).to_json_string(WriteOptions::read().compact()));
    }

    #[divan::bench]
    fn record_write_serde(bencher: Bencher) {
        let record = Record::from_json_bytes(&input(RECORD), Mode::Lenient).expect("valid");
        bencher.bench(|| serde_json::to_string(black_box(&record)).expect("writes"));
    }
}
