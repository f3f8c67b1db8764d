//! `ztrade backtest sweep`: flags → `app::sweep` (or `app::sweep::walk` with `--walk-forward`)
//! → a ranked table or JSON.

use app::sweep::plan::{SweepOutcome, SweepPlan, run_plan};
use app::sweep::walk::WalkForward;
use app::sweep::{Keep, RankBy};
use app::time::Window;
use clap::Args;

use crate::cli::{GlobalArgs, Open};
use crate::output;
use crate::progress::{Bar, Unit};

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Agent id whose parameters are swept.
    agent: String,
    /// NAME=LO..HI or NAME=LO..HI:STEP, inclusive (e.g. fast=5..20, slow=20..60:5, k=1.5..2.5:0.5).
    /// A bare NAME is a strategy parameter; a dotted one (risk.stop_loss_pct, sizing.pct,
    /// costs.slippage_bps, initial_capital) is another field of the agent.
    #[arg(long = "param", required = true)]
    params: Vec<String>,
    /// Rank by this metric, best first: sharpe, sortino, calmar, total-return, cagr,
    /// max-drawdown, profit-factor, win-rate.
    #[arg(long, default_value = "sharpe")]
    metric: RankBy,
    /// First date or RFC 3339 time (default: the first stored bar).
    #[arg(long)]
    start: Option<String>,
    /// Last date, inclusive, or RFC 3339 time (default: the last stored bar).
    #[arg(long)]
    end: Option<String>,
    /// Rows to print.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Do not store the runs.
    #[arg(long)]
    no_save: bool,
    /// Which stored runs keep their fills and equity curve: top:N (the best N by --metric),
    /// all, or none. Every run keeps its parameters and metrics.
    #[arg(long, default_value = "top:5")]
    keep: Keep,
    /// Walk-forward: optimise on TRAIN sessions (trading dates, not calendar days), test the
    /// winner on the next TEST sessions, roll by TEST. Each window warms up on the bars before it.
    #[arg(long, value_name = "TRAIN,TEST")]
    walk_forward: Option<WalkForward>,
}

pub fn run(args: SweepArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let plan = SweepPlan {
        agent: g.agents().load(&args.agent)?,
        params: args.params,
        window: Window::parse(args.start.as_deref(), args.end.as_deref())?,
        metric: args.metric,
        save: !args.no_save,
        keep: args.keep,
        walk_forward: args.walk_forward,
    };
    let mut store = g.open(Open::Ready)?;
    let report = match run_plan(store.as_mut(), &plan, &Bar::new(Unit::Items))? {
        SweepOutcome::WalkForward(r) => {
            return output::reply(g.json, &r, render::text::walk_forward);
        }
        SweepOutcome::Grid(r) => r,
    };
    output::reply(g.json, &report, |t, r| render::text::sweep(t, r, args.top))?;
    match report.unsaved {
        Some((saved, e)) => Err(anyhow::anyhow!(
            "the sweep above was computed, but only {saved} of {} runs were saved (the others have no run id): {e}",
            report.runs.len()
        )),
        None => Ok(()),
    }
}
