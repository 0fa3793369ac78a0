//! Keeping a record in step with a folder of item files, each item on the record exactly once
//! (feature `push`).
//!
//! ```no_run
//! # async fn run() -> Result<(), orcid_client::Error> {
//! use orcid_client::push::{PushOptions, push};
//! use orcid_client::{AccessToken, Api, Client};
//! let client = Client::builder(Api::Sandbox).build()?;
//! let token = AccessToken::new(std::env::var("ORCID_TOKEN").unwrap_or_default());
//! let orcid = "0000-0002-1825-0097".parse().expect("an ORCID iD");
//! let report = push(&client, &token, &orcid, "items/".as_ref(), &PushOptions::default(), &|o| println!("{o}")).await?;
//! println!("{} created, {} updated", report.count(orcid_client::push::Action::Create), report.count(orcid_client::push::Action::Update));
//! # Ok(()) }
//! ```
//!
//! Every item file in the folder (XML or JSON, any writable section, told by its content) is
//! validated first; invalid files are reported and left out. A ledger beside the files
//! (`.orcid-push.sqlite`) holds, per file and record, the put-code and a hash of the body
//! last sent: unchanged files cost no request, changed ones are updated, new ones created (works
//! in bulks of 100), and with `delete` the items of removed files are deleted.
//!
//! **Exactly once.** A create is recorded as an intent before it is sent and its put-code as
//! soon as it is known. An intent left by a crash or a lost answer is resolved before anything
//! is sent again: an item with a `self` identifier is sent again, and ORCID's duplicate answer
//! (409, 9021) names the copy already stored; an item without one (affiliations, person items)
//! is looked for on the record, among the section's items from this client that the ledger
//! does not know, by its content.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use orcid_model::items::{AnyItem, DuplicateKey, Section, put_code_in_duplicate_message};
use orcid_model::validate::{Diagnostic, Options, Severity, validate_json, validate_xml};
use orcid_model::work::Work;
use orcid_model::{Document, Format, Kind, Mode, OrcidId, PutCode};
use sha2::{Digest, Sha256};

use crate::ledger::{Entry, Ledger, now};
use crate::{AccessToken, ApiError, Client, Error, ErrorCode, RecordApi};

/// What to do beyond creating and updating.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PushOptions {
    /// Only plan: nothing is sent, not even a read (a create whose answer may have been lost
    /// is planned as `resolve`).
    pub dry_run: bool,
    /// Delete the items of files that were removed from the folder.
    pub delete: bool,
    /// Before creating an item the ledger does not know, look for it on the record (by its
    /// `self` identifiers, else by its content) among this client's items, and take it over.
    pub adopt: bool,
    /// Create again the items that someone deleted on the record.
    pub recreate: bool,
    /// This client's id (`APP-...`): only its items are taken over. When not given, an item
    /// is taken over only if a client (not the researcher) is its source.
    pub client_id: Option<String>,
    /// Requests in flight at once (default 8); the client's rate limit still applies.
    pub concurrency: usize,
    /// Delete even when more than `max_delete_share` of the ledger's items would go.
    pub force: bool,
    /// The share of the ledger's items a run may delete without `force` (default a quarter):
    /// a folder that looks emptied (a failed checkout, a wrong mount) stops the run instead.
    pub max_delete_share: Option<f64>,
    /// How long to wait before trying again, once, the items ORCID could not take (a locked
    /// record, 9018); default 5 seconds.
    pub deferred_wait: Option<std::time::Duration>,
}

impl PushOptions {
    /// With items of removed files deleted.
    pub fn with_delete(self) -> PushOptions {
        PushOptions { delete: true, ..self }
    }
    /// Only the plan.
    pub fn dry_run(self) -> PushOptions {
        PushOptions { dry_run: true, ..self }
    }
    /// Items already on the record taken over.
    pub fn with_adopt(self) -> PushOptions {
        PushOptions { adopt: true, ..self }
    }
    /// Items deleted on the record created again.
    pub fn with_recreate(self) -> PushOptions {
        PushOptions { recreate: true, ..self }
    }
    /// This client's id.
    pub fn with_client_id(self, id: impl Into<String>) -> PushOptions {
        PushOptions { client_id: Some(id.into()), ..self }
    }
    /// Deletions beyond the share allowed.
    pub fn with_force(self) -> PushOptions {
        PushOptions { force: true, ..self }
    }
}

/// How long a run waits before trying deferred items again.
const DEFERRED_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The share of a ledger's items a run deletes without `force`.
const MAX_DELETE_SHARE: f64 = 0.25;

/// What happened to a file (or, in a dry run, what would).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Action {
    /// Created on the record.
    Create,
    /// Updated on the record.
    Update,
    /// Deleted from the record (its file was removed).
    Delete,
    /// Nothing to send: the record already has the file's body.
    Unchanged,
    /// An item already on the record was taken over (`adopt`, or a create whose answer was lost).
    Adopt,
    /// A create whose answer may have been lost is to be resolved (dry run only).
    Resolve,
    /// The file is invalid (its diagnostics say why): not sent.
    Invalid,
    /// ORCID refused it, or it could not be sent (the message says why).
    Failed,
    /// Someone deleted the item on the record: kept off it (`recreate` creates it again).
    Gone,
    /// The file was removed but its item kept (`delete` deletes it), or it is there but not
    /// a readable item file (a dangling link, a folder, a FIFO): its item is never deleted.
    Kept,
    /// The file was renamed or moved: the ledger follows it (nothing is sent when its content
    /// is the same).
    Renamed,
    /// Two files stand for one item (the same `self` identifiers, or the same content): neither
    /// is sent until one is removed.
    Conflict,
    /// ORCID says another client is the item's source (9010): this client may not change it.
    NotSource,
    /// The record's iD was deprecated (9007): its items live under the primary iD now.
    Moved,
    /// ORCID could not take it now (the record is locked, 9018, or the service stayed
    /// unavailable through the retries): the next run sends it.
    Deferred,
}

