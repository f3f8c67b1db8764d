//! The checks on small hand-made series: each kind found where it is, and not elsewhere.

use chrono::NaiveDate;

use super::coverage::coverage;
use super::quotes::{NbboChecker, QuoteBarChecker};
use super::ticks::TradeChecker;
use super::*;
use crate::Bar;
use crate::calendar::{Calendar, NyseCalendar};
use crate::corporate_action::{CorporateAction, CorporateActionKind};
use crate::fixed::{Price, Quantity};
use crate::grid::BarGrid;
use crate::grid::days::summarize_bars;
use crate::quote_bar::{Ohlc, QuoteBar};
use crate::symbol::Symbol;
use crate::tick::{QuoteTick, TradeTick};
use crate::timeframe::Timeframe;

fn ts(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn bar(t: UnixNanos, o: f64, h: f64, l: f64, c: f64, v: i64) -> Bar {
    let p = |x: f64| Price::parse(&format!("{x:.4}")).unwrap();
    Bar {
        ts: t,
        open: p(o),
        high: p(h),
        low: p(l),
        close: p(c),
        volume: Quantity::from_int(v),
        vwap: None,
        trade_count: None,
    }
}

/// A deterministic random walk of daily bars over the NYSE sessions from `from`, `n` of them.
fn walk(from: &str, n: usize) -> Vec<Bar> {
    let mut seed = 7u64;
    let mut rand = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    };
    let mut price = 100.0;
    NyseCalendar
        .sessions(d(from), d("2030-01-01"))
        .into_iter()
        .take(n)
        .map(|s| {
            let o = price;
            price *= 1.0 + 0.02 * rand();
            let (hi, lo) = (
                o.max(price) * (1.0 + 0.01 * rand().abs()),
                o.min(price) * (1.0 - 0.01 * rand().abs()),
            );
            bar(UnixNanos::from_date(s.date), o, hi, lo, price, 1000)
        })
        .collect()
}

fn check(tf: Timeframe, bars: &[Bar], actions: &[CorporateAction]) -> Vec<Finding> {
    let mut c = BarChecker::new(tf, BarGrid::new(tf, Calendar::Nyse).ok(), Config::default())
        .with_actions(actions);
    for page in bars.chunks(7) {
        c.push(page);
    }
    c.finish()
}

fn kinds(f: &[Finding]) -> Vec<(Kind, String)> {
    f.iter()
        .map(|f| (f.kind, f.start.utc_date().to_string()))
        .collect()
}

/// Sets bar `i`'s close (and its high or low to hold it).
fn set_close(b: &mut Bar, c: f64) {
    let p = Price::parse(&format!("{c:.4}")).unwrap();
    b.close = p;
    b.high = b.high.max(p);
    b.low = b.low.min(p);
}

#[test]
fn a_calm_walk_has_no_findings() {
    let bars = walk("2020-01-02", 600);
    assert_eq!(kinds(&check(Timeframe::D1, &bars, &[])), []);
}

#[test]
fn a_close_that_comes_back_is_a_bad_print_and_one_that_stays_a_large_move() {
    let mut bars = walk("2020-01-02", 300);
    let c = bars[100].close.to_f64();
    set_close(&mut bars[100], c * 0.7);
    for b in &mut bars[200..] {
        let scale = |p: Price| Price::parse(&format!("{:.4}", p.to_f64() * 0.5)).unwrap();
        (b.open, b.high, b.low, b.close) =
            (scale(b.open), scale(b.high), scale(b.low), scale(b.close));
    }
    let f = check(Timeframe::D1, &bars, &[]);
    let day = |i: usize| bars[i].ts.utc_date().to_string();
    assert_eq!(
        kinds(&f),
        [(Kind::BadPrint, day(100)), (Kind::LargeMove, day(200))]
    );
    assert_eq!(f[0].severity, Severity::Error);
    assert_eq!(
        f[0].observed.get("close"),
        Some(bars[100].close.to_string().as_str())
    );
    assert!(f[1].reason.contains("stays"), "{}", f[1].reason);

    // The halving is a 1:2 split once it is stored: info, not a warning.
    let split = CorporateAction::new(
        Symbol::lit("X"),
        bars[200].ts.utc_date(),
        CorporateActionKind::Split { from: 1, to: 2 },
    )
    .unwrap();
    let f = check(Timeframe::D1, &bars, &[split]);
    assert_eq!(
        kinds(&f),
        [(Kind::BadPrint, day(100)), (Kind::SplitJump, day(200))]
    );
    assert_eq!(f[1].severity, Severity::Info);
    assert_eq!(f[1].observed.get("split"), Some("1:2"));
}

