//! Options runs over a local server: the strike and expiry ranges the provider is asked for
//! (around the underlying's last stored close, none without one), the quotes outside them that
//! a provider sends anyway dropped and counted, and with `scan` the arbitrage runs of the
//! stored snapshot recorded.

mod common;

use collector::Provider;
use collector::queue::{JobSpec, RunTask};
use collector::schedule::{OptionsRun, ScanSettings, StrikeRange};
use collector::worker::option_chain::run_options;
use collector::worker::{Clients, JobReport, StoreHandle};
use common::{alpaca, polygon};
use domain::{Bar, Price, Quantity, Symbol, Timeframe, UnixNanos};
use testkit::TestDb;
use testkit::scripted::{Mock, Reply, Seen};

testkit::both_backends!(
    async
    a_run_asks_for_the_ranges_around_the_last_stored_close,
    a_scan_after_the_snapshot_records_the_planted_arbitrage,
);

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

/// The run's due time, its "now": a minute after the fixture's quote (2024-04-25 20:00 UTC,
/// 16:00 New York).
const NOW: &str = "2024-04-25T20:01:00Z";

fn spec(run: &OptionsRun, provider: Provider) -> JobSpec {
    JobSpec {
        job: "options-test".into(),
        provider: Some(provider),
        due: t(NOW),
        symbols: vec![Symbol::lit("AAPL")],
        task: RunTask::Options(run.clone()),
        next_due: t("2024-04-25T20:30:00Z"),
        then: Vec::new(),
    }
}

async fn run(clients: &Clients, store: &StoreHandle, run: &OptionsRun) -> JobReport {
    let provider = if clients.alpaca.is_some() {
        Provider::Alpaca
    } else {
        Provider::Polygon
    };
    let client = clients.get(provider).unwrap().as_ref();
    run_options(client, store, &spec(run, provider), run)
        .await
        .unwrap()
}

/// A one-minute AAPL bar at `ts` closing at `close`.
fn bar(ts: &str, close: &str) -> Bar {
    let c = Price::lit(close);
    Bar {
        ts: t(ts),
        open: c,
        high: c,
        low: c,
        close: c,
        volume: Quantity::from_int(100),
        vwap: None,
        trade_count: None,
    }
}

fn seed_bars(db: &TestDb, tf: Timeframe, bars: &[Bar]) {
    db.with(|st| st.upsert_bars(&Symbol::lit("AAPL"), tf, bars).unwrap());
}

/// The chain request's filter parameters as the server saw them.
fn filters(seen: &Seen, names: [&str; 4]) -> [Option<String>; 4] {
    names.map(|n| seen.param(n).map(str::to_string))
}

const ALPACA: [&str; 4] = [
    "expiration_date_gte",
    "expiration_date_lte",
    "strike_price_gte",
    "strike_price_lte",
];

fn some(values: [&str; 4]) -> [Option<String>; 4] {
    values.map(|v| Some(v.to_string()))
}

