//! ORCID's OAuth endpoints: the authorize URL, code exchange, client credentials, refresh and revoke.

use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE};

use crate::client::Api;
use crate::error::Error;
use crate::token::{AccessToken, ClientSecret, RefreshToken};

/// ORCID's OAuth scopes.
pub mod scope {
    /// Sign-in only: the researcher's iD.
    pub const AUTHENTICATE: &str = "/authenticate";
    /// Add, update and delete activities (works, fundings, affiliations ...).
    pub const ACTIVITIES_UPDATE: &str = "/activities/update";
    /// Add, update and delete person items (other names, keywords, URLs ...).
    pub const PERSON_UPDATE: &str = "/person/update";
    /// Read limited-visibility items.
    pub const READ_LIMITED: &str = "/read-limited";
    /// Read public data (client credentials).
    pub const READ_PUBLIC: &str = "/read-public";
    /// Register webhooks (client credentials).
    pub const WEBHOOK: &str = "/webhook";
    /// Send permission notifications to researchers' inboxes (client credentials).
    pub const PREMIUM_NOTIFICATION: &str = "/premium-notification";
    /// Register, update and delete peer-review group ids (client credentials).
    pub const GROUP_ID_RECORD_UPDATE: &str = "/group-id-record/update";
    /// Look up peer-review group ids (client credentials).
    pub const GROUP_ID_RECORD_READ: &str = "/group-id-record/read";
    /// OpenID Connect.
    pub const OPENID: &str = "openid";
}

/// A token endpoint's answer.
#[derive(Debug, Clone)]
pub struct Token {
    /// The access token.
    pub access_token: AccessToken,
    /// `bearer`.
    pub token_type: String,
    /// The refresh token, for grants that have one.
    pub refresh_token: Option<RefreshToken>,
    /// Seconds until the token expires (ORCID's are about 20 years).
    pub expires_in: Option<u64>,
    /// The granted scopes, space-separated.
    pub scope: String,
    /// The researcher's name, for a researcher's token.
    pub name: Option<String>,
    /// The researcher's iD, for a researcher's token.
    pub orcid: Option<String>,
}

/// A member API client's OAuth side.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    http: reqwest::Client,
    base: String,
    client_id: String,
    client_secret: ClientSecret,
}

/// How long an OAuth request may take.
const OAUTH_TIMEOUT: Duration = Duration::from_secs(30);
/// The `User-Agent` of OAuth requests.
const USER_AGENT: &str = concat!("orcid-client/", env!("CARGO_PKG_VERSION"));

impl OAuthClient {
    /// The OAuth endpoints of `api` for a client.
    pub fn new(api: &Api, client_id: impl Into<String>, client_secret: ClientSecret) -> Result<OAuthClient, Error> {
        Ok(OAuthClient {
            http: crate::http_client(OAUTH_TIMEOUT, USER_AGENT, reqwest::redirect::Policy::default())?,
            base: api.oauth_base(),
            client_id: client_id.into(),
            client_secret,
        })
    }

