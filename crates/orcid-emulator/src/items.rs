//! A record's sections: creating, reading, updating and deleting items
//! (`/{orcid}/{section}[/{put-code}]`), their lists, `/activities`, `/person`, `/record`,
//! bulk works and reading works by put-code. ORCID's rules: put-codes (9019, 9034), source
//! ownership (9010), duplicates (9021, 9030), the visibility (9035), the works cap (9048).

// A handler's early answer is its error; boxing every one would only add noise.
#![allow(clippy::result_large_err)]

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use orcid_model::activities::ActivitiesSummary;
use orcid_model::bulk::{Bulk, BulkItem};
use orcid_model::common::{OrcidIdentifier, Visibility};
use orcid_model::items::{AnyItem, DuplicateKey, RecordItem, Section};
use orcid_model::normalise::IdKey;
use orcid_model::person::Person;
use orcid_model::record::Record;
use orcid_model::work::Work;
use orcid_model::{Document, Format, PutCode};

use crate::http::{Ctx, document, error_answer, error_value, may_write, orcid_error, read_document, refusal, sees_all, source_of, typed};
use crate::state::{StoredItem, lock, now};

/// Marks a bulk answer that stored at least one work (a lost answer then matters).
#[derive(Clone, Copy)]
pub(crate) struct StoredSome;

/// POST `/{orcid}/{section}`.
pub(crate) fn create(ctx: &Ctx<'_>, section: Section, body: &[u8]) -> Response {
    if let Err(r) = may_write(ctx, section) {
        return r;
    }
    let item = match read_item(ctx, section, body, false) {
        Ok(item) => item,
        Err(r) => return r,
    };
    match store_new(ctx, item, false) {
        Ok((put_code, _)) => {
            ctx.state.record_changed(&ctx.orcid);
            let location = format!("{}/v3.0/{}/{}/{put_code}", ctx.state.base_url, ctx.orcid, section.path());
            (StatusCode::CREATED, [(header::LOCATION, location)]).into_response()
        }
        Err(e) => error_answer(ctx.answer, &e),
    }
}

/// GET `/{orcid}/{section}/{put-code}`.
pub(crate) fn read(ctx: &Ctx<'_>, section: Section, put_code: PutCode) -> Response {
    match stored(ctx, section, put_code) {
        Ok(found) => document(ctx.answer, StatusCode::OK, &found.item.to_document()),
        Err(r) => r,
    }
}

/// PUT `/{orcid}/{section}/{put-code}`.
pub(crate) fn update(ctx: &Ctx<'_>, section: Section, put_code: PutCode, body: &[u8]) -> Response {
    if let Err(r) = may_write(ctx, section) {
        return r;
    }
    let mut item = match read_item(ctx, section, body, true) {
        Ok(item) => item,
        Err(r) => return r,
    };
    match item.put_code() {
        None => return orcid_error(ctx.answer, 400, 9019, "the body must carry the put-code of the item to update"),
        Some(pc) if pc != put_code => {
            return orcid_error(
                ctx.answer,
                400,
                9019,
                format!("the put-code in the body ({pc}) differs from the one in the URL ({put_code})"),
            );
        }
        Some(_) => {}
    }
    let old = match stored(ctx, section, put_code) {
        Ok(found) => found,
        Err(r) => return r,
    };
    if old.client_id != ctx.grant.client_id {
        return orcid_error(ctx.answer, 403, 9010, "only the item's source may change it");
    }
    if let Some(v) = item.visibility()
        && Some(v) != old.visibility.as_ref()
    {
        let now = old.visibility.as_ref().map_or("unset", |v| v.as_str());
        return orcid_error(ctx.answer, 403, 9035, format!("the visibility may not change on update (it is {now})"));
    }
    // The created date stays the old item's.
    let created = old.item.created_date().cloned();
    item.set_visibility(old.visibility.clone());
    item.set_stored(Some(source_of(ctx)), created, Some(now()), Some(format!("/{}/{}/{put_code}", ctx.orcid, section.path())));
    let entry = StoredItem::new(&old.client_id, item.clone(), old.visibility);
    {
        // The duplicate check and the replacement are one step.
        let mut records = lock(&ctx.state.records);
        let Some(record) = records.get_mut(&ctx.orcid) else {
            return orcid_error(ctx.answer, 404, 9016, format!("no record {}", ctx.orcid));
        };
        // ORCID checks duplicates on update too, except for research resources (RR10).
        if section != Section::ResearchResource
            && let Some(existing) = record.duplicate_of(section, &ctx.grant.client_id, &entry.duplicate_keys, Some(put_code))
        {
            return error_answer(ctx.answer, &duplicate_error(section, existing));
        }
        record.insert(put_code, entry);
    }
    ctx.state.record_changed(&ctx.orcid);
    document(ctx.answer, StatusCode::OK, &item.to_document())
}

