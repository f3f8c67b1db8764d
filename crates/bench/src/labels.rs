//! `ztrade bench labels`: triple-barrier labels ([`labels::label_series`]) for N signals over M
//! synthetic SPY-like one-minute bars, in memory, against a hand-written loop that computes only
//! the first touch of the same barriers on raw integers, in the same run. The labels' exit bars
//! must equal the loop's, or the bench fails.
//!
//! The labels do more than the loop: exact slipped entry and barrier prices, the gap rule, the
//! net return, the label and meta-label, and both sample weights (the sweep line).

use backtest::Pct;
use domain::calendar::Calendar;
use domain::{Bar, Timeframe};
use labels::{Direction, Entry, LabelParams, Level, Series, TimeStop, label_series};
use serde_json::json;

use crate::{Report, Result, best_of, ensure, secs};

#[derive(Debug, Clone, clap::Args)]
pub struct LabelsBench {
    /// One-minute bars of the series.
    #[arg(long, default_value_t = 1_000_000)]
    pub bars: usize,
    /// Entry signals, spread evenly over the bars (long and short in turn).
    #[arg(long, default_value_t = 1_000_000)]
    pub signals: usize,
    /// Take-profit and stop-loss, in percent.
    #[arg(long, default_value_t = 0.2)]
    pub barrier_pct: f64,
    /// The time stop, in bars.
    #[arg(long, default_value_t = 60)]
    pub max_bars: u32,
    /// Runs of each figure; the best is reported.
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
}

pub fn run(a: &LabelsBench) -> Result<Report> {
    ensure!(
        a.bars >= 2 && a.signals >= 1,
        "--bars at least 2, --signals at least 1"
    );
    ensure!(
        a.barrier_pct > 0.0 && a.barrier_pct < 100.0,
        "--barrier-pct: between 0 and 100"
    );
    let bars = formats::synth::generate_minute_bars(a.bars, 42);
    let bars = &bars[..a.bars.min(bars.len())];
    let step = bars.len() as f64 / a.signals as f64;
    let entries: Vec<Entry> = (0..a.signals)
        .map(|i| Entry {
            id: i as i64,
            t0: bars[((i as f64 * step) as usize).min(bars.len() - 1)].ts,
            side: Some(if i % 2 == 0 {
                Direction::Long
            } else {
                Direction::Short
            }),
            quantity: None,
        })
        .collect();
    let pct = Pct::from_percent(domain::Price::parse(&format!("{}", a.barrier_pct))?);
    let params = LabelParams {
        take_profit: Some(Level::Pct(pct)),
        stop_loss: Some(Level::Pct(pct)),
        time: TimeStop {
            max_bars: Some(a.max_bars),
            ..TimeStop::default()
        },
        ..LabelParams::default()
    };
    let series = Series {
        bars,
        finer: &[],
        timeframe: Timeframe::M1,
        calendar: Calendar::Nyse,
    };
    let (ours, out) = best_of(a.repeat, || Ok(label_series(&series, &entries, &params)?))?;
    let (base, exits) = best_of(a.repeat, || {
        Ok(first_touch_loop(bars, &entries, pct, a.max_bars))
    })?;
    ensure!(
        out.labels.len() == exits.iter().flatten().count(),
        "label counts differ"
    );
    for (l, e) in out.labels.iter().zip(exits.iter().flatten()) {
        ensure!(
            l.exit_index == *e,
            "signal {}: labels exit at bar {}, the loop at {e}",
            l.id,
            l.exit_index
        );
    }
    let ratio = secs(ours) / secs(base);
    let json = json!({
        "bars": bars.len(), "signals": a.signals, "labels": out.labels.len(),
        "barrier_pct": a.barrier_pct, "max_bars": a.max_bars,
        "labels_seconds": secs(ours), "first_touch_loop_seconds": secs(base), "ratio": ratio,
    });
    let rows = vec![
        vec![
            "labels (exact, costs, weights)".into(),
            format!("{:.3}", secs(ours)),
            format!("{ratio:.2}×"),
        ],
        vec![
            "hand-written first-touch loop".into(),
            format!("{:.3}", secs(base)),
            "1.00×".into(),
        ],
    ];
    let note = format!(
        "{} labels over {} bars: {:.1} M labels/s",
        out.labels.len(),
        bars.len(),
        out.labels.len() as f64 / secs(ours) / 1e6
    );
    Ok(Report {
        json,
        rows,
        note: Some(note),
    })
}

/// The baseline: per signal, the first bar from the next one whose high or low reaches the
/// barriers (integer prices, the stop first), else the time stop; its exit bar index.
pub fn first_touch_loop(
    bars: &[Bar],
    entries: &[Entry],
    pct: Pct,
    max_bars: u32,
) -> Vec<Option<usize>> {
    entries
        .iter()
        .map(|e| {
            let i = bars.partition_point(|b| b.ts <= e.t0);
            let entry = bars.get(i)?.open;
            let (up, down) = (pct.above(entry)?.raw(), pct.below(entry)?.raw());
            let last = (i + max_bars as usize - 1).min(bars.len() - 1);
            let long = e.side == Some(Direction::Long);
            for (k, b) in bars[i..=last].iter().enumerate() {
                let (hi, lo) = (b.high.raw(), b.low.raw());
                let (stop, take) = if long {
                    (lo <= down, hi >= up)
                } else {
                    (hi >= up, lo <= down)
                };
                if stop || take {
                    return Some(i + k);
                }
            }
            Some(last)
        })
        .collect()
}
