//! Calendars per market through the binary, on SQLite and PostgreSQL: `data import --calendar`,
//! `symbols set|list|show`, and `data status` and `data rollup` following the symbol's calendar.
//!
//! - EURUSD hours (backtesting.py, UTC) on `fx` miss exactly Christmas 2017 and New Year's Day
//!   2018 (48 hours); on `nyse` they look complete (NYSE expects 7 hours of its weekdays, both
//!   Mondays are NYSE holidays); on `none` nothing is measured.
//! - A 24/7 hourly series (made here) on `crypto` misses the one Saturday hour taken out; NYSE
//!   cannot see it. Rolled to days it gives UTC days, weekends included.
//! - EuroStoxx 50 five-minute bars (CET) on `none` are not measured; on `nyse` most of NYSE's
//!   session is "missing", which is the wrong question to ask of them.

mod common;

use common::BIN;
use serde_json::Value;
use testkit::cli::error_line;
use testkit::{Cli, shared_data};

testkit::both_backends!(
    eurusd_on_fx_nyse_and_none,
    crypto_hours_and_days,
    eurostoxx_on_none,
);

fn import(db: &Cli, file: &str, symbol: &str, tf: &str, tz: &str, calendar: Option<&str>) {
    let mut args = vec![
        "data",
        "import",
        file,
        "--symbol",
        symbol,
        "--timeframe",
        tf,
    ];
    args.extend(["--tz", tz]);
    if let Some(c) = calendar {
        args.extend(["--calendar", c]);
    }
    db.ok(&args);
}

/// The `data status --json` row of `symbol` at `tf`.
fn status(db: &Cli, symbol: &str, tf: &str) -> Value {
    let all = db.json(&["data", "status"]);
    let rows = all.as_array().unwrap();
    let row = rows
        .iter()
        .find(|r| r["symbol"] == symbol && r["timeframe"] == tf);
    row.unwrap_or_else(|| panic!("no {symbol} {tf} in {all}"))
        .clone()
}