impl Action {
    /// The action's name, for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Unchanged => "unchanged",
            Action::Adopt => "adopt",
            Action::Resolve => "resolve",
            Action::Invalid => "invalid",
            Action::Failed => "failed",
            Action::Gone => "gone",
            Action::Kept => "kept",
            Action::Renamed => "renamed",
            Action::Conflict => "conflict",
            Action::NotSource => "not-source",
            Action::Moved => "moved",
            Action::Deferred => "deferred",
        }
    }
}

/// The outcome of one file.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Outcome {
    /// The file, relative to the folder.
    pub file: String,
    /// Its section, when it is an item.
    pub section: Option<Section>,
    /// What happened.
    pub action: Action,
    /// The item's put-code, when it has one.
    pub put_code: Option<PutCode>,
    /// Why it failed, or what to know.
    pub message: Option<String>,
    /// For an invalid file: every problem found.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:9} {}", self.action.as_str(), self.file)?;
        if let Some(pc) = self.put_code {
            write!(f, " (put-code {pc})")?;
        }
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        Ok(())
    }
}

/// Every file's outcome, in file order.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PushReport {
    /// The outcomes.
    pub outcomes: Vec<Outcome>,
}

impl PushReport {
    /// How many files had this outcome.
    pub fn count(&self, action: Action) -> usize {
        self.outcomes.iter().filter(|o| o.action == action).count()
    }

    /// Whether every file went as it should (none invalid or failed).
    pub fn is_clean(&self) -> bool {
        !self.outcomes.iter().any(|o| {
            matches!(o.action, Action::Invalid | Action::Failed | Action::Conflict | Action::NotSource | Action::Moved | Action::Deferred)
        })
    }
}

/// One item file, read and validated.
#[derive(Clone)]
struct ItemFile {
    name: String,
    section: Section,
    item: Box<dyn AnyItem>,
    /// The item's content, hashed as XML whatever the file's form or the wire's: a change
    /// of `--format` is no change.
    hash: String,
    /// What the item is, whatever its file is called ([`identity`]).
    identity: String,
    /// The `self` identifiers' keys: a work without one is refused anyway.
    has_self_id: bool,
}

/// A ledger or folder error: the message names it, the error is its source.
fn local(e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::local(e.to_string(), e)
}

/// The lock that keeps one push a folder at a time: `.orcid-push.lock` in the folder, an OS
/// file lock held for the whole run (released when the process ends, however it ends), with
/// the holder's process id written in it for the message another run gives.
struct FolderLock {
    _file: std::fs::File,
}

impl FolderLock {
    const FILE: &'static str = ".orcid-push.lock";

    fn take(dir: &Path) -> Result<FolderLock, Error> {
        use std::io::{Read, Seek, Write};
        let path = dir.join(Self::FILE);
        let io = |e: std::io::Error| Error::local(format!("{}: {e}", path.display()), e);
        let mut file = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {
                file.set_len(0).map_err(io)?;
                file.rewind().map_err(io)?;
                write!(file, "{}", std::process::id()).map_err(io)?;
                file.flush().map_err(io)?;
                Ok(FolderLock { _file: file })
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                Err(Error::FolderBusy { folder: dir.to_path_buf(), lock: path.clone(), pid: text.trim().parse().ok() })
            }
            Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

/// What the ledger of a folder says of one file: `orcid push --status`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FileStatus {
    /// The record (an ORCID iD).
    pub record: String,
    /// The file, relative to the folder.
    pub file: String,
    /// The section's path.
    pub section: String,
    /// The item's put-code, when the record gave one.
    pub put_code: Option<PutCode>,
    /// Where the item stands.
    pub state: EntryState,
    /// When it was last sent (seconds since the epoch).
    pub last_sent: i64,
    /// The API base it was sent to (empty for entries from before servers were kept).
    pub server: String,
    /// The client that sent it, when the run was told (`--client-id`).
    pub client: String,
}

/// Where a file's item stands, as the ledger last knew it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryState {
    /// On the record as last sent.
    Stored,
    /// Sent, its answer not yet known (a crash or a lost answer): the next run resolves it.
    Creating,
    /// Deleted on the record by someone else (or the record was reset).
    Gone,
}

impl EntryState {
    fn of(state: &str) -> EntryState {
        match state {
            "creating" => EntryState::Creating,
            "gone" => EntryState::Gone,
            _ => EntryState::Stored,
        }
    }

    /// The state's name: `stored`, `creating`, `gone`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Stored => "stored",
            EntryState::Creating => "creating",
            EntryState::Gone => "gone",
        }
    }
}

/// The ledger of `dir` as it is, for every record, without sending anything. A folder without
/// a ledger has none.
pub fn status(dir: &Path) -> Result<Vec<FileStatus>, Error> {
    if !dir.join(Ledger::FILE).exists() {
        return Ok(Vec::new());
    }
    Ok(open_ledger(dir)?
        .all_entries()
        .map_err(local)?
        .into_iter()
        .map(|(record, e)| FileStatus {
            record,
            file: e.file,
            section: e.section,
            put_code: e.put_code,
            state: EntryState::of(&e.state),
            last_sent: e.changed,
            server: e.api,
            client: e.client,
        })
        .collect())
}

/// The ledger of `dir`, opened (or made); an error names its file.
fn open_ledger(dir: &Path) -> Result<Ledger, Error> {
    Ledger::open(dir).map_err(|e| Error::local(format!("{}: {e}", dir.join(Ledger::FILE).display()), e))
}

/// The turn of pushes to one record within this process: one at a time.
fn record_turn(api: &str, record: &str) -> Arc<tokio::sync::Mutex<()>> {
    static TURNS: std::sync::LazyLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> = std::sync::LazyLock::new(Mutex::default);
    let mut turns = TURNS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    turns.entry(format!("{api} {record}")).or_default().clone()
}

/// `.orcid-push.pushed` beside the ledger: the servers and records the folder was pushed to,
/// a line each. A ledger lost or emptied is then no reason to create the items again.
struct Marker;

impl Marker {
    const FILE: &'static str = ".orcid-push.pushed";

