//! The Alpaca paper broker against a local Trading API built from the recorded bodies
//! (testkit's `alpaca_trading`): accept, a bracket, partial fill then fill, rejections,
//! cancel, a 5xx, a 429 or a lost answer on submit (the order is held once), the account.

mod common;

use std::time::{Duration, Instant};

use common::broker::*;
use common::*;
use domain::journal::{OrderEventKind, OrderSide, OrderType, TimeInForce};
use domain::{Money, Price, Quantity, Symbol};
use providers::broker::OrderClass;
use providers::{AlpacaTrading, Broker, BrokerError, BrokerStatus, Exit, OrderKind, ProviderError};
use testkit::alpaca_trading::{SubmitFault, TradingSim};

#[tokio::test]
async fn accept_then_read_back_by_id_and_by_client_order_id() {
    let (sim, b) = sim().await;
    let o = b.submit(&market("sig-1", "5")).await.unwrap();
    assert_eq!(o.client_order_id, "sig-1");
    assert_eq!(o.symbol, Symbol::lit("SPY"));
    assert_eq!((o.side, o.order_type), (OrderSide::Buy, OrderType::Market));
    assert_eq!(o.time_in_force, TimeInForce::Day);
    assert_eq!(o.qty, Some(Quantity::lit("5")));
    assert_eq!(o.filled_qty, Quantity::ZERO);
    assert_eq!(o.status, BrokerStatus::Accepted);
    assert_eq!(o.status.journal_kind(), Some(OrderEventKind::Accepted));
    assert_eq!(b.order(&o.id).await.unwrap().as_ref(), Some(&o));
    assert_eq!(
        b.order_by_client_id("sig-1").await.unwrap().as_ref(),
        Some(&o)
    );
    assert_eq!(b.order_by_client_id("sig-unknown").await.unwrap(), None);
    assert_eq!(b.order("no-such-order").await.unwrap(), None);
    assert_eq!(b.open_orders().await.unwrap(), vec![o]);
    let sent = posts(&sim);
    assert_eq!(
        sent,
        vec![
            serde_json::json!({"symbol": "SPY", "qty": "5", "side": "buy", "type": "market",
            "time_in_force": "day", "client_order_id": "sig-1"})
        ]
    );
    assert_eq!(sim.submissions("sig-1"), 1);
}

#[tokio::test]
async fn a_bracket_is_sent_with_its_legs_and_read_back_with_them() {
    let (sim, b) = sim().await;
    let mut t = market("sig-br", "10");
    t.kind = OrderKind::Limit(Price::lit("400.5"));
    t.time_in_force = TimeInForce::Gtc;
    t.exit = Some(Exit::Bracket {
        take_profit: Price::lit("410"),
        stop_loss: Price::lit("395.25"),
    });
    let o = b.submit(&t).await.unwrap();
    assert_eq!(o.class, OrderClass::Bracket);
    assert_eq!(o.limit_price, Some(Price::lit("400.5")));
    assert_eq!(o.legs.len(), 2);
    assert_eq!(o.legs[0].limit_price, Some(Price::lit("410")));
    assert_eq!(o.legs[1].stop_price, Some(Price::lit("395.25")));
    assert!(
        o.legs
            .iter()
            .all(|l| l.status == BrokerStatus::Held && l.side == OrderSide::Sell)
    );
    let sent = &posts(&sim)[0];
    assert_eq!(sent["take_profit"]["limit_price"], "410");
    assert_eq!(sent["stop_loss"]["stop_price"], "395.25");
}

