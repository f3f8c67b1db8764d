//! `ztrade backtest run|list|show|features|journal|compare|sweep`: the use cases of `app::run`,
//! `app::views` and `app::sweep`, rendered by `render::text` (tables) or as their JSON.

mod sweep;

use anyhow::Context;
use app::run::RunRequest;
use app::time::Window;
use app::views::run::stored_timeframe;
use app::views::{CompareReport, JournalPart, RunReport, StoredRunReport, journal_report, listing};
use clap::Subcommand;
use domain::Money;
use store::RunSelection;

use super::{GlobalArgs, Open};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum BacktestCommand {
    /// Run an agent over stored data, store the run, print its metrics (with --trades, its
    /// round trips too). --json always carries every fill.
    Run {
        /// Agent id: the file AGENTS_DIR/ID.yaml.
        agent: String,
        /// First date or RFC 3339 time (default: the first stored bar).
        #[arg(long)]
        start: Option<String>,
        /// Last date, inclusive, or RFC 3339 time (default: the last stored bar).
        #[arg(long)]
        end: Option<String>,
        /// Comma-separated tickers in place of the agent's symbols: ONE run over all of them, a
        /// portfolio sharing the capital (run the command once per symbol for separate runs).
        #[arg(long, value_delimiter = ',')]
        symbols: Vec<domain::Symbol>,
        /// Starting cash, overriding the agent's initial_capital.
        // Negative numbers reach the agent's own check ("must be positive") instead of clap
        // reading `-5` as an unknown flag.
        #[arg(long, allow_negative_numbers = true)]
        capital: Option<Money>,
        /// Do not store the run (run_id is null).
        #[arg(long)]
        no_save: bool,
        /// Also list the round trips: entry, exit, P&L net of costs, why each was closed.
        #[arg(long)]
        trades: bool,
        /// Store every decision with the run (signals, vetoes, orders, fills, ledger, risk days,
        /// snapshots at each session close or CADENCE: bar, never, 15m); says how long it took.
        #[arg(long, value_name = "CADENCE", num_args = 0..=1, default_missing_value = "session")]
        journal: Option<backtest::SnapshotCadence>,
    },
    /// Stored runs and sweeps, newest first; a sweep is one line (`backtest sweeps ID`
    /// expands it).
    List {
        /// How many runs to show.
        #[arg(long, default_value_t = 20)]
        limit: u64,
        /// Only the runs of this agent id.
        #[arg(long)]
        agent: Option<String>,
    },
    /// One stored run: config and metrics; with --trades its round trips and every fill. With
    /// --sweep, a stored sweep: its ranking (or walk-forward report), as `backtest sweeps ID`.
    #[command(group(clap::ArgGroup::new("what").required(true).args(["id", "sweep"])))]
    Show {
        /// Run id (`backtest list` shows them).
        id: Option<i64>,
        /// A sweep id instead of a run (`backtest list` shows them as `sweep ID`).
        #[arg(long, conflicts_with_all = ["id", "trades"])]
        sweep: Option<i64>,
        /// Also list the round trips (entry, exit, P&L, reason) and every fill.
        #[arg(long)]
        trades: bool,
    },
    /// A run's features (agent `features: [..]`): provenance, then per bar and symbol its values.
    Features {
        /// Run id (`backtest list` shows them).
        id: i64,
    },
    /// A run's journal (`backtest run --journal`): counts, vetoes, risk days and the ledger,
    /// each trade traced from its signal (rule, filters, score) through orders and fills to P&L.
    #[command(group(clap::ArgGroup::new("part").args(["signals", "orders", "ledger"])))]
    Journal {
        /// Run id.
        id: i64,
        /// Only the signals: setup, score, filters passed and blocked, status.
        #[arg(long)]
        signals: bool,
        /// Only the orders with their events (submitted … filled, canceled, rejected).
        #[arg(long)]
        orders: bool,
        /// Only the ledger: why each trade was made and how it ended.
        #[arg(long)]
        ledger: bool,
    },
    /// Metrics of two or more runs side by side; the best value in each row is marked with *.
    Compare {
        /// Run ids.
        #[arg(required = true, num_args = 2..)]
        ids: Vec<i64>,
    },
    /// Run every combination of parameter ranges in parallel, store each run, rank them.
    Sweep(sweep::SweepArgs),
    /// Stored sweeps; with an id, that sweep's ranking (or walk-forward report).
    Sweeps {
        /// Sweep id (`backtest list` and `backtest sweeps` show them).
        id: Option<i64>,
        /// How many sweeps to list.
        #[arg(long, default_value_t = 20)]
        limit: u64,
    },
    /// Delete runs, in one transaction: by id, a whole sweep, or an agent's runs before a date.
    Delete {
        /// Run ids.
        ids: Vec<i64>,
        /// A sweep id: the sweep and all its runs.
        #[arg(long)]
        sweep: Option<i64>,
        /// Only the runs of this agent id.
        #[arg(long)]
        agent: Option<String>,
        /// Only runs created before this date (or RFC 3339 time).
        #[arg(long)]
        before: Option<String>,
    },
}

