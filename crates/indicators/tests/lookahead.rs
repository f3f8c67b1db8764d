//! No look-ahead: every feature recomputed on the data truncated at a sample of times t gives,
//! at t, exactly (bit for bit) the value of the run over all the data. A feature that reads a
//! later bar fails the same check (`a_peeking_feature_is_caught`).
//!
//! Real data from ../shared/data: LEAN's SPY minute bars (a week, pre- and after-market
//! included), two years of DBB minute bars (enough sessions for the relative volume), LEAN's SPY
//! trade ticks of 2013-10-07 with quotes from LEAN's 1-second SPY quote bars of that day (each
//! bar's closing bid and ask, stamped at the bar's end).

use std::path::PathBuf;

use domain::calendar::Calendar;
use domain::{Bar, QuoteTick, Timeframe, TradeTick, UnixNanos};
use formats::import::ticks::{TickKind, TickOptions, TickRows, read_ticks};
use formats::import::{ReadOptions, Rows, read_file};
use indicators::features::{
    BarFeatures, BookImbalance, CumulativeDelta, Feature, FeatureSet, TickTimeline, TickValues,
};

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
}

fn bars(rel: &str, tz: chrono_tz::Tz) -> Vec<Bar> {
    let mut opts = ReadOptions::new(Timeframe::parse("1m").unwrap());
    opts.tz = tz;
    match read_file(&data(rel), &opts, &mut |_| {}).unwrap().rows {
        Rows::Bars(b) => b,
        Rows::QuoteBars(_) => panic!("{rel}: expected trade bars"),
    }
}

/// One value per row, as bits (NaN-safe, exact).
type Series = Vec<Vec<Option<u64>>>;

fn all_features(input: &[Bar]) -> Series {
    let set = FeatureSet::new(Feature::ALL);
    let mut f = BarFeatures::new(set, Calendar::Nyse, Timeframe::parse("1m").unwrap());
    input
        .iter()
        .map(|b| f.update(b).iter().map(|v| v.map(f64::to_bits)).collect())
        .collect()
}

/// A feature that reads the next bar: the mean of this close and the next one.
fn peeking(input: &[Bar]) -> Series {
    (0..input.len())
        .map(|i| {
            let next = input.get(i + 1).unwrap_or(&input[i]);
            vec![Some(
                ((input[i].close.to_f64() + next.close.to_f64()) / 2.0).to_bits(),
            )]
        })
        .collect()
}

/// Sampled indices: spread evenly, plus the first and the last.
fn samples(n: usize, count: usize) -> Vec<usize> {
    let mut s: Vec<usize> = (0..count).map(|k| k * (n - 1) / (count - 1)).collect();
    s.dedup();
    s
}

/// Compares the full run with runs over the data up to each sampled time (the rows stamped at
/// or before it); the first disagreement is an error naming the time and the feature column.
fn check<T>(
    rows: &[T],
    stamp: impl Fn(&T) -> UnixNanos,
    compute: impl Fn(&[T]) -> Series,
    count: usize,
) -> Result<usize, String> {
    let full = compute(rows);
    let mut checked = 0;
    for i in samples(rows.len(), count) {
        let t = stamp(&rows[i]);
        let cut = rows.partition_point(|r| stamp(r) <= t);
        let truncated = compute(&rows[..cut]);
        let (a, b) = (&truncated[cut - 1], &full[cut - 1]);
        if a != b {
            let col = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(0);
            return Err(format!(
                "at {t}: column {col}: truncated {a:?} != full {b:?}"
            ));
        }
        checked += a.iter().filter(|v| v.is_some()).count();
    }
    Ok(checked)
}

#[test]
fn bar_features_never_read_ahead_spy_week() {
    let spy = bars(
        "intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv",
        domain::time::NEW_YORK,
    );
    let checked = check(&spy, |b| b.ts, all_features, 60).unwrap();
    // Most samples have values (rvol never: six sessions are fewer than it needs; pre-market
    // samples of the first day have no session values yet).
    assert!(checked > 60 * 6, "only {checked} values compared");
}

#[test]
fn bar_features_never_read_ahead_dbb_two_years() {
    let dbb = bars(
        "intraday/watstreet_DBB_1min_2023-07-10_to_2025-07-08.csv.gz",
        chrono_tz::UTC,
    );
    let full = all_features(&dbb);
    let rvol = FeatureSet::new(Feature::ALL)
        .position(Feature::Rvol)
        .unwrap();
    assert!(
        full.iter().filter(|r| r[rvol].is_some()).count() > 1000,
        "rvol should warm up over two years"
    );
    check(&dbb, |b| b.ts, all_features, 40).unwrap();
}

#[test]
fn a_peeking_feature_is_caught() {
    let spy = bars(
        "intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv",
        domain::time::NEW_YORK,
    );
    let err = check(&spy, |b| b.ts, peeking, 60).unwrap_err();
    assert!(err.contains("truncated"), "{err}");
}

/// A trade or a quote, merged in time order with quotes first at equal stamps.
#[derive(Clone)]
enum Tick {
    Quote(QuoteTick),
    Trade(TradeTick),
}

