//! Sweeps: every combination of parameter ranges ([`grid`]), run in parallel on all cores from
//! bars loaded once and lent to every run, ranked by a metric. Every combination is stored
//! with its parameters and metrics; fills and equity only for those [`Keep`] names (the best
//! five by default), re-run after ranking, so a sweep holds one run per core in memory rather
//! than every run's fills. [`walk`] instead picks the best combination on each in-sample window
//! and tests it on the window after.

pub mod grid;
pub mod plan;
pub mod walk;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use store::{NewSweep, RunStore, StoreError};

use crate::AppError;
use crate::progress::Progress;
use crate::run::{self, Preloaded, Run};
use crate::time::Window;
pub use grid::{Combo, ParamRange, combinations};

/// The metric a sweep ranks by; higher is better for each (drawdowns are negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    pub const ALL: [Self; 8] = [
        Self::Sharpe,
        Self::Sortino,
        Self::Calmar,
        Self::TotalReturn,
        Self::Cagr,
        Self::MaxDrawdown,
        Self::ProfitFactor,
        Self::WinRate,
    ];

    /// The spelling on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sharpe => "sharpe",
            Self::Sortino => "sortino",
            Self::Calmar => "calmar",
            Self::TotalReturn => "total-return",
            Self::Cagr => "cagr",
            Self::MaxDrawdown => "max-drawdown",
            Self::ProfitFactor => "profit-factor",
            Self::WinRate => "win-rate",
        }
    }

    /// The metric's value, `None` when undefined or not finite.
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

impl std::str::FromStr for RankBy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let want = s.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == want)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|r| r.as_str()).collect();
                format!("{s:?} is not one of {}", names.join(", "))
            })
    }
}

/// Which stored combinations keep their fills and equity curve (every one keeps its
/// parameters and metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// The best N by the sweep's metric.
    Top(usize),
    All,
    Nothing,
}

impl std::str::FromStr for Keep {
    type Err = String;

    /// `top:N`, `all` or `none`.
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "all" => Ok(Self::All),
            "none" => Ok(Self::Nothing),
            other => other
                .strip_prefix("top:")
                .and_then(|n| n.parse().ok())
                .map(Self::Top)
                .ok_or_else(|| format!("{s:?}: expected top:N, all or none")),
        }
    }
}

/// One sweep: the combinations of an agent, the window, the ranking.
pub struct SweepRequest<'a> {
    pub combos: &'a [Combo],
    /// Combinations the agent refused, reported alongside.
    pub invalid: usize,
    pub window: Window,
    pub metric: RankBy,
    pub save: bool,
    pub keep: Keep,
}

/// What [`run_all`] keeps of each run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Metrics, counts and fingerprint; fills and equity dropped as soon as the metrics exist.
    Metrics,
    Full,
}

/// One combination's result.
#[derive(Debug, Serialize, Deserialize)]
pub struct SweepRow {
    pub params: serde_json::Map<String, serde_json::Value>,
    pub run_id: Option<i64>,
    pub score: Option<f64>,
    /// Whether the stored run kept its fills and equity curve ([`Keep`]).
    pub kept: bool,
    pub metrics: analytics::Metrics,
}

/// Every combination, best first.
#[derive(Debug, Serialize, Deserialize)]
pub struct SweepReport {
    /// The stored sweep (`backtest sweeps ID`), when it was saved.
    #[serde(default)]
    pub sweep_id: Option<i64>,
    pub metric: RankBy,
    pub invalid_combinations: usize,
    pub keep: Keep,
    pub runs: Vec<SweepRow>,
    /// When saving stopped: how many runs were stored before, and why. The rows after have no
    /// run id; the report is whole all the same.
    #[serde(skip)]
    pub unsaved: Option<(usize, StoreError)>,
}

