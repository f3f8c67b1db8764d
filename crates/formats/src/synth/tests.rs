//! Determinism, calendar adherence, internal consistency and the sentiment signal.

use chrono::NaiveDate;
use domain::calendar::NyseCalendar;
use domain::{Bar, SentimentSource, Symbol, Timeframe, UnixNanos};
use proptest::prelude::*;

use super::*;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn sym(s: &str) -> Symbol {
    Symbol::lit(s)
}

fn csv(bars: &[Bar], tf: Timeframe) -> Vec<u8> {
    let mut out = Vec::new();
    crate::export::write_csv(
        &mut out,
        tf,
        bars.iter().map(|b| Ok::<_, std::io::Error>(*b)),
    )
    .unwrap();
    out
}

#[test]
fn same_seed_same_bytes_other_seed_or_symbol_other_bytes() {
    let a = generate_bars(&sym("SPY"), ymd(2024, 1, 2), 20, Timeframe::M5, 42);
    let b = generate_bars(&sym("SPY"), ymd(2024, 1, 2), 20, Timeframe::M5, 42);
    assert_eq!(csv(&a, Timeframe::M5), csv(&b, Timeframe::M5));
    let c = generate_bars(&sym("SPY"), ymd(2024, 1, 2), 20, Timeframe::M5, 43);
    assert_ne!(a, c);
    let q = generate_bars(&sym("QQQ"), ymd(2024, 1, 2), 20, Timeframe::M5, 42);
    assert_ne!(
        a.iter().map(|b| b.close).collect::<Vec<_>>(),
        q.iter().map(|b| b.close).collect::<Vec<_>>()
    );
}

#[test]
fn start_prices_look_like_the_symbol() {
    let first = |s: &str| {
        generate_bars(&sym(s), ymd(2024, 1, 2), 1, Timeframe::D1, 1)[0]
            .open
            .to_f64()
    };
    assert_eq!(first("SPY"), 450.0);
    assert_eq!(first("TSLA"), 250.0);
    assert_eq!(first("AAPL"), 190.0);
    let z = first("ZQXW");
    assert!((10.0..=400.0).contains(&z), "{z}");
}

/// Nov–Dec 2024: a DST change (Nov 3), Thanksgiving and its early close, Christmas Eve's early
/// close and Christmas.
#[test]
fn intraday_bars_fill_exactly_the_sessions() {
    let cal = NyseCalendar;
    for tf in [Timeframe::M1, Timeframe::M5, Timeframe::M15, Timeframe::H1] {
        let bars = generate_bars(&sym("AAPL"), ymd(2024, 10, 28), 45, tf, 7);
        let sessions: Vec<_> = cal
            .sessions(ymd(2024, 10, 28), ymd(2025, 1, 31))
            .into_iter()
            .take(45)
            .collect();
        assert_eq!(sessions.last().unwrap().date, ymd(2024, 12, 31));
        // Synthetic bars start at the open (not on the providers' grid): ceil(session / tf).
        let step = tf.nanos().unwrap();
        let expected: i64 = sessions
            .iter()
            .map(|s| (s.close.as_i64() - s.open.as_i64() + step - 1) / step)
            .sum();
        assert_eq!(bars.len() as i64, expected, "{tf}");
        for b in &bars {
            let s = cal
                .session_at(b.ts)
                .unwrap_or_else(|| panic!("{tf}: {} outside a session", b.ts));
            assert_eq!((b.ts.as_i64() - s.open.as_i64()) % tf.nanos().unwrap(), 0);
            b.validate().unwrap();
            for p in [b.open, b.high, b.low, b.close] {
                assert_eq!(p.raw() % 10_000_000, 0, "{} not on the cent grid", p);
            }
            let vwap = b.vwap.unwrap();
            assert!(b.low <= vwap && vwap <= b.high);
        }
        assert!(bars.windows(2).all(|w| w[0].ts < w[1].ts));
    }
}

#[test]
fn timeframes_aggregate_one_path() {
    let one = generate_bars(&sym("MSFT"), ymd(2024, 3, 4), 10, Timeframe::M1, 3);
    let five = generate_bars(&sym("MSFT"), ymd(2024, 3, 4), 10, Timeframe::M5, 3);
    let daily = generate_bars(&sym("MSFT"), ymd(2024, 3, 4), 10, Timeframe::D1, 3);
    for f in &five {
        let parts: Vec<Bar> = one
            .iter()
            .filter(|b| b.ts >= f.ts && b.ts.as_i64() < f.ts.as_i64() + 300_000_000_000)
            .copied()
            .collect();
        assert_eq!(parts.len(), 5);
        assert_eq!(*f, bars::merge(f.ts, &parts));
    }
    for d in &daily {
        let day: Vec<Bar> = one
            .iter()
            .filter(|b| UnixNanos::from_date(b.ts.exchange_date()) == d.ts)
            .copied()
            .collect();
        assert_eq!(day.len(), 390);
        assert_eq!((d.open, d.close), (day[0].open, day[389].close));
        assert_eq!(d.high, day.iter().map(|b| b.high).max().unwrap());
        assert_eq!(d.volume, day.iter().map(|b| b.volume).sum());
    }
    // Day-to-day: the next open continues from the previous close, plus a gap.
    assert!(
        daily
            .windows(2)
            .all(|w| (w[1].open.to_f64() / w[0].close.to_f64() - 1.0).abs() < 0.1)
    );
}

