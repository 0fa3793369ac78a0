//! `orcid notify` (permission notifications, a client-credentials token with
//! `/premium-notification`) and `orcid webhook` (callbacks, a client-credentials token with
//! `/webhook`).

use std::path::{Path, PathBuf};

use orcid_model::PutCode;
use orcid_model::notification::NotificationPermission;

use crate::args::{RecordAccess as Target, runtime};
use crate::cmd::items::{read_checked, render};
use crate::error::{Exit, Failure, Outcome};

/// Permission notifications in a researcher's ORCID inbox: create, get, archive.
#[derive(clap::Args, Debug)]
pub struct NotifyArgs {
    #[command(subcommand)]
    pub command: NotifyCommand,
}

/// Webhooks: a URL ORCID calls when a record changes.
#[derive(clap::Args, Debug)]
pub struct WebhookArgs {
    #[command(subcommand)]
    pub command: WebhookCommand,
}

/// What to do with permission notifications.
#[derive(clap::Subcommand, Debug)]
pub enum NotifyCommand {
    /// Send a permission notification (the file, XML or JSON, is checked first) and print its put-code.
    Create {
        #[command(flatten)]
        target: Target,
        /// The notification (`notification:notification` of type `permission`).
        file: PathBuf,
    },
    /// Print a notification this client sent, with the dates ORCID set (sent, read, archived).
    Get {
        #[command(flatten)]
        target: Target,
        /// The notification's put-code.
        #[arg(long, value_name = "PUT_CODE")]
        put_code: PutCode,
    },
    /// Archive a notification this client sent and print it with its archived date.
    Archive {
        #[command(flatten)]
        target: Target,
        /// The notification's put-code.
        #[arg(long, value_name = "PUT_CODE")]
        put_code: PutCode,
    },
}

/// What to do with webhooks.
#[derive(clap::Subcommand, Debug)]
pub enum WebhookCommand {
    /// Register URL to be called (an empty POST) when the record changes; says whether it was new.
    Add {
        #[command(flatten)]
        target: Target,
        /// The callback URL: http or https, with a host.
        #[arg(value_parser = callback_url)]
        url: String,
    },
    /// Remove a callback this client registered.
    Remove {
        #[command(flatten)]
        target: Target,
        /// The callback URL, as registered.
        url: String,
    },
}

/// A webhook's callback: an absolute http or https URL with a host (ORCID calls it).
fn callback_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err("a callback is an http or https URL with a host".to_owned());
    }
    Ok(text.to_owned())
}

impl NotifyArgs {
    /// Runs a notify command.
    pub fn run(&self) -> Outcome {
        match &self.command {
            NotifyCommand::Create { target, file } => create(target, file),
            NotifyCommand::Get { target, put_code } => read_or_archive(target, *put_code, false),
            NotifyCommand::Archive { target, put_code } => read_or_archive(target, *put_code, true),
        }
    }
}

/// `orcid notify create`: checks the file before it needs the token.
fn create(target: &Target, file: &Path) -> Outcome {
    let notification = read_checked::<NotificationPermission>(file, false)?;
    let (client, token) = (target.access.client()?, target.access.token()?);
    let created = runtime()?
        .block_on(client.record(&token, &target.orcid).create_notification(&notification))
        .map_err(|e| Failure::client(file.display(), &e))?;
    println!("{}", created.put_code);
    Ok(Exit::Done)
}

/// `orcid notify get` and `orcid notify archive`.
fn read_or_archive(target: &Target, put_code: PutCode, archive: bool) -> Outcome {
    let (client, token) = (target.access.client()?, target.access.token()?);
    let record = client.record(&token, &target.orcid);
    let result = runtime()?
        .block_on(async { if archive { record.archive_notification(put_code).await } else { record.read_notification(put_code).await } });
    let notification = result.map_err(|e| Failure::client(format!("notification {put_code}"), &e))?;
    print!("{}", render(&notification, target.access.format));
    Ok(Exit::Done)
}

impl WebhookArgs {
    /// Runs a webhook command.
    pub fn run(&self) -> Outcome {
        let (WebhookCommand::Add { target, url } | WebhookCommand::Remove { target, url }) = &self.command;
        let (client, token) = (target.access.client()?, target.access.token()?);
        let (record, orcid, rt) = (client.record(&token, &target.orcid), target.orcid, runtime()?);
        let result = match &self.command {
            WebhookCommand::Add { .. } => rt.block_on(record.register_webhook(url)).map(|new| {
                let what = if new { "registered" } else { "already registered" };
                format!("{what}: {url} for {orcid}\n")
            }),
            WebhookCommand::Remove { .. } => rt.block_on(record.remove_webhook(url)).map(|()| format!("removed: {url} for {orcid}\n")),
        };
        print!("{}", result.map_err(|e| Failure::client(url, &e))?);
        Ok(Exit::Done)
    }
}
