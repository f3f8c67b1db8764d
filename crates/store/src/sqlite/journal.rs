//! The journal tables in SQLite: each table's rows in multi-row INSERTs of [`ROWS`] rows (the
//! run id bound once per statement), all tables in one transaction; read back in time order.

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, ToSql, TransactionBehavior};

use super::SqliteStore;
use super::insert::{InsertShape, insert_sql};
use crate::journal_rows::{Cell, Cursor, JournalRow, JournalSaved};
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

fn insert<T: JournalRow>(
    tx: &rusqlite::Transaction<'_>,
    run: i64,
    rows: &[T],
) -> Result<u64, StoreError> {
    let columns: Vec<&str> = T::COLUMNS.iter().map(|(c, _)| *c).collect();
    let shape = InsertShape {
        table: T::TABLE,
        shared: &["run_id"],
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
        params.push(&run);
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
    let rows = insert(tx, run, &j.signals)?
        + insert(tx, run, &j.vetoes)?
        + insert(tx, run, &j.orders)?
        + insert(tx, run, &j.order_events)?
        + insert(tx, run, &j.fills)?
        + insert(tx, run, &j.ledger)?
        + insert(tx, run, &j.snapshots)?
        + insert(tx, run, &j.risk_days)?;
    Ok(JournalSaved { rows })
}

/// Run `run`'s rows of `T`'s table in time order, filtered by `extra` (an SQL condition on
/// `?2`, bound to `arg`).
fn read<T: JournalRow>(
    conn: &Connection,
    run: i64,
    extra: Option<(&str, String)>,
) -> Result<Vec<T>, StoreError> {
    let columns: Vec<&str> = T::COLUMNS.iter().map(|(c, _)| *c).collect();
    let (cond, arg) = match extra {
        Some((c, a)) => (format!(" AND {c}"), a),
        None => (String::new(), String::new()),
    };
    let sql = format!(
        "SELECT {} FROM {} WHERE run_id = ?1{cond} ORDER BY ts, {}",
        columns.join(", "),
        T::TABLE,
        columns[0]
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = if cond.is_empty() {
        stmt.query(rusqlite::params![run])?
    } else {
        stmt.query(rusqlite::params![run, arg])?
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
        let c = &self.conn;
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
        let filter = (!statuses.is_empty()).then(|| {
            let list: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
            (
                "status IN (SELECT value FROM json_each(?2))",
                serde_json::to_string(&list).expect("a list of strings serializes"),
            )
        });
        read(&self.conn, run, filter)
    }
}
