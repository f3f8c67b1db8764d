//! The drift report on tiny hand-made journals whose answers can be worked out by hand.
//!
//! The base session (2024-07-01, EDT, open 13:30 UTC): a signal at 09:40 buys 100 shares,
//! filled at 100.00 in the next bar; a signal at 11:10 sells them, filled at 101.00. Fees are
//! 1.00 a fill, so the realized P&L net of fees is 100 − 2 = 98.

use std::sync::Arc;

use analytics::drift::{
    BarField, Decision, DriftInput, DriftReport, TimeOfDay, bar_revisions, calibrate, drift_report,
    execution_drift, realized_pnl,
};
use domain::journal::{
    AccountSnapshot, Journal, JournalFill, OrderRecord, OrderSide, OrderType, QtyRule,
    SignalRecord, SignalStatus, TimeInForce,
};
use domain::time::{NANOS_PER_DAY, NANOS_PER_MINUTE};
use domain::{Action, Bar, Money, Price, Quantity, Symbol, UnixNanos};

/// `m` minutes after the open of 2024-07-01.
fn t(m: i64) -> UnixNanos {
    UnixNanos::parse_rfc3339("2024-07-01T13:30:00Z")
        .unwrap()
        .plus(m * NANOS_PER_MINUTE)
}

fn money(s: &str) -> Money {
    Money::lit(s)
}

fn signal(id: u64, ts: UnixNanos, side: OrderSide, status: SignalStatus) -> SignalRecord {
    SignalRecord {
        id,
        symbol: Symbol::lit("SPY"),
        ts,
        session: None,
        setup: Arc::from("sma_crossover:cross"),
        side,
        score: None,
        reference_price: None,
        features_ref: None,
        filters_passed: Arc::from(Vec::new()),
        filters_blocked: Arc::from(Vec::new()),
        status,
    }
}

fn order(id: u64, ts: UnixNanos, side: OrderSide, qty_rule: QtyRule) -> OrderRecord {
    OrderRecord {
        id,
        signal_id: Some(id),
        parent_id: None,
        symbol: Symbol::lit("SPY"),
        ts,
        side,
        qty_rule,
        quantity: None,
        order_type: OrderType::Market,
        limit_price: None,
        stop_price: None,
        legs: Arc::from(Vec::new()),
        time_in_force: TimeInForce::Gtc,
        reason: "signal".into(),
        payload: None,
    }
}

fn fill(
    order_id: u64,
    ts: UnixNanos,
    action: Action,
    price: &str,
    pnl: Option<&str>,
) -> JournalFill {
    JournalFill {
        order_id,
        ts,
        symbol: Symbol::lit("SPY"),
        action,
        quantity: Quantity::from_int(100),
        price: Price::lit(price),
        fee: money("1"),
        pnl: pnl.map(money),
        slippage: None,
        latency_ns: Some(NANOS_PER_MINUTE),
        reason: "signal".into(),
    }
}

/// Session closes on consecutive days with these equities.
fn snapshots(equities: &[&str]) -> Vec<AccountSnapshot> {
    equities
        .iter()
        .enumerate()
        .map(|(d, e)| AccountSnapshot {
            ts: t(390).plus(d as i64 * NANOS_PER_DAY),
            cash: money(e),
            equity: money(e),
            unrealized: Money::ZERO,
            realized: Money::ZERO,
        })
        .collect()
}

fn base() -> Journal {
    Journal {
        signals: vec![
            signal(1, t(10), OrderSide::Buy, SignalStatus::Promoted),
            signal(2, t(100), OrderSide::Sell, SignalStatus::Promoted),
        ],
        orders: vec![
            order(1, t(10), OrderSide::Buy, QtyRule::Sized),
            order(2, t(100), OrderSide::Sell, QtyRule::Close),
        ],
        fills: vec![
            fill(1, t(11), Action::Buy, "100", None),
            fill(2, t(101), Action::Sell, "101", Some("100")),
        ],
        snapshots: snapshots(&["100000", "100098", "100050", "100200"]),
        ..Journal::default()
    }
}

fn report(live: &Journal, replay: &Journal, now: Option<&Journal>) -> DriftReport {
    drift_report(&DriftInput {
        live,
        replay,
        replay_now: now,
        revisions: &[],
    })
}

