//! `cargo xtask bench-validate`: the CPU time of `orcid validate` over a corpus against
//! libxml2's `xmllint --noout --schema` over the same files (one xmllint run per kind's folder,
//! with that kind's XSD: the cheapest way to run it).
//!
//! CPU time is the children's user + system time, read from `/proc/self/stat` (Linux) around
//! each run, best of `runs`.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// The kinds the corpus generator writes, each in a folder of its name.
const KINDS: [&str; 5] = ["work", "funding", "employment", "education", "peer-review"];

/// CPU seconds (user + system) of waited-for children so far.
fn children_cpu() -> Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").context("reading /proc/self/stat (Linux only)")?;
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    // After the command name: field 16 (cutime) and 17 (cstime) are at 13 and 14.
    let ticks: f64 = [13, 14].iter().map(|&i| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0)).sum();
    Ok(ticks / 100.0) // USER_HZ
}

/// Runs `command` to completion, output discarded; returns its CPU seconds.
fn cpu_of(command: &mut Command) -> Result<(f64, bool)> {
    let before = children_cpu()?;
    let status = command.stdout(Stdio::null()).stderr(Stdio::null()).status().with_context(|| format!("running {command:?}"))?;
    Ok((children_cpu()? - before, status.success()))
}

/// What to measure.
pub struct Bench<'a> {
    /// A corpus of valid items (`cargo xtask corpus`).
    pub corpus: &'a Path,
    /// A corpus with items ORCID refuses (`cargo xtask corpus --problems 25`), if any.
    pub problems: Option<&'a Path>,
    /// The release `orcid` binary.
    pub orcid: &'a Path,
    /// The floor: quick-xml's plain event loop over the same files (the `xml_floor` example).
    pub floor: &'a Path,
    /// The staged XSDs, for xmllint.
    pub xsd_dir: &'a Path,
    /// Runs of each; the best counts.
    pub runs: usize,
}

fn count_files(corpus: &Path) -> usize {
    KINDS.iter().map(|k| std::fs::read_dir(corpus.join(k)).map_or(0, |d| d.count())).sum()
}

/// The best CPU time of `runs` runs of a command; `expect_ok` says whether it must succeed.
fn best(runs: usize, expect_ok: bool, make: impl Fn() -> Command) -> Result<f64> {
    let mut best = f64::MAX;
    for _ in 0..runs.max(1) {
        let mut command = make();
        let (cpu, ok) = cpu_of(&mut command)?;
        if ok != expect_ok {
            bail!("{command:?} {}", if expect_ok { "failed" } else { "found no problem" });
        }
        best = best.min(cpu);
    }
    Ok(best)
}

/// Measures `orcid validate`, the floor and xmllint over the valid corpus, and `orcid
/// validate` over the corpus with problems; prints a table.
pub fn run(b: &Bench<'_>) -> Result<()> {
    let files = count_files(b.corpus);
    if files == 0 {
        bail!("no items under {} (write some with `cargo xtask corpus --out {}`)", b.corpus.display(), b.corpus.display());
    }
    let ours = best(b.runs, true, || {
        let mut c = Command::new(b.orcid);
        c.arg("validate").arg(b.corpus);
        c
    })?;
    let floor = best(b.runs, true, || {
        let mut c = Command::new(b.floor);
        c.arg(b.corpus);
        c
    })?;
    let mut xmllint = f64::MAX;
    for _ in 0..b.runs.max(1) {
        let mut total = 0.0;
        for kind in KINDS {
            let mut items: Vec<_> = std::fs::read_dir(b.corpus.join(kind))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
            items.sort();
            let schema = b.xsd_dir.join(format!("record_3.0/{kind}-3.0.xsd"));
            let (cpu, ok) = cpu_of(Command::new("xmllint").arg("--noout").arg("--schema").arg(&schema).args(&items))?;
            if !ok {
                bail!("xmllint found invalid {kind} items (or is not installed: apt-get install libxml2-utils)");
            }
            total += cpu;
        }
        xmllint = xmllint.min(total);
    }
    println!("{files} valid items under {}", b.corpus.display());
    println!("  orcid validate     {ours:.2} s CPU   {:.2}x the floor", ours / floor);
    println!("  quick-xml floor    {floor:.2} s CPU");
    println!("  xmllint --schema   {xmllint:.2} s CPU   (orcid validate is {:.2}x of it)", ours / xmllint);
    if let Some(problems) = b.problems {
        let with = best(b.runs, false, || {
            let mut c = Command::new(b.orcid);
            c.arg("validate").arg(problems);
            c
        })?;
        let n = count_files(problems);
        println!("{n} items under {} (some with problems ORCID refuses)", problems.display());
        println!(
            "  orcid validate     {with:.2} s CPU   {:.2}x the valid corpus per item",
            (with / n.max(1) as f64) / (ours / files as f64)
        );
    }
    Ok(())
}
