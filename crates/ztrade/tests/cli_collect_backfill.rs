//! `ztrade data backfill` through the binary, against a local Alpaca-shaped server, on SQLite
//! and PostgreSQL: two symbols land exactly; a rerun is a no-op; a missing key is a clear error;
//! and `kill -9` in the middle of a slowed backfill, then a rerun, gives the same store as an
//! uninterrupted run, the rerun starting from the checkpoint; a server answering with another
//! symbol's rows fails the command (table and `--json`) and leaves the range to be asked again.

mod common;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::BIN;
use domain::{Bar, Symbol, Timeframe};
use serde_json::Value;
use store::{BarQuery, CheckpointKey, DataKind, Store};
use testkit::Cli;
use testkit::alpaca_sim::{Sim, minute_bars};

testkit::both_backends!(
    two_symbols_land_exactly_and_a_rerun_is_a_no_op,
    kill_9_then_rerun_equals_an_uninterrupted_run,
    a_wrong_answer_fails_the_command_and_covers_nothing,
);

const KEY_ID: &str = "PKCLITESTKEY";
const SECRET: &str = "cli-test-secret-value";

fn backfill(db: &Cli, base: &str, args: &[&str]) -> Command {
    let mut c = db.cmd(&["data", "backfill", "--provider", "alpaca"]);
    c.args(args)
        .env("ZTRADE_ALPACA_DATA_URL", base)
        .env("APCA_API_KEY_ID", KEY_ID)
        .env("APCA_API_SECRET_KEY", SECRET)
        .env_remove("RUST_LOG")
        .env_remove("ZTRADE_MASTER_KEY")
        .stdin(Stdio::null());
    c
}

fn ok(out: Output) -> Value {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn bars(url: &str, symbol: &str) -> Vec<Bar> {
    let st = store::open_ready(url).unwrap();
    let st: &dyn Store = st.as_ref();
    st.bars(BarQuery {
        symbol: Symbol::lit(symbol),
        timeframe: Timeframe::M1,
        start: None,
        end: None,
    })
    .collect::<Result<_, _>>()
    .unwrap()
}

fn symbol<'a>(report: &'a Value, s: &str) -> &'a Value {
    report["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["symbol"] == s)
        .unwrap()
}

fn two_symbols_land_exactly_and_a_rerun_is_a_no_op(backend: &str) {
    let db = Cli::of(BIN, backend, "bf_two");
    let (spy_rows, spy) = minute_bars("2024-01-02T14:30:00Z", 1_200, 11);
    let (qqq_rows, qqq) = minute_bars("2024-01-02T14:30:00Z", 900, 12);
    let (base, sim) = Sim::new()
        .page_size(250)
        .rows("bars", "SPY", spy_rows)
        .rows("bars", "QQQ", qqq_rows)
        .start_thread();
    let args = [
        "--symbols",
        "SPY,QQQ",
        "--timeframe",
        "1m",
        "--start",
        "2024-01-02",
        "--end",
        "2024-01-03",
        "--json",
    ];
    let report = ok(backfill(&db, &base, &args).output().unwrap());
    assert_eq!(report["failed"], 0);
    assert_eq!(symbol(&report, "SPY")["rows"]["inserted"], 1_200);
    assert_eq!(symbol(&report, "QQQ")["rows"]["inserted"], 900);
    assert_eq!(symbol(&report, "SPY")["pages"], 5);
    assert_eq!(bars(&db.url, "SPY"), spy);
    assert_eq!(bars(&db.url, "QQQ"), qqq);
    assert!(sim.key_ids().iter().all(|k| k == KEY_ID));

    let requests = sim.requests();
    let again = ok(backfill(&db, &base, &args).output().unwrap());
    assert_eq!(sim.requests(), requests, "a covered range asks for nothing");
    assert_eq!(symbol(&again, "SPY")["up_to_date"], true);
    assert_eq!(again["rows"]["inserted"], 0);

    // Without keys: a clear error naming the variables and `ztrade keys set`.
    let out = backfill(&db, &base, &args)
        .env_remove("APCA_API_KEY_ID")
        .env_remove("APCA_API_SECRET_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "APCA_API_KEY_ID",
        "APCA_API_SECRET_KEY",
        "ztrade keys set alpaca",
    ] {
        assert!(err.contains(needle), "{err}");
    }
}

