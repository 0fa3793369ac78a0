//! `push` of a folder of 1,000 works and 100 keywords against the emulator limited as ORCID
//! is (24 a second, queue 40), then again with nothing changed. Prints the wall times and the
//! requests sent.
//!
//! `cargo bench -p orcid-client --features push --bench push`.

mod common;

use std::time::Instant;

use orcid_client::push::{PushOptions, push};
use orcid_client::{AccessToken, Api, Client};
use orcid_emulator::Config;

const ORCID: &str = "0000-0002-1825-0097";

fn main() {
    let emulator = common::emulator(Config::default());
    let token = emulator.issue_token("APP-EMULATOR00000001", ORCID, "/activities/update /person/update /read-limited");

    let dir = std::env::temp_dir().join(format!("orcid-push-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for n in 0..1000 {
        let work = format!(
            r#"<work:work xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common"><work:title><common:title>Benchmark work {n}</common:title></work:title><work:type>journal-article</work:type><common:external-ids><common:external-id><common:external-id-type>doi</common:external-id-type><common:external-id-value>10.5555/push.{n}</common:external-id-value><common:external-id-relationship>self</common:external-id-relationship></common:external-id></common:external-ids></work:work>"#
        );
        std::fs::write(dir.join(format!("work-{n:04}.xml")), work).unwrap();
    }
    for n in 0..100 {
        let keyword = format!(
            r#"<keyword:keyword xmlns:keyword="http://www.orcid.org/ns/keyword"><keyword:content>topic {n}</keyword:content></keyword:keyword>"#
        );
        std::fs::write(dir.join(format!("keyword-{n:03}.xml")), keyword).unwrap();
    }

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let url = emulator.url();
    let folder = dir.clone();
    runtime.block_on(async move {
        let dir = folder;
        let client = Client::builder(Api::Url(url)).build().unwrap();
        let token = AccessToken::new(token);
        let orcid = ORCID.parse().unwrap();
        for run in ["first run", "nothing changed"] {
            let before = emulator.requests();
            let started = Instant::now();
            let report = push(&client, &token, &orcid, &dir, &PushOptions::default(), &|_| {}).await.expect("push");
            assert!(report.is_clean());
            println!(
                "{run:16} {:6.2} s  {} requests  {} created, {} unchanged",
                started.elapsed().as_secs_f64(),
                emulator.requests() - before,
                report.count(orcid_client::push::Action::Create),
                report.count(orcid_client::push::Action::Unchanged)
            );
        }
        // nginx's limit_req without nodelay: the first at once, then one every 1/24 s.
        println!("ORCID's pacing alone needs {:.2} s for 110 requests (one every 1/24 s)", (110.0 - 1.0) / 24.0);
    });
    let _ = std::fs::remove_dir_all(dir);
}
