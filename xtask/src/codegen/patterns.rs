//! XSD regular expressions to the `regex` crate's syntax.
//!
//! XSD patterns match whole values and define `\s` as the four XML whitespace characters;
//! the `regex` crate searches and takes `\s` as Unicode whitespace. Inside character classes
//! it also treats `&&`, `--` and `~~` as set operators, so `&` and `~` are escaped there.

/// Patterns with an equivalent plain-code test in the runtime: (XSD pattern, function path).
/// `non-empty-string`'s pattern sits on nearly every text field, ORCID iDs are in every
/// contributor and client ids in every source, so these are worth it.
pub const NATIVE: &[(&str, &str)] = &[
    (r"[\s\S]*[^\s\n\r]+[\s\S]*", "crate::__private::has_non_space"),
    (r"(\d{4}-){3,}\d{3}[\dX]", "crate::__private::is_orcid_path"),
    (r"https://([^/]*orcid\.org|localhost.*/orcid-web)/(\d{4}-){3,}\d{3}[\dX]", "crate::__private::is_orcid_uri"),
    (r"(APP-[\da-zA-Z]{16}|(\d{4}-){3,}\d{3}[\dX])", "crate::__private::is_client_path"),
    (
        r"https://([^/]*orcid\.org|localhost.*/orcid-web)/client/(APP-[\da-zA-Z]{16}|(\d{4}-){3,}\d{3}[\dX])",
        "crate::__private::is_client_uri",
    ),
    ("true", "crate::__private::is_true"),
];

/// Translates one XSD pattern (the ones ORCID uses: classes, `\d`, `\s`, `\S`, groups, counts).
pub fn xsd_to_rust_regex(xsd: &str) -> String {
    let mut out = String::from("^(?:");
    let mut in_class = 0usize;
    let mut chars = xsd.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('s') if in_class > 0 => out.push_str(r"\t\n\r "),
                Some('s') => out.push_str(r"[\t\n\r ]"),
                Some('S') => out.push_str(r"[^\t\n\r ]"),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push_str(r"\\"),
            },
            '[' => {
                in_class += 1;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().expect("peeked"));
                }
            }
            ']' if in_class > 0 => {
                in_class -= 1;
                out.push(']');
            }
            '&' | '~' if in_class > 0 => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push_str(")$");
    out
}

#[cfg(test)]
mod tests {
    use super::xsd_to_rust_regex;

    #[test]
    fn translations() {
        assert_eq!(xsd_to_rust_regex(r"[\s\S]*[^\s\n\r]+[\s\S]*"), r"^(?:[\t\n\r [^\t\n\r ]]*[^\t\n\r \n\r]+[\t\n\r [^\t\n\r ]]*)$");
        assert_eq!(xsd_to_rust_regex(r"(\d{4}-){3,}\d{3}[\dX]"), r"^(?:(\d{4}-){3,}\d{3}[\dX])$");
        assert_eq!(xsd_to_rust_regex(r"[a&b~c]"), r"^(?:[a\&b\~c])$");
    }
}