fn kill_9_then_rerun_equals_an_uninterrupted_run(backend: &str) {
    let (rows, expected) = minute_bars("2024-01-02T14:30:00Z", 4_000, 21);
    let args = [
        "--symbols",
        "SPY",
        "--start",
        "2024-01-02",
        "--end",
        "2024-01-05",
        "--json",
    ];
    const PAGES: u64 = 4_000 / 200;

    // The uninterrupted run, for comparison.
    let whole = Cli::of(BIN, backend, "bf_whole");
    let (base, sim) = Sim::new()
        .page_size(200)
        .rows("bars", "SPY", rows.clone())
        .start_thread();
    ok(backfill(&whole, &base, &args).output().unwrap());
    assert_eq!(sim.pages("bars"), PAGES);

    // Slowed pages; killed once a few pages are stored.
    let db = Cli::of(BIN, backend, "bf_kill");
    let (base, sim) = Sim::new()
        .page_size(200)
        .page_delay(Duration::from_millis(150))
        .rows("bars", "SPY", rows)
        .start_thread();
    let mut child = backfill(&db, &base, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let stored = |url: &str| {
        store::open_ready(url)
            .ok()
            .and_then(|st| st.series().ok())
            .and_then(|s| s.first().map(|s| s.rows))
            .unwrap_or(0)
    };
    while stored(&db.url) < 1_000 {
        assert!(Instant::now() < deadline, "the backfill did not progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "it finished before the kill"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let at_kill = stored(&db.url);
    assert!(at_kill < 4_000, "killed too late: {at_kill} rows");
    assert_eq!(at_kill % 200, 0, "pages land whole: {at_kill}");
    let served = sim.pages("bars");

    let report = ok(backfill(&db, &base, &args).output().unwrap());
    let r = symbol(&report, "SPY");
    assert_eq!(r["resumed"], true);
    assert_eq!(r["rows"]["updated"], 0);
    let rerun_pages = sim.pages("bars") - served;
    assert!(rerun_pages < PAGES, "the rerun fetched {rerun_pages} pages");
    // The rerun starts at the first page not stored: at most the page in flight is fetched twice.
    assert!(rerun_pages <= PAGES - at_kill / 200 + 1, "{rerun_pages}");
    assert_eq!(r["rows"]["inserted"].as_u64().unwrap(), 4_000 - at_kill);

    assert_eq!(bars(&db.url, "SPY"), expected);
    assert_eq!(bars(&whole.url, "SPY"), expected);
    let key = CheckpointKey {
        provider: "alpaca".into(),
        symbol: Symbol::lit("SPY"),
        kind: DataKind::Bars,
        timeframe: Some(Timeframe::M1),
    };
    let cp = |url: &str| {
        store::open_ready(url)
            .unwrap()
            .checkpoint(&key)
            .unwrap()
            .unwrap()
    };
    let (a, b) = (cp(&db.url), cp(&whole.url));
    assert_eq!(
        (&a.covered, &a.chunk, a.rows),
        (&b.covered, &b.chunk, b.rows)
    );
}

fn a_wrong_answer_fails_the_command_and_covers_nothing(backend: &str) {
    let db = Cli::of(BIN, backend, "bf_wrong");
    let (aapl, _) = minute_bars("2024-01-02T14:30:00Z", 400, 31);
    let (base, sim) = Sim::new()
        .page_size(250)
        .rows("bars", "AAPL", aapl)
        .answer_as("SPY", "AAPL")
        .start_thread();
    let args = [
        "--symbols",
        "SPY",
        "--start",
        "2024-01-02",
        "--end",
        "2024-01-02",
    ];

    let out = backfill(&db, &base, &[&args[..], &["--json"]].concat())
        .output()
        .unwrap();
    assert!(!out.status.success(), "a wrong answer exited 0");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["failed"], 1);
    let spy = symbol(&report, "SPY");
    assert_eq!(
        (&spy["rows"]["inserted"], &spy["outside"]),
        (&0.into(), &250.into())
    );
    let err = spy["errors"][0].as_str().unwrap();
    assert!(
        err.contains("all 250 rows") && err.contains("outside the request"),
        "{err}"
    );
    assert!(
        err.contains("/v2/stocks/bars?symbols=SPY") && !err.contains(SECRET),
        "{err}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 of 1 symbols stopped early"), "{stderr}");

    // The table says so too, and the range was not marked done: the server is asked again.
    let asked = sim.requests();
    let out = backfill(&db, &base, &args).output().unwrap();
    assert!(!out.status.success());
    assert_eq!(sim.requests(), asked + 1);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("stopped early"), "{table}");
    assert!(
        table.contains("SPY: GET ") && table.contains("outside the request"),
        "{table}"
    );
    assert!(bars(&db.url, "SPY").is_empty() && bars(&db.url, "AAPL").is_empty());
    let key = CheckpointKey {
        provider: "alpaca".into(),
        symbol: Symbol::lit("SPY"),
        kind: DataKind::Bars,
        timeframe: Some(Timeframe::M1),
    };
    let cp = store::open_ready(&db.url)
        .unwrap()
        .checkpoint(&key)
        .unwrap();
    assert!(
        cp.is_none_or(|cp| cp.covered.is_empty()),
        "the day is marked done"
    );
}
