//! Scale-out on a real Redis (`ZTRADE_TEST_REDIS_URL`, default redis://127.0.0.1:6379/): the
//! queue refuses a run it already holds, and a worker that dies mid-run leaves the run to
//! another worker. Each test uses its own key namespace and deletes it after. An unreachable
//! Redis fails the test; it never skips.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use collector::queue::{JobSpec, RedisQueue, RedisQueueConfig};
use collector::runtime::{Clock, Shutdown, due_between};
use collector::schedule::{Plan, parse_config, resolve};
use collector::worker::{
    JobError, JobReport, JobRunner, RunRecorder, WorkerOptions, WorkerStats, run_redis_worker,
};
use domain::UnixNanos;
use store::{CollectionRun, StoreError};
use testkit::redis_url;

fn namespace(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("ztrade-test:{test}:{}:{nanos}", std::process::id())
}

/// Deletes every key of the namespace when dropped.
struct Namespace(String);

impl Drop for Namespace {
    fn drop(&mut self) {
        if let Ok(client) = redis::Client::open(redis_url())
            && let Ok(mut c) = client.get_connection()
        {
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(format!("{}*", self.0))
                .query(&mut c)
                .unwrap_or_default();
            for k in keys {
                let _: Result<(), _> = redis::cmd("DEL").arg(k).query(&mut c);
            }
        }
    }
}

async fn queue(ns: &str, heartbeat_s: u64, missed: usize) -> RedisQueue {
    let config = RedisQueueConfig {
        url: redis_url(),
        queue: ns.to_string(),
        heartbeat: Duration::from_secs(heartbeat_s),
        missed_heartbeats: missed,
        ..RedisQueueConfig::default()
    };
    RedisQueue::connect(config).await.unwrap_or_else(|e| {
        panic!(
            "Redis at {} is unreachable ({e}); these tests need it",
            redis_url()
        )
    })
}

fn plan() -> Plan {
    let text = r#"
        symbols = ["SPY", "QQQ"]
        [[jobs]]
        kind = "bars"
        provider = "alpaca"
        lookback = "5m"
    "#;
    let file = Path::new("collect.toml");
    resolve(parse_config(text, file).unwrap(), &[], file).unwrap()
}

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

fn runs(from: &str, to: &str) -> Vec<JobSpec> {
    due_between(&plan(), t(from), t(to))
}

#[tokio::test]
async fn a_run_is_queued_once() {
    let ns = Namespace(namespace("once"));
    let mut q = queue(&ns.0, 5, 6).await;
    let specs = runs("2024-01-03T15:00:00Z", "2024-01-03T15:05:00Z");
    assert_eq!(specs.len(), 5);
    assert_eq!(q.push(&specs).await.unwrap(), 5);
    // A restarted scheduler offering the same runs (and one new one) adds only the new one.
    let more = runs("2024-01-03T15:02:00Z", "2024-01-03T15:06:00Z");
    assert_eq!(q.push(&more).await.unwrap(), 1);
    assert_eq!(q.pending().await.unwrap(), 6);
}

