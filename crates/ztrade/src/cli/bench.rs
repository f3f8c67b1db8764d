//! `ztrade bench import|ticks|backtest|validate|labels`: the speed claims of docs/BENCHMARKS.md (crate
//! `bench`), each against a baseline in the same run, printed as a table or JSON.

use bench::engine::EngineOptions;
use bench::import::ImportOptions;
use clap::Subcommand;

use super::GlobalArgs;
use crate::output;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Import N one-minute bars: ztrade vs sqlite3 .import (and vs psql \copy with --pg).
    Import(ImportOptions),
    /// Backtest N stored one-minute bars end to end vs a hand-written loop; engine per-bar cost.
    Backtest(EngineOptions),
    /// Import N trade ticks vs sqlite3 .import (and psql \copy with --pg); ticks → bars in
    /// memory vs a hand-written loop; `data aggregate` end to end.
    Ticks(ImportOptions),
    /// Validate N stored one-minute bars (`data validate`) vs sqlite3 scanning the same rows.
    Validate(bench::validate::ValidateBench),
    /// Triple-barrier labels for N signals over M bars in memory vs a hand-written first-touch loop.
    Labels(bench::labels::LabelsBench),
}

pub fn run(cmd: BenchCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    // Each figure runs this ztrade as a user would.
    let exe = std::env::current_exe()?;
    let report = match cmd {
        BenchCommand::Import(a) => bench::import::run(&a, &exe),
        BenchCommand::Ticks(a) => bench::ticks::run(&a, &exe),
        BenchCommand::Backtest(a) => bench::engine::run(&a, &exe),
        BenchCommand::Validate(a) => bench::validate::run(&a, &exe),
        BenchCommand::Labels(a) => bench::labels::run(&a),
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
