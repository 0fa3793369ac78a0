//! The member API client: one `Client` per environment and wire format, cheap to clone.

use std::sync::Arc;
use std::time::Duration;

use orcid_model::items::put_code_in_duplicate_message;
use orcid_model::{Document, Element, Format, Kind, Mode, OrcidId, PutCode, WriteOptions};
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, LOCATION};
use tokio::time::Instant;

use crate::error::{ApiError, Error, ErrorCode};
use crate::limiter::{Limiter, RateLimit};
use crate::retry::{RetryPolicy, retry_after};
use crate::token::AccessToken;

/// Which ORCID to talk to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Api {
    /// `https://api.orcid.org/v3.0`, OAuth at `https://orcid.org/oauth`.
    Production,
    /// `https://api.sandbox.orcid.org/v3.0`, OAuth at `https://sandbox.orcid.org/oauth`.
    Sandbox,
    /// The public API, `https://pub.orcid.org/v3.0`: reads and search of public data, with a
    /// `/read-public` token or none. OAuth at `https://orcid.org/oauth`.
    Public,
    /// The sandbox's public API, `https://pub.sandbox.orcid.org/v3.0`.
    PublicSandbox,
    /// Any other server (an emulator, a proxy): its API base, with or without `/v3.0`.
    /// OAuth is then at `/oauth` on the same origin.
    Url(String),
}

impl Api {
    /// `sandbox`, `production`, `public`, `public-sandbox`, or a URL.
    ///
    /// ```
    /// use orcid_client::Api;
    /// assert_eq!(Api::parse("sandbox").unwrap(), Api::Sandbox);
    /// assert_eq!(Api::parse("public-sandbox").unwrap().api_base(), "https://pub.sandbox.orcid.org/v3.0");
    /// assert_eq!(Api::parse("http://127.0.0.1:8080/v3.0/").unwrap().api_base(), "http://127.0.0.1:8080/v3.0");
    /// assert!(Api::parse("orcid").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Api, Error> {
        match text {
            "sandbox" => Ok(Api::Sandbox),
            "production" => Ok(Api::Production),
            "public" => Ok(Api::Public),
            "public-sandbox" => Ok(Api::PublicSandbox),
            url => match url::Url::parse(url) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(Api::Url(url.to_string())),
                _ => {
                    Err(Error::usage(format!("`{text}` is none of `sandbox`, `production`, `public`, `public-sandbox` or an http(s) URL")))
                }
            },
        }
    }

    /// The API base, ending in `/v3.0`.
    pub fn api_base(&self) -> String {
        match self {
            Api::Production => "https://api.orcid.org/v3.0".into(),
            Api::Sandbox => "https://api.sandbox.orcid.org/v3.0".into(),
            Api::Public => "https://pub.orcid.org/v3.0".into(),
            Api::PublicSandbox => "https://pub.sandbox.orcid.org/v3.0".into(),
            Api::Url(url) => format!("{}/v3.0", origin_of(url)),
        }
    }

    /// The API base as a URL, for building request URLs segment by segment.
    pub(crate) fn api_url(&self) -> Result<url::Url, Error> {
        let base = self.api_base();
        url::Url::parse(&base).map_err(|e| Error::usage_from(format!("`{base}` is not a URL: {e}"), e))
    }

    /// Whether this is one of ORCID's public API hosts (whose rate limit is 12 a second).
    pub fn is_public(&self) -> bool {
        matches!(self, Api::Public | Api::PublicSandbox)
    }

    /// Where the OAuth endpoints are: `{base}/oauth/token` and so on.
    pub fn oauth_base(&self) -> String {
        match self {
            Api::Production | Api::Public => "https://orcid.org".into(),
            Api::Sandbox | Api::PublicSandbox => "https://sandbox.orcid.org".into(),
            Api::Url(url) => origin_of(url),
        }
    }
}

