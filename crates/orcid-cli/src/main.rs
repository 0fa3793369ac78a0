//! `orcid`: validate, convert and push ORCID 3.0 items, and talk to ORCID's API.
//!
//! Each command is a module of [`cmd`] with its arguments and its `run`; `main` only parses,
//! dispatches, and turns how a command ended into the exit code:
//! 0 done, 1 refused (an invalid document, or ORCID said no), 2 usage, I/O or network.
//!
//! Flags keep one meaning across commands: `--api` the server, `--orcid` the record,
//! `--format` the form of ORCID documents (sent and printed), `--report` how `validate` and
//! `push` report (text or json), `--kind` a JSON document's kind, `--out` where output goes
//! instead of standard output, `--token-file` where the access token is.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::process::ExitCode;

mod args;
mod cmd;
mod error;
mod input;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use orcid_model::Kind;

/// `orcid --version`: this version and the ORCID snapshot its model and validator know.
fn version() -> &'static str {
    static VERSION: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("{} (knows {})", env!("CARGO_PKG_VERSION"), orcid_model::ORCID_SNAPSHOT));
    &VERSION
}

#[derive(Parser)]
#[command(name = "orcid", version = version(), about = "Validate, convert and push ORCID 3.0 items, and talk to ORCID's API")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The commands, in the order of the help: by task.
#[derive(Subcommand)]
enum Command {
    Validate(cmd::validate::Args),
    Convert(cmd::convert::Args),
    Push(cmd::push::Args),
    Post(cmd::items::PostArgs),
    Put(cmd::items::PutArgs),
    Get(cmd::items::GetArgs),
    Delete(cmd::items::DeleteArgs),
    Token(cmd::token::Args),
    Group(cmd::group::Args),
    Notify(cmd::notices::NotifyArgs),
    Webhook(cmd::notices::WebhookArgs),
    Search(cmd::search::Args),
    Dump(cmd::dump::Args),
    Sandbox(cmd::sandbox::Args),
}

/// The help's list of kinds.
fn kinds_help() -> String {
    format!("Kinds: {}", Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "))
}

fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::Validate(args) => args.run(),
        Command::Convert(args) => args.run(),
        Command::Push(args) => args.run(),
        Command::Post(args) => args.run(),
        Command::Put(args) => args.run(),
        Command::Get(args) => args.run(),
        Command::Delete(args) => args.run(),
        Command::Token(args) => args.run(),
        Command::Group(args) => args.run(),
        Command::Notify(args) => args.run(),
        Command::Webhook(args) => args.run(),
        Command::Search(args) => args.run(),
        Command::Dump(args) => args.run(),
        Command::Sandbox(args) => args.run(),
    };
    match outcome {
        Ok(exit) => exit.into(),
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            failure.exit.into()
        }
    }
}
