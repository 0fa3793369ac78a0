//! `orcid validate`, run as a user runs it.

mod common;

use std::process::{Command, Output};

use common::items;

fn orcid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orcid")).args(args).current_dir(items()).output().expect("runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn valid_files_exit_0_with_a_summary() {
    let out = orcid(&["validate", "work.xml", "employment.xml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(text(&out.stdout), "2 files: 2 valid, 0 invalid; 0 errors, 0 warnings\n");
}

#[test]
fn problems_show_the_source_line_with_a_marker() {
    let out = orcid(&["validate", "invalid/work-misordered.xml"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "error[xsd.order]: <work:title> is out of order: it must come before <work:type>
  ┌─ invalid/work-misordered.xml:5:2
  │
5 │     <work:title>
  │     ^^^^^^^^^^^
  │
  = at work/title
  = ORCID answers 400 (its XML parser's schema error, 9012 or 9001) (rule §2.1)

1 file: 0 valid, 1 invalid; 1 error, 0 warnings
"
    );
}

#[test]
fn folders_are_searched_and_json_output_is_one_object_per_file() {
    let out = orcid(&["validate", "--report", "json", "invalid", "work.xml"]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let files: Vec<&str> = lines.iter().filter_map(|l| l["file"].as_str()).collect();
    assert_eq!(files, ["invalid/not-well-formed.xml", "invalid/work-misordered.xml", "invalid/work-without-type.xml", "work.xml"]);
    let missing = &lines[2]["diagnostics"][0];
    assert_eq!(
        (&missing["code"], &missing["line"], &missing["status"], &missing["orcid_code"]),
        (&"xsd.missing-element".into(), &3.into(), &400.into(), &serde_json::Value::Null)
    );
    assert_eq!(lines[2]["verdict"], serde_json::json!({"status": 400, "orcid_code": null, "rule": "§2.1"}));
    assert_eq!(lines[3]["valid"], true);
    assert_eq!(lines[3]["verdict"], serde_json::Value::Null);
    assert_eq!(lines[4]["summary"], serde_json::json!({"files": 4, "valid": 1, "invalid": 3, "errors": 3, "warnings": 0, "notes": 0}));
}

#[test]
fn an_unreadable_path_is_reported_and_the_run_goes_on() {
    let out = orcid(&["validate", "no-such-file.xml", "work.xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error: no-such-file.xml: "), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "1 file: 1 valid, 0 invalid; 0 errors, 0 warnings\n");
}

#[test]
fn json_files_are_checked_strictly() {
    let dir = std::env::temp_dir().join(format!("orcid-validate-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("work-ok.json"),
        r#"{"title": {"title": {"value": "T"}}, "type": "book", "external-ids": {"external-id": [
            {"external-id-type": "isbn", "external-id-value": "978-3-16-148410-0", "external-id-relationship": "self"}]}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("work-bad.json"),
        "{\n  \"title\": {\"title\": {\"value\": \"T\"}},\n  \"type\": \"book\",\n  \"colour\": 1\n}",
    )
    .unwrap();
    let out = orcid(&["validate", "--report", "json", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let structure = lines[0]["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "json.unknown-key").unwrap();
    let message = structure["message"].as_str().unwrap();
    assert!(message.starts_with(r#"unknown key "colour" in work:work (expected one of "put-code", "#), "{message}");
    assert!(message.ends_with(r#" (read as work, from the file name)"#), "{message}");
    assert_eq!((structure["line"].as_u64(), structure["column"].as_u64()), (Some(4), Some(3)));
    assert_eq!(lines[1]["valid"], true);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(orcid(&["validate"]).status.code(), Some(2));
    assert_eq!(orcid(&["validate", "--kind", "paper", "work.xml"]).status.code(), Some(2));
}

#[test]
fn warnings_pass_unless_denied() {
    let dir = std::env::temp_dir().join(format!("orcid-validate-warn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let work = std::fs::read_to_string(items().join("work.xml")).unwrap();
    let file = dir.join("work-no-scheme.xml");
    std::fs::write(&file, work.replace("https://example.org/articles/zebrafish", "example.org/articles/zebrafish")).unwrap();
    let path = file.to_str().unwrap();
    let out = orcid(&["validate", path]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("warning[warn.url-scheme]: the URL \"example.org/articles/zebrafish\" has no scheme"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).ends_with("1 file: 1 valid, 0 invalid; 0 errors, 1 warning\n"), "{}", text(&out.stdout));
    assert_eq!(orcid(&["validate", "--deny-warnings", path]).status.code(), Some(1));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn update_bodies_carry_their_put_code() {
    let dir = std::env::temp_dir().join(format!("orcid-validate-update-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let work = std::fs::read_to_string(items().join("work.xml")).unwrap();
    let file = dir.join("work-update.xml");
    std::fs::write(&file, work.replacen("<work:work ", "<work:work put-code=\"1234\" ", 1)).unwrap();
    let path = file.to_str().unwrap();
    assert_eq!(orcid(&["validate", path]).status.code(), Some(1));
    assert_eq!(orcid(&["validate", "--update", path]).status.code(), Some(0));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn every_example_item_is_valid() {
    let out = orcid(&["validate", "--report", "json", "."]);
    let lines: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let invalid: Vec<&str> = lines.iter().filter(|l| l["valid"] == false).filter_map(|l| l["file"].as_str()).collect();
    assert_eq!(invalid, ["./invalid/not-well-formed.xml", "./invalid/work-misordered.xml", "./invalid/work-without-type.xml"]);
}

#[test]
fn a_bulk_gets_an_answer_per_work_and_the_verdict_follows_orcids_order() {
    let dir = std::env::temp_dir().join(format!("orcid-validate-bulk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bulk = std::fs::read_to_string(items().join("bulk.xml")).unwrap();
    // The second work repeats the first one's DOI, in another spelling.
    let file = dir.join("bulk.xml");
    std::fs::write(&file, bulk.replace("10.5555/fins.2024.02", "https://doi.org/10.5555/FINS.2023.01")).unwrap();
    let out = orcid(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "error[orcid.duplicate]: a work earlier in this bulk has the identifier doi \"https://doi.org/10.5555/FINS.2023.01\" too"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("bulk.xml: ORCID would answer work 2 with 409, error 9021 (rule B4, orcid.duplicate at line 23)"), "{stdout}");

    // A single work with two errors: ORCID answers the one its server checks first.
    let work = std::fs::read_to_string(items().join("work.xml")).unwrap();
    let file = dir.join("work.xml");
    std::fs::write(&file, work.replacen("<work:work ", "<work:work put-code=\"3\" ", 1).replacen(">author<", ">writer<", 1)).unwrap();
    let out = orcid(&["validate", "--report", "json", file.to_str().unwrap()]);
    let first: serde_json::Value = serde_json::from_str(text(&out.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(first["verdict"], serde_json::json!({"status": 400, "orcid_code": 9024, "rule": "W17"}));
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(unix)]
#[test]
fn folder_loops_and_broken_entries_are_reported_and_the_run_goes_on() {
    let dir = std::env::temp_dir().join(format!("orcid-validate-walk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::copy(items().join("work.xml"), dir.join("sub/work.xml")).unwrap();
    // A link back to the folder itself, and a link to nothing.
    std::os::unix::fs::symlink(&dir, dir.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink(dir.join("gone.xml"), dir.join("broken.xml")).unwrap();
    let out = orcid(&["validate", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "an entry could not be read");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("a symbolic link back to"), "{stderr}");
    assert!(stderr.contains("broken.xml"), "{stderr}");
    // The work was validated once, not once per trip round the loop.
    assert_eq!(text(&out.stdout), "1 file: 1 valid, 0 invalid; 0 errors, 0 warnings\n");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_long_line_is_shown_around_the_mark_with_its_true_column() {
    let dir = std::env::temp_dir().join(format!("orcid-validate-long-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // One line: a long description, then a key the model does not know.
    let json = format!(r#"{{"title":{{"title":{{"value":"T"}}}},"short-description":"{}","type":"book","colour":1}}"#, "d".repeat(5000));
    let file = dir.join("work-long.json");
    std::fs::write(&file, &json).unwrap();
    let out = orcid(&["validate", file.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    let column = json.find("\"colour\"").unwrap() + 1;
    assert!(stdout.contains(&format!("work-long.json:1:{column}")), "{stdout}");
    assert!(stdout.contains("1 │ …ddd"), "{stdout}");
    assert!(stdout.lines().all(|l| l.chars().count() < 400), "{stdout}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_version_names_the_orcid_snapshot_the_validator_knows() {
    let out = orcid(&["--version"]);
    assert!(out.status.success());
    let s = orcid_model::ORCID_SNAPSHOT;
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("orcid {} (knows ORCID/orcid-model {} ({}, {}))\n", env!("CARGO_PKG_VERSION"), s.release, &s.commit[..7], s.date)
    );
}

#[test]
fn utf16_files_with_a_byte_order_mark_are_read_as_xml_allows() {
    let dir = std::env::temp_dir().join(format!("orcid-cli-utf16-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let work = std::fs::read_to_string(items().join("work.xml")).unwrap();
    // The XML declaration must name UTF-16 for a UTF-16 document, or name none.
    let work = work.replacen("encoding=\"UTF-8\"", "encoding=\"UTF-16\"", 1);
    for (name, big) in [("work-le.xml", false), ("work-be.xml", true)] {
        let mut bytes = if big { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for unit in work.encode_utf16() {
            bytes.extend(if big { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let paths = [dir.join("work-le.xml"), dir.join("work-be.xml")];
    let args: Vec<&str> = ["validate"].into_iter().chain(paths.iter().map(|p| p.to_str().unwrap())).collect();
    let out = orcid(&args);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(text(&out.stdout), "2 files: 2 valid, 0 invalid; 0 errors, 0 warnings\n");
    let out = orcid(&["convert", "--to", "json", paths[0].to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("\"journal-article\""), "{}", text(&out.stdout));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_empty_folder_or_a_fifo_is_not_a_pass() {
    let dir = std::env::temp_dir().join(format!("orcid-cli-empty-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("notes")).unwrap();
    std::fs::write(dir.join("notes/readme.txt"), "no items here").unwrap();
    let out = orcid(&["validate", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!("error: no .xml or .json files in {}: nothing was checked (give --allow-empty when none is expected)\n", dir.display())
    );
    let out = orcid(&["validate", "--allow-empty", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "0 files: 0 valid, 0 invalid; 0 errors, 0 warnings\n");

    let fifo = dir.join("work.xml");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs").success());
    let out = orcid(&["validate", fifo.to_str().unwrap(), "work.xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!("error: {}: not a regular file (a FIFO, socket or device): items are read from files\n", fifo.display())
    );
    assert_eq!(text(&out.stdout), "1 file: 1 valid, 0 invalid; 0 errors, 0 warnings\n", "the other file is checked");
    let _ = std::fs::remove_dir_all(dir);
}
