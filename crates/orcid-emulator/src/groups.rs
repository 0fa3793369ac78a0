//! `/v3.0/group-id-record`: the registry of peer-review group ids, as ORCID keeps it (server
//! rules §5.8): group ids unique ignoring case and surrounding space, each owned by the client
//! that created it, and `issn:` groups created by ORCID itself.

// A handler's early answer is its error, as in `http.rs`.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use orcid_model::PutCode;
use orcid_model::group_id::{GroupIdRecord, GroupIdRecords};
use orcid_model::normalise::is_issn_for_group;

use crate::http::{orcid_error, typed};
use crate::state::{Grant, State, lock};
use orcid_model::Format;

/// The largest page ORCID gives of the registry.
const MAX_PAGE_SIZE: i64 = 100;

/// One request under `/v3.0/group-id-record`.
pub(crate) struct Request<'a> {
    pub state: &'a State,
    pub grant: &'a Grant,
    pub method: &'a Method,
    /// The path after `group-id-record`.
    pub rest: &'a [&'a str],
    pub query: &'a str,
    pub body: &'a [u8],
    pub answer: Format,
    pub body_form: Option<Format>,
}

/// The requests under `/v3.0/group-id-record`.
pub(crate) fn handle(r: Request<'_>) -> Response {
    let Request { state, grant, method, rest, query, body, answer, body_form } = r;
    let read = grant.has_scope("/group-id-record/read") || grant.has_scope("/group-id-record/update");
    let write = grant.has_scope("/group-id-record/update");
    match (method.clone(), rest) {
        (Method::GET, []) if read => search(state, query, answer),
        (Method::GET, [code]) if read => match code.parse::<PutCode>() {
            Ok(pc) => match lock(&state.groups).records.get(&pc) {
                Some((_, r)) => typed(answer, StatusCode::OK, r),
                None => orcid_error(answer, 400, 9026, format!("no group-id record with put-code {pc}")),
            },
            Err(_) => orcid_error(answer, 400, 9034, format!("invalid put-code {code}")),
        },
        (Method::POST, []) if write => create(state, grant, body, answer, body_form),
        (Method::PUT, [code]) if write => match code.parse::<PutCode>() {
            Ok(pc) => update(state, grant, pc, body, answer, body_form),
            Err(_) => orcid_error(answer, 400, 9034, format!("invalid put-code {code}")),
        },
        (Method::DELETE, [code]) if write => match code.parse::<PutCode>() {
            Ok(pc) => {
                let mut groups = lock(&state.groups);
                match groups.records.get(&pc) {
                    None => orcid_error(answer, 400, 9026, format!("no group-id record with put-code {pc}")),
                    Some((owner, _)) if *owner != grant.client_id => {
                        orcid_error(answer, 403, 9010, "only the group's source may delete it")
                    }
                    Some(_) => {
                        groups.records.remove(&pc);
                        StatusCode::NO_CONTENT.into_response()
                    }
                }
            }
            Err(_) => orcid_error(answer, 400, 9034, format!("invalid put-code {code}")),
        },
        (Method::GET | Method::POST | Method::PUT | Method::DELETE, _) if !read => {
            orcid_error(answer, 403, 9005, "the token lacks the scope /group-id-record/read or /group-id-record/update")
        }
        (Method::POST | Method::PUT | Method::DELETE, _) => {
            orcid_error(answer, 403, 9005, "the token lacks the scope /group-id-record/update")
        }
        _ => orcid_error(answer, 405, 9001, format!("{method} /group-id-record/{} is not part of the member API", rest.join("/"))),
    }
}

