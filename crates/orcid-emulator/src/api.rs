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
use orcid_model::activities::ActivitiesSummary;
use orcid_model::bulk::{Bulk, BulkItem};
use orcid_model::common::{ClientId, ExternalIds, OrcidIdentifier, Source, Visibility};
use orcid_model::items::{DuplicateKey, RecordItem, Section, SectionVisitor, duplicate_keys};
use orcid_model::normalise::IdKey;
use orcid_model::peer_review::PeerReview;
use orcid_model::person::Person;
use orcid_model::record::Record;
use orcid_model::validate::{Checked, Options, check_json, check_xml};
use orcid_model::work::Work;
use orcid_model::{DateTime, Element, Format, Layout, Mode, Ns, PutCode, WriteOptions};

use crate::DropConnection;
use crate::store::{Grant, State, StoredItem, lock};

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/oauth/authorize", get(crate::oauth::authorize))
        .route("/oauth/token", post(crate::oauth::token))
        // The public API's host issues /read-public tokens too (pub.orcid.org/oauth/token).
        .route("/pub/oauth/token", post(crate::oauth::token))
        .route("/oauth/revoke", post(crate::oauth::revoke))
        .fallback(member_api)
        .with_state(state)
}

/// An item with the duplicate keys of its `self` identifiers.
type Keyed<T> = (Vec<DuplicateKey>, T);

/// The largest request body read: a bulk of 100 works with 50 contributors each is under
/// 5 MiB.
const MAX_BODY_BYTES: usize = 32 << 20;

/// Marks a bulk answer that stored at least one work (a lost answer then matters).
#[derive(Clone, Copy)]
struct StoredSome;

/// One request's context: who asks, for which record, in which form.
pub(crate) struct Ctx<'a> {
    pub state: &'a State,
    pub orcid: String,
    pub grant: Grant,
    pub answer: Format,
    pub body: Option<Format>,
    /// Asked through the public API: public data only.
    pub public: bool,
}

/// An answer in ORCID's error shape.
pub(crate) fn orcid_error(answer: Format, status: u16, code: u16, message: impl Into<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let error = error_value(status.as_u16(), code, message.into());
    typed(answer, status, &error)
}

fn error_value(status: u16, code: u16, message: String) -> orcid_model::error::Error {
    let reason = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
    orcid_model::error::Error::new(i32::from(status), format!("{status} {reason}: {message}"))
        .with_user_message(message)
        .with_error_code(i64::from(code))
        .with_more_info("https://info.orcid.org/documentation/api-tutorials/troubleshooting-orcid-api-errors/")
}

/// A typed value as the answer's body.
pub(crate) fn typed<T: Element>(answer: Format, status: StatusCode, value: &T) -> Response {
    let body = match answer {
        Format::Xml => value.to_xml_string(Layout::Indented),
        Format::Json => value.to_json_string(WriteOptions::read().compact()),
    };
    (status, [(header::CONTENT_TYPE, answer.media_type())], body).into_response()
}

fn service_unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html")],
        "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
    )
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
    let body = match axum::body::to_bytes(Body::new(body), MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(e) => {
            let json = parts.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("json"));
            let form = if json { Format::Json } else { Format::Xml };
            let too_large = std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            // ORCID documents no limit of its own; a body far beyond any item is refused in
            // ORCID's error shape, and the connection goes on serving. A body that cannot be
            // read at all (a malformed chunk) is the client's error, not a size.
            return if too_large {
                orcid_error(form, 413, 9001, format!("the request body is larger than {} MiB", MAX_BODY_BYTES >> 20))
            } else {
                orcid_error(form, 400, 9001, format!("the request body could not be read: {e}"))
            };
        }
    };
    let response = handle(&state, &parts.method, parts.uri.path(), parts.uri.query().unwrap_or(""), &parts.headers, &body);
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

