//! `data backfill --kind actions` below the binary, on both backends, against local servers
//! built from the real bodies: Alpaca's two corporate-actions pages (by token), and a Polygon
//! that pages the real splits and dividends per ticker (by `next_url`). Both pages land and a
//! rerun stores nothing new; a cursor that loops, a malformed page and a refused cursor end the
//! run naming the request with nothing stored; a 429 is waited out.

mod common;

use chrono::NaiveDate;
use collector::Provider;
use collector::backfill::actions::{ActionsReport, ActionsSpec, run_actions_backfill};
use common::{POLY_KEY, SECRET, alpaca, polygon};
use domain::{CorporateAction, CorporateActionKind, Price, Symbol};
use serde_json::{Value, json};
use testkit::hostile::{Asked, Hostile};
use testkit::scripted::{Mock, Reply};
use testkit::{TestDb, fixture_json};

testkit::both_backends!(
    async
    alpaca_pages_land_and_a_rerun_stores_nothing_new,
    polygon_splits_and_dividends_page_by_ticker,
    a_looping_cursor_stores_nothing,
    a_malformed_page_stores_nothing_and_names_the_request,
    a_429_is_waited_out,
);

const P1: &str = "alpaca/v1_corporate_actions__get_corporate_actions_p1.json";
const P2: &str = "alpaca/v1_corporate_actions__get_corporate_actions_p2.json";
const ALPACA_SYMBOLS: &str = "MNTS,SRE,MSBC,FCF,ZMTBY";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn spec(provider: Provider, symbols: &str) -> ActionsSpec {
    ActionsSpec {
        provider,
        symbols: Symbol::parse_list(symbols).unwrap(),
        start: day("2022-01-01"),
        end: day("2025-12-31"),
    }
}

fn split(symbol: &str, date: &str, from: u32, to: u32) -> CorporateAction {
    let kind = CorporateActionKind::Split { from, to };
    CorporateAction::new(Symbol::lit(symbol), day(date), kind).unwrap()
}

fn dividend(symbol: &str, date: &str, amount: &str) -> CorporateAction {
    let kind = CorporateActionKind::CashDividend {
        amount: Price::lit(amount),
    };
    CorporateAction::new(Symbol::lit(symbol), day(date), kind).unwrap()
}

/// Every stored action of `symbols`.
fn stored(db: &TestDb, symbols: &str) -> Vec<CorporateAction> {
    let symbols = Symbol::parse_list(symbols).unwrap();
    db.with(|st| {
        symbols
            .iter()
            .flat_map(|s| st.actions(s).unwrap())
            .collect()
    })
}

fn alpaca_actions() -> Vec<CorporateAction> {
    vec![
        split("MNTS", "2023-08-24", 50, 1),
        split("SRE", "2023-08-22", 1, 2),
        split("MSBC", "2023-05-19", 20, 21),
        dividend("FCF", "2023-05-04", "0.125"),
        dividend("ZMTBY", "2024-08-07", "0.086928"),
    ]
}

async fn alpaca_pages_land_and_a_rerun_stores_nothing_new(backend: &'static str) {
    let db = TestDb::of(backend, "act_alpaca");
    let mock = Mock::start(vec![Reply::fixture(P1), Reply::fixture(P2)]).await;
    let c = alpaca(&mock.base);
    let s = spec(Provider::Alpaca, ALPACA_SYMBOLS);
    let r = run_actions_backfill(&s, &db.url, &c).await.unwrap();
    assert_eq!((r.requests, r.pages), (1, 2));
    assert_eq!((r.splits.inserted, r.dividends.inserted), (3, 2), "{r:#?}");
    assert_eq!(r.rows.inserted, 5);
    assert_eq!(r.by_source["reverse_split"], 1);
    assert_eq!(r.by_source["stock_dividend"], 1);
    assert_eq!(r.skipped.values().sum::<u64>(), 9);
    assert_eq!(r.skipped["spin_off"], 1);
    assert_eq!((r.outside, r.repeated, r.combined), (0, 0, 0));
    assert_eq!(stored(&db, ALPACA_SYMBOLS), alpaca_actions());

    // The same pages again: every row unchanged.
    mock.push(Reply::fixture(P1));
    mock.push(Reply::fixture(P2));
    let again = run_actions_backfill(&s, &db.url, &c).await.unwrap();
    assert_eq!(again.rows.unchanged, 5, "{again:#?}");
    assert_eq!(again.rows.inserted + again.rows.updated, 0);
    assert_eq!((again.splits.unchanged, again.dividends.unchanged), (3, 2));
    assert_eq!(stored(&db, ALPACA_SYMBOLS), alpaca_actions());
    let summary = again.summary();
    assert!(
        summary.contains("splits: 0 inserted, 0 updated, 3 unchanged"),
        "{summary}"
    );
    assert!(summary.contains("1 spin_off"), "{summary}");
}

