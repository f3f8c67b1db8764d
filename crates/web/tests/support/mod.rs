//! A real SQLite store in a tempdir, seeded once per test binary: SPY 5m bars over March and
//! April 2024 with one half session and one missing session, two stored runs (one agent's
//! description is a `<script>`), a sweep, a walk-forward, and collection runs (one failed with
//! a `<script>` in its message). And the requests the tests send through `oneshot`.

#![allow(dead_code)] // each test binary uses its own part

use std::sync::OnceLock;

use app::NoProgress;
use app::run::{self, Preloaded};
use app::sweep::walk::{WalkForward, walk_forward};
use app::sweep::{
    Keep, ParamRange, RankBy, SweepRequest, combinations, record_walk_forward, sweep,
};
use app::time::Window;
use axum::body::Body;
use axum::http::{Method, Request, Response, StatusCode, header};
use backtest::AgentConfig;
use collector::runtime::Clock;
use domain::grid::BarGrid;
use domain::{Bar, Ohlc, Price, Quantity, QuoteBar, Symbol, Timeframe, UnixNanos};
use store::{CollectionRun, Store};
use tower::ServiceExt;
use web::{AppState, Config};

pub const XSS: &str = "<script>alert('x')</script>";
/// 2024-03-12: the first half of the session only; 2024-03-13: nothing.
pub const PARTIAL_DAY: &str = "2024-03-12";
pub const MISSING_DAY: &str = "2024-03-13";

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub url: String,
    pub path: String,
    /// The `<script>` agent's run, and a buy-and-hold run.
    pub run: i64,
    pub other: i64,
    pub sweep: i64,
    pub walk: i64,
}

/// The one day of SPY 1m quote bars: 380 of its 390 slots (10 missing from 15:00 New York).
pub const QUOTE_DAY: &str = "2024-03-11";

fn quotes() -> Vec<QuoteBar> {
    let open = t(&format!("{QUOTE_DAY}T13:30:00Z"));
    (0..390i64)
        .filter(|i| !(330..340).contains(i))
        .map(|i| {
            let side = |c: i64| {
                let p = Price::from_raw(c * 10_000_000);
                Ohlc {
                    open: p,
                    high: p,
                    low: p,
                    close: p,
                }
            };
            QuoteBar {
                ts: open.plus(i * 60_000_000_000),
                bid: Some(side(10_000 + i)),
                ask: Some(side(10_001 + i)),
                bid_size: Quantity::from_int(3),
                ask_size: Quantity::from_int(4),
            }
        })
        .collect()
}

pub fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

fn bars() -> Vec<Bar> {
    let grid = BarGrid::new(Timeframe::M5, domain::calendar::Calendar::Nyse).unwrap();
    let slots: Vec<UnixNanos> = grid
        .expected(t("2024-03-01"), t("2024-05-01"))
        .unwrap()
        .collect();
    // 13:30Z (09:30 New York, summer time) + 39 five-minute bars.
    let partial_end = t(&format!("{PARTIAL_DAY}T16:45:00Z"));
    let (m0, m1) = (
        t(&format!("{MISSING_DAY}T00:00:00Z")),
        t("2024-03-14T00:00:00Z"),
    );
    slots
        .into_iter()
        .filter(|s| !(*s >= m0 && *s < m1))
        .filter(|s| !(s.utc_date().to_string() == PARTIAL_DAY && *s >= partial_end))
        .enumerate()
        .map(|(i, ts)| {
            // A wave, so that a crossover trades.
            let c = 10_000.0 + 400.0 * (i as f64 / 15.0).sin() + i as f64 * 0.2;
            let p = Price::from_raw((c as i64) * 10_000_000);
            Bar {
                ts,
                open: p,
                high: p,
                low: p,
                close: p,
                volume: Quantity::from_int(100),
                vwap: None,
                trade_count: Some(7),
            }
        })
        .collect()
}

fn agent(id: &str, description: &str, strategy: &str) -> AgentConfig {
    AgentConfig::from_yaml(&format!(
        "id: {id}\ndescription: {description:?}\nsymbols: [SPY]\ntimeframe: 5m\n\
         initial_capital: 100000\nstrategy: {strategy}\nbenchmark: SPY\n"
    ))
    .unwrap()
}