impl std::fmt::Display for Api {
    /// As `--api` takes it: `sandbox`, `production`, `public`, `public-sandbox`, or the URL.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Api::Sandbox => "sandbox",
            Api::Production => "production",
            Api::Public => "public",
            Api::PublicSandbox => "public-sandbox",
            Api::Url(url) => url,
        })
    }
}

impl std::str::FromStr for Api {
    type Err = Error;
    /// As [`Api::parse`]: `"sandbox".parse::<Api>()`.
    fn from_str(text: &str) -> Result<Api, Error> {
        Api::parse(text)
    }
}

/// A base URL without a trailing `/`, `/v3.0` or `/oauth`: the API's URL, the OAuth URL and the
/// host itself all name one server (as the emulator's banner prints them).
fn origin_of(url: &str) -> String {
    let url = url.trim_end_matches('/');
    let url = url.strip_suffix("/v3.0").unwrap_or(url);
    url.strip_suffix("/oauth").unwrap_or(url).to_string()
}

/// What a create returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Created {
    /// The item's put-code: keep it to update or delete the item.
    pub put_code: PutCode,
    /// `true` when a retried request found the item already stored (ORCID answered 409
    /// duplicate after an earlier attempt whose answer was lost): no second copy was made.
    pub existing: bool,
}

/// How to build a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    api: Api,
    format: Format,
    rate_limit: RateLimit,
    retry: RetryPolicy,
    timeout: Duration,
    user_agent: String,
    max_response_bytes: usize,
}

/// The largest answer read by default: far more than ORCID's largest (a record with 10,000
/// works summarised is some 20 MB), so that only a broken or hostile server meets it.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

impl ClientBuilder {
    /// The largest answer body read (default 64 MiB); a larger one, or one
    /// that never ends, is an error rather than a memory blow-up.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The wire format (default XML).
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// The rate limit shared by all clones (default ORCID's 24 a second, burst 40).
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
        self
    }

    /// When to retry (default [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The time limit of one attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` (default `orcid-client/VERSION`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let http = crate::http_client(self.timeout, &self.user_agent, reqwest::redirect::Policy::default())?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                api_url: self.api.api_url()?,
                format: self.format,
                limiter: Limiter::new(self.rate_limit),
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
            }),
        })
    }
}

/// A member API client. Clones share the connection pool and the rate limit.
///
/// ```no_run
/// # async fn run() -> Result<(), orcid_client::Error> {
/// use orcid_client::{AccessToken, Api, Client};
/// use orcid_model::Format;
/// use orcid_model::work::{Work, WorkTitle};
/// use orcid_model::vocabulary::WorkType;
///
/// let client = Client::builder(Api::Sandbox).format(Format::Json).build()?;
/// let token = AccessToken::new(std::env::var("ORCID_TOKEN").unwrap_or_default());
/// let work = Work::new(WorkTitle::new("On ORCID"), WorkType::JournalArticle);
/// let orcid: orcid_model::OrcidId = "0000-0002-1825-0097".parse().expect("an ORCID iD");
/// let created = client.record(&token, &orcid).create(&work).await?;
/// println!("put-code {}", created.put_code);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    api_url: url::Url,
    format: Format,
    limiter: Limiter,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("api_base", &self.inner.api_url.as_str()).field("format", &self.inner.format).finish()
    }
}

/// One request as the retry loop sends it.
pub(crate) struct Call<'a> {
    pub method: Method,
    pub url: url::Url,
    /// `None` for anonymous reads of the public API.
    pub token: Option<&'a AccessToken>,
    pub body: Option<String>,
    /// Whether to send again after a failure that leaves it unknown whether the server
    /// acted (timeout, dropped connection, 502/504). Safe for reads, updates and deletes,
    /// and for creates that ORCID would refuse as duplicates.
    pub resend_if_unsure: bool,
}

/// An answer, with whether an earlier attempt may have been acted on.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub unsure_before: bool,
}

