//! How long each dashboard route takes on the server, over `oneshot` (no socket, no browser):
//! a SQLite store in a tempdir with SESSIONS sessions of TIMEFRAME SPY bars (seeded), one real
//! run with its fills, a sweep, and RUNS tiny runs (metrics only, as a sweep stores them).
//!
//!     cargo run --release -p web --example serve_speed -- [RUNS] [SESSIONS] [TIMEFRAME] [SYMBOLS] [RUN_DAYS]
//!
//! Defaults: 10000 runs, 250 sessions of 5m bars (19,500 bars) of one symbol. `-- 10000 10000 1m 3`
//! stores 3.9 million bars (the seeder's most sessions) for each of SPY, QQQ and IWM, 11.7 million
//! in all; that takes minutes to seed. The real run trades SPY over all its bars, or over the
//! last RUN_DAYS calendar days of them when given (`365`: a year, as most intraday runs are).

use std::time::{Duration, Instant};

use app::NoProgress;
use app::data::seed::{SeedRequest, seed};
use app::run::{self, Preloaded, record};
use app::sweep::{Keep, ParamRange, RankBy, SweepRequest, combinations, sweep};
use app::time::Window;
use axum::body::Body;
use axum::http::Request;
use backtest::AgentConfig;
use chrono::NaiveDate;
use collector::runtime::Clock;
use domain::{Symbol, Timeframe};
use tower::ServiceExt;

const TIMES: usize = 5;

fn arg<T: std::str::FromStr>(i: usize, default: T) -> T {
    std::env::args()
        .nth(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let runs: usize = arg(1, 10_000);
    let sessions: u32 = arg(2, 250);
    let tf = Timeframe::parse(&arg(3, "5m".to_string())).expect("a timeframe such as 5m or 1m");
    let n_symbols: usize = arg(4, 1);
    let symbols: Vec<Symbol> = ["SPY", "QQQ", "IWM", "DIA", "TLT", "GLD"]
        .iter()
        .take(n_symbols.clamp(1, 6))
        .map(|s| Symbol::lit(s))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("speed.db").display());
    let mut s = store::open_migrated(&url).unwrap();

    let t = Instant::now();
    let req = SeedRequest {
        symbols: symbols.clone(),
        days: sessions,
        end: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
        timeframe: tf,
        seed: 7,
    };
    let seeded = seed(s.as_mut(), &req, &NoProgress).unwrap();
    eprintln!(
        "seeded {} bars in {:.1?}",
        seeded.bars.inserted,
        t.elapsed()
    );

    let agent = AgentConfig::from_yaml(&format!(
        "id: speed\nsymbols: [SPY]\ntimeframe: {tf}\ninitial_capital: 100000\n\
         strategy: {{ kind: sma_crossover, fast: 10, slow: 30 }}\nbenchmark: SPY\n"
    ))
    .unwrap();
    let run_days: i64 = arg(5, 0);
    let window = match (run_days, seeded.last) {
        (d, Some(last)) if d > 0 => Window {
            start: Some(last.plus(-d * 86_400_000_000_000)),
            end: None,
        },
        _ => Window::default(),
    };
    let done = run::run(s.as_ref(), &agent, window, None).unwrap();
    eprintln!(
        "the real run: {} equity points, {} fills",
        done.result.equity.len(),
        done.result.fills.len()
    );
    let real = run::save(s.as_mut(), &done).unwrap();
    let other = run::save(s.as_mut(), &done).unwrap();
    let pre = Preloaded::load(s.as_ref(), &agent, Window::default(), 0).unwrap();
    let ranges = ["fast=5..10", "slow=20..40:5"].map(|p| ParamRange::parse(p).unwrap());
    let (combos, invalid) = combinations(&agent, &ranges).unwrap();
    let sw = SweepRequest {
        combos: &combos,
        invalid,
        window: Window::default(),
        metric: RankBy::Sharpe,
        save: true,
        keep: Keep::Top(1),
    };
    let sweep_id = sweep(s.as_mut(), &pre, &sw, &NoProgress)
        .unwrap()
        .sweep_id
        .unwrap();

    let t = Instant::now();
    let mut tiny = record::new_run(&done);
    tiny.trades.clear();
    tiny.equity.clear();
    for i in 0..runs {
        tiny.agent_id = format!("agent_{}", i % 20);
        tiny.sharpe_ratio = Some((i % 400) as f64 / 100.0 - 2.0);
        s.save_run(&tiny).unwrap();
    }
    eprintln!("stored {runs} metrics-only runs in {:.1?}", t.elapsed());
    drop(s);

    let config = web::Config::new(url, "127.0.0.1:0".parse().unwrap(), None, None).unwrap();
    let state = web::AppState::new(&config, Clock::System);
    let day = seeded.last.unwrap().exchange_date();
    let routes = [
        "/runs".to_string(),
        "/api/runs".into(),
        "/runs?sort=sharpe&metric=sharpe&min=1&limit=100".into(),
        format!("/runs/{real}"),
        format!("/api/runs/{real}"),
        format!("/compare?ids={real},{other}"),
        format!("/sweeps/{sweep_id}"),
        format!("/api/sweeps/{sweep_id}"),
        "/data".into(),
        "/api/data".into(),
        format!("/data/SPY/{tf}/{day}"),
        "/collection".into(),
        "/api/collection".into(),
    ];
    println!(
        "{runs} runs + 1 sweep of {} · {} {tf} bars · {TIMES} requests each after one to warm up",
        combos.len(),
        seeded.bars.inserted
    );
    println!(
        "{:<52} {:>10} {:>10} {:>10}",
        "route", "min ms", "median ms", "KiB"
    );
    for route in routes {
        let mut times: Vec<Duration> = Vec::new();
        let mut size = 0;
        for i in 0..=TIMES {
            let req = Request::get(&route).body(Body::empty()).unwrap();
            let t = Instant::now();
            let r = web::app(state.clone()).oneshot(req).await.unwrap();
            assert!(r.status().is_success(), "{route}: {}", r.status());
            let body = axum::body::to_bytes(r.into_body(), usize::MAX)
                .await
                .unwrap();
            let took = t.elapsed();
            size = body.len();
            if i > 0 {
                times.push(took);
            }
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{route:<52} {:>10.1} {:>10.1} {:>10}",
            ms(times[0]),
            ms(times[times.len() / 2]),
            size.div_ceil(1024)
        );
    }
}
