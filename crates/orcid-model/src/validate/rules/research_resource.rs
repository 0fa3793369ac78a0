//! Research resources (§5.7).

use super::shared::{self, IdRules};
use super::{Checker, Rule, RuleSet, advice, answer, bad};
use crate::research_resource::ResearchResource;

/// The rules of a research resource (server rules §5.7), in ORCID's order.
pub static RESEARCH_RESOURCE: RuleSet = RuleSet {
    items: "research-resource",
    section: "§5.7",
    rules: &[
        Rule::file("RR1", "§5.7", "orcid.external-ids", &[bad(9023)], "the proposal's external ids empty"),
        Rule::file(
            "RR2",
            "§5.7, §4.2",
            "orcid.external-id",
            &[bad(9023)],
            "a proposal id's type unregistered, value blank or relationship absent; `version-of` without `self`",
        ),
        Rule::file(
            "RR3",
            "§5.7, §4.4",
            "orcid.organization",
            &[bad(9045)],
            "ORG-M: a proposal host without a disambiguated organization identifier",
        ),
        Rule::file("RR4", "§5.7, §4.3", "orcid.end-without-start", &[bad(9050)], "the proposal's end date without a start date"),
        Rule::file("RR5", "§5.7", "orcid.external-ids", &[bad(9023)], "a resource item's external ids empty"),
        Rule::file(
            "RR6",
            "§5.7, §4.2",
            "orcid.external-id",
            &[bad(9023)],
            "an item id's type unregistered, value blank or relationship absent; `version-of` without `self`",
        ),
        Rule::file(
            "RR7",
            "§5.7, §4.4",
            "orcid.organization",
            &[bad(9045)],
            "ORG-M: an item host without a disambiguated organization identifier",
        ),
        Rule::file("RR8", "§5.7", "orcid.put-code", &[bad(9024)], "put-code on create (POST)"),
        Rule::server(
            "RR9",
            "§5.7",
            "orcid.visibility-change",
            &[answer(403, 9035)],
            "update (PUT) with a visibility other than the stored one",
        ),
        Rule::server(
            "RR10",
            "§5.7, §6.8",
            "orcid.duplicate",
            &[answer(409, 9021)],
            "create: the client already has a resource with an equal `self` proposal id",
        ),
        Rule::partly("RR11", "§5.7, §4.4", "orcid.organization-lookup", &[bad(9045)], "a host is not in ORCID's organization table"),
    ],
};

fn r(id: &str) -> &'static Rule {
    RESEARCH_RESOURCE.rules.iter().find(|r| r.id == id).expect("a rule of §5.7")
}

/// RR1-RR11, in order.
pub fn research_resource(c: &mut Checker<'_>, rr: &ResearchResource) {
    let proposal = &rr.proposal;
    let ids = &proposal.external_ids.external_ids;
    let list = "research-resource/proposal/external-ids";
    if ids.is_empty() {
        c.fail(r("RR1"), list.to_owned(), "the proposal needs its external identifiers, one of them `self`".to_owned());
    }
    shared::external_ids(c, r("RR2"), ids, list, IdRules::VersionOfNeedsSelf);
    let hosts = "research-resource/proposal/hosts";
    shared::orgs_disambiguated(c, r("RR3"), &proposal.hosts.organizations, hosts);
    if proposal.end_date.is_some() && proposal.start_date.is_none() {
        c.fail(r("RR4"), "research-resource/proposal/end-date".to_owned(), "an end date needs a start date".to_owned());
    }
    for (i, item) in rr.resource_items.resource_items.iter().enumerate() {
        let base = format!("research-resource/resource-items/resource-item[{}]", i + 1);
        let item_ids = &item.external_ids.external_ids;
        let item_list = format!("{base}/external-ids");
        if item_ids.is_empty() {
            c.fail(r("RR5"), item_list.clone(), "each resource item needs its external identifiers".to_owned());
        }
        shared::external_ids(c, r("RR6"), item_ids, &item_list, IdRules::VersionOfNeedsSelf);
        shared::orgs_disambiguated(c, r("RR7"), &item.hosts.organizations, &format!("{base}/hosts"));
    }
    shared::put_code(c, r("RR8"), rr.put_code, "research-resource");
    for (i, org) in proposal.hosts.organizations.iter().enumerate() {
        shared::org_lookup(c, r("RR11"), org, &format!("{hosts}/organization[{}]", i + 1));
    }
    for (i, item) in rr.resource_items.resource_items.iter().enumerate() {
        for (j, org) in item.hosts.organizations.iter().enumerate() {
            let at = format!("research-resource/resource-items/resource-item[{}]/hosts/organization[{}]", i + 1, j + 1);
            shared::org_lookup(c, r("RR11"), org, &at);
        }
    }
    advice::external_ids(c, ids, list, false);
    if let Some(u) = &proposal.url {
        advice::url(c, u, &|| "research-resource/proposal/url".to_owned());
    }
}
