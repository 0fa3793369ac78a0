//! ORCID's rules beyond the XSD, item type by item type, as `../shared/orcid-server-rules.md`
//! (the specification) states them.
//!
//! Each item type has one file that lists its rules in the specification's order ([`RuleSet`])
//! and one function that applies them in that order. A check that several item types share
//! (external identifiers §4.2, dates §4.3, organizations §4.4, put-codes, contributors §6.2 and
//! §6.3) is written once in `shared.rs` and called with the rule of each type that applies it.
//!
//! Rules that depend on what the server holds (duplicates, visibility on update, the
//! organization table, registered group ids) are listed too, marked [`Decided::Server`]: the
//! emulator applies them; the validator checks what the file alone tells of them.
//!
//! ```
//! use orcid_model::validate::{Decided, rule, rules};
//! let w1 = rule("W1").unwrap();
//! assert_eq!((w1.section, w1.code, w1.answers[0].code), ("§5.1", "orcid.title", Some(9022)));
//! assert!(rules().filter(|r| r.decided == Decided::Server).any(|r| r.id == "W21"));
//! ```

mod advice;
mod affiliation;
mod funding;
mod group_id;
mod notification;
mod peer_review;
mod person;
mod research_resource;
mod shared;
mod work;

pub(crate) use advice::ALIAS;

use super::{Finding, Options, Severity};
use crate::Document;

/// One of ORCID's rules (or one piece of our advice, for warnings and notes).
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rule {
    /// Its id in the specification (`W1`, `F13`, `RR4`); advice has ids `H1`...
    pub id: &'static str,
    /// The section of the specification it implements (`§5.1`).
    pub section: &'static str,
    /// Our stable code, which diagnostics carry (`orcid.title`).
    pub code: &'static str,
    /// Error for ORCID's rules; warning or note for advice.
    pub severity: Severity,
    /// ORCID's answers when the rule fails (several when the rule has several outcomes,
    /// as ORG-D: 9046 without an organization, 9045 without its identifier).
    pub answers: &'static [Answer],
    /// Whether the file alone decides it.
    pub decided: Decided,
    /// What fails it, in a few words.
    pub summary: &'static str,
}

/// ORCID's answer to a failed rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// ORCID's error code (none for an XML body that breaks the XSD, §2.1).
    pub code: Option<u16>,
}

/// What decides a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decided {
    /// The file: the validator checks it.
    File,
    /// What the server holds (stored items, registered group ids, the organization table):
    /// the emulator checks it; the validator cannot.
    Server,
    /// Partly the file: the validator checks what the file tells (an organization id that
    /// can match no row of ORCID's table), the server the rest.
    Partly,
}

/// The rules of one item type, in the specification's order.
#[derive(Debug)]
#[non_exhaustive]
pub struct RuleSet {
    /// The item types (`work`; `distinction, invited-position, ...`).
    pub items: &'static str,
    /// The section of the specification.
    pub section: &'static str,
    /// The rules.
    pub rules: &'static [Rule],
}

const fn answer(status: u16, code: u16) -> Answer {
    Answer { status, code: Some(code) }
}

/// 400 with an ORCID code: the common answer.
const fn bad(code: u16) -> Answer {
    answer(400, code)
}

impl Rule {
    /// One of ORCID's rules that the file decides.
    const fn file(id: &'static str, section: &'static str, code: &'static str, answers: &'static [Answer], summary: &'static str) -> Rule {
        Rule { id, section, code, severity: Severity::Error, answers, decided: Decided::File, summary }
    }

    /// One of ORCID's rules that the server decides.
    const fn server(
        id: &'static str,
        section: &'static str,
        code: &'static str,
        answers: &'static [Answer],
        summary: &'static str,
    ) -> Rule {
        Rule { id, section, code, severity: Severity::Error, answers, decided: Decided::Server, summary }
    }

    /// One of ORCID's rules that the file decides in part.
    const fn partly(
        id: &'static str,
        section: &'static str,
        code: &'static str,
        answers: &'static [Answer],
        summary: &'static str,
    ) -> Rule {
        Rule { id, section, code, severity: Severity::Error, answers, decided: Decided::Partly, summary }
    }
}