fn eurusd_on_fx_nyse_and_none(backend: &str) {
    let db = Cli::of(BIN, backend, "cli_cal_eurusd");
    let help = db.ok(&["data", "import", "--help"]);
    assert!(help.contains("--calendar"), "{help}");
    let help = db.ok(&["symbols", "set", "--help"]);
    assert!(
        help.contains("--calendar") && help.contains("crypto"),
        "{help}"
    );

    let file = shared_data().join("intraday/backtesting_EURUSD_1hour.csv");
    import(
        &db,
        file.to_str().unwrap(),
        "EURUSD",
        "1h",
        "UTC",
        Some("fx"),
    );
    let row = status(&db, "EURUSD", "1h");
    assert_eq!(
        (&row["calendar"], &row["rows"]),
        (&"fx".into(), &5000.into())
    );
    assert_eq!(row["missing"], 48, "{row}");

    // On NYSE the same bars look complete: the question is the wrong one.
    let change = db.json(&["symbols", "set", "EURUSD", "--calendar", "nyse"]);
    let want = serde_json::json!({"symbol": "EURUSD", "from": "fx", "to": "nyse"});
    assert_eq!(change, want);
    assert_eq!(status(&db, "EURUSD", "1h")["missing"], 0);
    let text = db.ok(&["symbols", "set", "EURUSD", "--calendar", "nyse"]);
    assert!(text.contains("already on the nyse calendar"), "{text}");

    // Not measured on `none`; shown as n/a in the table.
    db.ok(&["symbols", "set", "EURUSD", "--calendar", "none"]);
    assert_eq!(status(&db, "EURUSD", "1h")["missing"], Value::Null);
    let table = db.ok(&["data", "status"]);
    assert!(table.contains("none") && table.contains("n/a"), "{table}");

    // Back on fx: the day index is rebuilt at once; fx days roll up from 17:00 New York.
    let text = db.ok(&["symbols", "set", "EURUSD", "--calendar", "fx"]);
    assert!(text.contains("none → fx"), "{text}");
    assert_eq!(status(&db, "EURUSD", "1h")["missing"], 48);
    let report = db.json(&[
        "data", "rollup", "--symbol", "EURUSD", "--from", "1h", "--to", "1d",
    ]);
    assert_eq!(report["calendar"], "fx");
    assert_eq!(report["targets"][0]["inserted"], 209, "{report}");
    let daily = status(&db, "EURUSD", "1d");
    // The two closed Mondays are the daily series' only gaps.
    assert_eq!(
        (&daily["missing"], &daily["calendar"]),
        (&2.into(), &"fx".into())
    );

    let list = db.json(&["symbols", "list"]);
    assert_eq!(
        list,
        serde_json::json!([{"symbol": "EURUSD", "calendar": "fx", "series": 2, "rows": 5209}])
    );
    let show = db.json(&["symbols", "show", "EURUSD"]);
    assert_eq!(show["calendar"], "fx");
    assert_eq!(show["series"].as_array().unwrap().len(), 2);
    let text = db.ok(&["symbols", "show", "EURUSD"]);
    assert!(
        text.starts_with("EURUSD on the fx calendar: 24/5"),
        "{text}"
    );

    let out = db.run(&["symbols", "show", "GBPUSD"]);
    error_line(&out, 1, "GBPUSD is not stored");
    let out = db.run(&["symbols", "set", "EURUSD", "--calendar", "lse"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nyse, fx, crypto or none"), "{err}");
}

/// Two weeks of every hour from Monday 2024-03-04, without Saturday 2024-03-09 12:00 UTC.
fn crypto_hours(dir: &std::path::Path) -> std::path::PathBuf {
    let mut csv = String::from("timestamp,open,high,low,close,volume\n");
    let start = chrono::DateTime::parse_from_rfc3339("2024-03-04T00:00:00Z").unwrap();
    for h in 0..14 * 24 {
        let t = start + chrono::Duration::hours(h);
        if t.to_rfc3339() == "2024-03-09T12:00:00+00:00" {
            continue;
        }
        let p = 60_000 + h;
        csv.push_str(&format!("{},{p},{},{p},{p},1.5\n", t.to_rfc3339(), p + 10));
    }
    let path = dir.join("btc_hours.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

fn crypto_hours_and_days(backend: &str) {
    let db = Cli::of(BIN, backend, "cli_cal_crypto");
    let dir = tempfile::tempdir().unwrap();
    let file = crypto_hours(dir.path());
    // The calendar set before the first import is kept by an import without --calendar.
    let set = db.json(&["symbols", "set", "BTC-USD", "--calendar", "crypto"]);
    let want = serde_json::json!({"symbol": "BTC-USD", "from": "nyse", "to": "crypto"});
    assert_eq!(set, want);
    import(&db, file.to_str().unwrap(), "BTC-USD", "1h", "UTC", None);
    let row = status(&db, "BTC-USD", "1h");
    assert_eq!(
        (&row["calendar"], &row["missing"]),
        (&"crypto".into(), &1.into())
    );
    let report = db.json(&[
        "data", "rollup", "--symbol", "BTC-USD", "--from", "1h", "--to", "1d",
    ]);
    assert_eq!(report["targets"][0]["inserted"], 14, "{report}");
    assert_eq!(status(&db, "BTC-USD", "1d")["missing"], 0);
    // On NYSE the Saturday hour is invisible.
    import(
        &db,
        file.to_str().unwrap(),
        "BTC-USD",
        "1h",
        "UTC",
        Some("nyse"),
    );
    assert_eq!(status(&db, "BTC-USD", "1h")["missing"], 0);
}

fn eurostoxx_on_none(backend: &str) {
    let db = Cli::of(BIN, backend, "cli_cal_stoxx");
    let file = shared_data().join("intraday/backtrader_2006-min-005_stoxx50.csv");
    let file = file.to_str().unwrap();
    import(&db, file, "STOXX50", "5m", "Europe/Berlin", Some("none"));
    let row = status(&db, "STOXX50", "5m");
    assert_eq!(
        (&row["calendar"], &row["missing"]),
        (&"none".into(), &Value::Null)
    );
    // NYSE opens at 15:30 in Frankfurt, two hours before this index's last bar: of NYSE's 78
    // five-minute slots a session the bars fill 25 (09:30–11:30 New York), so each of the 18
    // whole NYSE sessions of January 2006 up to the last day misses 53.
    db.ok(&["symbols", "set", "STOXX50", "--calendar", "nyse"]);
    assert_eq!(status(&db, "STOXX50", "5m")["missing"], 18 * (78 - 25));
}
