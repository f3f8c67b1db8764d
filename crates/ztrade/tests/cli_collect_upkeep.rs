//! The upkeep job kinds through the real binary, on SQLite and PostgreSQL, embedded (`collect`)
//! and scaled out (`scheduler` + `worker` on Redis): after each bars run its roll-up, then its
//! retention, each a run of its own (`bars-alpaca:rollup`, `bars-alpaca:retain`); a `retain` job
//! on its own schedule. LEAN's 2013 SPY minutes stored first give the retention something old:
//! their session minutes go once the roll-ups hold them, the pre- and after-hours ones stay.

mod common;

use std::process::{Child, Stdio};
use std::time::Duration;

use common::BIN;
use common::collect::*;
use domain::{Symbol, Timeframe, UnixNanos};
use store::BarQuery;
use testkit::Cli;
use testkit::cli::{wait_child, wait_until};
use testkit::collect_server::Server;

testkit::both_backends!(
    embedded_runs_rollup_then_retention_after_bars,
    redis_workers_run_them_too
);

const UPKEEP: &str = r#"
symbols = ["SPY", "QQQ"]

[[jobs]]
kind = "bars"
provider = "alpaca"
lookback = "5m"
rollup = ["5m", "1d"]
validate = true
retain = true

[[jobs]]
kind = "retain"
every = "1d"

[retention]
"1m" = "30d"
"#;

const LEAN: &str = "../shared/data/intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv";

/// A store holding LEAN's SPY minutes of 2013-10-04..11 (4,839, of which 6 × 390 in sessions),
/// and the config.
fn setup(backend: &str, test: &str) -> Cli {
    let db = Cli::of(BIN, backend, test);
    let lean = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(LEAN);
    db.import_bars(lean.to_str().unwrap(), "SPY", "1m");
    std::fs::write(db.path("collect.toml"), UPKEEP).unwrap();
    db
}

fn stamps(db: &Cli, symbol: &str, tf: Timeframe, from: &str) -> Vec<UnixNanos> {
    let store = store::open_ready(&db.url).unwrap();
    let q = BarQuery {
        symbol: Symbol::lit(symbol),
        timeframe: tf,
        start: Some(UnixNanos::parse_rfc3339(from).unwrap()),
        end: None,
    };
    store.bars(q).map(|b| b.unwrap().ts).collect()
}

/// What the follow-ups left: 2013's session minutes gone, its other minutes and 2024's kept,
/// 2013 and 2024 rolled up.
fn check_upkeep(db: &Cli, runs: usize) {
    assert_eq!(recorded_runs(db, "bars-alpaca:rollup"), runs);
    assert_eq!(recorded_runs(db, "bars-alpaca:validate"), runs);
    assert_eq!(recorded_runs(db, "bars-alpaca:retain"), runs);
    let minutes_2013 = stamps(db, "SPY", Timeframe::M1, "2013-10-01T00:00:00Z");
    let (old, new): (Vec<UnixNanos>, Vec<UnixNanos>) = minutes_2013
        .iter()
        .partition(|t| **t < UnixNanos::parse_rfc3339("2014-01-01T00:00:00Z").unwrap());
    assert_eq!(
        old.len(),
        4839 - 6 * 390,
        "the session minutes of 2013 went"
    );
    assert!(
        old.iter()
            .all(|t| domain::calendar::NyseCalendar.session_at(*t).is_none())
    );
    assert!(!new.is_empty(), "2024's minutes are young");
    let days = stamps(db, "SPY", Timeframe::D1, "2013-10-01T00:00:00Z");
    assert_eq!(days.len(), 6 + 1, "2013's six sessions and 2024-01-03");
    let fives_2024 = stamps(db, "QQQ", Timeframe::M5, "2024-01-03T00:00:00Z");
    assert!(!fives_2024.is_empty());
    let store = store::open_ready(&db.url).unwrap();
    // Each symbol's fetched minutes checked, from the last run's window on, at its due time.
    let checks = store.quality_summaries().unwrap();
    for symbol in ["SPY", "QQQ"] {
        let c = checks
            .iter()
            .find(|c| c.check.series.symbol.as_str() == symbol)
            .unwrap_or_else(|| panic!("{symbol} checked: {checks:?}"));
        assert_eq!(c.check.series.timeframe, Some(Timeframe::M1));
        assert!(c.check.rows > 0 && c.check.from.is_some(), "{c:?}");
    }
    for r in store.collection_runs(None, None).unwrap() {
        assert_eq!(r.run.errors, 0, "{r:?}");
    }
}