/// DELETE `/{orcid}/{section}/{put-code}`.
pub(crate) fn delete(ctx: &Ctx<'_>, section: Section, put_code: PutCode) -> Response {
    if let Err(r) = may_write(ctx, section) {
        return r;
    }
    let old = match stored(ctx, section, put_code) {
        Ok(old) => old,
        Err(r) => return r,
    };
    if old.client_id != ctx.grant.client_id {
        return orcid_error(ctx.answer, 403, 9010, "only the item's source may delete it");
    }
    if let Some(record) = lock(&ctx.state.records).get_mut(&ctx.orcid) {
        record.remove(section, put_code);
    };
    ctx.state.record_changed(&ctx.orcid);
    StatusCode::NO_CONTENT.into_response()
}

/// GET `/{orcid}/{list}`: person items as they are; activities as summaries grouped as ORCID
/// groups them.
pub(crate) fn list(ctx: &Ctx<'_>, section: Section) -> Response {
    let items = visible_items(ctx, section);
    let items: Vec<&dyn AnyItem> = items.iter().map(|i| &**i).collect();
    document(ctx.answer, StatusCode::OK, &section.list_of(&items))
}

/// GET `/{orcid}/activities`.
pub(crate) fn activities(ctx: &Ctx<'_>) -> Response {
    typed(ctx.answer, StatusCode::OK, &activities_summary(ctx))
}

/// GET `/{orcid}/person`.
pub(crate) fn person(ctx: &Ctx<'_>) -> Response {
    typed(ctx.answer, StatusCode::OK, &person_of(ctx))
}

/// GET `/{orcid}/record`: the iD, the person and the activities.
pub(crate) fn record(ctx: &Ctx<'_>) -> Response {
    let mut record = Record::new();
    record.path = Some(format!("/{}", ctx.orcid));
    record.orcid_identifier = Some(Box::new(
        OrcidIdentifier::new()
            .with_uri(format!("https://sandbox.orcid.org/{}", ctx.orcid))
            .with_path(ctx.orcid.clone())
            .with_host("sandbox.orcid.org"),
    ));
    record.person = Some(person_of(ctx));
    record.activities_summary = Some(activities_summary(ctx));
    typed(ctx.answer, StatusCode::OK, &record)
}

/// A body read as an item of `section`, as ORCID's server reads it. A peer review's group
/// must be registered (R11); on create an `issn:` group id is stored normalised and ORCID
/// registers the group when missing (R10); on update it must exist.
fn read_item(ctx: &Ctx<'_>, section: Section, body: &[u8], update: bool) -> Result<Box<dyn AnyItem>, Response> {
    let mut doc = read_document(ctx.answer, ctx.body, body, section.kind(), update)?;
    if let Document::PeerReview(review) = &mut doc {
        let creating = !update;
        if creating
            && review.review_group_id.starts_with("issn:")
            && let Some(normalised) = orcid_model::normalise::peer_review_issn_group(&review.review_group_id)
        {
            review.review_group_id = normalised;
        }
        if !lock(&ctx.state.groups).has_group_for_review(ctx.state, &review.review_group_id, creating) {
            let message = format!("The given group id does not exist in our records: {}", review.review_group_id);
            return Err(orcid_error(ctx.answer, 400, 9020, message));
        }
    }
    doc.into_item().map_err(|_| orcid_error(ctx.answer, 400, 9001, format!("expected a {}", section.kind().as_str())))
}

/// ORCID's answer to a duplicate: 9030 for person items, 9021 for activities.
fn duplicate_error(section: Section, existing: PutCode) -> orcid_model::error::Error {
    if section.is_person() {
        error_value(409, 9030, format!("An element with the same value already exists: see the element with put-code {existing}."))
    } else {
        error_value(409, 9021, duplicate_message(existing))
    }
}