#[derive(Default)]
struct Log(Mutex<Vec<(String, String, &'static str)>>);

impl Log {
    fn push(&self, worker: &str, id: &str, what: &'static str) {
        self.0
            .lock()
            .unwrap()
            .push((worker.to_string(), id.to_string(), what));
    }
    fn entries(&self) -> Vec<(String, String, &'static str)> {
        self.0.lock().unwrap().clone()
    }
}

/// Logs starts and ends; worker `a` hangs on the run `hang` (it will be killed there).
struct FakeRunner {
    worker: &'static str,
    hang: String,
    log: Arc<Log>,
}

#[async_trait]
impl JobRunner for FakeRunner {
    async fn run(&self, job: &JobSpec) -> Result<JobReport, JobError> {
        self.log.push(self.worker, &job.id(), "start");
        if self.worker == "a" && job.id() == self.hang {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        self.log.push(self.worker, &job.id(), "done");
        Ok(JobReport {
            rows_written: 1,
            ..JobReport::default()
        })
    }
}

struct CountingRecorder(Arc<Mutex<Vec<CollectionRun>>>);

#[async_trait]
impl RunRecorder for CountingRecorder {
    async fn record(&self, run: CollectionRun) -> Result<(), StoreError> {
        self.0.lock().unwrap().push(run);
        Ok(())
    }
}

async fn wait_until(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dead_workers_run_goes_to_another_worker() {
    let ns = Namespace(namespace("dead"));
    // Heartbeat 1 s, dead after 2 missed: a killed worker's runs return within ~3 s.
    let mut q = queue(&ns.0, 1, 2).await;
    let specs = runs("2024-01-03T15:00:00Z", "2024-01-03T15:04:00Z");
    let hang = specs[1].id();
    let log = Arc::new(Log::default());
    let recorded = Arc::new(Mutex::new(Vec::new()));
    let worker = |name: &'static str, shutdown: Shutdown| {
        let runner = Arc::new(FakeRunner {
            worker: name,
            hang: hang.clone(),
            log: log.clone(),
        });
        let options = WorkerOptions {
            name: format!("{}-{name}", ns.0),
            concurrency: 1,
            poll: Duration::from_millis(100),
        };
        let queue = q.clone();
        let recorder = Arc::new(CountingRecorder(recorded.clone()));
        async move {
            run_redis_worker(
                &queue,
                &options,
                runner,
                recorder,
                Clock::System,
                Arc::new(WorkerStats::default()),
                shutdown,
            )
            .await
            .unwrap_or_else(|e| panic!("worker {name}: {e}"))
        }
    };
    let (kill_a, a_killed) = Shutdown::new();
    let (stop_b, b_stop) = Shutdown::new();
    let (_never, never) = Shutdown::new();
    // `a` is "killed" by dropping its future mid-run: no graceful close, no release of its
    // in-flight run, heartbeats simply stop, as with SIGKILL.
    let a = {
        let w = worker("a", never.clone());
        async move {
            tokio::select! {
                _ = w => panic!("worker a stopped on its own"),
                _ = a_killed.wait() => {}
            }
        }
    };
    // `b` starts once `a` hangs, so that `a` is the one holding the run.
    let (start_b, b_start) = Shutdown::new();
    let b = {
        let w = worker("b", b_stop);
        async move {
            b_start.wait().await;
            w.await
        }
    };
    let driver = async {
        assert_eq!(q.push(&specs).await.unwrap(), 4);
        let l = log.clone();
        let h = hang.clone();
        wait_until(
            "a to start the run it hangs on",
            Duration::from_secs(10),
            move || l.entries().contains(&("a".into(), h.clone(), "start")),
        )
        .await;
        start_b.trigger();
        kill_a.trigger();
        let l = log.clone();
        let ids: Vec<String> = specs.iter().map(JobSpec::id).collect();
        wait_until("every run done", Duration::from_secs(20), move || {
            let e = l.entries();
            ids.iter()
                .all(|id| e.iter().any(|(_, i, w)| i == id && *w == "done"))
        })
        .await;
        stop_b.trigger();
    };
    let ((), (), ()) = tokio::join!(a, b, driver);

    let entries = log.entries();
    let mut done: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (w, id, what) in &entries {
        if *what == "done" {
            done.entry(id.clone()).or_default().push(w.clone());
        }
    }
    // Every run finished exactly once, the hung one by `b`.
    assert_eq!(done.len(), 4, "{entries:?}");
    assert!(done.values().all(|ws| ws.len() == 1), "{done:?}");
    assert_eq!(done[&hang], ["b"]);
    assert_eq!(recorded.lock().unwrap().len(), 4);
    let mut q2 = queue(&ns.0, 1, 2).await;
    assert_eq!(q2.pending().await.unwrap(), 0);
    assert_eq!(q2.done().await.unwrap(), 4);
    // Housekeeping forgets finished runs, but their ids still block a re-enqueue.
    assert_eq!(q2.vacuum(Duration::ZERO).await.unwrap(), 4);
    assert_eq!(q2.done().await.unwrap(), 0);
    assert_eq!(q2.push(&specs).await.unwrap(), 0);
}
