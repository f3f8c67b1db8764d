//! A killed import, of bars or of ticks, leaves the store exactly as it was, on SQLite and
//! PostgreSQL.

mod common;

use common::BIN;
use testkit::{Cli, shared_data};

testkit::both_backends!(
    killed_import_leaves_store_as_before,
    killed_tick_import_leaves_store_as_before
);

/// Kills imports of a 400k-row file at several moments; the store always holds exactly what it
/// held before (or, if the import finished first, everything), never part of the file.
fn killed_import_leaves_store_as_before(backend: &str) {
    let db = Cli::of(BIN, backend, "kill");
    let base = shared_data().join("daily/lean_spy_daily.csv");
    db.import_bars(base.to_str().unwrap(), "SPY", "1d");
    let big = db.path("big.csv");
    let t0 = 1_599_999_960i64; // on a minute boundary
    let mut text = String::from("timestamp,open,high,low,close,volume\n");
    for k in 0..400_000i64 {
        let p = 100 + k % 7;
        let ts = domain::UnixNanos::from_secs(t0 + k * 60).to_rfc3339();
        text.push_str(&format!(
            "{ts},{p}.5,{}.0,{p}.0,{p}.25,{}\n",
            p + 1,
            100 + k % 13
        ));
    }
    std::fs::write(&big, text).unwrap();
    let before = db.json(&["data", "status"]);
    for delay_ms in [150u64, 400, 700, 1000] {
        let mut child = db
            .cmd(&[
                "data",
                "import",
                big.to_str().unwrap(),
                "--symbol",
                "BIG",
                "--timeframe",
                "1m",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let finished = child.wait().unwrap().success();
        let now = db.json(&["data", "status"]);
        let big_rows = now
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["symbol"] == "BIG")
            .map(|r| r["rows"].as_u64().unwrap());
        match big_rows {
            None => assert_eq!(now, before, "killed after {delay_ms} ms: store changed"),
            Some(n) => assert_eq!(
                n, 400_000,
                "killed after {delay_ms} ms (finished: {finished}): partial import of {n} rows"
            ),
        }
        let spy = now
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["symbol"] == "SPY")
            .unwrap();
        assert_eq!(spy["rows"], 5849);
    }
    // The file itself is valid: left alone, the same import stores all of it.
    let v = db.json(&[
        "data",
        "import",
        big.to_str().unwrap(),
        "--symbol",
        "BIG",
        "--timeframe",
        "1m",
    ]);
    assert_eq!(
        v["inserted"].as_u64().unwrap() + v["unchanged"].as_u64().unwrap(),
        400_000,
        "{v}"
    );
}

fn trades(db: &Cli, symbol: &str) -> i64 {
    db.count(&format!(
        "SELECT count(*) FROM market_trades WHERE symbol_id IN \
         (SELECT id FROM symbols WHERE symbol = '{symbol}')"
    ))
}

/// Kills imports of a 600k-tick file (about ten batches, streamed into one transaction) at
/// several moments: the symbol has none of its ticks or all of them, and another symbol's ticks
/// are untouched.
fn killed_tick_import_leaves_store_as_before(backend: &str) {
    let db = Cli::of(BIN, backend, "kill_ticks");
    let ticks = shared_data().join("ticks/lean_spy_trade_ticks_2013-10-07.csv.gz");
    let import = |file: &str, symbol: &str| {
        let mut a = vec!["data", "import", file, "--kind", "trades", "--symbol"];
        a.push(symbol);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let spy = import(ticks.to_str().unwrap(), "SPY");
    db.ok(&spy.iter().map(String::as_str).collect::<Vec<_>>());
    let big = db.path("ticks.csv");
    let n = 600_000usize;
    let mut text = String::from("timestamp,price,size,exchange,conditions\n");
    for k in 0..n {
        let ms = 1_704_205_800_000u64 + (k / 2) as u64;
        text.push_str(&format!(
            "{ms},{}.{:02},{},V,@\n",
            100 + k % 7,
            k % 100,
            1 + k % 9
        ));
    }
    std::fs::write(&big, text).unwrap();
    let args = import(big.to_str().unwrap(), "BIG");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    for delay_ms in [100u64, 300, 500, 700, 1200] {
        let mut child = db
            .cmd(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let finished = child.wait().unwrap().success();
        let n_big = trades(&db, "BIG");
        assert!(
            n_big == 0 || n_big == n as i64,
            "killed after {delay_ms} ms (finished: {finished}): partial import of {n_big} ticks"
        );
        assert_eq!(trades(&db, "SPY"), 250_601);
    }
    let v = db.json(&args);
    assert_eq!(
        v["inserted"].as_u64().unwrap() + v["unchanged"].as_u64().unwrap(),
        n as u64,
        "{v}"
    );
    assert_eq!(trades(&db, "BIG"), n as i64);
}