fn duplicate_message(put_code: PutCode) -> String {
    format!(
        "You have already added this activity (matched by external identifiers), please see element with put-code {put_code}. If you are trying to edit the item, please use PUT instead of POST."
    )
}

/// Stores a new item; returns its put-code, or the error answer (duplicate, works cap).
/// In a bulk (`in_bulk`) a work's `self` identifiers are looked up among all identifiers of
/// the source's works, those stored earlier in the same bulk included (server rules §5.2).
///
/// The duplicate check and the insert are one step, under one lock: two concurrent creates of
/// the same item cannot both pass the check.
fn store_new(ctx: &Ctx<'_>, item: Box<dyn AnyItem>, in_bulk: bool) -> Result<(PutCode, Box<dyn AnyItem>), orcid_model::error::Error> {
    let section = item.section();
    let keys = item.duplicate_keys();
    let mut records = lock(&ctx.state.records);
    let record = records.entry(ctx.orcid.clone()).or_default();
    let duplicate = if in_bulk {
        let self_ids: Vec<IdKey> = keys
            .iter()
            .filter_map(|k| match k {
                DuplicateKey::Id { self_relationship: true, key } => Some(key.clone()),
                _ => None,
            })
            .collect();
        record.bulk_duplicate_of(&ctx.grant.client_id, &self_ids)
    } else {
        record.duplicate_of(section, &ctx.grant.client_id, &keys, None)
    };
    if let Some(existing) = duplicate {
        return Err(duplicate_error(section, existing));
    }
    if section == Section::Work && record.sections.get(&section).map_or(0, |s| s.len()) >= 10_000 {
        return Err(error_value(409, 9048, "the record already holds 10,000 works".into()));
    }
    Ok(ctx.state.store_item(record, &ctx.orcid, &ctx.grant.client_id, source_of(ctx), item))
}

/// A stored item, if the asker may see it.
fn stored(ctx: &Ctx<'_>, section: Section, put_code: PutCode) -> Result<StoredItem, Response> {
    let found = lock(&ctx.state.records).get(&ctx.orcid).and_then(|r| r.sections.get(&section)).and_then(|s| s.get(&put_code)).cloned();
    found
        .filter(|f| sees_all(ctx) || f.visibility == Some(Visibility::Public))
        .ok_or_else(|| orcid_error(ctx.answer, 404, 9016, format!("no {section} with put-code {put_code} in record {}", ctx.orcid)))
}

/// The section's items the asker may see.
fn visible_items(ctx: &Ctx<'_>, section: Section) -> Vec<Box<dyn AnyItem>> {
    let records = lock(&ctx.state.records);
    let Some(items) = records.get(&ctx.orcid).and_then(|r| r.sections.get(&section)) else {
        return Vec::new();
    };
    items.values().filter(|s| sees_all(ctx) || s.visibility == Some(Visibility::Public)).map(|s| s.item.clone()).collect()
}

/// A section's list, typed: its visible items' summaries, grouped as ORCID groups them.
fn summaries<T: RecordItem>(ctx: &Ctx<'_>) -> T::Summaries {
    let items = visible_items(ctx, T::SECTION);
    T::list_of(items.iter().filter_map(|i| i.as_any().downcast_ref::<T>()).map(T::to_summary).collect())
}

/// `/activities`: every activity section's summaries.
fn activities_summary(ctx: &Ctx<'_>) -> ActivitiesSummary {
    use orcid_model::*;
    ActivitiesSummary::new()
        .with_path(format!("/{}/activities", ctx.orcid))
        .with_distinctions(summaries::<distinction::Distinction>(ctx))
        .with_educations(summaries::<education::Education>(ctx))
        .with_employments(summaries::<employment::Employment>(ctx))
        .with_fundings(summaries::<funding::Funding>(ctx))
        .with_invited_positions(summaries::<invited_position::InvitedPosition>(ctx))
        .with_memberships(summaries::<membership::Membership>(ctx))
        .with_peer_reviews(summaries::<peer_review::PeerReview>(ctx))
        .with_qualifications(summaries::<qualification::Qualification>(ctx))
        .with_research_resources(summaries::<research_resource::ResearchResource>(ctx))
        .with_services(summaries::<service::Service>(ctx))
        .with_works(summaries::<work::Work>(ctx))
}

