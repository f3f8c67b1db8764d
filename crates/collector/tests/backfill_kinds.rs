//! Backfill of trades, quotes, news, option chains and Polygon pages: ticks that share a
//! timestamp keep their order across pages and across a resume; the crossed quote is stored and
//! counted; news lands with its per-15-minute sentiment.

mod common;

use collector::Provider;
use collector::backfill::{BackfillReport, BackfillSpec, run_backfill};
use collector::worker::Clients;
use common::{alpaca, polygon};
use domain::{Price, Quantity, SentimentSource, Symbol, Timeframe, TradeTick, UnixNanos};
use store::{DataKind, Seq};
use testkit::alpaca_sim::{Fault, Row, Sim, rows_of_fixture};
use testkit::scripted::{Mock, Reply};
use testkit::{TestDb, fixture_json};

testkit::both_backends!(
    async
    crossed_quotes_are_stored_and_counted,
    ticks_sharing_a_timestamp_keep_their_order_across_pages_and_a_resume,
    news_is_stored_with_its_sentiment,
);

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

fn spec(kind: DataKind, symbols: &str, start: &str, end: &str) -> BackfillSpec {
    BackfillSpec::new(
        Provider::Alpaca,
        Symbol::parse_list(symbols).unwrap(),
        kind,
        Timeframe::M1,
        t(start),
        t(end),
        t("2026-01-01"),
    )
}

async fn run(db: &TestDb, spec: &BackfillSpec, c: &Clients) -> BackfillReport {
    run_backfill(spec, &db.url, c, &|_| {}).await.unwrap()
}

async fn crossed_quotes_are_stored_and_counted(backend: &'static str) {
    let db = TestDb::of(backend, "crossed");
    let body = fixture_json("alpaca/v2_stocks_quotes__get_quotes.json");
    let sim = Sim::new().rows("quotes", "AAPL", rows_of_fixture(&body, "quotes"));
    let (base, _) = sim.start().await;
    let s = spec(DataKind::Quotes, "AAPL", "2022-03-09", "2022-03-10");
    let report = run(&db, &s, &alpaca(&base)).await;
    let r = &report.symbols[0];
    assert_eq!((r.rows.inserted, r.crossed, r.pages), (2, 2, 1), "{r:#?}");
    let quotes = db.with(|st| st.quotes(&Symbol::lit("AAPL"), None, None).unwrap());
    // Both quotes share 09:00:00.000059: seq keeps them apart, in the order sent.
    assert_eq!(quotes.iter().map(|q| q.seq).collect::<Vec<_>>(), [0, 1]);
    assert!(quotes.iter().all(|q| q.tick.is_crossed()));
    assert_eq!(quotes[0].tick.bid, Price::lit("159.52"));
    assert_eq!(quotes[0].tick.ask, Price::lit("158.65"));
    assert_eq!(quotes[1].tick.ask, Price::lit("158.8"));
    assert_eq!(quotes[0].tick.ts, t("2022-03-09T09:00:00.000059Z"));
}

/// Groups of trades at one millisecond each; the i-th group has `sizes[i]` trades.
fn grouped_trades(sizes: &[usize]) -> (Vec<Row>, Vec<Seq<TradeTick>>) {
    let t0 = t("2024-01-02T14:30:00Z");
    let (mut rows, mut ticks) = (Vec::new(), Vec::new());
    let mut id = 1000;
    for (g, n) in sizes.iter().enumerate() {
        let ts = t0.plus(g as i64 * 1_000_000);
        for k in 0..*n {
            id += 1;
            let cents = 18_500 + (g * 7 + k * 3) as i64 % 40;
            rows.push(Row {
                ts: ts.as_i64(),
                json: format!(
                    r#"{{"t":"{}","x":"V","p":{}.{:02},"s":{},"c":["@","I"],"i":{id},"z":"C"}}"#,
                    ts.to_rfc3339(),
                    cents / 100,
                    cents % 100,
                    k + 1
                ),
                symbols: vec![],
            });
            ticks.push(Seq {
                seq: k as u32,
                tick: TradeTick {
                    ts,
                    price: Price::from_raw(cents * 10_000_000),
                    size: Quantity::from_int(k as i64 + 1),
                    exchange: "V".into(),
                    conditions: vec!["@".into(), "I".into()],
                    trade_id: Some(id.to_string()),
                    suspicious: false,
                },
            });
        }
    }
    (rows, ticks)
}

