//! Paper sessions in PostgreSQL: the session row (config JSONB, times TIMESTAMPTZ read as
//! RFC 3339 text), its inputs inserted one statement per bar in one transaction (a conflict
//! names the bar and rolls the batch back), its journal replaced through the journal's own COPY.

use postgres::types::ToSql;
use postgres::{Client, GenericClient};

use super::journal::{delete_session_journal, read_journal, replace_session_journal};
use super::{PgStore, RFC3339};
use crate::journal_rows::{JournalSaved, Owner};
use crate::paper::{
    INPUT_COLUMNS, SESSION_COLUMNS, already_recorded, check_batch, input_row, input_summary,
    no_session, resume, session_row,
};
use crate::rows::SeriesRow;
use crate::{
    InputSummary, NewSession, PaperStore, RecordedBar, SessionRow, SessionStatus, StoreError,
};
use domain::journal::Journal;

/// [`SESSION_COLUMNS`] as text where PostgreSQL's types are not.
fn session_select() -> String {
    SESSION_COLUMNS
        .iter()
        .map(|c| match *c {
            "config" => "config::text".to_owned(),
            "created_at" | "updated_at" => format!("to_char({c} AT TIME ZONE 'UTC', {RFC3339})"),
            other => other.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn find(c: &mut impl GenericClient, name: &str) -> Result<Option<SessionRow>, StoreError> {
    let sql = format!(
        "SELECT {} FROM paper_sessions WHERE name = $1",
        session_select()
    );
    c.query_opt(&sql, &[&name])?
        .map(|r| session_row(&r))
        .transpose()
}

fn exists(c: &mut impl GenericClient, name: &str) -> Result<bool, StoreError> {
    Ok(
        c.query_opt("SELECT 1 FROM paper_sessions WHERE name = $1", &[&name])?
            .is_some(),
    )
}

fn start(client: &mut Client, new: &NewSession) -> Result<SessionRow, StoreError> {
    let mut tx = client.transaction()?;
    // Two processes starting one name at once: the second waits here, then resumes.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('paper_sessions:' || $1))",
        &[&new.name],
    )?;
    if let Some(found) = find(&mut tx, &new.name)? {
        return resume(found, new);
    }
    tx.execute(
        "INSERT INTO paper_sessions (name, agent_id, config, engine_version, broker, calendar,
             timeframe, status)
         VALUES ($1, $2, $3::text::jsonb, $4, $5, $6, $7, $8)",
        &[
            &new.name,
            &new.agent_id,
            &new.config.to_string(),
            &new.engine_version,
            &new.broker.as_str(),
            &new.calendar.to_string(),
            &new.timeframe.to_string(),
            &SessionStatus::Running.as_str(),
        ],
    )?;
    let row = find(&mut tx, &new.name)?.ok_or_else(|| no_session(&new.name))?;
    tx.commit()?;
    Ok(row)
}

fn record(client: &mut Client, name: &str, bars: &[RecordedBar]) -> Result<u64, StoreError> {
    check_batch(name, bars)?;
    let mut tx = client.transaction()?;
    if !exists(&mut tx, name)? {
        return Err(no_session(name));
    }
    let placeholders: Vec<String> = (2..INPUT_COLUMNS.len() + 2)
        .map(|i| format!("${i}"))
        .collect();
    let insert = tx.prepare(&format!(
        "INSERT INTO paper_inputs (session, {}) VALUES ($1, {}) ON CONFLICT DO NOTHING",
        INPUT_COLUMNS.join(", "),
        placeholders.join(", ")
    ))?;
    for b in bars {
        // check_batch has bounded seq and trade_count to i64.
        let seq = b.seq as i64;
        let v = b.bar.values()?;
        let values: [&(dyn ToSql + Sync); 13] = [
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
        if tx.execute(&insert, &values)? == 0 {
            let taken = tx
                .query_opt(
                    "SELECT 1 FROM paper_inputs WHERE session = $1 AND seq = $2",
                    &[&name, &seq],
                )?
                .is_some();
            return Err(already_recorded(name, b, taken));
        }
    }
    tx.commit()?;
    Ok(bars.len() as u64)
}

fn inputs(client: &mut Client, name: &str) -> Result<Vec<RecordedBar>, StoreError> {
    let select: Vec<String> = INPUT_COLUMNS
        .iter()
        .map(|c| match *c {
            "late" => "late::int4::int8".to_owned(),
            other => other.to_owned(),
        })
        .collect();
    let rows = client.query(
        &format!(
            "SELECT {} FROM paper_inputs WHERE session = $1 ORDER BY seq",
            select.join(", ")
        ),
        &[&name],
    )?;
    rows.iter().map(input_row).collect()
}

impl PaperStore for PgStore {
    fn start_session(&mut self, new: &NewSession) -> Result<SessionRow, StoreError> {
        start(self.client.get_mut(), new)
    }

    fn session(&self, name: &str) -> Result<Option<SessionRow>, StoreError> {
        find(&mut *self.client.borrow_mut(), name)
    }

    fn sessions(&self) -> Result<Vec<SessionRow>, StoreError> {
        let rows = self.client.borrow_mut().query(
            &format!(
                "SELECT {} FROM paper_sessions ORDER BY created_at DESC, name",
                session_select()
            ),
            &[],
        )?;
        rows.iter().map(session_row).collect()
    }

    fn set_session_status(
        &mut self,
        name: &str,
        status: SessionStatus,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        let changed = self.client.get_mut().execute(
            "UPDATE paper_sessions SET status = $2, halt_reason = $3, updated_at = now()
             WHERE name = $1",
            &[&name, &status.as_str(), &reason],
        )?;
        if changed == 0 {
            return Err(no_session(name));
        }
        Ok(())
    }

    fn record_inputs(&mut self, name: &str, bars: &[RecordedBar]) -> Result<u64, StoreError> {
        record(self.client.get_mut(), name, bars)
    }

    fn inputs(&self, name: &str) -> Result<Vec<RecordedBar>, StoreError> {
        inputs(&mut self.client.borrow_mut(), name)
    }

    fn input_summary(&self, name: &str) -> Result<InputSummary, StoreError> {
        let row = self.client.borrow_mut().query_one(
            "SELECT count(*), count(*) FILTER (WHERE late), max(ts) FROM paper_inputs \
             WHERE session = $1",
            &[&name],
        )?;
        input_summary(row.get(0), row.get(1), row.get(2))
    }

    fn save_session_journal(
        &mut self,
        name: &str,
        journal: &Journal,
    ) -> Result<JournalSaved, StoreError> {
        let mut tx = self.client.get_mut().transaction()?;
        // FOR UPDATE: a concurrent delete_session waits, or this finds no session.
        if tx
            .query_opt(
                "SELECT 1 FROM paper_sessions WHERE name = $1 FOR UPDATE",
                &[&name],
            )?
            .is_none()
        {
            return Err(no_session(name));
        }
        let saved = replace_session_journal(&mut tx, name, journal)?;
        tx.commit()?;
        Ok(saved)
    }

    fn session_journal(&self, name: &str) -> Result<Journal, StoreError> {
        read_journal(&mut self.client.borrow_mut(), Owner::Session(name))
    }

    fn delete_session(&mut self, name: &str) -> Result<(), StoreError> {
        let mut tx = self.client.get_mut().transaction()?;
        delete_session_journal(&mut tx, name)?;
        // The inputs go with the session (ON DELETE CASCADE).
        if tx.execute("DELETE FROM paper_sessions WHERE name = $1", &[&name])? == 0 {
            return Err(no_session(name));
        }
        tx.commit()?;
        Ok(())
    }
}
