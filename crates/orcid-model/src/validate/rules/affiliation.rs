//! The seven affiliation types: education and employment (§5.4), and the five professional
//! activities (§5.5). ORCID validates none of their external identifiers.

use super::shared::{self, blank};
use super::{Checker, Rule, RuleSet, advice, answer, bad};
use crate::common::AffiliationItem;
use crate::items::RecordItem;

/// The rules of an education or employment (server rules §5.4), in ORCID's order.
pub static EDUCATION_EMPLOYMENT: RuleSet = RuleSet {
    items: "education, employment",
    section: "§5.4",
    rules: &[
        Rule::file("E1", "§5.4", "orcid.put-code", &[bad(9024)], "put-code on create (POST)"),
        Rule::server(
            "E2",
            "§5.4",
            "orcid.visibility-change",
            &[answer(403, 9035)],
            "update (PUT) with a visibility other than the stored one",
        ),
        Rule::file(
            "E3",
            "§5.4, §4.4",
            "orcid.organization",
            &[bad(9046), bad(9045)],
            "ORG-D: no organization (9046), no disambiguated organization or an empty identifier (9045)",
        ),
        Rule::file(
            "E4",
            "§5.4, §4.4",
            "orcid.organization-address",
            &[bad(9060)],
            "ORG-A: the organization's city blank or its country absent",
        ),
        Rule::file("E5", "§5.4, §4.3", "orcid.date", &[bad(9049)], "end date fails the fuzzy-date check"),
        Rule::file("E6", "§5.4, §4.3", "orcid.date", &[bad(9049)], "start date fails the fuzzy-date check"),
        Rule::file(
            "E7",
            "§5.4, §4.3",
            "orcid.start-after-end",
            &[bad(9055)],
            "start after end (compared as yyyyMMdd text, 00 for missing parts)",
        ),
        Rule::server(
            "E8",
            "§5.4, §6.8",
            "orcid.duplicate",
            &[answer(409, 9021)],
            "the client already has an item of the same type with an equal `self` id",
        ),
        Rule::partly(
            "E9",
            "§5.4, §4.4",
            "orcid.organization-lookup",
            &[bad(9045)],
            "the organization is not in ORCID's organization table",
        ),
    ],
};

/// The rules of a distinction, invited position, membership, qualification or service
/// (server rules §5.5), in ORCID's order.
pub static PROFESSIONAL_ACTIVITIES: RuleSet = RuleSet {
    items: "distinction, invited-position, membership, qualification, service",
    section: "§5.5",
    rules: &[
        Rule::file("P1", "§5.5", "orcid.put-code", &[bad(9024)], "put-code on create (POST)"),
        Rule::server(
            "P2",
            "§5.5",
            "orcid.visibility-change",
            &[answer(403, 9035)],
            "update (PUT) with a visibility other than the stored one",
        ),
        Rule::file("P3", "§5.5", "orcid.organization", &[bad(9046)], "no organization"),
        Rule::file("P4", "§5.5", "orcid.organization", &[bad(9046)], "no disambiguated organization and an empty name"),
        Rule::file(
            "P5",
            "§5.5",
            "orcid.organization-or-external-ids",
            &[bad(9062)],
            "no disambiguated organization with an identifier, and no external ids",
        ),
        Rule::file("P6", "§5.5", "orcid.organization-country", &[bad(9061)], "a city without a country"),
        Rule::file("P7", "§5.5", "orcid.organization-country", &[bad(9061)], "a region without a country"),
        Rule::file("P8", "§5.5, §4.3", "orcid.date", &[bad(9049)], "end date fails the fuzzy-date check"),
        Rule::file("P9", "§5.5, §4.3", "orcid.date", &[bad(9049)], "start date fails the fuzzy-date check"),
        Rule::file("P10", "§5.5, §4.3", "orcid.start-after-end", &[bad(9055)], "start after end (compared as yyyyMMdd text)"),
        Rule::server(
            "P11",
            "§5.5, §6.8",
            "orcid.duplicate",
            &[answer(409, 9021)],
            "the client already has an item of the same type with an equal `self` id",
        ),
        Rule::partly(
            "P12",
            "§5.5, §4.4",
            "orcid.organization-lookup",
            &[bad(9045)],
            "a disambiguated organization (with any identifier, even empty) not in ORCID's organization table",
        ),
    ],
};

