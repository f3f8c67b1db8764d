//! The arbitrage scan over real chains, on SQLite and PostgreSQL, with counts checked by hand:
//! an independent script over the CSVs (LEAN SPY 2023-08-03 option and stock quote bars; the
//! yfinance snapshot of 2024-07-31) priced every check the same way and counted the same
//! findings.
//!
//! - LEAN SPY: two strikes (430, 470) of one American expiry, so the chain cannot give its own
//!   discount factor and the scan uses the given rate. At 5.3 % (the 1-month bill that week)
//!   nothing is an arbitrage. At 0 % the carry of the stock is free: conversions look
//!   profitable at 807 strike-minutes and the short box (sold for more than
//!   `K2 − K1·DF + D`) at 402 minutes, in 5 runs.
//! - yfinance: no sizes, no stock quote and American style, so only the checks needing no
//!   discount factor are priced (verticals, butterflies, calendars). A snapshot taken after the
//!   close mixes quotes of different times: these are the stale quotes the run length is there
//!   to tell from real edges.

use std::collections::BTreeMap;
use std::path::PathBuf;

use app::data::import::{ImportRequest, read, store_rows};
use app::options::import::{OptionImportRequest, import};
use app::options::scan::{ScanOutcome, ScanRequest, Window, scan};
use app::progress::NoProgress;
use domain::{Symbol, Timeframe};
use formats::import::ReadOptions;
use options::scan::ScanConfig;
use store::Store;
use testkit::{TestDb, conformance, shared_data, t};

conformance!(
    lean_spy_day_at_the_bill_rate_and_at_zero,
    a_window_scanned_in_halves_continues_the_same_runs,
    the_yfinance_snapshot_without_a_discount_factor,
);

fn data(dir: &str, name: &str) -> PathBuf {
    shared_data().join(dir).join(name)
}

fn spy() -> Symbol {
    Symbol::new("SPY").unwrap()
}

fn load_lean(db: &TestDb) {
    let stock = ImportRequest {
        file: data("intraday", "lean_spy_1min_quote_2023-08-03.csv"),
        symbol: spy(),
        options: ReadOptions::new(Timeframe::M1),
        calendar: None,
    };
    let rows = read(&stock, &NoProgress).unwrap();
    db.with(|s: &mut dyn Store| store_rows(s, &stock, &rows))
        .unwrap();
    for f in ["quote", "trade"] {
        let req = OptionImportRequest::new(data(
            "options",
            &format!("lean_spy_options_1min_{f}_2023-08-03.csv"),
        ));
        db.with(|s: &mut dyn Store| import(s, &req)).unwrap();
    }
}

fn day_scan(db: &TestDb, rate: f64, from: &str, to: &str, record: bool) -> ScanOutcome {
    let req = ScanRequest {
        underlying: spy(),
        window: Window::Range {
            from: t(from),
            to: t(to),
        },
        config: ScanConfig {
            rate,
            ..Default::default()
        },
        max_age: 15 * 60_000_000_000,
        record,
        step: 0,
    };
    db.with(|s: &mut dyn Store| scan(s, &req)).unwrap()
}

fn kinds(o: &ScanOutcome) -> BTreeMap<&str, usize> {
    o.found_by_kind
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect()
}

fn lean_spy_day_at_the_bill_rate_and_at_zero(db: &TestDb) {
    load_lean(db);
    let day = ("2023-08-03T00:00:00Z", "2023-08-04T00:00:00Z");
    let bill = day_scan(db, 0.053, day.0, day.1, true);
    assert_eq!(bill.snapshots.len(), 405);
    assert!(bill.snapshots.iter().all(|s| s.stock && s.contracts == 4));
    assert_eq!(
        bill.snapshots.iter().map(|s| s.checked).sum::<usize>(),
        4050
    );
    assert!(bill.runs.is_empty(), "{:#?}", bill.runs);
    assert_eq!(bill.recorded, None);

    let free = day_scan(db, 0.0, day.0, day.1, true);
    assert_eq!(
        kinds(&free),
        BTreeMap::from([("box_short", 402), ("conversion", 807)])
    );
    assert_eq!(free.runs.len(), 5);
    let snapshots: u32 = free.runs.iter().map(|r| r.snapshots).sum();
    assert_eq!(snapshots, 402 + 807);
    assert_eq!(free.recorded.map(|c| c.inserted), Some(5));
    // The longest run: the 430 conversion, every minute of the day.
    let longest = free.runs.iter().max_by_key(|r| r.snapshots).unwrap();
    assert_eq!(
        (longest.kind.as_str(), longest.snapshots),
        ("conversion", 405)
    );
    assert!(
        longest.key.contains("SPY230901C00430000"),
        "{}",
        longest.key
    );
    // Each run keeps the settings it was found with.
    assert_eq!(longest.detail["settings"]["rate"], 0.0);
    assert_eq!(longest.detail["settings"]["fees_per_contract"], "0");
    // Every finding but the last minute's was priced again in the next snapshot.
    assert_eq!(free.followed, 402 + 807 - 1);
    // A run that ended was no longer worth trading in the snapshot after it.
    for r in free
        .runs
        .iter()
        .filter(|r| r.last_seen < t("2023-08-03T20:15:00Z"))
    {
        let next = r.next_edge.expect("a run that ended was priced again");
        assert!(next.raw() <= 0, "{} {next}", r.key);
    }
    // Scanning again finds the same runs and changes nothing stored.
    let again = day_scan(db, 0.0, day.0, day.1, true);
    assert_eq!(again.runs, free.runs);
    assert_eq!(again.recorded.map(|c| c.unchanged), Some(5));
    let stored = db
        .with(|s: &mut dyn Store| s.opportunities(&spy(), None, None))
        .unwrap();
    assert_eq!(stored, free.runs);
    // A step of five minutes scans one stored time in five.
    let req = ScanRequest {
        underlying: spy(),
        window: Window::Range {
            from: t(day.0),
            to: t(day.1),
        },
        config: ScanConfig::default(),
        max_age: 15 * 60_000_000_000,
        record: false,
        step: 5 * 60_000_000_000,
    };
    let sparse = db.with(|s: &mut dyn Store| scan(s, &req)).unwrap();
    assert_eq!(sparse.snapshots.len(), 81);
    assert_eq!(sparse.snapshots[1].at, t("2023-08-03T13:36:00Z"));
}

