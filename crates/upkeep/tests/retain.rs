//! Retention through the store (issue 11), on SQLite and PostgreSQL: old minutes go only where a
//! roll-up holds them (regular hours, then extended; never past a checkpoint's bucket); daily
//! bars with nothing coarser stay unless the policy allows it; trades go where bars were
//! aggregated from them, quotes stay; a stored run keeps what it read unless forced; a dry run
//! changes nothing, and the day index stays true.

use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::grid::BarGrid;
use domain::grid::days::summarize_bars;
use domain::grid::rollup::Hours;
use domain::{Bar, Money, Price, Quantity, Symbol, Timeframe, TradeTick, UnixNanos};
use store::{BarOrigin, BarQuery, NewRun, Seq, SeriesRef, Store};
use testkit::{TestDb, conformance, t};
use upkeep::retain::{Policies, RetainReport, RetainRequest, policy};
use upkeep::rollup::{RollupRequest, rollup};

conformance!(
    minutes_go_only_where_a_rollup_holds_them,
    daily_bars_with_nothing_coarser_stay_unless_allowed,
    trades_go_where_bars_were_made_from_them,
    a_stored_run_keeps_what_it_read_unless_forced,
);

const MINUTE: i64 = 60_000_000_000;

fn spy() -> Symbol {
    Symbol::lit("SPY")
}

fn bar(ts: UnixNanos, i: i64) -> Bar {
    let p = Price::from_raw(100_000_000_000 + (i % 97) * 10_000_000);
    Bar {
        ts,
        open: p,
        high: p,
        low: p,
        close: p,
        volume: Quantity::from_int(1 + i % 7),
        vwap: None,
        trade_count: None,
    }
}

/// Every minute of the New York dates `from..=to`, day and night.
fn minutes(from: &str, to: &str) -> Vec<Bar> {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let (mut date, last) = (d(from), d(to));
    let mut out = Vec::new();
    while date <= last {
        let midnight =
            UnixNanos::from_local(date.and_hms_opt(0, 0, 0).unwrap(), domain::time::NEW_YORK)
                .unwrap();
        out.extend((0..1440).map(|k| bar(midnight.plus(k * MINUTE), k)));
        date = date.succ_opt().unwrap();
    }
    out
}

fn policies(section: &str) -> Policies {
    policy::resolve(&serde_json::from_str(section).unwrap()).unwrap()
}

fn retain(s: &mut dyn Store, section: &str, apply: bool, force: bool) -> RetainReport {
    let req = RetainRequest {
        policies: policies(section),
        as_of: t("2024-06-01T12:00:00Z"),
        symbols: Vec::new(),
        apply,
        force,
        batch: 700,
    };
    upkeep::retain::retain(s, &req).unwrap()
}

fn roll(s: &mut dyn Store, to: Timeframe, hours: Hours) {
    let req = RollupRequest {
        symbol: spy(),
        from: Timeframe::M1,
        to: vec![to],
        hours,
        full: false,
        batch: 5_000,
    };
    rollup(s, &req).unwrap();
}

fn stored(s: &dyn Store, tf: Timeframe) -> Vec<Bar> {
    s.bars(BarQuery {
        symbol: spy(),
        timeframe: tf,
        start: None,
        end: None,
    })
    .collect::<Result<_, _>>()
    .unwrap()
}

/// The day index and the stats still say what the bars say.
fn check_index(s: &dyn Store, tf: Timeframe) {
    let rows = stored(s, tf);
    assert_eq!(
        s.bar_days(&spy(), tf, None, None).unwrap(),
        summarize_bars(tf, BarGrid::new(tf, Calendar::Nyse).ok().as_ref(), &rows).unwrap()
    );
    let stats = s.series().unwrap();
    let st = stats.iter().find(|x| x.timeframe == tf);
    assert_eq!(st.map_or(0, |x| x.rows), rows.len() as u64);
}

/// (rows, kept not rolled up, kept for runs) of the report's first series (1m before 1d).
fn counts(r: &RetainReport) -> (u64, u64, u64) {
    let x = &r.series[0];
    (x.rows, x.kept_not_rolled_up, x.kept_for_runs)
}

