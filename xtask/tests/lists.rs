//! ORCID's lists come from upstream's Java enums at the pin and our data files, with our
//! overlay on top; what the overlay names must still be upstream's.

use std::path::PathBuf;

use xtask::codegen::vocab::{self, DataFile, Sources};
use xtask::schemas::JAVA_ENUMS;

/// A scratch folder with an upstream Java enum, a data file and an overlay.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, overlay: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("orcid-xtask-lists-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let java = dir.join("upstream").join(JAVA_ENUMS);
        std::fs::create_dir_all(&java).unwrap();
        std::fs::write(
            java.join("WorkType.java"),
            "public enum WorkType {\n  BOOK(\"book\"),\n  DATA_SET(\"data-set\");\n  static WorkType fromValue(String v) {\n    switch (v) { case \"dataset\": return WorkType.DATA_SET; }\n    return null;\n  }\n}\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.join("lists")).unwrap();
        std::fs::write(dir.join("lists/extra.tsv"), "# extra: ours\n# source: a test\nvalue\tnote\nzine\tA small magazine\n").unwrap();
        std::fs::write(dir.join("lists.toml"), overlay).unwrap();
        Scratch(dir)
    }
    fn load(&self) -> anyhow::Result<Vec<vocab::Vocabulary>> {
        vocab::load(Sources { overlay: &self.0.join("lists.toml"), data: &self.0.join("lists"), upstream: &self.0.join("upstream") })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const BASE: &str = "[work-type]\nenum = \"WorkType\"\ndoc = \"A type.\"\nfrom = [\"java:WorkType\", \"data:extra.tsv\"]\nbound = true\nxsd-types = [\"work:work-type\"]\n";

#[test]
fn values_come_from_upstream_and_data_files_with_upstream_aliases() {
    let s = Scratch::new("ok", &format!("{BASE}\n[work-type.names]\n\"data-set\" = \"Dataset\"\n"));
    let lists = s.load().unwrap();
    let v = &lists[0];
    let values: Vec<_> = v.values.iter().map(|(value, name, note)| (value.as_str(), name.as_str(), note.as_deref())).collect();
    assert_eq!(values, [("book", "Book", None), ("data-set", "Dataset", None), ("zine", "Zine", Some("A small magazine"))]);
    assert_eq!(v.aliases, [("dataset".to_owned(), "data-set".to_owned())]);
    assert_eq!(v.origins, ["WorkType.java", "extra.tsv"]);
    assert!(v.bound);
}

#[test]
fn an_overlay_naming_a_value_upstream_dropped_stops_generation() {
    let s = Scratch::new("stale", &format!("{BASE}\n[work-type.notes]\n\"website\" = \"gone upstream\"\n"));
    let err = s.load().unwrap_err().to_string();
    assert!(err.ends_with("[work-type]: `notes` names \"website\", which WorkType.java and extra.tsv no longer has at this pin: remove it from the overlay"), "{err}");
    let s = Scratch::new("alias", &format!("{BASE}\n[work-type.aliases]\n\"web\" = \"website\"\n"));
    assert!(s.load().unwrap_err().to_string().contains("`aliases` names \"website\""));
}

#[test]
fn an_enum_the_reader_does_not_understand_names_file_and_line() {
    let s = Scratch::new("bad", BASE);
    std::fs::write(
        s.0.join("upstream").join(JAVA_ENUMS).join("WorkType.java"),
        "public enum WorkType {\n  BOOK(\"book\"),\n  DATA_SET(Values.DATA);\n}\n",
    )
    .unwrap();
    let err = format!("{:#}", s.load().unwrap_err());
    assert_eq!(
        err,
        "src/main/java/org/orcid/jaxb/model/common/WorkType.java:3: the constant DATA_SET's first argument is not a string literal"
    );
}

#[test]
fn data_files_round_trip_and_refuse_what_they_cannot_hold() {
    let text = "# currency-codes: test\n# source: here\nvalue\nEUR\nUSD\n";
    let data = DataFile::parse(text, "c.tsv").unwrap();
    assert_eq!(data.provenance, ["currency-codes: test", "source: here"]);
    assert_eq!(data.render(), text);
    let err = |t: &str| DataFile::parse(t, "c.tsv").unwrap_err().to_string();
    assert_eq!(err("value\nEUR\nEUR\n"), "c.tsv:3: \"EUR\" is listed twice");
    assert_eq!(err("code\nEUR\n"), "c.tsv:1: the header is `value` or `value<TAB>note`, found \"code\"");
    assert_eq!(err("value\tnote\nEUR\tEuro\textra\n"), "c.tsv:2: more than two columns");
    assert_eq!(err("# only provenance\nvalue\n"), "c.tsv: no values");
}

#[test]
fn the_workspace_lists_say_where_they_come_from() {
    // Every data file names its source and its refresh command.
    let dir = xtask::paths::root().join("schemas/lists");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = DataFile::load(&path).unwrap();
        let text = data.provenance.join("\n");
        assert!(text.contains("source: "), "{}: no source line", path.display());
        assert!(text.contains("refresh: cargo xtask lists refresh "), "{}: no refresh line", path.display());
    }
    // The currency list is java.util.Currency's: CSD is known to every JDK, UYW to none.
    let currencies = DataFile::load(&dir.join("currency-codes.tsv")).unwrap();
    let has = |c: &str| currencies.rows.iter().any(|(v, _)| v == c);
    assert!(has("CSD") && has("EUR") && !has("UYW"));
}

