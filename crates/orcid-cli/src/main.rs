//! `orcid`: work with ORCID 3.0 item files.
//!
//! `orcid convert --to xml FILE...` reads any ORCID XML document and writes it back out.
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
    /// Read ORCID documents and write them in another form.
    ///
    /// With one FILE the result goes to standard output; with several, --out names a folder
    /// that receives one file per input, under the input's file name.
    Convert {
        /// The form to write.
        #[arg(long, value_enum)]
        to: Format,
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

/// An output form.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// ORCID XML.
    Xml,
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
        Command::Convert { to, out, lenient, compact, files } => {
            let mode = if lenient { Mode::Lenient } else { Mode::Strict };
            let layout = if compact { Layout::Compact } else { Layout::Indented };
            convert(to, out.as_deref(), mode, layout, &files)
        }
    };
    ExitCode::from(outcome as u8)
}

fn convert(to: Format, out: Option<&Path>, mode: Mode, layout: Layout, files: &[PathBuf]) -> Outcome {
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
        let outcome = convert_one(to, out, mode, layout, file);
        worst = worst.max(outcome);
    }
    worst
}

fn convert_one(to: Format, out: Option<&Path>, mode: Mode, layout: Layout, file: &Path) -> Outcome {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return Outcome::Usage;
        }
    };
    let doc = match Document::from_xml_bytes(&bytes, mode) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!("{}:{}:{}: {}", file.display(), e.line, e.column, e.message);
            return Outcome::Unreadable;
        }
    };
    let text = match to {
        Format::Xml => doc.to_xml_string(layout),
    };
    let written = match out {
        None => std::io::stdout().lock().write_all(text.as_bytes()),
        Some(dir) => {
            let name = file.file_name().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("document.xml"));
            let target = dir.join(name).with_extension(match to {
                Format::Xml => "xml",
            });
            write_atomically(&target, text.as_bytes())
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

/// Writes through a temporary file and a rename, so an interrupted run never leaves half a file.
fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = target.with_extension("part");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, target)
}
