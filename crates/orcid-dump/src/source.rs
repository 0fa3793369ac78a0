//! Reading a tarball of the public data file: its entries in order, each with what its path
//! says (the iD, the activity type, the put-code), without unpacking anything to disk: as
//! bytes ([`walk`]) or as typed records and items ([`read`]).

use std::io::{BufRead, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use orcid_model::OrcidId;

/// The largest entry read (ORCID's largest records are a few megabytes); a larger one is
/// reported and skipped, so that one odd entry cannot exhaust memory.
pub const MAX_ENTRY_BYTES: u64 = 64 << 20;

/// What an entry's path says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPath {
    /// The iD the entry is about.
    pub orcid: OrcidId,
    /// For an activity: its folder (`works`, `employments` ...); `None` for a record summary.
    pub activity: Option<String>,
    /// For an activity: the put-code its file name ends with.
    pub put_code: Option<i64>,
}

impl EntryPath {
    /// Reads an entry's path: `summaries/<xxx>/<iD>.xml`, or
    /// `<c>/<ddd>/<iD>/<type>/<iD>_<type>_<put-code>.xml` (any folders before these).
    /// `None` for anything else (folders, other files).
    pub fn parse(path: &str) -> Option<EntryPath> {
        let path = path.strip_suffix(".xml")?;
        let mut parts = path.rsplit('/');
        let file = parts.next()?;
        if let Ok(orcid) = OrcidId::parse(file) {
            return Some(EntryPath { orcid, activity: None, put_code: None });
        }
        let activity = parts.next()?;
        let owner = OrcidId::parse(parts.next()?).ok()?;
        let rest = file.strip_prefix(owner.as_str())?.strip_prefix('_')?;
        let put_code = rest.rsplit('_').next()?.parse().ok()?;
        Some(EntryPath { orcid: owner, activity: Some(activity.to_owned()), put_code: Some(put_code) })
    }
}

/// One entry: its path in the tarball and its bytes.
#[derive(Debug)]
pub struct Entry {
    /// The path in the tarball.
    pub path: String,
    /// Its number among the tarball's XML entries (0-based): what resuming counts.
    pub number: u64,
    /// What the path says.
    pub parsed: EntryPath,
    /// The file's bytes (empty when `skipped`).
    pub bytes: Vec<u8>,
    /// Why the entry was not read (too large), when it was not: its place in the order is
    /// kept, so that what is said of it goes with its neighbours.
    pub skipped: Option<String>,
}

