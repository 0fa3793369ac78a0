//! Permission notifications (`/{orcid}/notification-permission`, scope
//! `/premium-notification`) and webhooks (`/{orcid}/webhook/{url}`, scope `/webhook`): stored
//! per record; a webhook is called (an empty POST) when its record changes.

// A handler's early answer is its error, as in `http.rs`.
#![allow(clippy::result_large_err)]

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use orcid_model::PutCode;
use orcid_model::notification::NotificationPermission;

use crate::http::{Ctx, needs_scope, orcid_error, source_of, typed};
use crate::state::{State, lock, now};

/// POST: a notification asking the researcher for permission (server rules §5.9).
pub(crate) fn create_notification(ctx: &Ctx<'_>, body: &[u8]) -> Response {
    if let Err(r) = needs_scope(ctx, "/premium-notification") {
        return r;
    }
    let mut notification: NotificationPermission = match crate::http::read_body(ctx.answer, ctx.body, body, false, |_, _| {}) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let put_code = ctx.state.next_put_code();
    let stamp = now();
    notification.put_code = Some(put_code);
    notification.created_date = Some(stamp.clone());
    notification.sent_date = Some(stamp);
    notification.source = Some(Box::new(source_of(ctx)));
    lock(&ctx.state.notices)
        .entry(ctx.orcid.clone())
        .or_default()
        .notifications
        .insert(put_code, (ctx.grant.client_id.clone(), notification));
    let location = format!("{}/v3.0/{}/notification-permission/{put_code}", ctx.state.base_url, ctx.orcid);
    (StatusCode::CREATED, [(header::LOCATION, location)]).into_response()
}

/// GET (`archive` false) or DELETE (`archive` true: the notification is archived, not removed,
/// and answered as it is now). Only the client that sent it may read (403, 9004) or archive
/// it (403, 9010); an unknown put-code is 404, 9029.
pub(crate) fn notification(ctx: &Ctx<'_>, put_code: PutCode, archive: bool) -> Response {
    if let Err(r) = needs_scope(ctx, "/premium-notification") {
        return r;
    }
    let mut notices = lock(&ctx.state.notices);
    let Some((client, n)) = notices.get_mut(&ctx.orcid).and_then(|n| n.notifications.get_mut(&put_code)) else {
        return orcid_error(ctx.answer, 404, 9029, format!("no notification {put_code} on record {}", ctx.orcid));
    };
    if *client != ctx.grant.client_id {
        let (status, code) = if archive { (403, 9010) } else { (403, 9004) };
        return orcid_error(ctx.answer, status, code, format!("This notification does not belong to {}", ctx.grant.client_id));
    }
    if archive && n.archived_date.is_none() {
        n.archived_date = Some(now());
    }
    typed(ctx.answer, StatusCode::OK, &*n)
}

/// PUT or DELETE `/{orcid}/webhook/{uri}`. PUT answers 201 when registered, 204 when the
/// record already had that URI (whoever registered it); DELETE answers 204, 404 (9028) when
/// there is no such webhook, 403 (9014) when another client registered it.
pub(crate) fn webhook(ctx: &Ctx<'_>, uri: &str, register: bool) -> Response {
    if let Err(r) = needs_scope(ctx, "/webhook") {
        return r;
    }
    // ORCID checks only that the text parses as a URI (relative ones too).
    if uri.is_empty() || uri.chars().any(|c| c.is_control() || c.is_whitespace() || "\"<>\\^`{|}".contains(c)) {
        return orcid_error(ctx.answer, 400, 9012, format!("Invalid webhook URI: {uri}"));
    }
    let mut notices = lock(&ctx.state.notices);
    let webhooks = &mut notices.entry(ctx.orcid.clone()).or_default().webhooks;
    if register {
        if webhooks.contains_key(uri) {
            return StatusCode::NO_CONTENT.into_response();
        }
        webhooks.insert(uri.to_string(), ctx.grant.client_id.clone());
        let encoded: String = url::form_urlencoded::byte_serialize(uri.as_bytes()).collect();
        let location = format!("{}/{}/webhook/{encoded}", ctx.state.base_url, ctx.orcid);
        return (StatusCode::CREATED, [(header::LOCATION, location)]).into_response();
    }
    match webhooks.get(uri) {
        None => orcid_error(ctx.answer, 404, 9028, format!("no webhook {uri} on record {}", ctx.orcid)),
        Some(client) if *client != ctx.grant.client_id => {
            orcid_error(ctx.answer, 403, 9014, "Unable to unregister webhook: only the client that registered it can unregister it.")
        }
        Some(_) => {
            webhooks.remove(uri);
            StatusCode::NO_CONTENT.into_response()
        }
    }
}

/// Calls a record's webhooks whenever it changes, from now on.
pub(crate) fn watch(state: &State) {
    state.on_record_changed(call_webhooks);
}

/// Calls each webhook of a record that changed: an empty POST, as ORCID sends it (ORCID
/// gathers changes for five minutes; the emulator calls at once, so tests can watch).
fn call_webhooks(state: &State, orcid: &str) {
    let urls: Vec<String> = lock(&state.notices).get(orcid).map(|n| n.webhooks.keys().cloned().collect()).unwrap_or_default();
    for url in urls {
        tokio::spawn(async move {
            if let Err(e) = post_empty(&url).await {
                tracing::warn!(url = %url, error = %e, "webhook call failed");
            }
        });
    }
}

/// An empty HTTP/1.1 POST to an `http://` URL, answered with any status (the emulator's
/// callbacks run on loopback; HTTPS callbacks are left to ORCID).
async fn post_empty(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| e.to_string())?;
    if parsed.scheme() != "http" {
        return Err("the emulator calls http:// webhooks only".into());
    }
    let host = parsed.host_str().unwrap_or("localhost");
    let port = parsed.port_or_known_default().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host, port)).await.map_err(|e| e.to_string())?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let request = hyper::Request::post(&parsed[url::Position::BeforePath..])
        .header(header::HOST, format!("{host}:{port}"))
        .body(http_body_util::Empty::<hyper::body::Bytes>::new())
        .map_err(|e| e.to_string())?;
    sender.send_request(request).await.map(drop).map_err(|e| e.to_string())
}
