//! `ztrade ml labels|export` through the binary, on SQLite and PostgreSQL: the demo's SMA run
//! labelled (text and JSON), exported as CSV and Parquet with the manifest beside each, and the
//! errors a user meets (no labels yet, an unknown run, two take-profits, json as a dataset).

mod common;

use common::BIN;
use testkit::Cli;
use testkit::cli::error_line;

testkit::both_backends!(label_and_export_the_demo_run);

fn label_and_export_the_demo_run(backend: &str) {
    let db = Cli::of(BIN, backend, "cli_ml");
    db.ok(&["demo"]);
    let run = db
        .json(&["backtest", "list"])
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["agent_id"] == "demo_sma")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let out = db.path("run.csv");
    let out = out.to_str().unwrap();
    let no_labels = db.run(&[
        "ml", "export", "--run", &run, "--format", "csv", "--out", out,
    ]);
    error_line(&no_labels, 1, "has no labels");

    let args = [
        "ml",
        "labels",
        "--run",
        &run,
        "--take-profit",
        "1",
        "--stop-loss",
        "0.5",
    ];
    let text = db.ok(&[&args[..], &["--max-bars", "30"]].concat());
    assert!(
        text.contains("entries labelled") && text.contains("take-profit"),
        "{text}"
    );
    let report = db.json(&[&args[..], &["--max-minutes", "60", "--session-close"]].concat());
    let n = report["labelled"].as_u64().unwrap();
    assert!(n > 10 && report["entries"].as_u64() == Some(n), "{report}");
    assert_eq!(report["params"]["time"]["max_minutes"], 60);
    let b = &report["barriers"];
    assert_eq!(
        b["tp"].as_u64().unwrap() + b["sl"].as_u64().unwrap() + b["time"].as_u64().unwrap(),
        n
    );

    db.ok(&[
        "ml", "export", "--run", &run, "--format", "csv", "--out", out,
    ]);
    let csv = std::fs::read_to_string(out).unwrap();
    assert!(
        csv.starts_with("symbol,t0,side,entry_time,entry_price,t1,barrier,ret,label,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count() as u64, n + 1);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{out}.manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["rows"].as_u64(), Some(n));
    let pq = db.path("run.parquet");
    let done = db.json(&[
        "ml",
        "export",
        "--run",
        &run,
        "--format",
        "parquet",
        "--out",
        pq.to_str().unwrap(),
    ]);
    assert_eq!(done["manifest"]["format"], "parquet");
    assert!(std::fs::read(&pq).unwrap().starts_with(b"PAR1"));

    error_line(&db.run(&["ml", "labels", "--run", "999"]), 1, "999");
    let both = db.run(&[&args[..], &["--tp-vol", "2"]].concat());
    error_line(&both, 1, "--take-profit and --tp-vol");
    let json = db.run(&[
        "ml", "export", "--run", &run, "--format", "json", "--out", out,
    ]);
    assert_eq!(json.status.code(), Some(2), "clap refuses it");
}
