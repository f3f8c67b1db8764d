//! Splits and dividends (issue 11), on SQLite and PostgreSQL: LEAN's raw AAPL and SPY daily bars
//! and the action lists of `shared/data/actions`, stored and adjusted on read, reproduce LEAN's
//! factor files (raw × price_factor × split_factor) to 1e-5 relative on every day; the 7:1 split
//! inside the AAPL minute file is adjusted at the right minute; `as_of` reproduces Yahoo's 2018
//! split-adjusted AAPL file; and a run on adjusted prices records its adjustment and a
//! fingerprint that covers the actions.

use std::path::{Path, PathBuf};

use app::data::actions::{ActionsImportRequest, read, store_actions};
use app::data::adjust::{AdjustSpec, adjusted, adjuster};
use app::run::RunRequest;
use app::time::Window;
use backtest::AgentConfig;
use chrono::NaiveDate;
use domain::{Adjustment, Bar, Price, Symbol, Timeframe};
use formats::import::{ReadOptions, Rows};
use store::{BarQuery, Store};
use testkit::{TestDb, conformance, shared_data};

fn data(rel: &str) -> PathBuf {
    shared_data().join(rel)
}

fn read_bars(path: &Path, tf: Timeframe) -> Vec<Bar> {
    let read = formats::import::read_file(path, &ReadOptions::new(tf), &mut |_| {}).unwrap();
    match read.rows {
        Rows::Bars(b) => b,
        Rows::QuoteBars(_) => panic!("{}: quote bars", path.display()),
    }
}

fn import_actions(s: &mut dyn Store, file: &str) -> store::UpsertCounts {
    let req = ActionsImportRequest {
        file: data(file),
        skip_invalid: false,
    };
    let r = read(&req).unwrap();
    store_actions(s, &req, &r).unwrap().counts
}

/// Every stored bar of the series, adjusted.
fn adjusted_bars(s: &dyn Store, sym: &str, tf: Timeframe, spec: AdjustSpec) -> Vec<Bar> {
    let symbol = Symbol::lit(sym);
    let q = BarQuery {
        symbol: symbol.clone(),
        timeframe: tf,
        start: None,
        end: None,
    };
    let raw = s.bars(q);
    match adjuster(s, &symbol, tf, spec).unwrap() {
        Some(a) => adjusted(raw, a.adjuster).collect::<Result<_, _>>().unwrap(),
        None => raw.collect::<Result<_, _>>().unwrap(),
    }
}

/// LEAN's factor file: (date, price_factor, split_factor), each row covering the dates after
/// the previous row's, up to its own.
fn factor_file(rel: &str) -> Vec<(NaiveDate, f64, f64)> {
    let text = std::fs::read_to_string(data(rel)).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                NaiveDate::parse_from_str(f[0], "%Y%m%d").unwrap(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect()
}

fn all() -> AdjustSpec {
    AdjustSpec {
        adjustment: Adjustment::All,
        as_of: None,
    }
}

fn split_only() -> AdjustSpec {
    AdjustSpec {
        adjustment: Adjustment::Split,
        as_of: None,
    }
}

/// Compares each day's adjusted close with raw × factor from LEAN's file; returns the days and
/// the worst relative error.
fn compare(
    raw: &[Bar],
    got: &[Bar],
    factors: &[(NaiveDate, f64, f64)],
    which: impl Fn(f64, f64) -> f64,
) -> (usize, f64) {
    assert_eq!(raw.len(), got.len());
    let mut worst = 0f64;
    for (r, g) in raw.iter().zip(got) {
        assert_eq!(r.ts, g.ts);
        let day = r.ts.utc_date();
        let row = factors.iter().find(|(d, ..)| *d >= day).unwrap();
        let want = r.close.to_f64() * which(row.1, row.2);
        let rel = (g.close.to_f64() / want - 1.0).abs();
        assert!(
            rel <= 1e-5,
            "{day}: adjusted close {} against LEAN's {want} ({rel:e} relative)",
            g.close
        );
        worst = worst.max(rel);
    }
    (raw.len(), worst)
}

fn lean_factor_files_are_reproduced_every_day(db: &TestDb) {
    db.with(|s| {
        for (sym, daily, actions, factors, events) in [
            (
                "AAPL",
                "daily/lean_aapl_daily.csv",
                "actions/lean_aapl_actions.csv",
                "actions/lean_aapl_factor_file.csv",
                39,
            ),
            (
                "SPY",
                "daily/lean_spy_daily.csv",
                "actions/lean_spy_actions.csv",
                "actions/lean_spy_factor_file.csv",
                94,
            ),
        ] {
            let raw = read_bars(&data(daily), Timeframe::D1);
            s.upsert_bars(&Symbol::lit(sym), Timeframe::D1, &raw)
                .unwrap();
            assert_eq!(import_actions(s, actions).inserted, events);
            let factors = factor_file(factors);
            let got = adjusted_bars(s, sym, Timeframe::D1, all());
            let (days, worst) = compare(&raw, &got, &factors, |pf, sf| pf * sf);
            assert_eq!(days, 5849, "{sym}");
            assert!(worst > 0.0, "{sym}: compared nothing adjusted");
            // Splits alone against LEAN's split factor.
            let got = adjusted_bars(s, sym, Timeframe::D1, split_only());
            compare(&raw, &got, &factors, |_, sf| sf);
            // Raw is raw: nothing rewritten.
            let stored = adjusted_bars(s, sym, Timeframe::D1, AdjustSpec::default());
            assert_eq!(stored, raw);
        }
        // AAPL before its first split: 1/112 of the price (the exact ratio, to the last unit),
        // 112 times the volume.
        let raw = read_bars(&data("daily/lean_aapl_daily.csv"), Timeframe::D1);
        let got = adjusted_bars(s, "AAPL", Timeframe::D1, split_only());
        assert_eq!(
            got[0].close,
            raw[0].close.checked_mul_ratio(1, 112).unwrap()
        );
        assert_eq!(got[0].volume.raw(), raw[0].volume.raw() * 112);
        // A re-import changes nothing.
        let again = import_actions(s, "actions/lean_aapl_actions.csv");
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 39));
    });
}

