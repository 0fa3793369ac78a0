//! What ORCID's server does with values before it checks or stores them (server rules §6).
//! Public here: identifier normalisation, which decides what ORCID takes for a duplicate, and
//! ISSN group ids; contributor-role spellings, ORCID iD forms and funding amounts are the
//! validator's own.
//!
//! ```
//! use orcid_model::normalise::{IdKey, normalise_id};
//! assert_eq!(normalise_id("doi", "https://doi.org/10.1000/ABC"), "10.1000/abc");
//! assert_eq!(normalise_id("isbn", "ISBN 978-3-16-148410-0"), "9783161484100");
//! // Two identifiers are the same when their types and normalised values are.
//! assert_eq!(IdKey::normalised("doi", "doi:10.1000/abc"), IdKey::normalised("doi", "10.1000/ABC"));
//! assert_ne!(IdKey::raw("grant_number", "ABC"), IdKey::raw("grant_number", "abc"));
//! ```

use std::sync::LazyLock;

use regex::Regex;

use crate::vocabulary::ExternalIdType;

/// The identifier types whose values ORCID compares as written, without lower-casing them
/// (the registry's case-sensitive types at the pinned commit).
pub(crate) const CASE_SENSITIVE_TYPES: &[&str] = &["ark", "bibcode", "cgn", "emdb", "empiar", "ethos", "k10plus", "ol", "rrid", "uri"];

/// Whether `kind` is in ORCID's identifier registry (server rules §4.2): 52 names at the
/// pinned commit, compared exactly. The live list is served at `/v3.0/identifiers` and may
/// have grown.
pub(crate) fn is_registered_type(kind: &str) -> bool {
    ExternalIdType::VALUES.contains(&kind)
}

/// The value ORCID's server derives from an identifier to find duplicates (server rules §6.8):
/// lower-cased unless the type is case-sensitive, then reduced by the type's normaliser (DOI,
/// ISBN, ISSN, PMID, PMC, arXiv, bibcode, URI, RRID). An empty string when the normaliser finds
/// nothing it recognises; the value unchanged for a type outside the registry.
pub fn normalise_id(kind: &str, value: &str) -> String {
    if !is_registered_type(kind) {
        return value.to_owned();
    }
    let value = if CASE_SENSITIVE_TYPES.contains(&kind) { value.to_owned() } else { value.to_lowercase() };
    match kind {
        "doi" => doi(&value),
        "isbn" => isbn(&value),
        "issn" => issn(&value).unwrap_or_default(),
        "pmid" => first_group(&PMID, &value),
        "pmc" => pmc(&value),
        "arxiv" => prefixed("arXiv:", first_group(&ARXIV, &value)),
        "bibcode" => first_group(&BIBCODE, &value),
        "uri" => uri(value),
        "rrid" => prefixed("RRID:", first_group(&RRID, &value)),
        _ => value,
    }
}

/// What ORCID compares identifiers by to find duplicates: the type and the value, normalised
/// or as written. Equal keys are ORCID's equal identifiers (its `ExternalID.equals`: the
/// normalised values when there is one, else the values as written).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdKey {
    kind: String,
    normalised: bool,
    value: String,
}

impl IdKey {
    /// The key of an identifier of a work, peer review, affiliation or research resource: its
    /// normalised value ([`normalise_id`]), or the value as written when that is empty.
    pub fn normalised(kind: &str, value: &str) -> IdKey {
        let n = normalise_id(kind, value);
        if n.is_empty() { IdKey::raw(kind, value) } else { IdKey { kind: kind.to_owned(), normalised: true, value: n } }
    }

    /// The key of a funding's identifier: fundings are compared as written.
    pub fn raw(kind: &str, value: &str) -> IdKey {
        IdKey { kind: kind.to_owned(), normalised: false, value: value.to_owned() }
    }

    /// The identifier type.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The value compared: normalised, or as written.
    pub fn value(&self) -> &str {
        &self.value
    }
}

