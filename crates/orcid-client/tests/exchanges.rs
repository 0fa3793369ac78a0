//! The exact HTTP exchange of every operation, against a recording server on loopback:
//! method, path, `Authorization`, `Accept`, `Content-Type` and body as sent; ORCID's own
//! sample documents as answers.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use orcid_client::{AccessToken, Api, Client, ClientSecret, ErrorCode, OAuthClient, RateLimit, RefreshToken, RetryPolicy};
use orcid_model::Format;
use orcid_model::PutCode;
use orcid_model::common::{ExternalId, ExternalIds};
use orcid_model::vocabulary::{ExternalIdType, Relationship, WorkType};
use orcid_model::work::{Work, WorkTitle};

const ORCID: &str = "0000-0002-1825-0097";
static ID: std::sync::LazyLock<orcid_model::OrcidId> = std::sync::LazyLock::new(|| ORCID.parse().expect("an ORCID iD"));
const TOKEN: &str = "f5af9f51-07e6-4332-8f1a-c0c11c1e3728";

/// One request as it arrived.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    method: String,
    path: String,
    authorization: Option<String>,
    accept: Option<String>,
    content_type: Option<String>,
    body: String,
}

/// An answer to give: status, headers, body.
type Canned = (u16, Vec<(&'static str, String)>, String);

#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<Seen>>,
    answers: Mutex<Vec<Canned>>,
}

async fn record(State(r): State<Arc<Recorder>>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let h = |name: header::HeaderName| headers.get(name).map(|v| v.to_str().unwrap().to_string());
    r.seen.lock().unwrap().push(Seen {
        method: method.to_string(),
        path: uri.path_and_query().unwrap().to_string(),
        authorization: h(header::AUTHORIZATION),
        accept: h(header::ACCEPT),
        content_type: h(header::CONTENT_TYPE),
        body: String::from_utf8(body.to_vec()).unwrap(),
    });
    let (status, headers, body) = {
        let mut answers = r.answers.lock().unwrap();
        if answers.is_empty() { (500, Vec::new(), "no answer queued".to_string()) } else { answers.remove(0) }
    };
    let mut response = (StatusCode::from_u16(status).unwrap(), body).into_response();
    for (k, v) in headers {
        response.headers_mut().insert(k, v.parse().unwrap());
    }
    response
}

async fn recorder() -> (String, Arc<Recorder>) {
    let r = Arc::new(Recorder::default());
    let app = Router::new().fallback(record).with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, r)
}

fn answer(r: &Recorder, status: u16, headers: &[(&'static str, &str)], body: impl Into<String>) {
    r.answers.lock().unwrap().push((status, headers.iter().map(|(k, v)| (*k, v.to_string())).collect(), body.into()));
}

fn take(r: &Recorder) -> Vec<Seen> {
    std::mem::take(&mut *r.seen.lock().unwrap())
}

fn sample(path: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/upstream/src/main/resources");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e} (run `cargo xtask schemas fetch` first)"))
}

fn work() -> Work {
    let id = ExternalId::new(ExternalIdType::Doi, "10.5555/12345").with_external_id_relationship(Relationship::Self_);
    Work::new(WorkTitle::new("On ORCID"), WorkType::JournalArticle).with_external_ids(ExternalIds::from(vec![id]))
}

fn client(url: &str, format: Format) -> Client {
    Client::builder(Api::Url(format!("{url}/v3.0/")))
        .format(format)
        .retry(RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(10),
            max_elapsed: Duration::from_secs(5),
        })
        .build()
        .unwrap()
}

const XML: &str = "application/vnd.orcid+xml";
const JSON: &str = "application/vnd.orcid+json";

fn seen(method: &str, path: &str, accept: &str, content_type: Option<&str>, body: &str) -> Seen {
    Seen {
        method: method.into(),
        path: path.into(),
        authorization: Some(format!("Bearer {TOKEN}")),
        accept: Some(accept.into()),
        content_type: content_type.map(str::to_string),
        body: body.into(),
    }
}

