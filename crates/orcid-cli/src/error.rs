//! The one error type of the command line, and the exit codes: `main` maps them once.

use std::fmt;
use std::process::ExitCode;

/// How a command ended, as its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// 0: done; every file valid, every item sent.
    Done = 0,
    /// 1: refused: an invalid document, or ORCID (or the emulator) said no.
    Refused = 1,
    /// 2: could not run: usage, I/O or the network.
    Failed = 2,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// A command that stopped: what to say, and the exit code.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub exit: Exit,
    /// The message, naming the file or item it is about.
    pub message: String,
}

impl Failure {
    /// A usage, I/O or network failure (exit 2).
    pub fn failed(message: impl fmt::Display) -> Failure {
        Failure { exit: Exit::Failed, message: message.to_string() }
    }

    /// A refusal (exit 1).
    pub fn refused(message: impl fmt::Display) -> Failure {
        Failure { exit: Exit::Refused, message: message.to_string() }
    }

    /// A client error about `what`: ORCID's refusals exit 1, the rest 2. The message carries
    /// the error's causes.
    pub fn client(what: impl fmt::Display, e: &orcid_client::Error) -> Failure {
        let failure = Failure::of_client(e);
        Failure { message: format!("{what}: {}", failure.message), ..failure }
    }

    /// A client error, as it says itself.
    pub fn of_client(e: &orcid_client::Error) -> Failure {
        let exit = match e {
            orcid_client::Error::Api(_) | orcid_client::Error::OAuth { .. } => Exit::Refused,
            _ => Exit::Failed,
        };
        let mut message = with_causes(e);
        if let Some(host) = e.unreachable_host() {
            message.push_str(&format!("\n  {host} could not be reached: check the network, or give --api to pick another server (`orcid sandbox serve` runs one here)"));
        }
        use orcid_client::ErrorCode::{InsufficientScope, ScopeNotPermitted, WrongScope};
        if matches!(e.orcid_code(), Some(InsufficientScope | ScopeNotPermitted | WrongScope)) {
            message.push_str(SCOPES);
        }
        Failure { exit, message }
    }
}

/// What a token lacking a scope is told: which scope each kind of request needs, and how to
/// get a researcher's token.
const SCOPES: &str = "\n  scopes: works, fundings, affiliations, peer reviews and research resources need a researcher's /activities/update; other names, keywords, URLs, identifiers and addresses /person/update; reading limited items /read-limited; notify /premium-notification and webhook /webhook (client credentials); group /group-id-record/update.\n  A researcher's token: `orcid token --authorize --scope \"/activities/update /person/update /read-limited\" --redirect-uri URI` (then --code, against ORCID).";

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// An error and its sources, `: `-separated, each said once (a cause the message already
/// holds is not repeated).
pub fn with_causes(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    message
}

/// What a command's `run` gives: how it ended after reporting on its own (a count of valid
/// and invalid files ...), or a failure for `main` to say.
pub type Outcome = Result<Exit, Failure>;
