//! Bad input through the real binary: each must end in one clear `error:` line (exit code
//! non-zero) naming the file, field or flag, never a panic or a debug dump, and must leave
//! no half-written file or store behind.

mod common;

use common::BIN;
use testkit::Cli;
use testkit::agents::sma_crossover;
use testkit::cli::error_line;

const BARS_HEADER: &str = "timestamp,open,high,low,close,volume\n";
const ONE_BAR: &str = "2020-01-02T00:00:00Z,1,2,0.5,1.5,100\n";

/// The agent the backtest errors are checked with.
fn agent() -> String {
    sma_crossover("a", "SPY", "5m", 5, 20)
}

#[test]
fn import_of_a_directory_says_so_once() {
    let db = Cli::sqlite(BIN);
    std::fs::create_dir(db.path("d")).unwrap();
    let line = error_line(
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
    let db = Cli::sqlite(BIN);
    std::fs::write(db.path("h.csv"), BARS_HEADER).unwrap();
    error_line(
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
    let db = Cli::sqlite(BIN);
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
    error_line(&out, 2, "\"Mars/Olympus\" is not an IANA time zone");
}

#[test]
fn export_of_an_empty_range_writes_nothing_and_keeps_the_old_file() {
    let db = Cli::sqlite(BIN);
    std::fs::write(db.path("ok.csv"), format!("{BARS_HEADER}{ONE_BAR}")).unwrap();
    db.import_bars("ok.csv", "SPY", "1d");
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
    error_line(&export("NOPE", "new.csv"), 1, "no NOPE 1d bars");
    assert!(!db.path("new.csv").exists(), "an empty export left a file");
    error_line(&export("NOPE", "old.csv"), 1, "no NOPE 1d bars");
    assert_eq!(
        std::fs::read_to_string(db.path("old.csv")).unwrap(),
        "keep me"
    );
    let leftovers: Vec<_> = std::fs::read_dir(db.dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "partial files left: {leftovers:?}");
}

#[test]
fn start_after_end_is_named_before_any_work() {
    let db = Cli::sqlite(BIN);
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
    error_line(&out, 1, "--start 2025-12-31 is not before --end 2025-12-01");
    assert!(!db.path("x.csv").exists());

    db.agent("a", &agent());
    let out = db.run(&[
        "backtest",
        "run",
        "a",
        "--start",
        "2025-12-31",
        "--end",
        "2025-12-01",
    ]);
    error_line(&out, 1, "--start 2025-12-31 is not before --end 2025-12-01");
    error_line(
        &db.run(&["backtest", "run", "a", "--end", "soon"]),
        1,
        "--end: ",
    );
}

#[test]
fn seed_with_a_repeated_symbol_stores_nothing() {
    let db = Cli::sqlite(BIN);
    let out = db.run(&["data", "seed", "--symbols", "SPY,TSLA,SPY", "--days", "2"]);
    error_line(&out, 1, "--symbols lists SPY more than once");
    assert!(!db.path("t.db").exists(), "the store was created");
}

#[test]
fn seed_outside_the_calendar_is_an_error_not_a_panic() {
    let db = Cli::sqlite(BIN);
    error_line(
        &db.run(&["data", "seed", "--days", "100000", "--timeframe", "1d"]),
        1,
        "--days 100000 is too many",
    );
    error_line(
        &db.run(&["data", "seed", "--days", "10", "--end", "1900-01-05"]),
        1,
        "reaches before 1900-01-01",
    );
    error_line(
        &db.run(&["data", "seed", "--days", "10", "--end", "3000-01-01"]),
        1,
        "--end 3000-01-01 is outside",
    );
}

#[test]
fn negative_capital_reaches_the_agent_check() {
    let db = Cli::sqlite(BIN);
    db.ok(&["data", "seed", "--symbols", "SPY", "--days", "3"]);
    db.agent("a", &agent());
    error_line(
        &db.run(&["backtest", "run", "a", "--capital", "-5"]),
        1,
        "initial_capital: -5 must be positive",
    );
}

#[test]
fn postgres_url_with_a_wrong_port_hides_the_password() {
    let db = Cli::sqlite(BIN);
    let out = db
        .bare()
        .args([
            "--db",
            "postgres://postgres:hunter2@127.0.0.1:1/test",
            "db",
            "status",
        ])
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
    let db = Cli::postgres(BIN, "newer");
    db.ok(&["db", "migrate"]);
    let schema = db.url.rsplit("schema=").next().unwrap();
    let mut c = postgres::Client::connect(&testkit::pg_base_url(), postgres::NoTls).unwrap();
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
        error_line(
            &db.run(args),
            1,
            "version 9999, newer than this ztrade knows",
        );
    }
}

/// A `--timeframe` that does not fit the file is refused before anything is stored.
#[test]
fn timeframe_that_does_not_fit_the_file_is_refused() {
    let db = Cli::sqlite(BIN);
    let daily = testkit::shared_data().join("daily/lean_spy_daily.csv");
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
    let minute = testkit::shared_data().join("intraday/lean_spy_1min_trade_2023-08-03.csv");
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