/// `/person`: the record holder's name and the person sections (the emulator keeps no
/// biography or emails).
fn person_of(ctx: &Ctx<'_>) -> Person {
    use orcid_model::*;
    let mut person = Person::new(orcid_model::email::Emails::default());
    person.path = Some(format!("/{}/person", ctx.orcid));
    if let Some(name) = ctx.state.person_name(&ctx.orcid) {
        let mut written = personal_details::Name::new();
        written.visibility = Some(Visibility::Public);
        written.path = Some(ctx.orcid.clone());
        written.given_names = Some(name.given_names);
        written.family_name = name.family_name;
        person.name = Some(written);
    }
    person.other_names = Some(summaries::<other_name::OtherName>(ctx));
    person.researcher_urls = Some(summaries::<researcher_url::ResearcherUrl>(ctx));
    person.addresses = Some(summaries::<address::Address>(ctx));
    person.keywords = Some(summaries::<keyword::Keyword>(ctx));
    person.external_identifiers = Some(summaries::<external_identifier::ExternalIdentifier>(ctx));
    person
}

/// GET `/{orcid}/works/{pc,pc,...}`: found works first, then a 9034 error per missing put-code.
pub(crate) fn read_works(ctx: &Ctx<'_>, codes: &str) -> Response {
    let mut put_codes = Vec::new();
    for code in codes.split(',') {
        match code.trim().parse::<PutCode>() {
            Ok(pc) => put_codes.push(pc),
            Err(_) => return orcid_error(ctx.answer, 400, 9034, format!("invalid put-code {code}")),
        }
    }
    if put_codes.len() > 100 {
        return orcid_error(ctx.answer, 400, 9042, format!("{} put-codes asked for; at most 100", put_codes.len()));
    }
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for pc in put_codes {
        match stored(ctx, Section::Work, pc).ok().and_then(|s| s.item.as_any().downcast_ref::<Work>().cloned()) {
            Some(work) => found.push(BulkItem::Work(work)),
            None => missing.push(BulkItem::Error(error_value(400, 9034, format!("invalid put-code {pc}")))),
        }
    }
    found.extend(missing);
    typed(ctx.answer, StatusCode::OK, &Bulk::from(found))
}

/// POST `/{orcid}/works` with a bulk: each work stored or answered by an error, in order
/// (server rules §5.2). What fails the whole request (reading the body, more than 100 works)
/// is answered as an error.
pub(crate) fn bulk_create(ctx: &Ctx<'_>, body: &[u8]) -> Response {
    if let Err(r) = may_write(ctx, Section::Work) {
        return r;
    }
    let form = ctx.body.unwrap_or(Format::Xml);
    let checked = crate::http::check(form, body, orcid_model::Kind::Bulk, false);
    if let Some(d) = checked.report.verdict() {
        let (status, code, message) = refusal(d, form);
        return orcid_error(ctx.answer, status, code, message);
    }
    if !matches!(checked.document, Some(Document::Bulk(_))) {
        return orcid_error(ctx.answer, 400, if form == Format::Json { 9047 } else { 9012 }, "expected a bulk of works");
    }
    let mut out = Vec::new();
    for slot in checked.bulk_slots() {
        // A duplicate of an earlier work is found again when storing, to name its put-code.
        match (slot.refusal.filter(|d| d.rule != "B4"), slot.work) {
            (Some(d), _) => {
                let (status, code, message) = refusal(d, form);
                out.push(BulkItem::Error(error_value(status, code, message)));
            }
            (None, Some(work)) => match store_new(ctx, Box::new(work.clone()), true) {
                Ok((_, stored)) => match stored.as_any().downcast_ref::<Work>() {
                    Some(work) => out.push(BulkItem::Work(work.clone())),
                    None => out.push(BulkItem::Error(error_value(500, 9001, "a stored work is not a work".into()))),
                },
                Err(e) => out.push(BulkItem::Error(e)),
            },
            (None, None) => out.push(BulkItem::Error(error_value(400, 9001, "this entry could not be read as a work".into()))),
        }
    }
    let stored_some = out.iter().any(|i| matches!(i, BulkItem::Work(_)));
    if stored_some {
        ctx.state.record_changed(&ctx.orcid);
    }
    let mut response = typed(ctx.answer, StatusCode::OK, &Bulk::from(out));
    if stored_some {
        response.extensions_mut().insert(StoredSome);
    }
    response
}
