//! Labels in PostgreSQL: a run's set replaced in one transaction, its labels by text COPY,
//! prices NUMERIC written and read as exact decimal text.

use postgres::Client;

use super::PgStore;
use super::copy::TextCopy;
use crate::labels::{label_row, params as parse_params};
use crate::rows::{count_to_i64, now_rfc3339};
use crate::{LabelRow, LabelSet, LabelStore, StoreError};

fn save(
    client: &mut Client,
    run_id: i64,
    params: &serde_json::Value,
    labels: &[LabelRow],
) -> Result<(), StoreError> {
    let mut tx = client.transaction()?;
    if tx
        .query_opt("SELECT id FROM backtest_runs WHERE id = $1", &[&run_id])?
        .is_none()
    {
        return Err(StoreError::NotFound(format!("no run with id {run_id}")));
    }
    tx.execute("DELETE FROM ml_label_sets WHERE run_id = $1", &[&run_id])?;
    tx.execute(
        "INSERT INTO ml_label_sets (run_id, params, labels, created_at)
         VALUES ($1, $2::text::json, $3, $4)",
        &[
            &run_id,
            &params.to_string(),
            &count_to_i64(labels.len() as u64, "labels")?,
            &now_rfc3339(),
        ],
    )?;
    if !labels.is_empty() {
        let mut copy = TextCopy::new(tx.copy_in(
            "COPY ml_labels (run_id, signal_id, symbol, t0, side, entry_time, entry_price,
                 take_profit, stop_loss, t1, exit_price, barrier, ret, label, meta_label,
                 weight_uniqueness, weight_return) FROM STDIN",
        )?);
        for l in labels {
            copy.plain(run_id);
            copy.plain(l.signal_id);
            copy.text(l.symbol.as_str());
            copy.plain(l.t0.as_i64());
            copy.opt_plain(l.side);
            copy.plain(l.entry_time.as_i64());
            copy.plain(l.entry_price);
            copy.opt_plain(l.take_profit);
            copy.opt_plain(l.stop_loss);
            copy.plain(l.t1.as_i64());
            copy.plain(l.exit_price);
            copy.text(&l.barrier);
            copy.plain(l.ret);
            copy.plain(l.label);
            copy.opt_plain(l.meta_label);
            copy.plain(l.weight_uniqueness);
            copy.plain(l.weight_return);
            copy.end_row()?;
        }
        copy.finish()?;
    }
    tx.commit()?;
    Ok(())
}

fn load(client: &mut Client, run_id: i64) -> Result<Option<LabelSet>, StoreError> {
    let Some(head) = client.query_opt(
        "SELECT params::text, created_at FROM ml_label_sets WHERE run_id = $1",
        &[&run_id],
    )?
    else {
        return Ok(None);
    };
    let rows = client.query(
        "SELECT signal_id, symbol, t0, side::int8, entry_time, entry_price::text,
                take_profit::text, stop_loss::text, t1, exit_price::text, barrier, ret,
                label::int8, meta_label::int8, weight_uniqueness, weight_return
         FROM ml_labels WHERE run_id = $1 ORDER BY t0, signal_id",
        &[&run_id],
    )?;
    let labels = rows.iter().map(label_row).collect::<Result<Vec<_>, _>>()?;
    Ok(Some(LabelSet {
        run_id,
        params: parse_params(&head.try_get::<_, String>(0)?)?,
        created_at: head.try_get(1)?,
        labels,
    }))
}

impl LabelStore for PgStore {
    fn save_labels(
        &mut self,
        run_id: i64,
        params: &serde_json::Value,
        labels: &[LabelRow],
    ) -> Result<(), StoreError> {
        save(self.client.get_mut(), run_id, params, labels)
    }

    fn labels(&self, run_id: i64) -> Result<Option<LabelSet>, StoreError> {
        load(&mut self.client.borrow_mut(), run_id)
    }
}
