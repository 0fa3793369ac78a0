//! The rules ORCID's server applies beyond the XSD, and warnings for what it accepts but is
//! probably a mistake. They run on typed values; paths are those of the XSD walk, so the
//! caller can find each problem's line and column.

use super::Severity;
use crate::common::{ExternalId, ExternalIds, FuzzyDate, Organization};
use crate::generated::Document;
use crate::vocabulary::{ExternalIdType, Relationship};

/// What a rule reports; the caller adds the position.
pub(crate) struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub orcid_code: Option<u16>,
    pub path: String,
    pub message: String,
}

/// Options for the rules.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleOptions {
    /// The document is an update (PUT): a put-code is expected, not an error.
    pub update: bool,
    /// Today, as (year, month, day), for "date in the future" warnings; `None` skips them.
    pub today: Option<(u16, u8, u8)>,
}

struct Checker {
    options: RuleOptions,
    findings: Vec<Finding>,
}

impl Checker {
    fn error(&mut self, code: &'static str, orcid_code: u16, path: String, message: String) {
        self.findings.push(Finding { severity: Severity::Error, code, orcid_code: Some(orcid_code), path, message });
    }

    fn warning(&mut self, code: &'static str, path: String, message: String) {
        self.findings.push(Finding { severity: Severity::Warning, code, orcid_code: None, path, message });
    }
}

/// The rules of the seven affiliation types, which share their fields.
macro_rules! affiliation {
    ($c:expr, $a:expr, $root:literal, $org_rule:expr) => {{
        put_code(&mut $c, $a.put_code, $root);
        dates(&mut $c, $a.start_date.as_ref(), $a.end_date.as_ref(), $root);
        if let Some(ids) = &$a.external_ids {
            external_ids(&mut $c, ids, concat!($root, "/external-ids"), false);
        }
        let has_external_ids = $a.external_ids.as_ref().is_some_and(|ids| !ids.external_ids.is_empty());
        match $org_rule {
            OrgRule::IdOrExternalIds
                if !has_external_ids && $a.organization.as_ref().is_none_or(|o| o.disambiguated_organization.is_none()) =>
            {
                $c.error(
                    "orcid.professional-activity-id",
                    9062,
                    $root.into(),
                    "give the organization an identifier (<common:disambiguated-organization>) or the item external identifiers".into(),
                );
            }
            _ => {}
        }
        organization(&mut $c, $a.organization.as_ref(), concat!($root, "/organization"), $org_rule);
        url(&mut $c, $a.url.as_deref(), concat!($root, "/url"));
    }};
}

