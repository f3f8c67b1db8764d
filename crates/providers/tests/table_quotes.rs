//! Every quotes fixture body through the real clients; crossed quotes are kept and flagged one
//! issue each.

mod common;

use common::table::{Via, case, check, mock};
use common::*;
use domain::{QuoteTick, Symbol};
use providers::{Provider, TicksRequest};

use Via::{Alpaca as A, Polygon as P};

fn show_quote((s, q): &(Symbol, QuoteTick)) -> String {
    format!(
        "{s} {} b={}x{}@{} a={}x{}@{} c={}",
        q.ts,
        q.bid,
        q.bid_size,
        q.bid_exchange,
        q.ask,
        q.ask_size,
        q.ask_exchange,
        q.conditions.join("|")
    )
}

#[tokio::test]
async fn quotes() {
    let cases = [
        // The crossed quotes (ask below bid, pre-market): kept, and each flagged.
        case(
            "alpaca/v2_stocks_quotes__get_quotes.json",
            A,
            2,
            Some("QUFQTHwyMDIyLTAzLTA5VDA5OjAwOjAwLjAwMDA1OTAwMFp8Q0ZEQUU5QTg="),
            2,
            "AAPL 2022-03-09T09:00:00.000059Z b=159.52x4@Q a=158.65x1@K c=R",
            "AAPL 2022-03-09T09:00:00.000059Z b=159.52x4@Q a=158.8x1@K c=R",
        ),
        case(
            "alpaca/v2_stocks_quotes__multisymbol_quotes.json",
            A,
            2,
            None,
            2,
            "AAPL 2022-03-09T09:00:00.000059Z b=159.52x4@Q a=158.65x1@K c=R",
            "TSLA 2022-03-09T09:00:00.000805Z b=840.75x1@P a=830x1@K c=R",
        ),
        case(
            "alpaca/v2_stocks_quotes__get_quotes_multi_empty_response.json",
            A,
            0,
            None,
            0,
            "",
            "",
        ),
        case(
            "alpaca/go_sdk/v2_stocks_quotes__GetQuotes_1.json",
            A,
            10,
            Some("SUJNfDIwMjEtMTAtMDRUMTg6MDA6MTQuMTgwNTIyMDAwWnwxMzQ0OTQ0Mw=="),
            0,
            "IBM 2021-10-04T18:00:14.012577217Z b=143.68x1@H a=143.71x2@N c=R",
            "IBM 2021-10-04T18:00:14.180522Z b=143.69x6@Z a=143.71x1@N c=R",
        ),
        case(
            "alpaca/go_sdk/v2_stocks_quotes__GetQuotes_2.json",
            A,
            2,
            None,
            0,
            "IBM 2021-10-04T18:00:14.180608Z b=143.69x3@U a=143.71x1@N c=R",
            "IBM 2021-10-04T18:00:14.210488488Z b=143.69x2@T a=143.71x1@N c=R",
        ),
        case(
            "alpaca/go_sdk/v2_stocks_quotes__GetQuotes_SortDesc_1.json",
            A,
            2,
            Some("VFNMQXw3NTMxMTU5NjM2OTY0OTE0ODc5fFV8MjI4LjMzfDF8UHwyMjguMzV8NXxS"),
            0,
            "TSLA 2023-08-16T18:59:59.185551091Z b=228.34x2@Q a=228.35x5@P c=R",
            "TSLA 2023-08-16T18:59:59.035085121Z b=228.33x1@U a=228.35x5@P c=R",
        ),
        case(
            "alpaca/go_sdk/v2_stocks_quotes__GetMultiQuotes_1.json",
            A,
            6,
            Some("QkF8MjAyMS0wOS0xNVQxNzowMDowMC4xODYyNjUwMDBafEI4ODRBOUM3"),
            0,
            "BA 2021-09-15T17:00:00.010461656Z b=212.56x1@T a=212.59x1@N c=R",
            "BA 2021-09-15T17:00:00.186265Z b=212.57x1@T a=212.64x1@N c=R",
        ),
        case(
            "polygon/v3_quotes_AAPL.json",
            P,
            10,
            Some(
                "/v3/quotes/AAPL?cursor=YXA9MTkyODgxNjYmYXM9JmxpbWl0PTEwJm9yZGVyPWRlc2Mmc29ydD10aW1lc3RhbXAmdGltZXN0YW1wLmx0ZT0yMDIyLTA1LTEwVDE0JTNBMTElM0ExMi42OTA2NjExODla",
            ),
            0,
            "AAPL 2022-05-10T14:11:12.800638700Z b=155.85x4@19 a=155.87x3@15 c=",
            "AAPL 2022-05-10T14:11:12.690661Z b=155.86x2@21 a=155.87x2@19 c=",
        ),
        case(
            "polygon/v3_quotes_AAPL__page2.json",
            P,
            10,
            None,
            0,
            "AAPL 2022-05-10T14:11:12.690386918Z b=155.86x1@19 a=155.87x2@19 c=",
            "AAPL 2022-05-10T14:11:12.663407429Z b=155.85x4@19 a=155.87x2@19 c=",
        ),
    ];
    for c in &cases {
        let m = mock(c).await;
        let req = TicksRequest::new(vec![Symbol::lit("AAPL")], t("2000-01-01"), t("2030-01-01"));
        let page = match c.via {
            A => alpaca(&m).fetch_quotes(&req, None).await,
            P => polygon(&m).fetch_quotes(&req, None).await,
        };
        let page = page.unwrap();
        check(c, &page, show_quote);
        assert_eq!(
            page.issues.len(),
            page.items.iter().filter(|(_, q)| q.is_crossed()).count(),
            "{}: one issue per crossed quote",
            c.file
        );
    }
}
