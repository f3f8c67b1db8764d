//! The bars a session has seen in the store but not yet decided: held until their group (every
//! bar of one stamp) is complete, then released in stamp order, each once.
//!
//! A group at stamp `T` is released when its window has closed and every symbol of the session
//! has its bar, or when `grace` has passed since the close (the missing symbols have no bar at
//! `T` for this session). Groups go out strictly in stamp order: a later complete group waits
//! for an earlier one. A bar that shows up for a stamp already released is **missed**: the
//! engine has moved past it, so it is counted and logged, and `replay` reports it as data drift
//! (a bar stored now that live never saw). A bar first seen more than `late_after` after its
//! close is released in its place like any other and flagged `late`.

use std::collections::BTreeMap;
use std::time::Duration;

use backtest::bartime::WindowRule;
use domain::{Bar, Symbol, UnixNanos};

/// When a group is complete enough to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// How long after a bar's close the loop waits for the session's other symbols.
    pub grace: Duration,
    /// A bar first seen more than this after its close is flagged late.
    pub late_after: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            grace: Duration::from_secs(60),
            late_after: Duration::from_secs(10),
        }
    }
}

/// A bar released for the engine, with when the loop first saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Released {
    pub symbol: Symbol,
    pub bar: Bar,
    pub received_at: UnixNanos,
    pub late: bool,
}

#[derive(Debug, Clone)]
struct Held {
    bar: Bar,
    first_seen: UnixNanos,
}

/// Bars seen and not yet released, per stamp and symbol.
#[derive(Debug, Clone)]
pub struct Pending {
    symbols: Vec<Symbol>,
    rule: WindowRule,
    timing: Timing,
    held: BTreeMap<UnixNanos, BTreeMap<usize, Held>>,
    /// The stamp of the last group released; bars at or before it are missed.
    released_through: Option<UnixNanos>,
    missed: u64,
}

fn nanos(d: Duration) -> i64 {
    i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)
}

impl Pending {
    /// `released_through`: the last stamp the session already decided (from its record).
    pub fn new(
        symbols: Vec<Symbol>,
        rule: WindowRule,
        timing: Timing,
        released_through: Option<UnixNanos>,
    ) -> Self {
        Pending {
            symbols,
            rule,
            timing,
            held: BTreeMap::new(),
            released_through,
            missed: 0,
        }
    }

    /// The last stamp released.
    pub fn released_through(&self) -> Option<UnixNanos> {
        self.released_through
    }

    /// Bars seen after their stamp was released.
    pub fn missed(&self) -> u64 {
        self.missed
    }

    /// Notes `bar` of `symbol` as seen at `now`: a new bar is held, a held one takes the
    /// vendor's latest values and keeps when it was first seen, a released stamp counts as
    /// missed (returns `false`).
    pub fn see(&mut self, symbol: &Symbol, bar: Bar, now: UnixNanos) -> bool {
        let Some(i) = self.symbols.iter().position(|s| s == symbol) else {
            return false;
        };
        if self.released_through.is_some_and(|t| bar.ts <= t) {
            self.missed += 1;
            return false;
        }
        let group = self.held.entry(bar.ts).or_default();
        match group.get_mut(&i) {
            Some(h) => h.bar = bar,
            None => {
                group.insert(
                    i,
                    Held {
                        bar,
                        first_seen: now,
                    },
                );
            }
        }
        true
    }

