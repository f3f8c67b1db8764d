//! The engine's journal: it agrees with the result it rides along (fills trade for trade), its
//! ledger points every round trip back to a promoted signal and its orders, a daily-loss halt
//! leaves vetoes with the rule and the values, and `technical_sentiment` names the filter that
//! blocked a crossover.

mod common;

use backtest::journal::{OrderEventKind, OrderSide, SignalStatus};
use backtest::strategies::{SourceRules, StrategyConfig, TechnicalSentimentConfig};
use backtest::{
    AgentConfig, BacktestResult, Engine, Inputs, JournalConfig, OrderRequest, Pct, SnapshotCadence,
};
use common::*;
use domain::calendar::Calendar;
use domain::journal::{Journal, SignalRecord};
use domain::{Bar, Price, Quantity, SentimentLabel, SentimentRecord, SentimentSource, Timeframe};

const REF_SMA: &str = "id: ref_sma
symbols: [SPY]
timeframe: 1m
initial_capital: 100000
strategy: { kind: sma_crossover, fast: 10, slow: 30 }
sizing: { kind: all_cash }
costs: { commission_per_share: 0, slippage_bps: 0 }
fill: next_open
";

/// A seeded random walk of one-minute bars on a cent grid.
fn walk(n: usize) -> Vec<Bar> {
    let t0 = t("2024-01-02T14:30:00Z");
    let mut state: u64 = 42;
    let mut price: i64 = 10_000;
    (0..n)
        .map(|i| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let step = ((state >> 33) % 41) as i64 - 20;
            let open = price;
            price = (price + step).max(100);
            let p = |c: i64| Price::from_raw(c * 10_000_000);
            Bar::new(
                t0.plus(60_000_000_000 * i as i64),
                p(open),
                p(open.max(price) + 3),
                p(open.min(price) - 3),
                p(price),
                Quantity::from_int(100),
                None,
                None,
            )
            .unwrap()
        })
        .collect()
}

fn journaled(agent: &AgentConfig, bars: Vec<Bar>, records: Vec<SentimentRecord>) -> BacktestResult {
    let mut inputs = Inputs::new();
    inputs.bar_vec(spy(), agent.timeframe, bars);
    inputs.sentiment(records);
    let cfg = JournalConfig {
        strategy: agent.strategy.kind().to_owned(),
        snapshots: SnapshotCadence::SessionClose,
    };
    agent
        .engine(Calendar::Nyse)
        .unwrap()
        .with_journal(cfg)
        .run(inputs)
        .unwrap()
}

fn check_links(j: &Journal) {
    assert!(!j.ledger.is_empty());
    // Every fill goes the way its order (and the order's signal) says: a short is closed by
    // a buy.
    for f in &j.fills {
        let order = &j.orders[f.order_id as usize - 1];
        let buying = matches!(f.action, domain::Action::Buy | domain::Action::Cover);
        let side = if buying {
            OrderSide::Buy
        } else {
            OrderSide::Sell
        };
        assert_eq!(order.side, side, "{f:?} of {order:?}");
        if let Some(s) = order.signal_id {
            assert_eq!(j.signals[s as usize - 1].side, side, "{order:?}");
        }
    }
    for trip in &j.ledger {
        let signal = &j.signals[trip.signal_id.expect("a signal") as usize - 1];
        assert_eq!(signal.status, SignalStatus::Promoted, "{trip:?}");
        assert_eq!(signal.symbol, trip.symbol);
        let order = &j.orders[trip.entry_order_id as usize - 1];
        assert_eq!(order.signal_id, Some(signal.id));
        assert!(signal.ts <= trip.entry_ts);
        if let Some(exit) = trip.exit_order_id {
            assert!(j.orders.get(exit as usize - 1).is_some());
            assert!(
                j.order_events
                    .iter()
                    .any(|e| e.order_id == exit && e.kind == OrderEventKind::Filled)
            );
        }
    }
}

