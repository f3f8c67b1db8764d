//! Sample weights (AFML ch. 4) from the number of labels alive at each bar.
//!
//! A label spans the bars from its entry bar to its exit bar, both included. A sweep line over
//! those spans (+1 where one starts, −1 after it ends, a running sum) gives c_t, the concurrent
//! labels at bar t, in O(bars + labels); prefix sums then give every label's weights in O(1):
//! - uniqueness: the mean of 1/c_t over its span (1 for a label alone; ½ for two that overlap
//!   fully);
//! - return attribution: |Σ r_t / c_t| over its span, r_t = ln(close_t / close_{t−1}) (0 for the
//!   first bar), then scaled by [`normalize_returns`] so that the weights sum to the number of
//!   labels.
//!
//! Concurrency is counted per series (one symbol's labels). f64 throughout: these are statistics.

use domain::Bar;

use crate::Label;

/// Sets `weight_uniqueness` and the raw (not yet normalized) `weight_return` of `labels`, all of
/// one series `bars`.
pub fn apply(bars: &[Bar], labels: &mut [Label]) {
    let Some(lo) = labels.iter().map(|l| l.entry_index).min() else {
        return;
    };
    let hi = labels.iter().map(|l| l.exit_index).max().unwrap_or(lo);
    let len = hi - lo + 1;
    let mut delta = vec![0i64; len + 1];
    for l in labels.iter() {
        delta[l.entry_index - lo] += 1;
        delta[l.exit_index - lo + 1] -= 1;
    }
    let mut uniq = vec![0f64; len + 1];
    let mut attr = vec![0f64; len + 1];
    let mut alive = 0i64;
    for k in 0..len {
        alive += delta[k];
        let (u, a) = if alive > 0 {
            let c = alive as f64;
            (1.0 / c, log_return(bars, lo + k) / c)
        } else {
            (0.0, 0.0)
        };
        uniq[k + 1] = uniq[k] + u;
        attr[k + 1] = attr[k] + a;
    }
    for l in labels.iter_mut() {
        let (a, b) = (l.entry_index - lo, l.exit_index - lo + 1);
        l.weight_uniqueness = (uniq[b] - uniq[a]) / (b - a) as f64;
        l.weight_return = (attr[b] - attr[a]).abs();
    }
}

/// Scales the return weights of `labels` (every series of a run) to sum to their number; left
/// as they are when they sum to zero.
pub fn normalize_returns(labels: &mut [Label]) {
    let sum: f64 = labels.iter().map(|l| l.weight_return).sum();
    if sum > 0.0 && sum.is_finite() {
        let scale = labels.len() as f64 / sum;
        for l in labels {
            l.weight_return *= scale;
        }
    }
}

fn log_return(bars: &[Bar], t: usize) -> f64 {
    if t == 0 {
        return 0.0;
    }
    let (prev, now) = (bars[t - 1].close.to_f64(), bars[t].close.to_f64());
    if prev > 0.0 && now > 0.0 {
        (now / prev).ln()
    } else {
        0.0
    }
}
