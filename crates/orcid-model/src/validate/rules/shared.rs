//! Checks several item types share, written once: put-codes, external identifiers (§4.2),
//! fuzzy dates (§4.3), organizations (§4.4) and contributor roles (§6.2). Each takes the rule
//! of the item type that applies it, so a diagnostic names that type's rule.

use super::{Checker, Rule, RuleSet, bad};
use crate::PutCode;
use crate::common::{ExternalId, FuzzyDate, Organization};
use crate::normalise::{self, RoleUse};
use crate::vocabulary::{ExternalIdType, Relationship};

/// Rules every update (PUT) shares.
pub static EVERY_UPDATE: RuleSet = RuleSet {
    items: "every item written by PUT",
    section: "§2.4",
    rules: &[Rule::file(
        "PUT",
        "§2.4",
        "orcid.put-code-missing",
        &[bad(9019)],
        "an update's body without the put-code of the item it replaces",
    )],
};

/// Blank as ORCID means it: empty after trimming whitespace.
pub fn blank(text: &str) -> bool {
    text.chars().all(|c| c <= ' ' || c.is_whitespace())
}

/// Length as Java counts it (UTF-16 units), for ORCID's own length limits.
pub fn java_length(text: &str) -> usize {
    text.encode_utf16().count()
}

/// The put-code rules: on create (POST) none may be given (`post`, 9024 for most types); on
/// update (PUT) the body must carry it (9019).
pub fn put_code(c: &mut Checker<'_>, post: &'static Rule, put_code: Option<PutCode>, base: &str) {
    match (c.options.update, put_code) {
        (false, Some(pc)) => c.fail(
            post,
            format!("{base}/@put-code"),
            format!("a new item must not carry a put-code (found {pc}): remove it, or send the body as an update (PUT) of that item"),
        ),
        (true, None) => c.fail(
            &EVERY_UPDATE.rules[0],
            base.to_owned(),
            "an update must carry the put-code of the item it replaces (the put-code attribute), the same as in the URL".to_owned(),
        ),
        _ => {}
    }
}

/// Which column of §4.2's table a list of external identifiers follows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum IdRules {
    /// Works: type, value, relationship, and at least one `self`.
    Work,
    /// Fundings: type, value, relationship.
    Funding,
    /// Peer-review and research-resource ids: type, value, relationship, and `version-of`
    /// only beside a `self`.
    VersionOfNeedsSelf,
}

/// A relationship ORCID sees: one it does not know was left empty when the body was bound.
fn relationship(id: &ExternalId) -> Option<&Relationship> {
    id.external_id_relationship.as_ref().filter(|r| r.is_known())
}

/// §4.2 on one list of external identifiers, at `list` (the `external-ids` element's path).
pub fn external_ids(c: &mut Checker<'_>, rule: &'static Rule, ids: &[ExternalId], list: &str, rules: IdRules) {
    for (i, id) in ids.iter().enumerate() {
        let at = || format!("{list}/external-id[{}]", i + 1);
        external_id(c, rule, id, &at);
    }
    let has = |r: Relationship| ids.iter().any(|id| relationship(id) == Some(&r));
    match rules {
        IdRules::Work if !has(Relationship::Self_) => c.fail(
            rule,
            list.to_owned(),
            "a work needs at least one external identifier with relationship `self` (the identifier of the work itself)".to_owned(),
        ),
        IdRules::VersionOfNeedsSelf if has(Relationship::VersionOf) && !has(Relationship::Self_) => c.fail(
            rule,
            list.to_owned(),
            "an identifier with relationship `version-of` needs one with relationship `self` in the same list".to_owned(),
        ),
        _ => {}
    }
}

/// §4.2's checks of one identifier: its type in ORCID's registry, a value, a relationship.
pub fn external_id(c: &mut Checker<'_>, rule: &'static Rule, id: &ExternalId, at: &dyn Fn() -> String) {
    let kind = id.external_id_type.as_str();
    if !normalise::is_registered_type(kind) {
        c.fail(rule, format!("{}/external-id-type", at()), unregistered_type(kind));
    }
    if blank(&id.external_id_value) {
        c.fail(rule, format!("{}/external-id-value", at()), "an external identifier needs a value".to_owned());
    }
    if relationship(id).is_none() {
        let message = match &id.external_id_relationship {
            Some(r) => format!("{:?} is not a relationship: use self, part-of, version-of or funded-by", r.as_str()),
            None => {
                "an external identifier needs a relationship (<common:external-id-relationship>: self, part-of, version-of or funded-by)"
                    .to_owned()
            }
        };
        c.fail(rule, format!("{}/external-id-relationship", at()), message);
    }
}

