//! `cargo xtask schemas fetch|update|check`: ORCID's files, pinned by commit and checksum.
//!
//! The files are ORCID's, not ours, so they are never committed: `schemas/orcid-model.lock`
//! names the upstream commit (with its release and date) and the SHA-256 of every file we use:
//! the 3.0 XSDs and samples, the Java enums ORCID's lists come from, and `pom.xml` (the release).
//! `fetch` fills the git-ignored folder `schemas/upstream/` from a git clone of upstream (read at
//! any commit), a plain folder at the pinned commit, or GitHub.

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
const COMMIT_API: &str = "https://api.github.com/repos/ORCID/orcid-model/commits";
const BRANCH_API: &str = "https://api.github.com/repos/ORCID/orcid-model/branches";

/// Where upstream keeps the Java enums that hold the lists the XSDs type as plain strings.
pub const JAVA_ENUMS: &str = "src/main/java/org/orcid/jaxb/model/common/";

/// The upstream paths the project uses: the 3.0 message schema's folders, the Java enums and
/// `pom.xml` (whose version names the release).
const SCOPE: &[&str] = &[
    "src/main/resources/common_3.0/",
    "src/main/resources/record_3.0/",
    "src/main/resources/summary_3.0/",
    "src/main/resources/group-id-3.0/",
    "src/main/resources/notification_3.0/",
    "src/main/resources/client_3.0/",
    "src/main/resources/xml.xsd",
];

/// Whether an upstream path is one the project uses: a 3.0 XSD or sample, a Java enum of the
/// lists (not its adapters, one folder down), or `pom.xml`.
pub fn in_scope(path: &str) -> bool {
    if path == "pom.xml" {
        return true;
    }
    if let Some(name) = path.strip_prefix(JAVA_ENUMS) {
        return name.ends_with(".java") && !name.contains('/');
    }
    let wanted_ext = [".xsd", ".xml", ".json"].iter().any(|e| path.ends_with(e));
    wanted_ext && SCOPE.iter().any(|s| path.starts_with(s))
}

/// `schemas/orcid-model.lock`: what is pinned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    /// The upstream commit.
    pub commit: String,
    /// The release (`pom.xml`'s version at the commit), when known.
    pub release: Option<String>,
    /// The commit's date (`YYYY-MM-DD`), when known.
    pub date: Option<String>,
    /// Upstream path → lower-case hex SHA-256.
    pub files: BTreeMap<String, String>,
}

/// What the generated model says of the ORCID snapshot it was made from.
impl Lock {
    /// `3.3.8 (0f61fa6, 2025-08-26)`: how users are told which ORCID a build knows.
    pub fn snapshot(&self) -> String {
        let short = &self.commit[..self.commit.len().min(7)];
        format!("{} ({short}, {})", self.release.as_deref().unwrap_or("unreleased"), self.date.as_deref().unwrap_or("date unknown"))
    }
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
        let text_of = |key: &str| doc.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let (release, date) = (text_of("release"), text_of("date"));
        let table = doc.get("files").and_then(|v| v.as_table()).with_context(|| format!("{}: missing [files]", path.display()))?;
        let mut files = BTreeMap::new();
        for (name, sum) in table {
            let sum = sum.as_str().filter(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()));
            let Some(sum) = sum else {
                bail!("{}: [files] {name:?} must be a 64-digit hex SHA-256", path.display());
            };
            files.insert(name.clone(), sum.to_ascii_lowercase());
        }
        Ok(Lock { commit, release, date, files })
    }

    /// The lock file's text: stable order, one file a line, so a re-pin reads as a short diff.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# ORCID's 3.0 message schema files, pinned by upstream commit and SHA-256.\n\
             # Written by `cargo xtask schemas update --rev REV`; `cargo xtask schemas fetch` checks them.\n",
        );
        out.push_str(&format!("upstream = \"{UPSTREAM}\"\ncommit = \"{}\"\n", self.commit));
        if let Some(release) = &self.release {
            out.push_str(&format!("release = \"{release}\"\n"));
        }
        if let Some(date) = &self.date {
            out.push_str(&format!("date = \"{date}\"\n"));
        }
        out.push_str("\n[files]\n");
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
    /// A git clone of the upstream repository (or a bare one, or a bundle's clone): read at any
    /// commit with `git`, whatever is checked out.
    Git(PathBuf),
    /// A plain folder laid out like the upstream repository, at the pinned commit.
    Dir(PathBuf),
    /// GitHub's raw file service at a commit.
    Web,
}

impl Source {
    /// `--from DIR`, else `ORCID_MODEL_DIR`, else the web. A folder holding a git repository is
    /// read through git at the commit asked for.
    pub fn choose(from: Option<PathBuf>) -> Source {
        match from.or_else(|| std::env::var_os("ORCID_MODEL_DIR").map(PathBuf::from)) {
            Some(dir) if is_git_repository(&dir) => Source::Git(dir),
            Some(dir) => Source::Dir(dir),
            None => Source::Web,
        }
    }

