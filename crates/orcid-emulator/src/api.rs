//! The member API under `/v3.0`: sections, bulk, reading by put-code, and ORCID's errors.

// A handler's early answer is its error; boxing every one would only add noise.
#![allow(clippy::result_large_err)]

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State as Shared};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use orcid_model::bulk::{Bulk, BulkItem};
use orcid_model::activities::{ActivitiesSummary, PeerReviewDuplicates, PeerReviewGroup, PeerReviews};
use orcid_model::common::{ClientId, ExternalId, ExternalIds, OrcidId, Source, Visibility};
use orcid_model::person::Person;
use orcid_model::record::Record;
use orcid_model::peer_review::{PeerReview, PeerReviewSummary};
use orcid_model::vocabulary::ExternalIdType;
use orcid_model::generated::Ns;
use orcid_model::items::{RecordItem, duplicate_key};
use orcid_model::validate::{RuleOptions, Severity, validate_json_with, validate_xml_with};
use orcid_model::work::Work;
use orcid_model::xml::{ToXml, Writer};
use orcid_model::{DateTime, Element, Layout, Mode, QName};

use crate::DropConnection;
use crate::store::{Grant, State, StoredItem, lock};

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/oauth/authorize", get(crate::oauth::authorize))
        .route("/oauth/token", post(crate::oauth::token))
        .route("/oauth/revoke", post(crate::oauth::revoke))
        .fallback(member_api)
        .with_state(state)
}

/// XML or JSON, for a body or an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Xml,
    Json,
}

impl Form {
    fn media_type(self) -> &'static str {
        match self {
            Form::Xml => "application/vnd.orcid+xml",
            Form::Json => "application/vnd.orcid+json",
        }
    }

    fn of_content_type(value: &str) -> Option<Form> {
        let value = value.split(';').next().unwrap_or("").trim();
        match value {
            "application/vnd.orcid+xml" | "application/orcid+xml" | "application/xml" => Some(Form::Xml),
            "application/vnd.orcid+json" | "application/orcid+json" | "application/json" => Some(Form::Json),
            _ => None,
        }
    }
}

/// `(type, normalised value)` of a `self` identifier.
type DuplicateKey = (String, String);

/// An item with the duplicate keys of its `self` identifiers.
type Keyed<T> = (Vec<DuplicateKey>, T);

/// Marks a bulk answer that stored at least one work (a lost answer then matters).
#[derive(Clone, Copy)]
struct StoredSome;

/// One request's context: who asks, for which record, in which form.
struct Ctx<'a> {
    state: &'a State,
    orcid: String,
    grant: Grant,
    answer: Form,
    body: Option<Form>,
}

/// An answer in ORCID's error shape.
fn orcid_error(answer: Form, status: u16, code: u16, message: impl Into<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let error = error_value(status.as_u16(), code, message.into());
    typed(answer, status, &error)
}

fn error_value(status: u16, code: u16, message: String) -> orcid_model::error::Error {
    let reason = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
    orcid_model::error::Error {
        response_code: i32::from(status),
        developer_message: format!("{status} {reason}: {message}"),
        user_message: Some(message),
        error_code: Some(i64::from(code)),
        more_info: Some("https://info.orcid.org/documentation/api-tutorials/troubleshooting-orcid-api-errors/".into()),
    }
}

/// A typed value as the answer's body.
fn typed<T: Element>(answer: Form, status: StatusCode, value: &T) -> Response {
    let body = match answer {
        Form::Xml => value.to_xml_string(Layout::Indented),
        Form::Json => value.to_json_string(false, false),
    };
    (status, [(header::CONTENT_TYPE, answer.media_type())], body).into_response()
}

fn service_unavailable() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "text/html")], "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>")
        .into_response()
}

