//! `ztrade demo` and `ztrade backtest …` end to end through the binary: the main job from an
//! empty folder, the `--json` contract, determinism, the reference strategy on real data
//! through the store, stored runs, compare and sweep, and clear errors for missing data.

mod common;

use common::BIN;
use serde_json::Value;
use testkit::agents::{REF_SMA, sma_crossover};
use testkit::{Cli, shared_data};

testkit::both_backends!(
    demo_then_list,
    reference_agent_on_real_spy_daily,
    sweep_stores_ranked_runs
);

fn demo_then_list(backend: &str) {
    let db = Cli::of(BIN, backend, "demo");
    let out = db.ok(&["demo"]);
    assert!(
        out.contains("demo_sma") && out.contains("demo_sentiment") && out.contains("demo_buy_hold"),
        "{out}"
    );
    assert!(out.contains(" *"), "compare marks the best value: {out}");
    for f in ["demo_sma.yaml", "demo_sentiment.yaml", "demo_buy_hold.yaml"] {
        assert!(db.path("agents").join(f).exists(), "{f} not written");
    }
    let runs = db.json(&["backtest", "list"]);
    assert_eq!(runs.as_array().unwrap().len(), 3, "{runs}");
    let id = runs[0]["id"].as_i64().unwrap().to_string();
    let shown = db.json(&["backtest", "show", &id, "--trades"]);
    assert!(
        shown["trades"].is_array() && shown["config"]["id"].is_string(),
        "{shown}"
    );
    let ids: Vec<String> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].to_string())
        .collect();
    let table = db.ok(&["backtest", "compare", &ids[0], &ids[1], &ids[2]]);
    assert!(table.contains("Sharpe") && table.contains('*'), "{table}");
    // The sentiment agent really reads sentiment: its strategy counters say so.
    let v = db.json(&[
        "backtest",
        "run",
        "demo_sentiment",
        "--no-save",
        "--agents-dir",
        "agents",
    ]);
    assert_eq!(v["run_id"], Value::Null);
    assert!(!v["trades"].as_array().unwrap().is_empty());
}

#[test]
fn same_inputs_give_byte_identical_results() {
    let a = Cli::sqlite(BIN);
    let b = Cli::sqlite(BIN);
    a.ok(&["demo"]);
    b.ok(&["demo"]);
    let args = ["backtest", "run", "demo_sentiment", "--no-save", "--json"];
    let (x, y) = (a.ok(&args), b.ok(&args));
    assert_eq!(x, y, "two runs on the same seeded data differ");
    let v: Value = serde_json::from_str(&x).unwrap();
    for key in ["run_id", "agent_id", "final_equity", "metrics", "trades"] {
        assert!(v.get(key).is_some(), "--json lacks {key}");
    }
    let t = &v["trades"][0];
    for key in [
        "timestamp",
        "symbol",
        "action",
        "quantity",
        "price",
        "commission",
        "pnl",
        "reason",
    ] {
        assert!(t.get(key).is_some(), "trade lacks {key}: {t}");
    }
    assert!(["buy", "sell", "short", "cover"].contains(&t["action"].as_str().unwrap()));
    assert!(t["timestamp"].as_str().unwrap().ends_with('Z'));
}

