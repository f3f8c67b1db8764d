//! The quality report on the real anomalies of ../shared/data (its README lists them), through
//! the store, on SQLite and PostgreSQL:
//! - Yahoo's two OHLC-inconsistent SPY rows, imported with `--skip-invalid`, are two missing
//!   sessions, and nothing else is;
//! - LEAN's SPY daily bars cover 9/11, Hurricane Sandy and Ford's day of mourning without a
//!   bar, and none of those closures is a gap;
//! - GOOG's close of 2008-09-30 is a bad print (and the way back the next day is not reported
//!   again);
//! - raw LEAN AAPL's four splits are large moves, then split jumps once the actions are stored,
//!   in the daily and in the minute file; the real crash of 2000-09-29 stays a large move, never
//!   a bad print;
//! - a row written around the schema's CHECK (another writer) breaks the OHLC invariants and is
//!   found;
//! - `since` reports from a date on and keeps what an earlier check stored before it;
//! - quote bars and the NBBO built from quote ticks, crossed and locked, one-sided quotes not;
//! - a series is measured on its symbol's calendar: EURUSD's Sunday-evening hours are off the
//!   NYSE grid and on the fx one.

use app::data::actions::{ActionsImportRequest, read, store_actions};
use app::data::validate::{ValidateReport, ValidateRequest, validate};
use domain::quality::{Config, Finding, Kind, Severity};
use domain::{Ohlc, Price, Quantity, QuoteBar, QuoteTick, Symbol, Timeframe, UnixNanos};
use formats::import::{ReadOptions, Rows};
use store::{FindingFilter, Seq, SeriesKind, Store};
use testkit::{TestDb, conformance, shared_data, t};

conformance!(
    yahoo_spy_invalid_rows_are_two_missing_sessions,
    closures_are_not_gaps,
    the_goog_bad_close_is_a_bad_print,
    aapl_splits_are_large_moves_then_split_jumps,
    a_row_written_around_the_check_breaks_the_ohlc_invariants,
    since_reports_from_a_date_and_keeps_what_came_before,
    crossed_quotes_on_bars_and_on_the_nbbo,
    each_series_is_measured_on_its_symbols_calendar,
);

const CHECKED_AT: i64 = 1_800_000_000_000_000_000;

fn import(s: &mut dyn Store, sym: &str, rel: &str, tf: Timeframe) -> usize {
    let mut o = ReadOptions::new(tf);
    o.skip_invalid = true;
    let read = formats::import::read_file(&shared_data().join(rel), &o, &mut |_| {}).unwrap();
    let Rows::Bars(bars) = read.rows else {
        panic!("{rel}: quote bars")
    };
    s.upsert_bars(&Symbol::lit(sym), tf, &bars).unwrap();
    read.skipped.len()
}

fn actions(s: &mut dyn Store, rel: &str) {
    let req = ActionsImportRequest {
        file: shared_data().join(rel),
        skip_invalid: false,
    };
    let r = read(&req).unwrap();
    store_actions(s, &req, &r).unwrap();
}

fn req(symbol: Option<&str>, tf: Option<Timeframe>, since: Option<&str>) -> ValidateRequest {
    ValidateRequest {
        symbol: symbol.map(Symbol::lit),
        timeframe: tf,
        since: since.map(|d| d.parse().unwrap()),
        checked_at: UnixNanos::new(CHECKED_AT),
        config: Config::default(),
    }
}

fn run(s: &mut dyn Store, r: &ValidateRequest) -> ValidateReport {
    validate(s, r).unwrap()
}

/// The findings of `kind` in the one series checked, as (date, severity).
fn of_kind(r: &ValidateReport, kind: Kind) -> Vec<(String, Severity)> {
    r.series
        .iter()
        .flat_map(|s| &s.findings)
        .filter(|f| f.kind == kind)
        .map(|f| (f.start.utc_date().to_string(), f.severity))
        .collect()
}

fn dates(list: &[(String, Severity)]) -> Vec<&str> {
    list.iter().map(|(d, _)| d.as_str()).collect()
}

