//! Corporate actions against a local server replaying the real bodies: Alpaca's two
//! corporate-actions pages (every kind Alpaca has, paged by token) and Polygon's splits and
//! dividends (one stream, dividends after splits). What is asked, and how each kind maps.

mod common;

use chrono::NaiveDate;
use common::*;
use domain::{CorporateActionKind, Price, Symbol};
use providers::{ActionRecord, ActionsRequest, Cursor, Issue, Page, Provider, ProviderError};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn request(symbols: &str, start: &str, end: &str) -> ActionsRequest {
    ActionsRequest {
        symbols: Symbol::parse_list(symbols).unwrap(),
        start: day(start),
        end: day(end),
    }
}

/// A server answering with these fixtures, in order.
async fn serving(fixtures: &[&str]) -> Mock {
    Mock::start(fixtures.iter().map(|f| Reply::fixture(f)).collect()).await
}

async fn drain(client: &dyn Provider, req: &ActionsRequest) -> Vec<Page<ActionRecord>> {
    let mut pages = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let page = client.fetch_actions(req, cursor.as_ref()).await.unwrap();
        cursor = page.next.clone();
        pages.push(page);
        if cursor.is_none() || pages.len() > 10 {
            return pages;
        }
    }
}

/// `symbol ex_date source kind` per record, in page order.
fn rows(pages: &[Page<ActionRecord>]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|p| &p.items)
        .map(|r| {
            let kind = match r.action.kind {
                CorporateActionKind::Split { from, to } => format!("split {from}:{to}"),
                CorporateActionKind::CashDividend { amount } => format!("cash {amount}"),
            };
            format!(
                "{} {} {} {kind}",
                r.action.symbol, r.action.ex_date, r.source
            )
        })
        .collect()
}

