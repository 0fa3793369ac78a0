//! `orcid`: work with ORCID 3.0 item files.
//!
//! - `orcid validate [--format text|json] [--kind KIND] PATH...` checks item files before upload.
//! - `orcid convert --to json|xml [--kind KIND] FILE...` converts ORCID documents between XML and
//!   ORCID's JSON (or writes them back in the same form).
//! - `orcid token`, `orcid post|put|delete|get` talk to the member API;
//!   `orcid sandbox serve` runs a local emulator of it.
//!
//! Exit codes: 0 success, 1 a document could not be read or is invalid, 2 usage or I/O error.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod api;
mod groups;
mod input;
mod notices;
mod push;
mod search;
mod validate;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::builder::TypedValueParser;
use clap::{Parser, Subcommand};
use input::read_document;
use orcid_model::{Format, Kind, Layout, Mode, PutCode, WriteOptions};

/// `orcid --version`: this version and the ORCID snapshot its model and validator know.
fn version() -> &'static str {
    static VERSION: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("{} (knows {})", env!("CARGO_PKG_VERSION"), orcid_model::ORCID_SNAPSHOT));
    &VERSION
}

#[derive(Parser)]
#[command(name = "orcid", version = version(), about = "Validate, convert and push ORCID 3.0 items")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check ORCID item files before upload: ORCID's XSD, its lists and its other rules.
    ///
    /// PATHs are files or folders (searched for .xml and .json files). Exit 0 when every file
    /// is valid (warnings allowed), 1 when any is invalid, 2 on usage or I/O errors.
    #[command(after_help = kinds_help())]
    Validate {
        /// How to print the results.
        #[arg(long, value_enum, default_value = "text")]
        format: validate::OutputFormat,
        /// The kind of JSON files: ORCID's XML root element name (work, funding ...).
        #[arg(long, value_name = "KIND")]
        kind: Option<String>,
        /// Count warnings as failures.
        #[arg(long)]
        deny_warnings: bool,
        /// The files are bodies for updates (PUT), which carry their put-code.
        #[arg(long)]
        update: bool,
        /// Exit 0 when the folders hold no .xml or .json file (by default that is exit 2: a
        /// check pointed at the wrong folder must not pass).
        #[arg(long)]
        allow_empty: bool,
        /// Files and folders to check.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Read ORCID documents (XML or JSON, told by their content) and write them in a form.
    ///
    /// With one FILE the result goes to standard output; with several, --out names a folder
    /// that receives one file per input, under the input's file name.
    ///
    /// JSON has no root element, so the kind of a JSON document comes from --kind, else from
    /// the file name (work-2024.json is a work), else from its shape when only one kind fits.
    #[command(after_help = kinds_help())]
    Convert {
        /// The form to write.
        #[arg(long, value_parser = format_parser())]
        to: Format,
        /// The kind of the JSON input: ORCID's XML root element name (work, funding, bulk ...).
        #[arg(long, value_name = "KIND")]
        kind: Option<String>,
        /// Write JSON for upload: leave out what ORCID ignores or rejects on input (read-only
        /// dates, source, path, transient normalised identifiers).
        #[arg(long)]
        for_upload: bool,
        /// Folder for the converted files (needed for more than one FILE).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Skip elements and attributes this model does not know, instead of failing
        /// (for API responses that may carry newer fields).
        #[arg(long)]
        lenient: bool,
        /// Write without indentation.
        #[arg(long)]
        compact: bool,
        /// The documents to convert.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Get an access token: client credentials (--scope), or a researcher's from an
    /// authorization code (--code), or a researcher's in one step (--authorize --scope).
    /// The client secret comes from --client-secret-file or ORCID_CLIENT_SECRET; the token goes
    /// to --out (readable by you only) or standard output.
    ///
    /// A researcher's token (the scopes that write, /activities/update and /person/update) comes
    /// from the researcher's authorization: ORCID sends them to /oauth/authorize, they sign in
    /// and approve, and the redirect URI receives a code to exchange. Against the emulator,
    /// --authorize does it all at once (it approves as the first record, or --orcid's):
    ///
    ///   orcid token --api http://127.0.0.1:8080 --client-id APP-EMULATOR0000001 --authorize
    ///     --scope /activities/update --redirect-uri https://example.org/back
    ///
    /// Against ORCID, --authorize prints the URL to open in a browser, then --code finishes.
    Token {
        /// `sandbox`, `production`, or a server's base URL.
        #[arg(long, default_value = "sandbox", value_name = "API")]
        api: String,
        /// The member API client id (`APP-...`).
        #[arg(long, value_name = "ID")]
        client_id: String,
        /// A file holding the client secret.
        #[arg(long, value_name = "FILE")]
        client_secret_file: Option<PathBuf>,
        /// Client credentials with this scope (`/read-public`, `/webhook` ...), or with
        /// --authorize the researcher's scopes (space-separated: `/activities/update /read-limited`).
        #[arg(long, value_name = "SCOPE", conflicts_with = "code", required_unless_present = "code")]
        scope: Option<String>,
        /// Ask for a researcher's token with --scope and --redirect-uri: at once where the server
        /// approves without a browser (the emulator), else print the URL to open.
        #[arg(long, requires_all = ["scope", "redirect_uri"], conflicts_with = "code")]
        authorize: bool,
        /// With --authorize: the record whose researcher signs in (the emulator's choice).
        #[arg(long, value_name = "ORCID", requires = "authorize")]
        orcid: Option<String>,
        /// Exchange this authorization code for the researcher's token.
        #[arg(long, value_name = "CODE", requires = "redirect_uri")]
        code: Option<String>,
        /// The redirect URI the code was issued for.
        #[arg(long, value_name = "URI")]
        redirect_uri: Option<String>,
        /// Write the token to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Create an item on a record (POST) and print its put-code. The section comes from the
    /// document's kind. The item is validated first and refused when invalid.
    Post {
        #[command(flatten)]
        target: api::Target,
        #[command(flatten)]
        item: api::ItemFile,
    },
    /// Bring a record in step with a folder of item files, each item on it exactly once.
    ///
    /// Every .xml and .json file in DIR (any writable section, told by its content) is
    /// validated first; invalid files are reported and left out. A ledger in DIR
    /// (.orcid-push.sqlite) keeps each file's put-code and a hash of the body sent: unchanged
    /// files cost no request, changed ones are updated, new ones created (works 100 a request).
    /// Run it again after a crash or a lost connection: nothing is created twice.
    Push {
        /// `sandbox`, `production`, or the API base URL of another server.
        #[arg(long, default_value = "sandbox", value_name = "API")]
        api: String,
        /// The researcher's ORCID iD (`0000-0002-1825-0097`).
        #[arg(long, value_name = "ORCID")]
        orcid: String,
        /// A file holding the access token; without it, the environment variable ORCID_TOKEN.
        #[arg(long, value_name = "FILE")]
        token_file: Option<std::path::PathBuf>,
        /// The wire format of the requests.
        #[arg(long, value_parser = format_parser(), default_value = "xml")]
        wire_format: Format,
        /// The folder of item files.
        #[arg(value_name = "DIR")]
        dir: std::path::PathBuf,
        /// Print the plan (create, update, delete, unchanged, invalid) and send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Delete the items of files removed from the folder.
        #[arg(long)]
        delete: bool,
        /// Take over items already on the record that this client created (by their `self`
        /// identifiers, else by their content) instead of creating them again.
        #[arg(long)]
        adopt: bool,
        /// Create again the items someone deleted on the record.
        #[arg(long)]
        recreate: bool,
        /// This client's id (APP-...): only its items are taken over.
        #[arg(long, value_name = "CLIENT_ID")]
        client_id: Option<String>,
        /// How to print the report: a line per file, or one JSON object per file.
        #[arg(long, value_enum, default_value = "text")]
        format: push::OutputFormat,
    },
    /// Peer-review group ids in ORCID's registry: create, update, get, search, delete.
    Group {
        #[command(subcommand)]
        command: groups::GroupCommand,
    },
    /// Search ORCID's registry with Solr's query syntax: iDs (default), names and
    /// institutions (--expanded) or CSV (--csv FIELDS); one page, or every page with --all.
    /// Results go to standard output, one JSON object a line, or as CSV. A token is optional:
    /// the public API answers without one.
    Search(search::SearchArgs),
    /// Permission notifications in a researcher's ORCID inbox: create, get, archive.
    Notify {
        #[command(subcommand)]
        command: notices::NotifyCommand,
    },
    /// Webhooks: a URL ORCID calls when a record changes.
    Webhook {
        #[command(subcommand)]
        command: notices::WebhookCommand,
    },
    /// Update an item (PUT) and print it as stored. The body's put-code is set from --put-code.
    Put {
        #[command(flatten)]
        target: api::Target,
        /// The item's put-code.
        #[arg(long, value_name = "PUT_CODE")]
        put_code: PutCode,
        #[command(flatten)]
        item: api::ItemFile,
    },
    /// Delete an item.
    #[command(after_help = api::sections_help())]
    Delete {
        #[command(flatten)]
        target: api::Target,
        /// The item's section (`work`, `employment`, `keywords` ...).
        #[arg(long, value_name = "SECTION")]
        section: String,
        /// The item's put-code.
        #[arg(long, value_name = "PUT_CODE")]
        put_code: PutCode,
    },
    /// Print one item (--put-code), a section's summaries, or the whole record, person or
    /// activities, in the wire format. Without a token the read is anonymous: the public API
    /// (`--api public` or `public-sandbox`) answers it with the record's public data.
    #[command(after_help = api::sections_help())]
    Get {
        #[command(flatten)]
        target: api::Target,
        /// The section (`work`, `employment`, `keywords` ..., or `record`, `person`, `activities`).
        #[arg(long, value_name = "SECTION")]
        section: String,
        /// One item's put-code; without it, the section's summaries.
        #[arg(long, value_name = "PUT_CODE")]
        put_code: Option<PutCode>,
    },
    /// A local ORCID member API for offline tests.
    Sandbox {
        #[command(subcommand)]
        command: SandboxCommand,
    },
}

#[derive(Subcommand)]
enum SandboxCommand {
    /// Serve the emulator on 127.0.0.1 until interrupted. Without --client and --record it
    /// has client APP-EMULATOR00000001 (secret `emulator-secret`) and record
    /// 0000-0002-1825-0097. /oauth/authorize signs in the first record and approves at once.
    Serve {
        /// The port (0 for any free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// A client, as ID:SECRET (repeatable).
        #[arg(long = "client", value_name = "ID:SECRET")]
        clients: Vec<String>,
        /// A record's ORCID iD, with the holder's name after `=` (repeatable):
        /// `0000-0002-1825-0097=Josiah Carberry`.
        #[arg(long = "record", value_name = "ORCID[=NAME]")]
        records: Vec<String>,
        /// Generate this many more records (names, employments, works with DOIs) for search
        /// to find, with iDs from 0000-0003-0000-0000 on; the same ones for the same number.
        #[arg(long, default_value_t = 0, value_name = "N")]
        people: usize,
        /// Serve without the member API's rate limit (24 a second, queue of 40).
        #[arg(long)]
        no_rate_limit: bool,
        /// Share of requests answered 503 (0 to 1).
        #[arg(long, default_value_t = 0.0, value_name = "SHARE")]
        fail_503: f64,
        /// Share of requests whose connection is dropped unanswered.
        #[arg(long, default_value_t = 0.0, value_name = "SHARE")]
        drop_connections: f64,
        /// Share of creates stored and then left unanswered (the retry meets 409).
        #[arg(long, default_value_t = 0.0, value_name = "SHARE")]
        lose_created: f64,
        /// Delay before each answer, in milliseconds.
        #[arg(long, default_value_t = 0, value_name = "MS")]
        delay_ms: u64,
    },
}

/// The values of `--to` and `--format` (a document's form): `xml` or `json`, listed in the help.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    clap::builder::PossibleValuesParser::new(Format::ALL.map(Format::as_str)).map(|s| s.parse::<Format>().expect("a listed value"))
}

/// A `--kind` must be one of ORCID's root element names.
fn check_kind(kind: Option<&str>) -> Result<Option<Kind>, ExitCode> {
    match kind.map(str::parse::<Kind>) {
        Some(Err(message)) => {
            eprintln!("error: {message}");
            Err(ExitCode::from(Outcome::Usage as u8))
        }
        Some(Ok(k)) => Ok(Some(k)),
        None => Ok(None),
    }
}

fn kinds_help() -> String {
    format!("Kinds: {}", Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "))
}

/// How to write each converted document.
struct Output {
    to: Format,
    layout: Layout,
    for_upload: bool,
}

/// How a run ended, as an exit code: the worst outcome of any file wins.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Ok = 0,
    Unreadable = 1,
    Usage = 2,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Validate { format, kind, deny_warnings, update, allow_empty, paths } => {
            let kind = match check_kind(kind.as_deref()) {
                Ok(kind) => kind,
                Err(code) => return code,
            };
            let options = validate::Options { format, kind, deny_warnings, update, allow_empty, _args: std::marker::PhantomData };
            return ExitCode::from(validate::run(&paths, &options));
        }
        Command::Convert { to, kind, for_upload, out, lenient, compact, files } => {
            let mode = if lenient { Mode::Lenient } else { Mode::Strict };
            let layout = if compact { Layout::Compact } else { Layout::Indented };
            let kind = match check_kind(kind.as_deref()) {
                Ok(kind) => kind,
                Err(code) => return code,
            };
            let output = Output { to, layout, for_upload };
            convert(&output, kind, out.as_deref(), mode, &files)
        }
        Command::Token { api, client_id, client_secret_file, scope, authorize, orcid, code, redirect_uri, out } => {
            let grant = match (&scope, &code, &redirect_uri) {
                (Some(scope), _, Some(redirect_uri)) if authorize => {
                    api::TokenGrant::Authorize { scope, redirect_uri, orcid: orcid.as_deref() }
                }
                (_, Some(code), Some(redirect_uri)) => api::TokenGrant::Code { code, redirect_uri },
                (Some(scope), _, _) => api::TokenGrant::ClientCredentials { scope },
                _ => {
                    eprintln!("error: give --scope, or --code with --redirect-uri");
                    return ExitCode::from(Outcome::Usage as u8);
                }
            };
            return api::token(&api, &client_id, client_secret_file.as_deref(), grant, out.as_deref());
        }
        Command::Post { target, item } => {
            let kind = match check_kind(item.kind.as_deref()) {
                Ok(kind) => kind,
                Err(code) => return code,
            };
            return api::post(&target, &item, kind);
        }
        Command::Put { target, put_code, item } => {
            let kind = match check_kind(item.kind.as_deref()) {
                Ok(kind) => kind,
                Err(code) => return code,
            };
            return api::put(&target, put_code, &item, kind);
        }
        Command::Delete { target, section, put_code } => return api::delete(&target, &section, put_code),
        Command::Group { command } => return groups::run(&command),
        Command::Notify { command } => return notices::notify(&command),
        Command::Search(args) => return search::run(&args),
        Command::Webhook { command } => return notices::webhook(&command),
        Command::Push { api, orcid, token_file, wire_format, dir, dry_run, delete, adopt, recreate, client_id, format } => {
            let target = api::Target { api, orcid, format: wire_format, token_file };
            let mut options = orcid_client::push::PushOptions::default();
            options.dry_run = dry_run;
            options.delete = delete;
            options.adopt = adopt;
            options.recreate = recreate;
            options.client_id = client_id;
            return push::run(&target, &dir, &options, format);
        }
        Command::Get { target, section, put_code } => return api::get(&target, &section, put_code),
        Command::Sandbox {
            command:
                SandboxCommand::Serve { port, clients, records, people, no_rate_limit, fail_503, drop_connections, lose_created, delay_ms },
        } => {
            let mut config = orcid_emulator::Config::default();
            if !clients.is_empty() {
                config.clients.clear();
                for c in &clients {
                    let Some((id, secret)) = c.split_once(':') else {
                        eprintln!("error: --client takes ID:SECRET, not {c:?}");
                        return ExitCode::from(Outcome::Usage as u8);
                    };
                    config.clients.push(orcid_emulator::ClientConfig { id: id.into(), secret: secret.into(), name: id.into() });
                }
            }
            if !records.is_empty() {
                config.users.clear();
                for record in &records {
                    let (orcid, name) = record.split_once('=').unwrap_or((record, ""));
                    if let Err(e) = orcid_model::OrcidId::parse(orcid) {
                        eprintln!("error: --record {record:?}: {e}");
                        return ExitCode::from(Outcome::Usage as u8);
                    }
                    config.users.push(orcid_emulator::UserConfig { orcid: orcid.trim().to_owned(), name: name.trim().to_owned() });
                }
            }
            config.people = people;
            if no_rate_limit {
                config.rate_limit = None;
            }
            for share in [fail_503, drop_connections, lose_created] {
                if !(0.0..=1.0).contains(&share) {
                    eprintln!("error: a share is between 0 and 1, not {share}");
                    return ExitCode::from(Outcome::Usage as u8);
                }
            }
            config.faults = orcid_emulator::Faults {
                unavailable: fail_503,
                drop_connection: drop_connections,
                lose_created,
                delay: std::time::Duration::from_millis(delay_ms),
            };
            return api::serve(port, config);
        }
    };
    ExitCode::from(outcome as u8)
}

