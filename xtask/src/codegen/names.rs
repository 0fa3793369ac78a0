//! Naming: XSD names to Rust names. Every rename the generator makes is listed here.

/// `work-summary` → `WorkSummary`; names xsd-parser made up (`ItemItemName`) stay.
///
/// ```
/// assert_eq!(xtask::codegen::names::camel("peer-review-group"), "PeerReviewGroup");
/// assert_eq!(xtask::codegen::names::camel("2fa"), "V2fa");
/// ```
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        } else {
            upper = true;
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// Types whose XSD name would make a confusing Rust name, by `prefix:name`.
pub const TYPE_RENAMES: &[(&str, &str)] = &[
    // `search::Result` would shadow `std::result::Result` wherever it is imported.
    ("search:result", "SearchResult"),
    // The type of `<common:source>`; users think of it as a source.
    ("common:source-type", "Source"),
    // An ORCID iD as a document writes it (uri, path, host); `orcid_model::OrcidId` is the
    // checked iD itself.
    ("common:orcid-id", "OrcidIdentifier"),
    // xsd-parser's name for the anonymous type of notification-custom's `notification-type`.
    ("notification:NotificationNotificationType", "CustomNotificationType"),
];

/// `put-code` → `put_code`; Rust keywords get a readable name instead of `r#`.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    match out.as_str() {
        // `type` is what ORCID calls the kind of a work, funding, affiliation ...
        "type" => "kind".to_owned(),
        "ref" | "match" | "use" | "mod" | "self" | "static" | "struct" | "enum" => format!("{out}_"),
        _ => out,
    }
}

/// The field name for a repeated element: `contributor` → `contributors`.
///
/// ```
/// use xtask::codegen::names::plural;
/// assert_eq!(plural("research-resource-summary"), "research-resource-summaries");
/// assert_eq!(plural("key"), "keys");
/// ```
pub fn plural(name: &str) -> String {
    if let Some(stem) = name.strip_suffix('y').filter(|s| !s.ends_with(['a', 'e', 'o', 'u'])) {
        format!("{stem}ies")
    } else if name.ends_with('s') || name.ends_with('x') || name.ends_with("ch") || name.ends_with("sh") {
        format!("{name}es")
    } else {
        format!("{name}s")
    }
}

/// `SCREAMING_CASE` for statics.
pub fn screaming(name: &str) -> String {
    snake(name).trim_end_matches('_').to_ascii_uppercase()
}

/// A Rust variant name for an enumeration value (`registered-only` → `RegisteredOnly`,
/// `Member-referred` → `MemberReferred`).
pub fn variant(value: &str) -> String {
    match camel(value).as_str() {
        "" => "Empty".to_owned(),
        // `self` (the external-id relationship) cannot be a variant name.
        "Self" => "Self_".to_owned(),
        c => c.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(camel("work-summary"), "WorkSummary");
        assert_eq!(camel("ItemItemName"), "ItemItemName");
        assert_eq!(snake("put-code"), "put_code");
        assert_eq!(snake("type"), "kind");
        assert_eq!(snake("ItemName"), "item_name");
        assert_eq!(plural("contributor"), "contributors");
        assert_eq!(plural("work-summary"), "work-summaries");
        assert_eq!(plural("address"), "addresses");
        assert_eq!(plural("day"), "days");
        assert_eq!(variant("registered-only"), "RegisteredOnly");
        assert_eq!(variant("zh_CN"), "ZhCN");
    }
}
