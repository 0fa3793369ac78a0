//! Copies the fetched XSDs into a staging folder, fixing upstream quirks on the way.
//!
//! This is the one place where ORCID's schema files are corrected before the parser sees them.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The XSDs of the 3.0 message schema, relative to `src/main/resources/`, in the order they are
/// parsed. A pin may lack some (the summary's XSD came with 3.3.1) or have more: what a pin has
/// and this list does not is parsed after these, in name order.
pub const XSD_FILES: &[&str] = &[
    "common_3.0/common-3.0.xsd",
    "record_3.0/activities-3.0.xsd",
    "record_3.0/address-3.0.xsd",
    "record_3.0/bulk-3.0.xsd",
    "record_3.0/distinction-3.0.xsd",
    "record_3.0/education-3.0.xsd",
    "record_3.0/email-3.0.xsd",
    "record_3.0/employment-3.0.xsd",
    "record_3.0/error-3.0.xsd",
    "record_3.0/expanded-search-3.0.xsd",
    "record_3.0/funding-3.0.xsd",
    "record_3.0/history-3.0.xsd",
    "record_3.0/invited-position-3.0.xsd",
    "record_3.0/keyword-3.0.xsd",
    "record_3.0/membership-3.0.xsd",
    "record_3.0/other-name-3.0.xsd",
    "record_3.0/peer-review-3.0.xsd",
    "record_3.0/person-3.0.xsd",
    "record_3.0/person-external-identifier-3.0.xsd",
    "record_3.0/personal-details-3.0.xsd",
    "record_3.0/preferences-3.0.xsd",
    "record_3.0/qualification-3.0.xsd",
    "record_3.0/record-3.0.xsd",
    "record_3.0/research-resource-3.0.xsd",
    "record_3.0/researcher-url-3.0.xsd",
    "record_3.0/search-3.0.xsd",
    "record_3.0/service-3.0.xsd",
    "record_3.0/work-3.0.xsd",
    "summary_3.0/summary-3.0.xsd",
    "group-id-3.0/group-id-3.0.xsd",
    "notification_3.0/notification-permission-3.0.xsd",
    "notification_3.0/notification-custom-3.0.xsd",
    "client_3.0/client-3.0.xsd",
    "xml.xsd",
];

/// Upstream quirks, as (text upstream has, what it should say).
///
/// client-3.0, group-id-3.0 and both notification 3.0 XSDs import the 2.1 schemas for the
/// namespaces that every other 3.0 XSD takes from the 3.0 files; the 2.1 files are not part
/// of the 3.0 message schema. Pointing the imports at the 3.0 files gives one consistent set
/// of types per namespace, which is also what ORCID's 3.0 API serves.
pub const FIXUPS: &[(&str, &str)] = &[
    ("../common_2.1/common-2.1.xsd", "../common_3.0/common-3.0.xsd"),
    ("../record_2.1/activities-2.1.xsd", "../record_3.0/activities-3.0.xsd"),
];

/// Stages the XSDs the pin has, from `upstream` (the fetched repository root) into `dest`.
/// Returns the staged files, in [`XSD_FILES`] order and then by name.
pub fn stage(upstream: &Path, dest: &Path) -> Result<Vec<PathBuf>> {
    let resources = upstream.join("src/main/resources");
    if !resources.join(XSD_FILES[0]).is_file() {
        anyhow::bail!("{} is missing: run `cargo xtask schemas fetch` first", resources.join(XSD_FILES[0]).display());
    }
    let mut fetched = Vec::new();
    collect_xsds(&resources, &resources, &mut fetched)?;
    fetched.sort();
    let mut order: Vec<String> = XSD_FILES.iter().filter(|rel| fetched.iter().any(|f| f == *rel)).map(|rel| rel.to_string()).collect();
    order.extend(fetched.into_iter().filter(|f| !XSD_FILES.contains(&f.as_str())));
    let mut staged = Vec::new();
    for rel in &order {
        let from = resources.join(rel);
        let mut text = fs::read_to_string(&from).with_context(|| format!("reading {}", from.display()))?;
        for (bad, good) in FIXUPS {
            text = text.replace(bad, good);
        }
        let to = dest.join(rel);
        fs::create_dir_all(to.parent().expect("has a parent"))?;
        fs::write(&to, text).with_context(|| format!("writing {}", to.display()))?;
        staged.push(to);
    }
    Ok(staged)
}

/// The `.xsd` files under `dir`, relative to `root`, `/`-separated.
fn collect_xsds(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_xsds(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "xsd")
            && let Ok(rel) = path.strip_prefix(root)
        {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}
