//! Paper sessions in SQLite: the session row, its inputs inserted one statement per bar in one
//! transaction (a conflict names the bar and rolls the batch back), its journal replaced
//! through the journal's own writers.

use rusqlite::{Connection, OptionalExtension, ToSql, TransactionBehavior, params};

use super::SqliteStore;
use super::journal::{delete_session_journal, read_journal, replace_session_journal};
use crate::journal_rows::{JournalSaved, Owner};
use crate::paper::{
    INPUT_COLUMNS, SESSION_COLUMNS, already_recorded, check_batch, input_row, input_summary,
    no_session, resume, session_row,
};
use crate::rows::{SeriesRow, now_rfc3339};
use crate::{
    InputSummary, NewSession, PaperStore, RecordedBar, SessionRow, SessionStatus, StoreError,
};
use domain::journal::Journal;

fn find(conn: &Connection, name: &str) -> Result<Option<SessionRow>, StoreError> {
    let sql = format!(
        "SELECT {} FROM paper_sessions WHERE name = ?1",
        SESSION_COLUMNS.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([name])?;
    rows.next()?.map(session_row).transpose()
}

fn exists(conn: &Connection, name: &str) -> Result<bool, StoreError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM paper_sessions WHERE name = ?1",
            [name],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

fn start(conn: &mut Connection, new: &NewSession) -> Result<SessionRow, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(found) = find(&tx, &new.name)? {
        return resume(found, new);
    }
    let now = now_rfc3339();
    tx.execute(
        "INSERT INTO paper_sessions (name, agent_id, config, engine_version, broker, calendar,
             timeframe, status, halt_reason, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?9)",
        params![
            new.name,
            new.agent_id,
            new.config.to_string(),
            new.engine_version,
            new.broker.as_str(),
            new.calendar.to_string(),
            new.timeframe.to_string(),
            SessionStatus::Running.as_str(),
            now,
        ],
    )?;
    let row = find(&tx, &new.name)?.ok_or_else(|| no_session(&new.name))?;
    tx.commit()?;
    Ok(row)
}

fn record(conn: &mut Connection, name: &str, bars: &[RecordedBar]) -> Result<u64, StoreError> {
    check_batch(name, bars)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if !exists(&tx, name)? {
        return Err(no_session(name));
    }
    {
        let placeholders: Vec<String> = (1..=INPUT_COLUMNS.len() + 1)
            .map(|i| format!("?{i}"))
            .collect();
        let mut insert = tx.prepare_cached(&format!(
            "INSERT INTO paper_inputs (session, {}) VALUES ({}) ON CONFLICT DO NOTHING",
            INPUT_COLUMNS.join(", "),
            placeholders.join(", ")
        ))?;
        let mut seq_taken =
            tx.prepare_cached("SELECT 1 FROM paper_inputs WHERE session = ?1 AND seq = ?2")?;
        for b in bars {
            // check_batch has bounded seq and trade_count to i64.
            let seq = b.seq as i64;
            let v = b.bar.values()?;
            let values: [&dyn ToSql; 13] = [
                &name,
                &seq,
                &b.symbol.as_str(),
                &b.bar.ts.as_i64(),
                &v[0],
                &v[1],
                &v[2],
                &v[3],
                &v[4],
                &v[5],
                &v[6],
                &b.received_at.as_i64(),
                &b.late,
            ];
            if insert.execute(values.as_slice())? == 0 {
                let taken = seq_taken.exists(params![name, seq])?;
                return Err(already_recorded(name, b, taken));
            }
        }
    }
    tx.commit()?;
    Ok(bars.len() as u64)
}

fn inputs(conn: &Connection, name: &str) -> Result<Vec<RecordedBar>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM paper_inputs WHERE session = ?1 ORDER BY seq",
        INPUT_COLUMNS.join(", ")
    ))?;
    let mut rows = stmt.query([name])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(input_row(r)?);
    }
    Ok(out)
}

impl PaperStore for SqliteStore {
    fn start_session(&mut self, new: &NewSession) -> Result<SessionRow, StoreError> {
        start(&mut self.conn, new)
    }

    fn session(&self, name: &str) -> Result<Option<SessionRow>, StoreError> {
        find(&self.conn, name)
    }

    fn sessions(&self) -> Result<Vec<SessionRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {} FROM paper_sessions ORDER BY created_at DESC, name",
            SESSION_COLUMNS.join(", ")
        ))?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(session_row(r)?);
        }
        Ok(out)
    }

    fn set_session_status(
        &mut self,
        name: &str,
        status: SessionStatus,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        let changed = self.conn.execute(
            "UPDATE paper_sessions SET status = ?2, halt_reason = ?3, updated_at = ?4
             WHERE name = ?1",
            params![name, status.as_str(), reason, now_rfc3339()],
        )?;
        if changed == 0 {
            return Err(no_session(name));
        }
        Ok(())
    }

    fn record_inputs(&mut self, name: &str, bars: &[RecordedBar]) -> Result<u64, StoreError> {
        record(&mut self.conn, name, bars)
    }

    fn inputs(&self, name: &str) -> Result<Vec<RecordedBar>, StoreError> {
        inputs(&self.conn, name)
    }

    fn input_summary(&self, name: &str) -> Result<InputSummary, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT count(*), coalesce(sum(late), 0), max(ts) FROM paper_inputs WHERE session = ?1",
        )?;
        let (count, late, last) =
            stmt.query_row([name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        input_summary(count, late, last)
    }

    fn save_session_journal(
        &mut self,
        name: &str,
        journal: &Journal,
    ) -> Result<JournalSaved, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !exists(&tx, name)? {
            return Err(no_session(name));
        }
        let saved = replace_session_journal(&tx, name, journal)?;
        tx.commit()?;
        Ok(saved)
    }

    fn session_journal(&self, name: &str) -> Result<Journal, StoreError> {
        read_journal(&self.conn, Owner::Session(name))
    }

    fn delete_session(&mut self, name: &str) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        delete_session_journal(&tx, name)?;
        // The inputs go with the session (ON DELETE CASCADE).
        if tx.execute("DELETE FROM paper_sessions WHERE name = ?1", [name])? == 0 {
            return Err(no_session(name));
        }
        tx.commit()?;
        Ok(())
    }
}
