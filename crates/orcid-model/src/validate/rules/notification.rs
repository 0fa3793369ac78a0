//! Permission notifications (§5.9).

use super::shared::{self, blank};
use super::{Checker, Rule, RuleSet, bad};
use crate::normalise::java_uri_parses;
use crate::notification::NotificationPermission;

/// The rules of a permission notification (server rules §5.9), in ORCID's order.
pub static NOTIFICATION: RuleSet = RuleSet {
    items: "notification-permission",
    section: "§5.9",
    rules: &[
        Rule::file("N1", "§5.9", "orcid.authorization-uri", &[bad(9020)], "authorization-url/uri not blank and not a URI Java parses"),
        Rule::file(
            "N2",
            "§5.9, §4.2",
            "orcid.external-id",
            &[bad(9023)],
            "an item's id with a type: type unregistered, value blank or relationship absent",
        ),
        Rule::file("N3", "§5.9", "orcid.put-code", &[bad(9006)], "a put-code"),
    ],
};

fn r(id: &str) -> &'static Rule {
    NOTIFICATION.rules.iter().find(|r| r.id == id).expect("a rule of §5.9")
}

/// N1-N3.
pub fn notification(c: &mut Checker<'_>, n: &NotificationPermission) {
    if let Some(uri) = n.authorization_url.uri.as_deref().filter(|u| !blank(u))
        && !java_uri_parses(uri)
    {
        c.fail(
            r("N1"),
            "notification/authorization-url/uri".to_owned(),
            format!("{uri:?} is not a URI ORCID can read (spaces and some characters must be percent-encoded)"),
        );
    }
    for (i, item) in n.items.items.iter().enumerate() {
        // ORCID checks only the ids that have a type.
        if let Some(id) = item.external_id.as_ref().filter(|id| !id.external_id_type.as_str().is_empty()) {
            shared::external_id(c, r("N2"), id, &|| format!("notification/items/item[{}]/external-id", i + 1));
        }
    }
    if let Some(pc) = n.put_code {
        c.fail(
            r("N3"),
            "notification/@put-code".to_owned(),
            format!("a notification is always new: remove its put-code ({pc}); ORCID sets it"),
        );
    }
}