#[tokio::test]
async fn a_partial_fill_then_the_fill_are_reported_exactly() {
    let (sim, b) = sim().await;
    let o = b.submit(&market("sig-2", "100")).await.unwrap();
    let first = sim.fill(&o.id, "60", "100.10");
    let part = b.order(&o.id).await.unwrap().unwrap();
    assert_eq!(part.status, BrokerStatus::PartiallyFilled);
    assert_eq!(
        part.status.journal_kind(),
        Some(OrderEventKind::PartiallyFilled)
    );
    assert_eq!(part.filled_qty, Quantity::lit("60"));
    assert_eq!(part.filled_avg_price, Some(Price::lit("100.10")));
    assert!(part.filled_qty < part.qty.unwrap());
    let second = sim.fill(&o.id, "40", "100.20");
    let done = b.order(&o.id).await.unwrap().unwrap();
    assert_eq!(done.status, BrokerStatus::Filled);
    assert_eq!(done.status.journal_kind(), Some(OrderEventKind::Filled));
    assert_eq!(done.filled_qty, Quantity::lit("100"));
    assert_eq!(done.filled_avg_price, Some(Price::lit("100.14")));
    assert!(done.filled_at.is_some());
    assert!(b.open_orders().await.unwrap().is_empty());

    let fills = b.fills(None).await.unwrap();
    let got: Vec<_> = fills
        .iter()
        .map(|f| {
            (
                f.id.as_str(),
                f.order_id.as_str(),
                f.qty,
                f.price,
                f.leaves_qty,
                f.completes,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                first.as_str(),
                o.id.as_str(),
                Quantity::lit("60"),
                Price::lit("100.10"),
                Quantity::lit("40"),
                false
            ),
            (
                second.as_str(),
                o.id.as_str(),
                Quantity::lit("40"),
                Price::lit("100.20"),
                Quantity::ZERO,
                true
            ),
        ]
    );
    assert!(
        fills
            .iter()
            .all(|f| f.symbol == Symbol::lit("SPY") && f.side == OrderSide::Buy)
    );
    // The total the fills add up to is the order's, to the last unit.
    let notional: Money = fills
        .iter()
        .map(|f| f.price.notional(f.qty))
        .fold(Money::ZERO, |a, n| a.checked_add(n).unwrap());
    assert_eq!(
        notional,
        Price::lit("100.14").notional(Quantity::lit("100"))
    );
    // Only the fills after the first one's time.
    let later = b.fills(Some(fills[0].ts)).await.unwrap();
    assert_eq!(later, vec![fills[1].clone()]);
}

#[tokio::test]
async fn insufficient_buying_power_is_a_typed_rejection_not_retried() {
    let (sim, b) = sim().await;
    // Hand-made in the shape of the recorded 422s, with Alpaca's documented 403 code.
    let body = r#"{"code": 40310000, "message": "insufficient buying power"}"#;
    sim.fault_next_submit(SubmitFault::Reject(403, body.into()));
    let e = b.submit(&market("sig-3", "1000000")).await.unwrap_err();
    match &e {
        BrokerError::Rejected {
            request,
            status,
            code,
            message,
        } => {
            assert_eq!((*status, *code), (403, Some(40310000)));
            assert_eq!(message, "insufficient buying power");
            assert_eq!(request.to_string(), format!("POST {}/v2/orders", sim.base));
        }
        other => panic!("not a rejection: {other}"),
    }
    assert!(!e.is_retryable());
    assert_eq!(sim.submissions("sig-3"), 1);
    assert_eq!(sim.held("sig-3"), 0);
}

#[tokio::test]
async fn a_recorded_422_is_a_rejection_with_alpacas_message() {
    let (sim, b) = sim().await;
    let body = fixture("alpaca/trading/post_v2_orders__tradeapi_422_qty_or_notional_required.json");
    sim.fault_next_submit(SubmitFault::Reject(422, String::from_utf8(body).unwrap()));
    let e = b.submit(&market("sig-4", "1")).await.unwrap_err();
    assert!(
        matches!(&e, BrokerError::Rejected { status: 422, code: Some(40010001), message, .. }
            if message == "qty or notional is required"),
        "{e}"
    );
    assert_eq!(sim.submissions("sig-4"), 1);
}

#[tokio::test]
async fn cancel_then_the_order_shows_canceled() {
    let (sim, b) = sim().await;
    let mut t = market("sig-5", "3");
    t.kind = OrderKind::Limit(Price::lit("1.5"));
    let o = b.submit(&t).await.unwrap();
    b.cancel(&o.id).await.unwrap();
    let c = b.order(&o.id).await.unwrap().unwrap();
    assert_eq!(c.status, BrokerStatus::Canceled);
    assert_eq!(c.status.journal_kind(), Some(OrderEventKind::Canceled));
    assert!(c.canceled_at.is_some());
    assert!(b.open_orders().await.unwrap().is_empty());
    // Again (a retried cancel whose answer was lost): already canceled is done.
    b.cancel(&o.id).await.unwrap();
    let deletes = sim
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE")
        .count();
    assert_eq!(deletes, 2);
    // A filled order cannot be canceled: Alpaca's refusal, typed.
    let f = b.submit(&market("sig-6", "1")).await.unwrap();
    sim.fill(&f.id, "1", "10");
    let e = b.cancel(&f.id).await.unwrap_err();
    assert!(
        matches!(&e, BrokerError::Rejected { status: 422, message, .. } if message == "order is not cancelable"),
        "{e}"
    );
    // An unknown order.
    let e = b.cancel("no-such-order").await.unwrap_err();
    assert!(
        matches!(&e, BrokerError::Provider(ProviderError::NotFound { .. })),
        "{e}"
    );
}