#[test]
fn a_low_far_below_both_neighbours_is_a_spike() {
    let mut bars = walk("2020-01-02", 300);
    bars[150].low = Price::lit("0.01");
    let f = check(Timeframe::D1, &bars, &[]);
    assert_eq!(
        kinds(&f),
        [(Kind::Spike, bars[150].ts.utc_date().to_string())]
    );
    assert_eq!(f[0].observed.get("side"), Some("low"));
}

#[test]
fn broken_bars_stale_runs_and_duplicates() {
    let mut bars = walk("2020-01-02", 100);
    // Yahoo SPY 2015-03-05: the low above the open.
    (bars[10].open, bars[10].low) = (Price::lit("209.42"), Price::lit("209.85"));
    bars[10].high = bars[10].high.max(Price::lit("212"));
    bars[10].close = Price::lit("210");
    for i in 40..46 {
        bars[i] = Bar {
            ts: bars[i].ts,
            ..bars[39]
        };
    }
    let mut late = bars[60];
    late.ts = late.ts.plus(4 * 3_600_000_000_000);
    bars.insert(61, late);
    let f = check(Timeframe::D1, &bars, &[]);
    let got: Vec<Kind> = f.iter().map(|f| f.kind).collect();
    assert!(got.contains(&Kind::Ohlc), "{got:?}");
    let stale = f.iter().find(|f| f.kind == Kind::Stale).unwrap();
    assert_eq!(stale.observed.get("bars"), Some("7"));
    let dup = f.iter().find(|f| f.kind == Kind::Duplicate).unwrap();
    assert_eq!(dup.start, late.ts);
    let mis = f.iter().find(|f| f.kind == Kind::Misaligned).unwrap();
    assert_eq!(mis.observed.get("bars"), Some("1"));
    let ohlc = f.iter().find(|f| f.kind == Kind::Ohlc).unwrap();
    assert_eq!(
        ohlc.reason,
        "the open 209.42 is outside [low 209.85, high 212]"
    );
}

fn minutes(date: &str, from: &str, n: i64, v: i64) -> Vec<Bar> {
    let t0 = ts(&format!("{date}T{from}:00Z"));
    (0..n)
        .map(|k| {
            bar(
                t0.plus(k * 60_000_000_000),
                10.0,
                10.02,
                9.98,
                10.0 + 0.01 * ((k % 3) as f64),
                v,
            )
        })
        .collect()
}

#[test]
fn zero_volume_in_the_session_is_a_run_and_an_index_reports_no_volume() {
    // 2024-03-08 session: 14:30–21:00 UTC. Pre-market bars with zero volume do not count.
    let mut bars = minutes("2024-03-08", "13:00", 60, 0);
    bars.extend(minutes("2024-03-08", "14:30", 390, 100));
    for b in &mut bars[60 + 100..60 + 103] {
        b.volume = Quantity::ZERO;
    }
    let f = check(Timeframe::M1, &bars, &[]);
    let z: Vec<&Finding> = f.iter().filter(|f| f.kind == Kind::ZeroVolume).collect();
    assert_eq!(z.len(), 1, "{f:?}");
    assert_eq!(
        (z[0].start, z[0].observed.get("bars")),
        (bars[160].ts, Some("3"))
    );

    let index: Vec<Bar> = minutes("2024-03-08", "14:30", 390, 0);
    let f = check(Timeframe::M1, &index, &[]);
    assert_eq!(
        f.iter().map(|f| f.kind).collect::<Vec<_>>(),
        [Kind::NoVolume]
    );
}

