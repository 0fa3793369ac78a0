//! `orcid convert`: ORCID documents between XML and ORCID's JSON.

use std::io::Write;
use std::path::{Path, PathBuf};

use orcid_model::{Format, Kind, Mode, WriteOptions};

use crate::error::{Exit, Failure, Outcome};
use crate::input::{read_document, read_file};

/// Read ORCID documents (XML or JSON, told by their content) and write them in a form.
///
/// With one FILE the result goes to standard output; with several, --out names a folder
/// that receives one file per input, under the input's file name.
///
/// JSON has no root element, so the kind of a JSON document comes from --kind, else from
/// the file name (work-2024.json is a work), else from its shape when only one kind fits.
#[derive(clap::Args, Debug)]
#[command(after_help = crate::kinds_help())]
pub struct Args {
    /// The form to write: `xml` or `json`.
    #[arg(long, value_name = "FORMAT")]
    pub to: Format,
    /// The kind of the JSON input: ORCID's XML root element name (work, funding, bulk ...).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<Kind>,
    /// Write JSON for upload: leave out what ORCID ignores or rejects on input (read-only
    /// dates, source, path, transient normalised identifiers).
    #[arg(long)]
    pub for_upload: bool,
    /// Folder for the converted files (needed for more than one FILE).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Skip elements and attributes this model does not know, instead of failing
    /// (for API responses that may carry newer fields).
    #[arg(long)]
    pub lenient: bool,
    /// Write without indentation.
    #[arg(long)]
    pub compact: bool,
    /// The documents to convert.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

impl Args {
    /// Runs `orcid convert`: each file on its own, so one bad file is reported and the rest
    /// are still converted; the worst outcome is the exit code.
    pub fn run(&self) -> Outcome {
        if self.files.len() > 1 && self.out.is_none() {
            return Err(Failure::failed(format!("converting {} files needs --out DIR", self.files.len())));
        }
        if let Some(dir) = &self.out {
            std::fs::create_dir_all(dir).map_err(|e| Failure::failed(format!("{}: {e}", dir.display())))?;
        }
        let mut worst = Exit::Done;
        for file in &self.files {
            let exit = match self.convert_one(file) {
                Ok(()) => Exit::Done,
                Err(failure) => {
                    eprintln!("{}", failure.message);
                    failure.exit
                }
            };
            worst = worst.max(exit);
        }
        Ok(worst)
    }

    fn convert_one(&self, file: &Path) -> Result<(), Failure> {
        let bytes = read_file(file).map_err(|e| Failure::failed(format!("error: {e}")))?;
        let mode = if self.lenient { Mode::Lenient } else { Mode::Strict };
        let doc = read_document(&bytes, self.kind, mode, file).map_err(Failure::refused)?;
        let options = if self.for_upload { WriteOptions::upload() } else { WriteOptions::read() };
        let options = if self.compact { options.compact() } else { options.indented() };
        let text = doc.to_text(self.to, options);
        // Content the model does not know crosses forms by ORCID's conventions: say so.
        let crossing = Format::detect(&bytes).is_some_and(|from| from != self.to);
        if crossing {
            for piece in doc.unknown_content_everywhere() {
                eprintln!(
                    "note: {}: {piece} is not part of the ORCID 3.0 schema; it is carried over by ORCID's conventions (namespaces, and attribute or element, do not cross forms exactly)",
                    file.display()
                );
            }
        }
        let written = match &self.out {
            None => std::io::stdout().lock().write_all(text.as_bytes()),
            Some(dir) => {
                let name = file.file_name().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("document"));
                write_atomically(&dir.join(name).with_extension(self.to.extension()), text.as_bytes())
            }
        };
        written.map_err(|e| Failure::failed(format!("error: writing the conversion of {}: {e}", file.display())))
    }
}

/// Writes through a temporary file and a rename, so an interrupted run never leaves half a file.
fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = target.with_extension("part");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, target)
}
