//! `orcid validate`: check item files before upload.

use std::io::Read;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as Shown, Label};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use codespan_reporting::term::{self, Config};
use orcid_model::Kind;
use orcid_model::validate::{Diagnostic, Options as Rules, Report as Validation, Severity};

use crate::error::{Exit, Outcome};

/// How `validate` and `push` report: `--report text|json`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum Report {
    /// For people: each problem with its source line and a marker under it, then a summary.
    Text,
    /// For programs: one JSON object per file, one per line, then a summary object.
    Json,
}

/// Check ORCID item files before upload: ORCID's XSD, its lists and its other rules.
///
/// PATHs are files or folders (searched for .xml and .json files). Exit 0 when every file
/// is valid (warnings allowed), 1 when any is invalid, 2 on usage or I/O errors.
#[derive(clap::Args, Debug)]
#[command(after_help = crate::kinds_help())]
pub struct Args {
    /// How to report: `text` (each problem with its line), or `json` (an object per file).
    #[arg(long, value_enum, default_value = "text")]
    pub report: Report,
    /// The kind of JSON files: ORCID's XML root element name (work, funding ...).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<Kind>,
    /// Count warnings as failures.
    #[arg(long)]
    pub deny_warnings: bool,
    /// The files are bodies for updates (PUT), which carry their put-code.
    #[arg(long)]
    pub update: bool,
    /// Exit 0 when the folders hold no .xml or .json file (by default that is exit 2: a
    /// check pointed at the wrong folder must not pass).
    #[arg(long)]
    pub allow_empty: bool,
    /// Files and folders to check.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

impl Args {
    /// Runs `orcid validate`: every file's report, then a summary.
    pub fn run(&self) -> Outcome {
        Ok(run(self))
    }
}

/// Today (UTC) as (year, month, day), for "date in the future" warnings.
fn today() -> Option<(u16, u8, u8)> {
    let millis = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
    let date = orcid_model::DateTime::from_epoch_millis(i64::try_from(millis).ok()?);
    let text = date.as_str();
    Some((text.get(0..4)?.parse().ok()?, text.get(5..7)?.parse().ok()?, text.get(8..10)?.parse().ok()?))
}

/// One file's outcome.
struct FileResult {
    path: PathBuf,
    /// The validator's report (with the kind, when told).
    report: Validation,
    /// The file could not be read at all (I/O): reported, and the run ends with exit 2.
    io_error: Option<String>,
}

/// Runs validation over files and folders; returns the exit code (0, 1 or 2).
///
/// Folders are walked as the files are checked, so memory does not grow with their number
/// (beyond the names of one folder, sorted for a stable order).
fn run(options: &Args) -> Exit {
    let paths = &options.paths;
    // A progress bar on a terminal for long runs (the files are counted first); none in pipes.
    let progress = if std::io::stderr().is_terminal() {
        let mut total = 0u64;
        for path in paths {
            walk(path, &mut |_| total += 1, &mut |_| {});
        }
        let bar = if total > 20 { indicatif::ProgressBar::new(total) } else { indicatif::ProgressBar::hidden() };
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files, {eta} left") {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut exit = Exit::Done;
    let (mut files, mut valid, mut errors, mut warnings, mut notes) = (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut rules = if options.update { Rules::update() } else { Rules::default() };
    if let Some(today) = today() {
        rules = rules.with_today(today);
    }
    let mut buffer = Vec::new();
    let mut check = |file: &Path| {
        let result = check_file(file, options.kind, rules, &mut buffer);
        let file_errors = result.report.count(Severity::Error);
        let file_warnings = result.report.count(Severity::Warning);
        files += 1;
        errors += file_errors;
        warnings += file_warnings;
        notes += result.report.count(Severity::Note);
        let file_valid = result.io_error.is_none() && file_errors == 0 && !(options.deny_warnings && file_warnings > 0);
        if file_valid {
            valid += 1;
        }
        exit = exit.max(if result.io_error.is_some() {
            Exit::Failed
        } else if file_valid {
            Exit::Done
        } else {
            Exit::Refused
        });
        progress.suspend(|| print_file(&result, file_valid, options.report, Stream::Stdout));
        progress.inc(1);
    };
    let mut walk_failed = false;
    for path in paths {
        walk(path, &mut check, &mut |e| {
            progress.suspend(|| eprintln!("error: {e}"));
            walk_failed = true;
        });
    }
    if walk_failed {
        exit = Exit::Failed;
    }
    if files == 0 && !walk_failed && !options.allow_empty {
        // A CI step pointed at the wrong folder must not pass.
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        progress.suspend(|| {
            eprintln!(
                "error: no .xml or .json files in {}: nothing was checked (give --allow-empty when none is expected)",
                names.join(", ")
            )
        });
        exit = Exit::Failed;
    }
    progress.finish_and_clear();
    let mut out = std::io::stdout().lock();
    let _ = match options.report {
        Report::Text => writeln!(
            out,
            "{}: {valid} valid, {} invalid; {}, {}{}",
            plural(files, "file"),
            files - valid,
            plural(errors, "error"),
            plural(warnings, "warning"),
            if notes > 0 { format!(", {}", plural(notes, "note")) } else { String::new() },
        ),
        Report::Json => writeln!(
            out,
            "{}",
            serde_json::json!({"summary": {"files": files, "valid": valid, "invalid": files - valid, "errors": errors, "warnings": warnings, "notes": notes}})
        ),
    };
    exit
}

/// Visits the files under a path: the path itself, or the `.xml` and `.json` files below a
/// folder, in name order. Symbolic links are followed; a link back to a folder being walked is
/// reported instead of walked again, and so is each entry that cannot be read, and the walk
/// goes on. Memory holds the names of the folders being walked, not the whole tree.
fn walk(path: &Path, visit: &mut dyn FnMut(&Path), failed: &mut dyn FnMut(String)) {
    if !path.is_dir() {
        // A file, or what cannot be read as one (missing, a FIFO ...), said by name.
        return match crate::input::check_regular(path) {
            Ok(()) => visit(path),
            Err(e) => failed(e),
        };
    }
    for entry in walkdir::WalkDir::new(path).follow_links(true).sort_by_file_name() {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                if entry.path().extension().is_some_and(|e| e == "xml" || e == "json") {
                    visit(entry.path());
                }
            }
            Ok(_) => {}
            Err(e) => {
                let message = match (e.loop_ancestor(), e.path()) {
                    (Some(ancestor), Some(link)) => {
                        format!("{}: a symbolic link back to {}; not walked again", link.display(), ancestor.display())
                    }
                    (_, Some(at)) => format!("{}: {}", at.display(), e.io_error().map_or_else(|| e.to_string(), ToString::to_string)),
                    _ => e.to_string(),
                };
                failed(message);
            }
        }
    }
}

/// Checks one file, read into `buffer` (reused from file to file).
fn check_file(path: &Path, kind: Option<Kind>, rules: Rules, buffer: &mut Vec<u8>) -> FileResult {
    let mut result = FileResult { path: path.to_path_buf(), report: Validation::default(), io_error: None };
    buffer.clear();
    if let Err(e) = std::fs::File::open(path).and_then(|mut f| f.read_to_end(buffer)) {
        result.io_error = Some(e.to_string());
        return result;
    }
    let name = path.display().to_string();
    result.report = Validation::of_file(buffer, Some(&name), kind, &rules);
    result
}

/// Where a file's report goes: standard output for `validate`, standard error before an upload.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
}

