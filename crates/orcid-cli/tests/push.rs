//! `orcid push`, run as a user runs it against the emulator over loopback: each item on the
//! record exactly once, whatever happens.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use common::{CLIENT, ORCID, items, text};
use orcid_emulator::{Emulator, Faults};
use orcid_model::items::Section;

/// The emulator and a token that may write the record.
fn emulator() -> (tokio::runtime::Runtime, Emulator, String) {
    let (runtime, emulator) = common::emulator(2);
    let token = emulator.issue_token(CLIENT, ORCID, "/activities/update /person/update /read-limited");
    (runtime, emulator, token)
}

/// A folder with one item file of each of several sections, and `works` works.
fn folder(name: &str, works: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("orcid-push-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["employment.xml", "funding.xml", "keyword.xml", "researcher-url.xml", "distinction.xml", "peer-review.xml"] {
        std::fs::copy(items().join(file), dir.join(file)).unwrap();
    }
    let work = std::fs::read_to_string(items().join("work.xml")).unwrap();
    for i in 0..works {
        std::fs::write(dir.join(format!("work-{i:03}.xml")), work.replace("10.5555/zebrafish.2024.0507", &format!("10.5555/push.{i}")))
            .unwrap();
    }
    dir
}

fn push(emulator: &Emulator, token: &str, dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orcid"))
        .args(["push", "--api", &emulator.url(), "--orcid", ORCID, "--report", "json"])
        .args(extra)
        .arg(dir)
        .env("ORCID_TOKEN", token)
        .output()
        .expect("runs")
}

/// The report's per-file lines: (file, action).
fn actions(out: &Output) -> Vec<(String, String)> {
    text(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v.get("file").is_some())
        .map(|v| (v["file"].as_str().unwrap().to_owned(), v["action"].as_str().unwrap().to_owned()))
        .collect()
}

fn counts(emulator: &Emulator) -> Vec<usize> {
    [
        Section::Work,
        Section::Employment,
        Section::Funding,
        Section::Keyword,
        Section::ResearcherUrl,
        Section::Distinction,
        Section::PeerReview,
    ]
    .into_iter()
    .map(|s| emulator.count(ORCID, s))
    .collect()
}