static DOI: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"10(?:\.[0-9a-zA-Z]+)+/[^"&' \t\n\x0B\x0C\r]+"#).expect("valid regex"));
static ISBN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"([0-9][-0-9 ]{8,15}[0-9xX])(?:$|[^0-9])").expect("valid regex"));
static ISSN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9])([0-9]{4} ?[-–]? ?[0-9]{3}[0-9Xx])(?:$|[^-0-9])").expect("valid regex"));
static PMID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^[ \t\n\x0B\x0C\r]*|(?i-u:pmid):?[ \t\n\x0B\x0C\r]*|(?i-u:pubmed)/|(?i-u:med)/|(?i-u:pubmed).(?i-u:ncbi).(?i-u:nlm).(?i-u:nih).(?i-u:gov)/)([0-9]+)(?:$|[^a-zA-Z0-9.\-])",
    )
        .expect("valid regex")
});
static ARXIV: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u:arxiv:)?([0-9]{4}\.[0-9]{4,5}(?:v[0-9])?|[A-Za-z0-9_.\-]+/[0-9]{7}(?:v[0-9])?)(?-u:\b)").expect("valid regex")
});
static BIBCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[Bb][Ii][Bb][Bc][Oo][Dd][Ee]:?[ \t\n\x0B\x0C\r]*|[^a-zA-Z0-9.])([0-9]{4}[.a-zA-Z0-9]{15})(?:$|[^a-zA-Z0-9.])")
        .expect("valid regex")
});
static RRID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i-u:rrid:)?(AB_[0-9]{6}|CVCL_[0-9A-Z]{4}|SCR_[0-9]{6}|IMSR_JAX:[0-9]{6}|Addgene_[0-9]{5}|SAMN[0-9]{8}|MMRRC_[0-9]{6}-UCD)",
    )
    .expect("valid regex")
});

fn first_group(re: &Regex, value: &str) -> String {
    re.captures(value).and_then(|c| c.get(1)).map_or_else(String::new, |m| m.as_str().to_owned())
}

fn prefixed(prefix: &str, found: String) -> String {
    if found.is_empty() { found } else { format!("{prefix}{found}") }
}

/// The first DOI-shaped run, after undoing XML escapes (some values arrive escaped twice).
fn doi(value: &str) -> String {
    let mut value = value.to_owned();
    if value.contains('&') && value.contains(';') {
        loop {
            let unescaped = unescape_xml(&value);
            let shorter = unescaped.len() < value.len();
            value = unescaped;
            if !shorter {
                break;
            }
        }
    }
    DOI.find(&value).map_or_else(String::new, |m| m.as_str().to_owned())
}

/// XML's five named entities and numeric character references, once.
fn unescape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let ch = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The first ISBN-shaped run without its hyphens and spaces, kept only at 10 or 13 characters.
fn isbn(value: &str) -> String {
    let found = first_group(&ISBN, value);
    let n: String = found.chars().filter(|c| *c != '-' && *c != ' ').map(|c| if c == 'x' { 'X' } else { c }).collect();
    if n.len() == 10 || n.len() == 13 { n } else { String::new() }
}

/// The first ISSN in a text, as `dddd-dddX`; `None` when there is none.
pub(crate) fn issn(value: &str) -> Option<String> {
    let found = first_group(&ISSN, value);
    let n: String = found.chars().filter(|c| !matches!(c, ' ' | '-' | '–')).map(|c| if c == 'x' { 'X' } else { c }).collect();
    (n.len() == 8).then(|| format!("{}-{}", &n[..4], &n[4..]))
}

/// 5 to 9 digits at the start or after `PMC`, that no later `PMC` on the line follows.
fn pmc(value: &str) -> String {
    let bytes = value.as_bytes();
    let lower = value.to_ascii_lowercase();
    let starts = std::iter::once(0).chain(lower.match_indices("pmc").map(|(at, _)| at + 3).map(|mut at| {
        if bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        if bytes.get(at) == Some(&b'/') {
            at += 1;
        }
        at
    }));
    for start in starts {
        let mut at = start;
        while bytes.get(at).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')) {
            at += 1;
        }
        let digits = bytes[at..].iter().take_while(|b| b.is_ascii_digit()).count();
        let end = at + digits;
        let boundary = bytes.get(end).is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'));
        // ORCID's pattern refuses a number that a later `PMC` on the same line follows.
        let later = value[end..].split(['\n', '\r']).next().unwrap_or("");
        let later_pmc = later.char_indices().nth(1).is_some_and(|(i, _)| later[i..].contains("PMC"));
        if (5..=9).contains(&digits) && boundary && !later_pmc {
            return value[at..end].to_owned();
        }
    }
    String::new()
}

