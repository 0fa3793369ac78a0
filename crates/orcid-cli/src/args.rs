//! Arguments several commands share, with one meaning each: `--api` (which server), `--orcid`
//! (whose record), `--format` (the form of ORCID documents on the wire and when printed),
//! `--token-file` (where the access token is).

use std::path::{Path, PathBuf};

use orcid_client::{AccessToken, Api, Client};
use orcid_model::{Format, OrcidId};

use crate::error::Failure;
use crate::input::read_file;

/// Which server, in which form, with which token: every command that talks to ORCID.
#[derive(clap::Args, Debug, Clone)]
pub struct Access {
    /// `sandbox`, `production`, `public`, `public-sandbox`, or another server's base URL (with
    /// or without `/v3.0`).
    #[arg(long, default_value = "sandbox", value_name = "API")]
    pub api: Api,
    /// The form of ORCID documents: sent in it, and printed in it.
    #[arg(long, default_value = "xml", value_name = "FORMAT")]
    pub format: Format,
    /// A file holding the access token; without it, the environment variable ORCID_TOKEN.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
}

/// [`Access`] to one researcher's record.
#[derive(clap::Args, Debug, Clone)]
pub struct RecordAccess {
    #[command(flatten)]
    pub access: Access,
    /// The researcher's ORCID iD (`0000-0002-1825-0097`).
    #[arg(long, value_name = "ORCID")]
    pub orcid: OrcidId,
}

impl Access {
    /// The client for `--api` speaking `--format`.
    pub fn client(&self) -> Result<Client, Failure> {
        Client::builder(self.api.clone()).format(self.format).build().map_err(|e| Failure::client("setting up the client", &e))
    }

    /// The token from `--token-file` or `ORCID_TOKEN`, if either is given; never from a plain
    /// flag (shell history).
    pub fn optional_token(&self) -> Result<Option<AccessToken>, Failure> {
        match &self.token_file {
            Some(file) => read_token(file).map(Some),
            None => Ok(std::env::var("ORCID_TOKEN").ok().filter(|t| !t.trim().is_empty()).map(|t| AccessToken::new(t.trim()))),
        }
    }

    /// The token, required.
    pub fn token(&self) -> Result<AccessToken, Failure> {
        self.optional_token()?.ok_or_else(|| Failure::failed("no token: set ORCID_TOKEN or give --token-file"))
    }
}

fn read_token(file: &Path) -> Result<AccessToken, Failure> {
    let text = String::from_utf8(read_file(file).map_err(Failure::failed)?)
        .map_err(|_| Failure::failed(format!("{}: the token file is not text", file.display())))?;
    match text.trim() {
        "" => Err(Failure::failed(format!("{}: the token file is empty", file.display()))),
        token => Ok(AccessToken::new(token)),
    }
}

/// A runtime for one command's requests.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| Failure::failed(format!("starting the runtime: {e}")))
}
