//! The items a client writes to a record, one section each, as ORCID's API addresses them.
//!
//! Both the client and the emulator need the same facts about an item: its section's path,
//! its put-code and visibility, and the `self` identifiers ORCID finds duplicates by.
//!
//! ```
//! use orcid_model::items::RecordItem;
//! use orcid_model::work::{Work, WorkTitle};
//! use orcid_model::vocabulary::WorkType;
//!
//! assert_eq!(Work::SECTION, "work");
//! assert_eq!(Work::SECTION_LIST, "works");
//! let mut work = Work::new(WorkTitle::new("On ORCID".into()), WorkType::JournalArticle);
//! work.set_put_code(Some(12));
//! assert_eq!(work.put_code(), Some(12));
//! ```

use crate::common::{ExternalId, ExternalIds, Source, Visibility};
use crate::xml::DateTime;
use crate::vocabulary::Relationship;
use crate::xml::Element;

/// An item written to a record through `/{orcid}/{SECTION}`.
pub trait RecordItem: Element + Clone + std::fmt::Debug + Send + Sync + 'static {
    /// The path segment for one item: `work`, `employment`, `other-names` ...
    const SECTION: &'static str;
    /// The path segment of the section's list: `works`, `employments`, `other-names` ...
    const SECTION_LIST: &'static str;
    /// Whether this is a person item (scope `/person/update`) rather than an activity
    /// (`/activities/update`).
    const PERSON: bool;
    /// The summaries the section's list answers with.
    type Summaries: Element + std::fmt::Debug;

    /// The put-code, set by ORCID when the item is created.
    fn put_code(&self) -> Option<i64>;
    /// Sets or clears the put-code.
    fn set_put_code(&mut self, put_code: Option<i64>);
    /// The visibility.
    fn visibility(&self) -> Option<&Visibility>;
    /// Sets or clears the visibility.
    fn set_visibility(&mut self, visibility: Option<Visibility>);
    /// The item's external identifiers with relationship `self`: what ORCID finds
    /// duplicates by.
    fn self_external_ids(&self) -> Vec<&ExternalId>;
    /// When ORCID stored the item first.
    fn created_date(&self) -> Option<&DateTime>;
    /// Sets what ORCID sets when it stores an item: the source, the created and
    /// last-modified dates, and the item's path (`/{orcid}/{section}/{put-code}`).
    fn set_stored(&mut self, source: Option<Source>, created: Option<DateTime>, last_modified: Option<DateTime>, path: Option<String>);
}

fn selves(ids: Option<&ExternalIds>) -> Vec<&ExternalId> {
    ids.map_or_else(Vec::new, |ids| {
        ids.external_ids.iter().filter(|id| id.external_id_relationship == Some(Relationship::Self_)).collect()
    })
}

macro_rules! record_items {
    ($($ty:ty, $section:literal, $list:literal, $person:literal, $summaries:ty, |$item:ident| $ids:expr;)*) => {$(
        impl RecordItem for $ty {
            const SECTION: &'static str = $section;
            const SECTION_LIST: &'static str = $list;
            const PERSON: bool = $person;
            type Summaries = $summaries;
            fn put_code(&self) -> Option<i64> {
                self.put_code
            }
            fn set_put_code(&mut self, put_code: Option<i64>) {
                self.put_code = put_code;
            }
            fn visibility(&self) -> Option<&Visibility> {
                self.visibility.as_ref()
            }
            fn set_visibility(&mut self, visibility: Option<Visibility>) {
                self.visibility = visibility;
            }
            fn self_external_ids(&self) -> Vec<&ExternalId> {
                let $item = self;
                $ids
            }
            fn created_date(&self) -> Option<&DateTime> {
                self.created_date.as_ref()
            }
            fn set_stored(&mut self, source: Option<Source>, created: Option<DateTime>, last_modified: Option<DateTime>, path: Option<String>) {
                self.source = source;
                self.created_date = created;
                self.last_modified_date = last_modified;
                self.path = path;
            }
        }
    )*};
}