/// `http://` in front of a value without an `http(s)://` or `ftp(s)://` scheme.
fn uri(value: String) -> String {
    if ["http://", "https://", "ftp://", "ftps://"].iter().any(|s| value.starts_with(s)) { value } else { format!("http://{value}") }
}

/// How ORCID takes a contributor role (server rules §6.2), for works or for fundings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RoleUse {
    /// A work's contributor.
    Work,
    /// A funding's contributor.
    Funding,
}

/// The 14 CRediT roles, as the last segment of their URI.
pub(crate) const CREDIT_ROLES: &[&str] = &[
    "conceptualization",
    "data-curation",
    "formal-analysis",
    "funding-acquisition",
    "investigation",
    "methodology",
    "project-administration",
    "resources",
    "software",
    "supervision",
    "validation",
    "visualization",
    "writing-original-draft",
    "writing-review-editing",
];

/// The legacy roles of works (as written in the API).
pub(crate) const WORK_ROLES: &[&str] = &[
    "author",
    "assignee",
    "editor",
    "chair-or-translator",
    "co-investigator",
    "co-inventor",
    "graduate-student",
    "other-inventor",
    "principal-investigator",
    "postdoctoral-researcher",
    "support-staff",
];

/// The legacy roles of fundings.
pub(crate) const FUNDING_ROLES: &[&str] = &["lead", "co-lead", "supported-by", "other-contribution"];

const CREDIT_PREFIX: &str = "http://credit.niso.org/contributor-roles/";

/// The role as ORCID stores it and gives it back, when it accepts it: a legacy role by its
/// value (`author`) or its enum name (`AUTHOR`, exact case); a CRediT URI in any letter case
/// (`http:` and the trailing slash included). `None` when ORCID refuses it (9058).
pub(crate) fn contributor_role(role: &str, used: RoleUse) -> Option<String> {
    let legacy = match used {
        RoleUse::Work => WORK_ROLES,
        RoleUse::Funding => FUNDING_ROLES,
    };
    if let Some(value) = legacy.iter().find(|v| **v == role || enum_name(v) == role) {
        return Some((*value).to_owned());
    }
    let lower = role.to_ascii_lowercase();
    let credit = lower.strip_prefix(CREDIT_PREFIX)?.strip_suffix('/')?;
    CREDIT_ROLES.contains(&credit).then(|| format!("{CREDIT_PREFIX}{credit}/"))
}

/// Every role ORCID accepts as written in the API, for messages.
pub(crate) fn accepted_roles(used: RoleUse) -> Vec<String> {
    let legacy = match used {
        RoleUse::Work => WORK_ROLES,
        RoleUse::Funding => FUNDING_ROLES,
    };
    legacy.iter().map(|v| (*v).to_owned()).chain(CREDIT_ROLES.iter().map(|c| format!("{CREDIT_PREFIX}{c}/"))).collect()
}

/// A legacy role's Java enum name: `chair-or-translator` → `CHAIR_OR_TRANSLATOR`.
fn enum_name(value: &str) -> String {
    value.to_ascii_uppercase().replace('-', "_")
}

/// Whether a work contributor's `contributor-orcid/path` is what ORCID accepts: exactly
/// four groups, `dddd-dddd-dddd-ddd[0-9X]` (the XSD allows more groups).
pub(crate) fn is_contributor_orcid_path(path: &str) -> bool {
    crate::runtime::schema::is_orcid_path(path) == Some(true) && path.len() == 19
}

/// Whether a work contributor's `contributor-orcid/uri` is what ORCID accepts: `https://`, a
/// host ending in `orcid.org` (or `localhost…/orcid-web`), then an iD path, nothing after it.
pub(crate) fn is_contributor_orcid_uri(uri: &str) -> bool {
    crate::runtime::schema::is_orcid_uri(uri) == Some(true)
}

