//! Bad input through the real binary: each must end in one clear `error:` line (exit code
//! non-zero) naming the file, field or flag, never a panic or a debug dump, and must leave
//! no half-written file or store behind.

mod common;

use std::process::Output;

use common::Db;

const BARS_HEADER: &str = "timestamp,open,high,low,close,volume\n";
const ONE_BAR: &str = "2020-01-02T00:00:00Z,1,2,0.5,1.5,100\n";

const AGENT: &str = "id: a
symbols: [SPY]
timeframe: 5m
initial_capital: 100000
strategy: { kind: sma_crossover, fast: 5, slow: 20 }
sizing: { kind: all_cash }
fill: next_open
";

/// Fails with exit code `code` and exactly one stderr line, `error: …` containing `want`.
fn fails(out: &Output, code: i32, want: &str) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    let first = err.lines().next().unwrap_or_default();
    assert!(first.starts_with("error: "), "no error line: {err}");
    assert!(first.contains(want), "{want:?} not in {first:?}");
    if code == 1 {
        assert_eq!(err.lines().count(), 1, "more than one line: {err}");
    }
    first.to_string()
}

#[test]
fn import_of_a_directory_says_so_once() {
    let db = Db::sqlite();
    std::fs::create_dir(db.path("d")).unwrap();
    let line = fails(
        &db.run(&[
            "data",
            "import",
            "d",
            "--symbol",
            "SPY",
            "--timeframe",
            "1d",
        ]),
        1,
        "d: Is a directory",
    );
    assert_eq!(line.matches("Is a directory").count(), 1, "{line}");
}

#[test]
fn import_of_a_header_only_file_is_an_error() {
    let db = Db::sqlite();
    std::fs::write(db.path("h.csv"), BARS_HEADER).unwrap();
    fails(
        &db.run(&[
            "data",
            "import",
            "h.csv",
            "--symbol",
            "SPY",
            "--timeframe",
            "1d",
        ]),
        1,
        "h.csv: no data rows after the header",
    );
}

#[test]
fn import_with_an_unknown_time_zone_names_the_flag() {
    let db = Db::sqlite();
    std::fs::write(db.path("ok.csv"), format!("{BARS_HEADER}{ONE_BAR}")).unwrap();
    let out = db.run(&[
        "data",
        "import",
        "ok.csv",
        "--symbol",
        "SPY",
        "--timeframe",
        "1d",
        "--tz",
        "Mars/Olympus",
    ]);
    fails(&out, 2, "\"Mars/Olympus\" is not an IANA time zone");
}

#[test]
fn export_of_an_empty_range_writes_nothing_and_keeps_the_old_file() {
    let db = Db::sqlite();
    std::fs::write(db.path("ok.csv"), format!("{BARS_HEADER}{ONE_BAR}")).unwrap();
    db.ok(&[
        "data",
        "import",
        "ok.csv",
        "--symbol",
        "SPY",
        "--timeframe",
        "1d",
    ]);
    std::fs::write(db.path("old.csv"), "keep me").unwrap();
    let export = |symbol: &str, out: &str| {
        db.run(&[
            "data",
            "export",
            "--symbol",
            symbol,
            "--timeframe",
            "1d",
            "--format",
            "csv",
            "--out",
            out,
        ])
    };
    fails(&export("NOPE", "new.csv"), 1, "no NOPE 1d bars");
    assert!(!db.path("new.csv").exists(), "an empty export left a file");
    fails(&export("NOPE", "old.csv"), 1, "no NOPE 1d bars");
    assert_eq!(
        std::fs::read_to_string(db.path("old.csv")).unwrap(),
        "keep me"
    );
    let leftovers: Vec<_> = std::fs::read_dir(db.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "partial files left: {leftovers:?}");
}