fn r(set: &'static RuleSet, id: &str) -> &'static Rule {
    set.rules.iter().find(|r| r.id == id).expect("a rule of §5.4 or §5.5")
}

// These rules read the item through its accessors (`Option<&T>` whatever the XSD's cardinality),
// so that a release making an element optional or required changes nothing here.

/// E1-E9 on an education or employment (`root` is its element name).
pub fn education_employment<A: AffiliationItem + RecordItem>(c: &mut Checker<'_>, a: &A, root: &str) {
    let r = |id| r(&EDUCATION_EMPLOYMENT, id);
    shared::put_code(c, r("E1"), a.put_code(), root);
    let at = format!("{root}/organization");
    shared::org_disambiguated(c, r("E3"), a.organization(), &at);
    if let Some(org) = a.organization() {
        let address = org.address();
        if address.and_then(|a| a.city()).is_none_or(blank) || address.and_then(|a| a.country()).is_none() {
            c.fail(
                r("E4"),
                format!("{at}/address"),
                "the organization needs its city and country (<common:city>, <common:country>)".to_owned(),
            );
        }
    }
    dates(c, a, root, [r("E5"), r("E6"), r("E7")]);
    if let Some(org) = a.organization() {
        shared::org_lookup(c, r("E9"), org, &at);
    }
    affiliation_advice(c, a, root);
}

/// P1-P12 on a distinction, invited position, membership, qualification or service.
pub fn professional_activity<A: AffiliationItem + RecordItem>(c: &mut Checker<'_>, a: &A, root: &str) {
    let r = |id| r(&PROFESSIONAL_ACTIVITIES, id);
    shared::put_code(c, r("P1"), a.put_code(), root);
    let at = format!("{root}/organization");
    match a.organization() {
        None => c.fail(r("P3"), at.clone(), "an organization is required (<common:organization>)".to_owned()),
        Some(org) => {
            let disambiguated = org.disambiguated_organization();
            if disambiguated.is_none() && org.name().is_none_or(str::is_empty) {
                c.fail(r("P4"), format!("{at}/name"), "the organization needs a name or its identifier".to_owned());
            }
            let has_org_id = disambiguated.and_then(|d| d.disambiguated_organization_identifier()).is_some_and(|id| !id.is_empty());
            let has_ids = a.external_ids().is_some_and(|ids| !ids.external_ids().is_empty());
            if !has_org_id && !has_ids {
                c.fail(
                    r("P5"),
                    at.clone(),
                    "give the organization its identifier (<common:disambiguated-organization>) or give the item external identifiers"
                        .to_owned(),
                );
            }
            let address = org.address();
            let without_country = address.and_then(|a| a.country()).is_none();
            if address.and_then(|a| a.city()).is_some_and(|s| !blank(s)) && without_country {
                c.fail(r("P6"), format!("{at}/address/city"), "a city needs the organization's country (<common:country>)".to_owned());
            }
            if address.and_then(|a| a.region()).is_some_and(|s| !blank(s)) && without_country {
                c.fail(r("P7"), format!("{at}/address/region"), "a region needs the organization's country (<common:country>)".to_owned());
            }
        }
    }
    dates(c, a, root, [r("P8"), r("P9"), r("P10")]);
    if let Some(org) = a.organization() {
        shared::org_lookup(c, r("P12"), org, &at);
    }
    affiliation_advice(c, a, root);
}

/// The end date, the start date, and start after end (§4.3), with each type's rules.
fn dates<A: AffiliationItem>(c: &mut Checker<'_>, a: &A, root: &str, [end_rule, start_rule, order_rule]: [&'static Rule; 3]) {
    let end_ok = a.end_date().is_none_or(|d| shared::fuzzy_date(c, end_rule, d, &|| format!("{root}/end-date")));
    let start_ok = a.start_date().is_none_or(|d| shared::fuzzy_date(c, start_rule, d, &|| format!("{root}/start-date")));
    if let (Some(s), Some(e)) = (a.start_date(), a.end_date())
        && end_ok
        && start_ok
        && shared::date_key(s) > shared::date_key(e)
    {
        c.fail(
            order_rule,
            format!("{root}/end-date"),
            format!(
                "the start ({}) is after the end ({}): ORCID compares the dates as written, missing parts first",
                shared::date_text(s),
                shared::date_text(e)
            ),
        );
    }
}

fn affiliation_advice<A: AffiliationItem + RecordItem>(c: &mut Checker<'_>, a: &A, root: &str) {
    if let Some(ids) = a.external_ids() {
        let list = format!("{root}/external-ids");
        advice::version_of_without_self(c, ids.external_ids(), &list);
        advice::external_ids(c, ids.external_ids(), &list, false);
    }
    if let Some(u) = a.url() {
        advice::url(c, u, &|| format!("{root}/url"));
    }
}