/// How ORCID's server takes a funding amount (server rules §6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AmountForm {
    /// A plain decimal number it stores: optional sign, digits with an optional point,
    /// optional exponent, finite.
    Stored,
    /// Java reads it as a number (9054 passes) but it cannot be stored: `250000d`, `0x1p3`,
    /// ` 1000 `, `NaN`, `Infinity` (500/9008).
    JavaOnly,
    /// Beyond the range of a double (`1e400`): refused at storage with 9006.
    OutOfRange,
    /// Not a number (9054).
    NotANumber,
}

/// How ORCID takes an amount's text.
pub(crate) fn amount_form(text: &str) -> AmountForm {
    if is_plain_decimal(text) {
        return match text.parse::<f64>() {
            Ok(v) if v.is_finite() => AmountForm::Stored,
            _ => AmountForm::OutOfRange,
        };
    }
    if java_parses_double(text) { AmountForm::JavaOnly } else { AmountForm::NotANumber }
}

/// `[+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?`: what Java's BigDecimal reads.
fn is_plain_decimal(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let int = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    i += int;
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += frac;
    }
    if int + frac == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        i += usize::from(matches!(b.get(i), Some(b'+' | b'-')));
        let exp = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

/// Java's `Double.parseDouble`: trims ASCII control characters and spaces, then a decimal
/// number with an optional `d`/`f` suffix, a hexadecimal float, `NaN` or `Infinity` (signed).
fn java_parses_double(text: &str) -> bool {
    let t = text.trim_matches(|c: char| c <= ' ');
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    if unsigned == "NaN" || unsigned == "Infinity" {
        return true;
    }
    let body = unsigned.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(unsigned);
    if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        return is_hex_float(hex);
    }
    !body.starts_with(['+', '-']) && is_plain_decimal(body)
}

/// `hexdigits[.hexdigits]p[+-]digits` (the binary exponent is required).
fn is_hex_float(text: &str) -> bool {
    let Some((mantissa, exp)) = text.split_once(['p', 'P']) else { return false };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
    hex(int) && hex(frac) && !(int.is_empty() && frac.is_empty()) && !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit())
}

/// An `issn:` group id as ORCID's server checks it when it creates the group (ORCID's ISSN
/// check: four digits, an optional space, a hyphen or en dash, an optional space, three digits
/// and a digit or X, with no digit before and no digit or hyphen after, anywhere in the text).
pub fn is_issn_for_group(text: &str) -> bool {
    static CHECK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:^|[^0-9])[0-9]{4} ?[-–] ?[0-9]{3}[0-9Xx](?:$|[^-0-9])").expect("valid regex"));
    CHECK.is_match(text)
}

/// A peer review's `issn:` group id as ORCID stores it: `issn:` and the normalised ISSN, or
/// `None` when the text holds no ISSN (ORCID then answers 9053).
///
/// ```
/// use orcid_model::normalise::peer_review_issn_group;
/// assert_eq!(peer_review_issn_group("issn:12345678").as_deref(), Some("issn:1234-5678"));
/// assert_eq!(peer_review_issn_group("issn:1234-567x").as_deref(), Some("issn:1234-567X"));
/// assert_eq!(peer_review_issn_group("issn:journal"), None);
/// ```
pub fn peer_review_issn_group(group_id: &str) -> Option<String> {
    issn(group_id).map(|n| format!("issn:{n}"))
}

/// The group-id form ORCID accepts (the XSD's pattern, and rule G3): a prefix `ringgold:`,
/// `issn:`, `orcid-generated:`, `fundref:` or `publons:`, then two or more of the allowed
/// characters.
pub(crate) fn is_group_id(text: &str) -> bool {
    const PREFIXES: &[&str] = &["ringgold:", "issn:", "orcid-generated:", "fundref:", "publons:"];
    PREFIXES.iter().any(|p| {
        text.strip_prefix(p).is_some_and(|rest| {
            rest.chars().count() >= 2 && rest.chars().all(|c| c.is_ascii_alphanumeric() || "^._~:/?#[]@!$&'()*+,;=-".contains(c))
        })
    })
}

