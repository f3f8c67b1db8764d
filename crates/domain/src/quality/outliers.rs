//! Outliers by robust z-score, in one pass with a bounded buffer.
//!
//! - **Measures**, per bar: its return (the natural log of close over the previous close), and
//!   how far its high rises above both neighbours' highs (and its low falls below both
//!   neighbours' lows), also in natural logs. Intraday returns over several slots (the night, a
//!   sparse minute series) are divided by the square root of the slots elapsed, so an
//!   overnight gap is judged as the sum of the quiet minutes it replaces and not as one minute.
//! - **Scale**: the median and MAD ([`super::robust`]) of each measure over a window of about
//!   three blocks of 64 bars around the bar's block, so a calm year does not make a volatile
//!   one look wild. A bar is an outlier when its robust z-score reaches [`Config::z`] and its
//!   move reaches [`Config::min_move`]; a block without such a move costs no median.
//! - **Returns** are then classified:
//!   - a stored split whose ex-date falls between the two bars and whose ratio brings the
//!     return back inside the threshold: a [`Kind::SplitJump`] (info);
//!   - the next bar gives back at least half of the move: a [`Kind::BadPrint`] (error), and
//!     the next bar's return, the way back, is not reported again;
//!   - otherwise a [`Kind::LargeMove`] that stays (warn): a real crash or rally, or a split that
//!     is not stored.
//! - **Highs and lows** beyond both neighbours by an outlier are a [`Kind::Spike`] (warn): the
//!   price came back by the next bar, so it is a probable bad print of the high or the low.

use std::collections::VecDeque;

use super::robust::{Scale, median, scale};
use super::{Config, Finding, Kind, Severity};
use crate::bar::Bar;
use crate::fixed::Price;
use crate::time::UnixNanos;

/// Bars judged per block; the scale is taken over the block and its neighbours.
const BLOCK: usize = 64;
/// Fewer values than this give no scale, and nothing is judged.
const MIN_SAMPLE: usize = 20;
/// Bars on each side whose typical move a bad print must also dwarf.
const LOCAL: usize = 10;
/// ... by this factor: a close (or high, or low) beyond its neighbours by four times the median
/// move of the twenty bars around it, in a market that moves that much, is a whipsaw (March
/// 2020), not a bad print.
const LOCAL_FACTOR: f64 = 4.0;
/// An intraday return spanning more slots than this is judged as if it spanned this many.
const MAX_ELAPSED: f64 = 100_000.0;

/// A bar with its prices as natural logs.
#[derive(Debug, Clone, Copy)]
struct LogBar {
    bar: Bar,
    close: f64,
    high: f64,
    low: f64,
    /// The split ratio (from, to) of stored splits between the previous bar and this one.
    split: Option<(u64, u64)>,
}

/// One bar with what the checks measure.
#[derive(Debug, Clone, Copy)]
struct Point {
    ts: UnixNanos,
    next_ts: Option<UnixNanos>,
    prev_close: Option<Price>,
    close: Price,
    next_close: Option<Price>,
    high: Price,
    low: Price,
    /// Neighbours' highest high and lowest low.
    ref_high: Price,
    ref_low: Price,
    split: Option<(u64, u64)>,
    /// ln(close / previous close), and the next bar's; NaN without one.
    ret: f64,
    next_ret: f64,
    /// sqrt(slots elapsed since the previous bar): `ret / norm` is what is scaled.
    norm: f64,
    /// ln(high / ref_high) and ln(ref_low / low), over sqrt(slots to the farther neighbour).
    up: f64,
    down: f64,
    up_norm: f64,
    /// How far the close lies beyond both neighbours' closes (above both or below both), in
    /// logs; negative when it lies between them.
    excursion: f64,
}

