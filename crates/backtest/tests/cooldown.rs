//! `rsi_reversion` and `bollinger` with `cooldown_bars` (issue 9): in a long slide RSI stays oversold, and
//! without a cooldown the strategy buys again on the bar after every stop-out. With
//! `cooldown_bars: N` each entry after a close waits N bars.

use backtest::{Action, AgentConfig, Inputs};
use domain::calendar::Calendar;
use domain::{Bar, Price, Quantity, Symbol, Timeframe, UnixNanos};

const DAY: i64 = 86_400_000_000_000;

/// 40 bars up, then 160 bars sliding 0.6 % a bar with a small wobble.
fn slide() -> Vec<Bar> {
    let t0 = UnixNanos::parse_rfc3339("2000-01-03T00:00:00Z").unwrap();
    let mut p = 100.0_f64;
    (0..200)
        .map(|i| {
            let open = p;
            p *= if i < 40 {
                1.003
            } else if i % 3 == 0 {
                1.002
            } else {
                0.991
            };
            let cents = |x: f64| Price::from_raw((x * 100.0).round() as i64 * 10_000_000);
            Bar {
                ts: t0.plus(i * DAY),
                open: cents(open),
                high: cents(open.max(p) * 1.001),
                low: cents(open.min(p) * 0.999),
                close: cents(p),
                volume: Quantity::from_int(1_000),
                vwap: None,
                trade_count: None,
            }
        })
        .collect()
}

fn entries(cooldown: &str) -> Vec<usize> {
    entries_of(&format!(
        "{{ kind: rsi_reversion, period: 14, oversold: 30, overbought: 70{cooldown} }}"
    ))
}

fn entries_of(strategy: &str) -> Vec<usize> {
    let agent = AgentConfig::from_yaml(&format!(
        "id: rsi\nsymbols: [SPY]\ntimeframe: 1d\ninitial_capital: 100000\n\
         strategy: {strategy}\nrisk: {{ stop_loss_pct: 1 }}\n"
    ))
    .unwrap();
    let bars = slide();
    let mut inputs = Inputs::new();
    inputs.bar_vec(Symbol::lit("SPY"), Timeframe::D1, bars.clone());
    let r = agent.engine(Calendar::Nyse).unwrap().run(inputs).unwrap();
    r.fills
        .iter()
        .filter(|f| f.action == Action::Buy)
        .map(|f| bars.iter().position(|b| b.ts == f.timestamp).unwrap())
        .collect()
}

#[test]
fn a_cooldown_spaces_entries_after_each_stop_out() {
    let eager = entries("");
    assert!(
        eager.len() > 20,
        "stopped out and back in all the way down: {eager:?}"
    );
    assert!(
        eager.windows(2).any(|w| w[1] - w[0] <= 2),
        "re-entries on the next bars: {eager:?}"
    );

    let patient = entries(", cooldown_bars: 5");
    assert!(!patient.is_empty() && patient.len() < eager.len());
    // A close is seen at the bar of its stop; the next entry is decided at least 5 bars later
    // and fills at the open after that.
    for w in patient.windows(2) {
        assert!(w[1] - w[0] >= 7, "entries too close: {patient:?}");
    }
}

#[test]
fn bollinger_reversion_waits_too() {
    let eager = entries_of("{ kind: bollinger, period: 20, k: 1, mode: reversion }");
    let patient =
        entries_of("{ kind: bollinger, period: 20, k: 1, mode: reversion, cooldown_bars: 5 }");
    // Stopped out and back in every few bars all the way down.
    assert!(eager.windows(2).all(|w| w[1] - w[0] <= 3), "{eager:?}");
    assert!(
        !patient.is_empty() && patient.len() < eager.len(),
        "{patient:?}"
    );
    for w in patient.windows(2) {
        assert!(w[1] - w[0] >= 7, "entries too close: {patient:?}");
    }
}

#[test]
fn cooldown_bars_is_checked_and_only_for_level_strategies() {
    let text = |strategy: &str| {
        format!(
            "id: x\nsymbols: [SPY]\ntimeframe: 1d\ninitial_capital: 100000\nstrategy: {strategy}\n"
        )
    };
    let e = AgentConfig::from_yaml(&text("{ kind: rsi_reversion, cooldown_bars: 100001 }"))
        .unwrap_err();
    assert_eq!(e.field, "strategy.cooldown_bars");
    let e = AgentConfig::from_yaml(&text(
        "{ kind: sma_crossover, fast: 5, slow: 20, cooldown_bars: 3 }",
    ))
    .unwrap_err();
    assert_eq!(e.field, "strategy.cooldown_bars");
    // Stored snapshots of agents without it are unchanged.
    let a = AgentConfig::from_yaml(&text("{ kind: rsi_reversion }")).unwrap();
    assert!(!a.to_json().to_string().contains("cooldown"));
    let a = AgentConfig::from_yaml(&text("{ kind: rsi_reversion, cooldown_bars: 4 }")).unwrap();
    assert!(a.to_json().to_string().contains("\"cooldown_bars\":4"));
}
