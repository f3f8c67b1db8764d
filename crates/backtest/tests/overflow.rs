//! Money, quantity and price arithmetic at the edges of the supported ranges (issue 7, defect 4).
//! Each case once gave a wrong number with exit 0; now a run is exact or fails with an error that
//! names the setting and the value.
//!
//! Bars above the largest price import accepts are built field by field (as a store written
//! before that limit could still hold them), since `Bar::new` refuses them.

use backtest::{Action, AgentConfig, BacktestResult, EngineError, Inputs};
use domain::calendar::Calendar;
use domain::{Bar, Money, Price, Quantity, Symbol, Timeframe, UnixNanos};

fn agent(capital: &str, strategy: &str, sizing: &str, costs: &str) -> AgentConfig {
    let text = format!(
        "id: edge\nsymbols: [SPY]\ntimeframe: 1d\ninitial_capital: {capital}\n\
         strategy: {strategy}\nsizing: {sizing}\ncosts: {costs}\n"
    );
    AgentConfig::from_yaml(&text).unwrap_or_else(|e| panic!("{e}"))
}

fn buy_and_hold(capital: &str, sizing: &str, costs: &str) -> AgentConfig {
    agent(capital, "{ kind: buy_and_hold }", sizing, costs)
}

/// One bar per day with these (open, high, low, close) raw prices, unvalidated.
fn days(ohlc: &[(i64, i64, i64, i64)]) -> Vec<Bar> {
    let t0 = UnixNanos::parse_rfc3339("2024-01-02T00:00:00Z").unwrap();
    ohlc.iter()
        .enumerate()
        .map(|(i, &(o, h, l, c))| Bar {
            ts: t0.plus(i as i64 * 86_400_000_000_000),
            open: Price::from_raw(o),
            high: Price::from_raw(h),
            low: Price::from_raw(l),
            close: Price::from_raw(c),
            volume: Quantity::from_int(1),
            vwap: None,
            trade_count: None,
        })
        .collect()
}

/// `n` flat days at `price` (raw units).
fn flat(price: i64, n: usize) -> Vec<Bar> {
    days(&vec![(price, price, price, price); n])
}

/// Closes swinging ±10 % around `base` (whole units) every few days, so crossovers happen.
fn waves(base: i64, n: usize) -> Vec<Bar> {
    let unit = Price::UNIT;
    let rows: Vec<_> = (0..n)
        .map(|i| {
            let swing = [0, 4, 8, 10, 8, 4, 0, -4, -8, -10, -8, -4][i % 12] + (i as i64 % 5);
            let c = (base * (100 + swing) / 100) * unit;
            (c, c + unit, c - unit, c)
        })
        .collect();
    days(&rows)
}

fn run(agent: &AgentConfig, bars: Vec<Bar>) -> Result<BacktestResult, EngineError> {
    let mut inputs = Inputs::new();
    inputs.bar_vec(Symbol::lit("SPY"), Timeframe::D1, bars);
    agent.engine(Calendar::Nyse)?.run(inputs)
}

#[test]
fn percent_equity_trades_the_same_at_every_supported_capital() {
    let trades = |capital: &str, base: i64| {
        let a = agent(
            capital,
            "{ kind: sma_crossover, fast: 2, slow: 5 }",
            "{ kind: percent_equity, pct: 50 }",
            "{}",
        );
        let r = run(&a, waves(base, 120)).unwrap_or_else(|e| panic!("capital {capital}: {e}"));
        let first = &r.fills[0];
        // Half the capital in whole shares at the first fill's price.
        let want = Money::lit(capital)
            .checked_mul_ratio(1, 2)
            .and_then(|half| half.checked_max_quantity(first.price, Quantity::from_int(1)))
            .unwrap();
        assert_eq!(first.quantity, want, "capital {capital}");
        r.fills.len()
    };
    let small = trades("100000", 100);
    assert!(small > 10);
    for capital in ["35000000000", "100000000000", "1000000000000"] {
        assert_eq!(trades(capital, 100), small, "capital {capital}");
    }
    // The largest capital at a BTC-sized price (5e9 units: within what Quantity holds).
    assert_eq!(trades("100000000", 100_000), small);
    assert_eq!(trades("1000000000000000", 100_000), small);
}

#[test]
fn a_percent_commission_always_costs_money() {
    for (capital, base) in [
        ("100000", 100),
        ("2000000000000", 100),
        ("1000000000000000", 100_000),
    ] {
        let free = buy_and_hold(capital, "{ kind: all_cash }", "{}");
        let free = run(&free, waves(base, 5)).unwrap();
        let paid = buy_and_hold(capital, "{ kind: all_cash }", "{ commission_pct: 1 }");
        let paid = run(&paid, waves(base, 5)).unwrap();
        assert!(
            paid.final_equity < free.final_equity,
            "capital {capital}: {} with fees, {} without",
            paid.final_equity,
            free.final_equity
        );
        let f = &paid.fills[0];
        // Exactly 1 % of the notional, and all cash spent but less than one share's cost.
        let notional = f.price.notional(f.quantity);
        assert_eq!(
            f.commission.raw() * 100,
            notional.raw(),
            "capital {capital}"
        );
        assert!(paid.final_cash >= Money::ZERO);
    }
}

