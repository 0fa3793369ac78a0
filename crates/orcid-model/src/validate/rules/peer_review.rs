//! Peer reviews (§5.6).

use super::shared::{self, IdRules};
use super::{Checker, Rule, RuleSet, advice, answer, bad};
use crate::normalise::peer_review_issn_group;
use crate::peer_review::PeerReview;

/// The rules of a peer review (server rules §5.6), in ORCID's order.
pub static PEER_REVIEW: RuleSet = RuleSet {
    items: "peer-review",
    section: "§5.6",
    rules: &[
        Rule::file("R1", "§5.6", "orcid.external-ids", &[bad(9023)], "review-identifiers absent or empty"),
        Rule::file("R2", "§5.6", "orcid.put-code", &[bad(9024)], "put-code on create (POST)"),
        Rule::file("R3", "§5.6", "orcid.review-type", &[bad(9037)], "review-type absent (the XSD answers first)"),
        Rule::file(
            "R4",
            "§5.6, §4.2",
            "orcid.external-id",
            &[bad(9023)],
            "a review id's type unregistered, value blank or relationship absent; `version-of` without `self`",
        ),
        Rule::file(
            "R5",
            "§5.6, §4.2",
            "orcid.external-id",
            &[bad(9023)],
            "the subject id's type unregistered, value blank or relationship absent",
        ),
        Rule::server(
            "R6",
            "§5.6",
            "orcid.visibility-change",
            &[answer(403, 9035)],
            "update (PUT) with a visibility other than the stored one",
        ),
        Rule::file(
            "R7",
            "§5.6, §4.4",
            "orcid.organization",
            &[bad(9045)],
            "the convening organization's disambiguated organization has an empty identifier",
        ),
        Rule::file("R8", "§5.6, §4.3", "orcid.date", &[bad(9049)], "review-completion-date fails the fuzzy-date check"),
        Rule::server(
            "R9",
            "§5.6, §6.8",
            "orcid.duplicate",
            &[answer(409, 9021)],
            "the client already has a review with an equal `self` review id",
        ),
        Rule::partly(
            "R10",
            "§5.6, §6.10",
            "orcid.issn-group",
            &[bad(9053)],
            "create with an `issn:` group id that holds no ISSN (or one the ISSN portal does not know: server)",
        ),
        Rule::server("R11", "§5.6", "orcid.group-id-unknown", &[bad(9020)], "review-group-id not a registered group-id record"),
        Rule::partly(
            "R12",
            "§5.6, §4.4",
            "orcid.organization-lookup",
            &[bad(9045)],
            "the convening organization is not in ORCID's organization table",
        ),
    ],
};

fn r(id: &str) -> &'static Rule {
    PEER_REVIEW.rules.iter().find(|r| r.id == id).expect("a rule of §5.6")
}

/// R1-R12, in order.
pub fn peer_review(c: &mut Checker<'_>, p: &PeerReview) {
    let ids = &p.review_identifiers.external_ids;
    let list = "peer-review/review-identifiers";
    if ids.is_empty() {
        c.fail(
            r("R1"),
            list.to_owned(),
            "a peer review needs its identifiers (<peer-review:review-identifiers> with a `self` one)".to_owned(),
        );
    }
    shared::put_code(c, r("R2"), p.put_code, "peer-review");
    if !p.review_type.is_known() {
        c.fail(
            r("R3"),
            "peer-review/review-type".to_owned(),
            format!("{:?} is not a review type (review or evaluation)", p.review_type.as_str()),
        );
    }
    shared::external_ids(c, r("R4"), ids, list, IdRules::VersionOfNeedsSelf);
    if let Some(subject) = &p.subject_external_identifier {
        shared::external_id(c, r("R5"), subject, &|| "peer-review/subject-external-identifier".to_owned());
    }
    let org = &p.convening_organization;
    if let Some(d) = &org.disambiguated_organization
        && d.disambiguated_organization_identifier.is_empty()
    {
        c.fail(
            r("R7"),
            "peer-review/convening-organization/disambiguated-organization/disambiguated-organization-identifier".to_owned(),
            "the disambiguated organization's identifier is empty: give it, or remove <common:disambiguated-organization>".to_owned(),
        );
    }
    let completion = || "peer-review/review-completion-date".to_owned();
    shared::fuzzy_date(c, r("R8"), &p.review_completion_date, &completion);
    let group = p.review_group_id.as_str();
    if !c.options.update && group.starts_with("issn:") {
        match peer_review_issn_group(group) {
            None => c.fail(
                r("R10"),
                "peer-review/review-group-id".to_owned(),
                format!("{group:?} holds no ISSN: ORCID creates `issn:` groups from the ISSN (issn:1234-5678)"),
            ),
            Some(stored) if stored != group => c.advise(
                &advice::ISSN_GROUP,
                "peer-review/review-group-id".to_owned(),
                format!("ORCID files this review under the group {stored:?}"),
                Some(format!("ORCID stores {stored:?}")),
            ),
            Some(_) => {}
        }
    }
    shared::org_lookup(c, r("R12"), org, "peer-review/convening-organization");
    advice::external_ids(c, ids, list, false);
    advice::future_date(c, &p.review_completion_date, &completion);
    for (url, leaf) in [(&p.review_url, "review-url"), (&p.subject_url, "subject-url")] {
        if let Some(u) = url {
            advice::url(c, u, &|| format!("peer-review/{leaf}"));
        }
    }
}
