//! Backtest runs in SQLite: the run row, its fills and its equity curve, written in one
//! transaction. Money, prices and quantities are exact decimal text.

use rusqlite::{Connection, TransactionBehavior, params};

use super::SqliteStore;
use crate::decode;
use crate::rows::{count_to_i64, now_rfc3339, parse_json};
use crate::{
    Deleted, NewRun, NewSweep, RunFilter, RunSelection, RunStore, RunSummary, StoreError,
    StoredRun, StoredSweep, SweepSummary,
};
use crate::{JournalSaved, RunAttachments, SavedRun};

const SUMMARY_COLUMNS: &str = "id, agent_id, start_date, end_date, initial_capital, final_capital, \
     total_trades, winning_trades, losing_trades, max_drawdown, sharpe_ratio, created_at, \
     sweep_id, params";

fn json_text(v: &impl serde::Serialize, field: &str) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Invalid(format!("run {field}: {e}")))
}

pub(super) fn save(conn: &mut Connection, run: &NewRun) -> Result<i64, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id = insert(&tx, run)?;
    tx.commit()?;
    Ok(id)
}

/// Writes `run` (its row, trades and equity curve) in the caller's transaction; its id.
pub(super) fn insert(tx: &rusqlite::Transaction<'_>, run: &NewRun) -> Result<i64, StoreError> {
    let id: i64 = tx.query_row(
        "INSERT INTO backtest_runs (agent_id, start_date, end_date, initial_capital, final_capital,
             total_trades, winning_trades, losing_trades, max_drawdown, sharpe_ratio, config,
             metrics, data_fingerprint, engine_version, created_at, sweep_id, params)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
         RETURNING id",
        params![
            run.agent_id,
            run.start.as_i64(),
            run.end.as_i64(),
            run.initial_capital.to_string(),
            run.final_capital.to_string(),
            count_to_i64(run.total_trades, "total_trades")?,
            count_to_i64(run.winning_trades, "winning_trades")?,
            count_to_i64(run.losing_trades, "losing_trades")?,
            run.max_drawdown,
            run.sharpe_ratio,
            json_text(&run.config, "config")?,
            json_text(&run.metrics, "metrics")?,
            run.data_fingerprint,
            run.engine_version,
            now_rfc3339(),
            run.sweep_id,
            run.params
                .as_ref()
                .map(|p| json_text(p, "params"))
                .transpose()?,
        ],
        |r| r.get(0),
    )?;
    insert_trades(tx, id, &run.trades)?;
    {
        let mut point = tx.prepare_cached(
            "INSERT INTO backtest_equity (run_id, seq, timestamp, equity, cash)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let (mut equity, mut cash) = (String::new(), String::new());
        for (seq, p) in run.equity.iter().enumerate() {
            decimal(&mut equity, p.equity);
            decimal(&mut cash, p.cash);
            point.execute(params![
                id,
                seq as i64,
                p.timestamp.as_i64(),
                equity.as_str(),
                cash.as_str()
            ])?;
        }
    }
    Ok(id)
}

/// Fills per INSERT statement: one statement per row spends most of its time outside the
/// B-tree; 64 rows × 10 values stay far below SQLite's 32766 bound parameters.
const TRADE_ROWS: usize = 64;

/// A run's fills, `TRADE_ROWS` to a statement, their decimal text written into buffers reused
/// from block to block.
fn insert_trades(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    trades: &[domain::Fill],
) -> Result<(), StoreError> {
    let now = now_rfc3339();
    let mut text: Vec<[String; 4]> = (0..TRADE_ROWS.min(trades.len()))
        .map(|_| Default::default())
        .collect();
    for block in trades.chunks(TRADE_ROWS) {
        for (t, [quantity, price, commission, pnl]) in block.iter().zip(text.iter_mut()) {
            decimal(quantity, t.quantity);
            decimal(price, t.price);
            decimal(commission, t.commission);
            if let Some(p) = t.pnl {
                decimal(pnl, p);
            }
        }
        let stamps: Vec<i64> = block.iter().map(|t| t.timestamp.as_i64()).collect();
        let actions: Vec<&str> = block.iter().map(|t| t.action.as_str()).collect();
        let symbols: Vec<&str> = block.iter().map(|t| t.symbol.as_str()).collect();
        let pnls: Vec<Option<&str>> = block
            .iter()
            .zip(&text)
            .map(|(t, [.., pnl])| t.pnl.map(|_| pnl.as_str()))
            .collect();
        let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(block.len() * 10);
        for (i, (t, [quantity, price, commission, _])) in block.iter().zip(&text).enumerate() {
            values.extend([
                &id as &dyn rusqlite::ToSql,
                &stamps[i],
                &actions[i],
                &symbols[i],
                quantity,
                price,
                commission,
                &pnls[i],
                &t.reason,
                &now,
            ]);
        }
        let mut stmt = tx.prepare_cached(&trade_insert(block.len()))?;
        stmt.execute(values.as_slice())?;
    }
    Ok(())
}

