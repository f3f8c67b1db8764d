//! Runs side by side: every metric row across the runs, the best value of each ranked row
//! marked (when more than one run has a value).

use analytics::Metrics;
use serde::Serialize;
use store::StoredRun;

use super::metrics::{Rank, metric_rows};

/// One run's column.
#[derive(Debug, Serialize)]
pub struct ComparedRun {
    pub run_id: i64,
    pub agent_id: String,
    pub metrics: Metrics,
}

/// One metric across the runs.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    pub name: &'static str,
    /// The value as shown, per run.
    pub cells: Vec<String>,
    /// Whether that run's value is the best of the row.
    pub best: Vec<bool>,
}

#[derive(Debug)]
pub struct CompareReport {
    pub runs: Vec<ComparedRun>,
    pub rows: Vec<CompareRow>,
}

impl CompareReport {
    pub fn new(runs: &[StoredRun]) -> Self {
        let runs: Vec<ComparedRun> = runs
            .iter()
            .map(|r| ComparedRun {
                run_id: r.summary.id,
                agent_id: r.summary.agent_id.clone(),
                metrics: r.metrics.clone(),
            })
            .collect();
        let columns: Vec<_> = runs.iter().map(|r| metric_rows(&r.metrics)).collect();
        let n_rows = columns.first().map_or(0, Vec::len);
        let rows = (0..n_rows)
            .map(|i| {
                let values: Vec<Option<f64>> = columns.iter().map(|c| c[i].value).collect();
                let best = best_of(columns[0][i].rank, &values);
                let ranked = values.iter().flatten().count() > 1;
                CompareRow {
                    name: columns[0][i].name,
                    cells: columns.iter().map(|c| c[i].text.clone()).collect(),
                    best: values
                        .iter()
                        .map(|v| ranked && best.is_some() && *v == best)
                        .collect(),
                }
            })
            .collect();
        Self { runs, rows }
    }
}

fn best_of(rank: Rank, values: &[Option<f64>]) -> Option<f64> {
    let present = values.iter().flatten().copied();
    match rank {
        Rank::High => present.fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v)))),
        Rank::Low => present.fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.min(v)))),
        Rank::None => None,
    }
}
