//! Scheduled collection through the real binary, against a local Alpaca-shaped server.
//!
//! - Embedded: `ztrade collect` on SQLite with the clock shifted into a session and sped up,
//!   stopped by `--until`; then `collect status --json`.
//! - Scale-out: `ztrade scheduler` and two `ztrade worker` processes on Redis
//!   (`ZTRADE_TEST_REDIS_URL`, default redis://127.0.0.1:6379/) and one PostgreSQL schema; one
//!   worker is SIGKILLed mid-run, the other finishes its run; the data is complete, once.
//!
//! An unreachable Redis or PostgreSQL fails these tests; they never skip.

mod common;
#[path = "../../collector/tests/scale_out/server.rs"]
mod server;

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::Db;
use domain::time::NANOS_PER_MINUTE;
use domain::{Symbol, Timeframe, UnixNanos};
use server::Server;
use store::BarQuery;

const CONFIG: &str = r#"
symbols = ["SPY", "QQQ"]

[[jobs]]
kind = "bars"
provider = "alpaca"
lookback = "5m"

[[jobs]]
kind = "news"
provider = "alpaca"
"#;

fn redis_url() -> String {
    std::env::var("ZTRADE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/".into())
}

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

/// `ztrade --db URL ARGS…` with the server's environment, logs to `log` in the temp dir.
fn ztrade(db: &Db, server: &Server, args: &[&str], log: &str) -> Command {
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

fn ok(out: Output, db: &Db, log: &str) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "ztrade failed ({}):\n{stdout}\n{}",
        out.status,
        std::fs::read_to_string(db.path(log)).unwrap_or_default()
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn bars(db: &Db, symbol: &str) -> Vec<UnixNanos> {
    let store = store::open_ready(&db.url).unwrap();
    let q = BarQuery {
        symbol: Symbol::lit(symbol),
        timeframe: Timeframe::M1,
        start: None,
        end: None,
    };
    store.bars(q).map(|b| b.unwrap().ts).collect()
}

fn minutes(from: &str, to: &str) -> Vec<UnixNanos> {
    (t(from).as_i64()..t(to).as_i64())
        .step_by(NANOS_PER_MINUTE as usize)
        .map(UnixNanos::new)
        .collect()
}

fn job<'a>(status: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    status
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["job"] == name)
        .unwrap_or_else(|| panic!("no {name} in {status}"))
}

#[test]
fn embedded_collect_runs_the_schedule_then_status_shows_it() {
    let db = Db::sqlite();
    let server = Server::start();
    std::fs::write(db.path("collect.toml"), CONFIG).unwrap();
    // 15:57:30 New York at 60×: the 2-minute catch-up queues 15:56 and 15:57 at once, then
    // 15:58–16:00 follow within ~3 s; news runs at 16:00.
    let started = Instant::now();
    let out = ztrade(
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
            "10m",
            "--json",
        ],
        "collect.log",
    )
    .output()
    .unwrap();
    let summary = ok(out, &db, "collect.log");
    assert_eq!(summary["runs"], 6, "{summary}");
    assert_eq!(
        (summary["ok"].clone(), summary["failed"].clone()),
        (6.into(), 0.into())
    );
    assert!(started.elapsed() < Duration::from_secs(30));

    // The windows cover 15:51–16:00 and the 10-minute gap checks 15:41–15:51.
    let want = minutes("2024-01-03T20:41:00Z", "2024-01-03T21:00:00Z");
    assert_eq!(bars(&db, "SPY"), want);
    assert_eq!(bars(&db, "QQQ"), want);

    let status = ok(
        ztrade(
            &db,
            &server,
            &[
                "collect",
                "status",
                "--config",
                "collect.toml",
                "--now",
                "2024-01-03T21:00:30Z",
                "--json",
            ],
            "status.log",
        )
        .output()
        .unwrap(),
        &db,
        "status.log",
    );
    let b = job(&status, "bars-alpaca");
    assert_eq!(b["runs"], 5, "{b}");
    assert_eq!(b["rows_written_total"], 38);
    assert_eq!(b["errors_total"], 0);
    assert_eq!(b["lag_seconds"], 0);
    assert_eq!(b["behind_seconds"], 0);
    // Next: Thursday's open.
    assert_eq!(b["next_run"], "2024-01-04T14:30:00Z");
    let n = job(&status, "news-alpaca");
    assert_eq!(n["runs"], 1, "{n}");
    // Three articles and a 16:00 sentiment record each for SPY and QQQ.
    assert_eq!(n["rows_written_total"], 5);
    assert_eq!(n["next_run"], "2024-01-03T21:15:00Z");

    // Saturday: the bars job's last run is Wednesday's close, and Friday's close has passed.
    let later = ok(
        ztrade(
            &db,
            &server,
            &[
                "collect",
                "status",
                "--config",
                "collect.toml",
                "--now",
                "2024-01-06T12:00:00Z",
                "--json",
            ],
            "status2.log",
        )
        .output()
        .unwrap(),
        &db,
        "status2.log",
    );
    // Friday's close minus Wednesday's: two days behind the schedule.
    assert_eq!(job(&later, "bars-alpaca")["behind_seconds"], 2 * 86_400);
}