fn yahoo_spy_invalid_rows_are_two_missing_sessions(db: &TestDb) {
    db.with(|s| {
        let rel = "daily/mplfinance_yahoofinance-SPY-20080101-20180101.csv";
        assert_eq!(import(s, "SPY", rel, Timeframe::D1), 2);
        let r = run(s, &req(Some("SPY"), None, None));
        assert_eq!(r.series.len(), 1);
        let spy = &r.series[0];
        assert_eq!(
            (spy.check.expected, spy.check.filled, spy.check.rows),
            (Some(2519), Some(2517), 2517)
        );
        let gaps = of_kind(&r, Kind::Gap);
        assert_eq!(dates(&gaps), ["2015-03-05", "2015-03-30"]);
        assert!(gaps.iter().all(|(_, s)| *s == Severity::Warn));
        // Nothing else is wrong with Yahoo's (adjusted) file.
        let worse: Vec<&Finding> = spy
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warn && f.kind != Kind::Gap)
            .collect();
        assert!(worse.is_empty(), "{worse:#?}");
        // Stored, as `data status` reads them.
        let stored = s.quality_findings(&FindingFilter::default()).unwrap();
        assert_eq!(stored.len(), spy.findings.len());
        assert!(stored.iter().all(|f| f.checked_at.as_i64() == CHECKED_AT));
        assert_eq!(s.quality_summaries().unwrap()[0].counts.warn, 2);
    });
}

fn closures_are_not_gaps(db: &TestDb) {
    db.with(|s| {
        import(s, "SPY", "daily/lean_spy_daily.csv", Timeframe::D1);
        let r = run(s, &req(None, Some(Timeframe::D1), None));
        assert_eq!(r.series[0].coverage, Some(100.0));
        assert_eq!(of_kind(&r, Kind::Gap), []);
        assert_eq!(of_kind(&r, Kind::PartialSession), []);
        assert_eq!(of_kind(&r, Kind::OffSession), []);
        // The closures hold no bar, and no finding starts on one.
        let closed = [
            "2001-09-11",
            "2001-09-14",
            "2012-10-29",
            "2012-10-30",
            "2007-01-02",
        ];
        let on: Vec<&Finding> = r.series[0]
            .findings
            .iter()
            .filter(|f| closed.contains(&f.start.utc_date().to_string().as_str()))
            .collect();
        assert!(on.is_empty(), "{on:#?}");
    });
}

fn the_goog_bad_close_is_a_bad_print(db: &TestDb) {
    db.with(|s| {
        import(s, "GOOG", "daily/lean_goog_daily.csv", Timeframe::D1);
        let r = run(s, &req(Some("GOOG"), None, None));
        let bad = of_kind(&r, Kind::BadPrint);
        assert_eq!(bad, [("2008-09-30".to_string(), Severity::Error)]);
        let f = r.series[0]
            .findings
            .iter()
            .find(|f| f.kind == Kind::BadPrint)
            .unwrap();
        assert_eq!(f.observed.get("close"), Some("294.57"));
        assert_eq!(f.observed.get("next_close"), Some("412.25"));
        // The way back is part of the bad print, not a move of its own.
        assert!(!dates(&of_kind(&r, Kind::LargeMove)).contains(&"2008-10-01"));
        // Its low of 0.01 is a spike of its own.
        let spikes = of_kind(&r, Kind::Spike);
        assert!(dates(&spikes).contains(&"2008-09-30"), "{spikes:?}");
    });
}

const AAPL_SPLITS: [&str; 4] = ["2000-06-21", "2005-02-28", "2014-06-09", "2020-08-31"];

fn aapl_splits_are_large_moves_then_split_jumps(db: &TestDb) {
    db.with(|s| {
        import(s, "AAPL", "daily/lean_aapl_daily.csv", Timeframe::D1);
        let minutes = "intraday/lean_aapl_1min_trade_2014-06-05_to_2014-06-09.csv";
        import(s, "AAPL", minutes, Timeframe::M1);
        let daily = req(Some("AAPL"), Some(Timeframe::D1), None);
        let r = run(s, &daily);
        let moves = of_kind(&r, Kind::LargeMove);
        let mut want: Vec<&str> = AAPL_SPLITS.to_vec();
        want.insert(1, "2000-09-29");
        assert_eq!(dates(&moves), want);
        assert_eq!(of_kind(&r, Kind::SplitJump), []);
        assert_eq!(of_kind(&r, Kind::BadPrint), []);

        actions(s, "actions/lean_aapl_actions.csv");
        let r = run(s, &daily);
        let jumps = of_kind(&r, Kind::SplitJump);
        assert_eq!(dates(&jumps), AAPL_SPLITS);
        assert!(jumps.iter().all(|(_, s)| *s == Severity::Info));
        let split = |d: &str| {
            r.series[0]
                .findings
                .iter()
                .find(|f| f.kind == Kind::SplitJump && f.start.utc_date().to_string() == d)
                .and_then(|f| f.observed.get("split"))
                .map(str::to_string)
        };
        assert_eq!(split("2014-06-09").as_deref(), Some("1:7"));
        assert_eq!(split("2020-08-31").as_deref(), Some("1:4"));
        // The crash of 2000-09-29 stays: a large move, not a bad print.
        assert_eq!(
            of_kind(&r, Kind::LargeMove),
            [("2000-09-29".to_string(), Severity::Warn)]
        );
        assert_eq!(of_kind(&r, Kind::BadPrint), []);

        // The minute file crosses the split overnight: the first bar of 2014-06-09 (04:00).
        let r = run(s, &req(Some("AAPL"), Some(Timeframe::M1), None));
        let jumps: Vec<&Finding> = r.series[0]
            .findings
            .iter()
            .filter(|f| f.kind == Kind::SplitJump)
            .collect();
        assert_eq!(jumps.len(), 1, "{:#?}", r.series[0].findings);
        assert_eq!(jumps[0].start, t("2014-06-09T08:00:00Z"));
        assert_eq!(of_kind(&r, Kind::LargeMove), []);
    });
}