/// A scratch workspace holding only `schemas/lists/`, for `lists refresh` to write into.
fn scratch_workspace(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("orcid-xtask-refresh-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("schemas/lists")).unwrap();
    root
}

#[test]
fn credit_roles_refresh_from_an_orcid_source_clone_names_its_commit() {
    let root = scratch_workspace("credit");
    let source = root.join("ORCID-Source");
    let java = source.join("orcid-core/src/main/java/org/orcid/core/contributors/roles/credit");
    std::fs::create_dir_all(&java).unwrap();
    std::fs::write(
        java.join("CreditRole.java"),
        "public enum CreditRole {\n    CONCEPTUALIZATION(\"http://credit.niso.org/contributor-roles/conceptualization/\", \"conceptualization\"),\n    SOFTWARE(\"http://credit.niso.org/contributor-roles/software/\", \"software\");\n}\n",
    )
    .unwrap();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(&source)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .status()
            .unwrap();
        assert!(ok.success());
    };
    git(&["init", "--quiet"]);
    git(&["add", "."]);
    git(&["commit", "--quiet", "-m", "credit roles"]);
    let text = xtask::lists::refresh(&root, "credit-roles", Some(source.to_str().unwrap()), "HEAD").unwrap();
    let data = DataFile::parse(&text, "credit-roles.tsv").unwrap();
    assert_eq!(
        data.rows.iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>(),
        ["http://credit.niso.org/contributor-roles/conceptualization/", "http://credit.niso.org/contributor-roles/software/"]
    );
    assert!(
        data.provenance.iter().any(|l| l.contains(" at ") && l.contains("read with the generator's Java enum reader")),
        "{:?}",
        data.provenance
    );
    assert_eq!(std::fs::read_to_string(root.join("schemas/lists/credit-roles.tsv")).unwrap(), text);
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn identifier_types_refresh_from_the_registry_answer() {
    let root = scratch_workspace("ids");
    let answer = root.join("identifiers.json");
    std::fs::write(
        &answer,
        r#"{"identifier":[{"name":"doi","description":"doi: Digital object identifier","resolutionPrefix":"https://doi.org/"},{"name":"raid","description":"raid: Research Activity Identifier"}]}"#,
    )
    .unwrap();
    let text = xtask::lists::refresh(&root, "external-id-types", Some(answer.to_str().unwrap()), "HEAD").unwrap();
    let data = DataFile::parse(&text, "external-id-types.tsv").unwrap();
    assert_eq!(
        data.rows,
        [
            ("doi".to_owned(), Some("doi: Digital object identifier".to_owned())),
            ("raid".to_owned(), Some("raid: Research Activity Identifier".to_owned()))
        ]
    );
    let err = xtask::lists::refresh(&root, "colours", None, "HEAD").unwrap_err().to_string();
    assert_eq!(err, "no data file \"colours\": refresh one of currency-codes, credit-roles, external-id-types");
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn currency_codes_refresh_from_the_jdk_on_path() {
    // Needs a JDK (`java` on PATH runs a one-file program), as the refresh does.
    let root = scratch_workspace("currency");
    let text = xtask::lists::refresh(&root, "currency-codes", None, "HEAD").expect("java on PATH");
    let data = DataFile::parse(&text, "currency-codes.tsv").unwrap();
    let has = |c: &str| data.rows.iter().any(|(v, _)| v == c);
    assert!(has("EUR") && has("CSD") && !has("UYW"));
    assert!(
        data.provenance.iter().any(|l| l.starts_with("source: java.util.Currency.getAvailableCurrencies() of ")),
        "{:?}",
        data.provenance
    );
    let _ = std::fs::remove_dir_all(root);
}
