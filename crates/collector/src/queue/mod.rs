//! The job queue between the beat and the workers (apalis).
//!
//! - [`spec`]: [`JobSpec`], one run of one job, with its deterministic id `name@due`.
//! - [`redis`]: the scale-out queue on Redis ([`RedisQueue`]): the beat pushes with the run id
//!   as task id and idempotency key, so the same run is never queued twice; workers take runs
//!   with apalis's Redis backend (heartbeats, in-flight sets, orphan recovery); its depth and
//!   workers for the dashboard.
//! - [`memory`]: the embedded mode's in-process queue, apalis's `MemoryStorage`.

pub mod memory;
pub mod redis;
pub mod spec;

use thiserror::Error;

pub use memory::{MemoryQueue, memory_queue};
pub use redis::{RedisQueue, RedisQueueConfig, WorkerSeen};
pub use spec::{JobSpec, RunTask, run_id};

#[derive(Debug, Error)]
pub enum QueueError {
    #[error("redis {url}: {source}")]
    Redis {
        url: String,
        #[source]
        source: apalis_redis::RedisError,
    },
    #[error("queue: {0}")]
    Push(String),
    #[error("cannot encode a run: {0}")]
    Encode(#[from] serde_json::Error),
}