/// The reference agent, as written, on LEAN SPY daily through import → store → engine:
/// the fills and final equity the exact Python reference computed (scripts/peers/golden).
fn reference_agent_on_real_spy_daily(backend: &str) {
    let db = Cli::of(BIN, backend, "refdaily");
    let f = shared_data().join("daily/lean_spy_daily.csv");
    db.import_bars(f.to_str().unwrap(), "SPY", "1d");
    db.agent("ref_sma", REF_SMA);
    let v = db.json(&["backtest", "run", "ref_sma"]);
    let golden = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/peers/golden/spy_daily.fills.csv"
    ))
    .unwrap();
    let golden: Vec<Vec<String>> = golden
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    let trades = v["trades"].as_array().unwrap();
    assert_eq!(trades.len(), golden.len());
    for (t, g) in trades.iter().zip(&golden) {
        assert_eq!(t["action"].as_str().unwrap(), g[2].to_lowercase());
        assert_eq!(t["quantity"].to_string(), g[3]);
        assert_eq!(t["price"].to_string(), g[4]);
    }
    assert_eq!(v["final_equity"].to_string(), "182091.18");
    assert!(v["run_id"].as_i64().is_some());
    // Round trips: one per sell of the reference, dates for daily bars, P&L summing to the
    // realized P&L of the fills.
    let id = v["run_id"].as_i64().unwrap().to_string();
    let shown = db.json(&["backtest", "show", &id, "--trades"]);
    let trips = shown["round_trips"].as_array().unwrap();
    let sells = golden.iter().filter(|g| g[2] == "SELL").count();
    assert_eq!(trips.len(), sells);
    assert_eq!(trips[0]["entry_time"], "1998-05-14");
    assert_eq!(trips[0]["exit_time"], "1998-05-18");
    assert_eq!(trips[0]["entry_price"], "111.53");
    let pnl = |x: &Value| x.as_str().unwrap().parse::<f64>().unwrap();
    let trips_pnl: f64 = trips.iter().map(|t| pnl(&t["pnl"])).sum();
    let fills_pnl: f64 = trades.iter().filter_map(|t| t["pnl"].as_f64()).sum();
    assert!(
        (trips_pnl - fills_pnl).abs() < 1e-6,
        "{trips_pnl} vs {fills_pnl}"
    );
    let text = db.ok(&["backtest", "show", &id, "--trades"]);
    assert!(
        text.contains("closed by") && text.contains("1998-05-14"),
        "{text}"
    );
    // Missing data is an error, not an empty success.
    db.agent("qqq", &sma_crossover("qqq", "QQQ", "1d", 10, 30));
    let out = db.run(&["backtest", "run", "qqq"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no QQQ 1d bars"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = db.run(&["backtest", "run", "ref_sma", "--start", "2030-01-01"]);
    assert!(!out.status.success(), "a range with no bars must fail");
}

fn sweep_stores_ranked_runs(backend: &str) {
    let db = Cli::of(BIN, backend, "sweep");
    db.ok(&[
        "data",
        "seed",
        "--symbols",
        "SPY",
        "--days",
        "30",
        "--timeframe",
        "5m",
    ]);
    db.agent("s", &sma_crossover("s", "SPY", "5m", 10, 30));
    let v = db.json(&[
        "backtest",
        "sweep",
        "s",
        "--param",
        "fast=5..7",
        "--param",
        "slow=10..30:10",
        "--metric",
        "total-return",
    ]);
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 9);
    let scores: Vec<f64> = runs
        .iter()
        .map(|r| r["score"].as_f64().unwrap_or(f64::NEG_INFINITY))
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "not sorted: {scores:?}"
    );
    // The sweep is one line of `backtest list`, recorded with its grid, metric and ranking.
    let listed = db.json(&["backtest", "list", "--limit", "100"]);
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["kind"], "sweep");
    assert_eq!(listed[0]["runs"], 9);
    let sweep_id = v["sweep_id"].as_i64().unwrap();
    assert_eq!(listed[0]["id"], sweep_id);
    assert_eq!(
        listed[0]["grid"],
        serde_json::json!({"fast": [5, 6, 7], "slow": [10, 20, 30]})
    );
    let stored = db.json(&["backtest", "sweeps", &sweep_id.to_string()]);
    assert_eq!(stored["report"]["runs"], v["runs"]);
    assert_eq!(stored["summary"]["metric"], "total-return");
    let text = db.ok(&["backtest", "sweeps", &sweep_id.to_string()]);
    assert!(
        text.contains("9 combinations ranked by total-return"),
        "{text}"
    );
    // `backtest show --sweep ID` is the same expansion.
    assert_eq!(
        db.json(&["backtest", "show", "--sweep", &sweep_id.to_string()]),
        stored
    );
    assert_eq!(
        db.ok(&["backtest", "show", "--sweep", &sweep_id.to_string()]),
        text
    );
    let neither = db.run(&["backtest", "show"]);
    assert_eq!(neither.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&neither.stderr).contains("--sweep"));
    // Every run is stored; the best five (--keep top:5, the default) with fills and equity.
    let kept: Vec<bool> = runs.iter().map(|r| r["kept"].as_bool().unwrap()).collect();
    assert_eq!(
        kept,
        [true, true, true, true, true, false, false, false, false]
    );
    let show = |r: &Value| {
        let id = r["run_id"].as_i64().unwrap().to_string();
        db.json(&["backtest", "show", &id, "--trades"])
    };
    let last = show(&runs[8]);
    assert_eq!(last["fills_kept"], false);
    assert_eq!(last["trades"].as_array().unwrap().len(), 0);
    assert_eq!(last["metrics"], runs[8]["metrics"]);
    // The best run, stored whole, is the run of its parameters on their own.
    let best = show(&runs[0]);
    assert_eq!(best["fills_kept"], true);
    let (fast, slow) = (&runs[0]["params"]["fast"], &runs[0]["params"]["slow"]);
    let alone = sma_crossover(
        "alone",
        "SPY",
        "5m",
        fast.as_u64().unwrap() as u32,
        slow.as_u64().unwrap() as u32,
    );
    db.agent("alone", &alone);
    let single = db.json(&["backtest", "run", "alone", "--no-save"]);
    assert!(!single["trades"].as_array().unwrap().is_empty());
    assert_eq!(best["trades"], single["trades"]);
    assert_eq!(best["metrics"], single["metrics"]);
    // Every run shows its parameters; deleting the sweep takes its runs, in one go.
    assert_eq!(
        show(&runs[8])["run"]["params"],
        serde_json::json!({"fast": runs[8]["params"]["fast"], "slow": runs[8]["params"]["slow"]})
    );
    let gone = db.json(&["backtest", "delete", "--sweep", &sweep_id.to_string()]);
    assert_eq!(
        (gone["runs"].as_u64(), gone["sweeps"].as_u64()),
        (Some(9), Some(1))
    );
    assert_eq!(db.json(&["backtest", "list"]).as_array().unwrap().len(), 0);
    // A stored walk-forward is a sweep too, its windows kept as its report.
    let wf = db.json(&[
        "backtest",
        "sweep",
        "s",
        "--param",
        "fast=5..7",
        "--param",
        "slow=10..30:10",
        "--walk-forward",
        "10,5",
    ]);
    let wf_id = wf["sweep_id"].as_i64().unwrap().to_string();
    let stored = db.json(&["backtest", "sweeps", &wf_id]);
    assert_eq!(stored["report"]["windows"], wf["windows"]);
    // An agent's runs before a date, in one transaction.
    db.ok(&["backtest", "run", "s"]);
    db.ok(&["backtest", "run", "s"]);
    let none = db.json(&[
        "backtest",
        "delete",
        "--agent",
        "s",
        "--before",
        "2000-01-01",
    ]);
    assert_eq!(none["runs"], 0);
    let two = db.json(&[
        "backtest",
        "delete",
        "--agent",
        "s",
        "--before",
        "2200-01-01",
    ]);
    assert_eq!(two["runs"], 2);
    // fast ≥ slow combinations are rejected by the agent's own checks, not run.
    let v = db.json(&[
        "backtest",
        "sweep",
        "s",
        "--param",
        "fast=5..12",
        "--param",
        "slow=10..10",
        "--no-save",
    ]);
    assert_eq!(
        (
            v["runs"].as_array().unwrap().len(),
            v["invalid_combinations"].as_u64()
        ),
        (5, Some(3))
    );
}

