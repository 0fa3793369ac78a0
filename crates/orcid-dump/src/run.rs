//! One tarball into JSON Lines or Parquet: inflate and split on one thread, parse and shred
//! on the others, write in order on this one; output in segments committed by rename, with a
//! manifest of what is done, so that a run killed at any moment is finished by running it
//! again (redoing at most the segment it was writing).

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use orcid_model::{Document, Mode, PutCode, WriteOptions};
use serde::{Deserialize, Serialize};

use crate::shred::{Batch, DocKeys, DocKind};
use crate::source::{Entry, Problem};
use crate::{Error, layout};

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One JSON object a line, per kind of document.
    Jsonl,
    /// Parquet tables.
    Parquet,
}

/// How JSON Lines are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// Not at all.
    None,
    /// gzip (each batch a gzip member; the file is one valid gzip stream to any reader).
    Gzip,
    /// zstd (each batch a frame).
    Zstd,
}

/// How a dump runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the output goes.
    pub out: PathBuf,
    /// JSON Lines or Parquet.
    pub format: Format,
    /// For JSON Lines.
    pub compression: Compression,
    /// Threads that parse (besides the one inflating and this one writing); at least 1.
    pub workers: usize,
    /// Entries per segment: the unit of output, and of rework after a kill.
    pub segment_entries: u64,
}

impl Options {
    /// Defaults: Parquet, uncompressed JSON Lines, a worker per core but the two others,
    /// 50,000 entries a segment.
    pub fn new(out: impl Into<PathBuf>) -> Options {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Options {
            out: out.into(),
            format: Format::Parquet,
            compression: Compression::None,
            workers: cores.saturating_sub(1).max(1),
            segment_entries: 50_000,
        }
    }
}

/// What a run did with one tarball (counts over every run that worked on it).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Report {
    /// The tarball's file name.
    pub tarball: String,
    /// What was read.
    #[serde(flatten)]
    pub tally: Tally,
    /// Segments done.
    pub segments: u64,
    /// Whether the whole tarball is done.
    pub complete: bool,
}

/// What was read: of a batch, a segment, a tarball.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Tally {
    /// Entries read (documents).
    pub entries: u64,
    /// Documents per kind (`record`, `work`, `employment` ...; `other` for kinds a dump
    /// does not expect).
    pub counts: BTreeMap<String, u64>,
    /// Record placeholders per state (`deactivated`, `deprecated`, `locked`, `error`).
    pub placeholders: BTreeMap<String, u64>,
    /// Documents holding content this model does not know (kept in JSON Lines).
    pub unknown_documents: u64,
    /// Pieces of unknown content in all.
    pub unknown_pieces: u64,
    /// Entries that could not be read, and problems with the tarball itself.
    pub problems: Vec<ProblemRecord>,
}

impl Tally {
    /// Adds another tally's counts to these.
    fn add(&mut self, other: Tally) {
        self.entries += other.entries;
        for (k, n) in other.counts {
            *self.counts.entry(k).or_default() += n;
        }
        for (k, n) in other.placeholders {
            *self.placeholders.entry(k).or_default() += n;
        }
        self.unknown_documents += other.unknown_documents;
        self.unknown_pieces += other.unknown_pieces;
        self.problems.extend(other.problems);
    }
}

/// A problem as the report and manifest keep it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ProblemRecord {
    /// The entry's path (empty for the tarball itself).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// What the manifest keeps for a tarball: the options it was dumped with and the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Manifest {
    size: u64,
    format: Format,
    compression: Compression,
    segment_entries: u64,
    report: Report,
}

/// Progress, as a run goes.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Compressed bytes read of the tarball.
    pub read: u64,
    /// The tarball's size.
    pub size: u64,
    /// Entries done in this run.
    pub entries: u64,
}

/// Entries per batch a worker takes (at most; batches end at segment ends).
const BATCH_ENTRIES: usize = 128;