record_items! {
    crate::work::Work, "work", "works", false, crate::activities::Works, |w| selves(w.external_ids.as_ref());
    crate::funding::Funding, "funding", "fundings", false, crate::activities::Fundings, |f| selves(f.external_ids.as_ref());
    crate::peer_review::PeerReview, "peer-review", "peer-reviews", false, crate::activities::PeerReviews, |p| selves(Some(&p.review_identifiers));
    crate::research_resource::ResearchResource, "research-resource", "research-resources", false, crate::activities::ResearchResources, |r| selves(Some(&r.proposal.external_ids));
    crate::employment::Employment, "employment", "employments", false, crate::activities::Employments, |a| selves(a.external_ids.as_ref());
    crate::education::Education, "education", "educations", false, crate::activities::Educations, |a| selves(a.external_ids.as_ref());
    crate::distinction::Distinction, "distinction", "distinctions", false, crate::activities::Distinctions, |a| selves(a.external_ids.as_ref());
    crate::invited_position::InvitedPosition, "invited-position", "invited-positions", false, crate::activities::InvitedPositions, |a| selves(a.external_ids.as_ref());
    crate::membership::Membership, "membership", "memberships", false, crate::activities::Memberships, |a| selves(a.external_ids.as_ref());
    crate::qualification::Qualification, "qualification", "qualifications", false, crate::activities::Qualifications, |a| selves(a.external_ids.as_ref());
    crate::service::Service, "service", "services", false, crate::activities::Services, |a| selves(a.external_ids.as_ref());
    crate::other_name::OtherName, "other-names", "other-names", true, crate::other_name::OtherNames, |_i| Vec::new();
    crate::keyword::Keyword, "keywords", "keywords", true, crate::keyword::Keywords, |_i| Vec::new();
    crate::researcher_url::ResearcherUrl, "researcher-urls", "researcher-urls", true, crate::researcher_url::ResearcherUrls, |_i| Vec::new();
    crate::external_identifier::ExternalIdentifier, "external-identifiers", "external-identifiers", true, crate::external_identifier::ExternalIdentifiers, |_i| Vec::new();
    crate::address::Address, "address", "address", true, crate::address::Addresses, |_i| Vec::new();
}

/// Identifier types ORCID normalises, so it finds duplicates among values written differently.
pub const NORMALISED_TYPES: &[&str] =
    &["doi", "isbn", "issn", "pmid", "pmc", "arxiv", "bibcode", "uri", "handle", "ssrn", "eid", "wosuid", "ark"];

/// The key ORCID compares `self` identifiers by: the type and the value, normalised for the
/// types in [`NORMALISED_TYPES`] (case, resolver prefixes, ISBN/ISSN punctuation) and
/// trimmed for the others. An approximation of ORCID's normalisers covering what they are
/// documented to do.
///
/// ```
/// use orcid_model::items::duplicate_key;
/// assert_eq!(duplicate_key("doi", "https://doi.org/10.1000/ABC"), duplicate_key("doi", "10.1000/abc"));
/// assert_eq!(duplicate_key("isbn", "978-3-16-148410-0"), ("isbn".to_string(), "9783161484100".to_string()));
/// ```
pub fn duplicate_key(kind: &str, value: &str) -> (String, String) {
    let value = value.trim();
    let lower = value.to_lowercase();
    let normalised = match kind {
        "doi" => match lower.find("10.") {
            Some(at) => lower[at..].to_string(),
            None => lower,
        },
        "isbn" | "issn" => value.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_uppercase(),
        "pmid" => value.chars().filter(char::is_ascii_digit).collect(),
        "pmc" => format!("PMC{}", value.chars().filter(char::is_ascii_digit).collect::<String>()),
        "arxiv" => lower.trim_start_matches("arxiv:").to_string(),
        "uri" | "handle" | "ssrn" | "eid" | "wosuid" | "ark" | "bibcode" => lower,
        _ => value.to_string(),
    };
    (kind.to_string(), normalised)
}

/// The put-code an ORCID duplicate error (9021) names: ORCID's message says
/// "... please see element with put-code 1234 ...".
pub fn put_code_in_duplicate_message(message: &str) -> Option<i64> {
    let at = message.find("put-code")? + "put-code".len();
    let digits: String = message[at..].trim_start().chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}
