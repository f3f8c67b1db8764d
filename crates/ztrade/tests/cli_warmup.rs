//! `backtest run --start` warms the strategy up on the stored bars before the start (issue 9).
//! The reference agent on LEAN SPY daily, started the day after an exit that the exact Python
//! reference made, repeats that reference's later fills at the same times and prices; started
//! cold (`warmup: none`) it does not. On SQLite and PostgreSQL.

mod common;

use common::BIN;
use testkit::agents::REF_SMA;
use testkit::{Cli, shared_data};

testkit::both_backends!(a_started_run_trades_as_the_full_reference_from_a_flat_day);

/// (bar index, timestamp, action, price) of the reference's fills on SPY daily.
fn golden() -> Vec<(usize, String, String, String)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/peers/golden/spy_daily.fills.csv"
    ))
    .unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].parse().unwrap(),
                f[1].to_string(),
                f[2].to_lowercase(),
                f[4].to_string(),
            )
        })
        .collect()
}

fn a_started_run_trades_as_the_full_reference_from_a_flat_day(backend: &str) {
    let db = Cli::of(BIN, backend, "warmup");
    let f = shared_data().join("daily/lean_spy_daily.csv");
    let f = f.to_str().unwrap();
    db.ok(&["data", "import", f, "--symbol", "SPY", "--timeframe", "1d"]);
    db.agent("ref_sma", REF_SMA);
    db.agent(
        "ref_cold",
        &(REF_SMA.replace("id: ref_sma", "id: ref_cold") + "warmup: none\n"),
    );

    // An exit after 2005 followed by an entry 3..30 bars later: the day after the exit the
    // reference is flat, and its next entry comes while a cold slow average is still filling.
    let g = golden();
    let (exit, _) = g
        .windows(2)
        .map(|w| (&w[0], &w[1]))
        .find(|(a, b)| {
            a.2 == "sell"
                && b.2 == "buy"
                && a.1.as_str() >= "2005"
                && (3..=30).contains(&(b.0 - a.0))
        })
        .expect("such an exit in the reference");
    let exit_day = &exit.1[..10];
    let start = next_day(exit_day);
    let expected: Vec<(String, String, String)> = g
        .iter()
        .filter(|r| r.1.as_str() >= start.as_str())
        .map(|r| (r.1.clone(), r.2.clone(), r.3.clone()))
        .collect();

    let fills = |v: &serde_json::Value| -> Vec<(String, String, String)> {
        v["trades"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["timestamp"].as_str().unwrap().to_string(),
                    t["action"].as_str().unwrap().to_string(),
                    t["price"].to_string(),
                )
            })
            .collect()
    };
    let warm = db.json(&["backtest", "run", "ref_sma", "--start", &start]);
    assert_eq!(fills(&warm), expected);
    assert_eq!(warm["warmup"]["wanted"], 30);
    assert_eq!(warm["warmup"]["used"], 30);

    let cold = db.json(&["backtest", "run", "ref_cold", "--start", &start]);
    assert_ne!(
        fills(&cold),
        expected,
        "a cold start misses the first entry"
    );
    assert_eq!(cold["warmup"]["used"], serde_json::Value::Null);

    // The table says what the warm-up was.
    let text = db.ok(&["backtest", "run", "ref_sma", "--start", &start]);
    assert!(text.contains("warm-up: 30 bars before the start"), "{text}");
}

/// `YYYY-MM-DD` of the day after `day`.
fn next_day(day: &str) -> String {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    (d + chrono::Days::new(1)).format("%Y-%m-%d").to_string()
}
