//! The foundation's contract, end to end through the binary, on SQLite and PostgreSQL alike:
//! migrate, import every real file, anomalies, idempotent re-import, export → import round trip,
//! status, and a killed import that leaves the store as it was.

mod common;

use common::BIN;
use serde_json::Value;
use testkit::{Cli, shared_data};

testkit::both_backends!(
    migrates_from_empty,
    imports_every_real_file,
    anomalies_strict_and_skipped,
    reimport_adds_nothing_and_changes_update,
    export_then_import_is_identical,
    status_counts_missing_sessions,
);

fn migrates_from_empty(backend: &str) {
    let db = Cli::of(BIN, backend, "migrate");
    let status = db.json(&["db", "status"]).to_string();
    assert!(status.contains("\"current\":0"), "{status}");
    let out = db.run(&["data", "status"]);
    assert!(!out.status.success(), "an unmigrated store must be refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("ztrade db migrate"));
    let m = db.json(&["db", "migrate"]);
    assert!(!m["applied"].as_array().unwrap().is_empty());
    let s = db.json(&["db", "status"]);
    assert_eq!(s["current"], s["latest"]);
    assert!(
        db.json(&["db", "migrate"])["applied"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// Every file under daily/ and intraday/, strict, except the Yahoo SPY file with two OHLC-
/// inconsistent rows, which needs --skip-invalid. Stored counts equal the data README's.
fn imports_every_real_file(backend: &str) {
    let db = Cli::of(BIN, backend, "every");
    let rows = [
        ("daily/lean_spy_daily.csv", "1d", 5849),
        ("daily/lean_aapl_daily.csv", "1d", 5849),
        ("daily/lean_goog_daily.csv", "1d", 4183),
        (
            "daily/mplfinance_yahoofinance-AAPL-20040819-20180120.csv",
            "1d",
            3379,
        ),
        (
            "daily/mplfinance_yahoofinance-GOOG-20040819-20180120.csv",
            "1d",
            3379,
        ),
        (
            "daily/mplfinance_yahoofinance-SPY-20200901-20210113.csv",
            "1d",
            92,
        ),
        ("daily/backtrader_nvda-1999-2014.txt", "1d", 4012),
        ("daily/backtrader_yhoo-1996-2015.txt", "1d", 4965),
        ("daily/backtesting_GOOG_daily.csv", "1d", 2148),
        ("daily/backtesting_BTCUSD_monthly.csv", "1mo", 156),
        (
            "intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv",
            "1m",
            4839,
        ),
        (
            "intraday/lean_spy_1min_quote_2013-10-04_to_2013-10-11.csv",
            "1m",
            5412,
        ),
        ("intraday/lean_spy_1min_trade_2023-08-03.csv", "1m", 947),
        ("intraday/lean_spy_1min_quote_2023-08-03.csv", "1m", 961),
        (
            "intraday/lean_aapl_1min_trade_2014-06-05_to_2014-06-09.csv",
            "1m",
            2303,
        ),
        (
            "intraday/lean_aapl_1min_quote_2014-06-05_to_2014-06-09.csv",
            "1m",
            2512,
        ),
        (
            "intraday/lean_spy_1sec_trade_2013-10-07.csv.gz",
            "1s",
            16675,
        ),
        (
            "intraday/lean_spy_1sec_quote_2013-10-07.csv.gz",
            "1s",
            27409,
        ),
        (
            "intraday/lean_spy_1hour_trade_1998-2021.csv.gz",
            "1h",
            40832,
        ),
        (
            "intraday/watstreet_DBB_1min_2023-07-10_to_2025-07-08.csv.gz",
            "1m",
            38964,
        ),
        ("intraday/mplfinance_SP500_NOV2019_IDay.csv", "1m", 1563),
        ("intraday/backtesting_EURUSD_1hour.csv", "1h", 5000),
        ("intraday/backtrader_2006-min-005_stoxx50.csv", "5m", 2142),
    ];
    for (i, (file, tf, n)) in rows.iter().enumerate() {
        let path = shared_data().join(file);
        let symbol = format!("S{i}");
        let tz = if file.contains("watstreet") || file.contains("EURUSD") {
            "UTC"
        } else if file.contains("stoxx") {
            "Europe/Berlin"
        } else {
            "America/New_York"
        };
        let v = db.json(&[
            "data",
            "import",
            path.to_str().unwrap(),
            "--symbol",
            &symbol,
            "--timeframe",
            tf,
            "--tz",
            tz,
        ]);
        assert_eq!(v["inserted"], *n, "{file}: {v}");
        assert_eq!(v["skipped"], 0, "{file}");
    }
    // Everything in both directories is covered above or by the anomaly test.
    let listed: usize = ["daily", "intraday"]
        .iter()
        .map(|d| std::fs::read_dir(shared_data().join(d)).unwrap().count())
        .sum();
    assert_eq!(
        listed,
        rows.len() + 1,
        "a data file is not covered by this test"
    );
    let status = db.json(&["data", "status"]);
    let bars_series = status.as_array().unwrap().len();
    assert!(bars_series >= 17, "{status}");
}

fn anomalies_strict_and_skipped(backend: &str) {
    let db = Cli::of(BIN, backend, "anomaly");
    let file = shared_data().join("daily/mplfinance_yahoofinance-SPY-20080101-20180101.csv");
    let f = file.to_str().unwrap();
    let out = db.run(&["data", "import", f, "--symbol", "SPY", "--timeframe", "1d"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{f}:1808: open: ")), "{err}");
    // Nothing from the file was stored.
    let status = db.json(&["data", "status"]);
    assert_eq!(
        status,
        Value::Array(vec![]),
        "strict failure stored rows: {status}"
    );
    let v = db.json(&[
        "data",
        "import",
        f,
        "--symbol",
        "SPY",
        "--timeframe",
        "1d",
        "--skip-invalid",
    ]);
    assert_eq!(
        (v["inserted"].as_u64(), v["skipped"].as_u64()),
        (Some(2517), Some(2)),
        "{v}"
    );
    let out = db.run(&[
        "data",
        "import",
        f,
        "--symbol",
        "SPY",
        "--timeframe",
        "1d",
        "--skip-invalid",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(":1808: open:") && err.contains(":1825: open:"),
        "{err}"
    );
    // Split jumps are real data: LEAN AAPL daily crosses four splits and imports strictly.
    let aapl = shared_data().join("daily/lean_aapl_daily.csv");
    db.import_bars(aapl.to_str().unwrap(), "AAPL", "1d");
}

fn reimport_adds_nothing_and_changes_update(backend: &str) {
    let db = Cli::of(BIN, backend, "reimport");
    let f = shared_data().join("intraday/lean_spy_1min_trade_2023-08-03.csv");
    let f = f.to_str().unwrap();
    let args = ["data", "import", f, "--symbol", "SPY", "--timeframe", "1m"];
    assert_eq!(db.json(&args)["inserted"], 947);
    let again = db.json(&args);
    assert_eq!(
        (
            again["inserted"].as_u64(),
            again["updated"].as_u64(),
            again["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(947))
    );
    // Change one close (still within its bar) in a copy: exactly one update.
    let text = std::fs::read_to_string(f).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let cols: Vec<&str> = lines[1].split(',').collect();
    let (open, close) = (cols[1].to_string(), cols[4].to_string());
    lines[1] = format!(
        "{},{},{},{},{},{}",
        cols[0],
        open,
        cols[2],
        cols[3],
        if open == close {
            cols[2].to_string()
        } else {
            open.clone()
        },
        cols[5]
    );
    let changed = db.path("changed.csv");
    std::fs::write(&changed, lines.join("\n") + "\n").unwrap();
    let v = db.json(&[
        "data",
        "import",
        changed.to_str().unwrap(),
        "--symbol",
        "SPY",
        "--timeframe",
        "1m",
    ]);
    assert_eq!(
        (
            v["inserted"].as_u64(),
            v["updated"].as_u64(),
            v["unchanged"].as_u64()
        ),
        (Some(0), Some(1), Some(946)),
        "{v}"
    );
}

fn export_then_import_is_identical(backend: &str) {
    let db = Cli::of(BIN, backend, "roundtrip");
    for (file, tf) in [
        (
            "daily/mplfinance_yahoofinance-AAPL-20040819-20180120.csv",
            "1d",
        ),
        (
            "intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv",
            "1m",
        ),
    ] {
        let src = shared_data().join(file);
        db.ok(&[
            "data",
            "import",
            src.to_str().unwrap(),
            "--symbol",
            "A",
            "--timeframe",
            tf,
        ]);
        let a = db.path(&format!("a_{tf}.csv"));
        let b = db.path(&format!("b_{tf}.csv"));
        db.ok(&[
            "data",
            "export",
            "--symbol",
            "A",
            "--timeframe",
            tf,
            "--format",
            "csv",
            "--out",
            a.to_str().unwrap(),
        ]);
        let v = db.json(&[
            "data",
            "import",
            a.to_str().unwrap(),
            "--symbol",
            "B",
            "--timeframe",
            tf,
        ]);
        assert_eq!(v["updated"], 0);
        db.ok(&[
            "data",
            "export",
            "--symbol",
            "B",
            "--timeframe",
            tf,
            "--format",
            "csv",
            "--out",
            b.to_str().unwrap(),
        ]);
        let (ta, tb) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        assert!(ta.len() > 1000);
        assert_eq!(ta, tb, "export → import → export differs for {file}");
        // Six-decimal Yahoo prices survive unchanged.
        if tf == "1d" {
            assert!(
                String::from_utf8_lossy(&ta).contains("2.250714"),
                "exact prices lost"
            );
        }
        for fmt in ["json", "parquet"] {
            let p = db.path(&format!("a_{tf}.{fmt}"));
            db.ok(&[
                "data",
                "export",
                "--symbol",
                "A",
                "--timeframe",
                tf,
                "--format",
                fmt,
                "--out",
                p.to_str().unwrap(),
            ]);
            assert!(std::fs::metadata(&p).unwrap().len() > 100);
        }
        db.ok(&[
            "data",
            "export",
            "--symbol",
            "A",
            "--timeframe",
            tf,
            "--start",
            "2013-10-07",
            "--end",
            "2013-10-07",
            "--format",
            "csv",
            "--out",
            db.path("day.csv").to_str().unwrap(),
        ]);
    }
    let day = std::fs::read_to_string(db.path("day.csv")).unwrap();
    assert!(
        day.lines().skip(1).all(|l| l.starts_with("2013-10-07")),
        "range export leaked other days"
    );
}

fn status_counts_missing_sessions(backend: &str) {
    let db = Cli::of(BIN, backend, "status");
    let f = shared_data().join("daily/lean_spy_daily.csv");
    db.import_bars(f.to_str().unwrap(), "SPY", "1d");
    let s = db.json(&["data", "status"]);
    let row = &s[0];
    assert_eq!(
        (
            row["symbol"].as_str(),
            row["timeframe"].as_str(),
            row["rows"].as_u64()
        ),
        (Some("SPY"), Some("1d"), Some(5849))
    );
    assert_eq!(
        (row["first"].as_str(), row["last"].as_str()),
        (Some("1998-01-02"), Some("2021-03-31"))
    );
    // LEAN's SPY daily file matches the NYSE calendar: the 9/11, Sandy and Ford closures are holidays.
    assert_eq!(row["missing"], 0, "{row}");
}
