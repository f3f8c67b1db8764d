//! Oscillator strategies on TA-Lib-compatible indicators.
//!
//! - `rsi_reversion`: RSI below `oversold` is bullish, above `overbought` bearish.
//! - `bollinger` `breakout`: a close above the upper band is bullish; a long is closed when the
//!   close falls below the middle band (a short, entered below the lower band, when it rises
//!   above the middle).
//! - `bollinger` `reversion`: a close below the lower band is bullish and one above the upper
//!   band bearish; positions are closed when the close crosses back over the middle band.
//! - `macd`: the MACD line crossing above its signal line is bullish, below it bearish.
//!
//! With a journal, `rsi_reversion` and `bollinger` note the rule behind every order they ask for
//! (the RSI, the close against a band) and every entry their cooldown holds back; `macd` notes
//! every cross, acted on or not, as the crossovers do.

use domain::{Bar, Price};
use indicators::{Bands, Bollinger, Macd, ParamError, Rsi};
use serde::{Deserialize, Serialize};

use super::notes::{MACD_CROSS, held_back, note};
use super::signals::{
    Cooldown, Cross, CrossDetector, acts, bearish, bullish, exit_long, exit_short,
};
use crate::event::SymbolId;
use crate::journal::SignalNote;
use crate::order::{OrderRequest, Reason, Side};
use crate::strategy::{Context, Strategy};

pub struct RsiReversion {
    oversold: f64,
    overbought: f64,
    rsi: Vec<Rsi>,
    cooldown: Cooldown,
}

impl RsiReversion {
    pub fn new(
        period: usize,
        oversold: f64,
        overbought: f64,
        symbols: usize,
    ) -> Result<Self, ParamError> {
        Ok(Self {
            oversold,
            overbought,
            rsi: vec![Rsi::new(period)?; symbols],
            cooldown: Cooldown::new(0, symbols),
        })
    }

    /// No entry at the bar a position closes nor in the `bars` bars after it.
    pub fn with_cooldown(mut self, bars: usize) -> Self {
        self.cooldown = Cooldown::new(bars, self.rsi.len());
        self
    }

    /// The view of an RSI of `v`: bullish below `oversold`, bearish above `overbought`.
    #[inline]
    fn view(&self, v: f64) -> Option<Side> {
        if v < self.oversold {
            Some(Side::Buy)
        } else if v > self.overbought {
            Some(Side::Sell)
        } else {
            None
        }
    }

    fn note(&self, s: SymbolId, side: Side, v: f64) -> SignalNote {
        let (rule, passed) = match side {
            Side::Buy => (
                "oversold",
                format!("rsi {v:.2} < oversold {}", self.oversold),
            ),
            Side::Sell => (
                "overbought",
                format!("rsi {v:.2} > overbought {}", self.overbought),
            ),
        };
        note(s, side, rule, Some(v), passed)
    }
}

