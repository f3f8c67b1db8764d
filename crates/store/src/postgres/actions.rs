//! Corporate actions in PostgreSQL: a few rows per symbol and year, so one statement per row
//! inside one transaction.

use domain::{CorporateAction, Symbol};
use postgres::Client;

use super::PgStore;
use super::bars::intern;
use crate::actions_rows::{action, check_unique, columns};
use crate::{ActionStore, StoreError, UpsertCounts};

fn upsert(client: &mut Client, actions: &[CorporateAction]) -> Result<UpsertCounts, StoreError> {
    check_unique(actions)?;
    let mut tx = client.transaction()?;
    let mut counts = UpsertCounts::default();
    for a in actions {
        let sid = intern(&mut tx, &a.symbol)?;
        let c = columns(a);
        let date = a.ex_date.to_string();
        let (from, to) = (c.split_from.map(|v| v as i32), c.split_to.map(|v| v as i32));
        let was = tx.query_opt(
            "SELECT split_from, split_to, amount FROM corporate_actions
             WHERE symbol_id = $1 AND ex_date = $2::text::date AND kind = $3",
            &[&sid, &date, &c.kind],
        )?;
        let was: Option<(Option<i32>, Option<i32>, Option<i64>)> = match was {
            Some(r) => Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)),
            None => None,
        };
        let now = (from, to, c.amount);
        match was {
            Some(w) if w == now => counts.unchanged += 1,
            w => {
                tx.execute(
                    "INSERT INTO corporate_actions
                         (symbol_id, ex_date, kind, split_from, split_to, amount)
                     VALUES ($1, $2::text::date, $3, $4, $5, $6)
                     ON CONFLICT (symbol_id, ex_date, kind) DO UPDATE SET
                         split_from = excluded.split_from, split_to = excluded.split_to,
                         amount = excluded.amount",
                    &[&sid, &date, &c.kind, &now.0, &now.1, &now.2],
                )?;
                if w.is_some() {
                    counts.updated += 1;
                } else {
                    counts.inserted += 1;
                }
            }
        }
    }
    tx.commit()?;
    Ok(counts)
}

fn of_symbol(client: &mut Client, symbol: &Symbol) -> Result<Vec<CorporateAction>, StoreError> {
    let rows = client.query(
        "SELECT s.symbol, to_char(a.ex_date, 'YYYY-MM-DD'), a.kind, a.split_from::int8,
                a.split_to::int8, a.amount
         FROM corporate_actions a JOIN symbols s ON s.id = a.symbol_id
         WHERE s.symbol = $1
         ORDER BY a.ex_date, a.kind",
        &[&symbol.as_str()],
    )?;
    rows.iter().map(action).collect()
}

impl ActionStore for PgStore {
    fn upsert_actions(&mut self, actions: &[CorporateAction]) -> Result<UpsertCounts, StoreError> {
        upsert(self.client.get_mut(), actions)
    }

    fn actions(&self, symbol: &Symbol) -> Result<Vec<CorporateAction>, StoreError> {
        of_symbol(&mut self.client.borrow_mut(), symbol)
    }
}
