//! ORCID's rules as the emulator applies them, over raw HTTP (what the client never sends:
//! wrong media types, mismatched put-codes, visibility changes, oversized requests).

use orcid_emulator::{Config, Emulator};

const ORCID: &str = "0000-0002-1825-0097";
const CLIENT: &str = "APP-EMULATOR00000001";
const XML: &str = "application/vnd.orcid+xml";
const JSON: &str = "application/vnd.orcid+json";

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

async fn start() -> (Emulator, String) {
    let emulator = Emulator::start(Config { rate_limit: None, ..Config::default() }, "127.0.0.1:0").await.unwrap();
    let token = emulator.issue_token(CLIENT, ORCID, "/activities/update /person/update /read-limited");
    (emulator, token)
}

fn work(doi: &str, put_code: Option<i64>, visibility: Option<&str>) -> String {
    let put_code = put_code.map(|p| format!(r#" put-code="{p}""#)).unwrap_or_default();
    let visibility = visibility.map(|v| format!(r#" visibility="{v}""#)).unwrap_or_default();
    format!(
        r#"<work:work xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common"{put_code}{visibility}><work:title><common:title>T</common:title></work:title><work:type>book</work:type><common:external-ids><common:external-id><common:external-id-type>doi</common:external-id-type><common:external-id-value>{doi}</common:external-id-value><common:external-id-relationship>self</common:external-id-relationship></common:external-id></common:external-ids></work:work>"#
    )
}

/// Sends and returns (status, ORCID error code if any, body).
async fn send(
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    accept: &str,
    body: String,
) -> (u16, Option<u16>, String) {
    let mut request = http().request(method, url).header("accept", accept).body(body);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    if let Some(ct) = content_type {
        request = request.header("content-type", ct);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    let body = response.text().await.unwrap();
    let code = body.split("<error:error-code>").nth(1).and_then(|r| r.split('<').next()).and_then(|c| c.parse().ok());
    (status, code, location.unwrap_or(body))
}

#[tokio::test]
async fn media_types_and_tokens() {
    let (emulator, token) = start().await;
    let url = format!("{}/v3.0/{ORCID}/work", emulator.url());
    let post = reqwest::Method::POST;
    assert_eq!(send(post.clone(), &url, Some(&token), None, XML, work("10.1/a", None, None)).await.0, 415);
    assert_eq!(send(post.clone(), &url, Some(&token), Some(XML), "text/html", work("10.1/a", None, None)).await.0, 406);
    assert_eq!(send(post.clone(), &url, None, Some(XML), XML, work("10.1/a", None, None)).await.1, Some(9002));
    assert_eq!(send(post.clone(), &url, Some("not-a-token"), Some(XML), XML, work("10.1/a", None, None)).await.1, Some(9017));
    // No Accept at all: XML, as ORCID answers.
    let (status, _, location) = send(post.clone(), &url, Some(&token), Some(XML), "*/*", work("10.1/a", None, None)).await;
    assert_eq!(status, 201);
    assert!(location.starts_with(&format!("{}/v3.0/{ORCID}/work/", emulator.url())), "{location}");
    // JSON errors in JSON.
    let (status, _, body) = send(post, &url, Some(&token), Some(XML), JSON, work("10.1/a", None, None)).await;
    assert_eq!(status, 409);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["error-code"], 9021);
    assert_eq!(json["response-code"], 409);
}

#[tokio::test]
async fn put_code_and_visibility_rules_on_update() {
    let (emulator, token) = start().await;
    let base = format!("{}/v3.0/{ORCID}", emulator.url());
    let (_, _, location) =
        send(reqwest::Method::POST, &format!("{base}/work"), Some(&token), Some(XML), XML, work("10.1/b", None, None)).await;
    let pc: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let put = |body: String, at: i64| {
        let token = token.clone();
        let url = format!("{base}/work/{at}");
        async move { send(reqwest::Method::PUT, &url, Some(&token), Some(XML), XML, body).await }
    };
    assert_eq!(put(work("10.1/b", None, None), pc).await.1, Some(9019), "no put-code in the body");
    assert_eq!(put(work("10.1/b", Some(pc + 1), None), pc).await.1, Some(9019), "another put-code in the body");
    assert_eq!(put(work("10.1/b", Some(pc), Some("private")), pc).await.1, Some(9035), "visibility change");
    let (status, _, body) = put(work("10.1/b", Some(pc), Some("public")), pc).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&format!(r#"put-code="{pc}""#)));
    assert_eq!(put(work("10.1/b", Some(999), None), 999).await.1, Some(9016));

    // Person items too: a missing put-code is 9019 (the delegator answers before the
    // validator's 9031 is reached; server rules §5.10).
    let keyword = |pc: Option<i64>| {
        let pc = pc.map(|p| format!(r#" put-code="{p}""#)).unwrap_or_default();
        format!(
            r#"<keyword:keyword xmlns:keyword="http://www.orcid.org/ns/keyword"{pc}><keyword:content>k</keyword:content></keyword:keyword>"#
        )
    };
    let (status, _, location) = send(reqwest::Method::POST, &format!("{base}/keywords"), Some(&token), Some(XML), XML, keyword(None)).await;
    assert_eq!(status, 201, "{location}");
    let kpc: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let (_, code, _) = send(reqwest::Method::PUT, &format!("{base}/keywords/{kpc}"), Some(&token), Some(XML), XML, keyword(None)).await;
    assert_eq!(code, Some(9019));
}

#[tokio::test]
async fn limits_on_bulk_multiple_reads_and_the_works_cap() {
    let (emulator, token) = start().await;
    let base = format!("{}/v3.0/{ORCID}", emulator.url());
    let codes: Vec<String> = (1..=101).map(|n| n.to_string()).collect();
    let (_, code, _) =
        send(reqwest::Method::GET, &format!("{base}/works/{}", codes.join(",")), Some(&token), None, XML, String::new()).await;
    assert_eq!(code, Some(9042));

    let bulk = |from: usize, n: usize| {
        let body: String = (from..from + n)
            .map(|i| {
                work(&format!("10.1/cap.{i}"), None, None)
                    .replace(r#" xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common""#, "")
            })
            .collect();
        format!(
            r#"<bulk:bulk xmlns:bulk="http://www.orcid.org/ns/bulk" xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common">{body}</bulk:bulk>"#
        )
    };
    let (_, code, _) = send(reqwest::Method::POST, &format!("{base}/works"), Some(&token), Some(XML), XML, bulk(0, 101)).await;
    assert_eq!(code, Some(9006));
    // Fill the record to ORCID's 10,000 works; the next is refused with 9048.
    for batch in 0..100 {
        let (status, _, body) =
            send(reqwest::Method::POST, &format!("{base}/works"), Some(&token), Some(XML), XML, bulk(batch * 100, 100)).await;
        assert!(status == 200 && !body.contains("error-code"), "{body}");
    }
    assert_eq!(emulator.count(ORCID, orcid_model::items::Section::Work), 10_000);
    let (status, code, _) =
        send(reqwest::Method::POST, &format!("{base}/work"), Some(&token), Some(XML), XML, work("10.1/one-more", None, None)).await;
    assert_eq!((status, code), (409, Some(9048)));
}
