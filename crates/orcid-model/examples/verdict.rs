//! ORCID's verdict on item files, one line each: `FILE: accepted` or
//! `FILE: refused STATUS/CODE RULE: MESSAGE`, then the ORCID snapshot this build knows.
//!
//! `cargo run -p orcid-model --example verdict -- work.xml work.json`. JSON files are taken as
//! works (the model alone does not guess a JSON document's kind; `orcid validate` does). The
//! backtest of `cargo xtask` builds this at each re-pinned release to see what it accepts.

use orcid_model::Kind;
use orcid_model::validate::{Options, validate_json, validate_xml};

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
        let report = if path.ends_with(".json") {
            validate_json(&bytes, Kind::Work, &Options::default())
        } else {
            validate_xml(&bytes, &Options::default())
        };
        match report.verdict() {
            None => println!("{path}: accepted"),
            Some(d) => {
                refused = true;
                let code = d.orcid_code.map(|c| c.to_string()).unwrap_or_else(|| "-".into());
                println!("{path}: refused {}/{code} {}: {}", d.status.unwrap_or(400), d.rule, d.message);
            }
        }
    }
    println!("ORCID snapshot: {}", orcid_model::ORCID_SNAPSHOT);
    if refused { std::process::ExitCode::FAILURE } else { std::process::ExitCode::SUCCESS }
}
