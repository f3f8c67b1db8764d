//! `ztrade data retain` through the binary, on SQLite and PostgreSQL: LEAN's SPY minutes rolled
//! up to days over the regular session; a dry run reports what would go (rows, bytes) and deletes
//! nothing; `--apply` deletes the session minutes the daily bars hold, keeps the pre- and
//! after-hours ones, the last day (its bucket may be in progress) and the dates a stored run
//! read; `--force` deletes those too; a rerun has nothing left to do; a config without policies is refused, naming the file and field.

mod common;

use common::BIN;
use testkit::Cli;
use testkit::cli::error_line;

testkit::both_backends!(a_dry_run_then_apply_then_force);

const LEAN: &str = "../shared/data/intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv";

fn count(db: &Cli, tf: &str) -> u64 {
    let status = db.json(&["data", "status"]);
    status
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["timeframe"] == tf && s["kind"] == "bars")
        .map_or(0, |s| s["rows"].as_u64().unwrap())
}

fn a_dry_run_then_apply_then_force(backend: &str) {
    let db = Cli::of(BIN, backend, "cli_retain");
    let lean = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(LEAN);
    let file = lean.to_str().unwrap();
    db.import_bars(file, "SPY", "1m");
    db.ok(&[
        "data", "rollup", "--symbol", "SPY", "--from", "1m", "--to", "1d",
    ]);
    db.agent(
        "ret",
        &testkit::agents::sma_crossover("ret", "SPY", "1m", 5, 20),
    );
    let run = db.json(&[
        "backtest",
        "run",
        "ret",
        "--start",
        "2013-10-08",
        "--end",
        "2013-10-09",
    ]);
    let run_id = run["run_id"].as_i64().unwrap_or_else(|| panic!("{run}"));
    let minutes = count(&db, "1m");
    assert_eq!(minutes, 4839);
    std::fs::write(
        db.path("collect.yaml"),
        "symbols: [SPY]\nretention:\n  1m: 1y\n  1d: forever\n",
    )
    .unwrap();
    let retain = |extra: &[&str]| {
        let mut args = vec![
            "data",
            "retain",
            "--config",
            "collect.yaml",
            "--as-of",
            "2024-01-01",
            "--batch",
            "500",
        ];
        args.extend_from_slice(extra);
        db.json(&args)
    };

    let dry = retain(&[]);
    let m1 = &dry["series"][0];
    assert_eq!(
        (m1["kind"].as_str(), m1["timeframe"].as_str()),
        (Some("bars"), Some("1m"))
    );
    assert_eq!(m1["first_kept"], "2023-01-01");
    let (old, rows, not_rolled, for_runs) = (
        m1["old_rows"].as_u64().unwrap(),
        m1["rows"].as_u64().unwrap(),
        m1["kept_not_rolled_up"].as_u64().unwrap(),
        m1["kept_for_runs"].as_u64().unwrap(),
    );
    assert_eq!(old, minutes);
    assert_eq!(rows + not_rolled + for_runs, old, "{m1}");
    // Three of the six sessions go. The run's two stay, and so does the last: the daily bucket
    // holding the roll-up's checkpoint may still be in progress. Pre- and after-hours minutes
    // stay: no roll-up holds them.
    assert_eq!((rows, for_runs), (3 * 390, 2 * 390), "{m1}");
    assert_eq!(m1["runs"], serde_json::json!([run_id]));
    assert!(m1["bytes"].as_u64().unwrap() > 20 * rows, "{m1}");
    assert_eq!(dry["series"][1]["rolled_up"], "kept forever");
    assert_eq!(
        (dry["applied"].as_bool(), &dry["reclaimed"]),
        (Some(false), &serde_json::Value::Null)
    );
    assert_eq!(count(&db, "1m"), minutes, "a dry run deletes nothing");
    let text = db.ok(&[
        "data",
        "retain",
        "--config",
        "collect.yaml",
        "--as-of",
        "2024-01-01",
    ]);
    assert!(
        text.contains("dry run") && text.contains("SPY 1m bars"),
        "{text}"
    );

    let done = retain(&["--apply"]);
    assert_eq!(done["rows"], rows);
    assert_eq!(done["series"][0]["batches"], 3, "1170 rows, 500 a batch");
    assert_eq!(count(&db, "1m"), minutes - rows);
    assert_eq!(count(&db, "1d"), 6);
    let reclaimed = &done["reclaimed"];
    if backend == "sqlite" {
        assert!(reclaimed["bytes"].as_u64().unwrap() > 0, "{reclaimed}");
    } else {
        assert!(reclaimed["bytes"].is_null(), "{reclaimed}");
    }

    let forced = retain(&["--apply", "--force"]);
    assert_eq!(forced["rows"], for_runs);
    assert_eq!(count(&db, "1m"), not_rolled);
    assert_eq!(
        retain(&["--apply", "--force"])["rows"],
        0,
        "nothing left to do"
    );
    // The run still reads back; its bars are gone, which a rerun's fingerprint would show.
    db.ok(&["backtest", "show", &run_id.to_string()]);

    std::fs::write(db.path("none.yaml"), "symbols: [SPY]\n").unwrap();
    let out = db.run(&["data", "retain", "--config", "none.yaml"]);
    error_line(&out, 1, "none.yaml: retention: no retention section");
    std::fs::write(db.path("bad.yaml"), "retention:\n  1m: 2 years\n").unwrap();
    let out = db.run(&["data", "retain", "--config", "bad.yaml"]);
    error_line(&out, 1, "bad.yaml: retention.1m: \"2 years\" is not an age");
}
