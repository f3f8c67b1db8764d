//! Data-quality checks and findings in SQLite: a run's checks in one transaction, through
//! cached statements.

use rusqlite::{Connection, TransactionBehavior, params};

use super::SqliteStore;
use super::bars::intern;
use crate::quality::{finding, observed_json, severities, summary};
use crate::{FindingFilter, QualityStore, QualitySummary, SeriesCheck, StoreError, StoredFinding};

fn opt_i64(v: Option<u64>, field: &str) -> Result<Option<i64>, StoreError> {
    v.map(|n| crate::rows::count_to_i64(n, field)).transpose()
}

fn save(conn: &mut Connection, checks: &[SeriesCheck]) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut delete = tx.prepare_cached(
            "DELETE FROM data_quality
             WHERE series_kind = ?1 AND symbol_id = ?2 AND timeframe = ?3 AND end_ts >= ?4",
        )?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO data_quality (series_kind, symbol_id, timeframe, checked_at, kind,
                 severity, start_ts, end_ts, observed, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        let mut check = tx.prepare_cached(
            "INSERT INTO quality_checks (series_kind, symbol_id, timeframe, checked_at, from_ts,
                 rows, expected, filled)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (series_kind, symbol_id, timeframe) DO UPDATE SET
                 checked_at = excluded.checked_at, from_ts = excluded.from_ts,
                 rows = excluded.rows, expected = excluded.expected, filled = excluded.filled",
        )?;
        for SeriesCheck { check: c, findings } in checks {
            let kind = c.series.kind.as_str();
            let sid = intern(&tx, &c.series.symbol)?;
            let tf = c.series.tf_column();
            let at = c.checked_at.as_i64();
            let from = c.from.map(|t| t.as_i64());
            delete.execute(params![kind, sid, tf, from.unwrap_or(i64::MIN)])?;
            for f in findings {
                insert.execute(params![
                    kind,
                    sid,
                    tf,
                    at,
                    f.kind.as_str(),
                    f.severity.as_str(),
                    f.start.as_i64(),
                    f.end.as_i64(),
                    observed_json(f)?,
                    f.reason
                ])?;
            }
            check.execute(params![
                kind,
                sid,
                tf,
                at,
                from,
                crate::rows::count_to_i64(c.rows, "rows")?,
                opt_i64(c.expected, "expected")?,
                opt_i64(c.filled, "filled")?
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn summaries(conn: &Connection) -> Result<Vec<QualitySummary>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT q.series_kind, s.symbol, q.timeframe, q.checked_at, q.from_ts, q.rows,
                q.expected, q.filled,
                coalesce(sum(d.severity = 'error'), 0), coalesce(sum(d.severity = 'warn'), 0),
                coalesce(sum(d.severity = 'info'), 0)
         FROM quality_checks q
         JOIN symbols s ON s.id = q.symbol_id
         LEFT JOIN data_quality d ON d.series_kind = q.series_kind
             AND d.symbol_id = q.symbol_id AND d.timeframe = q.timeframe
         GROUP BY q.series_kind, q.symbol_id, q.timeframe
         ORDER BY q.series_kind, s.symbol, q.timeframe",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(summary(r)?);
    }
    Ok(out)
}

fn findings(conn: &Connection, filter: &FindingFilter) -> Result<Vec<StoredFinding>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.series_kind, s.symbol, d.timeframe, d.checked_at, d.kind, d.severity,
                d.start_ts, d.end_ts, d.observed, d.reason
         FROM data_quality d JOIN symbols s ON s.id = d.symbol_id
         WHERE (?1 IS NULL OR (d.series_kind = ?1 AND s.symbol = ?2 AND d.timeframe = ?3))
           AND d.severity IN (SELECT value FROM json_each(?4))
         ORDER BY d.series_kind, s.symbol, d.timeframe, d.start_ts, d.id
         LIMIT ?5",
    )?;
    let series = filter.series.as_ref();
    let limit = match filter.limit {
        Some(n) => crate::rows::count_to_i64(n, "limit")?,
        None => -1,
    };
    let sev = serde_json::Value::from(severities(filter.min_severity)).to_string();
    let mut rows = stmt.query(params![
        series.map(|s| s.kind.as_str()),
        series.map(|s| s.symbol.as_str()),
        series.map(|s| s.tf_column()),
        sev,
        limit
    ])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(finding(r)?);
    }
    Ok(out)
}

impl QualityStore for SqliteStore {
    fn save_quality(&mut self, checks: &[SeriesCheck]) -> Result<(), StoreError> {
        save(&mut self.conn, checks)
    }

    fn quality_summaries(&self) -> Result<Vec<QualitySummary>, StoreError> {
        summaries(&self.conn)
    }

    fn quality_findings(&self, filter: &FindingFilter) -> Result<Vec<StoredFinding>, StoreError> {
        findings(&self.conn, filter)
    }
}
