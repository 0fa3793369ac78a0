//! One researcher's record, through [`Client::record`]: its items (typed, or of a section
//! known at run time), its lists, whole reads, bulk works, notifications and webhooks.

use std::collections::HashMap;

use orcid_model::activities::ActivitiesSummary;
use orcid_model::bulk::{Bulk, BulkItem};
use orcid_model::items::{AnyItem, RecordItem, Section};
use orcid_model::person::Person;
use orcid_model::record::Record;
use orcid_model::summary::RecordSummary;
use orcid_model::work::Work;
use orcid_model::{Document, OrcidId, PutCode};
use reqwest::Method;

use crate::client::{Call, Client, Created, duplicate_of_earlier_attempt, put_code_from_location};
use crate::error::{ApiError, Error, ErrorCode};
use crate::token::AccessToken;

/// One record, as a token may read or write it: made by [`Client::record`], cheap to copy.
/// Reads work without a token on the public API; writes need one.
///
/// ```no_run
/// # async fn run(client: orcid_client::Client, token: orcid_client::AccessToken) -> Result<(), orcid_client::Error> {
/// use orcid_model::work::{Work, WorkTitle};
/// use orcid_model::vocabulary::WorkType;
/// let orcid: orcid_model::OrcidId = "0000-0002-1825-0097".parse().expect("an ORCID iD");
/// let record = client.record(&token, &orcid);
/// let created = record.create(&Work::new(WorkTitle::new("On ORCID"), WorkType::JournalArticle)).await?;
/// let stored: Work = record.read(created.put_code).await?;
/// record.delete::<Work>(created.put_code).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RecordApi<'a> {
    client: &'a Client,
    token: Option<&'a AccessToken>,
    orcid: &'a OrcidId,
}

impl Client {
    /// The record `orcid`, read or written with `token` (`None` for anonymous reads of the
    /// public API).
    pub fn record<'a>(&'a self, token: impl Into<Option<&'a AccessToken>>, orcid: &'a OrcidId) -> RecordApi<'a> {
        RecordApi { client: self, token: token.into(), orcid }
    }
}

