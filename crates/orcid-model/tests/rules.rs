//! ORCID's rules beyond the XSD, and the warnings: for each, a valid item without the problem
//! and the same item with it.

use orcid_model::validate::{RuleOptions, Severity, validate_xml_with};

fn item(name: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/items").join(name)).unwrap()
}

/// A valid funding, with [`FUNDING_IDS`] as its external identifiers.
fn funding() -> String {
    format!(
        r#"<funding:funding xmlns:funding="http://www.orcid.org/ns/funding" xmlns:common="http://www.orcid.org/ns/common">
	<funding:type>grant</funding:type>
	<funding:title><common:title>Fin regeneration</common:title></funding:title>
	<funding:amount currency-code="NZD">250000</funding:amount>
	<common:start-date><common:year>2020</common:year><common:month>03</common:month></common:start-date>
	<common:end-date><common:year>2023</common:year></common:end-date>
{FUNDING_IDS}	<common:organization>
		<common:name>Royal Society Te Apārangi</common:name>
		<common:address><common:city>Wellington</common:city><common:country>NZ</common:country></common:address>
	</common:organization>
</funding:funding>"#
    )
}

const FUNDING_IDS: &str = r#"	<common:external-ids>
		<common:external-id>
			<common:external-id-type>grant_number</common:external-id-type>
			<common:external-id-value>MFP-UOA2024</common:external-id-value>
			<common:external-id-relationship>self</common:external-id-relationship>
		</common:external-id>
	</common:external-ids>
"#;

const DISTINCTION: &str = r#"<distinction:distinction xmlns:distinction="http://www.orcid.org/ns/distinction" xmlns:common="http://www.orcid.org/ns/common">
	<common:role-title>Fellow</common:role-title>
	<common:start-date><common:year>2021</common:year></common:start-date>
	<common:organization>
		<common:name>Royal Society of London</common:name>
		<common:address><common:city>London</common:city><common:country>GB</common:country></common:address>
		<common:disambiguated-organization>
			<common:disambiguated-organization-identifier>https://ror.org/03wnrjx87</common:disambiguated-organization-identifier>
			<common:disambiguation-source>ROR</common:disambiguation-source>
		</common:disambiguated-organization>
	</common:organization>
</distinction:distinction>"#;

const PERSON_ID: &str = r#"<external-identifier:external-identifier xmlns:external-identifier="http://www.orcid.org/ns/external-identifier" xmlns:common="http://www.orcid.org/ns/common">
	<common:external-id-type>Scopus Author ID</common:external-id-type>
	<common:external-id-value>7004212771</common:external-id-value>
	<common:external-id-url>https://www.scopus.com/authid/detail.uri?authorId=7004212771</common:external-id-url>
	<common:external-id-relationship>self</common:external-id-relationship>
</external-identifier:external-identifier>"#;

const RESEARCHER_URL: &str = r#"<researcher-url:researcher-url xmlns:researcher-url="http://www.orcid.org/ns/researcher-url">
	<researcher-url:url-name>Lab</researcher-url:url-name>
	<researcher-url:url>https://example.org/lab</researcher-url:url>
</researcher-url:researcher-url>"#;

fn findings(xml: &str) -> Vec<(Severity, &'static str, Option<u16>, String)> {
    let options = RuleOptions { update: false, today: Some((2026, 11, 25)) };
    validate_xml_with(xml.as_bytes(), options).diagnostics.into_iter().map(|d| (d.severity, d.code, d.orcid_code, d.path)).collect()
}

/// (rule, base document, text to replace, replacement, expected code, ORCID code, path)
type Case = (&'static str, String, &'static str, String, &'static str, Option<u16>, &'static str);