fn a_row_written_around_the_check_breaks_the_ohlc_invariants(db: &TestDb) {
    db.with(|s| {
        import(s, "SPY", "daily/lean_spy_daily.csv", Timeframe::D1);
    });
    // As Yahoo's 2015-03-05 row: the low above the open. The schema refuses it, so another
    // writer gets past the CHECK: SQLite ignoring it, PostgreSQL with it dropped.
    let day = t("2015-03-05T00:00:00Z").as_i64();
    let update = format!(
        "UPDATE bars SET open = 209420000000, low = 209850000000, high = 212000000000, \
         close = 210000000000 WHERE ts = {day}"
    );
    if db.is_postgres() {
        db.exec(&format!(
            "ALTER TABLE bars DROP CONSTRAINT bars_check; {update}"
        ));
    } else {
        db.exec(&format!("PRAGMA ignore_check_constraints = ON; {update}"));
    }
    db.with(|s| {
        let r = run(s, &req(None, None, None));
        let f: Vec<&Finding> = r.series[0]
            .findings
            .iter()
            .filter(|f| f.kind == Kind::Ohlc)
            .collect();
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].start.as_i64(), f[0].severity), (day, Severity::Error));
        assert_eq!(
            f[0].reason,
            "the open 209.42 is outside [low 209.85, high 212]"
        );
        assert_eq!(f[0].observed.get("low"), Some("209.85"));
    });
}

