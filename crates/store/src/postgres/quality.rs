//! Data-quality checks and findings in PostgreSQL: a run's checks in one transaction, each
//! series' findings in one `unnest` statement.

use postgres::Client;

use super::PgStore;
use super::bars::intern;
use crate::quality::{finding, observed_json, severities, summary};
use crate::rows::count_to_i64;
use crate::{FindingFilter, QualityStore, QualitySummary, SeriesCheck, StoreError, StoredFinding};

fn opt_i64(v: Option<u64>, field: &str) -> Result<Option<i64>, StoreError> {
    v.map(|n| count_to_i64(n, field)).transpose()
}

fn save(client: &mut Client, checks: &[SeriesCheck]) -> Result<(), StoreError> {
    let mut tx = client.transaction()?;
    for SeriesCheck { check: c, findings } in checks {
        let kind = c.series.kind.as_str();
        let sid = intern(&mut tx, &c.series.symbol)?;
        let tf = c.series.tf_column();
        let at = c.checked_at.as_i64();
        let from = c.from.map(|t| t.as_i64());
        tx.execute(
            "DELETE FROM data_quality
             WHERE series_kind = $1 AND symbol_id = $2 AND timeframe = $3 AND end_ts >= $4",
            &[&kind, &sid, &tf, &from.unwrap_or(i64::MIN)],
        )?;
        let f = findings;
        let kinds: Vec<&str> = f.iter().map(|x| x.kind.as_str()).collect();
        let sev: Vec<&str> = f.iter().map(|x| x.severity.as_str()).collect();
        let starts: Vec<i64> = f.iter().map(|x| x.start.as_i64()).collect();
        let ends: Vec<i64> = f.iter().map(|x| x.end.as_i64()).collect();
        let observed = f.iter().map(observed_json).collect::<Result<Vec<_>, _>>()?;
        let reasons: Vec<&str> = f.iter().map(|x| x.reason.as_str()).collect();
        tx.execute(
            "INSERT INTO data_quality (series_kind, symbol_id, timeframe, checked_at, kind,
                 severity, start_ts, end_ts, observed, reason)
             SELECT $1, $2, $3, $4, k, s, a, b, o::json, r
             FROM unnest($5::text[], $6::text[], $7::int8[], $8::int8[], $9::text[], $10::text[])
                 AS t(k, s, a, b, o, r)",
            &[
                &kind, &sid, &tf, &at, &kinds, &sev, &starts, &ends, &observed, &reasons,
            ],
        )?;
        tx.execute(
            "INSERT INTO quality_checks (series_kind, symbol_id, timeframe, checked_at, from_ts,
                 rows, expected, filled)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (series_kind, symbol_id, timeframe) DO UPDATE SET
                 checked_at = excluded.checked_at, from_ts = excluded.from_ts,
                 rows = excluded.rows, expected = excluded.expected, filled = excluded.filled",
            &[
                &kind,
                &sid,
                &tf,
                &at,
                &from,
                &count_to_i64(c.rows, "rows")?,
                &opt_i64(c.expected, "expected")?,
                &opt_i64(c.filled, "filled")?,
            ],
        )?;
    }
    tx.commit()?;
    Ok(())
}

fn summaries(client: &mut Client) -> Result<Vec<QualitySummary>, StoreError> {
    let rows = client.query(
        "SELECT q.series_kind, s.symbol, q.timeframe, q.checked_at, q.from_ts, q.rows,
                q.expected, q.filled,
                count(*) FILTER (WHERE d.severity = 'error'),
                count(*) FILTER (WHERE d.severity = 'warn'),
                count(*) FILTER (WHERE d.severity = 'info')
         FROM quality_checks q
         JOIN symbols s ON s.id = q.symbol_id
         LEFT JOIN data_quality d ON d.series_kind = q.series_kind
             AND d.symbol_id = q.symbol_id AND d.timeframe = q.timeframe
         GROUP BY q.series_kind, q.symbol_id, s.symbol, q.timeframe, q.checked_at, q.from_ts,
                  q.rows, q.expected, q.filled
         ORDER BY q.series_kind, s.symbol, q.timeframe",
        &[],
    )?;
    rows.iter().map(summary).collect()
}

fn findings(client: &mut Client, filter: &FindingFilter) -> Result<Vec<StoredFinding>, StoreError> {
    let series = filter.series.as_ref();
    let limit = filter.limit.map(|n| count_to_i64(n, "limit")).transpose()?;
    let rows = client.query(
        "SELECT d.series_kind, s.symbol, d.timeframe, d.checked_at, d.kind, d.severity,
                d.start_ts, d.end_ts, d.observed::text, d.reason
         FROM data_quality d JOIN symbols s ON s.id = d.symbol_id
         WHERE ($1::text IS NULL
                OR (d.series_kind = $1 AND s.symbol = $2 AND d.timeframe = $3))
           AND d.severity = ANY($4)
         ORDER BY d.series_kind, s.symbol, d.timeframe, d.start_ts, d.id
         LIMIT $5",
        &[
            &series.map(|s| s.kind.as_str()),
            &series.map(|s| s.symbol.as_str()),
            &series.map(|s| s.tf_column()),
            &severities(filter.min_severity),
            &limit,
        ],
    )?;
    rows.iter().map(finding).collect()
}

impl QualityStore for PgStore {
    fn save_quality(&mut self, checks: &[SeriesCheck]) -> Result<(), StoreError> {
        save(self.client.get_mut(), checks)
    }

    fn quality_summaries(&self) -> Result<Vec<QualitySummary>, StoreError> {
        summaries(&mut self.client.borrow_mut())
    }

    fn quality_findings(&self, filter: &FindingFilter) -> Result<Vec<StoredFinding>, StoreError> {
        findings(&mut self.client.borrow_mut(), filter)
    }
}
