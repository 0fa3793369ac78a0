//! A synthetic public data file in the real layout and names, to test and measure on: the
//! emulator's generated people, ORCID's own samples and the repository's example items, and
//! the edge cases (record placeholders, unknown content from a newer ORCID, non-ASCII text,
//! empty sections, one record with thousands of works).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use orcid_model::common::{OrcidIdentifier, Source};
use orcid_model::items::{AnyItem, Section};
use orcid_model::{Document, Layout, Mode, OrcidId, PutCode};

/// What to write.
#[derive(Debug, Clone)]
pub struct ReplicaOptions {
    /// How many records (iDs) in all.
    pub records: usize,
    /// The year in the file names (`ORCID_<year>_10_summaries.tar.gz`).
    pub year: u16,
    /// ORCID's `read_samples` folder (its items are spread over the records), if at hand.
    pub samples: Option<PathBuf>,
    /// The repository's example items (`tests/items`), if at hand.
    pub items: Option<PathBuf>,
    /// The record given thousands of works (by its number).
    pub big_record: usize,
    /// How many works it gets.
    pub big_record_works: usize,
    /// Whether one record's entry is malformed XML (cut short), for tests of what a dump
    /// skips and reports.
    pub malformed: bool,
}

impl ReplicaOptions {
    /// `records` records, ORCID's and the repository's items not included.
    pub fn new(records: usize) -> ReplicaOptions {
        ReplicaOptions { records, year: 2025, samples: None, items: None, big_record: 7, big_record_works: 3000, malformed: false }
    }
}

/// What was written.
#[derive(Debug, Default, Clone)]
pub struct ReplicaSummary {
    /// The tarballs, summaries first.
    pub tarballs: Vec<PathBuf>,
    /// Records written (record documents).
    pub records: u64,
    /// Placeholders written in their place.
    pub placeholders: u64,
    /// Items written, per section folder (`works` ...).
    pub items: std::collections::BTreeMap<String, u64>,
    /// Items holding unknown content (from "a newer ORCID").
    pub unknown_items: u64,
}

/// A tarball being written.
struct Tarball {
    builder: tar::Builder<flate2::write::GzEncoder<std::io::BufWriter<std::fs::File>>>,
}

impl Tarball {
    fn create(path: &Path) -> std::io::Result<Tarball> {
        let file = std::io::BufWriter::new(std::fs::File::create(path)?);
        Ok(Tarball { builder: tar::Builder::new(flate2::write::GzEncoder::new(file, flate2::Compression::fast())) })
    }

    fn add(&mut self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_760_000_000);
        header.set_entry_type(tar::EntryType::Regular);
        self.builder.append_data(&mut header, path, bytes)
    }

    fn finish(self) -> std::io::Result<()> {
        let encoder = self.builder.into_inner()?;
        encoder.finish()?.flush()
    }
}

/// The first replica iD's number.
const FIRST: u64 = 40_000_000;

/// Items from files (ORCID's samples, the repository's items), to spread over records.
fn items_in(folder: &Path) -> Vec<Box<dyn AnyItem>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "xml")).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|bytes| Document::from_xml_bytes(&bytes, Mode::Lenient).ok())
        .filter_map(|doc| doc.into_item().ok())
        .filter(|item| !item.section().is_person())
        .collect()
}

