//! Every news and option-chain fixture body through the real clients.

mod common;

use common::table::{Via, case, check, mock};
use common::*;
use domain::NewsArticle;
use domain::{OptionQuote, Symbol};
use providers::{NewsRequest, OptionChainRequest, Provider};

use Via::{Alpaca as A, Polygon as P};

fn show_news(n: &NewsArticle) -> String {
    let syms: Vec<&str> = n.symbols.iter().map(Symbol::as_str).collect();
    format!(
        "{} {} {} [{}] {}",
        n.id,
        n.created_at,
        n.source,
        syms.join(","),
        n.headline.chars().take(30).collect::<String>()
    )
}

#[tokio::test]
async fn news() {
    let cases = [
        case(
            "alpaca/v1beta1_news__get_news_p1.json",
            A,
            1,
            Some("MTczMDk3MTEwMTAwMDAwMDAwMHw0MTc5OTExNQ=="),
            0,
            "40432158 2024-08-18T20:15:44Z source [AAPL,QCOM] headline",
            "40432158 2024-08-18T20:15:44Z source [AAPL,QCOM] headline",
        ),
        case(
            "alpaca/v1beta1_news__get_news_p2.json",
            A,
            1,
            None,
            0,
            "41799100 2024-11-07T09:16:41Z benzinga [CWAN] Piper Sandler Maintains Neutra",
            "41799100 2024-11-07T09:16:41Z benzinga [CWAN] Piper Sandler Maintains Neutra",
        ),
        case(
            "alpaca/go_sdk/v1beta1_news__GetNews_1.json",
            A,
            2,
            Some("MTYxNzQ2MzIxMjAwMDAwMDAwMHwyMDQ3MjUxMg=="),
            0,
            "20472678 2021-04-03T15:35:21Z  [GOOG,GOOGL,TSLA] CEO John Krafcik Leaves Waymo",
            "20472512 2021-04-03T15:20:12Z  [AAPL,ARKX,BMY,CS,GM,JBLU,JCI,LULU,NIO,TSLA,XPEV] Benzinga's Bulls And Bears Of ",
        ),
        case(
            "alpaca/go_sdk/v1beta1_news__GetNews_2.json",
            A,
            1,
            None,
            0,
            "20471562 2021-04-03T12:31:15Z  [BABA,NFLX,TSLA] Is Now The Time To Buy Stock I",
            "20471562 2021-04-03T12:31:15Z  [BABA,NFLX,TSLA] Is Now The Time To Buy Stock I",
        ),
        case(
            "polygon/v2_reference_news__ticker_NFLX.json",
            P,
            1,
            None,
            0,
            "JeJEhAVoKaqJ2zF9nzQYMg07UlEeWlis6Dsop33TPQY 2022-04-28T17:08:00Z MarketWatch [MSFT,TSN,NFLX,AMZN] Theres a big hole in the Feds ",
            "JeJEhAVoKaqJ2zF9nzQYMg07UlEeWlis6Dsop33TPQY 2022-04-28T17:08:00Z MarketWatch [MSFT,TSN,NFLX,AMZN] Theres a big hole in the Feds ",
        ),
    ];
    for c in &cases {
        let m = mock(c).await;
        let req = NewsRequest::default();
        let page = match c.via {
            A => alpaca(&m).fetch_news(&req, None).await,
            P => polygon(&m).fetch_news(&req, None).await,
        };
        check(c, &page.unwrap(), show_news);
    }
}

fn show_option(o: &OptionQuote) -> String {
    let p = |v: Option<domain::Price>| v.map_or("-".into(), |v| v.to_string());
    let f = |v: Option<f64>| v.map_or("-".into(), |v| v.to_string());
    format!(
        "{} {} {:?} {} {} b={} a={} l={} iv={} d={}",
        o.contract.occ,
        o.ts,
        o.contract.right,
        o.contract.strike,
        o.contract.expiry,
        p(o.bid),
        p(o.ask),
        p(o.last),
        f(o.iv),
        f(o.delta)
    )
}

#[tokio::test]
async fn option_chains() {
    let cases = [
        case(
            "alpaca/v1beta1_options_snapshots_AAPL__get_option_chain.json",
            A,
            1,
            None,
            0,
            "AAPL240503P00155000 2024-04-25T20:00:00.259610112Z Put 155 2024-05-03 b=0.32 a=0.35 l=0.34 iv=0.4584478444465036 d=-0.06962352623019707",
            "AAPL240503P00155000 2024-04-25T20:00:00.259610112Z Put 155 2024-05-03 b=0.32 a=0.35 l=0.34 iv=0.4584478444465036 d=-0.06962352623019707",
        ),
        case(
            "alpaca/v1beta1_options_snapshots__get_snapshot.json",
            A,
            1,
            None,
            0,
            "AAPL240126P00050000 2024-02-02T20:59:59.731674112Z Put 50 2024-01-26 b=0.48 a=0.59 l=0.52 iv=0.3160291785379539 d=0.6742666141545315",
            "AAPL240126P00050000 2024-02-02T20:59:59.731674112Z Put 50 2024-01-26 b=0.48 a=0.59 l=0.52 iv=0.3160291785379539 d=0.6742666141545315",
        ),
        case(
            "alpaca/v1beta1_options_snapshots__get_snapshot_latest_quote_only.json",
            A,
            1,
            None,
            0,
            "AAPL240126P00050000 2024-02-02T20:59:59.731674112Z Put 50 2024-01-26 b=0.48 a=0.59 l=- iv=- d=-",
            "AAPL240126P00050000 2024-02-02T20:59:59.731674112Z Put 50 2024-01-26 b=0.48 a=0.59 l=- iv=- d=-",
        ),
        case(
            "alpaca/v1beta1_options_snapshots__get_snapshot_single_empty_response.json",
            A,
            0,
            None,
            0,
            "",
            "",
        ),
        case(
            "alpaca/go_sdk/v1beta1_options_snapshots_UNDERLYING__GetOptionChain_1.json",
            A,
            2,
            None,
            0,
            "NIO240405P00004000 2024-03-07T15:53:37.134486784Z Put 4 2024-04-05 b=0.03 a=0.05 l=0.05 iv=- d=-",
            "NIO240719P00002000 2024-03-06T20:59:05.378523136Z Put 2 2024-07-19 b=0.03 a=1.24 l=- iv=- d=-",
        ),
        case(
            "polygon/v3_snapshot_options_AAPL.json",
            P,
            1,
            None,
            0,
            "AAPL230616C00150000 2023-03-13T14:42:07.714665700Z Call 150 2023-06-16 b=28.9 a=29.25 l=29.25 iv=0.3570277203465058 d=0.6436614934293701",
            "AAPL230616C00150000 2023-03-13T14:42:07.714665700Z Call 150 2023-06-16 b=28.9 a=29.25 l=29.25 iv=0.3570277203465058 d=0.6436614934293701",
        ),
    ];
    for c in &cases {
        let m = mock(c).await;
        let underlying = c
            .first
            .get(..3)
            .filter(|s| s.chars().all(|c| c.is_ascii_alphabetic()))
            .unwrap_or("AAPL");
        let req = OptionChainRequest::new(Symbol::lit(underlying));
        let page = match c.via {
            A => alpaca(&m).fetch_option_chain(&req, None).await,
            P => polygon(&m).fetch_option_chain(&req, None).await,
        };
        check(c, &page.unwrap(), show_option);
    }
}
