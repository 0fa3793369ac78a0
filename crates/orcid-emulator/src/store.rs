//! The emulator's memory: tokens, authorization codes and records.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use orcid_model::PutCode;
use orcid_model::items::{DuplicateKey, Section};
use orcid_model::normalise::IdKey;

use crate::faults::{FaultCounter, Faults, RateQueue};
use crate::{Config, UserConfig};

/// What a token stands for.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub client_id: String,
    /// The researcher, for a researcher's token; `None` for client credentials.
    pub orcid: Option<String>,
    pub scopes: Vec<String>,
}

impl Grant {
    /// No token: an anonymous reader of the public API.
    pub(crate) fn anonymous() -> Grant {
        Grant { client_id: String::new(), orcid: None, scopes: Vec::new() }
    }

    pub(crate) fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// An authorization code waiting to be exchanged.
#[derive(Debug, Clone)]
pub(crate) struct PendingCode {
    pub client_id: String,
    pub orcid: String,
    pub scopes: String,
    pub redirect_uri: String,
}

/// One stored item, kept as XML written by the model (typed again when used).
#[derive(Debug, Clone)]
pub(crate) struct StoredItem {
    pub client_id: String,
    pub xml: String,
    /// What ORCID finds duplicates of the item by (its `self` identifiers, a person item's
    /// content).
    pub duplicate_keys: Vec<DuplicateKey>,
    /// For works: every identifier but `part-of` and `funded-by` ones, which a later bulk's
    /// `self` identifiers may not repeat (server rules §5.2, B4).
    pub bulk_keys: Vec<IdKey>,
    pub visibility: Option<orcid_model::common::Visibility>,
}

/// One record: items by section, then put-code, and the `self` identifiers each source used.
#[derive(Debug, Default)]
pub(crate) struct Record {
    pub sections: HashMap<Section, BTreeMap<PutCode, StoredItem>>,
    /// (section, source client, duplicate key) → put-code.
    by_self_id: HashMap<(Section, String, DuplicateKey), PutCode>,
    /// (source client, identifier) → put-code of the work that has it, for bulks.
    by_work_id: HashMap<(String, IdKey), PutCode>,
}

impl Record {
    /// Stores (or replaces) an item.
    pub(crate) fn insert(&mut self, section: Section, put_code: PutCode, item: StoredItem) {
        self.remove(section, put_code);
        for key in &item.duplicate_keys {
            self.by_self_id.insert((section, item.client_id.clone(), key.clone()), put_code);
        }
        for key in &item.bulk_keys {
            self.by_work_id.insert((item.client_id.clone(), key.clone()), put_code);
        }
        self.sections.entry(section).or_default().insert(put_code, item);
    }

    /// Removes an item.
    pub(crate) fn remove(&mut self, section: Section, put_code: PutCode) {
        if let Some(old) = self.sections.get_mut(&section).and_then(|items| items.remove(&put_code)) {
            for key in old.duplicate_keys {
                self.by_self_id.remove(&(section, old.client_id.clone(), key));
            }
            for key in old.bulk_keys {
                self.by_work_id.remove(&(old.client_id.clone(), key));
            }
        }
    }

    /// The put-code of the same source's other item with one of these `self` identifiers.
    pub(crate) fn duplicate_of(
        &self,
        section: Section,
        client_id: &str,
        keys: &[DuplicateKey],
        except: Option<PutCode>,
    ) -> Option<PutCode> {
        keys.iter()
            .filter_map(|k| self.by_self_id.get(&(section, client_id.to_string(), k.clone())))
            .copied()
            .find(|pc| Some(*pc) != except)
    }

