//! Helpers of the `cli_collect_schedule*` tests: the binary with the server's environment,
//! JSON output, stored bars.
#![allow(dead_code)]

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use domain::time::NANOS_PER_MINUTE;
use domain::{Symbol, Timeframe, UnixNanos};
use store::BarQuery;

use crate::common::Db;
use crate::server::Server;

pub const CONFIG: &str = r#"
symbols = ["SPY", "QQQ"]

[[jobs]]
kind = "bars"
provider = "alpaca"
lookback = "5m"

[[jobs]]
kind = "news"
provider = "alpaca"
"#;

pub fn redis_url() -> String {
    std::env::var("ZTRADE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/".into())
}

pub fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

/// `ztrade --db URL ARGS…` with the server's environment, logs to `log` in the temp dir.
pub fn ztrade(db: &Db, server: &Server, args: &[&str], log: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ztrade"));
    c.arg("--db")
        .arg(&db.url)
        .args(args)
        .current_dir(db.dir.path());
    c.env("RUST_LOG", "info")
        .env("ZTRADE_REDIS_URL", redis_url());
    for k in [
        "ZTRADE_NOW",
        "ZTRADE_CLOCK_SPEED",
        "ZTRADE_QUEUE",
        "POLYGON_API_KEY",
    ] {
        c.env_remove(k);
    }
    for (k, v) in server.env() {
        c.env(k, v);
    }
    let file = std::fs::File::create(db.path(log)).unwrap();
    c.stderr(Stdio::from(file));
    c
}

pub fn ok(out: Output, db: &Db, log: &str) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "ztrade failed ({}):\n{stdout}\n{}",
        out.status,
        std::fs::read_to_string(db.path(log)).unwrap_or_default()
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

pub fn bars(db: &Db, symbol: &str) -> Vec<UnixNanos> {
    let store = store::open_ready(&db.url).unwrap();
    let q = BarQuery {
        symbol: Symbol::lit(symbol),
        timeframe: Timeframe::M1,
        start: None,
        end: None,
    };
    store.bars(q).map(|b| b.unwrap().ts).collect()
}

pub fn minutes(from: &str, to: &str) -> Vec<UnixNanos> {
    (t(from).as_i64()..t(to).as_i64())
        .step_by(NANOS_PER_MINUTE as usize)
        .map(UnixNanos::new)
        .collect()
}

pub fn job<'a>(status: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    status
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["job"] == name)
        .unwrap_or_else(|| panic!("no {name} in {status}"))
}

pub fn wait_until(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Runs of `job` in `collection_runs`; 0 before the store exists.
pub fn recorded_runs(db: &Db, job: &str) -> usize {
    store::open_ready(&db.url).map_or(0, |s| s.collection_runs(Some(job), None).unwrap().len())
}

pub fn wait_child(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(
            start.elapsed() < limit,
            "process did not exit within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
