//! Walk-forward analysis: optimise on an in-sample window, test the winner on the next
//! out-of-sample window, roll forward by the test length. Only out-of-sample results say
//! anything about the future; they are reported per window and compounded.

use domain::UnixNanos;
use domain::time::NANOS_PER_DAY;
use serde::Serialize;

use super::{Combo, RankBy, run_all};
use crate::AppError;
use crate::progress::Progress;
use crate::run::Preloaded;
use crate::time::Window;

/// Window lengths in calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkForward {
    pub train_days: i64,
    pub test_days: i64,
}

/// One in-sample / out-of-sample pair, with dates as `YYYY-MM-DD` (both inclusive).
#[derive(Debug, Serialize)]
pub struct WalkWindow {
    pub in_sample: [String; 2],
    pub out_of_sample: [String; 2],
    pub best: serde_json::Map<String, serde_json::Value>,
    pub in_sample_score: Option<f64>,
    pub out_of_sample_score: Option<f64>,
    pub out_of_sample_return: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct WalkForwardReport {
    pub metric: RankBy,
    pub windows: Vec<WalkWindow>,
    /// The out-of-sample returns compounded.
    pub out_of_sample_return: f64,
}

pub fn walk_forward(
    pre: &Preloaded,
    combos: &[Combo],
    metric: RankBy,
    wf: WalkForward,
    progress: &dyn Progress,
) -> Result<WalkForwardReport, AppError> {
    let stamps = pre
        .bars
        .first()
        .map(|(_, _, b)| b.as_slice())
        .unwrap_or_default();
    let (Some(first), Some(last)) = (stamps.first(), stamps.last()) else {
        return Err(AppError::NoData("no bars to walk forward over".into()));
    };
    let span = |days: i64| {
        days.checked_mul(NANOS_PER_DAY)
            .ok_or_else(|| AppError::input(format!("--walk-forward: {days} days is too long")))
    };
    let (train, test) = (span(wf.train_days)?, span(wf.test_days)?);
    let mut windows = Vec::new();
    let mut t0 = first.ts.as_i64();
    let mut compounded = 1.0;
    while t0.saturating_add(train) < last.ts.as_i64() {
        let is = Window {
            start: Some(UnixNanos::new(t0)),
            end: Some(UnixNanos::new(t0 + train)),
        };
        let oos = Window {
            start: is.end,
            // The last window ends with the data, so its dates say what was really tested.
            end: Some(UnixNanos::new(
                (t0 + train).saturating_add(test).min(last.ts.as_i64() + 1),
            )),
        };
        let scored = run_all(pre, combos, is, "in-sample", progress)?;
        let best = scored
            .iter()
            .enumerate()
            .max_by(|a, b| {
                let (x, y) = (metric.value(&a.1.metrics), metric.value(&b.1.metrics));
                x.unwrap_or(f64::NEG_INFINITY)
                    .total_cmp(&y.unwrap_or(f64::NEG_INFINITY))
                    .then(b.0.cmp(&a.0))
            })
            .map(|(i, o)| (i, metric.value(&o.metrics)));
        let Some((i, is_score)) = best else { break };
        let tested = run_all(pre, &combos[i..=i], oos, "out-of-sample", progress)?.remove(0);
        let ret = tested.metrics.total_return;
        compounded *= 1.0 + ret.unwrap_or(0.0);
        windows.push(WalkWindow {
            in_sample: [first_day(&is), last_day(&is)],
            out_of_sample: [first_day(&oos), last_day(&oos)],
            best: combos[i].label(),
            in_sample_score: is_score,
            out_of_sample_score: metric.value(&tested.metrics),
            out_of_sample_return: ret,
        });
        t0 = t0.saturating_add(test);
    }
    if windows.is_empty() {
        return Err(AppError::NoData(format!(
            "the data span is shorter than one {}-day training window",
            wf.train_days
        )));
    }
    Ok(WalkForwardReport {
        metric,
        windows,
        out_of_sample_return: compounded - 1.0,
    })
}

fn first_day(w: &Window) -> String {
    w.start
        .map(|t| t.utc_date().to_string())
        .unwrap_or_default()
}

fn last_day(w: &Window) -> String {
    w.end
        .map(|t| UnixNanos::new(t.as_i64() - 1).utc_date().to_string())
        .unwrap_or_default()
}
