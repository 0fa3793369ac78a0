//! What the generated code knows about each type from the XSD and from ORCID's JSON: the
//! content model of every struct and the facets of every simple type, as static tables.
//!
//! These tables are the one content model: the XML and JSON readers, the writers and the
//! validator all consult them, so a rule (order, repetition, required elements, choices,
//! facets, ORCID's lists) lives in one place (`content.rs`), whichever form is read.

use std::sync::OnceLock;

use regex::Regex;

use crate::Ns;

/// The facets of an XSD simple type, accumulated along its derivation chain.
#[derive(Debug)]
pub struct Facets {
    /// The XSD type, `prefix:name`, for messages.
    pub type_name: &'static str,
    /// `xs:minLength`, in characters.
    pub min_length: Option<usize>,
    /// `xs:maxLength`, in characters (not bytes).
    pub max_length: Option<usize>,
    /// `xs:pattern`s: one per derivation step, all must match.
    pub patterns: &'static [&'static Pattern],
    /// `xs:minInclusive` of an integer type.
    pub min_inclusive: Option<i64>,
    /// `xs:maxInclusive` of an integer type.
    pub max_inclusive: Option<i64>,
}

impl Facets {
    /// No facets at all.
    pub const NONE: Facets = Facets::plain("");

    /// A type without facets.
    pub const fn plain(type_name: &'static str) -> Facets {
        Facets { type_name, min_length: None, max_length: None, patterns: &[], min_inclusive: None, max_inclusive: None }
    }

    /// Whether there is anything to check.
    pub fn is_empty(&self) -> bool {
        self.min_length.is_none()
            && self.max_length.is_none()
            && self.patterns.is_empty()
            && self.min_inclusive.is_none()
            && self.max_inclusive.is_none()
    }

    /// Checks a lexical value (as written, before any whitespace collapsing).
    pub fn check(&self, text: &str) -> Result<(), String> {
        // A character is 1 to 4 bytes: count characters only when the byte length leaves the
        // bounds in doubt.
        let bytes = text.len();
        let in_doubt = self.max_length.is_some_and(|max| bytes > max) || self.min_length.is_some_and(|min| bytes < min.saturating_mul(4));
        if in_doubt {
            let len = text.chars().count();
            if let Some(max) = self.max_length.filter(|&max| len > max) {
                return Err(format!("{} is at most {max} characters, this value has {len}", self.describe()));
            }
            if let Some(min) = self.min_length.filter(|&min| len < min) {
                return Err(format!("{} is at least {min} characters, this value has {len}", self.describe()));
            }
        }
        for pattern in self.patterns {
            if !pattern.is_match(text) {
                return Err(format!("{} must match the pattern `{}`, found {}", self.describe(), pattern.xsd, shown(text)));
            }
        }
        if self.min_inclusive.is_some() || self.max_inclusive.is_some() {
            let trimmed = text.trim_matches(super::is_xml_space);
            let Ok(n) = trimmed.strip_prefix('+').unwrap_or(trimmed).parse::<i64>() else {
                return Err(format!("{} must be a whole number, found {}", self.describe(), shown(text)));
            };
            if self.min_inclusive.is_some_and(|min| n < min) || self.max_inclusive.is_some_and(|max| n > max) {
                return Err(format!(
                    "{} must be between {} and {}, found {n}",
                    self.describe(),
                    self.min_inclusive.map_or("-∞".into(), |v| v.to_string()),
                    self.max_inclusive.map_or("∞".into(), |v| v.to_string()),
                ));
            }
        }
        Ok(())
    }

    fn describe(&self) -> String {
        if self.type_name.is_empty() { "the value".to_owned() } else { format!("a {} value", self.type_name) }
    }
}

/// A value as a message shows it: quoted, and cut short when long (a message about a 50 MB
/// value need not repeat it).
pub fn shown(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        None => format!("{text:?}"),
        Some((cut, _)) => format!("{:?}… ({} characters)", &text[..cut], text.chars().count()),
    }
}

/// An `xs:pattern`, with the XSD text for messages and the equivalent Rust regex.
#[derive(Debug)]
pub struct Pattern {
    /// The pattern as the XSD writes it.
    pub xsd: &'static str,
    /// The same pattern for the `regex` crate, anchored (XSD patterns match whole values).
    pub regex: &'static str,
    /// The same test in plain code for the patterns on hot fields; it may leave a value
    /// undecided (`None`, e.g. non-ASCII digits), which the regex then decides.
    native: Option<fn(&str) -> Option<bool>>,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    /// A pattern; `regex` was translated from `xsd` by the generator.
    pub const fn new(xsd: &'static str, regex: &'static str) -> Pattern {
        Pattern { xsd, regex, native: None, compiled: OnceLock::new() }
    }

