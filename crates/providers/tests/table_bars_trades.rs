//! Every bars and trades fixture body through the real clients: row counts, cursors, flagged
//! issues, and the first and last record written out in full. Prices print exactly as the JSON
//! text had them (no float rounding anywhere).

mod common;

use common::table::{Via, case, check, mock};
use common::*;
use domain::{Bar, Symbol, Timeframe, TradeTick};
use providers::{BarsRequest, Issue, Provider, TicksRequest};

use Via::{Alpaca as A, Polygon as P};

fn show_bar((s, b): &(Symbol, Bar)) -> String {
    let opt = |o: Option<String>| o.unwrap_or_else(|| "-".into());
    format!(
        "{s} {} o={} h={} l={} c={} v={} n={} vw={}",
        b.ts,
        b.open,
        b.high,
        b.low,
        b.close,
        b.volume,
        opt(b.trade_count.map(|n| n.to_string())),
        opt(b.vwap.map(|v| v.to_string()))
    )
}

#[tokio::test]
async fn bars() {
    let cases = [
        case(
            "alpaca/v2_stocks_bars__get_bars.json",
            A,
            2,
            Some("QUFQTHxEfDIwMjItMDItMDJUMDU6MDA6MDAuMDAwMDAwMDAwWg=="),
            0,
            "AAPL 2022-02-01T00:00:00Z o=174 h=174.84 l=172.31 c=174.61 v=85998033 n=732412 vw=173.703516",
            "AAPL 2022-02-02T00:00:00Z o=174.64 h=175.88 l=173.33 c=175.84 v=84817432 n=675034 vw=174.941288",
        ),
        case(
            "alpaca/v2_stocks_bars__get_bars_desc.json",
            A,
            3,
            Some("VFNMQXxEfDc1Mjc3NTc2MzYwMDAwMDAwMDA="),
            0,
            "TSLA 2023-09-27T00:00:00Z o=244.262 h=245.33 l=234.58 c=240.5 v=136616287 n=1393690 vw=240.479286",
            "TSLA 2023-09-25T00:00:00Z o=243.38 h=247.1 l=238.31 c=246.99 v=104668716 n=1196613 vw=244.197325",
        ),
        case(
            "alpaca/v2_stocks_bars__multisymbol_get_bars.json",
            A,
            2,
            None,
            0,
            "AAPL 2022-03-09T00:00:00Z o=161.51 h=163.41 l=159.41 c=162.95 v=88496480 n=700291 vw=161.942117",
            "TSLA 2022-03-09T00:00:00Z o=839 h=860.56 l=832.01 c=858.97 v=19227323 n=528531 vw=850.616587",
        ),
        case(
            "alpaca/v2_stocks_bars__get_bars_single_empty_response.json",
            A,
            0,
            None,
            0,
            "",
            "",
        ),
        case(
            "alpaca/v2_stocks_bars__get_bars_multi_empty_response.json",
            A,
            0,
            None,
            0,
            "",
            "",
        ),
        case(
            "alpaca/go_sdk/v2_stocks_bars__GetMultiBars_1.json",
            A,
            6,
            None,
            0,
            "AAPL 2021-10-13T00:00:00Z o=141.21 h=141.4 l=139.2 c=140.91 v=78993712 n=595435 vw=140.361873",
            "NIO 2021-10-15T00:00:00Z o=37 h=38.29 l=36.935 c=37.71 v=48138793 n=257074 vw=37.647123",
        ),
        case(
            "alpaca/go_sdk/v2_stocks_bars__GetBars_Adjustment_1.json",
            A,
            2,
            Some("R0V8RHwxNzEyMTE2ODAwMDAwMDAwMDAw"),
            0,
            "GE 2024-04-01T00:00:00Z o=138.48 h=138.82 l=136.48 c=138.29 v=5905509 n=80136 vw=137.8",
            "GE 2024-04-02T00:00:00Z o=138.96 h=142.9 l=132.49 c=134.94 v=20490401 n=209105 vw=137.45",
        ),
        case(
            "alpaca/go_sdk/v2_stocks_bars__GetBars_Asof_2.json",
            A,
            2,
            Some("TUVUQXxEfDIwMjItMDYtMTNUMDQ6MDA6MDAuMDAwMDAwMDAwWg=="),
            0,
            "META 2022-06-10T00:00:00Z o=183.04 h=183.1 l=175.02 c=175.57 v=27398594 n=365035 vw=177.335914",
            "META 2022-06-13T00:00:00Z o=170.59 h=172.575 l=164.03 c=164.26 v=31514255 n=436284 vw=167.257431",
        ),
        case(
            "polygon/v2_aggs_ticker_AAPL_range_1_day_2005-04-01_2005-04-04.json",
            P,
            2,
            None,
            0,
            "AAPL 2005-04-01T00:00:00Z o=1.5032 h=1.5064 l=1.4489 c=1.4604 v=642646396 n=82132 vw=1.469",
            "AAPL 2005-04-04T00:00:00Z o=1.4639 h=1.4754 l=1.4343 c=1.4675 v=578172308 n=65543 vw=1.4589",
        ),
        case(
            "polygon/v2_aggs_ticker_AAPL_range_1_day_2005-04-02_2005-04-04.json",
            P,
            2,
            None,
            0,
            "AAPL 2005-04-01T00:00:00Z o=1.5032 h=1.5064 l=1.4489 c=1.4604 v=642646396 n=82132 vw=1.469",
            "AAPL 2005-04-04T00:00:00Z o=1.4639 h=1.4754 l=1.4343 c=1.4675 v=578172308 n=65543 vw=1.4589",
        ),
    ];
    for c in &cases {
        let m = mock(c).await;
        let first_sym = c
            .first
            .split(' ')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or("AAPL");
        let req = BarsRequest::new(
            vec![Symbol::lit(first_sym)],
            Timeframe::D1,
            t("2000-01-01"),
            t("2030-01-01"),
        );
        let page = match c.via {
            A => alpaca(&m).fetch_bars(&req, None).await,
            P => polygon(&m).fetch_bars(&req, None).await,
        };
        check(c, &page.unwrap(), show_bar);
    }
    // Intraday bars keep their instant (only daily and longer are re-keyed to the date).
    let c = case(
        "alpaca/go_sdk/v2_stocks_bars__GetBars_1.json",
        A,
        5,
        None,
        0,
        "AMZN 2021-10-15T16:00:00Z o=3378.14 h=3380.815 l=3376.3001 c=3379.72 v=211689 n=5435 vw=3379.041755",
        "AMZN 2021-10-15T17:00:00Z o=3387.56 h=3390.74 l=3382.87 c=3382.87 v=134339 n=5832 vw=3387.086825",
    );
    let m = mock(&c).await;
    let req = BarsRequest::new(
        vec![Symbol::lit("AMZN")],
        Timeframe::M15,
        t("2021-10-15"),
        t("2021-10-16"),
    );
    check(
        &c,
        &alpaca(&m).fetch_bars(&req, None).await.unwrap(),
        show_bar,
    );
}