impl Client {
    /// A builder for `api`.
    pub fn builder(api: Api) -> ClientBuilder {
        let rate_limit = if api.is_public() { RateLimit::PUBLIC } else { RateLimit::default() };
        ClientBuilder {
            api,
            format: Format::Xml,
            rate_limit,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            user_agent: concat!("orcid-client/", env!("CARGO_PKG_VERSION")).into(),
            max_response_bytes: MAX_RESPONSE_BYTES,
        }
    }

    /// The API base, ending in `/v3.0`.
    pub fn api_base(&self) -> &str {
        self.inner.api_url.as_str()
    }

    /// The wire format.
    pub fn format(&self) -> Format {
        self.inner.format
    }

    /// `{api base}/{orcid}/{segments...}`, each segment percent-encoded as a path segment.
    /// A URL under the API base that is not a record's (`/group-id-record/...`).
    pub(crate) fn api_url(&self, segments: &[&str], query: &[(&str, &str)]) -> url::Url {
        let mut url = self.inner.api_url.clone();
        url.path_segments_mut().expect("an http(s) URL has a path").pop_if_empty().extend(segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// The server's origin, without `/v3.0` (webhooks live there).
    pub(crate) fn origin_url(&self) -> url::Url {
        let mut url = self.inner.api_url.clone();
        url.path_segments_mut().expect("an http(s) URL has a path").pop_if_empty().pop();
        url
    }

    pub(crate) fn url(&self, orcid: &OrcidId, segments: &[&str]) -> url::Url {
        let mut url = self.inner.api_url.clone();
        {
            let mut path = url.path_segments_mut().expect("an http(s) URL has a path");
            path.pop_if_empty().push(orcid.as_str()).extend(segments);
        }
        url
    }

    /// How bodies are written for upload: without what ORCID sets itself (source, dates,
    /// paths); XML indented, JSON compact.
    fn upload_options(&self) -> WriteOptions {
        match self.inner.format {
            Format::Xml => WriteOptions::upload(),
            Format::Json => WriteOptions::upload().compact(),
        }
    }

    /// A body for upload, in the client's wire format.
    pub(crate) fn encode<T: Element>(&self, value: &T) -> String {
        value.to_text(self.inner.format, self.upload_options())
    }

    /// A document as a body for upload, in the client's wire format.
    pub(crate) fn encode_document(&self, value: &Document) -> String {
        value.to_text(self.inner.format, self.upload_options())
    }

    /// Reads an answer's body as `T`, in the form its `Content-Type` says. Leniently: ORCID
    /// may add fields this version does not know.
    pub(crate) fn decode<T: Element>(&self, answer: &Answer, what: &str) -> Result<T, Error> {
        let format = answer_format(answer);
        T::from_text(&answer.body, format, Mode::Lenient).map_err(|e| decode_error(what, format, e))
    }

    /// Reads an answer's body as a document of `kind`, as [`Client::decode`] does.
    pub(crate) fn decode_document(&self, answer: &Answer, kind: Kind, what: &str) -> Result<Document, Error> {
        let format = answer_format(answer);
        match Document::from_text(&answer.body, format, kind, Mode::Lenient) {
            Ok(doc) if doc.kind() == kind => Ok(doc),
            Ok(doc) => Err(Error::Decode {
                what: format!("the {what} in the answer"),
                message: format!("expected a {}, found a {}", kind.as_str(), doc.kind().as_str()),
            }),
            Err(e) => Err(decode_error(what, format, e)),
        }
    }

    /// GETs a path under a record and reads the answer as `T`.
    pub(crate) async fn get<T: Element>(
        &self,
        token: Option<&AccessToken>,
        orcid: &OrcidId,
        segments: &[&str],
        what: &str,
    ) -> Result<T, Error> {
        let answer = self.get_answer(token, orcid, segments).await?;
        self.decode(&answer, what)
    }

    /// GETs a path under a record: the answer, if 200.
    pub(crate) async fn get_answer(&self, token: Option<&AccessToken>, orcid: &OrcidId, segments: &[&str]) -> Result<Answer, Error> {
        let call = Call { method: Method::GET, url: self.url(orcid, segments), token, body: None, resend_if_unsure: true };
        self.expect(&call, 200).await
    }

    /// Sends and turns any status but `status` into the error it carries.
    pub(crate) async fn expect(&self, call: &Call<'_>, status: u16) -> Result<Answer, Error> {
        let answer = self.send(call).await?;
        if answer.status == status { Ok(answer) } else { Err(self.api_error(&answer).into()) }
    }

    /// ORCID's error from an answer's body, or what the status says when there is none.
    pub(crate) fn api_error(&self, answer: &Answer) -> ApiError {
        let parsed = if is_json(&answer.headers) {
            std::str::from_utf8(&answer.body).ok().and_then(|t| orcid_model::error::Error::from_json_str(t, Mode::Lenient).ok())
        } else {
            orcid_model::error::Error::from_xml_bytes(&answer.body, Mode::Lenient).ok()
        };
        match parsed {
            Some(e) => ApiError { status: answer.status, ..ApiError::from_model(&e) },
            None => {
                let text = String::from_utf8_lossy(&answer.body);
                let text = text.trim();
                ApiError {
                    status: answer.status,
                    code: None,
                    developer_message: if text.is_empty() {
                        format!("HTTP {} with no error body", answer.status)
                    } else {
                        text.chars().take(300).collect()
                    },
                    user_message: None,
                    more_info: None,
                }
            }
        }
    }

    /// The retry loop: waits for the rate limiter, sends, and sends again on 503, 429, 502,
    /// 504 and connection failures as the policy allows.
    pub(crate) async fn send(&self, call: &Call<'_>) -> Result<Answer, Error> {
        self.send_accepting(call, None).await
    }

    /// [`Client::send`] asking for another media type than the wire format's (`text/csv`).
    pub(crate) async fn send_accepting(&self, call: &Call<'_>, accept: Option<&'static str>) -> Result<Answer, Error> {
        let policy = &self.inner.retry;
        let started = Instant::now();
        let mut retries = 0u32;
        let mut unsure_before = false;
        loop {
            self.inner.limiter.acquire().await;
            let outcome = self.attempt(call, accept).await;
            // (may retry, whether the server may have acted, Retry-After)
            let (retryable, unsure, after) = match &outcome {
                Ok(a) => match a.status {
                    503 | 429 => (true, false, retry_after(&a.headers)),
                    502 | 504 => (true, true, retry_after(&a.headers)),
                    _ => (false, false, None),
                },
                Err(Attempt::NotSent(_)) => (true, false, None),
                Err(Attempt::Unsure(_)) => (true, true, None),
                Err(Attempt::TooLarge(_)) => (false, false, None),
            };
            let wait = policy.backoff(retries + 1, after);
            let give_up = !retryable
                || (unsure && !call.resend_if_unsure)
                || retries >= policy.max_retries
                || started.elapsed() + wait > policy.max_elapsed;
            if give_up {
                return match outcome {
                    Ok(mut answer) => {
                        answer.unsure_before = unsure_before;
                        Ok(answer)
                    }
                    Err(Attempt::NotSent(e)) => Err(Error::transport(e)),
                    Err(Attempt::TooLarge(message)) => Err(Error::Transport { message, source: None }),
                    Err(Attempt::Unsure(e)) if !call.resend_if_unsure => Err(Error::Transport {
                        message: format!(
                            "{}; the server may have stored the item, so it was not sent again: read the section before sending it again",
                            transport_message(&e)
                        ),
                        source: Some(e),
                    }),
                    Err(Attempt::Unsure(e)) => Err(Error::transport(e)),
                };
            }
            unsure_before |= unsure;
            retries += 1;
            match &outcome {
                Ok(a) => {
                    tracing::warn!(method = %call.method, url = %call.url, status = a.status, retry = retries, wait_ms = wait.as_millis() as u64, "retrying")
                }
                Err(Attempt::NotSent(e) | Attempt::Unsure(e)) => {
                    let error = transport_message(e);
                    tracing::warn!(method = %call.method, url = %call.url, error = %error, retry = retries, wait_ms = wait.as_millis() as u64, "retrying")
                }
                Err(Attempt::TooLarge(e)) => {
                    tracing::warn!(method = %call.method, url = %call.url, error = %e, retry = retries, wait_ms = wait.as_millis() as u64, "retrying")
                }
            }
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(&self, call: &Call<'_>, accept: Option<&'static str>) -> Result<Answer, Attempt> {
        let media = self.inner.format.media_type();
        let mut request = self.inner.http.request(call.method.clone(), call.url.clone()).header(ACCEPT, accept.unwrap_or(media));
        if let Some(token) = call.token {
            request = request.header(AUTHORIZATION, token.header_value());
        }
        if let Some(body) = &call.body {
            request = request.header(CONTENT_TYPE, media).body(body.clone());
        }
        let response = request.send().await.map_err(|e| if e.is_connect() { Attempt::NotSent(e) } else { Attempt::Unsure(e) })?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = read_body(response, self.inner.max_response_bytes).await?;
        tracing::debug!(method = %call.method, url = %call.url, status, bytes = body.len(), "answer");
        Ok(Answer { status, headers, body, unsure_before: false })
    }
}

/// An answer's body, up to `max` bytes: a longer one (or one that never ends) is an error
/// before it fills memory. A server that stalls mid-body meets the client's timeout.
async fn read_body(mut response: reqwest::Response, max: usize) -> Result<Vec<u8>, Attempt> {
    if let Some(length) = response.content_length()
        && length > max as u64
    {
        return Err(Attempt::TooLarge(format!("the answer is {length} bytes, more than the {max} this client reads")));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Attempt::Unsure)? {
        if body.len() + chunk.len() > max {
            return Err(Attempt::TooLarge(format!("the answer goes on past {max} bytes, more than this client reads")));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Why an attempt got no answer.
enum Attempt {
    /// The request never reached the server (connection refused): safe to send again.
    NotSent(reqwest::Error),
    /// The request may have reached the server (timeout, dropped connection).
    Unsure(reqwest::Error),
    /// The server answered with more than the client reads: not retried.
    TooLarge(String),
}

/// reqwest's error with its causes (the URL is in it; tokens never are, they travel in a header).
pub(crate) fn transport_message(e: &reqwest::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// The format an answer's `Content-Type` names (XML when it names none).
fn answer_format(answer: &Answer) -> Format {
    if is_json(&answer.headers) { Format::Json } else { Format::Xml }
}

fn decode_error(what: &str, format: Format, e: orcid_model::ReadError) -> Error {
    let form = if format == Format::Json { "JSON" } else { "XML" };
    Error::Decode { what: format!("the {what} in the answer ({form})"), message: e.to_string() }
}

pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("json"))
}

/// The put-code at the end of a `Location` header.
pub(crate) fn put_code_from_location(headers: &HeaderMap) -> Result<PutCode, Error> {
    let location = headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| Error::Decode { what: "the Location header".into(), message: "201 Created came without one".into() })?;
    location
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .and_then(|last| last.parse().ok())
        .ok_or_else(|| Error::Decode { what: "the Location header".into(), message: format!("`{location}` does not end in a put-code") })
}

/// A 409 duplicate met after an attempt that may have been stored is that attempt's item.
pub(crate) fn duplicate_of_earlier_attempt(error: &ApiError, unsure_before: bool) -> Option<PutCode> {
    if !unsure_before || error.code != Some(ErrorCode::Duplicate) {
        return None;
    }
    put_code_in_duplicate_message(&error.developer_message)
}
