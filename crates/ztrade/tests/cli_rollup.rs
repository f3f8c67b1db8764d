//! `ztrade data rollup` through the binary (issue 11), on SQLite and PostgreSQL: LEAN's SPY
//! minutes rolled to 5m, 1h and 1d with the JSON and table reports, a rerun that recomputes
//! nothing, every flag's help, and `kill -9` during a roll-up: a rerun finishes the work and
//! the result equals a full recomputation.

mod common;

use common::BIN;
use testkit::{Cli, shared_data};

testkit::both_backends!(rollup_lean_minutes, killed_rollup_resumes);

fn import_lean(db: &Cli) {
    let file = shared_data().join("intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv");
    db.import_bars(file.to_str().unwrap(), "SPY", "1m");
}

fn rollup_lean_minutes(backend: &str) {
    let db = Cli::of(BIN, backend, "cli_rollup");
    let help = db.ok(&["data", "rollup", "--help"]);
    for flag in [
        "--symbol",
        "--from",
        "--to",
        "--extended",
        "--full",
        "--batch",
        "--json",
    ] {
        assert!(help.contains(flag), "{flag} missing from\n{help}");
    }
    import_lean(&db);
    let args = [
        "data", "rollup", "--symbol", "SPY", "--from", "1m", "--to", "5m,1h,1d",
    ];
    let r = db.json(&args);
    assert_eq!(r["symbol"], "SPY");
    assert_eq!(r["hours"], "regular");
    let got: Vec<(String, u64)> = r["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["to"].as_str().unwrap().to_string(),
                x["inserted"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [("5m".into(), 6 * 78), ("1h".into(), 42), ("1d".into(), 6)]
    );
    // Again: nothing touched since, nothing recomputed.
    let again = db.json(&args);
    for x in again["targets"].as_array().unwrap() {
        assert_eq!(
            (x["buckets"].as_u64(), x["batches"].as_u64()),
            (Some(0), Some(0)),
            "{x}"
        );
    }
    let text = db.ok(&args);
    assert!(
        text.starts_with("SPY 1m rolled up over regular hours\n"),
        "{text}"
    );
    assert!(
        text.contains("unchanged") && text.contains("checkpoint"),
        "{text}"
    );
    // The daily bars as stored: 2013-10-08's low is the minutes' 165.36 (LEAN's daily: 165.37).
    let out = db.path("d.csv");
    db.ok(&[
        "data",
        "export",
        "--symbol",
        "SPY",
        "--timeframe",
        "1d",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv.lines().count(), 7, "{csv}");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("2013-10-08") && l.contains(",165.36,")),
        "{csv}"
    );
    // A target that is not a multiple of the source is refused, saying why.
    let bad = db.run(&[
        "data", "rollup", "--symbol", "SPY", "--from", "5m", "--to", "7m",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let err = testkit::cli::stderr(&bad);
    assert!(
        err.contains("the target must be a longer multiple of the source"),
        "{err}"
    );
}

/// Kills roll-ups (one transaction per batch of 20 buckets) at several moments; each rerun
/// finishes the work, and a full recomputation afterwards changes nothing.
fn killed_rollup_resumes(backend: &str) {
    let db = Cli::of(BIN, backend, "cli_rollup_kill");
    db.ok(&[
        "data",
        "seed",
        "--symbols",
        "BIG",
        "--days",
        "250",
        "--timeframe",
        "1m",
    ]);
    for (delay_ms, to) in [(150u64, "5m"), (400, "15m"), (700, "1h"), (1000, "1d")] {
        let args = [
            "data", "rollup", "--symbol", "BIG", "--from", "1m", "--to", to, "--batch", "20",
        ];
        let mut child = db
            .cmd(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait().unwrap();
        db.json(&args);
        let mut full = args.to_vec();
        full.push("--full");
        let full = db.json(&full);
        let x = &full["targets"][0];
        assert!(x["buckets"].as_u64().unwrap() > 0, "{full}");
        assert_eq!(
            (x["inserted"].as_u64(), x["updated"].as_u64()),
            (Some(0), Some(0)),
            "killed after {delay_ms} ms, rerun: {full}"
        );
    }
}