#[tokio::test]
async fn a_5xx_on_submit_is_retried_with_the_same_client_order_id_and_held_once() {
    let (sim, b) = sim().await;
    sim.fault_next_submit(SubmitFault::Refuse(503));
    let o = b.submit(&market("sig-7", "2")).await.unwrap();
    assert_eq!(o.client_order_id, "sig-7");
    assert_eq!(sim.submissions("sig-7"), 2);
    assert_eq!(sim.held("sig-7"), 1);
    let sent = posts(&sim);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0], sent[1], "the retry is the same order");
    // Between the two sends, the client looked the order up.
    let paths: Vec<String> = sim
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        paths,
        [
            "POST /v2/orders",
            "GET /v2/orders:by_client_order_id",
            "POST /v2/orders"
        ]
    );
    let lookup = &sim.requests()[1];
    assert_eq!(lookup.param("client_order_id"), Some("sig-7"));
}

#[tokio::test]
async fn a_429_on_submit_waits_out_retry_after() {
    let (sim, b) = sim().await;
    sim.fault_next_submit(SubmitFault::Refuse(429));
    let started = Instant::now();
    let o = b.submit(&market("sig-8", "2")).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(o.client_order_id, "sig-8");
    assert_eq!((sim.submissions("sig-8"), sim.held("sig-8")), (2, 1));
}

#[tokio::test]
async fn a_lost_acceptance_is_found_by_client_order_id_and_not_sent_again() {
    let (sim, b) = sim().await;
    sim.fault_next_submit(SubmitFault::HoldThenFail(500));
    let o = b.submit(&market("sig-9", "4")).await.unwrap();
    assert_eq!(o.client_order_id, "sig-9");
    assert_eq!(o.status, BrokerStatus::Accepted);
    assert_eq!((sim.submissions("sig-9"), sim.held("sig-9")), (1, 1));
}

#[tokio::test]
async fn a_timed_out_submit_is_found_by_client_order_id_and_not_sent_again() {
    let sim = TradingSim::start(KEY_ID, SECRET).await;
    let mut c = config(&sim.base);
    c.http.timeout = Duration::from_millis(300);
    let b = AlpacaTrading::new(c).unwrap();
    sim.fault_next_submit(SubmitFault::HoldThenStall(Duration::from_secs(3)));
    let o = b.submit(&market("sig-10", "4")).await.unwrap();
    assert_eq!(o.client_order_id, "sig-10");
    assert_eq!((sim.submissions("sig-10"), sim.held("sig-10")), (1, 1));
}

#[tokio::test]
async fn a_restarted_submit_of_a_held_order_returns_it_without_a_second_order() {
    let (sim, b) = sim().await;
    let first = b.submit(&market("sig-11", "1")).await.unwrap();
    // A restarted loop that did not see the answer sends the same ticket again.
    let again = broker(&sim.base)
        .submit(&market("sig-11", "1"))
        .await
        .unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(sim.held("sig-11"), 1);
}

#[tokio::test]
async fn submit_gives_up_after_the_retry_budget_with_nothing_held() {
    let (sim, b) = sim().await;
    for _ in 0..4 {
        sim.fault_next_submit(SubmitFault::Refuse(502));
    }
    let e = b.submit(&market("sig-12", "1")).await.unwrap_err();
    assert!(e.is_retryable(), "{e}");
    assert!(
        matches!(
            &e,
            BrokerError::Provider(ProviderError::Unavailable { attempts: 4, .. })
        ),
        "{e}"
    );
    assert_eq!((sim.submissions("sig-12"), sim.held("sig-12")), (4, 0));
}

#[tokio::test]
async fn the_account_is_read_exactly() {
    let (_sim, b) = sim().await;
    let a = b.account().await.unwrap();
    assert_eq!(a.cash, Money::lit("-23140.2"));
    assert_eq!(a.equity, Money::lit("103820.56"));
    assert_eq!(a.buying_power, Money::lit("262113.632"));
    assert_eq!(a.currency, "USD");
    assert!(!a.trading_blocked);
}