#[test]
fn a_folder_is_pushed_once_and_then_only_what_changed() {
    let (_rt, emulator, token) = emulator();
    let dir = folder("basic", 150);
    let out = push(&emulator, &token, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(counts(&emulator), [150, 1, 1, 1, 1, 1, 1]);
    assert!(actions(&out).iter().all(|(_, a)| a == "create"), "{:?}", actions(&out));
    // 150 works in 2 bulk requests, the 6 other items one request each.
    assert_eq!(emulator.requests(), 8);

    // Again: nothing to send; the record is read once (/activities and /person) before the
    // ledger is trusted.
    let out = push(&emulator, &token, &dir, &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(actions(&out).iter().all(|(_, a)| a == "unchanged"), "{:?}", actions(&out));
    assert_eq!(emulator.requests(), 10);

    // A changed file is updated; a removed one kept unless --delete.
    let keyword = dir.join("keyword.xml");
    std::fs::write(&keyword, std::fs::read_to_string(&keyword).unwrap().replace(">regeneration<", ">fin regeneration<")).unwrap();
    std::fs::remove_file(dir.join("work-007.xml")).unwrap();
    let out = push(&emulator, &token, &dir, &["--dry-run"]);
    let planned = actions(&out);
    assert!(planned.contains(&("keyword.xml".into(), "update".into())), "{planned:?}");
    assert!(planned.contains(&("work-007.xml".into(), "kept".into())), "{planned:?}");
    assert_eq!(emulator.requests(), 10, "a dry run sends nothing, not even a read");
    let out = push(&emulator, &token, &dir, &[]);
    assert!(actions(&out).contains(&("keyword.xml".into(), "update".into())), "{:?}", actions(&out));
    assert_eq!(emulator.count(ORCID, Section::Work), 150);
    let out = push(&emulator, &token, &dir, &["--delete"]);
    assert!(actions(&out).contains(&("work-007.xml".into(), "delete".into())), "{:?}", actions(&out));
    assert_eq!(emulator.count(ORCID, Section::Work), 149);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn invalid_files_are_reported_and_the_others_go_on() {
    let (_rt, emulator, token) = emulator();
    let dir = folder("invalid", 2);
    std::fs::write(dir.join("work-bad.xml"), std::fs::read_to_string(items().join("work.xml")).unwrap().replace(">doi<", ">DOI<")).unwrap();
    let out = push(&emulator, &token, &dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(actions(&out).contains(&("work-bad.xml".into(), "invalid".into())), "{:?}", actions(&out));
    let bad = text(&out.stdout).lines().find(|l| l.contains("work-bad.xml")).unwrap().to_owned();
    assert!(bad.contains("\"orcid_code\":9023"), "{bad}");
    assert_eq!(counts(&emulator), [2, 1, 1, 1, 1, 1, 1]);
    let _ = std::fs::remove_dir_all(dir);
}

/// Lost answers, dropped connections and 503s: run again until the report is clean, then every
/// item is on the record once and the ledger knows it.
#[test]
fn lost_answers_and_faults_never_make_a_second_copy() {
    let (_rt, emulator, token) = emulator();
    let dir = folder("faults", 40);
    emulator.set_faults(Faults { unavailable: 0.2, drop_connection: 0.1, lose_created: 0.3, ..Faults::default() });
    let mut runs = 0;
    loop {
        runs += 1;
        let out = push(&emulator, &token, &dir, &[]);
        if out.status.code() == Some(0) {
            break;
        }
        assert!(runs < 20, "still failing after 20 runs: {}{}", text(&out.stdout), text(&out.stderr));
    }
    emulator.set_faults(Faults::default());
    assert_eq!(counts(&emulator), [40, 1, 1, 1, 1, 1, 1], "after {runs} runs");
    let out = push(&emulator, &token, &dir, &[]);
    assert!(actions(&out).iter().all(|(_, a)| a == "unchanged"), "the ledger matches the record: {:?}", actions(&out));
    let _ = std::fs::remove_dir_all(dir);
}

/// `kill -9` at any moment: the next run ends with every item on the record once. Each run
/// is killed as soon as the record has grown (so mid-run, between a create and its ledger
/// entry where it can be), with slow answers and some of them lost.
#[test]
fn a_killed_push_resumes_without_duplicates() {
    let (_rt, emulator, token) = emulator();
    let dir = folder("kill", 250);
    for i in 0..20 {
        std::fs::write(
            dir.join(format!("keyword-{i:02}.xml")),
            std::fs::read_to_string(items().join("keyword.xml")).unwrap().replace(">regeneration<", &format!(">topic {i}<")),
        )
        .unwrap();
    }
    let total = |emulator: &Emulator| counts(emulator).iter().sum::<usize>();
    emulator.set_faults(Faults { delay: Duration::from_millis(20), lose_created: 0.15, ..Faults::default() });
    let mut killed_mid_run = 0;
    for _ in 0..6 {
        let before = total(&emulator);
        let mut child = Command::new(env!("CARGO_BIN_EXE_orcid"))
            .args(["push", "--api", &emulator.url(), "--orcid", ORCID])
            .arg(&dir)
            .env("ORCID_TOKEN", &token)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if total(&emulator) > before {
                let _ = child.kill();
                killed_mid_run += 1;
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.wait();
    }
    assert!(killed_mid_run >= 3, "only {killed_mid_run} runs were killed mid-run");
    emulator.set_faults(Faults::default());
    let out = push(&emulator, &token, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(counts(&emulator), [250, 1, 1, 21, 1, 1, 1]);
    let out = push(&emulator, &token, &dir, &[]);
    assert!(actions(&out).iter().all(|(_, a)| a == "unchanged"), "{:?}", actions(&out));
    let _ = std::fs::remove_dir_all(dir);
}

/// A first run against a record that already holds the items (created by this client before
/// the ledger existed) takes them over with --adopt instead of creating them again.
#[test]
fn adopt_takes_over_items_already_on_the_record() {
    let (_rt, emulator, token) = emulator();
    let dir = folder("adopt", 3);
    assert_eq!(push(&emulator, &token, &dir, &[]).status.code(), Some(0));
    std::fs::remove_file(dir.join(".orcid-push.sqlite")).unwrap();
    let _ = std::fs::remove_file(dir.join(".orcid-push.sqlite-wal"));
    let _ = std::fs::remove_file(dir.join(".orcid-push.sqlite-shm"));
    let out = push(&emulator, &token, &dir, &["--adopt", "--client-id", CLIENT]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(actions(&out).iter().all(|(_, a)| a == "adopt"), "{:?}", actions(&out));
    assert_eq!(counts(&emulator), [3, 1, 1, 1, 1, 1, 1]);
    let _ = std::fs::remove_dir_all(dir);
}

/// An item the researcher deleted stays deleted; --recreate creates it again.
#[test]
fn items_deleted_on_the_record_are_reported_and_recreated_on_request() {
    let (rt, emulator, token) = emulator();
    let dir = folder("gone", 0);
    assert_eq!(push(&emulator, &token, &dir, &[]).status.code(), Some(0));
    // Someone deletes the keyword on the record; then the file changes.
    let client = orcid_client::Client::builder(orcid_client::Api::Url(format!("{}/v3.0/", emulator.url()))).build().unwrap();
    let access = orcid_client::AccessToken::new(&token);
    let id: orcid_model::OrcidId = ORCID.parse().unwrap();
    let keywords = rt.block_on(client.record(&access, &id).list::<orcid_model::keyword::Keyword>()).unwrap();
    let put_code = keywords.keywords[0].put_code.unwrap();
    rt.block_on(client.record(&access, &id).delete::<orcid_model::keyword::Keyword>(put_code)).unwrap();
    let keyword = dir.join("keyword.xml");
    std::fs::write(&keyword, std::fs::read_to_string(&keyword).unwrap().replace(">regeneration<", ">fins<")).unwrap();
    let out = push(&emulator, &token, &dir, &[]);
    assert!(actions(&out).contains(&("keyword.xml".into(), "gone".into())), "{:?}", actions(&out));
    assert_eq!(emulator.count(ORCID, Section::Keyword), 0);
    let out = push(&emulator, &token, &dir, &[]);
    assert!(actions(&out).contains(&("keyword.xml".into(), "gone".into())), "still gone: {:?}", actions(&out));
    let out = push(&emulator, &token, &dir, &["--recreate"]);
    assert!(actions(&out).contains(&("keyword.xml".into(), "create".into())), "{:?}", actions(&out));
    assert_eq!(emulator.count(ORCID, Section::Keyword), 1);
    let _ = std::fs::remove_dir_all(dir);
}

/// The pid a push wrote in the folder's lock, once it holds it.
fn lock_holder(dir: &Path, child: &mut std::process::Child) -> u32 {
    for _ in 0..500 {
        if let Some(pid) = std::fs::read_to_string(dir.join(".orcid-push.lock")).ok().and_then(|t| t.trim().parse().ok()) {
            return pid;
        }
        assert!(child.try_wait().unwrap().is_none(), "the first push ended before it was seen holding the folder");
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("no push took the folder's lock");
}

fn spawn_push(emulator: &Emulator, token: &str, dir: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_orcid"))
        .args(["push", "--api", &emulator.url(), "--orcid", ORCID, "--report", "json"])
        .arg(dir)
        .env("ORCID_TOKEN", token)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Two runs at once on one folder: the second stops at once and names the first, which ends
/// with every item on the record once; a run killed while holding the folder never blocks the
/// next.
#[test]
fn one_push_a_folder_at_a_time() {
    let (_rt, emulator, token) = emulator();
    let dir = folder("overlap", 0);
    emulator.set_faults(Faults { delay: Duration::from_millis(150), ..Faults::default() });
    let mut first = spawn_push(&emulator, &token, &dir);
    let pid = lock_holder(&dir, &mut first);
    assert_eq!(pid, first.id());
    let second = push(&emulator, &token, &dir, &[]);
    assert_eq!(second.status.code(), Some(2));
    let said = text(&second.stderr);
    assert!(said.starts_with(&format!("error: another `orcid push` (process {pid}) is pushing {}", dir.display())), "{said}");
    assert!(second.stdout.is_empty(), "the second run sent and reported nothing");
    let first = first.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert_eq!(counts(&emulator), [0, 1, 1, 1, 1, 1, 1]);

    // Killed while holding the folder: the lock goes with the process.
    std::fs::write(
        dir.join("keyword.xml"),
        std::fs::read_to_string(items().join("keyword.xml")).unwrap().replace(">regeneration<", ">fins<"),
    )
    .unwrap();
    let mut killed = spawn_push(&emulator, &token, &dir);
    lock_holder(&dir, &mut killed);
    killed.kill().unwrap();
    killed.wait().unwrap();
    emulator.set_faults(Faults::default());
    let out = push(&emulator, &token, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(counts(&emulator), [0, 1, 1, 1, 1, 1, 1]);
    let _ = std::fs::remove_dir_all(dir);
}

/// A renamed or moved file keeps its item; a copy is a conflict and neither is sent; a file
/// whose name ends in `.XML` is still an item file.
#[test]
fn identity_is_the_item_not_the_file_name() {
    let (_rt, emulator, token) = emulator();
    let dir = folder("identity", 3);
    assert_eq!(push(&emulator, &token, &dir, &[]).status.code(), Some(0));
    let requests = emulator.requests();

    std::fs::rename(dir.join("work-000.xml"), dir.join("zebrafish.xml")).unwrap();
    std::fs::create_dir(dir.join("old")).unwrap();
    std::fs::rename(dir.join("employment.xml"), dir.join("old/employment.xml")).unwrap();
    std::fs::rename(dir.join("keyword.xml"), dir.join("keyword.XML")).unwrap();
    let out = push(&emulator, &token, &dir, &["--delete"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let got = actions(&out);
    for renamed in ["zebrafish.xml", "old/employment.xml", "keyword.XML"] {
        assert!(got.contains(&(renamed.into(), "renamed".into())), "{renamed}: {got:?}");
    }
    assert!(!got.iter().any(|(_, a)| a == "delete" || a == "create"), "{got:?}");
    assert_eq!(emulator.requests(), requests + 2, "a rename sends nothing (the record is read, two requests)");
    assert_eq!(counts(&emulator), [3, 1, 1, 1, 1, 1, 1]);

    // A copy with an edited title: the same DOI, so the same item. Neither is sent.
    let copy = std::fs::read_to_string(dir.join("work-001.xml")).unwrap().replace("<common:title>", "<common:title>Copy: ");
    std::fs::write(dir.join("work-001-copy.xml"), copy).unwrap();
    let out = push(&emulator, &token, &dir, &["--delete"]);
    assert_eq!(out.status.code(), Some(1));
    let got = actions(&out);
    assert!(
        got.contains(&("work-001.xml".into(), "conflict".into())) && got.contains(&("work-001-copy.xml".into(), "conflict".into())),
        "{got:?}"
    );
    assert_eq!(emulator.requests(), requests + 4, "a conflict sends nothing (the record is read)");
    std::fs::remove_file(dir.join("work-001-copy.xml")).unwrap();
    let out = push(&emulator, &token, &dir, &["--delete"]);
    assert!(actions(&out).iter().all(|(_, a)| a == "unchanged"), "{:?}", actions(&out));
    assert_eq!(counts(&emulator), [3, 1, 1, 1, 1, 1, 1]);
    let _ = std::fs::remove_dir_all(dir);
}

/// `--delete` deletes an item only when nothing is at its file's path, and stops when the
/// folder looks emptied unless `--force`.
#[test]
fn delete_removes_only_what_is_certainly_gone() {
    let (_rt, emulator, token) = emulator();
    let dir = folder("gone-for-sure", 2);
    assert_eq!(push(&emulator, &token, &dir, &[]).status.code(), Some(0));
    std::fs::remove_file(dir.join("keyword.xml")).unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere.xml"), dir.join("keyword.xml")).unwrap();
    std::fs::remove_file(dir.join("employment.xml")).unwrap();
    std::fs::create_dir(dir.join("employment.xml")).unwrap();
    std::fs::remove_file(dir.join("funding.xml")).unwrap();
    assert!(Command::new("mkfifo").arg(dir.join("funding.xml")).status().unwrap().success());
    let out = push(&emulator, &token, &dir, &["--delete"]);
    let got = actions(&out);
    assert!(!got.iter().any(|(_, a)| a == "delete"), "{got:?}");
    assert!(got.contains(&("employment.xml".into(), "kept".into())), "{got:?}");
    assert_eq!(counts(&emulator), [2, 1, 1, 1, 1, 1, 1]);

    // Most files gone at once: the run stops before sending anything.
    for file in ["keyword.xml", "funding.xml", "work-000.xml", "work-001.xml", "distinction.xml"] {
        std::fs::remove_file(dir.join(file)).unwrap();
    }
    std::fs::remove_dir(dir.join("employment.xml")).unwrap();
    let requests = emulator.requests();
    let out = push(&emulator, &token, &dir, &["--delete"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("6 of the 8 items this folder pushed would be deleted"), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--delete --force"), "{}", text(&out.stderr));
    assert_eq!(emulator.requests(), requests, "nothing was sent");
    let out = push(&emulator, &token, &dir, &["--delete", "--dry-run"]);
    assert_eq!(actions(&out).iter().filter(|(_, a)| a == "delete").count(), 6, "the dry run shows them: {:?}", actions(&out));
    let out = push(&emulator, &token, &dir, &["--delete", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(counts(&emulator), [0, 0, 0, 0, 1, 0, 1]);
    let _ = std::fs::remove_dir_all(dir);
}

/// The ledger knows where it pushed: the same folder pushed to a second server (an emulator
/// with the same iD) starts from that server's record, and coming back adopts instead of
/// creating copies. The wire format is no part of a change.
#[test]
fn the_ledger_knows_the_server_and_the_format_is_no_change() {
    let (_rt, emulator, token) = emulator();
    let (_rt2, other) = common::emulator(1);
    let other_token = other.issue_token(CLIENT, ORCID, "/activities/update /person/update /read-limited");
    let dir = folder("servers", 2);
    assert_eq!(push(&emulator, &token, &dir, &[]).status.code(), Some(0));
    // The ledger as a table: a line a file, with the server it was sent to.
    let status = Command::new(env!("CARGO_BIN_EXE_orcid")).args(["push", "--status", "--report", "json"]).arg(&dir).output().unwrap();
    assert_eq!(status.status.code(), Some(0), "{}", text(&status.stderr));
    let rows: Vec<serde_json::Value> = text(&status.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 8);
    let server = format!("{}/v3.0", emulator.url());
    assert!(rows.iter().all(|r| r["state"] == "stored" && r["server"] == server.as_str() && r["record"] == ORCID), "{rows:?}");
    assert!(rows.iter().any(|r| r["file"] == "work-000.xml" && r["section"] == "work" && r["put_code"].is_i64()), "{rows:?}");
    let out = push(&emulator, &token, &dir, &["--format", "json"]);
    assert!(actions(&out).iter().all(|(_, a)| a == "unchanged"), "{:?}", actions(&out));

    let out = push(&other, &other_token, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(actions(&out).iter().all(|(_, a)| a == "create"), "{:?}", actions(&out));
    assert_eq!(counts(&other), [2, 1, 1, 1, 1, 1, 1]);

    let out = push(&emulator, &token, &dir, &["--client-id", CLIENT]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(actions(&out).iter().all(|(_, a)| a == "adopt"), "{:?}", actions(&out));
    assert_eq!(counts(&emulator), [2, 1, 1, 1, 1, 1, 1], "no copies on the first server");
    let _ = std::fs::remove_dir_all(dir);
}

/// The record is checked before the ledger is trusted: items the researcher deleted, and a
/// reset server, are reported gone (never "unchanged"), and created again only with
/// --recreate.
#[test]
fn unchanged_is_checked_against_the_record() {
    let (_rt, emulator, token) = emulator();
    let dir = folder("reset", 3);
    assert_eq!(push(&emulator, &token, &dir, &[]).status.code(), Some(0));
    emulator.reset();
    let (reset, reset_token) = (&emulator, &token);
    let out = push(reset, reset_token, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let got = actions(&out);
    assert_eq!(got.len(), 9);
    assert!(got.iter().all(|(_, a)| a == "gone"), "{got:?}");
    assert_eq!(counts(reset), [0, 0, 0, 0, 0, 0, 0], "nothing was created on a guess");
    let out = push(reset, reset_token, &dir, &["--recreate"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(counts(reset), [3, 1, 1, 1, 1, 1, 1]);
    let out = push(reset, reset_token, &dir, &[]);
    assert!(actions(&out).iter().all(|(_, a)| a == "unchanged"), "{:?}", actions(&out));
    let _ = std::fs::remove_dir_all(dir);
}

/// A revoked token stops the run at its first answer, with one message, the ledger intact.
#[test]
fn a_refused_token_stops_the_run_at_once() {
    let (_rt, emulator, token) = emulator();
    let dir = folder("revoked", 150);
    assert_eq!(push(&emulator, &token, &dir, &[]).status.code(), Some(0));
    for file in ["keyword.xml", "employment.xml", "funding.xml"] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("regeneration", "fins", 1).replacen("Example", "Sample", 1)).unwrap();
    }
    let requests = emulator.requests();
    let out = push(&emulator, "not-a-token", &dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.contains("401") && said.contains("the ledger keeps what was done"), "{said}");
    assert!(emulator.requests() - requests <= 3, "{} requests after the first 401", emulator.requests() - requests);
    let out = push(&emulator, &token, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(actions(&out).iter().filter(|(_, a)| a == "update").count() >= 1, "{:?}", actions(&out));
    let _ = std::fs::remove_dir_all(dir);
}

/// A deleted or zeroed ledger in a folder pushed before: the items on the record are taken
/// over, never created again.
#[test]
fn a_lost_ledger_adopts_instead_of_duplicating() {
    let (_rt, emulator, token) = emulator();
    let dir = folder("lost", 2);
    assert_eq!(push(&emulator, &token, &dir, &[]).status.code(), Some(0));
    for file in [".orcid-push.sqlite", ".orcid-push.sqlite-wal", ".orcid-push.sqlite-shm"] {
        let _ = std::fs::remove_file(dir.join(file));
    }
    let out = push(&emulator, &token, &dir, &["--client-id", CLIENT]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(actions(&out).iter().all(|(_, a)| a == "adopt"), "{:?}", actions(&out));
    assert_eq!(counts(&emulator), [2, 1, 1, 1, 1, 1, 1]);

    // Zeroed: an empty file where the ledger was.
    for file in [".orcid-push.sqlite-wal", ".orcid-push.sqlite-shm"] {
        let _ = std::fs::remove_file(dir.join(file));
    }
    std::fs::write(dir.join(".orcid-push.sqlite"), b"").unwrap();
    let out = push(&emulator, &token, &dir, &["--client-id", CLIENT]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(actions(&out).iter().all(|(_, a)| a == "adopt"), "{:?}", actions(&out));
    assert_eq!(counts(&emulator), [2, 1, 1, 1, 1, 1, 1]);
    let _ = std::fs::remove_dir_all(dir);
}

/// An item another client is the source of is `not-source` (ORCID's 9010), not a failure of
/// the file: the run says so and sends the rest.
#[test]
fn another_clients_item_is_not_source() {
    let mut config = orcid_emulator::Config { rate_limit: None, ..orcid_emulator::Config::default() };
    config.clients.push(orcid_emulator::ClientConfig { id: "APP-OTHER000000002".into(), secret: "other".into(), name: "Other".into() });
    let (_rt, emulator) = common::start(config, 2);
    let token = emulator.issue_token(CLIENT, ORCID, "/activities/update /person/update /read-limited");
    let other = emulator.issue_token("APP-OTHER000000002", ORCID, "/activities/update /person/update /read-limited");
    let dir = folder("not-source", 0);
    assert_eq!(push(&emulator, &token, &dir, &[]).status.code(), Some(0));
    let keyword = dir.join("keyword.xml");
    std::fs::write(&keyword, std::fs::read_to_string(&keyword).unwrap().replace(">regeneration<", ">fins<")).unwrap();
    let out = push(&emulator, &other, &dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(actions(&out).contains(&("keyword.xml".into(), "not-source".into())), "{:?}", actions(&out));
    assert_eq!(counts(&emulator), [0, 1, 1, 1, 1, 1, 1]);
    let _ = std::fs::remove_dir_all(dir);
}

/// A file that now holds an item of another section: the old item is the old file's (kept,
/// or deleted with --delete), never said to be deleted by someone else.
#[test]
fn a_file_that_changes_kind_keeps_or_deletes_its_old_item_on_purpose() {
    let (_rt, emulator, token) = emulator();
    let dir = folder("kind", 2);
    assert_eq!(push(&emulator, &token, &dir, &[]).status.code(), Some(0));
    std::fs::copy(items().join("other-name.xml"), dir.join("work-000.xml")).unwrap();
    let out = push(&emulator, &token, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let got = actions(&out);
    assert!(got.contains(&("work-000.xml".into(), "kept".into())) && got.contains(&("work-000.xml".into(), "create".into())), "{got:?}");
    let said = text(&out.stdout);
    assert!(said.contains("the file now holds an item of other-names; the work it held stays on the record"), "{said}");
    assert_eq!(emulator.count(ORCID, Section::Work), 2);
    assert_eq!(emulator.count(ORCID, Section::OtherName), 1);

    std::fs::write(
        dir.join("work-001.xml"),
        std::fs::read_to_string(items().join("keyword.xml")).unwrap().replace(">regeneration<", ">other<"),
    )
    .unwrap();
    let out = push(&emulator, &token, &dir, &["--delete"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(actions(&out).contains(&("work-001.xml".into(), "delete".into())), "{:?}", actions(&out));
    assert_eq!(emulator.count(ORCID, Section::Work), 1);
    assert_eq!(emulator.count(ORCID, Section::Keyword), 2);
    let _ = std::fs::remove_dir_all(dir);
}

/// A locked record (ORCID's 409/9018) is no failure: the run tries those items again a while
/// later, and what is still locked then is `deferred`, for the next run; nothing is doubled.
#[test]
fn a_locked_record_defers_and_tries_again() {
    let (_rt, emulator, token) = emulator();
    let dir = folder("locked", 0);
    emulator.set_faults(Faults { locked: 0.5, ..Faults::default() });
    let out = push(&emulator, &token, &dir, &["--retry-locked-after", "0.1"]);
    let got = actions(&out);
    assert!(!got.iter().any(|(_, a)| a == "failed"), "{got:?}");
    assert!(emulator.requests() >= 9, "every other write was locked and tried again: {} requests for 6 items", emulator.requests());
    let mut runs = 1;
    let mut out = out;
    while out.status.code() != Some(0) {
        assert!(actions(&out).iter().all(|(_, a)| a == "create" || a == "deferred" || a == "unchanged"), "{:?}", actions(&out));
        runs += 1;
        assert!(runs < 10, "still deferred after 10 runs");
        out = push(&emulator, &token, &dir, &["--retry-locked-after", "0.1"]);
    }
    emulator.set_faults(Faults::default());
    assert_eq!(counts(&emulator), [0, 1, 1, 1, 1, 1, 1], "after {runs} runs");
    let _ = std::fs::remove_dir_all(dir);
}

/// The README's example folder pushes cleanly, and again is unchanged.
#[test]
fn the_example_folder_pushes() {
    let (_rt, emulator, token) = emulator();
    let dir = std::env::temp_dir().join(format!("orcid-push-example-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/push-example");
    for entry in std::fs::read_dir(&example).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let out = push(&emulator, &token, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(actions(&out).len(), 4);
    let out = push(&emulator, &token, &dir, &[]);
    assert!(actions(&out).iter().all(|(_, a)| a == "unchanged"), "{:?}", actions(&out));
    let _ = std::fs::remove_dir_all(dir);
}
