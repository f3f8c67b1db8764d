//! `data import|status` at the edges, through the real binary: the supported days, bars off
//! their timeframe, endless lines, files cut short, timeframes that do not fit, and a skip that
//! keeps nothing. Stores stay untouched on refusal.

mod common;

use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use common::BIN;
use domain::{Bar, Price, Quantity, Symbol, Timeframe, UnixNanos};
use testkit::cli::stderr;
use testkit::{Cli, shared_data};

testkit::both_backends!(status_survives_rows_outside_the_supported_days);

const HEAD: &str = "timestamp,open,high,low,close,volume\n";

fn import(db: &Cli, file: &str, tf: &str, extra: &[&str]) -> Output {
    let mut args = vec!["data", "import", file, "--symbol", "SPY", "--timeframe", tf];
    args.extend_from_slice(extra);
    db.run(&args)
}

/// Exit 1 with `error: …` containing `want` on the last stderr line; returns stderr.
fn refused(out: &Output, want: &str) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    let last = err.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: "), "{err}");
    assert!(last.contains(want), "{want:?} not in {last:?}");
    err
}

fn store_is_empty(db: &Cli) {
    assert_eq!(db.json(&["data", "status"]), serde_json::json!([]));
}

/// Defect 5: bars whose start or end is outside 1677-09-22..=2262-04-10 are refused at import.
#[test]
fn bars_outside_the_supported_days_are_refused() {
    let db = Cli::sqlite(BIN);
    db.ok(&["db", "migrate"]);
    std::fs::write(
        db.path("early.csv"),
        format!("{HEAD}1677-09-21T00:13:00Z,1,2,0.5,1.5,100\n"),
    )
    .unwrap();
    refused(
        &import(&db, "early.csv", "1m", &[]),
        "early.csv:2: timestamp: \"1677-09-21T00:13:00Z\" is outside the supported days 1677-09-22..=2262-04-10",
    );
    std::fs::write(
        db.path("late.csv"),
        format!("{HEAD}2262-04-11T23:47:16Z,1,2,0.5,1.5,100\n"),
    )
    .unwrap();
    refused(
        &import(&db, "late.csv", "1s", &[]),
        "late.csv:2: timestamp: \"2262-04-11T23:47:16Z\" is outside the supported days",
    );
    std::fs::write(
        db.path("end.csv"),
        format!("{HEAD}2262-04-10T23:30:00Z,1,2,0.5,1.5,100\n"),
    )
    .unwrap();
    refused(
        &import(&db, "end.csv", "1h", &[]),
        "end.csv:2: timestamp: \"2262-04-10T23:30:00Z\" starts a 1h bar that ends after 2262-04-10",
    );
    store_is_empty(&db);
}

fn bar(ts: UnixNanos) -> Bar {
    let p = Price::lit("1");
    Bar::new(ts, p, p, p, p, Quantity::lit("1"), None, None).unwrap()
}

/// Defect 5: a store that already holds bars at the very ends of the timestamp range (written
/// before import refused them) gets a status, not a panic.
fn status_survives_rows_outside_the_supported_days(backend: &str) {
    let db = Cli::of(BIN, backend, "edge_rows");
    let mut store = store::open_migrated(&db.url).unwrap();
    let t = |s: &str| UnixNanos::parse_rfc3339(s).unwrap();
    let rows = [
        (
            "EARLY",
            Timeframe::M1,
            vec![t("1677-09-21T00:13:00Z"), t("2024-01-02T14:30:00Z")],
        ),
        ("MIN", Timeframe::M1, vec![UnixNanos::MIN]),
        ("LATE", Timeframe::S1, vec![t("2262-04-11T23:47:16Z")]),
        ("MAX", Timeframe::H1, vec![UnixNanos::MAX]),
        ("DAYS", Timeframe::D1, vec![UnixNanos::MIN, UnixNanos::MAX]),
    ];
    for (symbol, tf, stamps) in &rows {
        let bars: Vec<Bar> = stamps.iter().map(|ts| bar(*ts)).collect();
        store.upsert_bars(&Symbol::lit(symbol), *tf, &bars).unwrap();
    }
    drop(store);
    let status = db.json(&["data", "status"]);
    let listed = status.as_array().unwrap();
    assert_eq!(listed.len(), rows.len(), "{status}");
    let early = listed.iter().find(|r| r["symbol"] == "EARLY").unwrap();
    assert_eq!(early["first"], "1677-09-21T00:13:00Z");
    assert_eq!(early["rows"], 2);
    assert!(early["missing"].as_u64().unwrap() > 0, "{early}");
    let text = db.ok(&["data", "status"]);
    assert!(text.contains("2262-04-11T23:47:16Z"), "{text}");
}

