//! Ticks in and bars out (issue 11), through the binary: LEAN's SPY trade ticks of 2013-10-07
//! (gzip) imported, imported again (nothing duplicated, duplicate-timestamp ticks kept), made
//! into one-minute bars and checked against LEAN's own minute bars of that day; bad files named
//! by FILE:LINE: field; one-sided quotes; the aggregate's refusals. On SQLite and PostgreSQL.

mod common;

use common::BIN;
use domain::{Bar, Symbol, Timeframe, UnixNanos};
use testkit::cli::error_line;
use testkit::{Cli, shared_data};

testkit::both_backends!(lean_ticks_become_lean_minute_bars, tick_files_and_refusals);

fn minute_bars(db: &Cli, symbol: &str) -> Vec<Bar> {
    let s = store::open_ready(&db.url).unwrap();
    s.bars(store::BarQuery {
        symbol: Symbol::lit(symbol),
        timeframe: Timeframe::M1,
        // 2013-10-07 04:00 to 20:00 New York (EDT, UTC-4).
        start: Some(UnixNanos::parse_rfc3339("2013-10-07T08:00:00Z").unwrap()),
        end: Some(UnixNanos::parse_rfc3339("2013-10-08T00:00:00Z").unwrap()),
    })
    .collect::<Result<_, _>>()
    .unwrap()
}

fn lean_ticks_become_lean_minute_bars(backend: &str) {
    let db = Cli::of(BIN, backend, "lean_ticks");
    let ticks = shared_data().join("ticks/lean_spy_trade_ticks_2013-10-07.csv.gz");
    let ticks = ticks.to_str().unwrap();
    let import = || {
        db.json(&[
            "data", "import", ticks, "--kind", "trades", "--symbol", "SPY",
        ])
    };
    let first = import();
    assert_eq!(first["inserted"], 250_601, "{first}");
    let again = import();
    assert_eq!(
        (&again["inserted"], &again["updated"], &again["unchanged"]),
        (&0.into(), &0.into(), &250_601.into()),
        "{again}"
    );
    assert_eq!(db.count("SELECT count(*) FROM market_trades"), 250_601);
    // Several prints share a timestamp: seq 0, 1, 2… tells them apart.
    assert!(db.count("SELECT count(*) FROM market_trades WHERE seq > 0") > 100_000);

    let lean = shared_data().join("intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv");
    db.import_bars(lean.to_str().unwrap(), "LEAN", "1m");
    let aggregate = || {
        db.json(&[
            "data",
            "aggregate",
            "--symbol",
            "SPY",
            "--from",
            "trades",
            "--to",
            "1m",
        ])
    };
    let report = aggregate();
    let stats = &report["stats"];
    assert_eq!(stats["ticks"], 250_601, "{report}");
    // Derivatively priced (222), next day (1), seller (1): volume only. Official open and
    // close re-reports (2 + 2): nowhere.
    assert_eq!(
        (&stats["volume_only"], &stats["excluded"]),
        (&224.into(), &4.into())
    );
    let ours = minute_bars(&db, "SPY");
    let theirs = minute_bars(&db, "LEAN");
    assert_eq!(theirs.len(), 828);
    assert_eq!(
        ours.len(),
        828,
        "one bar for each minute with a trade, as LEAN"
    );
    let mut same_volume = 0;
    for (o, t) in ours.iter().zip(&theirs) {
        assert_eq!(o.ts, t.ts);
        if o.volume == t.volume {
            same_volume += 1;
        }
        for (what, a, b) in [("open", o.open, t.open), ("close", o.close, t.close)] {
            let (a, b) = (a.raw() as f64, b.raw() as f64);
            let bps = (a - b).abs() / b * 1e4;
            assert!(bps <= 5.0, "{what} at {}: {bps:.2} bps from LEAN", o.ts);
        }
        assert!(o.vwap.is_some() && o.trade_count.is_some_and(|n| n > 0));
    }
    assert!(
        same_volume >= 825,
        "{same_volume} of 828 minutes with LEAN's volume"
    );
    // Where they came from, once per batch; a rerun changes no bar and adds no origin row.
    let origins = db.count("SELECT count(*) FROM bar_origins WHERE aggregated_from = 'trades'");
    assert!(origins >= 1);
    let rerun = aggregate();
    assert_eq!(rerun["bars"]["unchanged"], 828, "{rerun}");
    assert_eq!(db.count("SELECT count(*) FROM bar_origins"), origins);
}

fn tick_files_and_refusals(backend: &str) {
    let db = Cli::of(BIN, backend, "tick_files");
    let bad = db.path("bad.csv");
    std::fs::write(
        &bad,
        "timestamp,price,size,exchange,conditions\n\
         2024-01-02T14:30:00Z,187.15,100,V,@\n\
         2024-01-02T14:30:00Z,oops,100,V,@\n\
         2024-01-02T14:30:01Z,187.16,5,V,@ I\n",
    )
    .unwrap();
    let bad_s = bad.to_str().unwrap();
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "data", "import", bad_s, "--kind", "trades", "--symbol", "AAPL",
        ];
        a.extend_from_slice(extra);
        a
    };
    let out = db.run(&args(&[]));
    error_line(&out, 1, &format!("{bad_s}:3: price: \"oops\""));
    assert_eq!(db.count("SELECT count(*) FROM market_trades"), 0);
    let kept = db.json(&args(&["--skip-invalid"]));
    assert_eq!(
        (&kept["inserted"], &kept["skipped"]),
        (&2.into(), &1.into())
    );

    // LEAN quotes with a one-sided update: stored as they are.
    let quotes = db.path("q.csv");
    std::fs::write(
        &quotes,
        "timestamp_et,bid_price,bid_size,ask_price,ask_size,exchange,sale_condition,suspicious\n\
         2013-10-07T09:30:00.001-04:00,167.41,300,167.42,500,P,00000001,0\n\
         2013-10-07T09:30:00.001-04:00,0,0,167.43,200,Q,00000001,0\n",
    )
    .unwrap();
    let q = db.json(&[
        "data",
        "import",
        quotes.to_str().unwrap(),
        "--kind",
        "quotes",
        "--symbol",
        "SPY",
    ]);
    assert_eq!(q["inserted"], 2, "{q}");
    assert_eq!(
        db.count("SELECT count(*) FROM market_quotes WHERE bid = 0 AND bid_size = 0"),
        1
    );

    // Aggregation refusals: no trades, a start off the bar grid, other vendors' codes.
    let agg = |symbol: &str, extra: &[&str]| {
        let mut a = vec![
            "data",
            "aggregate",
            "--symbol",
            symbol,
            "--from",
            "trades",
            "--to",
            "1m",
        ];
        a.extend_from_slice(extra);
        db.run(&a)
    };
    error_line(&agg("MSFT", &[]), 1, "no trades stored for MSFT");
    error_line(
        &agg("AAPL", &["--start", "2024-01-02T14:30:30Z"]),
        1,
        "is not on a 1m boundary",
    );
    error_line(&agg("AAPL", &[]), 1, "--conditions all");
    let all = db.json(&[
        "data",
        "aggregate",
        "--symbol",
        "AAPL",
        "--from",
        "trades",
        "--to",
        "1s",
        "--conditions",
        "all",
    ]);
    assert_eq!(all["bars"]["inserted"], 2, "{all}");
    assert_eq!(all["conditions"], "all");
}
