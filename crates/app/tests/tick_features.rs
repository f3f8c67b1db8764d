//! Tick features end to end on SQLite and PostgreSQL: an agent listing `cvd` and `obi` runs on
//! stored minute bars with hand-made trades and quotes; the stored feature rows hold, at each
//! bar, the values after the ticks stamped before its close (computed by hand below), a symbol
//! without ticks has none, a run starting mid-day still counts the day's delta from its start,
//! and a sweep's preloaded data gives the same values and fingerprint.

use app::run::{self, Preloaded, RunRequest};
use app::time::Window;
use backtest::AgentConfig;
use domain::{Bar, Price, Quantity, QuoteTick, Symbol, Timeframe, TradeTick, UnixNanos};
use store::Seq;
use testkit::{TestDb, conformance};

conformance!(stored_tick_features_are_the_values_at_each_close);

/// 2024-01-02 14:30 UTC: 09:30 in New York, the session's open.
fn at(min: i64, sec: i64, nanos: i64) -> UnixNanos {
    UnixNanos::parse_rfc3339("2024-01-02T14:30:00Z")
        .unwrap()
        .checked_plus(min * 60_000_000_000 + sec * 1_000_000_000 + nanos)
        .unwrap()
}

fn p(x: &str) -> Price {
    Price::parse(x).unwrap()
}

fn q(x: &str) -> Quantity {
    Quantity::parse(x).unwrap()
}

/// Five one-minute bars from 09:30.
fn bars() -> Vec<Bar> {
    (0..5)
        .map(|m| Bar {
            ts: at(m, 0, 0),
            open: p("100.00"),
            high: p("100.05"),
            low: p("99.95"),
            close: p("100.01"),
            volume: q("1000"),
            vwap: None,
            trade_count: None,
        })
        .collect()
}

fn quote(ts: UnixNanos, bid: &str, ask: &str, bid_size: &str, ask_size: &str) -> Seq<QuoteTick> {
    let tick = QuoteTick {
        ts,
        bid: p(bid),
        ask: p(ask),
        bid_size: q(bid_size),
        ask_size: q(ask_size),
        bid_exchange: String::new(),
        ask_exchange: String::new(),
        conditions: Vec::new(),
        suspicious: false,
    };
    Seq { seq: 0, tick }
}

fn trade(ts: UnixNanos, price: &str, size: &str) -> Seq<TradeTick> {
    let tick = TradeTick {
        ts,
        price: p(price),
        size: q(size),
        exchange: String::new(),
        conditions: Vec::new(),
        trade_id: None,
        suspicious: false,
    };
    Seq { seq: 0, tick }
}

/// The ticks, and by hand the (cvd, obi) each bar reads at its close (ticks stamped before it).
#[allow(clippy::type_complexity)]
fn ticks() -> (Vec<Seq<QuoteTick>>, Vec<Seq<TradeTick>>, Vec<(f64, f64)>) {
    let quotes = vec![
        // Bar 0: mid 100.01, imbalance (300 − 100) / 400.
        quote(at(0, 10, 0), "100.00", "100.02", "300", "100"),
        // Bar 1: mid 100.02, imbalance (100 − 300) / 400; stamped with a trade after it.
        quote(at(1, 30, 0), "100.01", "100.03", "100", "300"),
        // Bar 3, a nanosecond before its close: a balanced book.
        quote(at(3, 59, 999_999_999), "100.00", "100.04", "200", "200"),
    ];
    let trades = vec![
        trade(at(0, 20, 0), "100.02", "10"), // above the mid: +10
        trade(at(0, 30, 0), "100.00", "4"),  // below: −4 → 6
        // At bar 0's close, so bar 1's: at the mid, up from 100.00 by the tick rule: +5 → 11.
        trade(at(1, 0, 0), "100.01", "5"),
        // With the quote of its instant (it came first): below the new mid 100.02: −2 → 9.
        trade(at(1, 30, 0), "100.01", "2"),
        // At bar 4's close: no bar reads it.
        trade(at(5, 0, 0), "100.10", "50"),
    ];
    let expected = vec![(6.0, 0.5), (9.0, -0.5), (9.0, -0.5), (9.0, 0.0), (9.0, 0.0)];
    (quotes, trades, expected)
}