    /// Where the files come from, for messages.
    pub fn describe(&self, commit: &str) -> String {
        match self {
            Source::Git(d) => format!("the git repository {} at {commit}", d.display()),
            Source::Dir(d) => d.display().to_string(),
            Source::Web => format!("{RAW_BASE}/{commit}"),
        }
    }

    /// The full commit a revision names (a tag, a branch, a short hash with a git source; a
    /// full hash elsewhere).
    pub fn resolve(&self, rev: &str) -> Result<String> {
        match self {
            Source::Git(dir) => {
                let out = git(dir, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])?;
                let commit = String::from_utf8_lossy(&out).trim().to_owned();
                if commit.is_empty() {
                    bail!("{} has no commit {rev:?}", dir.display());
                }
                Ok(commit)
            }
            _ => {
                check_commit(rev)?;
                Ok(rev.to_ascii_lowercase())
            }
        }
    }

    /// The date (`YYYY-MM-DD`) of a commit, when the source can tell.
    pub fn commit_date(&self, commit: &str) -> Result<Option<String>> {
        match self {
            Source::Git(dir) => {
                let out = git(dir, &["log", "-1", "--format=%cs", commit])?;
                Ok(Some(String::from_utf8_lossy(&out).trim().to_owned()).filter(|d| !d.is_empty()))
            }
            Source::Dir(_) => Ok(None),
            Source::Web => {
                let url = format!("{COMMIT_API}/{commit}");
                let body = http_get(&url)?.with_context(|| format!("{url}: not found"))?;
                // The commit's JSON has `"date": "2025-08-26T..."` for its author and committer.
                let text = String::from_utf8_lossy(&body);
                Ok(text.split("\"date\":").nth(2).and_then(|s| s.trim_start().strip_prefix('"')).map(|s| s.chars().take(10).collect()))
            }
        }
    }

    /// The commit the upstream `main` branch is at, for `schemas check`.
    pub fn upstream_head(&self) -> Result<String> {
        match self {
            Source::Git(dir) => {
                // A clone's own main, or what it last fetched of upstream's: the later of the two.
                let heads: Vec<String> =
                    ["refs/heads/main", "refs/remotes/origin/main"].iter().filter_map(|r| self.resolve(r).ok()).collect();
                match heads.as_slice() {
                    [] => bail!("{} has no main branch (nor origin/main)", dir.display()),
                    [one] => Ok(one.clone()),
                    [a, b] if a == b => Ok(a.clone()),
                    [a, b] => {
                        let is_ancestor = |x: &str, y: &str| {
                            Command::new("git")
                                .arg("-C")
                                .arg(dir)
                                .args(["merge-base", "--is-ancestor", x, y])
                                .status()
                                .is_ok_and(|s| s.success())
                        };
                        if is_ancestor(a, b) {
                            Ok(b.clone())
                        } else if is_ancestor(b, a) {
                            Ok(a.clone())
                        } else {
                            bail!("{}: main and origin/main have diverged; say which to check with --from a clone at it", dir.display())
                        }
                    }
                    _ => unreachable!("two candidates at most"),
                }
            }
            Source::Dir(dir) => bail!("{} is a plain folder: it cannot say where upstream's main is (give a git clone)", dir.display()),
            Source::Web => {
                let url = format!("{BRANCH_API}/main");
                let body = http_get(&url)?.with_context(|| format!("{url}: not found"))?;
                let text = String::from_utf8_lossy(&body);
                let sha = text.split("\"sha\":").nth(1).and_then(|s| s.trim_start().strip_prefix('"')).and_then(|s| s.split('"').next());
                sha.map(str::to_owned).with_context(|| format!("{url}: no commit in the answer"))
            }
        }
    }

    /// Several files' bytes, in the order asked; `None` for each the source does not have.
    pub fn read_all(&self, commit: &str, paths: &[String]) -> Result<Vec<Option<Vec<u8>>>> {
        match self {
            Source::Git(dir) => git_blobs(dir, commit, paths),
            Source::Dir(dir) => paths
                .iter()
                .map(|path| {
                    let full = dir.join(path);
                    match fs::read(&full) {
                        Ok(b) => Ok(Some(b)),
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                        Err(e) => Err(e).with_context(|| format!("reading {}", full.display())),
                    }
                })
                .collect(),
            Source::Web => paths.iter().map(|path| http_get(&format!("{RAW_BASE}/{commit}/{path}"))).collect(),
        }
    }

    /// Every in-scope path the source holds at `commit`.
    fn list(&self, commit: &str) -> Result<Vec<String>> {
        let mut out = match self {
            Source::Git(dir) => {
                let listing = git(dir, &["ls-tree", "-r", "--name-only", "-z", commit])?;
                listing.split(|&b| b == 0).filter(|p| !p.is_empty()).map(|p| String::from_utf8_lossy(p).into_owned()).collect()
            }
            Source::Dir(dir) => {
                let mut out = Vec::new();
                walk(dir, dir, &mut out)?;
                out
            }
            Source::Web => {
                let url = format!("{TREE_API}/{commit}?recursive=1");
                let body = http_get(&url)?.with_context(|| format!("{url}: not found"))?;
                let text = String::from_utf8_lossy(&body);
                // The tree listing is JSON; every entry has a `"path": "..."` key.
                text.split("\"path\":")
                    .skip(1)
                    .filter_map(|s| s.trim_start().strip_prefix('"')?.split('"').next().map(str::to_owned))
                    .collect()
            }
        };
        out.retain(|p| in_scope(p));
        out.sort();
        Ok(out)
    }
}