/// A daily run whose stop and target both lie inside many daily bars: `stop_first` counts each
/// such bar as a stop, `take_profit_first` as a target, and `finer_bars` reads the stored minute
/// bars of the same days to find which came first, landing in between.
#[test]
fn finer_bars_resolve_ambiguous_daily_bars() {
    let db = Cli::sqlite(BIN);
    db.ok(&[
        "data",
        "seed",
        "--symbols",
        "SPY",
        "--days",
        "120",
        "--timeframe",
        "1d",
    ]);
    db.ok(&[
        "data",
        "seed",
        "--symbols",
        "SPY",
        "--days",
        "120",
        "--timeframe",
        "1m",
    ]);
    let stops = |policy: &str| {
        let yaml = format!(
            "id: fb\nsymbols: [SPY]\ntimeframe: 1d\ninitial_capital: 100000\n\
             strategy: {{ kind: sma_crossover, fast: 3, slow: 8 }}\nsizing: {{ kind: all_cash }}\n\
             risk: {{ stop_loss_pct: 0.3, take_profit_pct: 0.3 }}\nintrabar: {policy}\n"
        );
        db.agent("fb", &yaml);
        let v = db.json(&["backtest", "run", "fb", "--no-save"]);
        let reasons: Vec<String> = v["trades"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["reason"].as_str().unwrap().to_string())
            .collect();
        (
            reasons.iter().filter(|r| *r == "stop_loss").count(),
            reasons.len(),
        )
    };
    let (worst, n1) = stops("stop_first");
    let (finer, n2) = stops("finer_bars");
    let (best, n3) = stops("take_profit_first");
    assert_eq!(
        (n1, n2),
        (n2, n3),
        "exits happen on the same bars whatever the policy"
    );
    assert!(
        worst > finer && finer > best,
        "stops: stop_first {worst}, finer_bars {finer}, take_profit_first {best}"
    );
}

/// `backtest run AGENT --symbols A,B` is one run over both (a portfolio), stored as such.
#[test]
fn symbols_flag_runs_one_portfolio() {
    let db = Cli::of(BIN, "sqlite", "portfolio");
    db.ok(&[
        "data",
        "seed",
        "--symbols",
        "AAA,BBB",
        "--days",
        "60",
        "--timeframe",
        "1d",
    ]);
    db.agent("s", &sma_crossover("s", "SPY", "1d", 5, 20));
    let v = db.json(&["backtest", "run", "s", "--symbols", "AAA,BBB"]);
    let id = v["run_id"].as_i64().unwrap().to_string();
    let shown = db.json(&["backtest", "show", &id]);
    assert_eq!(
        shown["config"]["symbols"],
        serde_json::json!(["AAA", "BBB"])
    );
    let traded: std::collections::BTreeSet<&str> = v["trades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["symbol"].as_str().unwrap())
        .collect();
    assert!(
        traded.iter().all(|s| ["AAA", "BBB"].contains(s)),
        "{traded:?}"
    );
    assert_eq!(db.json(&["backtest", "list"]).as_array().unwrap().len(), 1);
}
