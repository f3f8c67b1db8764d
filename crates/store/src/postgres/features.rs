//! [`crate::FeatureStore`] on PostgreSQL: a run's provenance rows, then its values by binary
//! COPY, in one transaction.

use chrono::NaiveDate;
use domain::{Symbol, UnixNanos};
use postgres::Client;

use super::PgStore;
use super::copy::BinaryCopy;
use crate::features::fold_rows;
use crate::{
    FeatureInfo, FeatureProvenance, FeatureStore, NewFeatures, StoreError, StoredFeatures,
};

fn days_since_2000(d: NaiveDate) -> Result<i32, StoreError> {
    let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date");
    i32::try_from((d - epoch).num_days())
        .map_err(|_| StoreError::Invalid(format!("session {d} is beyond a date column")))
}

fn save(client: &mut Client, run_id: i64, f: &NewFeatures<'_>) -> Result<u64, StoreError> {
    let mut tx = client.transaction()?;
    let n = insert(&mut tx, run_id, f)?;
    tx.commit()?;
    Ok(n)
}

/// Writes run `run_id`'s features (replacing any) in the caller's transaction.
pub(super) fn insert(
    tx: &mut postgres::Transaction<'_>,
    run_id: i64,
    f: &NewFeatures<'_>,
) -> Result<u64, StoreError> {
    f.check().map_err(StoreError::Invalid)?;
    let known = tx.query_opt(
        "SELECT 1 FROM backtest_runs WHERE id = $1 FOR UPDATE",
        &[&run_id],
    )?;
    if known.is_none() {
        return Err(StoreError::NotFound(format!(
            "no backtest run with id {run_id}"
        )));
    }
    tx.execute("DELETE FROM features WHERE run_id = $1", &[&run_id])?;
    tx.execute("DELETE FROM feature_sets WHERE run_id = $1", &[&run_id])?;
    let p = f.provenance;
    for i in &p.features {
        tx.execute(
            "INSERT INTO feature_sets (run_id, feature, params, warmup_bars, warmup_sessions,
                 calendar, timeframe, config_hash, engine_version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &run_id,
                &i.name,
                &i.params,
                &i32::try_from(i.warmup_bars).unwrap_or(i32::MAX),
                &i32::try_from(i.warmup_sessions).unwrap_or(i32::MAX),
                &p.calendar,
                &p.timeframe,
                &p.config_hash,
                &p.engine_version,
            ],
        )?;
    }
    let n = p.features.len();
    let mut written = 0u64;
    if n > 0 && !f.ts.is_empty() {
        let sink = tx.copy_in(
            "COPY features (run_id, symbol, ts, feature, session, value) FROM STDIN (FORMAT binary)",
        )?;
        let mut copy = BinaryCopy::new(sink);
        for r in 0..f.ts.len() {
            let symbol = f.symbols[f.symbol[r] as usize].as_str();
            let session = days_since_2000(f.session[r])?;
            for (k, info) in p.features.iter().enumerate() {
                copy.row(6);
                copy.i64(run_id);
                copy.text(symbol);
                copy.i64(f.ts[r].as_i64());
                copy.text(&info.name);
                copy.date(session);
                copy.opt_f64(f.values[r * n + k]);
                copy.maybe_flush()?;
            }
        }
        written = copy.finish()?;
    }
    Ok(written)
}

fn provenance(client: &mut Client, run_id: i64) -> Result<FeatureProvenance, StoreError> {
    let rows = client.query(
        "SELECT feature, params, warmup_bars, warmup_sessions, calendar, timeframe, config_hash,
             engine_version
         FROM feature_sets WHERE run_id = $1 ORDER BY feature",
        &[&run_id],
    )?;
    let mut out: Option<FeatureProvenance> = None;
    for r in &rows {
        let info = FeatureInfo {
            name: r.get(0),
            params: r.get(1),
            warmup_bars: r.get::<_, i32>(2).max(0) as u32,
            warmup_sessions: r.get::<_, i32>(3).max(0) as u32,
        };
        match &mut out {
            Some(p) => p.features.push(info),
            None => {
                out = Some(FeatureProvenance {
                    calendar: r.get(4),
                    timeframe: r.get(5),
                    config_hash: r.get(6),
                    engine_version: r.get(7),
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
    client: &mut Client,
    run_id: i64,
    range: Option<(&Symbol, UnixNanos, UnixNanos)>,
) -> Result<StoredFeatures, StoreError> {
    let provenance = provenance(client, run_id)?;
    let found = match range {
        None => client.query(
            "SELECT symbol, ts, session::text, feature, value FROM features WHERE run_id = $1
             ORDER BY symbol, ts, feature",
            &[&run_id],
        )?,
        Some((s, from, to)) => client.query(
            "SELECT symbol, ts, session::text, feature, value FROM features
             WHERE run_id = $1 AND symbol = $2 AND ts >= $3 AND ts < $4
             ORDER BY symbol, ts, feature",
            &[&run_id, &s.as_str(), &from.as_i64(), &to.as_i64()],
        )?,
    };
    let mut flat = Vec::with_capacity(found.len());
    for r in &found {
        let symbol: &str = r.get(0);
        let session: &str = r.get(2);
        flat.push((
            Symbol::new(symbol).map_err(|e| corrupt(format!("symbol {symbol:?}: {e}")))?,
            UnixNanos::new(r.get(1)),
            session
                .parse::<NaiveDate>()
                .map_err(|e| corrupt(format!("session {session:?}: {e}")))?,
            r.get::<_, String>(3),
            r.get::<_, Option<f64>>(4),
        ));
    }
    Ok(StoredFeatures {
        run_id,
        provenance,
        rows: fold_rows(flat),
    })
}

fn newest_run(client: &mut Client, config_hash: &str) -> Result<i64, StoreError> {
    let id: Option<i64> = client
        .query_one(
            "SELECT max(run_id) FROM feature_sets WHERE config_hash = $1",
            &[&config_hash],
        )?
        .get(0);
    id.ok_or_else(|| {
        StoreError::NotFound(format!("no run's features have config hash {config_hash}"))
    })
}

impl FeatureStore for PgStore {
    fn save_features(&mut self, run_id: i64, f: &NewFeatures<'_>) -> Result<u64, StoreError> {
        save(self.client.get_mut(), run_id, f)
    }

    fn run_features(&self, run_id: i64) -> Result<StoredFeatures, StoreError> {
        rows(&mut self.client.borrow_mut(), run_id, None)
    }

    fn features_in(
        &self,
        symbol: &Symbol,
        from: UnixNanos,
        to: UnixNanos,
        config_hash: &str,
    ) -> Result<StoredFeatures, StoreError> {
        let mut client = self.client.borrow_mut();
        let run_id = newest_run(&mut client, config_hash)?;
        rows(&mut client, run_id, Some((symbol, from, to)))
    }
}