#[test]
fn closures_are_not_gaps_and_missing_sessions_are_one_run() {
    // 2001-09-04 .. 2001-09-28 with 9/11–14 closed (the calendar knows), and 09-24..26 lost.
    let all = walk("2001-09-04", 19);
    assert_eq!(all[5].ts.utc_date(), d("2001-09-17"));
    let mut bars: Vec<Bar> = all
        .iter()
        .filter(|b| !(d("2001-09-24")..=d("2001-09-26")).contains(&b.ts.utc_date()))
        .copied()
        .collect();
    // A bar on a Saturday.
    let mut sat = bars[0];
    sat.ts = ts("2001-09-08T00:00:00Z");
    bars.insert(4, sat);
    let grid = BarGrid::new(Timeframe::D1, Calendar::Nyse).unwrap();
    let days = summarize_bars(Timeframe::D1, Some(&grid), &bars).unwrap();
    let c = coverage(&grid, &days, None).unwrap();
    assert_eq!((c.expected, c.filled, c.rows), (19, 16, 17));
    let got: Vec<(Kind, String)> = kinds(&c.findings);
    assert_eq!(
        got,
        [
            (Kind::Coverage, "2001-09-04".into()),
            (Kind::OffSession, "2001-09-08".into()),
            (Kind::Gap, "2001-09-24".into())
        ]
    );
    let gap = &c.findings[2];
    assert_eq!(
        (gap.end.utc_date(), gap.observed.get("sessions")),
        (d("2001-09-26"), Some("3"))
    );
    assert!((c.percent().unwrap() - 100.0 * 16.0 / 19.0).abs() < 1e-9);
    // From a date on: what lies before is not counted.
    let c = coverage(&grid, &days, Some(d("2001-09-25"))).unwrap();
    assert_eq!((c.expected, c.filled), (8, 6));
    assert_eq!(kinds(&c.findings)[1], (Kind::Gap, "2001-09-25".into()));
}

#[test]
fn a_session_with_missing_minutes_is_partial() {
    let mut bars = minutes("2024-03-08", "14:30", 390, 100);
    bars.drain(200..230);
    let grid = BarGrid::new(Timeframe::M1, Calendar::Nyse).unwrap();
    let days = summarize_bars(Timeframe::M1, Some(&grid), &bars).unwrap();
    let c = coverage(&grid, &days, None).unwrap();
    assert_eq!(c.findings.len(), 2);
    assert_eq!(c.findings[1].kind, Kind::PartialSession);
    assert_eq!(c.findings[1].observed.get("missing"), Some("30"));
}

fn side(p: &str) -> Ohlc {
    Ohlc::flat(Price::lit(p))
}

#[test]
fn crossed_and_locked_quote_bars() {
    let t0 = ts("2024-03-08T14:30:00Z");
    let q = |k: i64, bid: &str, ask: &str| QuoteBar {
        ts: t0.plus(k * 60_000_000_000),
        bid: Some(side(bid)),
        ask: Some(side(ask)),
        bid_size: Quantity::from_int(1),
        ask_size: Quantity::from_int(1),
    };
    let bars = [
        q(0, "10.00", "10.01"),
        q(1, "10.02", "10.01"),
        q(2, "10.03", "10.01"),
        q(3, "10.00", "10.01"),
        q(4, "10.01", "10.01"),
        QuoteBar {
            bid: None,
            ..q(5, "1", "1")
        },
    ];
    let mut c = QuoteBarChecker::new(Timeframe::M1);
    c.push(&bars);
    let f = c.finish();
    assert_eq!(
        f.iter().map(|f| f.kind).collect::<Vec<_>>(),
        [Kind::Crossed, Kind::Locked]
    );
    assert_eq!((f[0].start, f[0].end), (bars[1].ts, bars[2].ts));
    assert_eq!(f[0].observed.get("bid"), Some("10.03"));
}

