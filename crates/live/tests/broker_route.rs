//! `BrokerRoute` against testkit's local Alpaca Trading API and a real store, on SQLite and
//! PostgreSQL: accept; a partial fill, then the fill and a close of the live position with its
//! P&L in the ledger; a rejection; a cancel; a 5xx on submit; a restart that neither resends
//! nor loses the fill made while it was down; an acceptance lost with the process, found by
//! `client_order_id` after the restart.

mod common;

use common::{KEY_ID, SECRET, client, kinds};
use domain::calendar::Calendar;
use domain::journal::{
    Journal, OrderEventKind, OrderRecord, OrderSide, OrderType, QtyRule, SignalRecord,
    SignalStatus, TimeInForce,
};
use domain::{Action, Money, Price, Quantity, Symbol, Timeframe, UnixNanos};
use live::route::BrokerRoute;
use live::{LiveError, Route};
use providers::Broker;
use store::{NewSession, PaperBroker, Store};
use testkit::alpaca_trading::{SubmitFault, TradingSim};
use testkit::{TestDb, both_backends};

use OrderEventKind as K;

const SESSION: &str = "day-1";

both_backends!(
    an_order_is_sent_once_and_its_acceptance_recorded,
    a_partial_fill_then_the_fill_then_a_close_with_its_pnl,
    a_rejection_is_recorded_with_the_brokers_message_and_not_resent,
    cancel_open_cancels_and_records_it,
    a_5xx_on_submit_is_retried_with_the_same_client_order_id,
    a_restart_does_not_resend_and_records_the_fill_made_while_down,
    an_acceptance_lost_with_the_process_is_found_after_the_restart,
);

/// The local broker on a runtime of its own (the route runs its own), and a store.
struct Rig {
    rt: tokio::runtime::Runtime,
    sim: TradingSim,
    store: Box<dyn Store>,
    _db: TestDb,
}

fn rig(backend: &str, test: &str) -> Rig {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sim = rt.block_on(TradingSim::start(KEY_ID, SECRET));
    let db = TestDb::of(backend, test);
    let mut store = store::open_migrated(&db.url).unwrap();
    store
        .start_session(&NewSession {
            name: SESSION.into(),
            agent_id: "agent".into(),
            config: serde_json::json!({"id": "agent"}),
            engine_version: "test".into(),
            broker: PaperBroker::AlpacaPaper,
            calendar: Calendar::default(),
            timeframe: Timeframe::parse("1m").unwrap(),
        })
        .unwrap();
    Rig {
        rt,
        sim,
        store,
        _db: db,
    }
}

impl Rig {
    fn route(&self) -> BrokerRoute {
        BrokerRoute::new(Box::new(client(&self.sim.base)), SESSION).unwrap()
    }

    /// A route started as the loop starts one: resumed from the stored journal.
    fn resumed(&self) -> BrokerRoute {
        let mut r = self.route();
        r.resume(&self.store.session_journal(SESSION).unwrap())
            .unwrap();
        r
    }

    fn broker_id(&self, cid: &str) -> String {
        let b = client(&self.sim.base);
        self.rt
            .block_on(b.order_by_client_id(cid))
            .unwrap()
            .unwrap_or_else(|| panic!("the broker holds no {cid}"))
            .id
    }

    /// Syncs and stores what changed; the journal as stored.
    fn sync(&mut self, r: &mut BrokerRoute, engine: &Journal) -> Option<Journal> {
        let live = r.sync(engine, now()).unwrap()?;
        self.store.save_session_journal(SESSION, &live).unwrap();
        Some(self.store.session_journal(SESSION).unwrap())
    }
}

fn now() -> UnixNanos {
    testkit::t("2024-03-04T15:00:00Z")
}

fn signal(id: u64, side: OrderSide, reference: &str) -> SignalRecord {
    SignalRecord {
        id,
        symbol: Symbol::lit("SPY"),
        ts: testkit::t("2024-03-04T14:29:00Z"),
        session: None,
        setup: "test:rule".into(),
        side,
        score: None,
        reference_price: Some(Price::lit(reference)),
        features_ref: None,
        filters_passed: vec![].into(),
        filters_blocked: vec![].into(),
        status: SignalStatus::Promoted,
    }
}

