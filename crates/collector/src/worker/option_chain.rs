//! An options run: per symbol, the chain in the job's ranges ([`ChainRanges`]) fetched page by
//! page, filtered again (a provider may ignore a filter), upserted in one transaction; then,
//! with `scan`, the arbitrage scan of the snapshot just stored (`upkeep::arbitrage`, what
//! `ztrade options scan` runs), its runs recorded.
//!
//! A symbol whose chain fails is reported and the others are still stored; a scan that fails
//! is reported and its snapshot stays stored. Paging is bounded as the backfill's is
//! ([`PageGuard`]): a loop fails the symbol.

use std::collections::BTreeMap;

use domain::time::NANOS_PER_MINUTE;
use domain::{Money, OptionQuote, Symbol, UnixNanos};
use providers::Provider as Source;
use upkeep::arbitrage::{ScanRequest, Window, scan_chain};

use crate::backfill::guard::{MAX_OPTION_CONTRACTS, PageGuard};
use crate::queue::JobSpec;
use crate::schedule::{OptionsRun, ScanSettings};
use crate::worker::chain_ranges::{ChainRanges, reference_price};
use crate::worker::{JobError, JobReport, StoreHandle};

/// A contract's latest snapshot older than this at a scanned time is left out of that time's
/// chain, as is a stock quote (the default of `ztrade options scan --max-age`).
pub const SCAN_MAX_AGE: i64 = 15 * NANOS_PER_MINUTE;

/// One snapshot of each symbol's chain in `run`'s ranges, then its scan.
///
/// The run's due time stands for now, as it does for a bars window: "today" of the expiry
/// range and the reference bar are the due time's, so a redelivered run asks for the same
/// ranges and the worker reads no clock.
pub async fn run_options(
    client: &dyn Source,
    store: &StoreHandle,
    spec: &JobSpec,
    run: &OptionsRun,
) -> Result<JobReport, JobError> {
    let now = spec.due;
    let mut report = JobReport::default();
    let mut failed = 0;
    for symbol in &spec.symbols {
        match chain(client, store, symbol, run, now, &mut report).await {
            Ok(quotes) => {
                let times = span_of(&quotes);
                let counts = store
                    .call(move |st| st.upsert_options(&quotes, None))
                    .await?;
                report.add_counts(counts);
                if let (Some(settings), Some(times)) = (&run.scan, times) {
                    scan(store, spec, symbol, settings, times, &mut report).await;
                }
            }
            Err(e) => {
                tracing::warn!(job = %spec.job, symbol = %symbol, "option chain failed: {e}");
                report.errors.push(format!("{symbol}: {e}"));
                failed += 1;
            }
        }
    }
    if failed == spec.symbols.len() && failed > 0 {
        return Err(JobError::Failed(format!(
            "every option chain failed; first: {}",
            report.errors[0]
        )));
    }
    report.lag_seconds = Some(0);
    Ok(report)
}

/// `symbol`'s chain in the run's ranges, each (contract, time) once.
async fn chain(
    client: &dyn Source,
    store: &StoreHandle,
    symbol: &Symbol,
    run: &OptionsRun,
    now: UnixNanos,
    report: &mut JobReport,
) -> Result<Vec<OptionQuote>, JobError> {
    let s = symbol.clone();
    let reference = store.call(move |st| reference_price(st, &s, now)).await?;
    if reference.is_none() {
        tracing::info!(
            symbol = %symbol,
            "no stored bar to centre the strike range on: fetching every strike"
        );
    }
    let ranges = ChainRanges::new(run, now, reference);
    let req = ranges.request(symbol);
    let mut by_key: BTreeMap<(Symbol, UnixNanos), OptionQuote> = BTreeMap::new();
    let mut cursor = None;
    let mut guard = PageGuard::new(MAX_OPTION_CONTRACTS, None);
    loop {
        let page = client.fetch_option_chain(&req, cursor.as_ref()).await?;
        report.requests += 1;
        let n = page.items.len();
        let mut fresh = 0;
        for q in page.items {
            fresh += usize::from(by_key.insert((q.contract.occ.clone(), q.ts), q).is_none());
        }
        guard
            .check_rows(&page.request, n, fresh, page.next.as_ref())
            .map_err(JobError::Failed)?;
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let mut quotes: Vec<OptionQuote> = by_key.into_values().collect();
    let dropped = ranges.retain(&mut quotes);
    if dropped > 0 {
        tracing::info!(symbol = %symbol, dropped, "quotes outside the job's ranges dropped");
    }
    report.out_of_range += dropped;
    Ok(quotes)
}

/// The earliest and latest snapshot time of `quotes` (each contract is stamped with its own
/// latest quote or trade); `None` when there are none.
fn span_of(quotes: &[OptionQuote]) -> Option<(UnixNanos, UnixNanos)> {
    let first = quotes.iter().map(|q| q.ts).min()?;
    let last = quotes.iter().map(|q| q.ts).max()?;
    Some((first, last))
}

/// Scans the chain just stored, as of its latest snapshot time (each contract keeps its own
/// latest quote within the scan's max age), and records the runs; a failure goes into the
/// report's errors. One scan per chain: each contract is stamped with its own quote time, so
/// scanning every distinct time would price partial chains, once per contract.
async fn scan(
    store: &StoreHandle,
    spec: &JobSpec,
    symbol: &Symbol,
    settings: &ScanSettings,
    (_, last): (UnixNanos, UnixNanos),
    report: &mut JobReport,
) {
    let req = ScanRequest {
        underlying: symbol.clone(),
        window: Window::At(last),
        config: scan_config(settings),
        max_age: SCAN_MAX_AGE,
        record: true,
        step: 0,
    };
    let done = store
        .call(move |st| Ok(scan_chain(st, &req)))
        .await
        .map_err(upkeep::UpkeepError::from)
        .and_then(|r| r);
    match done {
        Ok(out) => {
            let findings: usize = out.snapshots.iter().map(|s| s.found).sum();
            report.scan_runs += out.runs.len() as u64;
            report.scan_findings += findings as u64;
            tracing::info!(
                job = %spec.job, symbol = %symbol, snapshots = out.snapshots.len(),
                runs = out.runs.len(), findings, "arbitrage scan recorded"
            );
        }
        Err(e) => {
            tracing::warn!(job = %spec.job, symbol = %symbol, "arbitrage scan failed: {e}");
            report.errors.push(format!("{symbol}: arbitrage scan: {e}"));
        }
    }
}

/// The scan's configuration from the job's settings; the rest as `ztrade options scan`'s
/// defaults (no stock fee, 5 s quote skew, sized findings only, no dividend yield).
fn scan_config(s: &ScanSettings) -> ::options::scan::ScanConfig {
    ::options::scan::ScanConfig {
        fees_per_contract: s.fees_per_contract,
        min_edge: Money::from_price(s.min_edge),
        rate: s.rate.to_f64(),
        ..::options::scan::ScanConfig::default()
    }
}
