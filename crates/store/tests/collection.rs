//! Collection-table conformance (ticks, options, news, what is collected), run against SQLite
//! and PostgreSQL. Checkpoints, job runs and key rows are in `checkpoints.rs`.

mod common;

use chrono::NaiveDate;
use common::{TestDb, option, seq, trade, ts, upserted};
use domain::{
    NewsArticle, OptionRight, Price, Provider, Quantity, QuoteTick, SentimentLabel,
    SentimentRecord, SentimentSource, Symbol, TickerSentiment, UnixNanos,
};
use serde_json::json;
use store::{DataKind, StoreError};
use testkit::conformance;

conformance!(
    trades_upsert_on_ts_and_seq,
    quotes_keep_crossed_rows,
    options_round_trip,
    news_with_sentiment_and_reads,
    collected_summarizes_kinds,
);

fn trades_upsert_on_ts_and_seq(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    // Two prints in one instant are two rows: seq tells them apart.
    let batch = vec![
        seq(0, trade(0, 1, "1")),
        seq(1, trade(0, 2, "2")),
        seq(0, trade(1, 3, "")),
    ];
    assert_eq!(
        s.upsert_trades(&spy, &batch, None).unwrap(),
        upserted(3, 0, 0)
    );
    assert_eq!(
        s.upsert_trades(&spy, &batch, None).unwrap(),
        upserted(0, 0, 3)
    );
    let mut changed = batch.clone();
    changed[1].tick.size = Quantity::from_int(200);
    changed.push(seq(2, trade(0, 4, "4")));
    assert_eq!(
        s.upsert_trades(&spy, &changed, None).unwrap(),
        upserted(1, 1, 2)
    );
    let mut expected = changed.clone();
    expected.sort_by_key(|r| (r.tick.ts, r.seq));
    assert_eq!(s.trades(&spy, None, None).unwrap(), expected);
    assert_eq!(
        s.trades(&spy, Some(ts(1)), None).unwrap(),
        vec![changed[2].clone()]
    );
    assert!(
        s.trades(&Symbol::lit("QQQ"), None, None)
            .unwrap()
            .is_empty()
    );

    let dup = vec![seq(0, trade(5, 1, "")), seq(0, trade(5, 2, ""))];
    let e = s.upsert_trades(&spy, &dup, None).unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref m) if m.contains("seq 0")),
        "{e}"
    );
    assert_eq!(s.trades(&spy, None, None).unwrap().len(), 4);
}

fn quote(minute: i64, bid: &str, ask: &str) -> QuoteTick {
    QuoteTick {
        ts: ts(minute),
        bid: Price::lit(bid),
        ask: Price::lit(ask),
        bid_size: Quantity::from_int(1),
        ask_size: Quantity::from_int(3),
        bid_exchange: "Q".into(),
        ask_exchange: "K".into(),
        conditions: vec![],
        suspicious: false,
    }
}

fn quotes_keep_crossed_rows(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let aapl = Symbol::lit("AAPL");
    let batch = vec![
        seq(0, quote(0, "159.52", "158.65")),
        seq(1, quote(0, "159.52", "158.66")),
        seq(0, quote(2, "159.50", "159.51")),
    ];
    assert!(batch[0].tick.is_crossed());
    assert_eq!(
        s.upsert_quotes(&aapl, &batch, None).unwrap(),
        upserted(3, 0, 0)
    );
    assert_eq!(s.quotes(&aapl, None, None).unwrap(), batch);
    assert_eq!(
        db.count("SELECT count(*) FROM market_quotes WHERE ask < bid"),
        2
    );
    assert_eq!(
        s.upsert_quotes(&aapl, &batch, None).unwrap(),
        upserted(0, 0, 3)
    );
}

fn options_round_trip(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let batch = vec![
        option("AAPL230616C00150000", 0, Some("5.10")),
        option("AAPL230616P00150000", 0, None),
        option("AAPL230616C00150000", 1, Some("5.20")),
    ];
    assert_eq!(batch[1].contract.right, OptionRight::Put);
    assert_eq!(
        batch[0].contract.expiry,
        NaiveDate::from_ymd_opt(2023, 6, 16).unwrap()
    );
    assert_eq!(s.upsert_options(&batch, None).unwrap(), upserted(3, 0, 0));
    let mut changed = batch.clone();
    changed[1].bid = Some(Price::lit("4.99"));
    assert_eq!(s.upsert_options(&changed, None).unwrap(), upserted(0, 1, 2));
    let back = s.options(&Symbol::lit("AAPL"), None, None).unwrap();
    let mut expected = changed.clone();
    expected.sort_by(|a, b| (a.ts, &a.contract.occ).cmp(&(b.ts, &b.contract.occ)));
    assert_eq!(back, expected);
    assert!(
        s.options(&Symbol::lit("MSFT"), None, None)
            .unwrap()
            .is_empty()
    );
    let twice = vec![batch[0].clone(), batch[0].clone()];
    assert!(matches!(
        s.upsert_options(&twice, None),
        Err(StoreError::Invalid(_))
    ));
}

