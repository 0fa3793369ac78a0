//! `orcid token`, `orcid post|put|delete|get` and `orcid sandbox serve`: the member API from
//! the command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use orcid_client::{AccessToken, Api, Client, ClientSecret, Error, OAuthClient};
use orcid_model::items::{AnyItem, Section};
use orcid_model::{Document, Element, Format, Kind, Mode, OrcidId, PutCode, WriteOptions};

use crate::input::{read_document, read_file};

/// Where to send requests and how: shared by post, put, delete and get.
#[derive(clap::Args)]
pub struct Target {
    /// `sandbox`, `production`, `public`, `public-sandbox`, or the API base URL of another
    /// server (with or without `/v3.0`).
    #[arg(long, default_value = "sandbox", value_name = "API")]
    pub api: String,
    /// The researcher's ORCID iD (`0000-0002-1825-0097`).
    #[arg(long, value_name = "ORCID")]
    pub orcid: String,
    /// The wire format; the input file may be in either and is converted as needed.
    #[arg(long, value_parser = crate::format_parser(), default_value = "xml")]
    pub format: Format,
    /// A file holding the access token; without it, the environment variable ORCID_TOKEN.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
}

/// The item file of a post or put.
#[derive(clap::Args)]
pub struct ItemFile {
    /// The kind of a JSON file, as in `convert`.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Send without validating first.
    #[arg(long)]
    pub no_validate: bool,
    /// The item (XML or JSON).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Exit codes: 0 done, 1 refused (an invalid item or an ORCID error), 2 usage, I/O or network.
const REFUSED: u8 = 1;
const FAILED: u8 = 2;

pub(crate) fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime")
}

/// The client for `--api` and `--format`, and the token if one is given (reads of the public
/// API go without), or the exit code of what failed.
pub(crate) fn client_and_token(api: &str, format: Format, token_file: Option<&Path>) -> Result<(Client, Option<AccessToken>), ExitCode> {
    let token = optional_token(token_file).map_err(|e| fail(FAILED, e))?;
    let client = client(api, format).map_err(|e| fail(FAILED, e))?;
    Ok((client, token))
}

/// [`client_and_token`], with the token required.
pub(crate) fn client_with_token(api: &str, format: Format, token_file: Option<&Path>) -> Result<(Client, AccessToken), ExitCode> {
    match client_and_token(api, format, token_file)? {
        (client, Some(token)) => Ok((client, token)),
        (_, None) => Err(fail(FAILED, "no token: set ORCID_TOKEN or give --token-file")),
    }
}

/// The token from `--token-file` or `ORCID_TOKEN`, if either is given; never from a plain flag
/// (shell history).
fn optional_token(token_file: Option<&Path>) -> Result<Option<AccessToken>, String> {
    match token_file {
        Some(file) => {
            let text = String::from_utf8(read_file(file)?).map_err(|_| format!("{}: the token file is not text", file.display()))?;
            match text.trim() {
                "" => Err(format!("{}: the token file is empty", file.display())),
                token => Ok(Some(AccessToken::new(token))),
            }
        }
        None => Ok(std::env::var("ORCID_TOKEN").ok().filter(|t| !t.trim().is_empty()).map(|t| AccessToken::new(t.trim()))),
    }
}

/// What a request needs: the client, the token and the record.
struct Connection {
    client: Client,
    token: AccessToken,
    orcid: OrcidId,
    format: Format,
}

/// The client, the token and the record of a target, or the exit code of what is missing.
pub(crate) fn connect_parts(target: &Target) -> Result<(Client, AccessToken, OrcidId), ExitCode> {
    let c = connect(target)?;
    Ok((c.client, c.token, c.orcid))
}

/// The client and the token for a target, or the exit code of what is missing.
fn connect(target: &Target) -> Result<Connection, ExitCode> {
    let orcid = target.orcid.parse::<OrcidId>().map_err(|e| fail(FAILED, format!("--orcid: {e}")))?;
    let (client, token) = client_with_token(&target.api, target.format, target.token_file.as_deref())?;
    Ok(Connection { client, token, orcid, format: target.format })
}

/// A client for `--api` speaking `--format`.
pub(crate) fn client(api: &str, format: Format) -> Result<Client, Error> {
    Client::builder(Api::parse(api)?).format(format).build()
}

