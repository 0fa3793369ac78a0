//! One error type for everything the client does.

use std::fmt;

/// What went wrong talking to ORCID.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// ORCID answered with an error body (or an error status without one).
    #[error("{0}")]
    Api(#[from] ApiError),
    /// An OAuth endpoint refused: `{"error": ..., "error_description": ...}`.
    #[error("OAuth error (HTTP {status}): {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    OAuth {
        /// The HTTP status.
        status: u16,
        /// OAuth's error code (`invalid_grant`, `invalid_client`, `invalid_scope` ...).
        error: String,
        /// OAuth's `error_description`.
        description: Option<String>,
    },
    /// The request did not get an answer: connection refused or dropped, timeout, TLS, or an
    /// answer larger than the client reads.
    #[error("{message}")]
    Transport {
        /// What happened, with its causes.
        message: String,
        /// The HTTP client's error, when there is one.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// An answer came but could not be read.
    #[error("could not read {what}: {message}")]
    Decode {
        /// What was being read (`the work in the answer`, `the Location header` ...).
        what: String,
        /// Why it could not be read, with line and column where there are some.
        message: String,
    },
    /// A request that makes no sense to send (more than 100 put-codes in a bulk, a bad base URL ...).
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// The error behind it, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// Another run is pushing the folder `push` was asked to push (it holds the folder's lock).
    #[error("another `orcid push` ({}) is pushing {}: wait for it to end, or stop it (it holds {})",
        pid.map_or_else(|| "process unknown".to_owned(), |p| format!("process {p}")), folder.display(), lock.display())]
    FolderBusy {
        /// The folder.
        folder: std::path::PathBuf,
        /// The lock file.
        lock: std::path::PathBuf,
        /// The other run's process id, as it wrote it in the lock file.
        pid: Option<u32>,
    },
    /// A local file or `push`'s ledger could not be read or written.
    #[error("{message}")]
    Local {
        /// What could not be done, naming the file.
        message: String,
        /// The I/O or database error behind it, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl Error {
    /// A usage error with no error behind it.
    pub(crate) fn usage(message: impl Into<String>) -> Error {
        Error::Usage { message: message.into(), source: None }
    }

    /// A usage error caused by `source`.
    pub(crate) fn usage_from(message: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static) -> Error {
        Error::Usage { message: message.into(), source: Some(Box::new(source)) }
    }

    /// A local error caused by `source`.
    #[cfg(feature = "push")]
    pub(crate) fn local(message: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static) -> Error {
        Error::Local { message: message.into(), source: Some(Box::new(source)) }
    }

    /// A transport error: the HTTP client's, with its causes in the message.
    pub(crate) fn transport(e: reqwest::Error) -> Error {
        Error::Transport { message: crate::client::transport_message(&e), source: Some(e) }
    }

    /// The host a request could not connect to (no route, refused, a name that does not
    /// resolve), when that is what went wrong.
    pub fn unreachable_host(&self) -> Option<String> {
        match self {
            Error::Transport { source: Some(e), .. } if e.is_connect() => e.url().and_then(|u| u.host_str()).map(str::to_owned),
            _ => None,
        }
    }

    /// ORCID's error code, when ORCID gave one.
    pub fn orcid_code(&self) -> Option<ErrorCode> {
        match self {
            Error::Api(e) => e.code,
            _ => None,
        }
    }
}

/// An ORCID API error: the HTTP status and ORCID's `error` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// ORCID's error code (`error-code`), when the body had one.
    pub code: Option<ErrorCode>,
    /// `developer-message`: what is wrong, for the integrator.
    pub developer_message: String,
    /// `user-message`: what to tell the researcher.
    pub user_message: Option<String>,
    /// `more-info`: a link to ORCID's documentation.
    pub more_info: Option<String>,
}

