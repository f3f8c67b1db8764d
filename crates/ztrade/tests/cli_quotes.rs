//! Quote bars are visible (issue 9): `data status` lists them (kind `quotes`) and `data export
//! --quotes` writes them in LEAN's columns, which import back to the same rows: export → import
//! → export is byte-identical. On SQLite and PostgreSQL.

mod common;

use common::BIN;
use testkit::{Cli, shared_data};

testkit::both_backends!(quote_bars_are_listed_and_round_trip);

fn quote_bars_are_listed_and_round_trip(backend: &str) {
    let db = Cli::of(BIN, backend, "quotes");
    let src = shared_data().join("intraday/lean_spy_1min_quote_2023-08-03.csv");
    let import = |file: &str, symbol: &str| {
        db.ok(&[
            "data",
            "import",
            file,
            "--symbol",
            symbol,
            "--timeframe",
            "1m",
        ]);
    };
    import(src.to_str().unwrap(), "SPY");
    let status = db.json(&["data", "status"]);
    let row = status
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["symbol"] == "SPY")
        .unwrap()
        .clone();
    assert_eq!(row["kind"], "quotes");
    assert_eq!(row["rows"], 961);

    let export = |symbol: &str, out: &std::path::Path| {
        db.ok(&[
            "data",
            "export",
            "--symbol",
            symbol,
            "--timeframe",
            "1m",
            "--format",
            "csv",
            "--quotes",
            "--out",
            out.to_str().unwrap(),
        ]);
    };
    let a = db.path("a.csv");
    export("SPY", &a);
    let text = std::fs::read_to_string(&a).unwrap();
    assert!(text.starts_with("timestamp,bid_open,bid_high,bid_low,bid_close,bid_size,ask_open"));
    assert_eq!(text.lines().count(), 962);
    import(a.to_str().unwrap(), "SPY2");
    let b = db.path("b.csv");
    export("SPY2", &b);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());

    // Quotes as parquet: a clear error, and nothing written.
    let out = db.run(&[
        "data",
        "export",
        "--symbol",
        "SPY",
        "--timeframe",
        "1m",
        "--format",
        "parquet",
        "--quotes",
        "--out",
        db.path("c.parquet").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("quote bars export as csv"));
    assert!(!db.path("c.parquet").exists());
}