/// Every rule set, item type by item type.
pub static RULE_SETS: &[&RuleSet] = &[
    &work::WORK,
    &work::BULK,
    &funding::FUNDING,
    &affiliation::EDUCATION_EMPLOYMENT,
    &affiliation::PROFESSIONAL_ACTIVITIES,
    &peer_review::PEER_REVIEW,
    &research_resource::RESEARCH_RESOURCE,
    &group_id::GROUP_ID_RECORD,
    &notification::NOTIFICATION,
    &person::PERSON,
    &shared::EVERY_UPDATE,
    &advice::ADVICE,
];

/// Every rule, set by set.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    RULE_SETS.iter().flat_map(|set| set.rules.iter())
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    rules().find(|r| r.id == id)
}

/// What the rules find, with the paths of what they find; the caller adds positions.
pub(crate) struct Checker<'o> {
    pub options: &'o Options,
    pub findings: Vec<Finding>,
}

impl Checker<'_> {
    /// The rule fails with its first answer.
    pub fn fail(&mut self, rule: &'static Rule, path: String, message: String) {
        self.fail_as(rule, 0, path, message);
    }

    /// The rule fails with one of its answers.
    pub fn fail_as(&mut self, rule: &'static Rule, answer: usize, path: String, message: String) {
        let a = rule.answers.get(answer).copied();
        self.findings.push(Finding {
            severity: rule.severity,
            code: rule.code,
            rule: rule.id,
            status: a.map(|a| a.status),
            orcid_code: a.and_then(|a| a.code),
            path,
            pos: None,
            message,
            note: None,
        });
    }

    /// Advice: a warning or a note, with what ORCID will store.
    pub fn advise(&mut self, rule: &'static Rule, path: String, message: String, note: Option<String>) {
        self.fail(rule, path, message);
        if let Some(f) = self.findings.last_mut() {
            f.note = note;
        }
    }

    /// Whether any error was found since `mark` (a length of `findings`).
    pub fn errors_since(&self, mark: usize) -> bool {
        self.findings[mark..].iter().any(|f| f.severity == Severity::Error)
    }
}

/// A bulk's `work` entries as read: how many there are, and the positions (1-based) of those
/// the typed bulk holds (a work that could not be read is left out of it), in order.
#[derive(Debug, Default)]
pub(crate) struct BulkEntries {
    pub total: u32,
    pub ordinals: Vec<u32>,
}

/// Applies the rules of the document's item type.
pub(crate) fn check(doc: &Document, bulk: &BulkEntries, options: &Options) -> Vec<Finding> {
    let mut c = Checker { options, findings: Vec::new() };
    match doc {
        Document::Work(w) => work::work(&mut c, w, "work"),
        Document::Bulk(b) => work::bulk(&mut c, b, bulk),
        Document::Funding(f) => funding::funding(&mut c, f),
        Document::Education(a) => affiliation::education_employment(&mut c, a, "education"),
        Document::Employment(a) => affiliation::education_employment(&mut c, a, "employment"),
        Document::Distinction(a) => affiliation::professional_activity(&mut c, a, "distinction"),
        Document::InvitedPosition(a) => affiliation::professional_activity(&mut c, a, "invited-position"),
        Document::Membership(a) => affiliation::professional_activity(&mut c, a, "membership"),
        Document::Qualification(a) => affiliation::professional_activity(&mut c, a, "qualification"),
        Document::Service(a) => affiliation::professional_activity(&mut c, a, "service"),
        Document::PeerReview(p) => peer_review::peer_review(&mut c, p),
        Document::ResearchResource(r) => research_resource::research_resource(&mut c, r),
        Document::GroupIdRecord(g) => group_id::group_id_record(&mut c, g),
        Document::NotificationPermission(n) => notification::notification(&mut c, n),
        Document::OtherName(o) => person::other_name(&mut c, o),
        Document::Keyword(k) => person::keyword(&mut c, k),
        Document::ResearcherUrl(u) => person::researcher_url(&mut c, u),
        Document::Address(a) => person::address(&mut c, a),
        Document::ExternalIdentifier(x) => person::external_identifier(&mut c, x),
        _ => {}
    }
    c.findings
}