/// Runs every rule that applies to the document's kind.
pub(crate) fn check(doc: &Document, options: RuleOptions) -> Vec<Finding> {
    let mut c = Checker { options, findings: Vec::new() };
    match doc {
        Document::Work(w) => work(&mut c, w, "work"),
        Document::Bulk(b) => {
            for (i, item) in b.items.iter().enumerate() {
                if let crate::bulk::BulkItem::Work(w) = item {
                    let n = b.items[..=i].iter().filter(|x| matches!(x, crate::bulk::BulkItem::Work(_))).count();
                    work(&mut c, w, &format!("bulk/work[{n}]"));
                }
            }
        }
        Document::Funding(f) => {
            put_code(&mut c, f.put_code, "funding");
            match &f.external_ids {
                Some(ids) if !ids.external_ids.is_empty() => external_ids(&mut c, ids, "funding/external-ids", false),
                _ => c.error("orcid.funding-external-id", 9023, "funding".into(), "a funding needs at least one external identifier (<common:external-ids>)".into()),
            }
            if let Some(amount) = &f.amount
                && amount.value.trim().parse::<f64>().is_err() {
                    c.error("orcid.amount", 9054, "funding/amount".into(), format!("the amount {:?} is not a number", amount.value));
                }
            dates(&mut c, f.start_date.as_ref(), f.end_date.as_ref(), "funding");
            organization(&mut c, Some(&f.organization), "funding/organization", OrgRule::AddressWithCountry);
            url(&mut c, f.url.as_deref(), "funding/url");
        }
        Document::Employment(a) => affiliation!(c, a, "employment", OrgRule::Disambiguated),
        Document::Education(a) => affiliation!(c, a, "education", OrgRule::Disambiguated),
        Document::Distinction(a) => affiliation!(c, a, "distinction", OrgRule::IdOrExternalIds),
        Document::InvitedPosition(a) => affiliation!(c, a, "invited-position", OrgRule::IdOrExternalIds),
        Document::Membership(a) => affiliation!(c, a, "membership", OrgRule::IdOrExternalIds),
        Document::Qualification(a) => affiliation!(c, a, "qualification", OrgRule::IdOrExternalIds),
        Document::Service(a) => affiliation!(c, a, "service", OrgRule::IdOrExternalIds),
        Document::PeerReview(p) => {
            put_code(&mut c, p.put_code, "peer-review");
            external_ids(&mut c, &p.review_identifiers, "peer-review/review-identifiers", false);
            fuzzy_date(&mut c, &p.review_completion_date, "peer-review/review-completion-date");
            organization(&mut c, Some(&p.convening_organization), "peer-review/convening-organization", OrgRule::AddressWithCountry);
            url(&mut c, p.review_url.as_deref(), "peer-review/review-url");
        }
        Document::Keyword(k) => {
            put_code(&mut c, k.put_code, "keyword");
            if k.content.trim().is_empty() {
                c.error("orcid.keyword-empty", 9001, "keyword/content".into(), "a keyword cannot be empty".into());
            }
        }
        Document::OtherName(o) => put_code(&mut c, o.put_code, "other-name"),
        Document::ResearcherUrl(r) => {
            put_code(&mut c, r.put_code, "researcher-url");
            max_chars(&mut c, &r.url, 2000, "researcher-url/url", "a researcher URL");
            url(&mut c, Some(&r.url), "researcher-url/url");
        }
        Document::ExternalIdentifier(e) => {
            put_code(&mut c, e.put_code, "external-identifier");
            if e.external_id_relationship != Some(Relationship::Self_) {
                c.error("orcid.person-id-relationship", 9023, "external-identifier".into(), "a person's external identifier needs <common:external-id-relationship>self</common:external-id-relationship>".into());
            }
            max_chars(&mut c, e.external_id_type.as_str(), 255, "external-identifier/external-id-type", "the identifier type");
            max_chars(&mut c, &e.external_id_value, 255, "external-identifier/external-id-value", "the identifier value");
            match &e.external_id_url {
                None => c.error("orcid.person-id-url", 9023, "external-identifier".into(), "a person's external identifier needs a URL (<common:external-id-url>)".into()),
                Some(u) => {
                    max_chars(&mut c, u, 2000, "external-identifier/external-id-url", "the identifier URL");
                    url(&mut c, Some(u), "external-identifier/external-id-url");
                }
            }
        }
        Document::Address(a) => put_code(&mut c, a.put_code, "address"),
        _ => {}
    }
    c.findings
}


fn work(c: &mut Checker, w: &crate::work::Work, root: &str) {
    put_code(c, w.put_code, root);
    let ids = w.external_ids.as_ref();
    let has_self = ids.is_some_and(|ids| ids.external_ids.iter().any(|id| id.external_id_relationship == Some(Relationship::Self_)));
    if !has_self {
        c.error("orcid.work-self-id", 9023, root.into(), "a work needs at least one external identifier with relationship `self`".into());
    }
    if let Some(ids) = ids {
        external_ids(c, ids, &format!("{root}/external-ids"), true);
    }
    if let Some(d) = &w.publication_date {
        fuzzy_date(c, d, &format!("{root}/publication-date"));
    }
    url(c, w.url.as_deref(), &format!("{root}/url"));
    if let Some(contributors) = &w.contributors {
        for (i, contributor) in contributors.contributors.iter().enumerate() {
            if let Some(id) = &contributor.contributor_orcid {
                orcid_id(c, id, &|| format!("{root}/contributors/contributor[{}]/contributor-orcid", i + 1));
            }
        }
    }
}