fn print_file(result: &FileResult, valid: bool, report: Report, to: Stream) {
    match report {
        Report::Json => {
            let mut object = result.report.to_json(&result.path.display().to_string(), valid);
            if let Some(e) = &result.io_error {
                object["io_error"] = serde_json::Value::String(e.clone());
            }
            let _ = match to {
                Stream::Stdout => writeln!(std::io::stdout().lock(), "{object}"),
                Stream::Stderr => writeln!(std::io::stderr().lock(), "{object}"),
            };
        }
        Report::Text => {
            if let Some(e) = &result.io_error {
                eprintln!("error: {}: {e}", result.path.display());
                return;
            }
            if result.report.diagnostics.is_empty() {
                return;
            }
            let source = std::fs::read_to_string(&result.path).unwrap_or_default();
            // Offsets count from after a byte-order mark, as the validator reads the text.
            let source = source.strip_prefix('\u{FEFF}').unwrap_or(&source);
            let name = result.path.display().to_string();
            let writer = match to {
                Stream::Stdout => {
                    StandardStream::stdout(if std::io::stdout().is_terminal() { ColorChoice::Auto } else { ColorChoice::Never })
                }
                Stream::Stderr => {
                    StandardStream::stderr(if std::io::stderr().is_terminal() { ColorChoice::Auto } else { ColorChoice::Never })
                }
            };
            let config = Config::default();
            // Where each line ends, found once: a document of one long line can hold a
            // thousand problems, and each excerpt needs its line.
            let line_ends: Vec<usize> = source.match_indices('\n').map(|(i, _)| i).collect();
            for d in &result.report.diagnostics {
                let (file, span) = Excerpt::around(&name, source, &line_ends, d);
                let mut report = match d.severity {
                    Severity::Error => Shown::error(),
                    Severity::Note => Shown::note(),
                    _ => Shown::warning(),
                }
                .with_code(d.code)
                .with_message(&d.message)
                .with_labels(vec![Label::primary((), span)]);
                let mut notes = Vec::new();
                if !d.path.is_empty() {
                    notes.push(format!("at {}", d.path));
                }
                if let Some(note) = &d.note {
                    notes.push(note.clone());
                }
                if d.severity == Severity::Error {
                    let rule = if d.rule.is_empty() { String::new() } else { format!(" (rule {})", d.rule) };
                    notes.push(match (d.status, d.orcid_code) {
                        (Some(status), Some(code)) => format!("ORCID answers {status} with error {code}{rule}"),
                        (Some(status), None) => format!("ORCID answers {status} (its XML parser's schema error, 9012 or 9001){rule}"),
                        _ => format!("ORCID refuses this{rule}"),
                    });
                }
                report = report.with_notes(notes);
                let _ = term::emit(&mut writer.lock(), &config, &file, &report);
            }
            // ORCID stops at the first problem it meets, in its own order: say which, when
            // there are several.
            let mut out = writer.lock();
            let name = result.path.display();
            if let Some(d) = result.report.verdict().filter(|_| result.report.count(Severity::Error) > 1) {
                let _ = writeln!(out, "{name}: ORCID would answer {} ({} at {}, line {})\n", answer_text(d), rule_text(d), d.path, d.line);
            }
            for (n, d) in result.report.slot_verdicts() {
                let _ = writeln!(out, "{name}: ORCID would answer work {n} with {} ({} at line {})", answer_text(d), rule_text(d), d.line);
            }
        }
    }
}

