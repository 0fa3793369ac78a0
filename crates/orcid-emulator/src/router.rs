//! The top of the emulator: the routes, and what stands in front of every member API request
//! (the rate limit, injected faults, reading the body) before a handler of one feature
//! answers it. Only this module and the crate root know every feature.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, Request, State as Shared};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use orcid_model::items::Section;
use orcid_model::{Format, PutCode};

use crate::http::{Ctx, DropConnection, answer_format, orcid_error, percent_decode, service_unavailable};
use crate::items::StoredSome;
use crate::search::Search;
use crate::state::{Grant, State, lock};
use crate::{groups, items, notices, oauth};

/// What the handlers share: the state, and the search feature's index.
#[derive(Clone)]
pub(crate) struct App {
    pub state: Arc<State>,
    pub search: Arc<Search>,
}

impl FromRef<App> for Arc<State> {
    fn from_ref(app: &App) -> Arc<State> {
        app.state.clone()
    }
}

/// The largest request body read: a bulk of 100 works with 50 contributors each is under
/// 5 MiB.
const MAX_BODY_BYTES: usize = 32 << 20;

pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route("/oauth/authorize", get(oauth::authorize))
        .route("/oauth/token", post(oauth::token))
        // The public API's host issues /read-public tokens too (pub.orcid.org/oauth/token).
        .route("/pub/oauth/token", post(oauth::token))
        .route("/oauth/revoke", post(oauth::revoke))
        .fallback(member_api)
        .with_state(app)
}

/// Everything under `/v3.0`: the rate limit and faults first, as a proxy in front would.
async fn member_api(Shared(app): Shared<App>, request: Request) -> Response {
    let state = &app.state;
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
    let write = matches!(parts.method, Method::POST | Method::PUT | Method::DELETE) && parts.uri.path().starts_with("/v3.0/");
    if write && state.locked.hit(faults.locked) {
        return orcid_error(early_answer(&parts.headers), 409, 9018, "The record is locked: it is being changed; try again later");
    }
    // The body's share of the memory budget first: a body that would pass it waits for
    // others to be answered (one without a length is counted at the largest allowed).
    let declared = parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    let chunked = parts.headers.contains_key(header::TRANSFER_ENCODING);
    let held = declared.unwrap_or(if chunked { MAX_BODY_BYTES } else { 0 }).min(MAX_BODY_BYTES);
    let _budget = if held == 0 {
        None
    } else {
        let permits = crate::state::body_permits(held).min(crate::state::body_permits(state.config.max_body_memory));
        match state.body_budget.clone().acquire_many_owned(u32::try_from(permits).unwrap_or(u32::MAX)).await {
            Ok(permit) => Some(permit),
            Err(_) => return service_unavailable(),
        }
    };
    state.hold_body(held as u64);
    let _release = Release { state: state.clone(), bytes: held as u64 };
    let body = match axum::body::to_bytes(Body::new(body), MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(e) => {
            let form = early_answer(&parts.headers);
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
    let response = handle(&app, &parts.method, parts.uri.path(), parts.uri.query().unwrap_or(""), &parts.headers, &body);
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

fn handle(app: &App, method: &Method, path: &str, query: &str, headers: &HeaderMap, body: &[u8]) -> Response {
    let state = &*app.state;
    // The public API (`pub.orcid.org`) is served under `/pub`: reads only, a token optional,
    // public data only.
    let (public, path) = match path.strip_prefix("/pub/") {
        Some(_) => (true, &path["/pub".len()..]),
        None => (false, path),
    };
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("*/*");
    let csv = path.trim_end_matches('/') == "/v3.0/csv-search";
    // CSV search answers its errors in XML whatever is accepted.
    let Some(answer) = answer_format(accept).or(csv.then_some(Format::Xml)) else {
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
        return crate::search::handle(state, &app.search, kind, query, answer, credentials);
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
        return groups::handle(groups::Request { state, grant: &grant, method, rest: segments, query, body, answer, body_form });
    }
    if state.user(orcid).is_none() {
        return orcid_error(answer, 404, 9016, format!("no record with ORCID iD {orcid}"));
    }
    let ctx = Ctx { state, orcid: orcid.to_string(), grant, answer, body: body_form, public };
    match (method.clone(), segments) {
        (Method::POST, ["notification-permission"]) => notices::create_notification(&ctx, body),
        (m @ (Method::GET | Method::DELETE), ["notification-permission", code]) => match code.parse::<PutCode>() {
            Ok(pc) => notices::notification(&ctx, pc, m == Method::DELETE),
            Err(_) => orcid_error(answer, 400, 9034, format!("invalid put-code {code}")),
        },
        (m @ (Method::PUT | Method::DELETE), ["webhook", url]) => {
            let url = percent_decode(url);
            notices::webhook(&ctx, &url, m == Method::PUT)
        }
        (Method::POST, ["works"]) => items::bulk_create(&ctx, body),
        (Method::GET, ["works", codes]) => items::read_works(&ctx, codes),
        (Method::POST, [section]) => match section_at(section, Section::path) {
            Some(section) => items::create(&ctx, section, body),
            None => orcid_error(answer, 404, 9016, format!("no section {section} to write to")),
        },
        (Method::GET, ["activities"]) => items::activities(&ctx),
        (Method::GET, ["person"]) => items::person(&ctx),
        (Method::GET, ["record"]) => items::record(&ctx),
        (Method::GET, [list]) => match section_at(list, Section::list_path) {
            Some(section) => items::list(&ctx, section),
            None => orcid_error(answer, 404, 9016, format!("the emulator does not serve /{list}")),
        },
        (m @ (Method::GET | Method::PUT | Method::DELETE), [segment, code]) => {
            let Some(section) = section_at(segment, Section::path) else {
                return orcid_error(answer, 404, 9016, format!("no section {segment}"));
            };
            let Ok(put_code) = code.parse::<PutCode>() else {
                return orcid_error(answer, 400, 9034, format!("invalid put-code {code}"));
            };
            match m {
                Method::GET => items::read(&ctx, section, put_code),
                Method::PUT => items::update(&ctx, section, put_code, body),
                _ => items::delete(&ctx, section, put_code),
            }
        }
        _ => orcid_error(answer, 405, 9001, format!("{method} {path} is not part of the member API")),
    }
}

/// The form of an answer given before the request is negotiated (a fault, a body refused):
/// as `Accept` asks, XML when it asks for neither.
fn early_answer(headers: &HeaderMap) -> Format {
    answer_format(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("")).unwrap_or(Format::Xml)
}

/// Lets a body's bytes go when its request is answered.
struct Release {
    state: std::sync::Arc<State>,
    bytes: u64,
}

impl Drop for Release {
    fn drop(&mut self) {
        self.state.release_body(self.bytes);
    }
}

/// The section a path segment names (one item's segment, or the list's).
fn section_at(name: &str, key: fn(Section) -> &'static str) -> Option<Section> {
    Section::ALL.iter().copied().find(|s| key(*s) == name)
}
