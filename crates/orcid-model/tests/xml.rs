//! Reading and writing ORCID XML: faithfulness, the two modes, and error positions.

use orcid_model::common::{ExternalId, ExternalIds, FuzzyDate, TranslatedTitle};
use orcid_model::vocabulary::{ExternalIdType, LanguageCode, Relationship, WorkType};
use orcid_model::work::{Work, WorkTitle};
use orcid_model::{DatePart, Document, Element, Layout, Mode};

const NS: &str = r#"xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common""#;

fn work_xml(attrs: &str, body: &str) -> String {
    format!("<?xml version=\"1.0\"?>\n<work:work {NS}{attrs}>\n{body}\n</work:work>\n")
}

fn title_and_type() -> &'static str {
    "  <work:title><common:title>T</common:title></work:title>\n  <work:type>book</work:type>"
}

#[test]
fn keeps_text_exactly() {
    let body = "  <work:title><common:title>  Ünïcödé &amp; &lt;tags&gt; \t\n line two&#13;</common:title></work:title>\n  <work:type>book</work:type>\n  <common:publication-date><common:year>2024</common:year><common:month>05</common:month><common:day>07</common:day></common:publication-date>";
    let xml = work_xml(r#" put-code="3000000000""#, body);
    let work = Work::from_xml_str(&xml, Mode::Strict).unwrap();
    assert_eq!(work.title.title, "  Ünïcödé & <tags> \t\n line two\r");
    assert_eq!(work.put_code, Some(3_000_000_000));
    let date = work.publication_date.as_ref().unwrap();
    assert_eq!((date.year.as_str(), date.month.as_ref().unwrap().as_str()), ("2024", "05"));

    for layout in [Layout::Indented, Layout::Compact] {
        let written = work.to_xml_string(layout);
        assert!(written.contains("<common:month>05</common:month>"), "{written}");
        assert!(written.contains(r#"put-code="3000000000""#), "{written}");
        assert!(written.contains("&amp; &lt;tags&gt;"), "{written}");
        assert!(written.contains("line two&#13;</common:title>"), "{written}");
        assert_eq!(Work::from_xml_str(&written, Mode::Strict).unwrap(), work);
    }
}

#[test]
fn attribute_whitespace_survives_writing() {
    let mut work = Work::new(WorkTitle::new("T".into()), WorkType::Book);
    work.path = Some("a\tb\nc \"d\"".into());
    let written = work.to_xml_string(Layout::Compact);
    assert!(written.contains(r#"path="a&#9;b&#10;c &quot;d&quot;""#), "{written}");
    assert_eq!(Work::from_xml_str(&written, Mode::Strict).unwrap().path, work.path);
}

#[test]
fn strict_rejects_unknown_element_with_position() {
    let xml = work_xml("", &format!("{}\n  <work:colour>blue</work:colour>", title_and_type()));
    let err = Work::from_xml_str(&xml, Mode::Strict).unwrap_err();
    assert_eq!((err.line, err.column), (5, 3));
    assert!(err.message.starts_with("unexpected element <work:colour> in <work:work>"), "{}", err.message);
}

#[test]
fn lenient_skips_unknown_elements_and_attributes() {
    let xml = work_xml(r#" future="yes""#, &format!("{}\n  <work:colour><work:deep>blue</work:deep></work:colour>", title_and_type()));
    assert!(Work::from_xml_str(&xml, Mode::Strict).unwrap_err().message.contains("unknown attribute `future`"));
    let work = Work::from_xml_str(&xml, Mode::Lenient).unwrap();
    assert_eq!(work.kind, WorkType::Book);
}

#[test]
fn strict_rejects_wrong_order_and_duplicates() {
    let xml = work_xml("", "  <work:type>book</work:type>\n  <work:title><common:title>T</common:title></work:title>");
    let err = Work::from_xml_str(&xml, Mode::Strict).unwrap_err();
    assert_eq!(err.to_string(), "line 4, column 3: <work:title> is out of order: it must come before <work:type>");
    assert!(Work::from_xml_str(&xml, Mode::Lenient).is_ok());

    let xml = work_xml("", &format!("{}\n  <work:type>book</work:type>", title_and_type()));
    let err = Work::from_xml_str(&xml, Mode::Strict).unwrap_err();
    assert_eq!(err.message, "<work:type> may appear only once here");
}

#[test]
fn missing_required_element_is_an_error_in_both_modes() {
    let xml = work_xml("", "  <work:title><common:title>T</common:title></work:title>");
    for mode in [Mode::Strict, Mode::Lenient] {
        let err = Work::from_xml_str(&xml, mode).unwrap_err();
        assert_eq!(err.to_string(), "line 2, column 1: <work:work> is missing the required element <work:type>");
    }
}

#[test]
fn lengths_count_characters_not_bytes() {
    // common:title is a string-1000: 1000 two-byte characters are fine, 1001 are not.
    let ok = work_xml("", &format!("  <work:title><common:title>{}</common:title></work:title>\n  <work:type>book</work:type>", "é".repeat(1000)));
    assert!(Work::from_xml_str(&ok, Mode::Strict).is_ok());
    let long = ok.replace("<common:title>é", "<common:title>éé");
    let err = Work::from_xml_str(&long, Mode::Strict).unwrap_err();
    assert!(err.message.contains("is at most 1000 characters, this value has 1001"), "{}", err.message);
    assert!(Work::from_xml_str(&long, Mode::Lenient).is_ok(), "lenient mode does not check facets");
}

#[test]
fn unknown_vocabulary_values_read_and_are_flagged() {
    let xml = work_xml("", "  <work:title><common:title>T</common:title></work:title>\n  <work:type>hologram</work:type>");
    let work = Work::from_xml_str(&xml, Mode::Strict).unwrap();
    assert_eq!(work.kind, WorkType::Unknown("hologram".into()));
    assert!(!work.kind.is_known());
    assert!(work.to_xml_string(Layout::Compact).contains("<work:type>hologram</work:type>"));
}

#[test]
fn bad_xsd_enumeration_value_names_the_choices() {
    let xml = work_xml(r#" visibility="secret""#, title_and_type());
    let err = Work::from_xml_str(&xml, Mode::Strict).unwrap_err();
    assert!(err.message.contains(r#""secret" is not a common:visibility value; expected one of `private`, `limited`, `public`, `registered-only`"#), "{}", err.message);
}

#[test]
fn malformed_xml_reports_position() {
    let xml = work_xml("", "  <work:title><common:title>T</common:title>\n  <work:type>book</work:type>");
    let err = Document::from_xml_str(&xml, Mode::Lenient).unwrap_err();
    assert_eq!(err.line, 5);
    assert!(err.message.starts_with("malformed XML"), "{}", err.message);
}

#[test]
fn document_tells_the_kind_and_rejects_other_roots() {
    let doc = Document::from_xml_str(&work_xml("", title_and_type()), Mode::Strict).unwrap();
    assert_eq!(doc.root_name().to_string(), "work:work");
    let err = Document::from_xml_str(r#"<html xmlns="http://www.w3.org/1999/xhtml"/>"#, Mode::Strict).unwrap_err();
    assert_eq!(err.message, "<html> is not an ORCID 3.0 document root");
    let err = Work::from_xml_str(r#"<common:title xmlns:common="http://www.orcid.org/ns/common">x</common:title>"#, Mode::Strict).unwrap_err();
    assert_eq!(err.message, "expected a <work:work> document, found <common:title>");
}

/// Items built in code, as they are written (insta snapshots).
#[test]
fn items_built_in_code() {
    let mut title = WorkTitle::new("Zebrafish fin regeneration".into());
    title.translated_title = Some(TranslatedTitle::new(LanguageCode::De, "Flossenregeneration".into()));
    let mut work = Work::new(title, WorkType::JournalArticle);
    work.journal_title = Some("Journal of Regenerative Biology".into());
    let mut date = FuzzyDate::new(DatePart::from(2024));
    date.month = Some(DatePart::from(5));
    work.publication_date = Some(date);
    let mut doi = ExternalId::new(ExternalIdType::Doi, "10.5555/zebrafish".into());
    doi.external_id_relationship = Some(Relationship::Self_);
    doi.external_id_url = Some("https://doi.org/10.5555/zebrafish".into());
    let mut ids = ExternalIds::new();
    ids.external_ids.push(doi);
    work.external_ids = Some(ids);
    insta::assert_snapshot!("work_built_in_code", work.to_xml_string(Layout::Indented));
}

#[test]
fn namespaces_are_resolved_by_scope_whatever_the_prefixes() {
    // Default namespace, other prefixes, declarations on inner elements, a prefix rebound.
    let xml = r#"<work xmlns="http://www.orcid.org/ns/work">
  <title><c:title xmlns:c="http://www.orcid.org/ns/common">T</c:title></title>
  <type>book</type>
  <c:external-ids xmlns:c="http://www.orcid.org/ns/common">
    <c:external-id>
      <c:external-id-type>doi</c:external-id-type>
      <x:external-id-value xmlns:x="http://www.orcid.org/ns/common">10.1/x</x:external-id-value>
    </c:external-id>
  </c:external-ids>
  <c:url xmlns:c="http://www.orcid.org/ns/work-is-not-common">https://example.org</c:url>
</work>"#;
    let err = Work::from_xml_str(xml, Mode::Strict).unwrap_err();
    assert!(err.message.starts_with("unexpected element <c:url> in <work>"), "{}", err.message);
    let fixed = xml.replace("work-is-not-common", "common");
    let work = Work::from_xml_str(&fixed, Mode::Strict).unwrap();
    assert_eq!(work.title.title, "T");
    assert_eq!(work.url.as_deref(), Some("https://example.org"));
    assert_eq!(work.external_ids.unwrap().external_ids[0].external_id_value, "10.1/x");

    // A prefix that is not declared is not ORCID's namespace.
    let undeclared = work_xml("", "  <work:title><common:title>T</common:title></work:title>\n  <work:type>book</work:type>\n  <nope:thing/>");
    assert!(Work::from_xml_str(&undeclared, Mode::Strict).unwrap_err().message.starts_with("unexpected element <nope:thing>"));
}

/// The plain-code tests behind hot patterns answer as the regex does, including the edge
/// cases of XSD's syntax (Unicode digits, line ends under `.`, group counts).
#[test]
fn native_patterns_agree_with_their_regexes() {
    use orcid_model::generated::common::{NON_EMPTY_STRING_PATTERN, ORCID_PATH_PATTERN, ORCID_URI_PATTERN};
    let paths = [
        "0000-0002-1825-0097",
        "0000-0002-1825-009X",
        "0000-0002-1825-009x",
        "0000-0002-1825-00977",
        "0000-0002-1825-097",
        "0000-0002-1825",
        "0000-0002-1825-0097-0001",
        "0000-0002-1825-0001-000X",
        "0000-0002-1825-X097",
        "000a-0002-1825-0097",
        "0000--002-1825-0097",
        "0000-0002-1825-0097 ",
        " 0000-0002-1825-0097",
        "",
        "-",
        "0000-0002-1825-٠٠٩٧",
        "٠٠٠٠-0002-1825-0097",
        "0000-0002-1825-009Ⅹ",
    ];
    let mut uris: Vec<String> = Vec::new();
    for host in ["orcid.org", "sandbox.orcid.org", "qa.orcid.org", "orcid.org.evil", "evilorcid.org", "a/orcid.org", "", "localhost/orcid-web", "localhost:8080/a/orcid-web", "localhost\n/orcid-web", "localhost/orcid-webx", "x.localhost/orcid-web", "sandbox.orcid.org\n"] {
        for path in ["0000-0002-1825-0097", "0000-0002-1825-009X", "0000-0002-1825", "0000-0002-1825-0097/", "", "٠٠٠٠-0002-1825-0097"] {
            for scheme in ["https://", "http://", "https:/", ""] {
                uris.push(format!("{scheme}{host}/{path}"));
            }
        }
    }
    let texts = ["", " ", "\t\n\r ", "a", " a ", "\u{a0}", "\u{2003}", "\n\u{85}", "Māori"];
    for (pattern, inputs) in [
        (&ORCID_PATH_PATTERN, paths.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
        (&ORCID_URI_PATTERN, uris),
        (&NON_EMPTY_STRING_PATTERN, texts.iter().map(|s| s.to_string()).collect()),
    ] {
        for input in inputs {
            assert_eq!(pattern.is_match(&input), pattern.regex_is_match(&input), "{} on {input:?}", pattern.xsd);
        }
    }
}

/// Literal line ends in character data read as XML 1.0 says: `\r\n` and a lone `\r` become
/// `\n` (a `&#13;` reference stays a carriage return, as in `keeps_text_exactly`).
#[test]
fn line_ends_are_normalised() {
    let body = "  <work:title><common:title>one\r\ntwo\rthree\nfour&#13;</common:title></work:title>\r\n  <work:type>book</work:type>";
    let work = Work::from_xml_str(&work_xml("", body), Mode::Strict).unwrap();
    assert_eq!(work.title.title, "one\ntwo\nthree\nfour\r");
}

/// An end tag must close the element it ends, in elements read and in elements skipped.
#[test]
fn mismatched_end_tags_are_malformed() {
    let xml = work_xml("", "  <work:title><common:title>T</common:titel></work:title>\n  <work:type>book</work:type>");
    let e = Work::from_xml_str(&xml, Mode::Strict).unwrap_err();
    assert_eq!((e.line, e.column, e.message.as_str()), (3, 30, "malformed XML: </common:titel> does not close <common:title>"));

    let xml = work_xml("", &format!("{}\n  <work:unknown><a><b></a></b></work:unknown>", title_and_type()));
    let e = Work::from_xml_str(&xml, Mode::Lenient).unwrap_err();
    assert_eq!(e.message, "malformed XML: </a> does not close <b>");
    let xml = work_xml("", &format!("{}\n  <work:unknown><a><b/></a></work:unknown>", title_and_type()));
    assert!(Work::from_xml_str(&xml, Mode::Lenient).is_ok(), "a well-formed unknown element is skipped");
    let xml = work_xml("", &format!("{}\n  <work:unknown><a></a></work:unknow>", title_and_type()));
    assert_eq!(Work::from_xml_str(&xml, Mode::Lenient).unwrap_err().message, "malformed XML: </work:unknow> does not close <work:unknown>");
}

/// Markup the reader takes past quick-xml (start and end tags between elements, plain text
/// up to its end tag) reads as quick-xml reads it: `>` inside quoted attribute values,
/// whitespace before `>` and `/>`, comments and references in between.
#[test]
fn tags_and_text_in_every_spelling() {
    let xsi = r#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;
    let body = format!(
        "  <work:title xsi:type='a>b' xsi:nil=\"c>'d\"{xsi}><common:title  >T &amp; U</common:title\n ><!-- c --></work:title >\n  <work:type>book<!-- x --></work:type>\n  <work:contributors />\n  <common:language-code\n>en</common:language-code\t>"
    );
    let work = Work::from_xml_str(&work_xml("", &body), Mode::Strict).unwrap();
    assert_eq!(work.title.title, "T & U");
    assert_eq!(work.kind.as_str(), "book");
    assert!(work.contributors.is_some_and(|c| c.contributors.is_empty()));
    assert_eq!(work.language_code.as_ref().map(|l| l.as_str()), Some("en"));

    // An unterminated quote is quick-xml's to report.
    let bad = work_xml("", "  <work:title xsi:nil=\"x><common:title>T</common:title></work:title>");
    assert!(Work::from_xml_str(&bad, Mode::Strict).unwrap_err().message.starts_with("malformed XML"));
}