    /// The groups complete at `now`, in stamp order, each bar once, symbols in the session's
    /// order.
    pub fn release(&mut self, now: UnixNanos) -> Vec<Released> {
        let mut out = Vec::new();
        while let Some((&ts, group)) = self.held.first_key_value() {
            let close = self.rule.window(ts).close;
            let complete = group.len() == self.symbols.len();
            let waited = now.as_i64().saturating_sub(close.as_i64()) >= nanos(self.timing.grace);
            if now < close || !(complete || waited) {
                break;
            }
            let Some((_, group)) = self.held.pop_first() else {
                break;
            };
            let late_at = close.as_i64().saturating_add(nanos(self.timing.late_after));
            out.extend(group.into_iter().map(|(i, h)| Released {
                symbol: self.symbols[i].clone(),
                late: h.first_seen.as_i64() > late_at,
                received_at: h.first_seen,
                bar: h.bar,
            }));
            self.released_through = Some(ts);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::calendar::Calendar;
    use domain::{Price, Quantity, Timeframe};

    const MIN: i64 = 60_000_000_000;

    fn bar(ts: i64, close: &str) -> Bar {
        let p: Price = close.parse().unwrap();
        let one: Quantity = "1".parse().unwrap();
        Bar::new(UnixNanos::new(ts), p, p, p, p, one, None, None).unwrap()
    }

    fn pending(symbols: &[&str]) -> Pending {
        let rule = WindowRule::new(Timeframe::M1, Calendar::None);
        let symbols = symbols.iter().map(|s| s.parse().unwrap()).collect();
        Pending::new(symbols, rule, Timing::default(), None)
    }

    fn at(n: i64) -> UnixNanos {
        UnixNanos::new(n)
    }

    #[test]
    fn a_bar_waits_for_its_close_and_goes_out_once() {
        let mut p = pending(&["AAA"]);
        let aaa: Symbol = "AAA".parse().unwrap();
        assert!(p.see(&aaa, bar(0, "1"), at(10)));
        assert!(
            p.release(at(MIN - 1)).is_empty(),
            "not complete before its close"
        );
        let out = p.release(at(MIN));
        assert_eq!(out.len(), 1);
        assert!(!out[0].late);
        assert_eq!(out[0].received_at, at(10));
        assert!(p.release(at(2 * MIN)).is_empty());
        assert!(
            !p.see(&aaa, bar(0, "2"), at(2 * MIN)),
            "a released stamp is missed"
        );
        assert_eq!(p.missed(), 1);
    }

    #[test]
    fn a_group_waits_for_every_symbol_until_the_grace() {
        let timing = Timing {
            grace: std::time::Duration::from_secs(300),
            late_after: std::time::Duration::from_secs(10),
        };
        let rule = WindowRule::new(Timeframe::M1, Calendar::None);
        let symbols = vec!["AAA".parse().unwrap(), "BBB".parse().unwrap()];
        let mut p = Pending::new(symbols, rule, timing, None);
        let (a, b): (Symbol, Symbol) = ("AAA".parse().unwrap(), "BBB".parse().unwrap());
        p.see(&a, bar(0, "1"), at(MIN));
        p.see(&a, bar(MIN, "1"), at(2 * MIN));
        p.see(&b, bar(MIN, "1"), at(2 * MIN));
        assert!(
            p.release(at(2 * MIN)).is_empty(),
            "the first group waits for BBB"
        );
        // BBB's first bar comes late but inside the grace: both groups go out in order.
        let late = at(2 * MIN + 5_000_000_000);
        p.see(&b, bar(0, "3"), late);
        let out = p.release(late);
        let stamps: Vec<(i64, &str, bool)> = (out.iter())
            .map(|r| (r.bar.ts.as_i64(), r.symbol.as_str(), r.late))
            .collect();
        assert_eq!(
            stamps,
            [
                (0, "AAA", false),
                (0, "BBB", true),
                (MIN, "AAA", false),
                (MIN, "BBB", false)
            ]
        );
    }

    #[test]
    fn a_missing_symbol_stops_holding_after_the_grace() {
        let mut p = pending(&["AAA", "BBB"]);
        let a: Symbol = "AAA".parse().unwrap();
        p.see(&a, bar(0, "1"), at(MIN));
        assert!(p.release(at(2 * MIN - 1)).is_empty());
        assert_eq!(p.release(at(2 * MIN)).len(), 1);
        assert_eq!(p.released_through(), Some(at(0)));
    }

    #[test]
    fn a_held_bar_takes_the_vendors_latest_values() {
        let mut p = pending(&["AAA"]);
        let a: Symbol = "AAA".parse().unwrap();
        p.see(&a, bar(0, "1"), at(5));
        p.see(&a, bar(0, "2"), at(50));
        let out = p.release(at(MIN));
        assert_eq!(out[0].bar.close, "2".parse().unwrap());
        assert_eq!(out[0].received_at, at(5));
    }
}
