//! The committed listings of the library crates' public API (`api/`) match the code: a change
//! to the API is a reviewed change to a listing.

use xtask::{paths, public_api};

#[test]
fn public_api_listings_are_current() {
    let mut stale = Vec::new();
    for (dir, name) in public_api::CRATES {
        let committed = std::fs::read_to_string(public_api::listing_path(&paths::root(), name)).unwrap_or_default();
        let current = public_api::listing(&paths::root().join(dir), name).expect("the crate parses");
        if committed != current {
            let (removed, added) = public_api::diff(&committed, &current);
            let lines: Vec<String> =
                removed.iter().map(|l| format!("- {l}")).chain(added.iter().map(|l| format!("+ {l}"))).take(40).collect();
            stale.push(format!("{name}:\n{}", lines.join("\n")));
        }
    }
    assert!(stale.is_empty(), "the public API changed; run `cargo xtask public-api` and review the diff:\n{}", stale.join("\n"));
}

#[test]
fn the_listing_sees_fields_variants_methods_traits_and_re_exports() {
    let listing = public_api::listing(&paths::root().join("crates/orcid-model"), "orcid_model").unwrap();
    for line in [
        "struct orcid_model::work::Work #[derive(Debug, Clone, PartialEq), non_exhaustive]",
        "  field title: super::work::WorkTitle",
        "  fn with_journal_title(mut self, value: impl Into<String>) -> Self",
        "  impl crate::items::RecordItem",
        "  variant JournalArticle",
        "struct orcid_model::PutCode #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]",
        "struct orcid_model::DateTime #[derive(Clone, PartialEq, Eq, Hash)]",
    ] {
        assert!(listing.lines().any(|l| l == line), "{line:?} is not in the listing");
    }
    // Listed at the paths users write, not where the types are defined.
    assert!(!listing.contains("orcid_model::generated::") && !listing.contains("orcid_model::runtime::"), "definition paths are listed");
    // The runtime the generated code uses is hidden: not API (only named as `Element`'s bounds).
    assert!(!listing.contains("orcid_model::__private"), "the hidden runtime is listed");
}

#[test]
fn diff_tells_additions_from_removals() {
    let (removed, added) = public_api::diff("a\nb\n", "a\nc\nb\n");
    assert_eq!((removed.len(), added), (0, vec!["c".to_owned()]));
    let (removed, _) = public_api::diff("a\nb\n", "a\n");
    assert_eq!(removed, ["b"]);
    // A member line is its type's: the same line moving from one type to another is a change.
    let old = "struct m::A #[derive(Debug)]\n  fn new() -> Self\nstruct m::B\n";
    let new = "struct m::A #[derive(Debug)]\nstruct m::B\n  fn new() -> Self\n";
    assert_eq!(public_api::diff(old, new), (vec!["m::A › fn new() -> Self".to_owned()], vec!["m::B › fn new() -> Self".to_owned()]));
}