async fn ticks_sharing_a_timestamp_keep_their_order_across_pages_and_a_resume(
    backend: &'static str,
) {
    let db = TestDb::of(backend, "ticks");
    // Pages of 4 cut the groups of 3 and 5 apart; request 3 (the third page) breaks, so the
    // first run stops after two pages, in the middle of the 5-trade group.
    let (rows, expected) = grouped_trades(&[1, 3, 5, 2, 1, 4]);
    let sim = Sim::new()
        .page_size(4)
        .rows("trades", "SPY", rows)
        .fault(3, Fault::Truncate);
    let (base, sim) = sim.start().await;
    let c = alpaca(&base);
    let s = spec(DataKind::Trades, "SPY", "2024-01-02", "2024-01-03");
    let first = run(&db, &s, &c).await;
    assert_eq!(first.failed, 1);
    assert_eq!(first.symbols[0].rows.inserted, 8);
    let read = || db.with(|st| st.trades(&Symbol::lit("SPY"), None, None).unwrap());
    assert_eq!(read(), expected[..8]);

    let second = run(&db, &s, &c).await;
    assert_eq!(second.failed, 0, "{second:#?}");
    assert!(second.symbols[0].resumed);
    assert_eq!(second.symbols[0].rows.inserted, 16 - 8);
    assert_eq!(read(), expected);
    // With the checkpoint forgotten, the day is fetched again in one go: the same numbering,
    // so every row is unchanged.
    let key = store::CheckpointKey {
        provider: "alpaca".into(),
        symbol: Symbol::lit("SPY"),
        kind: DataKind::Trades,
        timeframe: None,
    };
    db.with(|st| {
        st.save_checkpoint(&store::Checkpoint::new(key, t("2026-01-01")))
            .unwrap()
    });
    let third = run(&db, &s, &c).await;
    assert_eq!(third.symbols[0].rows.unchanged, 16, "{third:#?}");
    assert_eq!(third.symbols[0].rows.inserted, 0);
    assert_eq!(read(), expected);
    assert!(sim.requests() > 0);
}