fn show_trade((s, t): &(Symbol, TradeTick)) -> String {
    format!(
        "{s} {} p={} s={} x={} c={} id={}",
        t.ts,
        t.price,
        t.size,
        t.exchange,
        t.conditions.join("|"),
        t.trade_id.as_deref().unwrap_or("-")
    )
}

#[tokio::test]
async fn trades() {
    let cases = [
        case(
            "alpaca/v2_stocks_trades__get_trades.json",
            A,
            2,
            Some(
                "QUFQTHwyMDIyLTAzLTA5VDA1OjAwOjE2LjkxMDAwMDAwMFp8RHwwOTIyMzM3MjAzNjg1NDc3NTk3Ng==",
            ),
            0,
            "AAPL 2022-03-09T05:00:02.183Z p=159.07 s=1 x=D c=@|T|I id=151",
            "AAPL 2022-03-09T05:00:16.910Z p=159.07 s=2 x=D c=@|T|I id=168",
        ),
        case(
            "alpaca/v2_stocks_trades__multisymbol_get_trades.json",
            A,
            2,
            None,
            0,
            "AAPL 2022-03-09T05:00:02.183Z p=159.07 s=1 x=D c=@|T|I id=151",
            "TSLA 2022-03-09T05:08:03.035Z p=833 s=1 x=D c=@|T|I id=145",
        ),
        case(
            "alpaca/v2_stocks_trades__get_trades_multi_empty_response.json",
            A,
            0,
            None,
            0,
            "",
            "",
        ),
        case(
            "alpaca/v2_stocks_trades_latest__get_latest_trade_multi_not_found.json",
            A,
            0,
            None,
            0,
            "",
            "",
        ),
        case(
            "alpaca/go_sdk/v2_stocks_trades__GetTrades_1.json",
            A,
            1,
            Some(
                "QUFQTHwyMDIxLTEwLTEzVDA4OjAwOjAwLjA4OTYwNzY4MFp8UHwwOTIyMzM3MjAzNjg1NDc3NTgwOQ==",
            ),
            0,
            "AAPL 2021-10-13T08:00:00.089607680Z p=140.2 s=595 x=P c=@|T id=1",
            "AAPL 2021-10-13T08:00:00.089607680Z p=140.2 s=595 x=P c=@|T id=1",
        ),
        case(
            "alpaca/go_sdk/v2_stocks_trades__GetMultiTrades_1.json",
            A,
            4,
            None,
            0,
            "F 2018-06-04T19:18:17.439200Z p=11.715 s=5 x=D c= |I id=442254",
            "GE 2018-06-04T19:18:18.620600Z p=13.7317 s=100 x=D c= |4|B id=933066",
        ),
        // Both prints carry `u: canceled`: reported, not returned.
        case(
            "alpaca/go_sdk/v2_stocks_trades__GetTrades_Update_1.json",
            A,
            0,
            None,
            2,
            "",
            "",
        ),
        // Option trades send conditions as one string, not a list.
        case(
            "alpaca/v1beta1_options_trades__get_trades.json",
            A,
            2,
            Some("U1BZMjQwNDI2QzAwNTU1MDAwfDE3MTAyNTE1NDI1NTg0NDcxMDR8Qg=="),
            0,
            "SPY240426C00555000 2024-03-12T13:34:54.178322688Z p=0.24 s=1 x=M c=I id=-",
            "SPY240426C00555000 2024-03-12T13:52:22.558447104Z p=0.21 s=20 x=B c=j id=-",
        ),
        // Both prints carry correction 1: reported, not returned.
        case(
            "polygon/v3_trades_AAPL__limit_2.json",
            P,
            0,
            None,
            2,
            "",
            "",
        ),
    ];
    for c in &cases {
        let m = mock(c).await;
        let req = TicksRequest::new(vec![Symbol::lit("AAPL")], t("2000-01-01"), t("2030-01-01"));
        let page = match c.via {
            A => alpaca(&m).fetch_trades(&req, None).await,
            P => polygon(&m).fetch_trades(&req, None).await,
        };
        let page = page.unwrap();
        check(c, &page, show_trade);
        assert!(
            page.issues
                .iter()
                .all(|i| matches!(i, Issue::TradeUpdate { .. }))
        );
    }
}
