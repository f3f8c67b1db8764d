//! `ztrade data actions import FILE`: splits and dividends into the store.

use std::path::PathBuf;

use app::data::actions::ActionsImportRequest;
use clap::Subcommand;

use crate::cli::{GlobalArgs, Open};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum ActionsCommand {
    /// Import splits and cash dividends from a CSV with the columns
    /// symbol,ex_date,kind,split_from,split_to,cash_amount (kind: split or dividend; a split
    /// 1,7 means one old share became seven). Strict: any bad line refuses the file, and every
    /// bad line is listed as FILE:LINE: field: reason. An upsert: re-importing changes nothing.
    Import {
        /// The actions file: CSV with a header row naming those six columns, in any order.
        file: PathBuf,
        /// Store the valid lines and list each bad one instead of refusing the file (a file in
        /// which every line is bad is still an error).
        #[arg(long)]
        skip_invalid: bool,
    },
}

pub fn run(cmd: ActionsCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    match cmd {
        ActionsCommand::Import { file, skip_invalid } => {
            let req = ActionsImportRequest { file, skip_invalid };
            // Every line is checked before the store is opened (or created).
            let read = app::data::actions::read(&req)?;
            for skipped in &read.invalid {
                eprintln!("skipped {skipped}");
            }
            let mut store = g.open(Open::Migrated)?;
            let report = app::data::actions::store_actions(store.as_mut(), &req, &read)?;
            output::reply(g.json, &report, render::text::actions_imported)
        }
    }
}
