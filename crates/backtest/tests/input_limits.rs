//! Every upper bound an agent file is checked against (issue 7, defect 4): a value just past the
//! bound is refused, naming the field, its line and the value; the bound itself is accepted.
//! Within these bounds every fee and slipped price of an accepted fill is representable.

use backtest::AgentConfig;

/// An agent with one extra block on line 6.
fn with(block: &str) -> String {
    format!(
        "id: edge\nsymbols: [SPY]\ntimeframe: 1d\ninitial_capital: 100000\n\
         strategy: {{ kind: buy_and_hold }}\n{block}\n"
    )
}

/// (block past the bound, the same block at the bound, field named, text in the message)
const LIMITS: &[(&str, &str, &str, &str)] = &[
    (
        "costs: { commission_pct: 100.01 }",
        "costs: { commission_pct: 100 }",
        "costs.commission_pct",
        "at most 100%",
    ),
    (
        "costs: { commission_per_share: \"1000000000.01\" }",
        "costs: { commission_per_share: 1000000000 }",
        "costs.commission_per_share",
        "1000000000.01 exceeds the largest supported price",
    ),
    (
        "costs: { commission_min: \"1000000000000000.01\" }",
        "costs: { commission_min: 1000000000000000 }",
        "costs.commission_min",
        "exceeds the largest supported capital",
    ),
    (
        "costs: { commission_per_trade: \"1000000000000000.01\" }",
        "costs: { commission_per_trade: 1000000000000000 }",
        "costs.commission_per_trade",
        "exceeds the largest supported capital",
    ),
    (
        "costs: { tick_size: 1000, slippage_ticks: 1000001 }",
        "costs: { tick_size: 1000, slippage_ticks: 1000000 }",
        "costs.slippage_ticks",
        "1000001 ticks of 1000 exceed the largest supported price",
    ),
    (
        "risk: { stop_loss_abs: \"1000000000.000000001\" }",
        "risk: { stop_loss_abs: 1000000000 }",
        "risk.stop_loss_abs",
        "exceeds the largest supported price",
    ),
    (
        "risk: { take_profit_abs: \"1000000000.000000001\" }",
        "risk: { take_profit_abs: 1000000000 }",
        "risk.take_profit_abs",
        "exceeds the largest supported price",
    ),
    (
        "sizing: { kind: fixed_cash, amount: \"1000000000000000.01\" }",
        "sizing: { kind: fixed_cash, amount: 1000000000000000 }",
        "sizing.amount",
        "exceeds the largest supported capital",
    ),
    (
        "sizing: { kind: percent_equity, pct: 100.5 }",
        "sizing: { kind: percent_equity, pct: 100 }",
        "sizing.pct",
        "at most 100%",
    ),
];

#[test]
fn every_bound_refuses_the_value_past_it_and_accepts_the_bound() {
    for &(past, at, field, text) in LIMITS {
        let e = AgentConfig::from_yaml(&with(past)).expect_err(past);
        assert_eq!(e.field, field, "{past}: {e}");
        assert_eq!(e.line, Some(6), "{past}: {e}");
        assert!(e.message.contains(text), "{past}: {e}");
        if let Err(e) = AgentConfig::from_yaml(&with(at)) {
            panic!("{at} is at the bound and should be accepted: {e}");
        }
    }
}