#[test]
fn identical_journals_have_no_drift() {
    let j = base();
    assert_eq!(realized_pnl(&j), money("98"));
    let r = report(&j, &j, Some(&j));
    assert!(r.decision.is_zero(), "{:?}", r.decision);
    assert_eq!(r.execution.fills.len(), 2);
    assert_eq!(
        (r.execution.live_only_fills, r.execution.replay_only_fills),
        (0, 0)
    );
    assert_eq!(r.execution.fill_rate_difference, Some(0.0));
    assert_eq!(r.execution.mean_latency_difference_ns, Some(0.0));
    let totals = r.totals;
    for part in [
        totals.execution,
        totals.unmatched,
        totals.residual,
        totals.data,
    ] {
        assert_eq!(part, Money::ZERO);
    }
    assert_eq!(totals.live, totals.replay);
    assert!(totals.add_up());
    let corr = r.daily_returns_correlation.expect("three daily returns");
    assert!((corr - 1.0).abs() < 1e-12, "{corr}");

    let mut one_day = base();
    one_day.snapshots.truncate(1);
    assert_eq!(
        report(&one_day, &one_day, None).daily_returns_correlation,
        None
    );
}

#[test]
fn first_diverging_event_names_the_other_decision() {
    let live = base();
    let mut replay = base();
    // The replay blocks the exit at 11:10: no order 2, no fill 2.
    replay.signals[1].status = SignalStatus::Blocked;
    replay.orders.truncate(1);
    replay.fills.truncate(1);
    let r = report(&live, &replay, None);

    let first = r.decision.first.as_ref().expect("a divergence");
    assert_eq!(first.ts, t(100));
    match (&first.live, &first.replay) {
        (
            Some(Decision::Signal {
                status: l,
                side: OrderSide::Sell,
                ..
            }),
            Some(Decision::Signal { status: p, .. }),
        ) => assert_eq!((*l, *p), (SignalStatus::Promoted, SignalStatus::Blocked)),
        other => panic!("expected two signals, got {other:?}"),
    }
    assert_eq!(r.decision.diverging_signals, 1);
    assert_eq!(r.decision.diverging_orders, 1);

    // The live-only exit explains the whole difference (101 − 100) × 100 − 1.
    assert_eq!(r.execution.live_only_fills, 1);
    assert_eq!(r.totals.unmatched, money("99"));
    assert_eq!(r.totals.live - r.totals.replay, money("99"));
    assert_eq!(r.totals.residual, Money::ZERO);
    assert!(r.totals.add_up());
}

#[test]
fn an_order_that_differs_only_in_quantity_diverges_at_its_time() {
    let live = base();
    let mut replay = base();
    replay.orders[0].quantity = Some(Quantity::from_int(50));
    let r = report(&live, &replay, None);
    let first = r.decision.first.expect("a divergence");
    assert_eq!(first.ts, t(10));
    assert!(matches!(first.replay, Some(Decision::Order { id: 1, .. })));
    assert_eq!(
        (r.decision.diverging_signals, r.decision.diverging_orders),
        (0, 1)
    );
}

fn bar(m: i64, close: &str, volume: i64) -> Bar {
    let c = Price::lit(close);
    Bar::new(t(m), c, c, c, c, Quantity::from_int(volume), None, None).unwrap()
}

#[test]
fn revised_bars_are_listed_and_explain_the_replay_difference() {
    let spy = Symbol::lit("SPY");
    let recorded: Vec<(Symbol, Bar)> = [
        bar(99, "100.9", 500),
        bar(100, "101", 700),
        bar(101, "101", 900),
    ]
    .into_iter()
    .map(|b| (spy.clone(), b))
    .collect();
    let mut current = recorded.clone();
    current[1].1 = bar(100, "101.5", 700); // the close revised
    current[2].1 = bar(101, "101", 950); // the volume revised
    let revisions = bar_revisions(&recorded, &current);
    assert_eq!(revisions.len(), 2);
    assert_eq!((revisions[0].ts, revisions[1].ts), (t(100), t(101)));
    assert_eq!(
        revisions[0].changed,
        [
            BarField::Open,
            BarField::High,
            BarField::Low,
            BarField::Close
        ]
    );
    assert_eq!(revisions[1].changed, [BarField::Volume]);

    // Over the revised bars the exit fills at 101.50: 50 more.
    let (live, replay) = (base(), base());
    let mut now = base();
    now.fills[1].price = Price::lit("101.5");
    now.fills[1].pnl = Some(money("150"));
    let r = drift_report(&DriftInput {
        live: &live,
        replay: &replay,
        replay_now: Some(&now),
        revisions: &revisions,
    });
    assert_eq!(r.data.revised_bars, 2);
    assert_eq!(r.data.revisions, revisions);
    assert_eq!(r.data.pnl, money("50"));
    assert_eq!(r.totals.replay_now, Some(money("148")));
    assert!(r.totals.add_up());
    assert_eq!(
        r.totals.live - r.totals.replay_now.unwrap(),
        r.totals.execution + r.totals.unmatched + r.totals.residual - r.totals.data
    );
}