/// Writes the replica into `out`: `ORCID_<year>_10_summaries.tar.gz` and the eleven
/// `ORCID_<year>_10_activities_<c>.tar.gz`.
pub fn write(out: &Path, options: &ReplicaOptions) -> std::io::Result<ReplicaSummary> {
    std::fs::create_dir_all(out)?;
    let mut summary = ReplicaSummary::default();
    let prefix = format!("ORCID_{}_10", options.year);
    let summaries_path = out.join(format!("{prefix}_summaries.tar.gz"));
    let mut summaries = Tarball::create(&summaries_path)?;
    let checks: Vec<char> = "0123456789X".chars().collect();
    let mut activity_paths = Vec::new();
    let mut activities = Vec::new();
    for c in &checks {
        let path = out.join(format!("{prefix}_activities_{c}.tar.gz"));
        activities.push(Tarball::create(&path)?);
        activity_paths.push(path);
    }
    let people = orcid_emulator::generated_people(options.records);
    let mut extra: Vec<Box<dyn AnyItem>> = Vec::new();
    for folder in [&options.samples, &options.items].into_iter().flatten() {
        extra.extend(items_in(folder));
    }
    // ORCID's record sample gives the person's other names, keywords, links, identifiers,
    // addresses and emails (with the name made each record's own).
    let template = options
        .samples
        .as_ref()
        .and_then(|dir| std::fs::read(dir.join("record-3.0.xml")).ok())
        .and_then(|bytes| match Document::from_xml_bytes(&bytes, Mode::Lenient) {
            Ok(Document::Record(record)) => Some(record),
            _ => None,
        })
        .unwrap_or_default();
    let mut put_code: i64 = 1000;
    for (n, person) in people.iter().enumerate() {
        let orcid = OrcidId::from_number(FIRST + n as u64).expect("a number in range").as_str().to_owned();
        let summary_path = format!("summaries/{}/{orcid}.xml", &orcid[orcid.len() - 3..]);
        // Every 97th record is a placeholder: deactivated, deprecated or locked.
        if n % 97 == 13 {
            let (code, message) = match (n / 97) % 3 {
                0 => (410, format!("410 Gone: The ORCID record {orcid} has been deactivated.")),
                1 => (409, format!("409 Conflict: The ORCID record {orcid} is deprecated; its primary record is 0000-0002-1825-0097.")),
                _ => (409, format!("409 Conflict: The ORCID record {orcid} is locked and cannot be edited.")),
            };
            let error = orcid_model::error::Error::new(code, message);
            summaries.add(&summary_path, Document::Error(error).to_xml_string(Layout::Indented).as_bytes())?;
            summary.placeholders += 1;
            continue;
        }
        let source = researcher_source(&orcid, &person.name);
        let mut items: Vec<Box<dyn AnyItem>> = Vec::new();
        // Every 11th record has empty activity sections.
        if n % 11 != 5 {
            items.extend(person.employments.iter().map(|e| Box::new(e.clone()) as Box<dyn AnyItem>));
            items.extend(person.works.iter().map(|w| Box::new(w.clone()) as Box<dyn AnyItem>));
            if !extra.is_empty() && n % 3 == 0 {
                items.push(extra[(n / 3) % extra.len()].clone_item());
            }
            if n == options.big_record {
                let work = &person.works[0];
                for k in 0..options.big_record_works {
                    let mut w = work.clone();
                    w.title.title = format!("{} (part {k})", w.title.title);
                    if let Some(ids) = &mut w.external_ids {
                        for id in &mut ids.external_ids {
                            id.external_id_value = format!("10.5555/big.{k}");
                        }
                    }
                    items.push(Box::new(w));
                }
            }
        }
        let mut by_section: Vec<(Section, Vec<Box<dyn AnyItem>>)> = Vec::new();
        for mut item in items {
            put_code += 1;
            let section = item.section();
            item.set_put_code(Some(PutCode::from(put_code)));
            let path = format!("/{orcid}/{}/{put_code}", section.path());
            item.set_stored(Some(source.clone()), None, None, Some(path));
            let folder = section.list_path();
            let mut xml = item.to_document().to_xml_string(Layout::Indented);
            // Every 50th item carries content from "a newer ORCID".
            if put_code % 50 == 0
                && let Some(end) = xml.rfind("</")
            {
                xml.insert_str(
                    end,
                    "<x:impact-statement xmlns:x=\"https://example.org/orcid-next\">Zuerst veröffentlicht — 初版</x:impact-statement>\n",
                );
                summary.unknown_items += 1;
            }
            let check = orcid.chars().last().unwrap_or('0');
            let index = checks.iter().position(|c| *c == check).unwrap_or(0);
            let entry = format!("{check}/{}/{orcid}/{folder}/{orcid}_{folder}_{put_code}.xml", &orcid[15..18]);
            activities[index].add(&entry, xml.as_bytes())?;
            *summary.items.entry(folder.to_owned()).or_default() += 1;
            match by_section.iter_mut().find(|(s, _)| *s == section) {
                Some((_, list)) => list.push(item),
                None => by_section.push((section, vec![item])),
            }
        }
        let record = record_of(&template, &orcid, &person.name, &by_section);
        let xml = Document::Record(record).to_xml_string(Layout::Indented);
        // The third record's entry, cut short, when asked.
        let bytes = xml.as_bytes();
        let bytes = if options.malformed && n == 3 { &bytes[..bytes.len() / 2] } else { bytes };
        summaries.add(&summary_path, bytes)?;
        summary.records += 1;
    }
    summaries.finish()?;
    for tarball in activities {
        tarball.finish()?;
    }
    summary.tarballs.push(summaries_path);
    summary.tarballs.extend(activity_paths);
    Ok(summary)
}

/// An iD as ORCID's production registry writes it.
fn orcid_identifier(orcid: &str) -> OrcidIdentifier {
    OrcidIdentifier::new().with_uri(format!("https://orcid.org/{orcid}")).with_path(orcid).with_host("orcid.org")
}

fn researcher_source(orcid: &str, name: &str) -> Source {
    Source::new().with_source_orcid(orcid_identifier(orcid)).with_source_name(name)
}

/// A record: the iD, the name, and the summaries of its activities.
fn record_of(
    template: &orcid_model::record::Record,
    orcid: &str,
    name: &str,
    sections: &[(Section, Vec<Box<dyn AnyItem>>)],
) -> orcid_model::record::Record {
    use orcid_model::activities::ActivitiesSummary;
    use orcid_model::email::Emails;
    use orcid_model::person::Person;
    let mut record = template.clone();
    record.path = Some(format!("/{orcid}"));
    record.orcid_identifier = Some(Box::new(orcid_identifier(orcid)));
    let (given, family) = name.split_once(' ').unwrap_or((name, ""));
    let mut person = record.person.take().unwrap_or_else(|| Person::new(Emails::new()));
    let mut full_name = person.name.take().unwrap_or_default();
    full_name.given_names = Some(given.to_owned());
    full_name.family_name = (!family.is_empty()).then(|| family.to_owned());
    full_name.credit_name = Some(name.to_owned());
    person.name = Some(full_name);
    record.person = Some(person);
    let mut activities = ActivitiesSummary::new();
    for (section, items) in sections {
        let refs: Vec<&dyn AnyItem> = items.iter().map(|i| &**i).collect();
        match section.list_of(&refs) {
            Document::Works(v) => activities.works = Some(v),
            Document::Employments(v) => activities.employments = Some(v),
            Document::Educations(v) => activities.educations = Some(v),
            Document::Distinctions(v) => activities.distinctions = Some(v),
            Document::InvitedPositions(v) => activities.invited_positions = Some(v),
            Document::Memberships(v) => activities.memberships = Some(v),
            Document::Qualifications(v) => activities.qualifications = Some(v),
            Document::Services(v) => activities.services = Some(v),
            Document::Fundings(v) => activities.fundings = Some(v),
            Document::PeerReviews(v) => activities.peer_reviews = Some(v),
            Document::ResearchResources(v) => activities.research_resources = Some(v),
            _ => {}
        }
    }
    record.activities_summary = Some(activities);
    record
}
