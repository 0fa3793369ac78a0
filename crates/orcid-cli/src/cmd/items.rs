//! `orcid post`, `orcid put`, `orcid get` and `orcid delete`: one record's items through the
//! member API (or, for `get`, the public API).

use std::path::{Path, PathBuf};

use orcid_client::Client;
use orcid_model::items::{AnyItem, Section};
use orcid_model::{Document, Element, Format, Kind, Mode, PutCode, WriteOptions};

use crate::args::{RecordAccess, runtime};
use crate::error::{Exit, Failure, Outcome};
use crate::input::{read_document, read_file};

/// The item file of a post or put.
#[derive(clap::Args, Debug)]
pub struct ItemFile {
    /// The kind of a JSON file, as in `convert`.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<Kind>,
    /// Send without validating first.
    #[arg(long)]
    pub no_validate: bool,
    /// The item (XML or JSON).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Create an item on a record (POST) and print its put-code.
///
/// The section comes from the document's kind. The item is validated first and refused when
/// invalid.
#[derive(clap::Args, Debug)]
pub struct PostArgs {
    #[command(flatten)]
    pub record: RecordAccess,
    #[command(flatten)]
    pub item: ItemFile,
}

/// Update an item (PUT) and print it as stored.
///
/// The body's put-code is set from --put-code.
#[derive(clap::Args, Debug)]
pub struct PutArgs {
    #[command(flatten)]
    pub record: RecordAccess,
    /// The item's put-code.
    #[arg(long, value_name = "PUT_CODE")]
    pub put_code: PutCode,
    #[command(flatten)]
    pub item: ItemFile,
}

/// Print an item, a section's summaries, or the whole record, person or activities.
///
/// One item with --put-code; printed in --format. Without a token the read is anonymous: the
/// public API (`--api public` or `public-sandbox`) answers it with the record's public data.
#[derive(clap::Args, Debug)]
#[command(after_help = sections_help())]
pub struct GetArgs {
    #[command(flatten)]
    pub record: RecordAccess,
    /// The section (`work`, `employment`, `keywords` ..., or `record`, `person`, `activities`).
    #[arg(long, value_name = "SECTION")]
    pub section: Readable,
    /// One item's put-code; without it, the section's summaries.
    #[arg(long, value_name = "PUT_CODE")]
    pub put_code: Option<PutCode>,
}

/// Delete an item.
#[derive(clap::Args, Debug)]
#[command(after_help = sections_help())]
pub struct DeleteArgs {
    #[command(flatten)]
    pub record: RecordAccess,
    /// The item's section (`work`, `employment`, `keywords` ...).
    #[arg(long, value_name = "SECTION")]
    pub section: Section,
    /// The item's put-code.
    #[arg(long, value_name = "PUT_CODE")]
    pub put_code: PutCode,
}

/// What `get --section` reads: a section, or the whole record, person or activities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readable {
    /// A section: one item, or its list.
    Section(Section),
    /// `/record`.
    Record,
    /// `/person`.
    Person,
    /// `/activities`.
    Activities,
}

impl std::str::FromStr for Readable {
    type Err = String;
    fn from_str(name: &str) -> Result<Readable, String> {
        match name {
            "record" => Ok(Readable::Record),
            "person" => Ok(Readable::Person),
            "activities" => Ok(Readable::Activities),
            _ => name.parse().map(Readable::Section).map_err(|e| format!("{e}, or record, person, activities")),
        }
    }
}

/// The help's list of sections.
fn sections_help() -> String {
    let all: Vec<&str> = Section::ALL.iter().map(|s| s.path()).collect();
    format!("Sections: {}; `get` also reads record, person and activities.", all.join(", "))
}

impl PostArgs {
    /// Runs `orcid post`: prints the new put-code.
    pub fn run(&self) -> Outcome {
        let file = self.item.file.as_path();
        let item = item_of(read_item(&self.item, false)?, file, "POST")?;
        let (client, token) = (self.record.access.client()?, self.record.access.token()?);
        let created = runtime()?
            .block_on(client.record(&token, &self.record.orcid).create_item(&*item))
            .map_err(|e| Failure::client(file.display(), &e))?;
        if created.existing {
            eprintln!("note: the {} was already stored (an earlier attempt's answer was lost); its put-code:", item.section());
        }
        println!("{}", created.put_code);
        Ok(Exit::Done)
    }
}