const WORK_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<work:work xmlns:activities="http://www.orcid.org/ns/activities" xmlns:address="http://www.orcid.org/ns/address" xmlns:bulk="http://www.orcid.org/ns/bulk" xmlns:client="http://www.orcid.org/ns/client" xmlns:common="http://www.orcid.org/ns/common" xmlns:distinction="http://www.orcid.org/ns/distinction" xmlns:education="http://www.orcid.org/ns/education" xmlns:email="http://www.orcid.org/ns/email" xmlns:employment="http://www.orcid.org/ns/employment" xmlns:error="http://www.orcid.org/ns/error" xmlns:expanded-search="http://www.orcid.org/ns/expanded-search" xmlns:external-identifier="http://www.orcid.org/ns/external-identifier" xmlns:funding="http://www.orcid.org/ns/funding" xmlns:group-id="http://www.orcid.org/ns/group-id" xmlns:history="http://www.orcid.org/ns/history" xmlns:invited-position="http://www.orcid.org/ns/invited-position" xmlns:keyword="http://www.orcid.org/ns/keyword" xmlns:membership="http://www.orcid.org/ns/membership" xmlns:notification="http://www.orcid.org/ns/notification" xmlns:other-name="http://www.orcid.org/ns/other-name" xmlns:peer-review="http://www.orcid.org/ns/peer-review" xmlns:person="http://www.orcid.org/ns/person" xmlns:personal-details="http://www.orcid.org/ns/personal-details" xmlns:preferences="http://www.orcid.org/ns/preferences" xmlns:qualification="http://www.orcid.org/ns/qualification" xmlns:record="http://www.orcid.org/ns/record" xmlns:research-resource="http://www.orcid.org/ns/research-resource" xmlns:researcher-url="http://www.orcid.org/ns/researcher-url" xmlns:search="http://www.orcid.org/ns/search" xmlns:service="http://www.orcid.org/ns/service" xmlns:summary="http://www.orcid.org/ns/summary" xmlns:work="http://www.orcid.org/ns/work">"#;

#[tokio::test]
async fn create_update_delete_read_in_xml() {
    let (url, r) = recorder().await;
    let client = client(&url, Format::Xml);
    let token = AccessToken::new(TOKEN);
    let item_xml = format!(
        "{WORK_XML}\n    <work:title>\n        <common:title>On ORCID</common:title>\n    </work:title>\n    <work:type>journal-article</work:type>\n    <common:external-ids>\n        <common:external-id>\n            <common:external-id-type>doi</common:external-id-type>\n            <common:external-id-value>10.5555/12345</common:external-id-value>\n            <common:external-id-relationship>self</common:external-id-relationship>\n        </common:external-id>\n    </common:external-ids>\n</work:work>\n"
    );

    answer(&r, 201, &[("location", &format!("{url}/v3.0/{ORCID}/work/733536"))], "");
    let created = client.record(&token, &ID).create(&work()).await.unwrap();
    assert_eq!((created.put_code, created.existing), (PutCode::new(733536), false));
    assert_eq!(take(&r), [seen("POST", &format!("/v3.0/{ORCID}/work"), XML, Some(XML), &item_xml)]);

    // Update: the put-code goes into the body, the visibility comes out.
    let mut changed = work();
    changed.visibility = Some(orcid_model::common::Visibility::Limited);
    let stored = sample("record_3.0/samples/read_samples/work-3.0.xml");
    answer(&r, 200, &[("content-type", XML)], stored.clone());
    let back = client.record(&token, &ID).update(PutCode::new(733536), &changed).await.unwrap();
    assert_eq!(back.put_code, Some(PutCode::new(123)), "the stored item as the server answered");
    let put_body = item_xml
        .replace("xmlns:work=\"http://www.orcid.org/ns/work\">", "xmlns:work=\"http://www.orcid.org/ns/work\" put-code=\"733536\">");
    assert!(put_body.contains("put-code=\"733536\""));
    assert_eq!(take(&r), [seen("PUT", &format!("/v3.0/{ORCID}/work/733536"), XML, Some(XML), &put_body)]);

    answer(&r, 204, &[], "");
    client.record(&token, &ID).delete::<Work>(PutCode::new(733536)).await.unwrap();
    assert_eq!(take(&r), [seen("DELETE", &format!("/v3.0/{ORCID}/work/733536"), XML, None, "")]);

    answer(&r, 200, &[("content-type", XML)], stored);
    let read: Work = client.record(&token, &ID).read(PutCode::new(733536)).await.unwrap();
    assert_eq!(read.title.title, "common:title");
    assert_eq!(take(&r), [seen("GET", &format!("/v3.0/{ORCID}/work/733536"), XML, None, "")]);
}

