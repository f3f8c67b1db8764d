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
    match cmd {
        DbCommand::Migrate => {
            let mut store = g.open(Open::AsIs)?;
            let applied = store.migrate()?;
            let status = store.schema_status()?;
            if g.json {
                return output::json(&serde_json::json!({ "applied": applied, "status": status }));
            }
            if applied.is_empty() {
                println!(
                    "{} store is up to date at version {}",
                    status.backend, status.current
                );
            } else {
                for m in &applied {
                    println!("applied {:04} {}", m.version, m.name);
                }
                println!("{} store now at version {}", status.backend, status.current);
            }
        }
        DbCommand::Status => {
            let store = g.open(Open::AsIs)?;
            let status = store.schema_status()?;
            if g.json {
                return output::json(&status);
            }
            println!(
                "backend: {}  version: {} (this ztrade knows {})",
                status.backend, status.current, status.latest
            );
            let rows = status.migrations.iter().map(|m| {
                vec![
                    format!("{:04}", m.version),
                    m.name.clone(),
                    m.applied_at.clone().unwrap_or_else(|| "pending".into()),
                ]
            });
            println!("{}", output::table(&["version", "name", "applied"], rows));
        }
    }
    Ok(())
}
