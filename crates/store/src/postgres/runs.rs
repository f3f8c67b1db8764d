//! Backtest runs in PostgreSQL: the run row, then its fills and equity curve by text COPY (an
//! equity curve can hold 100k+ points), all in one transaction. Money, prices and quantities are
//! NUMERIC, written and read as exact decimal text.

use postgres::Client;

use super::copy::TextCopy;
use super::{PgStore, RFC3339};
use crate::decode;
use crate::rows::{count_to_i64, parse_json};
use crate::{
    Deleted, NewRun, NewSweep, RunFilter, RunSelection, RunStore, RunSummary, StoreError,
    StoredRun, StoredSweep, SweepSummary,
};
use crate::{JournalSaved, RunAttachments, SavedRun};

fn summary_columns() -> String {
    format!(
        "id, agent_id, start_date, end_date, initial_capital::text, final_capital::text,
         total_trades, winning_trades, losing_trades, max_drawdown, sharpe_ratio,
         to_char(created_at AT TIME ZONE 'UTC', {RFC3339}), sweep_id, params::text"
    )
}

fn json_text(v: &impl serde::Serialize, field: &str) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Invalid(format!("run {field}: {e}")))
}

pub(super) fn save(client: &mut Client, run: &NewRun) -> Result<i64, StoreError> {
    let mut tx = client.transaction()?;
    let id = insert(&mut tx, run)?;
    tx.commit()?;
    Ok(id)
}

/// Writes `run` (its row, trades and equity curve) in the caller's transaction; its id.
pub(super) fn insert(tx: &mut postgres::Transaction<'_>, run: &NewRun) -> Result<i64, StoreError> {
    let id: i64 = tx
        .query_one(
            "INSERT INTO backtest_runs (agent_id, start_date, end_date, initial_capital,
                 final_capital, total_trades, winning_trades, losing_trades, max_drawdown,
                 sharpe_ratio, config, metrics, data_fingerprint, engine_version, sweep_id,
                 params)
             VALUES ($1, $2, $3, $4::text::numeric, $5::text::numeric, $6, $7, $8, $9, $10,
                     $11::text::jsonb, $12::text::jsonb, $13, $14, $15, $16::text::jsonb)
             RETURNING id",
            &[
                &run.agent_id,
                &run.start.as_i64(),
                &run.end.as_i64(),
                &run.initial_capital.to_string(),
                &run.final_capital.to_string(),
                &count_to_i64(run.total_trades, "total_trades")?,
                &count_to_i64(run.winning_trades, "winning_trades")?,
                &count_to_i64(run.losing_trades, "losing_trades")?,
                &run.max_drawdown,
                &run.sharpe_ratio,
                &json_text(&run.config, "config")?,
                &json_text(&run.metrics, "metrics")?,
                &run.data_fingerprint,
                &run.engine_version,
                &run.sweep_id,
                &run.params
                    .as_ref()
                    .map(|p| json_text(p, "params"))
                    .transpose()?,
            ],
        )?
        .get(0);
    if !run.trades.is_empty() {
        let mut copy = TextCopy::new(tx.copy_in(
            "COPY backtest_trades (run_id, timestamp, action, symbol, quantity, price,
                 commission, pnl, reason) FROM STDIN",
        )?);
        for t in &run.trades {
            copy.plain(id);
            copy.plain(t.timestamp.as_i64());
            copy.text(t.action.as_str());
            copy.text(t.symbol.as_str());
            copy.plain(t.quantity);
            copy.plain(t.price);
            copy.plain(t.commission);
            copy.opt_plain(t.pnl);
            copy.text(&t.reason);
            copy.end_row()?;
        }
        copy.finish()?;
    }
    if !run.equity.is_empty() {
        let mut copy = TextCopy::new(
            tx.copy_in("COPY backtest_equity (run_id, seq, timestamp, equity, cash) FROM STDIN")?,
        );
        for (seq, p) in run.equity.iter().enumerate() {
            copy.plain(id);
            copy.plain(seq);
            copy.plain(p.timestamp.as_i64());
            copy.plain(p.equity);
            copy.plain(p.cash);
            copy.end_row()?;
        }
        copy.finish()?;
    }
    Ok(id)
}