/// Where and how, for requests that are not about one record (group ids, search): the API,
/// the wire format, the token.
#[derive(clap::Args)]
pub struct Access {
    /// `sandbox`, `production`, `public`, `public-sandbox`, or the API base URL of another server.
    #[arg(long, default_value = "sandbox", value_name = "API")]
    pub api: String,
    /// The wire format, and the form documents are printed in.
    #[arg(long, value_parser = crate::format_parser(), default_value = "xml")]
    pub format: Format,
    /// A file holding the access token; without it, the environment variable ORCID_TOKEN.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
}

/// An API error's exit code: ORCID refusing is 1, anything else (network, usage) 2.
fn error_code(e: &Error) -> u8 {
    match e {
        Error::Api(_) | Error::OAuth { .. } => REFUSED,
        _ => FAILED,
    }
}

/// The help's list of sections.
pub fn sections_help() -> String {
    format!("Sections: {}; `get` also reads record, person and activities.", sections())
}

/// The sections `--section` takes.
fn sections() -> String {
    Section::ALL.iter().map(|s| s.path()).collect::<Vec<_>>().join(", ")
}

/// The section a `--section` names (one item's path segment or the list's).
fn section(name: &str) -> Result<Section, Error> {
    Section::from_path(name).ok_or_else(|| Error::Usage(format!("unknown section `{name}`; sections: {}", sections())))
}

/// Reads an item file (XML or JSON) strictly, after validating it unless told not to.
fn read_item(item: &ItemFile, kind: Option<Kind>, update: bool) -> Result<Document, ExitCode> {
    let (file, validate) = (item.file.as_path(), !item.no_validate);
    let bytes = read_file(file).map_err(|e| fail(FAILED, e))?;
    if validate && !crate::validate::check_before_upload(file, kind, update) {
        return Err(fail(REFUSED, format!("{}: not sent: fix the errors above (or give --no-validate)", file.display())));
    }
    if Format::detect(&bytes).is_none() {
        return Err(fail(FAILED, format!("{}: neither XML nor JSON", file.display())));
    }
    // Unchecked items are read leniently: the server is then the judge.
    let mode = if validate { Mode::Strict } else { Mode::Lenient };
    read_document(&bytes, kind, mode, file).map_err(|e| fail(REFUSED, e))
}

/// A file of one document type (a group-id record, a notification), checked as ORCID's server
/// would check it, then read strictly. `update`: the body of a PUT.
pub(crate) fn read_checked<T: Element>(file: &Path, update: bool) -> Result<T, ExitCode> {
    // A file that cannot be read is an I/O error (exit 2), said once, before any check.
    let bytes = read_file(file).map_err(|e| fail(FAILED, e))?;
    if !crate::validate::check_before_upload(file, Some(T::KIND), update) {
        return Err(fail(REFUSED, format!("{}: not sent: fix the errors above", file.display())));
    }
    let value = match Format::detect(&bytes) {
        Some(Format::Json) => T::from_json_bytes(&bytes, Mode::Strict),
        _ => T::from_xml_bytes(&bytes, Mode::Strict),
    };
    value.map_err(|e| fail(REFUSED, format!("{}:{}:{}: {}", file.display(), e.line, e.column, e.message)))
}

/// The item read (and validated) and the connection for a post or put.
fn prepare(target: &Target, item_file: &ItemFile, kind: Option<Kind>, update: bool) -> Result<(Document, Connection), ExitCode> {
    let doc = read_item(item_file, kind, update)?;
    let connection = connect(target)?;
    Ok((doc, connection))
}

/// The item a document holds, or why it cannot be sent to a section.
fn item_of(doc: Document, file: &Path, method: &str) -> Result<Box<dyn AnyItem>, Error> {
    doc.into_item().map_err(|doc| Error::Usage(format!("{}: a {} is not an item ORCID takes by {method}", file.display(), doc.kind())))
}

