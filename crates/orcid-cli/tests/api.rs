//! `orcid token`, `post`, `put`, `get`, `delete` and `sandbox serve`, run as a user runs
//! them, against the emulator over loopback.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

use common::{CLIENT, ORCID, emulator, items, text};
use orcid_emulator::Config;

fn orcid(args: &[&str], token: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_orcid"));
    command.args(args).current_dir(items()).env_remove("ORCID_TOKEN").env_remove("ORCID_CLIENT_SECRET");
    if let Some(t) = token {
        command.env("ORCID_TOKEN", t);
    }
    command.output().expect("runs")
}

#[test]
fn post_get_put_delete_a_work() {
    let (_runtime, emulator) = emulator(1);
    let token = emulator.issue_token(CLIENT, ORCID, "/activities/update /read-limited");
    let api = emulator.url();
    let target = ["--api", api.as_str(), "--orcid", ORCID];

    // work.xml is XML; sent as JSON, converted on the way.
    let out = orcid(&[&["post", "work.xml", "--format", "json"][..], &target].concat(), Some(&token));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let put_code = text(&out.stdout).trim().to_string();
    assert!(put_code.parse::<i64>().is_ok(), "{put_code:?}");
    assert_eq!(emulator.count(ORCID, orcid_model::items::Section::Work), 1);

    let out = orcid(&[&["get", "--section", "work", "--put-code", &put_code, "--format", "json"][..], &target].concat(), Some(&token));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["put-code"].as_i64().unwrap().to_string(), put_code);
    assert_eq!(json["source"]["source-client-id"]["path"], CLIENT);

    // Posting it again: ORCID's duplicate error, exit 1.
    let out = orcid(&[&["post", "work.xml"][..], &target].concat(), Some(&token));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains(&format!("error 9021: 409 Conflict: You have already added this activity (matched by external identifiers), please see element with put-code {put_code}")), "{}", text(&out.stderr));

    let out = orcid(&[&["put", "work.xml", "--put-code", &put_code][..], &target].concat(), Some(&token));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("put-code=\"{put_code}\"")), "{}", text(&out.stdout));

    let out = orcid(&[&["get", "--section", "work"][..], &target].concat(), Some(&token));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("<activities:works"), "{}", text(&out.stdout));

    let out = orcid(&[&["delete", "--section", "work", "--put-code", &put_code][..], &target].concat(), Some(&token));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(emulator.count(ORCID, orcid_model::items::Section::Work), 0);
    let out = orcid(&[&["delete", "--section", "work", "--put-code", &put_code][..], &target].concat(), Some(&token));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("HTTP 404 with error 9016"), "{}", text(&out.stderr));
}

