//! The items a client writes to a record, one section each, as ORCID's API addresses them.
//!
//! The list of sections is generated once ([`Section`]) and used by the client, the emulator
//! and the command line; each item type knows its section ([`RecordItem`]).
//!
//! ```
//! use orcid_model::items::{RecordItem, Section};
//! use orcid_model::work::{Work, WorkTitle};
//! use orcid_model::vocabulary::WorkType;
//! use orcid_model::PutCode;
//!
//! assert_eq!(Work::SECTION, Section::Work);
//! assert_eq!(Section::Work.list_path(), "works");
//! let mut work = Work::new(WorkTitle::new("On ORCID"), WorkType::JournalArticle);
//! work.set_put_code(Some(PutCode::new(12)));
//! assert_eq!(work.put_code(), Some(PutCode::new(12)));
//! ```

use crate::common::{ExternalId, ExternalIds, Source, Visibility};
use crate::vocabulary::Relationship;
use crate::{DateTime, Element, Kind, PutCode};

pub use crate::generated::sections::Section;

/// An item written to a record through `/{orcid}/{section}`.
pub trait RecordItem: Element + Clone + std::fmt::Debug + Send + Sync + 'static {
    /// The item's section.
    const SECTION: Section;
    /// The summaries the section's list answers with.
    type Summaries: Element + std::fmt::Debug;
    /// The summary of one item in that list (the item itself for person items).
    type Summary: Element + Clone + std::fmt::Debug;

    /// The put-code, set by ORCID when the item is created.
    fn put_code(&self) -> Option<PutCode>;
    /// Sets or clears the put-code.
    fn set_put_code(&mut self, put_code: Option<PutCode>);
    /// The visibility.
    fn visibility(&self) -> Option<&Visibility>;
    /// Sets or clears the visibility.
    fn set_visibility(&mut self, visibility: Option<Visibility>);
    /// The item's external identifiers (none for person items).
    fn external_ids(&self) -> Option<&ExternalIds>;
    /// When ORCID stored the item first.
    fn created_date(&self) -> Option<&DateTime>;
    /// Sets what ORCID sets when it stores an item: the source, the created and
    /// last-modified dates, and the item's path (`/{orcid}/{section}/{put-code}`).
    fn set_stored(&mut self, source: Option<Source>, created: Option<DateTime>, last_modified: Option<DateTime>, path: Option<String>);

    /// The item as its section's list shows it.
    fn to_summary(&self) -> Result<Self::Summary, crate::ReadError>;

    /// The item's external identifiers with relationship `self`: what ORCID finds
    /// duplicates by.
    fn self_external_ids(&self) -> Vec<&ExternalId> {
        self.external_ids().map_or_else(Vec::new, |ids| {
            ids.external_ids.iter().filter(|id| id.external_id_relationship == Some(Relationship::Self_)).collect()
        })
    }
}

/// Code written once for any [`RecordItem`], run for a [`Section`] known at run time through
/// [`Section::visit`].
///
/// ```
/// use orcid_model::items::{RecordItem, Section, SectionVisitor};
/// struct Root;
/// impl SectionVisitor for Root {
///     type Output = String;
///     fn visit<T: RecordItem>(self) -> String { T::NAME.to_string() }
/// }
/// assert_eq!(Section::Keyword.visit(Root), "keyword:keyword");
/// ```
pub trait SectionVisitor {
    /// What the visit gives.
    type Output;
    /// Runs with the section's item type.
    fn visit<T: RecordItem>(self) -> Self::Output;
}

/// Code written once for any [`RecordItem`], run with the item a [`Document`](crate::Document)
/// holds through [`Document::visit_item`](crate::Document::visit_item).
///
/// ```
/// use orcid_model::items::{ItemVisitor, RecordItem};
/// use orcid_model::{Document, Mode};
/// struct Path;
/// impl ItemVisitor for Path {
///     type Output = &'static str;
///     fn visit<T: RecordItem>(self, _item: T) -> &'static str { T::SECTION.path() }
/// }
/// let xml = r#"<keyword:keyword xmlns:keyword="http://www.orcid.org/ns/keyword"><keyword:content>fish</keyword:content></keyword:keyword>"#;
/// let doc = Document::from_xml_str(xml, Mode::Strict)?;
/// assert_eq!(doc.visit_item(Path).ok(), Some("keywords"));
/// # Ok::<(), orcid_model::ReadError>(())
/// ```
pub trait ItemVisitor {
    /// What the visit gives.
    type Output;
    /// Runs with the item.
    fn visit<T: RecordItem>(self, item: T) -> Self::Output;
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

/// The keys ORCID finds duplicates of `item` by. Addresses have none (ORCID's comparison of
/// addresses never matches).
///
/// ```
/// use orcid_model::items::{DuplicateKey, duplicate_keys};
/// use orcid_model::keyword::Keyword;
/// assert_eq!(duplicate_keys(&Keyword::new("fish")), [DuplicateKey::Person("fish".into())]);
/// ```
pub fn duplicate_keys<T: RecordItem>(item: &T) -> Vec<DuplicateKey> {
    use crate::normalise::IdKey;
    let any = item as &dyn std::any::Any;
    let person = |key: String| vec![DuplicateKey::Person(key)];
    if let Some(o) = any.downcast_ref::<crate::other_name::OtherName>() {
        return person(o.content.clone());
    }
    if let Some(k) = any.downcast_ref::<crate::keyword::Keyword>() {
        return person(k.content.clone());
    }
    if let Some(u) = any.downcast_ref::<crate::researcher_url::ResearcherUrl>() {
        return person(u.url.clone());
    }
    if let Some(x) = any.downcast_ref::<crate::external_identifier::ExternalIdentifier>() {
        return person(format!("{}\u{0}{}", x.external_id_type.as_str(), x.external_id_value));
    }
    let raw = T::SECTION == Section::Funding;
    item.external_ids()
        .map(|ids| ids.external_ids.as_slice())
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

/// The put-code an ORCID duplicate error (9021) names: ORCID's message says
/// "... please see element with put-code 1234 ...".
pub fn put_code_in_duplicate_message(message: &str) -> Option<PutCode> {
    let at = message.find("put-code")? + "put-code".len();
    let digits: String = message[at..].trim_start().chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().map(PutCode::new)
}

/// An item as its summary: the parts both have (generated `RecordItem` impls use this).
pub(crate) fn summary_of<T: Element, S: Element>(item: &T) -> Result<S, crate::ReadError> {
    crate::document::project(item)
}

/// A peer review's summary, which names two parts differently (`external-ids` for the review
/// identifiers, `completion-date` for the review completion date).
pub(crate) fn peer_review_summary(r: &crate::peer_review::PeerReview) -> Result<crate::peer_review::PeerReviewSummary, crate::ReadError> {
    let mut s = crate::peer_review::PeerReviewSummary::new(
        r.reviewer_role.clone(),
        r.review_type.clone(),
        r.review_completion_date.clone(),
        r.review_group_id.clone(),
        r.convening_organization.clone(),
    );
    s.put_code = r.put_code;
    s.visibility = r.visibility.clone();
    s.display_index = r.display_index.clone();
    s.path = r.path.clone();
    s.created_date = r.created_date.clone();
    s.last_modified_date = r.last_modified_date.clone();
    s.source = r.source.clone();
    s.external_ids = Some(r.review_identifiers.clone());
    s.review_url = r.review_url.clone();
    Ok(s)
}
