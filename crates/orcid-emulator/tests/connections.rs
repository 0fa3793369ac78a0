//! Slow and idle clients: a connection that does not send its headers in time is closed, and
//! connections beyond the cap wait their turn instead of exhausting the process's files.

use std::time::Duration;

use orcid_emulator::{Config, Emulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Waits (at most a generous bound, for loaded machines) for the server to close `stream`;
/// whether it did.
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 64];
    matches!(tokio::time::timeout(Duration::from_secs(30), stream.read(&mut buf)).await, Ok(Ok(0)) | Ok(Err(_)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_connections_are_closed_and_never_lock_others_out() {
    let config = Config { header_timeout: Duration::from_millis(300), max_connections: 3, rate_limit: None, ..Config::default() };
    let emulator = Emulator::start(config, "127.0.0.1:0").await.unwrap();
    let addr = emulator.addr();

    // Idle (nothing sent) and slow-loris (headers never finished): both closed.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /v3.0/0000-0002-1825-0097/works HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut third = TcpStream::connect(addr).await.unwrap();
    // The cap is reached: a fourth client waits in the listen queue, then is served once the
    // idle ones are gone.
    let mut fourth = TcpStream::connect(addr).await.unwrap();
    fourth.write_all(b"GET /pub/v3.0/0000-0002-1825-0097/person HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(30), fourth.read_to_string(&mut answer)).await.expect("answered in time").unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(closed_by_server(&mut idle).await, "the idle connection is closed");
    assert!(closed_by_server(&mut slow).await, "the slow one too");
    assert!(closed_by_server(&mut third).await);
}

/// Large bodies wait for their share of the memory budget: four 600 KB bodies against a
/// 1 MiB budget are all answered, never more than one held at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_bodies_take_turns_within_the_memory_budget() {
    let config = orcid_emulator::Config { rate_limit: None, max_body_memory: 1 << 20, ..orcid_emulator::Config::default() };
    let emulator = orcid_emulator::Emulator::start(config, "127.0.0.1:0").await.unwrap();
    let token = emulator.issue_token("APP-EMULATOR00000001", "0000-0002-1825-0097", "/activities/update");
    let body = format!(
        r#"<work:work xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common"><work:title><common:title>{}</common:title></work:title><work:type>book</work:type></work:work>"#,
        "x".repeat(600 << 10)
    );
    let url = format!("{}/v3.0/0000-0002-1825-0097/work", emulator.url());
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let sends: Vec<_> = (0..4)
        .map(|_| {
            let request = http
                .post(&url)
                .header("Content-Type", "application/vnd.orcid+xml")
                .header("Authorization", format!("Bearer {token}"))
                .body(body.clone());
            tokio::spawn(request.send())
        })
        .collect();
    for send in sends {
        let status = send.await.unwrap().unwrap().status().as_u16();
        assert!(status == 400 || status == 201, "answered {status}");
    }
    let peak = emulator.peak_body_bytes();
    assert!(peak > 600 << 10 && peak < 1 << 20, "{peak} bytes held at once");
}
