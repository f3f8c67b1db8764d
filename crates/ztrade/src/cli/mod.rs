//! The command line: clap → `app` → render. Global options and the one place that opens the
//! store ([`GlobalArgs::open`]) first, then one module per command group, each parsing its flags,
//! calling the use case in `app` (or `collector`) and rendering the typed result as a table or
//! JSON. Command modules do not import each other.
//!
//! - [`db`]: `db migrate`, `db status`
//! - [`data`]: `data import|export|status|seed|backfill`
//! - [`keys`]: `keys set|list|rotate|delete|audit`, provider keys encrypted in the store
//! - [`agent`]: `agent list|show|validate`
//! - [`backtest`]: `backtest run|list|show|compare|sweep`
//! - [`report`]: a self-contained HTML report of stored runs; [`serve`]: the dashboard
//! - [`demo`]: the whole job on the embedded default
//! - [`bench`]: the speed claims, each against a baseline in the same run
//! - [`collect`]: `collect` (embedded), `collect status`, `scheduler`, `worker`
//! - [`symbols`]: `symbols list|show|set`, the calendar each symbol is measured against
//! - [`ml`]: `ml labels|export`, triple-barrier labels and the dataset
//! - [`options`]: `options import|scan`, option chains and the arbitrage scanner
//! - [`paper`]: `paper run|stop|status`, `replay`: paper trading and the drift report
//! - shared by several: [`flags`] (the runtime clock, time and duration parsers, `choice`), [`paper_loop`]
//!   (`paper run` and `collect --paper`), [`provider_keys`]

mod agent;
mod backtest;
mod bench;
mod collect;
mod data;
mod db;
mod demo;
mod flags;
mod keys;
mod ml;
mod options;
mod paper;
mod paper_loop;
mod provider_keys;
mod report;
mod serve;
mod symbols;

use std::path::PathBuf;

use app::agents::AgentsDir;
use clap::{Args, Parser, Subcommand};
use store::Store;

use crate::logging::LogFormat;

/// ztrade: collect market data without gaps, keep it exactly, backtest strategies on it.
#[derive(Debug, Parser)]
#[command(
    name = "ztrade",
    version,
    about,
    long_about = None,
    propagate_version = true,
    after_help = "Every command also takes --db, --json, --log-format, --busy-timeout and \
                  --agents-dir (described under Global options in `ztrade --help`)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes: left out of the short help (`-h`) so that each command's own
/// flags stand alone, and listed under their own heading in the full help (`--help`).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Store URL: sqlite://PATH or postgres://USER@HOST/DB. Falls back to $ZTRADE_DB, then
    /// $DATABASE_URL, then sqlite://ztrade.db.
    #[arg(
        long,
        global = true,
        hide_short_help = true,
        env = "ZTRADE_DB",
        hide_env_values = true
    )]
    pub db: Option<String>,
    /// Print data as JSON on stdout (for scripts).
    #[arg(long, global = true, hide_short_help = true)]
    pub json: bool,
    /// Log format on stderr; the level comes from RUST_LOG (default warn).
    #[arg(long, global = true, hide_short_help = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// SQLite only: seconds to wait for another process's write lock before giving up
    /// (default 10; the same as `?busy_timeout=SECONDS` on the URL, which this overrides).
    #[arg(long, global = true, hide_short_help = true, env = "ZTRADE_BUSY_TIMEOUT", value_name = "SECONDS",
          value_parser = parse_busy_timeout)]
    pub busy_timeout: Option<f64>,
    /// Directory of agent YAML files (ID.yaml).
    #[arg(
        long,
        global = true,
        hide_short_help = true,
        env = "ZTRADE_AGENTS_DIR",
        default_value = "agents",
        value_name = "DIR"
    )]
    pub agents_dir: PathBuf,
}

/// How a command needs the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// As it is, even empty or older (`db status`, `db migrate`).
    AsIs,
    /// Fully migrated, or an error telling the user to run `ztrade db migrate`.
    Ready,
    /// Created or brought up to date first (import, seed, backfill, keys).
    Migrated,
}

fn parse_busy_timeout(text: &str) -> Result<f64, String> {
    let secs = store::url::parse_seconds(text).map(|d| d.as_secs_f64());
    secs.ok_or_else(|| "a number of seconds from 0 to 86400".to_string())
}

impl GlobalArgs {
    /// The store of `--db`: every command opens it here.
    pub fn open(&self, how: Open) -> Result<Box<dyn Store>, store::StoreError> {
        let url = self.db_url();
        match how {
            Open::AsIs => store::open(&url),
            Open::Ready => store::open_ready(&url),
            Open::Migrated => store::open_migrated(&url),
        }
    }

