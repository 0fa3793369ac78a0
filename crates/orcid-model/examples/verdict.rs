//! ORCID's verdict on item files, one line each: `FILE: accepted` or
//! `FILE: refused STATUS/CODE RULE: MESSAGE`; then what lenient reading (for what ORCID sends,
//! perhaps a newer ORCID) writes back of it; then the ORCID snapshot this build knows.
//!
//! `cargo run -p orcid-model --example verdict -- work.xml work.json`. JSON files are taken as
//! works (the model alone does not guess a JSON document's kind; `orcid validate` does). The
//! backtest of `cargo xtask` builds this at each re-pinned release to see what it accepts.

use orcid_model::validate::{Options, validate_json, validate_xml};
use orcid_model::{Document, Kind, Layout, Mode, WriteOptions};

fn main() -> std::process::ExitCode {
    let mut refused = false;
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                return std::process::ExitCode::from(2);
            }
        };
        let json = path.ends_with(".json");
        let report = if json { validate_json(&bytes, Kind::Work, &Options::default()) } else { validate_xml(&bytes, &Options::default()) };
        match report.verdict() {
            None => println!("{path}: accepted"),
            Some(d) => {
                refused = true;
                let code = d.orcid_code.map(|c| c.to_string()).unwrap_or_else(|| "-".into());
                println!("{path}: refused {}/{code} {}: {}", d.status.unwrap_or(400), d.rule, d.message);
            }
        }
        let lenient = if json {
            Document::from_json_bytes(&bytes, Kind::Work, Mode::Lenient)
        } else {
            Document::from_xml_bytes(&bytes, Mode::Lenient)
        };
        match lenient {
            Ok(doc) if json => {
                println!("{path}: read leniently and written back: {}", doc.to_json_string(WriteOptions::upload().compact()))
            }
            Ok(doc) => println!("{path}: read leniently and written back: {}", doc.to_xml_string(Layout::Compact)),
            Err(e) => println!("{path}: not read leniently: {e}"),
        }
    }
    println!("ORCID snapshot: {}", orcid_model::ORCID_SNAPSHOT);
    if refused { std::process::ExitCode::FAILURE } else { std::process::ExitCode::SUCCESS }
}