#[test]
fn daily_weekly_monthly_are_keyed_by_session_dates() {
    let cal = NyseCalendar;
    let d = generate_bars(&sym("SPY"), ymd(2023, 12, 20), 30, Timeframe::D1, 9);
    assert_eq!(d.len(), 30);
    assert!(d.iter().all(|b| cal.is_trading_day(b.ts.utc_date()) && b.ts.as_i64() % 86_400_000_000_000 == 0));
    assert!(
        !d.iter()
            .any(|b| b.ts.utc_date() == ymd(2023, 12, 25) || b.ts.utc_date() == ymd(2024, 1, 1))
    );
    let w = generate_bars(
        &sym("SPY"),
        ymd(2023, 12, 20),
        30,
        Timeframe::parse("1w").unwrap(),
        9,
    );
    let stamps: Vec<String> = w.iter().map(|b| b.ts.utc_date().to_string()).collect();
    assert_eq!(&stamps[..3], ["2023-12-20", "2023-12-26", "2024-01-02"]);
    let m = generate_bars(
        &sym("SPY"),
        ymd(2023, 12, 20),
        30,
        Timeframe::parse("1mo").unwrap(),
        9,
    );
    assert_eq!(m.len(), 3); // 7 December sessions, 21 in January, 2 in February
    assert_eq!(m[1].ts.utc_date(), ymd(2024, 1, 2));
    assert_eq!(m[2].ts.utc_date(), ymd(2024, 2, 1));
    assert_eq!(m[0].close, d[6].close); // Dec 29, the last December session
}

#[test]
fn minute_bars_for_benchmarks() {
    let n = 5_000;
    let bars = generate_minute_bars(n, 1);
    assert_eq!(bars.len(), n);
    assert_eq!(bars[0].ts.to_rfc3339(), "2015-01-02T14:30:00Z");
    let same = generate_bars(&sym("SPY"), ymd(2015, 1, 2), 13, Timeframe::M1, 1);
    assert_eq!(&bars[..], &same[..n]);
}

#[test]
fn sentiment_is_deterministic_timed_and_mildly_predictive() {
    let syms = [sym("SPY"), sym("TSLA"), sym("ZZZ")];
    let a = generate_sentiment(&syms, ymd(2023, 1, 3), 250, 5);
    assert_eq!(a, generate_sentiment(&syms, ymd(2023, 1, 3), 250, 5));
    let count = |s: SentimentSource| a.iter().filter(|r| r.source == s).count();
    let (news, reddit, sec) = (
        count(SentimentSource::News),
        count(SentimentSource::Reddit),
        count(SentimentSource::Sec),
    );
    assert!(
        news > 3 * 250 && reddit > 3 * 250 && sec > 10 && sec < 100,
        "{news} {reddit} {sec}"
    );
    assert!(a.windows(2).all(|w| w[0].ts <= w[1].ts));
    assert!(
        a.iter()
            .all(|r| r.validate().is_ok() && r.metadata["synthetic"] == true)
    );
    // News before a session's open against that session's open-to-close move.
    let cal = NyseCalendar;
    let mut pairs = Vec::new();
    for s in &syms {
        let daily = generate_bars(s, ymd(2023, 1, 3), 250, Timeframe::D1, 5);
        for r in a
            .iter()
            .filter(|r| &r.symbol == s && r.source == SentimentSource::News)
        {
            let next = cal.next_open(r.ts).unwrap();
            if let Some(b) = daily
                .iter()
                .find(|b| b.ts == UnixNanos::from_date(next.date))
            {
                pairs.push((r.score, b.close.to_f64() / b.open.to_f64() - 1.0));
            }
        }
    }
    let corr = correlation(&pairs);
    assert!((0.1..0.6).contains(&corr), "correlation {corr}");
}

fn correlation(xy: &[(f64, f64)]) -> f64 {
    let n = xy.len() as f64;
    let (mx, my) = (
        xy.iter().map(|p| p.0).sum::<f64>() / n,
        xy.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let cov: f64 = xy.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let vx: f64 = xy.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let vy: f64 = xy.iter().map(|p| (p.1 - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Any start date, length, seed and timeframe: valid bars, in order, inside sessions.
    #[test]
    fn always_valid_and_inside_sessions(days_from_2000 in 0i64..9000, n in 1usize..6, seed in any::<u64>(), tf in 0usize..4) {
        let tf = [Timeframe::M1, Timeframe::M15, Timeframe::H1, Timeframe::D1][tf];
        let first = ymd(2000, 1, 1) + chrono::Duration::days(days_from_2000);
        let bars = generate_bars(&sym("QQQ"), first, n, tf, seed);
        let cal = NyseCalendar;
        prop_assert!(bars.windows(2).all(|w| w[0].ts < w[1].ts));
        for b in &bars {
            prop_assert!(b.validate().is_ok());
            if tf.is_daily_or_longer() {
                prop_assert!(cal.is_trading_day(b.ts.utc_date()));
            } else {
                prop_assert!(cal.session_at(b.ts).is_some());
            }
        }
    }
}

/// Pins the generator: a change here changes every seeded demo database.
#[test]
fn golden_daily_bars() {
    let bars = generate_bars(&sym("SPY"), ymd(2024, 1, 2), 3, Timeframe::D1, 42);
    let text = String::from_utf8(csv(&bars, Timeframe::D1)).unwrap();
    assert_eq!(
        text,
        "timestamp,open,high,low,close,volume,vwap,trade_count\n\
         2024-01-02,450,456.87,449.51,451.29,84435856,452.8532,707025\n\
         2024-01-03,450.54,455.82,449.45,452.8,95872316,453.4202,828974\n\
         2024-01-04,451.96,455.98,449.28,455.78,159150873,451.9443,1325210\n"
    );
}
