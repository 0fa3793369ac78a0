//! Peer-review group ids: ORCID's registry at `/group-id-record` (a client-credentials token
//! with `/group-id-record/update`, or `/group-id-record/read` to look up).

use orcid_model::PutCode;
use orcid_model::group_id::{GroupIdRecord, GroupIdRecords};
use reqwest::Method;

use crate::client::{Call, Client, Created, put_code_from_location};
use crate::error::Error;
use crate::token::AccessToken;

/// ORCID's registry of peer-review group ids, as a token may use it: made by
/// [`Client::groups`].
#[derive(Debug, Clone, Copy)]
pub struct GroupsApi<'a> {
    client: &'a Client,
    token: &'a AccessToken,
}

impl Client {
    /// The registry of peer-review group ids, with a client-credentials token.
    pub fn groups<'a>(&'a self, token: &'a AccessToken) -> GroupsApi<'a> {
        GroupsApi { client: self, token }
    }
}

impl GroupsApi<'_> {
    /// Registers a peer-review group id (POST `/group-id-record`; a client-credentials token
    /// with `/group-id-record/update`). ORCID refuses a group id that exists (409, 9025), and
    /// creates `issn:` groups itself (so posting one is always 9025 or 9053).
    ///
    /// ```no_run
    /// # async fn run(client: orcid_client::Client, token: orcid_client::AccessToken) -> Result<(), orcid_client::Error> {
    /// use orcid_model::group_id::GroupIdRecord;
    /// let group = GroupIdRecord::new("Example Press reviews", "orcid-generated:example-press", "Reviews for Example Press", "publisher");
    /// let found = client.groups(&token).find("orcid-generated:example-press").await?;
    /// let put_code = match found {
    ///     Some(existing) => existing.put_code.expect("a registered group has a put-code"),
    ///     None => client.groups(&token).create(&group).await?.put_code,
    /// };
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, record: &GroupIdRecord) -> Result<Created, Error> {
        let mut record = record.clone();
        record.put_code = None;
        let call = Call {
            method: Method::POST,
            url: self.client.api_url(&["group-id-record"], &[]),
            token: Some(self.token),
            body: Some(self.client.encode(&record)),
            resend_if_unsure: true,
        };
        let answer = self.client.expect(&call, 201).await?;
        Ok(Created { put_code: put_code_from_location(&answer.headers)?, existing: false })
    }

    /// Updates a group this client registered (PUT `/group-id-record/{put-code}`).
    pub async fn update(&self, put_code: PutCode, record: &GroupIdRecord) -> Result<GroupIdRecord, Error> {
        let mut record = record.clone();
        record.put_code = Some(put_code);
        let code = put_code.to_string();
        let call = Call {
            method: Method::PUT,
            url: self.client.api_url(&["group-id-record", &code], &[]),
            token: Some(self.token),
            body: Some(self.client.encode(&record)),
            resend_if_unsure: true,
        };
        let answer = self.client.expect(&call, 200).await?;
        self.client.decode(&answer, "group-id-record")
    }

    /// Deletes a group this client registered.
    pub async fn delete(&self, put_code: PutCode) -> Result<(), Error> {
        let code = put_code.to_string();
        let call = Call {
            method: Method::DELETE,
            url: self.client.api_url(&["group-id-record", &code], &[]),
            token: Some(self.token),
            body: None,
            resend_if_unsure: true,
        };
        self.client.expect(&call, 204).await.map(drop)
    }

    /// Reads a group by its put-code.
    pub async fn read(&self, put_code: PutCode) -> Result<GroupIdRecord, Error> {
        let code = put_code.to_string();
        let call = Call {
            method: Method::GET,
            url: self.client.api_url(&["group-id-record", &code], &[]),
            token: Some(self.token),
            body: None,
            resend_if_unsure: true,
        };
        let answer = self.client.expect(&call, 200).await?;
        self.client.decode(&answer, "group-id-record")
    }

    /// The group with this group id (compared ignoring case), if registered. For an `issn:`
    /// group id ORCID registers the group on the spot when the ISSN portal knows it.
    pub async fn find(&self, group_id: &str) -> Result<Option<GroupIdRecord>, Error> {
        self.find_by("group-id", group_id).await
    }

    /// The group with this name exactly, if any.
    pub async fn find_by_name(&self, name: &str) -> Result<Option<GroupIdRecord>, Error> {
        self.find_by("name", name).await
    }

    async fn find_by(&self, key: &str, value: &str) -> Result<Option<GroupIdRecord>, Error> {
        let call = Call {
            method: Method::GET,
            url: self.client.api_url(&["group-id-record"], &[(key, value)]),
            token: Some(self.token),
            body: None,
            resend_if_unsure: true,
        };
        let answer = self.client.expect(&call, 200).await?;
        // Nothing found is an empty record (200), as ORCID answers.
        let text = String::from_utf8_lossy(&answer.body);
        let trimmed = text.trim();
        if trimmed == "{}" || trimmed.ends_with("/>") && !trimmed.contains("<group-id:group-id>") {
            return Ok(None);
        }
        let record: GroupIdRecord = self.client.decode(&answer, "group-id-record")?;
        Ok(record.put_code.is_some().then_some(record))
    }

    /// One page of the registry (`page` from 1; ORCID gives at most 100 a page).
    pub async fn page(&self, page: u32, page_size: u32) -> Result<GroupIdRecords, Error> {
        let (page, size) = (page.max(1).to_string(), page_size.clamp(1, 100).to_string());
        let call = Call {
            method: Method::GET,
            url: self.client.api_url(&["group-id-record"], &[("page-size", &size), ("page", &page)]),
            token: Some(self.token),
            body: None,
            resend_if_unsure: true,
        };
        let answer = self.client.expect(&call, 200).await?;
        self.client.decode(&answer, "group-id-records")
    }
}
