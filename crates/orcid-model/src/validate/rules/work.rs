//! Works (§5.1) and bulk works (§5.2).

use std::collections::HashSet;

use super::shared::{self, IdRules, blank};
use super::{BulkEntries, Checker, Rule, RuleSet, advice, answer, bad};
use crate::bulk::{Bulk, BulkItem};
use crate::normalise::{IdKey, RoleUse};
use crate::vocabulary::Relationship;
use crate::work::Work;

/// The rules of a work (server rules §5.1), in ORCID's order.
pub static WORK: RuleSet = RuleSet {
    items: "work",
    section: "§5.1",
    rules: &[
        Rule::file("W1", "§5.1", "orcid.title", &[bad(9022)], "title/title absent or blank"),
        Rule::file(
            "W2",
            "§5.1",
            "orcid.country",
            &[bad(9037)],
            "country present without a value (bulk; single items: the adapter first, §4.1)",
        ),
        Rule::file("W3", "§5.1", "orcid.translated-title", &[bad(9020)], "translated title blank while its language code is given"),
        Rule::file(
            "W4",
            "§5.1",
            "orcid.translated-title-language",
            &[bad(9037)],
            "translated title given, its language code blank or unlisted",
        ),
        Rule::file("W5", "§5.1", "orcid.work-type", &[bad(9037)], "type absent (or refused by the adapter in a bulk)"),
        Rule::file(
            "W6",
            "§5.1, §4.1",
            "orcid.language-code",
            &[bad(9037)],
            "language-code unlisted: the adapter answers first (9051 in XML, 9047 in JSON); in a bulk the value is dropped",
        ),
        Rule::file("W7", "§5.1, §4.3", "orcid.date", &[bad(9049)], "publication-date fails the fuzzy-date check"),
        Rule::file("W8", "§5.1", "orcid.publication-year", &[bad(9020)], "publication year not exactly 4 characters"),
        Rule::file("W9", "§5.1", "orcid.citation-type", &[bad(9037)], "citation without citation-type"),
        Rule::file("W10", "§5.1", "orcid.citation-value", &[bad(9020)], "citation-value absent or blank"),
        Rule::file("W11", "§5.1", "orcid.external-ids", &[bad(9023)], "external ids absent or empty"),
        Rule::file(
            "W12",
            "§5.1, §4.2",
            "orcid.funded-by",
            &[bad(9020)],
            "`funded-by` id of a type other than grant_number, proposal-id, uri, doi",
        ),
        Rule::file("W13", "§5.1, §6.3", "orcid.contributor-uri", &[bad(9020)], "contributor-orcid/uri not an ORCID iD URI"),
        Rule::file("W14", "§5.1, §6.3", "orcid.contributor-path", &[bad(9020)], "contributor-orcid/path not exactly four groups"),
        Rule::file("W15", "§5.1", "orcid.credit-name", &[bad(9020)], "credit-name present and blank"),
        Rule::file("W16", "§5.1", "orcid.contributor-email", &[bad(9020)], "contributor-email present and blank"),
        Rule::file("W17", "§5.1", "orcid.put-code", &[bad(9024)], "put-code on create (POST)"),
        Rule::server(
            "W18",
            "§5.1",
            "orcid.visibility-change",
            &[answer(403, 9035)],
            "update (PUT) with a visibility other than the stored one",
        ),
        Rule::file(
            "W19",
            "§5.1, §4.2",
            "orcid.external-id",
            &[bad(9023)],
            "an id's type unregistered, value blank or relationship absent; no `self` id",
        ),
        Rule::server("W20", "§5.1", "orcid.works-limit", &[answer(409, 9048)], "create when the record has 10,000 works"),
        Rule::server("W21", "§5.1, §6.8", "orcid.duplicate", &[answer(409, 9021)], "the client already has a work with an equal `self` id"),
        Rule::file("W22", "§5.1, §6.2", "orcid.contributor-role", &[bad(9058)], "contributor role not accepted"),
    ],
};