/// Defect 8: a bar off the timeframe's boundary is a row error naming its line, quoting the
/// time as the file wrote it, and `--skip-invalid` skips it like any other bad row.
#[test]
fn misaligned_rows_name_their_line_and_can_be_skipped() {
    let db = Cli::sqlite(BIN);
    let minute = shared_data().join("intraday/lean_spy_1min_trade_2023-08-03.csv");
    let file = minute.to_str().unwrap();
    let err = refused(
        &import(&db, file, "5m", &[]),
        "does not start on a 5m boundary",
    );
    assert!(
        err.contains("lean_spy_1min_trade_2023-08-03.csv:3: timestamp: \"2023-08-03T04:01:00-04:00\" does not start"),
        "{err}"
    );
    let out = import(&db, file, "5m", &["--skip-invalid", "--json"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let skipped = err.lines().filter(|l| l.starts_with("skipped ")).count();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["skipped"].as_u64().unwrap(), skipped as u64);
    assert!(v["inserted"].as_u64().unwrap() > 100, "{v}");
    assert_eq!(v["inserted"].as_u64().unwrap() + skipped as u64, 947);
}

/// Runs ztrade with a guard: a run that does not end within two minutes is killed and fails the
/// test, so a regression to reading without limit fails instead of hanging.
fn run_guarded(db: &Cli, args: &[&str]) -> Output {
    let mut child = db
        .cmd(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("ztrade {args:?} did not finish");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Defect 9: a line may be 1 MiB at most, so a file without newlines, /dev/zero included, is
/// refused after reading that much instead of filling memory.
#[test]
fn lines_longer_than_a_mebibyte_are_refused() {
    let db = Cli::sqlite(BIN);
    let mut text = HEAD.as_bytes().to_vec();
    text.extend(std::iter::repeat_n(b'9', 3 << 20));
    std::fs::write(db.path("long.csv"), &text).unwrap();
    let out = run_guarded(
        &db,
        &[
            "data",
            "import",
            "long.csv",
            "--symbol",
            "SPY",
            "--timeframe",
            "1m",
            "--skip-invalid",
        ],
    );
    refused(&out, "long.csv:2: line longer than 1 MiB");
    let out = run_guarded(
        &db,
        &[
            "data",
            "import",
            "/dev/zero",
            "--symbol",
            "SPY",
            "--timeframe",
            "1m",
        ],
    );
    refused(&out, "/dev/zero:1: line longer than 1 MiB");
    store_is_empty(&db);
}

/// Defect 10a: a real file cut like `head -c -5` is refused by default, imported with a warning
/// under `--strict-tail=false`, and a whole file without its final newline says so.
#[test]
fn a_file_cut_short_is_refused_and_a_missing_newline_reported() {
    let db = Cli::sqlite(BIN);
    let spy = std::fs::read(shared_data().join("daily/lean_spy_daily.csv")).unwrap();
    std::fs::write(db.path("cut.csv"), &spy[..spy.len() - 5]).unwrap();
    refused(
        &import(&db, "cut.csv", "1d", &[]),
        "cut.csv:5850: volume: \"90673\" is shorter than every other value in this column",
    );
    store_is_empty(&db);
    let out = import(&db, "cut.csv", "1d", &["--strict-tail=false", "--json"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.starts_with("warning: cut.csv:5850: volume: \"90673\""),
        "{err}"
    );
    std::fs::write(db.path("whole.csv"), &spy[..spy.len() - 1]).unwrap();
    let out = import(&db, "whole.csv", "1d", &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        err.trim_end(),
        "warning: whole.csv:5850: row: the last line has no newline; read as it stands"
    );
    let out = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.contains("1 updated"),
        "the cut volume was replaced: {out}"
    );
}

/// Defect 10b: a daily file is not weekly or monthly data.
#[test]
fn a_daily_file_is_refused_as_weeks_or_months() {
    let db = Cli::sqlite(BIN);
    let daily = shared_data().join("daily/lean_spy_daily.csv");
    for tf in ["1w", "1mo"] {
        refused(
            &import(&db, daily.to_str().unwrap(), tf, &[]),
            &format!(
                "lean_spy_daily.csv:4: timestamp: 1998-01-06 is only 1 day after 1998-01-05 (line 3), closer than {tf} bars can be"
            ),
        );
    }
    store_is_empty(&db);
    let monthly = shared_data().join("daily/backtesting_BTCUSD_monthly.csv");
    let v = db.json(&[
        "data",
        "import",
        monthly.to_str().unwrap(),
        "--symbol",
        "BTC",
        "--timeframe",
        "1mo",
    ]);
    assert_eq!(v["inserted"], 156);
}

/// Defect 10c: `--skip-invalid` that skips every row stores nothing, and says so with exit 1
/// after listing the lines.
#[test]
fn skipping_every_row_is_an_error() {
    let db = Cli::sqlite(BIN);
    db.ok(&["db", "migrate"]);
    std::fs::write(
        db.path("bad.csv"),
        format!("{HEAD}2024-01-02,x,1,1,1,1\n2024-01-03,1,1,2,1,1\n"),
    )
    .unwrap();
    let err = refused(
        &import(&db, "bad.csv", "1d", &["--skip-invalid"]),
        "bad.csv: all 2 data rows are invalid (listed above); nothing stored",
    );
    assert!(err.contains("skipped bad.csv:2: open:"), "{err}");
    assert!(err.contains("skipped bad.csv:3: high:"), "{err}");
    store_is_empty(&db);
}
