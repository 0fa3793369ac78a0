//! The ledger `push` keeps beside the item files: for each file and record, the section, the
//! put-code, a hash of the body last sent, and when.
//!
//! It is an SQLite database (`rusqlite`): every change is one transaction, committed to the
//! write-ahead log and synced before the next request goes out, so a `kill -9` at any moment
//! leaves the ledger as it was after the last change, never half-written. A create is written
//! as an intent (no put-code yet) before the request goes out, and its put-code as soon as the
//! answer comes back: an intent left behind tells the next run that an answer may have been
//! lost.

use std::path::Path;

use orcid_model::PutCode;
use rusqlite::{Connection, params};

/// What the ledger knows of one file for one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The file's name, relative to the folder.
    pub file: String,
    /// The section's path (`work`, `employment` ...).
    pub section: String,
    /// The item's put-code; `None` while a create is in flight (or its answer was lost).
    pub put_code: Option<PutCode>,
    /// The SHA-256 of the body last sent (or being sent), hex.
    pub body_hash: String,
    /// `stored`, `creating`, or `gone` (deleted on the record by someone else).
    pub state: String,
    /// When the entry last changed (seconds since the epoch).
    pub changed: i64,
    /// What the item is, whatever its file is called: its section and `self` identifiers, a
    /// person item's identity, or a hash of its content (see `push::identity`). Empty in
    /// entries written before identities were kept.
    pub identity: String,
    /// The API base the item was pushed to (`https://api.orcid.org/v3.0`). Empty in entries
    /// written before hosts were kept.
    pub api: String,
    /// The client that pushed it (`APP-...`), when the run was told (`--client-id`).
    pub client: String,
}

/// The ledger of one folder.
pub struct Ledger {
    db: Connection,
}

/// The columns an [`Entry`] is read from, in the order [`entry_of_row`] reads them.
const ENTRY_COLUMNS: &str = "file, section, put_code, body_hash, state, changed, identity, api, client";

/// An entry from a row of [`ENTRY_COLUMNS`].
fn entry_of_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        file: r.get(0)?,
        section: r.get(1)?,
        put_code: r.get::<_, Option<i64>>(2)?.map(PutCode::new),
        body_hash: r.get(3)?,
        state: r.get(4)?,
        changed: r.get(5)?,
        identity: r.get(6)?,
        api: r.get(7)?,
        client: r.get(8)?,
    })
}

impl Ledger {
    /// The file name of the ledger in a folder.
    pub const FILE: &'static str = ".orcid-push.sqlite";

    /// Opens (or creates) the ledger in `dir`.
    pub fn open(dir: &Path) -> rusqlite::Result<Ledger> {
        let db = Connection::open(dir.join(Self::FILE))?;
        // WAL with full sync: a commit is on disk before the next request is sent.
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.execute_batch(
            "CREATE TABLE IF NOT EXISTS entries (
                orcid TEXT NOT NULL,
                file TEXT NOT NULL,
                section TEXT NOT NULL,
                put_code INTEGER,
                body_hash TEXT NOT NULL,
                state TEXT NOT NULL,
                changed INTEGER NOT NULL,
                PRIMARY KEY (orcid, file)
            )",
        )?;
        // Columns later versions added, to ledgers written before them.
        let columns: Vec<String> =
            db.prepare("SELECT name FROM pragma_table_info('entries')")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        for column in ["identity", "api", "client"] {
            if !columns.iter().any(|c| c == column) {
                db.execute_batch(&format!("ALTER TABLE entries ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"))?;
            }
        }
        Ok(Ledger { db })
    }

    /// Gives an entry a new file name (the file was renamed or moved), in one transaction.
    pub fn rename(&self, orcid: &str, from: &str, to: &str) -> rusqlite::Result<()> {
        let tx = self.db.unchecked_transaction()?;
        tx.execute("DELETE FROM entries WHERE orcid = ?1 AND file = ?2", params![orcid, to])?;
        tx.execute("UPDATE entries SET file = ?3 WHERE orcid = ?1 AND file = ?2", params![orcid, from, to])?;
        tx.commit()
    }

    /// Every entry of a record.
    pub fn entries(&self, orcid: &str) -> rusqlite::Result<Vec<Entry>> {
        let mut query = self.db.prepare(&format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE orcid = ?1 ORDER BY file"))?;
        let rows = query.query_map(params![orcid], entry_of_row)?;
        rows.collect()
    }

    /// Every entry of every record, by record and file.
    pub fn all_entries(&self) -> rusqlite::Result<Vec<(String, Entry)>> {
        let mut query = self.db.prepare(&format!("SELECT {ENTRY_COLUMNS}, orcid FROM entries ORDER BY orcid, file"))?;
        // The record after the entry's columns, so that `entry_of_row` reads the row as it is.
        let rows = query.query_map([], |r| Ok((r.get(ENTRY_COLUMNS.split(',').count())?, entry_of_row(r)?)))?;
        rows.collect()
    }

    /// Writes an entry (replacing the file's earlier one), in one transaction.
    pub fn put(&self, orcid: &str, entry: &Entry) -> rusqlite::Result<()> {
        self.put_all(orcid, std::slice::from_ref(entry))
    }

    /// Writes several entries in one transaction (the works of a bulk).
    pub fn put_all(&self, orcid: &str, entries: &[Entry]) -> rusqlite::Result<()> {
        let tx = self.db.unchecked_transaction()?;
        for e in entries {
            tx.execute(
                "INSERT OR REPLACE INTO entries (orcid, file, section, put_code, body_hash, state, changed, identity, api, client) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![orcid, e.file, e.section, e.put_code.map(PutCode::get), e.body_hash, e.state, e.changed, e.identity, e.api, e.client],
            )?;
        }
        tx.commit()
    }

    /// Forgets a file's entry.
    pub fn remove(&self, orcid: &str, file: &str) -> rusqlite::Result<()> {
        self.db.execute("DELETE FROM entries WHERE orcid = ?1 AND file = ?2", params![orcid, file]).map(|_| ())
    }
}

/// Seconds since the epoch, for `changed`.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