#[tokio::test]
async fn json_bodies_and_every_read() {
    let (url, r) = recorder().await;
    let client = client(&url, Format::Json);
    let token = AccessToken::new(TOKEN);

    answer(&r, 201, &[("location", &format!("{url}/v3.0/{ORCID}/work/12"))], "");
    client.record(&token, &ID).create(&work()).await.unwrap();
    let body = r#"{"title":{"title":{"value":"On ORCID"}},"type":"journal-article","external-ids":{"external-id":[{"external-id-type":"doi","external-id-value":"10.5555/12345","external-id-relationship":"self"}]}}"#;
    assert_eq!(take(&r), [seen("POST", &format!("/v3.0/{ORCID}/work"), JSON, Some(JSON), body)]);

    // Reads answer in the form the server says, whatever was asked.
    let reads: [(&str, &str); 5] = [
        ("record", "record_3.0/samples/read_samples/record-3.0.xml"),
        ("person", "record_3.0/samples/read_samples/person-3.0.xml"),
        ("activities", "record_3.0/samples/read_samples/activities-3.0.xml"),
        ("summary", "summary_3.0/samples/summary-3.0.xml"),
        ("works", "record_3.0/samples/read_samples/works-3.0.xml"),
    ];
    for (_, file) in reads {
        answer(&r, 200, &[("content-type", "application/vnd.orcid+xml;charset=UTF-8")], sample(file));
    }
    let record = client.record(&token, &ID).read_record().await.unwrap();
    assert!(record.person.is_some());
    client.record(&token, &ID).read_person().await.unwrap();
    client.record(&token, &ID).read_activities().await.unwrap();
    client.record(&token, &ID).read_summary().await.unwrap();
    let works = client.record(&token, &ID).list::<Work>().await.unwrap();
    assert!(!works.groups.is_empty());
    let paths: Vec<String> = take(&r)
        .into_iter()
        .map(|s| {
            assert_eq!(
                (s.method.as_str(), s.accept.as_deref(), s.authorization.as_deref(), s.body.as_str()),
                ("GET", Some(JSON), Some(format!("Bearer {TOKEN}").as_str()), "")
            );
            s.path
        })
        .collect();
    assert_eq!(paths, reads.map(|(p, _)| format!("/v3.0/{ORCID}/{p}")));

    // A JSON answer is read as JSON.
    answer(&r, 200, &[("content-type", JSON)], sample("record_3.0/samples/read_samples/record-full-3.0.json"));
    client.record(&token, &ID).read_record().await.unwrap();
}