/// The rules of a bulk of works (server rules §5.2).
pub static BULK: RuleSet = RuleSet {
    items: "bulk",
    section: "§5.2",
    rules: &[
        Rule::server(
            "B1",
            "§5.2",
            "orcid.works-limit",
            &[answer(409, 9048)],
            "stored works and the bulk's works over 10,000 (whole request)",
        ),
        Rule::file("B2", "§5.2", "orcid.bulk-size", &[bad(9006)], "more than 100 works (whole request)"),
        Rule::file("B3", "§5.2", "orcid.bulk-work", &[], "each work: W1-W19 and W22, as a POST (its slot gets the work's answer)"),
        Rule::file(
            "B4",
            "§5.2, §6.8",
            "orcid.duplicate",
            &[answer(409, 9021)],
            "a work's `self` id equal to an id of a work saved earlier in the bulk (or stored: server)",
        ),
        Rule::file(
            "B5",
            "§5.2",
            "orcid.bulk-binding",
            &[answer(500, 9008)],
            "anything else, e.g. an external id without a type (500/9008)",
        ),
    ],
};

fn r(id: &str) -> &'static Rule {
    WORK.rules.iter().chain(BULK.rules).find(|r| r.id == id).expect("a rule of §5.1 or §5.2")
}

/// Types a `funded-by` id may have (compared ignoring case).
const FUNDED_BY_TYPES: &[&str] = &["grant_number", "proposal-id", "uri", "doi"];

/// W1-W19 and W22 on one work at `base` (`work`, or `bulk/work[3]` in a bulk).
pub fn work(c: &mut Checker<'_>, w: &Work, base: &str) {
    if blank(&w.title.title) {
        c.fail(r("W1"), format!("{base}/title/title"), "a work needs a title (<work:title><common:title>)".to_owned());
    }
    if let Some(country) = &w.country
        && !country.value.is_known()
    {
        c.fail(
            r("W2"),
            format!("{base}/country"),
            format!("{:?} is not a country code ORCID accepts (ISO 3166-1 alpha-2, upper case)", country.value.as_str()),
        );
    }
    if let Some(t) = &w.title.translated_title {
        let language = t.language_code.as_str();
        if blank(&t.value) && !blank(language) {
            c.fail(
                r("W3"),
                format!("{base}/title/translated-title"),
                "give the translated title, or remove it with its language code".to_owned(),
            );
        }
        if !blank(&t.value) && (blank(language) || !t.language_code.is_known()) {
            c.fail(
                r("W4"),
                format!("{base}/title/translated-title/@language-code"),
                format!("{language:?} is not a language code ORCID accepts (en, de, zh_CN ...)"),
            );
        }
    }
    if !w.kind.is_known() {
        c.fail(r("W5"), format!("{base}/type"), format!("{:?} is not a work type ORCID accepts", w.kind.as_str()));
    }
    if let Some(d) = &w.publication_date {
        let at = || format!("{base}/publication-date");
        if shared::fuzzy_date(c, r("W7"), d, &at) && d.year.as_str().len() != 4 {
            c.fail(r("W8"), format!("{at}/year", at = at()), format!("a publication year has four digits, found {:?}", d.year.as_str()));
        }
        advice::future_date(c, d, &at);
    }
    if let Some(citation) = &w.citation {
        if !citation.citation_type.is_known() {
            c.fail(
                r("W9"),
                format!("{base}/citation/citation-type"),
                format!("{:?} is not a citation type", citation.citation_type.as_str()),
            );
        }
        if blank(&citation.citation_value) {
            c.fail(r("W10"), format!("{base}/citation/citation-value"), "give the citation, or remove <work:citation>".to_owned());
        }
    }
    let ids = w.external_ids.as_ref().map_or(&[][..], |ids| &ids.external_ids);
    let list = format!("{base}/external-ids");
    if ids.is_empty() {
        c.fail(r("W11"), list.clone(), "a work needs external identifiers (<common:external-ids>), one of them `self`".to_owned());
    }
    for (i, id) in ids.iter().enumerate() {
        let kind = id.external_id_type.as_str();
        if id.external_id_relationship == Some(Relationship::FundedBy) && !FUNDED_BY_TYPES.iter().any(|t| t.eq_ignore_ascii_case(kind)) {
            c.fail(
                r("W12"),
                format!("{list}/external-id[{}]/external-id-type", i + 1),
                format!("a `funded-by` identifier is a grant_number, proposal-id, uri or doi, not {kind:?}"),
            );
        }
    }
    contributors(c, w, base);
    shared::put_code(c, r("W17"), w.put_code, base);
    if !ids.is_empty() {
        shared::external_ids(c, r("W19"), ids, &list, IdRules::Work);
    }
    for (i, contributor) in w.contributors.iter().flat_map(|cs| cs.contributors.iter()).enumerate() {
        if let Some(role) = contributor.contributor_attributes.as_ref().and_then(|a| a.contributor_role.as_ref()) {
            let at = || format!("{base}/contributors/contributor[{}]/contributor-attributes/contributor-role", i + 1);
            shared::contributor_role(c, r("W22"), role.as_str(), RoleUse::Work, &at);
        }
    }
    advice::external_ids(c, ids, &list, true);
    if let Some(u) = &w.url {
        advice::url(c, u, &|| format!("{base}/url"));
    }
}

