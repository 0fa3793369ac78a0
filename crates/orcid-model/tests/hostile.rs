//! Hostile and broken input: every entry point (strict and lenient reading, validation, in XML
//! and JSON) ends with a clear error or a value, never a panic or a stack overflow. Time and
//! memory are measured in `benches/hostile.rs`, not here.

use orcid_model::validate::{Options, validate_json, validate_xml};
use orcid_model::work::Work;
use orcid_model::{Document, Element, Kind, Mode};

const WORK_START: &str = r#"<work:work xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common">"#;
const WORK_BODY: &str = "<work:title><common:title>T</common:title></work:title><work:type>book</work:type>";

/// What every entry point says of an XML document: (strict, lenient, validation's first error).
fn xml_outcomes(xml: &str) -> (Result<(), String>, Result<(), String>, Option<String>) {
    let strict = Document::from_xml_str(xml, Mode::Strict).map(|_| ()).map_err(|e| e.message);
    let lenient = Document::from_xml_str(xml, Mode::Lenient).map(|_| ()).map_err(|e| e.message);
    let report = validate_xml(xml.as_bytes(), &Options::default());
    (strict, lenient, report.verdict().map(|d| d.message.clone()))
}

fn json_outcomes(json: &str) -> (Result<(), String>, Result<(), String>, Option<String>) {
    let strict = Document::from_json_str(json, Kind::Work, Mode::Strict).map(|_| ()).map_err(|e| e.message);
    let lenient = Document::from_json_str(json, Kind::Work, Mode::Lenient).map(|_| ()).map_err(|e| e.message);
    let report = validate_json(json.as_bytes(), Kind::Work, &Options::default());
    (strict, lenient, report.verdict().map(|d| d.message.clone()))
}

fn all_fail_with(outcomes: (Result<(), String>, Result<(), String>, Option<String>), needle: &str) {
    let (strict, lenient, verdict) = outcomes;
    let strict = strict.err().map(|m| if m.contains("unexpected element") || m.contains("unknown key") { needle.to_owned() } else { m });
    // Strict reading stops at the first problem: an element or key it does not know, before
    // what is nested in it.
    for (what, message) in [("strict", strict), ("lenient", lenient.err()), ("validation", verdict)] {
        let message = message.unwrap_or_else(|| panic!("{what} accepted it"));
        assert!(message.contains(needle), "{what}: {message:?} does not say {needle:?}");
    }
}

#[test]
fn too_many_attributes_are_refused_at_the_limit() {
    let attributes: String = (0..20_000).map(|i| format!(" a{i}=\"v\"")).collect();
    let xml = format!("{}{WORK_BODY}</work:work>", WORK_START.replace('>', &format!("{attributes}>")));
    all_fail_with(xml_outcomes(&xml), "10000 attributes");
}

#[test]
fn many_namespace_declarations_are_read() {
    let declarations: String = (0..5_000).map(|i| format!(" xmlns:p{i}=\"https://example.org/{i}\"")).collect();
    let xml = format!("{}{WORK_BODY}<p4999:x/></work:work>", WORK_START.replace('>', &format!("{declarations}>")));
    let work = Work::from_xml_str(&xml, Mode::Lenient).expect("read");
    assert_eq!(work.unknown_content().names(), ["<p4999:x>"]);
}

