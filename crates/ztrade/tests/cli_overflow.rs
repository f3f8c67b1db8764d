//! Values beyond the supported ranges through the real binary (issue 7, defect 4): refused where
//! they enter (the agent file, `--capital`, an imported price) with the file, line and field, and
//! a run whose arithmetic leaves the fixed-point range ends in one `error:` line, exit 1, with
//! nothing stored (never a result computed from a wrapped number).

mod common;

use common::BIN;
use testkit::Cli;
use testkit::agents::buy_and_hold;
use testkit::cli::error_line;

fn seeded() -> Cli {
    let db = Cli::sqlite(BIN);
    db.ok(&["data", "seed", "--symbols", "SPY", "--days", "5"]);
    db
}

#[test]
fn a_capital_beyond_the_supported_range_is_refused_in_the_file_and_the_flag() {
    let db = seeded();
    db.agent("a", &buy_and_hold("a", "1.7e21"));
    error_line(
        &db.run(&["backtest", "run", "a"]),
        1,
        "a.yaml:4: initial_capital: 1700000000000000000000 exceeds the largest supported capital 1000000000000000",
    );
    db.agent("a", &buy_and_hold("a", "100000"));
    error_line(
        &db.run(&["backtest", "run", "a", "--capital", "1.7e21"]),
        1,
        "initial_capital: 1700000000000000000000 exceeds the largest supported capital",
    );
    let runs = db.json(&["backtest", "list"]);
    assert_eq!(runs.as_array().unwrap().len(), 0, "{runs}");
}

#[test]
fn a_run_beyond_the_largest_quantity_fails_and_stores_nothing() {
    let db = seeded();
    // 1e15 of cash buys trillions of SPY shares: more than a Quantity holds.
    db.agent("a", &buy_and_hold("a", "1000000000000000"));
    error_line(
        &db.run(&["backtest", "run", "a"]),
        1,
        "is more than the largest supported quantity 92233720368.54775807",
    );
    let runs = db.json(&["backtest", "list"]);
    assert_eq!(runs.as_array().unwrap().len(), 0, "{runs}");
    // The same agent with a capital whose shares fit runs and is stored.
    db.ok(&["backtest", "run", "a", "--capital", "1000000000000"]);
    let runs = db.json(&["backtest", "list"]);
    assert_eq!(runs.as_array().unwrap().len(), 1, "{runs}");
}

#[test]
fn an_imported_price_beyond_the_supported_range_names_file_line_and_field() {
    let db = Cli::sqlite(BIN);
    std::fs::write(
        db.path("big.csv"),
        "timestamp,open,high,low,close,volume\n\
         2020-01-02T00:00:00Z,1,2,0.5,1.5,100\n\
         2020-01-03T00:00:00Z,1,1000000000.5,0.5,1.5,100\n",
    )
    .unwrap();
    error_line(
        &db.run(&[
            "data",
            "import",
            "big.csv",
            "--symbol",
            "SPY",
            "--timeframe",
            "1d",
        ]),
        1,
        "big.csv:3: high: price 1000000000.5 is above the largest supported price 1000000000",
    );
}
