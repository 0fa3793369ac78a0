//! The writable sections of a record: the one table of what the XSD cannot tell about the
//! member API's paths. The generator turns it into `orcid_model::items::Section` and the
//! `RecordItem` impls, which the client, the emulator and the command line all use.
//!
//! Facts from `../shared/orcid-api-notes.md` ("Writing items").

/// One section.
pub struct SectionDef {
    /// The `Section` variant.
    pub variant: &'static str,
    /// The item's root element (`prefix:local`).
    pub item: &'static str,
    /// The path segment for one item.
    pub path: &'static str,
    /// The path segment of the section's list.
    pub list: &'static str,
    /// The list's root element (`prefix:local`).
    pub summaries: &'static str,
    /// A person section (scope `/person/update`) rather than an activity.
    pub person: bool,
    /// The root element of one item's summary in the list (`prefix:local`); `None` when the
    /// list holds the items themselves (person items).
    pub summary: Option<&'static str>,
    /// The summary's elements that the item names differently: (summary's local name, item's).
    pub summary_renames: &'static [(&'static str, &'static str)],
    /// What a summary shows for a part it requires and the item may lack (summary's field,
    /// an expression): ORCID refuses such items, but a summary of one is still made.
    pub summary_fills: &'static [(&'static str, &'static str)],
    /// An expression of `item` (the item) for its external identifiers, `Option<&ExternalIds>`:
    /// what ORCID finds duplicates by.
    pub ids: &'static str,
    /// The same expression for the item's summary, where it holds them elsewhere.
    pub summary_ids: Option<&'static str>,
    /// A person item's identity, an expression of `item` giving a `String`: what ORCID
    /// compares to find a duplicate (none for addresses, which never match).
    pub person_key: Option<&'static str>,
    /// Where the section's list groups summaries twice (peer reviews): an expression of `s`
    /// (a summary) for the outer group's key, and the external identifier type that names it.
    pub outer_group: Option<(&'static str, &'static str)>,
}

const fn activity(
    variant: &'static str,
    item: &'static str,
    path: &'static str,
    list: &'static str,
    summaries: &'static str,
    ids: &'static str,
) -> SectionDef {
    SectionDef {
        variant,
        item,
        path,
        list,
        summaries,
        person: false,
        summary: None,
        summary_renames: &[],
        summary_fills: &[],
        ids,
        summary_ids: None,
        person_key: None,
        outer_group: None,
    }
}

const fn person(
    variant: &'static str,
    item: &'static str,
    path: &'static str,
    summaries: &'static str,
    person_key: Option<&'static str>,
) -> SectionDef {
    SectionDef {
        variant,
        item,
        path,
        list: path,
        summaries,
        person: true,
        summary: None,
        summary_renames: &[],
        summary_fills: &[],
        ids: "{ let _ = item; None }",
        summary_ids: None,
        person_key,
        outer_group: None,
    }
}

/// An activity's summary: `<item>-summary` in the item's namespace.
const fn summarised(def: SectionDef, summary: &'static str) -> SectionDef {
    SectionDef { summary: Some(summary), ..def }
}

/// Every writable section, in the order ORCID's record lists them.
pub const SECTIONS: &[SectionDef] = &[
    summarised(activity("Work", "work:work", "work", "works", "activities:works", "item.external_ids.as_ref()"), "work:work-summary"),
    SectionDef {
        // The XSD lets a funding lack its title, which its summary requires.
        summary_fills: &[("title", "crate::funding::FundingTitle::new(String::new())")],
        ..summarised(
            activity("Funding", "funding:funding", "funding", "fundings", "activities:fundings", "item.external_ids.as_ref()"),
            "funding:funding-summary",
        )
    },
    SectionDef {
        // The summary calls the review identifiers `external-ids` and the review completion
        // date `completion-date`; the list groups reviews by group id, then by identifiers.
        summary_renames: &[("external-ids", "review-identifiers"), ("completion-date", "review-completion-date")],
        summary_ids: Some("item.external_ids.as_ref()"),
        outer_group: Some(("s.review_group_id.clone()", "peer-review")),
        ..summarised(
            activity(
                "PeerReview",
                "peer-review:peer-review",
                "peer-review",
                "peer-reviews",
                "activities:peer-reviews",
                "Some(&item.review_identifiers)",
            ),
            "peer-review:peer-review-summary",
        )
    },
    summarised(
        activity(
            "ResearchResource",
            "research-resource:research-resource",
            "research-resource",
            "research-resources",
            "activities:research-resources",
            "Some(&item.proposal.external_ids)",
        ),
        "research-resource:research-resource-summary",
    ),
    summarised(
        activity(
            "Employment",
            "employment:employment",
            "employment",
            "employments",
            "activities:employments",
            "item.external_ids.as_ref()",
        ),
        "employment:employment-summary",
    ),
    summarised(
        activity("Education", "education:education", "education", "educations", "activities:educations", "item.external_ids.as_ref()"),
        "education:education-summary",
    ),
    summarised(
        activity(
            "Distinction",
            "distinction:distinction",
            "distinction",
            "distinctions",
            "activities:distinctions",
            "item.external_ids.as_ref()",
        ),
        "distinction:distinction-summary",
    ),
    summarised(
        activity(
            "InvitedPosition",
            "invited-position:invited-position",
            "invited-position",
            "invited-positions",
            "activities:invited-positions",
            "item.external_ids.as_ref()",
        ),
        "invited-position:invited-position-summary",
    ),
    summarised(
        activity(
            "Membership",
            "membership:membership",
            "membership",
            "memberships",
            "activities:memberships",
            "item.external_ids.as_ref()",
        ),
        "membership:membership-summary",
    ),
    summarised(
        activity(
            "Qualification",
            "qualification:qualification",
            "qualification",
            "qualifications",
            "activities:qualifications",
            "item.external_ids.as_ref()",
        ),
        "qualification:qualification-summary",
    ),
    summarised(
        activity("Service", "service:service", "service", "services", "activities:services", "item.external_ids.as_ref()"),
        "service:service-summary",
    ),
    // Person items' identities (server rules §6.8): compared exactly.
    person("OtherName", "other-name:other-name", "other-names", "other-name:other-names", Some("item.content.clone()")),
    person("Keyword", "keyword:keyword", "keywords", "keyword:keywords", Some("item.content.clone()")),
    person("ResearcherUrl", "researcher-url:researcher-url", "researcher-urls", "researcher-url:researcher-urls", Some("item.url.clone()")),
    person(
        "ExternalIdentifier",
        "external-identifier:external-identifier",
        "external-identifiers",
        "external-identifier:external-identifiers",
        Some(r#"format!("{}\u{0}{}", item.external_id_type.as_str(), item.external_id_value)"#),
    ),
    person("Address", "address:address", "address", "address:addresses", None),
];