/// Everything under `/v3.0`: the rate limit and faults first, as a proxy in front would.
async fn member_api(Shared(state): Shared<Arc<State>>, request: Request) -> Response {
    state.note_request();
    if let Some(rate) = &state.rate {
        match rate.admit() {
            Some(slot) => tokio::time::sleep_until(slot).await,
            None => {
                state.note_rate_limited();
                return service_unavailable();
            }
        }
    }
    let faults = state.faults();
    let dropper = request.extensions().get::<DropConnection>().cloned();
    if state.dropped.hit(faults.drop_connection)
        && let Some(d) = &dropper
    {
        d.drop_now().await;
    }
    if state.unavailable.hit(faults.unavailable) {
        return service_unavailable();
    }
    if !faults.delay.is_zero() {
        tokio::time::sleep(faults.delay).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(Body::new(body), 32 << 20).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "body too large").into_response();
    };
    let response = handle(&state, &parts.method, parts.uri.path(), &parts.headers, &body);
    let stored = response.status() == StatusCode::CREATED || response.extensions().get::<StoredSome>().is_some();
    if parts.method == Method::POST
        && stored
        && state.lost.hit(faults.lose_created)
        && let Some(d) = &dropper
    {
        d.drop_now().await;
    }
    response
}

fn handle(state: &State, method: &Method, path: &str, headers: &HeaderMap, body: &[u8]) -> Response {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("*/*");
    let answer = if accept.contains("json") {
        Form::Json
    } else if accept.contains("xml") || accept.contains("*/*") {
        Form::Xml
    } else {
        return (StatusCode::NOT_ACCEPTABLE, format!("cannot answer in {accept}")).into_response();
    };
    let Some(rest) = path.strip_prefix("/v3.0/") else {
        return orcid_error(answer, 404, 9016, format!("no resource at {path}"));
    };
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let Some((&orcid, segments)) = segments.split_first() else {
        return orcid_error(answer, 404, 9016, "no ORCID iD in the path");
    };
    // Who asks.
    let grant = match headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        None => return orcid_error(answer, 401, 9002, "an access token is required (Authorization: Bearer ...)"),
        Some(value) => match value.strip_prefix("Bearer ").and_then(|t| lock(&state.tokens).get(t.trim()).cloned()) {
            Some(grant) => grant,
            None => return orcid_error(answer, 401, 9017, "invalid access token"),
        },
    };
    if state.user(orcid).is_none() {
        return orcid_error(answer, 404, 9016, format!("no record with ORCID iD {orcid}"));
    }
    let body_form = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(Form::of_content_type);
    let ctx = Ctx { state, orcid: orcid.to_string(), grant, answer, body: body_form };
    let writing = matches!(*method, Method::POST | Method::PUT);
    if writing && ctx.body.is_none() {
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type must be an ORCID XML or JSON media type").into_response();
    }
    match (method.clone(), segments) {
        (Method::POST, ["works"]) => bulk_create(&ctx, body),
        (Method::GET, ["works", codes]) => read_works(&ctx, codes),
        (Method::POST, [section]) => match find(section, |o| o.section) {
            Some(ops) => (ops.create)(&ctx, body),
            None => orcid_error(answer, 404, 9016, format!("no section {section} to write to")),
        },
        (Method::GET, ["activities"]) => whole(&ctx, activities(&ctx)),
        (Method::GET, ["person"]) => whole(&ctx, person(&ctx)),
        (Method::GET, ["record"]) => whole(&ctx, record(&ctx)),
        (Method::GET, [list]) => match find(list, |o| o.list_path) {
            Some(ops) => (ops.list)(&ctx),
            None => orcid_error(answer, 404, 9016, format!("the emulator does not serve /{list}")),
        },
        (m @ (Method::GET | Method::PUT | Method::DELETE), [section, code]) => {
            let Some(ops) = find(section, |o| o.section) else {
                return orcid_error(answer, 404, 9016, format!("no section {section}"));
            };
            let Ok(put_code) = code.parse::<i64>() else {
                return orcid_error(answer, 400, 9034, format!("invalid put-code {code}"));
            };
            match m {
                Method::GET => (ops.read)(&ctx, put_code),
                Method::PUT => (ops.update)(&ctx, put_code, body),
                _ => (ops.delete)(&ctx, put_code),
            }
        }
        _ => orcid_error(answer, 405, 9001, format!("{method} {path} is not part of the member API")),
    }
}

