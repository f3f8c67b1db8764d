//! `serve --config FILE`: the collection page knows the plan, so it lists the jobs that never
//! ran and how far each job is behind its schedule, as `collect status --config FILE --json`
//! does; a config that does not load stops `serve` at startup with the file's error.

mod support;

use axum::http::Method;
use collector::runtime::Clock;
use serde_json::Value;
use support::{fixture, request, send_to, t};
use web::{AppState, Config};

const PLAN: &str = r#"
symbols = ["SPY"]

[[jobs]]
kind = "bars"
provider = "alpaca"
every = "5m"
timeframe = "5m"
hours = "market"

[[jobs]]
kind = "options"
provider = "polygon"
every = "30m"
hours = "market"
"#;

fn config(plan: &std::path::Path) -> Result<Config, web::ConfigError> {
    let bind = "127.0.0.1:0".parse().unwrap();
    Config::new(fixture().url.clone(), bind, None, None)?.with_plan(Some(plan))
}

#[tokio::test]
async fn the_plan_adds_jobs_that_never_ran_and_how_far_behind() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("collect.toml");
    std::fs::write(&file, PLAN).unwrap();
    let now = t("2024-04-30T16:00:00Z");
    let state = AppState::new(&config(&file).unwrap(), Clock::shifted(now, 1));
    let api = send_to(state.clone(), request(Method::GET, "/api/collection"))
        .await
        .json();
    let plan = collector::schedule::load_plan(&file).unwrap();
    let s = store::open_ready(&fixture().url).unwrap();
    let cli = collector::health::job_health(s.as_ref(), Some(&plan), now).unwrap();
    let cli: Value = serde_json::from_str(&serde_json::to_string(&cli).unwrap()).unwrap();
    assert_eq!(api["jobs"], cli, "`collect status --config FILE --json`");
    let never = api["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["runs"] == 0)
        .expect("the options job never ran");
    assert!(never["next_run"].is_string(), "{never}");
    assert!(
        api["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["behind_seconds"].is_number()),
        "{api}"
    );
    let page = send_to(state, request(Method::GET, "/collection")).await;
    assert!(page.body.contains(never["job"].as_str().unwrap()));

    std::fs::write(&file, "symbols = [\n").unwrap();
    let e = config(&file)
        .expect_err("a broken config is refused")
        .to_string();
    assert!(
        e.starts_with("--config: ") && e.contains("collect.toml"),
        "{e}"
    );
}
