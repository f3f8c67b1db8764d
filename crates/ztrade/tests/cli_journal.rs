//! `backtest run --journal` and `backtest journal RUN` end to end through the binary, on both
//! backends: the reference agent on real SPY daily bars keeps a journal whose fills are the
//! run's fills trade for trade, whose ledger traces every trade to a promoted signal and its
//! orders, that goes with its run, and whose flags are described by `--help`.

mod common;

use common::BIN;
use serde_json::Value;
use testkit::agents::REF_SMA;
use testkit::{Cli, shared_data};

testkit::both_backends!(reference_run_keeps_a_journal_that_agrees_with_its_fills);

fn reference_run_keeps_a_journal_that_agrees_with_its_fills(backend: &str) {
    let db = Cli::of(BIN, backend, "journal");
    let f = shared_data().join("daily/lean_spy_daily.csv");
    let f = f.to_str().unwrap();
    db.ok(&["data", "import", f, "--symbol", "SPY", "--timeframe", "1d"]);
    db.agent("ref_sma", REF_SMA);
    let v = db.json(&["backtest", "run", "ref_sma", "--journal"]);
    let trades = v["trades"].as_array().unwrap();
    let kept = &v["journal"];
    assert_eq!(
        kept["fills"].as_u64().unwrap() as usize,
        trades.len(),
        "{kept}"
    );
    assert!(kept["store_seconds"].as_f64().unwrap() >= 0.0, "{kept}");
    let id = v["run_id"].as_i64().unwrap().to_string();

    // The ledger's fills, trip by trip, are the run's fills in order.
    let ledger = db.json(&["backtest", "journal", &id, "--ledger"]);
    let stories = ledger["ledger"].as_array().unwrap();
    let fills: Vec<&Value> = stories
        .iter()
        .flat_map(|s| s["fills"].as_array().unwrap())
        .collect();
    assert_eq!(fills.len(), trades.len());
    for (f, t) in fills.iter().zip(trades) {
        assert_eq!(f["action"], t["action"]);
        assert_eq!(f["quantity"].as_str().unwrap(), t["quantity"].to_string());
        assert_eq!(f["price"].as_str().unwrap(), t["price"].to_string());
    }
    // Every round trip points back to a promoted signal and the order it made.
    for s in stories {
        let signal = &s["signal"];
        assert_eq!(signal["status"], "promoted", "{s}");
        assert_eq!(s["entry"]["order"]["signal_id"], signal["id"]);
        assert!(
            signal["setup"]
                .as_str()
                .unwrap()
                .starts_with("sma_crossover:cross_up")
        );
    }
    let text = db.ok(&["backtest", "journal", &id, "--ledger"]);
    assert!(
        text.contains("why: signal #") && text.contains("fast sma crossed above slow sma"),
        "{text}"
    );
    let signals = db.json(&["backtest", "journal", &id, "--signals"]);
    assert!(signals["signals"].as_array().unwrap().len() >= stories.len());
    let orders = db.json(&["backtest", "journal", &id, "--orders"]);
    assert_eq!(orders["orders"][0]["events"][0]["kind"], "submitted");
    let err = fails(&db, &["backtest", "journal", &id, "--signals", "--ledger"]);
    assert!(err.contains("cannot be used with"), "{err}");

    // A run without --journal has none; deleting a run deletes its journal.
    let plain = db.json(&["backtest", "run", "ref_sma"]);
    assert!(plain.get("journal").is_none());
    let other = plain["run_id"].as_i64().unwrap().to_string();
    assert!(fails(&db, &["backtest", "journal", &other]).contains("no journal"));
    db.ok(&["backtest", "delete", &id]);
    assert!(fails(&db, &["backtest", "journal", &id]).contains("no journal"));
}

#[test]
fn journal_flags_are_described() {
    let db = Cli::sqlite(BIN);
    let run = db.ok(&["backtest", "run", "--help"]);
    assert!(
        run.contains("--journal [<CADENCE>]") && run.contains("every decision"),
        "{run}"
    );
    let show = db.ok(&["backtest", "journal", "--help"]);
    for flag in ["--signals", "--orders", "--ledger", "--json"] {
        assert!(show.contains(flag), "{flag}: {show}");
    }
    assert!(show.contains("why each trade was made"), "{show}");
}

/// Runs `args`, requires failure without a panic, returns stderr.
fn fails(db: &Cli, args: &[&str]) -> String {
    let out = db.run(args);
    assert!(!out.status.success(), "{args:?} succeeded");
    testkit::cli::stderr(&out)
}