    /// The URL to send the researcher to. `scopes` are joined with spaces.
    ///
    /// ```
    /// use orcid_client::{Api, ClientSecret, OAuthClient, scope};
    /// let oauth = OAuthClient::new(&Api::Sandbox, "APP-1", ClientSecret::new("s")).unwrap();
    /// let url = oauth.authorize_url(&[scope::ACTIVITIES_UPDATE, scope::READ_LIMITED], "https://example.org/back", Some("x1"));
    /// assert_eq!(
    ///     url,
    ///     "https://sandbox.orcid.org/oauth/authorize?client_id=APP-1&response_type=code&scope=%2Factivities%2Fupdate+%2Fread-limited&redirect_uri=https%3A%2F%2Fexample.org%2Fback&state=x1"
    /// );
    /// ```
    pub fn authorize_url(&self, scopes: &[&str], redirect_uri: &str, state: Option<&str>) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("client_id", &self.client_id)
            .append_pair("response_type", "code")
            .append_pair("scope", &scopes.join(" "))
            .append_pair("redirect_uri", redirect_uri);
        if let Some(state) = state {
            query.append_pair("state", state);
        }
        format!("{}/oauth/authorize?{}", self.base, query.finish())
    }

    /// Asks the authorize endpoint for a code without a browser, as `record`'s researcher
    /// (when given). A server that approves at once (the emulator, `orcid sandbox serve`)
    /// redirects straight back with a code, returned here; ORCID answers with its sign-in page,
    /// and this returns `None`: send the researcher to [`OAuthClient::authorize_url`] instead.
    pub async fn authorize_without_browser(
        &self,
        scopes: &[&str],
        redirect_uri: &str,
        record: Option<&str>,
    ) -> Result<Option<String>, Error> {
        let mut url = self.authorize_url(scopes, redirect_uri, None);
        if let Some(orcid) = record {
            url.push_str(&format!("&orcid={}", url::form_urlencoded::byte_serialize(orcid.as_bytes()).collect::<String>()));
        }
        // Redirects are read, not followed: the code is in the first one's Location.
        let http = crate::http_client(OAUTH_TIMEOUT, USER_AGENT, reqwest::redirect::Policy::none())?;
        let answer = http.get(&url).send().await.map_err(Error::transport)?;
        let status = answer.status();
        if status.is_client_error() {
            // An OAuth refusal (an unknown client, a bad redirect URI): say it, as for tokens.
            let body: serde_json::Value = serde_json::from_slice(&answer.bytes().await.unwrap_or_default()).unwrap_or_default();
            let text = |k: &str| body.get(k).and_then(|v| v.as_str()).map(str::to_owned);
            return Err(Error::OAuth {
                status: status.as_u16(),
                error: text("error").unwrap_or_else(|| status.to_string()),
                description: text("error_description"),
            });
        }
        if !status.is_redirection() {
            return Ok(None);
        }
        let location = answer.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let code = url::Url::parse(location).ok().and_then(|u| u.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()));
        Ok(code)
    }

    /// Exchanges an authorization code for the researcher's token.
    pub async fn exchange_code(&self, code: &str, redirect_uri: &str) -> Result<Token, Error> {
        self.token(&[("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect_uri)]).await
    }

    /// A client-credentials token (`/read-public`, `/webhook` ...).
    pub async fn client_credentials(&self, scope: &str) -> Result<Token, Error> {
        self.token(&[("grant_type", "client_credentials"), ("scope", scope)]).await
    }

    /// A new token from a refresh token; `revoke_old` revokes the token it replaces, `scope`
    /// may narrow it.
    pub async fn refresh(&self, refresh_token: &RefreshToken, revoke_old: bool, scope: Option<&str>) -> Result<Token, Error> {
        let mut form = vec![("grant_type", "refresh_token"), ("refresh_token", refresh_token.expose_secret())];
        if revoke_old {
            form.push(("revoke_old", "true"));
        }
        if let Some(scope) = scope {
            form.push(("scope", scope));
        }
        self.token(&form).await
    }

    /// Revokes a token.
    pub async fn revoke(&self, token: &AccessToken) -> Result<(), Error> {
        self.post("revoke", &[("token", token.expose_secret())]).await.map(drop)
    }

    async fn token(&self, form: &[(&str, &str)]) -> Result<Token, Error> {
        let body = self.post("token", form).await?;
        let json: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| Error::Decode { what: "the token answer".into(), message: e.to_string() })?;
        let text = |key: &str| json.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let access_token =
            text("access_token").ok_or_else(|| Error::Decode { what: "the token answer".into(), message: "no `access_token`".into() })?;
        Ok(Token {
            access_token: AccessToken::new(access_token),
            token_type: text("token_type").unwrap_or_else(|| "bearer".into()),
            refresh_token: text("refresh_token").map(RefreshToken::new),
            expires_in: json.get("expires_in").and_then(|v| v.as_u64()),
            scope: text("scope").unwrap_or_default(),
            name: text("name"),
            orcid: text("orcid"),
        })
    }

    /// A form POST to `/oauth/{endpoint}` with the client's credentials; OAuth errors come
    /// back as `{"error", "error_description"}`.
    async fn post(&self, endpoint: &str, form: &[(&str, &str)]) -> Result<Vec<u8>, Error> {
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        body.append_pair("client_id", &self.client_id).append_pair("client_secret", self.client_secret.expose_secret());
        for (k, v) in form {
            body.append_pair(k, v);
        }
        let response = self
            .http
            .post(format!("{}/oauth/{endpoint}", self.base))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body.finish())
            .send()
            .await
            .map_err(Error::transport)?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(Error::transport)?.to_vec();
        if (200..300).contains(&status) {
            return Ok(bytes);
        }
        let json: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
        let field = |key: &str| json.as_ref().and_then(|j| j.get(key)).and_then(|v| v.as_str()).map(str::to_string);
        Err(Error::OAuth {
            status,
            error: field("error").unwrap_or_else(|| format!("HTTP {status}")),
            description: field("error_description"),
        })
    }
}
