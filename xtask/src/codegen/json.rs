//! What the XSD cannot tell about ORCID's JSON: the one table of its shapes.
//!
//! ORCID's JSON is Jackson's rendering of ORCID's Java classes. Keys are the XML local names,
//! attributes are keys too, lists sit under the singular element name; everything else that
//! differs from a plain rendering of the XSD is listed here. The facts come from ORCID's JSON
//! samples and `../shared/orcid-api-notes.md` ("The JSON form (3.0)").

use super::model::{SimpleRef, TyRef};

/// How a value is written in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A wrapper element the JSON leaves out (see [`FLATTENED_WRAPPERS`]).
    Flattened,
    /// A nested object (a struct).
    Object,
    /// A JSON string.
    String,
    /// A JSON number or boolean, written as is.
    Raw,
    /// `{"value": "..."}`.
    Wrapped,
    /// `{"value": <epoch milliseconds>}`.
    Millis,
}

/// Elements (`prefix:local`) with a simple value that ORCID's Java model holds in a class with
/// a `value` property, so its JSON is `{"value": ...}`. Reading also takes a bare string.
pub const WRAPPED: &[&str] = &[
    "common:title",
    "common:subtitle",
    "common:url",
    "common:external-id-url",
    "common:source-name",
    "common:assertion-origin-name",
    "common:organization-defined-type",
    "common:credit-name",
    "work:journal-title",
    "work:credit-name",
    "work:contributor-email",
    "funding:credit-name",
    "funding:contributor-email",
    "funding:organization-defined-type",
    "peer-review:review-url",
    "peer-review:subject-url",
    "peer-review:subject-container-name",
    "research-resource:proposal-url",
    "personal-details:given-names",
    "personal-details:family-name",
    "personal-details:credit-name",
    "address:country",
    "researcher-url:url",
];

/// Wrapper elements that ORCID's JSON leaves out, putting the wrapped list straight into the
/// parent under the list element's name: (parent type, wrapper element). A research resource's
/// `<resource-items><resource-item/>...</resource-items>` is `"resource-item": [...]`.
pub const FLATTENED_WRAPPERS: &[(&str, &str)] = &[("research-resource:research-resource", "resource-items")];

/// Types whose `display-index` attribute is a JSON number (person items); elsewhere it is a
/// string (`"0"` in activity summaries).
pub const NUMERIC_DISPLAY_INDEX: &[&str] = &[
    "keyword:keyword",
    "other-name:other-name",
    "researcher-url:researcher-url",
    "external-identifier:external-identifier",
    "address:address",
    "email:email",
];

/// Lists whose entries ORCID's JSON wraps in a single-key object naming the element, gathered
/// under one key: `"summaries": [{"employment-summary": {...}}]`, `"bulk": [{"work": {...}}]`.
/// (type, key); in such a type every repeated element field goes under the key.
pub const TAGGED_LISTS: &[(&str, &str)] = &[("activities:affiliation-group", "summaries"), ("bulk:bulk", "bulk")];

/// Keys ORCID's JSON carries (always `null`) for Java properties the XSD does not have:
/// (type, key). Reading accepts them when `null`.
pub const NULL_ONLY_KEYS: &[(&str, &str)] = &[("personal-details:name", "source")];

/// What a body for upload leaves out: ORCID ignores or rejects these on input.
pub const UPLOAD_OMITS: &[&str] = &[
    "common:created-date",
    "common:last-modified-date",
    "common:source",
    "common:external-id-normalized",
    "common:external-id-normalized-error",
    "@path",
];

/// XSD enumerations whose JSON values are Java enum names (history's `creation-method`:
/// XML `Member-referred`, JSON `MEMBER_REFERRED`): (type, [(XML value, JSON value)]).
pub const JSON_ENUM_VALUES: &[(&str, &[(&str, &str)])] =
    &[("history:creation-method", &[("API", "API"), ("Direct", "DIRECT"), ("Member-referred", "MEMBER_REFERRED"), ("website", "WEBSITE")])];

/// The shape of a child element's value.
pub fn element_shape(qualified: &str, ty: &TyRef) -> Shape {
    match ty {
        TyRef::Struct(_) => Shape::Object,
        TyRef::Simple(s) if s.rust.ends_with("DateTime") => Shape::Millis,
        // Fuzzy-date parts: {"value": "05"}.
        TyRef::Simple(s) if s.rust.ends_with("DatePart") => Shape::Wrapped,
        TyRef::Simple(_) if WRAPPED.contains(&qualified) => Shape::Wrapped,
        TyRef::Simple(s) => scalar_shape(s),
    }
}

/// The shape of an attribute's value.
pub fn attribute_shape(owner: &str, local: &str, ty: &SimpleRef) -> Shape {
    if local == "display-index" {
        return if NUMERIC_DISPLAY_INDEX.contains(&owner) { Shape::Raw } else { Shape::String };
    }
    scalar_shape(ty)
}

/// Numbers and booleans are JSON numbers and booleans; everything else is a string.
pub fn scalar_shape(ty: &SimpleRef) -> Shape {
    match ty.rust.as_str() {
        "i64" | "i32" | "bool" | "crate::PutCode" => Shape::Raw,
        _ => Shape::String,
    }
}

/// Which document type a root name that two schemas define is read as first (and, in
/// validation, only): `notification:notification` is most often a permission notification,
/// the one members write.
pub const PREFERRED_ROOTS: &[&str] = &["NotificationPermission", "NotificationCustom"];
