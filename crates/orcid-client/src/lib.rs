//! A client for ORCID's member API 3.0.
//!
//! - [`Client`]: create, update, delete and read record items ([`RecordItem`]s of the model
//!   crate), read records, bulk-create works and read works by put-code; XML or JSON on the
//!   wire; a rate limit shared by every clone; retries that never leave two copies.
//! - The rest of the member API on the same [`Client`]: peer-review group ids, permission
//!   notifications, webhooks, anonymous reads of the public API ([`Api::Public`]) and search
//!   (one page, or a stream of [`SearchPage`]s within ORCID's limits).
//! - [`OAuthClient`]: the authorize URL, code exchange, client credentials, refresh, revoke.
//! - [`Error`]: ORCID's API errors with their codes, OAuth errors, transport and decoding.
//!
//! Tokens and client secrets ([`AccessToken`], [`RefreshToken`], [`ClientSecret`]) never
//! show in `Debug`, logs or errors.
//!
//! [`RecordItem`]: orcid_model::items::RecordItem

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod error;
mod groups;
#[cfg(feature = "push")]
mod ledger;
mod limiter;
mod notices;
mod oauth;
#[cfg(feature = "push")]
pub mod push;
mod record;
mod retry;
mod search;
mod token;

pub use client::{Api, Client, ClientBuilder, Created};
pub use error::{ApiError, Error, ErrorCode};
pub use groups::GroupsApi;
pub use limiter::RateLimit;
pub use oauth::{OAuthClient, Token, scope};
pub use record::RecordApi;
pub use retry::RetryPolicy;
pub use search::{CSV_FIELDS, MAX_ROWS, MAX_START_ANONYMOUS, SearchApi, SearchPage};
pub use token::{AccessToken, ClientSecret, RefreshToken};

/// The crate's README, whose example is compiled as a test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The HTTP client under both API and OAuth clients: rustls with the ring provider; `redirect`
/// says whether redirects are followed (the authorize endpoint's is read, not followed).
fn http_client(timeout: std::time::Duration, user_agent: &str, redirect: reqwest::redirect::Policy) -> Result<reqwest::Client, Error> {
    // Another part of the program may have chosen a provider already; that one is kept.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(user_agent)
        .redirect(redirect)
        .build()
        .map_err(|e| Error::usage_from(format!("could not set up HTTP: {}", client::transport_message(&e)), e))
}
