//! The HTTP kit every handler uses: who asks and in which format ([`Ctx`]), answers in
//! ORCID's shapes (its error body, typed bodies), reading a body as ORCID's server reads it,
//! and the checks of scope and visibility. It knows the state, and no handler.

// A handler's early answer is its error; boxing every one would only add noise.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use orcid_model::common::{ClientId, Source};
use orcid_model::items::Section;
use orcid_model::validate::{Checked, Diagnostic, Options, check_json, check_xml};
use orcid_model::{Document, Element, Format, Kind, Mode, WriteOptions};
use tokio::sync::Notify;

use crate::state::{Grant, State};

/// A handle a handler uses to drop its connection without answering.
#[derive(Clone)]
pub(crate) struct DropConnection(pub(crate) Arc<Notify>);

impl DropConnection {
    /// Closes the connection; the handler then never answers.
    pub(crate) async fn drop_now(&self) -> ! {
        self.0.notify_one();
        std::future::pending().await
    }
}

/// One request's context: who asks, for which record, in which form.
pub(crate) struct Ctx<'a> {
    pub state: &'a State,
    pub orcid: String,
    pub grant: Grant,
    /// The format of the answer (from `Accept`).
    pub answer: Format,
    /// The format of the body (from `Content-Type`).
    pub body: Option<Format>,
    /// Asked through the public API: public data only.
    pub public: bool,
}

/// The answer's format from an `Accept` header: JSON when asked for, XML when asked for or
/// anything goes (ORCID's default), `None` for what ORCID cannot answer in.
pub(crate) fn answer_format(accept: &str) -> Option<Format> {
    if accept.contains("json") {
        Some(Format::Json)
    } else if accept.contains("xml") || accept.contains("*/*") {
        Some(Format::Xml)
    } else {
        None
    }
}

/// How answers are written: XML indented, JSON compact, as ORCID sends them.
fn answer_options(answer: Format) -> WriteOptions {
    match answer {
        Format::Xml => WriteOptions::read().indented(),
        Format::Json => WriteOptions::read().compact(),
    }
}

/// An answer in ORCID's error shape.
pub(crate) fn orcid_error(answer: Format, status: u16, code: u16, message: impl Into<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let error = error_value(status.as_u16(), code, message.into());
    typed(answer, status, &error)
}

/// ORCID's error body.
pub(crate) fn error_value(status: u16, code: u16, message: String) -> orcid_model::error::Error {
    let reason = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
    orcid_model::error::Error::new(i32::from(status), format!("{status} {reason}: {message}"))
        .with_user_message(message)
        .with_error_code(i64::from(code))
        .with_more_info("https://info.orcid.org/documentation/api-tutorials/troubleshooting-orcid-api-errors/")
}

/// An error body as the answer, with its own status.
pub(crate) fn error_answer(answer: Format, error: &orcid_model::error::Error) -> Response {
    typed(answer, StatusCode::from_u16(error.response_code as u16).unwrap_or(StatusCode::CONFLICT), error)
}

/// A typed value as the answer's body.
pub(crate) fn typed<T: Element>(answer: Format, status: StatusCode, value: &T) -> Response {
    body(answer, status, value.to_text(answer, answer_options(answer)))
}

/// A document as the answer's body.
pub(crate) fn document(answer: Format, status: StatusCode, value: &Document) -> Response {
    body(answer, status, value.to_text(answer, answer_options(answer)))
}

fn body(answer: Format, status: StatusCode, text: String) -> Response {
    (status, [(header::CONTENT_TYPE, answer.media_type())], text).into_response()
}

/// What a proxy in front of ORCID answers when it is overloaded.
pub(crate) fn service_unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html")],
        "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
    )
        .into_response()
}

/// Validates a body as ORCID's server does (the same rules, server rules §2-§5).
pub(crate) fn check(form: Format, body: &[u8], kind: Kind, update: bool) -> Checked {
    let options = if update { Options::update() } else { Options::default() };
    match form {
        Format::Xml => check_xml(body, &options),
        Format::Json => check_json(body, kind, &options),
    }
}

