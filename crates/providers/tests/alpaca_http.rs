//! Alpaca against a local server replaying real fixture pages: the requests the client sends
//! (paths, parameters, auth headers, page tokens) and the pages it returns.

mod common;

use common::*;
use domain::{OptionRight, Price, Quantity, Symbol, Timeframe};
use providers::{
    Adjustment, AlpacaClient, BarsRequest, Cursor, NewsRequest, OptionChainRequest, Page, Provider,
    TicksRequest,
};

/// Follows `next` until the last page, returning every page.
macro_rules! drain {
    ($fetch:expr) => {{
        let mut pages = Vec::new();
        let mut cursor: Option<Cursor> = None;
        loop {
            let page = $fetch(cursor.as_ref()).await.unwrap();
            cursor = page.next.clone();
            pages.push(page);
            if cursor.is_none() || pages.len() > 10 {
                break;
            }
        }
        pages
    }};
}

fn items<T: Clone>(pages: &[Page<T>]) -> Vec<T> {
    pages.iter().flat_map(|p| p.items.clone()).collect()
}

fn assert_auth(seen: &Seen) {
    assert_eq!(seen.header("apca-api-key-id"), Some(KEY_ID));
    assert_eq!(seen.header("apca-api-secret-key"), Some(SECRET));
}

#[tokio::test]
async fn bars_follow_page_tokens_with_the_documented_parameters() {
    let mock = Mock::start(vec![
        Reply::fixture("alpaca/go_sdk/v2_stocks_bars__GetBars_Asof_1.json"),
        Reply::fixture("alpaca/go_sdk/v2_stocks_bars__GetBars_Asof_2.json"),
        Reply::fixture("alpaca/v2_stocks_bars__get_bars_multi_empty_response.json"),
    ])
    .await;
    let client = alpaca(&mock);
    let mut req = BarsRequest::new(
        vec![Symbol::lit("META")],
        Timeframe::D1,
        t("2022-06-08T00:00:00Z"),
        t("2022-06-14T00:00:00Z"),
    );
    req.limit = Some(2);
    req.feed = Some("sip".into());
    req.adjustment = Adjustment::Split;
    let pages = drain!(|c| client.fetch_bars(&req, c));
    assert_eq!(pages.len(), 3);
    assert!(pages[2].items.is_empty() && pages[2].is_last());

    let seen = mock.seen();
    assert_eq!(seen.len(), 3);
    let first = &seen[0];
    assert_eq!(first.path, "/v2/stocks/bars");
    assert_auth(first);
    assert_eq!(first.param("symbols"), Some("META"));
    assert_eq!(first.param("timeframe"), Some("1Day"));
    assert_eq!(first.param("adjustment"), Some("split"));
    assert_eq!(first.param("feed"), Some("sip"));
    assert_eq!(first.param("limit"), Some("2"));
    assert_eq!(first.param("sort"), Some("asc"));
    assert_eq!(first.param("start"), Some("2022-06-08T00:00:00Z"));
    // Half-open [start, end) becomes Alpaca's inclusive end.
    assert_eq!(first.param("end"), Some("2022-06-13T23:59:59.999999999Z"));
    assert_eq!(first.param("page_token"), None);
    assert_eq!(
        seen[1].param("page_token"),
        Some("TUVUQXxEfDIwMjItMDYtMDlUMDQ6MDA6MDAuMDAwMDAwMDAwWg==")
    );
    assert_eq!(
        seen[2].param("page_token"),
        Some("TUVUQXxEfDIwMjItMDYtMTNUMDQ6MDA6MDAuMDAwMDAwMDAwWg==")
    );
    // Every page repeats the request; only the token changes.
    for s in &seen[1..] {
        assert_auth(s);
        let mut a = s.query.clone();
        a.retain(|(k, _)| k != "page_token");
        assert_eq!(a, first.query);
    }

    let bars = items(&pages);
    let dates: Vec<String> = bars.iter().map(|(_, b)| b.ts.to_rfc3339()).collect();
    assert_eq!(
        dates,
        [
            "2022-06-08T00:00:00Z",
            "2022-06-09T00:00:00Z",
            "2022-06-10T00:00:00Z",
            "2022-06-13T00:00:00Z"
        ]
    );
    let (sym, b) = &bars[1];
    assert_eq!(sym.as_str(), "META");
    assert_eq!(
        (b.open, b.high, b.low, b.close),
        (
            Price::lit("194.28"),
            Price::lit("199.45"),
            Price::lit("183.68"),
            Price::lit("184")
        )
    );
    assert_eq!(b.volume, Quantity::from_int(23_458_984));
    assert_eq!(b.trade_count, Some(281_546));
    assert_eq!(b.vwap, Some(Price::lit("190.750577")));
}