fn since_reports_from_a_date_and_keeps_what_came_before(db: &TestDb) {
    db.with(|s| {
        import(s, "GOOG", "daily/lean_goog_daily.csv", Timeframe::D1);
        let full = run(s, &req(None, None, None));
        // (kind, first date, the check's time) of every stored finding ending before `until`.
        let stored = |s: &dyn Store, until: UnixNanos| {
            s.quality_findings(&FindingFilter::default())
                .unwrap()
                .into_iter()
                .filter(|f| f.finding.end < until)
                .map(|f| {
                    (
                        f.finding.kind,
                        f.finding.start.utc_date().to_string(),
                        f.checked_at,
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            stored(s, UnixNanos::MAX).len(),
            full.series[0].findings.len()
        );
        let since = t("2010-01-01T00:00:00Z");
        let before = stored(s, since);
        let mut later = req(None, None, Some("2010-01-01"));
        later.checked_at = UnixNanos::new(CHECKED_AT + 1);
        let r = run(s, &later);
        assert!(r.series[0].findings.iter().all(|f| f.end >= since));
        // The 2008 bad print, read as context only, is not reported again…
        assert_eq!(of_kind(&r, Kind::BadPrint), []);
        // …and the large moves after 2010 are the same as in the full check.
        let after = |r: &ValidateReport| {
            of_kind(r, Kind::LargeMove)
                .into_iter()
                .filter(|(d, _)| d.as_str() >= "2010")
                .collect::<Vec<_>>()
        };
        assert_eq!(after(&r), after(&full));
        let stored_since = s
            .bars(store::BarQuery {
                symbol: Symbol::lit("GOOG"),
                timeframe: Timeframe::D1,
                start: Some(since),
                end: None,
            })
            .count();
        assert_eq!(r.series[0].check.rows, stored_since as u64);
        // What the first check found before 2010 is still stored, with its own time; what
        // reaches past it (the coverage of the whole series) was replaced.
        assert!(
            before
                .iter()
                .any(|(k, d, _)| *k == Kind::BadPrint && d == "2008-09-30")
        );
        assert_eq!(stored(s, since), before);
        let now = stored(s, UnixNanos::MAX);
        let fresh = now
            .iter()
            .filter(|(_, _, at)| at.as_i64() == CHECKED_AT + 1);
        assert_eq!(fresh.count(), r.series[0].findings.len());
    });
}

fn side(p: &str) -> Ohlc {
    Ohlc::flat(Price::lit(p))
}

fn crossed_quotes_on_bars_and_on_the_nbbo(db: &TestDb) {
    db.with(|s| {
        let spy = Symbol::lit("SPY");
        let t0 = t("2024-03-08T14:30:00Z");
        let qb = |k: i64, bid: &str, ask: &str| QuoteBar {
            ts: t0.plus(k * 60_000_000_000),
            bid: Some(side(bid)),
            ask: Some(side(ask)),
            bid_size: Quantity::from_int(1),
            ask_size: Quantity::from_int(1),
        };
        let bars: Vec<QuoteBar> = (0..390)
            .map(|k| match k {
                100 | 101 => qb(k, "10.02", "10.01"),
                _ => qb(k, "10.00", "10.01"),
            })
            .collect();
        s.upsert_quote_bars(&spy, Timeframe::M1, &bars).unwrap();
        let tick = |ms: i64, ex: &str, bid: &str, ask: &str| QuoteTick {
            ts: t0.plus(ms * 1_000_000),
            bid: Price::lit(bid),
            ask: Price::lit(ask),
            bid_size: Quantity::from_int(if bid == "0" { 0 } else { 1 }),
            ask_size: Quantity::from_int(if ask == "0" { 0 } else { 1 }),
            bid_exchange: ex.into(),
            ask_exchange: ex.into(),
            conditions: vec![],
            suspicious: false,
        };
        let ticks = [
            tick(0, "P", "10.00", "10.02"),
            tick(1, "Q", "10.01", "0"),
            tick(2, "Q", "0", "10.03"),
            tick(3, "Q", "10.03", "10.04"),
            tick(4, "P", "10.00", "10.01"),
        ];
        let seq: Vec<Seq<QuoteTick>> = ticks.into_iter().map(|tick| Seq { seq: 0, tick }).collect();
        s.upsert_quotes(&spy, &seq, None).unwrap();
        let r = run(s, &req(Some("SPY"), None, None));
        let kinds: Vec<(SeriesKind, Vec<Kind>)> = r
            .series
            .iter()
            .map(|x| {
                let k = x
                    .findings
                    .iter()
                    .map(|f| f.kind)
                    .filter(|k| *k != Kind::Coverage);
                (x.check.series.kind, k.collect())
            })
            .collect();
        assert_eq!(
            kinds,
            [
                (SeriesKind::QuoteBars, vec![Kind::Crossed]),
                (SeriesKind::Quotes, vec![Kind::Crossed])
            ]
        );
        let crossed = &r.series[0].findings[1];
        assert_eq!(
            (crossed.start, crossed.observed.get("count")),
            (bars[100].ts, Some("2"))
        );
        let nbbo = &r.series[1].findings[0];
        // Q's bid 10.03 over P's ask 10.02 at 3 ms, over 10.01 at 4 ms.
        assert_eq!((nbbo.start, nbbo.end), (seq[3].tick.ts, seq[4].tick.ts));
        assert_eq!(nbbo.observed.get("ask"), Some("10.01"));
        assert_eq!(r.series[1].check.rows, 5);
    });
}

fn each_series_is_measured_on_its_symbols_calendar(db: &TestDb) {
    db.with(|s| {
        let eur = Symbol::lit("EURUSD");
        s.upsert_bars(&eur, Timeframe::H1, &testkit::eurusd_hours())
            .unwrap();
        let on = |s: &mut dyn Store| {
            let r = run(s, &req(Some("EURUSD"), None, None));
            (of_kind(&r, Kind::OffSession).len(), r.series[0].coverage)
        };
        // On the NYSE grid every Sunday evening is a date without a session.
        let (off, nyse) = on(s);
        assert!(off > 40, "{off}");
        s.set_symbol_calendar(&eur, domain::calendar::Calendar::Fx)
            .unwrap();
        let (off, fx) = on(s);
        assert_eq!(off, 0);
        assert!(
            fx.unwrap() > 99.0 && nyse.unwrap() > 99.0,
            "{fx:?} {nyse:?}"
        );
        s.set_symbol_calendar(&eur, domain::calendar::Calendar::None)
            .unwrap();
        let r = run(s, &req(Some("EURUSD"), None, None));
        assert_eq!(
            (r.series[0].coverage, r.series[0].check.expected),
            (None, None)
        );
        assert_eq!(of_kind(&r, Kind::Coverage), []);
    });
}
