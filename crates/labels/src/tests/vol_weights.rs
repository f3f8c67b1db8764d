//! Volatility barriers from past data only, sample weights by hand, entries in any order.

use domain::{Bar, Price};

use super::barriers::flat;
use super::{at, bar, long, one, pct, series};
use crate::params::Level;
use crate::{Barrier, Entry, Label, LabelParams, label_series, vol, weights};

fn wavy(n: i64) -> Vec<Bar> {
    (0..n)
        .map(|m| {
            let c = 100.0 + ((m * 37) % 11) as f64 * 0.25;
            let c = format!("{c}");
            let hi = format!("{}", c.parse::<f64>().unwrap() + 1.0);
            let lo = format!("{}", c.parse::<f64>().unwrap() - 1.0);
            bar(m, &c, &hi, &lo, &c)
        })
        .collect()
}

#[test]
fn volatility_barriers_read_only_the_past() {
    let bars = wavy(60);
    let p = LabelParams {
        take_profit: Some(Level::Vol(2.0)),
        stop_loss: Some(Level::Vol(1.0)),
        vol_window: 10,
        ..LabelParams::default()
    };
    let entries: Vec<Entry> = (0..59).map(|m| long(m, m)).collect();
    let full = label_series(&series(&bars), &entries, &p).unwrap();
    // The first ten signal bars have fewer than ten returns before them.
    assert_eq!(full.skipped.no_sigma, 10);
    assert_eq!(full.labels.len(), 49);
    for l in &full.labels {
        let signal = l.entry_index - 1;
        let sigma = vol::sigma(&bars, signal, 10).unwrap();
        assert_eq!(vol::sigma(&bars[..=signal], signal, 10), Some(sigma));
        // Truncated at the entry bar (or with a different future), the barriers are the same.
        let mut other = bars[..=l.entry_index].to_vec();
        other.push(bar(l.entry_index as i64 + 1, "1", "1000", "1", "1"));
        let cut = one(&series(&other), long(l.id, l.id), &p);
        assert_eq!(
            (cut.take_profit, cut.stop_loss),
            (l.take_profit, l.stop_loss)
        );
        let tp = l.take_profit.unwrap().to_f64() / l.entry_price.to_f64() - 1.0;
        assert!(
            (tp - 2.0 * sigma).abs() < 2e-9,
            "{tp} vs 2σ = {}",
            2.0 * sigma
        );
    }
}

fn span(id: i64, entry: usize, exit: usize) -> Label {
    Label {
        id,
        t0: at(0),
        side: None,
        entry_index: entry,
        exit_index: exit,
        entry_time: at(0),
        entry_price: Price::ZERO,
        take_profit: None,
        stop_loss: None,
        t1: at(0),
        exit_price: Price::ZERO,
        barrier: Barrier::Time,
        ret: 0.0,
        label: 0,
        meta_label: None,
        weight_uniqueness: 0.0,
        weight_return: 0.0,
    }
}

#[test]
fn weights_by_hand() {
    // Closes 100, 110, 121, 133.1, 133.1: log returns 0, ln 1.1, ln 1.1, ln 1.1, 0.
    let closes = ["100", "110", "121", "133.1", "133.1"];
    let bars: Vec<Bar> = closes
        .iter()
        .enumerate()
        .map(|(i, c)| bar(i as i64, c, c, c, c))
        .collect();
    // A spans bars 0..=2, B 1..=3, C 4: concurrency 1, 2, 2, 1, 1.
    let mut labels = vec![span(1, 0, 2), span(2, 1, 3), span(3, 4, 4)];
    weights::apply(&bars, &mut labels);
    let u: Vec<f64> = labels.iter().map(|l| l.weight_uniqueness).collect();
    for (got, want) in u.iter().zip([2.0 / 3.0, 2.0 / 3.0, 1.0]) {
        assert!((got - want).abs() < 1e-12, "{u:?}");
    }
    // A: 0 + l/2 + l/2 = l; B: l/2 + l/2 + l = 2l; C: 0 (l = ln 1.1) → sum 3l, scaled to 3.
    weights::normalize_returns(&mut labels);
    let w: Vec<f64> = labels.iter().map(|l| l.weight_return).collect();
    for (got, want) in w.iter().zip([1.0, 2.0, 0.0]) {
        assert!((got - want).abs() < 1e-12, "{w:?}");
    }
}

#[test]
fn no_bar_after_the_signal_is_skipped_and_bad_params_are_refused() {
    let bars = flat(3);
    let out = label_series(&series(&bars), &[long(1, 2), long(2, 5)], &pct("1", "1")).unwrap();
    assert_eq!((out.labels.len(), out.skipped.no_next_bar), (0, 2));
    assert!(label_series(&series(&bars), &[], &pct("0", "1")).is_err());
    assert!(label_series(&series(&bars), &[], &pct("1", "100")).is_err());
    let mut p = pct("1", "1");
    p.time.max_bars = Some(0);
    assert!(label_series(&series(&bars), &[], &p).is_err());
}

#[test]
fn entries_in_any_order_get_the_same_labels() {
    let bars = wavy(300);
    let p = pct("0.5", "0.5");
    let sorted: Vec<Entry> = (0..300).step_by(3).map(|m| long(m, m)).collect();
    // Reversed, and dense then far apart (past the cursor's linear walk).
    let mut mixed: Vec<Entry> = sorted.iter().rev().copied().collect();
    mixed.extend([
        long(1000, 0),
        long(1001, 250),
        long(1002, 251),
        long(1003, 2),
    ]);
    let a = label_series(&series(&bars), &sorted, &p).unwrap().labels;
    let b = label_series(&series(&bars), &mixed, &p).unwrap().labels;
    for l in &a {
        let m = b.iter().find(|x| x.id == l.id).unwrap();
        assert_eq!(
            (m.entry_index, m.exit_index, m.barrier),
            (l.entry_index, l.exit_index, l.barrier)
        );
    }
    let far = |id| b.iter().find(|x| x.id == id).unwrap().entry_index;
    assert_eq!(
        (far(1000), far(1001), far(1002), far(1003)),
        (1, 251, 252, 3)
    );
}
