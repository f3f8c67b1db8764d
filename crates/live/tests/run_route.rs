//! `run_session` with an agent over bars upserted into a real store, its orders routed to
//! testkit's local Alpaca Trading API, on SQLite and PostgreSQL: a buy-and-hold entry is sent
//! once, with the quantity the engine sized; the loop is restarted (a new route each run)
//! and the fill made while it was down is recorded once, nothing sent again.

mod common;

use std::cell::Cell;
use std::time::Duration;

use app::paper::{PaperSpec, Timing};
use backtest::AgentConfig;
use common::{KEY_ID, SECRET, client, kinds};
use domain::journal::OrderEventKind;
use domain::{Bar, Price, Quantity, Symbol, Timeframe, UnixNanos};
use live::route::BrokerRoute;
use live::{LoopOptions, Route, run_session};
use providers::Broker;
use store::{PaperBroker, Store};
use testkit::alpaca_trading::TradingSim;
use testkit::{TestDb, both_backends};

both_backends!(a_sized_entry_is_sent_once_and_its_fill_recorded_across_restarts);

/// A 5-minute SPY bar at `hhmm` UTC on 2024-03-04 opening at `open`.
fn bar(hhmm: &str, open: &str) -> Bar {
    let open = Price::lit(open);
    let one = Price::lit("1");
    Bar::new(
        testkit::t(&format!("2024-03-04T{hhmm}:00Z")),
        open,
        open.checked_add(one).unwrap(),
        open.checked_sub(one).unwrap(),
        open,
        Quantity::lit("1000"),
        None,
        None,
    )
    .unwrap()
}

/// One run of the loop (one step) at `clock`, with a new route: a restarted process.
fn run(store: &mut dyn Store, spec: &PaperSpec, sim: &TradingSim, clock: UnixNanos) {
    let mut route = BrokerRoute::new(Box::new(client(&sim.base)), &spec.name).unwrap();
    let opts = LoopOptions {
        poll: Duration::ZERO,
        until: Some(clock),
        ..LoopOptions::default()
    };
    let now = Cell::new(clock);
    let route: &mut dyn Route = &mut route;
    run_session(store, spec, &opts, Some(route), &|| now.get()).unwrap();
}

fn a_sized_entry_is_sent_once_and_its_fill_recorded_across_restarts(backend: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sim = rt.block_on(TradingSim::start(KEY_ID, SECRET));
    let db = TestDb::of(backend, "run_route");
    let mut store = store::open_migrated(&db.url).unwrap();
    let spec = PaperSpec {
        name: "e2e".into(),
        agent: AgentConfig::from_yaml(&testkit::agents::buy_and_hold("bh", "100000")).unwrap(),
        broker: PaperBroker::AlpacaPaper,
        timing: Timing::default(),
    };
    let spy = Symbol::lit("SPY");
    let tf = Timeframe::parse("5m").unwrap();
    let at = |hhmm: &str| testkit::t(&format!("2024-03-04T{hhmm}:00Z"));

    // Opened before the bell: nothing to decide yet.
    run(store.as_mut(), &spec, &sim, at("14:29"));
    // The first bar: the agent buys; the engine sizes the order when its model fills it, so
    // nothing is sent yet.
    store.upsert_bars(&spy, tf, &[bar("14:30", "500")]).unwrap();
    run(store.as_mut(), &spec, &sim, at("14:37"));
    let j = store.session_journal("e2e").unwrap();
    assert_eq!(j.orders.len(), 1, "{j:#?}");
    assert!(j.order_events.is_empty());
    assert_eq!(sim.submissions("zt-e2e-1"), 0);

    // The next bar: the model fills at its open, and the order goes out with that quantity.
    store.upsert_bars(&spy, tf, &[bar("14:35", "400")]).unwrap();
    run(store.as_mut(), &spec, &sim, at("14:42"));
    assert_eq!(sim.submissions("zt-e2e-1"), 1);
    let j = store.session_journal("e2e").unwrap();
    assert_eq!(
        kinds(&j, 1),
        [OrderEventKind::Submitted, OrderEventKind::Accepted]
    );
    let sent: serde_json::Value =
        serde_json::from_str(j.orders[0].payload.as_deref().unwrap()).unwrap();
    // All cash at the fill's open: 100000 / 400.
    assert_eq!(sent["qty"], "250");

    // Filled while the loop is down; the next run records it once and sends nothing.
    let b = client(&sim.base);
    let id = rt
        .block_on(b.order_by_client_id("zt-e2e-1"))
        .unwrap()
        .unwrap()
        .id;
    sim.fill(&id, "250", "400.10");
    store.upsert_bars(&spy, tf, &[bar("14:40", "401")]).unwrap();
    run(store.as_mut(), &spec, &sim, at("14:47"));
    run(store.as_mut(), &spec, &sim, at("14:48"));
    assert_eq!(sim.submissions("zt-e2e-1"), 1);
    let j = store.session_journal("e2e").unwrap();
    assert_eq!(
        kinds(&j, 1),
        [
            OrderEventKind::Submitted,
            OrderEventKind::Accepted,
            OrderEventKind::Filled
        ]
    );
    assert_eq!(j.fills.len(), 1);
    let f = &j.fills[0];
    assert_eq!(
        (f.quantity, f.price),
        (Quantity::lit("250"), Price::lit("400.10"))
    );
    // Against the signal's reference (the decision bar's close, 500).
    assert_eq!(f.slippage, Some(Price::lit("-99.9")));
    assert_eq!(j.ledger.len(), 1);
    assert_eq!(store.inputs("e2e").unwrap().len(), 3);
}