fn convert(output: &Output, kind: Option<Kind>, out: Option<&Path>, mode: Mode, files: &[PathBuf]) -> Outcome {
    if files.len() > 1 && out.is_none() {
        eprintln!("error: converting {} files needs --out DIR", files.len());
        return Outcome::Usage;
    }
    if let Some(dir) = out
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("error: {}: {e}", dir.display());
        return Outcome::Usage;
    }
    // Each file on its own: one bad file is reported and the rest are still converted.
    let mut worst = Outcome::Ok;
    for file in files {
        let outcome = convert_one(output, kind, out, mode, file);
        worst = worst.max(outcome);
    }
    worst
}

fn convert_one(output: &Output, kind: Option<Kind>, out: Option<&Path>, mode: Mode, file: &Path) -> Outcome {
    let bytes = match input::read_file(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Usage;
        }
    };
    let doc = match read_document(&bytes, kind, mode, file) {
        Ok(doc) => doc,
        Err(message) => {
            eprintln!("{message}");
            return Outcome::Unreadable;
        }
    };
    let options = if output.for_upload { WriteOptions::upload() } else { WriteOptions::read() };
    let options = if output.layout == Layout::Compact { options.compact() } else { options };
    let text = match output.to {
        Format::Xml => doc.to_xml_with(options),
        Format::Json => doc.to_json_string(options),
    };
    // Content the model does not know crosses forms by ORCID's conventions: say so.
    let from = Format::detect(&bytes);
    let crossing = matches!((from, output.to), (Some(Format::Xml), Format::Json) | (Some(Format::Json), Format::Xml));
    if crossing {
        for piece in doc.unknown_content_everywhere() {
            eprintln!(
                "note: {}: {piece} is not part of the ORCID 3.0 schema; it is carried over by ORCID's conventions (namespaces, and attribute or element, do not cross forms exactly)",
                file.display()
            );
        }
    }
    let written = match out {
        None => std::io::stdout().lock().write_all(text.as_bytes()),
        Some(dir) => {
            let name = file.file_name().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("document"));
            write_atomically(&dir.join(name).with_extension(output.to.extension()), text.as_bytes())
        }
    };
    match written {
        Ok(()) => Outcome::Ok,
        Err(e) => {
            eprintln!("error: writing the conversion of {}: {e}", file.display());
            Outcome::Usage
        }
    }
}

/// Writes through a temporary file and a rename, so an interrupted run never leaves half a file.
fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = target.with_extension("part");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, target)
}