    pub fn agents(&self) -> AgentsDir {
        AgentsDir::new(&self.agents_dir)
    }

    /// The flag wins, then ZTRADE_DB (via clap), then DATABASE_URL, then the embedded default.
    pub fn db_url(&self) -> String {
        store::url::resolve(self.db.as_deref(), self.busy_timeout)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or upgrade the store's schema, and show its version.
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Import, export, inspect and generate market data.
    #[command(subcommand)]
    Data(data::DataCommand),
    /// List, show and validate YAML agents.
    #[command(subcommand)]
    Agent(agent::AgentCommand),
    /// Run agents over stored data; list, show, compare and sweep runs.
    #[command(subcommand)]
    Backtest(backtest::BacktestCommand),
    /// Seed an embedded store, write sample agents, backtest them and compare the results.
    Demo(demo::DemoArgs),
    /// Write a self-contained HTML report of stored runs: metrics, equity against a benchmark,
    /// drawdowns, months, trades on the price chart. Works offline. Metrics are defined as
    /// empyrical and quantstats define them; docs/METRICS.md lists where ztrade differs.
    Report(report::ReportArgs),
    /// Serve the dashboard (runs, sweeps, stored data, collection health) on 127.0.0.1:8080.
    Serve(serve::ServeArgs),
    /// Store, list, rotate and delete provider API keys, encrypted in the store.
    Keys(keys::KeysArgs),
    /// Measure speed against baselines (sqlite3 .import, psql \copy, a hand-written loop).
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Collect on a schedule in one process (`--config FILE`), or show its health (`status`).
    Collect(collect::CollectArgs),
    /// Scale-out: put due collection runs on the Redis queue (run exactly one).
    Scheduler(collect::SchedulerArgs),
    /// Scale-out: take collection runs from the Redis queue into the store (run any number).
    Worker(collect::WorkerArgs),
    /// Symbols and their calendars (nyse, fx, crypto, none): list, show, set.
    #[command(subcommand)]
    Symbols(symbols::SymbolsCommand),
    /// Triple-barrier labels of a run's entries, and the dataset export for machine learning.
    #[command(subcommand)]
    Ml(ml::MlCommand),
    /// Paper trading: run an agent forward on live bars (`run`), `stop` it, see every session
    /// (`status`).
    #[command(subcommand)]
    Paper(paper::PaperCommand),
    /// Option chains: import a chain file, scan stored snapshots for arbitrage that could be
    /// traded.
    #[command(subcommand)]
    Options(options::OptionsCommand),
    /// Re-run a paper session's recorded inputs and report its drift from live: the first
    /// diverging decision, data drift, execution drift, totals that add up.
    Replay(paper::ReplayArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Db(cmd) => db::run(cmd, &cli.global),
        Command::Data(cmd) => data::run(cmd, &cli.global),
        Command::Agent(cmd) => agent::run(cmd, &cli.global),
        Command::Backtest(cmd) => backtest::run(cmd, &cli.global),
        Command::Demo(args) => demo::run(args, &cli.global),
        Command::Report(args) => report::run(args, &cli.global),
        Command::Serve(args) => serve::run(args, cli.global.db_url()),
        Command::Bench(cmd) => bench::run(cmd, &cli.global),
        Command::Keys(args) => keys::run(args, &cli.global),
        Command::Collect(args) => collect::run(args, &cli.global),
        Command::Scheduler(args) => collect::scheduler(args, &cli.global),
        Command::Worker(args) => collect::worker(args, &cli.global),
        Command::Symbols(cmd) => symbols::run(cmd, &cli.global),
        Command::Ml(cmd) => ml::run(cmd, &cli.global),
        Command::Paper(cmd) => paper::run(cmd, &cli.global),
        Command::Replay(args) => paper::replay(args, &cli.global),
        Command::Options(cmd) => options::run(cmd, &cli.global),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// Every command and every flag has a description, and none points at a development path.
    #[test]
    fn every_command_and_flag_says_what_it_does() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        walk(&cmd, "ztrade", &mut missing);
        assert!(missing.is_empty(), "without a description: {missing:#?}");
    }

    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        if cmd.get_about().is_none() && path != "ztrade help" && !path.starts_with("ztrade help ") {
            missing.push(path.to_string());
        }
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            let help = arg
                .get_long_help()
                .or(arg.get_help())
                .map(|h| h.to_string());
            match help {
                None => missing.push(format!("{path} --{id}")),
                Some(h) if h.contains("../shared") => {
                    missing.push(format!("{path} --{id}: mentions ../shared: {h}"))
                }
                Some(_) => {}
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
}