fn minutes_go_only_where_a_rollup_holds_them(db: &TestDb) {
    db.with(|s| {
        // Tuesday to Saturday, four sessions of 390 minutes.
        s.upsert_bars(&spy(), Timeframe::M1, &minutes("2023-01-03", "2023-01-07"))
            .unwrap();
        let section = r#"{"1m": "1y", "1d": "forever"}"#;
        let r = retain(s, section, false, false);
        assert_eq!(counts(&r), (0, 7200, 0), "no roll-up yet");
        assert!(r.series[0].rolled_up.contains("no coarser timeframe"));

        roll(s, Timeframe::D1, Hours::Regular);
        let dry = retain(s, section, false, false);
        assert_eq!(counts(&dry), (4 * 390, 7200 - 4 * 390, 0));
        assert!(dry.series[0].bytes > 0 && dry.bytes == dry.series[0].bytes);
        assert!(dry.reclaimed.is_none());
        assert_eq!(
            stored(s, Timeframe::M1).len(),
            7200,
            "a dry run deletes nothing"
        );

        let done = retain(s, section, true, false);
        assert_eq!(counts(&done).0, 4 * 390);
        assert_eq!(done.series[0].batches, 3, "1560 rows, 700 a batch");
        let left = stored(s, Timeframe::M1);
        assert_eq!(left.len(), 7200 - 4 * 390);
        let session = |b: &Bar| {
            domain::calendar::NyseCalendar
                .session_at(b.ts)
                .is_some_and(|x| x.contains(b.ts))
        };
        assert!(!left.iter().any(session), "every session minute went");
        check_index(s, Timeframe::M1);
        assert_eq!(stored(s, Timeframe::D1).len(), 4, "the daily bars stay");
        assert_eq!(
            counts(&retain(s, section, true, false)).0,
            0,
            "nothing more"
        );

        // An extended roll-up counts the evenings too: everything before the bucket holding its
        // checkpoint may go (Saturday's last hour is that bucket; the 1d checkpoint's bucket,
        // Saturday, starts earlier and bounds both).
        roll(s, Timeframe::H1, Hours::Extended);
        // Monday's minutes come in and are not rolled up yet.
        s.upsert_bars(&spy(), Timeframe::M1, &minutes("2023-01-09", "2023-01-09"))
            .unwrap();
        let r = retain(s, section, true, false);
        assert_eq!(counts(&r), (4 * 1440 - 4 * 390, 1440 + 1440, 0));
        assert!(
            stored(s, Timeframe::M1)
                .iter()
                .all(|b| b.ts >= t("2023-01-07T05:00:00Z"))
        );
        check_index(s, Timeframe::M1);
    })
}

