//! Calibration: a slippage setting for the fill model, from the execution drift of many fills.
//!
//! The suggestion is the **median** of the matched fills' `slippage_bps` (per-share slippage
//! over the model price, positive when the venue was worse), so one bad fill does not move it.
//! It is given over all fills and by time of day on the NYSE calendar (`domain::calendar`, early
//! closes included), from the fill's time (the stamp of the bar it filled in):
//! - `open`: the first 30 minutes of the session,
//! - `close`: the last 30 minutes,
//! - `midday`: the rest of the session,
//! - `outside`: no regular session at that time (extended hours, crypto, FX).
//!
//! A negative median means the model is pessimistic for those fills. Each number comes with the
//! count of fills behind it; pool the [`FillDrift`]s of several sessions for a steadier answer.

use domain::UnixNanos;
use domain::calendar::NyseCalendar;
use domain::time::NANOS_PER_MINUTE;
use serde::{Deserialize, Serialize};

use super::execution::FillDrift;

/// Minutes after the open and before the close that count as the open and close buckets.
pub const EDGE_MINUTES: i64 = 30;

/// A part of the trading day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeOfDay {
    Open,
    Midday,
    Close,
    Outside,
}

impl TimeOfDay {
    pub const ALL: [TimeOfDay; 4] = [Self::Open, Self::Midday, Self::Close, Self::Outside];

    /// The bucket of `t` on the NYSE calendar.
    pub fn of(t: UnixNanos) -> TimeOfDay {
        let Some(session) = NyseCalendar.session_at(t) else {
            return TimeOfDay::Outside;
        };
        let edge = EDGE_MINUTES * NANOS_PER_MINUTE;
        if t.as_i64() < session.open.as_i64() + edge {
            TimeOfDay::Open
        } else if t.as_i64() >= session.close.as_i64() - edge {
            TimeOfDay::Close
        } else {
            TimeOfDay::Midday
        }
    }
}

/// A suggested slippage and the fills behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SlippageSuggestion {
    pub fills: usize,
    /// Median slippage in basis points; `None` without fills.
    pub median_bps: Option<f64>,
}

/// The slippage the fill model should use, overall and by time of day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub overall: SlippageSuggestion,
    /// One entry per [`TimeOfDay`], in [`TimeOfDay::ALL`] order, empty buckets included.
    pub by_time_of_day: Vec<(TimeOfDay, SlippageSuggestion)>,
}

/// Calibrates from matched fills (fills without a `slippage_bps` are left out).
pub fn calibrate(fills: &[FillDrift]) -> Calibration {
    let with_bps: Vec<(TimeOfDay, f64)> = fills
        .iter()
        .filter_map(|f| f.slippage_bps.map(|b| (TimeOfDay::of(f.ts), b)))
        .collect();
    let suggest = |bucket: Option<TimeOfDay>| {
        let bps: Vec<f64> = with_bps
            .iter()
            .filter(|(t, _)| bucket.is_none_or(|b| b == *t))
            .map(|&(_, b)| b)
            .collect();
        SlippageSuggestion {
            fills: bps.len(),
            median_bps: median(bps),
        }
    };
    Calibration {
        overall: suggest(None),
        by_time_of_day: TimeOfDay::ALL
            .into_iter()
            .map(|t| (t, suggest(Some(t))))
            .collect(),
    }
}

/// The median (the mean of the two middle values for an even count); `None` when empty.
pub fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(Vec::new()), None);
    }

    #[test]
    fn buckets_follow_the_session_and_its_early_close() {
        let at = |s: &str| UnixNanos::parse_rfc3339(s).unwrap();
        // 2024-07-01: EDT, session 13:30–20:00 UTC.
        assert_eq!(TimeOfDay::of(at("2024-07-01T13:30:00Z")), TimeOfDay::Open);
        assert_eq!(TimeOfDay::of(at("2024-07-01T13:59:00Z")), TimeOfDay::Open);
        assert_eq!(TimeOfDay::of(at("2024-07-01T14:00:00Z")), TimeOfDay::Midday);
        assert_eq!(TimeOfDay::of(at("2024-07-01T19:29:00Z")), TimeOfDay::Midday);
        assert_eq!(TimeOfDay::of(at("2024-07-01T19:30:00Z")), TimeOfDay::Close);
        assert_eq!(
            TimeOfDay::of(at("2024-07-01T20:00:00Z")),
            TimeOfDay::Outside
        );
        // 2024-07-03 closes at 13:00 EDT (17:00 UTC).
        assert_eq!(TimeOfDay::of(at("2024-07-03T16:45:00Z")), TimeOfDay::Close);
        // A Saturday.
        assert_eq!(
            TimeOfDay::of(at("2024-07-06T15:00:00Z")),
            TimeOfDay::Outside
        );
    }
}
