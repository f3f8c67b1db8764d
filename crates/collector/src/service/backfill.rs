//! `ztrade data backfill` as one blocking call: the window checked and defaulted, the
//! provider's client built from its keys, the async runtime started, then the series backfill
//! ([`crate::backfill`]) or the splits-and-dividends backfill ([`crate::backfill::actions`]).

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Instant;

use domain::{Symbol, Timeframe, UnixNanos};
use serde::Serialize;
use store::DataKind;

use super::{ServiceError, runtime};
use crate::Provider;
use crate::backfill::actions::{ActionsReport, ActionsSpec, run_actions_backfill};
use crate::backfill::{BackfillReport, BackfillSpec, ProgressEvent, run_backfill};
use crate::worker::Clients;

/// What a backfill fetches: a series kind, or splits and dividends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackfillKind {
    Series(DataKind),
    Actions,
}

impl BackfillKind {
    /// The names `--kind` takes.
    pub const NAMES: [&'static str; 6] = ["bars", "trades", "quotes", "news", "options", "actions"];
}

impl FromStr for BackfillKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "actions" => Ok(BackfillKind::Actions),
            other => DataKind::parse(other)
                .map(BackfillKind::Series)
                .map_err(|_| {
                    format!(
                        "{other:?} is not a kind to backfill (one of {})",
                        Self::NAMES.join(", ")
                    )
                }),
        }
    }
}

impl fmt::Display for BackfillKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackfillKind::Series(k) => f.write_str(k.as_str()),
            BackfillKind::Actions => f.write_str("actions"),
        }
    }
}

/// What `data backfill` asks for.
#[derive(Debug, Clone)]
pub struct BackfillRequest {
    pub provider: Provider,
    pub symbols: Vec<Symbol>,
    pub kind: BackfillKind,
    /// Bars only.
    pub timeframe: Timeframe,
    /// Required except for an option chain snapshot (which is taken now).
    pub start: Option<UnixNanos>,
    /// Default: now.
    pub end: Option<UnixNanos>,
    pub chunk_days: Option<u32>,
    pub concurrency: usize,
    pub requests_per_minute: Option<NonZeroU32>,
}

/// What a backfill did.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum BackfillOutcome {
    Series {
        #[serde(flatten)]
        report: BackfillReport,
        elapsed_seconds: f64,
    },
    Actions(ActionsReport),
}

/// A series backfill's progress, for a bar on a terminal.
pub trait BackfillProgress: Sync {
    fn start(&self, spec: &BackfillSpec);
    fn event(&self, e: &ProgressEvent);
    fn finish(&self);
}

/// Runs `req` into the store at `db_url` at `now`, keys through `lookup` (the environment,
/// then the vault).
pub fn backfill(
    req: BackfillRequest,
    db_url: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    now: UnixNanos,
    progress: &dyn BackfillProgress,
) -> Result<BackfillOutcome, ServiceError> {
    let options = req.kind == BackfillKind::Series(DataKind::Options);
    let start = match req.start {
        Some(s) => s,
        None if options => now,
        None => {
            return Err("--start is required (only an option chain snapshot goes without)".into());
        }
    };
    let end = req.end.unwrap_or(now);
    if !options && start >= end {
        return Err(format!("--start {start} is not before --end {end}").into());
    }
    let clients = Clients::for_provider(req.provider, lookup, req.requests_per_minute)?;
    let runtime = runtime()?;
    let kind = match req.kind {
        BackfillKind::Series(kind) => kind,
        BackfillKind::Actions => {
            let spec = ActionsSpec::for_window(req.provider, req.symbols, start, end);
            let report = runtime.block_on(run_actions_backfill(&spec, db_url, &clients))?;
            return Ok(BackfillOutcome::Actions(report));
        }
    };
    let mut spec = BackfillSpec::new(
        req.provider,
        req.symbols,
        kind,
        req.timeframe,
        start,
        end,
        now,
    );
    spec.chunk = (req.chunk_days).map(|d| i64::from(d.max(1)) * domain::time::NANOS_PER_DAY);
    spec.concurrency = req.concurrency.max(1);
    progress.start(&spec);
    let started = Instant::now();
    let report = runtime.block_on(run_backfill(&spec, db_url, &clients, &|e| {
        progress.event(e)
    }));
    progress.finish();
    Ok(BackfillOutcome::Series {
        report: report?,
        elapsed_seconds: started.elapsed().as_secs_f64(),
    })
}
