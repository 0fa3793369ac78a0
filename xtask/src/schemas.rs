//! `cargo xtask schemas fetch|update`: ORCID's schema files, pinned by commit and checksum.
//!
//! The files are ORCID's, not ours, so they are never committed: `schemas/orcid-model.lock`
//! names the upstream commit and the SHA-256 of every file we use, and `fetch` fills the
//! git-ignored folder `schemas/upstream/` from a local mirror or from GitHub's raw file service.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

/// The upstream repository, as named in the lock file.
pub const UPSTREAM: &str = "https://github.com/ORCID/orcid-model";
const RAW_BASE: &str = "https://raw.githubusercontent.com/ORCID/orcid-model";
const TREE_API: &str = "https://api.github.com/repos/ORCID/orcid-model/git/trees";

/// The folders under `src/main/resources/` that make up the 3.0 message schema.
const SCOPE: &[&str] = &[
    "src/main/resources/common_3.0/",
    "src/main/resources/record_3.0/",
    "src/main/resources/summary_3.0/",
    "src/main/resources/group-id-3.0/",
    "src/main/resources/notification_3.0/",
    "src/main/resources/client_3.0/",
    "src/main/resources/xml.xsd",
];

/// Whether an upstream path is one the project uses: a 3.0 XSD or sample.
pub fn in_scope(path: &str) -> bool {
    let wanted_ext = [".xsd", ".xml", ".json"].iter().any(|e| path.ends_with(e));
    wanted_ext && SCOPE.iter().any(|s| path.starts_with(s))
}

/// `schemas/orcid-model.lock`: what is pinned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    /// The upstream commit.
    pub commit: String,
    /// Upstream path → lower-case hex SHA-256.
    pub files: BTreeMap<String, String>,
}

impl Lock {
    /// Reads and checks the lock file.
    pub fn load(path: &Path) -> Result<Lock> {
        let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let doc: toml::Table = text.parse().with_context(|| format!("{}: not valid TOML", path.display()))?;
        let upstream = doc.get("upstream").and_then(|v| v.as_str()).unwrap_or_default();
        if upstream != UPSTREAM {
            bail!("{}: upstream must be {UPSTREAM}, found {upstream:?}", path.display());
        }
        let commit =
            doc.get("commit").and_then(|v| v.as_str()).with_context(|| format!("{}: missing `commit`", path.display()))?.to_owned();
        check_commit(&commit)?;
        let table = doc.get("files").and_then(|v| v.as_table()).with_context(|| format!("{}: missing [files]", path.display()))?;
        let mut files = BTreeMap::new();
        for (name, sum) in table {
            let sum = sum.as_str().filter(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()));
            let Some(sum) = sum else {
                bail!("{}: [files] {name:?} must be a 64-digit hex SHA-256", path.display());
            };
            files.insert(name.clone(), sum.to_ascii_lowercase());
        }
        Ok(Lock { commit, files })
    }

    /// The lock file's text: stable order, one file a line, so a re-pin reads as a short diff.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# ORCID's 3.0 message schema files, pinned by upstream commit and SHA-256.\n\
             # Written by `cargo xtask schemas update --rev REV`; `cargo xtask schemas fetch` checks them.\n",
        );
        out.push_str(&format!("upstream = \"{UPSTREAM}\"\ncommit = \"{}\"\n\n[files]\n", self.commit));
        for (name, sum) in &self.files {
            out.push_str(&format!("\"{name}\" = \"{sum}\"\n"));
        }
        out
    }
}

fn check_commit(commit: &str) -> Result<()> {
    if commit.len() != 40 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!("a commit is 40 hex digits, got {commit:?}");
    }
    Ok(())
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Where file contents come from.
pub enum Source {
    /// A local mirror laid out like the upstream repository.
    Dir(PathBuf),
    /// GitHub's raw file service at a commit.
    Web,
}

impl Source {
    /// `--from DIR`, else `ORCID_MODEL_DIR`, else the web.
    pub fn choose(from: Option<PathBuf>) -> Source {
        match from.or_else(|| std::env::var_os("ORCID_MODEL_DIR").map(PathBuf::from)) {
            Some(dir) => Source::Dir(dir),
            None => Source::Web,
        }
    }

    fn describe(&self, commit: &str) -> String {
        match self {
            Source::Dir(d) => d.display().to_string(),
            Source::Web => format!("{RAW_BASE}/{commit}"),
        }
    }

