//! The scale-out queue on Redis, through apalis-redis.
//!
//! All keys live under the queue name (`ztrade:collect:active`, `…:inflight:WORKER`, …), so
//! two deployments (or two tests) on one Redis never meet. Liveness: a worker heartbeats every
//! `heartbeat`; one silent for `heartbeat × missed_heartbeats` is dead, and the next heartbeat
//! of any other worker puts its in-flight runs back on the queue.

use std::time::Duration;

use apalis::prelude::{TaskBuilder, TaskId};
use apalis_core::backend::Vacuum;
use apalis_redis::{Config, ConnectionManager, RedisStorage, RedisTask};
use async_trait::async_trait;
use domain::UnixNanos;
use serde::Serialize;

use crate::queue::{JobSpec, QueueError};
use crate::runtime::JobSink;

pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";
pub const DEFAULT_QUEUE: &str = "ztrade:collect";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisQueueConfig {
    pub url: String,
    /// Key prefix of every key the queue uses.
    pub queue: String,
    pub heartbeat: Duration,
    pub missed_heartbeats: usize,
    /// How long a run id is remembered after it is queued; a re-enqueue within it is ignored.
    pub dedup_for: Duration,
}

impl Default for RedisQueueConfig {
    fn default() -> Self {
        Self {
            url: DEFAULT_REDIS_URL.into(),
            queue: DEFAULT_QUEUE.into(),
            heartbeat: Duration::from_secs(5),
            missed_heartbeats: 6,
            dedup_for: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

impl RedisQueueConfig {
    fn apalis(&self) -> Config {
        Config::default()
            .queue(&self.queue)
            // One run per fetch, so idle workers share the queue instead of one worker
            // buffering runs it cannot start yet.
            .batch_size(1)
            // Whole seconds: apalis-redis compares heartbeats at second resolution.
            .heartbeat_interval(Duration::from_secs(self.heartbeat.as_secs().max(1)))
            .missed_heartbeats(self.missed_heartbeats.max(1))
            .emit_events(false)
            .idempotency_ttl(Some(self.dedup_for))
    }
}

/// A worker the queue knows, with its last heartbeat ([`RedisQueue::workers`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkerSeen {
    pub name: String,
    pub last_heartbeat: UnixNanos,
    pub live: bool,
}

/// A connection to the queue: the beat pushes through it, workers take a [`RedisStorage`].
#[derive(Clone)]
pub struct RedisQueue {
    conn: ConnectionManager,
    config: RedisQueueConfig,
}

impl std::fmt::Debug for RedisQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisQueue")
            .field("queue", &self.config.queue)
            .finish()
    }
}

impl RedisQueue {
    pub async fn connect(config: RedisQueueConfig) -> Result<Self, QueueError> {
        let conn = apalis_redis::connect(config.url.as_str())
            .await
            .map_err(|source| QueueError::Redis {
                url: redact(&config.url),
                source,
            })?;
        Ok(Self { conn, config })
    }

    pub fn config(&self) -> &RedisQueueConfig {
        &self.config
    }

    /// The workers' end of the queue.
    pub fn storage(&self) -> RedisStorage<JobSpec> {
        RedisStorage::new(self.conn.clone()).with_config(self.config.apalis())
    }

    /// Queues `runs`; returns how many were new. The run id is both the task id and the
    /// idempotency key: a run already queued (or done, within `dedup_for`) is not added.
    pub async fn push(&mut self, runs: &[JobSpec]) -> Result<usize, QueueError> {
        if runs.is_empty() {
            return Ok(0);
        }
        let tasks: Vec<RedisTask> = runs
            .iter()
            .map(|r| {
                Ok(TaskBuilder::new(serde_json::to_vec(r)?)
                    .task_id(TaskId::from_string(r.id()))
                    .idempotency_key(r.id())
                    .build())
            })
            .collect::<Result<_, QueueError>>()?;
        let (queued, scheduled) =
            apalis_redis::queries::push_tasks(&mut self.conn, &self.config.apalis(), &tasks)
                .await
                .map_err(|e| QueueError::Push(e.to_string()))?;
        Ok((queued + scheduled) as usize)
    }

    /// Runs waiting to be taken (apalis-redis files new runs as scheduled for "now" and
    /// moves them to the active list when a worker fetches).
    pub async fn pending(&mut self) -> Result<u64, QueueError> {
        let c = self.config.apalis();
        let (active, scheduled) = (c.active_jobs_list(), c.scheduled_jobs_set());
        let a = redis_cmd(&mut self.conn, &self.config.url, "LLEN", &active).await?;
        let s = redis_cmd(&mut self.conn, &self.config.url, "ZCARD", &scheduled).await?;
        Ok(a + s)
    }