pub(super) fn list(client: &mut Client, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError> {
    let limit = filter.limit.map(|n| count_to_i64(n, "limit")).transpose()?;
    let rows = client.query(
        &format!(
            "SELECT {} FROM backtest_runs
             WHERE ($1::text IS NULL OR agent_id = $1) AND (NOT $3 OR sweep_id IS NULL)
               AND ($4::bigint IS NULL OR sweep_id = $4)
             ORDER BY created_at DESC, id DESC
             LIMIT $2",
            summary_columns()
        ),
        &[
            &filter.agent_id,
            &limit,
            &filter.standalone,
            &filter.sweep_id,
        ],
    )?;
    rows.iter().map(decode::run_summary).collect()
}

pub(super) fn get(client: &mut Client, id: i64) -> Result<StoredRun, StoreError> {
    const T: &str = "backtest_runs";
    let row = client
        .query_opt(
            &format!(
                "SELECT {}, config::text, metrics::text, data_fingerprint, engine_version
                 FROM backtest_runs WHERE id = $1",
                summary_columns()
            ),
            &[&id],
        )?
        .ok_or_else(|| StoreError::NotFound(format!("no backtest run with id {id}")))?;
    let summary = decode::run_summary(&row)?;
    let config = parse_json(row.try_get(14)?, T, "config")?;
    let metrics = parse_json(row.try_get(15)?, T, "metrics")?;

    let trades = client
        .query(
            "SELECT timestamp, symbol, action, quantity::text, price::text, commission::text,
                    pnl::text, reason
             FROM backtest_trades WHERE run_id = $1 ORDER BY id",
            &[&id],
        )?
        .iter()
        .map(decode::run_trade)
        .collect::<Result<Vec<_>, StoreError>>()?;

    let equity = client
        .query(
            "SELECT timestamp, equity::text, cash::text FROM backtest_equity
             WHERE run_id = $1 ORDER BY seq",
            &[&id],
        )?
        .iter()
        .map(decode::equity_point)
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(StoredRun {
        summary,
        config,
        metrics,
        data_fingerprint: row.try_get(16)?,
        engine_version: row.try_get(17)?,
        trades,
        equity,
    })
}

pub(super) fn delete(client: &mut Client, id: i64) -> Result<(), StoreError> {
    let n = client.execute("DELETE FROM backtest_runs WHERE id = $1", &[&id])?;
    if n == 0 {
        return Err(StoreError::NotFound(format!(
            "no backtest run with id {id}"
        )));
    }
    Ok(())
}

fn sweep_columns() -> String {
    format!(
        "s.id, s.agent_id, s.metric, s.grid::text, s.keep,
         (SELECT count(*) FROM backtest_runs r WHERE r.sweep_id = s.id),
         to_char(s.created_at AT TIME ZONE 'UTC', {RFC3339})"
    )
}

fn sweep_row(r: &postgres::Row) -> Result<SweepSummary, StoreError> {
    const T: &str = "backtest_sweeps";
    Ok(SweepSummary {
        id: r.try_get(0)?,
        agent_id: r.try_get(1)?,
        metric: r.try_get(2)?,
        grid: parse_json(r.try_get(3)?, T, "grid")?,
        keep: r.try_get(4)?,
        runs: crate::rows::i64_to_count(r.try_get(5)?, T, "runs")?,
        created_at: r.try_get(6)?,
    })
}

fn delete_runs(client: &mut Client, sel: &RunSelection) -> Result<Deleted, StoreError> {
    crate::rows::check_selection(sel)?;
    let mut tx = client.transaction()?;
    for id in &sel.ids {
        if tx
            .query_opt("SELECT 1 FROM backtest_runs WHERE id = $1", &[id])?
            .is_none()
        {
            return Err(StoreError::NotFound(format!(
                "no backtest run with id {id}"
            )));
        }
    }
    if let Some(s) = sel.sweep_id
        && tx
            .query_opt("SELECT 1 FROM backtest_sweeps WHERE id = $1", &[&s])?
            .is_none()
    {
        return Err(StoreError::NotFound(format!("no sweep with id {s}")));
    }
    let runs = tx.execute(
        "DELETE FROM backtest_runs
         WHERE (cardinality($1::bigint[]) = 0 OR id = ANY($1))
           AND ($2::bigint IS NULL OR sweep_id = $2)
           AND ($3::text IS NULL OR agent_id = $3)
           AND ($4::text IS NULL OR created_at < $4::text::timestamptz)",
        &[
            &sel.ids,
            &sel.sweep_id,
            &sel.agent_id,
            &sel.before.map(crate::rows::rfc3339_micros),
        ],
    )?;
    let sweeps = match sel.sweep_id {
        Some(s) => tx.execute("DELETE FROM backtest_sweeps WHERE id = $1", &[&s])?,
        None => 0,
    };
    tx.commit()?;
    Ok(Deleted { runs, sweeps })
}

impl RunStore for PgStore {
    fn save_run(&mut self, run: &NewRun) -> Result<i64, StoreError> {
        save(self.client.get_mut(), run)
    }

    fn save_run_with(
        &mut self,
        run: &NewRun,
        with: RunAttachments<'_>,
    ) -> Result<SavedRun, StoreError> {
        let mut tx = self.client.get_mut().transaction()?;
        let id = insert(&mut tx, run)?;
        let features = match with.features {
            Some(f) => super::features::insert(&mut tx, id, f)?,
            None => 0,
        };
        let journal = match with.journal {
            Some(j) => super::journal::insert_journal(&mut tx, id, j)?,
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
        list(&mut self.client.borrow_mut(), filter)
    }

    fn get_run(&self, id: i64) -> Result<StoredRun, StoreError> {
        get(&mut self.client.borrow_mut(), id)
    }

    fn delete_run(&mut self, id: i64) -> Result<(), StoreError> {
        delete(self.client.get_mut(), id)
    }

    fn create_sweep(&mut self, s: &NewSweep) -> Result<i64, StoreError> {
        Ok(self
            .client
            .get_mut()
            .query_one(
                "INSERT INTO backtest_sweeps (agent_id, metric, grid, keep)
                 VALUES ($1, $2, $3::text::jsonb, $4) RETURNING id",
                &[
                    &s.agent_id,
                    &s.metric,
                    &json_text(&s.grid, "grid")?,
                    &s.keep,
                ],
            )?
            .get(0))
    }

    fn finish_sweep(&mut self, id: i64, report: &serde_json::Value) -> Result<(), StoreError> {
        let n = self.client.get_mut().execute(
            "UPDATE backtest_sweeps SET report = $2::text::jsonb WHERE id = $1",
            &[&id, &json_text(report, "report")?],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("no sweep with id {id}")));
        }
        Ok(())
    }

    fn list_sweeps(&self, limit: Option<u64>) -> Result<Vec<SweepSummary>, StoreError> {
        let limit = limit.map(|n| count_to_i64(n, "limit")).transpose()?;
        let rows = self.client.borrow_mut().query(
            &format!(
                "SELECT {} FROM backtest_sweeps s ORDER BY s.created_at DESC, s.id DESC LIMIT $1",
                sweep_columns()
            ),
            &[&limit],
        )?;
        rows.iter().map(sweep_row).collect()
    }

    fn get_sweep(&self, id: i64) -> Result<StoredSweep, StoreError> {
        let row = self
            .client
            .borrow_mut()
            .query_opt(
                &format!(
                    "SELECT {}, s.report::text FROM backtest_sweeps s WHERE s.id = $1",
                    sweep_columns()
                ),
                &[&id],
            )?
            .ok_or_else(|| StoreError::NotFound(format!("no sweep with id {id}")))?;
        Ok(StoredSweep {
            summary: sweep_row(&row)?,
            report: parse_json(row.try_get(7)?, "backtest_sweeps", "report")?,
        })
    }

    fn delete_runs(&mut self, selection: &RunSelection) -> Result<Deleted, StoreError> {
        delete_runs(self.client.get_mut(), selection)
    }
}