impl PutArgs {
    /// Runs `orcid put`: prints the item as stored.
    pub fn run(&self) -> Outcome {
        let file = self.item.file.as_path();
        let item = item_of(read_item(&self.item, true)?, file, "PUT")?;
        let (client, token) = (self.record.access.client()?, self.record.access.token()?);
        let stored = runtime()?
            .block_on(client.record(&token, &self.record.orcid).update_item(self.put_code, &*item))
            .map_err(|e| Failure::client(file.display(), &e))?;
        print!("{}", stored.to_document().to_text(self.record.access.format, WriteOptions::read()));
        Ok(Exit::Done)
    }
}

impl DeleteArgs {
    /// Runs `orcid delete`.
    pub fn run(&self) -> Outcome {
        let (client, token) = (self.record.access.client()?, self.record.access.token()?);
        runtime()?
            .block_on(client.record(&token, &self.record.orcid).delete_item(self.section, self.put_code))
            .map_err(|e| Failure::client(format!("{} {}", self.section, self.put_code), &e))?;
        Ok(Exit::Done)
    }
}

impl GetArgs {
    /// Runs `orcid get`. Without a token the read is anonymous (the public API answers it;
    /// the member API refuses it).
    pub fn run(&self) -> Outcome {
        let access = &self.record.access;
        let (client, token) = (access.client()?, access.optional_token()?);
        let text = runtime()?.block_on(read(&client, token.as_ref(), self, access.format));
        let name = match self.section {
            Readable::Section(s) => s.path(),
            Readable::Record => "record",
            Readable::Person => "person",
            Readable::Activities => "activities",
        };
        print!("{}", text.map_err(|e| Failure::client(name, &e))?);
        Ok(Exit::Done)
    }
}

async fn read(
    client: &Client,
    token: Option<&orcid_client::AccessToken>,
    args: &GetArgs,
    format: Format,
) -> Result<String, orcid_client::Error> {
    let record = client.record(token, &args.record.orcid);
    Ok(match (args.section, args.put_code) {
        (Readable::Record, _) => render(&record.read_record().await?, format),
        (Readable::Person, _) => render(&record.read_person().await?, format),
        (Readable::Activities, _) => render(&record.read_activities().await?, format),
        (Readable::Section(s), Some(pc)) => record.read_item(s, pc).await?.to_document().to_text(format, WriteOptions::read()),
        (Readable::Section(s), None) => record.list_section(s).await?.to_text(format, WriteOptions::read()),
    })
}

/// A value as printed: in `format`, everything ORCID sends, indented.
pub fn render<T: Element>(value: &T, format: Format) -> String {
    value.to_text(format, WriteOptions::read())
}

/// The item a document holds, or why it cannot be sent to a section.
fn item_of(doc: Document, file: &Path, method: &str) -> Result<Box<dyn AnyItem>, Failure> {
    doc.into_item().map_err(|doc| Failure::failed(format!("{}: a {} is not an item ORCID takes by {method}", file.display(), doc.kind())))
}

/// Reads an item file (XML or JSON) strictly, after validating it unless told not to.
fn read_item(item: &ItemFile, update: bool) -> Result<Document, Failure> {
    let (file, validate) = (item.file.as_path(), !item.no_validate);
    let bytes = read_file(file).map_err(Failure::failed)?;
    if validate && !crate::cmd::validate::check_before_upload(file, item.kind, update) {
        return Err(Failure::refused(format!("{}: not sent: fix the errors above (or give --no-validate)", file.display())));
    }
    if Format::detect(&bytes).is_none() {
        return Err(Failure::failed(format!("{}: neither XML nor JSON", file.display())));
    }
    // Unchecked items are read leniently: the server is then the judge.
    let mode = if validate { Mode::Strict } else { Mode::Lenient };
    read_document(&bytes, item.kind, mode, file).map_err(Failure::refused)
}

/// A file of one document type (a group-id record, a notification), checked as ORCID's server
/// would check it, then read strictly. `update`: the body of a PUT.
pub fn read_checked<T: Element>(file: &Path, update: bool) -> Result<T, Failure> {
    // A file that cannot be read is an I/O error (exit 2), said once, before any check.
    let bytes = read_file(file).map_err(Failure::failed)?;
    if !crate::cmd::validate::check_before_upload(file, Some(T::KIND), update) {
        return Err(Failure::refused(format!("{}: not sent: fix the errors above", file.display())));
    }
    let form = Format::detect(&bytes).unwrap_or(Format::Xml);
    T::from_text(&bytes, form, Mode::Strict)
        .map_err(|e| Failure::refused(format!("{}:{}:{}: {}", file.display(), e.line, e.column, e.message)))
}
