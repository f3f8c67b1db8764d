//! [`CollectRunner`]: the real [`JobRunner`], from provider APIs into the store.

use std::sync::Arc;

use async_trait::async_trait;
use providers::{
    AlpacaClient, AlpacaConfig, Credentials, PolygonClient, PolygonConfig, Provider as Source,
};

use crate::provider::Provider;
use crate::queue::{JobSpec, RunTask};
use crate::runtime::Clock;
use crate::worker::bars::{GapCheck, GapMemo, run_bars};
use crate::worker::news::{run_news, run_options};
use crate::worker::{JobError, JobReport, JobRunner, StoreHandle};

/// One client per provider; `None` when its keys are not configured (a job needing it fails
/// with a message saying so, and the other jobs still run).
#[derive(Clone, Default)]
pub struct Clients {
    pub alpaca: Option<Arc<dyn Source>>,
    pub polygon: Option<Arc<dyn Source>>,
}

impl Clients {
    /// Clients from the environment (`APCA_API_KEY_ID`/`APCA_API_SECRET_KEY`,
    /// `POLYGON_API_KEY`, base URLs from `ZTRADE_ALPACA_DATA_URL`/`ZTRADE_POLYGON_URL`).
    /// A provider without keys is left out; `lookup` lets callers layer stored keys under the
    /// environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, JobError> {
        // A half-configured pair (key id without secret) is an error, not "no client".
        let creds = Credentials::from_lookup(&lookup)?;
        let alpaca = match creds.alpaca {
            Some(_) => Some(
                Arc::new(AlpacaClient::new(AlpacaConfig::from_lookup(&lookup)?)?)
                    as Arc<dyn Source>,
            ),
            None => None,
        };
        let polygon = match creds.polygon {
            Some(_) => Some(
                Arc::new(PolygonClient::new(PolygonConfig::from_lookup(&lookup)?)?)
                    as Arc<dyn Source>,
            ),
            None => None,
        };
        Ok(Self { alpaca, polygon })
    }

    pub fn get(&self, p: Provider) -> Result<&Arc<dyn Source>, JobError> {
        let client = match p {
            Provider::Alpaca => &self.alpaca,
            Provider::Polygon => &self.polygon,
        };
        client.as_ref().ok_or_else(|| {
            JobError::Config(match p {
                Provider::Alpaca => "no Alpaca keys: set APCA_API_KEY_ID and APCA_API_SECRET_KEY, or store them with `ztrade keys`".into(),
                Provider::Polygon => "no Polygon key: set POLYGON_API_KEY, or store it with `ztrade keys`".into(),
            })
        })
    }
}

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
    async fn run(&self, job: &JobSpec) -> Result<JobReport, JobError> {
        let client = self.clients.get(job.provider)?.as_ref();
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
            } => run_news(client, &self.store, job, *start, *end, *sentiment).await,
            RunTask::Options => run_options(client, &self.store, job).await,
        }
    }
}
