//! A local, in-memory emulator of ORCID's member API 3.0, for tests and offline CI.
//!
//! It keeps records in memory and behaves as ORCID does where a client can tell: OAuth
//! (authorize, token, refresh, revoke), every writable section with `201` and `Location`,
//! ORCID's put-code rules (9019, 9024, 9031, 9034), source ownership (9010), duplicates by
//! normalised `self` identifiers (9021), section lists grouped as ORCID groups them,
//! `/activities`, `/person` and `/record` built from them, bulk works and reading works by put-code, the
//! 10,000-works cap, `400` error bodies built from the validator's diagnostics, and the
//! member API's rate limit (24 a second with a queue of 40; `503` beyond it), the
//! peer-review group registry, permission notifications, webhooks (called when their record
//! changes), the public API under `/pub` and search over the records. Faults can be
//! injected on purpose: a share of `503`s, delays, dropped connections, and creates whose
//! answer is lost after the item was stored.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use orcid_emulator::{Config, Emulator};
//! let emulator = Emulator::start(Config::default(), "127.0.0.1:0").await?;
//! println!("member API at {}/v3.0", emulator.url());
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The crate's README, whose example is compiled as a test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

// The layers, bottom up (`tests/layers.rs` holds them to it): configuration and faults;
// the state; the HTTP kit; one handler module per feature, which import only the layers
// below; the router, which knows them all.
mod config;
mod faults;
mod state;

mod http;

mod groups;
mod items;
mod notices;
mod oauth;
mod people;
mod search;

mod router;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Notify;

pub use config::{ClientConfig, Config, UserConfig};
pub use faults::Faults;
pub use people::{GeneratedPerson, generated_people};

/// A running emulator. Dropping it stops it.
pub struct Emulator {
    addr: SocketAddr,
    state: Arc<state::State>,
    stop: Arc<Notify>,
}

impl Emulator {
    /// Binds `addr` (port 0 for any free port) and serves until dropped.
    pub async fn start(config: Config, addr: &str) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = app(config, format!("http://{addr}"));
        let state = app.state.clone();
        let stop = Arc::new(Notify::new());
        tokio::spawn(serve(listener, app, stop.clone()));
        Ok(Emulator { addr, state, stop })
    }

    /// `http://127.0.0.1:PORT`: the API is under `/v3.0`, OAuth under `/oauth`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Issues a researcher's token directly, as if they had authorized `client_id` with
    /// `scopes` (space-separated): for tests that do not walk the OAuth dance.
    pub fn issue_token(&self, client_id: &str, orcid: &str, scopes: &str) -> String {
        self.state.issue(client_id, Some(orcid), scopes).0
    }

    /// Replaces the faults being injected.
    pub fn set_faults(&self, faults: Faults) {
        self.state.set_faults(faults);
    }

    /// How many member API requests arrived so far (OAuth not counted).
    pub fn requests(&self) -> u64 {
        self.state.requests()
    }

    /// The most request-body bytes held at once so far (bounded by
    /// [`Config::max_body_memory`]).
    pub fn peak_body_bytes(&self) -> u64 {
        self.state.body_bytes_peak()
    }

    /// How many requests answered `503` because of the rate limit so far.
    pub fn rate_limited(&self) -> u64 {
        self.state.rate_limited()
    }

    /// Empties every record and starts put-codes again from the first, as a server restored
    /// from nothing would: tokens, clients and the group registry stay.
    pub fn reset(&self) {
        self.state.reset();
    }

    /// How many items the record holds in a section.
    pub fn count(&self, orcid: &str, section: orcid_model::items::Section) -> usize {
        self.state.count(orcid, section)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop.notify_waiters();
    }
}

/// Binds `addr`, calls `ready` with the bound address, and serves until the process ends
/// (what `orcid sandbox serve` runs).
pub async fn run_until_stopped(config: Config, addr: &str, ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let app = app(config, format!("http://{addr}"));
    ready(addr);
    serve(listener, app, Arc::new(Notify::new())).await;
    Ok(())
}

/// The emulator's parts, put together: the state with the configured and generated records,
/// and the features that listen to it (search's index, webhooks).
fn app(config: Config, base_url: String) -> router::App {
    let people = config.people;
    let mut state = state::State::new(config, base_url);
    for (user, record) in people::generate(&state, people) {
        state.add_record(user, record);
    }
    let state = Arc::new(state);
    let search = search::Search::watch(&state);
    notices::watch(&state);
    router::App { state, search }
}

/// The accept loop: hyper's HTTP/1 connection per socket, so a handler can drop its
/// connection (a fault axum's own server has no way to make).
async fn serve(listener: TcpListener, app: router::App, stop: Arc<Notify>) {
    let (header_timeout, max_connections) = (app.state.config.header_timeout, app.state.config.max_connections.max(1));
    let app = router::router(app);
    let slots = Arc::new(tokio::sync::Semaphore::new(max_connections));
    loop {
        // A free slot first: at the cap, new connections wait in the listen queue.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            _ = stop.notified() => return,
        };
        let Ok(slot) = slot else { return };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.notified() => return,
        };
        let Ok((stream, _)) = accepted else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let app = app.clone();
        tokio::spawn(async move {
            let _slot = slot; // freed when the connection ends
            let kill = Arc::new(Notify::new());
            let handle = http::DropConnection(kill.clone());
            let service = TowerToHyperService::new(app);
            let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(handle.clone());
                hyper::service::Service::call(&service, request)
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = kill.notified() => {}
            }
        });
    }
}
