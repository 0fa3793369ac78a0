//! The items a client writes to a record, one section each, as ORCID's API addresses them.
//!
//! The list of sections is generated once ([`Section`]) and used by the client, the emulator
//! and the command line; each item type knows its section ([`RecordItem`]).
//!
//! ```
//! use orcid_model::items::{AnyItem, ListEntry, RecordItem, Section};
//! use orcid_model::work::{Work, WorkTitle};
//! use orcid_model::vocabulary::WorkType;
//! use orcid_model::PutCode;
//!
//! assert_eq!(Work::SECTION, Section::Work);
//! assert_eq!(Section::Work.list_path(), "works");
//! let mut work = Work::new(WorkTitle::new("On ORCID"), WorkType::JournalArticle);
//! work.set_put_code(Some(PutCode::new(12)));
//! assert_eq!(work.put_code(), Some(PutCode::new(12)));
//! assert_eq!(work.to_summary().title.title, "On ORCID");
//! ```

use crate::common::{ExternalId, ExternalIds, Source, Visibility};
use crate::vocabulary::Relationship;
use crate::{DateTime, Element, Kind, PutCode};

pub use crate::generated::sections::Section;

/// What every entry of a section's list has, whatever the section: an activity's summary, or
/// a person item (which its list holds as it is). Object-safe, so that
/// [`Document::list_entries`](crate::Document::list_entries) serves any section.
pub trait ListEntry: std::fmt::Debug + Send + Sync {
    /// The put-code, set by ORCID when the item is created.
    fn put_code(&self) -> Option<PutCode>;
    /// Who added the item (a member's client, or the researcher).
    fn source(&self) -> Option<&Source>;
    /// The visibility.
    fn visibility(&self) -> Option<&Visibility>;
    /// The external identifiers (none for person items).
    fn external_ids(&self) -> Option<&ExternalIds>;

    /// The external identifiers with relationship `self`: what ORCID finds duplicates by and
    /// groups lists by.
    fn self_external_ids(&self) -> Vec<&ExternalId> {
        self.external_ids().map_or_else(Vec::new, |ids| {
            ids.external_ids.iter().filter(|id| id.external_id_relationship == Some(Relationship::Self_)).collect()
        })
    }

    /// The client id of the member client that added the item; `None` when the researcher
    /// did (or no source is given).
    fn source_client_id(&self) -> Option<&str> {
        self.source()?.source_client_id.as_ref()?.path.as_deref()
    }
}

/// Any section's item, at run time: what code that meets items of several sections (a folder
/// of files, an emulator's store) needs, without naming the item's type.
///
/// ```
/// use orcid_model::{Document, Mode};
/// use orcid_model::items::Section;
/// let xml = r#"<keyword:keyword xmlns:keyword="http://www.orcid.org/ns/keyword"><keyword:content>fish</keyword:content></keyword:keyword>"#;
/// let item = Document::from_xml_str(xml, Mode::Strict)?.into_item().expect("a keyword is an item");
/// assert_eq!(item.section(), Section::Keyword);
/// assert_eq!(item.put_code(), None);
/// # Ok::<(), orcid_model::ReadError>(())
/// ```
pub trait AnyItem: ListEntry {
    /// The item's section.
    fn section(&self) -> Section;
    /// Sets or clears the put-code.
    fn set_put_code(&mut self, put_code: Option<PutCode>);
    /// Sets or clears the visibility.
    fn set_visibility(&mut self, visibility: Option<Visibility>);
    /// When ORCID stored the item first.
    fn created_date(&self) -> Option<&DateTime>;
    /// Sets what ORCID sets when it stores an item: the source, the created and
    /// last-modified dates, and the item's path (`/{orcid}/{section}/{put-code}`).
    fn set_stored(&mut self, source: Option<Source>, created: Option<DateTime>, last_modified: Option<DateTime>, path: Option<String>);
    /// The keys ORCID finds duplicates of the item by (server rules §6.8, §5.10): `self`
    /// identifiers (and, for affiliations, identifiers without a relationship), or a person
    /// item's identity. Addresses have none (ORCID's comparison of addresses never matches).
    ///
    /// ```
    /// use orcid_model::items::{AnyItem, DuplicateKey};
    /// use orcid_model::keyword::Keyword;
    /// assert_eq!(AnyItem::duplicate_keys(&Keyword::new("fish")), [DuplicateKey::Person("fish".into())]);
    /// ```
    fn duplicate_keys(&self) -> Vec<DuplicateKey>;
    /// The item as a document (a copy), to write in either format.
    fn to_document(&self) -> crate::Document;
    /// A copy of the item.
    fn clone_item(&self) -> Box<dyn AnyItem>;
    /// The item as [`Any`](std::any::Any), to get its type back.
    fn as_any(&self) -> &dyn std::any::Any;
}