fn handle(state: &State, method: &Method, path: &str, query: &str, headers: &HeaderMap, body: &[u8]) -> Response {
    // The public API (`pub.orcid.org`) is served under `/pub`: reads only, a token optional,
    // public data only.
    let (public, path) = match path.strip_prefix("/pub/") {
        Some(_) => (true, &path["/pub".len()..]),
        None => (false, path),
    };
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("*/*");
    let csv = path.trim_end_matches('/') == "/v3.0/csv-search";
    let answer = if accept.contains("json") {
        Format::Json
    } else if accept.contains("xml") || accept.contains("*/*") || csv {
        Format::Xml
    } else {
        return (StatusCode::NOT_ACCEPTABLE, format!("cannot answer in {accept}")).into_response();
    };
    // Webhooks live outside the versioned API: `/{orcid}/webhook/{url}`.
    let rest = match path.strip_prefix("/v3.0/") {
        Some(rest) => rest,
        None if !public && path.split('/').nth(2) == Some("webhook") => path.trim_start_matches('/'),
        None => return orcid_error(answer, 404, 9016, format!("no resource at {path}")),
    };
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let Some((&orcid, segments)) = segments.split_first() else {
        return orcid_error(answer, 404, 9016, "no ORCID iD in the path");
    };
    // Who asks: the public API answers without a token too.
    let grant = match headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        None if public => None,
        None => return orcid_error(answer, 401, 9002, "an access token is required (Authorization: Bearer ...)"),
        Some(value) => match value.strip_prefix("Bearer ").and_then(|t| lock(&state.tokens).get(t.trim()).cloned()) {
            Some(grant) => Some(grant),
            None => return orcid_error(answer, 401, 9017, "invalid access token"),
        },
    };
    if public && *method != Method::GET {
        return orcid_error(answer, 405, 9001, format!("{method} {path}: the public API only reads"));
    }
    if let Some(kind) = crate::search::Kind::of_path(orcid) {
        let credentials = grant.is_some();
        return crate::search::handle(state, kind, query, answer, credentials);
    }
    let grant = grant.unwrap_or_else(Grant::anonymous);
    let body_form = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(Format::from_media_type);
    // A webhook's PUT carries no body.
    let bodiless = segments.first() == Some(&"webhook");
    if matches!(*method, Method::POST | Method::PUT) && body_form.is_none() && !bodiless {
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type must be an ORCID XML or JSON media type").into_response();
    }
    // The registry of group ids is not a record's.
    if orcid == "group-id-record" {
        return crate::groups::handle(crate::groups::Request {
            state,
            grant: &grant,
            method,
            rest: segments,
            query,
            body,
            answer,
            body_form,
        });
    }
    if state.user(orcid).is_none() {
        return orcid_error(answer, 404, 9016, format!("no record with ORCID iD {orcid}"));
    }
    let ctx = Ctx { state, orcid: orcid.to_string(), grant, answer, body: body_form, public };
    match (method.clone(), segments) {
        (Method::POST, ["notification-permission"]) => crate::notices::create_notification(&ctx, body),
        (m @ (Method::GET | Method::DELETE), ["notification-permission", code]) => match code.parse::<PutCode>() {
            Ok(pc) => crate::notices::notification(&ctx, pc, m == Method::DELETE),
            Err(_) => orcid_error(answer, 400, 9034, format!("invalid put-code {code}")),
        },
        (m @ (Method::PUT | Method::DELETE), ["webhook", url]) => {
            let url = percent_decode(url);
            crate::notices::webhook(&ctx, &url, m == Method::PUT)
        }
        (Method::POST, ["works"]) => bulk_create(&ctx, body),
        (Method::GET, ["works", codes]) => read_works(&ctx, codes),
        (Method::POST, [section]) => match find(section, Section::path) {
            Some(ops) => (ops.create)(&ctx, body),
            None => orcid_error(answer, 404, 9016, format!("no section {section} to write to")),
        },
        (Method::GET, ["activities"]) => whole(&ctx, activities(&ctx)),
        (Method::GET, ["person"]) => whole(&ctx, person(&ctx)),
        (Method::GET, ["record"]) => whole(&ctx, record(&ctx)),
        (Method::GET, [list]) => match find(list, Section::list_path) {
            Some(ops) => (ops.list)(&ctx),
            None => orcid_error(answer, 404, 9016, format!("the emulator does not serve /{list}")),
        },
        (m @ (Method::GET | Method::PUT | Method::DELETE), [section, code]) => {
            let Some(ops) = find(section, Section::path) else {
                return orcid_error(answer, 404, 9016, format!("no section {section}"));
            };
            let Ok(put_code) = code.parse::<PutCode>() else {
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

/// A path segment percent-decoded (a webhook's callback URL travels as one segment).
fn percent_decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned()
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
    create: fn(&Ctx<'_>, &[u8]) -> Response,
    update: fn(&Ctx<'_>, PutCode, &[u8]) -> Response,
    read: fn(&Ctx<'_>, PutCode) -> Response,
    delete: fn(&Ctx<'_>, PutCode) -> Response,
    list: fn(&Ctx<'_>) -> Response,
}

/// The handlers for a section's item type.
struct OpsOf;

impl SectionVisitor for OpsOf {
    type Output = Ops;
    fn visit<T: RecordItem>(self) -> Ops {
        Ops { create: create::<T>, update: update::<T>, read: read::<T>, delete: delete::<T>, list: list::<T> }
    }
}

/// The handlers of the section a path segment names (one item's segment, or the list's).
fn find(name: &str, key: fn(Section) -> &'static str) -> Option<Ops> {
    Section::ALL.iter().copied().find(|s| key(*s) == name).map(|s| s.visit(OpsOf))
}

/// A write needs the researcher's token for this record with the section's scope.
fn may_write<T: RecordItem>(ctx: &Ctx<'_>) -> Result<(), Response> {
    let scope = if T::SECTION.is_person() { "/person/update" } else { "/activities/update" };
    if ctx.grant.orcid.as_deref() != Some(ctx.orcid.as_str()) {
        return Err(orcid_error(ctx.answer, 403, 9015, format!("the token is not for record {}", ctx.orcid)));
    }
    needs_scope(ctx, scope)
}

/// The token must have the scope (403, 9005).
pub(crate) fn needs_scope(ctx: &Ctx<'_>, scope: &str) -> Result<(), Response> {
    if ctx.grant.has_scope(scope) { Ok(()) } else { Err(orcid_error(ctx.answer, 403, 9005, format!("the token lacks the scope {scope}"))) }
}

/// Whether the asker sees items of every visibility (the researcher's own token) or only public ones.
fn sees_all(ctx: &Ctx<'_>) -> bool {
    !ctx.public && ctx.grant.orcid.as_deref() == Some(ctx.orcid.as_str())
}

/// Validates a body as ORCID's server does (the same rules, server rules §2-§5).
fn check(form: Format, body: &[u8], kind: orcid_model::Kind, update: bool) -> Checked {
    let options = if update { Options::update() } else { Options::default() };
    match form {
        Format::Xml => check_xml(body, &options),
        Format::Json => check_json(body, kind, &options),
    }
}

/// Reads a body as ORCID's server reads it: the first error ORCID would meet (the validator's
/// verdict) becomes the answer, with its status and ORCID code, after `on_refusal` does what
/// ORCID does on meeting it; otherwise the document, read leniently.
pub(crate) fn read_body<T: Element>(
    answer: Format,
    body_form: Option<Format>,
    body: &[u8],
    update: bool,
    on_refusal: impl FnOnce(&orcid_model::validate::Diagnostic, &Checked),
) -> Result<T, Response> {
    let form = body_form.unwrap_or(Format::Xml);
    let checked = check(form, body, T::KIND, update);
    if let Some(d) = checked.report.verdict() {
        on_refusal(d, &checked);
        let (status, code, message) = refusal(d, form);
        return Err(orcid_error(answer, status, code, message));
    }
    let value = match form {
        Format::Xml => T::from_xml_bytes(body, Mode::Lenient),
        Format::Json => T::from_json_bytes(body, Mode::Lenient),
    };
    // The validator read it; a model that cannot is a bug of ours, named as such.
    value.map_err(|e| orcid_error(answer, 400, 9001, format!("expected a {}: {e}", T::NAME.local)))
}

/// A record item's body, read as ORCID's server reads it.
fn parse_item<T: RecordItem>(ctx: &Ctx<'_>, body: &[u8], update: bool) -> Result<T, Response> {
    read_body(ctx.answer, ctx.body, body, update, |_, _| {})
}

/// ORCID's answer to a problem the validator finds: (status, code, message). An XSD problem
/// in an XML body is 9012 (ORCID's event handler), in JSON 9047.
fn refusal(d: &orcid_model::validate::Diagnostic, form: Format) -> (u16, u16, String) {
    let code = d.orcid_code.unwrap_or(if form == Format::Json { 9047 } else { 9012 });
    (d.status.unwrap_or(400), code, format!("{} (at {}, line {}, column {})", d.message, d.path, d.line, d.column))
}

/// A work's identifiers a later bulk's `self` identifiers may not repeat (all but `part-of`
/// and `funded-by` ones, server rules §5.2 B4); none for other items.
fn bulk_keys<T: RecordItem>(item: &T) -> Vec<IdKey> {
    use orcid_model::vocabulary::Relationship;
    if T::SECTION != Section::Work {
        return Vec::new();
    }
    let ids = item.external_ids().map(|ids| ids.external_ids.as_slice()).unwrap_or_default();
    ids.iter()
        .filter(|id| !matches!(id.external_id_relationship, Some(Relationship::PartOf | Relationship::FundedBy)))
        .map(|id| IdKey::normalised(id.external_id_type.as_str(), &id.external_id_value))
        .collect()
}

/// A peer review's group must be registered (R11). On create an `issn:` group id is stored
/// normalised and ORCID registers the group when missing (R10); on update it must exist.
fn review_group<T: RecordItem>(ctx: &Ctx<'_>, item: &mut T, creating: bool) -> Result<(), Response> {
    let Some(review) = (item as &mut dyn std::any::Any).downcast_mut::<PeerReview>() else { return Ok(()) };
    if creating
        && review.review_group_id.starts_with("issn:")
        && let Some(normalised) = orcid_model::normalise::peer_review_issn_group(&review.review_group_id)
    {
        review.review_group_id = normalised;
    }
    if crate::groups::group_for_review(ctx.state, &review.review_group_id, creating) {
        Ok(())
    } else {
        Err(orcid_error(ctx.answer, 400, 9020, format!("The given group id does not exist in our records: {}", review.review_group_id)))
    }
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

/// After a change to a record: search finds it as it is now, and its webhooks are called.
fn record_changed(ctx: &Ctx<'_>) {
    crate::search::record_changed(ctx.state, &ctx.orcid);
    crate::notices::call_webhooks(ctx.state, &ctx.orcid);
}

pub(crate) fn now() -> DateTime {
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    DateTime::from_epoch_millis(millis)
}

/// The client as ORCID names an item's source (the sandbox's host: the schema wants an
/// orcid.org URI).
pub(crate) fn source_of(ctx: &Ctx<'_>) -> Source {
    let client = ClientId::new()
        .with_uri(format!("https://sandbox.orcid.org/client/{}", ctx.grant.client_id))
        .with_path(ctx.grant.client_id.clone())
        .with_host("sandbox.orcid.org");
    Source::new().with_source_client_id(client).with_source_name(ctx.state.client_name(&ctx.grant.client_id))
}

/// Stores a new item; returns its put-code, or the error answer (duplicate, works cap).
/// In a bulk (`in_bulk`) a work's `self` identifiers are looked up among all identifiers of
/// the source's works, those stored earlier in the same bulk included (server rules §5.2).
///
/// The duplicate check and the insert are one step, under one lock: two concurrent creates of
/// the same item cannot both pass the check.
fn store_new<T: RecordItem>(ctx: &Ctx<'_>, item: T, in_bulk: bool) -> Result<(PutCode, T), orcid_model::error::Error> {
    let keys = duplicate_keys(&item);
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
        record.duplicate_of(T::SECTION, &ctx.grant.client_id, &keys, None)
    };
    if let Some(existing) = duplicate {
        return Err(duplicate_error(T::SECTION, existing));
    }
    if T::SECTION == Section::Work && record.sections.get(&T::SECTION).map_or(0, |s| s.len()) >= 10_000 {
        return Err(error_value(409, 9048, "the record already holds 10,000 works".into()));
    }
    Ok(store_item(ctx.state, record, &ctx.orcid, &ctx.grant.client_id, source_of(ctx), item, keys))
}

/// Stores a new item on a record as ORCID does: a put-code, the source, the dates, the path,
/// and public visibility (on a claimed record the researcher's default applies, not the
/// client's). `client_id` owns it (the record's iD for items the researcher added); `keys`
/// are its duplicate keys.
pub(crate) fn store_item<T: RecordItem>(
    state: &State,
    record: &mut crate::store::Record,
    orcid: &str,
    client_id: &str,
    source: Source,
    mut item: T,
    keys: Vec<DuplicateKey>,
) -> (PutCode, T) {
    let put_code = state.next_put_code();
    let stamp = now();
    item.set_put_code(Some(put_code));
    item.set_visibility(Some(Visibility::Public));
    item.set_stored(Some(source), Some(stamp.clone()), Some(stamp), Some(format!("/{orcid}/{}/{put_code}", T::SECTION.path())));
    record.insert(
        T::SECTION,
        put_code,
        StoredItem {
            client_id: client_id.to_owned(),
            xml: item.to_xml_string(Layout::Compact),
            duplicate_keys: keys,
            bulk_keys: bulk_keys(&item),
            visibility: Some(Visibility::Public),
        },
    );
    (put_code, item)
}

fn create<T: RecordItem>(ctx: &Ctx<'_>, body: &[u8]) -> Response {
    if let Err(r) = may_write::<T>(ctx) {
        return r;
    }
    let mut item: T = match parse_item(ctx, body, false) {
        Ok(item) => item,
        Err(r) => return r,
    };
    if let Err(r) = review_group(ctx, &mut item, true) {
        return r;
    }
    match store_new(ctx, item, false) {
        Ok((put_code, _)) => {
            record_changed(ctx);
            let location = format!("{}/v3.0/{}/{}/{put_code}", ctx.state.base_url, ctx.orcid, T::SECTION.path());
            (StatusCode::CREATED, [(header::LOCATION, location)]).into_response()
        }
        Err(e) => typed(ctx.answer, StatusCode::from_u16(e.response_code as u16).unwrap_or(StatusCode::CONFLICT), &e),
    }
}

/// A stored item, typed, if the asker may see it.
fn stored<T: RecordItem>(ctx: &Ctx<'_>, put_code: PutCode) -> Result<(StoredItem, T), Response> {
    let found = lock(&ctx.state.records).get(&ctx.orcid).and_then(|r| r.sections.get(&T::SECTION)).and_then(|s| s.get(&put_code)).cloned();
    let Some(found) = found.filter(|f| sees_all(ctx) || f.visibility == Some(Visibility::Public)) else {
        return Err(orcid_error(ctx.answer, 404, 9016, format!("no {} with put-code {put_code} in record {}", T::SECTION, ctx.orcid)));
    };
    let item = T::from_xml_str(&found.xml, Mode::Lenient)
        .map_err(|e| orcid_error(ctx.answer, 500, 9001, format!("stored item unreadable: {e}")))?;
    Ok((found, item))
}

fn update<T: RecordItem>(ctx: &Ctx<'_>, put_code: PutCode, body: &[u8]) -> Response {
    if let Err(r) = may_write::<T>(ctx) {
        return r;
    }
    let mut item: T = match parse_item(ctx, body, true) {
        Ok(item) => item,
        Err(r) => return r,
    };
    if let Err(r) = review_group(ctx, &mut item, false) {
        return r;
    }
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
    // The created date stays the old item's.
    let created = old_item.created_date().cloned();
    item.set_visibility(old.visibility.clone());
    item.set_stored(Some(source_of(ctx)), created, Some(now()), Some(format!("/{}/{}/{put_code}", ctx.orcid, T::SECTION.path())));
    let entry = StoredItem {
        client_id: old.client_id,
        xml: item.to_xml_string(Layout::Compact),
        duplicate_keys: keys.clone(),
        bulk_keys: bulk_keys(&item),
        visibility: old.visibility,
    };
    {
        // The duplicate check and the replacement are one step.
        let mut records = lock(&ctx.state.records);
        let Some(record) = records.get_mut(&ctx.orcid) else {
            return orcid_error(ctx.answer, 404, 9016, format!("no record {}", ctx.orcid));
        };
        // ORCID checks duplicates on update too, except for research resources (RR10).
        if T::SECTION != Section::ResearchResource
            && let Some(existing) = record.duplicate_of(T::SECTION, &ctx.grant.client_id, &keys, Some(put_code))
        {
            let e = duplicate_error(T::SECTION, existing);
            return typed(ctx.answer, StatusCode::CONFLICT, &e);
        }
        record.insert(T::SECTION, put_code, entry);
    }
    record_changed(ctx);
    typed(ctx.answer, StatusCode::OK, &item)
}

fn delete<T: RecordItem>(ctx: &Ctx<'_>, put_code: PutCode) -> Response {
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
    record_changed(ctx);
    StatusCode::NO_CONTENT.into_response()
}

fn read<T: RecordItem>(ctx: &Ctx<'_>, put_code: PutCode) -> Response {
    match stored::<T>(ctx, put_code) {
        Ok((_, item)) => typed(ctx.answer, StatusCode::OK, &item),
        Err(r) => r,
    }
}

/// The section's list: person items as they are; activities as summaries grouped by shared
/// `self` identifiers (peer reviews by group id first).
fn list<T: RecordItem>(ctx: &Ctx<'_>) -> Response {
    match summaries::<T>(ctx) {
        Ok(summaries) => typed(ctx.answer, StatusCode::OK, &summaries),
        Err(message) => orcid_error(ctx.answer, 500, 9001, message),
    }
}

/// A value written as an XML fragment, to assemble a list from (its namespaces declared on it).
fn fragment<T: Element>(value: &T) -> String {
    let xml = value.to_xml_string(Layout::Compact);
    match xml.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(xml.clone(), |(_, body)| body.to_owned()),
        None => xml,
    }
}

/// `<prefix:local xmlns:...>` with every ORCID namespace declared, and its end tag.
fn open_list(name: orcid_model::QName) -> (String, String) {
    let mut start = format!("<{name}");
    for ns in Ns::DECLARED {
        start.push_str(&format!(" xmlns:{}=\"{}\"", ns.prefix(), ns.uri()));
    }
    start.push('>');
    (start, format!("</{name}>"))
}

/// The section's summaries, typed: assembled as ORCID's XML from each item's summary and read
/// as the list type.
fn summaries<T: RecordItem>(ctx: &Ctx<'_>) -> Result<T::Summaries, String> {
    let items = visible_items::<T>(ctx);
    let (start, end) = open_list(<T::Summaries as Element>::NAME);
    let mut xml = start;
    let summary = |item: &T| item.to_summary().map(|s| fragment(&s)).map_err(|e| format!("no summary: {e}"));
    if T::SECTION.is_person() {
        for (_, item) in &items {
            xml.push_str(&summary(item)?);
        }
    } else if T::SECTION == Section::PeerReview {
        // By review group id, then by shared `self` identifiers.
        let mut by_group: Vec<(String, Vec<&Keyed<T>>)> = Vec::new();
        for keyed in &items {
            let group = peer_review_group(&keyed.1);
            match by_group.iter_mut().find(|(g, _)| *g == group) {
                Some((_, members)) => members.push(keyed),
                None => by_group.push((group, vec![keyed])),
            }
        }
        for (group_id, members) in by_group {
            let id = orcid_model::common::ExternalId::new(orcid_model::vocabulary::ExternalIdType::from("peer-review"), group_id);
            xml.push_str("<activities:group>");
            xml.push_str(&fragment(&ExternalIds::from(vec![id])));
            let members: Vec<Keyed<&T>> = members.into_iter().map(|(k, item)| (k.clone(), item)).collect();
            for duplicates in group_by_self_ids(&members) {
                xml.push_str("<activities:peer-review-group>");
                xml.push_str(&fragment(&group_ids(&duplicates)));
                for member in duplicates {
                    xml.push_str(&summary(member)?);
                }
                xml.push_str("</activities:peer-review-group>");
            }
            xml.push_str("</activities:group>");
        }
    } else {
        let group =
            if matches!(T::SECTION, Section::Work | Section::Funding | Section::ResearchResource) { "group" } else { "affiliation-group" };
        let members: Vec<Keyed<&T>> = items.iter().map(|(k, item)| (k.clone(), item)).collect();
        for members in group_by_self_ids(&members) {
            xml.push_str(&format!("<activities:{group}>"));
            xml.push_str(&fragment(&group_ids(&members)));
            for member in members {
                xml.push_str(&summary(member)?);
            }
            xml.push_str(&format!("</activities:{group}>"));
        }
    }
    xml.push_str(&end);
    T::Summaries::from_xml_str(&xml, Mode::Lenient).map_err(|e| format!("could not build /{}: {e}", T::SECTION.list_path()))
}

/// A peer review's group id (other items have none).
fn peer_review_group<T: RecordItem>(item: &T) -> String {
    let xml = item.to_xml_string(Layout::Compact);
    PeerReview::from_xml_str(&xml, Mode::Lenient).map(|r| r.review_group_id).unwrap_or_default()
}

/// `/activities`: every activity section's summaries.
fn activities(ctx: &Ctx<'_>) -> Result<ActivitiesSummary, String> {
    use orcid_model::*;
    Ok(ActivitiesSummary::new()
        .with_path(format!("/{}/activities", ctx.orcid))
        .with_distinctions(summaries::<distinction::Distinction>(ctx)?)
        .with_educations(summaries::<education::Education>(ctx)?)
        .with_employments(summaries::<employment::Employment>(ctx)?)
        .with_fundings(summaries::<funding::Funding>(ctx)?)
        .with_invited_positions(summaries::<invited_position::InvitedPosition>(ctx)?)
        .with_memberships(summaries::<membership::Membership>(ctx)?)
        .with_peer_reviews(summaries::<peer_review::PeerReview>(ctx)?)
        .with_qualifications(summaries::<qualification::Qualification>(ctx)?)
        .with_research_resources(summaries::<research_resource::ResearchResource>(ctx)?)
        .with_services(summaries::<service::Service>(ctx)?)
        .with_works(summaries::<work::Work>(ctx)?))
}

/// `/person`: the record holder's name and the person sections (the emulator keeps no
/// biography or emails).
fn person(ctx: &Ctx<'_>) -> Result<Person, String> {
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
    record.orcid_identifier = Some(
        OrcidIdentifier::new()
            .with_uri(format!("https://sandbox.orcid.org/{}", ctx.orcid))
            .with_path(ctx.orcid.clone())
            .with_host("sandbox.orcid.org"),
    );
    record.person = Some(person(ctx)?);
    record.activities_summary = Some(activities(ctx)?);
    Ok(record)
}

/// The section's items the asker may see, with their duplicate keys.
fn visible_items<T: RecordItem>(ctx: &Ctx<'_>) -> Vec<Keyed<T>> {
    let records = lock(&ctx.state.records);
    let Some(section) = records.get(&ctx.orcid).and_then(|r| r.sections.get(&T::SECTION)) else {
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
fn group_ids<T: RecordItem>(members: &[&&T]) -> ExternalIds {
    let mut ids = ExternalIds::new();
    let mut seen = HashSet::new();
    for id in members.iter().flat_map(|m| m.self_external_ids()) {
        if seen.insert(IdKey::normalised(id.external_id_type.as_str(), &id.external_id_value)) {
            ids.external_ids.push(id.clone());
        }
    }
    ids
}

/// GET `/{orcid}/works/{pc,pc,...}`: found works first, then a 9034 error per missing put-code.
fn read_works(ctx: &Ctx<'_>, codes: &str) -> Response {
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
        match stored::<Work>(ctx, pc) {
            Ok((_, work)) => found.push(BulkItem::Work(work)),
            Err(_) => missing.push(BulkItem::Error(error_value(400, 9034, format!("invalid put-code {pc}")))),
        }
    }
    found.extend(missing);
    typed(ctx.answer, StatusCode::OK, &Bulk::from(found))
}

/// POST `/{orcid}/works` with a bulk: each work stored or answered by an error, in order
/// (server rules §5.2). What fails the whole request (reading the body, more than 100 works)
/// is answered as an error.
fn bulk_create(ctx: &Ctx<'_>, body: &[u8]) -> Response {
    if let Err(r) = may_write::<Work>(ctx) {
        return r;
    }
    let form = ctx.body.unwrap_or(Format::Xml);
    let checked = check(form, body, orcid_model::Kind::Bulk, false);
    if let Some(d) = checked.report.verdict() {
        let (status, code, message) = refusal(d, form);
        return orcid_error(ctx.answer, status, code, message);
    }
    if !matches!(checked.document, Some(orcid_model::Document::Bulk(_))) {
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
            (None, Some(work)) => match store_new(ctx, work.clone(), true) {
                Ok((_, stored)) => out.push(BulkItem::Work(stored)),
                Err(e) => out.push(BulkItem::Error(e)),
            },
            (None, None) => out.push(BulkItem::Error(error_value(400, 9001, "this entry could not be read as a work".into()))),
        }
    }
    let stored_some = out.iter().any(|i| matches!(i, BulkItem::Work(_)));
    if stored_some {
        record_changed(ctx);
    }
    let mut response = typed(ctx.answer, StatusCode::OK, &Bulk::from(out));
    if stored_some {
        response.extensions_mut().insert(StoredSome);
    }
    response
}
