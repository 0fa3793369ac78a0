//! `orcid`: work with ORCID 3.0 item files.
//!
//! `orcid convert --to json|xml [--kind KIND] FILE...` converts ORCID documents between XML and
//! ORCID's JSON (or writes them back in the same form).
//! Exit codes: 0 success, 1 a document could not be read, 2 usage or I/O error.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use orcid_model::{Document, Layout, Mode};

#[derive(Parser)]
#[command(name = "orcid", version, about = "Validate, convert and push ORCID 3.0 items")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read ORCID documents (XML or JSON, told by their content) and write them in a form.
    ///
    /// With one FILE the result goes to standard output; with several, --out names a folder
    /// that receives one file per input, under the input's file name.
    ///
    /// JSON has no root element, so the kind of a JSON document comes from --kind, else from
    /// the file name (work-2024.json is a work), else from its shape when only one kind fits.
    #[command(after_help = kinds_help())]
    Convert {
        /// The form to write.
        #[arg(long, value_enum)]
        to: Format,
        /// The kind of the JSON input: ORCID's XML root element name (work, funding, bulk ...).
        #[arg(long, value_name = "KIND")]
        kind: Option<String>,
        /// Write JSON for upload: leave out what ORCID ignores or rejects on input (read-only
        /// dates, source, path, transient normalised identifiers).
        #[arg(long)]
        for_upload: bool,
        /// Folder for the converted files (needed for more than one FILE).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Skip elements and attributes this model does not know, instead of failing
        /// (for API responses that may carry newer fields).
        #[arg(long)]
        lenient: bool,
        /// Write without indentation.
        #[arg(long)]
        compact: bool,
        /// The documents to convert.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

/// A document form.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// ORCID XML.
    Xml,
    /// ORCID's JSON.
    Json,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Xml => "xml",
            Format::Json => "json",
        }
    }
}

fn kinds_help() -> String {
    format!("Kinds: {}", Document::JSON_KINDS.join(", "))
}

/// How to write each converted document.
struct Output {
    to: Format,
    layout: Layout,
    for_upload: bool,
}

/// How a run ended, as an exit code: the worst outcome of any file wins.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Ok = 0,
    Unreadable = 1,
    Usage = 2,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Convert { to, kind, for_upload, out, lenient, compact, files } => {
            let mode = if lenient { Mode::Lenient } else { Mode::Strict };
            let layout = if compact { Layout::Compact } else { Layout::Indented };
            if let Some(k) = kind.as_deref().filter(|k| !Document::JSON_KINDS.contains(k)) {
                eprintln!("error: unknown kind {k:?}; {}", kinds_help().to_lowercase());
                return ExitCode::from(Outcome::Usage as u8);
            }
            let output = Output { to, layout, for_upload };
            convert(&output, kind.as_deref(), out.as_deref(), mode, &files)
        }
    };
    ExitCode::from(outcome as u8)
}

fn convert(output: &Output, kind: Option<&str>, out: Option<&Path>, mode: Mode, files: &[PathBuf]) -> Outcome {
    if files.len() > 1 && out.is_none() {
        eprintln!("error: converting {} files needs --out DIR", files.len());
        return Outcome::Usage;
    }
    if let Some(dir) = out
        && let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("error: {}: {e}", dir.display());
            return Outcome::Usage;
        }
    // Each file on its own: one bad file is reported and the rest are still converted.
    let mut worst = Outcome::Ok;
    for file in files {
        let outcome = convert_one(output, kind, out, mode, file);
        worst = worst.max(outcome);
    }
    worst
}

fn convert_one(output: &Output, kind: Option<&str>, out: Option<&Path>, mode: Mode, file: &Path) -> Outcome {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return Outcome::Usage;
        }
    };
    let doc = match read_document(&bytes, kind, mode, file) {
        Ok(doc) => doc,
        Err(message) => {
            eprintln!("{message}");
            return Outcome::Unreadable;
        }
    };
    let text = match output.to {
        Format::Xml => doc.to_xml_string(output.layout),
        Format::Json => doc.to_json_string(output.for_upload, output.layout == Layout::Indented),
    };
    let written = match out {
        None => std::io::stdout().lock().write_all(text.as_bytes()),
        Some(dir) => {
            let name = file.file_name().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("document"));
            write_atomically(&dir.join(name).with_extension(output.to.extension()), text.as_bytes())
        }
    };
    match written {
        Ok(()) => Outcome::Ok,
        Err(e) => {
            eprintln!("error: writing the conversion of {}: {e}", file.display());
            Outcome::Usage
        }
    }
}

/// Reads XML or JSON, told by the first character; the message says `file:line:column: ...`.
fn read_document(bytes: &[u8], kind: Option<&str>, mode: Mode, file: &Path) -> Result<Document, String> {
    let at = |e: orcid_model::ReadError| format!("{}:{}:{}: {}", file.display(), e.line, e.column, e.message);
    let first = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes).iter().find(|b| !b.is_ascii_whitespace());
    match first {
        Some(b'<') => Document::from_xml_bytes(bytes, mode).map_err(at),
        Some(b'{') => {
            let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let (kind, source) = match kind {
                Some(k) => (k, "--kind"),
                None => match Document::kind_from_file_name(&file_name) {
                    Some(k) => (k, "the file name"),
                    None => match Document::json_kinds_fitting(bytes).as_slice() {
                        [one] => (*one, "its shape"),
                        [] => return Err(format!("{}: cannot tell the kind of this JSON document from its name or shape; give --kind", file.display())),
                        several => return Err(format!("{}: this JSON document could be any of {}; give --kind", file.display(), several.join(", "))),
                    },
                },
            };
            Document::from_json_bytes(bytes, kind, mode).map_err(|e| format!("{} (read as {kind}, from {source})", at(e)))
        }
        _ => Err(format!("{}:1:1: neither XML nor JSON", file.display())),
    }
}

/// Writes through a temporary file and a rename, so an interrupted run never leaves half a file.
fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = target.with_extension("part");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, target)
}
