//! Hand-written additions to the generated [`Document`].

use crate::Document;

impl Document {
    /// The kind a file name suggests: the longest kind its name starts with, followed by `-`,
    /// `_` or `.` (`work-full-3.0.json` → `work`, `bulk-works.json` → `bulk`).
    ///
    /// ```
    /// use orcid_model::Document;
    /// assert_eq!(Document::kind_from_file_name("peer-review-simple-3.0.json"), Some("peer-review"));
    /// assert_eq!(Document::kind_from_file_name("invited-positions.json"), Some("invited-positions"));
    /// assert_eq!(Document::kind_from_file_name("data.json"), None);
    /// ```
    pub fn kind_from_file_name(name: &str) -> Option<&'static str> {
        let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
        Document::JSON_KINDS
            .iter()
            .filter(|kind| !kind.contains(':'))
            .filter(|kind| {
                name.strip_prefix(**kind)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['-', '_', '.']))
            })
            .max_by_key(|kind| kind.len())
            .copied()
    }
}

impl Document {
    /// The kinds whose shape a JSON document fits: those it reads as strictly. Exactly one
    /// means the kind can be told from the content alone.
    ///
    /// ```
    /// use orcid_model::Document;
    /// let json = r#"{"title": {"title": {"value": "T"}}, "type": "book", "citation": null,
    ///                "contributors": {"contributor": []}}"#;
    /// assert_eq!(Document::json_kinds_fitting(json.as_bytes()), vec!["work"]);
    /// ```
    pub fn json_kinds_fitting(json: &[u8]) -> Vec<&'static str> {
        Document::JSON_KINDS
            .iter()
            .copied()
            .filter(|kind| Document::from_json_bytes(json, kind, crate::Mode::Strict).is_ok())
            .collect()
    }
}
