//! What this version of the model does not know survives a read, a change and a write:
//! elements (ORCID's namespaces and foreign ones), attributes, JSON keys, and values of
//! enumerations, in XML and in JSON.

use orcid_model::common::Visibility;
use orcid_model::work::Work;
use orcid_model::{Element, Layout, Mode, WriteOptions};

/// A work as a newer ORCID could send it: an element and an attribute this version does not
/// know, a foreign element with its own namespace, attributes and children, one more inside a
/// contributor, and a visibility value that does not exist yet.
const NEWER_XML: &str = r#"<work:work xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common" put-code="7" visibility="trusted-parties" review-state="approved">
<work:title><common:title>Fins</common:title></work:title>
<work:abstract lang="en">A summary ORCID added later.</work:abstract>
<work:type>journal-article</work:type>
<common:external-ids><common:external-id><common:external-id-type>doi</common:external-id-type><common:external-id-value>10.5555/1</common:external-id-value><common:external-id-relationship>self</common:external-id-relationship></common:external-id></common:external-ids>
<x:funding-note xmlns:x="https://example.org/ns" x:kind="grant"><x:ref>MFP-1</x:ref> and text</x:funding-note>
<work:contributors><work:contributor><work:credit-name>A. Ngata</work:credit-name><work:affiliation-hint>Te Herenga Waka</work:affiliation-hint></work:contributor></work:contributors>
</work:work>"#;

fn without_whitespace_between_tags(xml: &str) -> String {
    xml.lines().map(str::trim).collect::<Vec<_>>().join("")
}

