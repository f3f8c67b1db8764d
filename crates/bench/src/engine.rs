//! `ztrade bench backtest`: the reference SMA agent on N stored one-minute bars.
//! - end to end: `ztrade backtest run` (load from SQLite, run, metrics, store run + fills +
//!   equity curve) vs the hand-written loop reading the same bars from CSV;
//! - engine only: `Engine::run` over bars in memory vs the hand loop over the same bars;
//! - 10 symbols × `--multi-rows` bars with technical_sentiment, end to end;
//! - a 100-combination sweep (fast 5..14 × slow 20..65:5) over the N bars, stored;
//! - the engine's journal on and off, and the time to store it ([`crate::journal`]) against
//!   `sqlite3 .import` and `psql \copy` of the same rows ([`crate::journal_baseline`]); and
//!   `backtest run --journal` end to end, with the part of it spent storing the journal.
//!
//! The hand loop's fills must equal ztrade's, or the bench fails.

use std::path::Path;
use std::time::Instant;

use backtest::AgentConfig;
use domain::{Symbol, Timeframe};
use serde_json::json;

use crate::baseline as hand_loop;
use crate::{Report, Result, best_of, ensure, secs, sh};

/// What `ztrade bench backtest` measures (its flags).
#[derive(Debug, Clone, clap::Args)]
pub struct EngineOptions {
    /// One-minute bars stored and backtested.
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
    /// Runs of each figure; the best is reported.
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// Bars per symbol for the 10-symbol technical_sentiment run (0 skips it).
    #[arg(long, default_value_t = 100_000)]
    pub multi_rows: usize,
    /// Skip the 100-combination sweep.
    #[arg(long)]
    pub no_sweep: bool,
    /// Also time storing the journal (a snapshot per bar) in this PostgreSQL database.
    #[arg(long, value_name = "URL")]
    pub pg: Option<String>,
}

const REF_AGENT: &str = "id: ref_sma\nsymbols: [BENCH]\ntimeframe: 1m\ninitial_capital: 100000\n\
strategy: { kind: sma_crossover, fast: 10, slow: 30 }\nsizing: { kind: all_cash }\n\
costs: { commission_per_share: 0, slippage_bps: 0 }\nfill: next_open\n";