/// Engine order `id` (of signal `id`): an exact market order, or a close without `qty`.
fn order(id: u64, side: OrderSide, qty: Option<&str>) -> OrderRecord {
    OrderRecord {
        id,
        signal_id: Some(id),
        parent_id: None,
        symbol: Symbol::lit("SPY"),
        ts: testkit::t("2024-03-04T14:29:00Z"),
        side,
        qty_rule: if qty.is_some() {
            QtyRule::Exact
        } else {
            QtyRule::Close
        },
        quantity: qty.map(Quantity::lit),
        order_type: OrderType::Market,
        limit_price: None,
        stop_price: None,
        legs: vec![].into(),
        time_in_force: TimeInForce::Day,
        reason: "signal".into(),
        payload: None,
    }
}

/// The engine's journal with `orders`, each with its signal at reference price 100.
fn engine(orders: Vec<OrderRecord>) -> Journal {
    Journal {
        signals: orders.iter().map(|o| signal(o.id, o.side, "100")).collect(),
        orders,
        ..Journal::default()
    }
}

fn an_order_is_sent_once_and_its_acceptance_recorded(backend: &str) {
    let mut rig = rig(backend, "route_accept");
    let mut r = rig.route();
    r.resume(&Journal::default()).unwrap();
    let e = engine(vec![order(1, OrderSide::Buy, Some("5"))]);
    let j = rig.sync(&mut r, &e).unwrap();
    assert_eq!(kinds(&j, 1), [K::Submitted, K::Accepted]);
    assert_eq!(rig.sim.submissions("zt-day-1-1"), 1);
    let payload: serde_json::Value =
        serde_json::from_str(j.orders[0].payload.as_deref().unwrap()).unwrap();
    assert_eq!(
        payload,
        serde_json::json!({"symbol": "SPY", "qty": "5", "side": "buy", "type": "market",
            "time_in_force": "day", "client_order_id": "zt-day-1-1"})
    );
    assert_eq!((j.signals.len(), j.orders.len(), j.fills.len()), (1, 1, 0));
    // Nothing new: nothing to store, nothing sent.
    assert_eq!(r.sync(&e, now()).unwrap(), None);
    assert_eq!(rig.sim.submissions("zt-day-1-1"), 1);
}

fn a_partial_fill_then_the_fill_then_a_close_with_its_pnl(backend: &str) {
    let mut rig = rig(backend, "route_fills");
    let mut r = rig.route();
    r.resume(&Journal::default()).unwrap();
    let mut e = engine(vec![order(1, OrderSide::Buy, Some("5"))]);
    rig.sync(&mut r, &e).unwrap();
    let id = rig.broker_id("zt-day-1-1");
    rig.sim.fill(&id, "3", "100.10");
    let j = rig.sync(&mut r, &e).unwrap();
    assert_eq!(
        kinds(&j, 1),
        [K::Submitted, K::Accepted, K::PartiallyFilled]
    );
    assert_eq!(j.fills.len(), 1);
    let f = &j.fills[0];
    assert_eq!(
        (f.order_id, f.action, f.quantity, f.price),
        (1, Action::Buy, Quantity::lit("3"), Price::lit("100.10"))
    );
    assert_eq!((f.pnl, f.slippage), (None, Some(Price::lit("0.10"))));
    // The signal at 14:29, the fill on the broker's clock (14:30:00 + 2 s).
    assert_eq!(f.latency_ns, Some(62_000_000_000));
    rig.sim.fill(&id, "2", "100.20");
    let j = rig.sync(&mut r, &e).unwrap();
    assert_eq!(
        kinds(&j, 1),
        [K::Submitted, K::Accepted, K::PartiallyFilled, K::Filled]
    );
    assert_eq!(j.fills.len(), 2);

    // The engine closes the position: the live quantity is sent.
    e.orders.push(order(2, OrderSide::Sell, None));
    e.signals.push(signal(2, OrderSide::Sell, "101"));
    let j = rig.sync(&mut r, &e).unwrap();
    let sent: serde_json::Value =
        serde_json::from_str(j.orders[1].payload.as_deref().unwrap()).unwrap();
    assert_eq!(
        (sent["qty"].as_str(), sent["side"].as_str()),
        (Some("5"), Some("sell"))
    );
    rig.sim.fill(&rig.broker_id("zt-day-1-2"), "5", "101");
    let j = rig.sync(&mut r, &e).unwrap();
    let close = j.fills.iter().find(|f| f.order_id == 2).unwrap();
    // 5 × 101 − (3 × 100.10 + 2 × 100.20)
    assert_eq!(
        (close.action, close.pnl),
        (Action::Sell, Some(Money::lit("4.3")))
    );
    assert_eq!(j.ledger.len(), 1);
    let trip = &j.ledger[0];
    assert_eq!((trip.entry_order_id, trip.exit_order_id), (1, Some(2)));
    assert_eq!(
        (trip.quantity, trip.pnl),
        (Quantity::lit("5"), Some(Money::lit("4.3")))
    );
}

