//! `orcid group`: peer-review group ids in ORCID's registry (a client-credentials token with
//! `/group-id-record/update`, or `/group-id-record/read` to look up).

use std::path::PathBuf;
use std::process::ExitCode;

use orcid_client::Error;
use orcid_model::group_id::GroupIdRecord;
use orcid_model::{Element, PutCode};

use crate::api::{Access, client_with_token, fail, finish, read_checked, render, runtime};

/// What to do with groups.
#[derive(clap::Subcommand)]
pub enum GroupCommand {
    /// Register a group (the file is a group-id record, XML or JSON) and print its put-code.
    Create {
        #[command(flatten)]
        target: Access,
        /// The group-id record.
        file: PathBuf,
    },
    /// Update a group this client registered and print it as stored.
    Update {
        #[command(flatten)]
        target: Access,
        /// The group's put-code.
        #[arg(long, value_name = "PUT_CODE")]
        put_code: PutCode,
        /// The group-id record.
        file: PathBuf,
    },
    /// Print a group, by put-code or by group id (exit 1 when there is none).
    Get {
        #[command(flatten)]
        target: Access,
        /// The group's put-code.
        #[arg(long, value_name = "PUT_CODE", conflicts_with = "group_id", required_unless_present = "group_id")]
        put_code: Option<PutCode>,
        /// The group id (`orcid-generated:...`, `issn:...`), compared ignoring case.
        #[arg(long, value_name = "GROUP_ID")]
        group_id: Option<String>,
    },
    /// Find a group by its name, or list every group (one per line in JSON, page by page).
    Search {
        #[command(flatten)]
        target: Access,
        /// The group's name, exactly.
        #[arg(long, value_name = "NAME", required_unless_present = "all")]
        name: Option<String>,
        /// Every group of the registry, page after page.
        #[arg(long)]
        all: bool,
    },
    /// Delete a group this client registered.
    Delete {
        #[command(flatten)]
        target: Access,
        /// The group's put-code.
        #[arg(long, value_name = "PUT_CODE")]
        put_code: PutCode,
    },
}

/// Runs a group command.
pub fn run(command: &GroupCommand) -> ExitCode {
    let (GroupCommand::Create { target: t, .. }
    | GroupCommand::Update { target: t, .. }
    | GroupCommand::Get { target: t, .. }
    | GroupCommand::Search { target: t, .. }
    | GroupCommand::Delete { target: t, .. }) = command;
    let (client, token) = match client_with_token(&t.api, t.format, t.token_file.as_deref()) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    let rt = runtime();
    let result: Result<String, Error> = match command {
        GroupCommand::Create { file, .. } => {
            let record = match read_checked::<GroupIdRecord>(file, false) {
                Ok(r) => r,
                Err(code) => return code,
            };
            rt.block_on(client.groups(&token).create(&record)).map(|c| format!("{}\n", c.put_code))
        }
        GroupCommand::Update { put_code, file, .. } => {
            let record = match read_checked::<GroupIdRecord>(file, true) {
                Ok(r) => r,
                Err(code) => return code,
            };
            rt.block_on(client.groups(&token).update(*put_code, &record)).map(|g| render(&g, t.format))
        }
        GroupCommand::Get { put_code: Some(pc), .. } => rt.block_on(client.groups(&token).read(*pc)).map(|g| render(&g, t.format)),
        GroupCommand::Get { group_id, .. } => {
            let id = group_id.clone().unwrap_or_default();
            match rt.block_on(client.groups(&token).find(&id)) {
                Ok(Some(g)) => Ok(render(&g, t.format)),
                Ok(None) => return fail(1, format!("no group {id:?} in ORCID's registry")),
                Err(e) => Err(e),
            }
        }
        GroupCommand::Search { name: Some(name), all: false, .. } => match rt.block_on(client.groups(&token).find_by_name(name)) {
            Ok(Some(g)) => Ok(render(&g, t.format)),
            Ok(None) => return fail(1, format!("no group named {name:?}")),
            Err(e) => Err(e),
        },
        GroupCommand::Search { .. } => rt.block_on(all_groups(&client, &token)),
        GroupCommand::Delete { put_code, .. } => rt.block_on(client.groups(&token).delete(*put_code)).map(|()| String::new()),
    };
    finish(result, "group-id-record")
}

/// Every group, one JSON object a line, page after page (100 a page, ORCID's largest).
async fn all_groups(client: &orcid_client::Client, token: &orcid_client::AccessToken) -> Result<String, Error> {
    let mut out = String::new();
    let mut page = 1;
    loop {
        let list = client.groups(token).page(page, 100).await?;
        for g in &list.group_id_records {
            out.push_str(&g.to_json_string(orcid_model::WriteOptions::read().compact()));
            out.push('\n');
        }
        let seen = i64::from(page) * list.page_size.max(1);
        if list.group_id_records.is_empty() || seen >= list.total {
            return Ok(out);
        }
        page += 1;
    }
}