/// `?group-id=`, `?name=`, or a page of the registry (`?page-size=&page=`, pages from 1).
fn search(state: &State, query: &str, answer: Format) -> Response {
    let params: BTreeMap<String, String> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let mut groups = lock(&state.groups);
    if let Some(group_id) = params.get("group-id") {
        // An unregistered ISSN group is created on the spot, as ORCID does; nothing found is
        // an empty record (200), as ORCID answers.
        return match groups.find(group_id).cloned() {
            Some(r) => typed(answer, StatusCode::OK, &r),
            None if group_id.starts_with("issn:") && is_issn_for_group(group_id.trim_start_matches("issn:")) => {
                let r = groups.create_issn_group(state, group_id);
                typed(answer, StatusCode::OK, &r)
            }
            None => empty_record(answer),
        };
    }
    if let Some(name) = params.get("name") {
        return match groups.records.values().map(|(_, r)| r).find(|r| r.name == *name) {
            Some(r) => typed(answer, StatusCode::OK, r),
            None => empty_record(answer),
        };
    }
    let page_size = params.get("page-size").and_then(|p| p.parse::<i64>().ok()).unwrap_or(MAX_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
    let page = params.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1).max(1);
    let total = groups.records.len() as i64;
    let skip = usize::try_from((page - 1) * page_size).unwrap_or(usize::MAX);
    let records: Vec<GroupIdRecord> = groups.records.values().map(|(_, r)| r.clone()).skip(skip).take(page_size as usize).collect();
    let mut list = GroupIdRecords::new(total, page, page_size);
    list.group_id_records = records;
    typed(answer, StatusCode::OK, &list)
}

/// What ORCID answers when nothing matches: a record with nothing in it.
fn empty_record(answer: Format) -> Response {
    let body = match answer {
        Format::Xml => "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<group-id:group-id-record xmlns:group-id=\"http://www.orcid.org/ns/group-id\"/>\n".to_owned(),
        Format::Json => "{}".to_owned(),
    };
    (StatusCode::OK, [(header::CONTENT_TYPE, answer.media_type())], body).into_response()
}

/// Reads and validates a body as ORCID does (G1-G3), or the answer refusing it.
fn read_body(state: &State, body: &[u8], answer: Format, body_form: Option<Format>, update: bool) -> Result<GroupIdRecord, Response> {
    let mut record: GroupIdRecord = crate::http::read_body(answer, body_form, body, update, |d, checked| {
        // G1: ORCID creates an `issn:` group itself (when the ISSN portal knows it), then
        // answers that it exists.
        if d.rule == "G1" && d.orcid_code == Some(9025) {
            let group_id = match checked.document.as_ref() {
                Some(orcid_model::Document::GroupIdRecord(r)) => r.group_id.clone(),
                _ => String::new(),
            };
            lock(&state.groups).create_issn_group(state, &group_id);
        }
    })?;
    // ORCID drops control characters from the name.
    record.name = record.name.chars().filter(|c| !c.is_control()).collect();
    Ok(record)
}

fn create(state: &State, grant: &Grant, body: &[u8], answer: Format, body_form: Option<Format>) -> Response {
    let mut record = match read_body(state, body, answer, body_form, false) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let mut groups = lock(&state.groups);
    if groups.taken_by_another(&record.group_id, None) {
        return orcid_error(answer, 409, 9025, format!("the group id {} exists", record.group_id));
    }
    let put_code = state.next_put_code();
    record.put_code = Some(put_code);
    groups.records.insert(put_code, (grant.client_id.clone(), record));
    let location = format!("{}/v3.0/group-id-record/{put_code}", state.base_url);
    (StatusCode::CREATED, [(header::LOCATION, location)]).into_response()
}

fn update(state: &State, grant: &Grant, put_code: PutCode, body: &[u8], answer: Format, body_form: Option<Format>) -> Response {
    let mut record = match read_body(state, body, answer, body_form, true) {
        Ok(r) => r,
        Err(r) => return r,
    };
    if record.put_code != Some(put_code) {
        return orcid_error(answer, 400, 9019, format!("the body's put-code is not the URL's ({put_code})"));
    }
    let mut groups = lock(&state.groups);
    let Some((owner, _)) = groups.records.get(&put_code) else {
        return orcid_error(answer, 400, 9026, format!("no group-id record with put-code {put_code}"));
    };
    let owner = owner.clone();
    // G4 before G6, as ORCID checks them.
    if groups.taken_by_another(&record.group_id, Some(put_code)) {
        return orcid_error(answer, 409, 9025, format!("the group id {} exists", record.group_id));
    }
    if owner != grant.client_id {
        return orcid_error(answer, 403, 9010, "only the group's source may change it");
    }
    record.put_code = Some(put_code);
    groups.records.insert(put_code, (owner, record.clone()));
    typed(answer, StatusCode::OK, &record)
}
