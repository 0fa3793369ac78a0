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

fn item(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/items").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Posts an item to a section; (status, ORCID code, location or body).
async fn post(emulator: &Emulator, token: &str, section: &str, body: String) -> (u16, Option<u16>, String) {
    send(reqwest::Method::POST, &format!("{}/v3.0/{ORCID}/{section}", emulator.url()), Some(token), Some(XML), XML, body).await
}

/// Duplicates as ORCID finds them (server rules §6.8, §5.4 E8, §5.3 F14, §5.10): per section
/// and per source; works, reviews and affiliations by normalised `self` ids (affiliation ids
/// without a relationship too), fundings by raw values, person items by identical content.
#[tokio::test]
async fn duplicates_as_orcid_finds_them() {
    let (emulator, token) = start().await;
    let other = emulator.issue_token("APP-OTHER00000000002", ORCID, "/activities/update /person/update /read-limited");

    // W21: the same DOI written differently; another source may add it.
    assert_eq!(post(&emulator, &token, "work", work("10.5555/ABC", None, None)).await.0, 201);
    assert_eq!(post(&emulator, &token, "work", work("https://doi.org/10.5555/abc", None, None)).await.1, Some(9021));
    assert_eq!(post(&emulator, &other, "work", work("10.5555/abc", None, None)).await.0, 201);

    // E8: an employment whose id has no relationship duplicates another without one (D1);
    // an education with the same id is another section.
    let with_id = |xml: String, relationship: &str| {
        xml.replacen(
            "</common:organization>",
            &format!("</common:organization>\n\t<common:external-ids><common:external-id><common:external-id-type>erm</common:external-id-type><common:external-id-value>E-1</common:external-id-value>{relationship}</common:external-id></common:external-ids>"),
            1,
        )
    };
    let employment = item("employment.xml");
    assert_eq!(post(&emulator, &token, "employment", with_id(employment.clone(), "")).await.0, 201);
    assert_eq!(post(&emulator, &token, "employment", with_id(employment.clone(), "")).await.1, Some(9021));
    let self_id = "<common:external-id-relationship>self</common:external-id-relationship>";
    assert_eq!(post(&emulator, &token, "employment", with_id(employment.clone(), self_id)).await.0, 201, "self and none do not match");
    let education = employment
        .replace("employment:employment", "education:education")
        .replace("ns/employment\"", "ns/education\"")
        .replace("xmlns:employment", "xmlns:education");
    assert_eq!(post(&emulator, &token, "education", with_id(education, "")).await.0, 201);

    // F14: fundings compare raw values, so a grant number in another case is another funding.
    let funding = item("funding.xml");
    assert_eq!(post(&emulator, &token, "funding", funding.clone()).await.0, 201);
    assert_eq!(post(&emulator, &token, "funding", funding.clone()).await.1, Some(9021));
    assert_eq!(post(&emulator, &token, "funding", funding.replace(">MFP-UOA2024<", ">mfp-uoa2024<")).await.0, 201);

    // K3, U5: person items with identical content are 409/9030.
    assert_eq!(post(&emulator, &token, "keywords", item("keyword.xml")).await.0, 201);
    let (status, code, _) = post(&emulator, &token, "keywords", item("keyword.xml")).await;
    assert_eq!((status, code), (409, Some(9030)));
    assert_eq!(post(&emulator, &token, "keywords", item("keyword.xml").replace(">regeneration<", ">Regeneration<")).await.0, 201);
    assert_eq!(post(&emulator, &token, "researcher-urls", item("researcher-url.xml")).await.0, 201);
    assert_eq!(post(&emulator, &token, "researcher-urls", item("researcher-url.xml").replace(">Lab<", ">Our lab<")).await.1, Some(9030));
    // Addresses never match (ORCID's comparison cannot), so the same country goes in twice.
    assert_eq!(post(&emulator, &token, "address", item("address.xml")).await.0, 201);
    assert_eq!(post(&emulator, &token, "address", item("address.xml")).await.0, 201);
}

/// A research resource is checked for duplicates on create only (RR10).
#[tokio::test]
async fn research_resources_are_not_checked_for_duplicates_on_update() {
    let (emulator, token) = start().await;
    let resource = item("research-resource.xml");
    let (status, _, first) = post(&emulator, &token, "research-resource", resource.clone()).await;
    assert_eq!(status, 201);
    let other = resource.replace(">MX-2024-117<", ">MX-2024-118<");
    let (status, _, second) = post(&emulator, &token, "research-resource", other).await;
    assert_eq!(status, 201);
    assert_eq!(post(&emulator, &token, "research-resource", resource.clone()).await.1, Some(9021));
    // Updating the second to the first one's proposal id is accepted.
    let put_code = second.rsplit('/').next().unwrap().to_owned();
    let body = resource.replacen(
        "<research-resource:research-resource ",
        &format!("<research-resource:research-resource put-code=\"{put_code}\" "),
        1,
    );
    let (status, code, _) = send(reqwest::Method::PUT, &second, Some(&token), Some(XML), XML, body).await;
    assert_eq!((status, code), (200, None), "{first}");
}

/// The emulator answers with the validator's verdict: ORCID's codes and its order.
#[tokio::test]
async fn refusals_carry_orcids_codes() {
    let (emulator, token) = start().await;
    let cases = [
        // §4.1: a work type no adapter knows, in XML.
        ("work", item("work.xml").replace(">journal-article<", ">journal_article<"), 400, 9051),
        // W19: an identifier type outside the registry.
        ("work", item("work.xml").replace(">doi<", ">DOI<"), 400, 9023),
        // W10 before W17, as ORCID checks them.
        (
            "work",
            item("work.xml")
                .replacen("<work:work ", "<work:work put-code=\"3\" ", 1)
                .replace("@article{doe2024,", " ")
                .replace("\ttitle={Zebrafish fin regeneration},\n\tyear={2024}\n}", ""),
            400,
            9020,
        ),
        // F6: an amount that is not a number.
        ("funding", item("funding.xml").replace(">250000<", ">250,000<"), 400, 9054),
        // E4: an employment without a city.
        ("employment", item("employment.xml").replace("<common:city>Providence</common:city>", ""), 400, 9060),
        // P5: a distinction without an organization id or external ids.
        ("distinction", item("distinction.xml").replace("https://ror.org/03wnrjx87", ""), 400, 9062),
        // R10: an issn: group that holds no ISSN.
        ("peer-review", item("peer-review.xml").replace(">issn:0953-1513<", ">issn:journal<"), 400, 9053),
        // N3 does not apply here; X3: a person identifier that is not `self`.
        ("external-identifiers", item("external-identifier.xml").replace(">self<", ">part-of<"), 400, 9020),
        // An XSD problem in XML: 9012.
        ("work", item("work.xml").replace("<work:type>journal-article</work:type>", ""), 400, 9012),
    ];
    for (section, body, status, code) in cases {
        let (got_status, got_code, answer) = post(&emulator, &token, section, body).await;
        assert_eq!((got_status, got_code), (status, Some(code)), "{section}: {answer}");
    }
    // A bulk: one answer per work, a duplicate of an earlier work names its put-code.
    let bulk = item("bulk.xml").replace("10.5555/fins.2024.02", "https://doi.org/10.5555/FINS.2023.01");
    let (status, _, body) = post(&emulator, &token, "works", bulk).await;
    assert_eq!(status, 200, "{body}");
    let first = body.split("put-code=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned();
    assert!(body.contains("<error:error-code>9021</error:error-code>"), "{body}");
    assert!(body.contains(&format!("put-code {first}")), "{body}");
}

/// Deep, broken and oversized bodies get ORCID's error shape, and the emulator goes on serving.
#[tokio::test]
async fn hostile_bodies_are_answered_and_the_emulator_keeps_serving() {
    let (emulator, token) = start().await;
    let depth = 200_000;
    let deep_xml = format!(
        r#"<work:work xmlns:work="http://www.orcid.org/ns/work" xmlns:common="http://www.orcid.org/ns/common">{}{}</work:work>"#,
        "<x>".repeat(depth),
        "</x>".repeat(depth)
    );
    let deep_json = format!(r#"{{"title":{{"title":{{"value":"T"}}}},"type":"book","x":{}{}}}"#, "[".repeat(depth), "]".repeat(depth));
    let url = format!("{}/v3.0/{ORCID}/work", emulator.url());
    let post = reqwest::Method::POST;
    assert_eq!(send(post.clone(), &url, Some(&token), Some(XML), XML, deep_xml).await.0, 400);
    let (status, _, body) = send(post.clone(), &url, Some(&token), Some(JSON), JSON, deep_json).await;
    assert_eq!(status, 400);
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!((error["response-code"].as_u64(), error["error-code"].as_u64()), (Some(400), Some(9047)), "{body}");
    assert!(error["developer-message"].as_str().unwrap().contains("deeper than 1000 levels"), "{body}");
    let (status, code, _) = send(post.clone(), &url, Some(&token), Some(XML), XML, "<work:work".to_owned()).await;
    assert_eq!((status, code), (400, Some(9012)));
    let (status, code, _) = send(post.clone(), &url, Some(&token), Some(XML), XML, "x".repeat(33 << 20)).await;
    assert_eq!((status, code), (413, Some(9001)));
    // A chunked body with a bad chunk size is the client's error (400), not a size (413).
    let (status_line, body) = raw_post_with_bad_chunk(&emulator, &token).await;
    assert_eq!(status_line, "HTTP/1.1 400 Bad Request");
    assert!(body.contains("<error:error-code>9001</error:error-code>") && body.contains("could not be read"), "{body}");
    // Still serving.
    assert_eq!(send(post, &url, Some(&token), Some(XML), XML, work("10.1/after", None, None)).await.0, 201);
}

/// Posts a work whose chunked body has a chunk size that is not hexadecimal, over a raw
/// connection; the answer's status line and body.
async fn raw_post_with_bad_chunk(emulator: &orcid_emulator::Emulator, token: &str) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = emulator.url().trim_start_matches("http://").trim_end_matches('/').to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "POST /v3.0/{ORCID}/work HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: {XML}\r\nAccept: {XML}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let status_line = answer.lines().next().unwrap_or_default().to_owned();
    (status_line, answer)
}

/// The duplicate check and the insert are one step: concurrent creates of one item on a
/// multi-threaded runtime store it once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_of_one_item_store_it_once() {
    let (emulator, token) = start().await;
    let url = format!("{}/v3.0/{ORCID}/work", emulator.url());
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let (url, token) = (url.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            send(reqwest::Method::POST, &url, Some(&token), Some(XML), XML, work("10.1/race", None, None)).await.0
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 31, "{statuses:?}");
    assert_eq!(emulator.count(ORCID, orcid_model::items::Section::Work), 1);
}
