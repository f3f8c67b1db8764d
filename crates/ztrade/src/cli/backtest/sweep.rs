//! `ztrade backtest sweep`: every combination of parameter ranges, run in parallel on all cores
//! from bars loaded once, each run stored, ranked by a metric. `--walk-forward` instead picks the
//! best combination on each in-sample window and tests it on the window after.

use std::path::PathBuf;

use anyhow::{Context, bail};
use backtest::AgentConfig;
use clap::{Args, ValueEnum};
use domain::Price;
use rayon::prelude::*;
use serde::Serialize;

use super::runner::{self, Outcome, Preloaded, RunWindow, Source};
use super::{GlobalArgs, load_agent};
use crate::cli::data::parse_window;
use crate::output;
use crate::progress::{self, Unit};

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Agent id whose parameters are swept.
    agent: String,
    /// NAME=LO..HI or NAME=LO..HI:STEP, inclusive (e.g. fast=5..20, slow=20..60:5, k=1.5..2.5:0.5).
    /// A bare NAME is a strategy parameter; a dotted one (risk.stop_loss_pct) is any agent field.
    #[arg(long = "param", required = true)]
    params: Vec<String>,
    /// Rank by this metric (best first).
    #[arg(long, value_enum, default_value_t = RankBy::Sharpe)]
    metric: RankBy,
    #[arg(long, default_value = "agents")]
    agents_dir: PathBuf,
    #[arg(long)]
    start: Option<String>,
    #[arg(long)]
    end: Option<String>,
    /// Rows to print.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Do not store the runs.
    #[arg(long)]
    no_save: bool,
    /// Walk-forward: optimise on TRAIN days, test the winner on the next TEST days, roll by TEST.
    #[arg(long, value_name = "TRAIN,TEST", value_parser = parse_pair)]
    walk_forward: Option<(i64, i64)>,
}

fn parse_pair(s: &str) -> Result<(i64, i64), String> {
    let (a, b) = s
        .split_once(',')
        .ok_or("expected TRAIN,TEST in days, e.g. 120,30")?;
    let p = |x: &str| {
        x.trim()
            .parse::<i64>()
            .ok()
            .filter(|v| *v > 0)
            .ok_or(format!("{x:?} is not a positive number of days"))
    };
    Ok((p(a)?, p(b)?))
}

#[derive(Debug, Clone, Copy, ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RankBy {
    Sharpe,
    Sortino,
    Calmar,
    TotalReturn,
    Cagr,
    MaxDrawdown,
    ProfitFactor,
    WinRate,
}

impl RankBy {
    /// Higher is better for every metric here (drawdowns are negative).
    pub fn value(self, m: &analytics::Metrics) -> Option<f64> {
        match self {
            Self::Sharpe => m.sharpe,
            Self::Sortino => m.sortino,
            Self::Calmar => m.calmar,
            Self::TotalReturn => m.total_return,
            Self::Cagr => m.cagr,
            Self::MaxDrawdown => m.max_drawdown,
            Self::ProfitFactor => m.trades.profit_factor,
            Self::WinRate => m.trades.win_rate,
        }
        .filter(|v| v.is_finite())
    }
}

/// One combination: each swept field's dotted path and value, and the agent it gives.
pub(super) type Combo = (Vec<(String, Price)>, AgentConfig);

/// One parameter: its path in the agent's JSON and the exact values to try.
#[derive(Debug, Clone)]
struct Param {
    path: Vec<String>,
    values: Vec<Price>,
}

fn parse_param(text: &str) -> anyhow::Result<Param> {
    let bad = || format!("--param {text:?}: expected NAME=LO..HI or NAME=LO..HI:STEP");
    let (name, range) = text.split_once('=').with_context(bad)?;
    let (range, step) = range.split_once(':').map_or((range, "1"), |(r, s)| (r, s));
    let (lo, hi) = range.split_once("..").with_context(bad)?;
    let num = |s: &str| {
        Price::parse(s.trim()).map_err(|e| anyhow::anyhow!("--param {text:?}: {s:?}: {e}"))
    };
    let (lo, hi, step) = (num(lo)?, num(hi)?, num(step)?);
    if step.raw() <= 0 || hi < lo {
        bail!("--param {text:?}: need LO ≤ HI and a positive STEP");
    }
    let count = (hi.raw() - lo.raw()) / step.raw() + 1;
    if count > 10_000 {
        bail!("--param {text:?}: {count} values is too many");
    }
    let values = (0..count)
        .map(|k| Price::from_raw(lo.raw() + k * step.raw()))
        .collect();
    let name = name.trim();
    let path = if name.contains('.') {
        name.split('.').map(String::from).collect()
    } else {
        vec!["strategy".into(), name.into()]
    };
    Ok(Param { path, values })
}

/// Every combination, as (label, agent). Invalid combinations (fast ≥ slow) are dropped and counted.
fn combinations(base: &AgentConfig, params: &[Param]) -> anyhow::Result<(Vec<Combo>, usize)> {
    let mut combos: Vec<Vec<(String, Price)>> = vec![vec![]];
    for p in params {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                p.values
                    .iter()
                    .map(move |v| [c.clone(), vec![(p.path.join("."), *v)]].concat())
            })
            .collect();
    }
    let (mut out, mut invalid) = (Vec::new(), 0);
    for combo in combos {
        let mut json = base.to_json();
        for (path, v) in &combo {
            let slot = path
                .split('.')
                .try_fold(&mut json, |j, k| j.get_mut(k))
                .with_context(|| format!("agent {} has no field {path} to sweep", base.id))?;
            *slot = serde_json::from_str(&v.to_string()).expect("a decimal is JSON");
        }
        match serde_json::from_value::<AgentConfig>(json) {
            Ok(a) if a.validate().is_ok() => out.push((combo, a)),
            _ => invalid += 1,
        }
    }
    Ok((out, invalid))
}