async fn a_run_asks_for_the_ranges_around_the_last_stored_close(backend: &'static str) {
    let db = TestDb::of(backend, "option_ranges");
    let store = StoreHandle::open(&db.url).await.unwrap();
    let fixture = "alpaca/v1beta1_options_snapshots_AAPL__get_option_chain.json";
    let mock = Mock::start(vec![Reply::fixture(fixture); 4]).await;
    let clients = alpaca(&mock.base);
    let default = OptionsRun::default();

    // No stored bar: every strike, still today to today + 60 days (New York dates).
    let r = run(&clients, &store, &default).await;
    assert_eq!((r.rows_written, r.out_of_range), (1, 0), "{r:?}");
    let [from, to, low, high] = filters(&mock.seen()[0], ALPACA);
    assert_eq!(
        (from.as_deref(), to.as_deref()),
        (Some("2024-04-25"), Some("2024-06-24"))
    );
    assert_eq!((low, high), (None, None));

    // A daily close, then a minute close: the minute one is the reference; a bar after the
    // run's time is not.
    seed_bars(&db, Timeframe::D1, &[bar("2024-04-24T00:00:00Z", "100")]);
    let r = run(&clients, &store, &default).await;
    assert_eq!(
        filters(&mock.seen()[1], ALPACA),
        some(["2024-04-25", "2024-06-24", "80", "120"])
    );
    // The fixture's contract (a 155 put) is outside 80–120: the server ignored the filter.
    assert_eq!((r.rows_written, r.out_of_range), (0, 1), "{r:?}");
    seed_bars(
        &db,
        Timeframe::M1,
        &[
            bar("2024-04-25T19:59:00Z", "150"),
            bar("2024-04-25T20:05:00Z", "400"),
        ],
    );
    let r = run(&clients, &store, &default).await;
    assert_eq!(
        filters(&mock.seen()[2], ALPACA),
        some(["2024-04-25", "2024-06-24", "120", "180"])
    );
    assert_eq!((r.out_of_range, r.rows_unchanged), (0, 1), "{r:?}");

    // Two percent and a week: 147–153 leaves the 155 out, and 2024-05-03 is past 2024-05-02.
    let narrow = OptionsRun {
        strikes: StrikeRange::Percent(Price::lit("2")),
        expiry_days: 7,
        scan: None,
    };
    let r = run(&clients, &store, &narrow).await;
    assert_eq!(
        filters(&mock.seen()[3], ALPACA),
        some(["2024-04-25", "2024-05-02", "147", "153"])
    );
    assert_eq!(
        (r.out_of_range, r.rows_written, r.rows_unchanged),
        (1, 0, 0)
    );
    let stored = db.with(|st| st.options(&Symbol::lit("AAPL"), None, None).unwrap());
    assert_eq!(stored.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polygon_gets_the_same_ranges_in_its_own_names() {
    let db = TestDb::sqlite();
    let store = StoreHandle::open(&db.url).await.unwrap();
    seed_bars(&db, Timeframe::M1, &[bar("2024-04-25T19:59:00Z", "150")]);
    let mock = Mock::start(vec![Reply::fixture(
        "polygon/v3_snapshot_options_AAPL.json",
    )])
    .await;
    run(&polygon(&mock.base), &store, &OptionsRun::default()).await;
    let seen = mock.seen();
    assert!(
        seen[0].path.starts_with("/v3/snapshot/options/AAPL"),
        "{seen:?}"
    );
    let names = [
        "expiration_date.gte",
        "expiration_date.lte",
        "strike_price.gte",
        "strike_price.lte",
    ];
    assert_eq!(
        filters(&seen[0], names),
        some(["2024-04-25", "2024-06-24", "120", "180"])
    );
}

/// An Alpaca chain body shaped like the shared fixture: `(occ, bid, bid size, ask, ask size)`,
/// every quote stamped `at`.
fn chain_body(quotes: &[(&str, &str, u32, &str, u32)], at: &str) -> String {
    let snapshots: serde_json::Map<String, serde_json::Value> = quotes
        .iter()
        .map(|(occ, bid, bs, ask, asz)| {
            let quote = serde_json::json!({
                "latestQuote": {
                    "ap": ask.parse::<f64>().unwrap(), "as": asz, "ax": "W",
                    "bp": bid.parse::<f64>().unwrap(), "bs": bs, "bx": "N",
                    "c": "A", "t": at,
                },
            });
            (occ.to_string(), quote)
        })
        .collect();
    serde_json::json!({ "next_page_token": null, "snapshots": snapshots }).to_string()
}

async fn a_scan_after_the_snapshot_records_the_planted_arbitrage(backend: &'static str) {
    let db = TestDb::of(backend, "option_scan");
    let store = StoreHandle::open(&db.url).await.unwrap();
    seed_bars(&db, Timeframe::M1, &[bar("2024-04-25T19:59:00Z", "152")]);
    // The 150 call offered at 3.00 and the 155 call bid at 4.00: buying the lower strike and
    // selling the higher takes in 1.00 a share for a spread worth at least 0 at expiry.
    let planted = chain_body(
        &[
            ("AAPL240517C00150000", "2.90", 10, "3.00", 12),
            ("AAPL240517C00155000", "4.00", 7, "4.10", 9),
        ],
        "2024-04-25T19:59:58Z",
    );
    let mock = Mock::start(vec![Reply::json(planted.clone()); 3]).await;
    let clients = alpaca(&mock.base);

    // Without `scan`, the snapshot is stored and nothing is scanned.
    let r = run(&clients, &store, &OptionsRun::default()).await;
    assert_eq!((r.rows_written, r.scan_runs), (2, 0), "{r:?}");
    let aapl = Symbol::lit("AAPL");
    assert!(
        db.with(|st| st.opportunities(&aapl, None, None).unwrap())
            .is_empty()
    );

    let scanning = OptionsRun {
        scan: Some(ScanSettings::default()),
        ..OptionsRun::default()
    };
    let r = run(&clients, &store, &scanning).await;
    assert!(r.errors.is_empty(), "{r:?}");
    assert_eq!((r.scan_runs, r.scan_findings), (1, 1), "{r:?}");
    let runs = db.with(|st| st.opportunities(&aapl, None, None).unwrap());
    assert_eq!(runs.len(), 1, "{runs:#?}");
    let found = &runs[0];
    assert_eq!(found.kind, "call_vertical_inverted");
    assert_eq!(found.first_seen, t("2024-04-25T19:59:58Z"));
    // Seven sets: the 155 call's bid size. Per set: 1.00 × 100 shares less two legs' 0.65.
    assert_eq!(found.quantity, Quantity::from_int(7));
    assert_eq!(found.edge, Price::lit("98.7"));

    // The same snapshot again: the same run, updated in place.
    let r = run(&clients, &store, &scanning).await;
    assert_eq!((r.scan_runs, r.rows_unchanged), (1, 2), "{r:?}");
    assert_eq!(
        db.with(|st| st.opportunities(&aapl, None, None).unwrap())
            .len(),
        1
    );
}
