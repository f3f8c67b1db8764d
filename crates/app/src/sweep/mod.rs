//! Sweeps: every combination of parameter ranges ([`grid`]), run in parallel on all cores from
//! bars loaded once, each run stored, ranked by a metric. [`walk`] instead picks the best
//! combination on each in-sample window and tests it on the window after.

pub mod grid;
pub mod walk;

use rayon::prelude::*;
use serde::Serialize;
use store::{RunStore, StoreError};

use crate::AppError;
use crate::progress::Progress;
use crate::run::{self, Preloaded, Run};
use crate::time::Window;
pub use grid::{Combo, ParamRange, combinations};

/// The metric a sweep ranks by; higher is better for each (drawdowns are negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

/// One sweep: the combinations of an agent, the window, the ranking.
pub struct SweepRequest<'a> {
    pub combos: &'a [Combo],
    /// Combinations the agent refused, reported alongside.
    pub invalid: usize,
    pub window: Window,
    pub metric: RankBy,
    pub save: bool,
}

/// One combination's result.
#[derive(Debug, Serialize)]
pub struct SweepRow {
    pub params: serde_json::Map<String, serde_json::Value>,
    pub run_id: Option<i64>,
    pub score: Option<f64>,
    pub metrics: analytics::Metrics,
}

/// Every combination, best first.
#[derive(Debug, Serialize)]
pub struct SweepReport {
    pub metric: RankBy,
    pub invalid_combinations: usize,
    pub runs: Vec<SweepRow>,
    /// When saving stopped: how many runs were stored before, and why. The rows after have no
    /// run id; the report is whole all the same.
    #[serde(skip)]
    pub unsaved: Option<(usize, StoreError)>,
}

/// Runs every combination on `pre`, stores each (until a save fails), ranks them.
pub fn sweep(
    store: &mut dyn RunStore,
    pre: &Preloaded,
    req: &SweepRequest<'_>,
    progress: &dyn Progress,
) -> Result<SweepReport, AppError> {
    let runs = run_all(pre, req.combos, req.window, "sweeping", progress)?;
    let mut rows = Vec::with_capacity(runs.len());
    let mut unsaved = None;
    for (combo, r) in req.combos.iter().zip(runs) {
        let run_id = if !req.save || unsaved.is_some() {
            None
        } else {
            match run::save(store, &r) {
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
            score: req.metric.value(&r.metrics),
            metrics: r.metrics,
        });
    }
    rows.sort_by(|a, b| {
        b.score
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.score.unwrap_or(f64::NEG_INFINITY))
    });
    Ok(SweepReport {
        metric: req.metric,
        invalid_combinations: req.invalid,
        runs: rows,
        unsaved,
    })
}

/// Runs every combination in parallel on the preloaded data, in input order.
pub fn run_all(
    pre: &Preloaded,
    combos: &[Combo],
    window: Window,
    what: &str,
    progress: &dyn Progress,
) -> Result<Vec<Run>, AppError> {
    progress.start(combos.len() as u64, what);
    let out = combos
        .par_iter()
        .map(|c| {
            let r = run::run(pre, &c.agent, window, None);
            progress.advance(1);
            r
        })
        .collect::<Result<Vec<_>, _>>();
    progress.finish();
    out
}
