//! End to end over loopback: the client against the emulator, with every fault it injects.

use std::path::PathBuf;
use std::time::Duration;

use orcid_client::{AccessToken, Api, Client, ClientSecret, ErrorCode, OAuthClient, RateLimit, RetryPolicy, scope};
use orcid_emulator::{ClientConfig, Config, Emulator, Faults};
use orcid_model::Element;
use orcid_model::Format;
use orcid_model::Mode;
use orcid_model::common::{ExternalId, ExternalIds};
use orcid_model::items::RecordItem;
use orcid_model::keyword::Keyword;
use orcid_model::vocabulary::{ExternalIdType, Relationship, WorkType};
use orcid_model::work::{Work, WorkTitle};

const ORCID: &str = "0000-0002-1825-0097";
static ID: std::sync::LazyLock<orcid_model::OrcidId> = std::sync::LazyLock::new(|| ORCID.parse().expect("an ORCID iD"));
const CLIENT: &str = "APP-EMULATOR00000001";

fn write_sample(name: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/upstream/src/main/resources/record_3.0/samples/write_samples");
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e} (run `cargo xtask schemas fetch` first)"))
}

fn config() -> Config {
    let mut config = Config::default();
    config.clients.push(ClientConfig { id: "APP-OTHER00000000002".into(), secret: "other-secret".into(), name: "Another member".into() });
    // Tests run many requests; the limit's own test sets it.
    config.rate_limit = None;
    config
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 4,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_elapsed: Duration::from_secs(5),
    }
}

fn client(emulator: &Emulator, format: Format) -> Client {
    Client::builder(Api::Url(emulator.url()))
        .format(format)
        .retry(fast_retries())
        .rate_limit(RateLimit { per_second: 10_000.0, burst: 10_000 })
        .build()
        .unwrap()
}

fn token(emulator: &Emulator) -> AccessToken {
    AccessToken::new(emulator.issue_token(CLIENT, ORCID, "/activities/update /person/update /read-limited"))
}

fn work(n: usize) -> Work {
    let id = ExternalId::new(ExternalIdType::Doi, format!("10.5555/emulator.{n}")).with_external_id_relationship(Relationship::Self_);
    Work::new(WorkTitle::new(format!("Work number {n}")), WorkType::JournalArticle).with_external_ids(ExternalIds::from(vec![id]))
}

#[tokio::test]
async fn oauth_code_exchange_refresh_revoke_and_client_credentials() {
    let emulator = Emulator::start(config(), "127.0.0.1:0").await.unwrap();
    let api = Api::Url(emulator.url());
    let oauth = OAuthClient::new(&api, CLIENT, ClientSecret::new("emulator-secret")).unwrap();
    let url = oauth.authorize_url(&[scope::ACTIVITIES_UPDATE, scope::READ_LIMITED], "https://example.org/back", Some("s1"));
    assert!(url.starts_with(&format!(
        "{}/oauth/authorize?client_id={CLIENT}&response_type=code&scope=%2Factivities%2Fupdate+%2Fread-limited",
        emulator.url()
    )));

    // The researcher approves: the emulator redirects back with a code and the state.
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let answer = http.get(&url).send().await.unwrap();
    assert_eq!(answer.status(), 302);
    let back = url::Url::parse(answer.headers()["location"].to_str().unwrap()).unwrap();
    let query: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
    assert_eq!(query["state"], "s1");

    let token = oauth.exchange_code(&query["code"], "https://example.org/back").await.unwrap();
    assert_eq!(token.orcid.as_deref(), Some(ORCID));
    assert_eq!(token.name.as_deref(), Some("Josiah Carberry"));
    assert_eq!(token.scope, "/activities/update /read-limited");
    assert_eq!(token.token_type, "bearer");
    let debug = format!("{token:?}");
    assert!(!debug.contains(token.access_token.expose_secret()), "{debug}");
    assert!(!debug.contains(token.refresh_token.as_ref().unwrap().expose_secret()), "{debug}");

    // A code is good once.
    let again = oauth.exchange_code(&query["code"], "https://example.org/back").await.unwrap_err();
    assert!(matches!(&again, orcid_client::Error::OAuth { status: 400, error, .. } if error == "invalid_grant"), "{again:?}");

    let client = client(&emulator, Format::Xml);
    client.record(&token.access_token, &ID).create(&work(1)).await.unwrap();

    // Refresh, revoking the old token, to a narrower scope.
    let refreshed = oauth.refresh(token.refresh_token.as_ref().unwrap(), true, Some(scope::ACTIVITIES_UPDATE)).await.unwrap();
    assert_eq!(refreshed.scope, "/activities/update");
    let old = client.record(&token.access_token, &ID).create(&work(2)).await.unwrap_err();
    assert_eq!(old.orcid_code(), Some(ErrorCode::InvalidTokenRecord), "{old}");
    client.record(&refreshed.access_token, &ID).create(&work(2)).await.unwrap();

    oauth.revoke(&refreshed.access_token).await.unwrap();
    let revoked = client.record(&refreshed.access_token, &ID).create(&work(3)).await.unwrap_err();
    assert!(matches!(&revoked, orcid_client::Error::Api(e) if e.status == 401), "{revoked:?}");

    let public = oauth.client_credentials(scope::READ_PUBLIC).await.unwrap();
    assert!(public.orcid.is_none() && public.refresh_token.is_none());
    let denied = client.record(&public.access_token, &ID).create(&work(4)).await.unwrap_err();
    assert!(matches!(&denied, orcid_client::Error::Api(e) if e.status == 403), "{denied:?}");

    // A wrong secret: OAuth's error, and the secret is nowhere in it.
    let wrong = OAuthClient::new(&api, CLIENT, ClientSecret::new("not-the-secret")).unwrap();
    let error = wrong.client_credentials(scope::READ_PUBLIC).await.unwrap_err();
    assert!(matches!(&error, orcid_client::Error::OAuth { status: 401, error, .. } if error == "invalid_client"), "{error:?}");
    assert!(!format!("{error} {error:?} {wrong:?}").contains("not-the-secret"));
}

