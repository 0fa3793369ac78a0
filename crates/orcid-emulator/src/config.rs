//! What the emulator starts with: its clients, its researchers, its limits and faults.

use std::time::Duration;

use crate::faults::Faults;

/// A member API client the emulator knows.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `APP-...`.
    pub id: String,
    /// The client secret.
    pub secret: String,
    /// The name ORCID shows as the source of the client's items.
    pub name: String,
}

/// A researcher whose record the emulator holds.
#[derive(Debug, Clone)]
pub struct UserConfig {
    /// The ORCID iD (`0000-0002-1825-0097`).
    pub orcid: String,
    /// The name given in token answers.
    pub name: String,
}

/// What the emulator starts with.
#[derive(Debug, Clone)]
pub struct Config {
    /// The clients that may get tokens.
    pub clients: Vec<ClientConfig>,
    /// The records; the first user is the one who "signs in" at `/oauth/authorize` unless
    /// the request names another with `orcid=`.
    pub users: Vec<UserConfig>,
    /// The member API's rate limit, `(requests a second, burst queue)`; `None` for none.
    pub rate_limit: Option<(f64, u32)>,
    /// Faults to inject.
    pub faults: Faults,
    /// How many records to generate besides `users`, for search to find: names, current and
    /// past employments, works with DOIs (iDs from `0000-0003-0000-0000` on, the same for the
    /// same number).
    pub people: usize,
    /// How long a connection may take to send a request's headers, first request or next
    /// (a slow client, an idle keep-alive connection), before it is closed.
    pub header_timeout: Duration,
    /// Connections served at once; more wait in the listen queue until one closes. Far below
    /// the file-descriptor limit, so that idle connections never stop the emulator answering.
    pub max_connections: usize,
    /// Request bodies held (and validated) at once, in bytes: a request whose body would pass
    /// it waits for others to be answered. Validating a body takes several times its size, so
    /// this bounds the emulator's memory under many large requests; requests without a body
    /// never wait. The default, 32 MiB, is one body of the largest size at a time, which
    /// leaves a core for small requests while it is validated.
    pub max_body_memory: usize,
}

impl Default for Config {
    /// One client (`APP-EMULATOR00000001`, secret `emulator-secret`), one record
    /// (`0000-0002-1825-0097`, Josiah Carberry), ORCID's rate limit, no faults.
    fn default() -> Self {
        Config {
            clients: vec![ClientConfig {
                id: "APP-EMULATOR00000001".into(),
                secret: "emulator-secret".into(),
                name: "Emulated member".into(),
            }],
            users: vec![UserConfig { orcid: "0000-0002-1825-0097".into(), name: "Josiah Carberry".into() }],
            rate_limit: Some((24.0, 40)),
            faults: Faults::default(),
            people: 0,
            header_timeout: Duration::from_secs(30),
            max_connections: 1024,
            max_body_memory: 32 << 20,
        }
    }
}
