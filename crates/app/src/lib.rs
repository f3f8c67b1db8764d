//! What ztrade does, as a library: each use case takes a typed request and the store roles it
//! uses (`&dyn BarStore` for status, `&mut dyn RunStore` for a sweep's saves, bar + sentiment +
//! run roles for a backtest), and returns a typed report. Nothing here parses flags, touches a
//! terminal or prints; the CLI renders the reports as tables or JSON, and the coming HTML report
//! and dashboard render the same ones.
//!
//! - [`time`]: a user's date or time (`2024-01-02`, RFC 3339) as an instant, and run windows.
//! - [`agents`]: the agents directory: load one, list them, validate files, write a new one
//!   ([`agent_template`]).
//! - [`run`]: one agent over stored (or preloaded) bars → engine → metrics → a stored run.
//! - [`sweep`]: parameter grids in parallel, ranked; [`sweep::walk`] for walk-forward.
//! - [`data`]: import a file, export a series, seed synthetic data, series status and gaps.
//! - [`views`]: the typed view models: [`views::RunReport`], [`views::CompareReport`],
//!   metric rows with their formatting, in one place.
//! - [`labels`]: triple-barrier labels of a run's entries (`ml labels`) and the ML dataset export
//!   (`ml export`), with the entry and feature sources they read.
//! - [`options`]: option chain files into the store ([`options::import`]).
//! - [`demo`]: the whole job on an empty store.
//! - [`symbols`]: symbols and their calendars (`symbols list|show|set`, `import --calendar`).
//! - [`progress`]: how long work reports progress to whoever shows it.
//! - [`error`]: [`AppError`], split by what the caller can do about it.

pub mod agent_template;
pub mod agents;
pub mod data;
pub mod demo;
pub mod error;
pub mod features;
pub mod labels;
pub mod options;
pub mod paper;
pub mod progress;
pub mod report;
pub mod run;
pub mod sweep;
pub mod symbols;
pub mod time;
pub mod views;

pub use error::AppError;
pub use progress::{NoProgress, Progress};

pub type Result<T, E = AppError> = std::result::Result<T, E>;
