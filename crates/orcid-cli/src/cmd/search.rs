//! `orcid search`: ORCID's search with Solr's query syntax, one page or every page, as JSON
//! lines or CSV on standard output.

use std::io::{IsTerminal, Write};
use std::pin::pin;

use futures_util::StreamExt;
use orcid_client::{CSV_FIELDS, Error, SearchPage};

use crate::args::{Access, runtime};
use crate::error::{Exit, Failure, Outcome};

/// Search ORCID's registry with Solr's query syntax.
///
/// iDs (default), names and institutions (--expanded) or CSV (--csv FIELDS); one page, or
/// every page with --all. Results go to standard output, one JSON object a line, or as CSV. A token is optional:
/// the public API answers without one.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// `sandbox`, `production`, `public`, `public-sandbox`, or another server's base URL.
    #[arg(long, default_value = "sandbox", value_name = "API")]
    api: orcid_client::Api,
    /// A file holding the access token; without it, the environment variable ORCID_TOKEN
    /// (none: the public API answers without one).
    #[arg(long, value_name = "FILE")]
    token_file: Option<std::path::PathBuf>,
    /// Names, other names, emails and institutions with each iD (`expanded-search`).
    #[arg(long, conflicts_with = "csv")]
    expanded: bool,
    /// CSV of these fields, comma-separated (`csv-search`): orcid, email, given-names,
    /// family-name, given-and-family-names, current-institution-affiliation-name,
    /// past-institution-affiliation-name, credit-name, other-names.
    #[arg(long, value_name = "FIELDS")]
    csv: Option<String>,
    /// Results a page (ORCID's default and largest: 1000).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    rows: u32,
    /// The first result to print (from 0).
    #[arg(long, default_value_t = 0, value_name = "N")]
    start: u32,
    /// Every page, to the last result or, without a token, ORCID's limit (start 10,000).
    #[arg(long, conflicts_with = "start")]
    all: bool,
    /// The query, in Solr's syntax: `family-name:Carberry AND given-names:Josiah`.
    query: String,
}

impl Args {
    /// Runs `orcid search`.
    pub fn run(&self) -> Outcome {
        run(self)
    }
}

fn run(args: &Args) -> Outcome {
    // Results are printed as JSON lines (or CSV) whatever the wire says: no `--format` here.
    let access = Access { api: args.api.clone(), format: orcid_model::Format::Json, token_file: args.token_file.clone() };
    let (client, token) = (access.client()?, access.optional_token()?);
    let fields: Vec<&str> = args.csv.as_deref().map(|f| f.split(',').map(str::trim).collect()).unwrap_or_default();
    // ORCID drops fields it does not allow without a word, and writes every column when none is
    // left: say so, since the output will not have the columns asked for.
    let unknown: Vec<&str> = fields.iter().copied().filter(|f| !CSV_FIELDS.contains(f)).collect();
    if !unknown.is_empty() {
        let then = if unknown.len() == fields.len() { "so ORCID writes every field" } else { "so ORCID leaves them out" };
        eprintln!("warning: not a csv-search field: {}; {then} (fields: {})", unknown.join(", "), CSV_FIELDS.join(", "));
    }
    let result = runtime()?.block_on(async {
        let mut out = std::io::stdout().lock();
        let token = token.as_ref();
        if args.csv.is_some() {
            if !args.all {
                let csv = client.search(token).csv(&args.query, &fields, args.start, args.rows).await?;
                return write(&mut out, &csv);
            }
            // The header once, from a first page of one record's size.
            let header = client.search(token).csv(&args.query, &fields, 0, 0).await?;
            write(&mut out, &header)?;
            let pages = client.search(token).csv_all(&args.query, &fields, args.rows);
            return print_pages(pin!(pages), &mut out, |record| Ok(format!("{record}\n"))).await;
        }
        match (args.expanded, args.all) {
            (false, false) => {
                let page = client.search(token).ids(&args.query, args.start, args.rows).await?;
                page.results.iter().try_for_each(|r| write(&mut out, &json_line(serde_json::to_string(r))?))
            }
            (true, false) => {
                let page = client.search(token).expanded(&args.query, args.start, args.rows).await?;
                page.expanded_results.iter().try_for_each(|r| write(&mut out, &json_line(serde_json::to_string(r))?))
            }
            (false, true) => {
                let pages = pin!(client.search(token).ids_all(&args.query, args.rows));
                print_pages(pages, &mut out, |r| json_line(serde_json::to_string(r))).await
            }
            (true, true) => {
                let pages = pin!(client.search(token).expanded_all(&args.query, args.rows));
                print_pages(pages, &mut out, |r| json_line(serde_json::to_string(r))).await
            }
        }
    });
    result.map_err(|e| Failure::client("search", &e))?;
    Ok(Exit::Done)
}

/// Prints each page's results as they come, with a progress bar on a terminal.
async fn print_pages<T>(
    mut pages: std::pin::Pin<&mut impl futures_core::Stream<Item = Result<SearchPage<T>, Error>>>,
    out: &mut impl Write,
    line: impl Fn(&T) -> Result<String, Error>,
) -> Result<(), Error> {
    let bar = if std::io::stderr().is_terminal() { indicatif::ProgressBar::new(0) } else { indicatif::ProgressBar::hidden() };
    let mut printed = 0u64;
    while let Some(page) = pages.next().await {
        let page = page?;
        if let Some(n) = page.num_found {
            bar.set_length(n);
        }
        for result in &page.results {
            write(out, &line(result)?)?;
        }
        printed += page.results.len() as u64;
        bar.set_position(printed);
    }
    bar.finish_and_clear();
    Ok(())
}

fn write(out: &mut impl Write, text: &str) -> Result<(), Error> {
    out.write_all(text.as_bytes()).map_err(|e| Error::Local { message: format!("standard output: {e}"), source: Some(Box::new(e)) })
}

/// A result as one line of ORCID's JSON.
fn json_line(json: serde_json::Result<String>) -> Result<String, Error> {
    json.map(|s| s + "\n").map_err(|e| Error::Local { message: e.to_string(), source: Some(Box::new(e)) })
}