fn put_code(c: &mut Checker, put_code: Option<i64>, root: &str) {
    if put_code.is_some() && !c.options.update {
        c.error(
            "orcid.put-code",
            9024,
            format!("{root}/@put-code"),
            "a new item must not carry a put-code: remove it (keep it only in the body of an update)".into(),
        );
    }
}


fn external_ids(c: &mut Checker, ids: &ExternalIds, path: &str, is_work: bool) {
    let has_self = ids.external_ids.iter().any(|id| id.external_id_relationship == Some(Relationship::Self_));
    for (i, id) in ids.external_ids.iter().enumerate() {
        let at = format!("{path}/external-id[{}]", i + 1);
        external_id(c, id, &at, is_work, has_self);
    }
}

fn external_id(c: &mut Checker, id: &ExternalId, at: &str, is_work: bool, has_self: bool) {
    match &id.external_id_relationship {
        None => c.error(
            "orcid.external-id-relationship",
            9023,
            at.into(),
            "an external identifier needs a relationship (<common:external-id-relationship>: self, part-of, version-of or funded-by)".into(),
        ),
        Some(Relationship::VersionOf) if !has_self => c.error(
            "orcid.version-of-without-self",
            9023,
            format!("{at}/external-id-relationship"),
            "`version-of` needs a `self` identifier beside it".into(),
        ),
        Some(Relationship::FundedBy) if !is_work => c.error(
            "orcid.funded-by",
            9023,
            format!("{at}/external-id-relationship"),
            "`funded-by` is only for works".into(),
        ),
        // Duplicate works are what integrators meet most: the warning is for works.
        Some(Relationship::Self_) if is_work && !crate::items::NORMALISED_TYPES.contains(&id.external_id_type.as_str()) && id.external_id_type.is_known() => c.warning(
            "warn.self-id-not-normalised",
            format!("{at}/external-id-type"),
            format!(
                "ORCID does not normalise `{}` identifiers, so it will not notice a duplicate written differently",
                id.external_id_type
            ),
        ),
        _ => {}
    }
    if id.external_id_type == ExternalIdType::Doi {
        doi(c, &id.external_id_value, &format!("{at}/external-id-value"));
    }
    if let Some(u) = &id.external_id_url {
        url(c, Some(u), &format!("{at}/external-id-url"));
    }
}

fn doi(c: &mut Checker, value: &str, at: &str) {
    let lower = value.trim().to_ascii_lowercase();
    let stripped = ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"]
        .iter()
        .find_map(|p| lower.strip_prefix(p));
    if let Some(rest) = stripped {
        c.warning("warn.doi-prefix", at.into(), format!("write the bare DOI ({rest}), without the resolver or `doi:` prefix"));
    } else if !(lower.starts_with("10.") && lower.contains('/')) {
        c.warning("warn.doi-shape", at.into(), format!("{value:?} does not look like a DOI (10.<prefix>/<suffix>)"));
    }
}

fn url(c: &mut Checker, value: Option<&str>, at: &str) {
    if let Some(u) = value {
        let u = u.trim();
        if !u.is_empty() && !u.contains("://") {
            c.warning("warn.url-scheme", at.into(), format!("the URL {u:?} has no scheme; write https://{u}"));
        }
    }
}

fn max_chars(c: &mut Checker, value: &str, max: usize, at: &str, what: &str) {
    let n = value.chars().count();
    if n > max {
        c.error("orcid.length", 9001, at.into(), format!("{what} is at most {max} characters, this one has {n}"));
    }
}