/// `INSERT INTO backtest_trades … VALUES (…), …` for `rows` rows.
fn trade_insert(rows: usize) -> String {
    let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    format!(
        "INSERT INTO backtest_trades (run_id, timestamp, action, symbol, quantity, price,
             commission, pnl, reason, created_at) VALUES {}",
        vec![row; rows].join(", ")
    )
}

/// `value` as its decimal text in `buf`, replacing what was there.
fn decimal(buf: &mut String, value: impl std::fmt::Display) {
    use std::fmt::Write;
    buf.clear();
    let _ = write!(buf, "{value}");
}

pub(super) fn list(conn: &Connection, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM backtest_runs
         WHERE (?1 IS NULL OR agent_id = ?1) AND (?3 = 0 OR sweep_id IS NULL)
           AND (?4 IS NULL OR sweep_id = ?4)
         ORDER BY created_at DESC, id DESC
         LIMIT ?2"
    );
    let limit = match filter.limit {
        Some(n) => count_to_i64(n, "limit")?,
        None => -1,
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![
        filter.agent_id,
        limit,
        filter.standalone,
        filter.sweep_id
    ])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(decode::run_summary(r)?);
    }
    Ok(out)
}

pub(super) fn get(conn: &Connection, id: i64) -> Result<StoredRun, StoreError> {
    const T: &str = "backtest_runs";
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, config, metrics, data_fingerprint, engine_version
         FROM backtest_runs WHERE id = ?1"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([id])?;
    let Some(r) = rows.next()? else {
        return Err(StoreError::NotFound(format!(
            "no backtest run with id {id}"
        )));
    };
    let summary = decode::run_summary(r)?;
    let config = parse_json(&r.get::<_, String>(14)?, T, "config")?;
    let metrics = parse_json(&r.get::<_, String>(15)?, T, "metrics")?;
    let data_fingerprint: String = r.get(16)?;
    let engine_version: String = r.get(17)?;
    drop(rows);

    let mut trades = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT timestamp, symbol, action, quantity, price, commission, pnl, reason
         FROM backtest_trades WHERE run_id = ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([id])?;
    while let Some(r) = rows.next()? {
        trades.push(decode::run_trade(r)?);
    }

    let mut equity = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT timestamp, equity, cash FROM backtest_equity WHERE run_id = ?1 ORDER BY seq",
    )?;
    let mut rows = stmt.query([id])?;
    while let Some(r) = rows.next()? {
        equity.push(decode::equity_point(r)?);
    }
    Ok(StoredRun {
        summary,
        config,
        metrics,
        data_fingerprint,
        engine_version,
        trades,
        equity,
    })
}

pub(super) fn delete(conn: &mut Connection, id: i64) -> Result<(), StoreError> {
    let n = conn.execute("DELETE FROM backtest_runs WHERE id = ?1", [id])?;
    if n == 0 {
        return Err(StoreError::NotFound(format!(
            "no backtest run with id {id}"
        )));
    }
    Ok(())
}

const SWEEP_COLUMNS: &str = "s.id, s.agent_id, s.metric, s.grid, s.keep, \
     (SELECT count(*) FROM backtest_runs r WHERE r.sweep_id = s.id), s.created_at";

fn create_sweep(conn: &Connection, s: &NewSweep) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "INSERT INTO backtest_sweeps (agent_id, metric, grid, keep, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        params![
            s.agent_id,
            s.metric,
            json_text(&s.grid, "grid")?,
            s.keep,
            now_rfc3339()
        ],
        |r| r.get(0),
    )?)
}

fn finish_sweep(conn: &Connection, id: i64, report: &serde_json::Value) -> Result<(), StoreError> {
    let n = conn.execute(
        "UPDATE backtest_sweeps SET report = ?2 WHERE id = ?1",
        params![id, json_text(report, "report")?],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("no sweep with id {id}")));
    }
    Ok(())
}

fn sweep_row(r: &rusqlite::Row<'_>) -> Result<SweepSummary, StoreError> {
    const T: &str = "backtest_sweeps";
    Ok(SweepSummary {
        id: r.get(0)?,
        agent_id: r.get(1)?,
        metric: r.get(2)?,
        grid: parse_json(&r.get::<_, String>(3)?, T, "grid")?,
        keep: r.get(4)?,
        runs: crate::rows::i64_to_count(r.get(5)?, T, "runs")?,
        created_at: r.get(6)?,
    })
}