fn answer_text(d: &Diagnostic) -> String {
    match (d.status, d.orcid_code) {
        (Some(status), Some(code)) => format!("{status}, error {code}"),
        (Some(status), None) => format!("{status} (its XML parser's schema error)"),
        _ => "with an error".to_owned(),
    }
}

fn rule_text(d: &Diagnostic) -> String {
    if d.rule.is_empty() { d.code.to_owned() } else { format!("rule {}, {}", d.rule, d.code) }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// The span to mark: a tag's name (`<work:title`), or one character.
/// The marked line of a diagnostic, cut to a window around the mark: a long line (a whole
/// document on one line, a huge value) costs the same as a short one, however many
/// diagnostics point into it. Reports the true line and column.
struct Excerpt<'s> {
    name: &'s str,
    /// The window of the line (with `…` where it was cut).
    text: String,
    line: usize,
    /// Characters of the line left out before the window (less the `…`).
    columns_before: usize,
}

impl<'s> Excerpt<'s> {
    /// Characters shown each side of the mark.
    const WINDOW: usize = 120;

    fn around(name: &'s str, source: &str, line_ends: &[usize], d: &Diagnostic) -> (Excerpt<'s>, std::ops::Range<usize>) {
        let at = d.offset.min(source.len());
        let at = (0..=at).rev().find(|&i| source.is_char_boundary(i)).unwrap_or(0);
        let line = line_ends.partition_point(|&end| end < at);
        let line_start = if line == 0 { 0 } else { line_ends[line - 1] + 1 };
        let line_end = line_ends.get(line).copied().unwrap_or(source.len());
        let line = source[line_start..line_end].trim_end_matches('\r');
        let mark = at - line_start;
        let from = line[..mark.min(line.len())].char_indices().rev().nth(Self::WINDOW - 1).map_or(0, |(i, _)| i);
        let to = line[mark.min(line.len())..].char_indices().nth(Self::WINDOW).map_or(line.len(), |(i, _)| mark + i);
        let mut text = String::new();
        let mut columns_before = d.column.saturating_sub(1) - line[from..mark.min(line.len())].chars().count();
        if from > 0 {
            text.push('…');
            columns_before = columns_before.saturating_sub(1);
        }
        let offset = text.len();
        text.push_str(&line[from..to]);
        if to < line.len() {
            text.push('…');
        }
        let span = marked_span(&text, offset + mark.min(line.len()) - from);
        (Excerpt { name, text, line: d.line, columns_before }, span)
    }
}

impl<'a> Files<'a> for Excerpt<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(self.name)
    }
    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }
    fn line_index(&'a self, (): (), _byte_index: usize) -> Result<usize, FilesError> {
        Ok(0)
    }
    fn line_number(&'a self, (): (), _line_index: usize) -> Result<usize, FilesError> {
        Ok(self.line)
    }
    fn column_number(&'a self, (): (), _line_index: usize, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.columns_before + self.text[..byte_index.min(self.text.len())].chars().count() + 1)
    }
    fn line_range(&'a self, (): (), _line_index: usize) -> Result<std::ops::Range<usize>, FilesError> {
        Ok(0..self.text.len())
    }
}

fn marked_span(source: &str, at: usize) -> std::ops::Range<usize> {
    let rest = &source.as_bytes()[at.min(source.len())..];
    if rest.first() == Some(&b'<') {
        let len = rest.iter().position(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/').unwrap_or(rest.len());
        return at..at + len.max(1);
    }
    at..(at + 1).min(source.len()).max(at)
}

/// Validates one item before it is sent: problems go to standard error as text; `true` when
/// there are no errors (warnings are shown, not counted).
pub fn check_before_upload(path: &Path, kind: Option<Kind>, update: bool) -> bool {
    let rules = if update { Rules::update() } else { Rules::default() };
    let mut result = check_file(path, kind, rules, &mut Vec::new());
    if update {
        // `orcid put` sends the put-code given on the command line in the body.
        result.report.diagnostics.retain(|d| d.rule != "PUT");
    }
    let valid = result.io_error.is_none() && result.report.is_valid();
    if !result.report.diagnostics.is_empty() || result.io_error.is_some() {
        print_file(&result, valid, Report::Text, Stream::Stderr);
    }
    valid
}