/// Java's `java.net.URI` parser, as far as ORCID's rule N1 needs it: no spaces, control
/// characters or the characters RFC 2396 excludes, `%` followed by two hex digits, a scheme
/// that is a letter then letters, digits, `+`, `-` or `.`, and something after `scheme://`.
/// An approximation: Java also checks the authority's form.
pub(crate) fn java_uri_parses(text: &str) -> bool {
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        let bad = c.is_control() || c.is_whitespace() || "\"<>\\^`{|}".contains(c);
        let bad_escape = c == '%' && !(bytes.len() > i + 2 && bytes[i + 1].is_ascii_hexdigit() && bytes[i + 2].is_ascii_hexdigit());
        if bad || bad_escape {
            return false;
        }
    }
    let first_delimiter = text.find(['/', '?', '#']).unwrap_or(text.len());
    if let Some(colon) = text[..first_delimiter].find(':') {
        let scheme = &text[..colon];
        let scheme_ok =
            scheme.starts_with(|c: char| c.is_ascii_alphabetic()) && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if !scheme_ok {
            return false;
        }
        let rest = &text[colon + 1..];
        if rest.is_empty() {
            return false;
        }
        if let Some(after) = rest.strip_prefix("//")
            && after.is_empty()
        {
            return false;
        }
    }
    !text.is_empty()
}

#[cfg(test)]
mod tests {
    #[test]
    fn contributor_roles_as_orcid_stores_them() {
        use super::{RoleUse, contributor_role};
        assert_eq!(contributor_role("CHAIR_OR_TRANSLATOR", RoleUse::Work).as_deref(), Some("chair-or-translator"));
        assert_eq!(
            contributor_role("HTTP://CREDIT.NISO.ORG/CONTRIBUTOR-ROLES/SOFTWARE/", RoleUse::Funding).as_deref(),
            Some("http://credit.niso.org/contributor-roles/software/")
        );
        assert_eq!(contributor_role("author", RoleUse::Funding), None);
    }

    #[test]
    fn amounts_as_orcid_takes_them() {
        use super::{AmountForm, amount_form};
        assert_eq!(amount_form("2500.75"), AmountForm::Stored);
        assert_eq!(amount_form("-5"), AmountForm::Stored);
        assert_eq!(amount_form("1,000"), AmountForm::NotANumber);
        assert_eq!(amount_form("250000d"), AmountForm::JavaOnly);
        assert_eq!(amount_form("1e400"), AmountForm::OutOfRange);
    }

    use super::*;

