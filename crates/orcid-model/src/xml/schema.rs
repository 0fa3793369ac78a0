//! What the generated code knows about each type from the XSD: facets of simple types and
//! the content model of structs, as static tables the reader checks against.

use std::sync::OnceLock;

use regex::Regex;

use crate::generated::Ns;

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
                return Err(format!("{} must match the pattern `{}`, found {text:?}", self.describe(), pattern.xsd));
            }
        }
        if self.min_inclusive.is_some() || self.max_inclusive.is_some() {
            let trimmed = text.trim_matches(super::is_xml_space);
            let Ok(n) = trimmed.parse::<i64>() else {
                return Err(format!("{} must be a whole number, found {text:?}", self.describe()));
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

/// The content model of a generated struct: its child elements in schema order.
#[derive(Debug)]
pub struct StructSchema {
    /// The XSD type, `prefix:name`.
    pub name: &'static str,
    /// Child elements as `prefix:local`, in schema order; a field's index is its bit below.
    pub fields: &'static [&'static str],
    /// Fields that must be present.
    pub required: u64,
    /// Fields that may repeat.
    pub repeated: u64,
    /// Choices and optional sequences: which fields go together.
    pub groups: &'static [Group],
    /// The child elements: name, field index and content (several per field for a choice list).
    pub children: &'static [Child],
    /// The attributes.
    pub attributes: &'static [AttributeSchema],
    /// For a type with simple content: its text.
    pub text: Option<SimpleSchema>,
}

/// A child element of a struct.
#[derive(Debug)]
pub struct Child {
    /// Its namespace.
    pub ns: Ns,
    /// Its local name.
    pub local: &'static str,
    /// The field (bit) it belongs to.
    pub index: u8,
    /// What it holds.
    pub content: ChildContent,
}

/// What a child element holds.
#[derive(Debug, Clone, Copy)]
pub enum ChildContent {
    /// Elements of a struct.
    Struct(&'static StructSchema),
    /// A simple value.
    Simple(SimpleSchema),
}

/// An attribute of a struct.
#[derive(Debug)]
pub struct AttributeSchema {
    /// Its namespace (`Ns::None` for ORCID's unqualified attributes).
    pub ns: Ns,
    /// Its local name.
    pub local: &'static str,
    /// Whether `use="required"`.
    pub required: bool,
    /// Its value.
    pub value: SimpleSchema,
}

/// A simple value: its facets and a check that it parses as its Rust type.
#[derive(Debug, Clone, Copy)]
pub struct SimpleSchema {
    /// The XSD facets.
    pub facets: &'static Facets,
    /// Parses the value as its Rust type (enumerations, numbers, date-times).
    pub check: fn(&str) -> Result<(), String>,
    /// ORCID's list of accepted values, for fields the XSD types as plain strings.
    pub vocabulary: Option<&'static Vocabulary>,
}

/// One of ORCID's controlled vocabularies, as data.
#[derive(Debug)]
pub struct Vocabulary {
    /// Its name (`work-type`).
    pub name: &'static str,
    /// The values ORCID accepts.
    pub values: &'static [&'static str],
    /// The error code ORCID answers for any other value.
    pub orcid_error: u16,
}

impl Vocabulary {
    /// Whether ORCID accepts the value.
    pub fn accepts(&self, value: &str) -> bool {
        self.values.contains(&value)
    }

    /// The accepted value closest to `value` (by edit distance, ignoring case), if close.
    pub fn closest(&self, value: &str) -> Option<&'static str> {
        let value = value.to_lowercase();
        let (best, distance) = self.values.iter().map(|v| (*v, edit_distance(&v.to_lowercase(), &value))).min_by_key(|(_, d)| *d)?;
        (distance <= 2.max(value.chars().count() / 4)).then_some(best)
    }
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

impl SimpleSchema {
    /// Checks a value: facets, then its type.
    pub fn validate(&self, text: &str) -> Result<(), String> {
        self.facets.check(text)?;
        (self.check)(text)
    }
}

impl StructSchema {
    /// The child element with this name.
    pub fn child(&self, ns: Ns, local: &[u8]) -> Option<&Child> {
        self.children.iter().find(|c| c.ns == ns && c.local.as_bytes() == local)
    }
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
    fn names(&self, mask: u64) -> String {
        (0..self.fields.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| format!("<{}>", self.fields[i]))
            .collect::<Vec<_>>()
            .join(", ")
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
}

#[cfg(test)]
mod tests {
    use regex::Regex;

    #[test]
    fn native_non_empty_check_agrees_with_the_pattern() {
        let pattern = &crate::generated::common::NON_EMPTY_STRING_PATTERN;
        let regex = Regex::new(pattern.regex).unwrap();
        for text in ["", " ", "   ", "\t\n\r ", "a", " a ", "\u{a0}", "é", "\n\tx\n", "\u{2003}"] {
            assert_eq!(pattern.is_match(text), regex.is_match(text), "{text:?}");
        }
    }
}
