//! Statistics of closed trades and of time in the market.
//!
//! A trade is a **win** when its P&L is above zero and a **loss** when below; a trade that broke
//! exactly even is neither, but counts in `count`. Money averages are exact to 10⁻¹⁷ (rounded half
//! to even there).
//!
//! | field | definition |
//! |---|---|
//! | `win_rate` | `wins / count` |
//! | `average_trade` | `Σ pnl / count` |
//! | `average_win`, `average_loss` | `Σ pnl / n` over wins, over losses (the loss is negative) |
//! | `profit_factor` | `gross_profit / |gross_loss|`; undefined with no losing trade |
//! | `payoff_ratio` | `average_win / |average_loss|` |
//! | `expectancy` | `win_rate · average_win + loss_rate · average_loss` (equals `average_trade`) |
//! | `expectancy_ratio` | `average_trade / |average_loss|`, expectancy in units of the average loss |
//! | exposure | `bars_in_market / total_bars`; see [`BarExposure`] |

use domain::{Money, UnixNanos};
use serde::{Deserialize, Serialize};

use crate::error::AnalyticsError;

/// A round trip as the engine reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedTrade {
    /// Time of the first fill that opened the position.
    pub entry_time: UnixNanos,
    /// Time of the fill that closed it.
    pub exit_time: UnixNanos,
    /// Realized P&L after costs.
    pub pnl: Money,
}

/// Aggregates of a list of closed trades; averages are `None` when there is nothing to average.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TradeStats {
    pub count: usize,
    pub wins: usize,
    pub losses: usize,
    pub win_rate: Option<f64>,
    pub gross_profit: Money,
    /// Sum of the losing trades' P&L (zero or negative).
    pub gross_loss: Money,
    pub net_profit: Money,
    pub average_trade: Option<Money>,
    pub average_win: Option<Money>,
    pub average_loss: Option<Money>,
    pub profit_factor: Option<f64>,
    pub payoff_ratio: Option<f64>,
    pub expectancy: Option<Money>,
    pub expectancy_ratio: Option<f64>,
    pub largest_win: Option<Money>,
    pub largest_loss: Option<Money>,
    /// Mean of `exit_time − entry_time`, in seconds.
    pub average_holding_seconds: Option<f64>,
}

impl TradeStats {
    /// Checks that no trade exits before it enters, then aggregates.
    pub fn from_trades(trades: &[ClosedTrade]) -> Result<Self, AnalyticsError> {
        for (index, t) in trades.iter().enumerate() {
            if t.exit_time < t.entry_time {
                return Err(AnalyticsError::TradeTimes {
                    index,
                    entry: t.entry_time,
                    exit: t.exit_time,
                });
            }
        }
        let count = trades.len();
        let wins: Vec<Money> = trades
            .iter()
            .map(|t| t.pnl)
            .filter(|p| p.raw() > 0)
            .collect();
        let losses: Vec<Money> = trades
            .iter()
            .map(|t| t.pnl)
            .filter(|p| p.raw() < 0)
            .collect();
        let gross_profit = sum(wins.iter().copied(), "winning trades")?;
        let gross_loss = sum(losses.iter().copied(), "losing trades")?;
        let net_profit = sum(trades.iter().map(|t| t.pnl), "all trades")?;
        let average_trade = average(net_profit, count);
        let average_win = average(gross_profit, wins.len());
        let average_loss = average(gross_loss, losses.len());
        // p_win·avg_win + p_loss·avg_loss, kept exact by staying in sums: (Σwin + Σloss) / n,
        // and Σwin + Σloss is the net profit.
        let expectancy = average(net_profit, count);
        let holding: i128 = trades
            .iter()
            .map(|t| i128::from(t.exit_time.as_i64() - t.entry_time.as_i64()))
            .sum();
        Ok(Self {
            count,
            wins: wins.len(),
            losses: losses.len(),
            win_rate: (count > 0).then(|| wins.len() as f64 / count as f64),
            gross_profit,
            gross_loss,
            net_profit,
            average_trade,
            average_win,
            average_loss,
            profit_factor: ratio(gross_profit, gross_loss),
            payoff_ratio: average_win.zip(average_loss).and_then(|(w, l)| ratio(w, l)),
            expectancy,
            expectancy_ratio: average_trade
                .zip(average_loss)
                .and_then(|(t, l)| ratio(t, l)),
            largest_win: wins.iter().copied().max(),
            largest_loss: losses.iter().copied().min(),
            average_holding_seconds: (count > 0).then(|| holding as f64 / count as f64 / 1e9),
        })
    }
}

/// `sum / n`, exact to the last unit; `None` for no trades. Dividing never overflows.
fn average(sum: Money, n: usize) -> Option<Money> {
    sum.checked_mul_ratio(1, i64::try_from(n).ok().filter(|&n| n > 0)?)
}

fn sum(
    mut values: impl Iterator<Item = Money>,
    what: &'static str,
) -> Result<Money, AnalyticsError> {
    values.try_fold(Money::ZERO, |a, b| {
        a.checked_add(b).ok_or(AnalyticsError::Overflow { what })
    })
}

/// `a / |b|`, `None` when `b` is zero.
fn ratio(a: Money, b: Money) -> Option<f64> {
    (b.raw() != 0).then(|| a.raw() as f64 / b.raw().unsigned_abs() as f64)
}

/// Time in the market as a count of bars: a bar is **in the market** when a position is held at
/// its close, after that bar's fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BarExposure {
    pub bars_in_market: u64,
    pub total_bars: u64,
}

