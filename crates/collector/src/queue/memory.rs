//! The embedded mode's queue: apalis's in-memory backend, fed by the in-process beat.
//!
//! No idempotency keys here: the in-process beat only moves forward, so it never offers a run
//! twice, and the key set of `MemoryStorage` would grow for as long as the process lives.

use std::sync::Arc;

use apalis::prelude::{MemorySink, MemoryStorage, MemoryStorageError, Task, TaskBuilder};
use async_trait::async_trait;
use futures::channel::mpsc;
use futures::{Sink, SinkExt, StreamExt};

use crate::queue::{JobSpec, QueueError};
use crate::runtime::JobSink;

/// The beat's end of the embedded queue.
#[derive(Debug, Clone)]
pub struct MemoryQueue(MemorySink<JobSpec>);

type BoxSink = Box<dyn Sink<Task<JobSpec>, Error = MemoryStorageError> + Send + Sync + Unpin>;

/// A queue whose receiving end is the worker's backend.
pub fn memory_queue() -> (MemoryQueue, MemoryStorage<JobSpec>) {
    let (tx, rx) = mpsc::unbounded::<Task<JobSpec>>();
    let tx: BoxSink = Box::new(tx.sink_map_err(MemoryStorageError::from));
    let sink = MemorySink::new(Arc::new(futures::lock::Mutex::new(tx)));
    let storage = MemoryStorage::new_with(sink.clone(), rx.boxed());
    (MemoryQueue(sink), storage)
}

#[async_trait]
impl JobSink for MemoryQueue {
    async fn enqueue(&mut self, runs: Vec<JobSpec>) -> Result<usize, QueueError> {
        let n = runs.len();
        for run in runs {
            self.0
                .send(TaskBuilder::new(run).build())
                .await
                .map_err(|e| QueueError::Push(e.to_string()))?;
        }
        Ok(n)
    }
}
