//! `cargo xtask backtest`: replays ORCID/orcid-model's releases. In a copy of the workspace, each
//! release in turn is re-pinned (with its upgrade report), the model regenerated, built and
//! tested, with no hand edit between them: the proof that a re-pin needs none.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::report::Report;
use crate::schemas::Source;

/// Every orcid-model release since 3.1.0: (release, commit).
pub const RELEASES: &[(&str, &str)] = &[
    ("3.1.0", "6140622"),
    ("3.2.0", "c8629a1"),
    ("3.3.0", "9d099f1"),
    ("3.3.1", "1771919"),
    ("3.3.2", "89380e4"),
    ("3.3.3", "72ab54b"),
    ("3.3.4", "0cf1c91"),
    ("3.3.5", "b2144a9"),
    ("3.3.6", "6cc6d1e"),
    ("3.3.7", "d917fe3"),
    ("3.3.8", "0f61fa6"),
];

/// One release replayed.
#[derive(Debug)]
pub struct Step {
    /// The release.
    pub release: String,
    /// The re-pin's report (from the release before).
    pub report: Report,
    /// Generated lines at this release.
    pub lines: usize,
    /// Seconds the re-pin took (fetch, generate, list the API).
    pub repin_seconds: f64,
    /// The command run on the re-pinned copy: whether it passed, its seconds, its last lines.
    pub check: Option<(bool, f64, String)>,
}

/// A copy of the workspace at `root` in `dest`: the files git tracks, as they are in the work
/// tree (uncommitted edits included), and the fetched upstream files.
pub fn copy_workspace(root: &Path, dest: &Path) -> Result<()> {
    let listed = Command::new("git").arg("-C").arg(root).args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"]).output()?;
    if !listed.status.success() {
        bail!("{} is not a git checkout: the backtest copies the files git tracks", root.display());
    }
    if dest.exists() {
        std::fs::remove_dir_all(dest).with_context(|| format!("clearing {}", dest.display()))?;
    }
    for rel in listed.stdout.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        let rel = PathBuf::from(String::from_utf8_lossy(rel).into_owned());
        let from = root.join(&rel);
        if !from.is_file() {
            continue; // deleted in the work tree
        }
        let to = dest.join(&rel);
        std::fs::create_dir_all(to.parent().expect("a file has a folder"))?;
        std::fs::copy(&from, &to).with_context(|| format!("copying {}", from.display()))?;
    }
    crate::repin::copy_dir(&root.join("schemas/upstream"), &dest.join("schemas/upstream"))
}

/// Runs `cargo ARGS` in the workspace `ws` with the target folder `target`; (passed, seconds,
/// the output's last lines).
pub fn cargo(ws: &Path, target: &Path, args: &[&str]) -> Result<(bool, f64, String)> {
    let started = Instant::now();
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(args)
        .current_dir(ws)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .context("running cargo")?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let tail: Vec<&str> = text.lines().rev().filter(|l| !l.trim().is_empty()).take(12).collect();
    let tail = tail.into_iter().rev().collect::<Vec<_>>().join("\n");
    Ok((out.status.success(), started.elapsed().as_secs_f64(), tail))
}

/// Replays `releases` in a copy of the workspace at `root` (under `work`), running `cargo
/// CHECK` after each re-pin when `check` is given. Stops at the first re-pin that fails; a
/// failing check is recorded and the replay goes on.
pub fn run(root: &Path, source: &Source, releases: &[(&str, &str)], work: &Path, check: Option<&[&str]>) -> Result<Vec<Step>> {
    let ws = work.join("workspace");
    let target = work.join("target");
    copy_workspace(root, &ws)?;
    let mut steps = Vec::new();
    for (release, commit) in releases {
        let started = Instant::now();
        let report = crate::repin::update(&ws, source, commit).with_context(|| format!("re-pinning to {release} ({commit})"))?;
        let repin_seconds = started.elapsed().as_secs_f64();
        let lines = generated_lines(&ws.join(crate::paths::GENERATED))?;
        let check = match check {
            Some(args) => Some(cargo(&ws, &target, args)?),
            None => None,
        };
        if let Some((passed, secs, _)) = &check {
            eprintln!(
                "{release}: re-pinned in {repin_seconds:.1} s, {lines} generated lines, check {} in {secs:.0} s",
                if *passed { "passed" } else { "FAILED" }
            );
        }
        steps.push(Step { release: release.to_string(), report, lines, repin_seconds, check });
    }
    Ok(steps)
}

fn generated_lines(dir: &Path) -> Result<usize> {
    let mut n = 0;
    for entry in std::fs::read_dir(dir)? {
        n += std::fs::read_to_string(entry?.path())?.lines().count();
    }
    Ok(n)
}

/// The replay as a table and each step's report.
pub fn render(steps: &[Step]) -> String {
    use std::fmt::Write;
    let mut out = String::from(
        "| release | generated lines | types changed | list values +/- | API removed/added | validate changes | re-pin s | check |\n|---|---|---|---|---|---|---|---|\n",
    );
    for s in steps {
        let r = &s.report;
        let added: usize = r.lists.iter().map(|l| l.added.len()).sum();
        let removed: usize = r.lists.iter().map(|l| l.removed.len()).sum();
        let check = match &s.check {
            Some((true, secs, _)) => format!("passed ({secs:.0} s)"),
            Some((false, secs, _)) => format!("FAILED ({secs:.0} s)"),
            None => "-".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | +{added} / -{removed} | {} / {} | {} | {:.1} | {check} |",
            s.release,
            s.lines,
            r.types.len(),
            r.api_removed.len(),
            r.api_added.len(),
            r.validation_changes().len(),
            s.repin_seconds
        );
    }
    for s in steps {
        let _ = writeln!(out, "\n{}", s.report.render());
        if let Some((false, _, tail)) = &s.check {
            let _ = writeln!(out, "check at {} failed:\n{tail}", s.release);
        }
    }
    out
}
