//! `orcid push`: bring a record in step with a folder of item files, each item exactly once.

use std::io::IsTerminal;
use std::path::PathBuf;

use orcid_client::push::{Action, Outcome, PushOptions, PushReport, push};

use orcid_model::OrcidId;

use crate::args::{Access, runtime};
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
    pub access: Access,
    /// The researcher's ORCID iD (`0000-0002-1825-0097`).
    #[arg(long, value_name = "ORCID", required_unless_present = "status")]
    pub orcid: Option<OrcidId>,
    /// The folder of item files.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Print what the folder's ledger says, a file a line (record, file, section, put-code,
    /// state, last sent, server; of --orcid's record only, when given), and send nothing.
    #[arg(long, conflicts_with_all = ["dry_run", "delete", "adopt", "recreate"])]
    pub status: bool,
    /// Print the plan (create, update, delete, unchanged, invalid) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Delete the items of files removed from the folder (only files absent as paths: a
    /// dangling link, a folder or a FIFO in a file's place keeps its item).
    #[arg(long)]
    pub delete: bool,
    /// With --delete: delete even when more than a quarter of the folder's items would go
    /// (without it such a run stops, as if the folder were emptied by mistake).
    #[arg(long, requires = "delete")]
    pub force: bool,
    /// Take over items already on the record that this client created (by their `self`
    /// identifiers, else by their content) instead of creating them again.
    #[arg(long)]
    pub adopt: bool,
    /// Create again the items someone deleted on the record.
    #[arg(long)]
    pub recreate: bool,
    /// How long to wait before trying again, once, what ORCID could not take now (a locked
    /// record, 9018), in seconds; what is still refused then is reported deferred.
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
    pub retry_locked_after: f64,
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
        if self.status {
            return self.print_status();
        }
        let mut options = PushOptions::default();
        options.dry_run = self.dry_run;
        options.delete = self.delete;
        options.adopt = self.adopt;
        options.recreate = self.recreate;
        options.client_id = self.client_id.clone();
        options.force = self.force;
        options.deferred_wait = std::time::Duration::try_from_secs_f64(self.retry_locked_after).ok();
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
    let orcid = args.orcid.ok_or_else(|| Failure::failed("--orcid names the record to push to"))?;
    let (client, token) = (args.access.client()?, args.access.token()?);
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
        Err(e @ orcid_client::Error::FolderBusy { .. }) => Err(Failure::failed(e)),
        Err(e) => {
            let failure = Failure::client(dir.display(), &e);
            Err(Failure { message: format!("{}; the ledger keeps what was done", failure.message), ..failure })
        }
    }
}

impl Args {
    /// `--status`: the ledger, a file a line, as a table or JSON lines.
    fn print_status(&self) -> crate::error::Outcome {
        let rows = orcid_client::push::status(&self.dir).map_err(|e| Failure::client(self.dir.display(), &e))?;
        let rows: Vec<_> = rows.into_iter().filter(|r| self.orcid.is_none_or(|o| o.as_str() == r.record)).collect();
        let when = |secs: i64| orcid_model::DateTime::from_epoch_millis(secs * 1000).as_str().to_owned();
        match self.report {
            Report::Text => {
                println!("{:19} {:40} {:20} {:>9} {:9} {:24} server", "record", "file", "section", "put-code", "state", "last sent");
                for r in &rows {
                    let put_code = r.put_code.map_or_else(|| "-".to_owned(), |p| p.to_string());
                    let server = if r.server.is_empty() { "(not recorded)" } else { &r.server };
                    println!(
                        "{:19} {:40} {:20} {:>9} {:9} {:24} {server}",
                        r.record,
                        r.file,
                        r.section,
                        put_code,
                        r.state.as_str(),
                        when(r.last_sent)
                    );
                }
            }
            Report::Json => {
                for r in &rows {
                    println!(
                        "{}",
                        serde_json::json!({"record": r.record, "file": r.file, "section": r.section, "put_code": r.put_code.map(|p| p.get()), "state": r.state.as_str(), "last_sent": when(r.last_sent), "server": r.server, "client": r.client})
                    );
                }
            }
        }
        Ok(Exit::Done)
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
        Action::Renamed,
        Action::Conflict,
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
