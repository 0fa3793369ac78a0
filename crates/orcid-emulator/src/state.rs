//! The emulator's memory, and nothing else: tokens, authorization codes, records, the
//! registry of peer-review groups, notifications and webhooks, and the one signal that goes
//! up from here, "a record changed" (search and webhooks listen to it). The lowest layer but
//! for configuration: it imports no handler.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use orcid_model::common::{Source, Visibility};
use orcid_model::group_id::GroupIdRecord;
use orcid_model::items::{AnyItem, DuplicateKey, Section};
use orcid_model::normalise::IdKey;
use orcid_model::notification::NotificationPermission;
use orcid_model::{DateTime, PutCode};

use crate::config::{Config, UserConfig};
use crate::faults::{FaultCounter, Faults, RateQueue};

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

/// One stored item, as the model holds it.
#[derive(Debug, Clone)]
pub(crate) struct StoredItem {
    pub client_id: String,
    pub item: Box<dyn AnyItem>,
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
    pub(crate) fn insert(&mut self, put_code: PutCode, item: StoredItem) {
        let section = item.item.section();
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
    pub groups: Mutex<GroupRegistry>,
    /// Each record's notifications and webhooks.
    pub notices: Mutex<HashMap<String, Notices>>,
    /// Called with each record that changed (see [`State::record_changed`]).
    listeners: RwLock<Vec<Listener>>,
    next_put_code: AtomicU64,
    pub faults: Mutex<Faults>,
    pub unavailable: FaultCounter,
    pub locked: FaultCounter,
    pub dropped: FaultCounter,
    pub lost: FaultCounter,
    pub rate: Option<RateQueue>,
    rate_limited: AtomicU64,
    requests: AtomicU64,
    /// The budget of body bytes held at once, in KiB permits (see `Config::max_body_memory`).
    pub body_budget: std::sync::Arc<tokio::sync::Semaphore>,
    /// Body bytes held now, and the most held at once.
    body_bytes: AtomicU64,
    body_bytes_peak: AtomicU64,
}

impl State {
    /// The emulator's state: the configured records, empty.
    pub(crate) fn new(config: Config, base_url: String) -> State {
        let records = config.users.iter().map(|u| (u.orcid.clone(), Record::default())).collect();
        let budget = body_permits(config.max_body_memory);
        State {
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
            listeners: RwLock::default(),
            next_put_code: AtomicU64::new(FIRST_PUT_CODE),
            unavailable: FaultCounter::default(),
            locked: FaultCounter::default(),
            dropped: FaultCounter::default(),
            lost: FaultCounter::default(),
            rate_limited: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            body_budget: std::sync::Arc::new(tokio::sync::Semaphore::new(budget)),
            body_bytes: AtomicU64::new(0),
            body_bytes_peak: AtomicU64::new(0),
        }
    }

    /// Adds a researcher and their record (before the state is shared).
    pub(crate) fn add_record(&mut self, user: UserConfig, record: Record) {
        lock(&self.records).insert(user.orcid.clone(), record);
        self.config.users.push(user);
    }

    /// Every record's iD.
    pub(crate) fn orcids(&self) -> Vec<String> {
        lock(&self.records).keys().cloned().collect()
    }

    /// Calls `listener` with every record that changes from now on.
    pub(crate) fn on_record_changed(&self, listener: impl Fn(&State, &str) + Send + Sync + 'static) {
        self.listeners.write().unwrap_or_else(|e| e.into_inner()).push(Box::new(listener));
    }

    /// Says that a record changed: the one signal that goes up to the layers above.
    pub(crate) fn record_changed(&self, orcid: &str) {
        for listener in self.listeners.read().unwrap_or_else(|e| e.into_inner()).iter() {
            listener(self, orcid);
        }
    }

    /// The record holder's name, if the record has one.
    pub(crate) fn person_name(&self, orcid: &str) -> Option<PersonName> {
        self.user(orcid).and_then(|u| PersonName::parse(&u.name))
    }