/// The fixture's rows of `ticker` from `endpoint`, `PAGE` at a time, continued by a
/// `next_url` naming the ticker and the offset, as Polygon's opaque cursors do.
fn polygon_page(a: &Asked) -> String {
    const PAGE: usize = 3;
    let endpoint = a.path.rsplit('/').next().unwrap().to_owned();
    let (ticker, offset) = match a.param("cursor") {
        Some(c) => {
            let (t, o) = c.split_once('.').unwrap();
            (t.to_owned(), o.parse().unwrap())
        }
        None => (a.param("ticker").unwrap().to_owned(), 0),
    };
    let body = fixture_json(&format!("polygon/v3_reference_{endpoint}.json"));
    let rows: Vec<Value> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ticker"] == ticker.as_str())
        .cloned()
        .collect();
    let end = (offset + PAGE).min(rows.len());
    let mut page = json!({"results": rows[offset..end], "status": "OK", "request_id": "r"});
    if end < rows.len() {
        page["next_url"] =
            format!("https://api.polygon.io/v3/reference/{endpoint}?cursor={ticker}.{end}").into();
    }
    page.to_string()
}

async fn polygon_splits_and_dividends_page_by_ticker(backend: &'static str) {
    let db = TestDb::of(backend, "act_polygon");
    let (base, server) = Hostile::start(polygon_page).await;
    let c = polygon(&base);
    let symbols = "SHOP,GOOG,CSSEN";
    let s = spec(Provider::Polygon, symbols);
    let r = run_actions_backfill(&s, &db.url, &c).await.unwrap();
    // SHOP: a splits page, an empty dividends page; GOOG the same; CSSEN: an empty splits
    // page, then its 8 dividends in pages of 3.
    assert_eq!((r.requests, r.pages), (3, 8), "{:?}", server.seen());
    assert_eq!((r.splits.inserted, r.dividends.inserted), (3, 8), "{r:#?}");
    assert_eq!(r.by_source["forward_split"], 3);
    assert!(r.skipped.is_empty() && r.outside == 0);
    // Polygon lists SHOP's 10-for-1 of 2022 twice, a week apart: stored, and warned about.
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(r.warnings[0].starts_with("SHOP: the same 10-for-1 split"));
    let got = stored(&db, symbols);
    assert_eq!(got.len(), 11);
    assert_eq!(got[0], split("SHOP", "2022-06-22", 1, 10));
    assert_eq!(got[2], split("GOOG", "2022-07-18", 1, 20));
    assert_eq!(got[3], dividend("CSSEN", "2023-09-14", "0.59375"));
    let seen = server.seen();
    assert!(
        seen.iter().any(|u| u.contains("cursor=CSSEN.6")),
        "{seen:?}"
    );
    assert!(
        !seen.iter().any(|u| u.contains("api.polygon.io")),
        "{seen:?}"
    );

    let again = run_actions_backfill(&s, &db.url, &c).await.unwrap();
    assert_eq!((again.rows.unchanged, again.rows.inserted), (11, 0));
    assert_eq!(stored(&db, symbols), got);
}

fn with_token(rel: &str, next: Option<&str>) -> String {
    let mut body = fixture_json(rel);
    body["next_page_token"] = next.into();
    body.to_string()
}

