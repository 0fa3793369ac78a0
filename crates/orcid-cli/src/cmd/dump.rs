//! `orcid dump`: ORCID's yearly public data file into JSON Lines or Parquet.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use orcid_dump::{Compression, Options, Output, Report as DumpReport};

use crate::cmd::validate::Report;
use crate::error::{Exit, Failure, Outcome};

/// Read ORCID's public data file (the summaries tarball and the eleven activities tarballs)
/// into JSON Lines or Parquet, without unpacking it.
///
/// Every record and item is read (leniently: what this model does not know is kept in the
/// JSON Lines and counted); record placeholders (deactivated, deprecated, locked) are rows
/// with their state. Output is committed in segments with a manifest under DIR/manifest:
/// run the same command again after a crash or kill and it finishes the job, redoing at most
/// one segment per tarball. Tarballs run side by side, sharing the cores.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to write: `parquet` (tables under DIR/parquet/<table>/) or `jsonl` (one JSON
    /// object a line, per kind, under DIR/jsonl/<kind>/).
    #[arg(long, value_name = "FORM", default_value = "parquet")]
    pub to: Output,
    /// Compress JSON Lines: `none`, `gzip` or `zstd`.
    #[arg(long, value_name = "CODEC", default_value = "none")]
    pub compress: Compression,
    /// The output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Threads that parse (besides one inflating each tarball); default: the cores.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Entries per segment: the unit committed at once, and redone after a kill.
    #[arg(long, value_name = "N", default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub segment_entries: u64,
    /// How to report: `text` (a line per tarball) or `json` (one object per tarball, one per
    /// line: counts per kind, unknown content, problems).
    #[arg(long, value_name = "HOW", default_value = "text")]
    pub report: Report,
    /// The tarballs (`ORCID_2025_10_summaries.tar.gz`, `ORCID_2025_10_activities_0.tar.gz` ...).
    #[arg(required = true, value_name = "TARBALL")]
    pub tarballs: Vec<PathBuf>,
}

impl Args {
    /// Runs `orcid dump`: exit 0 when every tarball was read whole, 1 when entries or a
    /// tarball could not be read (what could be is written), 2 when the dump could not run.
    pub fn run(&self) -> Outcome {
        if self.to == Output::Parquet && self.compress != Compression::None {
            return Err(Failure::failed("--compress is for JSON Lines (Parquet pages are always zstd-compressed)"));
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let threads = self.threads.unwrap_or(cores).max(1);
        // Tarballs side by side, each with its share of the parsing threads.
        let side_by_side = self.tarballs.len().min(threads).max(1);
        let mut options = Options::new(&self.out);
        options.output = self.to;
        options.compression = self.compress;
        options.segment_entries = self.segment_entries;
        options.workers = (threads / side_by_side).max(1);
        let bars = indicatif::MultiProgress::new();
        if !std::io::stderr().is_terminal() || self.report == Report::Json {
            bars.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
        let started = Instant::now();
        let queue = std::sync::Mutex::new(self.tarballs.iter());
        let results: Vec<(PathBuf, Result<DumpReport, orcid_dump::Error>, f64)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..side_by_side)
                .map(|_| {
                    scope.spawn(|| {
                        let mut done = Vec::new();
                        loop {
                            let next = queue.lock().ok().and_then(|mut q| q.next().cloned());
                            let Some(tarball) = next else { break };
                            let bar = bars.add(indicatif::ProgressBar::new(0));
                            if let Ok(style) = indicatif::ProgressStyle::with_template("{prefix} {bar:30} {percent}% {msg}, {eta} left") {
                                bar.set_style(style);
                            }
                            bar.set_prefix(tarball.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
                            let t = Instant::now();
                            let result = orcid_dump::dump(&tarball, &options, &|p| {
                                bar.set_length(p.size);
                                bar.set_position(p.read);
                                let secs = t.elapsed().as_secs_f64().max(0.001);
                                bar.set_message(format!("{} entries, {:.0}/s", p.entries, p.entries as f64 / secs));
                            });
                            bar.finish_and_clear();
                            done.push((tarball, result, t.elapsed().as_secs_f64()));
                        }
                        done
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
        });
        let mut worst = Exit::Done;
        for (tarball, result, seconds) in results {
            match result {
                Ok(report) => {
                    if !report.complete || !report.tally.problems.is_empty() {
                        worst = worst.max(Exit::Refused);
                    }
                    self.print(&report, seconds);
                }
                Err(e) => {
                    eprintln!("error: {}: {e}", tarball.display());
                    worst = Exit::Failed;
                }
            }
        }
        if self.report == Report::Text {
            eprintln!("done in {:.1} s; output under {}", started.elapsed().as_secs_f64(), self.out.display());
        }
        Ok(worst)
    }

    fn print(&self, report: &DumpReport, seconds: f64) {
        match self.report {
            Report::Json => {
                let mut value = serde_json::to_value(report).unwrap_or_default();
                if let Some(object) = value.as_object_mut() {
                    object.insert("seconds".into(), serde_json::json!((seconds * 1000.0).round() / 1000.0));
                }
                println!("{value}");
            }
            Report::Text => {
                let counts: Vec<String> = report.tally.counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
                let state = if report.complete { "done" } else { "NOT complete" };
                println!("{}: {state}: {} entries ({}) in {seconds:.1} s", report.tarball, report.tally.entries, counts.join(", "));
                if !report.tally.placeholders.is_empty() {
                    let p: Vec<String> = report.tally.placeholders.iter().map(|(k, n)| format!("{n} {k}")).collect();
                    println!("  placeholders: {}", p.join(", "));
                }
                if report.tally.unknown_documents > 0 {
                    println!(
                        "  {} documents hold {} pieces of content this model does not know (kept in JSON Lines)",
                        report.tally.unknown_documents, report.tally.unknown_pieces
                    );
                }
                for p in &report.tally.problems {
                    if p.path.is_empty() {
                        println!("  {}: {}", report.tarball, p.message);
                    } else {
                        println!("  {}: {}: {}", report.tarball, p.path, p.message);
                    }
                }
            }
        }
    }
}
