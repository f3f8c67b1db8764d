//! The engine's journal in `ztrade bench backtest`: the reference run with the journal off
//! (the engine-only figure), on with snapshots at each session close, and on with a snapshot
//! per bar (over a million rows for a million bars); then the time to store that journal in the
//! bench's SQLite file (and in PostgreSQL with `--pg`), under a run of its own.

use std::path::Path;
use std::time::{Duration, Instant};

use backtest::journal::JournalTape;
use backtest::{AgentConfig, BacktestResult, Inputs, JournalConfig, SnapshotCadence};
use domain::{Bar, Symbol, Timeframe};
use serde_json::json;

use crate::journal_baseline::{self as baseline, new_run};
use crate::{Result, ensure, secs};

/// Best of `n` engine runs over `bars` (lent, no copy), with the journal on at `snapshots`
/// when given.
pub(crate) fn best_run(
    n: usize,
    agent: &AgentConfig,
    bars: &[Bar],
    snapshots: Option<SnapshotCadence>,
) -> Result<(Duration, BacktestResult)> {
    let mut best: Option<(Duration, BacktestResult)> = None;
    for _ in 0..n.max(1) {
        let mut inputs: Inputs<'_, std::convert::Infallible> = Inputs::new();
        inputs.bar_slice(Symbol::lit("BENCH"), Timeframe::M1, bars);
        let mut engine = agent.engine(domain::calendar::Calendar::Nyse)?;
        if let Some(snapshots) = snapshots {
            engine = engine.with_journal(JournalConfig {
                strategy: agent.strategy.kind().into(),
                snapshots,
            });
        }
        let t = Instant::now();
        let r = engine.run(inputs)?;
        let d = t.elapsed();
        if best.as_ref().is_none_or(|(b, _)| d < *b) {
            best = Some((d, r));
        }
    }
    best.ok_or_else(|| "no engine run".into())
}

/// Seconds to store `tape` (once: a journal is stored once per run) under a new run of `r` in
/// the store at `url`: its rows made ([`JournalTape::journal`]), then written, as `backtest run
/// --journal` does. Also the run's id.
pub fn store_seconds(url: &str, r: &BacktestResult, tape: &JournalTape) -> Result<f64> {
    Ok(stored(url, r, tape)?.0)
}

fn stored(url: &str, r: &BacktestResult, tape: &JournalTape) -> Result<(f64, i64)> {
    let mut s = store::open_migrated(url)?;
    let run = s.save_run(&new_run(r)?)?;
    let t = Instant::now();
    let j = tape.journal();
    let saved = s.save_journal(run, &j)?;
    let d = t.elapsed();
    ensure!(
        saved.rows == j.len() as u64,
        "stored {} of {} rows",
        saved.rows,
        j.len()
    );
    Ok((secs(d), run))
}

/// The journal's figures, against `engine_only` (the same run without a journal).
pub fn measure(
    repeat: usize,
    agent: &AgentConfig,
    bars: &[Bar],
    engine_only: Duration,
    plain: &BacktestResult,
    sqlite: &str,
    pg: Option<&str>,
) -> Result<serde_json::Value> {
    let (t_session, session) = best_run(repeat, agent, bars, Some(SnapshotCadence::SessionClose))?;
    let (t_bar, per_bar) = best_run(repeat, agent, bars, Some(SnapshotCadence::EveryBar))?;
    for r in [&session, &per_bar] {
        ensure!(r.fills == plain.fills, "the journal changed the fills");
        ensure!(
            r.final_equity == plain.final_equity,
            "the journal changed the equity"
        );
    }
    let j = per_bar.journal.as_ref().ok_or("no journal")?;
    let rows = j.journal().len();
    let per = |d: Duration| secs(d) * 1e9 / bars.len() as f64;
    let (sqlite_s, run) = stored(sqlite, &per_bar, j)?;
    let pg_s = pg.map(|u| store_seconds(u, &per_bar, j)).transpose()?;
    // The same rows through the databases' own loaders.
    let file = Path::new(
        sqlite
            .strip_prefix("sqlite://")
            .ok_or("the bench store is SQLite")?,
    );
    let dir = tempfile::tempdir()?;
    let (import_s, imported) = baseline::sqlite3_import_seconds(file, run, &per_bar, dir.path())?;
    ensure!(
        imported == rows as u64,
        "sqlite3 loaded {imported} of {rows} rows"
    );
    let copy_s = pg
        .map(|u| baseline::psql_copy_seconds(file, run, &per_bar, dir.path(), u))
        .transpose()?;
    Ok(json!({
        "engine_ns_per_bar": per(engine_only),
        "session_snapshots_ns_per_bar": per(t_session),
        "session_snapshots_ratio": secs(t_session) / secs(engine_only),
        "session_snapshots_rows": session.journal.as_ref().map_or(0, |t| t.journal().len()),
        "bar_snapshots_ns_per_bar": per(t_bar),
        "bar_snapshots_ratio": secs(t_bar) / secs(engine_only),
        "bar_snapshots_rows": rows,
        "store_sqlite_s": sqlite_s,
        "store_sqlite_rows_per_s": rows as f64 / sqlite_s,
        "sqlite3_import_s": import_s,
        "store_sqlite_ratio": sqlite_s / import_s,
        "store_postgres_s": pg_s,
        "store_postgres_rows_per_s": pg_s.map(|s| rows as f64 / s),
        "psql_copy_s": copy_s,
        "store_postgres_ratio": pg_s.zip(copy_s).map(|(s, c)| s / c),
    }))
}