#[test]
fn unknown_xml_elements_attributes_and_values_are_kept_in_place() {
    let mut work = Work::from_xml_str(NEWER_XML, Mode::Lenient).expect("lenient reading keeps going");
    assert_eq!(work.visibility.as_ref().map(Visibility::as_str), Some("trusted-parties"));
    assert!(!work.visibility.as_ref().unwrap().is_known());
    assert_eq!(work.unknown_content().names(), ["@review-state", "<work:abstract>", "<x:funding-note>"]);

    // Change the title; everything unknown goes back where it was.
    work.title.title = "Fin regeneration".into();
    let written = work.to_xml_string(Layout::Compact);
    let body = written.split_once("<work:title>").unwrap().1;
    // Attributes have no order in XML; the unknown one is written first.
    assert!(written.contains(r#" review-state="approved" put-code="7" visibility="trusted-parties">"#), "{written}");
    assert!(
        body.starts_with(r#"<common:title>Fin regeneration</common:title></work:title><work:abstract lang="en">A summary ORCID added later.</work:abstract><work:type>"#),
        "{written}"
    );
    assert!(
        written.contains(r#"</common:external-ids><x:funding-note xmlns:x="https://example.org/ns" x:kind="grant"><x:ref>MFP-1</x:ref> and text</x:funding-note><work:contributors>"#),
        "{written}"
    );
    assert!(
        written.contains("<work:credit-name>A. Ngata</work:credit-name><work:affiliation-hint>Te Herenga Waka</work:affiliation-hint>"),
        "{written}"
    );

    // The same information set: what was written reads back as what was read (title aside).
    let again = Work::from_xml_str(&written, Mode::Lenient).unwrap();
    assert_eq!(again, work);
    let original_changed = NEWER_XML.replace(">Fins<", ">Fin regeneration<");
    assert_eq!(
        Work::from_xml_str(&original_changed, Mode::Lenient).unwrap().to_xml_string(Layout::Compact),
        written,
        "writing is a function of the information read"
    );
    assert!(without_whitespace_between_tags(&original_changed).contains("<work:abstract lang=\"en\">"));
}

#[test]
fn strict_reading_still_refuses_what_it_does_not_know() {
    let err = Work::from_xml_str(NEWER_XML, Mode::Strict).unwrap_err();
    assert!(err.message.contains("trusted-parties"), "{err}");
    assert!(err.message.contains("`private`, `limited`, `public`, `registered-only`"), "{err}");
}

const NEWER_JSON: &str = r#"{"put-code":7,"visibility":"trusted-parties","title":{"title":{"value":"Fins"},"title-colour":"blue"},"abstract":{"value":"Later.","lang":"en"},"type":"journal-article","external-ids":{"external-id":[{"external-id-type":"doi","external-id-value":"10.5555/1","external-id-relationship":"self","external-id-confidence":0.9}]},"review-state":null}"#;

#[test]
fn unknown_json_keys_and_values_are_kept_in_place() {
    let mut work = Work::from_json_str(NEWER_JSON, Mode::Lenient).expect("lenient reading keeps going");
    work.title.title = "Fin regeneration".into();
    let written = work.to_json_string(WriteOptions::read().compact());
    assert_eq!(
        written,
        r#"{"put-code":7,"visibility":"trusted-parties","title":{"title":{"value":"Fin regeneration"},"title-colour":"blue"},"abstract":{"value":"Later.","lang":"en"},"type":"journal-article","external-ids":{"external-id":[{"external-id-type":"doi","external-id-value":"10.5555/1","external-id-relationship":"self","external-id-confidence":0.9}]},"review-state":null}"#
    );
    assert_eq!(Work::from_json_str(&written, Mode::Lenient).unwrap(), work);
    assert!(Work::from_json_str(NEWER_JSON, Mode::Strict).is_err());
}

/// Keys after a wrapper's `"value"` (ORCID's `{"value": ...}` around a simple value) are kept
/// with it, and the value is read as it was, escapes included, whatever follows it.
#[test]
fn unknown_keys_in_a_value_wrapper_are_kept_with_it() {
    let json = r#"{"title":{"title":{"value":"Fins"}},"journal-title":{"value":"J. \"Fin\" Biol. \u00e9","lang":"en","script":{"name":"Latn"}},"type":"journal-article"}"#;
    let work = Work::from_json_str(json, Mode::Lenient).expect("lenient reading keeps going");
    assert_eq!(work.journal_title.as_deref(), Some("J. \"Fin\" Biol. é"));
    let written = work.to_json_string(WriteOptions::read().compact());
    assert_eq!(written, json.replace("\\u00e9", "é"));
    let err = Work::from_json_str(json, Mode::Strict).expect_err("strict reading refuses the key");
    assert!(err.to_string().contains(r#"unknown key "lang" in "journal-title""#), "{err}");
}

/// A member that comes once, given twice: lenient reading takes the first and keeps the
/// second as it is, where it is (reading the second over the first would lose the first, and
/// a bad first value then a good one would not read back the same).
#[test]
fn a_member_given_twice_keeps_both() {
    let xml = r#"<work:work xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common"><work:title><common:title>Fins</common:title></work:title><work:journal-title>First</work:journal-title><work:journal-title>Second</work:journal-title><work:type>book</work:type></work:work>"#;
    let work = Work::from_xml_str(xml, Mode::Lenient).unwrap();
    assert_eq!(work.journal_title.as_deref(), Some("First"));
    let written = work.to_xml_string(Layout::Compact);
    assert!(written.contains("<work:journal-title>First</work:journal-title><work:journal-title>Second</work:journal-title>"), "{written}");
    assert_eq!(Work::from_xml_str(&written, Mode::Lenient).unwrap(), work);
    assert!(Work::from_xml_str(xml, Mode::Strict).is_err());

    let json = r#"{"title":{"title":{"value":"Fins"}},"journal-title":{"value":"First"},"journal-title":{"value":"Second"},"type":"book"}"#;
    let work = Work::from_json_str(json, Mode::Lenient).unwrap();
    assert_eq!(work.journal_title.as_deref(), Some("First"));
    assert_eq!(work.to_json_string(WriteOptions::read().compact()), json);
}

/// A value that could not be read is written back under its member's key, in its shape, with
/// what else its wrapper held (it was written as a bare string, which is not JSON).
#[test]
fn an_unreadable_json_value_is_written_back_under_its_key() {
    let json = r#"{"title":{"title":{"value":"Fins"}},"type":"book","publication-date":{"year":{"value":"2024"},"month":{"value":"13x","note":"n"}}}"#;
    let work = Work::from_json_str(json, Mode::Lenient).unwrap();
    assert_eq!(work.publication_date.as_ref().map(|d| d.month.is_none()), Some(true));
    let written = work.to_json_string(WriteOptions::read().compact());
    assert_eq!(written, json);
    assert_eq!(Work::from_json_str(&written, Mode::Lenient).unwrap(), work);
}

#[test]
fn from_one_form_to_the_other_what_cannot_be_carried_is_named() {
    // XML elements have no place in JSON, and JSON keys none in XML: each form keeps its own,
    // and the model says what would be left out.
    let from_xml = Work::from_xml_str(NEWER_XML, Mode::Lenient).unwrap();
    let as_json = from_xml.to_json_string(WriteOptions::read().compact());
    assert!(as_json.contains(r#""visibility":"trusted-parties""#), "an unknown value is a value in either form: {as_json}");
    let everywhere = from_xml.unknown_content_everywhere();
    assert_eq!(everywhere.len(), 4, "{everywhere:?}");
    assert!(
        everywhere.iter().any(|w| w.starts_with("work/contributors/contributor[1]") && w.contains("<work:affiliation-hint>")),
        "{everywhere:?}"
    );

    let from_json = Work::from_json_str(NEWER_JSON, Mode::Lenient).unwrap();
    let everywhere = from_json.unknown_content_everywhere();
    assert!(everywhere.iter().any(|w| w.contains("title-colour")), "{everywhere:?}");
    assert!(everywhere.iter().any(|w| w.contains("external-id-confidence")), "{everywhere:?}");
}

#[test]
fn items_built_in_code_have_nothing_unknown() {
    let work = Work::new(orcid_model::work::WorkTitle::new("Fins"), orcid_model::vocabulary::WorkType::Book);
    assert!(work.unknown_content().is_empty());
    assert!(work.unknown_content_everywhere().is_empty());
}
