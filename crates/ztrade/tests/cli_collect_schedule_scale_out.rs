//! Scale-out through the real binary: `ztrade scheduler` and two `ztrade worker` processes on
//! Redis (`ZTRADE_TEST_REDIS_URL`, default redis://127.0.0.1:6379/, a queue of its own) and one
//! PostgreSQL schema, against a local Alpaca-shaped server. One worker is SIGKILLed mid-run; the
//! other takes the run over; the data is complete, each bar once; a restarted scheduler queues
//! nothing twice; SIGTERM stops a worker cleanly. An unreachable Redis or PostgreSQL fails the
//! test; it never skips.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::BIN;
use common::collect::*;
use testkit::Cli;
use testkit::cli::{wait_child, wait_until};
use testkit::collect_server::Server;
use testkit::fixtures::minutes;

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

#[test]
fn scale_out_survives_a_killed_worker_with_complete_data_once() {
    let db = Cli::postgres(BIN, "scale_out");
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
