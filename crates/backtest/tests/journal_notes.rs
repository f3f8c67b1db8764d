//! Every built-in strategy explains its signals in the journal: the rule that fired with its
//! numbers (a promoted signal passes a condition and blocks none), and the entries a cooldown
//! holds back as blocked signals naming it.

mod common;
mod journal_check;

use backtest::AgentConfig;
use backtest::Inputs;
use backtest::journal::SignalStatus;
use common::*;
use domain::calendar::Calendar;
use domain::journal::{Journal, SignalRecord};
use journal_check::*;

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
    let bars = seeded_walk(n, 42);
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