impl Clone for Box<dyn AnyItem> {
    fn clone(&self) -> Self {
        self.clone_item()
    }
}

/// An item written to a record through `/{orcid}/{section}`, typed: its summary and its
/// section's list.
pub trait RecordItem: AnyItem + Element + Clone + 'static {
    /// The item's section.
    const SECTION: Section;
    /// The section's list (`GET /{orcid}/{list}`).
    type Summaries: Element + Clone + std::fmt::Debug;
    /// One entry of that list: the item's summary (the item itself for person items).
    type Summary: ListEntry + Element + Clone;

    /// The item as its section's list shows it: the parts the summary has, field by field.
    fn to_summary(&self) -> Self::Summary;

    /// Every entry of a list of the section, in order, whatever groups hold them.
    fn summaries_in(list: &Self::Summaries) -> Vec<&Self::Summary>;

    /// The section's list holding `summaries`, grouped as ORCID groups it: by shared `self`
    /// identifiers (peer reviews by review group first); person items as they are.
    ///
    /// ```
    /// use orcid_model::items::RecordItem;
    /// use orcid_model::work::{Work, WorkTitle};
    /// use orcid_model::common::{ExternalId, ExternalIds};
    /// use orcid_model::vocabulary::{ExternalIdType, Relationship, WorkType};
    /// let doi = |v: &str| ExternalIds::from(vec![
    ///     ExternalId::new(ExternalIdType::Doi, v).with_external_id_relationship(Relationship::Self_)]);
    /// let a = Work::new(WorkTitle::new("A"), WorkType::Book).with_external_ids(doi("10.1/x"));
    /// let b = Work::new(WorkTitle::new("B"), WorkType::Book).with_external_ids(doi("10.1/X"));
    /// let list = Work::list_of(vec![a.to_summary(), b.to_summary()]);
    /// assert_eq!(list.groups.len(), 1); // DOIs compare without case
    /// assert_eq!(Work::summaries_in(&list).len(), 2);
    /// ```
    fn list_of(summaries: Vec<Self::Summary>) -> Self::Summaries;
}

impl Section {
    /// The section whose items are documents of this kind.
    pub fn of_kind(kind: Kind) -> Option<Section> {
        Section::ALL.iter().copied().find(|s| s.kind() == kind)
    }

    /// The section with this path segment (one item's or the list's).
    pub fn from_path(path: &str) -> Option<Section> {
        Section::ALL.iter().copied().find(|s| s.path() == path || s.list_path() == path)
    }
}

impl std::str::FromStr for Section {
    type Err = String;
    /// A section by its path segment, one item's or the list's (`work`, `works`, `keywords`).
    ///
    /// ```
    /// use orcid_model::items::Section;
    /// assert_eq!("works".parse::<Section>(), Ok(Section::Work));
    /// assert!("record".parse::<Section>().unwrap_err().starts_with("unknown section `record`; sections: work, funding"));
    /// ```
    fn from_str(name: &str) -> Result<Section, String> {
        Section::from_path(name).ok_or_else(|| {
            let all: Vec<&str> = Section::ALL.iter().map(|s| s.path()).collect();
            format!("unknown section `{name}`; sections: {}", all.join(", "))
        })
    }
}

impl std::fmt::Display for Section {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.path())
    }
}

/// What ORCID finds duplicates by (server rules §6.8, §5.10): two items of one section from
/// the same source are duplicates when they share a key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DuplicateKey {
    /// An activity's external identifier with relationship `self`, or without a relationship
    /// (only affiliations may lack one; two such ids match each other, not a `self` one).
    Id {
        /// Whether the relationship is `self` (else there is none).
        self_relationship: bool,
        /// The type and the value as ORCID compares them (normalised; raw for fundings).
        key: crate::normalise::IdKey,
    },
    /// A person item's identity: an other name's or keyword's content, a researcher URL's
    /// url, a person identifier's type and value; compared exactly.
    Person(String),
}