impl BarExposure {
    /// From one flag per bar: was a position held at the bar's close?
    pub fn from_flags(flags: impl IntoIterator<Item = bool>) -> Self {
        let (mut bars_in_market, mut total_bars) = (0, 0);
        for held in flags {
            total_bars += 1;
            bars_in_market += u64::from(held);
        }
        Self {
            bars_in_market,
            total_bars,
        }
    }

    /// From bar start times (sorted ascending) and trades whose fills are stamped with the time of the bar
    /// they filled in: a bar at `t` is in the market when some trade has `entry ≤ t < exit`. With
    /// fills at the next bar's open, that is the entry bar up to the bar before the exit bar.
    /// Overlapping trades count a bar once.
    pub fn from_trades(bar_times: &[UnixNanos], trades: &[ClosedTrade]) -> Self {
        // A sweep over sorted entries and exits counts the trades open at each bar in
        // O((bars + trades) log trades), however many trades overlap.
        let live = trades.iter().filter(|t| t.exit_time > t.entry_time);
        let mut entries: Vec<UnixNanos> = live.clone().map(|t| t.entry_time).collect();
        let mut exits: Vec<UnixNanos> = live.map(|t| t.exit_time).collect();
        entries.sort_unstable();
        exits.sort_unstable();
        let (mut i, mut j, mut open) = (0, 0, 0i64);
        Self::from_flags(bar_times.iter().map(|&t| {
            while i < entries.len() && entries[i] <= t {
                open += 1;
                i += 1;
            }
            while j < exits.len() && exits[j] <= t {
                open -= 1;
                j += 1;
            }
            open > 0
        }))
    }

    /// `bars_in_market / total_bars`, `None` for no bars.
    pub fn fraction(self) -> Result<Option<f64>, AnalyticsError> {
        if self.bars_in_market > self.total_bars {
            return Err(AnalyticsError::Exposure {
                in_market: self.bars_in_market,
                total: self.total_bars,
            });
        }
        Ok((self.total_bars > 0).then(|| self.bars_in_market as f64 / self.total_bars as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn trade(entry: i64, exit: i64, pnl: &str) -> ClosedTrade {
        ClosedTrade {
            entry_time: UnixNanos::from_secs(entry),
            exit_time: UnixNanos::from_secs(exit),
            pnl: Money::lit(pnl),
        }
    }

    #[test]
    fn aggregates_wins_losses_and_even_trades() {
        let t = [
            trade(0, 10, "300"),
            trade(20, 30, "-100"),
            trade(40, 50, "0"),
            trade(60, 90, "-50"),
        ];
        let s = TradeStats::from_trades(&t).unwrap();
        assert_eq!((s.count, s.wins, s.losses), (4, 1, 2));
        assert_eq!(s.win_rate, Some(0.25));
        assert_eq!(s.net_profit.to_string(), "150");
        assert_eq!(s.average_trade.unwrap().to_string(), "37.5");
        assert_eq!(s.average_win.unwrap().to_string(), "300");
        assert_eq!(s.average_loss.unwrap().to_string(), "-75");
        assert_eq!(s.profit_factor, Some(2.0));
        assert_eq!(s.payoff_ratio, Some(4.0));
        assert_eq!(s.expectancy, s.average_trade);
        assert_eq!(s.expectancy_ratio, Some(0.5));
        assert_eq!(s.largest_loss.unwrap().to_string(), "-100");
        assert_eq!(s.average_holding_seconds, Some(15.0));
    }

    #[test]
    fn no_losses_means_no_profit_factor() {
        let s = TradeStats::from_trades(&[trade(0, 1, "5")]).unwrap();
        assert_eq!(s.profit_factor, None);
        let s = TradeStats::from_trades(&[]).unwrap();
        assert_eq!((s.count, s.win_rate, s.average_trade), (0, None, None));
    }

    #[test]
    fn rejects_exit_before_entry() {
        let err = TradeStats::from_trades(&[trade(0, 1, "1"), trade(5, 4, "1")]).unwrap_err();
        assert!(err.to_string().starts_with("trade 1: exit time"), "{err}");
    }

    #[test]
    fn exposure_from_trades_counts_entry_bar_to_bar_before_exit() {
        let bars: Vec<UnixNanos> = (0..10).map(UnixNanos::from_secs).collect();
        // Entry fills at bar 2, exit at bar 5: held at the closes of bars 2, 3, 4.
        // A second trade from bar 4 to 7 overlaps at bar 4.
        let e = BarExposure::from_trades(&bars, &[trade(2, 5, "1"), trade(4, 7, "1")]);
        assert_eq!((e.bars_in_market, e.total_bars), (5, 10));
        assert_eq!(e.fraction().unwrap(), Some(0.5));
        let flags = BarExposure::from_flags([true, false, true, true]);
        assert_eq!(flags.fraction().unwrap(), Some(0.75));
        let bad = BarExposure {
            bars_in_market: 3,
            total_bars: 2,
        };
        assert!(bad.fraction().is_err());
        assert_eq!(BarExposure::from_flags([]).fraction().unwrap(), None);
    }

    proptest! {
        #[test]
        fn exposure_sweep_matches_the_definition(
            spans in prop::collection::vec((0i64..200, 0i64..60), 0..20),
            step in 1i64..5,
        ) {
            let trades: Vec<ClosedTrade> = spans
                .iter()
                .map(|&(a, len)| trade(a, a + len, "0"))
                .collect();
            let bars: Vec<UnixNanos> = (0..300).step_by(step as usize).map(UnixNanos::from_secs).collect();
            let want = bars
                .iter()
                .filter(|&&t| trades.iter().any(|x| x.entry_time <= t && t < x.exit_time))
                .count() as u64;
            let got = BarExposure::from_trades(&bars, &trades);
            prop_assert_eq!(got.bars_in_market, want);
            prop_assert_eq!(got.total_bars, bars.len() as u64);
        }
    }
}
