//! `orcid group`: peer-review group ids in ORCID's registry (a client-credentials token with
//! `/group-id-record/update`, or `/group-id-record/read` to look up).

use std::path::PathBuf;

use orcid_client::Error;
use orcid_model::group_id::GroupIdRecord;
use orcid_model::{Element, PutCode};

use crate::args::{Access, runtime};
use crate::cmd::items::{read_checked, render};
use crate::error::{Exit, Failure, Outcome};

/// Peer-review group ids in ORCID's registry: create, update, get, search, delete.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: GroupCommand,
}

/// What to do with groups.
#[derive(clap::Subcommand, Debug)]
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

impl Args {
    /// Runs a group command. A file is checked before the token is needed.
    pub fn run(&self) -> Outcome {
        let rt = runtime()?;
        let connect = |t: &Access| Ok::<_, Failure>((t.client()?, t.token()?));
        let result: Result<String, Error> = match &self.command {
            GroupCommand::Create { target: t, file } => {
                let record = read_checked::<GroupIdRecord>(file, false)?;
                let (client, token) = connect(t)?;
                rt.block_on(client.groups(&token).create(&record)).map(|c| format!("{}\n", c.put_code))
            }
            GroupCommand::Update { target: t, put_code, file } => {
                let record = read_checked::<GroupIdRecord>(file, true)?;
                let (client, token) = connect(t)?;
                rt.block_on(client.groups(&token).update(*put_code, &record)).map(|g| render(&g, t.format))
            }
            GroupCommand::Get { target: t, put_code: Some(pc), .. } => {
                let (client, token) = connect(t)?;
                rt.block_on(client.groups(&token).read(*pc)).map(|g| render(&g, t.format))
            }
            GroupCommand::Get { target: t, group_id, .. } => {
                let (client, token) = connect(t)?;
                let id = group_id.clone().unwrap_or_default();
                match rt.block_on(client.groups(&token).find(&id)) {
                    Ok(Some(g)) => Ok(render(&g, t.format)),
                    Ok(None) => return Err(Failure::refused(format!("no group {id:?} in ORCID's registry"))),
                    Err(e) => Err(e),
                }
            }
            GroupCommand::Search { target: t, name: Some(name), all: false } => {
                let (client, token) = connect(t)?;
                match rt.block_on(client.groups(&token).find_by_name(name)) {
                    Ok(Some(g)) => Ok(render(&g, t.format)),
                    Ok(None) => return Err(Failure::refused(format!("no group named {name:?}"))),
                    Err(e) => Err(e),
                }
            }
            GroupCommand::Search { target: t, .. } => {
                let (client, token) = connect(t)?;
                rt.block_on(all_groups(&client, &token))
            }
            GroupCommand::Delete { target: t, put_code } => {
                let (client, token) = connect(t)?;
                rt.block_on(client.groups(&token).delete(*put_code)).map(|()| String::new())
            }
        };
        print!("{}", result.map_err(|e| Failure::client("group-id-record", &e))?);
        Ok(Exit::Done)
    }
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
