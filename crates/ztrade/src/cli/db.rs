//! `ztrade db migrate|status`.

use clap::Subcommand;

use super::{GlobalArgs, Open};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Apply pending migrations (a fresh store is created).
    Migrate,
    /// Show the schema version and every known migration.
    Status,
}

pub fn run(cmd: DbCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    let mut store = g.open(Open::AsIs)?;
    match cmd {
        DbCommand::Migrate => {
            let applied = store.migrate()?;
            let status = store.schema_status()?;
            let out = serde_json::json!({ "applied": applied, "status": status });
            output::reply(g.json, &out, |t, _| {
                render::text::migrated(t, &applied, &status)
            })
        }
        DbCommand::Status => {
            let status = store.schema_status()?;
            output::reply(g.json, &status, render::text::schema_status)
        }
    }
}
