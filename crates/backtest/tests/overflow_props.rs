//! Extreme values through whole runs (issue 7, defect 4): capitals up to the largest supported
//! one and beyond, prices from one unit (10^-9) to the largest an i64 holds (above what import
//! accepts, as an old store could hold), percent commissions up to 100 %, slippage up to 10000 bps
//! or many ticks, every sizing rule, whole and fractional quantities, shorts, brackets.
//!
//! Every run either fails with [`EngineError::Overflow`] (or a configuration error for a capital
//! beyond the limit) or returns a result whose books balance when recomputed from its fills:
//!
//! - cash = initial − Σ (price × signed quantity + commission), positions = Σ signed quantities;
//! - equity = cash + Σ position × last close;
//! - realized + unrealized − fees = equity − initial capital;
//! - every fill has a positive quantity and a positive price, buys no lower than the bar's low
//!   and sells no higher than its high (slippage only ever moves a fill against the trader).
//!
//! And within the ranges agent files and imports accept, at prices where the capital cannot buy
//! more than a quantity holds, no run fails at all.

use std::collections::HashMap;

use backtest::models::{
    BpsSlippage, FeeModel, Fees, NoFees, NoSlippage, PerShare, PerTrade, PercentOfNotional,
    SlippageModel, TickSlippage,
};
use backtest::{
    Action, BacktestResult, Bracket, Context, Engine, EngineConfig, EngineError, Inputs, Offset,
    OrderRequest, Pct, QuantityMode, Side, Sizing, Strategy, SymbolId,
};
use domain::{Bar, Money, Price, Quantity, Symbol, Timeframe, UnixNanos};
use proptest::prelude::*;

struct Rng(u64);

impl Rng {
    fn next(&mut self, m: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % m.max(1)
    }

    /// Log-uniform in `[1, max]`.
    fn wide(&mut self, max: i64) -> i64 {
        let bits = 64 - max.leading_zeros();
        let b = 1 + self.next(u64::from(bits)) as u32;
        let v = (1i64 << (b - 1)) | self.next(1u64 << (b - 1)) as i64;
        v.clamp(1, max)
    }
}

/// A random walk of `n` one-minute bars between `floor` and `cap` (raw price units).
fn bars(r: &mut Rng, n: usize, start: i64, floor: i64, cap: i64, offset_min: i64) -> Vec<Bar> {
    let t0 = UnixNanos::parse_rfc3339("2024-01-02T14:30:00Z")
        .unwrap()
        .plus(offset_min * 60_000_000_000);
    let clamp = |v: i128| v.clamp(i128::from(floor), i128::from(cap)) as i64;
    let mut close = start;
    (0..n)
        .map(|i| {
            let vol = (i128::from(close) / 50).max(1);
            let move_by = |r: &mut Rng| (r.next(5) as i128 - 2) * vol;
            let open = clamp(i128::from(close) + move_by(r));
            close = clamp(i128::from(open) + move_by(r));
            let high = clamp(i128::from(open.max(close)) + r.next(2) as i128 * vol);
            let low = clamp(i128::from(open.min(close)) - r.next(2) as i128 * vol);
            Bar {
                ts: t0.plus(i as i64 * 60_000_000_000),
                open: Price::from_raw(open),
                high: Price::from_raw(high),
                low: Price::from_raw(low),
                close: Price::from_raw(close),
                volume: Quantity::from_int(1),
                vwap: None,
                trade_count: None,
            }
        })
        .collect()
}

/// Random orders of every kind, with quantities up to what the type holds.
struct RandomTrader(Rng);

