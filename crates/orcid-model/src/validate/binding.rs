//! The first step of ORCID's server: reading the body (server rules §2). What a problem met
//! while reading becomes, by form: XML items are validated against the XSD as they are read
//! (a problem: 400 with 9012 or 9001; a value an orcid-model adapter refuses: 9051); JSON is
//! bound by Jackson and then checked against the XSD (9047; malformed JSON: 9001); a bulk gets
//! no XSD step at all (§5.2), so only what stops binding counts there.

use super::{Finding, Severity};
use crate::runtime::content::{Form, Problem, ProblemKind};

fn error(code: &'static str, rule: &'static str, orcid_code: Option<u16>, path: String, pos: usize, message: String) -> Finding {
    Finding { severity: Severity::Error, code, rule, status: Some(400), orcid_code, path, pos: Some(pos), message, note: None }
}

/// A document whose bytes are not text in its encoding.
pub(super) fn unreadable(src: &[u8], form: Form, pos: usize, message: String) -> super::Diagnostic {
    let (line, column) = crate::line_column(src, pos);
    let (code, orcid_code, rule) = match form {
        Form::Xml => ("xml.encoding", None, "§2.1"),
        Form::Json => ("json.encoding", Some(9001), "§2.2"),
    };
    super::Diagnostic {
        severity: Severity::Error,
        code,
        rule,
        status: Some(400),
        orcid_code,
        path: String::new(),
        line,
        column,
        offset: pos.min(src.len()),
        message,
        note: None,
    }
}

/// An empty JSON body: ORCID answers 9047 (server rules §2.2).
pub(super) fn empty_json(src: &[u8]) -> super::Diagnostic {
    let (line, column) = crate::line_column(src, src.len());
    super::Diagnostic {
        severity: Severity::Error,
        code: "json.empty",
        rule: "§2.2",
        status: Some(400),
        orcid_code: Some(9047),
        path: String::new(),
        line,
        column,
        offset: src.len(),
        message: "the body is empty: send the item's JSON".into(),
        note: None,
    }
}

/// What a problem met while reading means for ORCID's answer; `None` when ORCID does not
/// mind it (XSD-only rules inside a bulk).
pub(super) fn diagnose(p: &Problem, form: Form, bulk: bool) -> Option<Finding> {
    use ProblemKind as K;
    let code = match p.kind {
        K::Malformed => match form {
            Form::Xml => "xml.malformed",
            Form::Json => "json.malformed",
        },
        K::Limit => "input.limit",
        K::UnknownRoot => "xsd.unknown-root",
        K::UnknownElement => "xsd.unknown-element",
        K::UnknownAttribute => "xsd.unknown-attribute",
        K::UnknownKey => "json.unknown-key",
        K::Order => "xsd.order",
        K::Repeated => "xsd.too-many",
        K::MissingElement => "xsd.missing-element",
        K::MissingAttribute => "xsd.missing-attribute",
        K::Choice => "xsd.choice",
        K::TextNotAllowed => "xsd.text-not-allowed",
        K::ElementNotAllowed => "xsd.element-not-allowed",
        K::Value => "xsd.value",
        K::Enumeration => "xsd.enumeration",
        K::Vocabulary => "orcid.vocabulary",
        K::JsonShape => "json.structure",
        K::Alias => return Some(alias(p)),
    };
    let (path, pos, message) = (p.path.clone(), p.pos, p.message.clone());
    if bulk {
        return bulk_problem(p, form, code);
    }
    Some(match (form, p.kind) {
        (Form::Xml, K::Vocabulary) => error(code, "§4.1", Some(9051), path, pos, message),
        (Form::Xml, _) => error(code, "§2.1", None, path, pos, message),
        (Form::Json, K::Malformed) => error(code, "§2.2", Some(9001), path, pos, message),
        (Form::Json, K::Vocabulary) => error(code, "§4.1", Some(9047), path, pos, message),
        (Form::Json, _) => error(code, "§2.2", Some(9047), path, pos, message),
    })
}

