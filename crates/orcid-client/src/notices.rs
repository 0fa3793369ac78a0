//! Permission notifications (`/{orcid}/notification-permission`, a client-credentials token with
//! `/premium-notification`) and webhooks (`/{orcid}/webhook/{uri}`, a client-credentials token
//! with `/webhook`).

use orcid_model::notification::NotificationPermission;
use orcid_model::{OrcidId, PutCode};
use reqwest::Method;

use crate::client::{Call, Client, Created, put_code_from_location};
use crate::error::Error;
use crate::token::AccessToken;

impl Client {
    /// Asks a researcher, through their ORCID inbox, for permission to add items: POST
    /// `/{orcid}/notification-permission`. The answer's put-code reads or archives it later.
    ///
    /// Not sent again after a lost answer: ORCID has no duplicate check for notifications, so
    /// a second attempt could put a second one in the inbox.
    ///
    /// ```no_run
    /// # async fn run(client: orcid_client::Client, token: orcid_client::AccessToken, orcid: orcid_model::OrcidId) -> Result<(), orcid_client::Error> {
    /// use orcid_model::notification::{ActivityType, AuthorizationUrl, Item, Items, NotificationPermission, NotificationType};
    /// let authorize = "/oauth/authorize?client_id=APP-...&response_type=code&scope=/activities/update&redirect_uri=https://example.org";
    /// let notification = NotificationPermission::new(
    ///     NotificationType::Permission,
    ///     AuthorizationUrl::new().with_path(authorize),
    ///     "Your article on ORCID",
    ///     "Example Press would like to add your article to your record.",
    ///     Items::new().with_item(Item::new(ActivityType::Work, "On ORCID")),
    /// );
    /// let created = client.create_notification(&token, &orcid, &notification).await?;
    /// println!("notification {}", created.put_code);
    /// # Ok(()) }
    /// ```
    pub async fn create_notification(
        &self,
        token: &AccessToken,
        orcid: &OrcidId,
        notification: &NotificationPermission,
    ) -> Result<Created, Error> {
        let mut notification = notification.clone();
        notification.put_code = None;
        let call = Call {
            method: Method::POST,
            url: self.url(orcid, &["notification-permission"]),
            token: Some(token),
            body: Some(self.encode(&notification)),
            resend_if_unsure: false,
        };
        let answer = self.expect(&call, 201).await?;
        Ok(Created { put_code: put_code_from_location(&answer.headers)?, existing: false })
    }

    /// Reads a notification this client sent (GET `/{orcid}/notification-permission/{put-code}`),
    /// with the dates ORCID set: sent, read, actioned, archived.
    pub async fn read_notification(
        &self,
        token: &AccessToken,
        orcid: &OrcidId,
        put_code: PutCode,
    ) -> Result<NotificationPermission, Error> {
        self.notification_call(Method::GET, token, orcid, put_code).await
    }

    /// Archives a notification this client sent (DELETE `/{orcid}/notification-permission/{put-code}`)
    /// and returns it with its archived date. ORCID keeps archived notifications; archiving
    /// one twice is harmless, archiving one the researcher has read is refused (403, 9009).
    pub async fn archive_notification(
        &self,
        token: &AccessToken,
        orcid: &OrcidId,
        put_code: PutCode,
    ) -> Result<NotificationPermission, Error> {
        self.notification_call(Method::DELETE, token, orcid, put_code).await
    }

    async fn notification_call(
        &self,
        method: Method,
        token: &AccessToken,
        orcid: &OrcidId,
        put_code: PutCode,
    ) -> Result<NotificationPermission, Error> {
        let code = put_code.to_string();
        let call = Call {
            method,
            url: self.url(orcid, &["notification-permission", &code]),
            token: Some(token),
            body: None,
            resend_if_unsure: true,
        };
        let answer = self.expect(&call, 200).await?;
        self.decode(&answer, "notification")
    }

    /// Registers `callback` to be called (an empty POST) when the record changes: PUT
    /// `{host}/{orcid}/webhook/{callback, percent-encoded}`, outside `/v3.0`. Returns `true`
    /// when registered now, `false` when the record already had that callback.
    pub async fn register_webhook(&self, token: &AccessToken, orcid: &OrcidId, callback: &str) -> Result<bool, Error> {
        let call =
            Call { method: Method::PUT, url: self.webhook_url(orcid, callback), token: Some(token), body: None, resend_if_unsure: true };
        let answer = self.send(&call).await?;
        match answer.status {
            201 => Ok(true),
            204 => Ok(false),
            _ => Err(self.api_error(&answer).into()),
        }
    }

    /// Removes a callback this client registered (DELETE; 404, 9028 when there is none).
    pub async fn remove_webhook(&self, token: &AccessToken, orcid: &OrcidId, callback: &str) -> Result<(), Error> {
        let call =
            Call { method: Method::DELETE, url: self.webhook_url(orcid, callback), token: Some(token), body: None, resend_if_unsure: true };
        self.expect(&call, 204).await.map(drop)
    }

    /// `{origin}/{orcid}/webhook/{callback}`: the callback is one path segment, so every `/`,
    /// `:`, `?` and `%` in it is percent-encoded.
    fn webhook_url(&self, orcid: &OrcidId, callback: &str) -> url::Url {
        let mut url = self.origin_url();
        let encoded: String = url::form_urlencoded::byte_serialize(callback.as_bytes()).collect();
        // byte_serialize writes a space as `+`, which a path keeps as a plus sign.
        let encoded = encoded.replace('+', "%20");
        url.set_path(&format!("{}/{}/webhook/{encoded}", url.path().trim_end_matches('/'), orcid.as_str()));
        url
    }
}