#[derive(Debug, Serialize)]
struct Row {
    params: serde_json::Map<String, serde_json::Value>,
    run_id: Option<i64>,
    score: Option<f64>,
    metrics: analytics::Metrics,
}

pub fn run(args: SweepArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let base = load_agent(&args.agents_dir, &args.agent)?;
    let params = args
        .params
        .iter()
        .map(|p| parse_param(p))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (combos, invalid) = combinations(&base, &params)?;
    if combos.is_empty() {
        bail!("no valid parameter combination ({invalid} rejected by the agent's own checks)");
    }
    let (start, end) = parse_window(args.start.as_deref(), args.end.as_deref())?;
    let window = RunWindow {
        start,
        end,
        capital: None,
    };
    let mut store = store::open_ready(&g.db_url())?;
    let pre = Preloaded::load(store.as_ref(), &base, window)?;
    if let Some((train, test)) = args.walk_forward {
        return super::sweep_wf::walk_forward(&pre, &combos, args.metric, window, train, test, g);
    }
    let outcomes = run_all(&pre, &combos, window, "sweeping")?;
    let mut rows = Vec::with_capacity(outcomes.len());
    let mut unsaved: Option<(usize, store::StoreError)> = None;
    for ((combo, _), o) in combos.iter().zip(outcomes) {
        let run_id = if args.no_save || unsaved.is_some() {
            None
        } else {
            match runner::save(store.as_mut(), &o) {
                Ok(id) => Some(id),
                Err(e) => {
                    unsaved = Some((rows.len(), e));
                    None
                }
            }
        };
        rows.push(Row {
            params: label(combo),
            run_id,
            score: args.metric.value(&o.metrics),
            metrics: o.metrics,
        });
    }
    rows.sort_by(|a, b| {
        b.score
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.score.unwrap_or(f64::NEG_INFINITY))
    });
    if g.json {
        output::json(
            &serde_json::json!({ "metric": args.metric, "invalid_combinations": invalid, "runs": rows }),
        )?;
    } else {
        print_rows(&rows, args.top, args.metric, invalid);
    }
    match unsaved {
        Some((saved, e)) => Err(anyhow::anyhow!(
            "the sweep above was computed, but only {saved} of {} runs were saved (the others have no run id): {e}",
            rows.len()
        )),
        None => Ok(()),
    }
}

pub(super) fn label(combo: &[(String, Price)]) -> serde_json::Map<String, serde_json::Value> {
    combo
        .iter()
        .map(|(k, v)| {
            (
                k.trim_start_matches("strategy.").to_string(),
                serde_json::from_str(&v.to_string()).expect("number"),
            )
        })
        .collect()
}

/// Runs every agent in parallel on the preloaded data, in input order.
pub(super) fn run_all(
    pre: &Preloaded,
    combos: &[Combo],
    window: RunWindow,
    what: &str,
) -> anyhow::Result<Vec<Outcome>> {
    let pb = progress::bar(combos.len() as u64, Unit::Items, what);
    let out = combos
        .par_iter()
        .map(|(_, agent)| {
            let r = runner::run_agent(&Source::Memory(pre), agent, window);
            pb.inc(1);
            r
        })
        .collect::<anyhow::Result<Vec<_>>>();
    pb.finish_and_clear();
    out
}

fn print_rows(rows: &[Row], top: usize, metric: RankBy, invalid: usize) {
    let names: Vec<String> = rows
        .first()
        .map(|r| r.params.keys().cloned().collect())
        .unwrap_or_default();
    let mut header: Vec<String> = vec!["rank".into()];
    header.extend(names.iter().cloned());
    header.extend([
        "score".into(),
        "return".into(),
        "Sharpe".into(),
        "max DD".into(),
        "trades".into(),
        "run".into(),
    ]);
    let body = rows.iter().take(top).enumerate().map(|(i, r)| {
        let mut row = vec![(i + 1).to_string()];
        row.extend(names.iter().map(|n| r.params[n].to_string()));
        let f = |v: Option<f64>, p: bool| {
            v.map_or("–".into(), |x| {
                if p {
                    format!("{:.2}%", x * 100.0)
                } else {
                    format!("{x:.3}")
                }
            })
        };
        row.extend([
            f(r.score, false),
            f(r.metrics.total_return, true),
            f(r.metrics.sharpe, false),
            f(r.metrics.max_drawdown, true),
            r.metrics.trades.count.to_string(),
            r.run_id.map_or("–".into(), |id| format!("#{id}")),
        ]);
        row
    });
    let refs: Vec<&str> = header.iter().map(String::as_str).collect();
    println!("{}", output::table(&refs, body));
    println!(
        "{} combinations ranked by {metric:?}{}",
        rows.len(),
        if invalid > 0 {
            format!(", {invalid} invalid skipped")
        } else {
            String::new()
        }
    );
}
