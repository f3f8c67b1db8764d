//! `ztrade data backfill`: history from Alpaca or Polygon into the store, resumable and
//! idempotent (see `collector::backfill`). Run it again after any failure, `kill -9` included:
//! it continues from the checkpoint; over a range already stored it does nothing.
//!
//! `--kind actions`: splits and dividends, fetched whole then stored at once
//! (`collector::backfill::actions`).
//!
//! Keys: `APCA_API_KEY_ID`/`APCA_API_SECRET_KEY`, `POLYGON_API_KEY`, else the vault
//! (`ztrade keys set`). Base URLs: `ZTRADE_ALPACA_DATA_URL`, `ZTRADE_POLYGON_URL`.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use collector::Provider;
use collector::backfill::actions::{ActionsSpec, run_actions_backfill};
use collector::backfill::{BackfillReport, BackfillSpec, ProgressEvent, run_backfill};
use collector::worker::Clients;
use domain::{Symbol, Timeframe, UnixNanos};
use serde::Serialize;
use store::DataKind;

use crate::cli::provider_keys::{MasterArgs, ProviderArg, provider_lookup};
use crate::cli::{GlobalArgs, Open};
use crate::output;
use crate::progress;
use app::time::{Bound, parse_bound};

#[derive(Debug, Args)]
pub struct BackfillArgs {
    /// Where to fetch from (keys from the provider's environment variables, then the vault).
    #[arg(long, value_enum)]
    provider: ProviderArg,
    /// Comma-separated tickers.
    #[arg(long, value_delimiter = ',', required = true)]
    symbols: Vec<Symbol>,
    /// What to fetch: bars, trades, quotes, news, an option chain snapshot, or actions (splits
    /// and dividends into corporate_actions; other corporate-action kinds are counted, not
    /// stored).
    #[arg(long, value_enum, default_value = "bars")]
    kind: KindArg,
    /// Bars only: 1m, 5m, 15m, 1h, 1d (or 1Min, … 1Day).
    #[arg(long, default_value = "1m")]
    timeframe: Timeframe,
    /// First date or RFC 3339 time, inclusive. Not needed for options (a snapshot).
    #[arg(long)]
    start: Option<String>,
    /// Last date (inclusive) or RFC 3339 time (exclusive); default now.
    #[arg(long)]
    end: Option<String>,
    /// Days per chunk (each chunk is paged, then marked covered); default per kind.
    #[arg(long)]
    chunk_days: Option<u32>,
    /// Symbols fetched at once; they share the provider's rate budget.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// The provider's request budget (Alpaca: 200 by default, Polygon: 5, the free plans).
    #[arg(long)]
    requests_per_minute: Option<NonZeroU32>,
    #[command(flatten)]
    master: MasterArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    Bars,
    Trades,
    Quotes,
    News,
    Options,
    Actions,
}

impl KindArg {
    /// `None` for actions, which are not a series.
    fn data_kind(self) -> Option<DataKind> {
        Some(match self {
            KindArg::Bars => DataKind::Bars,
            KindArg::Trades => DataKind::Trades,
            KindArg::Quotes => DataKind::Quotes,
            KindArg::News => DataKind::News,
            KindArg::Options => DataKind::Options,
            KindArg::Actions => return None,
        })
    }
}

#[derive(Serialize)]
struct Summary<'a> {
    #[serde(flatten)]
    report: &'a BackfillReport,
    elapsed_seconds: f64,
}

pub fn run(a: BackfillArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let now = collector::runtime::Clock::System.now();
    let kind = a.kind.data_kind();
    let provider = Provider::from(a.provider);
    let start = match (&a.start, kind) {
        (Some(s), _) => parse_bound(s, Bound::Start)?,
        (None, Some(DataKind::Options)) => now,
        (None, _) => bail!("--start is required (only an option chain snapshot goes without)"),
    };
    let end = match &a.end {
        Some(e) => parse_bound(e, Bound::End)?,
        None => now,
    };
    if kind != Some(DataKind::Options) && start >= end {
        bail!("--start {start} is not before --end {end}");
    }
    let url = g.db_url();
    let lookup = provider_lookup(
        g.open(Open::Migrated)?.as_mut(),
        a.master.key_file.as_deref(),
        &[provider],
    )?;
    let clients = Clients::for_provider(provider, &lookup, a.requests_per_minute)?;
    drop(lookup);
    let runtime = collector::runtime::start().context("starting the async runtime")?;
    let Some(kind) = kind else {
        let spec = ActionsSpec::for_window(provider, a.symbols, start, end);
        let report = runtime.block_on(run_actions_backfill(&spec, &url, &clients))?;
        return output::reply(g.json, &report, |t, r| t.line(r.summary()));
    };
    let mut spec = BackfillSpec::new(provider, a.symbols, kind, a.timeframe, start, end, now);
    spec.chunk = a
        .chunk_days
        .map(|d| i64::from(d.max(1)) * domain::time::NANOS_PER_DAY);
    spec.concurrency = a.concurrency.max(1);

    let bar = Progress::new(&spec);
    let started = Instant::now();
    let report = runtime.block_on(run_backfill(&spec, &url, &clients, &|e| bar.update(e)))?;
    bar.finish();
    let elapsed = started.elapsed().as_secs_f64();
    let summary = Summary {
        report: &report,
        elapsed_seconds: elapsed,
    };
    output::reply(g.json, &summary, |t, _| {
        render::text::backfill(t, &report, elapsed)
    })?;
    if report.failed > 0 {
        bail!(
            "{} of {} symbols stopped early (see above); run the same command again to resume",
            report.failed,
            report.symbols.len()
        );
    }
    Ok(())
}

/// The terminal bar: position is how much of each symbol's range is done, so the ETA follows
/// time covered; the message carries rows and rows per second.
struct Progress {
    bar: indicatif::ProgressBar,
    start: UnixNanos,
    state: Mutex<(u64, std::collections::HashMap<Symbol, u64>)>,
    started: Instant,
}

impl Progress {
    fn new(spec: &BackfillSpec) -> Self {
        let span = (spec.end.as_i64() - spec.start.as_i64()).max(0) as u64 / 1_000_000_000;
        let total = span.max(1) * spec.symbols.len() as u64;
        let what = format!("{} {} from {}", spec.kind, spec.timeframe, spec.provider);
        Self {
            bar: progress::span_bar(total, &what),
            start: spec.start,
            state: Mutex::new((0, Default::default())),
            started: Instant::now(),
        }
    }

    fn update(&self, e: &ProgressEvent) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.0 += e.rows;
        let done = (e.position.as_i64() - self.start.as_i64()).max(0) as u64 / 1_000_000_000;
        s.1.insert(e.symbol.clone(), done);
        let rate = s.0 as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        self.bar.set_position(s.1.values().sum());
        self.bar
            .set_message(format!("{} rows, {rate:.0} rows/s", s.0));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
