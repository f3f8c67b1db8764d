//! The part of a chain an options run fetches: expiries from the run's New York date to that
//! date + `expiry_days`, and strikes within the job's percent of the underlying's reference
//! price, the close of its latest stored bar at or before the run (one-minute bars, else
//! daily). Without a stored bar there is no strike filter: the run fetches every strike
//! rather than fail.
//!
//! The same ranges go into the provider request and then filter what comes back, because a
//! provider may ignore a filter; what the second pass drops is counted.

use chrono::{Days, NaiveDate};
use domain::{OptionQuote, Price, Symbol, Timeframe, UnixNanos};
use providers::OptionChainRequest;
use store::{BarQuery, BarStore, StoreError};

use crate::schedule::OptionsRun;

/// Expiry and strike bounds, all inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainRanges {
    pub expiry_from: NaiveDate,
    pub expiry_to: NaiveDate,
    /// `None`: every strike (`strike_range = "all"`, or no stored bar to centre on).
    pub strikes: Option<(Price, Price)>,
}

impl ChainRanges {
    /// The ranges of `run` on `now`'s New York date, around `reference` when there is one.
    pub fn new(run: &OptionsRun, now: UnixNanos, reference: Option<Price>) -> Self {
        let today = now.exchange_date();
        Self {
            expiry_from: today,
            expiry_to: today
                .checked_add_days(Days::new(u64::from(run.expiry_days)))
                .unwrap_or(NaiveDate::MAX),
            strikes: reference.and_then(|p| run.strikes.bounds(p)),
        }
    }

    /// The request for `underlying`'s chain in these ranges.
    pub fn request(&self, underlying: &Symbol) -> OptionChainRequest {
        let mut req = OptionChainRequest::new(underlying.clone());
        req.expiry_from = Some(self.expiry_from);
        req.expiry_to = Some(self.expiry_to);
        if let Some((low, high)) = self.strikes {
            // A zero floor filters nothing; leave it out of the request.
            req.strike_min = (low > Price::ZERO).then_some(low);
            req.strike_max = Some(high);
        }
        req
    }

    /// Whether `q`'s contract is inside the ranges.
    pub fn contains(&self, q: &OptionQuote) -> bool {
        let c = &q.contract;
        let expiry = self.expiry_from <= c.expiry && c.expiry <= self.expiry_to;
        let strike = self
            .strikes
            .is_none_or(|(low, high)| low <= c.strike && c.strike <= high);
        expiry && strike
    }

    /// Keeps the quotes inside the ranges; returns how many were dropped.
    pub fn retain(&self, quotes: &mut Vec<OptionQuote>) -> u64 {
        let before = quotes.len();
        quotes.retain(|q| self.contains(q));
        (before - quotes.len()) as u64
    }
}

/// The close of `symbol`'s latest stored bar at or before `now`: one-minute bars, else daily.
pub fn reference_price(
    store: &(impl BarStore + ?Sized),
    symbol: &Symbol,
    now: UnixNanos,
) -> Result<Option<Price>, StoreError> {
    for tf in [Timeframe::M1, Timeframe::D1] {
        if let Some(close) = latest_close(store, symbol, tf, now)? {
            return Ok(Some(close));
        }
    }
    Ok(None)
}

/// The close of the latest `tf` bar with `ts ≤ now`, found through the day index: the latest
/// day that starts by `now`, then that day's bars up to `now`.
fn latest_close(
    store: &(impl BarStore + ?Sized),
    symbol: &Symbol,
    tf: Timeframe,
    now: UnixNanos,
) -> Result<Option<Price>, StoreError> {
    // Daily bars may be dated in UTC, a day after New York's evening; one day more covers it.
    let to = now.exchange_date().checked_add_days(Days::new(1));
    let days = store.bar_days(symbol, tf, None, to)?;
    let Some(day) = days.iter().rev().find(|d| d.first <= now) else {
        return Ok(None);
    };
    let query = BarQuery {
        symbol: symbol.clone(),
        timeframe: tf,
        start: Some(day.first),
        end: Some(now.checked_plus(1).unwrap_or(UnixNanos::MAX)),
    };
    const PAGE: usize = 2_000;
    let mut after = None;
    let mut close = None;
    loop {
        let page = store.bar_page(&query, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = Some(last.ts);
        close = Some(last.close);
        if page.len() < PAGE {
            break;
        }
    }
    Ok(close)
}

#[cfg(test)]
mod tests {
    use domain::{OptionContract, OptionRight, OptionStyle};

    use super::*;
    use crate::schedule::StrikeRange;

    fn quote(expiry: &str, strike: &str) -> OptionQuote {
        let c = OptionContract::new(
            Symbol::lit("SPY"),
            expiry.parse().unwrap(),
            OptionRight::Call,
            Price::lit(strike),
            OptionStyle::American,
            100,
        )
        .unwrap();
        OptionQuote::empty(c, UnixNanos::parse_rfc3339("2024-01-03T15:00:00Z").unwrap())
    }

    #[test]
    fn ranges_are_new_york_dates_and_percent_strikes() {
        let run = OptionsRun {
            expiry_days: 10,
            ..OptionsRun::default()
        };
        // 02:00 UTC on the 4th is still the 3rd in New York.
        let now = UnixNanos::parse_rfc3339("2024-01-04T02:00:00Z").unwrap();
        let r = ChainRanges::new(&run, now, Some(Price::lit("100")));
        assert_eq!(r.expiry_from.to_string(), "2024-01-03");
        assert_eq!(r.expiry_to.to_string(), "2024-01-13");
        assert_eq!(r.strikes, Some((Price::lit("80"), Price::lit("120"))));
        let req = r.request(&Symbol::lit("SPY"));
        assert_eq!(req.strike_min, Some(Price::lit("80")));
        assert_eq!(req.expiry_to, Some(r.expiry_to));
        let mut quotes = vec![
            quote("2024-01-03", "80"),
            quote("2024-01-13", "120"),
            quote("2024-01-14", "100"),
            quote("2024-01-05", "79.5"),
            quote("2024-01-05", "120.5"),
        ];
        assert_eq!(r.retain(&mut quotes), 3);
        assert_eq!(quotes.len(), 2);
    }

    #[test]
    fn no_reference_or_all_strikes_means_no_strike_filter() {
        let now = UnixNanos::parse_rfc3339("2024-01-03T15:00:00Z").unwrap();
        let r = ChainRanges::new(&OptionsRun::default(), now, None);
        assert_eq!(r.strikes, None);
        let req = r.request(&Symbol::lit("SPY"));
        assert_eq!((req.strike_min, req.strike_max), (None, None));
        let all = OptionsRun {
            strikes: StrikeRange::All,
            ..OptionsRun::default()
        };
        let r = ChainRanges::new(&all, now, Some(Price::lit("100")));
        assert_eq!(r.strikes, None);
        assert!(r.contains(&quote("2024-01-05", "1000")));
    }
}
