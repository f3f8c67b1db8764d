//! `ztrade backtest run|list|show|compare|sweep`.
//!
//! - [`runner`]: one agent against the store → engine → metrics → a stored run.
//! - [`trips`]: fills → round trips and metrics inputs.
//! - [`view`]: tables and JSON for runs.
//! - [`sweep`]: parameter grids run in parallel.

pub mod runner;
mod sweep;
mod sweep_wf;
mod trips;
pub mod view;

use std::path::{Path, PathBuf};

use anyhow::Context;
use backtest::AgentConfig;
use clap::Subcommand;
use domain::Money;
use store::RunFilter;

use super::GlobalArgs;
use super::data::parse_window;
use crate::output;
use runner::{RunWindow, Source};

#[derive(Debug, Subcommand)]
pub enum BacktestCommand {
    /// Run an agent over stored data, store the run, print its metrics and trades.
    Run {
        /// Agent id: the file AGENTS_DIR/ID.yaml.
        agent: String,
        /// First date or RFC 3339 time (default: the first stored bar).
        #[arg(long)]
        start: Option<String>,
        /// Last date, inclusive, or RFC 3339 time (default: the last stored bar).
        #[arg(long)]
        end: Option<String>,
        /// Starting cash, overriding the agent's initial_capital.
        // Negative numbers reach the agent's own check ("must be positive") instead of clap
        // reading `-5` as an unknown flag.
        #[arg(long, allow_negative_numbers = true)]
        capital: Option<Money>,
        #[arg(long, default_value = "agents")]
        agents_dir: PathBuf,
        /// Do not store the run (run_id is null).
        #[arg(long)]
        no_save: bool,
    },
    /// Stored runs, newest first.
    List {
        #[arg(long, default_value_t = 20)]
        limit: u64,
        #[arg(long)]
        agent: Option<String>,
    },
    /// One stored run: config, metrics, and with --trades every fill.
    Show {
        id: i64,
        #[arg(long)]
        trades: bool,
    },
    /// Metrics of two or more runs side by side; the best value in each row is marked with *.
    Compare {
        #[arg(required = true, num_args = 2..)]
        ids: Vec<i64>,
    },
    /// Run every combination of parameter ranges in parallel, store each run, rank them.
    Sweep(sweep::SweepArgs),
}

pub fn run(cmd: BacktestCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    match cmd {
        BacktestCommand::Run {
            agent,
            start,
            end,
            capital,
            agents_dir,
            no_save,
        } => {
            let agent = load_agent(&agents_dir, &agent)?;
            let (start, end) = parse_window(start.as_deref(), end.as_deref())?;
            let window = RunWindow {
                start,
                end,
                capital,
            };
            let mut store = store::open_ready(&g.db_url())?;
            let outcome = runner::run_agent(&Source::Store(store.as_ref()), &agent, window)?;
            // A run that cannot be saved (another process holds the lock past every retry) is
            // still shown in full before the error, so the work is never thrown away.
            let (run_id, unsaved) = if no_save {
                (None, None)
            } else {
                match runner::save(store.as_mut(), &outcome) {
                    Ok(id) => (Some(id), None),
                    Err(e) => (None, Some(e)),
                }
            };
            if g.json {
                output::json(&view::run_json(run_id, &outcome))?;
            } else {
                view::print_run(run_id, &outcome)?;
            }
            match unsaved {
                Some(e) => Err(anyhow::anyhow!(
                    "the run above was computed but not saved (run_id is null): {e}"
                )),
                None => Ok(()),
            }
        }
        BacktestCommand::List { limit, agent } => {
            let store = store::open_ready(&g.db_url())?;
            let runs = store.list_runs(&RunFilter {
                agent_id: agent,
                limit: Some(limit),
            })?;
            if g.json {
                output::json(&runs)
            } else {
                view::print_list(&runs)
            }
        }
        BacktestCommand::Show { id, trades } => {
            let store = store::open_ready(&g.db_url())?;
            let run = store.get_run(id)?;
            if g.json {
                output::json(&view::show_json(&run, trades))
            } else {
                view::print_show(&run, trades)
            }
        }
        BacktestCommand::Compare { ids } => {
            let store = store::open_ready(&g.db_url())?;
            let runs = ids
                .iter()
                .map(|id| store.get_run(*id))
                .collect::<Result<Vec<_>, _>>()?;
            if g.json {
                output::json(&view::compare_json(&runs))
            } else {
                view::print_compare(&runs)
            }
        }
        BacktestCommand::Sweep(args) => sweep::run(args, g),
    }
}

/// Reads `DIR/ID.yaml` (or `.yml`), with errors that name the file, line and field.
pub fn load_agent(dir: &Path, id: &str) -> anyhow::Result<AgentConfig> {
    let path = ["yaml", "yml"]
        .iter()
        .map(|ext| dir.join(format!("{id}.{ext}")))
        .find(|p| p.exists());
    let path = path.with_context(|| {
        format!(
            "no agent {id:?}: {} does not exist (`ztrade agent list` shows the agents there)",
            dir.join(format!("{id}.yaml")).display()
        )
    })?;
    Ok(AgentConfig::load(&path)?)
}
