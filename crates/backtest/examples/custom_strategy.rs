//! A custom strategy, start to finish. Copy this file to begin your own.
//!
//! `cargo run -p backtest --example custom_strategy`
//!
//! The strategy buys after three lower closes in a row with a limit order one percent under
//! the close, protected by a bracket (2 % stop, 4 % target), and sells after two higher closes.
//! It implements [`backtest::Strategy`]: it sees each bar at its close and the position after
//! that bar's fills, and pushes order requests into the engine's buffer. It cannot see the
//! future, the clock or a database.

use backtest::models::{BpsSlippage, PerShare};
use backtest::{
    Bracket, Context, Engine, EngineConfig, Inputs, Offset, OrderRequest, Pct, Reason, Sizing,
    Strategy, SymbolId,
};
use domain::{Bar, Money, Price, Quantity, Symbol, Timeframe, UnixNanos};

/// Per-symbol state lives in the strategy, indexed by `SymbolId`.
struct DipBuyer {
    last_close: Vec<Option<Price>>,
    streak: Vec<i32>,
}

impl DipBuyer {
    fn new(symbols: usize) -> Self {
        Self {
            last_close: vec![None; symbols],
            streak: vec![0; symbols],
        }
    }
}

impl Strategy for DipBuyer {
    fn on_bar(
        &mut self,
        ctx: &Context<'_>,
        s: SymbolId,
        bar: &Bar,
        orders: &mut Vec<OrderRequest>,
    ) {
        let i = s.index();
        if let Some(prev) = self.last_close[i] {
            let step = bar.close.cmp(&prev) as i32; // −1, 0, +1
            self.streak[i] = if step != 0 && step == self.streak[i].signum() {
                self.streak[i] + step
            } else {
                step
            };
        }
        self.last_close[i] = Some(bar.close);
        if ctx.has_working_orders(s) {
            return;
        }
        let flat = ctx.position(s).is_zero();
        // `below` is `None` only for a price beyond what `Price` holds.
        if flat
            && self.streak[i] <= -3
            && let Some(limit) = Pct::lit("1").below(bar.close)
        {
            let bracket = Bracket {
                stop_loss: Some(Offset::Percent(Pct::lit("2"))),
                take_profit: Some(Offset::Percent(Pct::lit("4"))),
            };
            orders.push(
                OrderRequest::buy(s)
                    .limit(limit)
                    .with_bracket(bracket)
                    .because(Reason::Custom("dip")),
            );
        } else if !flat && self.streak[i] >= 2 {
            orders.push(OrderRequest::close(s).because(Reason::Custom("rebound")));
        }
    }

    fn diagnostics(&self) -> Option<serde_json::Value> {
        Some(serde_json::json!({ "final_streaks": self.streak }))
    }
}

/// A deterministic random walk of one-minute bars (your code would stream them from the store).
fn bars(n: usize) -> Vec<Bar> {
    let mut seed: u64 = 1;
    let t0 = UnixNanos::parse_rfc3339("2024-01-02T14:30:00Z").unwrap();
    let mut close = 10_000i64; // cents
    (0..n)
        .map(|i| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let open = close;
            close = (open + ((seed >> 33) % 61) as i64 - 30).max(100);
            let p = |c: i64| Price::from_raw(c * 10_000_000);
            let (hi, lo) = (open.max(close) + 5, open.min(close) - 5);
            Bar::new(
                t0.plus(i as i64 * 60_000_000_000),
                p(open),
                p(hi),
                p(lo),
                p(close),
                Quantity::from_int(1_000),
                None,
                None,
            )
            .expect("consistent bar")
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let spy = Symbol::new("SPY")?;
    let mut cfg = EngineConfig::new(vec![spy.clone()], Timeframe::M1, Money::lit("100000"));
    cfg.sizing = Sizing::PercentEquity {
        pct: Pct::lit("50"),
    };
    let engine = Engine::new(cfg, Box::new(DipBuyer::new(1)))?
        .with_fees(Box::new(PerShare {
            rate: Price::lit("0.005"),
            minimum: Money::lit("1"),
        }))
        .with_slippage(Box::new(BpsSlippage {
            bps: Price::lit("1"),
        }));

    let mut inputs = Inputs::new();
    inputs.bar_vec(spy, Timeframe::M1, bars(5_000));
    let result = engine.run(inputs)?;

    println!(
        "fills: {} ({} winning, {} losing closes)",
        result.counts.fills, result.counts.winning, result.counts.losing
    );
    for f in result.fills.iter().take(6) {
        println!(
            "  {} {} {} @ {} ({}, commission {})",
            f.timestamp,
            f.action.as_str(),
            f.quantity,
            f.price,
            f.reason,
            f.commission
        );
    }
    println!(
        "final equity {} from {}",
        result.final_equity, result.initial_capital
    );
    println!("strategy: {}", result.strategy.unwrap_or_default());
    Ok(())
}
