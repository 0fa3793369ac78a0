//! `/oauth/authorize`, `/oauth/token` and `/oauth/revoke`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as Shared;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::{PendingCode, State, lock, random_token};

/// Scopes a client-credentials token may have.
const CLIENT_SCOPES: &[&str] = &["/read-public", "/webhook", "/group-id-record/update", "/group-id-record/read", "/premium-notification"];

fn form(bytes: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], json!({"error": error, "error_description": description}).to_string())
        .into_response()
}

/// The researcher "signs in" (the first configured user, or `orcid=` in the query) and
/// approves at once: a redirect to `redirect_uri` with a code.
pub(crate) async fn authorize(Shared(state): Shared<Arc<State>>, uri: Uri) -> Response {
    let query = form(uri.query().unwrap_or("").as_bytes());
    let get = |k: &str| query.get(k).cloned().unwrap_or_default();
    let client_id = get("client_id");
    if !state.config.clients.iter().any(|c| c.id == client_id) {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_client", &format!("Client not found: {client_id}"));
    }
    if get("response_type") != "code" {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_response_type", "response_type must be code");
    }
    let redirect_uri = get("redirect_uri");
    let Ok(mut target) = url::Url::parse(&redirect_uri) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "redirect_uri must be a URL");
    };
    let orcid = match query.get("orcid") {
        Some(o) => o.clone(),
        None => match state.config.users.first() {
            Some(u) => u.orcid.clone(),
            None => return oauth_error(StatusCode::BAD_REQUEST, "access_denied", "no researcher to sign in"),
        },
    };
    if state.user(&orcid).is_none() {
        return oauth_error(StatusCode::BAD_REQUEST, "access_denied", &format!("no record {orcid}"));
    }
    let code = random_token()[..6].to_string();
    lock(&state.codes).insert(code.clone(), PendingCode { client_id, orcid, scopes: get("scope"), redirect_uri });
    target.query_pairs_mut().append_pair("code", &code);
    if let Some(s) = query.get("state") {
        target.query_pairs_mut().append_pair("state", s);
    }
    (StatusCode::FOUND, [(header::LOCATION, target.to_string())]).into_response()
}

pub(crate) async fn token(Shared(state): Shared<Arc<State>>, body: Bytes) -> Response {
    let f = form(&body);
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let client_id = get("client_id");
    if !state.config.clients.iter().any(|c| c.id == client_id && c.secret == get("client_secret")) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Bad client credentials");
    }
    let answer = |access: String, refresh: Option<String>, scopes: &str, orcid: Option<&str>| {
        let mut body = json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": 631138518u64,
            "scope": scopes,
        });
        if let Some(refresh) = refresh {
            body["refresh_token"] = json!(refresh);
        }
        if let Some(orcid) = orcid {
            body["orcid"] = json!(orcid);
            body["name"] = json!(state.user(orcid).map(|u| u.name.clone()));
        }
        ([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
    };
    match get("grant_type").as_str() {
        "authorization_code" => {
            let pending = lock(&state.codes).remove(&get("code"));
            match pending {
                Some(p) if p.client_id == client_id && p.redirect_uri == get("redirect_uri") => {
                    let (access, refresh) = state.issue(&client_id, Some(&p.orcid), &p.scopes);
                    answer(access, refresh, &p.scopes, Some(&p.orcid))
                }
                _ => oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Invalid authorization code"),
            }
        }
        "client_credentials" => {
            let scope = get("scope");
            if scope.split_whitespace().all(|s| CLIENT_SCOPES.contains(&s)) && !scope.is_empty() {
                let (access, _) = state.issue(&client_id, None, &scope);
                answer(access, None, &scope, None)
            } else {
                oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", &format!("Invalid scope: {scope}"))
            }
        }
        "refresh_token" => {
            let old_access = lock(&state.refresh_tokens).get(&get("refresh_token")).cloned();
            let old = old_access.as_ref().and_then(|a| lock(&state.tokens).get(a).cloned());
            let Some(old) = old.filter(|g| g.client_id == client_id) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Invalid refresh token");
            };
            let scopes = match f.get("scope") {
                Some(s) if s.split_whitespace().all(|x| old.has_scope(x)) => s.clone(),
                Some(s) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", &format!("Invalid scope: {s}")),
                None => old.scopes.join(" "),
            };
            if get("revoke_old") == "true"
                && let Some(a) = &old_access
            {
                lock(&state.tokens).remove(a);
            }
            let (access, refresh) = state.issue(&client_id, old.orcid.as_deref(), &scopes);
            answer(access, refresh, &scopes, old.orcid.as_deref())
        }
        other => oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", &format!("Unsupported grant type: {other}")),
    }
}

pub(crate) async fn revoke(Shared(state): Shared<Arc<State>>, body: Bytes) -> Response {
    let f = form(&body);
    let client_id = f.get("client_id").cloned().unwrap_or_default();
    if !state.config.clients.iter().any(|c| Some(&c.id) == f.get("client_id") && Some(&c.secret) == f.get("client_secret")) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Bad client credentials");
    }
    let token = f.get("token").cloned().unwrap_or_default();
    let mut tokens = lock(&state.tokens);
    if tokens.get(&token).is_some_and(|g| g.client_id == client_id) {
        tokens.remove(&token);
    }
    StatusCode::OK.into_response()
}