pub fn run(a: &EngineOptions, exe: &Path) -> Result<Report> {
    let ztrade = |db: &str| crate::ztrade(exe, db);
    let dir = tempfile::tempdir()?;
    let agents = dir.path().join("agents");
    std::fs::create_dir_all(&agents)?;
    std::fs::write(agents.join("ref_sma.yaml"), REF_AGENT)?;
    let agents_s = agents
        .to_str()
        .ok_or("the temp path is not UTF-8")?
        .to_string();
    let db = format!("sqlite://{}", dir.path().join("bench.db").display());

    let bars = formats::synth::generate_minute_bars(a.rows, 11);
    let csv = dir.path().join("bars.csv");
    formats::export::export_file(
        &csv,
        formats::export::Format::Csv,
        Timeframe::M1,
        bars.iter().copied().map(Ok::<_, std::convert::Infallible>),
    )?;
    store::open_migrated(&db)?.upsert_bars(&Symbol::lit("BENCH"), Timeframe::M1, &bars)?;
    eprintln!("{} bars stored; best of {}", a.rows, a.repeat);

    // End to end, as a user runs it.
    let (e2e, (out, peak)) = best_of(a.repeat, || {
        sh(ztrade(&db).args([
            "backtest",
            "run",
            "ref_sma",
            "--json",
            "--agents-dir",
            &agents_s,
        ]))
    })?;
    let run: serde_json::Value = serde_json::from_str(&out)?;
    // The same, keeping every decision: how much of the run storing the journal takes.
    let journaled = |flag: &str| -> Result<serde_json::Value> {
        let (t, (out, _)) = best_of(a.repeat, || {
            sh(ztrade(&db)
                .args(["backtest", "run", "ref_sma", "--json", flag])
                .args(["--agents-dir", &agents_s]))
        })?;
        let r: serde_json::Value = serde_json::from_str(&out)?;
        Ok(json!({
            "seconds": secs(t),
            "ratio": secs(t) / secs(e2e),
            "rows": r["journal"]["rows"],
            "store_seconds": r["journal"]["store_seconds"],
        }))
    };
    let (journal_session, journal_bar) = (journaled("--journal")?, journaled("--journal=bar")?);
    let (hand_e2e, (fills, equity)) = best_of(a.repeat, || {
        let bytes = std::fs::read(&csv)?;
        Ok(hand_loop::run(&hand_loop::parse(&bytes), 100_000))
    })?;
    check_same(&run, &fills, equity)?;

    // Engine only, against the loop over the same bars in memory.
    let pairs: Vec<(i64, i64)> = bars.iter().map(|b| (b.open.raw(), b.close.raw())).collect();
    let (hand_loop_only, _) = best_of(a.repeat, || Ok(hand_loop::run(&pairs, 100_000)))?;
    let agent = AgentConfig::from_yaml(REF_AGENT)?;
    let (engine_only, result) = crate::journal::best_run(a.repeat, &agent, &bars, None)?;
    ensure!(
        result.fills.len() == fills.len(),
        "engine fills {} ≠ hand loop {}",
        result.fills.len(),
        fills.len()
    );

    let journal = crate::journal::measure(
        a.repeat,
        &agent,
        &bars,
        engine_only,
        &result,
        &db,
        a.pg.as_deref(),
    )?;
    let mut report = json!({
        "rows": a.rows,
        "fills": fills.len(),
        "end_to_end": {
            "ztrade_backtest_run_s": secs(e2e),
            "ztrade_peak_rss_mib": peak.map(|k| k as f64 / 1024.0),
            "hand_loop_over_csv_s": secs(hand_e2e),
            "ratio": secs(e2e) / secs(hand_e2e),
            "journal_session": journal_session,
            "journal_bar": journal_bar,
        },
        "engine_only": {
            "engine_ns_per_bar": secs(engine_only) * 1e9 / a.rows as f64,
            "hand_loop_ns_per_bar": secs(hand_loop_only) * 1e9 / a.rows as f64,
            "ratio": secs(engine_only) / secs(hand_loop_only),
        },
        "journal": journal,
    });
    if a.multi_rows > 0 {
        report["ten_symbols_technical_sentiment"] =
            multi(exe, &db, &agents_s, a.multi_rows, a.repeat)?;
    }
    if !a.no_sweep {
        let t = Instant::now();
        sh(ztrade(&db).args([
            "backtest",
            "sweep",
            "ref_sma",
            "--param",
            "fast=5..14",
            "--param",
            "slow=20..65:5",
            "--agents-dir",
            &agents_s,
            "--json",
        ]))?;
        report["sweep_100_combinations_s"] = json!(secs(t.elapsed()));
    }
    let f = |v: &serde_json::Value| v.as_f64().map_or("–".into(), |x| format!("{x:.3}"));
    let e = &report["end_to_end"];
    let o = &report["engine_only"];
    let mut rows = vec![
        vec![
            "hand-written loop over the CSV (baseline)".into(),
            f(&e["hand_loop_over_csv_s"]),
            "1.00×".into(),
        ],
        vec![
            format!(
                "ztrade backtest run (peak {} MiB)",
                f(&e["ztrade_peak_rss_mib"])
            ),
            f(&e["ztrade_backtest_run_s"]),
            format!("{}×", f(&e["ratio"])),
        ],
        vec![
            "hand loop, bars in memory (ns/bar)".into(),
            f(&o["hand_loop_ns_per_bar"]),
            "1.00×".into(),
        ],
        vec![
            "engine, bars in memory (ns/bar)".into(),
            f(&o["engine_ns_per_bar"]),
            format!("{}×", f(&o["ratio"])),
        ],
    ];
    let j = &report["journal"];
    rows.push(vec![
        "engine + journal, session snapshots (ns/bar)".into(),
        f(&j["session_snapshots_ns_per_bar"]),
        format!("{}× engine", f(&j["session_snapshots_ratio"])),
    ]);
    rows.push(vec![
        format!(
            "engine + journal, a snapshot per bar ({} rows) (ns/bar)",
            j["bar_snapshots_rows"]
        ),
        f(&j["bar_snapshots_ns_per_bar"]),
        format!("{}× engine", f(&j["bar_snapshots_ratio"])),
    ]);
    rows.push(vec![
        "sqlite3 .import of that journal's rows (baseline, s)".into(),
        f(&j["sqlite3_import_s"]),
        "1.00×".into(),
    ]);
    rows.push(vec![
        "store that journal in SQLite (s)".into(),
        f(&j["store_sqlite_s"]),
        format!("{}×", f(&j["store_sqlite_ratio"])),
    ]);
    if !j["store_postgres_s"].is_null() {
        rows.push(vec![
            "psql \\copy of that journal's rows (baseline, s)".into(),
            f(&j["psql_copy_s"]),
            "1.00×".into(),
        ]);
        rows.push(vec![
            "store that journal in PostgreSQL (s)".into(),
            f(&j["store_postgres_s"]),
            format!("{}×", f(&j["store_postgres_ratio"])),
        ]);
    }
    for (what, key) in [
        (
            "ztrade backtest run --journal (session snapshots)",
            "journal_session",
        ),
        ("ztrade backtest run --journal=bar", "journal_bar"),
    ] {
        let r = &e[key];
        rows.push(vec![
            format!(
                "{what}: of which storing the journal {} s",
                f(&r["store_seconds"])
            ),
            f(&r["seconds"]),
            format!("{}×", f(&r["ratio"])),
        ]);
    }
    if let Some(m) = report.get("ten_symbols_technical_sentiment") {
        rows.push(vec![
            format!("10 symbols × {} bars, technical_sentiment", a.multi_rows),
            f(&m["seconds"]),
            String::new(),
        ]);
    }
    if let Some(s) = report.get("sweep_100_combinations_s") {
        rows.push(vec![
            "sweep, 100 combinations, stored".into(),
            f(s),
            String::new(),
        ]);
    }
    Ok(Report {
        note: Some(format!(
            "{} fills, identical in ztrade and the hand loop",
            fills.len()
        )),
        json: report,
        rows,
    })
}

