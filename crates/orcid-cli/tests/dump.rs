//! `orcid dump` over a replica of the public data file: every tarball into Parquet and JSON
//! Lines, counts checked against what the replica wrote, the Parquet read by DuckDB (its
//! Python package, which `.ci/run` installs), a run killed in the middle of a commit and run
//! again giving the same files as an uninterrupted run, a truncated tarball and a malformed
//! entry reported with what was complete kept.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use orcid_dump::replica::{ReplicaOptions, ReplicaSummary};

const RECORDS: usize = 2000;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("dump-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The replica every test reads (written once).
fn replica() -> &'static (PathBuf, ReplicaSummary) {
    static REPLICA: OnceLock<(PathBuf, ReplicaSummary)> = OnceLock::new();
    REPLICA.get_or_init(|| {
        let dir = scratch("replica");
        let mut options = ReplicaOptions::new(RECORDS);
        options.samples =
            Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/upstream/src/main/resources/record_3.0/samples/read_samples"));
        options.items = Some(common::items());
        options.malformed = true;
        let summary = orcid_dump::replica::write(&dir, &options).unwrap();
        (dir, summary)
    })
}

fn orcid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orcid")).args(args).output().expect("runs")
}

fn tarballs() -> Vec<String> {
    replica().1.tarballs.iter().map(|p| p.display().to_string()).collect()
}

