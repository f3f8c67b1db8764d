//! Helpers of the `cli_collect_schedule*` tests: a collection config, the binary with a
//! collection server's environment and its log in a file, its JSON output, the stored bars and
//! recorded runs. The server, time literals and waits are testkit's.

use std::process::{Command, Output, Stdio};

use domain::{Symbol, Timeframe, UnixNanos};
use store::BarQuery;
use testkit::Cli;
use testkit::collect_server::Server;

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

/// `ztrade --db URL ARGS…` with the server's environment, logs to `log` in the temp dir.
pub fn ztrade(db: &Cli, server: &Server, args: &[&str], log: &str) -> Command {
    let mut c = db.cmd(args);
    c.env("RUST_LOG", "info")
        .env("ZTRADE_REDIS_URL", testkit::redis_url());
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

/// [`ztrade`] run to the end and [`ok`].
pub fn run_ok(db: &Cli, server: &Server, args: &[&str], log: &str) -> serde_json::Value {
    ok(ztrade(db, server, args, log).output().unwrap(), db, log)
}

/// Deletes every key of the Redis queue `queue`.
pub fn purge(queue: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let config = collector::queue::RedisQueueConfig {
            url: testkit::redis_url(),
            queue: queue.to_string(),
            ..Default::default()
        };
        let mut q = collector::queue::RedisQueue::connect(config).await.unwrap();
        q.purge().await.unwrap();
    });
}

pub fn ok(out: Output, db: &Cli, log: &str) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "ztrade failed ({}):\n{stdout}\n{}",
        out.status,
        std::fs::read_to_string(db.path(log)).unwrap_or_default()
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

pub fn bars(db: &Cli, symbol: &str) -> Vec<UnixNanos> {
    let store = store::open_ready(&db.url).unwrap();
    let q = BarQuery {
        symbol: Symbol::lit(symbol),
        timeframe: Timeframe::M1,
        start: None,
        end: None,
    };
    store.bars(q).map(|b| b.unwrap().ts).collect()
}

pub fn job<'a>(status: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    status
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["job"] == name)
        .unwrap_or_else(|| panic!("no {name} in {status}"))
}

/// Runs of `job` in `collection_runs`; 0 before the store exists.
pub fn recorded_runs(db: &Cli, job: &str) -> usize {
    store::open_ready(&db.url).map_or(0, |s| s.collection_runs(Some(job), None).unwrap().len())
}
