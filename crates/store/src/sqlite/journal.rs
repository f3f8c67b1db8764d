//! The journal tables in SQLite: each table's rows in multi-row INSERTs of [`ROWS`] rows (the
//! owner, a run id or a paper session's name, bound once per statement), all tables in one
//! transaction; read back in time order. A run's journal is written once; a session's is
//! replaced whole ([`replace_session_journal`]).

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, ToSql, TransactionBehavior};

use super::SqliteStore;
use super::insert::{InsertShape, insert_sql};
use crate::journal_rows::{Cell, Cursor, JournalRow, JournalSaved, Owner, TABLES};
use crate::{JournalStore, StoreError};
use domain::journal::{Journal, SignalRecord, SignalStatus};

/// Rows per INSERT: enough to leave the per-statement cost behind, far below SQLite's 32766
/// bound parameters at the widest table (15 columns).
const ROWS: usize = 128;

impl ToSql for Cell<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Cell::Null => ToSqlOutput::Owned(Value::Null),
            Cell::Int(v) => ToSqlOutput::Owned(Value::Integer(*v)),
            Cell::Real(v) => ToSqlOutput::Owned(Value::Real(*v)),
            Cell::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Cell::Dec(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_str().as_bytes())),
            Cell::Bool(b) => ToSqlOutput::Owned(Value::Integer(i64::from(*b))),
        })
    }
}

impl ToSql for Owner<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Owner::Run(id) => ToSqlOutput::Owned(Value::Integer(*id)),
            Owner::Session(name) => ToSqlOutput::Borrowed(ValueRef::Text(name.as_bytes())),
        })
    }
}

fn insert<T: JournalRow>(
    tx: &rusqlite::Transaction<'_>,
    owner: Owner<'_>,
    rows: &[T],
) -> Result<u64, StoreError> {
    let columns: Vec<&str> = T::COLUMNS.iter().map(|(c, _)| *c).collect();
    let shape = InsertShape {
        table: T::TABLE,
        shared: &[owner.column()],
        row_keys: &[],
        values: &columns,
        conflict: "",
        or_fail: true,
    };
    let mut cells: Vec<Cell<'_>> = Vec::with_capacity(ROWS * columns.len());
    // The statement for a whole block is made once (the last block may be shorter).
    let full = insert_sql(&shape, ROWS, false);
    for (b, block) in rows.chunks(ROWS).enumerate() {
        cells.clear();
        for (k, r) in block.iter().enumerate() {
            r.cells((b * ROWS + k) as u64 + 1, &mut cells);
        }
        let mut params: Vec<&dyn ToSql> = Vec::with_capacity(cells.len() + 1);
        params.push(&owner);
        params.extend(cells.iter().map(|c| c as &dyn ToSql));
        let mut stmt = if block.len() == ROWS {
            tx.prepare_cached(&full)?
        } else {
            tx.prepare_cached(&insert_sql(&shape, block.len(), false))?
        };
        stmt.execute(params.as_slice())?;
    }
    Ok(rows.len() as u64)
}

fn save(conn: &mut Connection, run: i64, j: &Journal) -> Result<JournalSaved, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let saved = insert_journal(&tx, run, j)?;
    tx.commit()?;
    Ok(saved)
}

/// Writes run `run`'s journal in the caller's transaction.
pub(super) fn insert_journal(
    tx: &rusqlite::Transaction<'_>,
    run: i64,
    j: &Journal,
) -> Result<JournalSaved, StoreError> {
    let found: i64 = tx.query_row(
        "SELECT count(*) FROM backtest_runs WHERE id = ?1",
        [run],
        |r| r.get(0),
    )?;
    if found == 0 {
        return Err(StoreError::NotFound(format!(
            "no backtest run with id {run}"
        )));
    }
    insert_all(tx, Owner::Run(run), j)
}

/// Replaces paper session `name`'s journal rows with `j` in the caller's transaction (which
/// has checked that the session exists).
pub(super) fn replace_session_journal(
    tx: &rusqlite::Transaction<'_>,
    name: &str,
    j: &Journal,
) -> Result<JournalSaved, StoreError> {
    delete_session_journal(tx, name)?;
    insert_all(tx, Owner::Session(name), j)
}

/// Deletes paper session `name`'s journal rows in the caller's transaction.
pub(super) fn delete_session_journal(
    tx: &rusqlite::Transaction<'_>,
    name: &str,
) -> Result<(), StoreError> {
    for table in TABLES {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE session_id = ?1"))?
            .execute([name])?;
    }
    Ok(())
}

fn insert_all(
    tx: &rusqlite::Transaction<'_>,
    owner: Owner<'_>,
    j: &Journal,
) -> Result<JournalSaved, StoreError> {
    let rows = insert(tx, owner, &j.signals)?
        + insert(tx, owner, &j.vetoes)?
        + insert(tx, owner, &j.orders)?
        + insert(tx, owner, &j.order_events)?
        + insert(tx, owner, &j.fills)?
        + insert(tx, owner, &j.ledger)?
        + insert(tx, owner, &j.snapshots)?
        + insert(tx, owner, &j.risk_days)?;
    Ok(JournalSaved { rows })
}

/// `owner`'s whole journal, each table in time order; empty tables when none was stored.
pub(super) fn read_journal(conn: &Connection, owner: Owner<'_>) -> Result<Journal, StoreError> {
    Ok(Journal {
        signals: read(conn, owner, None)?,
        vetoes: read(conn, owner, None)?,
        orders: read(conn, owner, None)?,
        order_events: read(conn, owner, None)?,
        fills: read(conn, owner, None)?,
        ledger: read(conn, owner, None)?,
        snapshots: read(conn, owner, None)?,
        risk_days: read(conn, owner, None)?,
    })
}

/// `owner`'s rows of `T`'s table in time order, filtered by `extra` (an SQL condition on
/// `?2`, bound to `arg`).
fn read<T: JournalRow>(
    conn: &Connection,
    owner: Owner<'_>,
    extra: Option<(&str, String)>,
) -> Result<Vec<T>, StoreError> {
    let columns: Vec<&str> = T::COLUMNS.iter().map(|(c, _)| *c).collect();
    let (cond, arg) = match extra {
        Some((c, a)) => (format!(" AND {c}"), a),
        None => (String::new(), String::new()),
    };
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = ?1{cond} ORDER BY ts, {}",
        columns.join(", "),
        T::TABLE,
        owner.column(),
        columns[0]
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = if cond.is_empty() {
        stmt.query(rusqlite::params![owner])?
    } else {
        stmt.query(rusqlite::params![owner, arg])?
    };
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(T::decode(&mut Cursor::new(row, T::TABLE))?);
    }
    Ok(out)
}

impl JournalStore for SqliteStore {
    fn save_journal(&mut self, run: i64, journal: &Journal) -> Result<JournalSaved, StoreError> {
        save(&mut self.conn, run, journal)
    }

    fn journal(&self, run: i64) -> Result<Journal, StoreError> {
        read_journal(&self.conn, Owner::Run(run))
    }

    fn signals(
        &self,
        run: i64,
        statuses: &[SignalStatus],
    ) -> Result<Vec<SignalRecord>, StoreError> {
        let filter = (!statuses.is_empty()).then(|| {
            let list: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
            (
                "status IN (SELECT value FROM json_each(?2))",
                serde_json::to_string(&list).expect("a list of strings serializes"),
            )
        });
        read(&self.conn, Owner::Run(run), filter)
    }
}