impl ApiError {
    /// The error of one `error` element (as in a bulk answer) or body.
    pub fn from_model(e: &orcid_model::error::Error) -> ApiError {
        ApiError {
            status: u16::try_from(e.response_code).unwrap_or(0),
            code: e.error_code.and_then(|c| u32::try_from(c).ok()).map(ErrorCode::from),
            developer_message: e.developer_message.clone(),
            user_message: e.user_message.clone(),
            more_info: e.more_info.clone(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ORCID answered HTTP {}", self.status)?;
        if let Some(code) = self.code {
            write!(f, " with error {}", code.number())?;
        }
        write!(f, ": {}", self.developer_message)
    }
}

impl std::error::Error for ApiError {}

macro_rules! error_codes {
    ($($name:ident = $n:literal, $doc:literal;)*) => {
        /// ORCID's error codes (`error-code` in an error body), with a fallback for codes
        /// this crate does not name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(#[doc = $doc] $name,)*
            /// A code not named here.
            Other(u32),
        }

        impl ErrorCode {
            /// The number ORCID uses.
            pub fn number(self) -> u32 {
                match self {
                    $(ErrorCode::$name => $n,)*
                    ErrorCode::Other(n) => n,
                }
            }
        }

        impl From<u32> for ErrorCode {
            fn from(n: u32) -> ErrorCode {
                match n {
                    $($n => ErrorCode::$name,)*
                    n => ErrorCode::Other(n),
                }
            }
        }
    };
}

error_codes! {
    BadRequest = 9001, "Bad data or bad endpoint (often the XSD parser's text).";
    InvalidToken = 9002, "Bad or missing token.";
    WrongScope = 9004, "Scope missing or wrong.";
    InsufficientScope = 9005, "Scope missing or wrong.";
    IllegalArgument = 9006, "Illegal argument (a bulk of more than 100 works).";
    Deprecated = 9007, "The iD was deprecated: the record was merged into another.";
    NotificationAlreadyRead = 9009, "The researcher has read the notification: it can no longer be archived.";
    NotSource = 9010, "The client is not the item's source.";
    NotFound = 9011, "Not found.";
    BadParameters = 9012, "A malformed request: an XML body the schema refuses, or a search's rows or start out of range.";
    Forbidden = 9014, "Not allowed (another client's webhook).";
    ScopeNotPermitted = 9015, "Scope missing or wrong.";
    ResourceNotFound = 9016, "Not found.";
    InvalidTokenRecord = 9017, "Bad or missing token.";
    Locked = 9018, "The record is locked.";
    PutCodeMismatch = 9019, "The put-code in the URL and in the body differ.";
    ValidationFailed = 9020, "Validation failed.";
    Duplicate = 9021, "Duplicate external identifier: the same source already has the item.";
    DuplicatePersonItem = 9030, "A person item with the same value already exists (an other name, keyword, researcher URL or identifier).";
    TitleRequired = 9022, "Title required.";
    ExternalIdInvalid = 9023, "External identifier missing or invalid.";
    PutCodeOnCreate = 9024, "A put-code was sent on create.";
    GroupIdExists = 9025, "The group id exists.";
    GroupIdInvalid = 9026, "Invalid group id.";
    WebhookNotFound = 9028, "No such webhook on the record.";
    NotificationNotFound = 9029, "No such notification on the record.";
    PersonPutCodeMissing = 9031, "Put-code missing on a person item update.";
    InvalidPutCode = 9034, "Invalid put-code.";
    VisibilityChange = 9035, "Visibility may not change on update.";
    Unclaimed = 9036, "The record is not claimed.";
    InvalidEnumeration = 9037, "A value not on ORCID's list.";
    TooManyPutCodes = 9042, "More than 100 put-codes.";
    SearchStartTooLarge = 9043, "A search's start beyond 10,000 without credentials.";
    Deactivated = 9044, "The record is deactivated.";
    DisambiguatedOrganization = 9045, "Disambiguated organization missing or invalid.";
    OrganizationMissing = 9046, "Organization missing.";
    InvalidJson = 9047, "Invalid JSON.";
    WorksCap = 9048, "The record holds 10,000 works.";
    InvalidDate = 9049, "Invalid date.";
    EndWithoutStart = 9050, "End date without a start date.";
    InvalidEnumerationValue = 9051, "A value not on ORCID's list.";
    InvalidIssn = 9053, "Bad ISSN.";
    InvalidAmount = 9054, "Bad amount.";
    EndBeforeStart = 9055, "End date before start date.";
    ContributorRole = 9058, "Bad contributor role.";
    CityCountryRequired = 9060, "City and country required.";
    CountryRequired = 9061, "City or region without a country.";
    ProfessionalActivityId = 9062, "A professional activity needs an organization id or an external id.";
}