#[test]
fn bps_slippage_of_a_whole_price_is_refused_and_never_buys_at_zero() {
    let e = AgentConfig::from_yaml(
        "id: edge\nsymbols: [SPY]\ntimeframe: 1d\ninitial_capital: 100000\n\
         strategy: { kind: buy_and_hold }\ncosts: { slippage_bps: 10000 }\n",
    )
    .expect_err("100 % slippage sells at zero");
    assert_eq!(e.field, "costs.slippage_bps");
    assert_eq!(e.line, Some(6));
    assert!(e.message.contains("10000"), "{e}");

    // Near the largest price an i64 holds, a 99.99 % buy slippage has no representable price.
    let a = buy_and_hold("100000", "{ kind: all_cash }", "{ slippage_bps: 9999 }");
    let near_max = 9_000_000_000 * Price::UNIT;
    match run(&a, flat(near_max, 3)) {
        Ok(r) => panic!("a result with fills {:?}", r.fills),
        Err(e) => {
            let m = e.to_string();
            assert!(matches!(e, EngineError::Overflow { .. }), "{m}");
            assert!(m.contains("costs.slippage_bps: 9999"), "{m}");
            assert!(m.contains("9000000000"), "{m}");
        }
    }

    // At the largest price import accepts the same slippage is exact.
    let a = buy_and_hold(
        "1000000000000000",
        "{ kind: all_cash }",
        "{ slippage_bps: 9999 }",
    );
    let r = run(&a, flat(Price::MAX_INPUT.raw(), 3)).unwrap();
    assert_eq!(r.fills[0].price, Price::lit("1999900000"));
}

#[test]
fn tick_slippage_near_the_largest_price_never_fills_below_the_low() {
    let a = buy_and_hold(
        "100000000000000",
        "{ kind: all_cash }",
        "{ slippage_ticks: 3, tick_size: 0.01 }",
    );
    let top = i64::MAX - 10_000_000;
    match run(&a, flat(top, 3)) {
        Ok(r) => {
            for f in &r.fills {
                assert!(f.price.raw() >= top, "filled at {} below the low", f.price);
            }
            panic!("a price above the largest one is not an error");
        }
        Err(e) => {
            let m = e.to_string();
            assert!(m.contains("costs.slippage_ticks: 3"), "{m}");
        }
    }

    // A sell slipped to zero or below is an error too, not a sale for nothing.
    let a = agent(
        "100000",
        "{ kind: sma_crossover, fast: 2, slow: 5 }",
        "{ kind: all_cash }",
        "{ slippage_ticks: 1, tick_size: 1 }",
    );
    let cent = Price::UNIT / 100;
    let rows: Vec<_> = (0..40)
        .map(|i| {
            let c = [50, 60, 70, 80, 60, 40, 20, 10, 5, 5][i % 10] * cent;
            (c, c, c, c)
        })
        .collect();
    let e = run(&a, days(&rows)).expect_err("sold at or below zero");
    assert!(e.to_string().contains("costs.slippage_ticks: 1"), "{e}");
}

#[test]
fn all_cash_beyond_the_largest_quantity_is_an_error_not_a_cap() {
    let a = buy_and_hold("1000000000000", "{ kind: all_cash }", "{}");
    match run(&a, flat(Price::UNIT, 3)) {
        Ok(r) => panic!("bought {} (capped)", r.fills[0].quantity),
        Err(e) => {
            let m = e.to_string();
            assert!(matches!(e, EngineError::Overflow { .. }), "{m}");
            assert!(m.contains("sizing all_cash"), "{m}");
            assert!(m.contains("largest supported quantity"), "{m}");
        }
    }
    // The same capital at a price where the quantity fits buys it all.
    let r = run(&a, flat(100 * Price::UNIT, 3)).unwrap();
    assert_eq!(r.fills[0].quantity, Quantity::from_int(10_000_000_000));
    assert_eq!(r.fills[0].action, Action::Buy);
    assert_eq!(r.final_cash, Money::ZERO);
}

#[test]
fn capital_beyond_the_supported_range_is_refused_where_it_is_written() {
    let text = |capital: &str| {
        format!(
            "id: edge\nsymbols: [SPY]\ntimeframe: 1d\ninitial_capital: {capital}\n\
             strategy: {{ kind: buy_and_hold }}\n"
        )
    };
    let e = AgentConfig::from_yaml(&text("1.7e21")).expect_err("beyond the supported capital");
    assert_eq!(e.field, "initial_capital");
    assert_eq!(e.line, Some(4));
    assert_eq!(
        e.message,
        "1700000000000000000000 exceeds the largest supported capital 1000000000000000"
    );
    // Quoted: a YAML float would be read through f64, which has no room for the cent.
    let e = AgentConfig::from_yaml(&text("\"1000000000000000.01\"")).expect_err("just beyond");
    assert_eq!(e.field, "initial_capital");
    let a = AgentConfig::from_yaml(&text("1000000000000000")).unwrap();
    assert_eq!(a.initial_capital, Money::MAX_CAPITAL);
}