fn the_7_for_1_split_is_adjusted_inside_the_minute_file(db: &TestDb) {
    db.with(|s| {
        let aapl = Symbol::lit("AAPL");
        let raw = read_bars(
            &data("intraday/lean_aapl_1min_trade_2014-06-05_to_2014-06-09.csv"),
            Timeframe::M1,
        );
        s.upsert_bars(&aapl, Timeframe::M1, &raw).unwrap();
        import_actions(s, "actions/lean_aapl_actions.csv");
        let as_of = AdjustSpec {
            adjustment: Adjustment::Split,
            as_of: Some("2014-06-09".parse().unwrap()),
        };
        let got = adjusted_bars(s, "AAPL", Timeframe::M1, as_of);
        assert_eq!(got.len(), raw.len());
        let split_day: NaiveDate = "2014-06-09".parse().unwrap();
        let (mut before, mut after) = (0, 0);
        for (r, g) in raw.iter().zip(&got) {
            if r.ts.exchange_date() < split_day {
                before += 1;
                assert_eq!(
                    g.close,
                    r.close.checked_mul_ratio(1, 7).unwrap(),
                    "{}",
                    r.ts
                );
                assert_eq!(g.low, r.low.checked_mul_ratio(1, 7).unwrap());
                assert_eq!(g.volume.raw(), r.volume.raw() * 7);
            } else {
                after += 1;
                assert_eq!(g, r);
            }
        }
        assert!(
            before > 1000 && after > 500,
            "{before} before, {after} after"
        );
        // The largest minute-to-minute move: raw, the split (645 → 93); adjusted, no such gap.
        let jump = |bars: &[Bar]| {
            bars.windows(2)
                .map(|w| (w[1].close.to_f64() / w[0].close.to_f64() - 1.0).abs())
                .fold(0f64, f64::max)
        };
        assert!(jump(&raw) > 0.8, "{}", jump(&raw));
        assert!(jump(&got) < 0.1, "{}", jump(&got));
        // Dividends need a daily close before each ex-date: without daily bars, `all` says so.
        let spec = AdjustSpec {
            adjustment: Adjustment::All,
            as_of: None,
        };
        let q = BarQuery {
            symbol: aapl.clone(),
            timeframe: Timeframe::M1,
            start: None,
            end: None,
        };
        let a = adjuster(&*s, &aapl, Timeframe::M1, spec).unwrap().unwrap();
        let err = adjusted(s.bars(q), a.adjuster).next().unwrap().unwrap_err();
        assert!(
            err.to_string().contains("no daily close before it"),
            "{err}"
        );
    });
}

fn as_of_reproduces_a_file_adjusted_in_2018(db: &TestDb) {
    db.with(|s| {
        let raw = read_bars(&data("daily/lean_aapl_daily.csv"), Timeframe::D1);
        s.upsert_bars(&Symbol::lit("AAPL"), Timeframe::D1, &raw)
            .unwrap();
        import_actions(s, "actions/lean_aapl_actions.csv");
        // Yahoo's Close column is split-adjusted as of the file's download (2018-01-20).
        let yahoo = read_bars(
            &data("daily/mplfinance_yahoofinance-AAPL-20040819-20180120.csv"),
            Timeframe::D1,
        );
        let within_a_cent = |spec: AdjustSpec| {
            let ours = adjusted_bars(s, "AAPL", Timeframe::D1, spec);
            yahoo
                .iter()
                .filter(|y| {
                    ours.binary_search_by_key(&y.ts, |b| b.ts).is_ok_and(|i| {
                        (ours[i].close.raw() - y.close.raw()).abs() <= Price::lit("0.01").raw()
                    })
                })
                .count()
        };
        let then = within_a_cent(AdjustSpec {
            adjustment: Adjustment::Split,
            as_of: Some("2018-01-19".parse().unwrap()),
        });
        let today = within_a_cent(split_only());
        assert_eq!(yahoo.len(), 3379);
        assert!(then >= 3000, "{then} of 3379 within a cent as of 2018");
        assert!(
            today < 100,
            "{today} within a cent with the 2020 split counted"
        );
    });
}