/// `orcid post`: prints the new put-code.
pub fn post(target: &Target, item_file: &ItemFile, kind: Option<Kind>) -> ExitCode {
    let file = item_file.file.as_path();
    let (doc, connection) = match prepare(target, item_file, kind, false) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    let c = &connection;
    let result = item_of(doc, file, "POST").and_then(|item| {
        runtime().block_on(c.client.record(&c.token, &c.orcid).create_item(&*item)).map(|created| (created, item.section()))
    });
    match result {
        Ok((created, section)) => {
            if created.existing {
                eprintln!("note: the {section} was already stored (an earlier attempt's answer was lost); its put-code:");
            }
            println!("{}", created.put_code);
            ExitCode::SUCCESS
        }
        Err(e) => fail(error_code(&e), format!("{}: {e}", file.display())),
    }
}

/// `orcid put`: prints the item as stored.
pub fn put(target: &Target, put_code: PutCode, item_file: &ItemFile, kind: Option<Kind>) -> ExitCode {
    let file = item_file.file.as_path();
    let (doc, connection) = match prepare(target, item_file, kind, true) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    let c = &connection;
    let result = item_of(doc, file, "PUT").and_then(|item| {
        runtime()
            .block_on(c.client.record(&c.token, &c.orcid).update_item(put_code, &*item))
            .map(|stored| render_document(&stored.to_document(), c.format))
    });
    finish(result, file.display())
}

/// `orcid delete`.
pub fn delete(target: &Target, section_name: &str, put_code: PutCode) -> ExitCode {
    let connection = match connect(target) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let c = &connection;
    let result = section(section_name)
        .and_then(|s| runtime().block_on(c.client.record(&c.token, &c.orcid).delete_item(s, put_code)).map(|()| String::new()));
    finish(result, format!("{section_name} {put_code}"))
}

/// `orcid get`: one item with `--put-code`, else the section's summaries, or the whole
/// `record`, `person` or `activities`. Without a token the read is anonymous (the public API
/// answers it; the member API refuses it).
pub fn get(target: &Target, section_name: &str, put_code: Option<PutCode>) -> ExitCode {
    let orcid = match target.orcid.parse::<OrcidId>() {
        Ok(o) => o,
        Err(e) => return fail(FAILED, format!("--orcid: {e}")),
    };
    let (client, token) = match client_and_token(&target.api, target.format, target.token_file.as_deref()) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    let (token, format) = (token.as_ref(), target.format);
    let rt = runtime();
    let record = client.record(token, &orcid);
    let result = match (section_name, put_code) {
        ("record", None) => rt.block_on(record.read_record()).map(|r| render(&r, format)),
        ("person", None) => rt.block_on(record.read_person()).map(|p| render(&p, format)),
        ("activities", None) => rt.block_on(record.read_activities()).map(|a| render(&a, format)),
        (_, Some(pc)) => section(section_name)
            .and_then(|s| rt.block_on(record.read_item(s, pc)))
            .map(|item| render_document(&item.to_document(), format)),
        (_, None) => section(section_name).and_then(|s| rt.block_on(record.list_section(s))).map(|list| render_document(&list, format)),
    };
    finish(result, section_name)
}

pub(crate) fn render<T: Element>(value: &T, format: Format) -> String {
    value.to_text(format, WriteOptions::read())
}

fn render_document(value: &Document, format: Format) -> String {
    value.to_text(format, WriteOptions::read())
}

pub(crate) fn finish(result: Result<String, Error>, what: impl std::fmt::Display) -> ExitCode {
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(error_code(&e), format!("{what}: {e}")),
    }
}

