//! Scheduled collection through the real binary, embedded: `ztrade collect` on SQLite against
//! a local Alpaca-shaped server, with the clock shifted into a session and sped up, stopped by
//! `--until` or `--once`; then `collect status --json`.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::BIN;
use common::collect::*;
use testkit::Cli;
use testkit::cli::{wait_child, wait_until};
use testkit::collect_server::Server;
use testkit::fixtures::minutes;

#[test]
fn embedded_collect_runs_the_schedule_then_status_shows_it() {
    let db = Cli::sqlite(BIN);
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
    let db = Cli::sqlite(BIN);
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
    let db = Cli::sqlite(BIN);
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

#[test]
fn embedded_collect_stops_cleanly_on_sigint() {
    let db = Cli::sqlite(BIN);
    let server = Server::start();
    std::fs::write(db.path("collect.toml"), CONFIG).unwrap();
    // 15:30:30 New York, real speed: the catch-up runs (bars 15:29 and 15:30, news 15:30) go
    // at once, the next run is 30 s away.
    let mut child = ztrade(
        &db,
        &server,
        &[
            "collect",
            "--config",
            "collect.toml",
            "--now",
            "2024-01-03T20:30:30Z",
            "--gap-window",
            "0",
            "--json",
        ],
        "sigint.log",
    )
    .stdout(Stdio::piped())
    .spawn()
    .unwrap();
    wait_until("the catch-up runs", Duration::from_secs(20), || {
        recorded_runs(&db, "bars-alpaca") == 2 && recorded_runs(&db, "news-alpaca") == 1
    });
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = wait_child(&mut child, Duration::from_secs(10));
    let mut out = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
    assert!(
        status.success(),
        "{status}: {out}\n{}",
        std::fs::read_to_string(db.path("sigint.log")).unwrap_or_default()
    );
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (summary["runs"].clone(), summary["ok"].clone()),
        (3.into(), 3.into())
    );
}