impl Strategy for RsiReversion {
    #[inline]
    fn on_bar(&mut self, ctx: &Context<'_>, s: SymbolId, bar: &Bar, out: &mut Vec<OrderRequest>) {
        let Some(v) = self.rsi[s.index()].update(bar.close) else {
            return;
        };
        let view = self.view(v);
        if self.cooldown.blocks_entry(ctx, s) {
            if let Some(side) = view
                && ctx.journaling()
                && acts(ctx, s, side)
            {
                ctx.note(held_back(self.note(s, side, v), &self.cooldown));
            }
            return;
        }
        let before = out.len();
        match view {
            Some(Side::Buy) => bullish(ctx, s, out),
            Some(Side::Sell) => bearish(ctx, s, out),
            None => {}
        }
        let asked = out.len() > before;
        self.cooldown.asked(s, asked);
        if let Some(side) = view
            && asked
            && ctx.journaling()
        {
            ctx.note(self.note(s, side, v));
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BollingerMode {
    Breakout,
    Reversion,
}

/// Where a close stands against the bands: the rule of a call.
#[derive(Debug, Clone, Copy)]
enum BandRule {
    AboveUpper,
    BelowLower,
    AboveMiddle,
    BelowMiddle,
}

/// What the bands say at a close, before the position rule turns it into orders.
#[derive(Debug, Clone, Copy)]
struct BandCall {
    side: Side,
    exit: bool,
    rule: BandRule,
}

impl BollingerMode {
    #[inline]
    fn call(self, c: f64, b: &Bands, pos: i64, short_ok: bool) -> Option<BandCall> {
        use BandRule::*;
        let entry = |side, rule| {
            Some(BandCall {
                side,
                exit: false,
                rule,
            })
        };
        let exit = |side, rule| {
            Some(BandCall {
                side,
                exit: true,
                rule,
            })
        };
        match self {
            Self::Breakout if c > b.upper => entry(Side::Buy, AboveUpper),
            Self::Breakout if c < b.lower && short_ok => entry(Side::Sell, BelowLower),
            Self::Breakout if pos > 0 && c < b.middle => exit(Side::Sell, BelowMiddle),
            Self::Breakout if pos < 0 && c > b.middle => exit(Side::Buy, AboveMiddle),
            Self::Reversion if c < b.lower => entry(Side::Buy, BelowLower),
            Self::Reversion if c > b.upper && short_ok => entry(Side::Sell, AboveUpper),
            Self::Reversion if pos > 0 && c > b.middle => exit(Side::Sell, AboveMiddle),
            Self::Reversion if pos < 0 && c < b.middle => exit(Side::Buy, BelowMiddle),
            _ => None,
        }
    }
}

impl BandCall {
    /// Scored by the close's distance from the middle band in standard deviations.
    fn note(self, s: SymbolId, close: Price, b: &Bands) -> SignalNote {
        let (rule, op, band, level) = match self.rule {
            BandRule::AboveUpper => ("above_upper", '>', "upper", b.upper),
            BandRule::BelowLower => ("below_lower", '<', "lower", b.lower),
            BandRule::AboveMiddle => ("above_middle", '>', "middle", b.middle),
            BandRule::BelowMiddle => ("below_middle", '<', "middle", b.middle),
        };
        let z = (b.std_dev > 0.0).then(|| (close.to_f64() - b.middle) / b.std_dev);
        let passed = format!("close {close} {op} {band} band {level:.4}");
        note(s, self.side, rule, z, passed)
    }
}

pub struct BollingerStrategy {
    mode: BollingerMode,
    bands: Vec<Bollinger>,
    cooldown: Cooldown,
}

impl BollingerStrategy {
    pub fn new(
        period: usize,
        k: f64,
        mode: BollingerMode,
        symbols: usize,
    ) -> Result<Self, ParamError> {
        Ok(Self {
            mode,
            bands: vec![Bollinger::new(period, k)?; symbols],
            cooldown: Cooldown::new(0, symbols),
        })
    }

    /// No entry at the bar a position closes nor in the `bars` bars after it.
    pub fn with_cooldown(mut self, bars: usize) -> Self {
        self.cooldown = Cooldown::new(bars, self.bands.len());
        self
    }
}

impl Strategy for BollingerStrategy {
    #[inline]
    fn on_bar(&mut self, ctx: &Context<'_>, s: SymbolId, bar: &Bar, out: &mut Vec<OrderRequest>) {
        let Some(b) = self.bands[s.index()].update(bar.close) else {
            return;
        };
        let pos = ctx.position(s).raw();
        let call = self
            .mode
            .call(bar.close.to_f64(), &b, pos, ctx.allow_short());
        if self.cooldown.blocks_entry(ctx, s) {
            // Flat: nothing to exit either, so a call is an entry held back.
            if let Some(call) = call
                && ctx.journaling()
                && acts(ctx, s, call.side)
            {
                let held = held_back(call.note(s, bar.close, &b), &self.cooldown);
                ctx.note(held);
            }
            return;
        }
        let Some(call) = call else {
            return;
        };
        let before = out.len();
        match (call.exit, call.side) {
            (false, Side::Buy) => bullish(ctx, s, out),
            (false, Side::Sell) => bearish(ctx, s, out),
            (true, Side::Sell) => exit_long(ctx, s, out, Reason::Signal),
            (true, Side::Buy) => exit_short(ctx, s, out, Reason::Signal),
        }
        let asked = out.len() > before;
        self.cooldown.asked(s, pos == 0 && asked);
        if asked && ctx.journaling() {
            ctx.note(call.note(s, bar.close, &b));
        }
    }
}

pub struct MacdStrategy {
    state: Vec<(Macd, CrossDetector)>,
}

impl MacdStrategy {
    pub fn new(
        fast: usize,
        slow: usize,
        signal: usize,
        symbols: usize,
    ) -> Result<Self, ParamError> {
        Ok(Self {
            state: vec![(Macd::new(fast, slow, signal)?, CrossDetector::default()); symbols],
        })
    }
}

impl Strategy for MacdStrategy {
    #[inline]
    fn on_bar(&mut self, ctx: &Context<'_>, s: SymbolId, bar: &Bar, out: &mut Vec<OrderRequest>) {
        let (macd, cross) = &mut self.state[s.index()];
        let v = macd.update(bar.close);
        let cross = cross.update(v.and_then(|v| v.macd.partial_cmp(&v.signal)));
        match cross {
            Some(Cross::Up) => bullish(ctx, s, out),
            Some(Cross::Down) => bearish(ctx, s, out),
            None => {}
        }
        if let (Some(c), Some(v)) = (cross, v)
            && ctx.journaling()
        {
            // The score is the histogram, MACD minus its signal line.
            ctx.note(MACD_CROSS.note_with(s, c, v.macd, v.signal));
        }
    }
}
