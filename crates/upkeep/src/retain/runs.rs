//! The data a stored backtest run read, which retention keeps unless forced: the bars of its
//! symbols and benchmark at its timeframe over its period (whole dates), the finer bars when it
//! replayed them (`intrabar: finer_bars`), and the daily bars when it adjusted for dividends
//! (`adjustment: all` reads daily closes). A config snapshot that cannot be read protects every
//! bar series over the period.
//!
//! The warm-up bars before a run's start are not protected: a rerun would warm up on fewer bars
//! and its data fingerprint would show it.

use domain::grid::days::{date_bounds, date_of};
use domain::{Symbol, Timeframe, UnixNanos};
use store::{RunPeriod, SeriesRef, Span};

/// One run's claim on the store.
#[derive(Debug, Clone)]
pub struct RunGuard {
    pub id: i64,
    start: UnixNanos,
    end: UnixNanos,
    /// `None`: the snapshot names none that can be read; every symbol is protected.
    symbols: Option<Vec<Symbol>>,
    timeframe: Option<Timeframe>,
    finer: bool,
    daily: bool,
}

impl RunGuard {
    pub fn new(run: &RunPeriod) -> Self {
        let c = &run.config;
        let text = |k: &str| c.get(k).and_then(|v| v.as_str());
        let mut symbols: Option<Vec<Symbol>> = c.get("symbols").and_then(|v| {
            v.as_array()?
                .iter()
                .map(|s| Symbol::new(s.as_str()?).ok())
                .collect()
        });
        if let (Some(list), Some(b)) = (&mut symbols, text("benchmark")) {
            match Symbol::new(b) {
                Ok(b) => list.push(b),
                Err(_) => symbols = None,
            }
        }
        Self {
            id: run.id,
            start: run.start,
            end: run.end,
            symbols,
            timeframe: text("timeframe").and_then(|t| Timeframe::parse(t).ok()),
            finer: text("intrabar") == Some("finer_bars"),
            daily: text("adjustment") == Some("all"),
        }
    }

    /// The stamps of `series` the run read, as whole dates; `None` when it read none of it.
    pub fn protects(&self, series: &SeriesRef) -> Option<Span> {
        let SeriesRef::Bars { symbol, timeframe } = series else {
            return None;
        };
        let tf = *timeframe;
        if let Some(list) = &self.symbols
            && !list.contains(symbol)
        {
            return None;
        }
        let reads = match (self.timeframe, tf.nanos()) {
            (None, _) => true,
            (Some(run_tf), len) => {
                run_tf == tf
                    || (self.finer && len.is_some_and(|l| run_tf.nanos().is_some_and(|r| l < r)))
                    || (self.daily && tf == Timeframe::D1)
            }
        };
        if !reads {
            return None;
        }
        let first = date_bounds(tf, date_of(tf, self.start))?.0;
        let last = date_bounds(tf, date_of(tf, self.end))?.1;
        Some(Span {
            start: first,
            end: last.checked_plus(1).unwrap_or(UnixNanos::MAX),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> UnixNanos {
        UnixNanos::parse_rfc3339(s).unwrap()
    }

    fn bars(symbol: &str, tf: Timeframe) -> SeriesRef {
        SeriesRef::Bars {
            symbol: Symbol::lit(symbol),
            timeframe: tf,
        }
    }

    fn run(config: serde_json::Value) -> RunGuard {
        RunGuard::new(&RunPeriod {
            id: 7,
            agent_id: "a".into(),
            start: t("2024-01-02T14:30:00Z"),
            end: t("2024-01-05T21:00:00Z"),
            config,
        })
    }

    #[test]
    fn a_run_protects_what_it_read_over_whole_dates() {
        let g = run(serde_json::json!({
            "symbols": ["SPY"], "timeframe": "5m", "benchmark": "QQQ", "intrabar": "finer_bars"
        }));
        let span = g.protects(&bars("SPY", Timeframe::M5)).unwrap();
        // New York midnight of 2024-01-02 to the end of 2024-01-05.
        assert_eq!(span.start, t("2024-01-02T05:00:00Z"));
        assert_eq!(span.end, t("2024-01-06T05:00:00Z"));
        assert!(g.protects(&bars("QQQ", Timeframe::M5)).is_some());
        assert!(
            g.protects(&bars("SPY", Timeframe::M1)).is_some(),
            "finer bars"
        );
        assert!(g.protects(&bars("SPY", Timeframe::H1)).is_none());
        assert!(g.protects(&bars("SPY", Timeframe::D1)).is_none());
        assert!(g.protects(&bars("IWM", Timeframe::M5)).is_none());
        assert!(
            g.protects(&SeriesRef::Trades {
                symbol: Symbol::lit("SPY")
            })
            .is_none()
        );
        // Dividend adjustment reads the daily closes.
        let g =
            run(serde_json::json!({"symbols": ["SPY"], "timeframe": "1h", "adjustment": "all"}));
        let day = g.protects(&bars("SPY", Timeframe::D1)).unwrap();
        assert_eq!(
            (day.start, day.end),
            (t("2024-01-02T00:00:00Z"), t("2024-01-06T00:00:00Z"))
        );
        // A snapshot that cannot be read protects every bar series.
        let g = run(serde_json::json!({"symbols": "SPY"}));
        assert!(g.protects(&bars("IWM", Timeframe::D1)).is_some());
    }
}