fn a_window_scanned_in_halves_continues_the_same_runs(db: &TestDb) {
    load_lean(db);
    let whole = day_scan(
        db,
        0.0,
        "2023-08-03T00:00:00Z",
        "2023-08-04T00:00:00Z",
        false,
    );
    day_scan(
        db,
        0.0,
        "2023-08-03T00:00:00Z",
        "2023-08-03T17:00:00Z",
        true,
    );
    let second = day_scan(
        db,
        0.0,
        "2023-08-03T17:00:00Z",
        "2023-08-04T00:00:00Z",
        true,
    );
    assert!(
        second
            .runs
            .iter()
            .any(|r| r.first_seen < t("2023-08-03T17:00:00Z"))
    );
    let stored = db
        .with(|s: &mut dyn Store| s.opportunities(&spy(), None, None))
        .unwrap();
    let key = |r: &store::ArbitrageRecord| (r.key.clone(), r.first_seen, r.last_seen, r.snapshots);
    assert_eq!(
        stored.iter().map(key).collect::<Vec<_>>(),
        whole.runs.iter().map(key).collect::<Vec<_>>()
    );
}

fn the_yfinance_snapshot_without_a_discount_factor(db: &TestDb) {
    let req = OptionImportRequest::new(data(
        "options",
        "watstreet_options_chains_yfinance_2024-08.csv",
    ));
    db.with(|s: &mut dyn Store| import(s, &req)).unwrap();
    let at = t("2024-07-31T20:14:59Z");
    let scan_of = |symbol: &str, allow_unsized: bool| {
        let req = ScanRequest {
            underlying: Symbol::new(symbol).unwrap(),
            window: Window::At(at),
            config: ScanConfig {
                allow_unsized,
                ..Default::default()
            },
            max_age: 15 * 60_000_000_000,
            record: false,
            step: 0,
        };
        db.with(|s: &mut dyn Store| scan(s, &req)).unwrap()
    };
    // Without sizes nothing can be sized: every edge is left out unless asked for.
    let dia = scan_of("DIA", false);
    assert!(dia.runs.is_empty());
    assert_eq!(dia.snapshots[0].no_size, 36);
    let mut total: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_symbol = BTreeMap::new();
    for symbol in [
        "BABA", "DIA", "NKE", "NVDA", "ROKU", "SPCE", "SPY", "TSLA", "UBER", "XOM", "ZM",
    ] {
        let o = scan_of(symbol, true);
        assert!(!o.snapshots[0].stock);
        by_symbol.insert(symbol, o.found_by_kind.values().sum::<usize>());
        for (k, n) in o.found_by_kind {
            *total.entry(k).or_default() += n;
        }
    }
    assert_eq!(
        by_symbol,
        BTreeMap::from([
            ("BABA", 6),
            ("DIA", 36),
            ("NKE", 9),
            ("NVDA", 43),
            ("ROKU", 12),
            ("SPCE", 15),
            ("SPY", 0),
            ("TSLA", 4),
            ("UBER", 4),
            ("XOM", 14),
            ("ZM", 4),
        ])
    );
    let total: BTreeMap<&str, usize> = total.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(
        total,
        BTreeMap::from([
            ("call_butterfly", 6),
            ("call_vertical_inverted", 25),
            ("call_vertical_too_wide", 45),
            ("put_butterfly", 3),
            ("put_vertical_inverted", 4),
            ("put_vertical_too_wide", 64),
        ])
    );
}
