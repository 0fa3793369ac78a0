//! `orcid dump`'s speed on a replica of the public data file (5,000 records, written once
//! into the target folder): the summaries tarball and one activities tarball, into JSON Lines
//! and into Parquet, with the machine's cores.
//!
//! `cargo bench -p orcid-dump --features replica --bench dump`. The large replica's numbers
//! (100,000 records, against `gzip -dc` and the inflate floor of `examples/inflate.rs`) are
//! measured by hand: see the README.

use std::path::{Path, PathBuf};

use divan::Bencher;
use divan::counter::BytesCount;
use orcid_dump::{Options, Output};

fn replica() -> &'static [PathBuf] {
    static TARBALLS: std::sync::OnceLock<Vec<PathBuf>> = std::sync::OnceLock::new();
    TARBALLS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-replica");
        let _ = std::fs::remove_dir_all(&dir);
        orcid_dump::replica::write(&dir, &orcid_dump::replica::ReplicaOptions::new(5000)).expect("replica").tarballs
    })
}

fn main() {
    divan::main();
}

fn run(bencher: Bencher, tarball: &Path, output: Output) {
    let out = tarball.with_extension(format!("out-{output:?}"));
    let size = std::fs::metadata(tarball).map(|m| m.len()).unwrap_or(0);
    bencher.counter(BytesCount::new(size)).bench(|| {
        let _ = std::fs::remove_dir_all(&out);
        let mut options = Options::new(&out);
        options.output = output;
        orcid_dump::dump(tarball, &options, &|_| {}).expect("dump")
    });
}

#[divan::bench(sample_count = 10, args = [Output::Jsonl, Output::Parquet])]
fn summaries(bencher: Bencher, output: Output) {
    run(bencher, &replica()[0], output);
}

#[divan::bench(sample_count = 10, args = [Output::Jsonl, Output::Parquet])]
fn activities(bencher: Bencher, output: Output) {
    run(bencher, &replica()[1], output);
}