    fn line(api: &str, record: &str) -> String {
        format!("{api} {record}")
    }

    fn lists(dir: &Path, api: &str, record: &str) -> bool {
        let line = Self::line(api, record);
        std::fs::read_to_string(dir.join(Self::FILE)).is_ok_and(|text| text.lines().any(|l| l == line))
    }

    fn add(dir: &Path, api: &str, record: &str) -> Result<(), Error> {
        use std::io::Write;
        let path = dir.join(Self::FILE);
        let io = |e: std::io::Error| Error::local(format!("{}: {e}", path.display()), e);
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(io)?;
        writeln!(file, "{}", Self::line(api, record)).and_then(|()| file.sync_all()).map_err(io)
    }
}

/// Brings the record `orcid` in step with the item files in `dir` (see the module's
/// documentation). `progress` hears of each file's outcome as it happens.
pub async fn push(
    client: &Client,
    token: &AccessToken,
    orcid: &OrcidId,
    dir: &Path,
    options: &PushOptions,
    progress: &(dyn Fn(&Outcome) + Sync),
) -> Result<PushReport, Error> {
    // One run a folder: a second waits for nothing and says who holds it. A dry run sends
    // nothing and reads the ledger as it is.
    let _lock = if options.dry_run { None } else { Some(FolderLock::take(dir)?) };
    // Pushes of other folders to the same record in this process wait their turn: ORCID
    // locks a record being changed (9018), and their duplicate checks would race.
    let _turn = if options.dry_run { None } else { Some(record_turn(client.api_base(), orcid.as_str()).lock_owned().await) };
    let ledger = Arc::new(Mutex::new(open_ledger(dir)?));
    let record = orcid.as_str().to_owned();
    let api_base = client.api_base().to_owned();
    // Entries made against another server (the sandbox, an emulator) say nothing of this one's
    // record: such a push starts from the record, as `adopt` does.
    let all_entries = lock(&ledger).entries(&record).map_err(local)?;
    // So are entries another client made, when the run knows its client.
    let here = |e: &Entry| {
        (e.api.is_empty() || e.api == api_base) && options.client_id.as_deref().is_none_or(|id| e.client.is_empty() || e.client == id)
    };
    let elsewhere = all_entries.iter().any(|e| !here(e));
    let entries: BTreeMap<String, Entry> = all_entries.into_iter().filter(|e| here(e)).map(|e| (e.file.clone(), e)).collect();
    let mut options = options.clone();
    // A folder pushed to this record before whose ledger has nothing for it (lost, emptied,
    // or made against another server): its items may be on the record already, so they are
    // looked for there before any is created.
    let pushed_before = Marker::lists(dir, &api_base, &record);
    if entries.is_empty() && (elsewhere || pushed_before) {
        options.adopt = true;
    }
    let options = &options;
    let mut outcomes = Vec::new();
    let report = |o: Outcome, outcomes: &mut Vec<Outcome>| {
        progress(&o);
        outcomes.push(o);
    };

    // Read and validate every file. An invalid file still counts as present: its item is
    // neither sent nor deleted.
    let mut items = Vec::new();
    let mut present = HashSet::new();
    for path in item_files(dir)? {
        let name = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        present.insert(name.clone());
        match read_item(&path, &name) {
            Ok(item) => items.push(item),
            Err(outcome) => report(*outcome, &mut outcomes),
        }
    }
    let ctx = Ctx { api: client.record(token, orcid), ledger: ledger.clone(), record: record.clone(), api_base, options };

    // Two files that stand for one item: neither is sent.
    let mut by_identity: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in &items {
        by_identity.entry(item.identity.clone()).or_default().push(item.name.clone());
    }
    let conflicted: HashSet<String> = by_identity.values().filter(|names| names.len() > 1).flatten().cloned().collect();
    let mut entries = entries;
    let mut renamed_from: BTreeMap<String, String> = BTreeMap::new();
    let mut planned = Vec::new();
    for item in items {
        if conflicted.contains(&item.name) {
            let others: Vec<&str> =
                by_identity.get(&item.identity).into_iter().flatten().map(String::as_str).filter(|n| *n != item.name).collect();
            let mut o = outcome(&item.name, Some(item.section), Action::Conflict, entries.get(&item.name).and_then(|e| e.put_code));
            o.message = Some(format!("{} stands for the same item; neither is sent until one is removed", others.join(", ")));
            report(o, &mut outcomes);
            continue;
        }
        // A renamed or moved file: the entry of a file that is gone as a path, for the same item.
        if !entries.contains_key(&item.name)
            && let Some(old) = entries
                .values()
                .find(|e| !e.identity.is_empty() && e.identity == item.identity && !present.contains(&e.file) && absent(dir, &e.file))
                .map(|e| e.file.clone())
        {
            if !options.dry_run {
                lock(&ledger).rename(&record, &old, &item.name).map_err(local)?;
            }
            if let Some(mut entry) = entries.remove(&old) {
                entry.file = item.name.clone();
                entries.insert(item.name.clone(), entry);
            }
            renamed_from.insert(item.name.clone(), old);
        }
        planned.push(item);
    }

    // Files removed from the folder: deleted only when certainly gone (absent as a path),
    // with `delete`, and not so many that the folder looks emptied.
    let removed: Vec<&Entry> =
        entries.values().filter(|e| !present.contains(e.file.as_str()) && e.put_code.is_some() && e.state != "gone").collect();
    let deletable: Vec<&Entry> = removed.iter().copied().filter(|e| options.delete && absent(dir, &e.file)).collect();
    let share = options.max_delete_share.unwrap_or(MAX_DELETE_SHARE);
    if !options.force && !options.dry_run && deletable.len() > 1 && deletable.len() as f64 > share * entries.len() as f64 {
        return Err(Error::usage(format!(
            "{} of the {} items this folder pushed would be deleted (their files are gone): more than {:.0}%, as if the folder were emptied by mistake; nothing was sent. Check the folder, then give --delete --force to delete them",
            deletable.len(),
            entries.len(),
            share * 100.0
        )));
    }
    for entry in removed {
        let section = Section::from_path(&entry.section);
        let mut o = outcome(&entry.file, section, Action::Kept, entry.put_code);
        if !absent(dir, &entry.file) {
            o.message = Some("not a readable item file (a link to nothing, a folder, a FIFO ...): its item is kept".into());
        } else if options.delete {
            o.action = Action::Delete;
            if !options.dry_run
                && let (Some(section), Some(pc)) = (section, entry.put_code)
            {
                match ctx.api.delete_item(section, pc).await {
                    Ok(()) => lock(&ledger).remove(&record, &entry.file).map_err(local)?,
                    Err(e) if e.orcid_code() == Some(ErrorCode::ResourceNotFound) => {
                        lock(&ledger).remove(&record, &entry.file).map_err(local)?
                    }
                    Err(e) if fatal(&e) => return Err(e),
                    Err(e) => fail(&mut o, e),
                }
            }
        } else {
            o.message = Some("its file was removed; the item stays on the record (give --delete to delete it)".into());
        }
        report(o, &mut outcomes);
    }

    // The record as it is now, before the ledger is trusted: an item it no longer holds (the
    // researcher deleted it, the server was reset) is gone, never "unchanged". Two reads.
    let mut gone_now: BTreeMap<String, String> = BTreeMap::new();
    let known = |item: &ItemFile| {
        entries.get(&item.name).filter(|e| e.state == "stored" && e.put_code.is_some() && e.section == item.section.path())
    };
    if !options.dry_run && planned.iter().any(|item| known(item).is_some()) {
        match record_now(&ctx).await {
            Ok(now) => {
                for item in &planned {
                    let Some(entry) = known(item) else { continue };
                    let Some(put_code) = entry.put_code else { continue };
                    let there = now.get(&item.section).and_then(|items| items.get(&put_code));
                    match there {
                        None => {
                            gone_now.insert(
                                item.name.clone(),
                                format!("put-code {put_code} is no longer on the record (deleted there, or the record was reset)"),
                            );
                        }
                        Some(Some(identity))
                            if !entry.identity.is_empty() && !entry.identity.contains(":content:") && *identity != entry.identity =>
                        {
                            gone_now.insert(item.name.clone(), format!("put-code {put_code} now holds another item"));
                        }
                        Some(_) => {}
                    }
                }
            }
            Err(e) if fatal(&e) => return Err(e),
            // Without the check the ledger is trusted, as before it.
            Err(e) => tracing::warn!(error = %e, "the record could not be read before pushing; the ledger is trusted"),
        }
    }

    // Plan each file.
    let mut new_works: Vec<ItemFile> = Vec::new();
    let mut tasks: Vec<(ItemFile, Option<Entry>)> = Vec::new();
    for item in planned {
        let mut entry = entries.get(&item.name).cloned();
        // The file now holds an item of another section (a work file now an employment): the
        // item it held is the old file's, kept unless `delete`, and this one is new.
        if let Some(old) = entry.take_if(|e| e.section != item.section.path()) {
            let old_section = Section::from_path(&old.section);
            let mut o = outcome(&item.name, old_section, Action::Kept, old.put_code);
            match (old_section, old.put_code) {
                (Some(section), Some(pc)) if options.delete && old.state != "gone" => {
                    o.action = Action::Delete;
                    if !options.dry_run {
                        match ctx.api.delete_item(section, pc).await {
                            Ok(()) => {}
                            Err(e) if e.orcid_code() == Some(ErrorCode::ResourceNotFound) => {}
                            Err(e) if fatal(&e) => return Err(e),
                            Err(e) => fail(&mut o, e),
                        }
                    }
                }
                _ => {
                    o.message = Some(format!(
                        "the file now holds an item of {}; the {} it held stays on the record (give --delete to delete it)",
                        item.section, old.section
                    ));
                }
            }
            report(o, &mut outcomes);
            if !options.dry_run {
                lock(&ledger).remove(&record, &item.name).map_err(local)?;
            }
        }
        if let Some(why) = gone_now.get(&item.name) {
            if options.recreate {
                tasks.push((item, None));
            } else if let Some(e) = &entry {
                let mut gone = e.clone();
                gone.state = "gone".into();
                if !options.dry_run {
                    lock(&ledger).put(&record, &gone).map_err(local)?;
                }
                let mut o = outcome(&item.name, Some(item.section), Action::Gone, e.put_code);
                o.message = Some(format!("{why}; give --recreate to create it again"));
                report(o, &mut outcomes);
            }
            continue;
        }
        match &entry {
            Some(e) if e.state == "stored" && e.body_hash == item.hash => {
                let mut o = outcome(&item.name, Some(item.section), Action::Unchanged, e.put_code);
                if let Some(old) = renamed_from.get(&item.name) {
                    o.action = Action::Renamed;
                    o.message = Some(format!("was {old}"));
                }
                report(o, &mut outcomes);
            }
            Some(e) if e.state == "gone" && !options.recreate => {
                let mut o = outcome(&item.name, Some(item.section), Action::Gone, e.put_code);
                o.message = Some("deleted on the record by someone else; give --recreate to create it again".into());
                report(o, &mut outcomes);
            }
            None if item.section == Section::Work && !options.adopt => new_works.push(item),
            _ => tasks.push((item, entry)),
        }
    }
    if options.dry_run {
        for item in new_works {
            report(outcome(&item.name, Some(item.section), Action::Create, None), &mut outcomes);
        }
        for (item, entry) in tasks {
            let action = match &entry {
                None if options.adopt => Action::Adopt,
                None => Action::Create,
                Some(e) if e.state == "creating" => Action::Resolve,
                Some(e) if e.state == "gone" => Action::Create,
                Some(_) => Action::Update,
            };
            report(outcome(&item.name, Some(item.section), action, entry.and_then(|e| e.put_code)), &mut outcomes);
        }
        outcomes.sort_by(|a, b| a.file.cmp(&b.file));
        return Ok(PushReport { outcomes });
    }

    // Said before anything is sent: a later run that finds the ledger lost knows to adopt.
    if !pushed_before {
        Marker::add(dir, &ctx.api_base, &record)?;
    }

    // New works in bulks of up to 100.
    for chunk in new_works.chunks(100) {
        for o in create_works(&ctx, chunk).await? {
            report(o, &mut outcomes);
        }
    }

    // Everything else, a few at a time (the client's rate limit spaces the requests).
    // An item ORCID could not take now (a locked record) is tried again once, a while later,
    // before it is reported deferred.
    let concurrency = if options.concurrency == 0 { 8 } else { options.concurrency };
    let mut kept: HashMap<String, (ItemFile, Option<Entry>)> = HashMap::new();
    let mut deferred = Vec::new();
    let mut pending = tasks.into_iter();
    let mut running = futures_unordered();
    loop {
        while running.len() < concurrency {
            let Some((item, entry)) = pending.next() else { break };
            kept.insert(item.name.clone(), (item.clone(), entry.clone()));
            running.push(Box::pin(process(&ctx, item, entry)));
        }
        let Some(result) = next(&mut running).await else { break };
        let o = result?;
        match kept.remove(&o.file) {
            Some(task) if o.action == Action::Deferred => deferred.push(task),
            _ => report(o, &mut outcomes),
        }
    }
    if !deferred.is_empty() {
        tokio::time::sleep(options.deferred_wait.unwrap_or(DEFERRED_WAIT)).await;
        for (item, entry) in deferred {
            // The entry as the ledger has it now (the first try may have changed it).
            let entry = lock(&ledger).entries(&record).map_err(local)?.into_iter().find(|e| e.file == item.name).or(entry);
            report(process(&ctx, item, entry).await?, &mut outcomes);
        }
    }
    outcomes.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(PushReport { outcomes })
}