impl<'a> RecordApi<'a> {
    /// The record's iD.
    pub fn orcid(&self) -> &'a OrcidId {
        self.orcid
    }

    /// The token writes need.
    pub(crate) fn token(&self) -> Result<&'a AccessToken, Error> {
        self.token.ok_or_else(|| Error::usage("writing to a record needs an access token"))
    }

    /// Creates an item (POST `/{orcid}/{section}`); the answer's `Location` gives the
    /// put-code. The item must not carry a put-code.
    pub async fn create<T: RecordItem>(&self, item: &T) -> Result<Created, Error> {
        self.create_item(item).await
    }

    /// Creates an item of any section, as [`RecordApi::create`].
    pub async fn create_item(&self, item: &dyn AnyItem) -> Result<Created, Error> {
        let call = Call {
            method: Method::POST,
            url: self.client.url(self.orcid, &[item.section().path()]),
            token: Some(self.token()?),
            body: Some(self.client.encode_document(&item.to_document())),
            resend_if_unsure: !item.self_external_ids().is_empty(),
        };
        let answer = self.client.send(&call).await?;
        if answer.status == 201 {
            return Ok(Created { put_code: put_code_from_location(&answer.headers)?, existing: false });
        }
        let error = self.client.api_error(&answer);
        match duplicate_of_earlier_attempt(&error, answer.unsure_before) {
            Some(put_code) => Ok(Created { put_code, existing: true }),
            None => Err(error.into()),
        }
    }

    /// Updates an item (PUT `/{orcid}/{section}/{put-code}`) and returns it as stored. The
    /// body's put-code is set from `put_code` and its visibility left out (ORCID refuses a
    /// visibility change on update).
    ///
    /// What the item holds that this version of the model does not know (fields a newer ORCID
    /// added, read leniently) is sent back with it, so an update keeps them on the record.
    pub async fn update<T: RecordItem>(&self, put_code: PutCode, item: &T) -> Result<T, Error> {
        let answer = self.send_update(put_code, item).await?;
        self.client.decode(&answer, T::SECTION.path())
    }

    /// Updates an item of any section, as [`RecordApi::update`].
    pub async fn update_item(&self, put_code: PutCode, item: &dyn AnyItem) -> Result<Box<dyn AnyItem>, Error> {
        let answer = self.send_update(put_code, item).await?;
        let section = item.section();
        into_item(self.client.decode_document(&answer, section.kind(), section.path())?, section)
    }

    async fn send_update(&self, put_code: PutCode, item: &dyn AnyItem) -> Result<crate::client::Answer, Error> {
        let mut item = item.clone_item();
        item.set_put_code(Some(put_code));
        item.set_visibility(None);
        let code = put_code.to_string();
        let call = Call {
            method: Method::PUT,
            url: self.client.url(self.orcid, &[item.section().path(), &code]),
            token: Some(self.token()?),
            body: Some(self.client.encode_document(&item.to_document())),
            resend_if_unsure: true,
        };
        self.client.expect(&call, 200).await
    }

    /// Deletes an item (DELETE `/{orcid}/{section}/{put-code}`): `record.delete::<Work>(..)`.
    pub async fn delete<T: RecordItem>(&self, put_code: PutCode) -> Result<(), Error> {
        self.delete_item(T::SECTION, put_code).await
    }

    /// Deletes an item of a section known at run time.
    pub async fn delete_item(&self, section: Section, put_code: PutCode) -> Result<(), Error> {
        let code = put_code.to_string();
        let call = Call {
            method: Method::DELETE,
            url: self.client.url(self.orcid, &[section.path(), &code]),
            token: Some(self.token()?),
            body: None,
            resend_if_unsure: true,
        };
        self.client.expect(&call, 204).await.map(drop)
    }

    /// Reads one item (GET `/{orcid}/{section}/{put-code}`): `record.read::<Work>(..)`.
    pub async fn read<T: RecordItem>(&self, put_code: PutCode) -> Result<T, Error> {
        self.client.get(self.token, self.orcid, &[T::SECTION.path(), &put_code.to_string()], T::SECTION.path()).await
    }

    /// Reads one item of a section known at run time.
    pub async fn read_item(&self, section: Section, put_code: PutCode) -> Result<Box<dyn AnyItem>, Error> {
        let answer = self.client.get_answer(self.token, self.orcid, &[section.path(), &put_code.to_string()]).await?;
        into_item(self.client.decode_document(&answer, section.kind(), section.path())?, section)
    }

    /// Reads a section's list (GET `/{orcid}/works`, `/{orcid}/employments` ...):
    /// `record.list::<Work>()`; [`RecordItem::summaries_in`] gives its entries.
    pub async fn list<T: RecordItem>(&self) -> Result<T::Summaries, Error> {
        self.client.get(self.token, self.orcid, &[T::SECTION.list_path()], T::SECTION.list_path()).await
    }

    /// Reads the list of a section known at run time, as a document:
    /// [`Document::list_entries`] gives its entries.
    pub async fn list_section(&self, section: Section) -> Result<Document, Error> {
        let answer = self.client.get_answer(self.token, self.orcid, &[section.list_path()]).await?;
        self.client.decode_document(&answer, section.summaries_kind(), section.list_path())
    }

    /// Reads the whole record (GET `/{orcid}/record`).
    pub async fn read_record(&self) -> Result<Record, Error> {
        self.client.get(self.token, self.orcid, &["record"], "record").await
    }

    /// Reads the person section (GET `/{orcid}/person`).
    pub async fn read_person(&self) -> Result<Person, Error> {
        self.client.get(self.token, self.orcid, &["person"], "person").await
    }

    /// Reads the activities' summaries (GET `/{orcid}/activities`).
    pub async fn read_activities(&self) -> Result<ActivitiesSummary, Error> {
        self.client.get(self.token, self.orcid, &["activities"], "activities").await
    }

    /// Reads the record summary (GET `/{orcid}/summary`, member API only).
    pub async fn read_summary(&self) -> Result<RecordSummary, Error> {
        self.client.get(Some(self.token()?), self.orcid, &["summary"], "summary").await
    }

    /// Reads works by put-code (GET `/{orcid}/works/{pc,pc,...}`, 100 a request), one result
    /// per put-code in the order given: the work, or ORCID's error for that put-code.
    pub async fn read_works(&self, put_codes: &[PutCode]) -> Result<Vec<Result<Work, ApiError>>, Error> {
        let mut results = Vec::with_capacity(put_codes.len());
        for chunk in put_codes.chunks(100) {
            let list: Vec<String> = chunk.iter().map(PutCode::to_string).collect();
            let bulk: Bulk = self.client.get(self.token, self.orcid, &["works", &list.join(",")], "works").await?;
            // ORCID answers found works first, then one error per missing put-code.
            let mut found: HashMap<PutCode, Work> = HashMap::new();
            let mut errors = Vec::new();
            for item in bulk.items {
                match item {
                    BulkItem::Work(w) => {
                        if let Some(pc) = w.put_code {
                            found.insert(pc, w);
                        }
                    }
                    BulkItem::Error(e) => errors.push(ApiError::from_model(&e)),
                    // An entry this version does not know: neither a work nor an error.
                    _ => {}
                }
            }
            let mut errors = errors.into_iter();
            for pc in chunk {
                results.push(found.remove(pc).ok_or_else(|| {
                    errors.next().unwrap_or_else(|| ApiError {
                        status: 404,
                        code: Some(ErrorCode::InvalidPutCode),
                        developer_message: format!("ORCID's answer had neither put-code {pc} nor an error for it"),
                        user_message: None,
                        more_info: None,
                    })
                }));
            }
        }
        Ok(results)
    }

    /// Creates works in bulk (POST `/{orcid}/works`, 100 a request), one result per work in
    /// the order given: its put-code, or ORCID's error for that work.
    pub async fn create_works(&self, works: &[Work]) -> Result<Vec<Result<Created, ApiError>>, Error> {
        let token = self.token()?;
        let mut results = Vec::with_capacity(works.len());
        for chunk in works.chunks(100) {
            let bulk: Bulk = chunk.iter().cloned().map(BulkItem::Work).collect::<Vec<_>>().into();
            // ORCID refuses works without a `self` identifier, so a resent batch cannot
            // make copies: each work already stored comes back as a duplicate.
            let call = Call {
                method: Method::POST,
                url: self.client.url(self.orcid, &["works"]),
                token: Some(token),
                body: Some(self.client.encode(&bulk)),
                resend_if_unsure: true,
            };
            let answer = self.client.expect(&call, 200).await?;
            let back: Bulk = self.client.decode(&answer, "bulk")?;
            if back.items.len() != chunk.len() {
                return Err(bulk_answer(format!("{} entries for {} works sent", back.items.len(), chunk.len())));
            }
            for item in back.items {
                results.push(match item {
                    BulkItem::Work(w) => match w.put_code {
                        Some(put_code) => Ok(Created { put_code, existing: false }),
                        None => return Err(bulk_answer("a stored work without a put-code".into())),
                    },
                    BulkItem::Error(e) => {
                        let error = ApiError::from_model(&e);
                        match duplicate_of_earlier_attempt(&error, answer.unsure_before) {
                            Some(put_code) => Ok(Created { put_code, existing: true }),
                            None => Err(error),
                        }
                    }
                    _ => return Err(bulk_answer("an entry that is neither a work nor an error".into())),
                });
            }
        }
        Ok(results)
    }

    pub(crate) fn client(&self) -> &'a Client {
        self.client
    }
}

fn bulk_answer(message: String) -> Error {
    Error::Decode { what: "the bulk answer".into(), message }
}

/// A document read from an item's URL as the item it must be.
fn into_item(doc: Document, section: Section) -> Result<Box<dyn AnyItem>, Error> {
    doc.into_item().map_err(|doc| Error::Decode {
        what: format!("the {section} in the answer"),
        message: format!("expected an item of /{}, found a {}", section.path(), doc.kind().as_str()),
    })
}
