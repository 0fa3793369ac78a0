//! The generator: its output is current, and each feature renders as the snapshots show.

use std::path::{Path, PathBuf};

use xtask::codegen::{self, model, render, vocab::Vocabulary};
use xtask::paths;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Renders the fixture schema's module (the namespace `fixture:`) and `mod.rs`.
fn render_fixture(file: &str, module: &str, vocabularies: Vec<Vocabulary>) -> String {
    let types = codegen::interpret_files(vec![fixture(file)]).expect("fixture parses");
    let model = model::build(&types, vocabularies).expect("fixture builds");
    let files = render::render(&model).expect("fixture renders");
    files[&format!("{module}.rs")].clone()
}

fn inputs() -> codegen::Inputs {
    codegen::Inputs::of_workspace(&paths::root())
}

#[test]
fn generated_code_is_current() {
    // `cargo xtask codegen --check`: the committed files are exactly what the generator makes.
    let outcome = codegen::run(&paths::root(), true).expect("codegen runs");
    assert!(outcome.is_clean(), "{outcome}");
}

#[test]
fn generation_is_deterministic() {
    let stage = std::env::temp_dir().join(format!("orcid-xtask-determinism-{}", std::process::id()));
    let a = codegen::generate(&inputs(), &stage.join("a")).expect("first run");
    let b = codegen::generate(&inputs(), &stage.join("b")).expect("second run");
    assert_eq!(a, b);
    let _ = std::fs::remove_dir_all(stage);
}

#[test]
fn model_surface() {
    let stage = std::env::temp_dir().join(format!("orcid-xtask-surface-{}", std::process::id()));
    let model = codegen::build_model(&inputs(), &stage).expect("model");
    insta::assert_snapshot!("model_surface", model.surface());
    let _ = std::fs::remove_dir_all(stage);
}

#[test]
fn feature_choice() {
    insta::assert_snapshot!(render_fixture("choice.xsd", "fixture", vec![]));
}

#[test]
fn feature_extension_base() {
    insta::assert_snapshot!(render_fixture("extension.xsd", "fixture", vec![]));
}

#[test]
fn feature_facets() {
    insta::assert_snapshot!(render_fixture("facets.xsd", "fixture", vec![]));
}

#[test]
fn feature_attributes() {
    insta::assert_snapshot!(render_fixture("attributes.xsd", "fixture", vec![]));
}

#[test]
fn feature_namespaces() {
    insta::assert_snapshot!(render_fixture("namespaces.xsd", "fixture_outer", vec![]));
}

#[test]
fn feature_vocabulary_overlay() {
    let colours = Vocabulary {
        key: "colour".into(),
        rust: "Colour".into(),
        doc: "A paint colour.".into(),
        xsd_types: vec!["fixture:colour".into()],
        fields: vec![],
        values: vec![("red".into(), "Red".into(), None), ("sea-green".into(), "SeaGreen".into(), None)],
        bound: true,
        aliases: vec![("crimson".into(), "red".into())],
        except_in: vec![],
        origins: vec!["Colour.java".into()],
    };
    let types = codegen::interpret_files(vec![fixture("vocabulary.xsd")]).expect("parses");
    let model = model::build(&types, vec![colours]).expect("builds");
    let files = render::render(&model).expect("renders");
    insta::assert_snapshot!("feature_vocabulary_overlay_struct", files["fixture.rs"]);
    insta::assert_snapshot!("feature_vocabulary_overlay_enum", files["vocabulary.rs"]);
}

#[test]
fn schemas_fetch_checks_every_file() {
    use xtask::schemas::{Lock, Source, fetch};
    let dir = std::env::temp_dir().join(format!("orcid-xtask-fetch-{}", std::process::id()));
    let mirror = dir.join("mirror");
    std::fs::create_dir_all(mirror.join("src/main/resources/common_3.0")).unwrap();
    std::fs::write(mirror.join("src/main/resources/common_3.0/common-3.0.xsd"), "<xs:schema/>").unwrap();
    let good = xtask::schemas::sha256_hex(b"<xs:schema/>");
    let mut lock = Lock { commit: "0".repeat(40), release: None, date: None, files: Default::default() };
    lock.files.insert("src/main/resources/common_3.0/common-3.0.xsd".into(), good);
    let n = fetch(&lock, &Source::Dir(mirror.clone()), &dir.join("out")).expect("fetches");
    assert_eq!(n, 1);

    lock.files.insert("src/main/resources/common_3.0/common-3.0.xsd".into(), "0".repeat(64));
    lock.files.insert("src/main/resources/record_3.0/work-3.0.xsd".into(), "1".repeat(64));
    let err = fetch(&lock, &Source::Dir(mirror.clone()), &dir.join("out2")).unwrap_err().to_string();
    assert!(err.contains("src/main/resources/common_3.0/common-3.0.xsd: checksum mismatch"), "{err}");
    assert!(err.contains("src/main/resources/record_3.0/work-3.0.xsd: missing from"), "{err}");
    assert!(!dir.join("out2").exists(), "nothing is written when a file is bad");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn schemas_update_reports_changes() {
    use xtask::schemas::{Lock, Source, update};
    let dir = std::env::temp_dir().join(format!("orcid-xtask-update-{}", std::process::id()));
    let res = dir.join("src/main/resources");
    std::fs::create_dir_all(res.join("common_3.0")).unwrap();
    std::fs::create_dir_all(res.join("record_3.0")).unwrap();
    std::fs::write(res.join("common_3.0/common-3.0.xsd"), "new").unwrap();
    std::fs::write(res.join("record_3.0/work-3.0.xsd"), "work").unwrap();
    std::fs::write(res.join("record_3.0/README.md"), "not in scope").unwrap();
    let mut old = Lock { commit: "a".repeat(40), release: None, date: None, files: Default::default() };
    old.files.insert("src/main/resources/common_3.0/common-3.0.xsd".into(), xtask::schemas::sha256_hex(b"old"));
    old.files.insert("src/main/resources/client_3.0/client-3.0.xsd".into(), xtask::schemas::sha256_hex(b"gone"));
    let (new, changes) = update(&old, &Source::Dir(dir.clone()), &"b".repeat(40)).expect("updates");
    assert_eq!(changes.added, vec!["src/main/resources/record_3.0/work-3.0.xsd"]);
    assert_eq!(changes.removed, vec!["src/main/resources/client_3.0/client-3.0.xsd"]);
    assert_eq!(changes.changed, vec!["src/main/resources/common_3.0/common-3.0.xsd"]);
    assert_eq!(new.files.len(), 2);
    assert_eq!(
        Lock::load(&{
            let p = dir.join("test.lock");
            std::fs::write(&p, new.render()).unwrap();
            p
        })
        .unwrap(),
        new
    );
    let _ = std::fs::remove_dir_all(dir);
}