/// The outlier checks of one series, fed bar by bar in time order.
#[derive(Debug)]
pub struct Outliers {
    cfg: Config,
    /// Slot length for intraday series; `None` for daily and longer (one bar, one step).
    step: Option<i64>,
    prev: Option<LogBar>,
    cur: Option<LogBar>,
    buf: VecDeque<Point>,
    /// `buf[..judged]` has been judged (kept as the next block's context).
    judged: usize,
    /// The return of the bar at this stamp is the way back from a bad print.
    skip_ret: Option<UnixNanos>,
    /// The bars of the block being judged whose return was reported.
    reported: Vec<UnixNanos>,
    sample: Vec<f64>,
    scratch: Vec<f64>,
    findings: Vec<Finding>,
}

impl Outliers {
    pub fn new(cfg: Config, step: Option<i64>) -> Self {
        Self {
            cfg,
            step,
            prev: None,
            cur: None,
            buf: VecDeque::with_capacity(4 * BLOCK),
            judged: 0,
            skip_ret: None,
            reported: Vec::new(),
            sample: Vec::with_capacity(3 * BLOCK),
            scratch: Vec::with_capacity(3 * BLOCK),
            findings: Vec::new(),
        }
    }

    /// The next bar (after every earlier one), with the ratio (from, to) of the stored splits
    /// whose ex-date falls after the previous bar and at or before this one. A bar with a price
    /// of zero is left out (the OHLC check reports it).
    pub fn push(&mut self, bar: &Bar, split: Option<(u64, u64)>) {
        if [bar.close, bar.high, bar.low].iter().any(|p| p.raw() <= 0) {
            return;
        }
        let next = LogBar {
            bar: *bar,
            close: bar.close.to_f64().ln(),
            high: bar.high.to_f64().ln(),
            low: bar.low.to_f64().ln(),
            split,
        };
        if let Some(cur) = self.cur {
            let p = self.point(self.prev.as_ref(), &cur, Some(&next));
            self.buf.push_back(p);
            self.judge_ready();
        }
        self.prev = self.cur.replace(next);
    }

    /// Judges what is left and returns every finding, in time order.
    pub fn finish(mut self) -> Vec<Finding> {
        if let Some(cur) = self.cur {
            let p = self.point(self.prev.as_ref(), &cur, None);
            self.buf.push_back(p);
        }
        while self.judged < self.buf.len() {
            self.judge_block();
        }
        self.findings.sort_by_key(|f| f.start);
        self.findings
    }

    fn elapsed(&self, from: UnixNanos, to: UnixNanos) -> f64 {
        match self.step {
            Some(step) if step > 0 => {
                let slots = (to.as_i64().saturating_sub(from.as_i64()) / step) as f64;
                slots.clamp(1.0, MAX_ELAPSED).sqrt()
            }
            _ => 1.0,
        }
    }

    fn point(&self, prev: Option<&LogBar>, cur: &LogBar, next: Option<&LogBar>) -> Point {
        let b = &cur.bar;
        let (mut ref_high, mut ref_low) = (f64::NEG_INFINITY, f64::INFINITY);
        let (mut rh, mut rl) = (b.high, b.low);
        let mut far = 1.0f64;
        let (mut above, mut below) = (f64::INFINITY, f64::INFINITY);
        for n in [prev, next].into_iter().flatten() {
            above = above.min(cur.close - n.close);
            below = below.min(n.close - cur.close);
            if n.high > ref_high {
                (ref_high, rh) = (n.high, n.bar.high);
            }
            if n.low < ref_low {
                (ref_low, rl) = (n.low, n.bar.low);
            }
            far = far.max(self.elapsed(b.ts.min(n.bar.ts), b.ts.max(n.bar.ts)));
        }
        let ret = prev.map_or(f64::NAN, |p| cur.close - p.close);
        Point {
            ts: b.ts,
            next_ts: next.map(|n| n.bar.ts),
            prev_close: prev.map(|p| p.bar.close),
            close: b.close,
            next_close: next.map(|n| n.bar.close),
            high: b.high,
            low: b.low,
            ref_high: rh,
            ref_low: rl,
            split: cur.split,
            ret,
            next_ret: next.map_or(f64::NAN, |n| n.close - cur.close),
            norm: prev.map_or(1.0, |p| self.elapsed(p.bar.ts, b.ts)),
            up: cur.high - ref_high,
            down: ref_low - cur.low,
            up_norm: far,
            excursion: if above.is_finite() {
                above.max(below)
            } else {
                f64::NAN
            },
        }
    }