/// Every writable section, from ORCID's own write samples: create, read back, list, update, delete.
async fn every_section(format: Format) {
    let emulator = Emulator::start(config(), "127.0.0.1:0").await.unwrap();
    let client = client(&emulator, format);
    let token = token(&emulator);

    async fn round<T: RecordItem>(client: &Client, token: &AccessToken, sample: &str) {
        let mut item = T::from_xml_str(&write_sample(sample), Mode::Strict).unwrap();
        item.set_put_code(None);
        let created = client.record(token, &ID).create(&item).await.unwrap_or_else(|e| panic!("{sample}: {e}"));
        assert!(!created.existing);
        let back: T = client.record(token, &ID).read(created.put_code).await.unwrap();
        assert_eq!(back.put_code(), Some(created.put_code), "{sample}");
        {
            let list = client.record(token, &ID).list::<T>().await.unwrap_or_else(|e| panic!("{sample} list: {e}"));
            let listed = match client.format() {
                Format::Xml => list.to_xml_string(orcid_model::Layout::Compact),
                Format::Json => list.to_json_string(orcid_model::WriteOptions::read().compact()),
            };
            assert!(listed.contains(&created.put_code.to_string()), "{sample}: put-code {} not in {listed}", created.put_code);
        }
        let updated = client.record(token, &ID).update(created.put_code, &back).await.unwrap_or_else(|e| panic!("{sample} update: {e}"));
        assert_eq!(updated.put_code(), Some(created.put_code));
        assert!(back.created_date().is_some(), "{sample}: the emulator sets the created date");
        assert_eq!(updated.created_date(), back.created_date(), "{sample}: an update keeps the created date");
        client.record(token, &ID).delete::<T>(created.put_code).await.unwrap();
        let gone = client.record(token, &ID).read::<T>(created.put_code).await.unwrap_err();
        assert_eq!(gone.orcid_code(), Some(ErrorCode::ResourceNotFound), "{sample}: {gone}");
    }

    use orcid_model::*;
    round::<work::Work>(&client, &token, "work-full-3.0.xml").await;
    round::<funding::Funding>(&client, &token, "funding-3.0.xml").await;
    round::<peer_review::PeerReview>(&client, &token, "peer-review-full-3.0.xml").await;
    round::<research_resource::ResearchResource>(&client, &token, "research-resource-3.0.xml").await;
    round::<employment::Employment>(&client, &token, "employment-3.0.xml").await;
    round::<education::Education>(&client, &token, "education-3.0.xml").await;
    round::<distinction::Distinction>(&client, &token, "distinction-3.0.xml").await;
    round::<invited_position::InvitedPosition>(&client, &token, "invited-position-3.0.xml").await;
    round::<membership::Membership>(&client, &token, "membership-3.0.xml").await;
    round::<qualification::Qualification>(&client, &token, "qualification-3.0.xml").await;
    round::<service::Service>(&client, &token, "service-3.0.xml").await;
    round::<other_name::OtherName>(&client, &token, "other-name-3.0.xml").await;
    round::<keyword::Keyword>(&client, &token, "keyword-3.0.xml").await;
    round::<researcher_url::ResearcherUrl>(&client, &token, "researcher-url-3.0.xml").await;
    round::<external_identifier::ExternalIdentifier>(&client, &token, "external-identifier-3.0.xml").await;
    round::<address::Address>(&client, &token, "address-3.0.xml").await;
}

#[tokio::test]
async fn every_section_in_xml() {
    every_section(Format::Xml).await;
}

#[tokio::test]
async fn every_section_in_json() {
    every_section(Format::Json).await;
}