/// Whether a section's identifiers are compared as written rather than normalised (fundings').
fn compares_raw(section: Section) -> bool {
    section == Section::Funding
}

impl DuplicateKey {
    /// The duplicate keys of an activity of `section` with these external identifiers: those
    /// with relationship `self`, or none (affiliations), normalised as ORCID compares them
    /// (fundings' as written). What an activity's summary in a list is found by too.
    ///
    /// ```
    /// use orcid_model::common::{ExternalId, ExternalIds};
    /// use orcid_model::items::{DuplicateKey, Section};
    /// use orcid_model::vocabulary::{ExternalIdType, Relationship};
    /// let ids = ExternalIds::from(vec![
    ///     ExternalId::new(ExternalIdType::Doi, "https://doi.org/10.1/X").with_external_id_relationship(Relationship::Self_),
    ///     ExternalId::new(ExternalIdType::Doi, "10.1/y").with_external_id_relationship(Relationship::PartOf),
    /// ]);
    /// let keys = DuplicateKey::of_external_ids(Some(&ids), Section::Work);
    /// assert!(matches!(&keys[..], [DuplicateKey::Id { self_relationship: true, key }] if key.value() == "10.1/x"));
    /// ```
    pub fn of_external_ids(ids: Option<&ExternalIds>, section: Section) -> Vec<DuplicateKey> {
        use crate::normalise::IdKey;
        let raw = compares_raw(section);
        ids.map(|ids| ids.external_ids.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(|id| {
                let self_relationship = match &id.external_id_relationship {
                    Some(Relationship::Self_) => true,
                    None => false,
                    Some(_) => return None,
                };
                let (kind, value) = (id.external_id_type.as_str(), id.external_id_value.as_str());
                let key = if raw { IdKey::raw(kind, value) } else { IdKey::normalised(kind, value) };
                Some(DuplicateKey::Id { self_relationship, key })
            })
            .collect()
    }
}

/// Entries grouped as ORCID groups a section's list: an entry joins the first group it shares
/// a duplicate key with; each group is named by its members' `self` identifiers, once each
/// (generated `RecordItem::list_of` uses this).
pub(crate) fn group_by_self_ids<S: ListEntry>(entries: Vec<S>, section: Section) -> Vec<(ExternalIds, Vec<S>)> {
    let mut groups: Vec<(Vec<DuplicateKey>, Vec<S>)> = Vec::new();
    for entry in entries {
        let keys = DuplicateKey::of_external_ids(entry.external_ids(), section);
        match groups.iter_mut().find(|(g, _)| keys.iter().any(|k| g.contains(k))) {
            Some((g, members)) => {
                g.extend(keys);
                members.push(entry);
            }
            None => groups.push((keys, vec![entry])),
        }
    }
    groups
        .into_iter()
        .map(|(_, members)| {
            let mut ids = ExternalIds::new();
            let mut seen = std::collections::HashSet::new();
            for id in members.iter().flat_map(|m| m.self_external_ids()) {
                if seen.insert(crate::normalise::IdKey::normalised(id.external_id_type.as_str(), &id.external_id_value)) {
                    ids.external_ids.push(id.clone());
                }
            }
            (ids, members)
        })
        .collect()
}

/// Entries grouped by a key, in the order each key first appears.
pub(crate) fn group_by_key<S>(entries: Vec<S>, key: impl Fn(&S) -> String) -> Vec<(String, Vec<S>)> {
    let mut groups: Vec<(String, Vec<S>)> = Vec::new();
    for entry in entries {
        let k = key(&entry);
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, members)) => members.push(entry),
            None => groups.push((k, vec![entry])),
        }
    }
    groups
}

