//! ORCID's verdict in the browser: `orcid-model`'s validator as WebAssembly for the static
//! page under `web/static/` (`cargo xtask web` builds it). The page hands each file's bytes
//! here and shows the report `orcid validate --report json` prints for that file.
//!
//! Not `#![forbid(unsafe_code)]`: `#[wasm_bindgen]` expands to `unsafe` glue of its own; this
//! crate writes none.

#![deny(missing_docs)]

use orcid_model::Kind;
use orcid_model::validate::{Options, Report};
use wasm_bindgen::prelude::*;

/// Checks one file as `orcid validate` does and returns its report object as JSON (the
/// line `orcid validate --report json` prints for it). `kind` names a JSON document's kind
/// (else it is told from the file name or the shape); `update` checks it as the body of an
/// update (PUT); `today` (`[year, month, day]`) is the date the checks of dates use.
#[wasm_bindgen]
pub fn validate(bytes: &[u8], file_name: &str, kind: Option<String>, update: bool, today: Vec<u16>) -> Result<String, JsError> {
    let kind = match kind.filter(|k| !k.is_empty()) {
        Some(k) => Some(k.parse::<Kind>().map_err(|e| JsError::new(&e))?),
        None => None,
    };
    Ok(check(bytes, file_name, kind, update, &today).to_string())
}

/// The check itself (also what the native tests run).
pub fn check(bytes: &[u8], file_name: &str, kind: Option<Kind>, update: bool, today: &[u16]) -> serde_json::Value {
    let mut options = if update { Options::update() } else { Options::default() };
    if let [year, month, day] = *today {
        options = options.with_today((year, month as u8, day as u8));
    }
    let report = Report::of_file(bytes, Some(file_name), kind, &options);
    report.to_json(file_name, report.is_valid())
}

/// The ORCID snapshot this validator knows, as JSON: `release`, `commit`, `date`.
#[wasm_bindgen]
pub fn snapshot() -> String {
    let s = orcid_model::ORCID_SNAPSHOT;
    serde_json::json!({"release": s.release, "commit": s.commit, "date": s.date}).to_string()
}

/// The kinds a JSON document can be read as, as a JSON array of names.
#[wasm_bindgen]
pub fn kinds() -> String {
    serde_json::Value::from(Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>()).to_string()
}
