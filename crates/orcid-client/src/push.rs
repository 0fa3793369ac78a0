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

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use orcid_model::items::{AnyItem, Section, put_code_in_duplicate_message};
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
}

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
    /// The file was removed but its item kept (`delete` deletes it).
    Kept,
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
        !self.outcomes.iter().any(|o| matches!(o.action, Action::Invalid | Action::Failed))
    }
}

/// One item file, read and validated.
struct ItemFile {
    name: String,
    section: Section,
    item: Box<dyn AnyItem>,
    /// The body as the client sends it, hashed.
    hash: String,
    /// The `self` identifiers' keys: a work without one is refused anyway.
    has_self_id: bool,
}

/// A ledger or folder error: the message names it, the error is its source.
fn local(e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::local(e.to_string(), e)
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
    let ledger =
        Arc::new(Mutex::new(Ledger::open(dir).map_err(|e| Error::local(format!("{}: {e}", dir.join(Ledger::FILE).display()), e))?));
    let record = orcid.as_str().to_owned();
    let entries: BTreeMap<String, Entry> =
        lock(&ledger).entries(&record).map_err(local)?.into_iter().map(|e| (e.file.clone(), e)).collect();
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
        let name = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().into_owned();
        present.insert(name.clone());
        match read_item(client, &path, &name) {
            Ok(item) => items.push(item),
            Err(outcome) => report(*outcome, &mut outcomes),
        }
    }
    let ctx = Ctx { client, api: client.record(token, orcid), ledger: ledger.clone(), record: record.clone(), options };

    // Files removed from the folder.
    for entry in entries.values().filter(|e| !present.contains(e.file.as_str()) && e.put_code.is_some()) {
        let section = Section::from_path(&entry.section);
        let mut o = outcome(&entry.file, section, Action::Kept, entry.put_code);
        if options.delete && entry.state != "gone" {
            o.action = Action::Delete;
            if !options.dry_run
                && let (Some(section), Some(pc)) = (section, entry.put_code)
            {
                match ctx.api.delete_item(section, pc).await {
                    Ok(()) => lock(&ledger).remove(&record, &entry.file).map_err(local)?,
                    Err(e) if e.orcid_code() == Some(ErrorCode::ResourceNotFound) => {
                        lock(&ledger).remove(&record, &entry.file).map_err(local)?
                    }
                    Err(e) => fail(&mut o, e),
                }
            }
        } else if entry.state != "gone" {
            o.message = Some("its file was removed; the item stays on the record (give --delete to delete it)".into());
        }
        report(o, &mut outcomes);
    }

    // Plan each file.
    let mut new_works: Vec<ItemFile> = Vec::new();
    let mut tasks: Vec<(ItemFile, Option<Entry>)> = Vec::new();
    for item in items {
        let entry = entries.get(&item.name).cloned();
        match &entry {
            Some(e) if e.state == "stored" && e.body_hash == item.hash => {
                report(outcome(&item.name, Some(item.section), Action::Unchanged, e.put_code), &mut outcomes);
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

    // New works in bulks of up to 100.
    for chunk in new_works.chunks(100) {
        for o in create_works(&ctx, chunk).await? {
            report(o, &mut outcomes);
        }
    }

    // Everything else, a few at a time (the client's rate limit spaces the requests).
    let concurrency = if options.concurrency == 0 { 8 } else { options.concurrency };
    let mut pending = tasks.into_iter();
    let mut running = futures_unordered();
    loop {
        while running.len() < concurrency {
            let Some((item, entry)) = pending.next() else { break };
            running.push(Box::pin(process(&ctx, item, entry)));
        }
        let Some(result) = next(&mut running).await else { break };
        report(result?, &mut outcomes);
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
    client: &'a Client,
    api: RecordApi<'a>,
    ledger: Arc<Mutex<Ledger>>,
    record: String,
    options: &'a PushOptions,
}

fn lock(ledger: &Mutex<Ledger>) -> std::sync::MutexGuard<'_, Ledger> {
    ledger.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn outcome(file: &str, section: Option<Section>, action: Action, put_code: Option<PutCode>) -> Outcome {
    Outcome { file: file.to_owned(), section, action, put_code, message: None, diagnostics: Vec::new() }
}

fn fail(o: &mut Outcome, e: Error) {
    o.action = Action::Failed;
    o.message = Some(e.to_string());
}

/// The `.xml` and `.json` files in `dir` (not in sub-folders; the ledger and other hidden
/// files aside), in name order.
fn item_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::local(format!("{}: {e}", dir.display()), e))? {
        let path = entry.map_err(|e| Error::local(format!("{}: {e}", dir.display()), e))?.path();
        let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if !hidden && path.is_file() && path.extension().is_some_and(|e| e == "xml" || e == "json") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Reads and validates one file; an invalid one is its outcome.
fn read_item(client: &Client, path: &Path, name: &str) -> Result<ItemFile, Box<Outcome>> {
    let invalid = |message: String, diagnostics: Vec<Diagnostic>| {
        let mut o = outcome(name, None, Action::Invalid, None);
        o.message = Some(message);
        o.diagnostics = diagnostics;
        Box::new(o)
    };
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
    let body = client.encode_document(&item.to_document());
    let has_self_id = !item.self_external_ids().is_empty();
    Ok(ItemFile { name: name.to_owned(), section: item.section(), item, hash: hex(&Sha256::digest(body.as_bytes())), has_self_id })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a chunk of new works in one bulk request: intents first, then the put-codes.
async fn create_works(ctx: &Ctx<'_>, chunk: &[ItemFile]) -> Result<Vec<Outcome>, Error> {
    let works: Vec<Work> = chunk.iter().filter_map(|i| i.item.as_any().downcast_ref::<Work>().cloned()).collect();
    let intents: Vec<Entry> = chunk.iter().map(|i| intent(i, None)).collect();
    lock(&ctx.ledger).put_all(&ctx.record, &intents).map_err(local)?;
    let results = match ctx.api.create_works(&works).await {
        Ok(results) => results,
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
                stored.push(stored_entry(item, created.put_code));
                let action = if created.existing { Action::Adopt } else { Action::Create };
                outcomes.push(outcome(&item.name, Some(item.section), action, Some(created.put_code)));
            }
            Err(e) if e.code == Some(ErrorCode::Duplicate) => outcomes.push(adopt_duplicate(ctx, item, &e).await?),
            Err(e) => {
                lock(&ctx.ledger).remove(&ctx.record, &item.name).map_err(local)?;
                let mut o = outcome(&item.name, Some(item.section), Action::Failed, None);
                o.message = Some(e.to_string());
                outcomes.push(o);
            }
        }
    }
    lock(&ctx.ledger).put_all(&ctx.record, &stored).map_err(local)?;
    Ok(outcomes)
}

fn intent(item: &ItemFile, put_code: Option<PutCode>) -> Entry {
    Entry {
        file: item.name.clone(),
        section: item.section.path().to_owned(),
        put_code,
        body_hash: item.hash.clone(),
        state: "creating".into(),
        changed: now(),
    }
}

fn stored_entry(item: &ItemFile, put_code: PutCode) -> Entry {
    Entry { put_code: Some(put_code), state: "stored".into(), ..intent(item, Some(put_code)) }
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
    lock(&ctx.ledger).put(&ctx.record, &intent(item, None)).map_err(local)?;
    match ctx.api.create_item(&*item.item).await {
        Ok(created) => {
            lock(&ctx.ledger).put(&ctx.record, &stored_entry(item, created.put_code)).map_err(local)?;
            let action = if created.existing { Action::Adopt } else { Action::Create };
            Ok(outcome(&item.name, Some(item.section), action, Some(created.put_code)))
        }
        Err(Error::Api(e)) if e.code == Some(ErrorCode::Duplicate) => adopt_duplicate(ctx, item, &e).await,
        Err(Error::Api(e)) => {
            lock(&ctx.ledger).remove(&ctx.record, &item.name).map_err(local)?;
            let mut o = outcome(&item.name, Some(item.section), Action::Failed, None);
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
            lock(&ctx.ledger).put(&ctx.record, &stored_entry(item, created.put_code)).map_err(local)?;
            Ok(outcome(&item.name, Some(item.section), Action::Create, Some(created.put_code)))
        }
        Err(Error::Api(e)) if e.code == Some(ErrorCode::Duplicate) => adopt_duplicate(ctx, item, &e).await,
        Err(e) => Err(e),
    }
}

/// ORCID answered that this client already has the item: take over the put-code it names.
async fn adopt_duplicate(ctx: &Ctx<'_>, item: &ItemFile, e: &ApiError) -> Result<Outcome, Error> {
    match put_code_in_duplicate_message(&e.developer_message) {
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
    let mut entry = stored_entry(item, put_code);
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
            lock(&ctx.ledger).put(&ctx.record, &stored_entry(item, put_code)).map_err(local)?;
            Ok(outcome(&item.name, Some(item.section), Action::Update, Some(put_code)))
        }
        Err(e) if e.orcid_code() == Some(ErrorCode::ResourceNotFound) => {
            let gone = Entry { state: "gone".into(), ..stored_entry(item, put_code) };
            if ctx.options.recreate {
                lock(&ctx.ledger).remove(&ctx.record, &item.name).map_err(local)?;
                return Box::pin(create(ctx, item)).await;
            }
            lock(&ctx.ledger).put(&ctx.record, &gone).map_err(local)?;
            let mut o = outcome(&item.name, Some(item.section), Action::Gone, Some(put_code));
            o.message = Some("deleted on the record by someone else; give --recreate to create it again".into());
            Ok(o)
        }
        Err(e) => {
            let mut o = outcome(&item.name, Some(item.section), Action::Failed, Some(put_code));
            o.message = Some(e.to_string());
            Ok(o)
        }
    }
}

/// An item of this client on the record, not in the ledger, that is the file's: by its `self`
/// identifiers, else by its content.
async fn find_on_record(ctx: &Ctx<'_>, item: &ItemFile) -> Result<Option<PutCode>, Error> {
    let known: HashSet<PutCode> = lock(&ctx.ledger).entries(&ctx.record).map_err(local)?.into_iter().filter_map(|e| e.put_code).collect();
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
    Ok(comparable(ctx.client, &*stored) == comparable(ctx.client, &*item.item))
}

/// An item's body as compared with a stored one: without what ORCID sets on the record (the
/// put-code, the visibility, which ORCID may replace by the researcher's default).
fn comparable(client: &Client, item: &dyn AnyItem) -> String {
    let mut item = item.clone_item();
    item.set_put_code(None);
    item.set_visibility(None);
    client.encode_document(&item.to_document())
}

/// The put-codes of a section's items and the client each came from (`None`: the researcher).
async fn candidates(ctx: &Ctx<'_>, section: Section) -> Result<Vec<(PutCode, Option<String>)>, Error> {
    let list = ctx.api.list_section(section).await?;
    let entries = list.list_entries().unwrap_or_default();
    Ok(entries.iter().filter_map(|e| Some((e.put_code()?, e.source_client_id().map(str::to_owned)))).collect())
}
