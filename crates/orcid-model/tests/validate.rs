//! XSD validation reports every problem with its code, path and position.

use orcid_model::validate::{Severity, validate_xml};

fn summary(xml: &str) -> Vec<String> {
    validate_xml(xml.as_bytes())
        .diagnostics
        .iter()
        .map(|d| format!("{}:{} {} {} | {}", d.line, d.column, d.code, d.path, d.message))
        .collect()
}

#[test]
fn every_problem_is_reported() {
    let xml = r#"<work:work xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common" visibility="secret">
  <work:type>book</work:type>
  <work:title><common:title>   </common:title></work:title>
  <common:external-ids>
    <common:external-id>
      <common:external-id-type>doi</common:external-id-type>
      <common:external-id-value>10.1/x</common:external-id-value>
    </common:external-id>
    <common:external-id>
      <common:external-id-value>10.1/y</common:external-id-value>
      <common:colour>red</common:colour>
    </common:external-id>
  </common:external-ids>
  <common:publication-date><common:year>1850</common:year><common:day>07</common:day></common:publication-date>
</work:work>"#;
    assert_eq!(
        summary(xml),
        [
            r#"1:1 xsd.value work/@visibility | attribute `visibility` of <work:work>: "secret" is not a common:visibility value; expected one of `private`, `limited`, `public`, `registered-only`"#,
            "3:3 xsd.order work/title | <work:title> is out of order: it must come before <work:type>",
            "3:15 xsd.value work/title/title | <common:title>: a common:string-1000 value must match the pattern `[\\s\\S]*[^\\s\\n\\r]+[\\s\\S]*`, found \"   \"",
            "11:7 xsd.unknown-element work/external-ids/external-id[2]/colour | unexpected element <common:colour> in <common:external-id> (expected one of <common:created-date>, <common:last-modified-date>, <common:source>, <common:external-id-type>, <common:external-id-value>, <common:external-id-normalized>, <common:external-id-normalized-error>, <common:external-id-url>, <common:external-id-relationship>)",
            "9:5 xsd.missing-element work/external-ids/external-id[2] | <common:external-id> is missing the required element <common:external-id-type>",
            "14:3 xsd.order work/publication-date | <common:publication-date> is out of order: it must come before <common:external-ids>",
            "14:28 xsd.value work/publication-date/year | <common:year>: a common:year value must be between 1900 and 2100, found 1850",
            "14:3 xsd.choice work/publication-date | <common:publication-date>: <common:day> requires <common:month>",
        ]
    );
}

#[test]
fn valid_items_have_no_diagnostics() {
    for item in ["work.xml", "employment.xml"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/items").join(item);
        let report = validate_xml(&std::fs::read(path).unwrap());
        assert!(report.diagnostics.is_empty(), "{item}: {:?}", report.diagnostics);
        assert!(report.is_valid());
    }
}

#[test]
fn malformed_xml_is_one_error_with_a_position() {
    let report = validate_xml(b"<work:work xmlns:work=\"http://www.orcid.org/ns/work\">\n  <work:type>book</work:title>\n</work:work>");
    assert_eq!(report.diagnostics.len(), 1);
    let d = &report.diagnostics[0];
    assert_eq!((d.code, d.severity, d.orcid_code, d.line), ("xml.malformed", Severity::Error, Some(9001), 2));
}

