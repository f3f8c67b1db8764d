//! Polygon against a local server replaying real fixture pages: `next_url` pagination with the
//! key added again, both ways of sending the key, and the records returned.

mod common;

use common::*;
use domain::{OptionRight, Price, Quantity, SentimentLabel, Symbol, Timeframe};
use providers::{
    Adjustment, BarsRequest, Cursor, Issue, NewsRequest, OptionChainRequest, PolygonAuth,
    PolygonClient, Provider, ProviderError, TicksRequest,
};

#[tokio::test]
async fn quotes_follow_next_url_and_add_the_key_again() {
    let mock = Mock::start(vec![
        Reply::fixture("polygon/v3_quotes_AAPL.json"),
        Reply::fixture("polygon/v3_quotes_AAPL__page2.json"),
    ])
    .await;
    let client = polygon(&mock);
    let mut req = TicksRequest::new(
        vec![Symbol::lit("AAPL")],
        t("2022-05-10T14:00:00Z"),
        t("2022-05-10T15:00:00Z"),
    );
    req.limit = Some(10);
    let p1 = client.fetch_quotes(&req, None).await.unwrap();
    // The cursor keeps the path and query of next_url, never the host or a key.
    let cursor = p1.next.clone().unwrap();
    assert_eq!(
        cursor.as_str(),
        "/v3/quotes/AAPL?cursor=YXA9MTkyODgxNjYmYXM9JmxpbWl0PTEwJm9yZGVyPWRlc2Mmc29ydD10aW1lc3RhbXAmdGltZXN0YW1wLmx0ZT0yMDIyLTA1LTEwVDE0JTNBMTElM0ExMi42OTA2NjExODla"
    );
    let p2 = client.fetch_quotes(&req, Some(&cursor)).await.unwrap();
    assert!(p2.is_last());

    let seen = mock.seen();
    assert_eq!(seen[0].path, "/v3/quotes/AAPL");
    assert_eq!(
        seen[0].param_names(),
        [
            "apiKey",
            "limit",
            "order",
            "sort",
            "timestamp.gte",
            "timestamp.lt"
        ]
    );
    assert_eq!(seen[0].param("apiKey"), Some(POLY_KEY));
    assert_eq!(seen[0].param("timestamp.gte"), Some("1652191200000000000"));
    assert_eq!(seen[0].param("timestamp.lt"), Some("1652194800000000000"));
    assert_eq!(seen[0].param("order"), Some("asc"));
    assert_eq!(seen[0].param("sort"), Some("timestamp"));
    assert_eq!(seen[0].param("limit"), Some("10"));
    assert_eq!(seen[0].header("authorization"), None);
    // Page 2 is exactly next_url's path and query, re-based on our server, plus the key.
    assert_eq!(seen[1].path, "/v3/quotes/AAPL");
    assert_eq!(seen[1].param_names(), ["apiKey", "cursor"]);
    assert_eq!(seen[1].param("apiKey"), Some(POLY_KEY));

    assert_eq!((p1.items.len(), p2.items.len()), (10, 10));
    let (sym, q) = &p1.items[0];
    assert_eq!(sym.as_str(), "AAPL");
    assert_eq!(q.ts.as_i64(), 1_652_191_872_800_638_700);
    assert_eq!((q.bid, q.ask), (Price::lit("155.85"), Price::lit("155.87")));
    assert_eq!(
        (q.bid_size, q.ask_size),
        (Quantity::from_int(4), Quantity::from_int(3))
    );
    assert_eq!(
        (q.bid_exchange.as_str(), q.ask_exchange.as_str()),
        ("19", "15")
    );
    assert_eq!(p2.items[9].1.ts.as_i64(), 1_652_191_872_663_407_429);
}