    /// A pattern with an equivalent test in plain code, which is what runs.
    pub const fn with_native(xsd: &'static str, regex: &'static str, native: fn(&str) -> Option<bool>) -> Pattern {
        Pattern { xsd, regex, native: Some(native), compiled: OnceLock::new() }
    }

    /// Whether the whole value matches.
    pub fn is_match(&self, text: &str) -> bool {
        if let Some(answer) = self.native.and_then(|native| native(text)) {
            return answer;
        }
        self.regex_is_match(text)
    }

    /// Whether the whole value matches, by the regex alone.
    pub fn regex_is_match(&self, text: &str) -> bool {
        self.compiled.get_or_init(|| Regex::new(self.regex).expect("the generator emits valid regexes")).is_match(text)
    }
}

/// `[\s\S]*[^\s\n\r]+[\s\S]*`: at least one character that is not XML whitespace.
pub fn has_non_space(text: &str) -> Option<bool> {
    Some(text.chars().any(|c| !super::is_xml_space(c)))
}

/// `(\d{4}-){3,}\d{3}[\dX]`, an ORCID iD's path, for ASCII text. XSD's `\d` is any Unicode
/// decimal digit, so text with other characters is left to the regex.
pub fn is_orcid_path(text: &str) -> Option<bool> {
    if !text.is_ascii() {
        return None;
    }
    let b = text.as_bytes();
    // Groups of four digits followed by `-`, then a last group whose fourth may be `X`.
    let shape_ok = b.len() % 5 == 4
        && b.len() >= 19
        && b.chunks(5).all(|chunk| match chunk {
            [d @ .., b'-'] if d.len() == 4 => d.iter().all(u8::is_ascii_digit),
            [d @ .., last] if d.len() == 3 => d.iter().all(u8::is_ascii_digit) && (last.is_ascii_digit() || *last == b'X'),
            _ => false,
        });
    Some(shape_ok)
}

/// `https://([^/]*orcid\.org|localhost.*/orcid-web)/(\d{4}-){3,}\d{3}[\dX]`, an ORCID iD's
/// URI, for ASCII text (see [`is_orcid_path`]).
pub fn is_orcid_uri(text: &str) -> Option<bool> {
    if !text.is_ascii() {
        return None;
    }
    let Some(rest) = text.strip_prefix("https://") else { return Some(false) };
    // The path holds no `/`, so the last `/` ends the host part.
    let Some((host, path)) = rest.rsplit_once('/') else { return Some(false) };
    let host_ok = (host.ends_with("orcid.org") && !host.contains('/'))
        // XSD's `.` is any character but a line end.
        || (host.starts_with("localhost") && host.ends_with("/orcid-web") && !host.contains(['\n', '\r']));
    Some(host_ok && is_orcid_path(path) == Some(true))
}

/// `(APP-[\da-zA-Z]{16}|(\d{4}-){3,}\d{3}[\dX])`, a source's client id (a member API client or
/// an ORCID iD), for ASCII text.
pub fn is_client_path(text: &str) -> Option<bool> {
    if !text.is_ascii() {
        return None;
    }
    match text.strip_prefix("APP-") {
        Some(id) => Some(id.len() == 16 && id.bytes().all(|b| b.is_ascii_alphanumeric())),
        None => is_orcid_path(text),
    }
}

/// `https://([^/]*orcid\.org|localhost.*/orcid-web)/client/(client path)`, for ASCII text.
pub fn is_client_uri(text: &str) -> Option<bool> {
    if !text.is_ascii() {
        return None;
    }
    let Some(rest) = text.strip_prefix("https://") else { return Some(false) };
    // The client path holds no `/`, so the last `/` ends `.../client`.
    let Some((before, path)) = rest.rsplit_once('/') else { return Some(false) };
    let Some(host) = before.strip_suffix("/client") else { return Some(false) };
    let host_ok = (host.ends_with("orcid.org") && !host.contains('/'))
        || (host.starts_with("localhost") && host.ends_with("/orcid-web") && !host.contains(['\n', '\r']));
    Some(host_ok && is_client_path(path) == Some(true))
}

