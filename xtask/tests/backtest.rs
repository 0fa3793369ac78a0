//! Re-pinning across ORCID releases, from a git clone of ORCID/orcid-model: the report says what
//! changed for users, and the model built at each pin gives the verdict the report promises.

use std::path::PathBuf;

use xtask::backtest;
use xtask::schemas::{Source, UPSTREAM};

/// A git clone of upstream: `ORCID_MODEL_DIR` when it is one (CI clones the bundle in
/// `../shared`), else a fresh clone from GitHub.
fn upstream_clone() -> PathBuf {
    if let Some(dir) = std::env::var_os("ORCID_MODEL_DIR").map(PathBuf::from)
        && matches!(Source::choose(Some(dir.clone())), Source::Git(_))
    {
        return dir;
    }
    let dir = xtask::paths::scratch(&xtask::paths::root(), "upstream-clone");
    if !dir.join(".git").exists() {
        let status = std::process::Command::new("git").args(["clone", "--quiet", UPSTREAM]).arg(&dir).status().expect("git runs");
        assert!(status.success(), "cloning {UPSTREAM} (set ORCID_MODEL_DIR to a git clone of it to work offline)");
    }
    dir
}

const BLOG_POST: &str = r#"<work:work xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common">
  <work:title><common:title>Notes on zebrafish fins</common:title></work:title>
  <work:type>blog-post</work:type>
  <common:external-ids><common:external-id>
    <common:external-id-type>doi</common:external-id-type>
    <common:external-id-value>10.5555/fins.2024</common:external-id-value>
    <common:external-id-relationship>self</common:external-id-relationship>
  </common:external-id></common:external-ids>
</work:work>
"#;

#[test]
fn a_repin_from_3_3_4_to_3_3_6_reports_and_builds_what_orcid_accepts() {
    let root = xtask::paths::root();
    let work = xtask::paths::scratch(&root, "backtest-test");
    std::fs::create_dir_all(&work).unwrap();
    let blog_post = work.join("blog-post.xml");
    std::fs::write(&blog_post, BLOG_POST).unwrap();
    let verdict = ["run", "--offline", "--quiet", "-p", "orcid-model", "--example", "verdict", "--", blog_post.to_str().unwrap()];
    let releases = [("3.3.4", "0cf1c91"), ("3.3.6", "6cc6d1e")];
    let steps = backtest::run(&root, &Source::Git(upstream_clone()), &releases, &work, Some(&verdict)).expect("the replay runs");

    // 3.3.8 -> 3.3.4: the work types of 3.3.5 and 3.3.6 are gone, and the schema requires an
    // organization's city and country again.
    let back = &steps[0].report;
    assert!(back.from.starts_with("3.3.8 (0f61fa6, 2025-08-26)"), "{}", back.from);
    assert_eq!(back.to, "3.3.4 (0cf1c91, 2024-11-29)");
    let work_type = back.lists.iter().find(|l| l.key == "work-type").expect("work-type changed");
    assert!(work_type.added.is_empty());
    assert_eq!(work_type.removed.len(), 14, "{:?}", work_type.removed);
    assert!(work_type.removed.contains(&"blog-post".to_owned()) && work_type.removed.contains(&"public-speech".to_owned()));
    let said = back.validation_changes();
    assert!(
        said.iter()
            .any(|l| l.starts_with("work-type (WorkType): now refused: 400/9051 in XML, 400/9047 in JSON: ") && l.contains("`blog-post`")),
        "{said:#?}"
    );
    assert!(said.contains(&"common::OrganizationAddress: the XSD now requires `city` (it was optional)".to_owned()), "{said:#?}");
    let (passed, _, out) = steps[0].check.as_ref().expect("the verdict ran");
    assert!(!passed, "{out}");
    assert!(out.contains("blog-post.xml: refused 400/9051 §4.1: <work:type>: \"blog-post\" is not on ORCID's work-type list"), "{out}");
    assert!(out.contains("this build knows ORCID/orcid-model 3.3.4 (0cf1c91, 2024-11-29), and a newer ORCID may accept it"), "{out}");
    // What a newer ORCID sends, a model of an older pin reads leniently and writes back as it was.
    let kept = out.lines().find(|l| l.contains("read leniently and written back: ")).expect("the lenient line");
    assert!(kept.contains("<work:type>blog-post</work:type>"), "{kept}");

    // 3.3.4 -> 3.3.6: 13 work types in 3.3.5, public-speech in 3.3.6, the same for peer-review
    // subjects; nothing else users see, and the API only grows.
    let forward = &steps[1].report;
    let work_type = forward.lists.iter().find(|l| l.key == "work-type").expect("work-type changed");
    assert_eq!(work_type.added.len(), 14);
    assert!(work_type.removed.is_empty());
    assert!(forward.types.is_empty() && forward.constraints.is_empty(), "{}", forward.render());
    assert!(forward.additive(), "{:?}", forward.api_removed);
    let said = forward.validation_changes();
    assert!(said.iter().any(|l| l.starts_with("work-type (WorkType): now accepted: ") && l.contains("`blog-post`")), "{said:#?}");
    assert!(
        forward.changelog().starts_with("- Re-pinned to ORCID/orcid-model 3.3.6 (6cc6d1e, 2025-01-09) (was 3.3.4 (0cf1c91, 2024-11-29)).")
    );
    let (passed, _, out) = steps[1].check.as_ref().expect("the verdict ran");
    assert!(passed, "{out}");
    assert!(out.contains("blog-post.xml: accepted\n"), "{out}");
    assert!(out.ends_with("\nORCID snapshot: ORCID/orcid-model 3.3.6 (6cc6d1e, 2025-01-09)"), "{out}");
}

