//! `orcid sandbox serve`: the emulator of ORCID's member API, until interrupted.

use std::time::Duration;

use orcid_model::OrcidId;

use crate::error::{Exit, Failure, Outcome};

/// A local ORCID member API for offline tests.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

/// What to do with the emulator.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Serve the emulator on 127.0.0.1 until interrupted. Without --client and --record it
    /// has client APP-EMULATOR00000001 (secret `emulator-secret`) and record
    /// 0000-0002-1825-0097. /oauth/authorize signs in the first record and approves at once.
    Serve(Serve),
}

/// `orcid sandbox serve`'s arguments.
#[derive(clap::Args, Debug)]
pub struct Serve {
    /// The port (0 for any free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// A client, as ID:SECRET (repeatable).
    #[arg(long = "client", value_name = "ID:SECRET")]
    pub clients: Vec<ClientSpec>,
    /// A record's ORCID iD, with the holder's name after `=` (repeatable):
    /// `0000-0002-1825-0097=Josiah Carberry`.
    #[arg(long = "record", value_name = "ORCID[=NAME]")]
    pub records: Vec<RecordSpec>,
    /// Generate this many more records (names, employments, works with DOIs) for search
    /// to find, with iDs from 0000-0003-0000-0000 on; the same ones for the same number.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub people: usize,
    /// Serve without the member API's rate limit (24 a second, queue of 40).
    #[arg(long)]
    pub no_rate_limit: bool,
    /// Share of requests answered 503 (0 to 1).
    #[arg(long, default_value = "0", value_name = "SHARE")]
    pub fail_503: Share,
    /// Share of requests whose connection is dropped unanswered.
    #[arg(long, default_value = "0", value_name = "SHARE")]
    pub drop_connections: Share,
    /// Share of creates stored and then left unanswered (the retry meets 409).
    #[arg(long, default_value = "0", value_name = "SHARE")]
    pub lose_created: Share,
    /// Share of writes answered 409 with ORCID's 9018 (the record is locked).
    #[arg(long, default_value = "0", value_name = "SHARE")]
    pub locked: Share,
    /// Delay before each answer, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub delay_ms: u64,
}

/// `--client ID:SECRET`.
#[derive(Debug, Clone)]
pub struct ClientSpec {
    id: String,
    secret: String,
}

impl std::str::FromStr for ClientSpec {
    type Err = String;
    fn from_str(text: &str) -> Result<ClientSpec, String> {
        let (id, secret) = text.split_once(':').ok_or_else(|| format!("a client is ID:SECRET, not {text:?}"))?;
        Ok(ClientSpec { id: id.into(), secret: secret.into() })
    }
}

/// `--record ORCID[=NAME]`.
#[derive(Debug, Clone)]
pub struct RecordSpec {
    orcid: OrcidId,
    name: String,
}

impl std::str::FromStr for RecordSpec {
    type Err = String;
    fn from_str(text: &str) -> Result<RecordSpec, String> {
        let (orcid, name) = text.split_once('=').unwrap_or((text, ""));
        let orcid = OrcidId::parse(orcid.trim()).map_err(|e| e.to_string())?;
        Ok(RecordSpec { orcid, name: name.trim().to_owned() })
    }
}

/// A share of requests, from 0 to 1.
#[derive(Debug, Clone, Copy)]
pub struct Share(f64);

impl std::str::FromStr for Share {
    type Err = String;
    fn from_str(text: &str) -> Result<Share, String> {
        match text.parse::<f64>() {
            Ok(share) if (0.0..=1.0).contains(&share) => Ok(Share(share)),
            _ => Err(format!("a share is a number from 0 to 1, not {text}")),
        }
    }
}

impl Args {
    /// Runs `orcid sandbox ...`.
    pub fn run(&self) -> Outcome {
        match &self.command {
            Command::Serve(serve) => serve.run(),
        }
    }
}

impl Serve {
    fn config(&self) -> orcid_emulator::Config {
        let mut config = orcid_emulator::Config::default();
        if !self.clients.is_empty() {
            config.clients = self
                .clients
                .iter()
                .map(|c| orcid_emulator::ClientConfig { id: c.id.clone(), secret: c.secret.clone(), name: c.id.clone() })
                .collect();
        }
        if !self.records.is_empty() {
            config.users = self
                .records
                .iter()
                .map(|r| orcid_emulator::UserConfig { orcid: r.orcid.as_str().to_owned(), name: r.name.clone() })
                .collect();
        }
        config.people = self.people;
        if self.no_rate_limit {
            config.rate_limit = None;
        }
        config.faults = orcid_emulator::Faults {
            unavailable: self.fail_503.0,
            drop_connection: self.drop_connections.0,
            lose_created: self.lose_created.0,
            locked: self.locked.0,
            delay: Duration::from_millis(self.delay_ms),
        };
        config
    }

    fn run(&self) -> Outcome {
        let config = self.config();
        let clients: Vec<String> = config.clients.iter().map(|c| c.id.clone()).collect();
        let records: Vec<String> = config.users.iter().map(|u| u.orcid.clone()).collect();
        let people = match config.people {
            0 => String::new(),
            n => format!(" and {n} generated from 0000-0003-0000-0000 on"),
        };
        // One worker a core: a slow request (validating a 30 MB body) must not hold up the
        // others, as it did on one thread. The emulator's state is safe to share (its
        // duplicate check and insert are one step).
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| Failure::failed(format!("starting the server's threads: {e}")))?;
        let port = self.port;
        runtime
            .block_on(orcid_emulator::run_until_stopped(config, &format!("127.0.0.1:{port}"), |addr| {
                eprintln!("ORCID member API emulator at http://{addr}/v3.0 (OAuth at http://{addr}/oauth)");
                eprintln!("public API at http://{addr}/pub/v3.0");
                eprintln!("clients: {}; records: {}{people}", clients.join(", "), records.join(", "));
            }))
            .map_err(|e| Failure::failed(format!("port {port}: {e}")))?;
        Ok(Exit::Done)
    }
}