async fn a_looping_cursor_stores_nothing(backend: &'static str) {
    let db = TestDb::of(backend, "act_loop");
    // p1 → A → p2 → B → p1 → A again.
    let (base, server) = Hostile::start(|a| match a.param("page_token") {
        None => with_token(P1, Some("A")),
        Some("A") => with_token(P2, Some("B")),
        Some(_) => with_token(P1, Some("A")),
    })
    .await;
    let s = spec(Provider::Alpaca, ALPACA_SYMBOLS);
    let e = run_actions_backfill(&s, &db.url, &alpaca(&base))
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(server.requests(), 3, "{:?}", server.seen());
    assert!(
        e.contains(&format!("GET {base}/v1/corporate-actions?symbols="))
            && e.contains("page_token=B"),
        "{e}"
    );
    assert!(
        e.contains("\"A\" again") && e.ends_with("nothing stored"),
        "{e}"
    );
    assert!(!e.contains(SECRET));
    assert!(stored(&db, ALPACA_SYMBOLS).is_empty());

    // Polygon's next_url cycling between two cursors of the splits.
    let next = |c: &str| format!("https://api.polygon.io/v3/reference/splits?cursor={c}");
    let (base, server) = Hostile::start(move |a| {
        let to = if a.param("cursor") == Some("A") {
            "B"
        } else {
            "A"
        };
        let mut body = fixture_json("polygon/v3_reference_splits.json");
        body["next_url"] = next(to).into();
        body.to_string()
    })
    .await;
    let e = run_actions_backfill(&spec(Provider::Polygon, "GOOG"), &db.url, &polygon(&base))
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(server.requests(), 3, "{:?}", server.seen());
    assert!(
        e.contains("/v3/reference/splits?cursor=B") && e.contains("loops"),
        "{e}"
    );
    assert!(
        e.contains("apiKey=%5Bredacted%5D") && !e.contains(POLY_KEY),
        "{e}"
    );
    assert!(stored(&db, "GOOG").is_empty());
}

async fn a_malformed_page_stores_nothing_and_names_the_request(backend: &'static str) {
    let db = TestDb::of(backend, "act_malformed");
    let truncated = &fixture_json(P2).to_string()[..60];
    let mock = Mock::start(vec![Reply::fixture(P1), Reply::json(truncated)]).await;
    let s = spec(Provider::Alpaca, ALPACA_SYMBOLS);
    let e = run_actions_backfill(&s, &db.url, &alpaca(&mock.base))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("/v1/corporate-actions?symbols=MNTS%2CSRE%2CMSBC%2CFCF%2CZMTBY")
            && e.contains("page_token=MDA3Q1ZS")
            && e.contains("malformed response"),
        "{e}"
    );
    assert!(e.contains("nothing stored"), "{e}");
    // Page 1's splits and dividend are not stored without page 2.
    assert!(stored(&db, ALPACA_SYMBOLS).is_empty());

    // A cursor the server refuses (HTTP 422) is not a malformed body, but stores nothing either.
    mock.push(Reply::fixture(P1));
    mock.push(Reply::status(422, r#"{"message":"invalid page_token"}"#));
    let e = run_actions_backfill(&s, &db.url, &alpaca(&mock.base))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("HTTP 422") && e.contains("page_token="), "{e}");
    assert!(stored(&db, ALPACA_SYMBOLS).is_empty());
}

async fn a_429_is_waited_out(backend: &'static str) {
    let db = TestDb::of(backend, "act_429");
    let mock = Mock::start(vec![
        Reply::status(429, r#"{"message":"too many requests."}"#).header("retry-after", "0"),
        Reply::fixture(P1),
        Reply::status(503, "unavailable"),
        Reply::fixture(P2),
    ])
    .await;
    // ZMTBY is not asked for: its dividend (page 2) is counted as outside, not stored.
    let s = spec(Provider::Alpaca, "MNTS,SRE,MSBC,FCF");
    let r: ActionsReport = run_actions_backfill(&s, &db.url, &alpaca(&mock.base))
        .await
        .unwrap();
    assert_eq!(mock.seen().len(), 4);
    assert_eq!((r.pages, r.rows.inserted, r.outside), (2, 4, 1), "{r:#?}");
    assert_eq!(
        stored(&db, "MNTS,SRE,MSBC,FCF,ZMTBY"),
        alpaca_actions()[..4]
    );
}
