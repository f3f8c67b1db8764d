//! [`CollectRunner`]: the real [`JobRunner`], from provider APIs into the store.

use crate::queue::{JobSpec, RunTask};
use crate::runtime::Clock;
use crate::worker::bars::{GapCheck, GapMemo, run_bars};
use crate::worker::clients::Clients;
use crate::worker::news::run_news;
use crate::worker::option_chain::run_options;
use crate::worker::upkeep_job;
use crate::worker::{JobError, JobReport, JobRunner, StoreHandle, provider_of};
use async_trait::async_trait;

#[derive(Debug, Clone, Copy)]
pub struct CollectOptions {
    /// How far back before a bars window the gap check looks, in nanoseconds (0: no check).
    pub gap_window: i64,
    /// The time the gap backfill stamps its checkpoints with (and judges data settled by).
    pub clock: Clock,
}

impl Default for CollectOptions {
    fn default() -> Self {
        Self {
            gap_window: domain::time::NANOS_PER_DAY,
            clock: Clock::System,
        }
    }
}

pub struct CollectRunner {
    clients: Clients,
    store: StoreHandle,
    options: CollectOptions,
    memo: GapMemo,
}

impl CollectRunner {
    pub fn new(clients: Clients, store: StoreHandle, options: CollectOptions) -> Self {
        Self {
            clients,
            store,
            options,
            memo: GapMemo::default(),
        }
    }
}

#[async_trait]
impl JobRunner for CollectRunner {
    /// One arm per kind: the fetching kinds with their provider's client, the upkeep kinds on
    /// the store alone.
    async fn run(&self, job: &JobSpec) -> Result<JobReport, JobError> {
        let client = || -> Result<&dyn providers::Provider, JobError> {
            Ok(self.clients.get(provider_of(job)?)?.as_ref())
        };
        match &job.task {
            RunTask::Bars {
                timeframe,
                start,
                end,
            } => {
                let gaps = GapCheck {
                    window: self.options.gap_window,
                    memo: &self.memo,
                    now: self.options.clock.now(),
                };
                run_bars(
                    &self.clients,
                    &self.store,
                    job,
                    (*timeframe, *start, *end),
                    &gaps,
                )
                .await
            }
            RunTask::News {
                start,
                end,
                sentiment,
            } => run_news(client()?, &self.store, job, *start, *end, *sentiment).await,
            RunTask::Options(run) => run_options(client()?, &self.store, job, run).await,
            RunTask::Rollup { from, to, hours } => {
                upkeep_job::rollup(&self.store, job, *from, to, *hours).await
            }
            RunTask::Validate { timeframe, since } => {
                upkeep_job::validate(&self.store, job, *timeframe, *since).await
            }
            RunTask::Retain { policies } => upkeep_job::retain(&self.store, job, policies).await,
        }
    }
}