#[test]
fn start_after_end_is_named_before_any_work() {
    let db = Db::sqlite();
    db.ok(&["data", "seed", "--symbols", "SPY", "--days", "3"]);
    let out = db.run(&[
        "data",
        "export",
        "--symbol",
        "SPY",
        "--timeframe",
        "5m",
        "--format",
        "csv",
        "--out",
        "x.csv",
        "--start",
        "2025-12-31",
        "--end",
        "2025-12-01",
    ]);
    fails(&out, 1, "--start 2025-12-31 is not before --end 2025-12-01");
    assert!(!db.path("x.csv").exists());

    std::fs::create_dir(db.path("agents")).unwrap();
    std::fs::write(db.path("agents/a.yaml"), AGENT).unwrap();
    let out = db.run(&[
        "backtest",
        "run",
        "a",
        "--start",
        "2025-12-31",
        "--end",
        "2025-12-01",
    ]);
    fails(&out, 1, "--start 2025-12-31 is not before --end 2025-12-01");
    fails(
        &db.run(&["backtest", "run", "a", "--end", "soon"]),
        1,
        "--end: ",
    );
}

#[test]
fn seed_with_a_repeated_symbol_stores_nothing() {
    let db = Db::sqlite();
    let out = db.run(&["data", "seed", "--symbols", "SPY,TSLA,SPY", "--days", "2"]);
    fails(&out, 1, "--symbols lists SPY more than once");
    assert!(!db.path("t.db").exists(), "the store was created");
}

#[test]
fn seed_outside_the_calendar_is_an_error_not_a_panic() {
    let db = Db::sqlite();
    fails(
        &db.run(&["data", "seed", "--days", "100000", "--timeframe", "1d"]),
        1,
        "--days 100000 is too many",
    );
    fails(
        &db.run(&["data", "seed", "--days", "10", "--end", "1900-01-05"]),
        1,
        "reaches before 1900-01-01",
    );
    fails(
        &db.run(&["data", "seed", "--days", "10", "--end", "3000-01-01"]),
        1,
        "--end 3000-01-01 is outside",
    );
}

#[test]
fn negative_capital_reaches_the_agent_check() {
    let db = Db::sqlite();
    db.ok(&["data", "seed", "--symbols", "SPY", "--days", "3"]);
    std::fs::create_dir(db.path("agents")).unwrap();
    std::fs::write(db.path("agents/a.yaml"), AGENT).unwrap();
    fails(
        &db.run(&["backtest", "run", "a", "--capital", "-5"]),
        1,
        "initial_capital: -5 must be positive",
    );
}

#[test]
fn postgres_url_with_a_wrong_port_hides_the_password() {
    let db = Db::sqlite();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ztrade"))
        .args([
            "--db",
            "postgres://postgres:hunter2@127.0.0.1:1/test",
            "db",
            "status",
        ])
        .current_dir(db.dir.path())
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("hunter2"), "password printed: {err}");
    assert!(
        err.contains("postgres://postgres:***@127.0.0.1:1/test"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_store_newer_than_the_binary_is_refused_with_both_versions() {
    let db = Db::postgres("newer");
    db.ok(&["db", "migrate"]);
    let schema = db.url.rsplit("schema=").next().unwrap();
    let mut c = postgres::Client::connect(&common::pg_base(), postgres::NoTls).unwrap();
    c.batch_execute(&format!(
        "INSERT INTO {schema}.schema_migrations (version, name, applied_at) \
         VALUES (9999, 'from the future', now())"
    ))
    .unwrap();
    for args in [
        &["db", "status"][..],
        &["db", "migrate"],
        &["data", "status"],
    ] {
        fails(
            &db.run(args),
            1,
            "version 9999, newer than this ztrade knows",
        );
    }
}

/// A `--timeframe` that does not fit the file is refused before anything is stored.
#[test]
fn timeframe_that_does_not_fit_the_file_is_refused() {
    let db = Db::sqlite();
    let daily = common::shared_data().join("daily/lean_spy_daily.csv");
    let out = db.run(&[
        "data",
        "import",
        daily.to_str().unwrap(),
        "--symbol",
        "SPY",
        "--timeframe",
        "1m",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("looks like daily data"), "{err}");
    let minute = common::shared_data().join("intraday/lean_spy_1min_trade_2023-08-03.csv");
    let out = db.run(&[
        "data",
        "import",
        minute.to_str().unwrap(),
        "--symbol",
        "SPY",
        "--timeframe",
        "5m",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not start on a 5m boundary"));
    assert_eq!(
        db.json(&["data", "status"]),
        serde_json::Value::Array(vec![])
    );
}
