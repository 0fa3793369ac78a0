//! What the benchmarks share.

use std::sync::Arc;

use orcid_emulator::{Config, Emulator};

/// An emulator on a thread and runtime of its own, for the life of the process: the client
/// under test keeps its runtime to itself.
pub fn emulator(config: Config) -> Arc<Emulator> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        runtime.block_on(async move {
            let emulator = Arc::new(Emulator::start(config, "127.0.0.1:0").await.unwrap());
            tx.send(emulator).unwrap();
            std::future::pending::<()>().await
        });
    });
    rx.recv().unwrap()
}
