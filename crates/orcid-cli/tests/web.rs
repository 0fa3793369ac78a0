//! The browser validator (`cargo xtask web`) gives the same answers as `orcid validate`: the
//! page is built, opened from disk in Debian's Chromium (driven by playwright-core,
//! `web/tests/check.mjs`; `.ci/run` installs both), the repository's example items (valid
//! and invalid) are dropped on it as a folder, and each file's verdict, error code and number
//! of diagnostics are compared with `orcid validate --report json` for the same file. The page
//! may request nothing but its own files.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// (valid, status, ORCID code, rule, diagnostics) per file, by its path under tests/items.
type Answers = BTreeMap<String, (bool, String, String, String, u64)>;

fn cli_answers(items: &Path) -> Answers {
    let out = Command::new(env!("CARGO_BIN_EXE_orcid")).args(["validate", "--report", "json"]).arg(items).output().unwrap();
    let items = std::fs::canonicalize(items).unwrap();
    let mut answers = Answers::new();
    for line in common::text(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let Some(file) = v["file"].as_str() else { continue };
        let file = std::fs::canonicalize(file).unwrap();
        let name = file.strip_prefix(&items).unwrap().display().to_string();
        let text = |x: &serde_json::Value| if x.is_null() { String::new() } else { x.to_string().trim_matches('"').to_owned() };
        let verdict = &v["verdict"];
        answers.insert(
            name,
            (
                v["valid"].as_bool().unwrap(),
                text(&verdict["status"]),
                text(&verdict["orcid_code"]),
                text(&verdict["rule"]),
                v["diagnostics"].as_array().unwrap().len() as u64,
            ),
        );
    }
    answers
}

#[test]
fn the_page_opened_from_disk_gives_orcid_validates_answers_and_requests_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("web");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let page = scratch.join("page");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["run", "--quiet", "--package", "xtask", "--", "web", "--out"])
        .arg(&page)
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(built.status.success(), "cargo xtask web: {}{}", common::text(&built.stdout), common::text(&built.stderr));
    println!("{}", common::text(&built.stdout).trim());

    let items = common::items();
    let expected = cli_answers(&items);
    assert!(expected.len() >= 15 && expected.values().any(|a| !a.0), "the items hold valid and invalid files");
    let node_modules = root.join("web/tests/node_modules");
    assert!(node_modules.is_dir(), "playwright-core is missing: `(cd web/tests && npm ci)` (.ci/run does it)");
    let out = scratch.join("out.json");
    let screenshot = scratch.join("page.png");
    let ran = Command::new("node")
        .arg(root.join("web/tests/check.mjs"))
        .arg(&page)
        .arg(&items)
        .arg(&out)
        .arg(&screenshot)
        .arg(items.join("work.xml"))
        .env("EXPECTED_FILES", expected.len().to_string())
        .output()
        .expect("node runs (.ci/run installs it with Chromium)");
    assert!(ran.status.success(), "check.mjs: {}{}", common::text(&ran.stdout), common::text(&ran.stderr));
    let seen: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();

    // The same answers, file by file.
    let mut shown = Answers::new();
    for f in seen["files"].as_array().unwrap() {
        let name = f["file"].as_str().unwrap();
        // The folder picker names files from the folder's own name: `items/invalid/x.xml`.
        let name = name.split_once('/').map_or(name, |(_, rest)| rest).to_owned();
        let s = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
        shown.insert(name, (f["valid"].as_bool().unwrap(), s("status"), s("code"), s("rule"), f["diagnostics"].as_u64().unwrap()));
    }
    assert_eq!(shown, expected);

    // The downloaded report holds, file by file, the very objects `orcid validate --report
    // json` prints (the file named as the page names it), then the same summary.
    let cli = Command::new(env!("CARGO_BIN_EXE_orcid")).args(["validate", "--report", "json"]).arg(&items).output().unwrap();
    let mut cli_objects: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    let mut cli_summary = serde_json::Value::Null;
    let canonical_items = std::fs::canonicalize(&items).unwrap();
    for line in common::text(&cli.stdout).lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        match v["file"].as_str().map(|f| std::fs::canonicalize(f).unwrap()) {
            Some(file) => {
                let name = file.strip_prefix(&canonical_items).unwrap().display().to_string();
                v["file"] = serde_json::Value::Null;
                cli_objects.insert(name, v);
            }
            None => cli_summary = v,
        }
    }
    let download = seen["download"].as_str().unwrap();
    let mut page_objects: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    let mut page_summary = serde_json::Value::Null;
    for line in download.lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        match v["file"].as_str().map(str::to_owned) {
            Some(file) => {
                let name = file.split_once('/').map_or(file.as_str(), |(_, rest)| rest).to_owned();
                v["file"] = serde_json::Value::Null;
                page_objects.insert(name, v);
            }
            None => page_summary = v,
        }
    }
    assert_eq!(page_objects, cli_objects, "the downloaded report");
    assert_eq!(page_summary, cli_summary);

    // Two files dropped on the drop zone get the answers they got from the folder.
    let dropped = seen["dropped"].as_array().unwrap();
    let mut names: Vec<&str> = dropped.iter().map(|d| d["file"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["work-misordered.xml", "work.xml"]);
    for d in dropped {
        let name = if d["file"] == "work.xml" { "work.xml" } else { "invalid/work-misordered.xml" };
        let expected = &expected[name];
        assert_eq!(
            (d["valid"].as_bool().unwrap(), d["code"].as_str().unwrap(), d["diagnostics"].as_u64().unwrap()),
            (expected.0, expected.2.as_str(), expected.4),
            "{d}"
        );
    }

    // Nothing but the page's own files was requested.
    let page_url = format!("file://{}", std::fs::canonicalize(&page).unwrap().display());
    for request in seen["requests"].as_array().unwrap() {
        let url = request.as_str().unwrap();
        assert!(url.starts_with(&page_url), "the page requested {url}");
    }
    assert!(seen["console"].as_array().unwrap().is_empty(), "errors in the page: {}", seen["console"]);
    // Reachable by keyboard; no sideways scrolling on a phone. How soon the page is ready is
    // measured and printed, not asserted: a loaded machine must not fail the suite (the
    // check.mjs wait gives up after 20 s).
    let interactive = seen["interactiveMs"].as_u64().unwrap();
    let tabs: Vec<&str> = seen["tabOrder"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    for id in ["kind", "update", "drop", "files", "folder", "paste", "check-paste"] {
        assert!(tabs.contains(&id), "Tab does not reach #{id}: {tabs:?}");
    }
    assert!(seen["phoneOverflow"].as_i64().unwrap() <= 0, "wider than a 375 px screen");
    println!(
        "page interactive in {interactive} ms; a work checked in {:.3} ms (median of batches), every item: {} ms; screenshot {}",
        seen["workMs"]["median"].as_f64().unwrap(),
        seen["timings"],
        screenshot.display()
    );
}