fn daily_bars_with_nothing_coarser_stay_unless_allowed(db: &TestDb) {
    db.with(|s| {
        let days: Vec<Bar> = (3..7)
            .map(|d| bar(t(&format!("2023-01-0{d}")), d))
            .collect();
        s.upsert_bars(&spy(), Timeframe::D1, &days).unwrap();
        let r = retain(s, r#"{"1d": "1y"}"#, true, false);
        assert_eq!(counts(&r), (0, 4, 0));
        let r = retain(
            s,
            r#"{"1d": {"keep": "1y", "require_rollup": false}}"#,
            true,
            false,
        );
        assert_eq!(counts(&r), (4, 0, 0));
        assert!(s.series().unwrap().is_empty());
        assert!(
            s.bar_days(&spy(), Timeframe::D1, None, None)
                .unwrap()
                .is_empty()
        );
        // Forever keeps everything; a policy for a timeframe nobody stored names no series.
        s.upsert_bars(&spy(), Timeframe::D1, &days).unwrap();
        let r = retain(s, r#"{"1d": "forever", "5m": "1y"}"#, true, false);
        assert_eq!(counts(&r), (0, 0, 0));
        assert_eq!(r.series[0].rolled_up, "kept forever");
    })
}

fn trade(ts: UnixNanos, k: u32) -> Seq<TradeTick> {
    Seq {
        seq: k,
        tick: TradeTick {
            ts,
            price: Price::lit("100.5"),
            size: Quantity::from_int(10),
            exchange: "P".into(),
            conditions: vec![],
            trade_id: None,
            suspicious: false,
        },
    }
}

fn trades_go_where_bars_were_made_from_them(db: &TestDb) {
    db.with(|s| {
        // Three ticks a minute over 10:00–10:10 New York on two days.
        let mut ticks = Vec::new();
        for day in ["2023-01-03", "2023-01-04"] {
            let open = t(&format!("{day}T15:00:00Z"));
            for m in 0..10 {
                for k in 0..3 {
                    ticks.push(trade(open.plus(m * MINUTE + i64::from(k) * 1000), k));
                }
            }
        }
        s.upsert_trades(&spy(), &ticks, None).unwrap();
        let quote = domain::QuoteTick {
            ts: t("2023-01-03T15:00:00Z"),
            bid: Price::lit("100"),
            ask: Price::lit("100.1"),
            bid_size: Quantity::from_int(1),
            ask_size: Quantity::from_int(1),
            bid_exchange: String::new(),
            ask_exchange: String::new(),
            conditions: vec![],
            suspicious: false,
        };
        s.upsert_quotes(
            &spy(),
            &[Seq {
                seq: 0,
                tick: quote,
            }],
            None,
        )
        .unwrap();
        // Bars were made from the first day's trades only.
        let first_day: Vec<Bar> = (0..10)
            .map(|m| bar(t("2023-01-03T15:00:00Z").plus(m * MINUTE), m))
            .collect();
        let origin = BarOrigin {
            first: first_day[0].ts,
            last: first_day[9].ts,
            aggregated_from: "trades".into(),
            rules: "lean".into(),
            ticks: 30,
            bars: 10,
        };
        s.upsert_aggregated_bars(&spy(), Timeframe::M1, &first_day, &origin)
            .unwrap();
        let r = retain(s, r#"{"ticks": "30d"}"#, true, false);
        let by: Vec<(&SeriesRef, u64, u64)> = r
            .series
            .iter()
            .map(|x| (&x.series, x.rows, x.kept_not_rolled_up))
            .collect();
        assert_eq!(
            by,
            [
                (&SeriesRef::Trades { symbol: spy() }, 30, 30),
                (&SeriesRef::Quotes { symbol: spy() }, 0, 1),
            ]
        );
        let left = s.trades(&spy(), None, None).unwrap();
        assert_eq!(left.len(), 30);
        assert!(left.iter().all(|x| x.tick.ts >= t("2023-01-04T00:00:00Z")));
        assert_eq!(stored(s, Timeframe::M1).len(), 10, "the bars stay");
    })
}

fn a_stored_run_keeps_what_it_read_unless_forced(db: &TestDb) {
    db.with(|s| {
        s.upsert_bars(&spy(), Timeframe::M1, &minutes("2023-01-03", "2023-01-07"))
            .unwrap();
        roll(s, Timeframe::D1, Hours::Regular);
        let curve = [
            (t("2023-01-04"), Money::lit("100000")),
            (t("2023-01-05"), Money::lit("100100")),
        ];
        let id = s
            .save_run(&NewRun {
                agent_id: "ref_sma".into(),
                start: t("2023-01-04T14:30:00Z"),
                end: t("2023-01-05T21:00:00Z"),
                initial_capital: Money::lit("100000"),
                final_capital: Money::lit("100100"),
                total_trades: 0,
                winning_trades: 0,
                losing_trades: 0,
                max_drawdown: 0.0,
                sharpe_ratio: None,
                config: serde_json::json!({"id": "ref_sma", "symbols": ["SPY"], "timeframe": "1m"}),
                metrics: analytics::compute(&analytics::MetricsInput::new(&curve)).unwrap(),
                data_fingerprint: String::new(),
                engine_version: "test".into(),
                trades: Vec::new(),
                equity: Vec::new(),
                sweep_id: None,
                params: None,
            })
            .unwrap();
        let section = r#"{"1m": "1y"}"#;
        let r = retain(s, section, true, false);
        // Tuesday's and Friday's sessions go; Wednesday's and Thursday's the run read stay.
        assert_eq!(counts(&r), (2 * 390, 7200 - 4 * 390, 2 * 390));
        assert_eq!(r.series[0].runs, [id]);
        let r = retain(s, section, true, true);
        assert_eq!(counts(&r), (2 * 390, 7200 - 4 * 390, 0));
        assert!(r.force && r.series[0].runs.is_empty());
        check_index(s, Timeframe::M1);
    })
}
