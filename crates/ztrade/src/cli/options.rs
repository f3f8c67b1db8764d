//! `ztrade options import|chain|iv|scan`: option chains into the store, a stored chain priced,
//! a CSV priced, and the arbitrage scan over stored chains (`app::options`).

use std::path::PathBuf;

use app::options::chain::ChainRequest;
use app::options::import::OptionImportRequest;
use app::options::iv::IvFileRequest;
use app::options::scan::{ScanRequest, Window};
use clap::{Args, Subcommand};
use domain::{Money, Price, Symbol, UnixNanos};
use formats::export::{Destination, write_bytes};
use options::scan::ScanConfig;

use super::flags::{parse_short_span, parse_span, parse_time};
use super::{GlobalArgs, Open};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum OptionsCommand {
    /// Import an option chain file: a yfinance chain snapshot (contractSymbol,lastTradeDate,
    /// strike,…,optionType), or LEAN option minute quote or trade bars. The layout is told by
    /// the header. Zero bids, empty fields, stale last trades and crossed quotes are findings,
    /// listed, not failures. An upsert: importing again changes nothing, and trade bars keep the
    /// quotes' bid and ask.
    Import(ImportArgs),
    /// Show the stored chain of SYMBOL as of --at: each contract's quote, ztrade's implied
    /// volatility and greeks beside the provider's, and each expiry's forward and discount
    /// factor (from the chain's own put-call parity, else --rate and --dividend-yield).
    Chain(ChainArgs),
    /// Price a CSV of options for scripts: columns underlying_price,strike,expiry_years,rate,
    /// dividend_yield,price,right[,style]; writes the rows back with iv,delta,gamma,vega,theta,
    /// rho,status appended (IV and greeks empty where status is not ok).
    Iv(IvArgs),
    /// Scan stored chain snapshots for arbitrage that could be traded: put-call parity
    /// (conversions and reversals with the stock at its bid or ask), boxes, verticals,
    /// butterflies and calendars, every leg at the side it would trade, with fees, sized by the
    /// top of the book. Runs of the same opportunity over consecutive snapshots are recorded.
    Scan(ScanArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The chain file (CSV).
    file: PathBuf,
    /// The underlying of every contract, instead of each OCC symbol's root.
    #[arg(long, value_name = "SYM")]
    underlying: Option<Symbol>,
    /// A yfinance snapshot's time (RFC 3339 or a date); default: its latest lastTradeDate.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    at: Option<UnixNanos>,
    /// Store the valid rows and list each bad one instead of refusing the file.
    #[arg(long)]
    skip_invalid: bool,
    /// A last trade older than this before the snapshot is a stale-trade finding (e.g. 5d).
    #[arg(long, value_name = "SPAN", value_parser = parse_span)]
    stale_after: Option<i64>,
}

#[derive(Debug, Args)]
pub struct ChainArgs {
    /// The underlying whose stored chain to show.
    symbol: Symbol,
    /// The instant (RFC 3339 or a date): each contract's latest snapshot at or before it.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    at: UnixNanos,
    /// Snapshots older than this are not part of the chain (e.g. 15m, 1d).
    #[arg(long, value_name = "SPAN", default_value = "15m", value_parser = parse_span)]
    max_age: i64,
    /// A quote older than this at --at is stale and gets no IV (e.g. 5m).
    #[arg(long, value_name = "SPAN", default_value = "5m", value_parser = parse_span)]
    stale_after: i64,
    /// The continuously compounded rate for an expiry whose chain gives no discount factor.
    #[arg(long, value_name = "R", default_value_t = 0.0)]
    rate: f64,
    /// The dividend yield for such an expiry's forward.
    #[arg(long, value_name = "Q", default_value_t = 0.0)]
    dividend_yield: f64,
}

#[derive(Debug, Args)]
pub struct IvArgs {
    /// The CSV to price.
    file: PathBuf,
    /// Write the priced CSV here instead of to stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Price the valid rows and list each bad one instead of refusing the file.
    #[arg(long)]
    skip_invalid: bool,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The underlying whose stored chain to scan.
    #[arg(long, value_name = "SYM")]
    symbol: Symbol,
    /// Scan the chain as of this instant (RFC 3339 or a date).
    #[arg(long, value_name = "TIME", value_parser = parse_time, conflicts_with_all = ["from", "to"])]
    at: Option<UnixNanos>,
    /// Scan every stored snapshot from this instant…
    #[arg(long, value_name = "TIME", value_parser = parse_time, requires = "to")]
    from: Option<UnixNanos>,
    /// …to this one (exclusive).
    #[arg(long, value_name = "TIME", value_parser = parse_time, requires = "from")]
    to: Option<UnixNanos>,
    /// Fees per option contract, per leg (e.g. 0.65).
    #[arg(long, value_name = "X", default_value = "0")]
    fees_per_contract: Price,
    /// Fees per share of stock traded in a conversion or reversal.
    #[arg(long, value_name = "X", default_value = "0")]
    stock_fee_per_share: Price,
    /// Keep only opportunities whose edge per set, after fees, is above this (money).
    #[arg(long, value_name = "Y", default_value = "0")]
    min_edge: Price,
    /// The legs' quotes may be this far apart in time (e.g. 5s, 250ms).
    #[arg(long, value_name = "SPAN", default_value = "5s", value_parser = parse_short_span)]
    tolerance: i64,
    /// A contract's latest snapshot, or the stock's quote, older than this is left out (e.g. 15m).
    #[arg(long, value_name = "SPAN", default_value = "15m", value_parser = parse_span)]
    max_age: i64,
    /// Keep opportunities whose legs show no size (yfinance chains have none); their size is
    /// then unknown.
    #[arg(long)]
    allow_unsized: bool,
    /// The continuously compounded rate for an expiry whose chain gives no discount factor.
    #[arg(long, value_name = "R", default_value_t = 0.0)]
    rate: f64,
    /// The dividend yield for such an expiry's forward.
    #[arg(long, value_name = "Q", default_value_t = 0.0)]
    dividend_yield: f64,
    /// Do not record the runs in arbitrage_opportunities.
    #[arg(long)]
    dry_run: bool,
    /// With --from/--to, scan a stored snapshot time only this long after the last one scanned
    /// (e.g. 1m): collected chains stamp each contract with its own quote time.
    #[arg(long, value_name = "SPAN", default_value = "0", value_parser = parse_short_span)]
    step: i64,
}

pub fn run(cmd: OptionsCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    match cmd {
        OptionsCommand::Import(a) => import(a, g),
        OptionsCommand::Chain(a) => chain(a, g),
        OptionsCommand::Iv(a) => iv(a, g),
        OptionsCommand::Scan(a) => scan(a, g),
    }
}

fn import(a: ImportArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let mut req = OptionImportRequest::new(a.file);
    req.underlying = a.underlying;
    req.at = a.at;
    req.skip_invalid = a.skip_invalid;
    if let Some(ns) = a.stale_after {
        req.stale_after = std::time::Duration::from_nanos(ns.max(0).unsigned_abs());
    }
    // Every row is checked before the store is opened (or created).
    let read = app::options::import::read(&req)?;
    for skipped in &read.report.skipped {
        eprintln!("skipped {skipped}");
    }
    for warning in &read.report.warnings {
        eprintln!("warning: {warning}");
    }
    let mut store = g.open(Open::Migrated)?;
    let counts = app::options::import::store_rows(store.as_mut(), &req, &read)?;
    let done = app::options::import::OptionImport {
        counts,
        read: read.report,
    };
    output::reply(
        g.json,
        &done.summary(&req.file),
        render::text::option_import,
    )
}

fn scan(a: ScanArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let window = Window::from_flags(a.at, a.from, a.to).map_err(app::AppError::from)?;
    let req = ScanRequest {
        underlying: a.symbol,
        window,
        config: ScanConfig {
            fees_per_contract: a.fees_per_contract,
            stock_fee_per_share: a.stock_fee_per_share,
            min_edge: Money::from_price(a.min_edge),
            max_quote_skew_ns: a.tolerance,
            allow_unsized: a.allow_unsized,
            rate: a.rate,
            dividend_yield: a.dividend_yield,
            dividends: Vec::new(),
        },
        max_age: a.max_age,
        record: !a.dry_run,
        step: a.step,
    };
    let mut store = g.open(Open::Migrated)?;
    let outcome = app::options::scan::scan(store.as_mut(), &req)?;
    output::reply(g.json, &outcome, render::text::option_scan)
}

fn chain(a: ChainArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let req = ChainRequest {
        underlying: a.symbol,
        at: a.at,
        max_age: a.max_age,
        stale_after_seconds: a.stale_after as f64 / 1e9,
        rate: a.rate,
        dividend_yield: a.dividend_yield,
    };
    let store = g.open(Open::Ready)?;
    let view = app::options::chain::chain(store.as_ref(), &req)?;
    output::reply(g.json, &view, render::text::option_chain)
}

fn iv(a: IvArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let req = IvFileRequest {
        file: a.file,
        skip_invalid: a.skip_invalid,
    };
    let priced = app::options::iv::price_file(&req)?;
    for skipped in &priced.skipped {
        eprintln!("skipped {skipped}");
    }
    if g.json {
        return output::reply(true, &priced, |_, _| {});
    }
    let dest = match a.out {
        Some(path) => Destination::of(&path)?,
        None => Destination::Stdout,
    };
    write_bytes(&dest, priced.csv.as_bytes())?;
    Ok(())
}
