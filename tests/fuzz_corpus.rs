//! The fuzz targets' properties (`fuzz/src/lib.rs`: what must hold for any input) over their
//! seeds and every input fuzzing found a problem with, so that `cargo test` keeps them fixed
//! without nightly or libFuzzer. Seeds: this repository's items (XML, and as JSON in
//! `fuzz/seeds/read_json`), ORCID's samples; regressions: `fuzz/regressions/<target>/`.

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Trial};
use orcid_model::Kind;

#[path = "../fuzz/src/lib.rs"]
mod properties;

/// The files of a folder (none when it does not exist), sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries.map(|e| e.expect("entry").path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

/// ORCID's JSON samples, each behind its kind's index in `Kind::ALL` (the JSON targets'
/// input: the first byte picks the kind).
fn orcid_json_samples(resources: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for folder in ["record_3.0/samples/read_samples", "record_3.0/samples/write_samples"] {
        for path in files(&resources.join(folder)).into_iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            let Some(kind) = Kind::from_file_name(&name) else { continue };
            let index = Kind::ALL.iter().position(|k| *k == kind).expect("listed");
            let mut input = vec![u8::try_from(index).expect("fewer than 256 kinds")];
            input.extend(std::fs::read(&path).expect("readable"));
            out.push((format!("{folder}/{name}"), input));
        }
    }
    out
}

fn main() {
    let args = Arguments::from_args();
    let root = conformance::root();
    let resources = conformance::resources();
    let mut inputs: Vec<(&str, String, Vec<u8>)> = Vec::new();
    let mut add = |target: &'static str, dir: &Path| {
        for path in files(dir) {
            let name = path.strip_prefix(&root).unwrap_or(&path).display().to_string();
            inputs.push((target, name, std::fs::read(&path).expect("readable")));
        }
    };
    add("read_xml", &root.join("tests/items"));
    add("read_xml", &root.join("tests/items/invalid"));
    add("read_xml", &root.join("fuzz/regressions/read_xml"));
    add("read_json", &root.join("fuzz/seeds/read_json"));
    add("read_json", &root.join("fuzz/regressions/read_json"));
    add("validate", &root.join("fuzz/regressions/validate"));
    for path in conformance::xml_samples(&resources) {
        let name = path.strip_prefix(&resources).unwrap_or(&path).display().to_string();
        inputs.push(("read_xml", name, std::fs::read(&path).expect("readable")));
    }
    for (name, input) in orcid_json_samples(&resources) {
        inputs.push(("read_json", name, input));
    }
    let trials = inputs
        .into_iter()
        .flat_map(|(target, name, input)| {
            // Every seed is also validated, as the `validate` target would.
            let validate = (target != "validate").then(|| {
                let input = input.clone();
                Trial::test(format!("validate::{name}"), move || {
                    properties::validate(&input);
                    Ok(())
                })
            });
            let own = Trial::test(format!("{target}::{name}"), move || {
                match target {
                    "read_xml" => properties::read_xml(&input),
                    "read_json" => properties::read_json(&input),
                    _ => properties::validate(&input),
                }
                Ok(())
            });
            std::iter::once(own).chain(validate)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
