//! `cargo xtask lists refresh NAME`: re-reads a data file of `schemas/lists/` from where it
//! comes from, keeping the provenance lines true. These are the lists ORCID's model repository
//! does not hold, so the pin cannot carry them: ORCID's identifier registry, the CRediT roles of
//! ORCID-Source, and the currencies of the Java ORCID runs.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::codegen::java;
use crate::codegen::vocab::DataFile;
use crate::schemas::Source;

/// The data files `refresh` knows, with what `--from` means for each.
pub const DATA_FILES: &[(&str, &str)] = &[
    ("currency-codes", "(not used: runs the `java` on PATH)"),
    ("credit-roles", "a clone of ORCID/ORCID-Source (read at --rev, default HEAD) or a folder holding it"),
    ("external-id-types", "the JSON of ORCID's /v3.0/identifiers, as a file or an https URL"),
];

const CREDIT_ROLE_JAVA: &str = "orcid-core/src/main/java/org/orcid/core/contributors/roles/credit/CreditRole.java";

/// Writes `schemas/lists/NAME.tsv` anew; the file's text.
pub fn refresh(root: &Path, name: &str, from: Option<&str>, rev: &str) -> Result<String> {
    let data = match name {
        "currency-codes" => currencies(root)?,
        "credit-roles" => credit_roles(Path::new(from.context("credit-roles needs --from ORCID-SOURCE-CLONE")?), rev)?,
        "external-id-types" => identifier_types(from.context("external-id-types needs --from FILE-OR-URL")?)?,
        other => bail!("no data file {other:?}: refresh one of {}", DATA_FILES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")),
    };
    let text = data.render();
    let path = root.join("schemas/lists").join(format!("{name}.tsv"));
    // The new file must read back as a data file before it replaces the old one.
    DataFile::parse(&text, &path.display().to_string())?;
    std::fs::write(&path, &text).with_context(|| format!("writing {}", path.display()))?;
    Ok(text)
}

fn run(cmd: &mut Command, what: &str) -> Result<String> {
    let out = cmd.output().with_context(|| format!("running {what}"))?;
    if !out.status.success() {
        bail!("{what} failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `java.util.Currency.getAvailableCurrencies()`, read by a one-file Java program.
fn currencies(root: &Path) -> Result<DataFile> {
    let dir = crate::paths::scratch(root, "currencies");
    std::fs::create_dir_all(&dir)?;
    let program = dir.join("Currencies.java");
    std::fs::write(
        &program,
        "public class Currencies { public static void main(String[] a) {\n\
         System.out.println(System.getProperty(\"java.vm.name\") + \" \" + System.getProperty(\"java.runtime.version\") + \"\\t\" + java.time.LocalDate.now());\n\
         java.util.Currency.getAvailableCurrencies().stream().map(java.util.Currency::getCurrencyCode).sorted().forEach(System.out::println);\n\
         } }\n",
    )?;
    let out = run(Command::new("java").arg(&program), "java (a JDK on PATH; ORCID runs Java 21)")?;
    let mut lines = out.lines();
    let (runtime, date) = lines.next().and_then(|l| l.split_once('\t')).context("java printed nothing")?;
    let rows: Vec<_> = lines.map(|c| (c.to_owned(), None)).collect();
    Ok(DataFile {
        provenance: vec![
            "currency-codes: the codes java.util.Currency knows, which ORCID's CurrencyAdapter accepts (uppercase).".into(),
            format!("source: java.util.Currency.getAvailableCurrencies() of {runtime}, read {date}."),
            "  ORCID runs Java 21; its currency data follows ISO 4217 in every maintained JDK release.".into(),
            "refresh: cargo xtask lists refresh currency-codes (runs the `java` on PATH)".into(),
        ],
        rows,
    })
}

/// The CRediT roles of ORCID-Source's `CreditRole` enum.
fn credit_roles(from: &Path, rev: &str) -> Result<DataFile> {
    // ORCID-Source is read as upstream's model repository is: a clone at any revision.
    let (text, at) = match Source::choose(Some(from.to_path_buf())) {
        source @ Source::Git(_) => {
            let commit = source.resolve(rev)?;
            let date = source.commit_date(&commit)?.unwrap_or_else(|| "date unknown".into());
            let bytes = source.read_all(&commit, &[CREDIT_ROLE_JAVA.to_owned()])?.pop().flatten();
            let bytes = bytes.with_context(|| format!("{}: no {CREDIT_ROLE_JAVA} at {commit}", from.display()))?;
            let text = String::from_utf8(bytes).with_context(|| format!("{CREDIT_ROLE_JAVA}: not UTF-8"))?;
            (text, format!("at {commit} ({date})"))
        }
        _ => {
            let path = from.join(CREDIT_ROLE_JAVA);
            (std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?, "in a plain folder".to_owned())
        }
    };
    let e = java::read(&text, CREDIT_ROLE_JAVA)?;
    Ok(DataFile {
        provenance: vec![
            "credit-roles: the 14 CRediT role URIs ORCID accepts as a work's or funding's contributor role.".into(),
            format!("source: ORCID-Source {CREDIT_ROLE_JAVA}"),
            format!("  {at}, read with the generator's Java enum reader."),
            "refresh: cargo xtask lists refresh credit-roles --from ORCID-SOURCE-CLONE [--rev REV]".into(),
        ],
        rows: e.constants.into_iter().map(|c| (c.value, None)).collect(),
    })
}

/// ORCID's identifier registry from `/v3.0/identifiers` (JSON): every object with a `name`,
/// its `description` as the note.
fn identifier_types(from: &str) -> Result<DataFile> {
    let body = if from.starts_with("https://") || from.starts_with("http://") {
        run(
            Command::new("curl").args(["--silent", "--show-error", "--fail", "--location", "-H", "Accept: application/json", from]),
            "curl",
        )?
    } else {
        std::fs::read_to_string(from).with_context(|| format!("reading {from}"))?
    };
    let json: serde_json::Value = serde_json::from_str(&body).with_context(|| format!("{from}: not JSON"))?;
    let mut rows = Vec::new();
    collect_identifiers(&json, &mut rows);
    if rows.is_empty() {
        bail!("{from}: no identifier types (objects with a \"name\") in the answer");
    }
    Ok(DataFile {
        provenance: vec![
            "external-id-types: the identifier types of ORCID's registry, which work, funding, peer-review and".into(),
            "research-resource external ids name (person external ids name their own types).".into(),
            format!("source: {from}"),
            "refresh: cargo xtask lists refresh external-id-types --from FILE-OR-URL (the /v3.0/identifiers answer)".into(),
        ],
        rows,
    })
}

fn collect_identifiers(v: &serde_json::Value, out: &mut Vec<(String, Option<String>)>) {
    match v {
        serde_json::Value::Object(map) => match map.get("name").and_then(|n| n.as_str()) {
            Some(name) if !out.iter().any(|(n, _)| n == name) => {
                let note = map.get("description").and_then(|d| d.as_str()).map(|d| d.replace(['\t', '\n'], " "));
                out.push((name.to_owned(), note));
            }
            Some(_) => {}
            None => map.values().for_each(|x| collect_identifiers(x, out)),
        },
        serde_json::Value::Array(items) => items.iter().for_each(|x| collect_identifiers(x, out)),
        _ => {}
    }
}