async fn news_is_stored_with_its_sentiment(backend: &'static str) {
    let db = TestDb::of(backend, "news");
    let mut rows = rows_of_fixture(
        &fixture_json("alpaca/go_sdk/v1beta1_news__GetNews_1.json"),
        "news",
    );
    rows.extend(rows_of_fixture(
        &fixture_json("alpaca/go_sdk/v1beta1_news__GetNews_2.json"),
        "news",
    ));
    let sim = Sim::new().page_size(2).news(rows);
    let (base, _) = sim.start().await;
    let c = alpaca(&base);
    let s = spec(DataKind::News, "TSLA,AAPL", "2021-04-01", "2021-04-05");
    let report = run(&db, &s, &c).await;
    assert_eq!(report.failed, 0, "{report:#?}");
    let by = |sym: &str| report.symbols.iter().find(|r| r.symbol == sym).unwrap();
    // TSLA is in all three articles (two pages of two); AAPL in one, which TSLA shares, so
    // whichever symbol stores it second finds it unchanged.
    let offered = |sym: &str| by(sym).rows.inserted + by(sym).rows.unchanged;
    assert_eq!((offered("TSLA"), by("TSLA").pages), (3, 2));
    assert_eq!((offered("AAPL"), by("AAPL").pages), (1, 1));
    assert_eq!(report.rows.inserted, 3);
    let (news, senti) = db.with(|st| {
        (
            st.news(&[Symbol::lit("TSLA")], None, None).unwrap(),
            st.sentiment(&[], None, None).unwrap(),
        )
    });
    assert_eq!(
        news.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
        ["20471562", "20472512", "20472678"]
    );
    assert_eq!(news[2].headline, "CEO John Krafcik Leaves Waymo");
    assert_eq!(
        news[2].symbols,
        Symbol::parse_list("GOOG,GOOGL,TSLA").unwrap()
    );
    // Each TSLA article falls in its own 15-minute interval, stamped at the interval's end.
    let tsla: Vec<(UnixNanos, u64)> = senti
        .iter()
        .filter(|r| r.symbol.as_str() == "TSLA")
        .map(|r| (r.ts, r.metadata["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        tsla,
        [
            (t("2021-04-03T12:45:00Z"), 1),
            (t("2021-04-03T15:30:00Z"), 1),
            (t("2021-04-03T15:45:00Z"), 1)
        ]
    );
    assert!(senti.iter().all(|r| r.source == SentimentSource::News));
    assert!(senti.iter().any(|r| r.symbol.as_str() == "AAPL"));
    // A rerun over the covered range fetches nothing.
    let again = run(&db, &s, &c).await;
    assert!(again.symbols.iter().all(|r| r.up_to_date));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polygon_quotes_follow_next_url() {
    // The fixture's two pages, served in the ascending order a sort=asc request gets.
    let mut p1 = fixture_json("polygon/v3_quotes_AAPL__page2.json");
    let mut p2 = fixture_json("polygon/v3_quotes_AAPL.json");
    let next = p2["next_url"].clone();
    p1["results"].as_array_mut().unwrap().reverse();
    p2["results"].as_array_mut().unwrap().reverse();
    p1["next_url"] = next;
    p2.as_object_mut().unwrap().remove("next_url");
    let mock = Mock::start(vec![
        Reply::json(p1.to_string()),
        Reply::json(p2.to_string()),
    ])
    .await;
    let c = polygon(&mock.base);
    let db = TestDb::of("sqlite", "poly");
    let mut s = spec(DataKind::Quotes, "AAPL", "2022-05-10", "2022-05-11");
    s.provider = Provider::Polygon;
    let report = run(&db, &s, &c).await;
    assert_eq!(report.failed, 0, "{report:#?}");
    assert_eq!((report.rows.inserted, report.pages), (20, 2));
    let seen: Vec<String> = mock.seen().into_iter().map(|s| s.uri).collect();
    assert!(seen[0].starts_with("/v3/quotes/AAPL?"), "{seen:?}");
    assert!(seen[1].contains("cursor="), "{seen:?}");
    let quotes = db.with(|st| st.quotes(&Symbol::lit("AAPL"), None, None).unwrap());
    assert_eq!(quotes.len(), 20);
    assert!(quotes.windows(2).all(|w| w[0].tick.ts <= w[1].tick.ts));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn option_chain_snapshot_is_stored() {
    let body = fixture_json("alpaca/v1beta1_options_snapshots_AAPL__get_option_chain.json");
    let mock = Mock::start(vec![
        Reply::json(body.to_string()),
        Reply::json(body.to_string()),
    ])
    .await;
    let c = alpaca(&mock.base);
    let db = TestDb::of("sqlite", "options");
    let s = spec(DataKind::Options, "AAPL", "2024-01-01", "2024-01-02");
    let report = run(&db, &s, &c).await;
    assert_eq!(report.failed, 0, "{report:#?}");
    assert_eq!(report.rows.inserted, 1);
    let stored = db.with(|st| st.options(&Symbol::lit("AAPL"), None, None).unwrap());
    assert_eq!(stored.len(), 1);
    assert!(stored[0].iv.is_some() && stored[0].delta.is_some());
    // A second snapshot of the same quote (same contract and time) changes nothing.
    let again = run(&db, &s, &c).await;
    assert_eq!(again.rows.unchanged, 1);
}
