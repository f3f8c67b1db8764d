//! `ztrade agent list|show|validate`: the YAML agents in the agents directory.

use std::path::PathBuf;

use backtest::agent::scan_dir;
use clap::Subcommand;
use serde_json::json;

use super::GlobalArgs;
use super::backtest::load_agent;
use crate::output;

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Every agent file in the directory, with its symbols and strategy, or its error.
    List {
        #[arg(long, default_value = "agents")]
        agents_dir: PathBuf,
    },
    /// One agent as ztrade understands it (defaults filled in).
    Show {
        id: String,
        #[arg(long, default_value = "agents")]
        agents_dir: PathBuf,
    },
    /// Check agent files; errors name the file, line and field. Exit code 1 if any is bad.
    Validate {
        /// Agent ids or YAML paths; all agents in the directory when none is given.
        targets: Vec<String>,
        #[arg(long, default_value = "agents")]
        agents_dir: PathBuf,
    },
}

pub fn run(cmd: AgentCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    match cmd {
        AgentCommand::List { agents_dir } => {
            let scanned = scan_dir(&agents_dir)?;
            let rows: Vec<_> = scanned
                .iter()
                .map(|(path, r)| match r {
                    Ok(a) => json!({
                        "id": a.id, "file": path, "symbols": a.symbols, "timeframe": a.timeframe,
                        "strategy": a.to_json()["strategy"], "error": null,
                    }),
                    Err(e) => json!({ "id": null, "file": path, "error": e.to_string() }),
                })
                .collect();
            if g.json {
                return output::json(&rows);
            }
            if rows.is_empty() {
                println!(
                    "no agents in {}; `ztrade demo` writes sample agents",
                    agents_dir.display()
                );
                return Ok(());
            }
            let body = scanned.iter().map(|(path, r)| match r {
                Ok(a) => vec![
                    a.id.clone(),
                    a.symbols
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    a.timeframe.to_string(),
                    a.to_json()["strategy"].to_string(),
                ],
                Err(e) => vec![
                    path.display().to_string(),
                    String::new(),
                    String::new(),
                    format!("ERROR {e}"),
                ],
            });
            println!(
                "{}",
                output::table(&["id", "symbols", "timeframe", "strategy"], body)
            );
            Ok(())
        }
        AgentCommand::Show { id, agents_dir } => {
            let agent = load_agent(&agents_dir, &id)?;
            if g.json {
                output::json(&agent.to_json())
            } else {
                print!("{}", serde_yaml_ng::to_string(&agent)?);
                Ok(())
            }
        }
        AgentCommand::Validate {
            targets,
            agents_dir,
        } => {
            let results: Vec<(String, Result<(), String>)> = if targets.is_empty() {
                scan_dir(&agents_dir)?
                    .into_iter()
                    .map(|(p, r)| {
                        (
                            p.display().to_string(),
                            r.map(|_| ()).map_err(|e| e.to_string()),
                        )
                    })
                    .collect()
            } else {
                targets
                    .iter()
                    .map(|t| {
                        let r = if t.ends_with(".yaml") || t.ends_with(".yml") {
                            backtest::AgentConfig::load(t)
                                .map(|_| ())
                                .map_err(|e| e.to_string())
                        } else {
                            load_agent(&agents_dir, t)
                                .map(|_| ())
                                .map_err(|e| format!("{e:#}"))
                        };
                        (t.clone(), r)
                    })
                    .collect()
            };
            let bad = results.iter().filter(|(_, r)| r.is_err()).count();
            if g.json {
                let rows: Vec<_> = results
                    .iter()
                    .map(|(t, r)| json!({ "agent": t, "ok": r.is_ok(), "error": r.as_ref().err() }))
                    .collect();
                output::json(&rows)?;
            } else {
                for (t, r) in &results {
                    match r {
                        Ok(()) => println!("ok     {t}"),
                        Err(e) => println!("error  {e}"),
                    }
                }
            }
            if bad > 0 {
                anyhow::bail!("{bad} of {} agent file(s) invalid", results.len());
            }
            Ok(())
        }
    }
}