    /// Deletes every key of the queue (runs, results, worker records); returns how many.
    pub async fn purge(&mut self) -> Result<u64, QueueError> {
        let err = |source| QueueError::Redis {
            url: redact(&self.config.url),
            source,
        };
        let pattern = format!("{}:*", self.config.queue);
        let mut deleted = 0;
        let mut cursor: u64 = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(500)
                .query_async(&mut self.conn)
                .await
                .map_err(err)?;
            if !keys.is_empty() {
                deleted += redis::cmd("DEL")
                    .arg(&keys)
                    .query_async::<u64>(&mut self.conn)
                    .await
                    .map_err(err)?;
            }
            if next == 0 {
                return Ok(deleted);
            }
            cursor = next;
        }
    }

    /// Hourly, forgets queued runs that finished more than a day ago, so Redis does not grow with
    /// the schedule (the scheduler runs this beside the beat).
    pub async fn forget_finished_hourly(mut self) {
        loop {
            match self.vacuum(Duration::from_secs(24 * 3600)).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(runs = n, "forgot finished runs"),
                Err(e) => tracing::warn!("queue housekeeping: {e}"),
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    }

    /// Forgets runs that finished more than `older_than` ago (their payloads, results and
    /// entries in the done/dead sets); returns how many. A forgotten run's id still blocks a
    /// re-enqueue until its idempotency key expires (`dedup_for`).
    pub async fn vacuum(&mut self, older_than: Duration) -> Result<u64, QueueError> {
        let mut storage = self.storage();
        let n = Vacuum::vacuum_before(&mut storage, older_than)
            .await
            .map_err(|e| QueueError::Push(format!("vacuum: {e}")))?;
        // apalis-redis leaves the ids in the done and dead sets: drop those whose payload is gone.
        let c = self.config.apalis();
        let data = c.job_data_hash();
        for set in [c.done_jobs_set(), c.dead_jobs_set()] {
            let err = |source| QueueError::Redis {
                url: redact(&self.config.url),
                source,
            };
            let ids: Vec<String> = redis::cmd("SMEMBERS")
                .arg(&set)
                .query_async(&mut self.conn)
                .await
                .map_err(err)?;
            for chunk in ids.chunks(500) {
                let payloads: Vec<Option<Vec<u8>>> = redis::cmd("HMGET")
                    .arg(&data)
                    .arg(chunk)
                    .query_async(&mut self.conn)
                    .await
                    .map_err(err)?;
                let gone: Vec<&String> = chunk
                    .iter()
                    .zip(&payloads)
                    .filter(|(_, p)| p.is_none())
                    .map(|(id, _)| id)
                    .collect();
                if !gone.is_empty() {
                    redis::cmd("SREM")
                        .arg(&set)
                        .arg(gone)
                        .query_async::<u64>(&mut self.conn)
                        .await
                        .map_err(err)?;
                }
            }
        }
        Ok(n as u64)
    }

    /// The workers registered on the queue, the most recently heard from first; a worker is
    /// live while its last heartbeat is within `heartbeat × missed_heartbeats` of `now` (after
    /// that the queue hands its runs to another worker). For the dashboard.
    pub async fn workers(&mut self, now: UnixNanos) -> Result<Vec<WorkerSeen>, QueueError> {
        let key = self.config.apalis().workers_set();
        let seen: Vec<(String, f64)> = redis::cmd("ZRANGE")
            .arg(&key)
            .arg(0)
            .arg(-1)
            .arg("WITHSCORES")
            .query_async(&mut self.conn)
            .await
            .map_err(|source| QueueError::Redis {
                url: redact(&self.config.url),
                source,
            })?;
        let window = self.config.heartbeat.as_secs().max(1) as i64
            * self.config.missed_heartbeats.max(1) as i64;
        let mut out: Vec<WorkerSeen> = seen
            .into_iter()
            .map(|(name, secs)| {
                let last = UnixNanos::from_secs(secs as i64);
                let age = (now.as_i64() - last.as_i64()) / 1_000_000_000;
                WorkerSeen {
                    name,
                    last_heartbeat: last,
                    live: age < window,
                }
            })
            .collect();
        out.sort_by_key(|w| std::cmp::Reverse(w.last_heartbeat));
        Ok(out)
    }

    /// Runs acknowledged as done.
    pub async fn done(&mut self) -> Result<u64, QueueError> {
        let key = self.config.apalis().done_jobs_set();
        redis_cmd(&mut self.conn, &self.config.url, "SCARD", &key).await
    }
}

async fn redis_cmd(
    conn: &mut ConnectionManager,
    url: &str,
    cmd: &str,
    key: &str,
) -> Result<u64, QueueError> {
    redis::cmd(cmd)
        .arg(key)
        .query_async::<u64>(conn)
        .await
        .map_err(|source| QueueError::Redis {
            url: redact(url),
            source,
        })
}

#[async_trait]
impl JobSink for RedisQueue {
    async fn enqueue(&mut self, runs: Vec<JobSpec>) -> Result<usize, QueueError> {
        self.push(&runs).await
    }
}

/// The URL without its password (`redis://:secret@host` → `redis://:***@host`).
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s + 3 => {
            let userinfo = &url[s + 3..at];
            match userinfo.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &userinfo[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(redact("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        assert_eq!(redact("redis://:pw@h:1/0"), "redis://:***@h:1/0");
        assert_eq!(redact("redis://u:pw@h"), "redis://u:***@h");
        assert_eq!(redact("redis://u@h"), "redis://u@h");
    }
}