#[tokio::test]
async fn bearer_header_instead_of_query_key() {
    let mock = Mock::start(vec![
        Reply::fixture("polygon/v3_quotes_AAPL.json"),
        Reply::fixture("polygon/v3_quotes_AAPL__page2.json"),
    ])
    .await;
    let client = PolygonClient::new(polygon_config(&mock, PolygonAuth::BearerHeader)).unwrap();
    let req = TicksRequest::new(vec![Symbol::lit("AAPL")], t("2022-05-10"), t("2022-05-11"));
    let p1 = client.fetch_quotes(&req, None).await.unwrap();
    client.fetch_quotes(&req, p1.next.as_ref()).await.unwrap();
    for s in mock.seen() {
        assert_eq!(
            s.header("authorization"),
            Some(format!("Bearer {POLY_KEY}").as_str())
        );
        assert_eq!(s.param("apiKey"), None);
    }
}

#[tokio::test]
async fn a_cursor_from_another_endpoint_is_refused() {
    let mock = Mock::start(vec![]).await;
    let req = TicksRequest::new(vec![Symbol::lit("AAPL")], t("2022-05-10"), t("2022-05-11"));
    for foreign in [
        "/v3/trades/AAPL?cursor=abc",
        "/v3/quotes/AAPLX?cursor=abc",
        "/v3/quotes",
    ] {
        let c = Cursor::new(foreign);
        let e = polygon(&mock)
            .fetch_quotes(&req, Some(&c))
            .await
            .unwrap_err();
        assert!(
            matches!(e, ProviderError::InvalidRequest(_)),
            "{foreign}: {e}"
        );
    }
    assert!(mock.seen().is_empty());
}

#[tokio::test]
async fn daily_aggregates_path_and_midnight_stamps() {
    let mock = Mock::start(vec![Reply::fixture(
        "polygon/v2_aggs_ticker_AAPL_range_1_day_2005-04-01_2005-04-04.json",
    )])
    .await;
    let mut req = BarsRequest::new(
        vec![Symbol::lit("AAPL")],
        Timeframe::D1,
        t("2005-04-01"),
        t("2005-04-05"),
    );
    req.adjustment = Adjustment::Split;
    let page = polygon(&mock).fetch_bars(&req, None).await.unwrap();
    let s = &mock.seen()[0];
    assert_eq!(
        s.path,
        "/v2/aggs/ticker/AAPL/range/1/day/2005-04-01/2005-04-04"
    );
    assert_eq!(s.param_names(), ["adjusted", "apiKey", "limit", "sort"]);
    assert_eq!(s.param("adjusted"), Some("true"));
    assert_eq!(s.param("sort"), Some("asc"));
    assert_eq!(s.param("limit"), Some("50000"));
    assert!(page.is_last());
    let stamps: Vec<String> = page.items.iter().map(|(_, b)| b.ts.to_rfc3339()).collect();
    // t = 1112331600000 ms is midnight New York; daily bars are keyed by exchange date.
    assert_eq!(stamps, ["2005-04-01T00:00:00Z", "2005-04-04T00:00:00Z"]);
    let b = &page.items[0].1;
    assert_eq!(b.open, Price::lit("1.5032"));
    assert_eq!(b.volume, Quantity::from_int(642_646_396));
    assert_eq!(b.vwap, Some(Price::lit("1.469")));
    assert_eq!(b.trade_count, Some(82_132));
}