fn embedded_runs_rollup_then_retention_after_bars(backend: &str) {
    let db = setup(backend, "collect_upkeep");
    let server = Server::start();
    // 15:57:30 New York at 60×: bars runs 15:56…16:00, each followed by its roll-up, quality
    // check and retention.
    let summary = run_ok(
        &db,
        &server,
        &[
            "collect",
            "--config",
            "collect.toml",
            "--now",
            "2024-01-03T20:57:30Z",
            "--clock-speed",
            "60",
            "--until",
            "2024-01-03T21:00:00Z",
            "--gap-window",
            "0",
            "--json",
        ],
        "collect.log",
    );
    assert_eq!(
        (
            summary["runs"].clone(),
            summary["follow_ups"].clone(),
            summary["ok"].clone(),
            summary["failed"].clone()
        ),
        (5.into(), 15.into(), 20.into(), 0.into()),
        "{summary}"
    );
    check_upkeep(&db, 5);

    // Saturday, once: the bars job's last run (Friday's close, with its follow-ups) and the
    // retain job's (Saturday's midnight), which has nothing left to delete.
    let once = run_ok(
        &db,
        &server,
        &[
            "collect",
            "--config",
            "collect.toml",
            "--once",
            "--now",
            "2024-01-06T15:07:00Z",
            "--gap-window",
            "0",
            "--json",
        ],
        "once.log",
    );
    assert_eq!(
        (once["runs"].clone(), once["ok"].clone()),
        (2.into(), 5.into()),
        "{once}"
    );
    let store = store::open_ready(&db.url).unwrap();
    let retain = store.collection_runs(Some("retain"), None).unwrap();
    assert_eq!(retain.len(), 1);
    assert_eq!((retain[0].run.errors, retain[0].run.rows_written), (0, 0));
}

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn redis_workers_run_them_too(backend: &str) {
    let db = setup(backend, "collect_upkeep_redis");
    let server = Server::start();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let queue = format!("ztrade-test:upkeep:{}:{nanos}", std::process::id());
    let mut worker = ztrade(
        &db,
        &server,
        &[
            "worker",
            "--queue",
            &queue,
            "--concurrency",
            "1",
            "--gap-window",
            "0",
            "--json",
        ],
        "worker.log",
    );
    worker.stdout(Stdio::piped());
    let mut worker = Proc(worker.spawn().unwrap());
    // 15:57:30 New York at 60×, no catch-up: bars runs 15:58, 15:59 and 16:00.
    let beat = run_ok(
        &db,
        &server,
        &[
            "scheduler",
            "--config",
            "collect.toml",
            "--queue",
            &queue,
            "--now",
            "2024-01-03T20:57:30Z",
            "--clock-speed",
            "60",
            "--until",
            "2024-01-03T21:00:00Z",
            "--catch-up",
            "0",
            "--json",
        ],
        "scheduler.log",
    );
    assert_eq!(beat["runs"], 3, "{beat}");
    wait_until(
        "the follow-ups of all three runs",
        Duration::from_secs(60),
        || recorded_runs(&db, "bars-alpaca:retain") >= 3,
    );
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &worker.0.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = wait_child(&mut worker.0, Duration::from_secs(15));
    assert!(
        status.success(),
        "{}",
        std::fs::read_to_string(db.path("worker.log")).unwrap_or_default()
    );
    let mut out = String::new();
    std::io::Read::read_to_string(worker.0.stdout.as_mut().unwrap(), &mut out).unwrap();
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (report["ok"].clone(), report["failed"].clone()),
        (12.into(), 0.into()),
        "{report}"
    );
    check_upkeep(&db, 3);
    purge(&queue);
}