    /// One file's bytes; `Ok(None)` when the source does not have it.
    fn read(&self, commit: &str, path: &str) -> Result<Option<Vec<u8>>> {
        match self {
            Source::Dir(dir) => {
                let full = dir.join(path);
                match fs::read(&full) {
                    Ok(b) => Ok(Some(b)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(e).with_context(|| format!("reading {}", full.display())),
                }
            }
            Source::Web => http_get(&format!("{RAW_BASE}/{commit}/{path}")),
        }
    }

    /// Every in-scope path the source holds at `commit`.
    fn list(&self, commit: &str) -> Result<Vec<String>> {
        match self {
            Source::Dir(dir) => {
                let mut out = Vec::new();
                walk(dir, dir, &mut out)?;
                out.retain(|p| in_scope(p));
                out.sort();
                Ok(out)
            }
            Source::Web => {
                let url = format!("{TREE_API}/{commit}?recursive=1");
                let body = http_get(&url)?.with_context(|| format!("{url}: not found"))?;
                let text = String::from_utf8_lossy(&body);
                // The tree listing is JSON; every entry has a `"path": "..."` key.
                let mut out: Vec<String> = text
                    .split("\"path\":")
                    .skip(1)
                    .filter_map(|s| s.trim_start().strip_prefix('"')?.split('"').next().map(str::to_owned))
                    .filter(|p| in_scope(p))
                    .collect();
                out.sort();
                Ok(out)
            }
        }
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// Downloads with the system's `curl`, which keeps TLS out of our build.
fn http_get(url: &str) -> Result<Option<Vec<u8>>> {
    let output = Command::new("curl")
        .args(["--silent", "--show-error", "--location", "--fail-with-body", "--write-out", "\n%{http_code}", url])
        .output()
        .context("running curl (needed to download schemas without --from or ORCID_MODEL_DIR)")?;
    let mut body = output.stdout;
    let split = body.iter().rposition(|&b| b == b'\n').unwrap_or(0);
    let code = String::from_utf8_lossy(&body[split..]).trim().to_owned();
    body.truncate(split);
    match code.as_str() {
        "200" => Ok(Some(body)),
        "404" => Ok(None),
        _ => bail!("{url}: download failed (HTTP {code}): {}", String::from_utf8_lossy(&output.stderr).trim()),
    }
}

/// `schemas fetch`: copies every pinned file into `dest`, checking each checksum.
///
/// Every file is checked before any is written, so a bad mirror leaves the folder as it was.
pub fn fetch(lock: &Lock, source: &Source, dest: &Path) -> Result<usize> {
    let mut problems = Vec::new();
    let mut contents = Vec::new();
    for (path, want) in &lock.files {
        match source.read(&lock.commit, path)? {
            None => problems.push(format!("{path}: missing from {}", source.describe(&lock.commit))),
            Some(bytes) => {
                let got = sha256_hex(&bytes);
                if &got != want {
                    problems.push(format!("{path}: checksum mismatch: lock has {want}, file has {got}"));
                } else {
                    contents.push((path, bytes));
                }
            }
        }
    }
    if !problems.is_empty() {
        bail!("schemas fetch failed:\n  {}", problems.join("\n  "));
    }
    for (path, bytes) in &contents {
        let target = dest.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&target, bytes).with_context(|| format!("writing {}", target.display()))?;
    }
    fs::write(dest.join("COMMIT"), format!("{}\n", lock.commit))?;
    Ok(contents.len())
}

/// What a re-pin changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Paths new at the new commit.
    pub added: Vec<String>,
    /// Paths gone at the new commit.
    pub removed: Vec<String>,
    /// Paths whose bytes differ.
    pub changed: Vec<String>,
}

/// `schemas update --rev REV`: pins `rev`, listing the source's in-scope files and hashing them.
pub fn update(old: &Lock, source: &Source, rev: &str) -> Result<(Lock, Changes)> {
    check_commit(rev)?;
    let mut files = BTreeMap::new();
    for path in source.list(rev)? {
        let bytes = source.read(rev, &path)?.with_context(|| format!("{path}: listed but not readable"))?;
        files.insert(path, sha256_hex(&bytes));
    }
    if files.is_empty() {
        bail!("{} holds no 3.0 schema files", source.describe(rev));
    }
    let mut changes = Changes::default();
    for (path, sum) in &files {
        match old.files.get(path) {
            None => changes.added.push(path.clone()),
            Some(old_sum) if old_sum != sum => changes.changed.push(path.clone()),
            Some(_) => {}
        }
    }
    changes.removed = old.files.keys().filter(|p| !files.contains_key(*p)).cloned().collect();
    Ok((Lock { commit: rev.to_owned(), files }, changes))
}
