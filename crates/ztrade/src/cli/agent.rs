//! `ztrade agent list|show|new|validate`: the YAML agents in the agents directory (`--agents-dir`).

use clap::Subcommand;

use super::GlobalArgs;
use crate::output;

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Every agent file in the directory, with its symbols and strategy, or its error.
    List,
    /// One agent as ztrade understands it (defaults filled in).
    Show {
        /// Agent id: the file AGENTS_DIR/ID.yaml.
        id: String,
    },
    /// Write a commented agent file AGENTS_DIR/ID.yaml with a strategy's defaults.
    New {
        /// Agent id: the file name without .yaml.
        id: String,
        /// Strategy kind: sma_crossover, ema_crossover, rsi_reversion, bollinger, macd,
        /// buy_and_hold or technical_sentiment.
        #[arg(long, default_value = "sma_crossover")]
        strategy: String,
        /// Comma-separated tickers, traded together as one portfolio sharing the capital.
        #[arg(long, value_delimiter = ',', default_value = "SPY")]
        symbols: Vec<String>,
        /// Bar timeframe: 1m, 5m, 15m, 1h or 1d.
        #[arg(long, default_value = "1d")]
        timeframe: String,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Check agent files; errors name the file, line and field. Exit code 1 if any is bad.
    Validate {
        /// Agent ids or YAML paths; all agents in the directory when none is given.
        targets: Vec<String>,
    },
}

pub fn run(cmd: AgentCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    let agents = g.agents();
    match cmd {
        AgentCommand::List => {
            let rows = agents.list()?;
            output::reply(g.json, &rows, |t, r| {
                render::text::agents(t, r, &agents.dir)
            })
        }
        AgentCommand::New {
            id,
            strategy,
            symbols,
            timeframe,
            force,
        } => {
            let text = app::agent_template::new_agent(&id, &strategy, &symbols, &timeframe)?;
            let path = agents.create(&id, &text, force)?;
            let written = serde_json::json!({ "id": id, "file": path });
            output::reply(g.json, &written, |t, _| {
                t.line(format!(
                    "wrote {}; run it with `ztrade backtest run {id}`",
                    path.display()
                ))
            })
        }
        AgentCommand::Show { id } => {
            let agent = agents.load(&id)?;
            if g.json {
                output::json(&agent.to_json())
            } else {
                print!("{}", serde_yaml_ng::to_string(&agent)?);
                Ok(())
            }
        }
        AgentCommand::Validate { targets } => {
            let checks = agents.validate(&targets)?;
            output::reply(g.json, &checks, |t, c| render::text::agent_checks(t, c))?;
            let bad = checks.iter().filter(|c| !c.ok).count();
            if bad > 0 {
                anyhow::bail!("{bad} of {} agent file(s) invalid", checks.len());
            }
            Ok(())
        }
    }
}
