//! Workers: take [`JobSpec`]s off a queue, run them, record each run in `collection_runs`.
//!
//! - [`JobRunner`]: the seam between the queue and the work. [`CollectRunner`] is the real one
//!   (providers → store); tests plug in fakes.
//! - [`collect`]: [`CollectRunner`], which dispatches by kind to [`bars`] (window fetch, then the
//!   gap check against the expected-bar grid and a backfill of what is missing), [`news`] (news
//!   with sentiment), [`option_chain`] (option chains in the job's ranges, [`chain_ranges`],
//!   then the arbitrage scan) and [`upkeep_job`] (roll-ups and retention of what is stored,
//!   through the `upkeep` crate, queued after bars runs or scheduled on their own).
//! - [`clients`]: [`Clients`], one shared client per provider with keys.
//! - [`run`]: the apalis worker around a runner, on the Redis queue or the embedded in-memory
//!   one: concurrency, graceful shutdown, the run record.
//! - [`store_handle`]: [`StoreHandle`], the process's store connection, used from async code.
//!
//! Delivery is at least once (a worker killed mid-run leaves the run to another worker), and
//! every write is an upsert on the data's natural key, so a run done twice stores nothing twice.

pub mod bars;
pub mod chain_ranges;
pub mod clients;
pub mod collect;
pub mod news;
pub mod option_chain;
pub mod run;
pub mod store_handle;
pub mod upkeep_job;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::queue::JobSpec;

pub use clients::Clients;
pub use collect::{CollectOptions, CollectRunner};
pub use run::{
    FollowUps, RunRecorder, StoreRecorder, WorkerOptions, WorkerStats, run_memory_worker,
    run_redis_worker,
};
pub use store_handle::StoreHandle;

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobReport {
    /// Rows inserted or changed (news, sentiment, bars, option snapshots, rolled-up bars), or
    /// deleted (a retain run).
    pub rows_written: u64,
    /// Rows offered that were already stored as they are.
    pub rows_unchanged: u64,
    /// Provider requests (pages) made.
    pub requests: u64,
    /// Bars jobs: expected bars missing before the backfill, and still missing after it
    /// (the provider has none for them, e.g. a minute without trades).
    pub gap_bars: u64,
    pub gap_bars_left: u64,
    /// Options jobs: quotes the provider returned outside the job's strike or expiry range
    /// (a provider may ignore a filter), dropped before storing.
    #[serde(default)]
    pub out_of_range: u64,
    /// Options jobs with `scan`: arbitrage runs recorded (opened or extended) and findings, over
    /// the snapshots just stored.
    #[serde(default)]
    pub scan_runs: u64,
    #[serde(default)]
    pub scan_findings: u64,
    /// Parts that failed without failing the run (one symbol of several), with their messages.
    pub errors: Vec<String>,
    /// How far the newest stored row trails the run's due time, in seconds (bars: the end of
    /// the newest bar; other kinds: 0 once the window is fetched).
    pub lag_seconds: Option<i64>,
}

impl JobReport {
    pub fn add_counts(&mut self, c: store::UpsertCounts) {
        self.rows_written += c.inserted + c.updated;
        self.rows_unchanged += c.unchanged;
    }
}

#[derive(Debug, Error)]
pub enum JobError {
    #[error(transparent)]
    Provider(#[from] providers::ProviderError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Gap(#[from] domain::grid::GridError),
    /// The run cannot be done as configured (e.g. no keys for its provider).
    #[error("{0}")]
    Config(String),
    /// The run failed as a whole (e.g. every symbol's option chain failed).
    #[error("{0}")]
    Failed(String),
    /// A roll-up or retention refused its input.
    #[error(transparent)]
    Upkeep(#[from] upkeep::UpkeepError),
}

/// The provider a fetching run names (every one but the upkeep kinds does).
pub fn provider_of(job: &JobSpec) -> Result<domain::Provider, JobError> {
    job.provider.ok_or_else(|| {
        JobError::Config(format!(
            "run {} fetches {} but names no provider",
            job.id(),
            job.task.kind()
        ))
    })
}

/// Runs one job. Implementations must be idempotent: the queue may deliver a run twice.
#[async_trait]
pub trait JobRunner: Send + Sync + 'static {
    async fn run(&self, job: &JobSpec) -> Result<JobReport, JobError>;
}

/// This worker's default name, unique among the queue's workers: `host-pid`.
pub fn default_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".into());
    format!("{host}-{}", std::process::id())
}
