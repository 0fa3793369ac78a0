//! ORCID's JSON: shapes, forgiving reading, the upload form, serde.

use orcid_model::common::{ExternalId, ExternalIds, FuzzyDate};
use orcid_model::vocabulary::{ExternalIdType, Relationship, WorkType};
use orcid_model::work::{Work, WorkTitle};
use orcid_model::{DatePart, DateTime, Document, Element, Kind, Mode, PutCode, WriteOptions};

fn work_in_code() -> Work {
    let doi = ExternalId::new(ExternalIdType::Doi, "10.5555/zebrafish")
        .with_external_id_url("https://doi.org/10.5555/zebrafish")
        .with_external_id_relationship(Relationship::Self_);
    Work::new(WorkTitle::new("Zebrafish fin regeneration"), WorkType::JournalArticle)
        .with_journal_title("Journal of Regenerative Biology")
        .with_publication_date(FuzzyDate::new(DatePart::from(2024)).with_month(DatePart::from(5)))
        .with_external_ids(ExternalIds::from(vec![doi]))
}

#[test]
fn items_built_in_code_as_json() {
    insta::assert_snapshot!("work_json_for_upload", work_in_code().to_json_string(WriteOptions::upload()));
}

#[test]
fn upload_form_leaves_out_read_only_parts() {
    let mut work = work_in_code();
    work.put_code = Some(PutCode::new(4_000_000_000));
    work.path = Some("/0000-0002-1825-0097/work/4000000000".into());
    work.created_date = Some("2024-05-01T12:00:00.000Z".parse().unwrap());
    work.last_modified_date = Some("2024-05-02T12:00:00.000Z".parse().unwrap());
    let read_form = work.to_json_string(WriteOptions::read().compact());
    assert!(read_form.contains(r#""created-date":{"value":1714564800000}"#), "{read_form}");
    assert!(read_form.contains(r#""path":"/0000-0002-1825-0097/work/4000000000""#), "{read_form}");
    let upload = work.to_json_string(WriteOptions::upload().compact());
    for gone in ["created-date", "last-modified-date", "\"path\"", "source"] {
        assert!(!upload.contains(gone), "{gone} in {upload}");
    }
    assert!(upload.contains(r#""put-code":4000000000"#), "the put-code stays, for updates: {upload}");
}

#[test]
fn shapes() {
    let json = work_in_code().to_json_string(WriteOptions::read().compact());
    assert!(json.contains(r#""title":{"title":{"value":"Zebrafish fin regeneration"}}"#), "{json}");
    assert!(json.contains(r#""journal-title":{"value":"Journal of Regenerative Biology"}"#), "{json}");
    assert!(json.contains(r#""type":"journal-article""#), "{json}");
    assert!(json.contains(r#""publication-date":{"year":{"value":"2024"},"month":{"value":"05"}}"#), "{json}");
    assert!(json.contains(r#""external-ids":{"external-id":[{"external-id-type":"doi""#), "{json}");
    assert!(json.contains(r#""external-id-url":{"value":"https://doi.org/10.5555/zebrafish"}"#), "{json}");
}

#[test]
fn reading_is_forgiving_where_orcid_is() {
    // A bare string for a wrapped value, a single object for a list, nulls for optional values.
    let json = r#"{
        "title": {"title": "Bare title", "subtitle": null},
        "type": "book",
        "url": "https://example.org",
        "short-description": null,
        "external-ids": {"external-id": {"external-id-type": "isbn", "external-id-value": "978-3-16-148410-0", "external-id-relationship": "self"}}
    }"#;
    let work = Work::from_json_str(json, Mode::Strict).unwrap();
    assert_eq!(work.title.title, "Bare title");
    assert_eq!(work.url.as_deref(), Some("https://example.org"));
    assert_eq!(work.external_ids.unwrap().external_ids.len(), 1);
}

#[test]
fn unknown_keys_strict_and_lenient() {
    let json = "{\n  \"title\": {\"title\": {\"value\": \"T\"}},\n  \"type\": \"book\",\n  \"colour\": [1, {\"a\": null}]\n}";
    let err = Work::from_json_str(json, Mode::Strict).unwrap_err();
    assert!(err.to_string().starts_with(r#"line 4, column 3: unknown key "colour" in work:work (expected one of "put-code", "#), "{err}");
    assert_eq!(Work::from_json_str(json, Mode::Lenient).unwrap().kind, WorkType::Book);
}

#[test]
fn missing_required_key_and_malformed_json_have_positions() {
    let err = Work::from_json_str("{\n  \"title\": {\"title\": {\"value\": \"T\"}}\n}", Mode::Strict).unwrap_err();
    assert_eq!(err.to_string(), r#"line 1, column 1: work:work is missing the required key "type""#);
    let err = Work::from_json_str("{\n  \"type\": \"book\",\n  \"title\": }", Mode::Strict).unwrap_err();
    assert_eq!((err.line, err.column), (3, 12));
    assert!(err.message.starts_with("malformed JSON"), "{}", err.message);
}

#[test]
fn dates_are_epoch_milliseconds() {
    let t: DateTime = "2017-01-17T11:55:44.542-06:00".parse().unwrap();
    assert_eq!(t.epoch_millis(), Some(1_484_675_744_542));
    let json = r#"{"title": {"title": {"value": "T"}}, "type": "book", "created-date": {"value": 1484675744542}}"#;
    let work = Work::from_json_str(json, Mode::Strict).unwrap();
    assert_eq!(work.created_date.unwrap().as_str(), "2017-01-17T17:55:44.542Z");
}

#[test]
fn history_creation_method_uses_java_names_in_json() {
    let xml = r#"<history:history xmlns:history="http://www.orcid.org/ns/history"><history:creation-method>Member-referred</history:creation-method><history:verified-email>true</history:verified-email><history:verified-primary-email>true</history:verified-primary-email></history:history>"#;
    let doc = Document::from_xml_str(xml, Mode::Strict).unwrap();
    let json = doc.to_json_string(WriteOptions::read().compact());
    assert!(json.contains(r#""creation-method":"MEMBER_REFERRED""#), "{json}");
    let back = Document::from_json_str(&json, Kind::History, Mode::Strict).unwrap();
    assert!(back.to_xml_string(orcid_model::Layout::Compact).contains(">Member-referred<"));
}

#[test]
fn unknown_kind_lists_the_kinds() {
    let err = "paper".parse::<Kind>().unwrap_err();
    assert!(err.starts_with(r#"unknown kind "paper"; kinds are the names of ORCID's root elements: "#), "{err}");
    assert!(err.contains("work, "), "{err}");
}

#[cfg(feature = "serde")]
#[test]
fn serde_gives_orcid_json() {
    let work = work_in_code();
    let via_serde: serde_json::Value = serde_json::to_value(&work).unwrap();
    let ours: serde_json::Value = serde_json::from_str(&work.to_json_string(WriteOptions::read().compact())).unwrap();
    assert_eq!(via_serde, ours);
    let back: Work = serde_json::from_value(via_serde).unwrap();
    assert_eq!(back, work);
}

#[cfg(feature = "serde")]
#[test]
fn serde_reads_strictly_or_leniently_with_the_native_messages() {
    use orcid_model::Strict;
    let json = r#"{"title": {"title": {"value": "A"}}, "type": "book", "colour": "blue", "url": {"value": "https://example.org", "x": 1}}"#;
    // Strict: the native reader's message, without a line (the deserializer has none).
    let native = Work::from_json_str(json, Mode::Strict).unwrap_err();
    let serde = serde_json::from_str::<Strict<Work>>(json).unwrap_err();
    assert!(native.message.starts_with(r#"unknown key "colour" in work:work (expected one of "put-code", "#), "{native}");
    assert!(serde.to_string().starts_with(&native.message), "{serde}");
    // Lenient: what the model does not know is kept and written back where it was.
    let lenient: Work = serde_json::from_str(json).unwrap();
    assert_eq!(lenient, Work::from_json_str(json, Mode::Lenient).unwrap());
    let written = serde_json::to_string(&lenient).unwrap();
    assert!(written.contains(r#""colour":"blue""#) && written.contains(r#""x":1"#), "{written}");
    assert_eq!(written, lenient.to_json_string(WriteOptions::read().compact()));
    // Unknown content deeper down (in a list's entry, in a nested struct) is put back in its
    // place too, the rest of the value written straight.
    let nested = r#"{"title": {"title": {"value": "A"}, "tone": "dry"}, "type": "book",
        "external-ids": {"external-id": [{"external-id-type": "doi", "external-id-value": "10.1/x", "external-id-relationship": "self", "checked": true},
                                         {"external-id-type": "isbn", "external-id-value": "978", "external-id-relationship": "part-of"}]},
        "contributors": {"contributor": [{"credit-name": {"value": "B"}, "orcid": "?"}]}}"#;
    let work: Work = serde_json::from_str(nested).unwrap();
    assert_eq!(work, Work::from_json_str(nested, Mode::Lenient).unwrap());
    let native = work.to_json_string(WriteOptions::read().compact());
    assert!(native.contains(r#""checked":true"#) && native.contains(r#""tone":"dry""#), "{native}");
    assert_eq!(serde_json::to_string(&work).unwrap(), native);
    assert_eq!(serde_json::to_string_pretty(&work).unwrap() + "\n", work.to_json_string(WriteOptions::read()));
    // A value outside its facets is refused strictly, kept leniently.
    let long = r#"{"title": {"title": {"value": "A"}}, "type": "book", "journal-title": {"value": "  "}}"#;
    let native = Work::from_json_str(long, Mode::Strict).unwrap_err();
    assert!(serde_json::from_str::<Strict<Work>>(long).unwrap_err().to_string().starts_with(&native.message), "{native}");
    assert_eq!(serde_json::from_str::<Work>(long).unwrap(), Work::from_json_str(long, Mode::Lenient).unwrap());
    // A document of another shape is an error, not a panic.
    for wrong in ["[]", "1", "\"work\"", "null", r#"{"title": []}"#] {
        assert!(serde_json::from_str::<Strict<Work>>(wrong).is_err(), "{wrong}");
    }
}

#[test]
fn strings_are_escaped_as_json_says() {
    // Every ASCII character at every position of an eight-byte word, and non-ASCII text.
    let mut samples: Vec<String> = (0u8..0x80).map(|b| format!("ab{}cdefghij", char::from(b))).collect();
    samples.extend((0..16).map(|i| format!("{}\"{}\\\u{1}", "x".repeat(i), "y".repeat(i))));
    samples.push("Ökologie und 再生 \u{7f} \u{2028}".into());
    for text in samples {
        let work = Work::new(WorkTitle::new(text.clone()), WorkType::Book);
        let json = work.to_json_string(WriteOptions::read().compact());
        let value: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json:?}: {e}"));
        assert_eq!(value["title"]["title"]["value"], text.as_str(), "{json}");
        assert_eq!(json, serde_json::to_string(&value).unwrap().replace("\\u007f", "\u{7f}"), "escaped as serde_json escapes");
    }
}

#[test]
fn characters_xml_cannot_carry_are_refused_as_orcid_refuses_them() {
    use orcid_model::validate::{Options, validate_json};
    for (escape, code) in [("\\u0000", "0000"), ("\\b", "0008"), ("\\u001f", "001F"), ("\\uffff", "FFFF")] {
        let json = format!(
            r#"{{"title":{{"title":{{"value":"Fins{escape}"}}}},"type":"book","external-ids":{{"external-id":[{{"external-id-type":"doi","external-id-value":"10.5555/1","external-id-relationship":"self"}}]}}}}"#
        );
        let report = validate_json(json.as_bytes(), Kind::Work, &Options::default());
        let d = report.verdict().expect("refused");
        assert_eq!((d.status, d.orcid_code, d.path.as_str()), (Some(400), Some(9047), "work/title/title"), "{escape}");
        assert_eq!(d.message, format!("\"title\": the character U+{code} cannot be written in XML, and ORCID refuses it"));
        let err = Document::from_json_bytes(json.as_bytes(), Kind::Work, Mode::Strict).unwrap_err();
        assert_eq!((err.line, err.column), (1, 28), "{escape}");
        // Lenient reading (what ORCID sends) keeps the value as it is.
        let Ok(Document::Work(work)) = Document::from_json_bytes(json.as_bytes(), Kind::Work, Mode::Lenient) else { panic!("kept") };
        let c = char::from_u32(u32::from_str_radix(code, 16).unwrap()).unwrap();
        assert_eq!(work.title.title, format!("Fins{c}"));
    }
    // What XML allows passes: tabs, line ends, everything from U+0020 on.
    let json = r#"{"title":{"title":{"value":"Fins\t\n\r\u00e9\ud83d\udc1f"}},"type":"book"}"#;
    assert!(Document::from_json_bytes(json.as_bytes(), Kind::Work, Mode::Strict).is_ok());
}
