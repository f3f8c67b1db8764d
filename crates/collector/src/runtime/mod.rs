//! Running the schedule: the only part of the collector that reads the clock and sleeps.
//!
//! - [`clock`]: [`Clock`], the system clock or the shifted one of `--now` (a testing aid).
//! - [`beat`]: [`run_beat`], the scheduler loop that puts due runs on a [`JobSink`]; the pure
//!   [`due_between`] and [`latest_runs`] (`--once`) beside it.
//! - [`embedded`]: [`run_embedded`], beat and worker in one process on the in-memory queue
//!   (`ztrade collect`).
//! - [`lag`]: [`prev_due`] and [`lag()`], how far a job is behind its own schedule.
//! - [`shutdown`]: [`Shutdown`], fired by Ctrl-C/SIGTERM; runs in progress finish first.

pub mod beat;
pub mod clock;
pub mod embedded;
pub mod lag;
pub mod shutdown;

pub use beat::{BeatSummary, JobSink, StopAt, due_between, latest_runs, run_beat};
pub use clock::Clock;
pub use embedded::{EmbeddedOptions, EmbeddedSummary, run_embedded};
pub use lag::{lag, prev_due};
pub use shutdown::{Shutdown, Trigger};

/// The multi-threaded tokio runtime the commands that collect run on.
pub fn start() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}