    /// Stores a new item on a record as ORCID does: a put-code, the source, the dates, the
    /// path, and public visibility (on a claimed record the researcher's default applies, not
    /// the client's). `client_id` owns it (the record's iD for items the researcher added).
    /// The caller has checked for duplicates.
    pub(crate) fn store_item(
        &self,
        record: &mut Record,
        orcid: &str,
        client_id: &str,
        source: Source,
        mut item: Box<dyn AnyItem>,
    ) -> (PutCode, Box<dyn AnyItem>) {
        let put_code = self.next_put_code();
        let stamp = now();
        let section = item.section();
        item.set_put_code(Some(put_code));
        item.set_visibility(Some(Visibility::Public));
        item.set_stored(Some(source), Some(stamp.clone()), Some(stamp), Some(format!("/{orcid}/{}/{put_code}", section.path())));
        record.insert(put_code, StoredItem::new(client_id, item.clone(), Some(Visibility::Public)));
        (put_code, item)
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

    /// Every record emptied, put-codes from the first again; then "every record changed".
    pub(crate) fn reset(&self) {
        let orcids = {
            let mut records = lock(&self.records);
            for record in records.values_mut() {
                *record = Record::default();
            }
            records.keys().cloned().collect::<Vec<_>>()
        };
        self.next_put_code.store(FIRST_PUT_CODE, Ordering::Relaxed);
        for orcid in orcids {
            self.record_changed(&orcid);
        }
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

    /// A body of `bytes` is held from now on.
    pub(crate) fn hold_body(&self, bytes: u64) {
        let now = self.body_bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        self.body_bytes_peak.fetch_max(now, Ordering::Relaxed);
    }

    /// A body of `bytes` is let go.
    pub(crate) fn release_body(&self, bytes: u64) {
        self.body_bytes.fetch_sub(bytes, Ordering::Relaxed);
    }

    /// The most body bytes held at once so far.
    pub(crate) fn body_bytes_peak(&self) -> u64 {
        self.body_bytes_peak.load(Ordering::Relaxed)
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

/// The permits (KiB) of a body budget of `bytes`: at least one, within a semaphore's range.
pub(crate) fn body_permits(bytes: usize) -> usize {
    (bytes / 1024).clamp(1, tokio::sync::Semaphore::MAX_PERMITS)
}

/// The first put-code the emulator gives.
const FIRST_PUT_CODE: u64 = 1000;

/// What is told that a record changed.
type Listener = Box<dyn Fn(&State, &str) + Send + Sync>;

impl StoredItem {
    /// An item stored for `client_id`, with the keys it is found by.
    pub(crate) fn new(client_id: &str, item: Box<dyn AnyItem>, visibility: Option<Visibility>) -> StoredItem {
        StoredItem {
            client_id: client_id.to_owned(),
            duplicate_keys: item.duplicate_keys(),
            bulk_keys: bulk_keys(&*item),
            item,
            visibility,
        }
    }
}

/// A work's identifiers a later bulk's `self` identifiers may not repeat (all but `part-of`
/// and `funded-by` ones, server rules §5.2 B4); none for other items.
fn bulk_keys(item: &dyn AnyItem) -> Vec<IdKey> {
    use orcid_model::vocabulary::Relationship;
    if item.section() != Section::Work {
        return Vec::new();
    }
    let ids = item.external_ids().map(|ids| ids.external_ids.as_slice()).unwrap_or_default();
    ids.iter()
        .filter(|id| !matches!(id.external_id_relationship, Some(Relationship::PartOf | Relationship::FundedBy)))
        .map(|id| IdKey::normalised(id.external_id_type.as_str(), &id.external_id_value))
        .collect()
}

/// A record holder's name as ORCID keeps it: given names and family name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PersonName {
    pub given_names: String,
    pub family_name: Option<String>,
}

impl PersonName {
    /// Splits a written name: the last word is the family name, the words before it the
    /// given names (`Josiah Carberry`); one word is given names only, as ORCID allows.
    pub(crate) fn parse(name: &str) -> Option<PersonName> {
        let name = name.split_whitespace().collect::<Vec<_>>();
        match name.as_slice() {
            [] => None,
            [given] => Some(PersonName { given_names: (*given).to_owned(), family_name: None }),
            [given @ .., family] => Some(PersonName { given_names: given.join(" "), family_name: Some((*family).to_owned()) }),
        }
    }
}

/// The registry of peer-review group ids, as ORCID keeps it (server rules §5.8): group ids
/// unique ignoring case and surrounding space, each owned by the client that created it.
#[derive(Debug, Default)]
pub(crate) struct GroupRegistry {
    /// put-code → (owning client, record).
    pub records: BTreeMap<PutCode, (String, GroupIdRecord)>,
}

/// The client ORCID's own `issn:` groups are owned by.
const ORCID_SOURCE: &str = "ORCID";

/// How two group ids compare: ignoring case and surrounding space.
fn group_key(group_id: &str) -> String {
    group_id.trim().to_lowercase()
}

impl GroupRegistry {
    /// The record with a group id, if any.
    pub(crate) fn find(&self, group_id: &str) -> Option<&GroupIdRecord> {
        let k = group_key(group_id);
        self.records.values().map(|(_, r)| r).find(|r| group_key(&r.group_id) == k)
    }

    /// Whether another record (not `except`) has the group id.
    pub(crate) fn taken_by_another(&self, group_id: &str, except: Option<PutCode>) -> bool {
        let k = group_key(group_id);
        self.records.iter().any(|(pc, (_, r))| Some(*pc) != except && group_key(&r.group_id) == k)
    }

    /// The group ORCID creates for an ISSN (its name as the ISSN portal would give it).
    pub(crate) fn create_issn_group(&mut self, state: &State, group_id: &str) -> GroupIdRecord {
        if let Some(r) = self.find(group_id) {
            return r.clone();
        }
        let issn = group_id.trim_start_matches("issn:");
        let mut record = GroupIdRecord::new(format!("Journal ISSN {issn}"), group_id, format!("The journal with ISSN {issn}"), "journal");
        let put_code = state.next_put_code();
        record.put_code = Some(put_code);
        self.records.insert(put_code, (ORCID_SOURCE.to_owned(), record.clone()));
        record
    }

    /// Whether a peer review's group id is registered (R11); with `creating`, an `issn:`
    /// group id is registered first, as ORCID does on POST (R10).
    pub(crate) fn has_group_for_review(&mut self, state: &State, group_id: &str, creating: bool) -> bool {
        if self.find(group_id).is_some() {
            return true;
        }
        if creating && group_id.starts_with("issn:") {
            self.create_issn_group(state, group_id);
            return true;
        }
        false
    }
}

/// A record's notifications and webhooks.
#[derive(Debug, Default)]
pub(crate) struct Notices {
    /// put-code → (the client that sent it, the notification).
    pub notifications: BTreeMap<PutCode, (String, NotificationPermission)>,
    /// callback URI → the client that registered it (ORCID keys webhooks by record and URI).
    pub webhooks: BTreeMap<String, String>,
}

/// Now, as ORCID stamps what it stores.
pub(crate) fn now() -> DateTime {
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    DateTime::from_epoch_millis(millis)
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A token in ORCID's shape (a UUID).
pub(crate) fn random_token() -> String {
    let hex: String = (0..32).map(|_| char::from_digit(fastrand::u32(0..16), 16).unwrap_or('0')).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}
