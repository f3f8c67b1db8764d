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
//! Adding a quality check: a `RunTask::Quality` variant (`queue::spec`), its arm in
//! `CollectRunner::run` calling a function here, and the config key that puts it in a bars
//! job's chain (`schedule::plan::AfterBars`).

use domain::Timeframe;
use domain::grid::rollup::Hours;
use upkeep::UpkeepError;
use upkeep::retain::{Policies, RetainRequest};
use upkeep::rollup::RollupRequest;

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
