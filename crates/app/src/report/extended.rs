//! The report's metrics beyond the run's stored ones, as quantstats defines them
//! (`analytics::tearsheet`, docs/METRICS.md), written as the other metrics are.

use analytics::ExtendedMetrics;
use chrono::NaiveDate;

use super::MetricCell;
use crate::views::fmt::{pct, ratio};

fn dated(v: Option<f64>, when: Option<String>) -> String {
    match (v, when) {
        (Some(_), Some(w)) => format!("{} ({w})", pct(v)),
        _ => pct(v),
    }
}

fn day(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn month(m: Option<(i32, u32)>) -> Option<String> {
    m.map(|(y, m)| format!("{y}-{m:02}"))
}

/// The rows, in the order of the report's table.
pub fn cells(e: &ExtendedMetrics) -> Vec<MetricCell> {
    [
        ("probabilistic Sharpe", pct(e.probabilistic_sharpe)),
        ("Omega", ratio(e.omega)),
        ("tail ratio", ratio(e.tail_ratio)),
        ("daily VaR (95%)", pct(e.value_at_risk)),
        ("daily CVaR (95%)", pct(e.conditional_value_at_risk)),
        ("Kelly", pct(e.kelly)),
        ("skew", ratio(e.skew)),
        ("kurtosis", ratio(e.kurtosis)),
        ("best day", dated(e.best_day, day(e.best_day_date))),
        ("worst day", dated(e.worst_day, day(e.worst_day_date))),
        ("best month", dated(e.best_month, month(e.best_month_of))),
        ("worst month", dated(e.worst_month, month(e.worst_month_of))),
    ]
    .into_iter()
    .map(|(name, text)| MetricCell {
        name: name.to_string(),
        text,
    })
    .collect()
}