/// The JSON reports, one per tarball, by tarball name.
fn reports(output: &Output) -> BTreeMap<String, serde_json::Value> {
    common::text(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .map(|v| (v["tarball"].as_str().unwrap().to_owned(), v))
        .collect()
}

/// Every file under `dir` with its bytes (paths relative to `dir`), manifests and locks left out.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.starts_with(dir.join("manifest")) {
                out.insert(p.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn python(script: &str) -> String {
    let out = Command::new("python3").arg("-c").arg(script).output().expect("python3 runs (.ci/run installs it and duckdb)");
    assert!(out.status.success(), "python: {}", common::text(&out.stderr));
    common::text(&out.stdout)
}

#[test]
fn every_tarball_into_parquet_that_duckdb_reads_with_the_counts_the_replica_wrote() {
    let (_, replica) = replica();
    let out = scratch("parquet");
    let mut args = vec!["dump", "--to", "parquet", "--out", out.to_str().unwrap(), "--segment-entries", "700", "--report", "json"];
    let tarballs = tarballs();
    args.extend(tarballs.iter().map(String::as_str));
    let output = orcid(&args);
    // The malformed entry makes the exit 1; everything else is written.
    assert_eq!(output.status.code(), Some(1), "{}", common::text(&output.stderr));
    let reports = reports(&output);
    assert_eq!(reports.len(), 12);
    let summaries = &reports["ORCID_2025_10_summaries.tar.gz"];
    assert_eq!(summaries["entries"], RECORDS as u64);
    assert_eq!(summaries["complete"], true);
    let problems = summaries["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]["path"].as_str().unwrap().starts_with("summaries/") && problems[0]["message"].as_str().unwrap().contains("line"),
        "{problems:?}"
    );
    assert_eq!(summaries["counts"]["record"], replica.records + replica.placeholders - 1);
    let placeholders: u64 = summaries["placeholders"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(placeholders, replica.placeholders);
    // Items per kind across the eleven activities tarballs, and the unknown content counted.
    let mut items: BTreeMap<String, u64> = BTreeMap::new();
    let mut unknown = 0;
    for (name, report) in &reports {
        if name.contains("activities") {
            assert_eq!(report["complete"], true, "{report}");
            assert!(report["problems"].as_array().unwrap().is_empty(), "{report}");
            for (kind, n) in report["counts"].as_object().unwrap() {
                *items.entry(kind.clone()).or_default() += n.as_u64().unwrap();
            }
            unknown += report["unknown_documents"].as_u64().unwrap();
        }
    }
    assert_eq!(unknown, replica.unknown_items);
    assert_eq!(items["work"], replica.items["works"]);
    assert_eq!(items["funding"], replica.items["fundings"]);
    let affiliations: u64 = ["employments", "educations", "distinctions", "invited-positions", "memberships", "qualifications", "services"]
        .iter()
        .map(|s| replica.items.get(*s).copied().unwrap_or(0))
        .sum();

    let dir = out.join("parquet");
    let script = format!(
        r#"
import duckdb
con = duckdb.connect()
t = lambda name: f"read_parquet('{dir}/{{name}}/*.parquet')"
one = lambda sql: con.execute(sql).fetchall()[0][0]
print(one(f"select count(*) from {{t('record')}}"))
print(one(f"select count(*) from {{t('record')}} where state = 'active'"))
print(one(f"select count(*) from {{t('work')}}"))
print(one(f"select count(*) from {{t('affiliation')}}"))
print(one(f"select count(distinct kind) from {{t('affiliation')}}"))
print(one(f"select count(*) from {{t('funding')}}"))
# Every work identifier belongs to a work; every work belongs to a record.
print(one(f"select count(*) from {{t('work_external_id')}} i left join {{t('work')}} w using (orcid, put_code) where w.orcid is null"))
print(one(f"select string_agg(distinct w.orcid) from {{t('work')}} w left join {{t('record')}} r using (orcid) where r.orcid is null"))
# Works by DOI; (orcid, put_code) is a key.
print(one(f"select count(*) from {{t('work_external_id')}} where external_id_type = 'doi' and external_id_value like '10.5555/%'"))
print(one(f"select count(*) - count(distinct (orcid, put_code)) from {{t('work')}}"))
# Employers by ROR, joined to people's names.
print(one(f"select count(*) from {{t('affiliation')}} a join {{t('record')}} r using (orcid) where a.kind = 'employment' and a.organization_disambiguated_organization_identifier like 'https://ror.org/%' and r.person_name_family_name is not null"))
print(one(f"select count(*) from {{t('record_keyword')}}"))
print(one(f"select typeof(publication_date) from {{t('work')}} where publication_date is not null limit 1"))
print(one(f"select typeof(history_last_modified_date) from {{t('record')}} limit 1"))
import pyarrow.parquet as pq, glob
print(sum(pq.read_table(f).num_rows for f in glob.glob(f"{dir}/work/*.parquet")))
"#,
        dir = dir.display()
    );
    let lines: Vec<String> = python(&script).lines().map(str::to_owned).collect();
    let n = |i: usize| lines[i].parse::<u64>().unwrap_or_else(|_| panic!("line {i}: {}", lines[i]));
    assert_eq!(n(0), replica.records + replica.placeholders - 1, "records");
    assert_eq!(n(1), replica.records - 1, "active records");
    assert_eq!(n(2), replica.items["works"], "works");
    assert_eq!(n(3), affiliations, "affiliations");
    assert_eq!(n(4), 7, "affiliation kinds");
    assert_eq!(n(5), replica.items["fundings"], "fundings");
    assert_eq!(n(6), 0, "orphan work identifiers");
    // Only the works of the record whose entry is malformed have no record row.
    let malformed = problems[0]["path"].as_str().unwrap();
    assert!(malformed.ends_with(&format!("/{}.xml", lines[7])), "works without a record: {} ({malformed})", lines[7]);
    assert!(n(8) >= (RECORDS as u64) * 9 / 10, "DOIs: {}", n(8));
    assert_eq!(n(9), 0, "duplicate keys");
    assert!(n(10) > (RECORDS as u64) / 2, "employments at ROR organisations of named people: {}", n(10));
    assert!(n(11) >= replica.records - 1, "keywords");
    assert_eq!(lines[12], "DATE");
    assert_eq!(lines[13], "TIMESTAMP WITH TIME ZONE");
    assert_eq!(n(14), replica.items["works"], "pyarrow reads the same");
}

#[test]
fn json_lines_hold_every_document_in_orcids_json_with_unknown_content_kept() {
    let (_, replica) = replica();
    let out = scratch("jsonl");
    let mut args = vec!["dump", "--to", "jsonl", "--compress", "none", "--out", out.to_str().unwrap(), "--report", "json"];
    let tarballs = tarballs();
    args.extend(tarballs.iter().map(String::as_str));
    let output = orcid(&args);
    assert_eq!(output.status.code(), Some(1), "{}", common::text(&output.stderr));
    let mut per_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut unknown_kept = 0;
    for (path, bytes) in files(&out.join("jsonl")) {
        let kind = path.split('/').next().unwrap().to_owned();
        for line in common::text(&bytes).lines() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{path}: {e}: {line}"));
            assert_eq!(value["kind"], kind.as_str());
            assert!(value["orcid"].as_str().unwrap().len() == 19 && value["document"].is_object(), "{line}");
            if line.contains("impact-statement") {
                unknown_kept += 1;
            }
            *per_kind.entry(kind.clone()).or_default() += 1;
        }
    }
    assert_eq!(per_kind["record"], replica.records + replica.placeholders - 1);
    assert_eq!(per_kind["work"], replica.items["works"]);
    assert_eq!(unknown_kept, replica.unknown_items, "every piece of unknown content is in the lines");
    // A placeholder line says its state.
    let records = files(&out.join("jsonl/record"));
    let all: String = records.values().map(|b| common::text(b)).collect();
    assert!(all.contains(r#""state":"deactivated","document":{"response-code":410"#), "a placeholder line");
}

#[test]
fn compressed_json_lines_hold_the_same_lines() {
    let tarball =
        replica().1.tarballs.iter().find(|t| t.display().to_string().ends_with("activities_8.tar.gz")).unwrap().display().to_string();
    let dir = scratch("compressed");
    let mut lines: BTreeMap<String, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    for codec in ["none", "gzip", "zstd"] {
        let out = dir.join(codec);
        // Small segments: several batches (gzip members, zstd frames) to a file, several files.
        let output =
            orcid(&["dump", "--to", "jsonl", "--compress", codec, "--segment-entries", "1000", "--out", out.to_str().unwrap(), &tarball]);
        assert_eq!(output.status.code(), Some(0), "{}", common::text(&output.stderr));
        let mut plain = BTreeMap::new();
        for (path, bytes) in files(&out.join("jsonl")) {
            let (name, text) = match codec {
                "gzip" => {
                    let mut text = Vec::new();
                    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&bytes[..]), &mut text).unwrap();
                    (path.strip_suffix(".gz").unwrap().to_owned(), text)
                }
                "zstd" => (path.strip_suffix(".zst").unwrap().to_owned(), zstd::stream::decode_all(&bytes[..]).unwrap()),
                _ => (path, bytes),
            };
            plain.insert(name, text);
        }
        lines.insert(codec.to_owned(), plain);
    }
    assert!(lines["none"].len() > 4, "several files: {:?}", lines["none"].keys());
    assert!(lines["gzip"] == lines["none"] && lines["zstd"] == lines["none"], "the same lines whatever the compression");
}

#[test]
fn a_run_killed_between_two_renames_is_finished_by_running_it_again_with_the_same_files_as_one_run() {
    let summaries = replica().1.tarballs[0].display().to_string();
    let whole = scratch("whole");
    let args = |out: &Path| -> Vec<String> {
        ["dump", "--to", "parquet", "--segment-entries", "300", "--threads", "2", "--out", out.to_str().unwrap(), &summaries]
            .map(str::to_owned)
            .to_vec()
    };
    let output = Command::new(env!("CARGO_BIN_EXE_orcid")).args(args(&whole)).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "the malformed entry: {}", common::text(&output.stderr));

    let killed = scratch("killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_orcid"))
        .args(args(&killed))
        .env("ORCID_DUMP_HANG_IN_COMMIT", "3")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Segment 3's first file renamed, the others not, the manifest not updated: kill -9.
    let manifest = killed.join("manifest/ORCID_2025_10_summaries.json");
    let started = std::time::Instant::now();
    loop {
        let renamed = files(&killed).keys().any(|f| f.ends_with("-00003.parquet"));
        if renamed {
            break;
        }
        assert!(started.elapsed().as_secs() < 60, "segment 3 never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let kept: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    assert_eq!(kept["report"]["segments"], 3, "the manifest says three segments are done");
    assert!(files(&killed).keys().any(|f| f.ends_with(".tmp")), "the killed commit left temporary files");

    let again = Command::new(env!("CARGO_BIN_EXE_orcid")).args(args(&killed)).output().unwrap();
    assert_eq!(again.status.code(), Some(1), "{}", common::text(&again.stderr));
    let (a, b) = (files(&whole), files(&killed));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "the same files, no temporary one left");
    assert!(a == b, "the same bytes");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    assert_eq!(report["report"]["entries"], RECORDS as u64, "no entry counted twice");
    assert_eq!(report["report"]["complete"], true);

    // Done is done: a third run writes nothing and says so.
    let third =
        orcid(&["dump", "--to", "parquet", "--segment-entries", "300", "--out", killed.to_str().unwrap(), "--report", "json", &summaries]);
    assert_eq!(reports(&third)["ORCID_2025_10_summaries.tar.gz"]["entries"], RECORDS as u64);
    // Other options over the same folder are refused, and nothing is deleted.
    let other = orcid(&["dump", "--to", "parquet", "--segment-entries", "100", "--out", killed.to_str().unwrap(), &summaries]);
    assert_eq!(other.status.code(), Some(2));
    assert!(common::text(&other.stderr).contains("another size, format, compression or segment size"), "{}", common::text(&other.stderr));
    assert!(files(&killed) == b);
}

#[test]
fn a_truncated_tarball_is_reported_and_what_was_complete_is_kept() {
    let source = &replica().1.tarballs[0];
    let dir = scratch("truncated");
    let cut = dir.join("ORCID_2025_10_summaries.tar.gz");
    let bytes = std::fs::read(source).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() * 6 / 10]).unwrap();
    let out = dir.join("out");
    let output = orcid(&[
        "dump",
        "--to",
        "parquet",
        "--segment-entries",
        "250",
        "--out",
        out.to_str().unwrap(),
        "--report",
        "json",
        cut.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", common::text(&output.stderr));
    let report = &reports(&output)["ORCID_2025_10_summaries.tar.gz"];
    assert_eq!(report["complete"], false);
    let entries = report["entries"].as_u64().unwrap();
    assert!(entries > 500 && entries < RECORDS as u64, "{report}");
    let problem = report["problems"].as_array().unwrap().iter().find(|p| p["path"] == "").expect("the tarball's problem");
    assert!(problem["message"].as_str().unwrap().contains("ends early"), "{problem}");
    // Every entry read is a row.
    let rows = python(&format!(
        "import duckdb\nprint(duckdb.connect().execute(\"select count(*) from read_parquet('{}/parquet/record/*.parquet')\").fetchall()[0][0])",
        out.display()
    ));
    assert_eq!(rows.trim().parse::<u64>().unwrap(), report["counts"]["record"].as_u64().unwrap());
}

#[test]
fn the_library_reads_typed_records_and_items_with_their_paths() {
    let (_, replica) = replica();
    let (mut works, mut records, mut placeholders, mut unreadable) = (0u64, 0u64, 0u64, 0u64);
    for tarball in &replica.tarballs {
        let whole = orcid_dump::source::read(
            tarball,
            &mut |entry| {
                match &entry.document {
                    Ok(orcid_model::Document::Work(work)) => {
                        works += 1;
                        assert!(entry.path.ends_with(&format!("_works_{}.xml", entry.parsed.put_code.unwrap())));
                        assert_eq!(work.put_code.map(|p| p.get()), entry.parsed.put_code);
                    }
                    Ok(orcid_model::Document::Record(record)) => {
                        records += 1;
                        assert_eq!(record.orcid_identifier.as_ref().and_then(|i| i.path.as_deref()), Some(entry.parsed.orcid.as_str()));
                    }
                    Ok(orcid_model::Document::Error(_)) => placeholders += 1,
                    Ok(_) => {}
                    Err(_) => unreadable += 1,
                }
                true
            },
            &mut |p| panic!("{}: {}", p.path, p.message),
        )
        .unwrap();
        assert!(whole);
    }
    assert_eq!((works, records + 1, placeholders, unreadable), (replica.items["works"], replica.records, replica.placeholders, 1));
}

#[test]
fn the_table_layout_document_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../orcid-dump/TABLES.md");
    let expected = orcid_dump::layout::document();
    if std::env::var_os("UPDATE_TABLES").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == expected,
        "crates/orcid-dump/TABLES.md is stale: run `UPDATE_TABLES=1 cargo test -p orcid-cli --test dump` and review the diff"
    );
}