/// Dumps one tarball. `progress` is called as batches are written.
pub fn dump(tarball: &Path, options: &Options, progress: &(dyn Fn(Progress) + Sync)) -> Result<Report, Error> {
    let name = tarball.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = name
        .strip_suffix(".tar.gz")
        .or_else(|| name.strip_suffix(".tgz"))
        .or_else(|| name.strip_suffix(".tar"))
        .unwrap_or(&name)
        .to_owned();
    let size = std::fs::metadata(tarball).map_err(|e| Error::io(tarball, e))?.len();
    let manifest_dir = options.out.join("manifest");
    std::fs::create_dir_all(&manifest_dir).map_err(|e| Error::io(&manifest_dir, e))?;
    // One run a tarball and output folder at a time.
    let lock_path = manifest_dir.join(format!("{stem}.lock"));
    let lock =
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).map_err(|e| Error::io(&lock_path, e))?;
    if lock.try_lock().is_err() {
        return Err(Error::Busy { tarball: name, lock: lock_path });
    }
    let manifest_path = manifest_dir.join(format!("{stem}.json"));
    let mut manifest = match std::fs::read(&manifest_path) {
        Ok(bytes) => {
            let manifest: Manifest =
                serde_json::from_slice(&bytes).map_err(|e| Error::Manifest { path: manifest_path.clone(), message: e.to_string() })?;
            if manifest.size != size
                || manifest.format != options.format
                || manifest.compression != options.compression
                || manifest.segment_entries != options.segment_entries
            {
                return Err(Error::Mismatch { tarball: name, manifest: manifest_path });
            }
            manifest
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest {
            size,
            format: options.format,
            compression: options.compression,
            segment_entries: options.segment_entries,
            report: Report { tarball: name.clone(), ..Report::default() },
        },
        Err(e) => return Err(Error::io(&manifest_path, e)),
    };
    if manifest.report.complete {
        return Ok(manifest.report);
    }
    // A killed run's partly written files are named `.tmp`: ours, and never committed.
    let mut writer = SegmentWriter::new(options, &stem)?;
    let from = manifest.report.segments * options.segment_entries;
    // A problem with the tarball itself is found again if it is still there.
    manifest.report.tally.problems.retain(|p| !p.path.is_empty());

    let read = Arc::new(AtomicU64::new(0));
    let workers = options.workers.max(1);
    let (batch_tx, batch_rx) = sync_channel::<Work>(workers * 2);
    let (done_tx, done_rx) = sync_channel::<Done>(workers * 2);
    let batch_rx = Arc::new(Mutex::new(batch_rx));
    let format = options.format;
    let compression = options.compression;
    let segment_entries = options.segment_entries;
    let outcome = std::thread::scope(|scope| -> Result<(), Error> {
        let reader = {
            let read = Arc::clone(&read);
            scope.spawn(move || read_batches(tarball, from, segment_entries, read, batch_tx))
        };
        for _ in 0..workers {
            let rx = Arc::clone(&batch_rx);
            let tx = done_tx.clone();
            scope.spawn(move || work(rx, tx, format, compression));
        }
        drop(done_tx);
        let result = write_in_order(done_rx, &mut writer, &mut manifest, &manifest_path, segment_entries, &|entries| {
            progress(Progress { read: read.load(Ordering::Relaxed), size, entries })
        });
        let _ = reader.join();
        result
    });
    outcome?;
    Ok(manifest.report)
}

/// What the reader hands the workers.
enum Work {
    /// Entries, in order: the batch's number and the entries.
    Batch(u64, Vec<Entry>),
    /// A problem with the tarball, after the batch numbered so.
    Problem(u64, Problem),
    /// The end: the number of batches sent, and whether the tarball was read to its end.
    End(u64, bool),
}

/// What a worker hands the writer.
enum Done {
    Batch(u64, Processed),
    Problem(u64, Problem),
    End(u64, bool),
}

/// A batch, parsed: its output and its counts.
#[derive(Default)]
struct Processed {
    /// The last entry's number (for the segment it belongs to).
    last: u64,
    /// JSON Lines per kind (compressed as asked).
    lines: BTreeMap<&'static str, Vec<u8>>,
    rows: Batch,
    tally: Tally,
}