    fn judge_ready(&mut self) {
        while self.buf.len() >= self.judged + 2 * BLOCK {
            self.judge_block();
            // Keep one judged block as context for the next.
            while self.judged > BLOCK {
                self.buf.pop_front();
                self.judged -= 1;
            }
        }
    }

    /// Judges `buf[judged..judged + BLOCK]` against the scale of up to three blocks around it.
    fn judge_block(&mut self) {
        let lo = self.judged;
        let hi = (lo + BLOCK).min(self.buf.len());
        let wend = (lo + 2 * BLOCK).min(self.buf.len());
        let wstart = wend.saturating_sub(3 * BLOCK);
        let min = self.cfg.min_move;
        let block = lo..hi;
        self.reported.clear();
        let ret = self
            .any(block.clone(), |p| p.ret.abs() >= min)
            .then(|| self.scale(wstart..wend, |p| p.ret / p.norm))
            .flatten();
        let exc = self
            .any(block.clone(), |p| p.excursion >= min)
            .then(|| self.scale(wstart..wend, |p| p.excursion / p.up_norm))
            .flatten();
        if ret.is_some() || exc.is_some() {
            for i in block.clone() {
                let p = self.buf[i];
                self.judge_close(i, &p, ret.as_ref(), exc.as_ref());
            }
        }
        for up in [true, false] {
            let m = |p: &Point| if up { p.up } else { p.down };
            if !self.any(block.clone(), |p| m(p) >= min) {
                continue;
            }
            let Some(s) = self.scale(wstart..wend, |p| m(p) / p.up_norm) else {
                continue;
            };
            for i in block.clone() {
                let p = self.buf[i];
                let x = m(&p);
                // A high or low made by a close already reported is that finding, not another.
                let extreme = if up { p.high } else { p.low };
                let reported = extreme == p.close && self.reported.contains(&p.ts);
                if x >= min
                    && !reported
                    && s.z(x / p.up_norm) >= self.cfg.z
                    && self.dwarfs_local(i, x / p.up_norm)
                {
                    self.findings.push(spike(&p, up, x, s.z(x / p.up_norm)));
                }
            }
        }
        self.judged = hi;
    }

    /// `x` is at least [`LOCAL_FACTOR`] times the median absolute return of the [`LOCAL`] bars
    /// on each side of `buf[i]` (the returns into and out of it left out).
    fn dwarfs_local(&mut self, i: usize, x: f64) -> bool {
        let lo = i.saturating_sub(LOCAL);
        let hi = (i + LOCAL + 2).min(self.buf.len());
        self.scratch.clear();
        self.scratch.extend(
            (lo..hi)
                .filter(|j| *j != i && *j != i + 1)
                .map(|j| (self.buf[j].ret / self.buf[j].norm).abs())
                .filter(|x| x.is_finite()),
        );
        median(&mut self.scratch).is_none_or(|m| x >= LOCAL_FACTOR * m)
    }

    fn any(&self, r: std::ops::Range<usize>, f: impl Fn(&Point) -> bool) -> bool {
        self.buf.range(r).any(f)
    }

    fn scale(&mut self, r: std::ops::Range<usize>, f: impl Fn(&Point) -> f64) -> Option<Scale> {
        self.sample.clear();
        self.sample
            .extend(self.buf.range(r).map(f).filter(|x| x.is_finite()));
        scale(&mut self.sample, &mut self.scratch, MIN_SAMPLE)
    }

