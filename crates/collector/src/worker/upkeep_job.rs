//! The upkeep kinds: runs on what is stored, with no provider. Each is one call into the
//! `upkeep` crate (the use cases `ztrade data rollup` and `data retain` run too), on the blocking
//! pool with the process's store connection.
//!
//! - [`rollup`]: each symbol's bars rolled up, incrementally from its checkpoint; a symbol with
//!   no bars yet is skipped, one that fails is reported and the others go on.
//! - [`retain`]: the policies applied to the run's symbols (every stored series when it names
//!   none), ages counted back from the run's due time, never forced past a stored run's data.
//!   Its `rows_written` are the rows it deleted.
//!
//! - [`validate`]: the quality of each symbol's fetched series checked and stored from the run's
//!   window on, stamped with the run's due time; its `errors` are the findings at `error`
//!   severity, so that `collect status` shows them.

use domain::grid::rollup::Hours;
use domain::quality::{Config, Severity};
use domain::{Timeframe, UnixNanos};
use upkeep::UpkeepError;
use upkeep::retain::{Policies, RetainRequest};
use upkeep::rollup::RollupRequest;
use upkeep::validate::ValidateRequest;

use crate::queue::JobSpec;
use crate::worker::{JobError, JobReport, StoreHandle};

/// Rolls each of the run's symbols' `from` bars up to `to`.
pub async fn rollup(
    store: &StoreHandle,
    job: &JobSpec,
    from: Timeframe,
    to: &[Timeframe],
    hours: Hours,
) -> Result<JobReport, JobError> {
    let reqs: Vec<RollupRequest> = job
        .symbols
        .iter()
        .map(|symbol| RollupRequest {
            symbol: symbol.clone(),
            from,
            to: to.to_vec(),
            hours,
            full: false,
            batch: RollupRequest::BATCH,
        })
        .collect();
    let report = store
        .call(move |st| {
            let mut report = JobReport::default();
            for req in &reqs {
                match upkeep::rollup::rollup(st, req) {
                    Ok(r) => {
                        for t in r.targets {
                            report.rows_written += t.inserted + t.updated;
                            report.rows_unchanged += t.unchanged;
                        }
                    }
                    // Nothing fetched for it yet: nothing to roll up.
                    Err(UpkeepError::NoData(_)) => {}
                    Err(UpkeepError::Store(e)) => return Err(e),
                    Err(e) => report.errors.push(format!("{}: rollup: {e}", req.symbol)),
                }
            }
            Ok(report)
        })
        .await?;
    Ok(report)
}

/// Applies `policies` to the run's symbols, as of its due time.
pub async fn retain(
    store: &StoreHandle,
    job: &JobSpec,
    policies: &Policies,
) -> Result<JobReport, JobError> {
    let req = RetainRequest {
        policies: policies.clone(),
        as_of: job.due,
        symbols: job.symbols.clone(),
        apply: true,
        force: false,
        batch: RetainRequest::BATCH,
    };
    let done = store
        .call(move |st| Ok(upkeep::retain::retain(st, &req)))
        .await??;
    tracing::info!(
        job = %job.job, rows = done.rows, series = done.series.len(),
        reclaimed = ?done.reclaimed.as_ref().and_then(|r| r.bytes), "retention applied"
    );
    Ok(JobReport {
        rows_written: done.rows,
        ..JobReport::default()
    })
}

/// Checks the quality of each of the run's symbols' `timeframe` bars, reporting from the exchange
/// date of `since` on (earlier bars are context), stamped with the run's due time.
pub async fn validate(
    store: &StoreHandle,
    job: &JobSpec,
    timeframe: Timeframe,
    since: UnixNanos,
) -> Result<JobReport, JobError> {
    let reqs: Vec<ValidateRequest> = job
        .symbols
        .iter()
        .map(|symbol| ValidateRequest {
            symbol: Some(symbol.clone()),
            timeframe: Some(timeframe),
            since: Some(since.exchange_date()),
            checked_at: job.due,
            config: Config::default(),
        })
        .collect();
    let report = store
        .call(move |st| {
            let mut report = JobReport::default();
            for req in &reqs {
                let symbol = req.symbol.as_ref().map_or("", |s| s.as_str());
                match upkeep::validate::validate(st, req) {
                    Ok(r) => {
                        report.rows_written += r.at_least(Severity::Info);
                        let errors = r.at_least(Severity::Error);
                        if errors > 0 {
                            report.errors.push(format!(
                                "{symbol} {timeframe}: {errors} quality findings at error \
                                 (`ztrade data validate --symbol {symbol}` lists them)"
                            ));
                        }
                    }
                    // Nothing stored for it yet: nothing to check.
                    Err(UpkeepError::NoData(_)) => {}
                    Err(UpkeepError::Store(e)) => return Err(e),
                    Err(e) => report.errors.push(format!("{symbol}: validate: {e}")),
                }
            }
            Ok(report)
        })
        .await?;
    Ok(report)
}