fn read_batches(tarball: &Path, from: u64, segment_entries: u64, read: Arc<AtomicU64>, tx: SyncSender<Work>) {
    let mut seq = 0u64;
    let mut batch: Vec<Entry> = Vec::with_capacity(BATCH_ENTRIES);
    let mut batch_bytes = 0usize;
    let send = |seq: &mut u64, batch: &mut Vec<Entry>, tx: &SyncSender<Work>| -> bool {
        if batch.is_empty() {
            return true;
        }
        let full = std::mem::replace(batch, Vec::with_capacity(BATCH_ENTRIES));
        let ok = tx.send(Work::Batch(*seq, full)).is_ok();
        *seq += 1;
        ok
    };
    let mut stopped = false;
    let mut problems = Vec::new();
    let outcome = crate::source::walk(
        tarball,
        from,
        &read,
        &mut |entry| {
            let number = entry.number;
            batch_bytes += entry.bytes.len();
            batch.push(entry);
            // A batch ends at a segment's end, so that a segment is whole batches.
            if batch.len() >= BATCH_ENTRIES || batch_bytes >= 8 << 20 || (number + 1) % segment_entries == 0 {
                batch_bytes = 0;
                if !send(&mut seq, &mut batch, &tx) {
                    stopped = true;
                    return false;
                }
            }
            true
        },
        &mut |problem| problems.push(problem),
    );
    if stopped {
        return;
    }
    let _ = send(&mut seq, &mut batch, &tx);
    for problem in problems {
        let _ = tx.send(Work::Problem(seq, problem));
    }
    let whole = match outcome {
        Ok(whole) => whole,
        Err(e) => {
            let _ = tx.send(Work::Problem(seq, Problem { path: String::new(), message: format!("cannot read the tarball: {e}") }));
            false
        }
    };
    let _ = tx.send(Work::End(seq, whole));
}

fn work(rx: Arc<Mutex<Receiver<Work>>>, tx: SyncSender<Done>, format: Format, compression: Compression) {
    loop {
        let next = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let done = match next {
            Ok(Work::Batch(seq, entries)) => Done::Batch(seq, process(entries, format, compression)),
            Ok(Work::Problem(seq, p)) => Done::Problem(seq, p),
            Ok(Work::End(seq, whole)) => Done::End(seq, whole),
            Err(_) => return,
        };
        if tx.send(done).is_err() {
            return;
        }
    }
}

/// A placeholder's state, from what its message says (else its code).
fn placeholder_state(error: &orcid_model::error::Error) -> &'static str {
    let message = error.developer_message.to_lowercase();
    if message.contains("deprecated") {
        "deprecated"
    } else if message.contains("deactivated") {
        "deactivated"
    } else if message.contains("locked") {
        "locked"
    } else {
        match error.response_code {
            410 => "deactivated",
            409 => "locked",
            301 => "deprecated",
            _ => "error",
        }
    }
}

fn process(entries: Vec<Entry>, format: Format, compression: Compression) -> Processed {
    let mut out = Processed::default();
    let mut plain: BTreeMap<&'static str, Vec<u8>> = BTreeMap::new();
    for entry in entries {
        out.last = entry.number;
        out.tally.entries += 1;
        let doc = match Document::from_xml_bytes(&entry.bytes, Mode::Lenient) {
            Ok(doc) => doc,
            Err(e) => {
                out.tally
                    .problems
                    .push(ProblemRecord { path: entry.path, message: format!("line {}, column {}: {}", e.line, e.column, e.message) });
                continue;
            }
        };
        let orcid = entry.parsed.orcid.as_str();
        let (kind_name, state, put_code) = match &doc {
            Document::Error(error) => {
                let state = placeholder_state(error);
                *out.tally.placeholders.entry(state.to_owned()).or_default() += 1;
                if format == Format::Parquet {
                    crate::shred::placeholder_row(DocKind::Record, &DocKeys { orcid, put_code: None, third: Some(state) }, &mut out.rows);
                }
                ("record", Some(state), None)
            }
            doc => match DocKind::of(doc) {
                Some((kind, value)) => {
                    // The path's put-code, else the item's own.
                    let put_code = entry.parsed.put_code.or_else(|| doc.as_item().and_then(|i| i.put_code()).map(PutCode::get));
                    let third = match kind {
                        DocKind::Record => Some("active"),
                        DocKind::Affiliation(k) => Some(k),
                        _ => None,
                    };
                    let unknown = if format == Format::Parquet {
                        crate::shred::shred(kind, value, &DocKeys { orcid, put_code, third }, &mut out.rows)
                    } else {
                        value.count_unknown()
                    };
                    if unknown > 0 {
                        out.tally.unknown_documents += 1;
                        out.tally.unknown_pieces += unknown as u64;
                    }
                    (kind.name(), (kind == DocKind::Record).then_some("active"), put_code)
                }
                None => ("other", None, entry.parsed.put_code),
            },
        };
        *out.tally.counts.entry(kind_name.to_owned()).or_default() += 1;
        if format == Format::Jsonl {
            let line = plain.entry(kind_name).or_default();
            json_line(line, orcid, &entry.path, kind_name, put_code, state, &doc);
        }
    }
    for (kind, bytes) in plain {
        out.lines.insert(kind, compress(bytes, compression));
    }
    out
}

