//! [`crate::FeatureStore`] on SQLite: a run's provenance rows, then its values as multi-row
//! inserts (the shared run id bound once per statement), in one transaction.

use chrono::NaiveDate;
use domain::{Symbol, UnixNanos};
use rusqlite::{Connection, TransactionBehavior, params};

use super::SqliteStore;
use super::insert::{self, InsertShape};
use crate::features::fold_rows;
use crate::{
    FeatureInfo, FeatureProvenance, FeatureStore, NewFeatures, StoreError, StoredFeatures,
};

/// Values per statement: 5 bound per row, far below SQLite's limit.
const CHUNK: usize = 256;

const SHAPE: InsertShape<'static> = InsertShape {
    table: "features",
    shared: &["run_id"],
    row_keys: &["symbol", "ts", "feature"],
    values: &["session", "value"],
    conflict: "run_id, symbol, ts, feature",
    or_fail: true,
};

fn save(conn: &mut Connection, run_id: i64, f: &NewFeatures<'_>) -> Result<u64, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let n = insert(&tx, run_id, f)?;
    tx.commit()?;
    Ok(n)
}

/// Writes run `run_id`'s features (replacing any) in the caller's transaction.
pub(super) fn insert(
    tx: &rusqlite::Transaction<'_>,
    run_id: i64,
    f: &NewFeatures<'_>,
) -> Result<u64, StoreError> {
    f.check().map_err(StoreError::Invalid)?;
    let known: i64 = tx.query_row(
        "SELECT count(*) FROM backtest_runs WHERE id = ?1",
        [run_id],
        |r| r.get(0),
    )?;
    if known == 0 {
        return Err(StoreError::NotFound(format!(
            "no backtest run with id {run_id}"
        )));
    }
    tx.execute("DELETE FROM features WHERE run_id = ?1", [run_id])?;
    tx.execute("DELETE FROM feature_sets WHERE run_id = ?1", [run_id])?;
    let p = f.provenance;
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO feature_sets (run_id, feature, params, warmup_bars, warmup_sessions,
                 calendar, timeframe, config_hash, engine_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for i in &p.features {
            stmt.execute(params![
                run_id,
                i.name,
                i.params,
                i.warmup_bars,
                i.warmup_sessions,
                p.calendar,
                p.timeframe,
                p.config_hash,
                p.engine_version
            ])?;
        }
    }
    let n = p.features.len();
    let sessions: Vec<String> = f.session.iter().map(|d| d.to_string()).collect();
    let cells: Vec<usize> = (0..f.values.len()).collect();
    let changed = {
        let mut many = tx.prepare_cached(&insert::insert_sql(&SHAPE, CHUNK, false))?;
        let mut one = tx.prepare_cached(&insert::insert_sql(&SHAPE, 1, false))?;
        for stmt in [&mut *many, &mut *one] {
            stmt.raw_bind_parameter(1, run_id)?;
        }
        let bind = |stmt: &mut rusqlite::Statement<'_>, i: &mut usize, cell: &usize| {
            let (r, k) = (cell / n, cell % n);
            stmt.raw_bind_parameter(*i, f.symbols[f.symbol[r] as usize].as_str())?;
            stmt.raw_bind_parameter(*i + 1, f.ts[r].as_i64())?;
            stmt.raw_bind_parameter(*i + 2, p.features[k].name.as_str())?;
            stmt.raw_bind_parameter(*i + 3, sessions[r].as_str())?;
            stmt.raw_bind_parameter(*i + 4, f.values[*cell])?;
            *i += 5;
            Ok(())
        };
        insert::execute_chunked(&mut many, &mut one, (CHUNK, 1), &cells, bind)?
    };
    Ok(changed)
}

fn provenance(conn: &Connection, run_id: i64) -> Result<FeatureProvenance, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT feature, params, warmup_bars, warmup_sessions, calendar, timeframe, config_hash,
             engine_version
         FROM feature_sets WHERE run_id = ?1 ORDER BY feature",
    )?;
    let mut rows = stmt.query([run_id])?;
    let mut out: Option<FeatureProvenance> = None;
    while let Some(r) = rows.next()? {
        let info = FeatureInfo {
            name: r.get(0)?,
            params: r.get(1)?,
            warmup_bars: r.get(2)?,
            warmup_sessions: r.get(3)?,
        };
        match &mut out {
            Some(p) => p.features.push(info),
            None => {
                out = Some(FeatureProvenance {
                    calendar: r.get(4)?,
                    timeframe: r.get(5)?,
                    config_hash: r.get(6)?,
                    engine_version: r.get(7)?,
                    features: vec![info],
                })
            }
        }
    }
    out.ok_or_else(|| StoreError::NotFound(format!("backtest run {run_id} has no features")))
}

fn corrupt(reason: String) -> StoreError {
    StoreError::Corrupt {
        table: "features",
        reason,
    }
}

fn rows(
    conn: &Connection,
    run_id: i64,
    range: Option<(&Symbol, UnixNanos, UnixNanos)>,
) -> Result<StoredFeatures, StoreError> {
    let provenance = provenance(conn, run_id)?;
    let (sql, symbol, from, to) = match range {
        None => (
            "SELECT symbol, ts, session, feature, value FROM features WHERE run_id = ?1
             ORDER BY symbol, ts, feature",
            String::new(),
            0,
            0,
        ),
        Some((s, from, to)) => (
            "SELECT symbol, ts, session, feature, value FROM features
             WHERE run_id = ?1 AND symbol = ?2 AND ts >= ?3 AND ts < ?4
             ORDER BY symbol, ts, feature",
            s.as_str().to_owned(),
            from.as_i64(),
            to.as_i64(),
        ),
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let mut q = match range {
        None => stmt.query(params![run_id])?,
        Some(_) => stmt.query(params![run_id, symbol, from, to])?,
    };
    let mut flat = Vec::new();
    while let Some(r) = q.next()? {
        let symbol: String = r.get(0)?;
        let session: String = r.get(2)?;
        flat.push((
            Symbol::new(&symbol).map_err(|e| corrupt(format!("symbol {symbol:?}: {e}")))?,
            UnixNanos::new(r.get(1)?),
            session
                .parse::<NaiveDate>()
                .map_err(|e| corrupt(format!("session {session:?}: {e}")))?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<f64>>(4)?,
        ));
    }
    Ok(StoredFeatures {
        run_id,
        provenance,
        rows: fold_rows(flat),
    })
}

fn newest_run(conn: &Connection, config_hash: &str) -> Result<i64, StoreError> {
    let id: Option<i64> = conn.query_row(
        "SELECT max(run_id) FROM feature_sets WHERE config_hash = ?1",
        [config_hash],
        |r| r.get(0),
    )?;
    id.ok_or_else(|| {
        StoreError::NotFound(format!("no run's features have config hash {config_hash}"))
    })
}

impl FeatureStore for SqliteStore {
    fn save_features(&mut self, run_id: i64, f: &NewFeatures<'_>) -> Result<u64, StoreError> {
        save(&mut self.conn, run_id, f)
    }

    fn run_features(&self, run_id: i64) -> Result<StoredFeatures, StoreError> {
        rows(&self.conn, run_id, None)
    }

    fn features_in(
        &self,
        symbol: &Symbol,
        from: UnixNanos,
        to: UnixNanos,
        config_hash: &str,
    ) -> Result<StoredFeatures, StoreError> {
        let run_id = newest_run(&self.conn, config_hash)?;
        rows(&self.conn, run_id, Some((symbol, from, to)))
    }
}