#[tokio::test]
async fn orcid_rules_put_codes_sources_and_duplicates() {
    let emulator = Emulator::start(config(), "127.0.0.1:0").await.unwrap();
    let client = client(&emulator, Format::Json);
    let xml_client = self::client(&emulator, Format::Xml);
    let token = token(&emulator);
    let first = client.record(&token, &ID).create(&work(1)).await.unwrap();

    // The same DOI written differently is a duplicate; the error names the stored put-code.
    let mut same = work(99);
    same.external_ids.as_mut().unwrap().external_ids[0].external_id_value = "https://doi.org/10.5555/EMULATOR.1".into();
    let duplicate = client.record(&token, &ID).create(&same).await.unwrap_err();
    let orcid_client::Error::Api(e) = &duplicate else { panic!("{duplicate:?}") };
    assert_eq!((e.status, e.code), (409, Some(ErrorCode::Duplicate)));
    assert!(e.developer_message.contains(&format!("put-code {}", first.put_code)), "{}", e.developer_message);

    // A put-code on create: 9024, from the validator's rule.
    let mut with_code = work(2);
    with_code.put_code = Some(orcid_model::PutCode::new(5));
    let e = client.record(&token, &ID).create(&with_code).await.unwrap_err();
    assert_eq!(e.orcid_code(), Some(ErrorCode::PutCodeOnCreate), "{e}");

    // A work type off ORCID's list: in JSON Jackson fails to bind it (9047); in XML the
    // adapter refuses it (9051). Both with the validator's message.
    let mut bad = work(3);
    bad.kind = WorkType::from("jornal-article");
    let e = client.record(&token, &ID).create(&bad).await.unwrap_err();
    assert_eq!(e.orcid_code(), Some(ErrorCode::InvalidJson), "{e}");
    assert!(e.to_string().contains("jornal-article"), "{e}");
    let e = xml_client.record(&token, &ID).create(&bad).await.unwrap_err();
    assert_eq!(e.orcid_code(), Some(ErrorCode::InvalidEnumerationValue), "{e}");

    // Only the source may change or delete an item: 9010.
    let other = AccessToken::new(emulator.issue_token("APP-OTHER00000000002", ORCID, "/activities/update /read-limited"));
    let e = client.record(&other, &ID).update(first.put_code, &work(1)).await.unwrap_err();
    assert_eq!(e.orcid_code(), Some(ErrorCode::NotSource), "{e}");
    let e = client.record(&other, &ID).delete::<Work>(first.put_code).await.unwrap_err();
    assert_eq!(e.orcid_code(), Some(ErrorCode::NotSource), "{e}");
    // ... while another source may add the same DOI.
    client.record(&other, &ID).create(&work(1)).await.unwrap();

    // Unknown put-code on update and read: 404 9016.
    let e = client.record(&token, &ID).update(orcid_model::PutCode::new(999_999), &work(1)).await.unwrap_err();
    assert_eq!(e.orcid_code(), Some(ErrorCode::ResourceNotFound), "{e}");

    // Another researcher's record: refused.
    let e = client.record(&token, &"0000-0001-5109-3700".parse().unwrap()).create(&work(7)).await.unwrap_err();
    assert!(matches!(&e, orcid_client::Error::Api(a) if a.status == 404), "{e:?}");
}

#[tokio::test]
async fn bulk_create_and_read_by_put_code_keep_input_order() {
    let emulator = Emulator::start(config(), "127.0.0.1:0").await.unwrap();
    let client = client(&emulator, Format::Xml);
    let token = token(&emulator);
    let mut works: Vec<Work> = (0..250).map(work).collect();
    works[120].external_ids = None; // no `self` id: 9023 for that one only
    works[200] = work(10); // the same DOI as works[10]: a duplicate in a later request
    works[60] = work(50); // the same DOI as works[50]: a duplicate within one request
    let results = client.record(&token, &ID).create_works(&works).await.unwrap();
    assert_eq!(results.len(), 250);
    assert_eq!(results[120].as_ref().unwrap_err().code, Some(ErrorCode::ExternalIdInvalid));
    for (dup, first) in [(200, 10), (60, 50)] {
        let e = results[dup].as_ref().unwrap_err();
        assert_eq!(e.code, Some(ErrorCode::Duplicate));
        let first = results[first].as_ref().unwrap().put_code;
        assert!(e.developer_message.contains(&format!("put-code {first}")), "{}", e.developer_message);
    }
    let codes: Vec<orcid_model::PutCode> = results.iter().filter_map(|r| r.as_ref().ok()).map(|c| c.put_code).collect();
    assert_eq!(codes.len(), 247);
    assert!(codes.windows(2).all(|w| w[0] < w[1]), "put-codes in input order");
    assert_eq!(emulator.count(ORCID, orcid_model::items::Section::Work), 247);

    // Read back out of order, with a put-code that is not there.
    let ask = [codes[5], orcid_model::PutCode::new(1), codes[0], codes[200]];
    let read = client.record(&token, &ID).read_works(&ask).await.unwrap();
    assert_eq!(read[0].as_ref().unwrap().put_code, Some(codes[5]));
    assert_eq!(read[1].as_ref().unwrap_err().code, Some(ErrorCode::InvalidPutCode));
    assert_eq!(read[2].as_ref().unwrap().put_code, Some(codes[0]));
    assert_eq!(read[3].as_ref().unwrap().put_code, Some(codes[200]));
    assert_eq!(read[2].as_ref().unwrap().title.title, "Work number 0");
    // More than 100 are split into requests of 100.
    assert_eq!(client.record(&token, &ID).read_works(&codes).await.unwrap().iter().filter(|r| r.is_ok()).count(), 247);
}