/// One JSON line: the iD, the tar path, the kind, the put-code, a record's state, and the
/// document in ORCID's JSON.
fn json_line(out: &mut Vec<u8>, orcid: &str, path: &str, kind: &str, put_code: Option<i64>, state: Option<&str>, doc: &Document) {
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let _ = write!(out, "{{\"orcid\":{},\"path\":{},\"kind\":{}", quoted(orcid), quoted(path), quoted(kind));
    if let Some(put_code) = put_code {
        let _ = write!(out, ",\"put-code\":{put_code}");
    }
    if let Some(state) = state {
        let _ = write!(out, ",\"state\":{}", quoted(state));
    }
    out.extend_from_slice(b",\"document\":");
    out.extend_from_slice(doc.to_json_string(WriteOptions::read().compact()).as_bytes());
    out.extend_from_slice(b"}\n");
}

fn compress(bytes: Vec<u8>, compression: Compression) -> Vec<u8> {
    match compression {
        Compression::None => bytes,
        Compression::Gzip => {
            let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 4), flate2::Compression::fast());
            let _ = encoder.write_all(&bytes);
            encoder.finish().unwrap_or_default()
        }
        Compression::Zstd => zstd::bulk::compress(&bytes, 3).unwrap_or_default(),
    }
}

/// Writes batches in their order, committing a segment when its last entry is in.
fn write_in_order(
    rx: Receiver<Done>,
    writer: &mut SegmentWriter,
    manifest: &mut Manifest,
    manifest_path: &Path,
    segment_entries: u64,
    progress: &dyn Fn(u64),
) -> Result<(), Error> {
    let mut waiting: HashMap<u64, Processed> = HashMap::new();
    let mut problems: Vec<(u64, Problem)> = Vec::new();
    let mut next = 0u64;
    let mut end: Option<(u64, bool)> = None;
    let mut segment = Segment::default();
    let mut entries_this_run = 0u64;
    loop {
        // Take what is in order.
        while let Some(batch) = waiting.remove(&next) {
            next += 1;
            entries_this_run += batch.tally.entries;
            let segment_of = batch.last / segment_entries;
            let mut batch = batch;
            writer.append(segment_of, &mut batch)?;
            segment.add(batch);
            let complete = (segment.last + 1) % segment_entries == 0;
            if complete {
                writer.commit(segment_of)?;
                manifest.report.tally.add(std::mem::take(&mut segment).tally);
                manifest.report.segments = segment_of + 1;
                save(manifest_path, manifest)?;
            }
            progress(entries_this_run);
        }
        for (_, p) in problems.drain(..) {
            manifest.report.tally.problems.push(ProblemRecord { path: p.path, message: p.message });
        }
        if let Some((count, whole)) = end
            && next == count
        {
            // The last, partial segment.
            if segment.tally.entries > 0 {
                writer.commit(segment.last / segment_entries)?;
                let index = segment.last / segment_entries;
                manifest.report.tally.add(std::mem::take(&mut segment).tally);
                manifest.report.segments = index + 1;
            }
            manifest.report.complete = whole;
            save(manifest_path, manifest)?;
            return Ok(());
        }
        match rx.recv() {
            Ok(Done::Batch(seq, batch)) => {
                waiting.insert(seq, batch);
            }
            Ok(Done::Problem(seq, p)) => problems.push((seq, p)),
            Ok(Done::End(count, whole)) => end = Some((count, whole)),
            Err(_) => {
                return Err(Error::Stopped);
            }
        }
    }
}

/// What a segment counts until it is committed (its rows and lines go to its files as
/// they come).
#[derive(Default)]
struct Segment {
    last: u64,
    tally: Tally,
}

impl Segment {
    fn add(&mut self, batch: Processed) {
        self.last = batch.last;
        self.tally.add(batch.tally);
    }
}