fn list_sweeps(conn: &Connection, limit: Option<u64>) -> Result<Vec<SweepSummary>, StoreError> {
    let limit = match limit {
        Some(n) => count_to_i64(n, "limit")?,
        None => -1,
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SWEEP_COLUMNS} FROM backtest_sweeps s ORDER BY s.created_at DESC, s.id DESC
         LIMIT ?1"
    ))?;
    let mut rows = stmt.query([limit])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(sweep_row(r)?);
    }
    Ok(out)
}

fn get_sweep(conn: &Connection, id: i64) -> Result<StoredSweep, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SWEEP_COLUMNS}, s.report FROM backtest_sweeps s WHERE s.id = ?1"
    ))?;
    let mut rows = stmt.query([id])?;
    let Some(r) = rows.next()? else {
        return Err(StoreError::NotFound(format!("no sweep with id {id}")));
    };
    Ok(StoredSweep {
        summary: sweep_row(r)?,
        report: parse_json(&r.get::<_, String>(7)?, "backtest_sweeps", "report")?,
    })
}

fn delete_runs(conn: &mut Connection, sel: &RunSelection) -> Result<Deleted, StoreError> {
    crate::rows::check_selection(sel)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for id in &sel.ids {
        let found: i64 = tx.query_row(
            "SELECT count(*) FROM backtest_runs WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        if found == 0 {
            return Err(StoreError::NotFound(format!(
                "no backtest run with id {id}"
            )));
        }
    }
    if let Some(s) = sel.sweep_id {
        let found: i64 = tx.query_row(
            "SELECT count(*) FROM backtest_sweeps WHERE id = ?1",
            [s],
            |r| r.get(0),
        )?;
        if found == 0 {
            return Err(StoreError::NotFound(format!("no sweep with id {s}")));
        }
    }
    let ids = json_text(&sel.ids, "ids")?;
    let runs = tx.execute(
        "DELETE FROM backtest_runs
         WHERE (?1 = '[]' OR id IN (SELECT value FROM json_each(?1)))
           AND (?2 IS NULL OR sweep_id = ?2)
           AND (?3 IS NULL OR agent_id = ?3)
           AND (?4 IS NULL OR created_at < ?4)",
        params![
            ids,
            sel.sweep_id,
            sel.agent_id,
            sel.before.map(crate::rows::rfc3339_micros)
        ],
    )?;
    let sweeps = match sel.sweep_id {
        Some(s) => tx.execute("DELETE FROM backtest_sweeps WHERE id = ?1", [s])?,
        None => 0,
    };
    tx.commit()?;
    Ok(Deleted {
        runs: runs as u64,
        sweeps: sweeps as u64,
    })
}

impl RunStore for SqliteStore {
    fn save_run(&mut self, run: &NewRun) -> Result<i64, StoreError> {
        save(&mut self.conn, run)
    }

    fn save_run_with(
        &mut self,
        run: &NewRun,
        with: RunAttachments<'_>,
    ) -> Result<SavedRun, StoreError> {
        let tx = (self.conn).transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = insert(&tx, run)?;
        let features = match with.features {
            Some(f) => super::features::insert(&tx, id, f)?,
            None => 0,
        };
        let journal = match with.journal {
            Some(j) => super::journal::insert_journal(&tx, id, j)?,
            None => JournalSaved::default(),
        };
        tx.commit()?;
        Ok(SavedRun {
            id,
            features,
            journal,
        })
    }

    fn list_runs(&self, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError> {
        list(&self.conn, filter)
    }

    fn get_run(&self, id: i64) -> Result<StoredRun, StoreError> {
        get(&self.conn, id)
    }

    fn delete_run(&mut self, id: i64) -> Result<(), StoreError> {
        delete(&mut self.conn, id)
    }

    fn create_sweep(&mut self, sweep: &NewSweep) -> Result<i64, StoreError> {
        create_sweep(&self.conn, sweep)
    }

    fn finish_sweep(&mut self, id: i64, report: &serde_json::Value) -> Result<(), StoreError> {
        finish_sweep(&self.conn, id, report)
    }

    fn list_sweeps(&self, limit: Option<u64>) -> Result<Vec<SweepSummary>, StoreError> {
        list_sweeps(&self.conn, limit)
    }

    fn get_sweep(&self, id: i64) -> Result<StoredSweep, StoreError> {
        get_sweep(&self.conn, id)
    }

    fn delete_runs(&mut self, selection: &RunSelection) -> Result<Deleted, StoreError> {
        delete_runs(&mut self.conn, selection)
    }
}