/// `orcid token`: a client-credentials token, or a researcher's from an authorization code.
/// The client secret comes from a file or ORCID_CLIENT_SECRET, the token goes to `out` (or
/// standard output).
pub fn token(api: &str, client_id: &str, secret_file: Option<&Path>, grant: TokenGrant<'_>, out: Option<&Path>) -> ExitCode {
    let secret = match secret_file {
        Some(f) => std::fs::read_to_string(f).map(|s| s.trim().to_string()).map_err(|e| format!("{}: {e}", f.display())),
        None => std::env::var("ORCID_CLIENT_SECRET")
            .map_err(|_| "no client secret: set ORCID_CLIENT_SECRET or give --client-secret-file".to_string()),
    };
    let secret = match secret {
        Ok(s) => ClientSecret::new(s),
        Err(e) => return fail(FAILED, e),
    };
    let oauth = match Api::parse(api).and_then(|api| OAuthClient::new(&api, client_id, secret)) {
        Ok(o) => o,
        Err(e) => return fail(FAILED, e),
    };
    // Where the token goes is checked before it is issued: an authorization code is used once,
    // and a token that cannot be written is lost.
    if let Some(path) = out {
        if path.is_dir() {
            return fail(FAILED, format!("{}: a folder; --out names the file to write the token to", path.display()));
        }
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return fail(FAILED, format!("{}: no such folder to write the token into", parent.display()));
        }
    }
    let result = runtime().block_on(async {
        match grant {
            TokenGrant::ClientCredentials { scope } => oauth.client_credentials(scope).await.map(Some),
            TokenGrant::Code { code, redirect_uri } => oauth.exchange_code(code, redirect_uri).await.map(Some),
            TokenGrant::Authorize { scope, redirect_uri, orcid } => {
                let scopes: Vec<&str> = scope.split_whitespace().collect();
                match oauth.authorize_without_browser(&scopes, redirect_uri, orcid).await {
                    Ok(Some(code)) => oauth.exchange_code(&code, redirect_uri).await.map(Some),
                    Ok(None) => {
                        eprintln!(
                            "open this URL in a browser, sign in and approve:\n  {}\nthen run orcid token --api {api} --client-id {client_id} --code CODE --redirect-uri {redirect_uri}\nwith the code the redirect carries",
                            oauth.authorize_url(&scopes, redirect_uri, None)
                        );
                        Ok(None)
                    }
                    Err(e) => Err(e),
                }
            }
        }
    });
    let token = match result {
        Ok(Some(t)) => t,
        // The researcher has to sign in in a browser first (the URL was printed).
        Ok(None) => return ExitCode::from(FAILED),
        Err(e) => return fail(error_code(&e), e),
    };
    let secret = token.access_token.expose_secret();
    match out {
        Some(path) => {
            if let Err(e) = write_private(path, secret) {
                return fail(FAILED, format!("{}: {e}", path.display()));
            }
        }
        None => println!("{secret}"),
    }
    eprintln!(
        "token: scope {}{}{}",
        token.scope,
        token.orcid.as_deref().map(|o| format!(", for {o}")).unwrap_or_default(),
        out.map(|p| format!(", written to {}", p.display())).unwrap_or_default()
    );
    ExitCode::SUCCESS
}

/// Which grant `orcid token` asks for.
pub enum TokenGrant<'a> {
    /// client_credentials with a scope.
    ClientCredentials {
        /// The scope (`/read-public` ...).
        scope: &'a str,
    },
    /// The authorize endpoint asked without a browser, then authorization_code.
    Authorize {
        /// The researcher's scopes, space-separated.
        scope: &'a str,
        /// Where the code is sent.
        redirect_uri: &'a str,
        /// The record to sign in as, where the server lets one choose (the emulator).
        orcid: Option<&'a str>,
    },
    /// authorization_code.
    Code {
        /// The code from the redirect.
        code: &'a str,
        /// The redirect URI the code was issued for.
        redirect_uri: &'a str,
    },
}

/// Writes a secret to a file only its owner can read.
fn write_private(path: &Path, secret: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    writeln!(file, "{secret}")
}

/// `orcid sandbox serve`: the emulator until interrupted.
pub fn serve(port: u16, config: orcid_emulator::Config) -> ExitCode {
    let clients: Vec<String> = config.clients.iter().map(|c| c.id.clone()).collect();
    let records: Vec<String> = config.users.iter().map(|u| u.orcid.clone()).collect();
    let people = match config.people {
        0 => String::new(),
        n => format!(" and {n} generated from 0000-0003-0000-0000 on"),
    };
    // One worker a core: a slow request (validating a 30 MB body) must not hold up the others,
    // as it did on one thread. The emulator's state is safe to share (its duplicate check and
    // insert are one step).
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(FAILED, format!("starting the server's threads: {e}")),
    };
    let result = runtime.block_on(orcid_emulator::run_until_stopped(config, &format!("127.0.0.1:{port}"), |addr| {
        eprintln!("ORCID member API emulator at http://{addr}/v3.0 (OAuth at http://{addr}/oauth)");
        eprintln!("public API at http://{addr}/pub/v3.0");
        eprintln!("clients: {}; records: {}{people}", clients.join(", "), records.join(", "));
    }));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(FAILED, format!("port {port}: {e}")),
    }
}