/// Writes the manifest through a temporary file and a rename: it is whole or it is the last.
fn save(path: &Path, manifest: &Manifest) -> Result<(), Error> {
    let tmp = path.with_extension("json.tmp");
    let text = serde_json::to_vec_pretty(manifest).map_err(|e| Error::Manifest { path: path.to_owned(), message: e.to_string() })?;
    std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// The segment whose commit stops between two renames until the process is killed: set by
/// tests through `ORCID_DUMP_HANG_IN_COMMIT` (a fault to inject, as the emulator's are).
fn hang_in_commit() -> Option<u64> {
    std::env::var("ORCID_DUMP_HANG_IN_COMMIT").ok()?.parse().ok()
}

/// Writes segments' files.
struct SegmentWriter {
    root: PathBuf,
    stem: String,
    format: Format,
    compression: Compression,
    /// The files of the segment being written: by table or kind, with their final path.
    open: BTreeMap<String, (OpenFile, PathBuf)>,
}

/// A file being written, under its temporary name.
enum OpenFile {
    Lines(std::io::BufWriter<std::fs::File>),
    Table(Box<crate::parquet_out::TableFile>),
}

impl SegmentWriter {
    fn new(options: &Options, stem: &str) -> Result<SegmentWriter, Error> {
        let root = options.out.join(match options.format {
            Format::Jsonl => "jsonl",
            Format::Parquet => "parquet",
        });
        std::fs::create_dir_all(&root).map_err(|e| Error::io(&root, e))?;
        Ok(SegmentWriter { root, stem: stem.to_owned(), format: options.format, compression: options.compression, open: BTreeMap::new() })
    }

    fn file(&self, folder: &str, index: u64) -> PathBuf {
        let ext = match (self.format, self.compression) {
            (Format::Parquet, _) => "parquet",
            (Format::Jsonl, Compression::None) => "jsonl",
            (Format::Jsonl, Compression::Gzip) => "jsonl.gz",
            (Format::Jsonl, Compression::Zstd) => "jsonl.zst",
        };
        self.root.join(folder).join(format!("{}-{index:05}.{ext}", self.stem))
    }

    /// The temporary file for `folder` in segment `index`, created (anew) when first asked.
    fn open(&mut self, folder: &str, index: u64) -> Result<&mut OpenFile, Error> {
        if !self.open.contains_key(folder) {
            let path = self.file(folder, index);
            let dir = path.parent().unwrap_or(&self.root).to_owned();
            std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
            let tmp = path.with_extension("tmp");
            let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
            let open = match self.format {
                Format::Jsonl => OpenFile::Lines(std::io::BufWriter::with_capacity(1 << 20, file)),
                Format::Parquet => {
                    let tables = layout::tables();
                    let table = tables
                        .iter()
                        .find(|t| t.name == folder)
                        .ok_or_else(|| Error::Parquet { path: tmp.clone(), message: format!("no table {folder}") })?;
                    OpenFile::Table(Box::new(
                        crate::parquet_out::TableFile::create(table, file)
                            .map_err(|e| Error::Parquet { path: tmp.clone(), message: e.to_string() })?,
                    ))
                }
            };
            self.open.insert(folder.to_owned(), (open, path));
        }
        Ok(&mut self.open.get_mut(folder).expect("just opened").0)
    }

    /// Writes a batch's lines or rows into segment `index`'s files.
    fn append(&mut self, index: u64, batch: &mut Processed) -> Result<(), Error> {
        for (kind, bytes) in std::mem::take(&mut batch.lines) {
            let root = self.root.clone();
            if let OpenFile::Lines(w) = self.open(kind, index)? {
                w.write_all(&bytes).map_err(|e| Error::io(&root, e))?;
            }
        }
        for (name, rows) in &mut batch.rows.tables {
            if rows.len == 0 {
                continue;
            }
            let root = self.root.clone();
            if let OpenFile::Table(t) = self.open(name, index)? {
                t.append(rows).map_err(|e| Error::Parquet { path: root, message: e.to_string() })?;
            }
        }
        Ok(())
    }

    /// Finishes segment `index`'s files, then renames them all: a segment's files appear
    /// together or are written again.
    fn commit(&mut self, index: u64) -> Result<(), Error> {
        let mut written: Vec<(PathBuf, PathBuf)> = Vec::new();
        for (_, (open, path)) in std::mem::take(&mut self.open) {
            let tmp = path.with_extension("tmp");
            match open {
                OpenFile::Lines(w) => {
                    w.into_inner().map_err(|e| Error::io(&tmp, e.into_error()))?;
                }
                OpenFile::Table(t) => t.finish().map_err(|e| Error::Parquet { path: tmp.clone(), message: e.to_string() })?,
            }
            written.push((tmp, path));
        }
        let hang = hang_in_commit() == Some(index);
        for (i, (tmp, path)) in written.into_iter().enumerate() {
            std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
            if hang && i == 0 {
                // A test kills the process here (`kill -9`), between two renames.
                std::thread::sleep(std::time::Duration::from_secs(3600));
            }
        }
        Ok(())
    }
}
