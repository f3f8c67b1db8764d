//! `ztrade backtest sweep`: flags → `app::sweep` (or `app::sweep::walk` with `--walk-forward`)
//! → a ranked table or JSON.

use app::run::Preloaded;
use app::sweep::walk::WalkForward;
use app::sweep::{Keep, ParamRange, RankBy, SweepRequest, combinations};
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
    #[arg(long, default_value = "sharpe", value_parser = parse_rank)]
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
    #[arg(long, default_value = "top:5", value_parser = parse_keep)]
    keep: Keep,
    /// Walk-forward: optimise on TRAIN sessions (trading dates, not calendar days), test the
    /// winner on the next TEST sessions, roll by TEST. Each window warms up on the bars before it.
    #[arg(long, value_name = "TRAIN,TEST", value_parser = parse_pair)]
    walk_forward: Option<(usize, usize)>,
}

fn parse_rank(s: &str) -> Result<RankBy, String> {
    s.parse()
}

fn parse_keep(s: &str) -> Result<Keep, String> {
    s.parse()
}

fn parse_pair(s: &str) -> Result<(usize, usize), String> {
    let (a, b) = s
        .split_once(',')
        .ok_or("expected TRAIN,TEST in sessions, e.g. 250,60")?;
    let p = |x: &str| {
        x.trim()
            .parse::<usize>()
            .ok()
            .filter(|v| *v > 0)
            .ok_or(format!("{x:?} is not a positive number of sessions"))
    };
    Ok((p(a)?, p(b)?))
}

pub fn run(args: SweepArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let base = g.agents().load(&args.agent)?;
    let ranges = args
        .params
        .iter()
        .map(|p| ParamRange::parse(p))
        .collect::<Result<Vec<_>, _>>()?;
    let (combos, invalid) = combinations(&base, &ranges)?;
    if combos.is_empty() {
        anyhow::bail!(
            "no valid parameter combination ({invalid} rejected by the agent's own checks)"
        );
    }
    let window = Window::parse(args.start.as_deref(), args.end.as_deref())?;
    let mut store = g.open(Open::Ready)?;
    let warmup = combos
        .iter()
        .map(|c| c.agent.warmup_bars())
        .max()
        .unwrap_or(0);
    let pre = Preloaded::load(store.as_ref(), &base, window, warmup)?;
    let bar = Bar::new(Unit::Items);
    if let Some((train_sessions, test_sessions)) = args.walk_forward {
        let wf = WalkForward {
            train_sessions,
            test_sessions,
        };
        let mut report = app::sweep::walk::walk_forward(&pre, &combos, args.metric, wf, &bar)?;
        if !args.no_save {
            report.sweep_id = Some(app::sweep::record_walk_forward(
                store.as_mut(),
                &combos,
                &report,
            )?);
        }
        if g.json {
            return output::json(&report);
        }
        output::text(|t| render::text::walk_forward(t, &report));
        return Ok(());
    }
    let req = SweepRequest {
        combos: &combos,
        invalid,
        window,
        metric: args.metric,
        save: !args.no_save,
        keep: args.keep,
    };
    let report = app::sweep::sweep(store.as_mut(), &pre, &req, &bar)?;
    if g.json {
        output::json(&report)?;
    } else {
        output::text(|t| render::text::sweep(t, &report, args.top));
    }
    match report.unsaved {
        Some((saved, e)) => Err(anyhow::anyhow!(
            "the sweep above was computed, but only {saved} of {} runs were saved (the others have no run id): {e}",
            report.runs.len()
        )),
        None => Ok(()),
    }
}

/// A stored sweep's report, drawn as when it ran: a ranking or a walk-forward.
pub fn print_stored(report: &serde_json::Value) -> anyhow::Result<()> {
    if report.get("windows").is_some() {
        let r: app::sweep::walk::WalkForwardReport = serde_json::from_value(report.clone())?;
        output::text(|t| render::text::walk_forward(t, &r));
    } else if report.get("runs").is_some() {
        let r: app::sweep::SweepReport = serde_json::from_value(report.clone())?;
        output::text(|t| render::text::sweep(t, &r, usize::MAX));
    } else {
        println!("this sweep stopped before its report was stored");
    }
    Ok(())
}