/// The journal's fills are the result's, trade for trade.
fn assert_same_fills(j: &Journal, plain: &BacktestResult) {
    assert_eq!(j.fills.len(), plain.fills.len());
    for (a, b) in j.fills.iter().zip(&plain.fills) {
        assert_eq!(
            (
                a.ts,
                &a.symbol,
                a.action,
                a.quantity,
                a.price,
                a.fee,
                a.pnl,
                a.reason.as_ref()
            ),
            (
                b.timestamp,
                &b.symbol,
                b.action,
                b.quantity,
                b.price,
                b.commission,
                b.pnl,
                b.reason.as_str()
            )
        );
        // Every fill belongs to an order that was filled.
        assert!(a.order_id > 0);
        // Next-open fills: no time passes from the decision (bar close) to the fill (a stop
        // leg has no decision of its own).
        if j.orders[a.order_id as usize - 1].signal_id.is_some() {
            assert_eq!(a.latency_ns, Some(0));
        }
    }
}

#[test]
fn the_reference_sma_journal_agrees_with_the_fills_and_links_every_round_trip() {
    let agent = AgentConfig::from_yaml(REF_SMA).unwrap();
    let bars = walk(20_000);
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
    let again = journaled(&agent, walk(20_000), vec![]);
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

/// `strategy` (a YAML map) trading SPY on one-minute bars as `REF_SMA` does, plus `extra` lines.
fn agent_with(strategy: &str, extra: &str) -> AgentConfig {
    AgentConfig::from_yaml(&format!(
        "id: notes\nsymbols: [SPY]\ntimeframe: 1m\ninitial_capital: 100000\n\
         strategy: {strategy}\nsizing: {{ kind: all_cash }}\n\
         costs: {{ commission_per_share: 0, slippage_bps: 0 }}\nfill: next_open\n{extra}"
    ))
    .unwrap()
}

/// Runs `agent` on `n` bars of the walk with and without a journal: the fills agree, and every
/// promoted signal is explained by one of `rules` (setup `kind:rule`, a condition that passed,
/// none blocked), each rule at least once. Returns the journal.
fn explained(agent: &AgentConfig, n: usize, rules: &[&str]) -> Journal {
    let bars = walk(n);
    let mut inputs = Inputs::new();
    inputs.bar_vec(spy(), agent.timeframe, bars.clone());
    let plain = agent.engine(Calendar::Nyse).unwrap().run(inputs).unwrap();
    let r = journaled(agent, bars, vec![]);
    assert_eq!(r.to_json(), plain.to_json());
    let j = r.journal.unwrap().journal();
    assert_same_fills(&j, &plain);
    check_links(&j);
    let kind = agent.strategy.kind();
    for s in promoted(&j) {
        let rule = s.setup.strip_prefix(kind).and_then(|r| r.strip_prefix(':'));
        assert!(rule.is_some_and(|r| rules.contains(&r)), "{s:?}");
        assert!(!s.filters_passed.is_empty(), "{s:?}");
        assert!(s.filters_blocked.is_empty(), "{s:?}");
    }
    for rule in rules {
        let setup = format!("{kind}:{rule}");
        assert!(promoted(&j).any(|s| *s.setup == *setup), "no {setup}");
    }
    j
}

fn promoted(j: &Journal) -> impl Iterator<Item = &SignalRecord> {
    j.signals
        .iter()
        .filter(|s| s.status == SignalStatus::Promoted)
}

/// Every cross names the two lines with their values, and its score is their spread.
fn check_crosses(strategy: &str, up: &str, down: &str) {
    let j = explained(
        &agent_with(strategy, ""),
        20_000,
        &["cross_up", "cross_down"],
    );
    for s in promoted(&j) {
        let is_up = s.setup.ends_with(":cross_up");
        let spread = s.score.expect("a spread");
        assert!(spread != 0.0 && (spread > 0.0) == is_up, "{s:?}");
        let text = format!("{} (", if is_up { up } else { down });
        assert!(s.filters_passed[0].starts_with(&text), "{s:?}");
    }
}

#[test]
fn ema_crossover_journals_each_cross_with_both_averages() {
    check_crosses(
        "{ kind: ema_crossover, fast: 10, slow: 30 }",
        "fast ema crossed above slow ema",
        "fast ema crossed below slow ema",
    );
}

#[test]
fn macd_journals_each_cross_scored_by_the_histogram() {
    check_crosses(
        "{ kind: macd, fast: 12, slow: 26, signal: 9 }",
        "macd crossed above its signal line",
        "macd crossed below its signal line",
    );
}

/// The entries a cooldown held back: blocked notes of `setup` naming it, at bars where the
/// strategy asked for nothing.
fn held_back<'a>(j: &'a Journal, setup: &str, bars: usize) -> Vec<&'a SignalRecord> {
    let blocked: Vec<_> = j
        .signals
        .iter()
        .filter(|s| s.status == SignalStatus::Blocked)
        .collect();
    assert!(!blocked.is_empty(), "no entry held back");
    let cooldown = format!("cooldown: {bars} bars after the last exit");
    for s in &blocked {
        assert_eq!(&*s.setup, setup, "{s:?}");
        assert_eq!(s.filters_blocked[..], [cooldown.as_str()], "{s:?}");
        assert_eq!(s.filters_passed.len(), 1, "{s:?}");
        assert!(
            j.orders
                .iter()
                .all(|o| o.signal_id.is_none() || o.ts != s.ts),
            "{s:?}"
        );
    }
    blocked
}