#[test]
fn late_and_vanished_bars_are_revisions_without_fields() {
    let spy = Symbol::lit("SPY");
    let recorded = vec![(spy.clone(), bar(1, "10", 1))];
    let current = vec![(spy.clone(), bar(2, "10", 1))];
    let r = bar_revisions(&recorded, &current);
    assert_eq!(r.len(), 2);
    assert!(r[0].recorded.is_some() && r[0].current.is_none());
    assert!(r[1].recorded.is_none() && r[1].current.is_some());
    assert!(r.iter().all(|x| x.changed.is_empty()));
    assert!(bar_revisions(&recorded, &recorded).is_empty());
}

#[test]
fn a_worse_live_buy_is_execution_drift_and_the_totals_add_up() {
    let replay = base();
    let mut live = base();
    // Live bought 0.05 higher, so its exit made 5 less.
    live.fills[0].price = Price::lit("100.05");
    live.fills[1].pnl = Some(money("95"));
    live.fills[0].latency_ns = Some(3 * NANOS_PER_MINUTE);
    let r = report(&live, &replay, None);

    let buy = &r.execution.fills[0];
    assert_eq!(buy.slippage, money("5"));
    assert_eq!(buy.pnl, money("-5"));
    assert_eq!(buy.latency_difference_ns, Some(2 * NANOS_PER_MINUTE));
    assert!((buy.slippage_bps.unwrap() - 5.0).abs() < 1e-9);
    assert_eq!(r.execution.fills[1].slippage, Money::ZERO);
    assert_eq!(r.execution.pnl, money("-5"));
    assert_eq!(r.totals.execution, money("-5"));
    assert_eq!(r.totals.live, money("93"));
    assert_eq!(r.totals.residual, Money::ZERO);
    assert!(r.totals.add_up());
    assert!(r.decision.is_zero());
}

#[test]
fn selling_or_shorting_lower_is_worse() {
    let mut replay = base();
    replay.fills[0].action = Action::Short;
    replay.fills[0].price = Price::lit("50");
    let mut live = replay.clone();
    live.fills[0].price = Price::lit("49.95");
    live.fills[1].price = Price::lit("101.02"); // a sell 0.02 higher is better
    let d = execution_drift(&live, &replay);
    assert_eq!(d.fills[0].slippage, money("5"));
    assert_eq!(d.fills[1].slippage, money("-2"));
    assert_eq!(d.pnl, money("-3"));
}

#[test]
fn fills_that_do_not_match_by_order_symbol_and_action_are_one_sided() {
    let replay = base();
    let mut live = base();
    live.fills[1].action = Action::Short; // same order id, another action
    let d = execution_drift(&live, &replay);
    assert_eq!(d.fills.len(), 1);
    assert_eq!((d.live_only_fills, d.replay_only_fills), (1, 1));
    assert_eq!(d.unmatched_pnl, Money::ZERO); // same pnl and fee on both sides
}

