//! Fundings (§5.3).

use super::shared::{self, IdRules, blank};
use super::{Checker, Rule, RuleSet, advice, answer, bad};
use crate::funding::Funding;
use crate::normalise::{AmountForm, RoleUse, amount_form};

/// The rules of a funding (server rules §5.3), in ORCID's order.
pub static FUNDING: RuleSet = RuleSet {
    items: "funding",
    section: "§5.3",
    rules: &[
        Rule::file("F1", "§5.3", "orcid.title", &[bad(9022)], "title absent or empty"),
        Rule::file(
            "F2",
            "§5.3",
            "orcid.translated-title-language",
            &[bad(9037)],
            "translated title given, its language code blank or unlisted",
        ),
        Rule::file("F3", "§5.3", "orcid.external-ids", &[bad(9023)], "external ids absent or empty"),
        Rule::file("F4", "§5.3", "orcid.currency", &[bad(9020)], "amount given without a currency code"),
        Rule::file("F5", "§5.3", "orcid.amount-missing", &[bad(9020)], "currency given, amount blank"),
        Rule::file("F6", "§5.3, §6.4", "orcid.amount", &[bad(9054)], "amount not a number Java reads"),
        Rule::file("F7", "§5.3", "orcid.put-code", &[bad(9024)], "put-code on create (POST)"),
        Rule::file(
            "F8",
            "§5.3, §4.4",
            "orcid.organization",
            &[bad(9046), bad(9045)],
            "ORG-D: no organization (9046), no disambiguated organization or an empty identifier (9045)",
        ),
        Rule::file("F9", "§5.3, §4.3", "orcid.date", &[bad(9049)], "end date fails the fuzzy-date check"),
        Rule::file("F10", "§5.3, §4.3", "orcid.end-without-start", &[bad(9050)], "end date without start date"),
        Rule::file("F11", "§5.3, §4.3", "orcid.date", &[bad(9049)], "start date fails the fuzzy-date check"),
        Rule::server(
            "F12",
            "§5.3",
            "orcid.visibility-change",
            &[answer(403, 9035)],
            "update (PUT) with a visibility other than the stored one",
        ),
        Rule::file("F13", "§5.3, §4.2", "orcid.external-id", &[bad(9023)], "an id's type unregistered, value blank or relationship absent"),
        Rule::server(
            "F14",
            "§5.3, §6.8",
            "orcid.duplicate",
            &[answer(409, 9021)],
            "the client already has a funding with an equal `self` id (raw values)",
        ),
        Rule::file(
            "F15",
            "§5.3, §6.2, §6.4",
            "orcid.funding-storage",
            &[bad(9058), answer(500, 9008), bad(9006)],
            "contributor role not accepted (9058); an amount Java reads but cannot store (500/9008) or beyond a double (9006)",
        ),
        Rule::partly(
            "F16",
            "§5.3, §4.4",
            "orcid.organization-lookup",
            &[bad(9045)],
            "the organization is not in ORCID's organization table",
        ),
    ],
};

fn r(id: &str) -> &'static Rule {
    FUNDING.rules.iter().find(|r| r.id == id).expect("a rule of §5.3")
}