#[test]
fn unknown_root_and_kind() {
    let report = validate_xml(br#"<x:thing xmlns:x="urn:x"/>"#);
    assert_eq!(report.diagnostics[0].code, "xsd.unknown-root");
    let report = validate_xml(br#"<keyword:keyword xmlns:keyword="http://www.orcid.org/ns/keyword" xmlns:common="http://www.orcid.org/ns/common"><keyword:content>fish</keyword:content></keyword:keyword>"#);
    assert_eq!(report.kind, Some("keyword"));
    assert!(report.is_valid(), "{:?}", report.diagnostics);
}

#[test]
fn vocabulary_values_beyond_the_xsd() {
    let xml = r#"<work:work xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common">
  <work:title><common:title>T</common:title></work:title>
  <work:type>jornal-article</work:type>
  <common:external-ids>
    <common:external-id>
      <common:external-id-type>DOI</common:external-id-type>
      <common:external-id-value>10.1/x</common:external-id-value>
      <common:external-id-relationship>self</common:external-id-relationship>
    </common:external-id>
  </common:external-ids>
  <common:language-code>english</common:language-code>
</work:work>"#;
    let report = validate_xml(xml.as_bytes());
    let got: Vec<_> = report.diagnostics.iter().map(|d| (d.code, d.orcid_code, d.path.as_str(), d.message.as_str())).collect();
    assert_eq!(
        got,
        [
            ("orcid.vocabulary", Some(9037), "work/type", r#"<work:type>: "jornal-article" is not on ORCID's work-type list; did you mean "journal-article"?"#),
            ("orcid.vocabulary", Some(9023), "work/external-ids/external-id[1]/external-id-type", r#"<common:external-id-type>: "DOI" is not on ORCID's external-id-type list; did you mean "doi"?"#),
            ("orcid.vocabulary", Some(9037), "work/language-code", r#"<common:language-code>: "english" is not on ORCID's language-code list"#),
        ]
    );
}

#[test]
fn person_external_identifier_types_are_free_text() {
    let xml = r#"<external-identifier:external-identifier xmlns:external-identifier="http://www.orcid.org/ns/external-identifier" xmlns:common="http://www.orcid.org/ns/common">
  <common:external-id-type>Scopus Author ID</common:external-id-type>
  <common:external-id-value>7004212771</common:external-id-value>
  <common:external-id-url>https://www.scopus.com/authid/detail.uri?authorId=7004212771</common:external-id-url>
  <common:external-id-relationship>self</common:external-id-relationship>
</external-identifier:external-identifier>"#;
    let report = validate_xml(xml.as_bytes());
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
}

/// What ORCID's own write samples break, by file: (file, code, why).
const WRITE_SAMPLE_PROBLEMS: &[(&str, &str)] = &[
    // Its second work has only a `part-of` ISBN: ORCID's bulk answer carries a 9023 error for it.
    ("bulk-work-3.0.json", "orcid.work-self-id"),
];

/// Write samples whose file name does not start with their kind.
const KINDS: &[(&str, &str)] =
    &[("keywords-3.0.json", "keyword"), ("other-names-3.0.json", "other-name"), ("peer-review-group-id.json", "group-id-record")];

#[test]
fn orcid_write_samples_are_valid() {
    use orcid_model::validate::{RuleOptions, validate_json_with};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/upstream/src/main/resources/record_3.0/samples/write_samples");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("fetched samples").map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut checked = 0;
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let report = if name.ends_with(".xml") {
            validate_xml(&bytes)
        } else {
            let kind = KINDS.iter().find(|(n, _)| *n == name).map(|(_, k)| *k).or_else(|| orcid_model::Document::kind_from_file_name(&name)).unwrap();
            validate_json_with(&bytes, kind, RuleOptions::default())
        };
        let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.code).collect();
        let expected: Vec<_> = WRITE_SAMPLE_PROBLEMS.iter().filter(|(n, _)| *n == name).map(|(_, c)| *c).collect();
        assert_eq!(errors, expected, "{name}: {:?}", report.diagnostics);
        checked += 1;
    }
    assert_eq!(checked, 48, "ORCID's 21 XML and 27 JSON write samples");
}

#[test]
fn json_problems_point_at_json_lines() {
    use orcid_model::validate::{RuleOptions, validate_json_with};
    let json = r#"{
  "title": {"title": {"value": "T"}},
  "type": "jornal-article",
  "colour": "red",
  "external-ids": {"external-id": [
    {"external-id-type": "doi", "external-id-value": "10.1/x", "external-id-relationship": "self"},
    {"external-id-type": "isbn", "external-id-value": "   ", "external-id-relationship": "part-of"}
  ]},
  "publication-date": {"year": {"value": "2024"}, "month": {"value": "13"}}
}"#;
    let report = validate_json_with(json.as_bytes(), "work", RuleOptions::default());
    let got: Vec<_> = report.diagnostics.iter().map(|d| (d.code, d.line, d.column, d.path.as_str())).collect();
    assert_eq!(
        got,
        [
            ("orcid.vocabulary", 3, 3, "work/type"),
            ("json.structure", 4, 3, ""),
            ("xsd.value", 7, 34, "work/external-ids/external-id[2]/external-id-value"),
            ("xsd.value", 9, 51, "work/publication-date/month"),
        ],
        "{:?}",
        report.diagnostics
    );
}

/// Characters XML allows nowhere, and `]]>` in text: ORCID's parser refuses both, so do we
/// (libxml2 agrees: "PCDATA invalid Char value", "Sequence ']]>' not allowed in content").
#[test]
fn forbidden_characters_and_cdata_ends_in_text() {
    let work = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/items/work.xml")).unwrap();
    assert!(validate_xml(work.as_bytes()).diagnostics.is_empty());
    let at = work.find("</common:title>").unwrap();
    let line = work[..at].lines().count();

    for (inserted, message) in [
        ("page\u{c}break", "malformed XML: the control character U+000C is not allowed in XML"),
        ("a ]]> b", "malformed XML: `]]>` is not allowed in text (write `]]&gt;`)"),
    ] {
        let bad = work.replacen("</common:title>", &format!("{inserted}</common:title>"), 1);
        let d = &validate_xml(bad.as_bytes()).diagnostics;
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].code, d[0].line, d[0].message.as_str()), ("xml.malformed", line, message), "{inserted}");
    }
    // `]]>` ends CDATA sections, and may stand in comments.
    for fine in ["<![CDATA[a ]] b]]>", "<!-- ]]> -->"] {
        let ok = work.replacen("</common:title>", &format!("{fine}</common:title>"), 1);
        assert!(validate_xml(ok.as_bytes()).diagnostics.is_empty(), "{fine}");
    }
}