/// W13-W16 and the check-digit advice, per contributor.
fn contributors(c: &mut Checker<'_>, w: &Work, base: &str) {
    for (i, contributor) in w.contributors.iter().flat_map(|cs| cs.contributors.iter()).enumerate() {
        let at = |leaf: &str| format!("{base}/contributors/contributor[{}]/{leaf}", i + 1);
        if let Some(id) = &contributor.contributor_orcid {
            if let Some(uri) = id.uri.as_deref().filter(|u| !blank(u))
                && !crate::normalise::is_contributor_orcid_uri(uri)
            {
                c.fail(
                    r("W13"),
                    at("contributor-orcid/uri"),
                    format!("{uri:?} is not an ORCID iD URI (https://orcid.org/0000-0002-1825-0097)"),
                );
            }
            if let Some(path) = id.path.as_deref().filter(|p| !blank(p))
                && !crate::normalise::is_contributor_orcid_path(path)
            {
                c.fail(r("W14"), at("contributor-orcid/path"), format!("{path:?} is not an ORCID iD (0000-0002-1825-0097)"));
            }
            advice::check_digit(c, id.path.as_deref(), id.uri.as_deref(), &|| at("contributor-orcid"));
        }
        if contributor.credit_name.as_deref().is_some_and(blank) {
            c.fail(r("W15"), at("credit-name"), "give the contributor's name, or remove the empty <work:credit-name>".to_owned());
        }
        if contributor.contributor_email.as_deref().is_some_and(blank) {
            c.fail(
                r("W16"),
                at("contributor-email"),
                "give the contributor's email, or remove the empty <work:contributor-email>".to_owned(),
            );
        }
    }
}

/// A bulk (§5.2): its size, then each work as a POST, in order; a work whose `self` id equals
/// an id of a work saved before it in the bulk is a duplicate.
pub fn bulk(c: &mut Checker<'_>, b: &Bulk, entries: &BulkEntries) {
    if entries.total > 100 {
        c.fail(r("B2"), "bulk".to_owned(), format!("a bulk holds at most 100 works; this one has {}: split it", entries.total));
    }
    // Works in a bulk are created: an update's options do not apply.
    let as_post = crate::validate::Options { update: false, ..*c.options };
    let mut inner = Checker { options: &as_post, findings: std::mem::take(&mut c.findings) };
    // The ids of the works saved so far, except `part-of` and `funded-by` ones (WM:337-370).
    let mut saved: HashSet<IdKey> = HashSet::new();
    let works = b.items.iter().filter_map(|i| match i {
        BulkItem::Work(w) => Some(w),
        _ => None,
    });
    for (w, ordinal) in works.zip(&entries.ordinals) {
        let base = format!("bulk/work[{ordinal}]");
        let mark = inner.findings.len();
        work(&mut inner, w, &base);
        if inner.errors_since(mark) {
            continue;
        }
        let ids = w.external_ids.as_ref().map_or(&[][..], |ids| &ids.external_ids);
        let duplicate = ids.iter().enumerate().find(|(_, id)| {
            id.external_id_relationship == Some(Relationship::Self_)
                && saved.contains(&IdKey::normalised(id.external_id_type.as_str(), &id.external_id_value))
        });
        if let Some((i, id)) = duplicate {
            inner.fail(
                r("B4"),
                format!("{base}/external-ids/external-id[{}]", i + 1),
                format!(
                    "a work earlier in this bulk has the identifier {} {:?} too: ORCID keeps the first and refuses this one as a duplicate",
                    id.external_id_type.as_str(),
                    id.external_id_value
                ),
            );
            continue;
        }
        for id in ids {
            if !matches!(id.external_id_relationship, Some(Relationship::PartOf | Relationship::FundedBy)) {
                saved.insert(IdKey::normalised(id.external_id_type.as_str(), &id.external_id_value));
            }
        }
    }
    c.findings = inner.findings;
}