impl Strategy for RandomTrader {
    fn on_bar(&mut self, _: &Context<'_>, s: SymbolId, bar: &Bar, out: &mut Vec<OrderRequest>) {
        let r = &mut self.0;
        if r.next(3) != 0 {
            return;
        }
        let pct = Pct::from_percent(Price::from_raw(r.next(100 * Price::UNIT as u64) as i64));
        let qty = Quantity::from_raw(r.wide(i64::MAX));
        let side = if r.next(2) == 0 {
            Side::Buy
        } else {
            Side::Sell
        };
        let mut req = match r.next(8) {
            0 | 1 => OrderRequest::buy(s),
            2 => OrderRequest::sell_short(s),
            3 => OrderRequest::close(s),
            4 => OrderRequest::exact(s, side, qty),
            5 => match pct.below(bar.close) {
                Some(p) => OrderRequest::exact(s, side, qty).limit(p),
                None => return,
            },
            6 => match if side == Side::Buy {
                pct.above(bar.close)
            } else {
                pct.below(bar.close)
            } {
                Some(p) => OrderRequest::exact(s, side, qty).stop(p),
                None => return,
            },
            _ => OrderRequest::cancel(s),
        };
        if r.next(3) == 0 {
            let distance = Price::from_raw(r.wide(Price::MAX_INPUT.raw()));
            req = req.with_bracket(Bracket {
                stop_loss: Some(Offset::Percent(pct)),
                take_profit: Some(Offset::Distance(distance)),
            });
        }
        out.push(req);
    }
}

