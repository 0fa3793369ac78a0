//! `orcid convert`, run as a user runs it.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::items;

fn orcid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orcid")).args(args).current_dir(items()).output().expect("runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn one_file_goes_to_stdout() {
    let out = orcid(&["convert", "--to", "xml", "work.xml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let expected = orcid_model::Document::from_xml_bytes(&std::fs::read(items().join("work.xml")).unwrap(), orcid_model::Mode::Strict)
        .unwrap()
        .to_xml_string(orcid_model::Layout::Indented);
    assert_eq!(text, expected);
    assert!(text.contains("<common:month>05</common:month>"));
    assert!(text.contains("Évolution, Ökologie und 再生"));
}

#[test]
fn unreadable_documents_exit_1_with_file_line_column() {
    let out = orcid(&["convert", "--to", "xml", "invalid/work-without-type.xml"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "invalid/work-without-type.xml:3:1: <work:work> is missing the required element <work:type>\n");

    let out = orcid(&["convert", "--to", "xml", "invalid/work-misordered.xml"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "invalid/work-misordered.xml:5:2: <work:title> is out of order: it must come before <work:type>\n");

    let out = orcid(&["convert", "--to", "xml", "invalid/not-well-formed.xml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("invalid/not-well-formed.xml:5:2: malformed XML"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
}

#[test]
fn usage_and_io_errors_exit_2() {
    let out = orcid(&["convert", "--to", "xml", "no-such-file.xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error: no-such-file.xml: "), "{}", stderr(&out));

    let out = orcid(&["convert", "--to", "xml", "work.xml", "employment.xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "error: converting 2 files needs --out DIR\n");

    let out = orcid(&["convert", "--to", "yaml", "work.xml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn several_files_go_to_a_folder_and_one_bad_file_does_not_stop_the_rest() {
    let dir = std::env::temp_dir().join(format!("orcid-cli-convert-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dir_arg = dir.to_str().unwrap();
    let out =
        orcid(&["convert", "--to", "xml", "--compact", "--out", dir_arg, "work.xml", "invalid/work-without-type.xml", "employment.xml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("invalid/work-without-type.xml:3:1:"));
    let work = std::fs::read_to_string(dir.join("work.xml")).unwrap();
    assert!(work.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><work:work "), "{work}");
    assert!(dir.join("employment.xml").exists());
    assert!(!dir.join("work-without-type.xml").exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn lenient_flag_reads_documents_with_unknown_fields() {
    let dir = std::env::temp_dir().join(format!("orcid-cli-lenient-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("future.xml");
    let work = std::fs::read_to_string(items().join("work.xml")).unwrap();
    std::fs::write(&file, work.replace("<work:type>", "<work:new-field>x</work:new-field><work:type>")).unwrap();
    let path = file.to_str().unwrap();
    assert_eq!(orcid(&["convert", "--to", "xml", path]).status.code(), Some(1));
    let out = orcid(&["convert", "--to", "xml", "--lenient", path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // What the model does not know is kept, in its place.
    let written = String::from_utf8_lossy(&out.stdout);
    assert!(written.contains("<work:new-field>x</work:new-field>\n    <work:type>"), "{written}");
    // Converted to JSON, it is carried by ORCID's conventions, and the conversion says so.
    let out = orcid(&["convert", "--to", "json", "--lenient", path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(r#""new-field": "x""#));
    assert!(stderr(&out).contains("work: <work:new-field> is not part of the ORCID 3.0 schema"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(dir);
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("orcid-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn xml_to_json_and_back() {
    let out = orcid(&["convert", "--to", "json", "--for-upload", "work.xml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = String::from_utf8(out.stdout).unwrap();
    let doc = orcid_model::Document::from_xml_bytes(&std::fs::read(items().join("work.xml")).unwrap(), orcid_model::Mode::Strict).unwrap();
    assert_eq!(json, doc.to_json_string(orcid_model::WriteOptions::upload()));

    // The kind comes from the file name.
    let dir = scratch("json-back");
    let file = dir.join("work-from-xml.json");
    std::fs::write(&file, &json).unwrap();
    let out = orcid(&["convert", "--to", "xml", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), doc.to_xml_string(orcid_model::Layout::Indented));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn json_kind_from_flag_name_or_shape() {
    let dir = scratch("kinds");
    let minimal = r#"{"title": {"title": {"value": "T"}}, "type": "book"}"#;
    let unnamed = dir.join("upload.json");
    std::fs::write(&unnamed, minimal).unwrap();
    let path = unnamed.to_str().unwrap();

    let out = orcid(&["convert", "--to", "xml", path]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), format!("{path}: this JSON document could be any of work, work-summary; give its kind (--kind)\n"));

    let out = orcid(&["convert", "--to", "xml", "--kind", "work", path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let out = orcid(&["convert", "--to", "xml", "--kind", "paper", path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(
            "error: invalid value 'paper' for '--kind <KIND>': unknown kind \"paper\"; kinds are the names of ORCID's root elements: "
        ),
        "{}",
        stderr(&out)
    );

    let named = dir.join("funding-2024.json");
    std::fs::write(&named, minimal).unwrap();
    let out = orcid(&["convert", "--to", "xml", named.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "{}:1:1: funding:funding is missing the required key \"organization\" (read as funding, from the file name)\n",
            named.display()
        )
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn neither_xml_nor_json() {
    let dir = scratch("neither");
    let file = dir.join("notes.txt");
    std::fs::write(&file, "hello").unwrap();
    let out = orcid(&["convert", "--to", "json", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), format!("{}:1:1: neither XML nor JSON\n", file.display()));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn help_lists_the_kinds() {
    let out = orcid(&["convert", "--help"]);
    // Clap wraps help to the terminal's width: compare with the line breaks folded.
    let help = String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(help.contains("Kinds: activities-summary, address, addresses,"), "{help}");
    assert!(help.contains(" work, work-summary, works"), "{help}");
}
