//! Paper trading through the real binary, on a day of real SPY minute bars (2023-08-03):
//! `collect --paper` fed live by a local Alpaca-shaped server at an accelerated clock, then
//! `replay` (decision drift 0, data drift after two bars are revised, execution drift after a
//! worse live fill) and a backtest over the same bars (the same fills); `kill -9` and resume;
//! `paper stop`, the kill switch, a risk halt and `paper status`.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::BIN;
use common::paper::*;
use domain::{Price, Quantity, Symbol, Timeframe};
use store::BarQuery;
use testkit::Cli;
use testkit::cli::{wait_child, wait_until};

testkit::both_backends!(killed_loop_resumes_with_every_bar_decided_once);

fn cli(backend: &str, test: &str) -> Cli {
    let db = Cli::of(BIN, backend, test);
    db.agent("sma", &agent("sma"));
    db
}

fn money(v: &serde_json::Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a decimal: {v}"))
        .to_string()
}

#[test]
fn collect_paper_over_a_live_day_matches_replay_and_the_backtest() {
    let db = cli("sqlite", "paper_day");
    std::fs::write(db.path("collect.toml"), COLLECT).unwrap();
    let (env, _sim) = server();
    let mut cmd = db.cmd(&[
        "collect",
        "--config",
        "collect.toml",
        "--now",
        OPEN,
        "--clock-speed",
        "1200",
        "--until",
        "2023-08-03T20:01:30Z",
        "--gap-window",
        "0",
        "--paper",
        "sma",
        "--poll",
        "20ms",
        "--grace",
        "5s",
        "--json",
    ]);
    for k in ["ZTRADE_NOW", "ZTRADE_CLOCK_SPEED", "POLYGON_API_KEY"] {
        cmd.env_remove(k);
    }
    cmd.envs(env).env("RUST_LOG", "info");
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["collection"]["failed"], 0, "{report}");

    // Every regular-session minute was decided once, in order, as it completed.
    let (inputs, live) = record(&db, "sma");
    assert_eq!(inputs.len(), 390, "{report}");
    assert_eq!(report["paper"]["decided"], 390, "{report}");
    for (i, w) in inputs.windows(2).enumerate() {
        assert!(w[0].bar.ts < w[1].bar.ts, "input {i} out of order");
        assert_eq!(w[1].seq, w[0].seq + 1);
        // First seen once its minute began (the server may serve a minute in progress, which
        // the loop holds until it closes: `app::paper::pending`'s tests).
        assert!(w[0].received_at >= w[0].bar.ts);
    }
    assert!(!live.fills.is_empty(), "the agent trades on this day");

    // A backtest over the same stored bars gives the same fills.
    let run = db.json(&["backtest", "run", "sma", "--journal"]);
    let run_id = run["run_id"].as_i64().unwrap_or_else(|| panic!("{run}"));
    let store = store::open_ready(&db.url).unwrap();
    let backtest = store.journal(run_id).unwrap();
    let keys =
        |fills: &[domain::journal::JournalFill]| fills.iter().map(fill_key).collect::<Vec<_>>();
    assert_eq!(keys(&live.fills), keys(&backtest.fills));
    drop(store);

    // Replay: the same decisions, and nothing to explain.
    let r = db.json(&["replay", "sma"]);
    let d = &r["drift"];
    assert!(d["decision"]["first"].is_null(), "{d}");
    assert_eq!(d["decision"]["diverging_signals"], 0);
    assert_eq!(d["decision"]["diverging_orders"], 0);
    assert_eq!(d["totals"]["live"], d["totals"]["replay"]);
    assert_eq!(money(&d["totals"]["data"]), "0");
    assert_eq!(d["data"]["revised_bars"], 0);
    assert_eq!(r["inputs"], 390);

    // The vendor revises two bars: the entry bar's open (0.50 higher, where the first fill
    // happened) and another bar's volume. Replay over the bars stored now attributes the
    // difference to data drift: the P&L a backtest over the revised bars makes, less live's.
    let first = live.fills[0].clone();
    let mut store = store::open_ready(&db.url).unwrap();
    let spy: Symbol = "SPY".parse().unwrap();
    let q = |ts| BarQuery {
        symbol: spy.clone(),
        timeframe: Timeframe::M1,
        start: Some(ts),
        end: ts.checked_plus(1),
    };
    let mut entry = store.bars(q(first.ts)).next().unwrap().unwrap();
    let half: Price = "0.5".parse().unwrap();
    entry.open = entry.open.checked_add(half).unwrap();
    entry.high = entry.high.max(entry.open);
    let other_ts = inputs[100].bar.ts;
    let mut other = store.bars(q(other_ts)).next().unwrap().unwrap();
    other.volume = other
        .volume
        .checked_add(Quantity::from_raw(100_000_000))
        .unwrap();
    store.upsert_bars(&spy, Timeframe::M1, &[entry]).unwrap();
    store.upsert_bars(&spy, Timeframe::M1, &[other]).unwrap();
    drop(store);
    let r = db.json(&["replay", "sma"]);
    let d = &r["drift"];
    assert_eq!(d["data"]["revised_bars"], 2, "{d}");
    assert!(
        d["decision"]["first"].is_null(),
        "revisions change no recorded decision: {d}"
    );
    let rerun = db.json(&["backtest", "run", "sma", "--journal"]);
    let store = store::open_ready(&db.url).unwrap();
    let revised = store.journal(rerun["run_id"].as_i64().unwrap()).unwrap();
    drop(store);
    let realized: domain::Money = revised
        .fills
        .iter()
        .map(|f| f.pnl.unwrap_or_default() - f.fee)
        .sum();
    assert_eq!(
        money(&d["totals"]["replay_now"]),
        realized.to_string(),
        "{d}"
    );
    let data: domain::Money = money(&d["totals"]["data"]).parse().unwrap();
    let replay: domain::Money = money(&d["totals"]["replay"]).parse().unwrap();
    assert_eq!(data, realized - replay);
    assert!(data < domain::Money::ZERO, "a dearer entry costs: {d}");
    assert_eq!(d["totals"]["live"], d["totals"]["replay"]);

    // A live fill 0.10 worse than the model's (as a broker might give): execution drift.
    let mut store = store::open_ready(&db.url).unwrap();
    let mut worse = store.session_journal("sma").unwrap();
    let tenth: Price = "0.1".parse().unwrap();
    worse.fills[0].price = worse.fills[0].price.checked_add(tenth).unwrap();
    store.save_session_journal("sma", &worse).unwrap();
    drop(store);
    let r = db.json(&["replay", "sma"]);
    let x = &r["drift"]["execution"];
    let slip = tenth.notional(first.quantity).to_string();
    assert_eq!(money(&x["slippage"]), slip, "{x}");
    assert_eq!(money(&x["fills"][0]["slippage"]), slip);
    assert!(r["drift"]["decision"]["first"].is_null());

    // The text report says it in words.
    let text = db.ok(&["replay", "sma"]);
    assert!(text.contains("decision drift: none"), "{text}");
    assert!(text.contains("data drift: 2 bars revised"), "{text}");
}

