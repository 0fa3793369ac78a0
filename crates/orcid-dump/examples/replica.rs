//! Writes a synthetic public data file: `cargo xtask dump-replica --records N --out DIR`
//! runs this (`cargo run --release -p orcid-dump --features replica --example replica --
//! --records N --out DIR [--samples DIR] [--items DIR]`).

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut options = orcid_dump::replica::ReplicaOptions::new(2000);
    let mut out = PathBuf::from("replica");
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        match flag.as_str() {
            "--records" => options.records = value.parse().map_err(|e| std::io::Error::other(format!("--records: {e}")))?,
            "--out" => out = value.into(),
            "--samples" => options.samples = Some(value.into()),
            "--items" => options.items = Some(value.into()),
            other => return Err(std::io::Error::other(format!("unknown flag {other}"))),
        }
    }
    let started = std::time::Instant::now();
    let summary = orcid_dump::replica::write(&out, &options)?;
    let items: u64 = summary.items.values().sum();
    println!(
        "wrote {} records, {} placeholders and {items} items ({} with unknown content) into {} tarballs under {} in {:.1} s",
        summary.records,
        summary.placeholders,
        summary.unknown_items,
        summary.tarballs.len(),
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
