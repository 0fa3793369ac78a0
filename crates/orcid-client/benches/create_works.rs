//! Creating 1,000 works against the emulator limited as ORCID is (24 a second, queue 40):
//! one by one, and in bulk. Prints the wall time against the rate limit's minimum, the
//! emulator's 503s and requests, and the client's CPU time per request.
//!
//! `cargo bench -p orcid-client --bench create_works` (about 45 s: the limit is the point).
//! The emulator runs on a thread of its own, so the client's CPU time is its thread's alone.

mod common;

use std::time::{Duration, Instant};

use orcid_client::{AccessToken, Api, Client};
use orcid_emulator::Config;
use orcid_model::common::{ExternalId, ExternalIds};
use orcid_model::vocabulary::{ExternalIdType, Relationship, WorkType};
use orcid_model::work::{Work, WorkTitle};

const ORCID: &str = "0000-0002-1825-0097";
static ID: std::sync::LazyLock<orcid_model::OrcidId> = std::sync::LazyLock::new(|| ORCID.parse().expect("an ORCID iD"));
const WORKS: usize = 1000;

fn work(run: &str, n: usize) -> Work {
    let mut work = Work::new(WorkTitle::new(format!("Benchmark work {n}")), WorkType::JournalArticle);
    let mut id = ExternalId::new(ExternalIdType::Doi, format!("10.5555/bench.{run}.{n}"));
    id.external_id_relationship = Some(Relationship::Self_);
    work.external_ids = Some(ExternalIds::from(vec![id]));
    work
}

/// This thread's CPU time (user + system), from /proc.
fn thread_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks: u64 = [11, 12].iter().filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok())).sum();
    Duration::from_millis(ticks * 10) // USER_HZ is 100 on Linux
}

fn main() {
    // The emulator on its own thread and runtime.
    let emulator = common::emulator(Config::default());
    let token = emulator.issue_token("APP-EMULATOR00000001", ORCID, "/activities/update /read-limited");
    let url = emulator.url();

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let client = Client::builder(Api::Url(url.clone())).build().unwrap();
        let token = AccessToken::new(token);

        let cpu = thread_cpu();
        let started = Instant::now();
        let mut existing = 0;
        for n in 0..WORKS {
            let created = client.record(&token, &ID).create(&work("one", n)).await.expect("create");
            existing += usize::from(created.existing);
        }
        let elapsed = started.elapsed();
        let cpu_one = thread_cpu() - cpu;
        // The emulator queues requests beyond 24 a second, so the fastest possible run
        // serves the first at once and one every 1/24 s after it.
        let minimum = Duration::from_secs_f64((WORKS - 1) as f64 / 24.0);
        println!(
            "one by one: {WORKS} works in {:.2} s; rate-limit minimum {:.2} s; {:+.1}% over",
            elapsed.as_secs_f64(),
            minimum.as_secs_f64(),
            (elapsed.as_secs_f64() / minimum.as_secs_f64() - 1.0) * 100.0
        );
        println!("one by one: {} requests, {} answered 503", emulator.requests(), emulator.rate_limited());
        println!(
            "one by one: client CPU {:.0} ms in all, {:.0} µs a request; {existing} answered as existing",
            cpu_one.as_secs_f64() * 1e3,
            cpu_one.as_secs_f64() * 1e6 / WORKS as f64
        );

        let works: Vec<Work> = (0..WORKS).map(|n| work("bulk", n)).collect();
        let requests = emulator.requests();
        let cpu = thread_cpu();
        let started = Instant::now();
        let results = client.record(&token, &ID).create_works(&works).await.expect("bulk");
        let elapsed = started.elapsed();
        let cpu_bulk = thread_cpu() - cpu;
        let ok = results.iter().filter(|r| r.is_ok()).count();
        println!(
            "bulk: {ok} of {WORKS} works in {} requests ({} answered 503 in all), {:.2} s; client CPU {:.0} ms, {:.1} ms a request",
            emulator.requests() - requests,
            emulator.rate_limited(),
            elapsed.as_secs_f64(),
            cpu_bulk.as_secs_f64() * 1e3,
            cpu_bulk.as_secs_f64() * 1e3 / WORKS.div_ceil(100) as f64
        );
    });
}