/// Runs every combination on `pre` (metrics only), ranks them, and stores each (until a save
/// fails): the ones [`Keep`] names run again whole, so their fills and equity are stored too.
pub fn sweep(
    store: &mut dyn RunStore,
    pre: &Preloaded,
    req: &SweepRequest<'_>,
    progress: &dyn Progress,
) -> Result<SweepReport, AppError> {
    let runs = run_all(
        pre,
        req.combos,
        req.window,
        "sweeping",
        Detail::Metrics,
        progress,
    )?;
    let scores: Vec<Option<f64>> = runs.iter().map(|r| req.metric.value(&r.metrics)).collect();
    let mut ranked: Vec<usize> = (0..runs.len()).collect();
    ranked.sort_by(|a, b| {
        let (x, y) = (scores[*a], scores[*b]);
        y.unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&x.unwrap_or(f64::NEG_INFINITY))
    });
    let mut kept = vec![false; runs.len()];
    let keep_n = match req.keep {
        Keep::Top(n) => n,
        Keep::All => runs.len(),
        Keep::Nothing => 0,
    };
    for &i in ranked.iter().take(keep_n) {
        kept[i] = true;
    }
    // The kept runs again, whole, a core's worth at a time (their fills are what costs memory).
    let mut whole: Vec<Option<Run>> = (0..runs.len()).map(|_| None).collect();
    let chunk = rayon::current_num_threads().max(1);
    let sweep_id = if req.save {
        Some(
            store.create_sweep(&NewSweep {
                agent_id: req
                    .combos
                    .first()
                    .map(|c| c.agent.id.clone())
                    .unwrap_or_default(),
                metric: req.metric.as_str().to_string(),
                grid: grid_json(req.combos),
                keep: req.keep.to_string(),
            })?,
        )
    } else {
        None
    };
    let mut rows = Vec::with_capacity(runs.len());
    let mut unsaved = None;
    for (i, (combo, r)) in req.combos.iter().zip(runs).enumerate() {
        let run_id = if !req.save || unsaved.is_some() {
            None
        } else {
            if kept[i] && whole[i].is_none() {
                let next: Vec<usize> = (i..req.combos.len())
                    .filter(|&j| kept[j])
                    .take(chunk)
                    .collect();
                let again: Vec<Run> = next
                    .par_iter()
                    .map(|&j| run::run(pre, &req.combos[j].agent, req.window, None))
                    .collect::<Result<_, _>>()?;
                for (j, run) in next.into_iter().zip(again) {
                    whole[j] = Some(run);
                }
            }
            let whole = whole[i].take();
            let id = sweep_id.unwrap_or_default();
            let params = serde_json::Value::Object(combo.label());
            match run::save_swept(store, whole.as_ref().unwrap_or(&r), id, params) {
                Ok(id) => Some(id),
                Err(e) => {
                    unsaved = Some((rows.len(), e));
                    None
                }
            }
        };
        rows.push(SweepRow {
            params: combo.label(),
            run_id,
            score: scores[i],
            kept: kept[i] && run_id.is_some(),
            metrics: r.metrics,
        });
    }
    let mut by_rank: Vec<Option<SweepRow>> = rows.into_iter().map(Some).collect();
    let rows = ranked.iter().filter_map(|&i| by_rank[i].take()).collect();
    let report = SweepReport {
        sweep_id,
        metric: req.metric,
        invalid_combinations: req.invalid,
        keep: req.keep,
        runs: rows,
        unsaved,
    };
    if let Some(id) = sweep_id {
        let json = serde_json::to_value(&report)
            .map_err(|e| AppError::input(format!("sweep report: {e}")))?;
        store.finish_sweep(id, &json)?;
    }
    Ok(report)
}

/// A walk-forward stored as a sweep: its grid and its report (it stores no runs).
pub fn record_walk_forward(
    store: &mut dyn RunStore,
    combos: &[Combo],
    report: &walk::WalkForwardReport,
) -> Result<i64, AppError> {
    let id = store.create_sweep(&NewSweep {
        agent_id: combos
            .first()
            .map(|c| c.agent.id.clone())
            .unwrap_or_default(),
        metric: report.metric.as_str().to_string(),
        grid: grid_json(combos),
        keep: format!(
            "walk-forward {},{}",
            report.train_sessions, report.test_sessions
        ),
    })?;
    let json = serde_json::to_value(report)
        .map_err(|e| AppError::input(format!("walk-forward report: {e}")))?;
    store.finish_sweep(id, &json)?;
    Ok(id)
}

/// Each swept parameter with the values tried, in order: `{"fast": [5, 6], "slow": [20]}`.
pub fn grid_json(combos: &[Combo]) -> serde_json::Value {
    let mut grid = serde_json::Map::new();
    for c in combos {
        for (name, value) in c.label() {
            let tried = grid
                .entry(name)
                .or_insert_with(|| serde_json::Value::Array(Vec::new()));
            if let serde_json::Value::Array(values) = tried
                && !values.contains(&value)
            {
                values.push(value);
            }
        }
    }
    serde_json::Value::Object(grid)
}

impl std::fmt::Display for Keep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Top(n) => write!(f, "top:{n}"),
            Self::All => f.write_str("all"),
            Self::Nothing => f.write_str("none"),
        }
    }
}

/// Runs every combination in parallel on the preloaded data, in input order.
pub fn run_all(
    pre: &Preloaded,
    combos: &[Combo],
    window: Window,
    what: &str,
    detail: Detail,
    progress: &dyn Progress,
) -> Result<Vec<Run>, AppError> {
    progress.start(combos.len() as u64, what);
    let out = combos
        .par_iter()
        .map(|c| {
            let mut r = run::run(pre, &c.agent, window, None);
            if let (Ok(r), Detail::Metrics) = (&mut r, detail) {
                r.result.fills = Vec::new();
                r.result.equity = Vec::new();
            }
            progress.advance(1);
            r
        })
        .collect::<Result<Vec<_>, _>>();
    progress.finish();
    out
}
