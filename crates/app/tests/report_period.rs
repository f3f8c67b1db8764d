//! The report reads a run's period per date from the store's day index, cutting the first and
//! last dates at the run's own bounds: the result equals the summaries of the bars inside the
//! period, wherever the period starts and ends (mid-session, before the open, after hours).

use app::report::period::period_days;
use domain::grid::days::summarize_bars;
use domain::{Bar, Price, Quantity, Symbol, Timeframe, UnixNanos};

const MINUTE: i64 = 60_000_000_000;

/// One-minute bars every minute, day and night, from Monday 2024-03-04 04:00 New York (09:00
/// UTC) for six days, prices moving with the minute.
fn bars() -> Vec<Bar> {
    let t0 = UnixNanos::parse_rfc3339("2024-03-04T09:00:00Z").unwrap();
    (0..6 * 1440)
        .map(|i: i64| {
            let p = Price::from_int(100 + (i * 7919) % 97);
            let hi = p.checked_add(Price::from_int(i % 5)).unwrap();
            Bar {
                ts: t0.plus(i * MINUTE),
                open: p,
                high: hi,
                low: p,
                close: hi,
                volume: Quantity::from_int(1 + i % 13),
                vwap: None,
                trade_count: None,
            }
        })
        .collect()
}

#[test]
fn a_period_per_date_equals_the_bars_inside_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let mut s = store::open_migrated(&url).unwrap();
    let spy = Symbol::lit("SPY");
    let all = bars();
    // Written in three batches that end mid-date.
    for chunk in all.chunks(3_001) {
        s.upsert_bars(&spy, Timeframe::M1, chunk).unwrap();
    }
    let at = |i: usize| all[i].ts;
    for (a, b) in [
        (0, all.len() - 1),
        (331, 7_000),
        (900, 905),
        (1_439, 1_441),
        (2_000, 2_000),
        (10, 8_000),
    ] {
        let inside: Vec<Bar> = all[a..=b].to_vec();
        let nyse = domain::grid::BarGrid::new(Timeframe::M1, domain::calendar::Calendar::Nyse);
        let want = summarize_bars(Timeframe::M1, nyse.ok().as_ref(), &inside).unwrap();
        let got = period_days(s.as_ref(), &spy, Timeframe::M1, at(a), at(b)).unwrap();
        assert_eq!(got, want, "bars {a}..={b}");
    }
    assert!(
        period_days(
            s.as_ref(),
            &Symbol::lit("QQQ"),
            Timeframe::M1,
            at(0),
            at(99)
        )
        .unwrap()
        .is_empty()
    );
    assert_eq!(
        s.bar_days(&spy, Timeframe::M1, None, None).unwrap().len(),
        7
    );
}
