//! SQLite lock contention through the binary: commands that create one new file at the same
//! moment all succeed; a backtest whose save cannot get the write lock prints its result first
//! and then says that another process is writing (nothing half-saved); a save that meets a
//! writer which finishes soon waits it out and stores the run.

mod common;

use std::process::{Child, Output, Stdio};
use std::time::Duration;

use common::BIN;
use testkit::Cli;
use testkit::agents::sma_crossover;

fn spawn(db: &Cli, args: &[&str]) -> Child {
    db.cmd(args)
        .env_remove("RUST_LOG")
        .env_remove("ZTRADE_BUSY_TIMEOUT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ztrade")
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A store with SPY 5m bars and the agent file.
fn seeded() -> Cli {
    let db = Cli::sqlite(BIN);
    db.ok(&["data", "seed", "--symbols", "SPY", "--days", "10"]);
    db.agent("lock_sma", &sma_crossover("lock_sma", "SPY", "5m", 5, 20));
    db
}

/// Holds SQLite's write lock (an open IMMEDIATE transaction) as another process would.
fn writer(db: &Cli) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(db.path("t.db")).unwrap();
    c.execute_batch("BEGIN IMMEDIATE; INSERT INTO symbols (symbol) VALUES ('LOCKHOLDER');")
        .unwrap();
    c
}

#[test]
fn commands_creating_one_new_file_at_once_all_succeed() {
    for round in 0..15 {
        let db = Cli::sqlite(BIN);
        let children = [
            spawn(&db, &["db", "migrate"]),
            spawn(&db, &["db", "migrate"]),
            spawn(&db, &["data", "seed", "--symbols", "SPY", "--days", "2"]),
        ];
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", text(&out));
        }
    }
}

#[test]
fn an_unsaved_run_is_printed_then_the_lock_is_named() {
    let db = seeded();
    let lock = writer(&db);
    let out = spawn(
        &db,
        &[
            "--busy-timeout",
            "0.1",
            "--json",
            "backtest",
            "run",
            "lock_sma",
        ],
    )
    .wait_with_output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("the result must be printed first ({e}): {}", text(&out)));
    assert_eq!(v["run_id"], serde_json::Value::Null, "{v}");
    assert!(!v["trades"].as_array().unwrap().is_empty(), "{v}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not saved"), "{err}");
    assert!(err.contains("another process is writing"), "{err}");
    assert!(err.contains("5 attempts"), "{err}");
    lock.execute_batch("ROLLBACK").unwrap();
    let runs = db.json(&["backtest", "list"]);
    assert_eq!(runs, serde_json::json!([]), "nothing half-saved");
}

#[test]
fn a_save_waits_out_a_writer_that_finishes() {
    let db = seeded();
    let lock = writer(&db);
    let child = spawn(
        &db,
        &[
            "--busy-timeout",
            "0.1",
            "--json",
            "backtest",
            "run",
            "lock_sma",
        ],
    );
    std::thread::sleep(Duration::from_millis(1200));
    lock.execute_batch("COMMIT").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = v["run_id"].as_i64().expect("saved");
    let runs = db.json(&["backtest", "list"]);
    assert_eq!(runs[0]["id"].as_i64(), Some(id), "{runs}");
}

#[test]
fn busy_timeout_flag_is_checked() {
    let db = Cli::sqlite(BIN);
    let out = db.run(&["--busy-timeout=-3", "db", "status"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("seconds from 0 to 86400"),
        "{}",
        text(&out)
    );
}