/// A whole-record read's answer.
fn whole<T: Element>(ctx: &Ctx<'_>, value: Result<T, String>) -> Response {
    match value {
        Ok(value) => typed(ctx.answer, StatusCode::OK, &value),
        Err(message) => orcid_error(ctx.answer, 500, 9001, message),
    }
}

/// The handlers of one section, instantiated for its item type.
struct Ops {
    section: &'static str,
    list_path: &'static str,
    create: fn(&Ctx<'_>, &[u8]) -> Response,
    update: fn(&Ctx<'_>, i64, &[u8]) -> Response,
    read: fn(&Ctx<'_>, i64) -> Response,
    delete: fn(&Ctx<'_>, i64) -> Response,
    list: fn(&Ctx<'_>) -> Response,
}

fn ops<T: RecordItem>() -> Ops {
    Ops { section: T::SECTION, list_path: T::SECTION_LIST, create: create::<T>, update: update::<T>, read: read::<T>, delete: delete::<T>, list: list::<T> }
}

fn find(name: &str, key: fn(&Ops) -> &'static str) -> Option<Ops> {
    use orcid_model::*;
    [
        ops::<work::Work>(),
        ops::<funding::Funding>(),
        ops::<peer_review::PeerReview>(),
        ops::<research_resource::ResearchResource>(),
        ops::<employment::Employment>(),
        ops::<education::Education>(),
        ops::<distinction::Distinction>(),
        ops::<invited_position::InvitedPosition>(),
        ops::<membership::Membership>(),
        ops::<qualification::Qualification>(),
        ops::<service::Service>(),
        ops::<other_name::OtherName>(),
        ops::<keyword::Keyword>(),
        ops::<researcher_url::ResearcherUrl>(),
        ops::<external_identifier::ExternalIdentifier>(),
        ops::<address::Address>(),
    ]
    .into_iter()
    .find(|o| key(o) == name)
}

/// A write needs the researcher's token for this record with the section's scope.
fn may_write<T: RecordItem>(ctx: &Ctx<'_>) -> Result<(), Response> {
    let scope = if T::PERSON { "/person/update" } else { "/activities/update" };
    if ctx.grant.orcid.as_deref() != Some(ctx.orcid.as_str()) {
        return Err(orcid_error(ctx.answer, 403, 9015, format!("the token is not for record {}", ctx.orcid)));
    }
    if !ctx.grant.has_scope(scope) {
        return Err(orcid_error(ctx.answer, 403, 9005, format!("the token lacks the scope {scope}")));
    }
    Ok(())
}

/// Whether the asker sees items of every visibility (the researcher's own token) or only public ones.
fn sees_all(ctx: &Ctx<'_>) -> bool {
    ctx.grant.orcid.as_deref() == Some(ctx.orcid.as_str())
}

/// Reads and validates a body as ORCID would: the first error the validator finds becomes
/// the 400 answer, with its ORCID code.
fn parse_item<T: RecordItem>(ctx: &Ctx<'_>, body: &[u8], update: bool) -> Result<T, Response> {
    let form = ctx.body.unwrap_or(Form::Xml);
    let options = RuleOptions { update, today: None };
    let report = match form {
        Form::Xml => validate_xml_with(body, options),
        Form::Json => validate_json_with(body, T::NAME.local, options),
    };
    if let Some(d) = report.diagnostics.iter().find(|d| d.severity == Severity::Error) {
        let code = d.orcid_code.unwrap_or(if form == Form::Json { 9047 } else { 9001 });
        return Err(orcid_error(ctx.answer, 400, code, format!("{} (at {}, line {}, column {})", d.message, d.path, d.line, d.column)));
    }
    let item = match form {
        Form::Xml => T::from_xml_bytes(body, Mode::Lenient),
        Form::Json => std::str::from_utf8(body)
            .map_err(|e| orcid_model::ReadError { line: 1, column: 1, message: e.to_string() })
            .and_then(|text| T::from_json_str(text, Mode::Lenient)),
    };
    item.map_err(|e| orcid_error(ctx.answer, 400, 9001, format!("expected a {} for /{}: {e}", T::NAME.local, T::SECTION)))
}

fn duplicate_keys<T: RecordItem>(item: &T) -> Vec<DuplicateKey> {
    item.self_external_ids().iter().map(|id| duplicate_key(id.external_id_type.as_str(), &id.external_id_value)).collect()
}

/// The put-code of the same source's item with a matching `self` identifier, if any.
fn duplicate_of(ctx: &Ctx<'_>, section: &'static str, keys: &[DuplicateKey], except: Option<i64>) -> Option<i64> {
    lock(&ctx.state.records).get(&ctx.orcid)?.duplicate_of(section, &ctx.grant.client_id, keys, except)
}

fn duplicate_message(put_code: i64) -> String {
    format!(
        "You have already added this activity (matched by external identifiers), please see element with put-code {put_code}. If you are trying to edit the item, please use PUT instead of POST."
    )
}

fn now() -> DateTime {
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    DateTime::from_epoch_millis(millis)
}

/// The client as ORCID names an item's source (the sandbox's host: the schema wants an
/// orcid.org URI).
fn source_of(ctx: &Ctx<'_>) -> Source {
    Source {
        source_client_id: Some(ClientId {
            uri: Some(format!("https://sandbox.orcid.org/client/{}", ctx.grant.client_id)),
            path: Some(ctx.grant.client_id.clone()),
            host: Some("sandbox.orcid.org".into()),
        }),
        source_name: Some(ctx.state.client_name(&ctx.grant.client_id)),
        ..Source::default()
    }
}

/// Stores a new item; returns its put-code, or the error answer (duplicate, works cap).
/// Works earlier in the same bulk are stored by then, so duplicates within a batch are found too.
fn store_new<T: RecordItem>(ctx: &Ctx<'_>, mut item: T) -> Result<(i64, T), orcid_model::error::Error> {
    let keys = duplicate_keys(&item);
    if let Some(existing) = duplicate_of(ctx, T::SECTION, &keys, None) {
        return Err(error_value(409, 9021, duplicate_message(existing)));
    }
    let mut records = lock(&ctx.state.records);
    let record = records.entry(ctx.orcid.clone()).or_default();
    if T::SECTION == "work" && record.sections.get(T::SECTION).map_or(0, |s| s.len()) >= 10_000 {
        return Err(error_value(409, 9048, "the record already holds 10,000 works".into()));
    }
    let put_code = ctx.state.next_put_code();
    let stamp = now();
    item.set_put_code(Some(put_code));
    // On a claimed record the researcher's default visibility applies, not the client's.
    item.set_visibility(Some(Visibility::Public));
    item.set_stored(Some(source_of(ctx)), Some(stamp.clone()), Some(stamp), Some(format!("/{}/{}/{put_code}", ctx.orcid, T::SECTION)));
    record.insert(
        T::SECTION,
        put_code,
        StoredItem {
            client_id: ctx.grant.client_id.clone(),
            xml: item.to_xml_string(Layout::Compact),
            duplicate_keys: keys,
            visibility: Some(Visibility::Public),
        },
    );
    Ok((put_code, item))
}

fn create<T: RecordItem>(ctx: &Ctx<'_>, body: &[u8]) -> Response {
    if let Err(r) = may_write::<T>(ctx) {
        return r;
    }
    let item: T = match parse_item(ctx, body, false) {
        Ok(item) => item,
        Err(r) => return r,
    };
    match store_new(ctx, item) {
        Ok((put_code, _)) => {
            let location = format!("{}/v3.0/{}/{}/{put_code}", ctx.state.base_url, ctx.orcid, T::SECTION);
            (StatusCode::CREATED, [(header::LOCATION, location)]).into_response()
        }
        Err(e) => typed(ctx.answer, StatusCode::from_u16(e.response_code as u16).unwrap_or(StatusCode::CONFLICT), &e),
    }
}

/// A stored item, typed, if the asker may see it.
fn stored<T: RecordItem>(ctx: &Ctx<'_>, put_code: i64) -> Result<(StoredItem, T), Response> {
    let found = lock(&ctx.state.records).get(&ctx.orcid).and_then(|r| r.sections.get(T::SECTION)).and_then(|s| s.get(&put_code)).cloned();
    let Some(found) = found.filter(|f| sees_all(ctx) || f.visibility == Some(Visibility::Public)) else {
        return Err(orcid_error(ctx.answer, 404, 9016, format!("no {} with put-code {put_code} in record {}", T::SECTION, ctx.orcid)));
    };
    let item = T::from_xml_str(&found.xml, Mode::Lenient)
        .map_err(|e| orcid_error(ctx.answer, 500, 9001, format!("stored item unreadable: {e}")))?;
    Ok((found, item))
}

fn update<T: RecordItem>(ctx: &Ctx<'_>, put_code: i64, body: &[u8]) -> Response {
    if let Err(r) = may_write::<T>(ctx) {
        return r;
    }
    let mut item: T = match parse_item(ctx, body, true) {
        Ok(item) => item,
        Err(r) => return r,
    };
    match item.put_code() {
        None if T::PERSON => return orcid_error(ctx.answer, 400, 9031, "the body must carry the put-code of the item to update"),
        None => return orcid_error(ctx.answer, 400, 9019, "the body must carry the put-code of the item to update"),
        Some(pc) if pc != put_code => {
            return orcid_error(ctx.answer, 400, 9019, format!("the put-code in the body ({pc}) differs from the one in the URL ({put_code})"));
        }
        Some(_) => {}
    }
    let (old, old_item) = match stored::<T>(ctx, put_code) {
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
    let keys = duplicate_keys(&item);
    if let Some(existing) = duplicate_of(ctx, T::SECTION, &keys, Some(put_code)) {
        return orcid_error(ctx.answer, 409, 9021, duplicate_message(existing));
    }
    // The created date stays the old item's.
    let created = old_item.created_date().cloned();
    item.set_visibility(old.visibility);
    item.set_stored(Some(source_of(ctx)), created, Some(now()), Some(format!("/{}/{}/{put_code}", ctx.orcid, T::SECTION)));
    let entry = StoredItem { client_id: old.client_id, xml: item.to_xml_string(Layout::Compact), duplicate_keys: keys, visibility: old.visibility };
    if let Some(record) = lock(&ctx.state.records).get_mut(&ctx.orcid) {
        record.insert(T::SECTION, put_code, entry);
    }
    typed(ctx.answer, StatusCode::OK, &item)
}

fn delete<T: RecordItem>(ctx: &Ctx<'_>, put_code: i64) -> Response {
    if let Err(r) = may_write::<T>(ctx) {
        return r;
    }
    let old = match stored::<T>(ctx, put_code) {
        Ok((old, _)) => old,
        Err(r) => return r,
    };
    if old.client_id != ctx.grant.client_id {
        return orcid_error(ctx.answer, 403, 9010, "only the item's source may delete it");
    }
    if let Some(record) = lock(&ctx.state.records).get_mut(&ctx.orcid) {
        record.remove(T::SECTION, put_code);
    }
    StatusCode::NO_CONTENT.into_response()
}

fn read<T: RecordItem>(ctx: &Ctx<'_>, put_code: i64) -> Response {
    match stored::<T>(ctx, put_code) {
        Ok((_, item)) => typed(ctx.answer, StatusCode::OK, &item),
        Err(r) => r,
    }
}

/// The local names of an activity's summary element and of its group in the section list.
fn summary_names(section: &str) -> Option<(&'static str, &'static str)> {
    Some(match section {
        "work" => ("work-summary", "group"),
        "funding" => ("funding-summary", "group"),
        "research-resource" => ("research-resource-summary", "group"),
        "employment" => ("employment-summary", "affiliation-group"),
        "education" => ("education-summary", "affiliation-group"),
        "distinction" => ("distinction-summary", "affiliation-group"),
        "invited-position" => ("invited-position-summary", "affiliation-group"),
        "membership" => ("membership-summary", "affiliation-group"),
        "qualification" => ("qualification-summary", "affiliation-group"),
        "service" => ("service-summary", "affiliation-group"),
        _ => return None,
    })
}

/// The section's list: person items as they are; activities as summaries grouped by shared
/// `self` identifiers. The list is written with the model's writer (each item under its
/// summary's name) and read back leniently as the list type, which keeps just the summary's
/// fields.
fn list<T: RecordItem>(ctx: &Ctx<'_>) -> Response {
    match summaries::<T>(ctx) {
        Ok(summaries) => typed(ctx.answer, StatusCode::OK, &summaries),
        Err(message) => orcid_error(ctx.answer, 500, 9001, message),
    }
}

/// The section's summaries, typed.
fn summaries<T: RecordItem>(ctx: &Ctx<'_>) -> Result<T::Summaries, String> {
    let xml = if T::SECTION == PeerReview::SECTION {
        // Built typed (the summary names some fields differently), read back as the list type.
        peer_reviews(ctx).to_xml_string(Layout::Compact)
    } else {
        let items = visible_items::<T>(ctx);
        let list_name = <T::Summaries as Element>::NAME;
        let mut w = Writer::new(Layout::Compact);
        w.start(list_name);
        if T::PERSON {
            for (_, item) in &items {
                item.to_xml(&mut w, T::NAME);
            }
        } else {
            let (summary, group) = summary_names(T::SECTION).ok_or_else(|| format!("the emulator does not list /{}", T::SECTION_LIST))?;
            for members in group_by_self_ids(&items) {
                w.start(QName::new(Ns::Activities, group));
                group_ids(&members).to_xml(&mut w, QName::new(Ns::Common, "external-ids"));
                for member in members {
                    member.to_xml(&mut w, QName::new(T::NAME.ns, summary));
                }
                w.end(QName::new(Ns::Activities, group));
            }
        }
        w.end(list_name);
        w.finish()
    };
    T::Summaries::from_xml_str(&xml, Mode::Lenient).map_err(|e| format!("could not build /{}: {e}", T::SECTION_LIST))
}

/// `/activities`: every activity section's summaries.
fn activities(ctx: &Ctx<'_>) -> Result<ActivitiesSummary, String> {
    use orcid_model::*;
    Ok(ActivitiesSummary {
        path: Some(format!("/{}/activities", ctx.orcid)),
        last_modified_date: None,
        distinctions: Some(summaries::<distinction::Distinction>(ctx)?),
        educations: Some(summaries::<education::Education>(ctx)?),
        employments: Some(summaries::<employment::Employment>(ctx)?),
        fundings: Some(summaries::<funding::Funding>(ctx)?),
        invited_positions: Some(summaries::<invited_position::InvitedPosition>(ctx)?),
        memberships: Some(summaries::<membership::Membership>(ctx)?),
        peer_reviews: Some(summaries::<peer_review::PeerReview>(ctx)?),
        qualifications: Some(summaries::<qualification::Qualification>(ctx)?),
        research_resources: Some(summaries::<research_resource::ResearchResource>(ctx)?),
        services: Some(summaries::<service::Service>(ctx)?),
        works: Some(summaries::<work::Work>(ctx)?),
    })
}

/// `/person`: the person sections (the emulator keeps no name, biography or emails).
fn person(ctx: &Ctx<'_>) -> Result<Person, String> {
    use orcid_model::*;
    let mut person = Person::new(orcid_model::email::Emails::default());
    person.path = Some(format!("/{}/person", ctx.orcid));
    person.other_names = Some(summaries::<other_name::OtherName>(ctx)?);
    person.researcher_urls = Some(summaries::<researcher_url::ResearcherUrl>(ctx)?);
    person.addresses = Some(summaries::<address::Address>(ctx)?);
    person.keywords = Some(summaries::<keyword::Keyword>(ctx)?);
    person.external_identifiers = Some(summaries::<external_identifier::ExternalIdentifier>(ctx)?);
    Ok(person)
}

/// `/record`: the iD, the person and the activities.
fn record(ctx: &Ctx<'_>) -> Result<Record, String> {
    let mut record = Record::new();
    record.path = Some(format!("/{}", ctx.orcid));
    record.orcid_identifier = Some(OrcidId {
        uri: Some(format!("https://sandbox.orcid.org/{}", ctx.orcid)),
        path: Some(ctx.orcid.clone()),
        host: Some("sandbox.orcid.org".into()),
    });
    record.person = Some(person(ctx)?);
    record.activities_summary = Some(activities(ctx)?);
    Ok(record)
}

/// The section's items the asker may see, with their duplicate keys.
fn visible_items<T: RecordItem>(ctx: &Ctx<'_>) -> Vec<Keyed<T>> {
    let records = lock(&ctx.state.records);
    let Some(section) = records.get(&ctx.orcid).and_then(|r| r.sections.get(T::SECTION)) else {
        return Vec::new();
    };
    section
        .values()
        .filter(|s| sees_all(ctx) || s.visibility == Some(Visibility::Public))
        .filter_map(|s| T::from_xml_str(&s.xml, Mode::Lenient).ok().map(|item| (s.duplicate_keys.clone(), item)))
        .collect()
}

/// Items sharing a `self` identifier, as ORCID groups them.
fn group_by_self_ids<T>(items: &[Keyed<T>]) -> Vec<Vec<&T>> {
    let mut groups: Vec<(Vec<DuplicateKey>, Vec<&T>)> = Vec::new();
    for (keys, item) in items {
        match groups.iter_mut().find(|(g, _)| keys.iter().any(|k| g.contains(k))) {
            Some((g, members)) => {
                g.extend(keys.iter().cloned());
                members.push(item);
            }
            None => groups.push((keys.clone(), vec![item])),
        }
    }
    groups.into_iter().map(|(_, members)| members).collect()
}

/// A group's identifiers: every member's `self` identifiers, once each.
fn group_ids<T: RecordItem>(members: &[&T]) -> ExternalIds {
    let mut ids = ExternalIds { external_ids: Vec::new() };
    let mut seen = HashSet::new();
    for id in members.iter().flat_map(|m| m.self_external_ids()) {
        if seen.insert(duplicate_key(id.external_id_type.as_str(), &id.external_id_value)) {
            ids.external_ids.push(id.clone());
        }
    }
    ids
}

/// `/peer-reviews`: grouped by review group id, then by shared `self` identifiers; each
/// review as its summary (the summary names some fields differently, so it is built here).
fn peer_reviews(ctx: &Ctx<'_>) -> PeerReviews {
    let items = visible_items::<PeerReview>(ctx);
    let mut by_group: Vec<(String, Vec<Keyed<PeerReview>>)> = Vec::new();
    for (keys, review) in items {
        match by_group.iter_mut().find(|(g, _)| *g == review.review_group_id) {
            Some((_, members)) => members.push((keys, review)),
            None => by_group.push((review.review_group_id.clone(), vec![(keys, review)])),
        }
    }
    let groups = by_group
        .iter()
        .map(|(group_id, members)| {
            let mut id = ExternalId::new(ExternalIdType::Unknown("peer-review".into()), group_id.clone());
            id.external_id_relationship = None;
            PeerReviewGroup {
                last_modified_date: None,
                external_ids: ExternalIds { external_ids: vec![id] },
                peer_review_groups: group_by_self_ids(members)
                    .into_iter()
                    .map(|duplicates| PeerReviewDuplicates {
                        last_modified_date: None,
                        external_ids: group_ids(&duplicates),
                        peer_review_summaries: duplicates.into_iter().map(summary_of).collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    PeerReviews { path: Some(format!("/{}/peer-reviews", ctx.orcid)), last_modified_date: None, groups }
}

fn summary_of(r: &PeerReview) -> PeerReviewSummary {
    let mut s = PeerReviewSummary::new(
        r.reviewer_role.clone(),
        r.review_type.clone(),
        r.review_completion_date.clone(),
        r.review_group_id.clone(),
        r.convening_organization.clone(),
    );
    s.put_code = r.put_code;
    s.visibility = r.visibility;
    s.display_index = r.display_index.clone();
    s.path = r.path.clone();
    s.created_date = r.created_date.clone();
    s.last_modified_date = r.last_modified_date.clone();
    s.source = r.source.clone();
    s.external_ids = Some(r.review_identifiers.clone());
    s.review_url = r.review_url.clone();
    s
}

/// GET `/{orcid}/works/{pc,pc,...}`: found works first, then a 9034 error per missing put-code.
fn read_works(ctx: &Ctx<'_>, codes: &str) -> Response {
    let mut put_codes = Vec::new();
    for code in codes.split(',') {
        match code.trim().parse::<i64>() {
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
        match stored::<Work>(ctx, pc) {
            Ok((_, work)) => found.push(BulkItem::Work(work)),
            Err(_) => missing.push(BulkItem::Error(error_value(400, 9034, format!("invalid put-code {pc}")))),
        }
    }
    found.extend(missing);
    typed(ctx.answer, StatusCode::OK, &Bulk { items: found })
}

/// POST `/{orcid}/works` with a bulk: each work stored or answered by an error, in order.
fn bulk_create(ctx: &Ctx<'_>, body: &[u8]) -> Response {
    if let Err(r) = may_write::<Work>(ctx) {
        return r;
    }
    let form = ctx.body.unwrap_or(Form::Xml);
    let options = RuleOptions::default();
    let report = match form {
        Form::Xml => validate_xml_with(body, options),
        Form::Json => validate_json_with(body, "bulk", options),
    };
    let parsed = match form {
        Form::Xml => Bulk::from_xml_bytes(body, Mode::Lenient),
        Form::Json => std::str::from_utf8(body)
            .map_err(|e| orcid_model::ReadError { line: 1, column: 1, message: e.to_string() })
            .and_then(|t| Bulk::from_json_str(t, Mode::Lenient)),
    };
    let bulk = match parsed {
        Ok(b) => b,
        Err(e) => return orcid_error(ctx.answer, 400, if form == Form::Json { 9047 } else { 9001 }, format!("expected a bulk of works: {e}")),
    };
    if bulk.items.len() > 100 {
        return orcid_error(ctx.answer, 400, 9006, format!("{} works in one bulk; at most 100", bulk.items.len()));
    }
    // The validator's findings, by the work they are in (`bulk/work[3]/...`).
    let problem_of = |index: usize| {
        report.diagnostics.iter().filter(|d| d.severity == Severity::Error).find(|d| {
            let rest = d.path.strip_prefix("bulk/work").unwrap_or("");
            let n = rest.strip_prefix('[').and_then(|r| r.split(']').next()).and_then(|n| n.parse::<usize>().ok()).unwrap_or(1);
            !d.path.is_empty() && d.path.starts_with("bulk/work") && n == index + 1
        })
    };
    let mut out = Vec::with_capacity(bulk.items.len());
    for (i, entry) in bulk.items.into_iter().enumerate() {
        let BulkItem::Work(work) = entry else {
            out.push(BulkItem::Error(error_value(400, 9001, format!("entry {} is not a work", i + 1))));
            continue;
        };
        if let Some(d) = problem_of(i) {
            let code = d.orcid_code.unwrap_or(if form == Form::Json { 9047 } else { 9001 });
            out.push(BulkItem::Error(error_value(400, code, format!("{} (at {})", d.message, d.path))));
            continue;
        }
        match store_new(ctx, work) {
            Ok((_, stored)) => out.push(BulkItem::Work(stored)),
            Err(e) => out.push(BulkItem::Error(e)),
        }
    }
    let stored_some = out.iter().any(|i| matches!(i, BulkItem::Work(_)));
    let mut response = typed(ctx.answer, StatusCode::OK, &Bulk { items: out });
    if stored_some {
        response.extensions_mut().insert(StoredSome);
    }
    response
}