#[tokio::test]
async fn bulk_and_works_by_put_code() {
    let (url, r) = recorder().await;
    let client = client(&url, Format::Xml);
    let token = AccessToken::new(TOKEN);

    // 150 put-codes: two requests; the answers come back found-first and are put in order.
    let codes: Vec<PutCode> = (1..=150).map(PutCode::new).collect();
    let bulk_of = |found: &[i64], missing: usize| {
        let mut xml = String::from(
            r#"<bulk:bulk xmlns:bulk="http://www.orcid.org/ns/bulk" xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common" xmlns:error="http://www.orcid.org/ns/error">"#,
        );
        for pc in found {
            xml.push_str(&format!(r#"<work:work put-code="{pc}"><work:title><common:title>W{pc}</common:title></work:title><work:type>book</work:type></work:work>"#));
        }
        for _ in 0..missing {
            xml.push_str("<error:error><error:response-code>400</error:response-code><error:developer-message>invalid put-code</error:developer-message><error:error-code>9034</error:error-code></error:error>");
        }
        xml + "</bulk:bulk>"
    };
    let first: Vec<i64> = (2..=100).rev().collect(); // 1 is missing, the rest reversed
    answer(&r, 200, &[("content-type", XML)], bulk_of(&first, 1));
    answer(&r, 200, &[("content-type", XML)], bulk_of(&(101..=150).collect::<Vec<_>>(), 0));
    let results = client.record(&token, &ID).read_works(&codes).await.unwrap();
    assert_eq!(results[0].as_ref().unwrap_err().code, Some(ErrorCode::InvalidPutCode));
    assert!(results[1..].iter().zip(2..).all(|(w, pc)| w.as_ref().unwrap().put_code == Some(PutCode::new(pc))));
    let seen = take(&r);
    let list = |range: std::ops::RangeInclusive<i64>| range.map(|n| n.to_string()).collect::<Vec<_>>().join(",");
    assert_eq!(
        seen.iter().map(|s| s.path.clone()).collect::<Vec<_>>(),
        [format!("/v3.0/{ORCID}/works/{}", list(1..=100)), format!("/v3.0/{ORCID}/works/{}", list(101..=150))]
    );

    // Bulk create: one POST of a bulk; one result per work, in order.
    answer(&r, 200, &[("content-type", XML)], bulk_of(&[7], 1));
    let results = client.record(&token, &ID).create_works(&[work(), work()]).await.unwrap();
    assert_eq!(results[0].as_ref().unwrap().put_code, PutCode::new(7));
    assert_eq!(results[1].as_ref().unwrap_err().code, Some(ErrorCode::InvalidPutCode));
    let seen = take(&r);
    assert_eq!((seen.len(), seen[0].method.as_str(), seen[0].path.as_str()), (1, "POST", format!("/v3.0/{ORCID}/works").as_str()));
    assert_eq!(seen[0].content_type.as_deref(), Some(XML));
    assert!(seen[0].body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<bulk:bulk "));
    assert_eq!(seen[0].body.matches("<work:work>").count(), 2);
}

#[tokio::test]
async fn retries_honour_retry_after_and_report_orcid_errors() {
    let (url, r) = recorder().await;
    let client = client(&url, Format::Xml);
    let token = AccessToken::new(TOKEN);
    answer(&r, 429, &[("retry-after", "1")], "slow down");
    answer(&r, 503, &[], "");
    answer(&r, 201, &[("location", &format!("{url}/v3.0/{ORCID}/work/5"))], "");
    let started = Instant::now();
    assert_eq!(client.record(&token, &ID).create(&work()).await.unwrap().put_code, PutCode::new(5));
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After: 1 was honoured");
    assert_eq!(take(&r).len(), 3);

    // ORCID's error body, every field.
    answer(&r, 400, &[("content-type", XML)], sample("record_3.0/samples/read_samples/error-3.0.xml"));
    let e = client.record(&token, &ID).create(&work()).await.unwrap_err();
    let orcid_client::Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(api.status, 400);
    assert!(api.code.is_some() && !api.developer_message.is_empty() && api.user_message.is_some() && api.more_info.is_some(), "{api:?}");
    assert!(!format!("{e} {e:?} {client:?} {token:?}").contains(TOKEN));

    // A 201 without a usable Location is a decoding error naming the header.
    answer(&r, 201, &[("location", "/v3.0/x/work/abc")], "");
    let e = client.record(&token, &ID).create(&work()).await.unwrap_err();
    assert_eq!(e.to_string(), "could not read the Location header: `/v3.0/x/work/abc` does not end in a put-code");

    // A read whose answer is not the document asked for names what and where.
    answer(&r, 200, &[("content-type", XML)], "<work:work xmlns:work=\"http://www.orcid.org/ns/work\"><work:type>book</work:type>");
    let e = client.record(&token, &ID).read::<Work>(orcid_model::PutCode::new(1)).await.unwrap_err();
    assert!(e.to_string().starts_with("could not read the work in the answer (XML): "), "{e}");
}

#[tokio::test]
async fn oauth_forms_as_sent() {
    let (url, r) = recorder().await;
    let oauth = OAuthClient::new(&Api::Url(url.clone()), "APP-1", ClientSecret::new("s3cret")).unwrap();
    let token_json = r#"{"access_token":"a-1","token_type":"bearer","refresh_token":"r-1","expires_in":631138518,"scope":"/activities/update","name":"Josiah Carberry","orcid":"0000-0002-1825-0097"}"#;
    for _ in 0..3 {
        answer(&r, 200, &[("content-type", "application/json")], token_json);
    }
    answer(&r, 200, &[], "");
    let t = oauth.exchange_code("Q1w2", "https://example.org/cb").await.unwrap();
    assert_eq!((t.orcid.as_deref(), t.expires_in), (Some(ORCID), Some(631138518)));
    oauth.client_credentials("/read-public").await.unwrap();
    oauth.refresh(&RefreshToken::new("r-1"), true, Some("/activities/update")).await.unwrap();
    oauth.revoke(&AccessToken::new("a-1")).await.unwrap();
    let forms: Vec<(String, String, Option<String>, String)> =
        take(&r).into_iter().map(|s| (s.method, s.path, s.content_type, s.body)).collect();
    let form = "application/x-www-form-urlencoded".to_string();
    assert_eq!(
        forms,
        [
            ("POST".into(), "/oauth/token".into(), Some(form.clone()), "client_id=APP-1&client_secret=s3cret&grant_type=authorization_code&code=Q1w2&redirect_uri=https%3A%2F%2Fexample.org%2Fcb".into()),
            ("POST".into(), "/oauth/token".into(), Some(form.clone()), "client_id=APP-1&client_secret=s3cret&grant_type=client_credentials&scope=%2Fread-public".into()),
            ("POST".into(), "/oauth/token".into(), Some(form.clone()), "client_id=APP-1&client_secret=s3cret&grant_type=refresh_token&refresh_token=r-1&revoke_old=true&scope=%2Factivities%2Fupdate".into()),
            ("POST".into(), "/oauth/revoke".into(), Some(form), "client_id=APP-1&client_secret=s3cret&token=a-1".into()),
        ]
    );

    // OAuth's error shape, and ORCID's 500 for a bad code.
    answer(&r, 500, &[("content-type", "application/json")], r#"{"error":"server_error","error_description":"Redirect URI mismatch."}"#);
    let e = oauth.exchange_code("bad", "https://example.org/cb").await.unwrap_err();
    assert_eq!(e.to_string(), "OAuth error (HTTP 500): server_error: Redirect URI mismatch.");
    assert!(!format!("{e:?} {oauth:?}").contains("s3cret"));
}

#[tokio::test]
async fn the_client_waits_for_its_rate_limit() {
    let (url, r) = recorder().await;
    let client = Client::builder(Api::Url(url.clone())).rate_limit(RateLimit { per_second: 20.0, burst: 5 }).build().unwrap();
    let token = AccessToken::new(TOKEN);
    for _ in 0..15 {
        answer(&r, 204, &[], "");
    }
    let started = Instant::now();
    let tasks: Vec<_> = (0..15)
        .map(|i| {
            let c = client.clone();
            let t = token.clone();
            tokio::spawn(async move { c.record(&t, &ID).delete::<Work>(PutCode::new(i)).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    // 5 at once, then 10 more at 20 a second: at least 0.5 s.
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(480) && elapsed < Duration::from_millis(1500), "{elapsed:?}");
}

/// A read, a change and an update through this version send back what a newer ORCID added:
/// ORCID's PUT replaces the whole item, so anything dropped would be erased on the record.
#[tokio::test]
async fn an_update_sends_back_what_this_version_does_not_know() {
    let (url, r) = recorder().await;
    let client = client(&url, Format::Xml);
    let token = AccessToken::new(TOKEN);
    let newer = format!(
        "{WORK_XML}<work:title><common:title>On ORCID</common:title></work:title><work:abstract lang=\"en\">Added later.</work:abstract><work:type>journal-article</work:type><common:external-ids><common:external-id><common:external-id-type>doi</common:external-id-type><common:external-id-value>10.5555/12345</common:external-id-value><common:external-id-relationship>self</common:external-id-relationship></common:external-id></common:external-ids><x:note xmlns:x=\"https://example.org/ns\" x:level=\"2\">kept</x:note></work:work>"
    )
    .replace("xmlns:work=\"http://www.orcid.org/ns/work\">", "xmlns:work=\"http://www.orcid.org/ns/work\" put-code=\"733536\" path=\"/0000-0002-1825-0097/work/733536\">");
    answer(&r, 200, &[("content-type", XML)], newer);
    let mut work: Work = client.record(&token, &ID).read(PutCode::new(733536)).await.unwrap();
    take(&r);

    work.title.title = "On ORCID, revised".into();
    answer(&r, 200, &[("content-type", XML)], "");
    let _ = client.record(&token, &ID).update(PutCode::new(733536), &work).await;
    let sent = take(&r);
    assert_eq!(sent.len(), 1);
    let body = &sent[0].body;
    assert!(body.contains("<common:title>On ORCID, revised</common:title>\n    </work:title>\n    <work:abstract lang=\"en\">Added later.</work:abstract>\n    <work:type>"), "{body}");
    assert!(
        body.contains("</common:external-ids>\n    <x:note xmlns:x=\"https://example.org/ns\" x:level=\"2\">kept</x:note>\n</work:work>"),
        "{body}"
    );
    // What ORCID sets is not sent back.
    assert!(!body.contains("path="), "{body}");
}

/// A server that answers a read with a body: of a declared length beyond the client's limit,
/// one that never ends (chunked, forever), or one that stops halfway and stalls.
async fn misbehaving(kind: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = match kind {
                    "large" => "HTTP/1.1 200 OK\r\ncontent-type: application/vnd.orcid+xml\r\ncontent-length: 1000000000\r\n\r\n",
                    "endless" => "HTTP/1.1 200 OK\r\ncontent-type: application/vnd.orcid+xml\r\ntransfer-encoding: chunked\r\n\r\n",
                    _ => "HTTP/1.1 200 OK\r\ncontent-type: application/vnd.orcid+xml\r\ncontent-length: 100000\r\n\r\n",
                };
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                match kind {
                    "endless" => {
                        let chunk = format!("{:x}\r\n{}\r\n", 65536, "x".repeat(65536));
                        while socket.write_all(chunk.as_bytes()).await.is_ok() {}
                    }
                    "stall" => {
                        let _ = socket.write_all(&[b' '; 1000]).await;
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                    }
                    _ => tokio::time::sleep(Duration::from_secs(3600)).await,
                }
            });
        }
    });
    url
}

#[tokio::test]
async fn answers_too_large_endless_or_stalled_end_with_an_error() {
    let token = AccessToken::new(TOKEN);
    let no_retry = RetryPolicy {
        max_retries: 0,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(1),
        max_elapsed: Duration::from_secs(1),
    };
    for (kind, expect) in [("large", "more than the 1048576"), ("endless", "past 1048576 bytes"), ("stall", "")] {
        let url = misbehaving(kind).await;
        let client = Client::builder(Api::Url(format!("{url}/v3.0/")))
            .max_response_bytes(1 << 20)
            .timeout(Duration::from_millis(500))
            .retry(no_retry)
            .build()
            .unwrap();
        let started = Instant::now();
        let result: Result<Work, _> = client.record(&token, &ID).read(PutCode::new(1)).await;
        let e = result.unwrap_err().to_string();
        assert!(e.contains(expect), "{kind}: {e}");
        assert!(started.elapsed() < Duration::from_secs(10), "{kind}: took {:?}", started.elapsed());
        if kind == "stall" {
            assert!(e.to_lowercase().contains("time"), "{kind}: {e}");
        }
        assert!(!e.contains(TOKEN), "the token is never in an error");
    }
}

#[tokio::test]
async fn group_id_record_exchanges() {
    use orcid_model::group_id::GroupIdRecord;
    let (url, r) = recorder().await;
    let client = client(&url, Format::Json);
    let token = AccessToken::new(TOKEN);
    let group = GroupIdRecord::new("Example Press reviews", "orcid-generated:example-press", "Reviews for Example Press", "publisher");
    let body = r#"{"name":"Example Press reviews","group-id":"orcid-generated:example-press","description":"Reviews for Example Press","type":"publisher"}"#;
    let stored = r#"{"name":"Example Press reviews","group-id":"orcid-generated:example-press","description":"Reviews for Example Press","type":"publisher","put-code":1042}"#;

    answer(&r, 201, &[("location", &format!("{url}/v3.0/group-id-record/1042"))], "");
    assert_eq!(client.groups(&token).create(&group).await.unwrap().put_code, PutCode::new(1042));
    answer(&r, 200, &[("content-type", JSON)], stored);
    let updated = client.groups(&token).update(PutCode::new(1042), &group).await.unwrap();
    assert_eq!(updated.put_code, Some(PutCode::new(1042)));
    answer(&r, 200, &[("content-type", JSON)], stored);
    assert_eq!(client.groups(&token).read(PutCode::new(1042)).await.unwrap().name, "Example Press reviews");
    answer(&r, 200, &[("content-type", JSON)], stored);
    let found = client.groups(&token).find("orcid-generated:example-press").await.unwrap();
    assert_eq!(found.and_then(|g| g.put_code), Some(PutCode::new(1042)));
    // Nothing found is an empty record, as ORCID answers.
    answer(&r, 200, &[("content-type", JSON)], "{}");
    assert!(client.groups(&token).find_by_name("Nobody & Co").await.unwrap().is_none());
    answer(&r, 200, &[("content-type", JSON)], r#"{"total":1,"page":1,"page-size":100,"group-id-record":[]}"#);
    client.groups(&token).page(1, 500).await.unwrap();
    answer(&r, 204, &[], "");
    client.groups(&token).delete(PutCode::new(1042)).await.unwrap();

    let put_body = body.replace(r#"{"name""#, r#"{"put-code":1042,"name""#);
    assert_eq!(
        take(&r),
        [
            seen("POST", "/v3.0/group-id-record", JSON, Some(JSON), body),
            seen("PUT", "/v3.0/group-id-record/1042", JSON, Some(JSON), &put_body),
            seen("GET", "/v3.0/group-id-record/1042", JSON, None, ""),
            seen("GET", "/v3.0/group-id-record?group-id=orcid-generated%3Aexample-press", JSON, None, ""),
            seen("GET", "/v3.0/group-id-record?name=Nobody+%26+Co", JSON, None, ""),
            seen("GET", "/v3.0/group-id-record?page-size=100&page=1", JSON, None, ""),
            seen("DELETE", "/v3.0/group-id-record/1042", JSON, None, ""),
        ]
    );
}

#[tokio::test]
async fn notification_and_webhook_exchanges() {
    use orcid_model::notification::{ActivityType, AuthorizationUrl, Item, Items, NotificationPermission, NotificationType};
    let (url, r) = recorder().await;
    let client = client(&url, Format::Json);
    let token = AccessToken::new(TOKEN);
    let notification = NotificationPermission::new(
        NotificationType::Permission,
        AuthorizationUrl::new().with_path("/oauth/authorize?client_id=APP-1&response_type=code&scope=/activities/update"),
        "Your article",
        "We would like to add it.",
        Items::new().with_item(Item::new(ActivityType::Work, "On ORCID")),
    );
    let body = r#"{"notification-type":"permission","authorization-url":{"path":"/oauth/authorize?client_id=APP-1&response_type=code&scope=/activities/update"},"notification-subject":"Your article","notification-intro":"We would like to add it.","items":{"item":[{"item-type":"work","item-name":"On ORCID"}]}}"#;
    let archived = sample("notification_3.0/samples/notification-permission-3.0.xml")
        .replace("<common:sent-date>", "<common:archived-date>2026-11-29T10:00:00.000Z</common:archived-date><common:sent-date>");

    answer(&r, 201, &[("location", &format!("{url}/v3.0/{ORCID}/notification-permission/55"))], "");
    assert_eq!(client.record(&token, &ID).create_notification(&notification).await.unwrap().put_code, PutCode::new(55));
    answer(&r, 200, &[("content-type", XML)], sample("notification_3.0/samples/notification-permission-3.0.xml"));
    assert_eq!(client.record(&token, &ID).read_notification(PutCode::new(55)).await.unwrap().items.items.len(), 4);
    answer(&r, 200, &[("content-type", XML)], archived);
    assert!(client.record(&token, &ID).archive_notification(PutCode::new(55)).await.unwrap().archived_date.is_some());

    // Webhooks live outside /v3.0; the callback is one percent-encoded segment.
    let callback = "https://example.org/hooks/0000-0002-1825-0097?k=a b+c";
    let hook = format!("/{ORCID}/webhook/https%3A%2F%2Fexample.org%2Fhooks%2F0000-0002-1825-0097%3Fk%3Da%20b%2Bc");
    answer(&r, 201, &[("location", &format!("{url}{hook}"))], "");
    assert!(client.record(&token, &ID).register_webhook(callback).await.unwrap());
    answer(&r, 204, &[], "");
    assert!(!client.record(&token, &ID).register_webhook(callback).await.unwrap(), "204: it was registered already");
    answer(&r, 204, &[], "");
    client.record(&token, &ID).remove_webhook(callback).await.unwrap();

    assert_eq!(
        take(&r),
        [
            seen("POST", &format!("/v3.0/{ORCID}/notification-permission"), JSON, Some(JSON), body),
            seen("GET", &format!("/v3.0/{ORCID}/notification-permission/55"), JSON, None, ""),
            seen("DELETE", &format!("/v3.0/{ORCID}/notification-permission/55"), JSON, None, ""),
            seen("PUT", &hook, JSON, None, ""),
            seen("PUT", &hook, JSON, None, ""),
            seen("DELETE", &hook, JSON, None, ""),
        ]
    );
}

#[tokio::test]
async fn public_reads_and_search_exchanges() {
    use futures_util::StreamExt;
    let (url, r) = recorder().await;
    let client = client(&url, Format::Json);
    let token = AccessToken::new(TOKEN);

    // An anonymous read sends no Authorization header at all.
    answer(&r, 200, &[("content-type", XML)], sample("record_3.0/samples/read_samples/record-3.0.xml"));
    client.record(None, &ID).read_record().await.unwrap();
    let anonymous = Seen { authorization: None, ..seen("GET", &format!("/v3.0/{ORCID}/record"), JSON, None, "") };
    assert_eq!(take(&r), [anonymous]);

    answer(&r, 200, &[("content-type", XML)], sample("record_3.0/samples/read_samples/search-3.0.xml"));
    let page = client.search(&token).ids("family-name:Carberry AND given-names:\"Josiah S\"", 20, 10).await.unwrap();
    assert_eq!((page.num_found, page.results[0].orcid_identifier.path.as_deref()), (Some(1), Some("8888-8888-8888-8880")));
    let expanded = r#"{"expanded-result":[{"orcid-id":"0000-0002-1825-0097","given-names":"Josiah","family-names":"Carberry","credit-name":null,"other-name":[],"email":[],"institution-name":["Brown University"]}],"num-found":1}"#;
    answer(&r, 200, &[("content-type", JSON)], expanded);
    let found = client.search(None).expanded("Carberry", 0, 1000).await.unwrap();
    assert_eq!(found.expanded_results[0].institution_names, ["Brown University"]);
    answer(&r, 200, &[("content-type", "text/csv;charset=UTF-8")], "orcid,family-name\n0000-0002-1825-0097,Carberry\n");
    let csv = client.search(None).csv("ringgold-org-id:385488", &["orcid", "family-name"], 0, 5).await.unwrap();
    assert_eq!(csv, "orcid,family-name\n0000-0002-1825-0097,Carberry\n");
    let query = |q: &str| q.replace(' ', "+").replace(':', "%3A").replace('"', "%22");
    assert_eq!(
        take(&r),
        [
            seen(
                "GET",
                &format!("/v3.0/search/?q={}&start=20&rows=10", query("family-name:Carberry AND given-names:\"Josiah S\"")),
                JSON,
                None,
                ""
            ),
            Seen { authorization: None, ..seen("GET", "/v3.0/expanded-search/?q=Carberry&start=0&rows=1000", JSON, None, "") },
            Seen {
                authorization: None,
                ..seen("GET", "/v3.0/csv-search/?q=ringgold-org-id%3A385488&start=0&rows=5&fl=orcid%2Cfamily-name", "text/csv", None, "")
            },
        ]
    );

    // Paging without a token stops at ORCID's depth limit: the page at start 10,000 is the last.
    let full_page = |start: usize| {
        let results: Vec<String> = (start..start + 1000)
            .map(|n| format!(r#"{{"orcid-identifier":{{"uri":"https://orcid.org/x","path":"{n}","host":"orcid.org"}}}}"#))
            .collect();
        format!(r#"{{"num-found":50000,"result":[{}]}}"#, results.join(","))
    };
    for start in (0..=10_000).step_by(1000) {
        answer(&r, 200, &[("content-type", JSON)], full_page(start));
    }
    let pages: Vec<_> = client.search(None).ids_all("*:*", 1000).collect().await;
    assert_eq!(pages.len(), 11);
    assert!(pages.iter().all(|p| p.as_ref().unwrap().results.len() == 1000));
    let starts: Vec<String> = take(&r).into_iter().map(|s| s.path).collect();
    let expected: Vec<String> = (0..=10_000).step_by(1000).map(|s| format!("/v3.0/search/?q=*%3A*&start={s}&rows=1000")).collect();
    assert_eq!(starts, expected);

    // With a token it goes on to the end; a short page ends it; an error ends it after the error.
    answer(
        &r,
        200,
        &[("content-type", JSON)],
        r#"{"num-found":1500,"result":[]}"#.replace(
            "[]",
            &format!("[{}]", "{\"orcid-identifier\":{\"path\":\"p\"}},".repeat(999) + "{\"orcid-identifier\":{\"path\":\"p\"}}"),
        ),
    );
    answer(
        &r,
        400,
        &[("content-type", JSON)],
        r#"{"response-code":400,"developer-message":"The rows parameter must be an integer between 0 and 1000","error-code":9012}"#,
    );
    let pages: Vec<_> = client.search(Some(&token)).ids_all("*:*", 1000).collect().await;
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[1].as_ref().unwrap_err().orcid_code(), Some(ErrorCode::BadParameters));
    assert_eq!(take(&r).len(), 2);
}
