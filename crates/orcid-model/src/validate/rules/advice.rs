//! Advice: what ORCID accepts but is probably a mistake (warnings), and what ORCID accepts
//! but stores differently (notes). None of it changes ORCID's verdict.

use super::{Checker, Decided, Rule, RuleSet};
use crate::common::{ExternalId, FuzzyDate};
use crate::validate::Severity;

const fn warning(id: &'static str, section: &'static str, code: &'static str, summary: &'static str) -> Rule {
    Rule { id, section, code, severity: Severity::Warning, answers: &[], decided: Decided::File, summary }
}

const fn note(id: &'static str, section: &'static str, code: &'static str, summary: &'static str) -> Rule {
    Rule { id, section, code, severity: Severity::Note, answers: &[], decided: Decided::File, summary }
}

/// Advice, for every item type that has the field it is about.
pub static ADVICE: RuleSet = RuleSet {
    items: "every item type with the field",
    section: "§4.2, §4.3, §5, §6",
    rules: &[
        CHECK_DIGIT,
        DOI_PREFIX,
        DOI_SHAPE,
        URL_SCHEME,
        FUTURE_DATE,
        END_BEFORE_START,
        VERSION_OF_WITHOUT_SELF,
        SELF_ID_AS_WRITTEN,
        ROLE_SPELLING,
        ISSN_GROUP,
        ALIAS,
    ],
};

const CHECK_DIGIT: Rule =
    warning("H1", "§6.3", "warn.orcid-id-check-digit", "an ORCID iD whose check digit is wrong (ORCID does not check it)");
const DOI_PREFIX: Rule = warning("H2", "§4.2", "warn.doi-prefix", "a DOI written with a resolver or `doi:` prefix");
const DOI_SHAPE: Rule = warning("H3", "§4.2", "warn.doi-shape", "a DOI that is not shaped 10.<prefix>/<suffix>");
const URL_SCHEME: Rule = warning("H4", "§4.5", "warn.url-scheme", "a URL without a scheme (ORCID takes any xs:anyURI)");
const FUTURE_DATE: Rule = warning("H5", "§4.3", "warn.future-date", "a date after today");
pub const END_BEFORE_START: Rule =
    warning("H6", "§5.3", "warn.end-before-start", "a funding that ends before it starts (ORCID checks that only for affiliations)");
pub const VERSION_OF_WITHOUT_SELF: Rule =
    warning("H7", "§4.2", "warn.version-of-without-self", "a `version-of` id without a `self` id on a funding or affiliation");
const SELF_ID_AS_WRITTEN: Rule = warning(
    "H8",
    "§6.8",
    "warn.self-id-as-written",
    "a work's `self` id of a type ORCID compares as written, so a duplicate written differently goes unnoticed",
);
pub const ROLE_SPELLING: Rule = note("H9", "§6.2", "note.contributor-role", "a contributor role ORCID stores in another spelling");
pub const ISSN_GROUP: Rule = note("H10", "§6.10", "note.issn-group-id", "a peer review's `issn:` group id, which ORCID stores normalised");
/// Another spelling of a listed value, found while reading (`dataset` for `data-set`).
pub const ALIAS: Rule = note("H11", "§6.1", "note.alias", "a work type or subject type ORCID maps from an alias");

/// Types without a normaliser beyond the case step that compare case-sensitively: written
/// differently, the same identifier is another one to ORCID.
const AS_WRITTEN: &[&str] = &["ark", "cgn", "emdb", "empiar", "ethos", "k10plus", "ol"];

/// A contributor's ORCID iD path with a wrong check digit.
pub fn check_digit(c: &mut Checker<'_>, path: Option<&str>, uri: Option<&str>, at: &dyn Fn() -> String) {
    let id = path.or_else(|| uri.and_then(|u| u.rsplit('/').next())).map(str::trim);
    if let Some(id) = id.filter(|id| crate::normalise::is_contributor_orcid_path(id))
        && !crate::orcid_checksum_ok(id)
    {
        c.fail(&CHECK_DIGIT, at(), format!("{id} is not an ORCID iD: its check digit is wrong"));
    }
}

/// Advice on external identifiers: DOIs' form, URLs' schemes, and for works the `self` ids
/// ORCID compares as written.
pub fn external_ids(c: &mut Checker<'_>, ids: &[ExternalId], list: &str, work: bool) {
    for (i, id) in ids.iter().enumerate() {
        let at = |leaf: &str| format!("{list}/external-id[{}]/{leaf}", i + 1);
        let kind = id.external_id_type.as_str();
        if kind == "doi" {
            doi(c, &id.external_id_value, &|| at("external-id-value"));
        }
        if let Some(u) = &id.external_id_url {
            url(c, u, &|| at("external-id-url"));
        }
        if work && id.external_id_relationship == Some(crate::vocabulary::Relationship::Self_) && AS_WRITTEN.contains(&kind) {
            c.fail(
                &SELF_ID_AS_WRITTEN,
                at("external-id-type"),
                format!("ORCID compares `{kind}` identifiers exactly as written, so it will not notice a duplicate written differently"),
            );
        }
    }
}

/// `version-of` without `self` where ORCID does not mind (fundings, affiliations).
pub fn version_of_without_self(c: &mut Checker<'_>, ids: &[ExternalId], list: &str) {
    use crate::vocabulary::Relationship as R;
    let has = |r: R| ids.iter().any(|id| id.external_id_relationship == Some(r.clone()));
    if has(R::VersionOf) && !has(R::Self_) {
        c.fail(
            &VERSION_OF_WITHOUT_SELF,
            list.to_owned(),
            "a `version-of` identifier usually goes with a `self` one (ORCID accepts it alone here)".to_owned(),
        );
    }
}

fn doi(c: &mut Checker<'_>, value: &str, at: &dyn Fn() -> String) {
    let lower = value.trim().to_ascii_lowercase();
    let stripped = ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"]
        .iter()
        .find_map(|p| lower.strip_prefix(p));
    if let Some(rest) = stripped {
        c.fail(&DOI_PREFIX, at(), format!("write the bare DOI ({}), without the resolver or `doi:` prefix", rest.trim()));
    } else if !(lower.starts_with("10.") && lower.contains('/')) {
        c.fail(&DOI_SHAPE, at(), format!("{value:?} does not look like a DOI (10.<prefix>/<suffix>)"));
    }
}

/// A URL without a scheme.
pub fn url(c: &mut Checker<'_>, value: &str, at: &dyn Fn() -> String) {
    let u = value.trim();
    if !u.is_empty() && !u.contains("://") && !u.starts_with("mailto:") {
        c.fail(&URL_SCHEME, at(), format!("the URL {u:?} has no scheme; write https://{u}"));
    }
}

/// A date after today (when the options give today).
pub fn future_date(c: &mut Checker<'_>, d: &FuzzyDate, at: &dyn Fn() -> String) {
    let Some((ty, tm, td)) = c.options.today else { return };
    let (Some(y), m, day) = (d.year.number(), d.month.as_ref().and_then(|m| m.number()), d.day.as_ref().and_then(|x| x.number())) else {
        return;
    };
    // In the future when even its earliest possible day is after today.
    if (y, m.unwrap_or(1), day.unwrap_or(1)) > (ty, u16::from(tm), u16::from(td)) {
        c.fail(&FUTURE_DATE, at(), "this date is in the future".to_owned());
    }
}