fn seed() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("web.db").display().to_string();
    let url = format!("sqlite://{path}");
    let mut s: Box<dyn Store> = store::open_migrated(&url).unwrap();
    s.upsert_bars(&Symbol::lit("SPY"), Timeframe::M5, &bars())
        .unwrap();
    s.upsert_quote_bars(&Symbol::lit("SPY"), Timeframe::M1, &quotes())
        .unwrap();
    let xss = agent("xss", XSS, "{ kind: sma_crossover, fast: 3, slow: 9 }");
    let done = run::run(s.as_ref(), &xss, Window::default(), None).unwrap();
    assert!(!done.result.fills.is_empty(), "the fixture's run trades");
    let run_id = run::save(s.as_mut(), &done).unwrap();
    let hold = agent("hold", "buy and hold", "{ kind: buy_and_hold }");
    let done = run::run(s.as_ref(), &hold, Window::default(), None).unwrap();
    let other = run::save(s.as_mut(), &done).unwrap();

    let pre = Preloaded::load(s.as_ref(), &xss, Window::default(), 0).unwrap();
    let ranges = ["fast=2..4", "slow=8..10"].map(|p| ParamRange::parse(p).unwrap());
    let (combos, invalid) = combinations(&xss, &ranges).unwrap();
    let req = SweepRequest {
        combos: &combos,
        invalid,
        window: Window::default(),
        metric: RankBy::Sharpe,
        save: true,
        keep: Keep::Top(2),
    };
    let swept = sweep(s.as_mut(), &pre, &req, &NoProgress).unwrap();
    let wf = WalkForward {
        train_sessions: 10,
        test_sessions: 5,
    };
    let report = walk_forward(&pre, &combos, RankBy::Sharpe, wf, &NoProgress).unwrap();
    let walk = record_walk_forward(s.as_mut(), &combos, &report).unwrap();

    // The data-quality report of every series, as `ztrade data validate` stores it.
    let check = app::data::validate::ValidateRequest {
        symbol: None,
        timeframe: None,
        since: None,
        checked_at: t("2024-04-30T15:30:00Z"),
        config: domain::quality::Config::default(),
    };
    app::data::validate::validate(s.as_mut(), &check).unwrap();
    let job = |job: &str, errors: u64, error: Option<&str>, at: &str| CollectionRun {
        job: job.into(),
        started_at: t(at),
        finished_at: t(at).plus(2_000_000_000),
        rows_written: 78,
        errors,
        last_error: error.map(str::to_string),
        lag_seconds: Some(4),
        next_run: Some(t(at).plus(60_000_000_000)),
    };
    s.record_collection_run(&job("bars-alpaca", 0, None, "2024-04-30T15:00:00Z"))
        .unwrap();
    let boom = format!("{XSS} provider said 500");
    s.record_collection_run(&job("news-alpaca", 1, Some(&boom), "2024-04-30T15:01:00Z"))
        .unwrap();
    Fixture {
        _dir: dir,
        url,
        path,
        run: run_id,
        other,
        sweep: swept.sweep_id.unwrap(),
        walk,
    }
}

/// The store every test of this binary reads (the dashboard never writes).
pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(seed)
}

pub fn config(token: Option<&str>) -> Config {
    let bind = "127.0.0.1:0".parse().unwrap();
    Config::new(fixture().url.clone(), bind, token.map(str::to_string), None).unwrap()
}

pub fn state(token: Option<&str>) -> AppState {
    AppState::new(&config(token), Clock::shifted(t("2024-04-30T16:00:00Z"), 1))
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .map_or("", |v| v.to_str().unwrap())
    }

    pub fn json(&self) -> serde_json::Value {
        assert!(
            self.content_type().starts_with("application/json"),
            "{}",
            self.content_type()
        );
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

pub async fn send_to(state: AppState, req: Request<Body>) -> Reply {
    let r: Response<Body> = web::app(state).oneshot(req).await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let bytes = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

pub fn request(method: Method, uri: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .unwrap()
}

/// GET `uri` from a dashboard without a token.
pub async fn get(uri: &str) -> Reply {
    send_to(state(None), request(Method::GET, uri)).await
}