pub fn run(cmd: BacktestCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    match cmd {
        BacktestCommand::Run {
            agent,
            start,
            end,
            symbols,
            capital,
            no_save,
            trades,
            journal,
        } => {
            let agent = g.agents().load(&agent)?;
            let window = Window::parse(start.as_deref(), end.as_deref())?;
            let req = RunRequest::new(agent, symbols, window, capital, !no_save, journal);
            let out = app::run::backtest(g.open(Open::Ready)?.as_mut(), &req)?;
            // A run that could not be saved is still shown in full before the error.
            let report = RunReport::of(&out, trades);
            output::reply(g.json, &report, |t, _| {
                render::text::run_outcome(t, &out, trades)
            })?;
            out.saved().map_err(anyhow::Error::msg)
        }
        BacktestCommand::Journal {
            id,
            signals,
            orders,
            ledger,
        } => {
            let part = JournalPart::pick(signals, orders, ledger);
            let report = journal_report(g.open(Open::Ready)?.as_ref(), id, part)?;
            output::reply(g.json, &report, render::text::journal)
        }
        BacktestCommand::List { limit, agent } => {
            let entries = listing(g.open(Open::Ready)?.as_ref(), limit, agent.as_deref())?;
            output::reply(g.json, &entries, |t, e| render::text::list(t, e))
        }
        BacktestCommand::Sweeps { id: None, limit } => {
            let sweeps = g.open(Open::Ready)?.list_sweeps(Some(limit))?;
            output::reply(g.json, &sweeps, |t, s| render::text::sweeps(t, s))
        }
        BacktestCommand::Sweeps { id: Some(id), .. }
        | BacktestCommand::Show {
            sweep: Some(id), ..
        } => show_sweep(id, g),
        BacktestCommand::Delete {
            ids,
            sweep,
            agent,
            before,
        } => {
            let selection = RunSelection {
                ids,
                sweep_id: sweep,
                agent_id: agent,
                before: before
                    .map(|b| app::time::parse_bound(&b, app::time::Bound::Start))
                    .transpose()?,
            };
            let deleted = g.open(Open::Ready)?.delete_runs(&selection)?;
            output::reply(g.json, &deleted, |t, d| {
                t.line(format!("deleted {} runs and {} sweeps", d.runs, d.sweeps))
            })
        }
        BacktestCommand::Show { id, trades, .. } => {
            let id = id.context("a run id or --sweep ID")?;
            let run = g.open(Open::Ready)?.get_run(id)?;
            let report = StoredRunReport::new(&run, trades);
            output::reply(g.json, &report, |t, r| {
                render::text::show(t, r, &run.trades, stored_timeframe(&run))
            })
        }
        BacktestCommand::Features { id } => {
            let f = app::features::show(g.open(Open::Ready)?.as_ref(), id)?;
            output::reply(g.json, &f, render::text::features)
        }
        BacktestCommand::Compare { ids } => {
            let store = g.open(Open::Ready)?;
            let runs = ids
                .iter()
                .map(|id| store.get_run(*id))
                .collect::<Result<Vec<_>, _>>()?;
            let report = CompareReport::new(&runs);
            output::reply(g.json, &report.runs, |t, _| {
                t.line(render::text::compare_table(&report).to_string())
            })
        }
        BacktestCommand::Sweep(args) => sweep::run(args, g),
    }
}

/// A stored sweep: its summary line, then its ranking or walk-forward report.
fn show_sweep(id: i64, g: &GlobalArgs) -> anyhow::Result<()> {
    let sweep = g.open(Open::Ready)?.get_sweep(id)?;
    let mut drawn = Ok(());
    output::reply(g.json, &sweep, |t, s| {
        drawn = render::text::stored_sweep(t, s)
    })?;
    Ok(drawn?)
}