fn unsupported(pages: &[Page<ActionRecord>]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|p| &p.issues)
        .filter_map(|i| match i {
            Issue::UnsupportedAction { kind, .. } => Some(kind.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn alpaca_maps_splits_and_dividends_and_reports_every_other_kind() {
    let mock = serving(&[
        "alpaca/v1_corporate_actions__get_corporate_actions_p1.json",
        "alpaca/v1_corporate_actions__get_corporate_actions_p2.json",
    ])
    .await;
    let req = request("MNTS,SRE,MSBC,FCF,ZMTBY", "2023-01-01", "2024-12-31");
    let pages = drain(&alpaca(&mock), &req).await;
    assert_eq!(pages.len(), 2);
    assert_eq!(
        rows(&pages),
        [
            // Kinds in name order: cash, forward, reverse, stock dividend.
            "FCF 2023-05-04 cash_dividend cash 0.125",
            "SRE 2023-08-22 forward_split split 1:2",
            "MNTS 2023-08-24 reverse_split split 50:1",
            // 5% in shares: the price effect of a 21-for-20 split.
            "MSBC 2023-05-19 stock_dividend split 20:21",
            "ZMTBY 2024-08-07 cash_dividend cash 0.086928",
        ]
    );
    assert_eq!(pages[0].items[0].id, "a7932b15-f816-4f83-921e-998b524487b4");
    assert_eq!(
        unsupported(&pages),
        [
            "cash_merger",
            "name_change",
            "redemption",
            "rights_distribution",
            "spin_off",
            "stock_and_cash_merger",
            "stock_merger",
            "unit_split",
            "worthless_removal",
        ]
    );

    let seen = mock.seen();
    assert_eq!(seen[0].path, "/v1/corporate-actions");
    assert_eq!(
        seen[0].param_names(),
        ["end", "limit", "sort", "start", "symbols"]
    );
    assert_eq!(seen[0].param("symbols"), Some("MNTS,SRE,MSBC,FCF,ZMTBY"));
    assert_eq!(seen[0].param("start"), Some("2023-01-01"));
    assert_eq!(seen[0].param("end"), Some("2024-12-31"));
    assert_eq!(seen[0].param("limit"), Some("1000"));
    assert_eq!(seen[0].header("apca-api-secret-key"), Some(SECRET));
    assert_eq!(
        seen[1].param("page_token"),
        Some("MDA3Q1ZSMDIwfDIwMjQtMDItMTV8NjBiZjkxYzItMDc0Ni00ZDliLThjOWUtYTgwYmIzMDhmZDkx")
    );
}

#[tokio::test]
async fn polygon_pages_through_splits_then_dividends() {
    let mock = serving(&[
        "polygon/v3_reference_splits.json",
        "polygon/v3_reference_dividends.json",
    ])
    .await;
    let client = polygon(&mock);
    let req = request("GOOG", "2022-01-01", "2025-12-31");
    let pages = drain(&client, &req).await;
    assert_eq!(pages.len(), 2);
    let rows = rows(&pages);
    assert_eq!(rows.len(), 20);
    assert_eq!(rows[1], "GOOG 2022-07-18 forward_split split 1:20");
    assert_eq!(rows[7], "BRW 2022-05-20 reverse_split split 2:1");
    assert_eq!(rows[9], "CIG.C 2022-05-02 forward_split split 3:4");
    assert_eq!(rows[10], "CSSEN 2025-06-12 cash_dividend cash 0.59375");
    assert!(unsupported(&pages).is_empty());
    // The splits' last page points at the first dividends page, of the same ticker and range.
    let next = pages[0].next.as_ref().unwrap().as_str();
    assert!(
        next.starts_with("/v3/reference/dividends?ticker=GOOG"),
        "{next}"
    );

    let seen = mock.seen();
    assert_eq!(seen[0].path, "/v3/reference/splits");
    assert_eq!(seen[0].param("ticker"), Some("GOOG"));
    assert_eq!(seen[0].param("execution_date.gte"), Some("2022-01-01"));
    assert_eq!(seen[0].param("execution_date.lte"), Some("2025-12-31"));
    assert_eq!(seen[0].param("sort"), Some("execution_date"));
    assert_eq!(seen[0].param("limit"), Some("1000"));
    assert_eq!(seen[1].path, "/v3/reference/dividends");
    assert_eq!(seen[1].param("ex_dividend_date.gte"), Some("2022-01-01"));
    assert_eq!(seen[1].param("ex_dividend_date.lte"), Some("2025-12-31"));
    assert!(seen.iter().all(|s| s.param("apiKey") == Some(POLY_KEY)));
    // Polygon takes one ticker per request.
    let two = client
        .fetch_actions(&request("GOOG,AAPL", "2022-01-01", "2022-12-31"), None)
        .await
        .unwrap_err();
    assert!(matches!(two, ProviderError::InvalidRequest(_)), "{two}");
}

#[tokio::test]
async fn polygon_dividend_kinds_and_currencies() {
    let mut body = fixture_json("polygon/v3_reference_dividends.json");
    let results = body["results"].as_array_mut().unwrap();
    results[0]["currency"] = "CAD".into();
    results[1]["dividend_type"] = "SC".into();
    results[1]["id"] = "E8e3c4f794613e9205e2f178a36c53fcc57cdabb55e1988c87b33f9e52e221444".into();
    results[2]["dividend_type"] = "LT".into();
    results[3]["currency"] = "USD".into();
    let mock = Mock::start(vec![Reply::json(body.to_string())]).await;
    let client = polygon(&mock);
    let req = request("CSSEN", "2023-01-01", "2025-12-31");
    let cursor = Cursor::new("/v3/reference/dividends?ticker=CSSEN");
    let page = client.fetch_actions(&req, Some(&cursor)).await.unwrap();
    assert!(page.is_last());
    assert_eq!(page.items.len(), 9);
    assert_eq!(page.items[0].source, "special_cash_dividend");
    assert!(page.items[0].id.starts_with("E8e3c4f7"));
    assert_eq!(page.items[1].source, "long_term_capital_gain");
    assert_eq!(page.items[2].source, "cash_dividend");
    assert_eq!(
        page.items[2].action.kind,
        CorporateActionKind::CashDividend {
            amount: Price::lit("0.59375")
        }
    );
    assert_eq!(unsupported(&[page]), ["non_usd_cash_dividend"]);
}

#[tokio::test]
async fn a_bad_record_fails_the_page_naming_the_request_and_the_field() {
    let mut body = fixture_json("alpaca/v1_corporate_actions__get_corporate_actions_p2.json");
    body["corporate_actions"]["cash_dividends"][0]["rate"] = (-1).into();
    let mock = Mock::start(vec![
        Reply::json(body.to_string()),
        Reply::json(&b"{\"corporate_actions\": {\"forward_splits\": [{\"symbol\": \"X\""[..]),
    ])
    .await;
    let client = alpaca(&mock);
    let req = request("ZMTBY", "2024-01-01", "2024-12-31");
    for expected in ["ZMTBY record 0: amount", "malformed response"] {
        let e = client.fetch_actions(&req, None).await.unwrap_err();
        let e = e.to_string();
        assert!(e.contains("/v1/corporate-actions?symbols=ZMTBY"), "{e}");
        assert!(e.contains(expected) && !e.contains(SECRET), "{e}");
    }
}