type Running<'a> = Vec<std::pin::Pin<Box<dyn std::future::Future<Output = Result<Outcome, Error>> + Send + 'a>>>;

fn futures_unordered<'a>() -> Running<'a> {
    Vec::new()
}

/// The first of the running futures to finish (polled in turn; a handful run at once).
async fn next(running: &mut Running<'_>) -> Option<Result<Outcome, Error>> {
    if running.is_empty() {
        return None;
    }
    std::future::poll_fn(|cx| {
        for i in 0..running.len() {
            if let std::task::Poll::Ready(out) = running[i].as_mut().poll(cx) {
                drop(running.swap_remove(i));
                return std::task::Poll::Ready(Some(out));
            }
        }
        std::task::Poll::Pending
    })
    .await
}

/// What every step needs.
struct Ctx<'a> {
    api: RecordApi<'a>,
    ledger: Arc<Mutex<Ledger>>,
    record: String,
    /// The API base pushed to, recorded in each entry.
    api_base: String,
    options: &'a PushOptions,
}

fn lock(ledger: &Mutex<Ledger>) -> std::sync::MutexGuard<'_, Ledger> {
    ledger.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn outcome(file: &str, section: Option<Section>, action: Action, put_code: Option<PutCode>) -> Outcome {
    Outcome { file: file.to_owned(), section, action, put_code, message: None, diagnostics: Vec::new() }
}