#[test]
fn collect_once_runs_each_jobs_latest_run() {
    let db = Db::sqlite();
    let server = Server::start();
    std::fs::write(db.path("collect.toml"), CONFIG).unwrap();
    // Saturday: bars take Friday's close, news the last quarter hour.
    let out = ztrade(
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
    )
    .output()
    .unwrap();
    let summary = ok(out, &db, "once.log");
    assert_eq!(
        (summary["runs"].clone(), summary["ok"].clone()),
        (2.into(), 2.into())
    );
    assert_eq!(
        bars(&db, "SPY"),
        minutes("2024-01-05T20:55:00Z", "2024-01-05T21:00:00Z")
    );
    let windows: Vec<(String, String)> = server
        .seen()
        .into_iter()
        .map(|s| (s.path, s.start))
        .collect();
    assert!(
        windows.contains(&("/v1beta1/news".into(), "2024-01-06T14:45:00Z".into())),
        "{windows:?}"
    );
}

#[test]
fn collect_explains_a_bad_invocation() {
    let db = Db::sqlite();
    let out = db.run(&["collect"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--config"));
    std::fs::write(
        db.path("bad.toml"),
        "[[jobs]]\nkind = \"bars\"\nprovider = \"iex\"\n",
    )
    .unwrap();
    let out = db.run(&["collect", "--config", "bad.toml", "--once"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("jobs[0].provider"),
        "{err}"
    );
    for cmd in [
        &["collect", "--help"][..],
        &["collect", "status", "--help"],
        &["scheduler", "--help"],
        &["worker", "--help"],
    ] {
        let help = db.ok(cmd);
        assert!(help.contains("Usage: ztrade"), "{help}");
    }
}

struct Proc {
    child: Child,
    name: &'static str,
}

impl Proc {
    fn signal(&self, sig: &str) {
        let s = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(s.success(), "kill {sig} {}", self.name);
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_until(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn recorded_runs(db: &Db, job: &str) -> usize {
    store::open_ready(&db.url)
        .unwrap()
        .collection_runs(Some(job), None)
        .unwrap()
        .len()
}

#[test]
fn scale_out_survives_a_killed_worker_with_complete_data_once() {
    let db = Db::postgres("scale_out");
    let server = Server::start();
    // Bars only, so that every queued run is a bars run.
    let config = CONFIG.split("[[jobs]]\nkind = \"news\"").next().unwrap();
    std::fs::write(db.path("collect.toml"), config).unwrap();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let queue = format!("ztrade-test:cli:{}:{nanos}", std::process::id());
    let migrate = db.run(&["db", "migrate"]);
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );

    // The 10:03 run (window 09:58–10:03) is held at the server the first time it is asked.
    server.slow_first("2024-01-03T14:58:00Z", Duration::from_secs(20));
    let worker_args = |name: &str| -> Vec<String> {
        [
            "worker",
            "--queue",
            &queue,
            "--heartbeat",
            "1s",
            "--missed-heartbeats",
            "3",
            "--concurrency",
            "1",
            "--gap-window",
            "0",
            "--name",
            name,
            "--json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let spawn_worker = |name: &'static str| -> Proc {
        let args = worker_args(&format!("{queue}-{name}"));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut c = ztrade(&db, &server, &args, &format!("worker-{name}.log"));
        c.stdout(Stdio::piped());
        Proc {
            child: c.spawn().unwrap(),
            name,
        }
    };
    let scheduler_args = [
        "scheduler",
        "--config",
        "collect.toml",
        "--queue",
        &queue,
        "--now",
        "2024-01-03T15:00:30Z",
        "--clock-speed",
        "60",
        "--until",
        "2024-01-03T15:05:00Z",
        "--catch-up",
        "0",
        "--json",
    ];

    let a = spawn_worker("a");
    let beat = ok(
        ztrade(&db, &server, &scheduler_args, "scheduler.log")
            .output()
            .unwrap(),
        &db,
        "scheduler.log",
    );
    // 10:01 … 10:05 New York.
    assert_eq!(
        (beat["runs"].clone(), beat["enqueued"].clone()),
        (5.into(), 5.into())
    );

    wait_until(
        "worker a to be held in the 10:03 run",
        Duration::from_secs(30),
        || server.bars_requests_starting("2024-01-03T14:58:00Z") == 1,
    );
    let b = spawn_worker("b");
    std::thread::sleep(Duration::from_millis(300));
    a.signal("-KILL");
    drop(a);

    wait_until("all five runs recorded", Duration::from_secs(40), || {
        recorded_runs(&db, "bars-alpaca") >= 5
    });
    // The killed run was taken over (asked twice), every other run once.
    assert_eq!(server.bars_requests_starting("2024-01-03T14:58:00Z"), 2);
    let want = minutes("2024-01-03T14:56:00Z", "2024-01-03T15:05:00Z");
    assert_eq!(bars(&db, "SPY"), want);
    assert_eq!(bars(&db, "QQQ"), want);

    // A restarted scheduler offering the same runs queues none of them again.
    let again = ok(
        ztrade(&db, &server, &scheduler_args, "scheduler2.log")
            .output()
            .unwrap(),
        &db,
        "scheduler2.log",
    );
    assert_eq!(
        (again["runs"].clone(), again["enqueued"].clone()),
        (5.into(), 0.into())
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(recorded_runs(&db, "bars-alpaca"), 5);

    // SIGTERM: the worker finishes and exits cleanly.
    b.signal("-TERM");
    let mut b = b;
    let status = wait_child(&mut b.child, Duration::from_secs(15));
    assert!(
        status.success(),
        "worker b: {status}\n{}",
        std::fs::read_to_string(db.path("worker-b.log")).unwrap_or_default()
    );
    let mut out = String::new();
    std::io::Read::read_to_string(b.child.stdout.as_mut().unwrap(), &mut out).unwrap();
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["failed"], 0, "{report}");

    let status = ok(
        ztrade(&db, &server, &["collect", "status", "--json"], "status.log")
            .output()
            .unwrap(),
        &db,
        "status.log",
    );
    let j = job(&status, "bars-alpaca");
    assert_eq!(
        (j["runs"].clone(), j["errors_total"].clone()),
        (5.into(), 0.into())
    );
    assert_eq!(j["rows_written_total"], 18);
    purge(&queue);
}

fn wait_child(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
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

fn purge(queue: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let config = collector::queue::RedisQueueConfig {
            url: redis_url(),
            queue: queue.to_string(),
            ..Default::default()
        };
        let mut q = collector::queue::RedisQueue::connect(config).await.unwrap();
        q.purge().await.unwrap();
    });
}
