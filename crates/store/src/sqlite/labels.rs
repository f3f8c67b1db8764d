//! Labels in SQLite: a run's set replaced in one transaction, its labels inserted `ROWS` to a
//! statement, prices as exact decimal text.

use rusqlite::{Connection, OptionalExtension, ToSql, TransactionBehavior, params};

use super::SqliteStore;
use crate::labels::{COLUMNS, label_row, params as parse_params};
use crate::rows::{count_to_i64, now_rfc3339};
use crate::{LabelRow, LabelSet, LabelStore, StoreError};

/// Labels per INSERT: 32 × 17 values, far below SQLite's 32766 bound parameters.
const ROWS: usize = 32;
const FIELDS: usize = 17;

fn insert_sql(rows: usize) -> String {
    let one = format!("({})", vec!["?"; FIELDS].join(", "));
    format!(
        "INSERT INTO ml_labels (run_id, {COLUMNS}) VALUES {}",
        vec![one.as_str(); rows].join(", ")
    )
}

fn save(
    conn: &mut Connection,
    run_id: i64,
    params_json: &serde_json::Value,
    labels: &[LabelRow],
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let known: Option<i64> = tx
        .query_row(
            "SELECT id FROM backtest_runs WHERE id = ?1",
            [run_id],
            |r| r.get(0),
        )
        .optional()?;
    if known.is_none() {
        return Err(StoreError::NotFound(format!("no run with id {run_id}")));
    }
    tx.execute("DELETE FROM ml_label_sets WHERE run_id = ?1", [run_id])?;
    tx.execute(
        "INSERT INTO ml_label_sets (run_id, params, labels, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            run_id,
            params_json.to_string(),
            count_to_i64(labels.len() as u64, "labels")?,
            now_rfc3339()
        ],
    )?;
    for block in labels.chunks(ROWS) {
        let text: Vec<[Option<String>; 5]> = block
            .iter()
            .map(|l| {
                [
                    Some(l.symbol.to_string()),
                    Some(l.entry_price.to_string()),
                    l.take_profit.map(|p| p.to_string()),
                    l.stop_loss.map(|p| p.to_string()),
                    Some(l.exit_price.to_string()),
                ]
            })
            .collect();
        let ints: Vec<[Option<i64>; 7]> = block
            .iter()
            .map(|l| {
                [
                    Some(l.t0.as_i64()),
                    l.side.map(i64::from),
                    Some(l.entry_time.as_i64()),
                    Some(l.t1.as_i64()),
                    Some(i64::from(l.label)),
                    l.meta_label.map(i64::from),
                    Some(l.signal_id),
                ]
            })
            .collect();
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(block.len() * FIELDS);
        for ((l, [sym, entry, tp, sl, exit]), [t0, side, et, t1, label, meta, id]) in
            block.iter().zip(&text).zip(&ints)
        {
            values.extend([
                &run_id as &dyn ToSql,
                id,
                sym,
                t0,
                side,
                et,
                entry,
                tp,
                sl,
                t1,
                exit,
                &l.barrier,
                &l.ret,
                label,
                meta,
                &l.weight_uniqueness,
                &l.weight_return,
            ]);
        }
        tx.prepare_cached(&insert_sql(block.len()))?
            .execute(values.as_slice())?;
    }
    tx.commit()?;
    Ok(())
}

fn load(conn: &Connection, run_id: i64) -> Result<Option<LabelSet>, StoreError> {
    let head: Option<(String, String)> = conn
        .query_row(
            "SELECT params, created_at FROM ml_label_sets WHERE run_id = ?1",
            [run_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((params_text, created_at)) = head else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM ml_labels WHERE run_id = ?1 ORDER BY t0, signal_id"
    ))?;
    let mut rows = stmt.query([run_id])?;
    let mut labels = Vec::new();
    while let Some(r) = rows.next()? {
        labels.push(label_row(r)?);
    }
    Ok(Some(LabelSet {
        run_id,
        params: parse_params(&params_text)?,
        created_at,
        labels,
    }))
}

impl LabelStore for SqliteStore {
    fn save_labels(
        &mut self,
        run_id: i64,
        params: &serde_json::Value,
        labels: &[LabelRow],
    ) -> Result<(), StoreError> {
        save(&mut self.conn, run_id, params, labels)
    }

    fn labels(&self, run_id: i64) -> Result<Option<LabelSet>, StoreError> {
        load(&self.conn, run_id)
    }
}