#[tokio::test]
async fn aggregates_follow_next_url_with_moved_bounds() {
    // No aggregates fixture has next_url; Polygon's moves `from` past the last bar returned.
    let mut p1 = fixture_json("polygon/v2_aggs_ticker_AAPL_range_1_day_2005-04-01_2005-04-04.json");
    p1["next_url"] = serde_json::json!(
        "https://api.polygon.io/v2/aggs/ticker/AAPL/range/1/day/1112587200001/1112673599999?cursor=bGltaXQ9MiZzb3J0PWFzYw"
    );
    let mock = Mock::start(vec![
        Reply::json(p1.to_string()),
        Reply::json(
            r#"{"ticker":"AAPL","queryCount":0,"resultsCount":0,"adjusted":false,"status":"OK"}"#,
        ),
    ])
    .await;
    let client = polygon(&mock);
    let req = BarsRequest::new(
        vec![Symbol::lit("AAPL")],
        Timeframe::D1,
        t("2005-04-01"),
        t("2005-04-06"),
    );
    let page = client.fetch_bars(&req, None).await.unwrap();
    let last = client.fetch_bars(&req, page.next.as_ref()).await.unwrap();
    assert!(last.items.is_empty() && last.is_last());
    let s = &mock.seen()[1];
    assert_eq!(
        s.path,
        "/v2/aggs/ticker/AAPL/range/1/day/1112587200001/1112673599999"
    );
    assert_eq!(s.param_names(), ["apiKey", "cursor"]);
    assert_eq!(s.param("cursor"), Some("bGltaXQ9MiZzb3J0PWFzYw"));
    // A cursor for another timeframe's aggregates does not continue this request.
    let mut other = req.clone();
    other.timeframe = Timeframe::H1;
    let e = client
        .fetch_bars(&other, page.next.as_ref())
        .await
        .unwrap_err();
    assert!(matches!(e, ProviderError::InvalidRequest(_)), "{e}");
}

#[tokio::test]
async fn minute_aggregates_use_millisecond_bounds_and_refuse_dividend_adjustment() {
    let mock = Mock::start(vec![Reply::json(
        r#"{"ticker":"AAPL","queryCount":0,"resultsCount":0,"adjusted":false,"status":"OK","request_id":"x"}"#,
    )])
    .await;
    let client = polygon(&mock);
    let mut req = BarsRequest::new(
        vec![Symbol::lit("AAPL")],
        Timeframe::M5,
        t("2024-01-02T14:30:00Z"),
        t("2024-01-02T21:00:00Z"),
    );
    let page = client.fetch_bars(&req, None).await.unwrap();
    assert!(page.items.is_empty() && page.is_last());
    let s = &mock.seen()[0];
    assert_eq!(
        s.path,
        "/v2/aggs/ticker/AAPL/range/5/minute/1704205800000/1704229199999"
    );
    assert_eq!(s.param("adjusted"), Some("false"));
    req.adjustment = Adjustment::All;
    assert!(matches!(
        client.fetch_bars(&req, None).await,
        Err(ProviderError::InvalidRequest(_))
    ));
    req.adjustment = Adjustment::Raw;
    req.symbols.push(Symbol::lit("MSFT"));
    let e = client.fetch_bars(&req, None).await.unwrap_err();
    assert!(e.to_string().contains("at most 1"), "{e}");
    assert_eq!(mock.seen().len(), 1);
}

#[tokio::test]
async fn trades_marked_as_corrections_are_reported_not_replayed() {
    let mut body = fixture_json("polygon/v3_trades_AAPL__limit_2.json");
    // The fixture's two prints both carry correction 1; a plain print has none.
    body["results"][1]
        .as_object_mut()
        .unwrap()
        .remove("correction");
    let mock = Mock::start(vec![Reply::json(body.to_string())]).await;
    let req = TicksRequest::new(vec![Symbol::lit("AAPL")], t("2022-04-28"), t("2022-04-29"));
    let page = polygon(&mock).fetch_trades(&req, None).await.unwrap();
    assert_eq!(mock.seen()[0].path, "/v3/trades/AAPL");
    assert_eq!(page.items.len(), 1);
    let tr = &page.items[0].1;
    assert_eq!(tr.price, Price::lit("157.43"));
    assert_eq!(tr.ts.as_i64(), 1_651_181_822_461_979_400);
    assert_eq!(tr.exchange, "12");
    assert_eq!(tr.conditions, ["12", "37"]);
    assert_eq!(tr.trade_id.as_deref(), Some("183276"));
    assert_eq!(
        page.issues,
        [Issue::TradeUpdate {
            symbol: Symbol::lit("AAPL"),
            ts: domain::UnixNanos::new(1_651_181_822_461_979_400),
            trade_id: Some("183276".into()),
            update: "correction 1".into(),
        }]
    );
}