fn is_git_repository(dir: &Path) -> bool {
    dir.join(".git").exists() || (dir.join("HEAD").is_file() && dir.join("objects").is_dir())
}

/// Runs git in `dir`; its output, or an error with what git said.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .context("running git (needed to read ORCID_MODEL_DIR as a git repository)")?;
    if !output.status.success() {
        bail!("git {} in {}: {}", args.join(" "), dir.display(), String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(output.stdout)
}

/// Reads blobs at `commit` through one `git cat-file --batch` (one process, not one a file).
fn git_blobs(dir: &Path, commit: &str, paths: &[String]) -> Result<Vec<Option<Vec<u8>>>> {
    use std::io::Write;
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["cat-file", "--batch"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("running git cat-file")?;
    let mut stdin = child.stdin.take().context("git's stdin")?;
    let request: String = paths.iter().map(|p| format!("{commit}:{p}\n")).collect();
    // Written on a thread: git answers while it reads, and a pipe holds only so much.
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let output = child.wait_with_output().context("reading git cat-file's answer")?;
    writer.join().map_err(|_| anyhow::anyhow!("writing to git cat-file panicked"))??;
    let mut rest = output.stdout.as_slice();
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        let end = rest.iter().position(|&b| b == b'\n').with_context(|| format!("git cat-file stopped before {path}"))?;
        let header = String::from_utf8_lossy(&rest[..end]).into_owned();
        rest = &rest[end + 1..];
        if header.ends_with(" missing") {
            out.push(None);
            continue;
        }
        let size: usize = header.rsplit(' ').next().and_then(|n| n.parse().ok()).with_context(|| format!("git cat-file: {header:?}"))?;
        if !header.contains(" blob ") || rest.len() < size + 1 {
            bail!("git cat-file: {path} at {commit} is not a whole file ({header:?})");
        }
        out.push(Some(rest[..size].to_vec()));
        rest = &rest[size + 1..];
    }
    Ok(out)
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
    let paths: Vec<String> = lock.files.keys().cloned().collect();
    let mut problems = Vec::new();
    let mut contents = Vec::new();
    for ((path, want), bytes) in lock.files.iter().zip(source.read_all(&lock.commit, &paths)?) {
        match bytes {
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
        let hint = match source {
            Source::Dir(_) => {
                "\n(a plain folder must hold upstream's files at the pinned commit, Java enums and pom.xml too; \
                               a git clone of ORCID/orcid-model is read at any commit)"
            }
            _ => "",
        };
        bail!("schemas fetch failed:\n  {}{hint}", problems.join("\n  "));
    }
    // The folder holds one commit's files and nothing else: a file of another pin left behind
    // (a schema newer than the pin) would be generated from.
    if dest.exists() {
        fs::remove_dir_all(dest).with_context(|| format!("clearing {}", dest.display()))?;
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Paths new at the new commit.
    pub added: Vec<String>,
    /// Paths gone at the new commit.
    pub removed: Vec<String>,
    /// Paths whose bytes differ.
    pub changed: Vec<String>,
}

/// `schemas update --rev REV`: pins `rev` (any revision a git source knows), listing the
/// source's in-scope files and hashing them, with the release `pom.xml` names and the date.
pub fn update(old: &Lock, source: &Source, rev: &str) -> Result<(Lock, Changes)> {
    let commit = source.resolve(rev)?;
    let paths = source.list(&commit)?;
    let mut files = BTreeMap::new();
    let mut release = None;
    for (path, bytes) in paths.iter().zip(source.read_all(&commit, &paths)?) {
        let bytes = bytes.with_context(|| format!("{path}: listed but not readable"))?;
        if path == "pom.xml" {
            release = pom_version(&String::from_utf8_lossy(&bytes));
        }
        files.insert(path.clone(), sha256_hex(&bytes));
    }
    if !files.keys().any(|p| p.ends_with(".xsd")) {
        bail!("{} holds no 3.0 schema files", source.describe(&commit));
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
    let date = source.commit_date(&commit)?;
    Ok((Lock { commit, release, date, files }, changes))
}

/// The project's own `<version>` in a `pom.xml`: the first one after its `<artifactId>` at the
/// top level (a `<parent>` block, which has its own, is skipped).
pub fn pom_version(pom: &str) -> Option<String> {
    let mut rest = pom;
    if let Some(parent_end) = rest.find("</parent>") {
        rest = &rest[parent_end..];
    }
    let after = &rest[rest.find("<artifactId>")?..];
    let start = after.find("<version>")? + "<version>".len();
    let end = after[start..].find("</version>")?;
    Some(after[start..start + end].trim().to_owned()).filter(|v| !v.is_empty())
}