/// `true`: a transient flag's only value.
pub fn is_true(text: &str) -> Option<bool> {
    Some(text == "true")
}

/// One of ORCID's controlled vocabularies, as data.
#[derive(Debug)]
pub struct Vocabulary {
    /// Its name (`work-type`).
    pub name: &'static str,
    /// The values ORCID accepts.
    pub values: &'static [&'static str],
}

impl Vocabulary {
    /// Whether ORCID accepts the value.
    pub fn accepts(&self, value: &str) -> bool {
        self.values.contains(&value)
    }

    /// The accepted value closest to `value` (by edit distance, ignoring case), if close.
    pub fn closest(&self, value: &str) -> Option<&'static str> {
        closest(self.values, value)
    }
}

/// The value of `values` closest to `value` (by edit distance, ignoring case), if close.
pub fn closest<'v>(values: &[&'v str], value: &str) -> Option<&'v str> {
    // Long values are nobody's typo; the distance is quadratic in the lengths.
    if value.len() > 200 {
        return None;
    }
    let value = value.to_lowercase();
    let (best, distance) = values.iter().map(|v| (*v, edit_distance(&v.to_lowercase(), &value))).min_by_key(|(_, d)| *d)?;
    (distance <= 2.max(value.chars().count() / 4)).then_some(best)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// A simple value: the facets of its XSD type and, where ORCID binds it to a list, the list.
#[derive(Debug, Clone, Copy)]
pub struct SimpleSchema {
    /// The XSD facets.
    pub facets: &'static Facets,
    /// ORCID's list of accepted values, for fields the XSD types as plain strings and ORCID's
    /// Java model binds to an enum (§4.1 of the server rules).
    pub vocabulary: Option<&'static Vocabulary>,
    /// What kind of value the member's Rust type holds (for typed columns).
    pub value: ValueKind,
}

impl SimpleSchema {
    /// A value without facets or list.
    pub const PLAIN: SimpleSchema = SimpleSchema { facets: &Facets::NONE, vocabulary: None, value: ValueKind::Text };
}

/// What kind of value a simple type holds, beyond its text: what a typed column (Parquet,
/// SQL) would make of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Text (strings, enumerations, ORCID's lists).
    Text,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// An instant (`xs:dateTime`); ORCID's JSON writes epoch milliseconds.
    DateTime,
}

/// How a member's value is written in ORCID's JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A nested object (a struct).
    Object,
    /// A JSON string.
    String,
    /// A JSON number or boolean, written as is.
    Raw,
    /// `{"value": "..."}` (a bare scalar is read too).
    Wrapped,
    /// `{"value": <epoch milliseconds>}`.
    Millis,
    /// A wrapper element that ORCID's JSON leaves out: the member's struct holds one list,
    /// written straight under the member's JSON key.
    Flattened,
}

/// Where a member sits in the XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    /// An attribute.
    Attribute {
        /// Whether `use="required"`.
        required: bool,
    },
    /// A child element, of the field with this index (the alternatives of a choice list
    /// share one field).
    Element {
        /// The field.
        field: u8,
    },
    /// The text of a type with simple content.
    Text,
}

/// What a member holds.
#[derive(Debug, Clone, Copy)]
pub enum Content {
    /// A struct.
    Struct(&'static StructSchema),
    /// A simple value.
    Simple(SimpleSchema),
}

/// An attribute, child element or text of a struct.
#[derive(Debug)]
pub struct Member {
    /// Its namespace (`Ns::None` for ORCID's unqualified attributes).
    pub ns: Ns,
    /// Its local name (`value` for text).
    pub local: &'static str,
    /// Attribute, element or text.
    pub kind: MemberKind,
    /// What it holds.
    pub content: Content,
    /// Its key in ORCID's JSON.
    pub json_key: &'static str,
    /// How its value is written in ORCID's JSON.
    pub shape: Shape,
    /// Whether a body for upload carries it (ORCID sets source, dates and paths itself).
    pub upload: bool,
}

impl Member {
    /// The field index of a child element.
    pub fn field(&self) -> Option<usize> {
        match self.kind {
            MemberKind::Element { field } => Some(usize::from(field)),
            _ => None,
        }
    }

