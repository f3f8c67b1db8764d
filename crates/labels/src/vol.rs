//! σ for volatility-scaled barriers, from past data only: the sample standard deviation (n − 1)
//! of the `window` simple close-to-close returns that end at the signal bar. It reads no bar
//! after the signal bar, so a series truncated there gives the same σ (a test checks it).

use domain::Bar;

/// σ of the `window` returns ending at `bars[signal]`'s close; `None` before `window` returns
/// exist (the warm-up) or when a close is zero.
pub fn sigma(bars: &[Bar], signal: usize, window: usize) -> Option<f64> {
    if window < 2 || signal < window || signal >= bars.len() {
        return None;
    }
    let ret = |t: usize| {
        let prev = bars[t - 1].close.to_f64();
        (prev != 0.0).then(|| bars[t].close.to_f64() / prev - 1.0)
    };
    let span = signal + 1 - window..=signal;
    let mut sum = 0.0;
    for t in span.clone() {
        sum += ret(t)?;
    }
    let n = window as f64;
    let mean = sum / n;
    let mut sq = 0.0;
    for t in span {
        let d = ret(t)? - mean;
        sq += d * d;
    }
    Some((sq / (n - 1.0)).sqrt())
}
