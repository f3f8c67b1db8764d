//! Trade prices far from the surrounding trades ([`TradeChecker`]).
//!
//! Each trade is compared with the median price of the [`Config::tick_window`] trades on each
//! side of it (itself left out), in natural logs. It is an outlier when it is at least
//! [`Config::tick_min_move`] from that median and at least [`Config::z`] robust z-scores away,
//! the scale being the MAD of those neighbours around their median (with none when they all
//! traded at one price: the floor alone decides). Trades the vendor marked suspicious are
//! judged too, and the finding says how many of its trades were marked. Consecutive outliers of
//! one date are one finding, with the farthest.
//!
//! Duplicate stamps are normal in ticks (several prints in one millisecond); the store keeps
//! each under its own sequence number, so nothing here treats them as an error.

use std::collections::VecDeque;

use super::robust::{median, scale};
use super::runs::Runs;
use super::{Config, Finding, Kind, Severity};
use crate::fixed::Price;
use crate::tick::TradeTick;
use crate::time::UnixNanos;
use crate::timeframe::Timeframe;

#[derive(Debug, Clone, Copy)]
struct Trade {
    ts: UnixNanos,
    price: Price,
    ln: f64,
    suspicious: bool,
}

/// The farthest trade of a run.
#[derive(Debug, Clone, Copy)]
struct Farthest {
    trade: Trade,
    reference: f64,
    z: f64,
    suspicious: u64,
}

/// Trades fed in (ts, seq) order.
#[derive(Debug)]
pub struct TradeChecker {
    cfg: Config,
    window: VecDeque<Trade>,
    /// `window[mid]` is the next trade to judge.
    mid: usize,
    runs: Runs<Farthest>,
    sample: Vec<f64>,
    scratch: Vec<f64>,
    ticks: u64,
}

impl TradeChecker {
    pub fn new(cfg: Config) -> Self {
        let k = cfg.tick_window.max(2);
        Self {
            cfg: Config {
                tick_window: k,
                ..cfg
            },
            window: VecDeque::with_capacity(2 * k + 2),
            mid: 0,
            runs: Runs::new(Timeframe::S1, true),
            sample: Vec::with_capacity(2 * k),
            scratch: Vec::with_capacity(2 * k),
            ticks: 0,
        }
    }

    pub fn ticks(&self) -> u64 {
        self.ticks
    }

    pub fn push(&mut self, trades: &[TradeTick]) {
        let k = self.cfg.tick_window;
        for t in trades {
            self.ticks += 1;
            if t.price.raw() <= 0 {
                continue;
            }
            self.window.push_back(Trade {
                ts: t.ts,
                price: t.price,
                ln: t.price.to_f64().ln(),
                suspicious: t.suspicious,
            });
            while self.mid < self.window.len() && self.window.len() - self.mid > k {
                self.judge(self.mid);
                self.mid += 1;
            }
            if self.window.len() > 2 * k + 1 {
                self.window.pop_front();
                self.mid -= 1;
            }
        }
    }

    fn judge(&mut self, i: usize) {
        let t = self.window[i];
        self.sample.clear();
        let ln = t.ln;
        self.sample.extend(
            self.window
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, n)| n.ln),
        );
        if self.sample.len() < 4 {
            self.runs.pass();
            return;
        }
        // Cheap first: a trade within the floor of every neighbour is not far from their median.
        let min = self.cfg.tick_min_move;
        if self.sample.iter().all(|x| (x - ln).abs() < min) {
            self.runs.pass();
            return;
        }
        let reference = median(&mut self.sample).unwrap_or(ln);
        let d = ln - reference;
        let z =
            scale(&mut self.sample, &mut self.scratch, 4).map_or(f64::INFINITY, |s| d / s.scale);
        if d.abs() < min || z.abs() < self.cfg.z {
            self.runs.pass();
            return;
        }
        let far = Farthest {
            trade: t,
            reference,
            z,
            suspicious: 0,
        };
        self.runs.flag(
            t.ts,
            || far,
            |f| {
                if (d.abs(), z.abs()) > ((f.trade.ln - f.reference).abs(), f.z.abs()) {
                    *f = Farthest {
                        suspicious: f.suspicious,
                        ..far
                    };
                }
                f.suspicious += u64::from(t.suspicious);
            },
        );
    }

    pub fn finish(mut self) -> Vec<Finding> {
        while self.mid < self.window.len() {
            self.judge(self.mid);
            self.mid += 1;
        }
        self.runs
            .finish()
            .into_iter()
            .map(|r| {
                let f = r.acc;
                let reference = f.reference.exp();
                let off = (f.trade.ln - f.reference).exp() - 1.0;
                Finding::new(Kind::TickOutlier, Severity::Warn, r.first, r.last)
                    .with("date", r.date)
                    .with("trades", r.count)
                    .with("vendor_suspicious", f.suspicious)
                    .with("price", f.trade.price)
                    .with("neighbours_median", format!("{reference:.4}"))
                    .with("off", format!("{:+.2}%", off * 100.0))
                    .with("at", f.trade.ts)
                    .because(format!(
                        "{} trade{} on {} far from the surrounding trades; the farthest: {} at \
                         {}, {:+.2}% from the median of its neighbours ({} marked suspicious by \
                         the vendor)",
                        r.count,
                        if r.count == 1 { "" } else { "s" },
                        r.date,
                        f.trade.price,
                        f.trade.ts,
                        off * 100.0,
                        f.suspicious
                    ))
            })
            .collect()
    }
}
