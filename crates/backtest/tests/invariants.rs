//! Property tests of the books, checked after EVERY event of random runs (random prices, random
//! orders of every kind, shorts, brackets, fees, slippage, sizing rules, one or two symbols):
//!
//! - equity = cash + Σ position × mark, with cash and positions recomputed from the fills alone;
//! - realized + unrealized − fees = equity − initial capital, exactly;
//! - cash never negative without shorting (and without fixed per-fill fees, which a tiny sale
//!   can exceed).

use backtest::feed::Feed;
use backtest::models::{
    BpsSlippage, FeeModel, Fees, NoFees, NoSlippage, PerShare, PerTrade, PercentOfNotional,
    SlippageModel, TickSlippage,
};
use backtest::{
    Action, Bracket, Context, Engine, EngineConfig, Inputs, Offset, OrderRequest, Pct,
    QuantityMode, Side, Sizing, Strategy, SymbolId,
};
use domain::calendar::Calendar;
use domain::{Bar, Money, Price, Quantity, Symbol, Timeframe, UnixNanos};
use proptest::prelude::*;

struct Rng(u64);

impl Rng {
    fn next(&mut self, m: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % m
    }
}

fn bars(seed: u64, n: usize, offset_min: i64) -> Vec<Bar> {
    let mut r = Rng(seed | 1);
    let t0 = UnixNanos::parse_rfc3339("2024-01-02T14:30:00Z")
        .unwrap()
        .plus(offset_min * 60_000_000_000);
    let mut close: i64 = 10_000 + r.next(5_000) as i64;
    (0..n)
        .map(|i| {
            let vol = 1 + r.next(60) as i64;
            let open = (close + r.next(2 * vol as u64 + 1) as i64 - vol).max(50);
            close = (open + r.next(2 * vol as u64 + 1) as i64 - vol).max(50);
            let hi = open.max(close) + r.next(vol as u64) as i64;
            let lo = (open.min(close) - r.next(vol as u64) as i64).max(1);
            let p = |c: i64| Price::from_raw(c * 10_000_000);
            Bar::new(
                t0.plus(i as i64 * 60_000_000_000),
                p(open),
                p(hi),
                p(lo),
                p(close),
                Quantity::from_int(1),
                None,
                None,
            )
            .unwrap()
        })
        .collect()
}

/// Places a random order of a random kind on some bars.
struct RandomTrader(Rng);

impl Strategy for RandomTrader {
    fn on_bar(&mut self, ctx: &Context<'_>, s: SymbolId, bar: &Bar, out: &mut Vec<OrderRequest>) {
        let r = &mut self.0;
        if r.next(3) != 0 {
            return;
        }
        let pct = Pct::from_percent(Price::from_raw(r.next(5_000_000_000) as i64));
        let qty = Quantity::from_raw(1 + r.next(20 * Quantity::UNIT as u64) as i64);
        let side = if r.next(2) == 0 {
            Side::Buy
        } else {
            Side::Sell
        };
        let mut req = match r.next(8) {
            0 => OrderRequest::buy(s),
            1 => OrderRequest::sell_short(s),
            2 => OrderRequest::close(s),
            3 | 4 => OrderRequest::exact(s, side, qty),
            5 => OrderRequest::exact(s, side, qty).limit(pct.below(bar.close).unwrap()),
            6 => OrderRequest::exact(s, side, qty).stop(if side == Side::Buy {
                pct.above(bar.close).unwrap()
            } else {
                pct.below(bar.close).unwrap()
            }),
            _ => OrderRequest::cancel(s),
        };
        if r.next(4) == 0 {
            req = req.with_bracket(Bracket {
                stop_loss: Some(Offset::Percent(Pct::lit("1"))),
                take_profit: Some(Offset::Distance(Price::lit("0.5"))),
            });
        }
        let _ = ctx.equity();
        out.push(req);
    }
}

