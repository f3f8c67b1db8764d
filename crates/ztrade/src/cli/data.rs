//! `ztrade data import|aggregate|export|status|seed|backfill|actions|rollup|validate|retain`:
//! files in and out of the store (bars and ticks), bars from ticks, what it holds, history from a
//! provider ([`backfill`]), splits and dividends ([`actions`]), roll-ups into longer timeframes
//! ([`rollup`]), the data-quality report (`app::data::validate`) and retention ([`retain`]).

mod actions;
mod backfill;
mod retain;
mod rollup;

use std::path::PathBuf;

use app::data::adjust::AdjustSpec;
use app::data::aggregate::AggregateRequest;
use app::data::export::ExportRequest;
use app::data::import::ImportRequest;
use app::data::seed::SeedRequest;
use app::data::ticks::TickImportRequest;
use app::time::Window;
use clap::Subcommand;
use domain::aggregate::Conditions;
use domain::calendar::Calendar;
use domain::{Adjustment, Symbol, Timeframe};
use formats::export::{Destination, Format};
use formats::import::ticks::{TickKind, TickOptions};
use formats::import::{ReadOptions, RowError};

use super::flags::choice;
use super::{GlobalArgs, Open};
use crate::output;
use crate::progress::{Bar, Unit};

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Import a CSV (or .csv.gz) of bars, quote bars, or (with --kind) trade or quote ticks.
    /// Strict: the first bad row aborts and nothing from the file is stored. Re-importing the
    /// same rows changes nothing.
    Import {
        /// The file: Yahoo, LEAN, Alpaca, Polygon, pandas and backtesting.py layouts
        /// (date/timestamp/Date+Time columns, offsets, Z or naive times, gzip); with --kind,
        /// LEAN tick files or `timestamp,price,size[,exchange,conditions]` (quotes:
        /// `timestamp,bid,bid_size,ask,ask_size[,exchange,conditions]`).
        file: PathBuf,
        /// Ticker to store the rows under (e.g. SPY).
        #[arg(long)]
        symbol: Symbol,
        /// Bars: 1m, 5m, 15m, 1h, 1d (or 1Min, 5Min, 15Min, 1Hour, 1Day; also 1s, 1w, 1mo).
        #[arg(long, required_unless_present = "kind")]
        timeframe: Option<Timeframe>,
        /// Ticks instead of bars: `trades` or `quotes`. Every tick is kept, several at one
        /// timestamp included, keyed by their order in the file at that timestamp.
        #[arg(long, value_parser = choice::<TickKind>(&TickKind::NAMES),
              conflicts_with_all = ["timeframe", "adj_close"])]
        kind: Option<TickKind>,
        /// Time zone of naive timestamps.
        #[arg(long, default_value = "America/New_York", value_parser = app::time::zone)]
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
        /// Put the symbol on this calendar before its rows are stored: nyse (the default), fx
        /// (24/5), crypto (24/7) or none (see `ztrade symbols set --help`).
        #[arg(long, value_parser = choice::<Calendar>(&Calendar::NAMES))]
        calendar: Option<Calendar>,
        /// Yahoo files: build a total-return series by scaling open, high, low and close by
        /// Adj Close / Close (and volume by the inverse). Without it, Adj Close is ignored and
        /// the import says so.
        #[arg(long)]
        adj_close: bool,
    },
    /// Make bars from stored trades (vwap, trade count, sale-condition rules), recorded as
    /// aggregated from trades. Rerunnable: the same range gives the same bars.
    Aggregate {
        /// Ticker whose trades are aggregated.
        #[arg(long)]
        symbol: Symbol,
        /// The ticks to read: trades.
        #[arg(long, value_parser = ["trades"])]
        from: String,
        /// The bars' timeframe, intraday: 1s, 5s, 1m, 5m, 15m, 1h…
        #[arg(long)]
        to: Timeframe,
        /// Sale-condition rules: `lean` reads LEAN/AlgoSeek hex flags (official open/close
        /// re-reports count nowhere; derivatively priced, prior reference, cash, next day and
        /// seller trades count in volume only; see docs/ARCHITECTURE.md); `all` counts every
        /// tick. Suspicious ticks never count.
        #[arg(long, value_parser = choice::<Conditions>(&Conditions::NAMES), default_value = "lean")]
        conditions: Conditions,
        /// First date or RFC 3339 time, inclusive, on a bar boundary.
        #[arg(long)]
        start: Option<String>,
        /// Last date (inclusive) or RFC 3339 time (exclusive), on a bar boundary.
        #[arg(long)]
        end: Option<String>,
    },
    /// Export one series to CSV, JSON or Parquet (pandas and polars read all three).
    Export {
        /// Ticker of the series.
        #[arg(long)]
        symbol: Symbol,
        /// Timeframe of the series: 1m, 5m, 15m, 1h, 1d (or 1Min, … 1Day).
        #[arg(long)]
        timeframe: Timeframe,
        /// First date or RFC 3339 time, inclusive.
        #[arg(long)]
        start: Option<String>,
        /// Last date (inclusive) or RFC 3339 time (exclusive).
        #[arg(long)]
        end: Option<String>,
        /// csv, json (an array of rows) or parquet.
        #[arg(long, value_parser = choice::<Format>(&Format::NAMES))]
        format: Format,
        /// A file (replaced atomically; through a symlink, its target), a FIFO or device
        /// (written in place), or `-` for stdout (the summary then goes to stderr).
        #[arg(long)]
        out: PathBuf,
        /// Export the symbol's quote bars (bid and ask OHLC and sizes, LEAN's columns) instead
        /// of its bars; csv only.
        #[arg(long)]
        quotes: bool,
        /// Prices adjusted on the way out: raw (as stored), split (splits only: prices ×
        /// from/to, volumes × to/from) or all (splits and cash dividends, the multiplicative
        /// method). Stored bars are never rewritten.
        #[arg(long, value_parser = choice::<Adjustment>(&Adjustment::NAMES), default_value = "raw")]
        adjust: Adjustment,
        /// Adjust only for actions with an ex-date on or before this date (YYYY-MM-DD), to
        /// reproduce a file a vendor adjusted then. Default: every stored action.
        #[arg(long, value_name = "DATE")]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Rows, range and missing bars (on the expected-bar grid of each symbol's calendar: NYSE
    /// sessions by default) of every stored series, and the findings of its last `data validate`.
    Status,
    /// Generate deterministic synthetic bars and sentiment (news, reddit, sec) and store them.
    Seed {
        /// Comma-separated tickers to generate.
        #[arg(long, value_delimiter = ',', default_value = "SPY,TSLA,AAPL")]
        symbols: Vec<Symbol>,
        /// Trading sessions to generate.
        #[arg(long, default_value_t = 60)]
        days: u32,
        /// Last session date. Fixed by default so that the same command always seeds the same data.
        #[arg(long, default_value = "2025-12-31")]
        end: chrono::NaiveDate,
        /// Bar timeframe: 1m, 5m, 15m, 1h or 1d.
        #[arg(long, default_value = "5m")]
        timeframe: Timeframe,
        /// Random seed: the same seed always gives the same data.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Fetch history from Alpaca or Polygon into the store: resumable (rerun after any failure,
    /// `kill -9` included) and idempotent (a range already stored is a quick no-op).
    Backfill(backfill::BackfillArgs),
    /// Splits and dividends: import them; `data export --adjust` and an agent's `adjustment`
    /// read bars adjusted for them.
    #[command(subcommand)]
    Actions(actions::ActionsCommand),
    /// Roll a stored series up into longer timeframes (5m, 15m, 1h, 1d…): buckets on New York
    /// clock boundaries, the regular session only unless --extended, incremental (only the
    /// buckets touched since the last roll-up are recomputed) and resumable after a kill.
    Rollup(rollup::RollupArgs),
    /// Check stored series (coverage, gaps, order, OHLC, bad prints, splits, moves, spikes, stale
    /// and zero-volume bars, crossed quotes, far ticks); the findings are stored per series.
    Validate {
        /// Check only this ticker's series (bars, quote bars, trades, quotes).
        #[arg(long)]
        symbol: Option<Symbol>,
        /// Check only bar and quote-bar series of this timeframe (ticks are then left out).
        #[arg(long)]
        timeframe: Option<Timeframe>,
        /// Report from this date (YYYY-MM-DD, exchange date); earlier bars are context only.
        #[arg(long, value_name = "DATE")]
        since: Option<chrono::NaiveDate>,
        /// Exit 1 when a finding is this severe or worse: warn or error.
        #[arg(long, value_name = "SEVERITY")]
        fail_on: Option<domain::quality::Severity>,
    },
    /// Delete old rows by the config's retention policies (e.g. ticks: 30d, 1m: 2y), never what
    /// no coarser series holds or a stored run read (unless --force). A dry run unless --apply.
    Retain(retain::RetainArgs),
}

pub fn run(cmd: DataCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    match cmd {
        DataCommand::Import {
            file,
            symbol,
            kind: Some(kind),
            tz,
            skip_invalid,
            calendar,
            ..
        } => {
            let options = TickOptions {
                kind,
                tz,
                skip_invalid,
            };
            let req = TickImportRequest {
                file,
                symbol,
                options,
                calendar,
            };
            app::data::import::check_file(&req.file)?;
            let mut store = g.open(Open::Migrated)?;
            let done = app::data::ticks::import(
                store.as_mut(),
                &req,
                &Bar::new(Unit::Bytes),
                &mut |read| report_read(&read.warnings, &read.skipped),
            )?;
            let what = format!("{} {}", req.symbol, kind.name());
            output::reply(g.json, &done.counts, |t, c| {
                render::text::upserted(t, &what, c)
            })
        }
        DataCommand::Import {
            file,
            symbol,
            timeframe: Some(timeframe),
            tz,
            skip_invalid,
            strict_tail,
            adj_close,
            calendar,
            kind: None,
        } => {
            let options = ReadOptions {
                timeframe,
                tz,
                skip_invalid,
                strict_tail,
                adj_close,
            };
            let req = ImportRequest {
                file,
                symbol,
                options,
                calendar,
            };
            app::data::import::check_file(&req.file)?;
            let mut store = g.open(Open::Migrated)?;
            let read = app::data::import::read(&req, &Bar::new(Unit::Bytes))?;
            report_read(&read.warnings, &read.skipped);
            if read.adj_close_ignored {
                eprintln!(
                    "warning: {}: the Adj Close column was ignored (prices stored as traded); \
                     --adj-close stores a total-return series scaled by it",
                    req.file.display()
                );
            }
            let counts = app::data::import::store_rows(store.as_mut(), &req, &read)?;
            let what = format!("{} {timeframe}", req.symbol);
            output::reply(g.json, &counts, |t, c| render::text::upserted(t, &what, c))
        }
        DataCommand::Import { .. } => anyhow::bail!("--timeframe or --kind is required"),
        DataCommand::Aggregate {
            symbol,
            to,
            conditions,
            start,
            end,
            ..
        } => {
            let window = Window::parse(start.as_deref(), end.as_deref())?;
            let req = AggregateRequest {
                symbol,
                timeframe: to,
                conditions,
                window,
            };
            let mut store = g.open(Open::Migrated)?;
            let report =
                app::data::aggregate::aggregate(store.as_mut(), &req, &Bar::new(Unit::Items))?;
            output::reply(g.json, &report, render::text::aggregate)
        }
        DataCommand::Export {
            symbol,
            timeframe,
            start,
            end,
            format,
            out,
            quotes,
            adjust,
            as_of,
        } => {
            let adjust = AdjustSpec::checked(adjust, as_of)?;
            let window = Window::parse(start.as_deref(), end.as_deref())?;
            let req = ExportRequest {
                symbol,
                timeframe,
                window,
                format,
                quotes,
                adjust,
            };
            // Atomically to a file (through a symlink, to its target), in place to a FIFO or
            // device, or to stdout.
            let dest = Destination::of(&out)?;
            let store = g.open(Open::Ready)?;
            let written = app::data::export::export(store.as_ref(), &req, &dest)?;
            let summary = serde_json::json!({ "rows": written, "out": out });
            let text = match g.json {
                true => summary.to_string(),
                false => format!("wrote {written} bars to {}", out.display()),
            };
            // With the bars on stdout, the summary goes to stderr so that it does not mix.
            match (dest.is_stdout(), g.json) {
                (true, _) => eprintln!("{text}"),
                (false, true) => output::json(&summary)?,
                (false, false) => println!("{text}"),
            }
            Ok(())
        }
        DataCommand::Status => {
            let report = app::data::status::status(g.open(Open::Ready)?.as_ref())?;
            output::reply(g.json, &report, render::text::status)
        }
        DataCommand::Backfill(args) => backfill::run(args, g),
        DataCommand::Actions(cmd) => actions::run(cmd, g),
        DataCommand::Rollup(args) => rollup::run(args, g),
        DataCommand::Validate {
            symbol,
            timeframe,
            since,
            fail_on,
        } => {
            let req = app::data::validate::request_now(symbol, timeframe, since)?;
            let report = app::data::validate::validate(g.open(Open::Ready)?.as_mut(), &req)?;
            output::reply(g.json, &report, render::text::validate)?;
            Ok(app::data::validate::fail_on(&report, fail_on)?)
        }
        DataCommand::Retain(args) => retain::run(args, g),
        DataCommand::Seed {
            symbols,
            days,
            end,
            timeframe,
            seed,
        } => {
            let req = SeedRequest {
                symbols,
                days,
                end,
                timeframe,
                seed,
            };
            // Checked before the store is opened (or created).
            req.sessions()?;
            let mut store = g.open(Open::Migrated)?;
            let summary = app::data::seed::seed(store.as_mut(), &req, &Bar::new(Unit::Items))?;
            let names: Vec<&str> = req.symbols.iter().map(|s| s.as_str()).collect();
            output::reply(g.json, &summary, |t, s| {
                render::text::seeded(t, s, &names.join(","), timeframe)
            })
        }
    }
}

/// What a read warns about and, under --skip-invalid, the lines it left out: on stderr.
fn report_read(warnings: &[RowError], skipped: &[RowError]) {
    warnings.iter().for_each(|w| eprintln!("warning: {w}"));
    skipped.iter().for_each(|s| eprintln!("skipped {s}"));
}