/// A problem inside a bulk (server rules §5.2): no XSD step, so element order, the XSD's
/// facets and lists, unknown elements do not count; a value an adapter refuses is left empty
/// in XML (ORCID's rules then find it missing) and fails binding in JSON (9047); a required
/// element that is missing is what ORCID's rule for it says.
fn bulk_problem(p: &Problem, form: Form, code: &'static str) -> Option<Finding> {
    use ProblemKind as K;
    let (path, pos, message) = (p.path.clone(), p.pos, p.message.clone());
    match (p.kind, form) {
        (K::Malformed | K::Limit | K::UnknownRoot, Form::Xml) => Some(error(code, "§2.1", None, path, pos, message)),
        (K::Malformed, Form::Json) => Some(error(code, "§2.2", Some(9001), path, pos, message)),
        (K::Limit | K::UnknownRoot, Form::Json) => Some(error(code, "§2.2", Some(9047), path, pos, message)),
        // Jackson binds JSON before anything else: what it cannot bind fails the request.
        (K::UnknownKey | K::JsonShape | K::Vocabulary, Form::Json) => Some(error(code, "§5.2", Some(9047), path, pos, message)),
        (K::MissingElement | K::MissingAttribute, _) => missing_in_bulk(&path, p.member.unwrap_or_default(), pos),
        // A date part the XSD refuses (a year outside 1900-2100, a month of 13, not a number) is
        // not refused for that in a bulk, which gets no XSD step: ORCID's fuzzy-date check (W7)
        // decides on the value as written, so 1899 and 2101 are stored (§5.2).
        (K::Value, _) if is_date_part(&path) => None,
        _ => None,
    }
}

/// `.../publication-date/month` and the like.
fn is_date_part(path: &str) -> bool {
    let mut segments = path.rsplit('/');
    matches!(segments.next(), Some("year" | "month" | "day")) && segments.next().is_some_and(|s| s.ends_with("date"))
}

/// Another spelling of a listed value: a note saying what ORCID stores (§6.1).
fn alias(p: &Problem) -> Finding {
    let rule = &super::rules::ALIAS;
    let stored = p.value.as_ref().map(|(_, stored)| stored.as_str()).unwrap_or_default();
    Finding {
        severity: rule.severity,
        code: rule.code,
        rule: rule.id,
        status: None,
        orcid_code: None,
        path: p.path.clone(),
        pos: Some(p.pos),
        message: p.message.clone(),
        note: Some(format!("ORCID stores {stored:?}")),
    }
}

/// A required part missing from a work in a bulk: what ORCID's validator says of it (rules
/// W1, W5, W9, W10, W7 and §4.2; an external identifier without a type fails deeper, B5).
fn missing_in_bulk(path: &str, member: &str, pos: usize) -> Option<Finding> {
    let parent = path.rsplit('/').next().unwrap_or(path);
    let parent = parent.split('[').next().unwrap_or(parent);
    let (rule, message) = match (parent, member) {
        ("work" | "title", "title") => ("W1", "a work needs a title (<work:title><common:title>)"),
        ("work", "type") => ("W5", "a work needs a type (<work:type>)"),
        ("translated-title", "language-code") => ("W4", "a translated title needs its language (language-code)"),
        ("citation", "citation-type") => ("W9", "a citation needs its type (<work:citation-type>)"),
        ("citation", "citation-value") => ("W10", "a citation needs its text (<work:citation-value>)"),
        ("external-id", "external-id-value") => ("W19", "an external identifier needs a value"),
        ("external-id", "external-id-type") => {
            ("B5", "an external identifier needs a type; without one ORCID fails on this work with an internal error")
        }
        ("publication-date", "year") => ("W7", "a date needs a year"),
        _ => return None,
    };
    let rule = super::rules::rule(rule)?;
    let answer = rule.answers.first();
    Some(Finding {
        severity: Severity::Error,
        code: rule.code,
        rule: rule.id,
        status: answer.map(|a| a.status),
        orcid_code: answer.and_then(|a| a.code),
        path: format!("{path}/{member}"),
        pos: Some(pos),
        message: message.to_owned(),
        note: None,
    })
}