fn fail(o: &mut Outcome, e: Error) {
    o.action = failed_as(&e);
    o.message = Some(e.to_string());
}

/// The end state an error gives an item: a named one where ORCID's answer says what is going
/// on, else `failed`.
fn failed_as(e: &Error) -> Action {
    match e {
        Error::Api(e) => refused_as(e),
        _ => Action::Failed,
    }
}

/// [`failed_as`] for ORCID's error body.
fn refused_as(e: &ApiError) -> Action {
    match (e.code, e.status) {
        (Some(ErrorCode::NotSource), _) => Action::NotSource,
        (Some(ErrorCode::Deprecated), _) | (_, 301) => Action::Moved,
        (Some(ErrorCode::Locked), _) | (_, 503 | 429) => Action::Deferred,
        _ => Action::Failed,
    }
}

/// The `.xml` and `.json` files (any letter case) in `dir` and its sub-folders (hidden files
/// and folders, the ledger's among them, aside), in name order. A file moved into a
/// sub-folder is still found, and followed by its identity.
fn item_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).map_err(|e| Error::local(format!("{}: {e}", folder.display()), e))? {
            let entry = entry.map_err(|e| Error::local(format!("{}: {e}", folder.display()), e))?;
            let path = entry.path();
            if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                continue;
            }
            // Folders are walked without following links, so a link cannot lead the walk round.
            let kind = entry.file_type().map_err(|e| Error::local(format!("{}: {e}", path.display()), e))?;
            if kind.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml") || e.eq_ignore_ascii_case("json")) {
                // A file, or a link to one: what is not a readable file is reported when read.
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Whether nothing at all is at a ledger entry's path: not a file, not a link (even to
/// nothing), not a folder. Only then may its item be deleted.
fn absent(dir: &Path, file: &str) -> bool {
    matches!(std::fs::symlink_metadata(dir.join(file)), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
}

/// What an item is, whatever its file is called: its section and `self` identifiers
/// (normalised, as ORCID compares them), a person item's identity, else a hash of its content.
fn identity(item: &dyn AnyItem) -> String {
    let section = item.section();
    keys_identity(section, item.duplicate_keys()).unwrap_or_else(|| format!("{}:content:{}", section.path(), content_hash(item)))
}

/// An identity from duplicate keys (`self` identifiers and person values), sorted, once each;
/// `None` when there is none.
fn keys_identity(section: Section, keys: Vec<DuplicateKey>) -> Option<String> {
    let mut keys: Vec<String> = keys
        .into_iter()
        .filter_map(|k| match k {
            DuplicateKey::Id { self_relationship: true, key } => Some(format!("{}={}", key.kind(), key.value())),
            DuplicateKey::Person(p) => Some(p),
            _ => None,
        })
        .collect();
    keys.sort();
    keys.dedup();
    (!keys.is_empty()).then(|| format!("{}:{}", section.path(), keys.join("\u{1f}")))
}

/// A hash of an item as uploaded, written as compact XML whatever the file's form or the
/// wire's: a change of `--format` is no change.
fn upload_hash(item: &dyn AnyItem) -> String {
    hex(&Sha256::digest(item.to_document().to_xml_with(orcid_model::WriteOptions::upload().compact()).as_bytes()))
}

/// [`upload_hash`] without what ORCID sets (the put-code, the visibility): the content.
fn content_hash(item: &dyn AnyItem) -> String {
    let mut item = item.clone_item();
    item.set_put_code(None);
    item.set_visibility(None);
    upload_hash(&*item)
}

/// An answer that ends the run at once: the token is expired or revoked, so every other
/// request would fail the same way.
fn fatal(e: &Error) -> bool {
    matches!(e, Error::Api(a) if a.status == 401)
}

/// Reads and validates one file; an invalid one is its outcome.
fn read_item(path: &Path, name: &str) -> Result<ItemFile, Box<Outcome>> {
    let invalid = |message: String, diagnostics: Vec<Diagnostic>| {
        let mut o = outcome(name, None, Action::Invalid, None);
        o.message = Some(message);
        o.diagnostics = diagnostics;
        Box::new(o)
    };
    // A link to nothing, a FIFO or a device in a file's place is not read (a FIFO would wait
    // for a writer forever); it still counts as there, so its item is never deleted.
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => {
            return Err(invalid("not a regular file (a FIFO, socket or device): its item is neither sent nor deleted".into(), Vec::new()));
        }
        Err(e) => return Err(invalid(format!("{e} (a link to nothing?): its item is neither sent nor deleted"), Vec::new())),
    }
    let bytes = std::fs::read(path).map_err(|e| invalid(e.to_string(), Vec::new()))?;
    let (report, doc) = match Format::detect(&bytes) {
        Some(Format::Xml) => (validate_xml(&bytes, &Options::default()), Document::from_xml_bytes(&bytes, Mode::Lenient)),
        Some(Format::Json) => {
            let (kind, _) = Kind::of_json(&bytes, Some(name))
                .map_err(|e| invalid(format!("{e}: name the file after its kind (work-1.json)"), Vec::new()))?;
            (validate_json(&bytes, kind, &Options::default()), Document::from_json_bytes(&bytes, kind, Mode::Lenient))
        }
        None => return Err(invalid("neither XML nor JSON".into(), Vec::new())),
    };
    if !report.is_valid() {
        let errors: Vec<Diagnostic> = report.diagnostics.into_iter().filter(|d| d.severity == Severity::Error).collect();
        let first = errors.first().map(|d| format!("line {}: {}", d.line, d.message)).unwrap_or_default();
        return Err(invalid(format!("ORCID would refuse it ({first})"), errors));
    }
    let doc = doc.map_err(|e| invalid(e.to_string(), Vec::new()))?;
    let item = doc.into_item().map_err(|doc| invalid(format!("a {} is not an item of a record's section", doc.kind()), Vec::new()))?;
    let has_self_id = !item.self_external_ids().is_empty();
    let hash = upload_hash(&*item);
    Ok(ItemFile { name: name.to_owned(), section: item.section(), identity: identity(&*item), item, hash, has_self_id })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a chunk of new works in one bulk request: intents first, then the put-codes.
async fn create_works(ctx: &Ctx<'_>, chunk: &[ItemFile]) -> Result<Vec<Outcome>, Error> {
    let works: Vec<Work> = chunk.iter().filter_map(|i| i.item.as_any().downcast_ref::<Work>().cloned()).collect();
    let intents: Vec<Entry> = chunk.iter().map(|i| intent(ctx, i, None)).collect();
    lock(&ctx.ledger).put_all(&ctx.record, &intents).map_err(local)?;
    let results = match ctx.api.create_works(&works).await {
        Ok(results) => results,
        Err(e) if fatal(&e) => {
            // Refused as a whole before anything was stored: the intents go.
            for item in chunk {
                lock(&ctx.ledger).remove(&ctx.record, &item.name).map_err(local)?;
            }
            return Err(e);
        }
        Err(e) => {
            // The answer was lost or refused as a whole: each work is resolved on its own
            // (sent again; ORCID's duplicate answer names a copy already stored).
            let mut outcomes = Vec::new();
            for item in chunk {
                let o = resolve_by_self_id(ctx, item).await.unwrap_or_else(|_| {
                    let mut o = outcome(&item.name, Some(item.section), Action::Failed, None);
                    o.message = Some(format!("{e}; the next run resolves it"));
                    o
                });
                outcomes.push(o);
            }
            return Ok(outcomes);
        }
    };
    let mut outcomes = Vec::new();
    let mut stored = Vec::new();
    for (item, result) in chunk.iter().zip(results) {
        match result {
            Ok(created) => {
                stored.push(stored_entry(ctx, item, created.put_code));
                let action = if created.existing { Action::Adopt } else { Action::Create };
                outcomes.push(outcome(&item.name, Some(item.section), action, Some(created.put_code)));
            }
            Err(e) if already_there(&e) => outcomes.push(adopt_duplicate(ctx, item, &e).await?),
            Err(e) => {
                lock(&ctx.ledger).remove(&ctx.record, &item.name).map_err(local)?;
                let mut o = outcome(&item.name, Some(item.section), refused_as(&e), None);
                o.message = Some(e.to_string());
                outcomes.push(o);
            }
        }
    }
    lock(&ctx.ledger).put_all(&ctx.record, &stored).map_err(local)?;
    Ok(outcomes)
}

fn intent(ctx: &Ctx<'_>, item: &ItemFile, put_code: Option<PutCode>) -> Entry {
    Entry {
        file: item.name.clone(),
        section: item.section.path().to_owned(),
        put_code,
        body_hash: item.hash.clone(),
        state: "creating".into(),
        changed: now(),
        identity: item.identity.clone(),
        api: ctx.api_base.clone(),
        client: ctx.options.client_id.clone().unwrap_or_default(),
    }
}

fn stored_entry(ctx: &Ctx<'_>, item: &ItemFile, put_code: PutCode) -> Entry {
    Entry { put_code: Some(put_code), state: "stored".into(), ..intent(ctx, item, Some(put_code)) }
}

/// One file that is not a new work: create, resolve, adopt or update it.
async fn process(ctx: &Ctx<'_>, item: ItemFile, entry: Option<Entry>) -> Result<Outcome, Error> {
    match entry {
        None if ctx.options.adopt => match find_on_record(ctx, &item).await? {
            Some(put_code) => take_over(ctx, &item, put_code, Action::Adopt).await,
            None => create(ctx, &item).await,
        },
        None => create(ctx, &item).await,
        Some(e) if e.state == "creating" => resolve(ctx, &item).await,
        Some(e) if e.state == "gone" => create(ctx, &item).await,
        Some(e) => match e.put_code {
            Some(put_code) => update(ctx, &item, put_code).await,
            None => resolve(ctx, &item).await,
        },
    }
}

/// Creates an item: the intent first, the put-code as soon as it is known.
async fn create(ctx: &Ctx<'_>, item: &ItemFile) -> Result<Outcome, Error> {
    lock(&ctx.ledger).put(&ctx.record, &intent(ctx, item, None)).map_err(local)?;
    match ctx.api.create_item(&*item.item).await {
        Ok(created) => {
            lock(&ctx.ledger).put(&ctx.record, &stored_entry(ctx, item, created.put_code)).map_err(local)?;
            let action = if created.existing { Action::Adopt } else { Action::Create };
            Ok(outcome(&item.name, Some(item.section), action, Some(created.put_code)))
        }
        Err(Error::Api(e)) if already_there(&e) => adopt_duplicate(ctx, item, &e).await,
        Err(e @ Error::Api(_)) if fatal(&e) => {
            lock(&ctx.ledger).remove(&ctx.record, &item.name).map_err(local)?;
            Err(e)
        }
        Err(Error::Api(e)) => {
            lock(&ctx.ledger).remove(&ctx.record, &item.name).map_err(local)?;
            let mut o = outcome(&item.name, Some(item.section), refused_as(&e), None);
            o.message = Some(e.to_string());
            Ok(o)
        }
        // No answer: the intent stays; resolve it now by looking on the record.
        Err(e) => match resolve(ctx, item).await {
            Ok(o) if o.action != Action::Failed => Ok(o),
            _ => {
                let mut o = outcome(&item.name, Some(item.section), Action::Failed, None);
                o.message = Some(format!("{e}; the next run resolves it"));
                Ok(o)
            }
        },
    }
}

/// A create whose answer may have been lost: find what the record holds before sending again.
async fn resolve(ctx: &Ctx<'_>, item: &ItemFile) -> Result<Outcome, Error> {
    if item.has_self_id {
        return resolve_by_self_id(ctx, item).await;
    }
    match find_on_record(ctx, item).await? {
        Some(put_code) => take_over(ctx, item, put_code, Action::Adopt).await,
        None => {
            lock(&ctx.ledger).remove(&ctx.record, &item.name).map_err(local)?;
            Box::pin(create(ctx, item)).await
        }
    }
}

/// An item with a `self` identifier is sent again: ORCID stores it, or answers that this
/// client already has it (and where).
async fn resolve_by_self_id(ctx: &Ctx<'_>, item: &ItemFile) -> Result<Outcome, Error> {
    match ctx.api.create_item(&*item.item).await {
        Ok(created) => {
            lock(&ctx.ledger).put(&ctx.record, &stored_entry(ctx, item, created.put_code)).map_err(local)?;
            Ok(outcome(&item.name, Some(item.section), Action::Create, Some(created.put_code)))
        }
        Err(Error::Api(e)) if already_there(&e) => adopt_duplicate(ctx, item, &e).await,
        Err(e) => Err(e),
    }
}

/// ORCID answered that this client already has the item: take over the put-code it names.
async fn adopt_duplicate(ctx: &Ctx<'_>, item: &ItemFile, e: &ApiError) -> Result<Outcome, Error> {
    // ORCID's message names the put-code; when it does not, the item is looked for.
    let found = match put_code_in_duplicate_message(&e.developer_message) {
        Some(put_code) => Some(put_code),
        None => find_on_record(ctx, item).await?,
    };
    match found {
        Some(put_code) => take_over(ctx, item, put_code, Action::Adopt).await,
        None => {
            lock(&ctx.ledger).remove(&ctx.record, &item.name).map_err(local)?;
            let mut o = outcome(&item.name, Some(item.section), Action::Failed, None);
            o.message = Some(e.to_string());
            Ok(o)
        }
    }
}

/// Records an item found on the record as the file's, and updates it when its content differs.
async fn take_over(ctx: &Ctx<'_>, item: &ItemFile, put_code: PutCode, action: Action) -> Result<Outcome, Error> {
    let mut entry = stored_entry(ctx, item, put_code);
    let same = same_as(ctx, item, put_code).await?;
    if !same {
        // Recorded first with no hash: a crash before the update leaves it to be updated.
        entry.body_hash = String::new();
        lock(&ctx.ledger).put(&ctx.record, &entry).map_err(local)?;
        ctx.api.update_item(put_code, &*item.item).await?;
        entry.body_hash = item.hash.clone();
    }
    lock(&ctx.ledger).put(&ctx.record, &entry).map_err(local)?;
    let mut o = outcome(&item.name, Some(item.section), action, Some(put_code));
    if !same {
        o.message = Some("found on the record and updated to the file".into());
    }
    Ok(o)
}

/// Updates a stored item whose file changed; one deleted on the record is marked gone.
async fn update(ctx: &Ctx<'_>, item: &ItemFile, put_code: PutCode) -> Result<Outcome, Error> {
    match ctx.api.update_item(put_code, &*item.item).await {
        Ok(_) => {
            lock(&ctx.ledger).put(&ctx.record, &stored_entry(ctx, item, put_code)).map_err(local)?;
            Ok(outcome(&item.name, Some(item.section), Action::Update, Some(put_code)))
        }
        Err(e) if e.orcid_code() == Some(ErrorCode::ResourceNotFound) => {
            let gone = Entry { state: "gone".into(), ..stored_entry(ctx, item, put_code) };
            if ctx.options.recreate {
                lock(&ctx.ledger).remove(&ctx.record, &item.name).map_err(local)?;
                return Box::pin(create(ctx, item)).await;
            }
            lock(&ctx.ledger).put(&ctx.record, &gone).map_err(local)?;
            let mut o = outcome(&item.name, Some(item.section), Action::Gone, Some(put_code));
            o.message = Some("deleted on the record by someone else; give --recreate to create it again".into());
            Ok(o)
        }
        Err(e) if fatal(&e) => Err(e),
        Err(e) => {
            let mut o = outcome(&item.name, Some(item.section), failed_as(&e), Some(put_code));
            o.message = Some(e.to_string());
            Ok(o)
        }
    }
}

/// What the record holds now, by section: each item's put-code and, for an item with `self`
/// identifiers, its identity as [`identity`] gives it. Two reads: `/activities` and `/person`.
async fn record_now(ctx: &Ctx<'_>) -> Result<HashMap<Section, HashMap<PutCode, Option<String>>>, Error> {
    use orcid_model::items::{ListEntry, RecordItem};
    use orcid_model::*;
    fn add<T: RecordItem>(now: &mut HashMap<Section, HashMap<PutCode, Option<String>>>, list: Option<&T::Summaries>) {
        let items = now.entry(T::SECTION).or_default();
        for entry in list.map(T::summaries_in).unwrap_or_default() {
            if let Some(put_code) = ListEntry::put_code(entry) {
                items.insert(put_code, listed_identity(T::SECTION, entry));
            }
        }
    }
    let activities = ctx.api.read_activities().await?;
    let person = ctx.api.read_person().await?;
    let mut now = HashMap::new();
    add::<work::Work>(&mut now, activities.works.as_ref());
    add::<funding::Funding>(&mut now, activities.fundings.as_ref());
    add::<peer_review::PeerReview>(&mut now, activities.peer_reviews.as_ref());
    add::<research_resource::ResearchResource>(&mut now, activities.research_resources.as_ref());
    add::<employment::Employment>(&mut now, activities.employments.as_ref());
    add::<education::Education>(&mut now, activities.educations.as_ref());
    add::<distinction::Distinction>(&mut now, activities.distinctions.as_ref());
    add::<invited_position::InvitedPosition>(&mut now, activities.invited_positions.as_ref());
    add::<membership::Membership>(&mut now, activities.memberships.as_ref());
    add::<qualification::Qualification>(&mut now, activities.qualifications.as_ref());
    add::<service::Service>(&mut now, activities.services.as_ref());
    add::<other_name::OtherName>(&mut now, person.other_names.as_ref());
    add::<keyword::Keyword>(&mut now, person.keywords.as_ref());
    add::<researcher_url::ResearcherUrl>(&mut now, person.researcher_urls.as_ref());
    add::<external_identifier::ExternalIdentifier>(&mut now, person.external_identifiers.as_ref());
    add::<address::Address>(&mut now, person.addresses.as_ref());
    debug_assert_eq!(now.len(), Section::ALL.len(), "every section is read");
    Ok(now)
}

/// The identity of an item on the record, from its list entry, where its `self` identifiers
/// give it (person items, which have none, and items without them have none to compare).
fn listed_identity(section: Section, entry: &dyn orcid_model::items::ListEntry) -> Option<String> {
    keys_identity(section, DuplicateKey::of_external_ids(entry.external_ids(), section))
}

/// ORCID's answer that this client already has the item: 9021 for activities, 9030 for
/// person items.
fn already_there(e: &ApiError) -> bool {
    matches!(e.code, Some(ErrorCode::Duplicate | ErrorCode::DuplicatePersonItem))
}

/// An item of this client on the record, not in the ledger, that is the file's: by its `self`
/// identifiers, else by its content.
async fn find_on_record(ctx: &Ctx<'_>, item: &ItemFile) -> Result<Option<PutCode>, Error> {
    // Put-codes the ledger holds for this server (another server's are another record's).
    let known: HashSet<PutCode> = lock(&ctx.ledger)
        .entries(&ctx.record)
        .map_err(local)?
        .into_iter()
        .filter(|e| e.api.is_empty() || e.api == ctx.api_base)
        .filter(|e| ctx.options.client_id.as_deref().is_none_or(|id| e.client.is_empty() || e.client == id))
        .filter_map(|e| e.put_code)
        .collect();
    let candidates = candidates(ctx, item.section).await?;
    for (put_code, client) in candidates {
        let ours = match &ctx.options.client_id {
            Some(id) => client.as_deref() == Some(id.as_str()),
            None => client.is_some(),
        };
        if ours && !known.contains(&put_code) && same_as(ctx, item, put_code).await? {
            return Ok(Some(put_code));
        }
    }
    Ok(None)
}

/// Whether the stored item `put_code` has the file's content (what ORCID sets aside).
async fn same_as(ctx: &Ctx<'_>, item: &ItemFile, put_code: PutCode) -> Result<bool, Error> {
    let stored = match ctx.api.read_item(item.section, put_code).await {
        Ok(stored) => stored,
        Err(e) if e.orcid_code() == Some(ErrorCode::ResourceNotFound) => return Ok(false),
        Err(e) => return Err(e),
    };
    // Without what ORCID sets on the record (the put-code, the visibility, which ORCID may
    // replace by the researcher's default).
    Ok(content_hash(&*stored) == content_hash(&*item.item))
}

/// The put-codes of a section's items and the client each came from (`None`: the researcher).
async fn candidates(ctx: &Ctx<'_>, section: Section) -> Result<Vec<(PutCode, Option<String>)>, Error> {
    let list = ctx.api.list_section(section).await?;
    let entries = list.list_entries().unwrap_or_default();
    Ok(entries.iter().filter_map(|e| Some((e.put_code()?, e.source_client_id().map(str::to_owned)))).collect())
}
