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
pub enum Output {
    /// One JSON object a line, per kind of document.
    Jsonl,
    /// Parquet tables.
    Parquet,
}

impl std::str::FromStr for Output {
    type Err = String;
    /// `parquet` or `jsonl`.
    fn from_str(s: &str) -> Result<Output, String> {
        match s {
            "parquet" => Ok(Output::Parquet),
            "jsonl" => Ok(Output::Jsonl),
            _ => Err(format!("expected `parquet` or `jsonl`, found `{s}`")),
        }
    }
}

impl std::str::FromStr for Compression {
    type Err = String;
    /// `none`, `gzip` or `zstd`.
    fn from_str(s: &str) -> Result<Compression, String> {
        match s {
            "none" => Ok(Compression::None),
            "gzip" => Ok(Compression::Gzip),
            "zstd" => Ok(Compression::Zstd),
            _ => Err(format!("expected `none`, `gzip` or `zstd`, found `{s}`")),
        }
    }
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
    pub output: Output,
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
            output: Output::Parquet,
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
    pub problems: Vec<Problem>,
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

/// What the manifest keeps for a tarball: the options it was dumped with and the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Manifest {
    size: u64,
    output: Output,
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
                || manifest.output != options.output
                || manifest.compression != options.compression
                || manifest.segment_entries != options.segment_entries
            {
                return Err(Error::Mismatch { tarball: name, manifest: manifest_path });
            }
            manifest
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest {
            size,
            output: options.output,
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
    let (batch_tx, batch_rx) = sync_channel::<Numbered<Vec<Entry>>>(workers * 2);
    let (done_tx, done_rx) = sync_channel::<Numbered<Processed>>(workers * 2);
    let batch_rx = Arc::new(Mutex::new(batch_rx));
    let (output, compression, segment_entries) = (options.output, options.compression, options.segment_entries);
    std::thread::scope(|scope| -> Result<(), Error> {
        let reader = {
            let read = Arc::clone(&read);
            scope.spawn(move || read_batches(tarball, from, segment_entries, read, batch_tx))
        };
        for _ in 0..workers {
            let rx = Arc::clone(&batch_rx);
            let tx = done_tx.clone();
            scope.spawn(move || work(rx, tx, output, compression));
        }
        drop(done_tx);
        let mut sink = Sink {
            writer: &mut writer,
            manifest: &mut manifest,
            manifest_path: &manifest_path,
            segment_entries,
            segment: Segment::default(),
        };
        let written = sink.write_in_order(done_rx, &|entries| progress(Progress { read: read.load(Ordering::Relaxed), size, entries }))?;
        // Every batch was written and every thread has ended: the reader says how it ended.
        let end = reader.join().map_err(|_| Error::Stopped)?;
        if written != end.batches {
            return Err(Error::Stopped);
        }
        sink.finish(end)
    })?;
    Ok(manifest.report)
}

/// A batch with its number in the tarball's order (the writer puts them back in order).
type Numbered<T> = (u64, T);

/// How reading a tarball ended.
struct ReadEnd {
    /// Batches sent.
    batches: u64,
    /// Whether the tarball was read to its end.
    whole: bool,
    /// Problems with the tarball itself.
    problems: Vec<Problem>,
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

/// Reads the tarball into numbered batches of entries (a batch ends at a segment's end, so
/// that a segment is whole batches).
fn read_batches(tarball: &Path, from: u64, segment_entries: u64, read: Arc<AtomicU64>, tx: SyncSender<Numbered<Vec<Entry>>>) -> ReadEnd {
    let mut end = ReadEnd { batches: 0, whole: false, problems: Vec::new() };
    let mut batch: Vec<Entry> = Vec::with_capacity(BATCH_ENTRIES);
    let mut batch_bytes = 0usize;
    let send = |batches: &mut u64, batch: &mut Vec<Entry>| -> bool {
        if batch.is_empty() {
            return true;
        }
        let full = std::mem::replace(batch, Vec::with_capacity(BATCH_ENTRIES));
        let sent = tx.send((*batches, full)).is_ok();
        *batches += 1;
        sent
    };
    let mut stopped = false;
    let outcome = crate::source::walk(
        tarball,
        from,
        &read,
        &mut |entry| {
            let number = entry.number;
            batch_bytes += entry.bytes.len();
            batch.push(entry);
            if batch.len() >= BATCH_ENTRIES || batch_bytes >= 8 << 20 || (number + 1) % segment_entries == 0 {
                batch_bytes = 0;
                if !send(&mut end.batches, &mut batch) {
                    stopped = true;
                    return false;
                }
            }
            true
        },
        &mut |problem| end.problems.push(problem),
    );
    if !stopped {
        send(&mut end.batches, &mut batch);
    }
    match outcome {
        Ok(whole) => end.whole = whole && !stopped,
        Err(e) => end.problems.push(Problem { path: String::new(), message: format!("cannot read the tarball: {e}") }),
    }
    end
}

/// Parses batches until there are no more.
fn work(rx: Arc<Mutex<Receiver<Numbered<Vec<Entry>>>>>, tx: SyncSender<Numbered<Processed>>, output: Output, compression: Compression) {
    loop {
        let next = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((number, entries)) = next else { return };
        if tx.send((number, process(entries, output, compression))).is_err() {
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

fn process(entries: Vec<Entry>, output: Output, compression: Compression) -> Processed {
    let mut out = Processed::default();
    let mut plain: BTreeMap<&'static str, Vec<u8>> = BTreeMap::new();
    for entry in entries {
        out.last = entry.number;
        out.tally.entries += 1;
        if let Some(reason) = entry.skipped {
            out.tally.problems.push(Problem { path: entry.path, message: reason });
            continue;
        }
        let doc = match Document::from_xml_bytes(&entry.bytes, Mode::Lenient) {
            Ok(doc) => doc,
            Err(e) => {
                out.tally
                    .problems
                    .push(Problem { path: entry.path, message: format!("line {}, column {}: {}", e.line, e.column, e.message) });
                continue;
            }
        };
        let orcid = entry.parsed.orcid.as_str();
        let (kind_name, state, put_code) = match &doc {
            Document::Error(error) => {
                let state = placeholder_state(error);
                *out.tally.placeholders.entry(state.to_owned()).or_default() += 1;
                if output == Output::Parquet {
                    crate::shred::placeholder_row(&DocKeys { orcid, put_code: None, third: Some(state) }, &mut out.rows);
                }
                ("record", Some(state), None)
            }
            doc => match DocKind::of(doc) {
                Some((kind, value)) => {
                    // The path's put-code, else the item's own.
                    let put_code = entry.parsed.put_code.or_else(|| doc.as_item().and_then(|i| i.put_code()).map(PutCode::get));
                    let state = (kind == DocKind::Record).then_some("active");
                    let third = match kind {
                        DocKind::Affiliation(k) => Some(k),
                        _ => state,
                    };
                    let unknown = if output == Output::Parquet {
                        crate::shred::shred(kind, value, &DocKeys { orcid, put_code, third }, &mut out.rows)
                    } else {
                        value.count_unknown()
                    };
                    if unknown > 0 {
                        out.tally.unknown_documents += 1;
                        out.tally.unknown_pieces += unknown as u64;
                    }
                    (kind.name(), state, put_code)
                }
                None => ("other", None, entry.parsed.put_code),
            },
        };
        *out.tally.counts.entry(kind_name.to_owned()).or_default() += 1;
        if output == Output::Jsonl {
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

/// Where parsed batches go: the segment files, and the manifest as segments are committed.
struct Sink<'s> {
    writer: &'s mut SegmentWriter,
    manifest: &'s mut Manifest,
    manifest_path: &'s Path,
    segment_entries: u64,
    /// The segment being written.
    segment: Segment,
}

impl Sink<'_> {
    /// Writes batches in their order as they come, committing a segment when its last entry
    /// is in, until no more come; returns how many were written.
    fn write_in_order(&mut self, rx: Receiver<Numbered<Processed>>, progress: &dyn Fn(u64)) -> Result<u64, Error> {
        let mut waiting: HashMap<u64, Processed> = HashMap::new();
        let mut next = 0u64;
        let mut entries_this_run = 0u64;
        for (number, batch) in rx {
            waiting.insert(number, batch);
            while let Some(mut batch) = waiting.remove(&next) {
                next += 1;
                entries_this_run += batch.tally.entries;
                self.writer.append(batch.last / self.segment_entries, &mut batch)?;
                self.segment.add(batch);
                if (self.segment.last + 1).is_multiple_of(self.segment_entries) {
                    self.commit()?;
                }
                progress(entries_this_run);
            }
        }
        Ok(next)
    }

    /// Commits the segment being written: its files, then the manifest.
    fn commit(&mut self) -> Result<(), Error> {
        let index = self.segment.last / self.segment_entries;
        self.writer.commit(index)?;
        self.manifest.report.tally.add(std::mem::take(&mut self.segment).tally);
        self.manifest.report.segments = index + 1;
        save(self.manifest_path, self.manifest)
    }

    /// After the last batch: the last, partial segment, and how reading ended.
    fn finish(mut self, end: ReadEnd) -> Result<(), Error> {
        if self.segment.tally.entries > 0 {
            self.commit()?;
        }
        self.manifest.report.tally.problems.extend(end.problems);
        self.manifest.report.complete = end.whole;
        save(self.manifest_path, self.manifest)
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
    output: Output,
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
        let root = options.out.join(match options.output {
            Output::Jsonl => "jsonl",
            Output::Parquet => "parquet",
        });
        std::fs::create_dir_all(&root).map_err(|e| Error::io(&root, e))?;
        Ok(SegmentWriter { root, stem: stem.to_owned(), output: options.output, compression: options.compression, open: BTreeMap::new() })
    }

    fn file(&self, folder: &str, index: u64) -> PathBuf {
        let ext = match (self.output, self.compression) {
            (Output::Parquet, _) => "parquet",
            (Output::Jsonl, Compression::None) => "jsonl",
            (Output::Jsonl, Compression::Gzip) => "jsonl.gz",
            (Output::Jsonl, Compression::Zstd) => "jsonl.zst",
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
            let open = match self.output {
                Output::Jsonl => OpenFile::Lines(std::io::BufWriter::with_capacity(1 << 20, file)),
                Output::Parquet => {
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