/// `at` makes the path only when there is something to report (works have many contributors).
fn orcid_id(c: &mut Checker, id: &crate::common::OrcidId, at: &dyn Fn() -> String) {
    let path = id.path.as_deref().or_else(|| id.uri.as_deref().and_then(|u| u.rsplit('/').next()));
    if let Some(uri) = &id.uri {
        let host_ok = uri.starts_with("https://orcid.org/") || uri.starts_with("https://sandbox.orcid.org/");
        if !host_ok {
            c.error("orcid.orcid-uri", 9001, format!("{}/uri", at()), format!("an ORCID iD URI is https://orcid.org/<iD> (or sandbox.orcid.org), found {uri:?}"));
        }
    }
    if let Some(p) = path
        && !orcid_checksum_ok(p) {
            c.warning("warn.orcid-checksum", at(), format!("{p} is not a valid ORCID iD: its check digit is wrong"));
        }
}

/// ISO 7064 mod 11-2 over the 15 digits; the last character is the check digit (or X).
pub fn orcid_checksum_ok(id: &str) -> bool {
    let mut total = 0u32;
    let mut count = 0usize;
    let mut last = 0u8;
    for b in id.bytes().filter(|b| *b != b'-') {
        if count < 15 {
            if !b.is_ascii_digit() {
                return false;
            }
            total = (total + u32::from(b - b'0')) * 2;
        }
        last = b;
        count += 1;
    }
    let check = (12 - total % 11) % 11;
    let expected = if check == 10 { b'X' } else { b'0' + check as u8 };
    count == 16 && last.to_ascii_uppercase() == expected
}

fn days_in_month(year: u16, month: u16) -> u16 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// (year, month, day) of a fuzzy date, with missing parts as 0; `None` when not numbers.
fn parts(d: &FuzzyDate) -> Option<(u16, u16, u16)> {
    Some((d.year.number()?, d.month.as_ref().map_or(Some(0), |m| m.number())?, d.day.as_ref().map_or(Some(0), |x| x.number())?))
}

fn fuzzy_date(c: &mut Checker, d: &FuzzyDate, at: &str) {
    if d.year.as_str().trim().len() != 4 {
        c.error("orcid.date", 9049, format!("{at}/year"), format!("a year has 4 digits, found {:?}", d.year.as_str()));
    }
    for (part, name) in [(&d.month, "month"), (&d.day, "day")] {
        if let Some(p) = part.as_ref().filter(|p| p.as_str().trim().len() != 2) {
            c.error("orcid.date", 9049, format!("{at}/{name}"), format!("a {name} has 2 digits (05, not 5), found {:?}", p.as_str()));
        }
    }
    if let Some((y, m, day)) = parts(d) {
        if (1..=12).contains(&m) && day > days_in_month(y, m) {
            c.error("orcid.date", 9049, format!("{at}/day"), format!("{y:04}-{m:02}-{day:02} is not a date"));
        }
        // In the future when even its earliest possible day is after today.
        if let Some((ty, tm, td)) = c.options.today
            && (y, m.max(1), day.max(1)) > (ty, u16::from(tm), u16::from(td)) {
                c.warning("warn.future-date", at.into(), "this date is in the future".into());
            }
    }
}

fn dates(c: &mut Checker, start: Option<&FuzzyDate>, end: Option<&FuzzyDate>, root: &str) {
    if let Some(s) = start {
        fuzzy_date(c, s, &format!("{root}/start-date"));
    }
    if let Some(e) = end {
        fuzzy_date(c, e, &format!("{root}/end-date"));
    }
    match (start, end) {
        (None, Some(_)) => c.error("orcid.end-without-start", 9050, format!("{root}/end-date"), "an end date needs a start date".into()),
        (Some(s), Some(e)) => {
            if let (Some(s), Some(e)) = (parts(s), parts(e)) {
                // Compare only the parts both dates give.
                let (s, e) = match (s, e) {
                    ((sy, 0, _), (ey, _, _)) | ((sy, _, _), (ey, 0, _)) => ((sy, 0, 0), (ey, 0, 0)),
                    ((sy, sm, 0), (ey, em, _)) | ((sy, sm, _), (ey, em, 0)) => ((sy, sm, 0), (ey, em, 0)),
                    other => other,
                };
                if s > e {
                    c.error("orcid.end-before-start", 9055, format!("{root}/end-date"), "the end date is before the start date".into());
                }
            }
        }
        _ => {}
    }
}

