//! The engine's journal: it agrees with the result it rides along (fills trade for trade), its
//! ledger points every round trip back to a promoted signal and its orders, a daily-loss halt
//! leaves vetoes with the rule and the values, and `technical_sentiment` names the filter that
//! blocked a crossover. The other built-ins' explanations: `journal_notes.rs`.

mod common;
mod journal_check;

use backtest::journal::{OrderEventKind, SignalStatus};
use backtest::strategies::{SourceRules, StrategyConfig, TechnicalSentimentConfig};
use backtest::{AgentConfig, Engine, Inputs, JournalConfig, OrderRequest, Pct, SnapshotCadence};
use common::*;
use domain::calendar::Calendar;
use domain::{SentimentLabel, SentimentRecord, SentimentSource, Timeframe};
use journal_check::*;

#[test]
fn the_reference_sma_journal_agrees_with_the_fills_and_links_every_round_trip() {
    let agent = AgentConfig::from_yaml(REF_SMA).unwrap();
    let bars = seeded_walk(20_000, 42);
    let plain = {
        let mut inputs = Inputs::new();
        inputs.bar_vec(spy(), agent.timeframe, bars.clone());
        agent.engine(Calendar::Nyse).unwrap().run(inputs).unwrap()
    };
    let r = journaled(&agent, bars, vec![]);
    // The journal changes nothing in the result.
    assert_eq!(r.to_json(), plain.to_json());
    let j = &r.journal.as_ref().unwrap().journal();
    assert!(plain.fills.len() > 50, "{} fills", plain.fills.len());
    assert_same_fills(j, &plain);
    check_links(j);
    let closed: Vec<_> = j.ledger.iter().filter(|t| t.pnl.is_some()).collect();
    assert_eq!(closed.len() as u64, plain.counts.closing_fills);
    let sum = closed.iter().fold(domain::Money::ZERO, |s, t| {
        s.checked_add(t.pnl.unwrap()).unwrap()
    });
    assert_eq!(sum, plain.realized_pnl);
    let s = &j.signals[0];
    assert!(s.setup.starts_with("sma_crossover:cross_"), "{}", s.setup);
    assert_eq!(s.session.as_deref(), Some("2024-01-02"));
    assert!(!j.snapshots.is_empty() && !j.risk_days.is_empty());
    assert_eq!(j.snapshots.last().unwrap().equity, plain.final_equity);
    // Same inputs, same journal.
    let again = journaled(&agent, seeded_walk(20_000, 42), vec![]);
    assert_eq!(again.journal, r.journal);
}

#[test]
fn a_daily_loss_halt_records_vetoes_with_the_rule_and_the_values() {
    let closes = ["100", "100", "94", "95", "96"];
    let ohlc: Vec<_> = closes.iter().map(|c| (*c, *c, *c, *c)).collect();
    let mut bars = series("2024-01-02T14:30:00Z", Timeframe::M1, &ohlc);
    bars.extend(series(
        "2024-01-03T14:30:00Z",
        Timeframe::M1,
        &[
            ("96", "96", "96", "96"),
            ("97", "97", "97", "97"),
            ("98", "98", "98", "98"),
        ],
    ));
    let mut cfg = config("10000", Timeframe::M1);
    cfg.risk.max_daily_loss_pct = Some(Pct::lit("5"));
    let plan = vec![
        (0, OrderRequest::buy(S0)),
        (3, OrderRequest::buy(S0)),
        (5, OrderRequest::buy(S0)),
    ];
    let engine = Engine::new(cfg, Box::new(Script::new(plan)))
        .unwrap()
        .with_journal(JournalConfig {
            strategy: "script".into(),
            snapshots: SnapshotCadence::EveryBar,
        });
    let r = run(engine, bars);
    let j = r.journal.unwrap().journal();
    assert_eq!(j.vetoes.len(), 1, "{:?}", j.vetoes);
    let v = &j.vetoes[0];
    assert_eq!(v.rule, "max_daily_loss");
    assert_eq!(v.observed, domain::Money::lit("9400"));
    assert_eq!(v.limit, domain::Money::lit("9500"));
    let s = &j.signals[v.signal_id as usize - 1];
    assert_eq!(s.status, SignalStatus::Blocked);
    assert!(
        s.filters_blocked[0].starts_with("risk.max_daily_loss"),
        "{:?}",
        s.filters_blocked
    );
    // The risk close is an order of its own, without a signal, and it filled.
    let close = j
        .orders
        .iter()
        .find(|o| o.reason == "max_daily_loss")
        .unwrap();
    assert_eq!(close.signal_id, None);
    assert!(
        j.order_events
            .iter()
            .any(|e| e.order_id == close.id && e.kind == OrderEventKind::Filled)
    );
    assert_eq!(j.risk_days.len(), 2);
    assert!(j.risk_days[0].daily_loss_breached && !j.risk_days[1].daily_loss_breached);
    assert_eq!(j.risk_days[0].trades, 1);
    assert_eq!(j.risk_days[0].realized_pnl, domain::Money::lit("-500"));
    assert_eq!(j.snapshots.len(), 8);
    assert_eq!(j.fills.len(), 3);
}

#[test]
fn technical_sentiment_journals_a_blocked_crossover_naming_the_filter() {
    let mut agent = AgentConfig::from_yaml(REF_SMA).unwrap();
    agent.strategy = StrategyConfig::TechnicalSentiment(TechnicalSentimentConfig {
        fast: 2,
        slow: 3,
        min_score: 0.1,
        min_confidence: 0.0,
        exit_score: None,
        max_age_hours: None,
        require_sentiment: false,
        sources: SourceRules::default(),
    });
    let closes = ["10", "9", "8", "7", "6", "7", "8", "9", "10", "11"];
    let ohlc: Vec<_> = closes.iter().map(|c| (*c, *c, *c, *c)).collect();
    let bars = series("2024-01-02T14:30:00Z", Timeframe::M1, &ohlc);
    let gloomy = SentimentRecord::new(
        spy(),
        bars[0].ts.plus(30_000_000_000),
        SentimentSource::News,
        SentimentLabel::from_score(-0.9, 0.05),
        -0.9,
        1.0,
        serde_json::Value::Null,
    )
    .unwrap();
    let r = journaled(&agent, bars, vec![gloomy]);
    assert!(r.fills.is_empty());
    let j = r.journal.unwrap().journal();
    let blocked: Vec<_> = j
        .signals
        .iter()
        .filter(|s| s.status == SignalStatus::Blocked)
        .collect();
    assert_eq!(blocked.len(), 1, "{:?}", j.signals);
    let s = blocked[0];
    assert_eq!(&*s.setup, "technical_sentiment:cross_up");
    assert_eq!(s.score, Some(-0.9));
    assert_eq!(s.filters_blocked[..], ["sentiment >= 0.1 (blend -0.9000)"]);
    assert_eq!(s.filters_passed[..], ["fast sma crossed above slow sma"]);
    assert!(j.orders.is_empty());
}
