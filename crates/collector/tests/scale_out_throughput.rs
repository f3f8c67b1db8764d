//! How fast two workers drain the Redis queue with a runner that does nothing: the queue's own
//! cost per run (fetch, lease, ack, record). Real Redis, own namespace, fails if Redis is down.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use collector::queue::{JobSpec, RedisQueue, RedisQueueConfig};
use collector::runtime::{Clock, Shutdown, due_between};
use collector::schedule::{parse_config, resolve};
use collector::worker::{
    JobError, JobReport, JobRunner, RunRecorder, WorkerOptions, WorkerStats, run_redis_worker,
};
use domain::UnixNanos;
use store::{CollectionRun, StoreError};

struct Noop;

#[async_trait]
impl JobRunner for Noop {
    async fn run(&self, _: &JobSpec) -> Result<JobReport, JobError> {
        Ok(JobReport::default())
    }
}

struct Count(AtomicU64);

#[async_trait]
impl RunRecorder for Count {
    async fn record(&self, _: CollectionRun) -> Result<(), StoreError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_drain_the_queue_quickly() {
    let url = testkit::redis_url();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let ns = format!("ztrade-test:throughput:{}:{nanos}", std::process::id());
    let config = RedisQueueConfig {
        url: url.clone(),
        queue: ns.clone(),
        ..RedisQueueConfig::default()
    };
    let mut q = RedisQueue::connect(config)
        .await
        .unwrap_or_else(|e| panic!("Redis at {url}: {e}"));
    let text = "symbols = [\"SPY\"]\n[[jobs]]\nkind = \"bars\"\nprovider = \"alpaca\"\n";
    let file = Path::new("c.toml");
    let plan = resolve(parse_config(text, file).unwrap(), &[], file).unwrap();
    let t = |s: &str| UnixNanos::parse_rfc3339(s).unwrap();
    // Two sessions of minute runs.
    let runs = due_between(&plan, t("2024-01-02T00:00:00Z"), t("2024-01-04T00:00:00Z"));
    let n = runs.len() as u64;
    let started = Instant::now();
    assert_eq!(q.push(&runs).await.unwrap() as u64, n);
    let pushed = started.elapsed();
    let count = Arc::new(Count(AtomicU64::new(0)));
    let (stop, shutdown) = Shutdown::new();
    let worker = |name: &str| {
        let options = WorkerOptions {
            name: format!("{ns}-{name}"),
            concurrency: 2,
            poll: Duration::from_millis(100),
        };
        let (queue, count, shutdown) = (q.clone(), count.clone(), shutdown.clone());
        async move {
            run_redis_worker(
                &queue,
                &options,
                Arc::new(Noop),
                count,
                Clock::System,
                Arc::new(WorkerStats::default()),
                shutdown,
            )
            .await
            .unwrap()
        }
    };
    let drained = async {
        while count.0.load(Ordering::SeqCst) < n {
            assert!(started.elapsed() < Duration::from_secs(60), "slow drain");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let took = started.elapsed() - pushed;
        stop.trigger();
        took
    };
    let ((), (), took) = tokio::join!(worker("a"), worker("b"), drained);
    println!(
        "{n} runs: push {pushed:?}, drain {took:?} ({:.0} runs/s)",
        n as f64 / took.as_secs_f64()
    );
    // Every run acknowledged once (the graceful stop flushes the last acks).
    assert_eq!(q.done().await.unwrap(), n);
    assert_eq!(q.pending().await.unwrap(), 0);
    q.purge().await.unwrap();
}
