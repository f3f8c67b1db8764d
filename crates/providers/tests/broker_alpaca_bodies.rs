//! The Alpaca paper broker against the recorded bodies themselves, served as they are (or
//! broken on purpose): the captured order and activity pages, malformed bodies, keys that stay
//! on the configured host, and the configuration.

mod common;

use common::broker::*;
use common::*;
use domain::journal::{OrderSide, OrderType};
use domain::{Price, Quantity, Symbol};
use providers::broker::OrderClass;
use providers::{AlpacaTradingConfig, Broker, BrokerError, BrokerStatus, ProviderError};
use testkit::alpaca_trading::TradingSim;

#[tokio::test]
async fn the_captured_order_body_is_read_field_by_field() {
    let mock = Mock::start(vec![Reply::fixture(
        "alpaca/trading/post_v2_orders__tradeapi_limit_order_spy.json",
    )])
    .await;
    let o = broker(&mock.base)
        .order("fb61d316-2179-4df2-8b28-eb026c0dd78e")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(o.id, "fb61d316-2179-4df2-8b28-eb026c0dd78e");
    assert_eq!(o.client_order_id, "6de7d1b2-f772-4a0d-8c15-bacea15eb29e");
    assert_eq!(o.symbol, Symbol::lit("SPY"));
    assert_eq!(o.order_type, OrderType::Limit);
    assert_eq!(o.class, OrderClass::Simple);
    assert_eq!(o.limit_price, Some(Price::lit("400")));
    assert_eq!(o.qty, Some(Quantity::lit("1")));
    assert_eq!(o.created_at, t("2021-04-07T18:25:30.812371Z"));
    assert_eq!(o.submitted_at, Some(t("2021-04-07T18:25:30.803178Z")));
    assert_eq!(o.status, BrokerStatus::Accepted);
    assert!(o.legs.is_empty());
    assert_eq!(
        mock.seen()[0].path,
        "/v2/orders/fb61d316-2179-4df2-8b28-eb026c0dd78e"
    );
}

#[tokio::test]
async fn captured_activity_pages_are_followed_by_page_token_and_only_fills_kept() {
    let dir = "alpaca/trading/get_v2_account_activities__pr324_paginated";
    let mock = Mock::start(vec![
        Reply::fixture(&format!("{dir}_p1.json")),
        Reply::fixture(&format!("{dir}_p2.json")),
        Reply::fixture(&format!("{dir}_p3.json")),
    ])
    .await;
    let fills = broker(&mock.base).fills(None).await.unwrap();
    assert_eq!(fills.len(), 1);
    let f = &fills[0];
    assert_eq!(
        f.id,
        "20220304095318500::092cd749-b783-49cb-a36e-4d8666be201f"
    );
    assert_eq!(f.order_id, "b677e464-c2d0-4fdd-a4b1-8830b386aa50");
    assert_eq!((f.symbol.as_str(), f.side), ("GOOGL", OrderSide::Buy));
    assert_eq!(
        (f.qty, f.price),
        (Quantity::lit("9"), Price::lit("2630.95"))
    );
    assert_eq!(f.ts, t("2022-03-04T14:53:18.500245Z"));
    assert!(f.completes);
    let seen = mock.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].path, "/v2/account/activities/FILL");
    assert_eq!(seen[0].param("page_token"), None);
    assert_eq!(
        seen[1].param("page_token"),
        Some("20220419000000000::f77b60bf-ea39-4551-a3d6-000548e6f11c")
    );
    assert_eq!(
        seen[2].param("page_token"),
        Some("20190801011955195::5f596936-6f23-4cef-bdf1-3806aae57dbf")
    );
}

#[tokio::test]
async fn a_page_token_that_does_not_advance_is_an_error_not_a_loop() {
    let page = "alpaca/trading/get_v2_account_activities__pr646_get_account_activities.json";
    let mock = Mock::start(vec![Reply::fixture(page), Reply::fixture(page)]).await;
    let e = broker(&mock.base).fills(None).await.unwrap_err();
    assert!(e.to_string().contains("did not advance"), "{e}");
    assert_eq!(mock.seen().len(), 2);
}

/// The captured order with `field` set to `value`.
fn captured_with(field: &str, value: serde_json::Value) -> Reply {
    let mut o = fixture_json("alpaca/trading/post_v2_orders__tradeapi_limit_order_spy.json");
    o[field] = value;
    Reply::json(o.to_string())
}

