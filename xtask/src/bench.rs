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

/// Measures both tools over `corpus` with the release `orcid` binary and the staged XSDs.
pub fn run(corpus: &Path, orcid: &Path, xsd_dir: &Path, runs: usize) -> Result<()> {
    let files: usize = KINDS.iter().map(|k| std::fs::read_dir(corpus.join(k)).map_or(0, |d| d.count())).sum();
    if files == 0 {
        bail!("no items under {} (write some with `cargo xtask corpus --out {}`)", corpus.display(), corpus.display());
    }
    let mut ours = f64::MAX;
    let mut theirs = f64::MAX;
    for _ in 0..runs.max(1) {
        let (cpu, ok) = cpu_of(Command::new(orcid).arg("validate").arg(corpus))?;
        if !ok {
            bail!("`orcid validate {}` found invalid items", corpus.display());
        }
        ours = ours.min(cpu);
        let mut total = 0.0;
        for kind in KINDS {
            let mut items: Vec<_> = std::fs::read_dir(corpus.join(kind))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
            items.sort();
            let schema = xsd_dir.join(format!("record_3.0/{kind}-3.0.xsd"));
            let (cpu, ok) = cpu_of(Command::new("xmllint").arg("--noout").arg("--schema").arg(&schema).args(&items))?;
            if !ok {
                bail!("xmllint found invalid {kind} items (or is not installed: apt-get install libxml2-utils)");
            }
            total += cpu;
        }
        theirs = theirs.min(total);
    }
    println!("{files} items under {}", corpus.display());
    println!("orcid validate: {ours:.2} s CPU");
    println!("xmllint:        {theirs:.2} s CPU ({} runs, one per kind)", KINDS.len());
    println!("ratio:          {:.3}", ours / theirs);
    Ok(())
}
