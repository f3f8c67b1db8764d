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
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use anyhow::bail;
use clap::Args;
use collector::Provider;
use collector::backfill::{BackfillSpec, ProgressEvent};
use collector::service::backfill::{
    BackfillKind, BackfillOutcome, BackfillProgress, BackfillRequest, backfill,
};
use domain::{Symbol, Timeframe, UnixNanos};

use crate::cli::flags::choice;
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
    #[arg(long, default_value = "bars", value_parser = choice::<BackfillKind>(&BackfillKind::NAMES))]
    kind: BackfillKind,
    /// Bars only: 1m, 5m, 15m, 1h, 1d (or 1Min, … 1Day).
    #[arg(long, default_value = "1m")]
    timeframe: Timeframe,
    /// First date or RFC 3339 time, inclusive. Not needed for options (a snapshot).
    #[arg(long, value_parser = |s: &str| parse_bound(s, Bound::Start))]
    start: Option<UnixNanos>,
    /// Last date (inclusive) or RFC 3339 time (exclusive); default now.
    #[arg(long, value_parser = |s: &str| parse_bound(s, Bound::End))]
    end: Option<UnixNanos>,
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

pub fn run(a: BackfillArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let provider = Provider::from(a.provider);
    let req = BackfillRequest {
        provider,
        symbols: a.symbols,
        kind: a.kind,
        timeframe: a.timeframe,
        start: a.start,
        end: a.end,
        chunk_days: a.chunk_days,
        concurrency: a.concurrency,
        requests_per_minute: a.requests_per_minute,
    };
    let mut store = g.open(Open::Migrated)?;
    let lookup = provider_lookup(store.as_mut(), a.master.key_file.as_deref(), &[provider])?;
    let now = collector::runtime::Clock::System.now();
    let bar = Progress::default();
    let outcome =
        backfill(req, &g.db_url(), &lookup, now, &bar).map_err(anyhow::Error::from_boxed)?;
    output::reply(g.json, &outcome, |t, o| match o {
        BackfillOutcome::Series {
            report,
            elapsed_seconds,
        } => render::text::backfill(t, report, *elapsed_seconds),
        BackfillOutcome::Actions(r) => t.line(r.summary()),
    })?;
    match outcome {
        BackfillOutcome::Series { report, .. } if report.failed > 0 => bail!(
            "{} of {} symbols stopped early (see above); run the same command again to resume",
            report.failed,
            report.symbols.len()
        ),
        _ => Ok(()),
    }
}

/// The terminal bar: position is how much of each symbol's range is done, so the ETA follows
/// time covered; the message carries rows and rows per second.
#[derive(Default)]
struct Progress(OnceLock<Span>);

struct Span {
    bar: indicatif::ProgressBar,
    start: UnixNanos,
    state: Mutex<(u64, std::collections::HashMap<Symbol, u64>)>,
    started: Instant,
}

impl BackfillProgress for Progress {
    fn start(&self, spec: &BackfillSpec) {
        let span = (spec.end.as_i64() - spec.start.as_i64()).max(0) as u64 / 1_000_000_000;
        let total = span.max(1) * spec.symbols.len() as u64;
        let what = format!("{} {} from {}", spec.kind, spec.timeframe, spec.provider);
        let _ = self.0.set(Span {
            bar: progress::span_bar(total, &what),
            start: spec.start,
            state: Mutex::new((0, Default::default())),
            started: Instant::now(),
        });
    }

    fn event(&self, e: &ProgressEvent) {
        let Some(p) = self.0.get() else { return };
        let mut s = p.state.lock().unwrap_or_else(|p| p.into_inner());
        s.0 += e.rows;
        let done = (e.position.as_i64() - p.start.as_i64()).max(0) as u64 / 1_000_000_000;
        s.1.insert(e.symbol.clone(), done);
        let rate = s.0 as f64 / p.started.elapsed().as_secs_f64().max(1e-3);
        p.bar.set_position(s.1.values().sum());
        p.bar.set_message(format!("{} rows, {rate:.0} rows/s", s.0));
    }

    fn finish(&self) {
        if let Some(p) = self.0.get() {
            p.bar.finish_and_clear();
        }
    }
}