#[tokio::test]
async fn a_malformed_body_is_an_error_naming_the_request_and_the_field() {
    let cases = [
        (captured_with("filled_qty", "1.2.3".into()), "filled_qty"),
        (captured_with("limit_price", "-".into()), "limit_price"),
        (captured_with("status", "teleported".into()), "status"),
        (captured_with("side", "sideways".into()), "side"),
        (
            captured_with("created_at", "yesterday".into()),
            "created_at",
        ),
        // The SDK's hand-written template has a stray backtick in its symbol.
        (
            Reply::fixture("alpaca/trading/get_v2_orders_ORDER_ID__get_order_by_id.json"),
            "symbol",
        ),
        (Reply::json(r#"{"id": "x", "status": "new""#), "EOF"),
        (Reply::json("42"), "invalid type"),
    ];
    for (reply, field) in cases {
        let mock = Mock::start(vec![reply]).await;
        let e = broker(&mock.base).order("abc").await.unwrap_err();
        let text = e.to_string();
        assert!(
            matches!(&e, BrokerError::Provider(ProviderError::Malformed { .. })),
            "{text}"
        );
        assert!(
            text.contains(&format!("GET {}/v2/orders/abc", mock.base)),
            "{text}"
        );
        assert!(text.contains(field), "{field}: {text}");
    }
    // The submit's own answer, malformed: the error names the POST.
    let mock = Mock::start(vec![captured_with("qty", "one".into())]).await;
    let e = broker(&mock.base)
        .submit(&market("sig-13", "1"))
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains(&format!("POST {}/v2/orders", mock.base)),
        "{e}"
    );
    assert!(e.to_string().contains("qty"), "{e}");
}

#[tokio::test]
async fn keys_go_only_to_the_configured_host() {
    let (sim, b) = sim().await;
    b.account().await.unwrap();
    let r = &sim.requests()[0];
    assert_eq!(r.headers["apca-api-key-id"], KEY_ID);
    assert_eq!(r.headers["apca-api-secret-key"], SECRET);

    // A submit redirected elsewhere: not followed, the other host sees nothing.
    let elsewhere = Mock::start(vec![]).await;
    let mock = Mock::start(vec![
        Reply::status(307, "").header("location", format!("{}/v2/orders", elsewhere.base)),
    ])
    .await;
    let e = broker(&mock.base)
        .submit(&market("sig-14", "1"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &e,
            BrokerError::Provider(ProviderError::Redirected { status: 307, .. })
        ),
        "{e}"
    );
    assert!(elsewhere.seen().is_empty());
    assert_eq!(mock.seen().len(), 1, "a redirect is not retried");

    // A server that echoes the secret into a rejection: the message shows it redacted.
    let echo = format!(r#"{{"code": 40010001, "message": "bad key {SECRET}"}}"#);
    let mock = Mock::start(vec![Reply::status(422, &echo)]).await;
    let e = broker(&mock.base)
        .submit(&market("sig-15", "1"))
        .await
        .unwrap_err();
    assert!(matches!(&e, BrokerError::Rejected { .. }), "{e}");
    assert!(!format!("{e} {e:?}").contains(SECRET), "{e:?}");
    assert!(!format!("{:?}", config(&mock.base)).contains(SECRET));
}

#[tokio::test]
async fn wrong_keys_are_an_auth_error_not_a_rejection() {
    let sim = TradingSim::start(KEY_ID, "another-secret").await;
    let e = broker(&sim.base)
        .submit(&market("sig-16", "1"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &e,
            BrokerError::Provider(ProviderError::Auth { status: 401, .. })
        ),
        "{e}"
    );
}

#[test]
fn config_reads_keys_and_the_trading_url_from_the_lookup() {
    let env = |url: Option<&'static str>| {
        move |k: &str| match k {
            "APCA_API_KEY_ID" => Some(KEY_ID.to_owned()),
            "APCA_API_SECRET_KEY" => Some(SECRET.to_owned()),
            "ZTRADE_ALPACA_TRADING_URL" => url.map(str::to_owned),
            _ => None,
        }
    };
    let c = AlpacaTradingConfig::from_lookup(env(None)).unwrap();
    assert_eq!(c.base_url.as_str(), "https://paper-api.alpaca.markets/");
    assert_eq!(c.credentials.key_id.expose(), KEY_ID);
    let c = AlpacaTradingConfig::from_lookup(env(Some("http://127.0.0.1:9/proxy"))).unwrap();
    assert_eq!(c.base_url.as_str(), "http://127.0.0.1:9/proxy");
    let e = AlpacaTradingConfig::from_lookup(env(Some("ftp://x"))).unwrap_err();
    assert!(e.to_string().contains("ZTRADE_ALPACA_TRADING_URL"), "{e}");
    let e = AlpacaTradingConfig::from_lookup(|_| None).unwrap_err();
    assert!(e.to_string().contains("APCA_API_KEY_ID"), "{e}");
}