/// F1-F16, in order.
pub fn funding(c: &mut Checker<'_>, f: &Funding) {
    let base = "funding";
    match &f.title {
        Some(t) if !t.title.is_empty() => {
            if let Some(tt) = t.translated_title.as_ref().filter(|tt| !blank(&tt.value))
                && (blank(tt.language_code.as_str()) || !tt.language_code.is_known())
            {
                c.fail(
                    r("F2"),
                    "funding/title/translated-title/@language-code".to_owned(),
                    format!("{:?} is not a language code ORCID accepts (en, de, zh_CN ...)", tt.language_code.as_str()),
                );
            }
        }
        _ => c.fail(r("F1"), "funding/title".to_owned(), "a funding needs a title (<funding:title><common:title>)".to_owned()),
    }
    let ids = f.external_ids.as_ref().map_or(&[][..], |ids| &ids.external_ids);
    if ids.is_empty() {
        c.fail(
            r("F3"),
            "funding/external-ids".to_owned(),
            "a funding needs external identifiers (<common:external-ids>), e.g. its grant_number".to_owned(),
        );
    }
    if let Some(amount) = &f.amount {
        let currency = amount.currency_code.is_known();
        if !currency && !blank(&amount.value) {
            c.fail(r("F4"), "funding/amount/@currency-code".to_owned(), "give the amount's currency (currency-code, e.g. EUR)".to_owned());
        } else if currency && blank(&amount.value) {
            c.fail(r("F5"), "funding/amount".to_owned(), "give the amount, or remove <funding:amount>".to_owned());
        } else if currency && amount_form(&amount.value) == AmountForm::NotANumber {
            c.fail(
                r("F6"),
                "funding/amount".to_owned(),
                format!("{:?} is not a number: write it like 2500.75, without separators", amount.value),
            );
        }
    }
    shared::put_code(c, r("F7"), f.put_code, base);
    shared::org_disambiguated(c, r("F8"), Some(&f.organization), "funding/organization");
    let end_ok = f.end_date.as_ref().map(|d| shared::fuzzy_date(c, r("F9"), d, &|| "funding/end-date".to_owned()));
    if end_ok.is_some() && f.start_date.is_none() {
        c.fail(r("F10"), "funding/end-date".to_owned(), "an end date needs a start date".to_owned());
    }
    let start_ok = f.start_date.as_ref().map(|d| shared::fuzzy_date(c, r("F11"), d, &|| "funding/start-date".to_owned()));
    if !ids.is_empty() {
        shared::external_ids(c, r("F13"), ids, "funding/external-ids", IdRules::Funding);
    }
    for (i, contributor) in f.contributors.iter().flat_map(|cs| cs.contributors.iter()).enumerate() {
        let at = |leaf: &str| format!("funding/contributors/contributor[{}]/{leaf}", i + 1);
        if let Some(role) = contributor.contributor_attributes.as_ref().and_then(|a| a.contributor_role.as_ref()) {
            shared::contributor_role(c, r("F15"), role.as_str(), RoleUse::Funding, &|| at("contributor-attributes/contributor-role"));
        }
        if let Some(id) = &contributor.contributor_orcid {
            advice::check_digit(c, id.path.as_deref(), id.uri.as_deref(), &|| at("contributor-orcid"));
        }
    }
    if let Some(amount) = f.amount.as_ref().filter(|a| a.currency_code.is_known() && !blank(&a.value)) {
        match amount_form(&amount.value) {
            AmountForm::JavaOnly => c.fail_as(
                r("F15"),
                1,
                "funding/amount".to_owned(),
                format!("ORCID reads {:?} as a number but fails to store it (500): write a plain decimal like 2500.75", amount.value),
            ),
            AmountForm::OutOfRange => {
                c.fail_as(r("F15"), 2, "funding/amount".to_owned(), format!("{:?} is beyond the numbers ORCID can store", amount.value))
            }
            _ => {}
        }
    }
    shared::org_lookup(c, r("F16"), &f.organization, "funding/organization");
    // Advice.
    if let (Some(s), Some(e), Some(true), Some(true)) = (&f.start_date, &f.end_date, start_ok, end_ok)
        && shared::date_key(e) < shared::date_key(s)
    {
        c.fail(
            &advice::END_BEFORE_START,
            "funding/end-date".to_owned(),
            format!("the funding ends ({}) before it starts ({}); ORCID accepts it", shared::date_text(e), shared::date_text(s)),
        );
    }
    advice::version_of_without_self(c, ids, "funding/external-ids");
    advice::external_ids(c, ids, "funding/external-ids", false);
    if let Some(u) = &f.url {
        advice::url(c, u, &|| "funding/url".to_owned());
    }
}