    #[test]
    fn identifiers_as_orcid_normalises_them() {
        let cases = [
            ("doi", "https://dx.doi.org/10.123/123", "10.123/123"),
            ("doi", " doi:10.1016/B978-0-12-384947-2.00376-7", "10.1016/b978-0-12-384947-2.00376-7"),
            ("doi", "http://scitation.aip.org/content/aip/journal/jcp/115/11/10.1063/1.1395625", "10.1063/1.1395625"),
            ("doi", "10.1175/1520-0469(2002)059&amp;lt;2951:ROSSRB&amp;gt;2.0.CO;2", "10.1175/1520-0469(2002)059<2951:rossrb>2.0.co;2"),
            ("doi", "10.1016/j.ijom.2013.05.017.", "10.1016/j.ijom.2013.05.017."),
            ("doi", "doi:10.1038", ""),
            ("doi", "Unisinos - 10.4013 /cld.2016.141.04", ""),
            ("isbn", "0168-132X/n0-7923-4604-1", "0792346041"),
            ("isbn", "(978) 963 301 489 1", "9633014891"),
            ("isbn", "Print 978-3-642-22940-4; Online 978-3-642-22941-1", "9783642229404"),
            ("isbn", "國際標準書號:157273110x", "157273110X"),
            ("isbn", "12345678901", ""),
            ("issn", "Print ISSN: 0974–2441  Online ISSN: 2455–3891", "0974-2441"),
            ("issn", "09599428 13645501", "0959-9428"),
            ("issn", "ISSN  0123- 4870", "0123-4870"),
            ("issn", "1473 - 0111 ", "1473-0111"),
            ("issn", "issn:12345678", "1234-5678"),
            ("issn", "978-85-17-00088-1", ""),
            ("issn", "123456789", ""),
            ("pmid", "PMID: 21054200 [PubMed - indexed for MEDLINE]", "21054200"),
            ("pmid", "doi: 10.1007/s10827-015-0564-6. Epub 2015 Apr 24. PMID: 25904470", "25904470"),
            ("pmid", "http://europepmc.org/abstract/MED/26687626", "26687626"),
            ("pmid", "PMC27092172", ""),
            ("pmid", "0000-0003-0245-8683", ""),
            ("pmc", "    PMC4731170", "4731170"),
            ("pmc", "PMC 1234567", "1234567"),
            ("pmc", "12345", "12345"),
            ("pmc", "PMID: 25123551 [PubMed - in process] PMCID: PMC4146442 ", "4146442"),
            // Lower-cased first, so ORCID's "no later PMC" lookahead (upper case) never fires.
            ("pmc", "12690141  PMCID: PMC1744630", "12690141"),
            ("pmc", "NIHMS599470", ""),
            ("arxiv", "0704.0001v1", "arXiv:0704.0001v1"),
            ("arxiv", "ARXIV:hep-th/9901001", "arXiv:hep-th/9901001"),
            ("arxiv", "blah blah blah 0706.0002v3 [astro-ph] 15 Mar 2008", "arXiv:0706.0002v3"),
            ("arxiv", "math.CA/0611800v2", "arXiv:math.ca/0611800v2"),
            ("arxiv", "https://onlinelibrary.wiley.com/doi/pdf/10.1002/9781119425526.ch8", ""),
            ("bibcode", "BIBCODE:  123456789.A23456789 ", "123456789.A23456789"),
            ("bibcode", "1974AJ.....79..819H", "1974AJ.....79..819H"),
            ("bibcode", "ABCD56789.A23456789", ""),
            ("uri", "bbc.co.uk", "http://bbc.co.uk"),
            ("uri", "https://bbc.co.uk", "https://bbc.co.uk"),
            ("rrid", "rrid:AB_123456", "RRID:AB_123456"),
            ("agr", "UPPER", "upper"),
            ("ark", "UPPER", "UPPER"),
            ("not-registered", "UPPER", "UPPER"),
        ];
        for (kind, value, expected) in cases {
            assert_eq!(normalise_id(kind, value), expected, "{kind} {value:?}");
        }
    }

    #[test]
    fn amounts_as_java_reads_them() {
        for (text, form) in [
            ("1000", AmountForm::Stored),
            (".5", AmountForm::Stored),
            ("1e3", AmountForm::Stored),
            ("+1E-3", AmountForm::Stored),
            (" 1000 ", AmountForm::JavaOnly),
            ("0x1p3", AmountForm::JavaOnly),
            ("NaN", AmountForm::JavaOnly),
            ("-Infinity", AmountForm::JavaOnly),
            ("1.f", AmountForm::JavaOnly),
            ("1e400", AmountForm::OutOfRange),
            ("1,000", AmountForm::NotANumber),
            ("inf", AmountForm::NotANumber),
            ("1_000", AmountForm::NotANumber),
            ("", AmountForm::NotANumber),
            ("e5", AmountForm::NotANumber),
            ("0x1", AmountForm::NotANumber),
        ] {
            assert_eq!(amount_form(text), form, "{text:?}");
        }
    }

    #[test]
    fn group_ids_and_issns() {
        assert!(is_issn_for_group("1234-567x"));
        assert!(is_issn_for_group("1234 – 5678"));
        assert!(!is_issn_for_group("12345678"));
        assert!(!is_issn_for_group("01234-5678"));
        assert!(!is_issn_for_group("1234-56789"));
        assert!(is_group_id("orcid-generated:abc"));
        assert!(!is_group_id("orcid-generated:a"));
        assert!(!is_group_id("invalid"));
        assert!(!is_group_id("issn:12 34"));
    }

    #[test]
    fn uris_as_java_parses_them() {
        assert!(java_uri_parses("https://orcid.org/oauth/authorize?client_id=x&scope=/read-limited"));
        assert!(!java_uri_parses("https://orcid.org/a b"));
        assert!(!java_uri_parses("http://"));
        assert!(!java_uri_parses("1http://x"));
        assert!(!java_uri_parses("https://x/%zz"));
    }
}