    /// A close that is a return outlier, or lies beyond both neighbours' closes by an outlier.
    fn judge_close(&mut self, i: usize, p: &Point, ret: Option<&Scale>, exc: Option<&Scale>) {
        let (z, min) = (self.cfg.z, self.cfg.min_move);
        let is_out = |s: &Scale, x: f64, norm: f64| x.abs() >= min && s.z(x / norm).abs() >= z;
        let mut out = ret.is_some_and(|s| is_out(s, p.ret, p.norm));
        if self.skip_ret.take_if(|t| *t == p.ts).is_some() {
            // The way back from the bad print before.
            out = false;
        }
        let beyond = exc.is_some_and(|s| p.excursion >= min && s.z(p.excursion / p.up_norm) >= z);
        let beyond = beyond && self.dwarfs_local(i, p.excursion / p.up_norm);
        if !out && !beyond {
            return;
        }
        let zr = ret.map_or(f64::NAN, |s| s.z(p.ret / p.norm));
        let mut r = p.ret;
        let mut note = String::new();
        if out && let (Some((from, to)), Some(s)) = (p.split, ret) {
            let adjusted = r + (to as f64 / from as f64).ln();
            if adjusted.abs() < r.abs() {
                if !is_out(s, adjusted, p.norm) && !beyond {
                    self.reported.push(p.ts);
                    self.findings.push(
                        finding(Kind::SplitJump, Severity::Info, p, r, zr)
                            .with("split", format!("{from}:{to}"))
                            .with("adjusted_move", pct(adjusted))
                            .because(format!(
                                "the close moves {} from the previous bar, and the stored split \
                                 {from}:{to} explains it: adjusted, the move is {}",
                                pct(r),
                                pct(adjusted)
                            )),
                    );
                    return;
                }
                note = format!(
                    " (after the stored split {from}:{to}; {} before it)",
                    pct(r)
                );
                r = adjusted;
            }
        }
        let back = r + p.next_ret;
        let comes_back = p.next_ret.is_finite()
            && back.abs() <= r.abs() / 2.0
            && self.dwarfs_local(i, p.excursion / p.up_norm);
        self.reported.push(p.ts);
        if beyond || (out && comes_back) {
            self.skip_ret = p.next_ts;
            let ze = exc.map_or(f64::NAN, |s| s.z(p.excursion / p.up_norm));
            self.findings.push(
                finding(Kind::BadPrint, Severity::Error, p, r, zr)
                    .with("beyond_neighbours", pct(p.excursion.max(0.0)))
                    .with("z_beyond", format!("{ze:.1}"))
                    .because(format!(
                        "the close moves {}{note} and the next bar comes back to within {} of \
                         the previous close: the close lies {} beyond both neighbours' closes, \
                         a probable bad print",
                        pct(r),
                        pct(back),
                        pct(p.excursion.max(0.0)).trim_start_matches('+')
                    )),
            );
        } else {
            self.findings
                .push(
                    finding(Kind::LargeMove, Severity::Warn, p, r, zr).because(format!(
                        "the close moves {}{note}, {zr:.1} robust z-scores, and the price stays \
                     there: a real move, or a split that is not stored",
                        pct(r)
                    )),
                );
        }
    }
}

/// A log return as a percent change: `-27.71%`.
fn pct(r: f64) -> String {
    format!("{:+.2}%", (r.exp() - 1.0) * 100.0)
}

fn finding(kind: Kind, severity: Severity, p: &Point, ret: f64, z: f64) -> Finding {
    let show = |x: Option<Price>| x.map_or("-".to_string(), |v| v.to_string());
    Finding::new(kind, severity, p.ts, p.ts)
        .with("previous_close", show(p.prev_close))
        .with("close", p.close)
        .with("next_close", show(p.next_close))
        .with("move", pct(ret))
        .with("z", format!("{z:.1}"))
}

fn spike(p: &Point, up: bool, x: f64, z: f64) -> Finding {
    let (what, price, neighbours, side) = if up {
        ("high", p.high, p.ref_high, "above")
    } else {
        ("low", p.low, p.ref_low, "below")
    };
    let dist = if up { x } else { -x };
    Finding::new(Kind::Spike, Severity::Warn, p.ts, p.ts)
        .with("side", what)
        .with(what, price)
        .with(&format!("neighbours_{what}"), neighbours)
        .with("beyond", pct(dist))
        .with("z", format!("{z:.1}"))
        .because(format!(
            "the {what} {price} is {} {side} both neighbours' ({neighbours}), {z:.1} robust \
             z-scores, and the next bar is back: a probable bad print of the {what}",
            pct(dist).trim_start_matches(['+', '-'])
        ))
}
