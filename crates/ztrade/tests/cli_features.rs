//! The feature store from the command line, on SQLite and PostgreSQL: an agent with
//! `features: [..]` and `filters: [..]` run by `backtest run` stores its features per bar with
//! their provenance; `backtest features RUN` shows them (text and `--json`); deleting the run
//! deletes them; an unknown feature is refused at its line.

mod common;

use common::BIN;
use testkit::{Cli, shared_data};

testkit::both_backends!(a_run_stores_its_features_and_shows_them);

const AGENT: &str = "id: vwap_trend
symbols: [SPY]
timeframe: 1m
initial_capital: 100000
strategy: { kind: sma_crossover, fast: 5, slow: 20 }
features: [vwap, rvol, ema20, hod, lod, prev_close]
filters: [\"close > vwap\"]
";

fn a_run_stores_its_features_and_shows_them(backend: &str) {
    let db = Cli::of(BIN, backend, "features");
    let f = shared_data().join("intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv");
    db.import_bars(f.to_str().unwrap(), "SPY", "1m");
    db.agent("vwap_trend", AGENT);
    let run = db.json(&["backtest", "run", "vwap_trend"]);
    let id = run["run_id"].as_i64().expect("stored");
    let bars = run["counts"]["bars"].as_u64().unwrap_or(0);

    let v = db.json(&["backtest", "features", &id.to_string()]);
    assert_eq!(v["run_id"], id);
    let p = &v["provenance"];
    assert_eq!(p["calendar"], "nyse");
    assert_eq!(p["timeframe"], "1m");
    assert!(p["config_hash"].as_str().unwrap().starts_with("xxh3-128:"));
    assert!(
        p["engine_version"]
            .as_str()
            .unwrap()
            .starts_with("backtest ")
    );
    let rvol = p["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "rvol")
        .unwrap();
    assert_eq!(rvol["warmup_sessions"], 20);
    let rows = v["rows"].as_array().unwrap();
    assert!(rows.len() > 3000, "{} rows", rows.len());
    if bars > 0 {
        assert_eq!(rows.len() as u64, bars);
    }
    // 2013-10-07 10:00 New York: in the session, so its VWAP, high and low and the previous
    // close (Friday's) are known; rvol needs 20 sessions and has no value in a week.
    let r = rows
        .iter()
        .find(|r| r["ts"] == "2013-10-07T14:00:00Z" || r["ts"] == 1381154400000000000i64)
        .expect("the 10:00 bar");
    assert_eq!(r["session"], "2013-10-07");
    let vals = &r["values"];
    let (vwap, hod, lod) = (
        vals["vwap"].as_f64().unwrap(),
        vals["hod"].as_f64().unwrap(),
        vals["lod"].as_f64().unwrap(),
    );
    assert!(lod <= vwap && vwap <= hod, "{lod} {vwap} {hod}");
    assert!(vals["prev_close"].as_f64().is_some());
    assert!(vals["rvol"].is_null());

    let text = db.ok(&["backtest", "features", &id.to_string()]);
    assert!(text.contains("warm-up sessions"), "{text}");
    assert!(text.contains("2013-10-07"), "{text}");

    // The ML dataset carries the stored features, each at its label's signal bar.
    let sid = id.to_string();
    let labels = [
        "ml",
        "labels",
        "--run",
        &sid,
        "--take-profit",
        "0.2",
        "--stop-loss",
        "0.2",
    ];
    let report = db.json(&[&labels[..], &["--max-bars", "30"]].concat());
    assert!(report["labelled"].as_u64().unwrap() > 0, "{report}");
    let csv = db.path("dataset.csv");
    let csv_s = csv.to_str().unwrap();
    db.ok(&[
        "ml", "export", "--run", &sid, "--format", "csv", "--out", csv_s,
    ]);
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (t0, vwap) = (col("t0"), col("vwap"));
    let stored: std::collections::HashMap<String, Option<f64>> = rows
        .iter()
        .map(|r| {
            let ts = domain::UnixNanos::new(r["ts"].as_i64().unwrap_or_else(|| {
                domain::UnixNanos::parse_rfc3339(r["ts"].as_str().unwrap())
                    .unwrap()
                    .as_i64()
            }));
            (ts.to_rfc3339(), r["values"]["vwap"].as_f64())
        })
        .collect();
    let mut checked = 0;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let t = domain::UnixNanos::parse_rfc3339(f[t0])
            .unwrap()
            .to_rfc3339();
        let want = stored.get(&t).copied().flatten();
        let got = (!f[vwap].is_empty()).then(|| f[vwap].parse::<f64>().unwrap());
        // The JSON view prints 16 significant digits; the export keeps every bit.
        match (got, want) {
            (Some(g), Some(w)) => assert!((g - w).abs() <= 1e-12 * w.abs(), "vwap at {t}: {g} {w}"),
            other => assert_eq!(other.0, other.1, "vwap at {t}"),
        }
        checked += 1;
    }
    assert_eq!(checked as u64, report["labelled"].as_u64().unwrap());
    let manifest = std::fs::read_to_string(format!("{csv_s}.manifest.json")).unwrap();
    assert!(manifest.contains("\"vwap\""), "{manifest}");

    db.ok(&["backtest", "delete", &id.to_string()]);
    let out = db.run(&["backtest", "features", &id.to_string()]);
    assert!(!out.status.success());

    db.agent(
        "bad_feature",
        &AGENT
            .replace("vwap_trend", "bad_feature")
            .replace("rvol,", "rvol, obv,"),
    );
    let out = db.run(&["backtest", "run", "bad_feature"]);
    let err = testkit::cli::stderr(&out);
    assert!(
        err.contains("bad_feature.yaml:6: features[2]: unknown feature \"obv\""),
        "{err}"
    );
}
