//! Oscillator strategies on TA-Lib-compatible indicators.
//!
//! - `rsi_reversion`: RSI below `oversold` is bullish, above `overbought` bearish.
//! - `bollinger` `breakout`: a close above the upper band is bullish; a long is closed when the
//!   close falls below the middle band (a short, entered below the lower band, when it rises
//!   above the middle).
//! - `bollinger` `reversion`: a close below the lower band is bullish and one above the upper
//!   band bearish; positions are closed when the close crosses back over the middle band.
//! - `macd`: the MACD line crossing above its signal line is bullish, below it bearish.

use domain::Bar;
use indicators::{Bollinger, Macd, ParamError, Rsi};
use serde::{Deserialize, Serialize};

use super::signals::{Cooldown, Cross, CrossDetector, bearish, bullish, exit_long, exit_short};
use crate::event::SymbolId;
use crate::order::{OrderRequest, Reason};
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
}

impl Strategy for RsiReversion {
    fn on_bar(&mut self, ctx: &Context<'_>, s: SymbolId, bar: &Bar, out: &mut Vec<OrderRequest>) {
        let Some(v) = self.rsi[s.index()].update(bar.close) else {
            return;
        };
        if self.cooldown.blocks_entry(ctx, s) {
            return;
        }
        let before = out.len();
        if v < self.oversold {
            bullish(ctx, s, out);
        } else if v > self.overbought {
            bearish(ctx, s, out);
        }
        self.cooldown.asked(s, out.len() > before);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BollingerMode {
    Breakout,
    Reversion,
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
    fn on_bar(&mut self, ctx: &Context<'_>, s: SymbolId, bar: &Bar, out: &mut Vec<OrderRequest>) {
        let Some(b) = self.bands[s.index()].update(bar.close) else {
            return;
        };
        let c = bar.close.to_f64();
        let pos = ctx.position(s).raw();
        let short_ok = ctx.allow_short();
        if self.cooldown.blocks_entry(ctx, s) {
            return; // flat: nothing to exit either
        }
        let before = out.len();
        match self.mode {
            BollingerMode::Breakout => {
                if c > b.upper {
                    bullish(ctx, s, out);
                } else if c < b.lower && short_ok {
                    bearish(ctx, s, out);
                } else if pos > 0 && c < b.middle {
                    exit_long(ctx, s, out, Reason::Signal);
                } else if pos < 0 && c > b.middle {
                    exit_short(ctx, s, out, Reason::Signal);
                }
            }
            BollingerMode::Reversion => {
                if c < b.lower {
                    bullish(ctx, s, out);
                } else if c > b.upper && short_ok {
                    bearish(ctx, s, out);
                } else if pos > 0 && c > b.middle {
                    exit_long(ctx, s, out, Reason::Signal);
                } else if pos < 0 && c < b.middle {
                    exit_short(ctx, s, out, Reason::Signal);
                }
            }
        }
        self.cooldown.asked(s, pos == 0 && out.len() > before);
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
    fn on_bar(&mut self, ctx: &Context<'_>, s: SymbolId, bar: &Bar, out: &mut Vec<OrderRequest>) {
        let (macd, cross) = &mut self.state[s.index()];
        let cmp = macd
            .update(bar.close)
            .and_then(|v| v.macd.partial_cmp(&v.signal));
        match cross.update(cmp) {
            Some(Cross::Up) => bullish(ctx, s, out),
            Some(Cross::Down) => bearish(ctx, s, out),
            None => {}
        }
    }
}