fn cases() -> Vec<Case> {
    let work = item("work.xml");
    let employment = item("employment.xml");
    let doi = "<common:external-id-value>10.5555/zebrafish.2024.0507</common:external-id-value>";
    let self_rel = "<common:external-id-relationship>self</common:external-id-relationship>";
    vec![
        ("put-code on a new item", work.clone(), "<work:work ", r#"<work:work put-code="12" "#.into(), "orcid.put-code", Some(9024), "work/@put-code"),
        ("a work needs a self id", work.clone(), self_rel, "<common:external-id-relationship>part-of</common:external-id-relationship>".into(), "orcid.work-self-id", Some(9023), "work"),
        ("external ids need a relationship", work.clone(), self_rel, String::new(), "orcid.external-id-relationship", Some(9023), "work/external-ids/external-id[1]"),
        ("version-of needs a self id", work.clone(), self_rel, "<common:external-id-relationship>version-of</common:external-id-relationship>".into(), "orcid.version-of-without-self", Some(9023), "work/external-ids/external-id[1]/external-id-relationship"),
        ("funded-by only on works", funding(), "<common:external-id-relationship>self<", "<common:external-id-relationship>funded-by<".into(), "orcid.funded-by", Some(9023), "funding/external-ids/external-id[1]/external-id-relationship"),
        ("fundings need external ids", funding(), FUNDING_IDS, String::new(), "orcid.funding-external-id", Some(9023), "funding"),
        ("amounts are numbers", funding(), ">250000<", ">a lot<".into(), "orcid.amount", Some(9054), "funding/amount"),
        ("a real calendar date", work.replace("<common:day>07</common:day>", "<common:day>31</common:day>"), "<common:month>05</common:month>", "<common:month>04</common:month>".into(), "orcid.date", Some(9049), "work/publication-date/day"),
        ("two-digit months", work.clone(), "<common:month>05</common:month>", "<common:month>5</common:month>".into(), "orcid.date", Some(9049), "work/publication-date/month"),
        ("an end date needs a start date", funding(), "<common:start-date><common:year>2020</common:year><common:month>03</common:month></common:start-date>", String::new(), "orcid.end-without-start", Some(9050), "funding/end-date"),
        ("start before end", funding(), "<common:end-date><common:year>2023</common:year>", "<common:end-date><common:year>2019</common:year>".into(), "orcid.end-before-start", Some(9055), "funding/end-date"),
        ("city needs a country", funding(), "<common:country>NZ</common:country>", String::new(), "orcid.org-country", Some(9061), "funding/organization/address"),
        ("employment needs city and country", employment.clone(), "<common:city>Providence</common:city>", String::new(), "orcid.org-city-country", Some(9060), "employment/organization/address"),
        ("employment needs a disambiguated organization", employment.clone(), "<common:disambiguation-source>ROR</common:disambiguation-source>", "<common:disambiguation-source>ACME</common:disambiguation-source>".into(), "orcid.disambiguation-source", Some(9045), "employment/organization/disambiguated-organization/disambiguation-source"),
        ("organization ids have their source's form", employment.clone(), "https://ror.org/05gq02987", "05gq02987".into(), "orcid.disambiguated-org-id", Some(9045), "employment/organization/disambiguated-organization/disambiguated-organization-identifier"),
        ("person ids are self", PERSON_ID.into(), "<common:external-id-relationship>self<", "<common:external-id-relationship>part-of<".into(), "orcid.person-id-relationship", Some(9023), "external-identifier"),
        ("person ids need a URL", PERSON_ID.into(), "<common:external-id-url>https://www.scopus.com/authid/detail.uri?authorId=7004212771</common:external-id-url>", String::new(), "orcid.person-id-url", Some(9023), "external-identifier"),
        ("person id values are at most 255 characters", PERSON_ID.into(), ">7004212771<", format!(">{}<", "7".repeat(256)), "orcid.length", Some(9001), "external-identifier/external-id-value"),
        ("researcher URLs are at most 2000 characters", RESEARCHER_URL.into(), "https://example.org/lab", format!("https://example.org/{}", "a".repeat(1990)), "orcid.length", Some(9001), "researcher-url/url"),
        ("contributor iDs are orcid.org URIs", work.clone(), "https://orcid.org/0000-0002-1825-0097", "https://example.org/0000-0002-1825-0097".into(), "orcid.orcid-uri", Some(9001), "work/contributors/contributor[1]/contributor-orcid/uri"),
        ("vocabulary values", work.clone(), "<work:type>journal-article</work:type>", "<work:type>journal-articel</work:type>".into(), "orcid.vocabulary", Some(9037), "work/type"),
        ("warn: ORCID iD check digit", work.clone(), "0000-0002-1825-0097</common:path>", "0000-0002-1825-0098</common:path>".into(), "warn.orcid-checksum", None, "work/contributors/contributor[1]/contributor-orcid"),
        ("warn: DOI with a resolver prefix", work.clone(), doi, "<common:external-id-value>https://doi.org/10.5555/zebrafish.2024.0507</common:external-id-value>".into(), "warn.doi-prefix", None, "work/external-ids/external-id[1]/external-id-value"),
        ("warn: DOI shape", work.clone(), doi, "<common:external-id-value>zebrafish-2024</common:external-id-value>".into(), "warn.doi-shape", None, "work/external-ids/external-id[1]/external-id-value"),
        ("warn: URL without a scheme", work.clone(), "<common:url>https://example.org/articles/zebrafish</common:url>", "<common:url>example.org/articles/zebrafish</common:url>".into(), "warn.url-scheme", None, "work/url"),
        ("warn: self id type not normalised", work.clone(), "<common:external-id-type>doi</common:external-id-type>", "<common:external-id-type>source-work-id</common:external-id-type>".into(), "warn.self-id-not-normalised", None, "work/external-ids/external-id[1]/external-id-type"),
        ("warn: date in the future", work.clone(), "<common:year>2024</common:year>", "<common:year>2027</common:year>".into(), "warn.future-date", None, "work/publication-date"),
    ]
}

#[test]
fn each_rule_on_a_valid_and_an_invalid_item() {
    for (rule, base, from, to, code, orcid_code, path) in cases() {
        let before = findings(&base);
        assert!(before.iter().all(|f| f.1 != code), "{rule}: the valid item already has {code}: {before:?}");
        assert!(base.contains(from), "{rule}: the base lacks {from:?}");
        let after = findings(&base.replacen(from, &to, 1));
        let hit = after.iter().find(|f| f.1 == code);
        let Some((severity, _, got_orcid, got_path)) = hit else { panic!("{rule}: no {code} in {after:?}") };
        assert_eq!((*got_orcid, got_path.as_str()), (orcid_code, path), "{rule}");
        let expected = if code.starts_with("warn.") { Severity::Warning } else { Severity::Error };
        assert_eq!(*severity, expected, "{rule}");
    }
}

#[test]
fn valid_bases_are_clean() {
    for base in [item("work.xml"), item("employment.xml"), funding(), DISTINCTION.into(), PERSON_ID.into(), RESEARCHER_URL.into()] {
        assert!(findings(&base).is_empty(), "{:?}", findings(&base));
    }
}

#[test]
fn professional_activities_need_an_organization_id_or_external_ids() {
    let without = DISTINCTION.replace(
        "\t\t<common:disambiguated-organization>\n\t\t\t<common:disambiguated-organization-identifier>https://ror.org/03wnrjx87</common:disambiguated-organization-identifier>\n\t\t\t<common:disambiguation-source>ROR</common:disambiguation-source>\n\t\t</common:disambiguated-organization>\n",
        "",
    );
    assert_ne!(without, DISTINCTION);
    let got = findings(&without);
    assert_eq!(got, [(Severity::Error, "orcid.professional-activity-id", Some(9062), "distinction".to_owned())]);
}

#[test]
fn updates_may_carry_a_put_code() {
    let xml = item("work.xml").replacen("<work:work ", r#"<work:work put-code="12" "#, 1);
    let report = validate_xml_with(xml.as_bytes(), RuleOptions { update: true, today: None });
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
}

#[test]
fn rule_findings_point_at_the_line() {
    let xml = item("work.xml").replacen("<common:month>05</common:month>", "<common:month>5</common:month>", 1);
    let report = validate_xml_with(xml.as_bytes(), RuleOptions::default());
    let d = report.diagnostics.iter().find(|d| d.code == "orcid.date").unwrap();
    assert_eq!((d.line, d.column), (21, 3));
}

#[test]
fn orcid_check_digits() {
    use orcid_model::validate::orcid_checksum_ok;
    for good in ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X", "0000-0002-1694-233x", "0000000218250097"] {
        assert!(orcid_checksum_ok(good), "{good}");
    }
    for bad in ["0000-0002-1825-0098", "0000-0002-1825-009", "0000-0002-1825-00970", "000a-0002-1825-0097", "0000-0002-1825-009Y", "", "X000-0002-1825-0097"] {
        assert!(!orcid_checksum_ok(bad), "{bad}");
    }
}
