//! The collection page with the scale-out queue (`serve --redis`), on a real Redis
//! (`ZTRADE_TEST_REDIS_URL`, default redis://127.0.0.1:6379/) in a key namespace of its own,
//! deleted after: the queue's depth and its live and silent workers. An unreachable Redis fails
//! this test (it never skips); an unreachable queue on the page is shown as such, not a 500.

mod support;

use std::path::Path;

use collector::queue::{RedisQueue, RedisQueueConfig};
use collector::runtime::{Clock, due_between};
use collector::schedule::{parse_config, resolve};
use testkit::redis_url;

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

fn state_with(queue: RedisQueueConfig) -> web::AppState {
    let mut config = support::config(None);
    config.redis = Some(queue);
    web::AppState::new(&config, Clock::System)
}

#[tokio::test]
async fn the_queue_shows_its_depth_and_workers() {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let ns = Namespace(format!("ztrade-test:web:{}:{nanos}", std::process::id()));
    let queue = RedisQueueConfig {
        url: redis_url(),
        queue: ns.0.clone(),
        ..RedisQueueConfig::default()
    };
    let mut q = RedisQueue::connect(queue.clone())
        .await
        .unwrap_or_else(|e| {
            panic!(
                "Redis at {} is unreachable ({e}); this test needs it",
                redis_url()
            )
        });
    let text = "symbols = [\"SPY\"]\n[[jobs]]\nkind = \"bars\"\nprovider = \"alpaca\"\nlookback = \"5m\"\n";
    let file = Path::new("collect.toml");
    let plan = resolve(parse_config(text, file).unwrap(), &[], file).unwrap();
    let runs = due_between(
        &plan,
        support::t("2024-01-03T15:00:00Z"),
        support::t("2024-01-03T15:03:00Z"),
    );
    assert_eq!(q.push(&runs).await.unwrap(), 3);
    // Two workers as apalis registers them: one heard from now, one long silent.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let client = redis::Client::open(redis_url()).unwrap();
    let mut c = client.get_connection().unwrap();
    let workers = format!("{}:workers", ns.0);
    let _: () = redis::cmd("ZADD")
        .arg(&workers)
        .arg(now)
        .arg("worker-live")
        .query(&mut c)
        .unwrap();
    let _: () = redis::cmd("ZADD")
        .arg(&workers)
        .arg(now - 3600)
        .arg("worker-gone")
        .query(&mut c)
        .unwrap();

    let api = support::send_to(
        state_with(queue.clone()),
        support::request(axum::http::Method::GET, "/api/collection"),
    )
    .await
    .json();
    let qv = &api["queue"];
    assert!(qv["error"].is_null(), "{qv}");
    assert_eq!(qv["pending"], 3);
    assert_eq!(qv["queue"], ns.0.as_str());
    let names: Vec<(&str, bool)> = qv["workers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["name"].as_str().unwrap(), w["live"].as_bool().unwrap()))
        .collect();
    assert_eq!(names, [("worker-live", true), ("worker-gone", false)]);
    let page = support::send_to(
        state_with(queue),
        support::request(axum::http::Method::GET, "/collection"),
    )
    .await;
    assert!(
        page.body.contains("live workers</dt><dd>1</dd>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("worker-gone") && page.body.contains("silent"));
}

#[tokio::test]
async fn an_unreachable_queue_is_said_on_the_page() {
    let queue = RedisQueueConfig {
        url: "redis://:pw@127.0.0.1:1/".into(),
        ..RedisQueueConfig::default()
    };
    let r = support::send_to(
        state_with(queue),
        support::request(axum::http::Method::GET, "/collection"),
    )
    .await;
    assert_eq!(r.status, axum::http::StatusCode::OK);
    assert!(r.body.contains("unreachable"), "{}", r.body);
    assert!(!r.body.contains(":pw@"), "the password is not shown");
}
