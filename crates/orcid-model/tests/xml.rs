//! Reading and writing ORCID XML: faithfulness, the two modes, and error positions.

use orcid_model::common::{ExternalId, ExternalIds, FuzzyDate, TranslatedTitle};
use orcid_model::vocabulary::{ExternalIdType, LanguageCode, Relationship, WorkType};
use orcid_model::work::{Work, WorkTitle};
use orcid_model::{DatePart, Document, Element, Layout, Mode, PutCode};

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
    assert_eq!(work.put_code, Some(PutCode::new(3_000_000_000)));
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
    let mut work = Work::new(WorkTitle::new("T"), WorkType::Book);
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
    let ok = work_xml(
        "",
        &format!("  <work:title><common:title>{}</common:title></work:title>\n  <work:type>book</work:type>", "é".repeat(1000)),
    );
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
    assert_eq!(work.kind, WorkType::from("hologram"));
    assert_eq!(work.kind.as_str(), "hologram");
    assert!(!work.kind.is_known());
    assert!(work.to_xml_string(Layout::Compact).contains("<work:type>hologram</work:type>"));
}

#[test]
fn bad_xsd_enumeration_value_names_the_choices() {
    let xml = work_xml(r#" visibility="secret""#, title_and_type());
    let err = Work::from_xml_str(&xml, Mode::Strict).unwrap_err();
    assert!(
        err.message
            .contains(r#""secret" is not a common:visibility value; expected one of `private`, `limited`, `public`, `registered-only`"#),
        "{}",
        err.message
    );
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
    let err =
        Work::from_xml_str(r#"<common:title xmlns:common="http://www.orcid.org/ns/common">x</common:title>"#, Mode::Strict).unwrap_err();
    assert_eq!(err.message, "expected a <work:work> document, found <common:title>");
}

/// Items built in code, as they are written (insta snapshots).
#[test]
fn items_built_in_code() {
    let title =
        WorkTitle::new("Zebrafish fin regeneration").with_translated_title(TranslatedTitle::new(LanguageCode::De, "Flossenregeneration"));
    let doi = ExternalId::new(ExternalIdType::Doi, "10.5555/zebrafish")
        .with_external_id_relationship(Relationship::Self_)
        .with_external_id_url("https://doi.org/10.5555/zebrafish");
    let work = Work::new(title, WorkType::JournalArticle)
        .with_journal_title("Journal of Regenerative Biology")
        .with_publication_date(FuzzyDate::new(DatePart::from(2024)).with_month(DatePart::from(5)))
        .with_external_ids(ExternalIds::from(vec![doi]));
    let xml = work.to_xml_string(Layout::Indented);
    // The root declares every namespace of the pin, each ORCID's URI for its prefix (which ones
    // depends on the pin: 3.3.1 added `summary:`); the snapshot holds the rest, alike at every pin.
    let root = xml.lines().nth(1).expect("a root start tag");
    let declared: Vec<(&str, &str)> = root
        .split(" xmlns:")
        .skip(1)
        .map(|d| d.trim_end_matches('>').split_once("=\"").map(|(p, u)| (p, u.trim_end_matches('"'))).expect("prefix=\"uri\""))
        .collect();
    assert!(declared.iter().all(|(p, u)| *u == format!("http://www.orcid.org/ns/{p}")), "{declared:?}");
    assert!(declared.iter().any(|(p, _)| *p == "work") && declared.iter().any(|(p, _)| *p == "common"), "{declared:?}");
    insta::assert_snapshot!("work_built_in_code", xml.replacen(root, "<work:work xmlns:…>", 1));
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

    // A prefix that is not declared makes the name meaningless: malformed, as ORCID's
    // namespace-aware parser says, in both modes (lenient reading could not write it back).
    let undeclared =
        work_xml("", "  <work:title><common:title>T</common:title></work:title>\n  <work:type>book</work:type>\n  <nope:thing/>");
    for mode in [Mode::Strict, Mode::Lenient] {
        let e = Work::from_xml_str(&undeclared, mode).unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (5, "malformed XML: the prefix `nope` of <nope:thing> is not declared"));
    }
}

/// What namespaces require of names: one colon at most, declared prefixes (`xml` is always
/// declared), and no two attributes with the same namespace and local name.
#[test]
fn names_must_be_namespace_well_formed() {
    let with = |extra: &str| {
        work_xml("", &format!("  <work:title><common:title>T</common:title></work:title>\n  <work:type>book</work:type>\n  {extra}"))
    };
    for (extra, message) in [
        ("<x:a:b xmlns:x=\"https://example.org\"/>", "<x:a:b> is not a name namespaces allow (prefix:local, one colon)"),
        ("<:b/>", "<:b> is not a name namespaces allow (prefix:local, one colon)"),
        (
            "<x:b xmlns:x=\"https://example.org\" x:c:d=\"1\"/>",
            "the attribute `x:c:d` of <x:b> is not a name namespaces allow (prefix:local, one colon)",
        ),
        ("<x:b xmlns:x=\"https://example.org\" y:c=\"1\"/>", "the prefix `y` of the attribute `y:c` of <x:b> is not declared"),
        (
            "<x:b xmlns:x=\"https://example.org\" xmlns:y=\"https://example.org\" x:c=\"1\" y:c=\"2\"/>",
            "<x:b> has two attributes named `c` in the namespace `https://example.org`",
        ),
    ] {
        for mode in [Mode::Strict, Mode::Lenient] {
            let e = Work::from_xml_str(&with(extra), mode).unwrap_err();
            assert_eq!(e.message, format!("malformed XML: {message}"), "{extra}");
        }
    }
    let fine = with("<x:b xmlns:x=\"https://example.org\" xml:lang=\"en\" x:c=\"1\" c=\"2\"/>");
    let work = Work::from_xml_str(&fine, Mode::Lenient).unwrap();
    assert_eq!(Work::from_xml_str(&work.to_xml_string(Layout::Compact), Mode::Lenient).unwrap(), work);
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

/// Character and entity references resolve wherever they stand in the text (also next to a
/// comment), and the ones XML does not allow are refused with their text.
#[test]
fn references_resolve_and_bad_ones_are_named() {
    let refs = "&amp;&lt;&gt;&quot;&apos; &#65;&#x42;&#x0043;&#0000068; &#x1F41F; end";
    let expected = "&<>\"' ABCD 🐟 end";
    for text in [refs.to_owned(), format!("<!-- c -->{refs}"), format!("{refs}<!-- c -->")] {
        let xml = work_xml("", &format!("  <work:title><common:title>{text}</common:title></work:title>\n  <work:type>book</work:type>"));
        assert_eq!(Work::from_xml_str(&xml, Mode::Strict).unwrap().title.title, expected, "{text}");
    }
    for (bad, message) in [
        ("&#0;", "bad character reference `&#0;`"),
        ("&#xD800;", "bad character reference `&#xD800;`"),
        ("&#x110000;", "bad character reference `&#x110000;`"),
        ("&#+65;", "bad character reference `&#+65;`"),
        ("&#X41;", "bad character reference `&#X41;`"),
        ("&#1;", "bad character reference `&#1;`"),
        ("&nbsp;", "unknown entity `&nbsp;`"),
    ] {
        let xml = work_xml("", &format!("  <work:title><common:title>a{bad}b</common:title></work:title>\n  <work:type>book</work:type>"));
        let err = Work::from_xml_str(&xml, Mode::Lenient).unwrap_err();
        assert_eq!(err.message, format!("malformed XML: {message}"), "{bad}");
    }
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