#[test]
fn rsi_reversion_journals_its_levels_and_the_entries_its_cooldown_holds_back() {
    let agent = agent_with(
        "{ kind: rsi_reversion, period: 14, oversold: 30, overbought: 70, cooldown_bars: 5 }",
        "risk: { stop_loss_pct: 0.2 }\n",
    );
    let j = explained(&agent, 20_000, &["oversold", "overbought"]);
    let blocked = held_back(&j, "rsi_reversion:oversold", 5);
    for s in promoted(&j).chain(blocked) {
        let rsi = s.score.expect("the rsi");
        let want = if s.setup.ends_with(":oversold") {
            assert!(rsi < 30.0, "{s:?}");
            format!("rsi {rsi:.2} < oversold 30")
        } else {
            assert!(rsi > 70.0, "{s:?}");
            format!("rsi {rsi:.2} > overbought 70")
        };
        assert_eq!(s.filters_passed[..], [want.as_str()]);
    }
}

/// Every band rule names the close (the signal's reference price) against the band, and its
/// z-score is on the side of the middle band the rule says.
fn check_bands(j: &Journal) {
    for s in j.signals.iter() {
        let (op, band) = match s.setup.split_once(':').unwrap().1 {
            "above_upper" => ('>', "upper"),
            "below_lower" => ('<', "lower"),
            "above_middle" => ('>', "middle"),
            "below_middle" => ('<', "middle"),
            other => panic!("{other}"),
        };
        let z = s.score.expect("a z-score");
        assert!(if op == '>' { z > 0.0 } else { z < 0.0 }, "{s:?}");
        let close = s.reference_price.unwrap();
        let text = format!("close {close} {op} {band} band ");
        assert!(s.filters_passed[0].starts_with(&text), "{s:?}");
    }
}

#[test]
fn bollinger_breakout_journals_entries_and_signal_exits_both_ways() {
    let agent = agent_with(
        "{ kind: bollinger, period: 20, k: 2, mode: breakout }",
        "allow_short: true\n",
    );
    let rules = ["above_upper", "below_lower", "below_middle", "above_middle"];
    let j = explained(&agent, 20_000, &rules);
    check_bands(&j);
}

#[test]
fn bollinger_reversion_journals_its_exits_and_the_entries_its_cooldown_holds_back() {
    let agent = agent_with(
        "{ kind: bollinger, period: 20, k: 2, mode: reversion, cooldown_bars: 5 }",
        "risk: { stop_loss_pct: 0.2 }\n",
    );
    let j = explained(&agent, 20_000, &["below_lower", "above_middle"]);
    held_back(&j, "bollinger:below_lower", 5);
    check_bands(&j);
}

#[test]
fn buy_and_hold_journals_its_one_entry() {
    let agent = agent_with("{ kind: buy_and_hold }", "");
    let j = explained(&agent, 1_000, &["first_bar"]);
    assert_eq!(j.signals.len(), 1);
    assert_eq!(
        j.signals[0].filters_passed[..],
        ["buy and hold: first tradable bar"]
    );
}
