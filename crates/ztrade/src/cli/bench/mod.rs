//! `ztrade bench`: the speed claims in docs/BENCHMARKS.md, each measured against a baseline in
//! the same run (ratios hold on noisy machines; absolute times do not).
//!
//! - [`import`]: CSV import into SQLite vs `sqlite3 .import`, into PostgreSQL vs `psql \copy`,
//!   and reading bars back in timestamp order.
//! - [`engine`]: `backtest run` end to end on stored bars, and the engine's per-bar cost, vs a
//!   hand-written loop over the same CSV (`backtest::baseline`); multi-symbol and sweep figures.

mod engine;
mod import;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Subcommand;

use super::GlobalArgs;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Import N one-minute bars: ztrade vs sqlite3 .import (and vs psql \copy with --pg).
    Import(import::ImportArgs),
    /// Backtest N stored one-minute bars end to end vs a hand-written loop; engine per-bar cost.
    Backtest(engine::EngineArgs),
}

pub fn run(cmd: BenchCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Import(a) => import::run(a, g),
        BenchCommand::Backtest(a) => engine::run(a, g),
    }
}

/// Best of `n` timings of `f` (the least disturbed by other work on the machine).
pub fn best_of<T>(
    n: usize,
    mut f: impl FnMut() -> anyhow::Result<T>,
) -> anyhow::Result<(Duration, T)> {
    let mut best: Option<(Duration, T)> = None;
    for _ in 0..n.max(1) {
        let t = Instant::now();
        let v = f()?;
        let d = t.elapsed();
        if best.as_ref().is_none_or(|(b, _)| d < *b) {
            best = Some((d, v));
        }
    }
    Ok(best.expect("at least one run"))
}

/// Runs a command, failing with its stderr if it fails; returns (stdout, peak RSS in KiB when
/// the child reports it).
pub fn sh(cmd: &mut Command) -> anyhow::Result<(String, Option<u64>)> {
    let out = cmd
        .output()
        .map_err(|e| anyhow::anyhow!("cannot run {:?}: {e}", cmd.get_program()))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        anyhow::bail!("{:?} failed: {stderr}", cmd.get_program());
    }
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("ztrade peak rss kib: "))
        .and_then(|v| v.trim().parse().ok());
    Ok((String::from_utf8_lossy(&out.stdout).into_owned(), peak))
}

/// This ztrade, to time commands end to end as a user runs them.
pub fn ztrade(db: &str) -> anyhow::Result<Command> {
    let mut c = Command::new(std::env::current_exe()?);
    c.arg("--db")
        .arg(db)
        .env("ZTRADE_REPORT_PEAK_RSS", "1")
        .env_remove("RUST_LOG");
    Ok(c)
}

pub fn need_tool(name: &str) -> anyhow::Result<()> {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| Path::new(&d).join(name).exists()))
        .unwrap_or(false);
    anyhow::ensure!(
        found,
        "the baseline needs `{name}` on PATH (Debian: apt-get install {name})"
    );
    Ok(())
}

pub fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}
