//! The floors `orcid dump` is measured against, on one tarball: inflating it with zlib-rs
//! (through flate2, as the dump does) into nothing, and walking its tar entries (inflating
//! and reading every entry's bytes, parsing nothing).
//!
//! `cargo run --release -p orcid-dump --example inflate -- FILE.tar.gz` (compare `gzip -dc
//! FILE.tar.gz >/dev/null` and `orcid dump`).

use std::io::Read;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).ok_or_else(|| std::io::Error::other("give a .tar.gz"))?;
    let started = Instant::now();
    let mut decoder = flate2::read::GzDecoder::new(std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&path)?));
    let mut buffer = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = decoder.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        total += n as u64;
    }
    let secs = started.elapsed().as_secs_f64();
    println!("inflate (zlib-rs): {total} bytes in {secs:.2} s, {:.0} MB/s", total as f64 / secs / 1e6);

    let started = Instant::now();
    let (mut entries, mut bytes) = (0u64, 0u64);
    let read = AtomicU64::new(0);
    orcid_dump::source::walk(
        path.as_ref(),
        0,
        &read,
        &mut |entry| {
            entries += 1;
            bytes += entry.bytes.len() as u64;
            true
        },
        &mut |problem| eprintln!("{}: {}", problem.path, problem.message),
    )?;
    let secs = started.elapsed().as_secs_f64();
    println!("tar walk: {entries} entries, {bytes} bytes of XML in {secs:.2} s, {:.0} MB/s of XML", bytes as f64 / secs / 1e6);
    Ok(())
}
