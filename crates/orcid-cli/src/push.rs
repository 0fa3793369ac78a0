//! `orcid push`: bring a record in step with a folder of item files, each item exactly once.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use orcid_client::push::{Action, Outcome, PushOptions, PushReport, push};

use crate::api::{Target, connect_parts, fail, runtime};

/// How to print the report.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// A line per file that needed something, then a summary.
    Text,
    /// One JSON object per file (action, put-code or error), then a summary object.
    Json,
}

/// Runs `orcid push`; exit 0 when every file is on the record as it should be, 1 when a file
/// is invalid or refused, 2 when the push could not run (no token, no folder, no ledger).
pub fn run(target: &Target, dir: &Path, options: &PushOptions, format: OutputFormat) -> ExitCode {
    // The folder first: its ledger would otherwise be "unable to open database file".
    match std::fs::metadata(dir) {
        Err(e) => {
            eprintln!("error: {}: {e}", dir.display());
            return ExitCode::from(2);
        }
        Ok(m) if !m.is_dir() => {
            eprintln!("error: {}: not a folder: push keeps a record in step with a folder of item files", dir.display());
            return ExitCode::from(2);
        }
        Ok(_) => {}
    }
    let (client, token, orcid) = match connect_parts(target) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    let bar = if std::io::stderr().is_terminal() && format == OutputFormat::Text && !options.dry_run {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message("pushing");
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let show = |o: &Outcome| {
        bar.inc(1);
        if format == OutputFormat::Text && (options.dry_run || o.action != Action::Unchanged) {
            bar.suspend(|| println!("{o}"));
        }
    };
    let result = runtime().block_on(push(&client, &token, &orcid, dir, options, &show));
    bar.finish_and_clear();
    match result {
        Ok(report) => {
            print_report(&report, format, options.dry_run);
            if report.is_clean() { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(e) => fail(2, format!("{}: {e}", dir.display())),
    }
}

fn print_report(report: &PushReport, format: OutputFormat, dry_run: bool) {
    let counts: Vec<(Action, usize)> = [
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::Adopt,
        Action::Resolve,
        Action::Unchanged,
        Action::Kept,
        Action::Gone,
        Action::Invalid,
        Action::Failed,
    ]
    .into_iter()
    .map(|a| (a, report.count(a)))
    .filter(|(_, n)| *n > 0)
    .collect();
    match format {
        OutputFormat::Text => {
            let parts: Vec<String> = counts.iter().map(|(a, n)| format!("{n} {}", a.as_str())).collect();
            let what = if dry_run { "plan" } else { "pushed" };
            println!("{what}: {} files: {}", report.outcomes.len(), if parts.is_empty() { "nothing".into() } else { parts.join(", ") });
        }
        OutputFormat::Json => {
            for o in &report.outcomes {
                let diagnostics: Vec<_> = o
                    .diagnostics
                    .iter()
                    .map(|d| serde_json::json!({"code": d.code, "rule": d.rule, "orcid_code": d.orcid_code, "line": d.line, "column": d.column, "message": d.message}))
                    .collect();
                println!(
                    "{}",
                    serde_json::json!({
                        "file": o.file,
                        "section": o.section.map(|s| s.path()),
                        "action": o.action.as_str(),
                        "put_code": o.put_code.map(|p| p.get()),
                        "message": o.message,
                        "diagnostics": diagnostics,
                    })
                );
            }
            let summary: serde_json::Map<String, serde_json::Value> =
                counts.iter().map(|(a, n)| (a.as_str().to_owned(), serde_json::Value::from(*n))).collect();
            println!("{}", serde_json::json!({"summary": summary, "dry_run": dry_run}));
        }
    }
}
