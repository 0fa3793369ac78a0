//! `orcid push`: bring a record in step with a folder of item files, each item exactly once.

use std::io::IsTerminal;
use std::path::PathBuf;

use orcid_client::push::{Action, Outcome, PushOptions, PushReport, push};

use crate::args::{RecordAccess, runtime};
use crate::cmd::validate::Report;
use crate::error::{Exit, Failure};

/// Bring a record in step with a folder of item files, each item on it exactly once.
///
/// Every .xml and .json file in DIR (any writable section, told by its content) is
/// validated first; invalid files are reported and left out. A ledger in DIR
/// (.orcid-push.sqlite) keeps each file's put-code and a hash of the body sent: unchanged
/// files cost no request, changed ones are updated, new ones created (works 100 a request).
/// Run it again after a crash or a lost connection: nothing is created twice.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub record: RecordAccess,
    /// The folder of item files.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Print the plan (create, update, delete, unchanged, invalid) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Delete the items of files removed from the folder.
    #[arg(long)]
    pub delete: bool,
    /// Take over items already on the record that this client created (by their `self`
    /// identifiers, else by their content) instead of creating them again.
    #[arg(long)]
    pub adopt: bool,
    /// Create again the items someone deleted on the record.
    #[arg(long)]
    pub recreate: bool,
    /// This client's id (APP-...): only its items are taken over.
    #[arg(long, value_name = "CLIENT_ID")]
    pub client_id: Option<String>,
    /// How to report: `text` (a line per file that needed something), or `json` (an object
    /// per file: action, put-code or error).
    #[arg(long, value_enum, default_value = "text")]
    pub report: Report,
}

impl Args {
    /// Runs `orcid push`; exit 0 when every file is on the record as it should be, 1 when a
    /// file is invalid or refused, 2 when the push could not run (no token, no folder, no
    /// ledger).
    pub fn run(&self) -> crate::error::Outcome {
        let mut options = PushOptions::default();
        options.dry_run = self.dry_run;
        options.delete = self.delete;
        options.adopt = self.adopt;
        options.recreate = self.recreate;
        options.client_id = self.client_id.clone();
        run(self, &options)
    }
}

fn run(args: &Args, options: &PushOptions) -> crate::error::Outcome {
    let (dir, format) = (args.dir.as_path(), args.report);
    // The folder first: its ledger would otherwise be "unable to open database file".
    match std::fs::metadata(dir) {
        Err(e) => return Err(Failure::failed(format!("{}: {e}", dir.display()))),
        Ok(m) if !m.is_dir() => {
            return Err(Failure::failed(format!(
                "{}: not a folder: push keeps a record in step with a folder of item files",
                dir.display()
            )));
        }
        Ok(_) => {}
    }
    let (client, token, orcid) = (args.record.access.client()?, args.record.access.token()?, args.record.orcid);
    let bar = if std::io::stderr().is_terminal() && format == Report::Text && !options.dry_run {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message("pushing");
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let show = |o: &Outcome| {
        bar.inc(1);
        if format == Report::Text && (options.dry_run || o.action != Action::Unchanged) {
            bar.suspend(|| println!("{o}"));
        }
    };
    let result = runtime()?.block_on(push(&client, &token, &orcid, dir, options, &show));
    bar.finish_and_clear();
    match result {
        Ok(report) => {
            print_report(&report, format, options.dry_run);
            Ok(if report.is_clean() { Exit::Done } else { Exit::Refused })
        }
        Err(e) => Err(Failure::failed(format!("{}: {}", dir.display(), crate::error::with_causes(&e)))),
    }
}

fn print_report(report: &PushReport, format: Report, dry_run: bool) {
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
        Report::Text => {
            let parts: Vec<String> = counts.iter().map(|(a, n)| format!("{n} {}", a.as_str())).collect();
            let what = if dry_run { "plan" } else { "pushed" };
            println!("{what}: {} files: {}", report.outcomes.len(), if parts.is_empty() { "nothing".into() } else { parts.join(", ") });
        }
        Report::Json => {
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