#[tokio::test]
async fn get_bars_token_is_sent_back_verbatim() {
    let mock = Mock::start(vec![
        Reply::fixture("alpaca/v2_stocks_bars__get_bars.json"),
        Reply::fixture("alpaca/v2_stocks_bars__get_bars_multi_empty_response.json"),
    ])
    .await;
    let client = alpaca(&mock);
    // The fixture's own request: symbols=AAPL, start=2022-02-01, timeframe=1Day, limit=2.
    let mut req = BarsRequest::new(
        vec![Symbol::lit("AAPL")],
        Timeframe::D1,
        t("2022-02-01T00:00:00+00:00"),
        t("2022-02-04T00:00:00Z"),
    );
    req.limit = Some(2);
    let pages = drain!(|c| client.fetch_bars(&req, c));
    let seen = mock.seen();
    assert_eq!(pages.len(), 2);
    assert_eq!(
        (
            seen[0].param("symbols"),
            seen[0].param("timeframe"),
            seen[0].param("limit")
        ),
        (Some("AAPL"), Some("1Day"), Some("2"))
    );
    assert_eq!(
        seen[1].param("page_token"),
        Some("QUFQTHxEfDIwMjItMDItMDJUMDU6MDA6MDAuMDAwMDAwMDAwWg==")
    );
    assert_eq!(items(&pages).len(), 2);
}

#[tokio::test]
async fn several_symbols_share_one_request() {
    let mock = Mock::start(vec![Reply::fixture(
        "alpaca/v2_stocks_bars__multisymbol_get_bars.json",
    )])
    .await;
    let req = BarsRequest::new(
        Symbol::parse_list("AAPL,TSLA").unwrap(),
        Timeframe::D1,
        t("2022-02-01"),
        t("2022-03-10"),
    );
    let page = alpaca(&mock).fetch_bars(&req, None).await.unwrap();
    assert_eq!(mock.seen()[0].param("symbols"), Some("AAPL,TSLA"));
    let syms: Vec<&str> = page.items.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(syms, ["AAPL", "TSLA"]);
    assert_eq!(page.items[1].1.close, Price::lit("858.97"));
    assert!(page.is_last());
}

#[tokio::test]
async fn single_symbol_endpoint_when_configured() {
    // The single-symbol endpoint lists rows; this body is get_bars.json's rows in that shape.
    let multi = fixture_json("alpaca/v2_stocks_bars__get_bars.json");
    let single = serde_json::json!({
        "bars": multi["bars"]["AAPL"],
        "symbol": "AAPL",
        "next_page_token": multi["next_page_token"],
    });
    let mock = Mock::start(vec![Reply::json(single.to_string())]).await;
    let mut config = alpaca_config(&mock);
    config.single_symbol_endpoint = true;
    let client = AlpacaClient::new(config).unwrap();
    let req = BarsRequest::new(
        vec![Symbol::lit("AAPL")],
        Timeframe::D1,
        t("2022-02-01"),
        t("2022-02-03"),
    );
    let page = client.fetch_bars(&req, None).await.unwrap();
    let seen = &mock.seen()[0];
    assert_eq!(seen.path, "/v2/stocks/AAPL/bars");
    assert_eq!(seen.param("symbols"), None);
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].1.vwap, Some(Price::lit("173.703516")));
    assert_eq!(
        page.next.as_ref().map(Cursor::as_str),
        Some("QUFQTHxEfDIwMjItMDItMDJUMDU6MDA6MDAuMDAwMDAwMDAwWg==")
    );
}

