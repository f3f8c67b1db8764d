//! The journal tables in PostgreSQL: each table by text COPY under its owner (a run id or a paper
//! session's name), all in one transaction; read back in time order with NUMERIC and JSONB
//! columns as text and flags as integers, as the shared decoder expects. A run's journal is
//! written once; a session's is replaced whole ([`replace_session_journal`]).

use postgres::Client;

use super::PgStore;
use super::copy::TextCopy;
use crate::journal_rows::{Cell, Cursor, JournalRow, JournalSaved, Kind, Owner, TABLES};
use crate::{JournalStore, StoreError};
use domain::journal::{Journal, SignalRecord, SignalStatus};

fn copy<T: JournalRow>(
    tx: &mut postgres::Transaction<'_>,
    owner: Owner<'_>,
    rows: &[T],
) -> Result<u64, StoreError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let columns: Vec<&str> = T::COLUMNS.iter().map(|(c, _)| *c).collect();
    let sql = format!(
        "COPY {} ({}, {}) FROM STDIN",
        T::TABLE,
        owner.column(),
        columns.join(", ")
    );
    let mut out = TextCopy::new(tx.copy_in(&sql)?);
    let mut cells = Vec::with_capacity(columns.len());
    for (k, r) in rows.iter().enumerate() {
        cells.clear();
        r.cells(k as u64 + 1, &mut cells);
        match owner {
            Owner::Run(id) => out.plain(id),
            Owner::Session(name) => out.text(name),
        }
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
    copy_all(tx, Owner::Run(run), j)
}

/// Replaces paper session `name`'s journal rows with `j` in the caller's transaction (which
/// has checked that the session exists).
pub(super) fn replace_session_journal(
    tx: &mut postgres::Transaction<'_>,
    name: &str,
    j: &Journal,
) -> Result<JournalSaved, StoreError> {
    delete_session_journal(tx, name)?;
    copy_all(tx, Owner::Session(name), j)
}

/// Deletes paper session `name`'s journal rows in the caller's transaction.
pub(super) fn delete_session_journal(
    tx: &mut postgres::Transaction<'_>,
    name: &str,
) -> Result<(), StoreError> {
    for table in TABLES {
        tx.execute(
            &format!("DELETE FROM {table} WHERE session_id = $1"),
            &[&name],
        )?;
    }
    Ok(())
}

fn copy_all(
    tx: &mut postgres::Transaction<'_>,
    owner: Owner<'_>,
    j: &Journal,
) -> Result<JournalSaved, StoreError> {
    let rows = copy(tx, owner, &j.signals)?
        + copy(tx, owner, &j.vetoes)?
        + copy(tx, owner, &j.orders)?
        + copy(tx, owner, &j.order_events)?
        + copy(tx, owner, &j.fills)?
        + copy(tx, owner, &j.ledger)?
        + copy(tx, owner, &j.snapshots)?
        + copy(tx, owner, &j.risk_days)?;
    Ok(JournalSaved { rows })
}

/// `owner`'s whole journal, each table in time order; empty tables when none was stored.
pub(super) fn read_journal(client: &mut Client, owner: Owner<'_>) -> Result<Journal, StoreError> {
    Ok(Journal {
        signals: read(client, owner, None)?,
        vetoes: read(client, owner, None)?,
        orders: read(client, owner, None)?,
        order_events: read(client, owner, None)?,
        fills: read(client, owner, None)?,
        ledger: read(client, owner, None)?,
        snapshots: read(client, owner, None)?,
        risk_days: read(client, owner, None)?,
    })
}

/// `owner`'s rows of `T`'s table in time order, those whose status is in `statuses` when given.
fn read<T: JournalRow>(
    client: &mut Client,
    owner: Owner<'_>,
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
        "SELECT {} FROM {} WHERE {} = $1{cond} ORDER BY ts, {}",
        select.join(", "),
        T::TABLE,
        owner.column(),
        T::COLUMNS[0].0
    );
    let key: &(dyn postgres::types::ToSql + Sync) = match &owner {
        Owner::Run(id) => id,
        Owner::Session(name) => name,
    };
    let rows = match &statuses {
        Some(s) => client.query(&sql, &[key, s])?,
        None => client.query(&sql, &[key])?,
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
        read_journal(&mut self.client.borrow_mut(), Owner::Run(run))
    }

    fn signals(
        &self,
        run: i64,
        statuses: &[SignalStatus],
    ) -> Result<Vec<SignalRecord>, StoreError> {
        let filter = (!statuses.is_empty())
            .then(|| statuses.iter().map(|s| s.as_str().to_owned()).collect());
        read(&mut self.client.borrow_mut(), Owner::Run(run), filter)
    }
}