/// A problem with one entry or with the tarball.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// The entry's path in the tarball (empty for the tarball itself).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Walks a tarball: calls `entry` for each XML entry whose path names an iD, in order, with
/// the bytes of those numbered `from` on (earlier ones are skipped unread, for resuming; one
/// too large to read comes with the reason); `problem` for the tarball itself: it stops at the
/// first error of the stream (a truncated or corrupt tarball), after reporting it.
/// `read` follows the compressed bytes read, for progress. Returns whether the tarball was
/// read to its end.
pub fn walk(
    tarball: &Path,
    from: u64,
    read: &AtomicU64,
    entry: &mut dyn FnMut(Entry) -> bool,
    problem: &mut dyn FnMut(Problem),
) -> std::io::Result<bool> {
    let mut file = std::io::BufReader::with_capacity(1 << 20, Counted { inner: std::fs::File::open(tarball)?, read });
    // gzip, told by its first two bytes (else a plain tar).
    let reader: Box<dyn Read + '_> =
        if file.fill_buf()?.starts_with(&[0x1f, 0x8b]) { Box::new(flate2::read::GzDecoder::new(file)) } else { Box::new(file) };
    let mut archive = tar::Archive::new(reader);
    let mut number = 0u64;
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => {
            problem(Problem { path: String::new(), message: format!("not a tar archive: {e}") });
            return Ok(false);
        }
    };
    let mut last_path = String::new();
    for item in entries {
        let mut item = match item {
            Ok(item) => item,
            Err(e) => {
                problem(Problem { path: String::new(), message: stream_error(&last_path, &e) });
                return Ok(false);
            }
        };
        let path = String::from_utf8_lossy(&item.path_bytes()).into_owned();
        if !item.header().entry_type().is_file() {
            continue;
        }
        let Some(parsed) = EntryPath::parse(&path) else { continue };
        let this = number;
        number += 1;
        last_path.clone_from(&path);
        if this < from {
            continue;
        }
        let size = item.size();
        let mut bytes = Vec::new();
        let skipped = if size > MAX_ENTRY_BYTES {
            Some(format!("entry of {size} bytes, more than the {MAX_ENTRY_BYTES} read: skipped"))
        } else {
            bytes.reserve_exact(size as usize);
            if let Err(e) = item.read_to_end(&mut bytes) {
                problem(Problem { path: String::new(), message: stream_error(&path, &e) });
                return Ok(false);
            }
            None
        };
        if !entry(Entry { path, number: this, parsed, bytes, skipped }) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A reader that counts what it reads.
struct Counted<'c, R> {
    inner: R,
    read: &'c AtomicU64,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn stream_error(last: &str, e: &std::io::Error) -> String {
    let after = if last.is_empty() { String::new() } else { format!(" after {last}") };
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => format!("the tarball ends early{after} (truncated?): {e}"),
        _ => format!("the tarball cannot be read{after}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::EntryPath;

    #[test]
    fn paths_say_the_id_type_and_put_code() {
        let s = EntryPath::parse("ORCID_2025_10_summaries/summaries/097/0000-0002-1825-0097.xml").unwrap();
        assert_eq!((s.orcid.as_str(), s.activity, s.put_code), ("0000-0002-1825-0097", None, None));
        let a = EntryPath::parse("7/097/0000-0002-1825-0097/works/0000-0002-1825-0097_works_123456.xml").unwrap();
        assert_eq!((a.orcid.as_str(), a.activity.as_deref(), a.put_code), ("0000-0002-1825-0097", Some("works"), Some(123456)));
        for other in ["summaries/097/", "README.txt", "7/097/0000-0002-1825-0097/works/notes.xml", "x/0000-0002-1825-0098.xml"] {
            assert_eq!(EntryPath::parse(other), None, "{other}");
        }
    }
}

/// One entry read as a document.
#[derive(Debug)]
pub struct TypedEntry {
    /// The path in the tarball.
    pub path: String,
    /// What the path says (the iD, the activity type, the put-code).
    pub parsed: EntryPath,
    /// The record or item (a placeholder is [`orcid_model::Document::Error`]), read leniently:
    /// what the model does not know is kept. An entry that is not a readable ORCID document
    /// (or one too large to read) is the reason, with its line.
    pub document: Result<orcid_model::Document, orcid_model::ReadError>,
}

/// Reads a tarball's records or items one by one, in order, on this thread (for a whole
/// tarball on all cores, and output, see [`crate::dump`]). `each` returns `false` to stop;
/// `problem` hears what cannot be read. Returns whether the tarball was read to its end.
///
/// ```no_run
/// use orcid_model::Document;
///
/// let mut works = 0;
/// orcid_dump::source::read("ORCID_2025_10_activities_0.tar.gz".as_ref(), &mut |entry| {
///     if let Ok(Document::Work(work)) = &entry.document {
///         works += 1;
///         println!("{} {}: {}", entry.parsed.orcid, entry.parsed.put_code.unwrap_or(0), work.title.title);
///     }
///     true
/// }, &mut |problem| eprintln!("{}: {}", problem.path, problem.message))?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn read(tarball: &Path, each: &mut dyn FnMut(TypedEntry) -> bool, problem: &mut dyn FnMut(Problem)) -> std::io::Result<bool> {
    let progress = AtomicU64::new(0);
    walk(
        tarball,
        0,
        &progress,
        &mut |entry| {
            let document = match entry.skipped {
                Some(reason) => Err(orcid_model::ReadError::new(1, 1, reason)),
                None => orcid_model::Document::from_xml_bytes(&entry.bytes, orcid_model::Mode::Lenient),
            };
            each(TypedEntry { path: entry.path, parsed: entry.parsed, document })
        },
        problem,
    )
}