fn killed_loop_resumes_with_every_bar_decided_once(backend: &str) {
    let db = cli(backend, "paper_kill");
    let file = testkit::fixtures::shared_data().join(DAY_FILE);
    db.import_bars(file.to_str().unwrap(), "SPY", "1Min");
    // 600× from the open: killed a few seconds (tens of market minutes) in.
    let args = [
        "paper",
        "run",
        "sma",
        "--now",
        OPEN,
        "--clock-speed",
        "600",
        "--poll",
        "10ms",
    ];
    db.kill_after(&args, Duration::from_millis(2500));
    let (before, _) = record(&db, "sma");
    assert!(
        before.len() > 20,
        "the first run recorded its warm-up and some bars"
    );
    // Killed again, this time from the record, replaying it.
    db.kill_after(&args, Duration::from_millis(1500));
    // Resumed after the close: every bar left is complete and decided at once.
    let after_close = "2023-08-04T00:30:00Z";
    let r = db.json(&[
        "paper",
        "run",
        "sma",
        "--now",
        after_close,
        "--until",
        after_close,
    ]);
    assert!(
        r["resumed_bars"].as_u64().unwrap() >= before.len() as u64,
        "{r}"
    );
    let (inputs, live) = record(&db, "sma");
    // Every stored bar from the first input on, each once, in order, seqs without a hole.
    let store = store::open_ready(&db.url).unwrap();
    let spy: Symbol = "SPY".parse().unwrap();
    let stored: Vec<i64> = store
        .bars(BarQuery {
            symbol: spy,
            timeframe: Timeframe::M1,
            start: Some(inputs[0].bar.ts),
            end: None,
        })
        .map(|b| b.unwrap().ts.as_i64())
        .collect();
    let seen: Vec<i64> = inputs.iter().map(|i| i.bar.ts.as_i64()).collect();
    assert_eq!(seen, stored);
    assert!(inputs.iter().enumerate().all(|(i, x)| x.seq == i as u64));
    drop(store);
    // The record is complete: replaying it gives the live journal exactly.
    let r = db.json(&["replay", "sma"]);
    assert!(r["drift"]["decision"]["first"].is_null(), "{r}");
    assert_eq!(r["drift"]["totals"]["live"], r["drift"]["totals"]["replay"]);
    assert_eq!(r["live_rows"], r["replay_rows"]);
    assert!(!live.orders.is_empty());
}