/// The hand loop and `backtest run --json` must agree fill for fill and on final equity.
fn check_same(run: &serde_json::Value, fills: &[hand_loop::HandFill], equity: i128) -> Result<()> {
    let trades = run["trades"].as_array().map_or(&[][..], |v| v.as_slice());
    ensure!(
        trades.len() == fills.len(),
        "ztrade made {} fills, the hand loop {}",
        trades.len(),
        fills.len()
    );
    for (t, f) in trades.iter().zip(fills) {
        let price = domain::Price::parse(&t["price"].to_string())?;
        let qty = domain::Quantity::parse(&t["quantity"].to_string())?;
        ensure!(
            price.raw() == f.3
                && qty == domain::Quantity::from_int(f.2)
                && (t["action"] == "buy") == f.1,
            "fill differs: ztrade {t} vs hand loop {f:?}"
        );
    }
    let final_equity = domain::Money::parse(&run["final_equity"].to_string())?;
    ensure!(
        final_equity.raw() == equity * i128::from(domain::Quantity::UNIT),
        "final equity differs"
    );
    Ok(())
}

/// 10 symbols of seeded bars with sentiment, one technical_sentiment agent over all of them.
fn multi(
    exe: &Path,
    db: &str,
    agents: &str,
    rows: usize,
    repeat: usize,
) -> Result<serde_json::Value> {
    let symbols: Vec<Symbol> = (0..10).map(|i| Symbol::lit(&format!("M{i}"))).collect();
    let days = rows.div_ceil(390);
    let first = chrono::NaiveDate::from_ymd_opt(2023, 1, 3).ok_or("not a date")?;
    let mut store = store::open_migrated(db)?;
    for s in &symbols {
        store.upsert_bars(
            s,
            Timeframe::M1,
            &formats::synth::generate_bars(s, first, days, Timeframe::M1, 5),
        )?;
    }
    store.upsert_sentiment(&formats::synth::generate_sentiment(
        &symbols, first, days, 5,
    ))?;
    let list = symbols
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let yaml = format!(
        "id: multi_ts\nsymbols: [{list}]\ntimeframe: 1m\ninitial_capital: 1000000\n\
         strategy: {{ kind: technical_sentiment, fast: 10, slow: 30 }}\nsizing: {{ kind: percent_equity, pct: 10 }}\nfill: next_open\n"
    );
    std::fs::write(std::path::Path::new(agents).join("multi_ts.yaml"), yaml)?;
    let (d, (out, peak)) = best_of(repeat, || {
        sh(crate::ztrade(exe, db).args([
            "backtest",
            "run",
            "multi_ts",
            "--json",
            "--agents-dir",
            agents,
        ]))
    })?;
    let v: serde_json::Value = serde_json::from_str(&out)?;
    Ok(json!({
        "seconds": secs(d),
        "bars": rows * 10,
        "fills": v["trades"].as_array().map_or(0, Vec::len),
        "peak_rss_mib": peak.map(|k| k as f64 / 1024.0),
    }))
}
