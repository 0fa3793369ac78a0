//! Permission notifications (`/{orcid}/notification-permission`, a client-credentials token with
//! `/premium-notification`) and webhooks (`/{orcid}/webhook/{uri}`, a client-credentials token
//! with `/webhook`).

use orcid_model::PutCode;
use orcid_model::notification::NotificationPermission;
use reqwest::Method;

use crate::client::{Call, Created, put_code_from_location};
use crate::error::Error;
use crate::record::RecordApi;

impl RecordApi<'_> {
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
    /// let created = client.record(&token, &orcid).create_notification(&notification).await?;
    /// println!("notification {}", created.put_code);
    /// # Ok(()) }
    /// ```
    pub async fn create_notification(&self, notification: &NotificationPermission) -> Result<Created, Error> {
        let mut notification = notification.clone();
        notification.put_code = None;
        let call = Call {
            method: Method::POST,
            url: self.client().url(self.orcid(), &["notification-permission"]),
            token: Some(self.token()?),
            body: Some(self.client().encode(&notification)),
            resend_if_unsure: false,
        };
        let answer = self.client().expect(&call, 201).await?;
        Ok(Created { put_code: put_code_from_location(&answer.headers)?, existing: false })
    }

    /// Reads a notification this client sent (GET `/{orcid}/notification-permission/{put-code}`),
    /// with the dates ORCID set: sent, read, actioned, archived.
    pub async fn read_notification(&self, put_code: PutCode) -> Result<NotificationPermission, Error> {
        self.notification_call(Method::GET, put_code).await
    }

    /// Archives a notification this client sent (DELETE `/{orcid}/notification-permission/{put-code}`)
    /// and returns it with its archived date. ORCID keeps archived notifications; archiving
    /// one twice is harmless, archiving one the researcher has read is refused (403, 9009).
    pub async fn archive_notification(&self, put_code: PutCode) -> Result<NotificationPermission, Error> {
        self.notification_call(Method::DELETE, put_code).await
    }

    async fn notification_call(&self, method: Method, put_code: PutCode) -> Result<NotificationPermission, Error> {
        let code = put_code.to_string();
        let call = Call {
            method,
            url: self.client().url(self.orcid(), &["notification-permission", &code]),
            token: Some(self.token()?),
            body: None,
            resend_if_unsure: true,
        };
        let answer = self.client().expect(&call, 200).await?;
        self.client().decode(&answer, "notification")
    }

    /// Registers `callback` to be called (an empty POST) when the record changes: PUT
    /// `{host}/{orcid}/webhook/{callback, percent-encoded}`, outside `/v3.0`. Returns `true`
    /// when registered now, `false` when the record already had that callback.
    pub async fn register_webhook(&self, callback: &str) -> Result<bool, Error> {
        let call =
            Call { method: Method::PUT, url: self.webhook_url(callback), token: Some(self.token()?), body: None, resend_if_unsure: true };
        let answer = self.client().send(&call).await?;
        match answer.status {
            201 => Ok(true),
            204 => Ok(false),
            _ => Err(self.client().api_error(&answer).into()),
        }
    }

    /// Removes a callback this client registered (DELETE; 404, 9028 when there is none).
    pub async fn remove_webhook(&self, callback: &str) -> Result<(), Error> {
        let call = Call {
            method: Method::DELETE,
            url: self.webhook_url(callback),
            token: Some(self.token()?),
            body: None,
            resend_if_unsure: true,
        };
        self.client().expect(&call, 204).await.map(drop)
    }

    /// `{origin}/{orcid}/webhook/{callback}`: the callback is one path segment, so every `/`,
    /// `:`, `?` and `%` in it is percent-encoded.
    fn webhook_url(&self, callback: &str) -> url::Url {
        let mut url = self.client().origin_url();
        let encoded: String = url::form_urlencoded::byte_serialize(callback.as_bytes()).collect();
        // byte_serialize writes a space as `+`, which a path keeps as a plus sign.
        let encoded = encoded.replace('+', "%20");
        url.set_path(&format!("{}/{}/webhook/{encoded}", url.path().trim_end_matches('/'), self.orcid().as_str()));
        url
    }
}