    /// The put-code of the same source's work holding one of these `self` identifiers among
    /// its identifiers (any relationship but `part-of` and `funded-by`): a bulk's duplicate.
    pub(crate) fn bulk_duplicate_of(&self, client_id: &str, self_ids: &[IdKey]) -> Option<PutCode> {
        self_ids.iter().find_map(|k| self.by_work_id.get(&(client_id.to_string(), k.clone())).copied())
    }
}

pub(crate) struct State {
    pub config: Config,
    /// `http://host:port`, for `Location` headers.
    pub base_url: String,
    pub tokens: Mutex<HashMap<String, Grant>>,
    pub refresh_tokens: Mutex<HashMap<String, String>>,
    pub codes: Mutex<HashMap<String, PendingCode>>,
    pub records: Mutex<HashMap<String, Record>>,
    /// The registry of peer-review group ids.
    pub groups: Mutex<crate::groups::Registry>,
    /// Each record's notifications and webhooks.
    pub notices: Mutex<HashMap<String, crate::notices::Notices>>,
    /// What search finds each record by.
    pub search: Mutex<crate::search::Index>,
    next_put_code: AtomicU64,
    pub faults: Mutex<Faults>,
    pub unavailable: FaultCounter,
    pub dropped: FaultCounter,
    pub lost: FaultCounter,
    pub rate: Option<RateQueue>,
    rate_limited: AtomicU64,
    requests: AtomicU64,
}

impl State {
    /// The emulator's state: the configured records and `config.people` generated ones.
    pub(crate) fn new(config: Config, base_url: String) -> State {
        let records = config.users.iter().map(|u| (u.orcid.clone(), Record::default())).collect();
        let people = config.people;
        let mut state = State {
            rate: config.rate_limit.map(|(per_second, burst)| RateQueue::new(per_second, burst)),
            faults: Mutex::new(config.faults),
            config,
            base_url,
            tokens: Mutex::default(),
            refresh_tokens: Mutex::default(),
            codes: Mutex::default(),
            records: Mutex::new(records),
            groups: Mutex::default(),
            notices: Mutex::default(),
            search: Mutex::default(),
            next_put_code: AtomicU64::new(1000),
            unavailable: FaultCounter::default(),
            dropped: FaultCounter::default(),
            lost: FaultCounter::default(),
            rate_limited: AtomicU64::new(0),
            requests: AtomicU64::new(0),
        };
        for (user, record) in crate::people::generate(&state, people) {
            lock(&state.records).insert(user.orcid.clone(), record);
            state.config.users.push(user);
        }
        // Indexed at the first search, as records changed later are.
        let orcids: Vec<String> = lock(&state.records).keys().cloned().collect();
        for orcid in orcids {
            crate::search::record_changed(&state, &orcid);
        }
        state
    }

    /// The record holder's name, if the record has one.
    pub(crate) fn person_name(&self, orcid: &str) -> Option<crate::people::PersonName> {
        self.user(orcid).and_then(|u| crate::people::PersonName::parse(&u.name))
    }

    pub(crate) fn user(&self, orcid: &str) -> Option<&UserConfig> {
        self.config.users.iter().find(|u| u.orcid == orcid)
    }

    pub(crate) fn client_name(&self, client_id: &str) -> String {
        self.config.clients.iter().find(|c| c.id == client_id).map(|c| c.name.clone()).unwrap_or_default()
    }

    /// A new access token (and a refresh token for researchers' tokens).
    pub(crate) fn issue(&self, client_id: &str, orcid: Option<&str>, scopes: &str) -> (String, Option<String>) {
        let access = random_token();
        let refresh = orcid.map(|_| random_token());
        let grant = Grant {
            client_id: client_id.to_string(),
            orcid: orcid.map(str::to_string),
            scopes: scopes.split_whitespace().map(str::to_string).collect(),
        };
        lock(&self.tokens).insert(access.clone(), grant);
        if let Some(refresh) = &refresh {
            lock(&self.refresh_tokens).insert(refresh.clone(), access.clone());
        }
        (access, refresh)
    }

    pub(crate) fn next_put_code(&self) -> PutCode {
        PutCode::new(self.next_put_code.fetch_add(1, Ordering::Relaxed) as i64)
    }

    pub(crate) fn set_faults(&self, faults: Faults) {
        *lock(&self.faults) = faults;
    }

    pub(crate) fn faults(&self) -> Faults {
        *lock(&self.faults)
    }

    pub(crate) fn note_rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn note_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub(crate) fn rate_limited(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
    }

    pub(crate) fn count(&self, orcid: &str, section: Section) -> usize {
        lock(&self.records).get(orcid).and_then(|r| r.sections.get(&section)).map_or(0, BTreeMap::len)
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A token in ORCID's shape (a UUID).
pub(crate) fn random_token() -> String {
    let hex: String = (0..32).map(|_| char::from_digit(fastrand::u32(0..16), 16).unwrap_or('0')).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}
