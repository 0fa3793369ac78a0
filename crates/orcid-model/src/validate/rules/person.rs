//! Person items (§5.10): other names, keywords, researcher URLs, addresses and person
//! external identifiers.

use super::shared::{self, blank, java_length};
use super::{Checker, Rule, RuleSet, advice, answer, bad};
use crate::address::Address;
use crate::external_identifier::ExternalIdentifier;
use crate::keyword::Keyword;
use crate::other_name::OtherName;
use crate::researcher_url::ResearcherUrl;
use crate::vocabulary::Relationship;

/// The rules of the person items (server rules §5.10), item by item, in ORCID's order.
pub static PERSON: RuleSet = RuleSet {
    items: "other-name, keyword, researcher-url, address, external-identifier",
    section: "§5.10",
    rules: &[
        Rule::file("ON1", "§5.10", "orcid.put-code", &[bad(9024)], "other-name: put-code on create (POST)"),
        Rule::server(
            "ON2",
            "§5.10",
            "orcid.duplicate-person-item",
            &[answer(409, 9030)],
            "other-name: the client already has one with identical content",
        ),
        Rule::file("K1", "§5.10", "orcid.put-code", &[bad(9024)], "keyword: put-code on create (POST)"),
        Rule::file("K2", "§5.10", "orcid.keyword", &[bad(9020)], "keyword: content blank"),
        Rule::server(
            "K3",
            "§5.10",
            "orcid.duplicate-person-item",
            &[answer(409, 9030)],
            "keyword: the client already has one with identical content",
        ),
        Rule::file("U1", "§5.10", "orcid.url", &[bad(9020)], "researcher-url: url blank"),
        Rule::file("U2", "§5.10", "orcid.url-length", &[bad(9020)], "researcher-url: url longer than 2000"),
        Rule::file("U3", "§5.10", "orcid.url-name-length", &[bad(9020)], "researcher-url: url-name longer than 2000 (the XSD's 350 first)"),
        Rule::file("U4", "§5.10", "orcid.put-code", &[bad(9024)], "researcher-url: put-code on create (POST)"),
        Rule::server(
            "U5",
            "§5.10",
            "orcid.duplicate-person-item",
            &[answer(409, 9030)],
            "researcher-url: the client already has one with the identical url",
        ),
        Rule::file("A1", "§5.10", "orcid.put-code", &[bad(9024)], "address: put-code on create (POST)"),
        Rule::file("A2", "§5.10", "orcid.address-country", &[bad(9020)], "address: country absent or without value"),
        Rule::file("X1", "§5.10", "orcid.person-id-type", &[bad(9020)], "external-identifier: type blank or longer than 255"),
        Rule::file("X2", "§5.10", "orcid.person-id-value", &[bad(9020)], "external-identifier: value blank or longer than 255"),
        Rule::file("X3", "§5.10", "orcid.person-id-relationship", &[bad(9020)], "external-identifier: relationship absent or not `self`"),
        Rule::file("X4", "§5.10", "orcid.person-id-url", &[bad(9020)], "external-identifier: url absent or blank"),
        Rule::file("X5", "§5.10", "orcid.person-id-url-length", &[bad(9020)], "external-identifier: url longer than 2000"),
        Rule::file("X6", "§5.10", "orcid.put-code", &[bad(9024)], "external-identifier: put-code on create (POST)"),
        Rule::server(
            "X7",
            "§5.10",
            "orcid.duplicate-person-item",
            &[answer(409, 9030)],
            "external-identifier: the client already has one with the same type and value",
        ),
    ],
};

fn r(id: &str) -> &'static Rule {
    PERSON.rules.iter().find(|r| r.id == id).expect("a rule of §5.10")
}

/// ORCID's limit on URLs in person items (Java characters).
const MAX_URL: usize = 2000;
/// ORCID's limit on a person identifier's type and value.
const MAX_ID_PART: usize = 255;

/// ON1.
pub fn other_name(c: &mut Checker<'_>, o: &OtherName) {
    shared::put_code(c, r("ON1"), o.put_code, "other-name");
}

/// K1, K2 (ORCID checks the put-code first).
pub fn keyword(c: &mut Checker<'_>, k: &Keyword) {
    shared::put_code(c, r("K1"), k.put_code, "keyword");
    if blank(&k.content) {
        c.fail(r("K2"), "keyword/content".to_owned(), "a keyword cannot be empty".to_owned());
    }
}

/// U1-U4.
pub fn researcher_url(c: &mut Checker<'_>, u: &ResearcherUrl) {
    if blank(&u.url) {
        c.fail(r("U1"), "researcher-url/url".to_owned(), "a researcher URL needs its url".to_owned());
    } else if java_length(&u.url) > MAX_URL {
        c.fail(
            r("U2"),
            "researcher-url/url".to_owned(),
            format!("a researcher URL is at most {MAX_URL} characters; this one has {}", java_length(&u.url)),
        );
    }
    if let Some(name) = u.url_name.as_deref().filter(|n| java_length(n) > MAX_URL) {
        c.fail(
            r("U3"),
            "researcher-url/url-name".to_owned(),
            format!("a URL's name is at most {MAX_URL} characters; this one has {}", java_length(name)),
        );
    }
    shared::put_code(c, r("U4"), u.put_code, "researcher-url");
    advice::url(c, &u.url, &|| "researcher-url/url".to_owned());
}

/// A1, A2.
pub fn address(c: &mut Checker<'_>, a: &Address) {
    shared::put_code(c, r("A1"), a.put_code, "address");
    if !a.country.is_known() {
        c.fail(
            r("A2"),
            "address/country".to_owned(),
            format!("{:?} is not a country code (ISO 3166-1 alpha-2, upper case)", a.country.as_str()),
        );
    }
}

/// X1-X6.
pub fn external_identifier(c: &mut Checker<'_>, x: &ExternalIdentifier) {
    let base = "external-identifier";
    for (rule, text, leaf, what) in [
        ("X1", x.external_id_type.as_str(), "external-id-type", "type"),
        ("X2", x.external_id_value.as_str(), "external-id-value", "value"),
    ] {
        if blank(text) {
            c.fail(r(rule), format!("{base}/{leaf}"), format!("a person identifier needs its {what}"));
        } else if java_length(text) > MAX_ID_PART {
            c.fail(r(rule), format!("{base}/{leaf}"), format!("a person identifier's {what} is at most {MAX_ID_PART} characters"));
        }
    }
    if x.external_id_relationship != Some(Relationship::Self_) {
        c.fail(
            r("X3"),
            format!("{base}/external-id-relationship"),
            "a person identifier's relationship is `self` (<common:external-id-relationship>self</common:external-id-relationship>)"
                .to_owned(),
        );
    }
    match x.external_id_url.as_deref() {
        None => c.fail(r("X4"), base.to_owned(), "a person identifier needs its URL (<common:external-id-url>)".to_owned()),
        Some(u) if blank(u) => c.fail(r("X4"), format!("{base}/external-id-url"), "a person identifier needs its URL".to_owned()),
        Some(u) if java_length(u) > MAX_URL => {
            c.fail(r("X5"), format!("{base}/external-id-url"), format!("a person identifier's URL is at most {MAX_URL} characters"))
        }
        Some(u) => advice::url(c, u, &|| format!("{base}/external-id-url")),
    }
    shared::put_code(c, r("X6"), x.put_code, base);
}