fn agent(adjustment: &str) -> AgentConfig {
    AgentConfig::from_yaml(&format!(
        "id: sma\nsymbols: [AAPL]\ntimeframe: 1d\ninitial_capital: 100000\n\
         strategy: {{ kind: sma_crossover, fast: 10, slow: 30 }}\n\
         sizing: {{ kind: fixed_quantity, quantity: 10 }}\nadjustment: {adjustment}\n"
    ))
    .unwrap()
}

fn a_run_records_its_adjustment_and_fingerprints_the_actions(db: &TestDb) {
    db.with(|s| {
        let raw = read_bars(&data("daily/lean_aapl_daily.csv"), Timeframe::D1);
        s.upsert_bars(&Symbol::lit("AAPL"), Timeframe::D1, &raw)
            .unwrap();
        import_actions(s, "actions/lean_aapl_actions.csv");
        let w = Window::parse(Some("2013-01-01"), Some("2015-12-31")).unwrap();
        let run = |s: &mut dyn Store, adjustment: &str| {
            let req = RunRequest {
                agent: agent(adjustment),
                window: w,
                capital: None,
                save: true,
                journal: None,
            };
            app::run::backtest(s, &req).unwrap()
        };
        let plain = run(s, "raw");
        let split = run(s, "split");
        let total = run(s, "all");
        let prints = [
            plain.run.fingerprint.clone(),
            split.run.fingerprint.clone(),
            total.run.fingerprint.clone(),
        ];
        assert_ne!(prints[0], prints[1]);
        assert_ne!(prints[1], prints[2]);
        // The stored snapshot says which prices the run read (raw: the default, left out).
        let stored = s.get_run(split.run_id.unwrap()).unwrap();
        assert_eq!(stored.config["adjustment"], "split");
        let stored = s.get_run(plain.run_id.unwrap()).unwrap();
        assert!(stored.config.get("adjustment").is_none());
        // The 2014 split, in the window, is one smooth series on adjusted prices.
        assert_ne!(plain.run.result.final_equity, split.run.result.final_equity);
        // The report draws the candles as the run read them: AAPL at ~$70, not ~$450.
        let report = app::report::build(
            &*s,
            &app::report::ReportRequest::new(vec![split.run_id.unwrap()]),
        )
        .unwrap();
        let panel = &report.runs[0];
        let candles = panel.candles.as_ref().unwrap();
        let top = candles.candles.iter().map(|c| c.high).fold(0f64, f64::max);
        assert!(top < 140.0, "{top}");
        assert!(
            panel.notes.iter().any(|n| n.contains("adjusted (split)")),
            "{:?}",
            panel.notes
        );
        // A run ending before the 2014 split is not adjusted for it: it trades as on raw
        // prices (the actions as of its last bar).
        let early = |s: &mut dyn Store, adjustment: &str| {
            let req = RunRequest {
                agent: agent(adjustment),
                window: Window::parse(Some("2013-01-01"), Some("2014-06-06")).unwrap(),
                capital: None,
                save: false,
                journal: None,
            };
            app::run::backtest(s, &req).unwrap().run
        };
        let (raw_early, split_early) = (early(s, "raw"), early(s, "split"));
        assert_eq!(raw_early.result.fills, split_early.result.fills);
        assert_ne!(raw_early.fingerprint, split_early.fingerprint);
        // A changed action changes the fingerprint of the runs that count it, not a raw run's.
        let mut changed = s.actions(&Symbol::lit("AAPL")).unwrap();
        let i = changed
            .iter()
            .position(|a| a.ex_date == "2014-08-07".parse().unwrap())
            .unwrap();
        changed[i].kind = domain::CorporateActionKind::CashDividend {
            amount: Price::lit("0.48"),
        };
        assert_eq!(s.upsert_actions(&changed[i..=i]).unwrap().updated, 1);
        assert_ne!(run(s, "all").run.fingerprint, prints[2]);
        assert_eq!(run(s, "split").run.fingerprint, prints[1]);
        assert_eq!(run(s, "raw").run.fingerprint, prints[0]);
    });
}

conformance!(
    lean_factor_files_are_reproduced_every_day,
    the_7_for_1_split_is_adjusted_inside_the_minute_file,
    as_of_reproduces_a_file_adjusted_in_2018,
    a_run_records_its_adjustment_and_fingerprints_the_actions,
);