#[tokio::test]
async fn quotes_two_pages_with_nanosecond_times() {
    let mock = Mock::start(vec![
        Reply::fixture("alpaca/go_sdk/v2_stocks_quotes__GetQuotes_1.json"),
        Reply::fixture("alpaca/go_sdk/v2_stocks_quotes__GetQuotes_2.json"),
    ])
    .await;
    let client = alpaca(&mock);
    let mut req = TicksRequest::new(
        vec![Symbol::lit("IBM")],
        t("2021-10-04T18:00:14Z"),
        t("2021-10-04T18:00:15Z"),
    );
    req.limit = Some(10);
    let pages = drain!(|c| client.fetch_quotes(&req, c));
    let seen = mock.seen();
    assert_eq!(seen[0].path, "/v2/stocks/quotes");
    assert_eq!(seen[0].param("symbols"), Some("IBM"));
    assert_eq!(seen[0].param("start"), Some("2021-10-04T18:00:14Z"));
    assert_eq!(seen[0].param("limit"), Some("10"));
    assert_eq!(
        seen[1].param("page_token"),
        Some("SUJNfDIwMjEtMTAtMDRUMTg6MDA6MTQuMTgwNTIyMDAwWnwxMzQ0OTQ0Mw==")
    );
    let quotes = items(&pages);
    assert_eq!(quotes.len(), 12);
    let q = &quotes[0].1;
    assert_eq!(q.ts.to_rfc3339(), "2021-10-04T18:00:14.012577217Z");
    assert_eq!((q.bid, q.ask), (Price::lit("143.68"), Price::lit("143.71")));
    assert_eq!(
        (q.bid_exchange.as_str(), q.ask_exchange.as_str()),
        ("H", "N")
    );
    assert_eq!(q.conditions, ["R"]);
    assert_eq!(
        quotes[11].1.ts.to_rfc3339(),
        "2021-10-04T18:00:14.210488488Z"
    );
    assert!(pages.iter().all(|p| p.issues.is_empty()));
}

#[tokio::test]
async fn trades_then_an_empty_last_page() {
    let mock = Mock::start(vec![
        Reply::fixture("alpaca/v2_stocks_trades__get_trades.json"),
        Reply::fixture("alpaca/v2_stocks_trades__get_trades_multi_empty_response.json"),
    ])
    .await;
    let client = alpaca(&mock);
    let req = TicksRequest::new(vec![Symbol::lit("AAPL")], t("2022-03-09"), t("2022-03-10"));
    let pages = drain!(|c| client.fetch_trades(&req, c));
    assert_eq!(pages.len(), 2);
    assert_eq!(mock.seen()[0].path, "/v2/stocks/trades");
    assert_eq!(
        mock.seen()[1].param("page_token"),
        Some("QUFQTHwyMDIyLTAzLTA5VDA1OjAwOjE2LjkxMDAwMDAwMFp8RHwwOTIyMzM3MjAzNjg1NDc3NTk3Ng==")
    );
    let trades = items(&pages);
    assert_eq!(trades.len(), 2);
    let tr = &trades[1].1;
    assert_eq!(tr.ts, t("2022-03-09T05:00:16.91Z"));
    assert_eq!(tr.price, Price::lit("159.07"));
    assert_eq!(tr.size, Quantity::from_int(2));
    assert_eq!(tr.trade_id.as_deref(), Some("168"));
    assert_eq!(tr.conditions, ["@", "T", "I"]);
}

