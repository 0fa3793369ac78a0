//! A search paging through 10,000 results of the emulator (10,000 generated people), limited
//! as ORCID is (nginx's `limit_req`: 24 a second, later requests waiting in a queue of 40):
//! requests and wall time for pages of 1000, 200 and 100, against the least time that pacing
//! allows for as many requests (the first at once, then one every 1/24 s); then the same
//! against an emulator without the limit, which is the emulator's and the client's own cost.
//! The emulator's first search, which indexes its records, is timed on its own.
//!
//! `cargo bench -p orcid-client --bench search`.

mod common;

use std::sync::Arc;
use std::time::Instant;

use futures_util::StreamExt;
use orcid_client::{AccessToken, Api, Client, RateLimit};
use orcid_emulator::{Config, Emulator};

/// An emulator of 10,000 records on a runtime of its own.
fn emulator(rate_limit: Option<(f64, u32)>) -> Arc<Emulator> {
    let started = Instant::now();
    let emulator = common::emulator(Config { people: 9_999, rate_limit, ..Config::default() });
    println!("emulator with 10,000 records ready in {:.2} s", started.elapsed().as_secs_f64());
    emulator
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    for rate_limit in [Some((24.0, 40)), None] {
        let emulator = emulator(rate_limit);
        let token = AccessToken::new(emulator.issue_token("APP-EMULATOR00000001", "0000-0002-1825-0097", "/read-limited"));
        runtime.block_on(async {
            // The emulator indexes its records at the first search.
            let started = Instant::now();
            let first = Client::builder(Api::Url(emulator.url())).build().unwrap();
            first.search(Some(&token)).ids("*:*", 0, 0).await.expect("a first search");
            println!("first search (indexes the records): {:.2} s", started.elapsed().as_secs_f64());
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            for rows in [1000, 200, 100] {
                // The client's own limit out of the way: the emulator's is the one measured.
                let client =
                    Client::builder(Api::Url(emulator.url())).rate_limit(RateLimit { per_second: 1e6, burst: 1_000_000 }).build().unwrap();
                let before = emulator.requests();
                let started = Instant::now();
                let mut results = 0;
                let mut pages = std::pin::pin!(client.search(Some(&token)).ids_all("*:*", rows));
                while let Some(page) = pages.next().await {
                    results += page.expect("a page").results.len();
                }
                let elapsed = started.elapsed().as_secs_f64();
                let requests = emulator.requests() - before;
                let least = match rate_limit {
                    Some(_) => format!("(ORCID's pacing alone: {:.2} s)", (requests as f64 - 1.0) / 24.0),
                    None => "(no limit)".into(),
                };
                println!("rows {rows:4}: {results} results, {requests:3} requests, {elapsed:6.2} s {least}");
                assert_eq!(results, 10_000);
            }
        });
        println!("503s: {}", emulator.rate_limited());
    }
}
