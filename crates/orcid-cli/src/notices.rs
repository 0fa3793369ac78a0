//! `orcid notify` (permission notifications, a client-credentials token with
//! `/premium-notification`) and `orcid webhook` (callbacks, a client-credentials token with
//! `/webhook`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use orcid_model::PutCode;
use orcid_model::notification::NotificationPermission;

use crate::api::{Target, connect_parts, finish, read_checked, render, runtime};

/// What to do with permission notifications.
#[derive(clap::Subcommand)]
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
#[derive(clap::Subcommand)]
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

/// Runs a notify command.
pub fn notify(command: &NotifyCommand) -> ExitCode {
    match command {
        NotifyCommand::Create { target, file } => create(target, file),
        NotifyCommand::Get { target, put_code } => read_or_archive(target, *put_code, false),
        NotifyCommand::Archive { target, put_code } => read_or_archive(target, *put_code, true),
    }
}

/// `orcid notify create`: checks the file before it needs the token.
fn create(target: &Target, file: &Path) -> ExitCode {
    let notification = match read_checked::<NotificationPermission>(file, false) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let (client, token, orcid) = match connect_parts(target) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    let result = runtime().block_on(client.record(&token, &orcid).create_notification(&notification));
    finish(result.map(|created| format!("{}\n", created.put_code)), file.display())
}

/// `orcid notify get` and `orcid notify archive`.
fn read_or_archive(target: &Target, put_code: PutCode, archive: bool) -> ExitCode {
    let (client, token, orcid) = match connect_parts(target) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    let result = runtime().block_on(async {
        if archive {
            client.record(&token, &orcid).archive_notification(put_code).await
        } else {
            client.record(&token, &orcid).read_notification(put_code).await
        }
    });
    finish(result.map(|n| render(&n, target.format)), format!("notification {put_code}"))
}

/// Runs a webhook command.
pub fn webhook(command: &WebhookCommand) -> ExitCode {
    let (WebhookCommand::Add { target, url } | WebhookCommand::Remove { target, url }) = command;
    let (client, token, orcid) = match connect_parts(target) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    let rt = runtime();
    let result = match command {
        WebhookCommand::Add { .. } => rt.block_on(client.record(&token, &orcid).register_webhook(url)).map(|new| {
            let what = if new { "registered" } else { "already registered" };
            format!("{what}: {url} for {orcid}\n")
        }),
        WebhookCommand::Remove { .. } => {
            rt.block_on(client.record(&token, &orcid).remove_webhook(url)).map(|()| format!("removed: {url} for {orcid}\n"))
        }
    };
    finish(result, url)
}
