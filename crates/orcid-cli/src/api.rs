//! `orcid token`, `orcid post|put|delete|get` and `orcid sandbox serve`: the member API from
//! the command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use orcid_client::{AccessToken, Api, Client, ClientSecret, Error, OAuthClient, WireFormat};
use orcid_model::items::RecordItem;
use orcid_model::{Document, Element, Layout, Mode};

use crate::input::{form_of, read_document};

/// Where to send requests and how: shared by post, put, delete and get.
#[derive(clap::Args)]
pub struct Target {
    /// `sandbox`, `production`, or the API base URL of another server (with or without `/v3.0`).
    #[arg(long, default_value = "sandbox", value_name = "API")]
    pub api: String,
    /// The researcher's ORCID iD (`0000-0002-1825-0097`).
    #[arg(long, value_name = "ORCID")]
    pub orcid: String,
    /// The wire format; the input file may be in either and is converted as needed.
    #[arg(long, value_enum, default_value = "xml")]
    pub format: crate::Format,
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

fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime")
}

/// The token from `--token-file` or `ORCID_TOKEN`; never from a plain flag (shell history).
fn access_token(target: &Target) -> Result<AccessToken, String> {
    match &target.token_file {
        Some(file) => std::fs::read_to_string(file)
            .map(|t| AccessToken::new(t.trim()))
            .map_err(|e| format!("{}: {e}", file.display())),
        None => std::env::var("ORCID_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty())
            .map(|t| AccessToken::new(t.trim()))
            .ok_or_else(|| "no token: set ORCID_TOKEN or give --token-file".into()),
    }
}

/// The client and the token for a target, or the exit code of what is missing.
fn connect(target: &Target) -> Result<(Client, AccessToken), ExitCode> {
    let token = access_token(target).map_err(|e| fail(FAILED, e))?;
    let client = client(target).map_err(|e| fail(FAILED, e))?;
    Ok((client, token))
}

fn client(target: &Target) -> Result<Client, Error> {
    let format = match target.format {
        crate::Format::Xml => WireFormat::Xml,
        crate::Format::Json => WireFormat::Json,
    };
    Client::builder(Api::parse(&target.api)?).format(format).build()
}

/// An API error's exit code: ORCID refusing is 1, anything else (network, usage) 2.
fn error_code(e: &Error) -> u8 {
    match e {
        Error::Api(_) | Error::OAuth { .. } => REFUSED,
        _ => FAILED,
    }
}

/// Runs `$body` with `$item` bound to the typed item of a writable section's document.
macro_rules! with_item {
    ($doc:expr, |$item:ident| $body:expr, $otherwise:expr) => {
        match $doc {
            Document::Work($item) => $body,
            Document::Funding($item) => $body,
            Document::PeerReview($item) => $body,
            Document::ResearchResource($item) => $body,
            Document::Employment($item) => $body,
            Document::Education($item) => $body,
            Document::Distinction($item) => $body,
            Document::InvitedPosition($item) => $body,
            Document::Membership($item) => $body,
            Document::Qualification($item) => $body,
            Document::Service($item) => $body,
            Document::OtherName($item) => $body,
            Document::Keyword($item) => $body,
            Document::ResearcherUrl($item) => $body,
            Document::ExternalIdentifier($item) => $body,
            Document::Address($item) => $body,
            _ => $otherwise,
        }
    };
}

/// Runs `$body` with `$t` naming the item type of a section (`work`, `other-names` ...).
macro_rules! with_section {
    ($section:expr, $t:ident => $body:expr, $otherwise:expr) => {{
        use orcid_model::*;
        match $section {
            "work" => { type $t = work::Work; $body }
            "funding" => { type $t = funding::Funding; $body }
            "peer-review" => { type $t = peer_review::PeerReview; $body }
            "research-resource" => { type $t = research_resource::ResearchResource; $body }
            "employment" => { type $t = employment::Employment; $body }
            "education" => { type $t = education::Education; $body }
            "distinction" => { type $t = distinction::Distinction; $body }
            "invited-position" => { type $t = invited_position::InvitedPosition; $body }
            "membership" => { type $t = membership::Membership; $body }
            "qualification" => { type $t = qualification::Qualification; $body }
            "service" => { type $t = service::Service; $body }
            "other-names" => { type $t = other_name::OtherName; $body }
            "keywords" => { type $t = keyword::Keyword; $body }
            "researcher-urls" => { type $t = researcher_url::ResearcherUrl; $body }
            "external-identifiers" => { type $t = external_identifier::ExternalIdentifier; $body }
            "address" => { type $t = address::Address; $body }
            _ => $otherwise,
        }
    }};
}

/// The sections `--section` takes.
pub const SECTIONS: &str = "work, funding, peer-review, research-resource, employment, education, distinction, invited-position, membership, qualification, service, other-names, keywords, researcher-urls, external-identifiers, address";

/// Reads an item file (XML or JSON) strictly, after validating it unless told not to.
fn read_item(item: &ItemFile, update: bool) -> Result<Document, ExitCode> {
    let (file, kind, validate) = (item.file.as_path(), item.kind.as_deref(), !item.no_validate);
    let bytes = std::fs::read(file).map_err(|e| fail(FAILED, format!("{}: {e}", file.display())))?;
    if validate && !crate::validate::check_before_upload(file, kind, update) {
        return Err(fail(REFUSED, format!("{}: not sent: fix the errors above (or give --no-validate)", file.display())));
    }
    if form_of(&bytes).is_none() {
        return Err(fail(FAILED, format!("{}: neither XML nor JSON", file.display())));
    }
    // Unchecked items are read leniently: the server is then the judge.
    let mode = if validate { Mode::Strict } else { Mode::Lenient };
    read_document(&bytes, kind, mode, file).map_err(|e| fail(REFUSED, e))
}

/// The item read (and validated), the client and the token for a post or put.
fn prepare(target: &Target, item_file: &ItemFile, update: bool) -> Result<(Document, Client, AccessToken), ExitCode> {
    let doc = read_item(item_file, update)?;
    let (client, token) = connect(target)?;
    Ok((doc, client, token))
}

/// `orcid post`: prints the new put-code.
pub fn post(target: &Target, item_file: &ItemFile) -> ExitCode {
    let file = item_file.file.as_path();
    let (doc, client, token) = match prepare(target, item_file, false) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    let result = runtime().block_on(async {
        with_item!(doc, |item| client.create(&token, &target.orcid, &item).await.map(|c| (c, section_of(&item))), {
            Err(Error::Usage(format!("{}: a {} is not an item ORCID takes by POST", file.display(), doc.kind())))
        })
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

fn section_of<T: RecordItem>(_: &T) -> &'static str {
    T::SECTION
}

/// `orcid put`: prints the item as stored.
pub fn put(target: &Target, put_code: i64, item_file: &ItemFile) -> ExitCode {
    let file = item_file.file.as_path();
    let (doc, client, token) = match prepare(target, item_file, true) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    let result = runtime().block_on(async {
        with_item!(doc, |item| client.update(&token, &target.orcid, put_code, &item).await.map(|stored| render(&stored, target.format)), {
            Err(Error::Usage(format!("{}: a {} is not an item ORCID takes by PUT", file.display(), doc.kind())))
        })
    });
    finish(result, file.display())
}

/// `orcid delete`.
pub fn delete(target: &Target, section: &str, put_code: i64) -> ExitCode {
    let (client, token) = match connect(target) {
        Ok(both) => both,
        Err(code) => return code,
    };
    let result = runtime().block_on(async {
        with_section!(section, T => client.delete::<T>(&token, &target.orcid, put_code).await.map(|()| String::new()), {
            Err(Error::Usage(format!("unknown section `{section}`; sections: {SECTIONS}")))
        })
    });
    finish(result, format!("{section} {put_code}"))
}

/// `orcid get`: one item with `--put-code`, else the section's summaries.
pub fn get(target: &Target, section: &str, put_code: Option<i64>) -> ExitCode {
    let (client, token) = match connect(target) {
        Ok(both) => both,
        Err(code) => return code,
    };
    let result = runtime().block_on(async {
        with_section!(section, T => match put_code {
            Some(pc) => client.read::<T>(&token, &target.orcid, pc).await.map(|item| render(&item, target.format)),
            None => client.read_summaries::<T>(&token, &target.orcid).await.map(|list| render(&list, target.format)),
        }, {
            Err(Error::Usage(format!("unknown section `{section}`; sections: {SECTIONS}")))
        })
    });
    finish(result, section)
}

fn render<T: Element>(value: &T, format: crate::Format) -> String {
    match format {
        crate::Format::Xml => value.to_xml_string(Layout::Indented),
        crate::Format::Json => value.to_json_string(false, true) + "\n",
    }
}

fn finish(result: Result<String, Error>, what: impl std::fmt::Display) -> ExitCode {
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
        None => std::env::var("ORCID_CLIENT_SECRET").map_err(|_| "no client secret: set ORCID_CLIENT_SECRET or give --client-secret-file".to_string()),
    };
    let secret = match secret {
        Ok(s) => ClientSecret::new(s),
        Err(e) => return fail(FAILED, e),
    };
    let oauth = match Api::parse(api).and_then(|api| OAuthClient::new(&api, client_id, secret)) {
        Ok(o) => o,
        Err(e) => return fail(FAILED, e),
    };
    let result = runtime().block_on(async {
        match grant {
            TokenGrant::ClientCredentials { scope } => oauth.client_credentials(scope).await,
            TokenGrant::Code { code, redirect_uri } => oauth.exchange_code(code, redirect_uri).await,
        }
    });
    let token = match result {
        Ok(t) => t,
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
    let result = runtime().block_on(orcid_emulator::run_until_stopped(config, &format!("127.0.0.1:{port}"), |addr| {
        eprintln!("ORCID member API emulator at http://{addr}/v3.0 (OAuth at http://{addr}/oauth)");
        eprintln!("clients: {}; records: {}", clients.join(", "), records.join(", "));
    }));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(FAILED, format!("port {port}: {e}")),
    }
}