#[test]
fn stop_kill_switch_halt_and_status() {
    let db = cli("sqlite", "paper_stop");
    let file = testkit::fixtures::shared_data().join(DAY_FILE);
    db.import_bars(file.to_str().unwrap(), "SPY", "1Min");
    let recorded = |name: &str| {
        let store = store::open_ready(&db.url).unwrap();
        store.inputs(name).unwrap().len()
    };
    let slow = |name: &str, extra: &[&str]| {
        let mut a = vec!["paper", "run", "sma", "--session", name, "--now", OPEN];
        a.extend_from_slice(&["--clock-speed", "60", "--poll", "20ms", "--json"]);
        a.extend_from_slice(extra);
        let mut c = db.cmd(&a);
        c.stdout(Stdio::piped()).stderr(Stdio::null());
        c.spawn().unwrap()
    };

    // `paper stop` from another process ends the loop at its next step.
    let mut child = slow("s1", &[]);
    wait_until("s1 records bars", Duration::from_secs(30), || {
        recorded("s1") > 0
    });
    db.ok(&["paper", "stop", "s1", "--reason", "end of the test"]);
    assert!(wait_child(&mut child, Duration::from_secs(30)).success());
    let mut out = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["stop"]["kind"], "stopped", "{report}");
    assert_eq!(report["stop"]["reason"], "end of the test");
    // A stopped session is not resumed.
    let again = db.run(&["paper", "run", "sma", "--session", "s1", "--now", OPEN]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("is stopped: end of the test"));

    // The kill switch: a file.
    let kill = db.path("STOP");
    let mut child = slow("s2", &["--kill-file", kill.to_str().unwrap()]);
    wait_until("s2 records bars", Duration::from_secs(30), || {
        recorded("s2") > 0
    });
    std::fs::write(&kill, "").unwrap();
    assert!(wait_child(&mut child, Duration::from_secs(30)).success());

    // A drawdown limit of 0.01 % halts at the first losing mark.
    let halting = agent("tight").replace(
        "fill: next_open",
        "fill: next_open\nrisk: { max_drawdown_pct: 0.01 }",
    );
    db.agent("tight", &halting);
    let r = db.json(&[
        "paper",
        "run",
        "tight",
        "--now",
        OPEN,
        "--clock-speed",
        "6000",
        "--poll",
        "10ms",
        "--until",
        CLOSE,
    ]);
    assert_eq!(r["stop"]["kind"], "halted", "{r}");

    let status = db.json(&["paper", "status"]);
    let by_name = |n: &str| {
        status
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == n)
            .unwrap()
            .clone()
    };
    let s1 = by_name("s1");
    assert_eq!(
        (s1["status"].as_str(), s1["halt_reason"].as_str()),
        (Some("stopped"), Some("end of the test"))
    );
    assert!(
        s1["last_bar"].is_string() && s1["lag_seconds"].as_f64().unwrap() > 0.0,
        "{s1}"
    );
    assert!(
        by_name("s2")["halt_reason"]
            .as_str()
            .unwrap()
            .starts_with("kill switch")
    );
    let tight = by_name("tight");
    assert_eq!(tight["status"], "halted");
    assert!(
        tight["halt_reason"]
            .as_str()
            .unwrap()
            .contains("max_drawdown"),
        "{tight}"
    );
    assert!(tight["equity"].is_string(), "{tight}");
    let text = db.ok(&["paper", "status"]);
    assert!(text.contains("s1") && text.contains("halted"), "{text}");
}
