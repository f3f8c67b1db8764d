//! `ztrade bench import|ticks|backtest|validate`: the speed claims of docs/BENCHMARKS.md (crate `bench`), each
//! against a baseline in the same run, printed as a table or JSON.

use clap::{Args, Subcommand};

use super::GlobalArgs;
use crate::output;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Import N one-minute bars: ztrade vs sqlite3 .import (and vs psql \copy with --pg).
    Import(ImportArgs),
    /// Backtest N stored one-minute bars end to end vs a hand-written loop; engine per-bar cost.
    Backtest(EngineArgs),
    /// Import N trade ticks vs sqlite3 .import (and psql \copy with --pg); ticks → bars in
    /// memory vs a hand-written loop; `data aggregate` end to end.
    Ticks(ImportArgs),
    /// Validate N stored one-minute bars (`data validate`) vs sqlite3 scanning the same rows.
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// One-minute bars stored and validated.
    #[arg(long, default_value_t = 10_000_000)]
    rows: usize,
    /// Series they are split into (symbols S000, S001, …).
    #[arg(long, default_value_t = 10)]
    symbols: usize,
    /// Runs of each figure; the best is reported.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Rows in the CSV (one-minute bars, or ticks).
    #[arg(long, default_value_t = 1_000_000)]
    rows: usize,
    /// Runs of each figure; the best is reported.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Also measure PostgreSQL at this URL (a schema of its own is created and dropped there).
    #[arg(long)]
    pg: Option<String>,
}

#[derive(Debug, Args)]
pub struct EngineArgs {
    /// One-minute bars stored and backtested.
    #[arg(long, default_value_t = 1_000_000)]
    rows: usize,
    /// Runs of each figure; the best is reported.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Bars per symbol for the 10-symbol technical_sentiment run (0 skips it).
    #[arg(long, default_value_t = 100_000)]
    multi_rows: usize,
    /// Skip the 100-combination sweep.
    #[arg(long)]
    no_sweep: bool,
}

pub fn run(cmd: BenchCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    // Each figure runs this ztrade as a user would.
    let exe = std::env::current_exe()?;
    let report = match cmd {
        BenchCommand::Import(a) => bench::import::run(
            &bench::import::ImportOptions {
                rows: a.rows,
                repeat: a.repeat,
                pg: a.pg,
            },
            &exe,
        ),
        BenchCommand::Ticks(a) => bench::ticks::run(
            &bench::ticks::TickOptionsBench {
                rows: a.rows,
                repeat: a.repeat,
                pg: a.pg,
            },
            &exe,
        ),
        BenchCommand::Validate(a) => bench::validate::run(
            &bench::validate::ValidateBench {
                rows: a.rows,
                symbols: a.symbols,
                repeat: a.repeat,
            },
            &exe,
        ),
        BenchCommand::Backtest(a) => bench::engine::run(
            &bench::engine::EngineOptions {
                rows: a.rows,
                repeat: a.repeat,
                multi_rows: a.multi_rows,
                no_sweep: a.no_sweep,
            },
            &exe,
        ),
    }
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    if g.json {
        return output::json(&report.json);
    }
    println!("{}", output::table(&bench::HEADER, report.rows));
    if let Some(note) = report.note {
        println!("{note}");
    }
    Ok(())
}
