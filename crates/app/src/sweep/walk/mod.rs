//! Walk-forward analysis: optimise on an in-sample window, test the winner on the next
//! out-of-sample window, roll forward by the test length. Only out-of-sample results say
//! anything about the future; [`stability`] says how much to believe them.
//!
//! Windows are counted in **sessions** (the exchange dates of the first symbol's bars), not
//! calendar days, so `250,60` is about a year of trading and a quarter whatever the timeframe.
//! Every run in a window warms its strategy up on the bars before the window (the agent's
//! `warmup`), which is past data: a test window starts with filled indicators instead of
//! missing every signal until its slow average fills again.

mod stability;

use domain::UnixNanos;
use serde::{Deserialize, Serialize};

use super::{Combo, Detail, RankBy, run_all};
use crate::AppError;
use crate::progress::Progress;
use crate::run::Preloaded;
use crate::time::Window;
pub use stability::{Choice, CombinedCurve, Stability};

/// Window lengths in sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkForward {
    pub train_sessions: usize,
    pub test_sessions: usize,
}

impl std::str::FromStr for WalkForward {
    type Err = String;

    /// `TRAIN,TEST` in sessions, e.g. `250,60`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (a, b) = s
            .split_once(',')
            .ok_or("expected TRAIN,TEST in sessions, e.g. 250,60")?;
        let p = |x: &str| {
            (x.trim().parse::<usize>().ok())
                .filter(|v| *v > 0)
                .ok_or(format!("{x:?} is not a positive number of sessions"))
        };
        Ok(WalkForward {
            train_sessions: p(a)?,
            test_sessions: p(b)?,
        })
    }
}

/// One in-sample / out-of-sample pair, with dates as `YYYY-MM-DD` (both inclusive).
#[derive(Debug, Serialize, Deserialize)]
pub struct WalkWindow {
    pub in_sample: [String; 2],
    pub out_of_sample: [String; 2],
    /// Sessions in the out-of-sample window (the last one may be shorter).
    pub out_of_sample_sessions: usize,
    pub best: serde_json::Map<String, serde_json::Value>,
    pub in_sample_score: Option<f64>,
    pub out_of_sample_score: Option<f64>,
    pub out_of_sample_return: Option<f64>,
    /// Fills of the winner in the out-of-sample window: 0 means it never traded there, and its
    /// 0.00 % says nothing about the parameters.
    pub out_of_sample_fills: usize,
    /// Parameters of the winner at the smallest or largest value the grid tried.
    pub on_grid_edge: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct WalkForwardReport {
    /// The stored sweep, when it was saved (`backtest sweeps ID`).
    #[serde(default)]
    pub sweep_id: Option<i64>,
    pub metric: RankBy,
    pub train_sessions: usize,
    pub test_sessions: usize,
    pub windows: Vec<WalkWindow>,
    /// The out-of-sample returns compounded.
    pub out_of_sample_return: f64,
    pub stability: Stability,
}

pub fn walk_forward(
    pre: &Preloaded,
    combos: &[Combo],
    metric: RankBy,
    wf: WalkForward,
    progress: &dyn Progress,
) -> Result<WalkForwardReport, AppError> {
    if wf.train_sessions == 0 || wf.test_sessions == 0 {
        return Err(AppError::input(
            "--walk-forward: both window lengths must be at least one session",
        ));
    }
    let (daily, stamps) = pre
        .bars
        .first()
        .map(|(_, tf, b)| (tf.is_daily_or_longer(), b.as_slice()))
        .unwrap_or_default();
    let day = DayOf(daily);
    let sessions = session_starts(stamps.iter().map(|b| b.ts), day);
    let Some(last) = stamps.last() else {
        return Err(AppError::NoData("no bars to walk forward over".into()));
    };
    let end_of_data = UnixNanos::new(last.ts.as_i64().saturating_add(1));
    let at = |i: usize| sessions.get(i).copied().unwrap_or(end_of_data);
    let mut windows = Vec::new();
    let mut tested = Vec::new();
    let mut compounded = 1.0;
    let mut s = 0;
    while s + wf.train_sessions < sessions.len() {
        let split = s + wf.train_sessions;
        let stop = (split + wf.test_sessions).min(sessions.len());
        let is = Window {
            start: Some(at(s)),
            end: Some(at(split)),
        };
        let oos = Window {
            start: Some(at(split)),
            end: Some(at(stop)),
        };
        let mut scored = run_all(pre, combos, is, "in-sample", Detail::Metrics, progress)?;
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
        let run = run_all(
            pre,
            &combos[i..=i],
            oos,
            "out-of-sample",
            Detail::Full,
            progress,
        )?
        .remove(0);
        let ret = run.metrics.total_return;
        compounded *= 1.0 + ret.unwrap_or(0.0);
        windows.push(WalkWindow {
            in_sample: day.span(&is),
            out_of_sample: day.span(&oos),
            out_of_sample_sessions: stop - split,
            best: combos[i].label(),
            in_sample_score: is_score,
            out_of_sample_score: metric.value(&run.metrics),
            out_of_sample_return: ret,
            out_of_sample_fills: run.result.fills.len(),
            on_grid_edge: stability::on_edge(combos, i),
        });
        tested.push((i, scored.swap_remove(i), run));
        s += wf.test_sessions;
    }
    if windows.is_empty() {
        return Err(AppError::NoData(format!(
            "the data holds {} sessions, not more than one {}-session training window",
            sessions.len(),
            wf.train_sessions
        )));
    }
    Ok(WalkForwardReport {
        sweep_id: None,
        metric,
        train_sessions: wf.train_sessions,
        test_sessions: wf.test_sessions,
        windows,
        out_of_sample_return: compounded - 1.0,
        stability: Stability::of(combos, &tested)?,
    })
}

/// The trading date of a stamp: daily bars are stamped at midnight UTC of their date,
/// intraday bars belong to their New York date.
#[derive(Clone, Copy)]
struct DayOf(bool);

impl DayOf {
    fn of(self, t: UnixNanos) -> chrono::NaiveDate {
        if self.0 {
            t.utc_date()
        } else {
            t.exchange_date()
        }
    }

    /// First and last date of `[start, end)`.
    fn span(self, w: &Window) -> [String; 2] {
        let first = w.start.map(|t| self.of(t).to_string()).unwrap_or_default();
        let last = w
            .end
            .map(|t| self.of(UnixNanos::new(t.as_i64() - 1)).to_string())
            .unwrap_or_default();
        [first, last]
    }
}

/// The first stamp of each trading date, in order.
fn session_starts(stamps: impl Iterator<Item = UnixNanos>, day: DayOf) -> Vec<UnixNanos> {
    let mut out: Vec<UnixNanos> = Vec::new();
    let mut last_date = None;
    for t in stamps {
        let d = day.of(t);
        if last_date != Some(d) {
            out.push(t);
            last_date = Some(d);
        }
    }
    out
}