#[tokio::test]
async fn retries_through_503s_and_dropped_connections() {
    let emulator = Emulator::start(config(), "127.0.0.1:0").await.unwrap();
    let client = client(&emulator, Format::Json);
    let token = token(&emulator);
    emulator.set_faults(Faults { unavailable: 0.5, drop_connection: 0.25, ..Faults::default() });
    for n in 0..20 {
        let created = client.record(&token, &ID).create(&work(n)).await.unwrap();
        client.record(&token, &ID).read::<Work>(created.put_code).await.unwrap();
    }
    assert_eq!(emulator.count(ORCID, orcid_model::items::Section::Work), 20);

    // With every request failing, the client gives up within its bounds.
    emulator.set_faults(Faults { unavailable: 1.0, ..Faults::default() });
    let started = std::time::Instant::now();
    let e = client.record(&token, &ID).read::<Work>(orcid_model::PutCode::new(1)).await.unwrap_err();
    assert!(matches!(&e, orcid_client::Error::Api(a) if a.status == 503), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_lost_answer_to_a_create_never_makes_two_copies() {
    let emulator = Emulator::start(config(), "127.0.0.1:0").await.unwrap();
    let client = client(&emulator, Format::Xml);
    let token = token(&emulator);
    // Every create is stored and its answer lost: the retry meets 409 and reports the first copy.
    emulator.set_faults(Faults { lose_created: 1.0, ..Faults::default() });
    let created = client.record(&token, &ID).create(&work(1)).await.unwrap();
    assert!(created.existing);
    assert_eq!(emulator.count(ORCID, orcid_model::items::Section::Work), 1);
    let stored = client.record(&token, &ID).read::<Work>(created.put_code).await.unwrap();
    assert_eq!(stored.title.title, "Work number 1");

    // The same for a bulk: every work comes back with its put-code, none twice.
    let results = client.record(&token, &ID).create_works(&(2..12).map(work).collect::<Vec<_>>()).await.unwrap();
    assert!(results.iter().all(|r| r.as_ref().is_ok_and(|c| c.existing)), "{results:?}");
    assert_eq!(emulator.count(ORCID, orcid_model::items::Section::Work), 11);

    // An item ORCID cannot find duplicates of is not sent again: the error says so.
    let keyword = Keyword::from_xml_str(&write_sample("keyword-3.0.xml"), Mode::Strict).unwrap();
    let e = client.record(&token, &ID).create(&keyword).await.unwrap_err();
    assert!(
        matches!(&e, orcid_client::Error::Transport { message: m, source: Some(_) } if m.contains("may have stored the item")),
        "{e:?}"
    );
    assert_eq!(emulator.count(ORCID, orcid_model::items::Section::Keyword), 1);
}

#[tokio::test]
async fn delays_beyond_the_timeout_are_bounded_failures() {
    let emulator = Emulator::start(config(), "127.0.0.1:0").await.unwrap();
    let token = token(&emulator);
    emulator.set_faults(Faults { delay: Duration::from_millis(400), ..Faults::default() });
    let patient = client(&emulator, Format::Xml);
    let started = std::time::Instant::now();
    patient.record(&token, &ID).create(&work(1)).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(400));

    let hasty = Client::builder(Api::Url(emulator.url()))
        .timeout(Duration::from_millis(100))
        .retry(RetryPolicy { max_retries: 2, ..fast_retries() })
        .build()
        .unwrap();
    let e = hasty.record(&token, &ID).list::<Work>().await.unwrap_err();
    assert!(matches!(&e, orcid_client::Error::Transport { message: m, source: Some(_) } if m.contains("timed out")), "{e:?}");
}

#[tokio::test]
async fn the_rate_limit_is_shared_by_clones_and_keeps_the_emulator_from_503() {
    let mut config = config();
    config.rate_limit = Some((50.0, 10));
    let emulator = Emulator::start(config, "127.0.0.1:0").await.unwrap();
    let token = token(&emulator);

    // Unlimited and without retries, 60 requests at once overflow the queue.
    let greedy = Client::builder(Api::Url(emulator.url()))
        .retry(RetryPolicy::NONE)
        .rate_limit(RateLimit { per_second: 1e6, burst: 1_000_000 })
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..60)
        .map(|_| {
            let c = greedy.clone();
            let t = token.clone();
            tokio::spawn(async move { c.record(&t, &ID).list::<Work>().await.is_ok() })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        ok += usize::from(t.await.unwrap());
    }
    assert!(ok < 60 && emulator.rate_limited() > 0, "{ok} succeeded");

    // Clones of a client limited like the server share one bucket: no 503 at all.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before = emulator.rate_limited();
    let polite = Client::builder(Api::Url(emulator.url()))
        .retry(RetryPolicy::NONE)
        .rate_limit(RateLimit { per_second: 50.0, burst: 10 })
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..60)
        .map(|_| {
            let c = polite.clone();
            let t = token.clone();
            tokio::spawn(async move { c.record(&t, &ID).list::<Work>().await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(emulator.rate_limited(), before);
}

#[tokio::test]
async fn record_person_and_activities_show_what_was_written() {
    let emulator = Emulator::start(config(), "127.0.0.1:0").await.unwrap();
    let token = token(&emulator);
    let xml = client(&emulator, Format::Xml);
    let work = xml.record(&token, &ID).create(&work(1)).await.unwrap().put_code;
    let employment = orcid_model::employment::Employment::from_xml_str(&write_sample("employment-3.0.xml"), Mode::Strict).unwrap();
    let employment = xml.record(&token, &ID).create(&employment).await.unwrap().put_code;
    let keyword = xml
        .record(&token, &ID)
        .create(&Keyword::from_xml_str(&write_sample("keyword-3.0.xml"), Mode::Strict).unwrap())
        .await
        .unwrap()
        .put_code;

    for format in [Format::Xml, Format::Json] {
        let client = client(&emulator, format);
        let activities = client.record(&token, &ID).read_activities().await.unwrap();
        let works = activities.works.as_ref().unwrap();
        assert_eq!(works.groups[0].work_summaries[0].put_code, Some(work));
        let employments = activities.employments.as_ref().unwrap();
        assert_eq!(employments.affiliation_groups[0].employment_summaries[0].put_code, Some(employment), "{employments:?}");
        let person = client.record(&token, &ID).read_person().await.unwrap();
        assert_eq!(person.keywords.as_ref().unwrap().keywords[0].put_code, Some(keyword));
        let record = client.record(&token, &ID).read_record().await.unwrap();
        assert_eq!(record.orcid_identifier.as_ref().unwrap().path.as_deref(), Some(ORCID));
        assert_eq!(record.activities_summary.as_ref().unwrap().works.as_ref().unwrap().groups.len(), 1);
        let listed = record.to_xml_string(orcid_model::Layout::Compact);
        assert!(listed.contains(&format!("put-code=\"{employment}\"")), "{listed}");
    }
}

/// Peer-review group ids: looked up, registered, owned by their client, unique ignoring case;
/// `issn:` groups registered by ORCID; a review needs a registered group (server rules §5.8,
/// R10, R11).
#[tokio::test]
async fn group_ids_are_registered_owned_and_required_by_reviews() {
    use orcid_model::group_id::GroupIdRecord;
    use orcid_model::peer_review::PeerReview;
    let emulator = Emulator::start(config(), "127.0.0.1:0").await.unwrap();
    for format in [Format::Xml, Format::Json] {
        let client = client(&emulator, format);
        let suffix = if format == Format::Xml { "xml" } else { "json" };
        let groups = AccessToken::new(emulator.issue_token(CLIENT, ORCID, "/group-id-record/update"));
        let group_id = format!("orcid-generated:press-{suffix}");
        let group = GroupIdRecord::new("Example Press reviews", group_id.as_str(), "Reviews for Example Press", "publisher");

        assert_eq!(client.groups(&groups).find(&group_id).await.unwrap(), None);
        let created = client.groups(&groups).create(&group).await.unwrap();
        let found = client
            .groups(&groups)
            .find(&group_id.to_uppercase().replace("ORCID-GENERATED", "orcid-generated"))
            .await
            .unwrap()
            .expect("found ignoring case");
        assert_eq!(found.put_code, Some(created.put_code));
        assert_eq!(client.groups(&groups).find_by_name("Example Press reviews").await.unwrap().map(|g| g.group_id), Some(group_id.clone()));
        assert_eq!(client.groups(&groups).read(created.put_code).await.unwrap().description, "Reviews for Example Press");

        // G4: the same group id, in another case, is taken.
        let again = GroupIdRecord::new("Copy", group_id.replace("press", "PRESS").as_str(), "d", "publisher");
        assert_eq!(client.groups(&groups).create(&again).await.unwrap_err().orcid_code(), Some(ErrorCode::GroupIdExists));
        // G6: another client may not change it; its source may.
        let other = AccessToken::new(emulator.issue_token("APP-OTHER00000000002", ORCID, "/group-id-record/update"));
        let renamed = group.clone().with_name("Example Press: all reviews");
        assert_eq!(client.groups(&other).update(created.put_code, &renamed).await.unwrap_err().orcid_code(), Some(ErrorCode::NotSource));
        assert_eq!(client.groups(&groups).update(created.put_code, &renamed).await.unwrap().name, "Example Press: all reviews");
        let page = client.groups(&groups).page(1, 100).await.unwrap();
        assert!(page.group_id_records.iter().any(|g| g.group_id == group_id), "{page:?}");

        // R11: a review naming a group that is not registered is refused; a registered one is fine.
        let user = token(&emulator);
        let review_xml =
            std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/items/peer-review.xml")).unwrap();
        let mut review = PeerReview::from_xml_str(&review_xml, Mode::Strict).unwrap();
        review.review_group_id = format!("orcid-generated:unknown-{suffix}");
        review.review_identifiers.external_ids[0].external_id_value = format!("REV-{suffix}-1");
        let e = client.record(&user, &ID).create(&review).await.unwrap_err();
        assert_eq!(e.orcid_code(), Some(ErrorCode::ValidationFailed), "{e}");
        review.review_group_id = group_id.clone();
        let posted = client.record(&user, &ID).create(&review).await.unwrap();
        // The review is on the record, under its group.
        let record = client.record(&user, &ID).read_record().await.unwrap();
        let reviews = record.activities_summary.and_then(|a| a.peer_reviews).expect("peer reviews on the record");
        let on_record = reviews.groups.iter().find(|g| g.external_ids.external_ids.iter().any(|id| id.external_id_value == group_id));
        let summaries: Vec<_> =
            on_record.expect("the review's group").peer_review_groups.iter().flat_map(|g| &g.peer_review_summaries).collect();
        assert!(summaries.iter().any(|s| s.put_code == Some(posted.put_code)), "{summaries:?}");
        // R10: an `issn:` group is registered by ORCID when a review names it; a group-id POST
        // of one is always 409/9025 (or 9053 without an ISSN).
        review.review_group_id = format!("issn:1234-567{}", if suffix == "xml" { "8" } else { "X" });
        review.review_identifiers.external_ids[0].external_id_value = format!("REV-{suffix}-2");
        client.record(&user, &ID).create(&review).await.unwrap();
        assert!(client.groups(&groups).find(&review.review_group_id).await.unwrap().is_some());
        let issn_group = GroupIdRecord::new("A journal", "issn:2049-3630", "d", "journal");
        assert_eq!(client.groups(&groups).create(&issn_group).await.unwrap_err().orcid_code(), Some(ErrorCode::GroupIdExists));
        assert!(client.groups(&groups).find("issn:2049-3630").await.unwrap().is_some(), "registered by ORCID");
        let bad_issn = GroupIdRecord::new("A journal", "issn:journal", "d", "journal");
        assert_eq!(client.groups(&groups).create(&bad_issn).await.unwrap_err().orcid_code(), Some(ErrorCode::InvalidIssn));

        client.groups(&groups).delete(created.put_code).await.unwrap();
        assert_eq!(client.groups(&groups).find(&group_id).await.unwrap(), None);
        // Writing needs the update scope.
        let read_only = AccessToken::new(emulator.issue_token(CLIENT, ORCID, "/group-id-record/read"));
        assert!(client.groups(&read_only).create(&group).await.is_err());
    }
}

/// Client-credentials tokens from the emulator's OAuth endpoint, for a client and a scope.
async fn client_token(emulator: &Emulator, client_id: &str, secret: &str, scope: &str) -> AccessToken {
    let oauth = OAuthClient::new(&Api::Url(emulator.url()), client_id, ClientSecret::new(secret)).unwrap();
    oauth.client_credentials(scope).await.unwrap().access_token
}

#[tokio::test]
async fn notifications_are_kept_per_record_and_archived_by_their_sender() {
    use orcid_model::notification::NotificationPermission;
    let emulator = Emulator::start(config(), "127.0.0.1:0").await.unwrap();
    let sender = client_token(&emulator, CLIENT, "emulator-secret", scope::PREMIUM_NOTIFICATION).await;
    let other = client_token(&emulator, "APP-OTHER00000000002", "other-secret", scope::PREMIUM_NOTIFICATION).await;
    let item =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/items/notification-permission.xml")).unwrap();
    let notification = NotificationPermission::from_xml_str(&item, Mode::Strict).unwrap();
    for format in [Format::Xml, Format::Json] {
        let client = client(&emulator, format);
        let created = client.record(&sender, &ID).create_notification(&notification).await.unwrap();
        let read = client.record(&sender, &ID).read_notification(created.put_code).await.unwrap();
        assert_eq!((read.put_code, &read.items, &read.archived_date), (Some(created.put_code), &notification.items, &None));
        assert!(read.sent_date.is_some() && read.source.is_some(), "ORCID sets the dates and the source: {read:?}");

        // Only the sender sees or archives it.
        assert_eq!(
            client.record(&other, &ID).read_notification(created.put_code).await.unwrap_err().orcid_code(),
            Some(ErrorCode::WrongScope)
        );
        assert_eq!(
            client.record(&other, &ID).archive_notification(created.put_code).await.unwrap_err().orcid_code(),
            Some(ErrorCode::NotSource)
        );
        let archived = client.record(&sender, &ID).archive_notification(created.put_code).await.unwrap();
        let when = archived.archived_date.clone().expect("archived");
        // Archiving is kept, not a removal; a second DELETE changes nothing.
        assert_eq!(client.record(&sender, &ID).archive_notification(created.put_code).await.unwrap().archived_date, Some(when));
        assert!(client.record(&sender, &ID).read_notification(created.put_code).await.unwrap().archived_date.is_some());
        let missing = client.record(&sender, &ID).read_notification(orcid_model::PutCode::new(1)).await.unwrap_err();
        assert_eq!(missing.orcid_code(), Some(ErrorCode::NotificationNotFound));
        // A researcher's token lacks the scope.
        let user = token(&emulator);
        assert_eq!(
            client.record(&user, &ID).create_notification(&notification).await.unwrap_err().orcid_code(),
            Some(ErrorCode::InsufficientScope)
        );
        // The body is checked as ORCID checks it (server rules §5.9).
        let mut empty = notification.clone();
        empty.items.items.clear();
        assert!(client.record(&sender, &ID).create_notification(&empty).await.is_err());
    }
}

/// A callback server on loopback that counts the POSTs each path receives.
async fn callback_server() -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let app = axum::Router::new().fallback(move |method: axum::http::Method, uri: axum::http::Uri, body: axum::body::Bytes| {
        let tx = tx.clone();
        async move {
            assert!(body.is_empty(), "ORCID's webhook call has an empty body");
            let _ = tx.send(format!("{method} {uri}"));
            axum::http::StatusCode::NO_CONTENT
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, rx)
}

#[tokio::test]
async fn a_webhook_is_called_when_its_record_changes() {
    let emulator = Emulator::start(config(), "127.0.0.1:0").await.unwrap();
    let client = client(&emulator, Format::Xml);
    let hooks = client_token(&emulator, CLIENT, "emulator-secret", scope::WEBHOOK).await;
    let other = client_token(&emulator, "APP-OTHER00000000002", "other-secret", scope::WEBHOOK).await;
    let (callbacks, mut calls) = callback_server().await;
    let kept = format!("{callbacks}/kept/{ORCID}?from=orcid");
    let removed = format!("{callbacks}/removed/{ORCID}");

    assert!(client.record(&hooks, &ID).register_webhook(&kept).await.unwrap(), "201: new");
    assert!(!client.record(&hooks, &ID).register_webhook(&kept).await.unwrap(), "204: registered already");
    assert!(client.record(&hooks, &ID).register_webhook(&removed).await.unwrap());
    assert_eq!(client.record(&other, &ID).remove_webhook(&removed).await.unwrap_err().orcid_code(), Some(ErrorCode::Forbidden));
    client.record(&hooks, &ID).remove_webhook(&removed).await.unwrap();
    assert_eq!(client.record(&hooks, &ID).remove_webhook(&removed).await.unwrap_err().orcid_code(), Some(ErrorCode::WebhookNotFound));

    // A change to the record: the kept callback hears of it, the removed one does not.
    let user = token(&emulator);
    let created = client.record(&user, &ID).create(&work(1)).await.unwrap();
    let call = tokio::time::timeout(Duration::from_secs(5), calls.recv()).await.expect("called within 5 s").unwrap();
    assert_eq!(call, format!("POST /kept/{ORCID}?from=orcid"));
    client.record(&user, &ID).delete::<Work>(created.put_code).await.unwrap();
    let call = tokio::time::timeout(Duration::from_secs(5), calls.recv()).await.expect("called within 5 s").unwrap();
    assert_eq!(call, format!("POST /kept/{ORCID}?from=orcid"));
    assert!(calls.try_recv().is_err(), "one call a change, none for the removed callback");
    // Reads change nothing and call nothing.
    client.record(&user, &ID).list::<Work>().await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(calls.try_recv().is_err());
    // A researcher's token lacks the scope.
    assert_eq!(client.record(&user, &ID).register_webhook(&kept).await.unwrap_err().orcid_code(), Some(ErrorCode::InsufficientScope));
}

#[tokio::test]
async fn search_finds_people_by_name_and_pages_through_thousands() {
    use futures_util::StreamExt;
    let mut config = config();
    config.people = 2500;
    let emulator = Emulator::start(config, "127.0.0.1:0").await.unwrap();
    let public = Client::builder(Api::Url(format!("{}/pub/v3.0", emulator.url())))
        .format(Format::Json)
        .retry(fast_retries())
        .rate_limit(RateLimit { per_second: 10_000.0, burst: 10_000 })
        .build()
        .unwrap();

    // By name, anonymously, on the public API.
    let found = public.search(None).ids("family-name:Carberry AND given-names:Josiah", 0, 10).await.unwrap();
    assert_eq!(found.num_found, Some(1));
    assert_eq!(found.results[0].orcid_identifier.path.as_deref(), Some(ORCID));
    let expanded = public.search(None).expanded("given-and-family-names:\"Josiah Carberry\"", 0, 10).await.unwrap();
    assert_eq!(
        (expanded.expanded_results[0].given_names.as_deref(), expanded.expanded_results[0].family_names.as_deref()),
        (Some("Josiah"), Some("Carberry"))
    );

    // Every record, 100 a page: 26 requests, each record once.
    let before = emulator.requests();
    let pages: Vec<_> = public.search(None).ids_all("*:*", 100).collect().await;
    assert_eq!(emulator.requests() - before, 26);
    let ids: std::collections::BTreeSet<String> =
        pages.into_iter().flat_map(|p| p.unwrap().results).map(|r| r.orcid_identifier.path.unwrap_or_default()).collect();
    assert_eq!(ids.len(), 2501);
    // Generated iDs start at 0000-0003-0000-0000 (check digit aside).
    let generated = |n: u64| orcid_model::OrcidId::from_number(30_000_000 + n).unwrap().as_str().to_owned();
    assert!(ids.contains(ORCID) && ids.contains(&generated(0)) && ids.contains(&generated(2499)));

    // Generated people have employments and works with DOIs; expanded search shows institutions.
    let by_doi = public.search(None).ids("digital-object-ids:\"10.5555/emulator.7.0\"", 0, 10).await.unwrap();
    assert_eq!(by_doi.results.iter().map(|r| r.orcid_identifier.path.clone().unwrap_or_default()).collect::<Vec<_>>(), [generated(7)]);
    let at = public.search(None).expanded("affiliation-org-name:\"Example Light Source\"", 0, 1000).await.unwrap();
    assert!(at.num_found.unwrap() > 50 && at.expanded_results.iter().all(|r| !r.institution_names.is_empty()), "{:?}", at.num_found);
    let csv = public.search(None).csv(&format!("orcid:{}", generated(7)), &["orcid", "family-name", "nonsense"], 0, 10).await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("orcid,family-name"), "ORCID drops fields it does not allow");
    assert!(lines.next().unwrap().starts_with(&format!("{},", generated(7))));
    assert_eq!(lines.next(), None);

    // Person items written through the API are searchable at once, on both APIs.
    let member = client(&emulator, Format::Xml);
    let user = token(&emulator);
    member.record(&user, &ID).create(&Keyword::new("zebrafish fin regeneration")).await.unwrap();
    let by_keyword = member.search(&user).ids("keyword:(zebrafish AND regeneration)", 0, 10).await.unwrap();
    assert_eq!(by_keyword.results.iter().map(|r| r.orcid_identifier.path.clone().unwrap_or_default()).collect::<Vec<_>>(), [ORCID]);

    // ORCID's limits: 1000 rows a page; start 10,000 without a token; Solr's refusals are 500s.
    assert_eq!(public.search(None).ids("*:*", 0, 1001).await.unwrap_err().orcid_code(), Some(ErrorCode::BadParameters));
    assert_eq!(public.search(None).ids("*:*", 10_001, 10).await.unwrap_err().orcid_code(), Some(ErrorCode::SearchStartTooLarge));
    let deep = public.search(&user).ids("*:*", 10_001, 10).await.unwrap();
    assert_eq!((deep.num_found, deep.results.len()), (Some(2501), 0), "a token lifts the start limit");
    let refused = public.search(None).ids("colour:red", 0, 10).await.unwrap_err();
    assert_eq!(refused.orcid_code(), Some(ErrorCode::Other(9008)));

    // Reads: the public API answers without a token; the member API does not.
    let record = public.record(None, &ID).read_record().await.unwrap();
    let name = record.person.and_then(|p| p.name).expect("the record holder's name");
    assert_eq!((name.given_names.as_deref(), name.family_name.as_deref()), (Some("Josiah"), Some("Carberry")));
    assert_eq!(member.record(None, &ID).read_record().await.unwrap_err().orcid_code(), Some(ErrorCode::InvalidToken));
    // The public API only reads.
    assert_eq!(public.record(&user, &ID).create(&Keyword::new("x")).await.unwrap_err().orcid_code(), Some(ErrorCode::BadRequest));
}

/// Two pushes of different folders to one record from one process take turns: every outcome
/// of one comes before every outcome of the other, and each item is on the record once.
#[cfg(feature = "push")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_to_one_record_from_one_process_take_turns() {
    use orcid_client::push::{Outcome, PushOptions, push};
    let emulator = Emulator::start(config(), "127.0.0.1:0").await.unwrap();
    emulator.set_faults(Faults { delay: Duration::from_millis(20), ..Faults::default() });
    let (client, token) = (client(&emulator, Format::Xml), token(&emulator));
    let dirs: Vec<PathBuf> = ["a", "b"]
        .iter()
        .map(|name| {
            let dir = std::env::temp_dir().join(format!("orcid-turns-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            for i in 0..4 {
                std::fs::write(
                    dir.join(format!("keyword-{i}.xml")),
                    Keyword::new(format!("{name} {i}")).to_xml_string(orcid_model::Layout::Indented),
                )
                .unwrap();
            }
            dir
        })
        .collect();
    let seen = std::sync::Mutex::new(Vec::new());
    let (a, b) = (|_: &Outcome| seen.lock().unwrap().push('a'), |_: &Outcome| seen.lock().unwrap().push('b'));
    let options = PushOptions::default();
    let (ra, rb) = tokio::join!(push(&client, &token, &ID, &dirs[0], &options, &a), push(&client, &token, &ID, &dirs[1], &options, &b));
    assert!(ra.unwrap().is_clean() && rb.unwrap().is_clean());
    let order: String = seen.into_inner().unwrap().into_iter().collect();
    assert!(order == "aaaabbbb" || order == "bbbbaaaa", "the pushes interleaved: {order}");
    assert_eq!(emulator.count(ORCID, orcid_model::items::Section::Keyword), 8);
    for dir in dirs {
        let _ = std::fs::remove_dir_all(dir);
    }
}