fn a_rejection_is_recorded_with_the_brokers_message_and_not_resent(backend: &str) {
    let mut rig = rig(backend, "route_reject");
    let mut r = rig.route();
    r.resume(&Journal::default()).unwrap();
    let body = r#"{"code": 40310000, "message": "insufficient buying power"}"#;
    rig.sim
        .fault_next_submit(SubmitFault::Reject(403, body.into()));
    let e = engine(vec![order(1, OrderSide::Buy, Some("1000000"))]);
    let j = rig.sync(&mut r, &e).unwrap();
    assert_eq!(kinds(&j, 1), [K::Rejected]);
    assert_eq!(
        j.order_events[0].reason.as_deref(),
        Some("insufficient buying power")
    );
    assert_eq!(r.sync(&e, now()).unwrap(), None);
    // Nor after a restart.
    let mut again = rig.resumed();
    if let Some(j) = again.sync(&e, now()).unwrap() {
        assert_eq!(j.order_events.len(), 1);
    }
    assert_eq!(
        (
            rig.sim.submissions("zt-day-1-1"),
            rig.sim.held("zt-day-1-1")
        ),
        (1, 0)
    );
    // A close with no live position is refused by the route itself, not sent.
    let mut e2 = e.clone();
    e2.orders.push(order(2, OrderSide::Sell, None));
    let j = rig.sync(&mut again, &e2).unwrap();
    assert_eq!(kinds(&j, 2), [K::Rejected]);
    assert_eq!(rig.sim.submissions("zt-day-1-2"), 0);
}

fn cancel_open_cancels_and_records_it(backend: &str) {
    let mut rig = rig(backend, "route_cancel");
    let mut r = rig.route();
    r.resume(&Journal::default()).unwrap();
    let mut o = order(1, OrderSide::Buy, Some("3"));
    o.order_type = OrderType::Limit;
    o.limit_price = Some(Price::lit("1.5"));
    let e = engine(vec![o, order(2, OrderSide::Buy, Some("1"))]);
    rig.sync(&mut r, &e).unwrap();
    rig.sim.fill(&rig.broker_id("zt-day-1-2"), "1", "100");
    let live = r.cancel_open(now()).unwrap().unwrap();
    rig.store.save_session_journal(SESSION, &live).unwrap();
    let j = rig.store.session_journal(SESSION).unwrap();
    assert_eq!(kinds(&j, 1), [K::Submitted, K::Accepted, K::Canceled]);
    // The other filled before the cancel: its fill is recorded, it stays filled.
    assert_eq!(kinds(&j, 2), [K::Submitted, K::Accepted, K::Filled]);
    assert_eq!(j.fills.len(), 1);
    let deletes = rig
        .sim
        .requests()
        .iter()
        .filter(|q| q.method == "DELETE")
        .count();
    assert_eq!(deletes, 2);
    assert_eq!(r.cancel_open(now()).unwrap(), None);
}

