//! Group-id records (§5.8).

use super::{Checker, Rule, RuleSet, answer, bad, shared};
use crate::group_id::GroupIdRecord;
use crate::normalise::{is_group_id, is_issn_for_group};

/// The rules of a group-id record (server rules §5.8), in ORCID's order.
pub static GROUP_ID_RECORD: RuleSet = RuleSet {
    items: "group-id-record",
    section: "§5.8",
    rules: &[
        Rule::partly(
            "G1",
            "§5.8",
            "orcid.issn-group",
            &[bad(9053), answer(409, 9025)],
            "create of an `issn:` group: no ISSN in it (9053); else ORCID creates the group itself and answers 409/9025",
        ),
        Rule::file("G2", "§5.8", "orcid.put-code", &[bad(9024)], "put-code on create (POST)"),
        Rule::file("G3", "§5.8", "orcid.group-id", &[bad(9020)], "group-id not a known prefix followed by 2 or more allowed characters"),
        Rule::server("G4", "§5.8", "orcid.group-id-taken", &[answer(409, 9025)], "another record has this group id (ignoring case)"),
        Rule::server("G5", "§5.8", "orcid.group-id-record-unknown", &[bad(9026)], "update (PUT) of an unknown put-code"),
        Rule::server("G6", "§5.8", "orcid.not-source", &[answer(403, 9010)], "update (PUT) by a client that is not the record's source"),
    ],
};

fn r(id: &str) -> &'static Rule {
    GROUP_ID_RECORD.rules.iter().find(|r| r.id == id).expect("a rule of §5.8")
}

/// G1-G3.
pub fn group_id_record(c: &mut Checker<'_>, g: &GroupIdRecord) {
    let group = g.group_id.as_str();
    if !c.options.update
        && let Some(issn) = group.strip_prefix("issn:")
    {
        if is_issn_for_group(issn) {
            c.fail_as(
                r("G1"),
                1,
                "group-id-record/group-id".to_owned(),
                "ORCID creates `issn:` groups itself (answering 409/9025), so no client can own one: name the group in your peer reviews and ORCID creates it when missing".to_owned(),
            );
        } else {
            c.fail(
                r("G1"),
                "group-id-record/group-id".to_owned(),
                format!("{group:?} holds no ISSN ORCID recognises (issn:1234-5678); and ORCID creates `issn:` groups itself"),
            );
        }
    }
    shared::put_code(c, r("G2"), g.put_code, "group-id-record");
    if !is_group_id(group) {
        c.fail(
            r("G3"),
            "group-id-record/group-id".to_owned(),
            format!("invalid group-id {group:?}: a group id is ringgold:, issn:, orcid-generated:, fundref: or publons: and at least two characters"),
        );
    }
}
