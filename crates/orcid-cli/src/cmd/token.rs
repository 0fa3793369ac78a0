//! `orcid token`: an access token, from client credentials or a researcher's authorization.

use std::path::{Path, PathBuf};

use orcid_client::{Api, ClientSecret, OAuthClient};
use orcid_model::OrcidId;

use crate::args::runtime;
use crate::error::{Exit, Failure, Outcome};

/// Get an access token, for a client or a researcher.
///
/// Client credentials (--scope), or a researcher's from an authorization code (--code), or a
/// researcher's in one step (--authorize --scope). The client secret comes from --client-secret-file or ORCID_CLIENT_SECRET; the token goes
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
#[derive(clap::Args, Debug)]
pub struct Args {
    /// `sandbox`, `production`, or a server's base URL.
    #[arg(long, default_value = "sandbox", value_name = "API")]
    pub api: Api,
    /// The member API client id (`APP-...`).
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// A file holding the client secret.
    #[arg(long, value_name = "FILE")]
    pub client_secret_file: Option<PathBuf>,
    /// Client credentials with this scope (`/read-public`, `/webhook` ...), or with
    /// --authorize the researcher's scopes (space-separated: `/activities/update /read-limited`).
    #[arg(long, value_name = "SCOPE", conflicts_with = "code", required_unless_present = "code")]
    pub scope: Option<String>,
    /// Ask for a researcher's token with --scope and --redirect-uri: at once where the server
    /// approves without a browser (the emulator), else print the URL to open.
    #[arg(long, requires_all = ["scope", "redirect_uri"], conflicts_with = "code")]
    pub authorize: bool,
    /// With --authorize: the record whose researcher signs in (the emulator's choice).
    #[arg(long, value_name = "ORCID", requires = "authorize")]
    pub orcid: Option<OrcidId>,
    /// Exchange this authorization code for the researcher's token.
    #[arg(long, value_name = "CODE", requires = "redirect_uri")]
    pub code: Option<String>,
    /// The redirect URI the code was issued for.
    #[arg(long, value_name = "URI")]
    pub redirect_uri: Option<String>,
    /// Write the token to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Which grant is asked for.
enum Grant<'a> {
    /// client_credentials with a scope.
    ClientCredentials { scope: &'a str },
    /// The authorize endpoint asked without a browser, then authorization_code.
    Authorize { scope: &'a str, redirect_uri: &'a str, orcid: Option<&'a str> },
    /// authorization_code.
    Code { code: &'a str, redirect_uri: &'a str },
}

impl Args {
    fn grant(&self) -> Result<Grant<'_>, Failure> {
        match (&self.scope, &self.code, &self.redirect_uri) {
            (Some(scope), _, Some(redirect_uri)) if self.authorize => {
                Ok(Grant::Authorize { scope, redirect_uri, orcid: self.orcid.as_ref().map(OrcidId::as_str) })
            }
            (_, Some(code), Some(redirect_uri)) => Ok(Grant::Code { code, redirect_uri }),
            (Some(scope), _, _) => Ok(Grant::ClientCredentials { scope }),
            _ => Err(Failure::failed("give --scope, or --code with --redirect-uri")),
        }
    }

    /// Runs `orcid token`.
    pub fn run(&self) -> Outcome {
        let grant = self.grant()?;
        let secret = match &self.client_secret_file {
            Some(f) => {
                std::fs::read_to_string(f).map(|s| s.trim().to_string()).map_err(|e| Failure::failed(format!("{}: {e}", f.display())))?
            }
            None => std::env::var("ORCID_CLIENT_SECRET")
                .map_err(|_| Failure::failed("no client secret: set ORCID_CLIENT_SECRET or give --client-secret-file"))?,
        };
        let oauth = OAuthClient::new(&self.api, &self.client_id, ClientSecret::new(secret)).map_err(|e| Failure::of_client(&e))?;
        // Where the token goes is checked before it is issued: an authorization code is used
        // once, and a token that cannot be written is lost.
        if let Some(path) = &self.out {
            if path.is_dir() {
                return Err(Failure::failed(format!("{}: a folder; --out names the file to write the token to", path.display())));
            }
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if !parent.is_dir() {
                return Err(Failure::failed(format!("{}: no such folder to write the token into", parent.display())));
            }
        }
        let result = runtime()?.block_on(async {
            match grant {
                Grant::ClientCredentials { scope } => oauth.client_credentials(scope).await.map(Some),
                Grant::Code { code, redirect_uri } => oauth.exchange_code(code, redirect_uri).await.map(Some),
                Grant::Authorize { scope, redirect_uri, orcid } => {
                    let scopes: Vec<&str> = scope.split_whitespace().collect();
                    match oauth.authorize_without_browser(&scopes, redirect_uri, orcid).await {
                        Ok(Some(code)) => oauth.exchange_code(&code, redirect_uri).await.map(Some),
                        Ok(None) => {
                            eprintln!(
                                "open this URL in a browser, sign in and approve:\n  {}\nthen run orcid token --api {} --client-id {} --code CODE --redirect-uri {redirect_uri}\nwith the code the redirect carries",
                                oauth.authorize_url(&scopes, redirect_uri, None),
                                self.api,
                                self.client_id,
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
            Ok(None) => return Ok(Exit::Failed),
            Err(e) => return Err(Failure::of_client(&e)),
        };
        let secret = token.access_token.expose_secret();
        match &self.out {
            Some(path) => write_private(path, secret).map_err(|e| Failure::failed(format!("{}: {e}", path.display())))?,
            None => println!("{secret}"),
        }
        eprintln!(
            "token: scope {}{}{}",
            token.scope,
            token.orcid.as_deref().map(|o| format!(", for {o}")).unwrap_or_default(),
            self.out.as_ref().map(|p| format!(", written to {}", p.display())).unwrap_or_default()
        );
        Ok(Exit::Done)
    }
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