fn tick_stamp(t: &Tick) -> UnixNanos {
    match t {
        Tick::Quote(q) => q.ts,
        Tick::Trade(t) => t.ts,
    }
}

fn spy_ticks() -> Vec<Tick> {
    let opts = TickOptions {
        kind: TickKind::Trades,
        tz: domain::time::NEW_YORK,
        skip_invalid: false,
    };
    let path = data("ticks/lean_spy_trade_ticks_2013-10-07.csv.gz");
    let TickRows::Trades(trades) = read_ticks(&path, &opts, &mut |_| {}).unwrap().rows else {
        panic!("trades expected");
    };
    let mut opts = ReadOptions::new(Timeframe::parse("1s").unwrap());
    opts.tz = domain::time::NEW_YORK;
    let path = data("intraday/lean_spy_1sec_quote_2013-10-07.csv.gz");
    let Rows::QuoteBars(qbars) = read_file(&path, &opts, &mut |_| {}).unwrap().rows else {
        panic!("quote bars expected");
    };
    let mut ticks: Vec<Tick> = qbars
        .iter()
        .filter_map(|b| {
            Some(Tick::Quote(QuoteTick {
                ts: b.ts.checked_plus(1_000_000_000)?,
                bid: b.bid?.close,
                ask: b.ask?.close,
                bid_size: b.bid_size,
                ask_size: b.ask_size,
                bid_exchange: String::new(),
                ask_exchange: String::new(),
                conditions: Vec::new(),
                suspicious: false,
            }))
        })
        .collect();
    ticks.extend(trades.into_iter().map(Tick::Trade));
    ticks.sort_by_key(|t| (tick_stamp(t), matches!(t, Tick::Trade(_))));
    ticks
}

fn tick_features(input: &[Tick]) -> Series {
    let (mut cvd, mut obi) = (CumulativeDelta::new(), BookImbalance::new());
    input
        .iter()
        .map(|t| {
            match t {
                Tick::Quote(q) => {
                    cvd.on_quote(q);
                    obi.on_quote(q);
                }
                Tick::Trade(t) => {
                    cvd.on_trade(t);
                }
            }
            vec![Some(cvd.value().to_bits()), obi.value().map(f64::to_bits)]
        })
        .collect()
}

#[test]
fn tick_features_never_read_ahead() {
    let ticks = spy_ticks();
    assert!(ticks.len() > 250_000);
    let checked = check(&ticks, tick_stamp, tick_features, 25).unwrap();
    assert!(checked > 40, "only {checked} values compared");
    // The delta moved both ways over the day: trades were signed, not all one side.
    let full = tick_features(&ticks);
    let deltas: Vec<f64> = full.iter().map(|r| f64::from_bits(r[0].unwrap())).collect();
    assert!(deltas.iter().any(|d| *d > 0.0) && deltas.iter().any(|d| *d < 0.0));
}

/// The timeline over the ticks stamped before `cut` (all of them with `None`), read at `t`.
fn timeline_at(ticks: &[Tick], cut: Option<UnixNanos>, t: UnixNanos) -> TickValues {
    let kept = ticks
        .iter()
        .filter(|x| cut.is_none_or(|c| tick_stamp(x) < c));
    let (mut quotes, mut trades) = (Vec::new(), Vec::new());
    for x in kept {
        match x {
            Tick::Quote(q) => quotes.push(q.clone()),
            Tick::Trade(t) => trades.push(t.clone()),
        }
    }
    TickTimeline::build(Calendar::Nyse, &quotes, &trades).at(t)
}

/// A run's tick features at each minute bar's close equal those of the ticks cut at that close,
/// bit for bit; reading the timeline a nanosecond late (a tick at the close counted) is caught.
#[test]
fn tick_timeline_values_at_a_bar_close_read_no_later_tick() {
    let ticks = spy_ticks();
    let (first, last) = (tick_stamp(&ticks[0]), tick_stamp(&ticks[ticks.len() - 1]));
    let minute = 60_000_000_000;
    let closes: Vec<UnixNanos> = (1..)
        .map(|k| UnixNanos::new((first.as_i64() / minute + k) * minute))
        .take_while(|c| *c <= last)
        .collect();
    assert!(closes.len() > 300, "{} minute closes", closes.len());
    let (mut compared, mut late_caught) = (0, false);
    for i in samples(closes.len(), 25) {
        let c = closes[i];
        let full = timeline_at(&ticks, None, c);
        let cut = timeline_at(&ticks, Some(c), c);
        let bits = |v: TickValues| (v.cvd.map(f64::to_bits), v.obi.map(f64::to_bits));
        assert_eq!(bits(cut), bits(full), "at {c}");
        compared += usize::from(full.cvd.is_some()) + usize::from(full.obi.is_some());
        let late = timeline_at(&ticks, None, UnixNanos::new(c.as_i64() + 1));
        late_caught |= bits(late) != bits(cut);
    }
    assert!(compared > 40, "only {compared} values compared");
    assert!(
        late_caught,
        "a read that counts the tick at the close went unnoticed"
    );
}