#[test]
fn the_nbbo_from_ticks_keeps_one_sided_quotes_apart_from_crossed_ones() {
    let t0 = ts("2024-03-08T14:30:00Z");
    let q = |ms: i64, ex: &str, bid: &str, bs: i64, ask: &str, asz: i64| QuoteTick {
        ts: t0.plus(ms * 1_000_000),
        bid: Price::lit(bid),
        ask: Price::lit(ask),
        bid_size: Quantity::from_int(bs),
        ask_size: Quantity::from_int(asz),
        bid_exchange: ex.into(),
        ask_exchange: ex.into(),
        conditions: vec![],
        suspicious: false,
    };
    let ticks = [
        q(0, "P", "10.00", 1, "10.02", 1),
        // One-sided: the ask is absent from this update, not zero.
        q(1, "P", "10.01", 1, "0", 0),
        q(2, "Q", "0", 0, "10.03", 1),
        // Two updates at one stamp: only the last state counts.
        q(3, "Q", "10.05", 1, "10.06", 1),
        q(3, "P", "10.00", 1, "10.01", 1),
        // Q's bid now above P's ask at the next stamp: crossed until P moves.
        q(4, "P", "10.00", 1, "10.04", 1),
        q(5, "P", "10.06", 1, "10.07", 1),
    ];
    let mut c = NbboChecker::new();
    c.push(&ticks);
    assert_eq!(c.ticks(), 7);
    let f = c.finish();
    assert_eq!(
        f.iter().map(|f| f.kind).collect::<Vec<_>>(),
        [Kind::Crossed, Kind::Locked]
    );
    assert_eq!(
        (f[0].start, f[0].observed.get("count")),
        (ticks[3].ts, Some("2"))
    );
    assert_eq!(f[1].start, ticks[6].ts);
}

#[test]
fn a_trade_far_from_its_neighbours_is_a_tick_outlier() {
    let t0 = ts("2024-03-08T14:30:00Z");
    let mut trades: Vec<TradeTick> = (0..200)
        .map(|k| TradeTick {
            ts: t0.plus(k * 1_000_000),
            price: Price::parse(&format!("{:.2}", 100.0 + 0.01 * ((k * 7 % 5) as f64))).unwrap(),
            size: Quantity::from_int(100),
            exchange: "P".into(),
            conditions: vec![],
            trade_id: None,
            suspicious: false,
        })
        .collect();
    trades[120].price = Price::lit("98.50");
    trades[120].suspicious = true;
    let mut c = TradeChecker::new(Config::default());
    for chunk in trades.chunks(33) {
        c.push(chunk);
    }
    let f = c.finish();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].start, f[0].observed.get("vendor_suspicious")),
        (trades[120].ts, Some("1"))
    );
}

#[test]
fn kinds_and_severities_read_back_from_their_spelling() {
    for k in Kind::ALL {
        assert_eq!(k.as_str().parse::<Kind>(), Ok(k));
    }
    for s in Severity::ALL {
        assert_eq!(s.as_str().parse::<Severity>(), Ok(s));
    }
    let f = Finding::new(
        Kind::Gap,
        Severity::Warn,
        UnixNanos::new(1),
        UnixNanos::new(2),
    )
    .with("z", "1.0")
    .with("a", 3);
    let json = serde_json::to_string(&f.observed).unwrap();
    assert_eq!(json, r#"{"z":"1.0","a":"3"}"#);
    assert_eq!(serde_json::from_str::<Observed>(&json).unwrap(), f.observed);
    let c = Counts::of(&[f]);
    assert_eq!(
        (
            c.worst(),
            c.at_least(Severity::Error),
            c.at_least(Severity::Warn)
        ),
        (Some(Severity::Warn), 0, 1)
    );
}

#[test]
fn a_stamp_that_does_not_increase_is_out_of_order_and_skipped() {
    let bars = walk("2020-01-02", 40);
    let mut c = BarChecker::new(
        Timeframe::D1,
        BarGrid::new(Timeframe::D1, Calendar::Nyse).ok(),
        Config::default(),
    );
    c.push(&bars[..20]);
    c.push(&bars[10..11]);
    c.push(&bars[20..]);
    assert_eq!(c.bars(), 40);
    let f = c.finish();
    assert_eq!(
        kinds(&f),
        [(Kind::OutOfOrder, bars[19].ts.utc_date().to_string())]
    );
    assert_eq!((f[0].end, f[0].severity), (bars[10].ts, Severity::Error));
}