    /// Whether this is an attribute.
    pub fn is_attribute(&self) -> bool {
        matches!(self.kind, MemberKind::Attribute { .. })
    }
}

/// The content model of a generated struct.
#[derive(Debug)]
pub struct StructSchema {
    /// The XSD type, `prefix:name`.
    pub name: &'static str,
    /// The namespace of the type's own elements.
    pub ns: Ns,
    /// Attributes, then child elements in schema order, then text.
    pub members: &'static [Member],
    /// Child element fields as `prefix:local`, in schema order (for messages); a field's
    /// index is its bit in the masks below.
    pub fields: &'static [&'static str],
    /// Fields that must be present.
    pub required: u64,
    /// Attributes that must be present (bits over member indices).
    pub required_attributes: u64,
    /// Fields that may repeat.
    pub repeated: u64,
    /// Choices and optional sequences: which fields go together.
    pub groups: &'static [Group],
    /// ORCID's JSON gathers every repeated element under this one key, each entry an object
    /// naming its element: `"summaries": [{"employment-summary": {...}}]`.
    pub json_tagged: Option<&'static str>,
    /// Keys ORCID's JSON carries, always `null`, for Java properties the XSD lacks.
    pub json_null_keys: &'static [&'static str],
    /// The member for a child element: generated as a `match` on the name, which the compiler
    /// makes faster than any search of `members`.
    pub element_member: fn(Ns, &[u8]) -> Option<usize>,
    /// The member for a JSON key (attributes and elements alike), generated as a `match` too.
    pub json_key_member: fn(&str) -> Option<usize>,
}

/// An `xs:choice` (one branch per alternative) or an optional `xs:sequence` (one branch).
#[derive(Debug)]
pub struct Group {
    /// Whether the group may be absent altogether.
    pub optional: bool,
    /// The alternatives.
    pub branches: &'static [Branch],
}

/// One alternative of a [`Group`].
#[derive(Debug)]
pub struct Branch {
    /// Every field of the alternative.
    pub all: u64,
    /// The fields the alternative requires.
    pub required: u64,
}

impl StructSchema {
    /// The member for a child element.
    pub fn element(&self, ns: Ns, local: &[u8]) -> Option<usize> {
        (self.element_member)(ns, local)
    }

    /// The member for an attribute.
    pub fn attribute(&self, ns: Ns, local: &[u8]) -> Option<usize> {
        self.members.iter().position(|m| m.is_attribute() && m.ns == ns && m.local.as_bytes() == local)
    }

    /// The member for a JSON key (attributes and elements alike).
    pub fn json_member(&self, key: &str) -> Option<usize> {
        (self.json_key_member)(key)
    }

    /// The text member of a type with simple content.
    pub fn text_member(&self) -> Option<usize> {
        // The generator puts the text last.
        match self.members.last() {
            Some(m) if m.kind == MemberKind::Text => Some(self.members.len() - 1),
            _ => None,
        }
    }

    fn names(&self, mask: u64) -> String {
        (0..self.fields.len()).filter(|i| mask & (1 << i) != 0).map(|i| format!("<{}>", self.fields[i])).collect::<Vec<_>>().join(", ")
    }

    /// Checks choices and optional sequences against the fields present.
    pub fn check_groups(&self, present: u64) -> Result<(), String> {
        for group in self.groups {
            let every: u64 = group.branches.iter().fold(0, |acc, b| acc | b.all);
            let inside = present & every;
            if inside == 0 {
                if group.optional {
                    continue;
                }
                return Err(format!("one of {} is required", self.names(every)));
            }
            let fits = group.branches.iter().any(|b| inside & !b.all == 0 && b.required & !inside == 0);
            if fits {
                continue;
            }
            if let Some(b) = group.branches.iter().find(|b| inside & !b.all == 0) {
                return Err(format!("{} requires {}", self.names(inside), self.names(b.required & !inside)));
            }
            return Err(format!("only one of these alternatives may appear: {}", self.names(inside)));
        }
        Ok(())
    }

    /// A hint listing the elements this type holds, for "unexpected element" messages.
    pub fn expected_hint(&self) -> String {
        if self.fields.is_empty() {
            format!(" ({} holds no elements)", self.name)
        } else {
            format!(" (expected one of {})", self.names(u64::MAX))
        }
    }

