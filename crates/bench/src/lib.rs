//! The speed claims in docs/BENCHMARKS.md, each measured against a baseline in the same run
//! (ratios hold on noisy machines; absolute times do not). `ztrade bench` runs [`import`] and
//! [`engine`] and prints their reports; the examples run the finer measurements.
//!
//! - [`import`]: CSV import into SQLite vs `sqlite3 .import`, into PostgreSQL vs `psql \copy`,
//!   and reading bars back in timestamp order.
//! - [`engine`]: `backtest run` end to end on stored bars, and the engine's per-bar cost, vs a
//!   hand-written loop over the same CSV ([`baseline`]); multi-symbol and sweep figures.
//! - [`ticks`]: tick import into SQLite vs `sqlite3 .import` (and PostgreSQL vs `psql \copy`),
//!   ticks → bars in memory vs a hand-written loop, and `data aggregate` end to end.
//! - [`validate`]: `data validate` over N stored bars vs `sqlite3` scanning the same rows.
//! - [`labels`]: triple-barrier labels for N signals over M bars in memory vs a hand-written
//!   first-touch loop.
//! - [`baseline`]: that hand-written loop.
//! - [`csv_import`]: the CSV reader alone (`examples/measure_import.rs`).
//!
//! Each measurement runs the real `ztrade` binary as a user would: the caller passes its path.

pub mod baseline;
pub mod csv_import;
pub mod engine;
pub mod import;
pub mod journal;
pub mod journal_baseline;
pub mod labels;
pub mod synthetic;
pub mod ticks;
pub mod validate;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Any failure of a measurement: a tool missing, a run that failed, results that differ.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A report: the figures as JSON, and the same as table rows (what, seconds, vs baseline).
pub struct Report {
    pub json: serde_json::Value,
    pub rows: Vec<Vec<String>>,
    /// A line to print under the table.
    pub note: Option<String>,
}

/// The header of [`Report::rows`].
pub const HEADER: [&str; 3] = ["what", "seconds", "vs baseline"];

/// `ensure!` for this crate's error type.
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+).into());
        }
    };
}
pub(crate) use ensure;

/// Best of `n` timings of `f` (the least disturbed by other work on the machine).
pub fn best_of<T>(n: usize, mut f: impl FnMut() -> Result<T>) -> Result<(Duration, T)> {
    let mut best: Option<(Duration, T)> = None;
    for _ in 0..n.max(1) {
        let t = Instant::now();
        let v = f()?;
        let d = t.elapsed();
        if best.as_ref().is_none_or(|(b, _)| d < *b) {
            best = Some((d, v));
        }
    }
    best.ok_or_else(|| "no run".into())
}

/// Runs a command, failing with its stderr if it fails; returns (stdout, peak RSS in KiB when
/// the child reports it).
pub fn sh(cmd: &mut Command) -> Result<(String, Option<u64>)> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(
        out.status.success(),
        "{:?} failed: {stderr}",
        cmd.get_program()
    );
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("ztrade peak rss kib: "))
        .and_then(|v| v.trim().parse().ok());
    Ok((String::from_utf8_lossy(&out.stdout).into_owned(), peak))
}

/// `ztrade --db DB`, to time commands end to end as a user runs them.
pub fn ztrade(exe: &Path, db: &str) -> Command {
    let mut c = Command::new(exe);
    c.arg("--db")
        .arg(db)
        .env("ZTRADE_REPORT_PEAK_RSS", "1")
        .env_remove("RUST_LOG");
    c
}

pub fn need_tool(name: &str) -> Result<()> {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| Path::new(&d).join(name).exists()))
        .unwrap_or(false);
    ensure!(
        found,
        "the baseline needs `{name}` on PATH (Debian: apt-get install {name})"
    );
    Ok(())
}

pub fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}