#[tokio::test]
async fn news_with_provider_sentiment() {
    let mut body = fixture_json("polygon/v2_reference_news__ticker_NFLX.json");
    // Current responses carry `insights`; the fixture predates them, so one is added.
    body["results"][0]["insights"] = serde_json::json!([
        {"ticker": "NFLX", "sentiment": "negative", "sentiment_reasoning": "incomes falling"}
    ]);
    let mock = Mock::start(vec![
        Reply::fixture("polygon/v2_reference_news__ticker_NFLX.json"),
        Reply::json(body.to_string()),
    ])
    .await;
    let client = polygon(&mock);
    let req = NewsRequest {
        symbols: vec![Symbol::lit("NFLX")],
        start: Some(t("2022-04-01")),
        ..NewsRequest::default()
    };
    let plain = client.fetch_news(&req, None).await.unwrap();
    let with = client.fetch_news(&req, None).await.unwrap();
    let s = &mock.seen()[0];
    assert_eq!(s.path, "/v2/reference/news");
    assert_eq!(s.param("ticker"), Some("NFLX"));
    assert_eq!(s.param("published_utc.gte"), Some("2022-04-01T00:00:00Z"));
    assert_eq!(s.param("limit"), Some("1000"));
    let n = &plain.items[0];
    assert_eq!(n.id, "JeJEhAVoKaqJ2zF9nzQYMg07UlEeWlis6Dsop33TPQY");
    assert_eq!(n.source, "MarketWatch");
    assert_eq!(n.created_at.to_rfc3339(), "2022-04-28T17:08:00Z");
    assert_eq!(n.symbols.len(), 4);
    assert!(n.url.starts_with("https://www.marketwatch.com/story/"));
    assert!(n.summary.starts_with("If inflation"));
    assert_eq!(n.provider_sentiment, None);
    let ps = with.items[0].provider_sentiment.as_ref().unwrap();
    assert_eq!(ps[0].symbol.as_str(), "NFLX");
    assert_eq!(ps[0].label, SentimentLabel::Negative);
}

#[tokio::test]
async fn option_chain_snapshot_with_greeks() {
    let mock = Mock::start(vec![Reply::fixture(
        "polygon/v3_snapshot_options_AAPL.json",
    )])
    .await;
    let mut req = OptionChainRequest::new(Symbol::lit("AAPL"));
    req.right = Some(OptionRight::Call);
    req.expiry_from = chrono::NaiveDate::from_ymd_opt(2023, 6, 1);
    let page = polygon(&mock).fetch_option_chain(&req, None).await.unwrap();
    let s = &mock.seen()[0];
    assert_eq!(s.path, "/v3/snapshot/options/AAPL");
    assert_eq!(s.param("contract_type"), Some("call"));
    assert_eq!(s.param("expiration_date.gte"), Some("2023-06-01"));
    assert_eq!(s.param("limit"), Some("250"));
    let o = &page.items[0];
    assert_eq!(o.contract.occ.as_str(), "AAPL230616C00150000");
    assert_eq!(o.contract.underlying.as_str(), "AAPL");
    assert_eq!(
        (o.contract.right, o.contract.strike),
        (OptionRight::Call, Price::lit("150"))
    );
    assert_eq!(
        (o.bid, o.ask, o.last),
        (
            Some(Price::lit("28.9")),
            Some(Price::lit("29.25")),
            Some(Price::lit("29.25"))
        )
    );
    assert_eq!(o.volume, Some(Quantity::from_int(8)));
    assert_eq!(o.open_interest, Some(Quantity::from_int(8133)));
    assert_eq!(o.iv, Some(0.3570277203465058));
    assert_eq!(o.delta, Some(0.6436614934293701));
    // The later of last_quote.last_updated and last_trade.sip_timestamp.
    assert_eq!(o.ts.as_i64(), 1_678_718_527_714_665_700);
}