    /// The JSON keys this type reads, for "unknown key" messages.
    pub fn expected_keys(&self) -> String {
        let mut keys: Vec<&str> = self.members.iter().filter(|m| m.kind != MemberKind::Text).map(|m| m.json_key).collect();
        if self.members.iter().any(|m| m.kind == MemberKind::Text) {
            keys.push("value");
        }
        if let Some(tagged) = self.json_tagged {
            keys.retain(|k| self.json_member(k).is_none_or(|i| self.members[i].field().is_none_or(|f| self.repeated & (1 << f) == 0)));
            keys.push(tagged);
        }
        keys.dedup();
        if keys.is_empty() {
            " (it holds no keys)".to_owned()
        } else {
            format!(" (expected one of {})", keys.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use regex::Regex;

    #[test]
    fn native_non_empty_check_agrees_with_the_pattern() {
        let pattern = &crate::common::NON_EMPTY_STRING_PATTERN;
        let regex = Regex::new(pattern.regex).unwrap();
        for text in ["", " ", "   ", "\t\n\r ", "a", " a ", "\u{a0}", "é", "\n\tx\n", "\u{2003}"] {
            assert_eq!(pattern.is_match(text), regex.is_match(text), "{text:?}");
        }
    }

    #[test]
    fn long_values_are_shown_cut_short() {
        assert_eq!(super::shown("abc"), "\"abc\"");
        let long = "x".repeat(1000);
        assert!(super::shown(&long).ends_with("… (1000 characters)"));
    }

    /// The plain-code tests behind hot patterns answer as the regex does, including the edge
    /// cases of XSD's syntax (Unicode digits, line ends under `.`, group counts).
    #[test]
    fn native_patterns_agree_with_their_regexes() {
        use crate::common::{
            CLIENT_PATH_PATTERN, CLIENT_URI_PATTERN, NON_EMPTY_STRING_PATTERN, ORCID_PATH_PATTERN, ORCID_URI_PATTERN,
            TRANSIENT_ERROR_TRANSIENT_PATTERN, TRANSIENT_NON_EMPTY_STRING_TRANSIENT_PATTERN,
        };
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
        for host in [
            "orcid.org",
            "sandbox.orcid.org",
            "qa.orcid.org",
            "orcid.org.evil",
            "evilorcid.org",
            "a/orcid.org",
            "",
            "localhost/orcid-web",
            "localhost:8080/a/orcid-web",
            "localhost\n/orcid-web",
            "localhost/orcid-webx",
            "x.localhost/orcid-web",
            "sandbox.orcid.org\n",
        ] {
            for path in ["0000-0002-1825-0097", "0000-0002-1825-009X", "0000-0002-1825", "0000-0002-1825-0097/", "", "٠٠٠٠-0002-1825-0097"]
            {
                for scheme in ["https://", "http://", "https:/", ""] {
                    uris.push(format!("{scheme}{host}/{path}"));
                }
            }
        }
        let texts = ["", " ", "\t\n\r ", "a", " a ", "\u{a0}", "\u{2003}", "\n\u{85}", "Māori"];
        let clients: Vec<String> = [
            "APP-EMULATOR00000001",
            "APP-emulator0000000X",
            "APP-EMULATOR0000001",
            "APP-EMULATOR000000012",
            "APP-EMULATOR-0000001",
            "app-EMULATOR00000001",
            "APP-ÉMULATOR0000001",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain(paths.iter().map(|s| s.to_string()))
        .collect();
        let client_uris: Vec<String> = uris
            .iter()
            .filter_map(|u| u.rsplit_once('/'))
            .flat_map(|(host, _)| {
                clients.iter().flat_map(move |c| [format!("{host}/client/{c}"), format!("{host}/{c}"), format!("{host}/client/client/{c}")])
            })
            .collect();
        let flags = ["true", "True", "true ", "", "false", "truetrue"].map(String::from).to_vec();
        for (pattern, inputs) in [
            (&ORCID_PATH_PATTERN, paths.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
            (&ORCID_URI_PATTERN, uris),
            (&NON_EMPTY_STRING_PATTERN, texts.iter().map(|s| s.to_string()).collect()),
            (&CLIENT_PATH_PATTERN, clients.clone()),
            (&CLIENT_URI_PATTERN, client_uris),
            (&TRANSIENT_ERROR_TRANSIENT_PATTERN, flags.clone()),
            (&TRANSIENT_NON_EMPTY_STRING_TRANSIENT_PATTERN, flags),
        ] {
            for input in inputs {
                assert_eq!(pattern.is_match(&input), pattern.regex_is_match(&input), "{} on {input:?}", pattern.xsd);
            }
        }
    }
}