fn article(provider: &str, id: &str, minute: i64, symbols: &str, headline: &str) -> NewsArticle {
    NewsArticle {
        provider: Provider::parse(provider).unwrap(),
        id: id.into(),
        symbols: Symbol::parse_list(symbols).unwrap(),
        headline: headline.into(),
        summary: format!("summary of {headline}"),
        source: "benzinga".into(),
        author: id.len().is_multiple_of(2).then(|| "A. Writer".into()),
        url: format!("https://example.com/{id}"),
        created_at: ts(minute),
        updated_at: None,
        provider_sentiment: (provider == "polygon").then(|| {
            vec![TickerSentiment {
                symbol: Symbol::lit("SPY"),
                label: SentimentLabel::Positive,
                reasoning: None,
            }]
        }),
    }
}

fn news_with_sentiment_and_reads(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let items = vec![
        article("alpaca", "1", 0, "SPY,QQQ", "Stocks rally"),
        article("alpaca", "2", 5, "AAPL", "Apple beats"),
        article("polygon", "1", 20, "SPY", "Fed holds"),
    ];
    let senti = SentimentRecord::new(
        Symbol::lit("SPY"),
        ts(15),
        SentimentSource::News,
        SentimentLabel::Positive,
        0.5,
        0.5,
        json!({"count": 1}),
    )
    .unwrap();
    let c = s
        .upsert_news(&items, std::slice::from_ref(&senti), None)
        .unwrap();
    assert_eq!(
        (c.news, c.sentiment),
        (upserted(3, 0, 0), upserted(1, 0, 0))
    );
    let c = s.upsert_news(&items, &[senti], None).unwrap();
    assert_eq!(
        (c.news, c.sentiment),
        (upserted(0, 0, 3), upserted(0, 0, 1))
    );
    // A changed article moves to its new tickers.
    let mut changed = items.clone();
    changed[0].symbols = vec![Symbol::lit("QQQ")];
    changed[0].updated_at = Some(ts(30));
    assert_eq!(
        s.upsert_news(&changed, &[], None).unwrap().news,
        upserted(0, 1, 2)
    );

    assert_eq!(s.news(&[], None, None).unwrap(), changed);
    let spy = s.news(&[Symbol::lit("SPY")], None, None).unwrap();
    assert_eq!(spy, vec![changed[2].clone()]);
    let both = s
        .news(
            &[Symbol::lit("QQQ"), Symbol::lit("AAPL")],
            Some(ts(0)),
            Some(ts(20)),
        )
        .unwrap();
    assert_eq!(both, vec![changed[0].clone(), changed[1].clone()]);
    assert_eq!(s.sentiment(&[], None, None).unwrap().len(), 1);
    assert_eq!(db.count("SELECT count(*) FROM news_symbols"), 3);
    let twice = vec![items[0].clone(), items[0].clone()];
    assert!(matches!(
        s.upsert_news(&twice, &[], None),
        Err(StoreError::Invalid(_))
    ));
}

fn collected_summarizes_kinds(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let spy = Symbol::lit("SPY");
    s.upsert_trades(
        &spy,
        &[seq(0, trade(0, 1, "")), seq(0, trade(9, 1, ""))],
        None,
    )
    .unwrap();
    s.upsert_quotes(&spy, &[seq(0, quote(3, "1", "2"))], None)
        .unwrap();
    s.upsert_news(&[article("alpaca", "9", 4, "SPY,AAPL", "x")], &[], None)
        .unwrap();
    let c = s.collected().unwrap();
    let got: Vec<(String, DataKind, u64, UnixNanos, UnixNanos)> = c
        .iter()
        .map(|c| (c.symbol.to_string(), c.kind, c.rows, c.first, c.last))
        .collect();
    assert_eq!(
        got,
        vec![
            ("AAPL".into(), DataKind::News, 1, ts(4), ts(4)),
            ("SPY".into(), DataKind::Trades, 2, ts(0), ts(9)),
            ("SPY".into(), DataKind::Quotes, 1, ts(3), ts(3)),
            ("SPY".into(), DataKind::News, 1, ts(4), ts(4)),
        ]
    );
}
