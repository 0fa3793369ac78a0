//! Tokens and client secrets, held so that they never reach `Debug`, logs or errors.

use secrecy::{ExposeSecret, SecretString};

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(SecretString);

        impl $name {
            /// Wraps a secret string.
            pub fn new(secret: impl Into<String>) -> Self {
                $name(SecretString::from(secret.into()))
            }

            /// The secret itself, for where it must go (a header, a form, a file the user asked for).
            pub fn expose_secret(&self) -> &str {
                self.0.expose_secret()
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(redacted)"))
            }
        }
    };
}

secret!(
    /// An OAuth access token (the researcher's, or a client-credentials token).
    ///
    /// ```
    /// let token = orcid_client::AccessToken::new("f5af9f51-07e6-4332-8f1a-c0c11c1e3728");
    /// assert_eq!(format!("{token:?}"), "AccessToken(redacted)");
    /// ```
    AccessToken
);
secret!(
    /// An OAuth refresh token.
    RefreshToken
);
secret!(
    /// A member API client's secret.
    ClientSecret
);

impl AccessToken {
    /// `Bearer <token>`, marked sensitive so HTTP tooling does not print it.
    pub(crate) fn header_value(&self) -> reqwest::header::HeaderValue {
        let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", self.expose_secret()))
            .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("Bearer invalid-token-characters"));
        value.set_sensitive(true);
        value
    }
}