/// Why a type is refused, with the spelling the registry has when it is close.
pub fn unregistered_type(kind: &str) -> String {
    let hint = match ExternalIdType::VOCABULARY.closest(kind) {
        Some(close) => format!("; ORCID's registry spells it {close:?}"),
        None => String::new(),
    };
    format!("{kind:?} is not an identifier type in ORCID's registry (the list at /v3.0/identifiers){hint}")
}

/// A fuzzy date's parts joined as ORCID joins them (`2023-05`, `2023-null-01`).
pub fn date_text(d: &FuzzyDate) -> String {
    match (&d.month, &d.day) {
        (m, Some(day)) => format!("{}-{}-{}", d.year, m.as_ref().map_or("null", |m| m.as_str()), day),
        (Some(m), None) => format!("{}-{m}", d.year),
        (None, None) => d.year.to_string(),
    }
}

/// §4.3's fuzzy-date check: a year of exactly four digits (ORCID parses `yyyy` strictly: `02023`
/// and `+2023` fail), a month and a day of two, a real calendar date; a day needs a month.
/// Reports with `rule`; says whether the date passed.
pub fn fuzzy_date(c: &mut Checker<'_>, rule: &'static Rule, d: &FuzzyDate, at: &dyn Fn() -> String) -> bool {
    let digits = |s: &str, n: usize| s.len() >= n && s.bytes().all(|b| b.is_ascii_digit());
    let year = d.year.as_str();
    let month = d.month.as_ref().map(|m| m.as_str());
    let day = d.day.as_ref().map(|x| x.as_str());
    let problem = if !(year.len() == 4 && digits(year, 4)) {
        Some(format!("the year {year:?} must be written with four digits"))
    } else if let Some(m) = month.filter(|m| !(m.len() == 2 && digits(m, 2))) {
        Some(format!("the month {m:?} must be written with two digits (05, not 5)"))
    } else if let Some(x) = day.filter(|x| !(x.len() == 2 && digits(x, 2))) {
        Some(format!("the day {x:?} must be written with two digits (05, not 5)"))
    } else if day.is_some() && month.is_none() {
        Some("a day needs a month".to_owned())
    } else {
        let y: u32 = year.parse().unwrap_or(0);
        let m: u32 = month.map_or(1, |m| m.parse().unwrap_or(0));
        let x: u32 = day.map_or(1, |x| x.parse().unwrap_or(0));
        (y == 0 || !(1..=12).contains(&m) || x == 0 || x > days_in_month(y, m)).then(|| "it is not a calendar date".to_owned())
    };
    match problem {
        Some(problem) => {
            c.fail(rule, at(), format!("invalid date {}: {problem}", date_text(d)));
            false
        }
        None => true,
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// ORCID's comparison of two dates (§4.3): `yyyyMMdd` text with missing parts as `00`.
pub fn date_key(d: &FuzzyDate) -> String {
    let part = |p: Option<&crate::DatePart>| p.map_or_else(|| "00".to_owned(), |p| p.as_str().to_owned());
    format!("{}{}{}", d.year, part(d.month.as_ref()), part(d.day.as_ref()))
}

/// ORG-D (§4.4): an organization with a disambiguated organization whose identifier is not
/// empty. Answers: 0 = 9046 (no organization), 1 = 9045.
pub fn org_disambiguated(c: &mut Checker<'_>, rule: &'static Rule, org: Option<&Organization>, at: &str) {
    let Some(org) = org else {
        c.fail_as(rule, 0, at.to_owned(), "an organization is required (<common:organization>)".to_owned());
        return;
    };
    match &org.disambiguated_organization {
        None => c.fail_as(
            rule,
            1,
            at.to_owned(),
            "the organization needs its identifier: <common:disambiguated-organization> with a ROR, Ringgold, GRID, FundRef or LEI id"
                .to_owned(),
        ),
        Some(d) if d.disambiguated_organization_identifier.is_empty() => c.fail_as(
            rule,
            1,
            format!("{at}/disambiguated-organization/disambiguated-organization-identifier"),
            "the disambiguated organization's identifier is empty".to_owned(),
        ),
        Some(_) => {}
    }
}

/// ORG-M (§4.4): every host organization has a disambiguated organization with an identifier.
pub fn orgs_disambiguated(c: &mut Checker<'_>, rule: &'static Rule, orgs: &[Organization], hosts: &str) {
    for (i, org) in orgs.iter().enumerate() {
        let at = format!("{hosts}/organization[{}]", i + 1);
        match &org.disambiguated_organization {
            None => c.fail(
                rule,
                at,
                "each host needs its identifier: <common:disambiguated-organization> with a ROR, Ringgold, GRID, FundRef or LEI id"
                    .to_owned(),
            ),
            Some(d) if d.disambiguated_organization_identifier.is_empty() => c.fail(
                rule,
                format!("{at}/disambiguated-organization/disambiguated-organization-identifier"),
                "the host's disambiguated organization identifier is empty".to_owned(),
            ),
            Some(_) => {}
        }
    }
}

/// The sources of ORCID's organization table.
const DISAMBIGUATION_SOURCES: &[&str] = &["RINGGOLD", "GRID", "FUNDREF", "LEI", "ROR"];

/// The organization lookup (§4.4), as far as the file tells: the source must be one of the
/// table's five, and ROR and FundRef identifiers must have the form the table stores (a
/// `https://ror.org/` URL; Crossref's `http://dx.doi.org/10.13039/` URI). Whether the
/// identifier exists is the server's to say.
pub fn org_lookup(c: &mut Checker<'_>, rule: &'static Rule, org: &Organization, at: &str) {
    let Some(d) = &org.disambiguated_organization else { return };
    let source = d.disambiguation_source.as_str();
    let id = d.disambiguated_organization_identifier.as_str();
    let at = || format!("{at}/disambiguated-organization");
    if !DISAMBIGUATION_SOURCES.contains(&source) {
        let hint = DISAMBIGUATION_SOURCES
            .iter()
            .find(|s| s.eq_ignore_ascii_case(source.trim()))
            .map_or_else(String::new, |s| format!(" (write {s})"));
        c.fail(
            rule,
            format!("{}/disambiguation-source", at()),
            format!("{source:?} is not a source of ORCID's organization table, which has RINGGOLD, GRID, FUNDREF, LEI and ROR{hint}"),
        );
    } else if source == "ROR" && !id.starts_with("https://ror.org/") {
        c.fail(
            rule,
            format!("{}/disambiguated-organization-identifier", at()),
            format!("ORCID's table holds ROR ids as URLs: write https://ror.org/{}", id.rsplit('/').next().unwrap_or(id)),
        );
    } else if source == "FUNDREF" && !id.starts_with("http://dx.doi.org/10.13039/") {
        let suffix = id.rsplit("10.13039/").next().unwrap_or(id).rsplit('/').next().unwrap_or(id);
        c.fail(
            rule,
            format!("{}/disambiguated-organization-identifier", at()),
            format!("ORCID's table holds FundRef ids as Crossref's URIs: write http://dx.doi.org/10.13039/{suffix}"),
        );
    }
}

/// A contributor role (§6.2): refused (9058), or accepted with a note when ORCID stores it
/// in another spelling.
pub fn contributor_role(c: &mut Checker<'_>, rule: &'static Rule, role: &str, used: RoleUse, at: &dyn Fn() -> String) {
    match normalise::contributor_role(role, used) {
        None => {
            let what = match used {
                RoleUse::Work => "a work",
                RoleUse::Funding => "a funding",
            };
            let accepted = normalise::accepted_roles(used);
            let hint = match crate::runtime::schema::closest(&accepted.iter().map(String::as_str).collect::<Vec<_>>(), role) {
                Some(close) => format!("; did you mean {close:?}?"),
                None => String::new(),
            };
            c.fail(rule, at(), format!("{role:?} is not a contributor role of {what}{hint}"));
        }
        Some(stored) if stored != role => c.advise(
            &super::advice::ROLE_SPELLING,
            at(),
            format!("ORCID accepts the role {role:?} as {stored:?}"),
            Some(format!("ORCID stores {stored:?}")),
        ),
        Some(_) => {}
    }
}