/// The put-code an ORCID duplicate error (9021) names: ORCID's message says
/// "... please see element with put-code 1234 ...".
pub fn put_code_in_duplicate_message(message: &str) -> Option<PutCode> {
    let at = message.find("put-code")? + "put-code".len();
    let digits: String = message[at..].trim_start().chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().map(PutCode::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::content::ReadMode;
    use crate::runtime::output::XmlOutput;
    use crate::runtime::xml_in::XmlInput;
    use crate::{Document, Layout, Mode};

    /// The summary as reading the item's XML under the summary's root gives it (what the
    /// model did before summaries were generated): the oracle for `to_summary`.
    fn summary_through_xml<T: RecordItem>(item: &T) -> T::Summary {
        let name = <T::Summary as Element>::NAME;
        let xml = XmlOutput::new(Layout::Compact, false).document((name.ns, name.local), item);
        let xml = xml
            .replace("<peer-review:review-identifiers>", "<common:external-ids>")
            .replace("</peer-review:review-identifiers>", "</common:external-ids>");
        let xml = xml.replace("peer-review:review-completion-date>", "peer-review:completion-date>");
        let mut input = XmlInput::new(&xml, ReadMode::Lenient);
        input.core().keep_unknown = false;
        let root = input.root().expect("a root");
        input.set_entering(root);
        let value = <T::Summary as crate::__private::Read>::read(&mut input).expect("the summary reads");
        input.finish().expect("the document ends");
        value
    }

    fn check<T: RecordItem + PartialEq>(item: &T) -> usize
    where
        T::Summary: PartialEq,
    {
        assert_eq!(item.to_summary(), summary_through_xml(item), "{}", T::SECTION);
        let list = T::list_of(vec![item.to_summary(), item.to_summary()]);
        assert_eq!(T::summaries_in(&list).len(), 2);
        1
    }

    fn samples() -> Vec<std::path::PathBuf> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../schemas/upstream/src/main/resources/record_3.0/samples/write_samples");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}: run `cargo xtask schemas fetch` first", dir.display()))
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn generated_summaries_are_what_the_xml_projection_gave() {
        let mut checked = Vec::new();
        for path in samples() {
            let doc = Document::from_xml_bytes(&std::fs::read(&path).expect("readable"), Mode::Lenient).expect("a sample reads");
            let n = match &doc {
                Document::Work(i) => check(i),
                Document::Funding(i) => check(i),
                Document::PeerReview(i) => check(i),
                Document::ResearchResource(i) => check(i),
                Document::Employment(i) => check(i),
                Document::Education(i) => check(i),
                Document::Distinction(i) => check(i),
                Document::InvitedPosition(i) => check(i),
                Document::Membership(i) => check(i),
                Document::Qualification(i) => check(i),
                Document::Service(i) => check(i),
                Document::OtherName(i) => check(i),
                Document::Keyword(i) => check(i),
                Document::ResearcherUrl(i) => check(i),
                Document::ExternalIdentifier(i) => check(i),
                Document::Address(i) => check(i),
                _ => 0,
            };
            if n > 0 {
                checked.push(doc.kind());
            }
        }
        let sections: std::collections::BTreeSet<_> = checked.iter().filter_map(|k| Section::of_kind(*k)).collect();
        assert_eq!(sections.len(), Section::ALL.len(), "every section has a sample: {sections:?}");
    }

    #[test]
    fn lists_group_by_shared_self_ids_and_peer_reviews_by_group_first() {
        use crate::common::{ExternalId, Organization, OrganizationAddress};
        use crate::peer_review::PeerReview;
        use crate::vocabulary::{Country, ExternalIdType, PeerReviewRole, PeerReviewType};
        let ids = |v: &str| {
            ExternalIds::from(vec![
                ExternalId::new(ExternalIdType::from("source-work-id"), v).with_external_id_relationship(Relationship::Self_),
            ])
        };
        let org = Organization::new("Example Press", OrganizationAddress::new().with_country(Country::from("GB")));
        let review = |group: &str, id: &str| {
            PeerReview::new(
                PeerReviewRole::Reviewer,
                ids(id),
                PeerReviewType::Review,
                crate::common::FuzzyDate::new(2024),
                group,
                org.clone(),
            )
        };
        let list = PeerReview::list_of(
            [review("g1", "a"), review("g2", "b"), review("g1", "a"), review("g1", "c")].iter().map(RecordItem::to_summary).collect(),
        );
        let shape: Vec<(String, Vec<usize>)> = list
            .groups
            .iter()
            .map(|g| {
                (
                    g.external_ids.external_ids[0].external_id_value.clone(),
                    g.peer_review_groups.iter().map(|d| d.peer_review_summaries.len()).collect(),
                )
            })
            .collect();
        assert_eq!(shape, [("g1".to_owned(), vec![2, 1]), ("g2".to_owned(), vec![1])]);
        assert_eq!(list.groups[0].external_ids.external_ids[0].external_id_type.as_str(), "peer-review");
        assert_eq!(PeerReview::summaries_in(&list).len(), 4);
        let doc = Document::PeerReviews(list);
        assert_eq!(doc.list_entries().map(|e| e.len()), Some(4));
    }
}
