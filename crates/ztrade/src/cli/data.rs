//! `ztrade data import|export|status|seed|backfill`: files in and out of the store, what it
//! holds, and history from a provider ([`super::backfill`]).

use std::path::PathBuf;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use domain::{Symbol, Timeframe, UnixNanos};
use store::{BarQuery, UpsertCounts};

use super::GlobalArgs;
use crate::output;
use crate::progress::{self, Unit};

pub mod status;

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Import a CSV (or .csv.gz) of bars or quote bars. Strict: the first bad row aborts and
    /// nothing from the file is stored. Re-importing the same rows changes nothing.
    Import {
        /// The file: any of the layouts in ../shared/data (date/timestamp/Date+Time columns,
        /// offsets, Z or naive times, gzip).
        file: PathBuf,
        #[arg(long)]
        symbol: Symbol,
        /// 1m, 5m, 15m, 1h, 1d (or 1Min, 5Min, 15Min, 1Hour, 1Day; also 1s, 1w, 1mo).
        #[arg(long)]
        timeframe: Timeframe,
        /// Time zone of naive timestamps.
        #[arg(long, default_value = "America/New_York", value_parser = parse_tz)]
        tz: chrono_tz::Tz,
        /// Store the valid rows and report each skipped line instead of aborting (a file in
        /// which every row is invalid is still an error).
        #[arg(long)]
        skip_invalid: bool,
        /// Refuse a last line that has no newline and whose last value is shorter than every
        /// other in its column: the file looks cut short. `--strict-tail=false` imports it with
        /// a warning.
        #[arg(long, default_value_t = true, num_args = 0..=1, default_missing_value = "true",
              action = clap::ArgAction::Set, value_name = "BOOL")]
        strict_tail: bool,
    },
    /// Export one series to CSV, JSON or Parquet (pandas and polars read all three).
    Export {
        #[arg(long)]
        symbol: Symbol,
        #[arg(long)]
        timeframe: Timeframe,
        /// First date or RFC 3339 time, inclusive.
        #[arg(long)]
        start: Option<String>,
        /// Last date (inclusive) or RFC 3339 time (exclusive).
        #[arg(long)]
        end: Option<String>,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// A file (replaced atomically; through a symlink, its target), a FIFO or device
        /// (written in place), or `-` for stdout (the summary then goes to stderr).
        #[arg(long)]
        out: PathBuf,
    },
    /// Rows, range and missing bars (against the NYSE calendar) of every stored series.
    Status,
    /// Generate deterministic synthetic bars and sentiment (news, reddit, sec) and store them.
    Seed {
        #[arg(long, value_delimiter = ',', default_value = "SPY,TSLA,AAPL")]
        symbols: Vec<Symbol>,
        /// Trading sessions to generate.
        #[arg(long, default_value_t = 60)]
        days: u32,
        /// Last session date. Fixed by default so that the same command always seeds the same data.
        #[arg(long, default_value = "2025-12-31")]
        end: chrono::NaiveDate,
        #[arg(long, default_value = "5m")]
        timeframe: Timeframe,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Fetch history from Alpaca or Polygon into the store: resumable (rerun after any failure,
    /// `kill -9` included) and idempotent (a range already stored is a quick no-op).
    Backfill(super::backfill::BackfillArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
    Parquet,
}

pub fn run(cmd: DataCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    match cmd {
        DataCommand::Import {
            file,
            symbol,
            timeframe,
            tz,
            skip_invalid,
            strict_tail,
        } => {
            let opts = formats::import::ReadOptions {
                timeframe,
                tz,
                skip_invalid,
                strict_tail,
            };
            let counts = import(g, &file, &symbol, &opts)?;
            if g.json {
                output::json(&counts)
            } else {
                println!(
                    "{symbol} {timeframe}: {} inserted, {} updated, {} unchanged, {} skipped",
                    counts.inserted, counts.updated, counts.unchanged, counts.skipped
                );
                Ok(())
            }
        }
        DataCommand::Export {
            symbol,
            timeframe,
            start,
            end,
            format,
            out,
        } => export(g, symbol, timeframe, start, end, format, &out),
        DataCommand::Status => status::run(g),
        DataCommand::Backfill(args) => super::backfill::run(args, g),
        DataCommand::Seed {
            symbols,
            days,
            end,
            timeframe,
            seed,
        } => {
            let summary = seed_store(&g.db_url(), &symbols, days, end, timeframe, seed)?;
            if g.json {
                output::json(&summary)
            } else {
                println!(
                    "seeded {} bars ({} inserted) and {} sentiment records for {} at {timeframe}",
                    summary.bars.inserted + summary.bars.updated + summary.bars.unchanged,
                    summary.bars.inserted,
                    summary.sentiment.inserted
                        + summary.sentiment.updated
                        + summary.sentiment.unchanged,
                    symbols
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                );
                Ok(())
            }
        }
    }
}

/// Reads the whole file first ([`formats::import`] checks every row and that the file fits the
/// timeframe), then stores it in one go: a file refused stores nothing.
fn import(
    g: &GlobalArgs,
    file: &std::path::Path,
    symbol: &Symbol,
    opts: &formats::import::ReadOptions,
) -> anyhow::Result<UpsertCounts> {
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    let mut store = store::open_migrated(&g.db_url())?;
    let pb = progress::bar(size, Unit::Bytes, &format!("importing {}", file.display()));
    let read = formats::import::read_file(file, opts, &mut |bytes| pb.set_position(bytes))?;
    pb.finish_and_clear();
    for warning in &read.warnings {
        eprintln!("warning: {warning}");
    }
    for skipped in &read.skipped {
        eprintln!("skipped {skipped}");
    }
    if read.rows.is_empty() {
        match read.skipped.len() {
            0 => anyhow::bail!("{}: no data rows after the header", file.display()),
            n => anyhow::bail!(
                "{}: all {n} data rows are invalid (listed above); nothing stored",
                file.display()
            ),
        }
    }
    let tf = opts.timeframe;
    let mut counts = match &read.rows {
        formats::import::Rows::Bars(bars) => store.upsert_bars(symbol, tf, bars)?,
        formats::import::Rows::QuoteBars(q) => store.upsert_quote_bars(symbol, tf, q)?,
    };
    counts.skipped = read.skipped.len() as u64;
    Ok(counts)
}

/// `--start`/`--end` accept a date or an RFC 3339 time; an end date includes that whole day.
pub fn parse_bound(text: &str, is_end: bool) -> anyhow::Result<UnixNanos> {
    let flag = if is_end { "--end" } else { "--start" };
    let t = UnixNanos::parse_rfc3339(text).map_err(|e| anyhow::anyhow!("{flag}: {e}"))?;
    let date_only = text.trim().len() == 10;
    Ok(if is_end && date_only {
        t.plus(domain::time::NANOS_PER_DAY)
    } else {
        t
    })
}

/// Both bounds, rejecting an empty window up front so that the user hears "start after end"
/// rather than "no bars".
pub fn parse_window(
    start: Option<&str>,
    end: Option<&str>,
) -> anyhow::Result<(Option<UnixNanos>, Option<UnixNanos>)> {
    let s = start.map(|t| parse_bound(t, false)).transpose()?;
    let e = end.map(|t| parse_bound(t, true)).transpose()?;
    if let (Some(s), Some(e), Some(st), Some(et)) = (s, e, start, end) {
        anyhow::ensure!(
            s < e,
            "--start {st} is not before --end {et}: the range is empty"
        );
    }
    Ok((s, e))
}

/// `--tz`: an IANA zone name, with an error that says so (chrono-tz's own is "failed to parse").
fn parse_tz(text: &str) -> Result<chrono_tz::Tz, String> {
    text.parse().map_err(|_| {
        format!("{text:?} is not an IANA time zone (e.g. America/New_York, Europe/London, UTC)")
    })
}

fn export(
    g: &GlobalArgs,
    symbol: Symbol,
    timeframe: Timeframe,
    start: Option<String>,
    end: Option<String>,
    format: ExportFormat,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let (start, end) = parse_window(start.as_deref(), end.as_deref())?;
    // Atomically to a file (through a symlink, to its target), in place to a FIFO or device.
    let dest = formats::export::Destination::of(out)?;
    let store = store::open_ready(&g.db_url())?;
    let query = BarQuery {
        symbol: symbol.clone(),
        timeframe,
        start,
        end,
    };
    let format = match format {
        ExportFormat::Csv => formats::export::Format::Csv,
        ExportFormat::Json => formats::export::Format::Json,
        ExportFormat::Parquet => formats::export::Format::Parquet,
    };
    // An empty range is an error, found before anything is written: an existing `out` stays
    // untouched and no empty file appears.
    let mut bars = store.bars(query).peekable();
    if bars.peek().is_none() {
        anyhow::bail!("no {symbol} {timeframe} bars in that range; see `ztrade data status`");
    }
    let written = formats::export::export_to(&dest, format, timeframe, bars)?;
    let summary = serde_json::json!({ "rows": written, "out": out });
    if g.json && !dest.is_stdout() {
        return output::json(&summary);
    }
    let text = if g.json {
        summary.to_string()
    } else {
        format!("wrote {written} bars to {}", out.display())
    };
    // With the bars on stdout, the summary goes to stderr so that it does not mix with them.
    if dest.is_stdout() {
        eprintln!("{text}");
    } else {
        println!("{text}");
    }
    Ok(())
}

#[derive(Debug, serde::Serialize)]
pub struct SeedSummary {
    pub bars: UpsertCounts,
    pub sentiment: UpsertCounts,
    pub first: Option<UnixNanos>,
    pub last: Option<UnixNanos>,
}

/// Seeds `url` (migrating it first). Shared with `ztrade demo`.
pub fn seed_store(
    url: &str,
    symbols: &[Symbol],
    days: u32,
    end: chrono::NaiveDate,
    tf: Timeframe,
    seed: u64,
) -> anyhow::Result<SeedSummary> {
    anyhow::ensure!(days > 0, "--days must be at least 1");
    anyhow::ensure!(
        days <= MAX_SEED_DAYS,
        "--days {days} is too many (at most {MAX_SEED_DAYS} sessions, about 40 years)"
    );
    anyhow::ensure!(
        (first_seed_date()..=last_seed_date()).contains(&end),
        "--end {end} is outside {}..={}",
        first_seed_date(),
        last_seed_date()
    );
    // Checked before anything is stored: a repeated symbol would fail halfway, at the sentiment.
    for (i, s) in symbols.iter().enumerate() {
        anyhow::ensure!(
            !symbols[..i].contains(s),
            "--symbols lists {s} more than once"
        );
    }
    let sessions = last_sessions(end, days);
    anyhow::ensure!(
        sessions.len() == days as usize,
        "--days {days} before --end {end} reaches before {}",
        first_seed_date()
    );
    let first_day = sessions.first().context("no sessions to seed")?.date;
    let mut store = store::open_migrated(url)?;
    let pb = progress::bar(symbols.len() as u64, Unit::Items, "seeding");
    let mut summary = SeedSummary {
        bars: UpsertCounts::default(),
        sentiment: UpsertCounts::default(),
        first: None,
        last: None,
    };
    for symbol in symbols {
        let bars = formats::synth::generate_bars(symbol, first_day, days as usize, tf, seed);
        summary.first = summary
            .first
            .min(bars.first().map(|b| b.ts))
            .or(bars.first().map(|b| b.ts));
        summary.last = summary.last.max(bars.last().map(|b| b.ts));
        summary.bars += store.upsert_bars(symbol, tf, &bars)?;
        pb.inc(1);
    }
    let sentiment = formats::synth::generate_sentiment(symbols, first_day, days as usize, seed);
    summary.sentiment += store.upsert_sentiment(&sentiment)?;
    pb.finish_and_clear();
    Ok(summary)
}

/// Enough for any real use, and small enough that a typo cannot generate billions of bars.
const MAX_SEED_DAYS: u32 = 10_000;

/// Seeded sessions stay inside the timestamps' range (1677..2262), where the calendar works.
fn first_seed_date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date")
}

fn last_seed_date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2200, 12, 31).expect("valid date")
}

/// The `n` NYSE sessions ending on or before `end` (not before [`first_seed_date`]), oldest first.
fn last_sessions(end: chrono::NaiveDate, n: u32) -> Vec<domain::calendar::Session> {
    let cal = domain::calendar::NyseCalendar;
    let mut out: Vec<_> = end
        .iter_days()
        .rev()
        .take_while(|d| *d >= first_seed_date())
        .filter_map(|d| cal.session(d))
        .take(n as usize)
        .collect();
    out.reverse();
    out
}