#[test]
fn post_refuses_invalid_items_and_missing_tokens() {
    let (_runtime, emulator) = emulator(1);
    let token = emulator.issue_token(CLIENT, ORCID, "/activities/update");
    let api = emulator.url();
    let out = orcid(&["post", "invalid/work-misordered.xml", "--api", &api, "--orcid", ORCID], Some(&token));
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error[xsd.order]") && stderr.contains("not sent: fix the errors above"), "{stderr}");
    assert_eq!(emulator.count(ORCID, orcid_model::items::Section::Work), 0);

    // With --no-validate it goes, and the emulator answers with ORCID's error.
    let bad = std::env::temp_dir().join(format!("orcid-cli-bad-work-{}.xml", std::process::id()));
    let work = std::fs::read_to_string(items().join("work.xml")).unwrap();
    assert!(work.contains("<work:type>journal-article</work:type>"));
    std::fs::write(&bad, work.replace("<work:type>journal-article</work:type>", "<work:type>jornal-article</work:type>")).unwrap();
    let out = orcid(&["post", bad.to_str().unwrap(), "--no-validate", "--api", &api, "--orcid", ORCID], Some(&token));
    let _ = std::fs::remove_file(&bad);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr)
            .contains("HTTP 400 with error 9051: 400 Bad Request: <work:type>: \"jornal-article\" is not on ORCID's work-type list"),
        "{}",
        text(&out.stderr)
    );

    let out = orcid(&["post", "work.xml", "--api", &api, "--orcid", ORCID], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr), "error: no token: set ORCID_TOKEN or give --token-file\n");

    let out = orcid(&["get", "--section", "papers", "--api", &api, "--orcid", ORCID], Some(&token));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .starts_with("error: invalid value 'papers' for '--section <SECTION>': unknown section `papers`; sections: work, funding"),
        "{}",
        text(&out.stderr)
    );
    // A section's list path names it too.
    let out = orcid(&["get", "--section", "works", "--api", &api, "--orcid", ORCID], Some(&token));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn token_by_client_credentials_to_a_private_file() {
    let (_runtime, emulator) = emulator(1);
    let dir = std::env::temp_dir().join(format!("orcid-cli-token-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let secret = dir.join("secret");
    std::fs::write(&secret, "emulator-secret\n").unwrap();
    let out_file = dir.join("token");
    let out = orcid(
        &[
            "token",
            "--api",
            &emulator.url(),
            "--client-id",
            CLIENT,
            "--client-secret-file",
            secret.to_str().unwrap(),
            "--scope",
            "/read-public",
            "--out",
            out_file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert_eq!(text(&out.stderr), format!("token: scope /read-public, written to {}\n", out_file.display()));
    let token = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(token.trim().len(), 36);
    // Every URL the emulator's banner prints names the server: its OAuth URL and the public
    // API's (whose host issues /read-public tokens too).
    for api in [format!("{}/oauth", emulator.url()), format!("{}/pub/v3.0", emulator.url()), format!("{}/v3.0/", emulator.url())] {
        let out = orcid(
            &["token", "--api", &api, "--client-id", CLIENT, "--client-secret-file", secret.to_str().unwrap(), "--scope", "/read-public"],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{api}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout).trim().len(), 36, "{api}");
    }
    // A researcher's token in one command from the emulator, which approves at once; it writes.
    let authorize = |extra: &[&str]| {
        let base = [
            "token",
            "--api",
            &emulator.url(),
            "--client-id",
            CLIENT,
            "--client-secret-file",
            secret.to_str().unwrap(),
            "--authorize",
            "--scope",
            "/activities/update /read-limited",
            "--redirect-uri",
            "https://example.org/back",
        ];
        orcid(&[&base[..], extra].concat(), None)
    };
    let out = authorize(&["--orcid", ORCID]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), format!("token: scope /activities/update /read-limited, for {ORCID}\n"));
    let researcher = text(&out.stdout).trim().to_owned();
    let posted = orcid(&["post", "work.xml", "--api", &emulator.url(), "--orcid", ORCID], Some(&researcher));
    assert_eq!(posted.status.code(), Some(0), "{}", text(&posted.stderr));
    let out = authorize(&["--orcid", "0000-0001-5109-3700"]);
    assert_eq!(out.status.code(), Some(1), "refused by the server");
    assert_eq!(text(&out.stderr), "error: OAuth error (HTTP 400): access_denied: no record 0000-0001-5109-3700\n");

    // --out naming a folder is refused before a token is issued (one would be lost): asked of a
    // port nothing listens on, the answer is still about the folder.
    let args = |to: &str| {
        orcid(
            &[
                "token",
                "--api",
                "http://127.0.0.1:9",
                "--client-id",
                CLIENT,
                "--client-secret-file",
                secret.to_str().unwrap(),
                "--scope",
                "/read-public",
                "--out",
                to,
            ],
            None,
        )
    };
    let out = args(dir.to_str().unwrap());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr), format!("error: {}: a folder; --out names the file to write the token to\n", dir.display()));
    let out = args(dir.join("no/such/token").to_str().unwrap());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr), format!("error: {}: no such folder to write the token into\n", dir.join("no/such").display()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&out_file).unwrap().permissions().mode() & 0o777, 0o600);
    }

    std::fs::write(&secret, "wrong").unwrap();
    let out = orcid(
        &[
            "token",
            "--api",
            &emulator.url(),
            "--client-id",
            CLIENT,
            "--client-secret-file",
            secret.to_str().unwrap(),
            "--scope",
            "/read-public",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "error: OAuth error (HTTP 401): invalid_client: Bad client credentials\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sandbox_serve_says_where_it_listens() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orcid"))
        .args(["sandbox", "serve", "--port", "0", "--record", "0000-0001-5109-3700=Ada Lovelace", "--people", "5"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let third = lines.next().unwrap().unwrap();
    let base = first.strip_prefix("ORCID member API emulator at ").and_then(|r| r.split_once("/v3.0")).map(|(b, _)| b.to_owned());
    // The record holder's name is searchable on the public API.
    let found =
        orcid(&["search", "--api", &format!("{}/pub", base.clone().unwrap_or_default()), "given-and-family-names:\"ada lovelace\""], None);
    child.kill().unwrap();
    let _ = child.wait();
    assert!(first.starts_with("ORCID member API emulator at http://127.0.0.1:") && first.ends_with("/oauth)"), "{first}");
    assert_eq!(second, format!("public API at {}/pub/v3.0", base.unwrap_or_default()));
    assert_eq!(third, "clients: APP-EMULATOR00000001; records: 0000-0001-5109-3700 and 5 generated from 0000-0003-0000-0000 on");
    assert!(text(&found.stdout).contains("\"path\":\"0000-0001-5109-3700\""), "{}", text(&found.stderr));
    // A --record that is not an iD is refused before anything starts.
    let out = orcid(&["sandbox", "serve", "--port", "0", "--record", "0000-0001-5109-3701=Ada"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("check digit"), "{}", text(&out.stderr));
}

#[test]
fn group_commands_register_find_update_and_delete() {
    let (_runtime, emulator) = emulator(1);
    let token = emulator.issue_token(CLIENT, ORCID, "/group-id-record/update");
    let api = emulator.url();
    let target = ["--api", api.as_str()];
    let out = orcid(&[&["group", "create"][..], &target, &["group-id-record.xml"]].concat(), Some(&token));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let put_code = text(&out.stdout).trim().to_owned();
    assert!(put_code.parse::<i64>().is_ok(), "{put_code:?}");

    // Group ids compare ignoring case, as ORCID's registry compares them.
    let out = orcid(
        &[&["group", "get"][..], &target, &["--group-id", "ORCID-GENERATED:Example-Press-Reviews", "--format", "json"]].concat(),
        Some(&token),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["put-code"].as_i64().unwrap().to_string(), put_code);

    let out = orcid(&[&["group", "search"][..], &target, &["--name", "Example Academic Press reviews"]].concat(), Some(&token));
    assert!(
        text(&out.stdout).contains("<group-id:group-id>orcid-generated:example-press-reviews</group-id:group-id>"),
        "{}",
        text(&out.stdout)
    );
    let out = orcid(&[&["group", "search"][..], &target, &["--all"]].concat(), Some(&token));
    assert_eq!(text(&out.stdout).lines().count(), 1, "{}", text(&out.stdout));

    // A record ORCID would refuse is checked first and not sent.
    let bad = std::env::temp_dir().join(format!("orcid-cli-bad-group-{}.xml", std::process::id()));
    let xml = std::fs::read_to_string(items().join("group-id-record.xml")).unwrap();
    std::fs::write(&bad, xml.replace("<group-id:type>publisher</group-id:type>", "")).unwrap();
    let before = emulator.requests();
    let out = orcid(&[&["group", "create"][..], &target, &[bad.to_str().unwrap()]].concat(), Some(&token));
    let _ = std::fs::remove_file(&bad);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is missing the required element <group-id:type>"), "{}", text(&out.stderr));
    assert_eq!(emulator.requests(), before, "nothing sent");

    // Registering it again: ORCID's 9025, exit 1.
    let out = orcid(&[&["group", "create"][..], &target, &["group-id-record.xml"]].concat(), Some(&token));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("9025"), "{}", text(&out.stderr));

    let out = orcid(&[&["group", "update", "--put-code", &put_code][..], &target, &["group-id-record.xml"]].concat(), Some(&token));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = orcid(&[&["group", "delete", "--put-code", &put_code][..], &target].concat(), Some(&token));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = orcid(&[&["group", "get", "--put-code", &put_code][..], &target].concat(), Some(&token));
    assert_eq!(out.status.code(), Some(1));
}

/// A callback server: each request's first line, sent on the channel, answered 204.
fn callback_server() -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
            let line = String::from_utf8_lossy(&request).lines().next().unwrap_or_default().to_owned();
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    (url, rx)
}

