//! The journal tables in PostgreSQL: each table by text COPY, all in one transaction; read back
//! in time order with NUMERIC and JSONB columns as text and flags as integers, as the shared
//! decoder expects.

use postgres::Client;

use super::PgStore;
use super::copy::TextCopy;
use crate::journal_rows::{Cell, Cursor, JournalRow, JournalSaved, Kind};
use crate::{JournalStore, StoreError};
use domain::journal::{Journal, SignalRecord, SignalStatus};

fn copy<T: JournalRow>(
    tx: &mut postgres::Transaction<'_>,
    run: i64,
    rows: &[T],
) -> Result<u64, StoreError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let columns: Vec<&str> = T::COLUMNS.iter().map(|(c, _)| *c).collect();
    let sql = format!(
        "COPY {} (run_id, {}) FROM STDIN",
        T::TABLE,
        columns.join(", ")
    );
    let mut out = TextCopy::new(tx.copy_in(&sql)?);
    let mut cells = Vec::with_capacity(columns.len());
    for (k, r) in rows.iter().enumerate() {
        cells.clear();
        r.cells(k as u64 + 1, &mut cells);
        out.plain(run);
        for c in &cells {
            match c {
                Cell::Null => out.opt_plain(None::<i64>),
                Cell::Int(v) => out.plain(v),
                Cell::Real(v) => out.plain(v),
                Cell::Text(t) => out.text(t),
                Cell::Dec(t) => out.plain(t.as_str()),
                Cell::Bool(b) => out.plain(if *b { "t" } else { "f" }),
            }
        }
        out.end_row()?;
    }
    out.finish()?;
    Ok(rows.len() as u64)
}

fn save(client: &mut Client, run: i64, j: &Journal) -> Result<JournalSaved, StoreError> {
    let mut tx = client.transaction()?;
    let saved = insert_journal(&mut tx, run, j)?;
    tx.commit()?;
    Ok(saved)
}

/// Writes run `run`'s journal in the caller's transaction.
pub(super) fn insert_journal(
    tx: &mut postgres::Transaction<'_>,
    run: i64,
    j: &Journal,
) -> Result<JournalSaved, StoreError> {
    let found: i64 = tx
        .query_one("SELECT count(*) FROM backtest_runs WHERE id = $1", &[&run])?
        .get(0);
    if found == 0 {
        return Err(StoreError::NotFound(format!(
            "no backtest run with id {run}"
        )));
    }
    let rows = copy(tx, run, &j.signals)?
        + copy(tx, run, &j.vetoes)?
        + copy(tx, run, &j.orders)?
        + copy(tx, run, &j.order_events)?
        + copy(tx, run, &j.fills)?
        + copy(tx, run, &j.ledger)?
        + copy(tx, run, &j.snapshots)?
        + copy(tx, run, &j.risk_days)?;
    Ok(JournalSaved { rows })
}

fn read<T: JournalRow>(
    client: &mut Client,
    run: i64,
    statuses: Option<Vec<String>>,
) -> Result<Vec<T>, StoreError> {
    let select: Vec<String> = T::COLUMNS
        .iter()
        .map(|(c, k)| match k {
            Kind::Decimal | Kind::Json => format!("{c}::text"),
            Kind::Bool => format!("{c}::int4::int8"),
            Kind::Int | Kind::Real | Kind::Text => (*c).to_owned(),
        })
        .collect();
    let cond = if statuses.is_some() {
        " AND status = ANY($2)"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {} FROM {} WHERE run_id = $1{cond} ORDER BY ts, {}",
        select.join(", "),
        T::TABLE,
        T::COLUMNS[0].0
    );
    let rows = match &statuses {
        Some(s) => client.query(&sql, &[&run, s])?,
        None => client.query(&sql, &[&run])?,
    };
    rows.iter()
        .map(|r| T::decode(&mut Cursor::new(r, T::TABLE)))
        .collect()
}

impl JournalStore for PgStore {
    fn save_journal(&mut self, run: i64, journal: &Journal) -> Result<JournalSaved, StoreError> {
        save(self.client.get_mut(), run, journal)
    }

    fn journal(&self, run: i64) -> Result<Journal, StoreError> {
        let c = &mut self.client.borrow_mut();
        Ok(Journal {
            signals: read(c, run, None)?,
            vetoes: read(c, run, None)?,
            orders: read(c, run, None)?,
            order_events: read(c, run, None)?,
            fills: read(c, run, None)?,
            ledger: read(c, run, None)?,
            snapshots: read(c, run, None)?,
            risk_days: read(c, run, None)?,
        })
    }

    fn signals(
        &self,
        run: i64,
        statuses: &[SignalStatus],
    ) -> Result<Vec<SignalRecord>, StoreError> {
        let filter = (!statuses.is_empty())
            .then(|| statuses.iter().map(|s| s.as_str().to_owned()).collect());
        read(&mut self.client.borrow_mut(), run, filter)
    }
}