/// What an item's organization needs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OrgRule {
    /// Employment and education: name, city, country and a disambiguated organization.
    Disambiguated,
    /// Distinction, invited position, membership, qualification, service.
    IdOrExternalIds,
    /// Fundings and peer reviews: a city or region needs a country.
    AddressWithCountry,
}

const DISAMBIGUATION_SOURCES: &[&str] = &["RINGGOLD", "GRID", "FUNDREF", "LEI", "ROR"];

fn organization(c: &mut Checker, org: Option<&Organization>, at: &str, rule: OrgRule) {
    let Some(org) = org else {
        if rule == OrgRule::Disambiguated {
            c.error("orcid.organization", 9046, at.rsplit_once('/').map_or(at, |(p, _)| p).into(), "an organization is required".into());
        }
        return;
    };
    let address = &org.address;
    if (address.city.is_some() || address.region.is_some()) && address.country.is_none() {
        c.error("orcid.org-country", 9061, format!("{at}/address"), "a city or region needs a country".into());
    }
    if rule != OrgRule::Disambiguated {
        return;
    }
    if address.city.as_deref().is_none_or(|s| s.trim().is_empty()) || address.country.is_none() {
        c.error("orcid.org-city-country", 9060, format!("{at}/address"), "the organization needs a city and a country".into());
    }
    match &org.disambiguated_organization {
        None => c.error(
            "orcid.disambiguated-org",
            9045,
            at.into(),
            "the organization needs an identifier: <common:disambiguated-organization> with a ROR, GRID, Ringgold, FundRef or LEI id".into(),
        ),
        Some(d) => {
            let source = d.disambiguation_source.trim();
            if !DISAMBIGUATION_SOURCES.contains(&source) {
                c.error(
                    "orcid.disambiguation-source",
                    9045,
                    format!("{at}/disambiguated-organization/disambiguation-source"),
                    format!("{source:?} is not a source ORCID accepts: RINGGOLD, GRID, FUNDREF, LEI or ROR"),
                );
            } else if let Some(problem) = org_id_problem(source, d.disambiguated_organization_identifier.trim()) {
                c.error("orcid.disambiguated-org-id", 9045, format!("{at}/disambiguated-organization/disambiguated-organization-identifier"), problem);
            }
        }
    }
}

/// Whether an organization id has its source's form.
fn org_id_problem(source: &str, id: &str) -> Option<String> {
    let ok = match source {
        "ROR" => id.strip_prefix("https://ror.org/").is_some_and(|r| r.len() == 9 && r.bytes().all(|b| b.is_ascii_alphanumeric())),
        "RINGGOLD" => !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()),
        "GRID" => id.starts_with("grid."),
        "FUNDREF" => id.contains("10.13039/") || id.bytes().all(|b| b.is_ascii_digit()),
        "LEI" => id.len() == 20 && id.bytes().all(|b| b.is_ascii_alphanumeric()),
        _ => true,
    };
    let form = match source {
        "ROR" => "https://ror.org/ followed by 9 characters",
        "RINGGOLD" => "digits",
        "GRID" => "grid.<number>.<suffix>",
        "FUNDREF" => "a Crossref Funder ID (http://dx.doi.org/10.13039/...)",
        _ => "20 letters and digits",
    };
    (!ok).then(|| format!("{id:?} is not a {source} identifier: expected {form}"))
}

#[cfg(test)]
mod tests {
    use super::orcid_checksum_ok;

    #[test]
    fn orcid_check_digits() {
        assert!(orcid_checksum_ok("0000-0002-1825-0097"));
        assert!(orcid_checksum_ok("0000-0002-1694-233X"));
        assert!(!orcid_checksum_ok("0000-0002-1825-0098"));
        assert!(!orcid_checksum_ok("0000-0002-1825"));
    }
}
