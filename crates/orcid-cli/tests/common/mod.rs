//! What the command's tests share. Each test binary uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use orcid_emulator::{Config, Emulator};

/// The record the API tests write to.
pub const ORCID: &str = "0000-0002-1825-0097";
/// The member client the emulator issues tokens to.
pub const CLIENT: &str = "APP-EMULATOR00000001";

/// The repository's example items.
pub fn items() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/items")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The emulator, without a rate limit, on a runtime of its own for the life of the test.
pub fn emulator(worker_threads: usize) -> (tokio::runtime::Runtime, Emulator) {
    start(Config { rate_limit: None, ..Config::default() }, worker_threads)
}

/// An emulator so configured, on a runtime of its own for the life of the test.
pub fn start(config: Config, worker_threads: usize) -> (tokio::runtime::Runtime, Emulator) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(worker_threads).enable_all().build().unwrap();
    let emulator = runtime.block_on(Emulator::start(config, "127.0.0.1:0")).unwrap();
    (runtime, emulator)
}