/// ORCID's answer to a problem the validator finds: (status, code, message). An XSD problem
/// in an XML body is 9012 (ORCID's event handler), in JSON 9047.
pub(crate) fn refusal(d: &Diagnostic, form: Format) -> (u16, u16, String) {
    let code = d.orcid_code.unwrap_or(if form == Format::Json { 9047 } else { 9012 });
    (d.status.unwrap_or(400), code, format!("{} (at {}, line {}, column {})", d.message, d.path, d.line, d.column))
}

/// The validator's verdict on a body of `kind`: the first error ORCID would meet becomes the
/// answer, with its status and ORCID code, after `on_refusal` does what ORCID does on
/// meeting it.
fn admit(
    answer: Format,
    form: Format,
    body: &[u8],
    kind: Kind,
    update: bool,
    on_refusal: impl FnOnce(&Diagnostic, &Checked),
) -> Result<(), Response> {
    let checked = check(form, body, kind, update);
    match checked.report.verdict() {
        Some(d) => {
            on_refusal(d, &checked);
            let (status, code, message) = refusal(d, form);
            Err(orcid_error(answer, status, code, message))
        }
        None => Ok(()),
    }
}

/// Reads a body of `kind` as ORCID's server reads it: refused as [`admit`] says, else the
/// document, read leniently.
pub(crate) fn read_document(
    answer: Format,
    body_form: Option<Format>,
    body: &[u8],
    kind: Kind,
    update: bool,
) -> Result<Document, Response> {
    let form = body_form.unwrap_or(Format::Xml);
    admit(answer, form, body, kind, update, |_, _| {})?;
    let expected = || format!("expected a {}", kind.as_str());
    // The validator read it; a model that cannot is a bug of ours, named as such.
    match Document::from_text(body, form, kind, Mode::Lenient) {
        Ok(doc) if doc.kind() == kind => Ok(doc),
        Ok(doc) => Err(orcid_error(answer, 400, 9001, format!("{}, not a {}", expected(), doc.kind().as_str()))),
        Err(e) => Err(orcid_error(answer, 400, 9001, format!("{}: {e}", expected()))),
    }
}

/// [`read_document`] for a body of one type, with what ORCID does on a refusal.
pub(crate) fn read_body<T: Element>(
    answer: Format,
    body_form: Option<Format>,
    body: &[u8],
    update: bool,
    on_refusal: impl FnOnce(&Diagnostic, &Checked),
) -> Result<T, Response> {
    let form = body_form.unwrap_or(Format::Xml);
    admit(answer, form, body, T::KIND, update, on_refusal)?;
    T::from_text(body, form, Mode::Lenient).map_err(|e| orcid_error(answer, 400, 9001, format!("expected a {}: {e}", T::NAME.local)))
}

/// The token must have the scope (403, 9005).
pub(crate) fn needs_scope(ctx: &Ctx<'_>, scope: &str) -> Result<(), Response> {
    if ctx.grant.has_scope(scope) { Ok(()) } else { Err(orcid_error(ctx.answer, 403, 9005, format!("the token lacks the scope {scope}"))) }
}

/// A write to a section needs the researcher's token for this record with the section's scope.
pub(crate) fn may_write(ctx: &Ctx<'_>, section: Section) -> Result<(), Response> {
    let scope = if section.is_person() { "/person/update" } else { "/activities/update" };
    if ctx.grant.orcid.as_deref() != Some(ctx.orcid.as_str()) {
        return Err(orcid_error(ctx.answer, 403, 9015, format!("the token is not for record {}", ctx.orcid)));
    }
    needs_scope(ctx, scope)
}

/// Whether the asker sees items of every visibility (the researcher's own token) or only public ones.
pub(crate) fn sees_all(ctx: &Ctx<'_>) -> bool {
    !ctx.public && ctx.grant.orcid.as_deref() == Some(ctx.orcid.as_str())
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

/// A path segment percent-decoded (a webhook's callback URL travels as one segment).
pub(crate) fn percent_decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned()
}