#[test]
fn notify_and_webhook_commands() {
    let (_runtime, emulator) = emulator(1);
    let api = emulator.url();
    let target = ["--api", api.as_str(), "--orcid", ORCID];

    // A permission notification: sent, read back with ORCID's dates, archived.
    let notify = emulator.issue_token(CLIENT, ORCID, "/premium-notification");
    let out = orcid(&[&["notify", "create"][..], &target, &["notification-permission.xml"]].concat(), Some(&notify));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let put_code = text(&out.stdout).trim().to_owned();
    let out = orcid(&[&["notify", "get", "--put-code", &put_code, "--format", "json"][..], &target].concat(), Some(&notify));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((json["put-code"].as_i64().map(|n| n.to_string()), json["archived-date"].is_null()), (Some(put_code.clone()), true));
    assert!(json["sent-date"]["value"].is_u64(), "epoch milliseconds, as ORCID writes dates in JSON: {json}");
    let out = orcid(&[&["notify", "archive", "--put-code", &put_code][..], &target].concat(), Some(&notify));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("<common:archived-date>"), "{}", text(&out.stdout));
    // An invalid notification is not sent, and says where it is wrong.
    let empty = std::env::temp_dir().join(format!("orcid-cli-empty-items-{}.xml", std::process::id()));
    let xml = std::fs::read_to_string(items().join("notification-permission.xml")).unwrap();
    let start = xml.find("<notification:items>").unwrap();
    let end = xml.find("</notification:items>").unwrap() + "</notification:items>".len();
    std::fs::write(&empty, format!("{}<notification:items/>{}", &xml[..start], &xml[end..])).unwrap();
    let before = emulator.requests();
    let out = orcid(&[&["notify", "create"][..], &target, &[empty.to_str().unwrap()]].concat(), Some(&notify));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is missing the required element <notification:item>"), "{}", text(&out.stderr));
    assert_eq!(emulator.requests(), before, "nothing sent");
    let _ = std::fs::remove_file(&empty);

    // A webhook: registered once, called when the record changes, removed.
    let hooks = emulator.issue_token(CLIENT, ORCID, "/webhook");
    let (callbacks, calls) = callback_server();
    let hook = format!("{callbacks}/orcid-changed/{ORCID}");
    let out = orcid(&[&["webhook", "add"][..], &target, &[&hook]].concat(), Some(&hooks));
    assert_eq!((out.status.code(), text(&out.stdout)), (Some(0), format!("registered: {hook} for {ORCID}\n")));
    let out = orcid(&[&["webhook", "add"][..], &target, &[&hook]].concat(), Some(&hooks));
    assert_eq!(text(&out.stdout), format!("already registered: {hook} for {ORCID}\n"));
    let writer = emulator.issue_token(CLIENT, ORCID, "/activities/update");
    let out = orcid(&[&["post"][..], &target, &["work.xml"]].concat(), Some(&writer));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let call = calls.recv_timeout(std::time::Duration::from_secs(5)).expect("the webhook is called");
    assert_eq!(call, format!("POST /orcid-changed/{ORCID} HTTP/1.1"));
    let out = orcid(&[&["webhook", "remove"][..], &target, &[&hook]].concat(), Some(&hooks));
    assert_eq!(text(&out.stdout), format!("removed: {hook} for {ORCID}\n"));
    let out = orcid(&[&["webhook", "remove"][..], &target, &[&hook]].concat(), Some(&hooks));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("9028"), "{}", text(&out.stderr));
}

