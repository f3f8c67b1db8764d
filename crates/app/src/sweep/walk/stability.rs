//! How far to trust a walk-forward: how often each parameter set won, the out-of-sample
//! windows chained into one curve with its Sharpe and drawdown against the same figures in
//! sample (the decay), windows that never traded, and winners on the edge of the grid. Typed,
//! for the table and for the dashboard's charts.

use std::collections::BTreeMap;

use analytics::stats::{annual_return, cum_returns_final, max_drawdown, sharpe_ratio};
use analytics::{DailyCurve, DateKey};
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::run::Run;
use crate::sweep::Combo;

const PERIODS_PER_YEAR: f64 = 252.0;

/// A parameter set and the windows it won.
#[derive(Debug, Serialize, Deserialize)]
pub struct Choice {
    pub params: serde_json::Map<String, serde_json::Value>,
    pub windows: usize,
}

/// The figures of one curve of daily returns (none when it has no return).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Figures {
    pub total_return: Option<f64>,
    pub annual_return: Option<f64>,
    pub sharpe: Option<f64>,
    pub max_drawdown: Option<f64>,
}

/// The out-of-sample windows one after another: the growth of 1 at each date's close.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct CombinedCurve {
    pub dates: Vec<String>,
    pub growth: Vec<f64>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Stability {
    /// Every parameter set that won a window, most often first.
    pub chosen: Vec<Choice>,
    /// The chained out-of-sample curve's figures.
    pub out_of_sample: Figures,
    /// The winners' own figures in their training windows, averaged over the windows.
    pub in_sample: Figures,
    /// Out-of-sample Sharpe over the mean in-sample Sharpe (1 = no decay; below 0.5 the
    /// in-sample results were mostly fitted noise). Only when the in-sample Sharpe is positive.
    pub sharpe_decay: Option<f64>,
    pub windows_without_trades: usize,
    pub windows_on_grid_edge: usize,
    pub curve: CombinedCurve,
    /// What a reader should not miss, in words.
    pub warnings: Vec<String>,
}

impl Stability {
    /// From each window's winner (its index in `combos`, its in-sample and out-of-sample runs).
    pub fn of(combos: &[Combo], tested: &[(usize, Run, Run)]) -> Result<Self, AppError> {
        let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
        for (i, ..) in tested {
            *counts.entry(*i).or_default() += 1;
        }
        let mut chosen: Vec<Choice> = counts
            .into_iter()
            .map(|(i, n)| Choice {
                params: combos[i].label(),
                windows: n,
            })
            .collect();
        chosen.sort_by_key(|c| std::cmp::Reverse(c.windows));

        let mut dated = Vec::new();
        for (_, _, oos) in tested {
            dated.extend(daily_returns(oos)?);
        }
        let returns: Vec<f64> = dated.iter().map(|(_, r)| *r).collect();
        let out_of_sample = figures(&returns);
        let mut curve = CombinedCurve::default();
        let mut growth = 1.0;
        for (d, r) in &dated {
            growth *= 1.0 + r;
            curve.dates.push(d.to_string());
            curve.growth.push(growth);
        }
        let in_sample = Figures {
            total_return: mean(tested.iter().map(|t| t.1.metrics.total_return)),
            annual_return: mean(tested.iter().map(|t| t.1.metrics.cagr)),
            sharpe: mean(tested.iter().map(|t| t.1.metrics.sharpe)),
            max_drawdown: mean(tested.iter().map(|t| t.1.metrics.max_drawdown)),
        };
        let sharpe_decay = match (out_of_sample.sharpe, in_sample.sharpe) {
            (Some(o), Some(i)) if i > 0.0 => Some(o / i),
            _ => None,
        };
        let windows = tested.len();
        let windows_without_trades = tested
            .iter()
            .filter(|t| t.2.result.fills.is_empty())
            .count();
        let windows_on_grid_edge = tested
            .iter()
            .filter(|t| !on_edge(combos, t.0).is_empty())
            .count();
        let mut warnings = Vec::new();
        if windows_without_trades > 0 {
            warnings.push(format!(
                "{windows_without_trades} of {windows} out-of-sample windows had no trade: \
                 their 0.00% says nothing about the parameters"
            ));
        }
        if windows_on_grid_edge > 0 {
            warnings.push(format!(
                "the winner sat on the edge of the grid in {windows_on_grid_edge} of {windows} \
                 windows: the best value may lie outside it; widen the grid"
            ));
        }
        if let Some(d) = sharpe_decay.filter(|d| *d < 0.5) {
            warnings.push(format!(
                "out-of-sample Sharpe is {:.0}% of in-sample: most of the in-sample edge did \
                 not carry forward",
                d * 100.0
            ));
        }
        Ok(Self {
            chosen,
            out_of_sample,
            in_sample,
            sharpe_decay,
            windows_without_trades,
            windows_on_grid_edge,
            curve,
            warnings,
        })
    }
}

/// Names of the parameters of `combos[i]` at the smallest or largest value the grid tried
/// (parameters tried at three values or more: with two, every choice is an edge).
pub fn on_edge(combos: &[Combo], i: usize) -> Vec<String> {
    let mut out = Vec::new();
    for (name, value) in &combos[i].params {
        let mut tried: Vec<_> = combos
            .iter()
            .filter_map(|c| c.params.iter().find(|(n, _)| n == name).map(|p| p.1))
            .collect();
        tried.sort();
        tried.dedup();
        let (Some(lo), Some(hi)) = (tried.first(), tried.last()) else {
            continue;
        };
        if tried.len() >= 3 && (value == lo || value == hi) {
            out.push(name.trim_start_matches("strategy.").to_string());
        }
    }
    out
}

fn daily_returns(run: &Run) -> Result<Vec<(chrono::NaiveDate, f64)>, AppError> {
    let curve: Vec<_> = run
        .result
        .equity
        .iter()
        .map(|p| (p.timestamp, p.equity))
        .collect();
    if curve.is_empty() {
        return Ok(Vec::new());
    }
    Ok(DailyCurve::from_curve("out-of-sample equity", &curve, DateKey::Auto)?.returns())
}

fn figures(r: &[f64]) -> Figures {
    if r.is_empty() {
        return Figures::default();
    }
    let finite = |x: f64| Some(x).filter(|x| x.is_finite());
    Figures {
        total_return: finite(cum_returns_final(r)),
        annual_return: finite(annual_return(r, PERIODS_PER_YEAR)),
        sharpe: finite(sharpe_ratio(r, 0.0, PERIODS_PER_YEAR)),
        max_drawdown: finite(max_drawdown(r)),
    }
}

fn mean(xs: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let v: Vec<f64> = xs.flatten().filter(|x| x.is_finite()).collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}
