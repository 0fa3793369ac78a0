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
    /// The function making an item's summary, where the summary names parts differently.
    pub summary_fn: Option<&'static str>,
    /// An expression of `item` (the item) for its external identifiers, `Option<&ExternalIds>`:
    /// what ORCID finds duplicates by.
    pub ids: &'static str,
}

const fn activity(
    variant: &'static str,
    item: &'static str,
    path: &'static str,
    list: &'static str,
    summaries: &'static str,
    ids: &'static str,
) -> SectionDef {
    SectionDef { variant, item, path, list, summaries, person: false, summary: None, summary_fn: None, ids }
}

const fn person(variant: &'static str, item: &'static str, path: &'static str, summaries: &'static str) -> SectionDef {
    SectionDef { variant, item, path, list: path, summaries, person: true, summary: None, summary_fn: None, ids: "{ let _ = item; None }" }
}

/// An activity's summary: `<item>-summary` in the item's namespace.
const fn summarised(def: SectionDef, summary: &'static str) -> SectionDef {
    SectionDef { summary: Some(summary), ..def }
}

/// Every writable section, in the order ORCID's record lists them.
pub const SECTIONS: &[SectionDef] = &[
    summarised(activity("Work", "work:work", "work", "works", "activities:works", "item.external_ids.as_ref()"), "work:work-summary"),
    summarised(
        activity("Funding", "funding:funding", "funding", "fundings", "activities:fundings", "item.external_ids.as_ref()"),
        "funding:funding-summary",
    ),
    SectionDef {
        summary_fn: Some("crate::items::peer_review_summary"),
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
    person("OtherName", "other-name:other-name", "other-names", "other-name:other-names"),
    person("Keyword", "keyword:keyword", "keywords", "keyword:keywords"),
    person("ResearcherUrl", "researcher-url:researcher-url", "researcher-urls", "researcher-url:researcher-urls"),
    person(
        "ExternalIdentifier",
        "external-identifier:external-identifier",
        "external-identifiers",
        "external-identifier:external-identifiers",
    ),
    person("Address", "address:address", "address", "address:addresses"),
];