#[test]
fn nesting_is_limited_in_both_forms() {
    // Deep inside an element the model does not know, where only a skip would go.
    let depth = 100_000;
    let xml = format!("{WORK_START}{WORK_BODY}{}{}</work:work>", "<x>".repeat(depth), "</x>".repeat(depth));
    all_fail_with(xml_outcomes(&xml), "deeper than 1000 levels");
    let json = format!(r#"{{"title":{{"title":{{"value":"T"}}}},"type":"book","x":{}{}}}"#, "[".repeat(depth), "]".repeat(depth));
    all_fail_with(json_outcomes(&json), "deeper than 1000 levels");
    let json = format!(r#"{{"title":{{"title":{{"value":"T"}}}},"type":"book","x":{}1{}}}"#, "{\"a\":".repeat(depth), "}".repeat(depth));
    all_fail_with(json_outcomes(&json), "deeper than 1000 levels");
    // 1000 levels are fine.
    let json = format!(r#"{{"title":{{"title":{{"value":"T"}}}},"type":"book","x":{}{}}}"#, "[".repeat(990), "]".repeat(990));
    assert!(Document::from_json_str(&json, Kind::Work, Mode::Lenient).is_ok());
}

#[test]
fn a_doctype_is_refused_and_nothing_it_names_is_loaded() {
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE work:work [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n{WORK_START}<work:title><common:title>&secret;</common:title></work:title><work:type>book</work:type></work:work>"
    );
    all_fail_with(xml_outcomes(&xml), "DOCTYPE");
}

#[test]
fn big_text_and_many_siblings_are_read() {
    let title = "é".repeat(1 << 20);
    let xml = format!("{WORK_START}<work:title><common:title>{title}</common:title></work:title><work:type>book</work:type></work:work>");
    // Strict reading refuses it (a title is at most 1000 characters); lenient reading keeps it.
    assert!(Work::from_xml_str(&xml, Mode::Strict).unwrap_err().message.contains("1000"));
    assert_eq!(Work::from_xml_str(&xml, Mode::Lenient).expect("read").title.title.len(), title.len());
    let contributors: String =
        (0..20_000).map(|i| format!("<work:contributor><work:credit-name>N{i}</work:credit-name></work:contributor>")).collect();
    let xml = format!("{WORK_START}{WORK_BODY}<work:contributors>{contributors}</work:contributors></work:work>");
    let work = Work::from_xml_str(&xml, Mode::Strict).expect("read");
    assert_eq!(work.contributors.map(|c| c.contributors.len()), Some(20_000));
    let json = format!(r#"{{"title":{{"title":{{"value":"{}"}}}},"type":"book"}}"#, "x".repeat(5 << 20));
    let work = Work::from_json_str(&json, Mode::Lenient).expect("read");
    assert_eq!(work.title.title.len(), 5 << 20);
}

/// A JSON value our reader takes where serde_json does, and refuses where serde_json does:
/// the value goes under a key the model does not know (lenient reading keeps it as it is, so
/// only the grammar decides) and as the value of a known string (where the value is read).
fn agrees_with_serde_json(value: &str) {
    let expected = serde_json::from_str::<serde_json::Value>(value).is_ok();
    let unknown = format!(r#"{{"title":{{"title":{{"value":"T"}}}},"type":"book","x":{value}}}"#);
    let ours = Work::from_json_str(&unknown, Mode::Lenient).is_ok();
    assert_eq!(ours, expected, "as an unknown key's value: {value:?}");
    if value.starts_with('"') {
        let known = format!(r#"{{"title":{{"title":{{"value":{value}}}}},"type":"book"}}"#);
        let ours = Work::from_json_str(&known, Mode::Lenient).is_ok();
        assert_eq!(ours, expected, "as a title: {value:?}");
        if let (Ok(work), Ok(serde_json::Value::String(theirs))) = (Work::from_json_str(&known, Mode::Lenient), serde_json::from_str(value))
        {
            assert_eq!(work.title.title, theirs, "{value:?}");
        }
    }
}

#[test]
fn json_grammar_as_serde_json_has_it() {
    let cases = [
        "1",
        "-0",
        "0.5",
        "1e5",
        "1E+5",
        "-1.5e-7",
        "00012",
        "1-2-e",
        "01",
        "1.",
        ".5",
        "-",
        "+1",
        "1e",
        "1e+",
        "0x10",
        "NaN",
        "Infinity",
        "true",
        "false",
        "null",
        "tru",
        "nul",
        "True",
        "\"a\"",
        "\"\\u00e9\"",
        "\"\\ud83d\\ude00\"",
        "\"\\ud800\\u0041\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\x41\"",
        "\"\\'\"",
        "\"a\tb\"",
        "\"a\nb\"",
        "\"\\/\"",
        "\"\\u00\"",
        "[]",
        "[1,]",
        "[,1]",
        "[1 2]",
        "{}",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{\"a\":1 \"b\":2}",
        "[1]]",
        "[[1]",
        "{\"a\":[1,{\"b\":null}]}",
        " [ 1 , 2 ] ",
        "\"\u{7f}\"",
    ];
    for case in cases {
        agrees_with_serde_json(case);
    }
}

#[test]
fn json_grammar_agrees_on_mutated_values() {
    // Every one-byte deletion, duplication and replacement (by a byte that matters to the
    // grammar) of a few values.
    let seeds = [r#"{"a":[1,-2.5e3,true,null,"x\"y\u00e9"],"b":{"c":{}}}"#, r#"[0,"\ud83d\ude00",{"k":"v"}]"#];
    let specials = b"\"\\{}[],:-+.eE0u";
    let mut checked = 0;
    for seed in seeds {
        let bytes = seed.as_bytes();
        for i in 0..bytes.len() {
            let mut variants = vec![[&bytes[..i], &bytes[i + 1..]].concat(), [&bytes[..=i], &bytes[i..]].concat()];
            variants.extend(specials.iter().map(|&b| [&bytes[..i], &[b][..], &bytes[i + 1..]].concat()));
            for v in variants {
                if let Ok(text) = String::from_utf8(v) {
                    agrees_with_serde_json(&text);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}

#[test]
fn documents_in_the_encodings_xml_allows_read_everywhere() {
    let work = format!(
        "{WORK_START}<work:title><common:title>Flossenregeneration é</common:title></work:title><work:type>book</work:type><common:external-ids><common:external-id><common:external-id-type>doi</common:external-id-type><common:external-id-value>10.5555/é</common:external-id-value><common:external-id-relationship>self</common:external-id-relationship></common:external-id></common:external-ids></work:work>"
    );
    let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
    utf8_bom.extend_from_slice(work.as_bytes());
    let mut utf16le = vec![0xFF, 0xFE];
    utf16le.extend(work.encode_utf16().flat_map(u16::to_le_bytes));
    let mut utf16be = vec![0xFE, 0xFF];
    utf16be.extend(work.encode_utf16().flat_map(u16::to_be_bytes));
    let latin1: Vec<u8> =
        format!("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>{work}").chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    for (what, bytes) in [("UTF-8 with a BOM", utf8_bom), ("UTF-16LE", utf16le), ("UTF-16BE", utf16be), ("ISO-8859-1", latin1)] {
        let Document::Work(read) = Document::from_xml_bytes(&bytes, Mode::Strict).unwrap_or_else(|e| panic!("{what}: {e}")) else {
            panic!("{what}")
        };
        assert_eq!(read.title.title, "Flossenregeneration é", "{what}");
        let report = validate_xml(&bytes, &Options::default());
        assert!(report.diagnostics.is_empty(), "{what}: {:#?}", report.diagnostics);
    }
    // Declared UTF-16 on UTF-8 bytes: an error naming both.
    let contradiction = format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>{work}");
    let e = Document::from_xml_bytes(contradiction.as_bytes(), Mode::Lenient).unwrap_err();
    assert!(e.message.contains("UTF-16") && e.message.contains("ASCII bytes"), "{}", e.message);
}