fn a_5xx_on_submit_is_retried_with_the_same_client_order_id(backend: &str) {
    let mut rig = rig(backend, "route_5xx");
    let mut r = rig.route();
    r.resume(&Journal::default()).unwrap();
    rig.sim.fault_next_submit(SubmitFault::Refuse(503));
    let e = engine(vec![order(1, OrderSide::Buy, Some("2"))]);
    let j = rig.sync(&mut r, &e).unwrap();
    assert_eq!(kinds(&j, 1), [K::Submitted, K::Accepted]);
    assert_eq!(
        (
            rig.sim.submissions("zt-day-1-1"),
            rig.sim.held("zt-day-1-1")
        ),
        (2, 1)
    );

    // The client's retries spent: the sync fails with the broker's error, and the next one
    // looks the order up, then sends it.
    for _ in 0..4 {
        rig.sim.fault_next_submit(SubmitFault::Refuse(502));
    }
    let mut e2 = e.clone();
    e2.orders.push(order(2, OrderSide::Buy, Some("1")));
    e2.signals.push(signal(2, OrderSide::Buy, "100"));
    let err = r.sync(&e2, now()).unwrap_err();
    assert!(
        matches!(&err, LiveError::Broker { broker, .. } if broker == "alpaca-paper"),
        "{err}"
    );
    assert_eq!(rig.sim.held("zt-day-1-2"), 0);
    let j = rig.sync(&mut r, &e2).unwrap();
    assert_eq!(kinds(&j, 2), [K::Submitted, K::Accepted]);
    assert_eq!(
        (
            rig.sim.submissions("zt-day-1-2"),
            rig.sim.held("zt-day-1-2")
        ),
        (5, 1)
    );
    let lookups = rig
        .sim
        .requests()
        .iter()
        .filter(|q| q.param("client_order_id") == Some("zt-day-1-2"))
        .count();
    assert!(lookups >= 4, "{lookups}");
}

fn a_restart_does_not_resend_and_records_the_fill_made_while_down(backend: &str) {
    let mut rig = rig(backend, "route_restart");
    let e = engine(vec![
        order(1, OrderSide::Buy, Some("4")),
        order(2, OrderSide::Buy, Some("2")),
    ]);
    {
        let mut r = rig.route();
        r.resume(&Journal::default()).unwrap();
        rig.sync(&mut r, &e).unwrap();
        rig.sim.fill(&rig.broker_id("zt-day-1-1"), "4", "99.5");
        rig.sync(&mut r, &e).unwrap();
    } // killed
    // While down: order 2 fills.
    rig.sim.fill(&rig.broker_id("zt-day-1-2"), "2", "99.75");
    let mut r = rig.resumed();
    let j = rig.sync(&mut r, &e).unwrap();
    assert_eq!(
        (
            rig.sim.submissions("zt-day-1-1"),
            rig.sim.submissions("zt-day-1-2")
        ),
        (1, 1)
    );
    assert_eq!(kinds(&j, 1), [K::Submitted, K::Accepted, K::Filled]);
    assert_eq!(kinds(&j, 2), [K::Submitted, K::Accepted, K::Filled]);
    let fills: Vec<_> = j.fills.iter().map(|f| (f.order_id, f.quantity)).collect();
    assert_eq!(fills, [(1, Quantity::lit("4")), (2, Quantity::lit("2"))]);
    assert_eq!(r.sync(&e, now()).unwrap(), None);
    // The same route resumed again holds only what the record says: nothing doubles.
    r.resume(&rig.store.session_journal(SESSION).unwrap())
        .unwrap();
    if let Some(live) = r.sync(&e, now()).unwrap() {
        assert_eq!((live.fills.len(), live.order_events.len()), (2, 6));
    }
    // Once more, a new route: still once each.
    let mut r = rig.resumed();
    if let Some(live) = r.sync(&e, now()).unwrap() {
        assert_eq!((live.fills.len(), live.order_events.len()), (2, 6));
    }
    assert_eq!(
        (
            rig.sim.submissions("zt-day-1-1"),
            rig.sim.submissions("zt-day-1-2")
        ),
        (1, 1)
    );
}

fn an_acceptance_lost_with_the_process_is_found_after_the_restart(backend: &str) {
    let mut rig = rig(backend, "route_lost_ack");
    let e = engine(vec![order(1, OrderSide::Buy, Some("4"))]);
    rig.sim.fault_next_submit(SubmitFault::HoldThenFail(500));
    {
        let mut r = rig.route();
        r.resume(&Journal::default()).unwrap();
        // Sent, and the process dies before the journal is stored.
        let _ = r.sync(&e, now()).unwrap();
    }
    assert!(
        rig.store
            .session_journal(SESSION)
            .unwrap()
            .order_events
            .is_empty()
    );
    // The restarted engine has its orders back (a resumed session replays its inputs); the
    // record has none of the broker's events.
    let mut r = rig.resumed();
    let j = rig.sync(&mut r, &e).unwrap();
    assert_eq!(kinds(&j, 1), [K::Submitted, K::Accepted]);
    assert_eq!(
        (
            rig.sim.submissions("zt-day-1-1"),
            rig.sim.held("zt-day-1-1")
        ),
        (1, 1)
    );
}