/// Recomputes the books from the fills and checks them against the engine's.
fn check(
    engine: &Engine,
    initial: Money,
    symbols: &[Symbol],
    cash_floor: bool,
) -> Result<(), TestCaseError> {
    let book = engine.portfolio();
    let mut cash = initial;
    let mut qty = vec![Quantity::ZERO; symbols.len()];
    let (mut realized, mut fees) = (Money::ZERO, Money::ZERO);
    for f in engine.fills() {
        let i = symbols.iter().position(|s| *s == f.symbol).unwrap();
        let signed = match f.action {
            Action::Buy | Action::Cover => f.quantity,
            Action::Sell | Action::Short => -f.quantity,
        };
        prop_assert!(f.quantity.raw() > 0);
        prop_assert_eq!(
            f.pnl.is_some(),
            matches!(f.action, Action::Sell | Action::Cover)
        );
        cash -= f.price.notional(signed) + f.commission;
        qty[i] += signed;
        realized += f.pnl.unwrap_or_default();
        fees += f.commission;
    }
    prop_assert_eq!(book.cash(), cash);
    let mut equity = cash;
    let mut unrealized = Money::ZERO;
    for (i, p) in book.positions().iter().enumerate() {
        prop_assert_eq!(p.qty, qty[i]);
        if let Some(m) = p.mark {
            equity += m.notional(p.qty);
            unrealized += m.notional(p.qty) - p.cost;
        } else {
            prop_assert!(p.qty.is_zero());
        }
    }
    prop_assert_eq!(book.equity(), Ok(equity));
    prop_assert_eq!(book.realized(), realized);
    prop_assert_eq!(book.fees(), fees);
    prop_assert_eq!(realized + unrealized - fees, equity - initial);
    if cash_floor {
        prop_assert!(cash >= Money::ZERO, "cash {} went negative", cash);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn books_balance_at_every_event(
        seed in any::<u64>(),
        n in 5usize..160,
        allow_short in any::<bool>(),
        fee_kind in 0u8..5,
        slip_kind in 0u8..3,
        sizing_kind in 0u8..5,
        fractional in any::<bool>(),
        two in any::<bool>(),
        capital in 1_000i64..1_000_000,
    ) {
        let symbols: Vec<Symbol> = if two { vec![Symbol::lit("AAA"), Symbol::lit("BBB")] } else { vec![Symbol::lit("AAA")] };
        let initial = Money::from_price(Price::from_int(capital));
        let mut cfg = EngineConfig::new(symbols.clone(), Timeframe::M1, initial);
        cfg.allow_short = allow_short;
        cfg.quantity = if fractional { QuantityMode::Fractional } else { QuantityMode::Whole };
        cfg.sizing = match sizing_kind {
            0 => Sizing::AllCash,
            1 => Sizing::PercentEquity { pct: Pct::lit("30") },
            2 => Sizing::FixedQuantity { quantity: Quantity::lit("5.5") },
            3 => Sizing::FixedCash { amount: Money::lit("500") },
            _ => Sizing::RiskPerTrade { pct: Pct::lit("1") },
        };
        if sizing_kind == 4 || seed % 3 == 0 {
            cfg.risk.stop_loss_pct = Some(Pct::lit("2"));
            cfg.risk.take_profit_pct = Some(Pct::lit("3"));
        }
        let fees: Box<dyn FeeModel> = match fee_kind {
            0 => Box::new(NoFees),
            1 => Box::new(PerShare { rate: Price::lit("0.005"), minimum: Money::lit("1") }),
            2 => Box::new(PerTrade(Money::lit("1"))),
            3 => Box::new(PercentOfNotional(Pct::lit("0.1"))),
            _ => Box::new(Fees(vec![Box::new(PercentOfNotional(Pct::lit("0.05"))), Box::new(PerShare { rate: Price::lit("0.001"), minimum: Money::ZERO })])),
        };
        let slip: Box<dyn SlippageModel> = match slip_kind {
            0 => Box::new(NoSlippage),
            1 => Box::new(BpsSlippage { bps: Price::lit("5") }),
            _ => Box::new(TickSlippage { ticks: 1, tick: Price::lit("0.01") }),
        };
        let cash_floor = !allow_short && !matches!(fee_kind, 1 | 2);
        let mut engine = Engine::new(cfg, Box::new(RandomTrader(Rng(seed | 1)))).unwrap().with_fees(fees).with_slippage(slip);
        let mut inputs = Inputs::new();
        for (k, s) in symbols.iter().enumerate() {
            inputs.bar_vec(s.clone(), Timeframe::M1, bars(seed.wrapping_add(k as u64), n, k as i64));
        }
        let feed = Feed::new(&symbols, Timeframe::M1, Calendar::Nyse, inputs).unwrap();
        let mut events = 0;
        for item in feed {
            engine.process(item.unwrap().event).unwrap();
            events += 1;
            check(&engine, initial, &symbols, cash_floor)?;
        }
        prop_assert_eq!(events, n * symbols.len());
        let result = engine.finish().unwrap();
        prop_assert_eq!(result.realized_pnl + result.unrealized_pnl - result.total_commission, result.final_equity - result.initial_capital);
        let _ = SymbolId(0);
    }
}
