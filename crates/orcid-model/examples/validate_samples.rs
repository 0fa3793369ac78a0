//! Prints what the validator finds in every ORCID sample (a maintainer's look, not a test):
//! `cargo run -p orcid-model --example validate_samples`.
fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/upstream/src/main/resources");
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "xml") && path.to_string_lossy().contains("samples") {
                let report = orcid_model::validate::validate_xml(&std::fs::read(&path).expect("readable"));
                for d in &report.diagnostics {
                    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    println!("{name}:{}:{}: {} {}", d.line, d.column, d.code, d.message);
                }
            }
        }
    }
}