fn agent() -> AgentConfig {
    AgentConfig::from_yaml(
        "id: ticks\nsymbols: [SPY, QQQ]\ntimeframe: 1m\ninitial_capital: 100000\n\
         strategy: { kind: buy_and_hold }\nfeatures: [obi, cvd, vwap]\n",
    )
    .unwrap()
}

fn stored_tick_features_are_the_values_at_each_close(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let (spy, qqq) = (Symbol::lit("SPY"), Symbol::lit("QQQ"));
    for sym in [&spy, &qqq] {
        s.upsert_bars(sym, Timeframe::M1, &bars()).unwrap();
    }
    let (quotes, trades, expected) = ticks();
    s.upsert_quotes(&spy, &quotes, None).unwrap();
    s.upsert_trades(&spy, &trades, None).unwrap();

    let req = RunRequest::new(agent(), Vec::new(), Window::default(), None, true, None);
    let out = run::backtest(s.as_mut(), &req).unwrap();
    out.saved().unwrap();
    let stored = s.run_features(out.run_id.unwrap()).unwrap();
    let info = |name: &str| {
        let f = stored.provenance.features.iter().find(|f| f.name == name);
        f.unwrap_or_else(|| panic!("{name} has no provenance"))
    };
    let (cvd, obi) = (info("cvd"), info("obi"));
    assert_eq!(
        (obi.warmup_bars, obi.params.as_str()),
        (0, "level=top;reset=day")
    );
    assert_eq!(
        (cvd.warmup_bars, cvd.params.as_str()),
        (0, "sign=quote,tick;reset=day")
    );
    let rows = |sym: &Symbol| -> Vec<&store::FeatureRow> {
        stored.rows.iter().filter(|r| &r.symbol == sym).collect()
    };
    let got: Vec<(UnixNanos, Option<f64>, Option<f64>)> = rows(&spy)
        .iter()
        .map(|r| (r.ts, r.values["cvd"], r.values["obi"]))
        .collect();
    let want: Vec<(UnixNanos, Option<f64>, Option<f64>)> = bars()
        .iter()
        .zip(&expected)
        .map(|(b, (c, o))| (b.ts, Some(*c), Some(*o)))
        .collect();
    assert_eq!(got, want);
    // QQQ has no ticks: no tick values, its bar features all the same, and the run says so.
    assert_eq!(out.run.without_ticks, std::slice::from_ref(&qqq));
    assert_eq!(rows(&qqq).len(), 5);
    for r in rows(&qqq) {
        assert_eq!((r.values["cvd"], r.values["obi"]), (None, None));
        assert!(r.values["vwap"].is_some());
    }

    // From 09:32: the day's delta still counts the ticks since the day's start.
    let from = Window {
        start: Some(at(2, 0, 0)),
        end: None,
    };
    let late = run::run(s.as_ref(), &agent(), from, None).unwrap();
    let frame = late.result.features.as_ref().unwrap();
    assert_eq!(frame.ts[0], at(2, 0, 0));
    assert_eq!(&frame.row(0)[1..], &[Some(9.0), Some(-0.5)]);

    // A sweep's preloaded data reads the same values, with the same fingerprint.
    let pre = Preloaded::load(s.as_ref(), &agent(), Window::default(), 0).unwrap();
    let swept = run::run(&pre, &agent(), Window::default(), None).unwrap();
    assert_eq!(swept.result.features, out.run.result.features);
    assert_eq!(swept.fingerprint, out.run.fingerprint);
    // The ticks are part of the fingerprint: the same bars without the features differ.
    let mut plain = agent();
    plain.features = backtest::features::FeatureSet::new([backtest::features::Feature::Vwap]);
    let bare = run::run(s.as_ref(), &plain, Window::default(), None).unwrap();
    assert_ne!(bare.fingerprint, out.run.fingerprint);
}
