//! Roll-ups (`ztrade data rollup`): a stored series rolled up into longer timeframes, with the
//! pure roll-up of [`domain::grid::rollup`] (buckets on New York clock boundaries, the regular
//! session by default, exact combining), on the symbol's calendar (`SymbolStore`): a daily bar
//! is a NYSE session, an fx day (17:00 → 17:00 New York, labelled by the date it ends on), a
//! crypto UTC day, or a UTC day of every bar on `none`.
//!
//! - **Incremental.** Each (symbol, from, to) keeps a checkpoint: the last source bar rolled. A
//!   rerun reads from the bucket of the first source bar stored after it, so only the buckets
//!   touched by bars appended since are recomputed; `full` recomputes everything. A source bar
//!   rewritten at or before the checkpoint (a corrected import) is not seen: rerun with `full`.
//! - **Atomic.** Finished buckets are written in batches, each batch with its checkpoint in one
//!   transaction ([`store::RollupStore::upsert_rolled_bars`]), so a roll-up killed at any
//!   moment leaves the store as before that batch, and a rerun finishes the work.
//! - **Hours.** A series rolled with one kind of hours refuses the other: regular and extended
//!   hourly series differ in which buckets exist, and nothing here deletes bars.

use domain::calendar::Calendar;
use domain::grid::rollup::{Hours, Roller, Rollup};
use domain::{Bar, Symbol, Timeframe, UnixNanos};
use serde::Serialize;
use store::{BarQuery, BarStore, RollupCheckpoint, RollupStore, SymbolStore};

use crate::UpkeepError;

/// Source bars read per page.
const PAGE: usize = 50_000;

#[derive(Debug, Clone)]
pub struct RollupRequest {
    pub symbol: Symbol,
    pub from: Timeframe,
    /// Target timeframes, rolled one after the other.
    pub to: Vec<Timeframe>,
    pub hours: Hours,
    /// Recompute every bucket, ignoring the checkpoints.
    pub full: bool,
    /// Finished buckets per transaction.
    pub batch: usize,
}

impl RollupRequest {
    /// The default batch: 5,000 buckets per transaction.
    pub const BATCH: usize = 5_000;
}

/// What one target timeframe's roll-up did.
#[derive(Debug, Clone, Serialize)]
pub struct RollupTarget {
    pub to: Timeframe,
    /// The checkpoint it resumed after (`None`: from the first source bar).
    pub resumed_after: Option<UnixNanos>,
    /// Source bars read (those outside the counted hours included).
    pub source_bars: u64,
    /// Buckets recomputed: `inserted + updated + unchanged`.
    pub buckets: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Transactions written.
    pub batches: u64,
    /// The checkpoint now: the last source bar rolled.
    pub last_source: Option<UnixNanos>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RollupReport {
    pub symbol: Symbol,
    pub from: Timeframe,
    pub hours: Hours,
    /// The symbol's calendar: the trading days and sessions rolled over.
    pub calendar: Calendar,
    pub full: bool,
    pub targets: Vec<RollupTarget>,
}

/// Rolls `req.symbol`'s `req.from` bars up to each of `req.to`.
pub fn rollup<S: BarStore + RollupStore + SymbolStore + ?Sized>(
    store: &mut S,
    req: &RollupRequest,
) -> Result<RollupReport, UpkeepError> {
    if req.to.is_empty() {
        return Err(UpkeepError::input(
            "--to: name at least one target timeframe",
        ));
    }
    let calendar = store.symbol_calendar(&req.symbol)?;
    let rollups = req
        .to
        .iter()
        .map(|&to| {
            Rollup::new(req.from, to, req.hours, calendar)
                .map_err(|e| UpkeepError::Input(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let q = BarQuery {
        symbol: req.symbol.clone(),
        timeframe: req.from,
        start: None,
        end: None,
    };
    if store.bar_page(&q, None, 1)?.is_empty() {
        return Err(UpkeepError::NoData(format!(
            "no {} bars of {} are stored; import or backfill them first",
            req.from, req.symbol
        )));
    }
    let mut targets = Vec::with_capacity(rollups.len());
    for r in rollups {
        targets.push(one(store, req, r)?);
    }
    Ok(RollupReport {
        symbol: req.symbol.clone(),
        from: req.from,
        hours: req.hours,
        calendar,
        full: req.full,
        targets,
    })
}

fn one<S: BarStore + RollupStore + ?Sized>(
    store: &mut S,
    req: &RollupRequest,
    rollup: Rollup,
) -> Result<RollupTarget, UpkeepError> {
    let to = rollup.to();
    let cp = store.rollup_checkpoint(&req.symbol, req.from, to)?;
    if let Some(cp) = &cp
        && cp.hours != req.hours
    {
        return Err(UpkeepError::Input(format!(
            "{} {}→{to} was rolled up over {} hours; roll it over the same hours (the {to} series \
             would mix both)",
            req.symbol,
            req.from,
            cp.hours.as_str()
        )));
    }
    let resumed_after = cp.filter(|_| !req.full).map(|c| c.last_source);
    let mut report = RollupTarget {
        to,
        resumed_after,
        source_bars: 0,
        buckets: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        batches: 0,
        last_source: resumed_after,
    };
    let mut q = BarQuery {
        symbol: req.symbol.clone(),
        timeframe: req.from,
        start: None,
        end: None,
    };
    if let Some(last) = resumed_after {
        match store.bar_page(&q, Some(last), 1)?.first() {
            Some(first_new) => q.start = Some(rollup.bucket_start(first_new.ts)),
            None => return Ok(report),
        }
    }
    let mut roller = Roller::new(rollup);
    let mut done: Vec<Bar> = Vec::new();
    // The last source bar pushed, and the last one whose bucket is finished (all before the
    // bucket in progress): what a batch's checkpoint may claim.
    let mut pushed: Option<UnixNanos> = None;
    let mut after: Option<UnixNanos> = None;
    loop {
        let page = store.bar_page(&q, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = Some(last.ts);
        for bar in &page {
            report.source_bars += 1;
            if let Some(finished) = roller
                .push(bar)
                .map_err(|e| UpkeepError::Input(e.to_string()))?
            {
                done.push(finished);
                if done.len() >= req.batch.max(1)
                    && let Some(upto) = pushed
                {
                    write(store, req, rollup, &mut done, upto, &mut report)?;
                }
            }
            pushed = Some(bar.ts);
        }
        if page.len() < PAGE {
            break;
        }
    }
    done.extend(
        roller
            .finish()
            .map_err(|e| UpkeepError::Input(e.to_string()))?,
    );
    if let Some(upto) = pushed {
        write(store, req, rollup, &mut done, upto, &mut report)?;
    }
    Ok(report)
}

/// Writes the finished buckets with the checkpoint `upto` in one transaction.
fn write<S: RollupStore + ?Sized>(
    store: &mut S,
    req: &RollupRequest,
    rollup: Rollup,
    done: &mut Vec<Bar>,
    upto: UnixNanos,
    report: &mut RollupTarget,
) -> Result<(), UpkeepError> {
    let cp = RollupCheckpoint {
        symbol: req.symbol.clone(),
        from: req.from,
        to: rollup.to(),
        hours: req.hours,
        last_source: upto,
    };
    let counts = store.upsert_rolled_bars(done, &cp)?;
    report.buckets += done.len() as u64;
    report.inserted += counts.inserted;
    report.updated += counts.updated;
    report.unchanged += counts.unchanged;
    report.batches += 1;
    report.last_source = Some(upto);
    done.clear();
    Ok(())
}