#[tokio::test]
async fn news_pages_alpaca_py_and_go_sdk() {
    let mock = Mock::start(vec![
        Reply::fixture("alpaca/v1beta1_news__get_news_p1.json"),
        Reply::fixture("alpaca/v1beta1_news__get_news_p2.json"),
        Reply::fixture("alpaca/go_sdk/v1beta1_news__GetNews_1.json"),
        Reply::fixture("alpaca/go_sdk/v1beta1_news__GetNews_2.json"),
    ])
    .await;
    let client = alpaca(&mock);
    let req = NewsRequest {
        symbols: vec![Symbol::lit("AAPL")],
        start: Some(t("2022-02-01")),
        limit: Some(50),
        ..NewsRequest::default()
    };
    let a = drain!(|c| client.fetch_news(&req, c));
    let req = NewsRequest {
        start: Some(t("2021-04-03T00:00:00Z")),
        end: Some(t("2021-04-04T05:00:00Z")),
        limit: Some(2),
        ..NewsRequest::default()
    };
    let b = drain!(|c| client.fetch_news(&req, c));
    let seen = mock.seen();
    assert_eq!(seen[0].path, "/v1beta1/news");
    assert_eq!(seen[0].param("symbols"), Some("AAPL"));
    assert_eq!(seen[0].param("limit"), Some("50"));
    assert_eq!(seen[0].param("start"), Some("2022-02-01T00:00:00Z"));
    assert_eq!(
        seen[1].param("page_token"),
        Some("MTczMDk3MTEwMTAwMDAwMDAwMHw0MTc5OTExNQ==")
    );
    assert_eq!(seen[2].param("symbols"), None);
    assert_eq!(seen[2].param("end"), Some("2021-04-04T04:59:59.999999999Z"));
    assert_eq!(
        seen[3].param("page_token"),
        Some("MTYxNzQ2MzIxMjAwMDAwMDAwMHwyMDQ3MjUxMg==")
    );
    assert_auth(&seen[3]);

    let a = items(&a);
    assert_eq!(a.len(), 2);
    assert_eq!(a[1].id, "41799100");
    assert_eq!(a[1].source, "benzinga");
    assert_eq!(a[1].symbols, [Symbol::lit("CWAN")]);
    let b = items(&b);
    assert_eq!(b.len(), 3);
    assert_eq!(b[0].headline, "CEO John Krafcik Leaves Waymo");
    assert_eq!(b[0].author.as_deref(), Some("Bibhu Pattnaik"));
    assert_eq!(b[0].created_at.to_rfc3339(), "2021-04-03T15:35:21Z");
    assert_eq!(b[1].symbols.len(), 11);
    assert_eq!(
        b[2].updated_at.unwrap().to_rfc3339(),
        "2021-04-03T12:31:16Z"
    );
    assert!(b.iter().all(|n| n.provider_sentiment.is_none()));
}

#[tokio::test]
async fn option_chain_pages_with_filters() {
    let mock = Mock::start(vec![
        Reply::fixture(
            "alpaca/go_sdk/v1beta1_options_snapshots_AAPL__GetOptionChainWithFilters_1.json",
        ),
        Reply::fixture(
            "alpaca/go_sdk/v1beta1_options_snapshots_AAPL__GetOptionChainWithFilters_2.json",
        ),
    ])
    .await;
    let client = alpaca(&mock);
    let mut req = OptionChainRequest::new(Symbol::lit("AAPL"));
    req.right = Some(OptionRight::Call);
    req.expiry_to = chrono::NaiveDate::from_ymd_opt(2024, 4, 26);
    req.strike_min = Some(Price::lit("152.5"));
    req.limit = Some(1);
    req.feed = Some("indicative".into());
    let pages = drain!(|c| client.fetch_option_chain(&req, c));
    let seen = mock.seen();
    assert_eq!(seen[0].path, "/v1beta1/options/snapshots/AAPL");
    assert_eq!(seen[0].param("type"), Some("call"));
    assert_eq!(seen[0].param("expiration_date_lte"), Some("2024-04-26"));
    assert_eq!(seen[0].param("strike_price_gte"), Some("152.5"));
    assert_eq!(seen[0].param("feed"), Some("indicative"));
    assert_eq!(
        seen[1].param("page_token"),
        Some("QUFQTDI0MDQyNkMwMDE1MjUwMA==")
    );
    let chain = items(&pages);
    assert_eq!(chain.len(), 2);
    let (a, b) = (&chain[0], &chain[1]);
    assert_eq!(a.contract.occ.as_str(), "AAPL240426C00152500");
    assert_eq!(a.contract.strike, Price::lit("152.5"));
    assert_eq!(
        (a.bid, a.ask, a.last),
        (
            Some(Price::lit("16.25")),
            Some(Price::lit("17")),
            Some(Price::lit("15.87"))
        )
    );
    // As of the later of quote and trade.
    assert_eq!(a.ts.to_rfc3339(), "2024-04-24T19:59:59.782060288Z");
    assert_eq!((a.delta, a.iv), (None, None));
    assert_eq!(b.delta, Some(0.9567110374646104));
    assert_eq!(b.iv, Some(0.9871160931510816));
    assert_eq!(b.contract.underlying.as_str(), "AAPL");
    assert_eq!(b.contract.expiry.to_string(), "2024-04-26");
}