/// The books recomputed from the fills, against the result.
fn check(
    r: &BacktestResult,
    initial: Money,
    all: &HashMap<(Symbol, UnixNanos), Bar>,
) -> Result<(), TestCaseError> {
    let mut cash = initial;
    let mut qty: HashMap<&Symbol, Quantity> = HashMap::new();
    let (mut realized, mut fees) = (Money::ZERO, Money::ZERO);
    for f in &r.fills {
        let bar = &all[&(f.symbol.clone(), f.timestamp)];
        prop_assert!(f.quantity.raw() > 0, "quantity {}", f.quantity);
        prop_assert!(f.price.raw() > 0, "price {}", f.price);
        let buying = matches!(f.action, Action::Buy | Action::Cover);
        if buying {
            prop_assert!(
                f.price >= bar.low,
                "bought at {} below the low {}",
                f.price,
                bar.low
            );
        } else {
            prop_assert!(
                f.price <= bar.high,
                "sold at {} above the high {}",
                f.price,
                bar.high
            );
        }
        let signed = if buying { f.quantity } else { -f.quantity };
        cash -= f.price.notional(signed) + f.commission;
        *qty.entry(&f.symbol).or_default() += signed;
        realized += f.pnl.unwrap_or_default();
        fees += f.commission;
    }
    prop_assert_eq!(r.final_cash, cash);
    prop_assert_eq!(r.realized_pnl, realized);
    prop_assert_eq!(r.total_commission, fees);
    let mut equity = cash;
    for p in &r.open_positions {
        prop_assert_eq!(Some(&p.quantity), qty.get(&p.symbol));
        equity += p.mark.notional(p.quantity);
    }
    let open: usize = qty.values().filter(|q| !q.is_zero()).count();
    prop_assert_eq!(open, r.open_positions.len());
    prop_assert_eq!(r.final_equity, equity);
    prop_assert_eq!(
        r.realized_pnl + r.unrealized_pnl - r.total_commission,
        r.final_equity - r.initial_capital
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn extreme_runs_balance_or_fail_with_an_overflow(
        seed in any::<u64>(),
        capital_digit in 1i64..10,
        capital_exp in 0u32..=16,
        price_kind in 0u8..4,
        fee_kind in 0u8..5,
        slip_kind in 0u8..3,
        bps in 0i64..=10_000,
        ticks in 0u32..=1_000_000,
        sizing_kind in 0u8..5,
        fractional in any::<bool>(),
        allow_short in any::<bool>(),
        two in any::<bool>(),
    ) {
        let mut r = Rng(seed | 1);
        // Capital: from one unit to beyond the largest supported one (up to 9e16).
        let initial = Money::from_price(Price::from_int(capital_digit))
            .checked_mul_ratio(10i64.pow(capital_exp), 1)
            .unwrap();
        // Prices: tiny, ordinary, near the largest import accepts, or beyond it.
        let (floor, cap) = match price_kind {
            0 => (1, 1_000_000),
            1 => (Price::UNIT / 100, 100_000 * Price::UNIT),
            2 => (Price::MAX_INPUT.raw() / 10, Price::MAX_INPUT.raw()),
            _ => (Price::MAX_INPUT.raw(), i64::MAX),
        };
        let start = floor + r.next((cap - floor) as u64) as i64;
        let symbols: Vec<Symbol> = if two { vec![Symbol::lit("AAA"), Symbol::lit("BBB")] } else { vec![Symbol::lit("AAA")] };
        let series: Vec<Vec<Bar>> = (0..symbols.len()).map(|k| bars(&mut r, 80, start, floor, cap, k as i64)).collect();
        let pct = Pct::from_percent(Price::from_raw(r.next(100 * Price::UNIT as u64 + 1) as i64));
        let mut cfg = EngineConfig::new(symbols.clone(), Timeframe::M1, initial);
        cfg.allow_short = allow_short;
        cfg.quantity = if fractional { QuantityMode::Fractional } else { QuantityMode::Whole };
        cfg.sizing = match sizing_kind {
            0 => Sizing::AllCash,
            1 => Sizing::PercentEquity { pct },
            2 => Sizing::FixedQuantity { quantity: Quantity::from_raw(r.wide(i64::MAX)) },
            3 => Sizing::FixedCash { amount: Money::from_price(Price::from_raw(r.wide(i64::MAX))) },
            _ => Sizing::RiskPerTrade { pct },
        };
        if sizing_kind == 4 || seed % 3 == 0 {
            cfg.risk.stop_loss_pct = Some(Pct::lit("2"));
            cfg.risk.take_profit_pct = Some(Pct::lit("100"));
        }
        let per_share = Price::from_raw(r.wide(Price::MAX_INPUT.raw()));
        let fees: Box<dyn FeeModel> = match fee_kind {
            0 => Box::new(NoFees),
            1 => Box::new(PerShare { rate: per_share, minimum: Money::lit("1") }),
            2 => Box::new(PerTrade(Money::lit("1"))),
            3 => Box::new(PercentOfNotional(pct)),
            _ => Box::new(Fees(vec![Box::new(PercentOfNotional(pct)), Box::new(PerShare { rate: per_share, minimum: Money::ZERO })])),
        };
        let slip: Box<dyn SlippageModel> = match slip_kind {
            0 => Box::new(NoSlippage),
            1 => Box::new(BpsSlippage { bps: Price::from_int(bps) }),
            _ => Box::new(TickSlippage { ticks, tick: Price::lit("0.01") }),
        };
        // Within what agent files and imports accept, at prices where even ten times the
        // capital buys fewer units than a Quantity holds, and without a slippage that can take a
        // sell of a sub-cent price to zero, nothing may fail.
        let lowest = series.iter().flatten().map(|b| b.low).min().unwrap();
        let units = initial
            .checked_mul_ratio(10, 1)
            .and_then(|m| m.checked_max_quantity(lowest, Quantity::from_raw(1)));
        let must_run = initial <= Money::MAX_CAPITAL
            && price_kind < 3
            && (slip_kind == 0 || (slip_kind == 1 && bps < 10_000 && price_kind > 0))
            && sizing_kind <= 2
            && units.is_some_and(|u| u <= Quantity::from_raw(Quantity::MAX.raw() / 4));

        let engine = match Engine::new(cfg, Box::new(RandomTrader(Rng(seed.rotate_left(7) | 1)))) {
            Ok(e) => e.with_fees(fees).with_slippage(slip),
            Err(e) => {
                prop_assert!(initial > Money::MAX_CAPITAL, "{e}");
                prop_assert!(e.to_string().contains("largest supported capital"), "{e}");
                return Ok(());
            }
        };
        prop_assert!(initial <= Money::MAX_CAPITAL);
        let mut all = HashMap::new();
        let mut inputs = Inputs::new();
        for (s, b) in symbols.iter().zip(&series) {
            for bar in b {
                all.insert((s.clone(), bar.ts), *bar);
            }
            inputs.bar_vec(s.clone(), Timeframe::M1, b.clone());
        }
        match engine.run(inputs) {
            Ok(result) => check(&result, initial, &all)?,
            Err(EngineError::Overflow { detail, .. }) => {
                prop_assert!(!must_run, "an accepted run failed: {detail}");
                let m = detail.to_string();
                prop_assert!(
                    ["largest supported quantity", "largest amount", "largest price", "at or below zero", "below the smallest price"]
                        .iter()
                        .any(|w| m.contains(w)),
                    "unexpected overflow message {m:?}"
                );
            }
            Err(e) => prop_assert!(false, "not an overflow: {e}"),
        }
    }
}