#[test]
fn calibration_gives_the_median_bps_by_time_of_day() {
    // Model price 100 everywhere; live worse by these amounts at these minutes after the open.
    let cases = [
        (5, "0.01"),    // open: 1 bps
        (10, "0.02"),   // open: 2 bps
        (20, "0.03"),   // open: 3 bps
        (150, "0.10"),  // midday: 10 bps
        (200, "-0.02"), // midday: −2 bps
        (375, "0.05"),  // close: 5 bps
    ];
    let mut replay = Journal::default();
    let mut live = Journal::default();
    for (i, (m, worse)) in cases.iter().enumerate() {
        let id = i as u64 + 1;
        let model = fill(id, t(*m), Action::Buy, "100", None);
        let mut real = model.clone();
        real.price = model.price + Price::lit(worse);
        replay.fills.push(model);
        live.fills.push(real);
    }
    let cal = calibrate(&execution_drift(&live, &replay).fills);
    let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-9);
    assert_eq!(cal.overall.fills, 6);
    assert!(close(cal.overall.median_bps, 2.5), "{:?}", cal.overall); // −2 1 [2 3] 5 10
    let bucket = |b: TimeOfDay| cal.by_time_of_day.iter().find(|(t, _)| *t == b).unwrap().1;
    assert_eq!(bucket(TimeOfDay::Open).fills, 3);
    assert!(close(bucket(TimeOfDay::Open).median_bps, 2.0));
    assert_eq!(bucket(TimeOfDay::Midday).fills, 2);
    assert!(close(bucket(TimeOfDay::Midday).median_bps, 4.0));
    assert_eq!(bucket(TimeOfDay::Close).fills, 1);
    assert!(close(bucket(TimeOfDay::Close).median_bps, 5.0));
    assert_eq!(bucket(TimeOfDay::Outside).fills, 0);
    assert_eq!(bucket(TimeOfDay::Outside).median_bps, None);
}

#[test]
fn the_report_serializes_to_json_with_exact_money() {
    let replay = base();
    let mut live = base();
    live.fills[0].price = Price::lit("100.05");
    live.fills[1].pnl = Some(money("95"));
    live.signals[1].side = OrderSide::Buy;
    let r = report(&live, &replay, None);
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["totals"]["execution"], serde_json::json!("-5"));
    assert_eq!(
        v["execution"]["fills"][0]["slippage"],
        serde_json::json!("5")
    );
    assert_eq!(
        v["decision"]["first"]["live"]["kind"],
        serde_json::json!("signal")
    );
    assert_eq!(
        v["calibration"]["by_time_of_day"][0][0],
        serde_json::json!("open")
    );
    let back: DriftReport = serde_json::from_value(v).unwrap();
    assert_eq!(back.totals, r.totals);
    assert_eq!(back.decision, r.decision);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A closed round trip of 100 shares at these prices (in cents) and fees (in cents).
    fn round_trip(long: bool, entry: i64, exit: i64, fees: (i64, i64)) -> Journal {
        let cents = |c: i64| Price::from_raw(c * 10_000_000);
        let (open, close) = if long {
            (Action::Buy, Action::Sell)
        } else {
            (Action::Short, Action::Cover)
        };
        let gain = if long { exit - entry } else { entry - exit };
        let mut j = base();
        j.fills[0].action = open;
        j.fills[0].price = cents(entry);
        j.fills[0].fee = Money::from_price(cents(fees.0));
        j.fills[1].action = close;
        j.fills[1].price = cents(exit);
        j.fills[1].fee = Money::from_price(cents(fees.1));
        j.fills[1].pnl = Some(cents(gain).notional(Quantity::from_int(100)));
        j
    }

    proptest! {
        /// On closed round trips with the model's quantities, execution drift explains the
        /// whole difference between live and replay, to the unit.
        #[test]
        fn execution_explains_closed_round_trips(
            long in any::<bool>(),
            entry in 1_000i64..20_000,
            exit in 1_000i64..20_000,
            slip in (-50i64..50, -50i64..50),
            fees in (0i64..500, 0i64..500, 0i64..500, 0i64..500),
        ) {
            let replay = round_trip(long, entry, exit, (fees.0, fees.1));
            let live = round_trip(long, entry + slip.0, exit + slip.1, (fees.2, fees.3));
            let r = report(&live, &replay, None);
            prop_assert!(r.totals.add_up());
            prop_assert_eq!(r.totals.residual, Money::ZERO);
            prop_assert_eq!(r.totals.unmatched, Money::ZERO);
            prop_assert_eq!(r.totals.live - r.totals.replay, r.totals.execution);
            prop_assert!(r.decision.is_zero());
        }
    }
}