#[test]
fn search_and_anonymous_reads() {
    let (_runtime, emulator) = common::start(Config { rate_limit: None, people: 300, ..Config::default() }, 1);
    let public = format!("{}/pub", emulator.url());

    // Without a token, on the public API: one JSON object a line.
    let out = orcid(&["search", "--api", &public, "family-name:Carberry AND given-names:Josiah"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["orcid-identifier"]["path"], ORCID);

    // Every page: 301 records, 50 a page.
    let out = orcid(&["search", "--api", &public, "--expanded", "--all", "--rows", "50", "*:*"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 301);
    // A bare wildcard on a field: every record that has the field, as Solr answers it.
    let out = orcid(&["search", "--api", &public, "--all", "--rows", "1000", "family-name:*"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().count(), 301);
    assert!(lines.iter().any(|l| l["orcid-id"] == ORCID && l["family-names"] == "Carberry"));
    let out = orcid(&["search", "--api", &public, "--csv", "orcid,family-name", "--all", "--rows", "100", "*:*"], None);
    let csv = text(&out.stdout);
    assert_eq!(csv.lines().next(), Some("orcid,family-name"), "the header once");
    assert_eq!(csv.lines().count(), 302);
    assert!(csv.contains(&format!("\n{ORCID},Carberry\n")), "{csv}");
    assert_eq!(text(&out.stderr), "", "every field asked for is one ORCID writes");
    // A field ORCID does not write is dropped by ORCID; the command says so.
    let out = orcid(&["search", "--api", &public, "--csv", "orcid,surname", "--rows", "1", "*:*"], None);
    assert_eq!(text(&out.stdout).lines().next(), Some("orcid"));
    assert!(text(&out.stderr).starts_with("warning: not a csv-search field: surname; so ORCID leaves them out (fields: orcid, email,"));
    let out = orcid(&["search", "--api", &public, "--csv", "surname", "--rows", "1", "*:*"], None);
    assert!(text(&out.stdout).starts_with("orcid,email,given-names,"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).starts_with("warning: not a csv-search field: surname; so ORCID writes every field"));

    // What ORCID refuses: exit 1 with ORCID's code.
    let out = orcid(&["search", "--api", &public, "colour:red"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error 9008"), "{}", text(&out.stderr));
    let out = orcid(&["search", "--api", &public, "--start", "10001", "*:*"], None);
    assert!(text(&out.stderr).contains("error 9043"), "{}", text(&out.stderr));

    // Reads: anonymous on the public API, refused on the member API.
    let out = orcid(&["get", "--api", &public, "--orcid", ORCID, "--section", "record", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(record["person"]["name"]["family-name"]["value"], "Carberry", "{record}");
    let out = orcid(&["get", "--api", &emulator.url(), "--orcid", ORCID, "--section", "person"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error 9002"), "{}", text(&out.stderr));
}

#[test]
fn unreadable_inputs_are_io_errors_said_once() {
    let (_runtime, emulator) = emulator(1);
    let api = emulator.url();
    let dir = std::env::temp_dir().join(format!("orcid-cli-unreadable-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token = emulator.issue_token(CLIENT, ORCID, "/group-id-record/update");

    // A missing file: exit 2, one message, nothing sent.
    let missing = dir.join("missing.xml");
    let out = orcid(&["group", "create", "--api", &api, missing.to_str().unwrap()], Some(&token));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), format!("error: {}: No such file or directory (os error 2)\n", missing.display()));

    // A FIFO is refused by name, at once, instead of waiting for a writer.
    let fifo = dir.join("work.xml");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let out = orcid(&["post", fifo.to_str().unwrap(), "--api", &api, "--orcid", ORCID], Some(&token));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        format!("error: {}: not a regular file (a FIFO, socket or device): items are read from files\n", fifo.display())
    );

    // An empty token file is said to be empty, before any request.
    let token_file = dir.join("token");
    std::fs::write(&token_file, "\n").unwrap();
    let out = orcid(&["get", "--section", "works", "--api", &api, "--orcid", ORCID, "--token-file", token_file.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), format!("error: {}: the token file is empty\n", token_file.display()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn push_needs_a_folder_and_a_webhook_an_http_url() {
    let missing = std::env::temp_dir().join(format!("orcid-cli-no-folder-{}", std::process::id()));
    let out = orcid(&["push", "--orcid", ORCID, missing.to_str().unwrap()], Some("token"));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr), format!("error: {}: No such file or directory (os error 2)\n", missing.display()));
    let out = orcid(&["push", "--orcid", ORCID, "work.xml"], Some("token"));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr), "error: work.xml: not a folder: push keeps a record in step with a folder of item files\n");

    for (url, why) in [
        ("not a url", "not a URL (relative URL without a base)"),
        ("ftp://example.org/cb", "a callback is an http or https URL with a host"),
    ] {
        let out = orcid(&["webhook", "add", "--orcid", ORCID, url], Some("token"));
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out.stderr).starts_with(&format!("error: invalid value '{url}' for '<URL>': {why}\n")), "{}", text(&out.stderr));
    }
}

#[test]
fn authorize_against_a_server_that_wants_a_browser_prints_the_url() {
    // ORCID answers /oauth/authorize with its sign-in page: a loopback server that does the same.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let n = stream.read(&mut request).unwrap();
        let line = String::from_utf8_lossy(&request[..n]).lines().next().unwrap_or_default().to_owned();
        let page = "<html>Sign in to ORCID</html>";
        write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}", page.len())
            .unwrap();
        line
    });
    let dir = std::env::temp_dir().join(format!("orcid-cli-browser-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let secret = dir.join("secret");
    std::fs::write(&secret, "s").unwrap();
    let api = format!("http://{addr}");
    let out = orcid(
        &[
            "token",
            "--api",
            &api,
            "--client-id",
            "APP-1",
            "--client-secret-file",
            secret.to_str().unwrap(),
            "--authorize",
            "--scope",
            "/activities/update",
            "--redirect-uri",
            "https://example.org/back",
        ],
        None,
    );
    let request_line = server.join().unwrap();
    assert!(
        request_line.starts_with("GET /oauth/authorize?client_id=APP-1&response_type=code&scope=%2Factivities%2Fupdate&redirect_uri="),
        "{request_line}"
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        format!(
            "open this URL in a browser, sign in and approve:\n  {api}/oauth/authorize?client_id=APP-1&response_type=code&scope=%2Factivities%2Fupdate&redirect_uri=https%3A%2F%2Fexample.org%2Fback\nthen run orcid token --api {api} --client-id APP-1 --code CODE --redirect-uri https://example.org/back\nwith the code the redirect carries\n"
        )
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A server that cannot be reached is named, with how to pick another (after the retries).
#[test]
fn an_unreachable_server_is_named_with_the_way_out() {
    let out = orcid(&["get", "--api", "http://127.0.0.1:9/", "--orcid", ORCID, "--section", "works"], Some("token"));
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(said.starts_with("error: work: error sending request for url (http://127.0.0.1:9/v3.0/"), "{said}");
    assert!(said.contains("127.0.0.1 could not be reached: check the network, or give --api to pick another server"), "{said}");
}

/// A token without the scope a request needs is told which scope, and how to get one.
#[test]
fn a_missing_scope_says_which_and_how_to_get_it() {
    let (_rt, emulator) = common::emulator(1);
    let token = emulator.issue_token(CLIENT, ORCID, "/read-limited");
    let api = emulator.url();
    let out = orcid(&["post", "work.xml", "--api", &api, "--orcid", ORCID], Some(&token));
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(said.contains("the token lacks the scope /activities/update"), "{said}");
    assert!(
        said.contains("works, fundings, affiliations, peer reviews and research resources need a researcher's /activities/update"),
        "{said}"
    );
    assert!(said.contains("orcid token --authorize --scope"), "{said}");
}
