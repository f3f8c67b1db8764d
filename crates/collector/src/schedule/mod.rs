//! The collection schedule.
//!
//! - [`config`]: stage one, the `collect --config FILE` file (TOML or YAML) and the agent
//!   files' `symbols:` lists read into raw values; syntax errors carry the parser's line.
//! - [`plan`]: stage two, raw values validated without IO into a [`Plan`] of [`Job`]s; errors
//!   name the file and field.
//! - [`options`]: an options job's strike and expiry ranges and its arbitrage scan
//!   ([`OptionsRun`]), validated from the raw job's fields.
//! - [`next`]: [`next_due`], when a job runs next given the time (NYSE sessions, early closes,
//!   holidays, DST), and the fetch window of a bars run.
//! - [`error`][mod@error]: [`ConfigError`].

pub mod config;
pub mod error;
pub mod next;
pub mod options;
pub mod plan;

#[cfg(test)]
mod config_tests;
#[cfg(test)]
mod timing_tests;

pub use config::{AgentSymbols, RawConfig, RawJob, parse_config, read_agents, read_config};
pub use error::ConfigError;
pub use next::{bars_window, next_due, next_run};
pub use options::{OptionsRun, ScanSettings, StrikeRange};
pub use plan::{
    AfterBars, Hours, Job, Plan, RollupAfter, Task, load_plan, load_retention, resolve,
};