/// Runs git in `dir`, asserting that it succeeds.
fn git(dir: &std::path::Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=test", "-c", "user.email=test@example.org"])
        .args(args)
        .status()
        .expect("git runs");
    assert!(ok.success(), "git {args:?}");
}

#[test]
fn schemas_check_reports_an_upstream_ahead_of_the_pin_without_touching_the_workspace() {
    let root = xtask::paths::root();
    let lock_before = std::fs::read_to_string(root.join("schemas/orcid-model.lock")).unwrap();
    let clone = xtask::paths::scratch(&root, "check-test-upstream");
    let _ = std::fs::remove_dir_all(&clone);
    git(&root, &["clone", "--quiet", upstream_clone().to_str().unwrap(), clone.to_str().unwrap()]);
    git(&clone, &["checkout", "--quiet", "-B", "main", "0f61fa681c8e2287f390631644906c8631b5fa6c"]);

    // At the pin: nothing to report.
    assert!(xtask::repin::check(&root, &Source::Git(clone.clone())).expect("check runs").is_none());

    // Upstream adds a work type in its Java enum (and nothing in any XSD).
    let java = clone.join("src/main/java/org/orcid/jaxb/model/common/WorkType.java");
    let text =
        std::fs::read_to_string(&java).unwrap().replace("    WEBSITE(\"website\"),", "    WEBSITE(\"website\"),\n    ZINE(\"zine\"),");
    std::fs::write(&java, text).unwrap();
    git(&clone, &["commit", "--quiet", "-am", "add zine work type"]);
    let report = xtask::repin::check(&root, &Source::Git(clone.clone())).expect("check runs").expect("upstream is ahead");
    assert!(report.to.starts_with("3.3.8 ("), "{}", report.to);
    assert_eq!(report.files.changed, ["src/main/java/org/orcid/jaxb/model/common/WorkType.java"]);
    let work_type = report.lists.iter().find(|l| l.key == "work-type").expect("work-type changed");
    assert_eq!(work_type.added, ["zine"]);
    assert!(report.types.is_empty(), "no XSD changed");
    assert!(report.additive() && report.api_added.iter().any(|l| l.contains("Zine")), "{:?}", report.api_added);
    assert!(report.render().contains("work-type (WorkType): now accepted: `zine` (before: refused: 400/9051 in XML, 400/9047 in JSON)"));
    // The workspace is as it was.
    assert_eq!(std::fs::read_to_string(root.join("schemas/orcid-model.lock")).unwrap(), lock_before);
    let _ = std::fs::remove_dir_all(&clone);
}
