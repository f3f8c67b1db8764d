//! Corporate actions in SQLite: a few rows per symbol and year, so one by one through cached
//! statements inside one transaction.

use domain::{CorporateAction, Symbol};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::SqliteStore;
use super::bars::intern;
use crate::actions_rows::{action, check_unique, columns};
use crate::{ActionStore, StoreError, UpsertCounts};

fn upsert(conn: &mut Connection, actions: &[CorporateAction]) -> Result<UpsertCounts, StoreError> {
    check_unique(actions)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut counts = UpsertCounts::default();
    {
        let mut existing = tx.prepare_cached(
            "SELECT split_from, split_to, amount FROM corporate_actions
             WHERE symbol_id = ?1 AND ex_date = ?2 AND kind = ?3",
        )?;
        let mut write = tx.prepare_cached(
            "INSERT INTO corporate_actions (symbol_id, ex_date, kind, split_from, split_to, amount)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (symbol_id, ex_date, kind) DO UPDATE SET
                 split_from = excluded.split_from, split_to = excluded.split_to,
                 amount = excluded.amount",
        )?;
        for a in actions {
            let sid = intern(&tx, &a.symbol)?;
            let c = columns(a);
            let date = a.ex_date.to_string();
            let was: Option<(Option<i64>, Option<i64>, Option<i64>)> = existing
                .query_row(params![sid, date, c.kind], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            let now = (c.split_from, c.split_to, c.amount);
            match was {
                Some(w) if w == now => counts.unchanged += 1,
                w => {
                    write.execute(params![sid, date, c.kind, now.0, now.1, now.2])?;
                    if w.is_some() {
                        counts.updated += 1;
                    } else {
                        counts.inserted += 1;
                    }
                }
            }
        }
    }
    tx.commit()?;
    Ok(counts)
}

fn of_symbol(conn: &Connection, symbol: &Symbol) -> Result<Vec<CorporateAction>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.symbol, a.ex_date, a.kind, a.split_from, a.split_to, a.amount
         FROM corporate_actions a JOIN symbols s ON s.id = a.symbol_id
         WHERE s.symbol = ?1
         ORDER BY a.ex_date, a.kind",
    )?;
    let mut rows = stmt.query([symbol.as_str()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(action(r)?);
    }
    Ok(out)
}

impl ActionStore for SqliteStore {
    fn upsert_actions(&mut self, actions: &[CorporateAction]) -> Result<UpsertCounts, StoreError> {
        upsert(&mut self.conn, actions)
    }

    fn actions(&self, symbol: &Symbol) -> Result<Vec<CorporateAction>, StoreError> {
        of_symbol(&self.conn, symbol)
    }
}
