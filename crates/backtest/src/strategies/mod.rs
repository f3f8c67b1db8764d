//! Built-in strategies and the configuration that selects one.
//!
//! - [`crossover`]: `sma_crossover` (the reference strategy, exact integer SMA sums) and
//!   `ema_crossover`.
//! - [`oscillators`]: `rsi_reversion`, `bollinger` (breakout or reversion), `macd`.
//! - [`buy_and_hold`]: the benchmark.
//! - [`technical_sentiment`]: an SMA cross confirmed or vetoed by the latest sentiment per source.
//! - [`signals`]: how a bullish or bearish signal becomes orders, shared by all of the above.
//! - `notes`: how they explain a decision in the engine's journal.
//!
//! Every built-in decides at a bar's close from the position after that bar's fills and emits
//! market orders sized by the agent's sizing rule; long-only unless the agent allows shorts.

pub mod buy_and_hold;
pub mod crossover;
mod notes;
pub mod oscillators;
pub mod signals;
pub mod technical_sentiment;

use serde::Serialize;

use crate::strategy::Strategy;

pub use buy_and_hold::BuyAndHold;
pub use crossover::{EmaCrossover, SmaCrossover};
pub use oscillators::{BollingerMode, BollingerStrategy, MacdStrategy, RsiReversion};
pub use technical_sentiment::{
    SourceRule, SourceRules, TechnicalSentiment, TechnicalSentimentConfig,
};

/// A built-in strategy and its parameters: the `strategy:` block of an agent file once resolved
/// (defaults filled in). Serializes back to that block.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StrategyConfig {
    SmaCrossover {
        fast: usize,
        slow: usize,
    },
    EmaCrossover {
        fast: usize,
        slow: usize,
    },
    RsiReversion {
        period: usize,
        oversold: f64,
        overbought: f64,
        /// Bars after the one where a position closes (by a signal or a stop) with no new
        /// entry: without it, RSI held below `oversold` re-enters on every bar after a stop-out.
        #[serde(default, skip_serializing_if = "is_zero")]
        cooldown_bars: usize,
    },
    Bollinger {
        period: usize,
        k: f64,
        mode: BollingerMode,
        /// As for `rsi_reversion`: bars after a close with no new entry.
        #[serde(default, skip_serializing_if = "is_zero")]
        cooldown_bars: usize,
    },
    Macd {
        fast: usize,
        slow: usize,
        signal: usize,
    },
    BuyAndHold {},
    TechnicalSentiment(TechnicalSentimentConfig),
}

/// A parameter that makes no sense, named by its field under `strategy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadParam {
    pub field: &'static str,
    pub message: String,
}

fn bad(field: &'static str, message: impl Into<String>) -> BadParam {
    BadParam {
        field,
        message: message.into(),
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn periods(fast: usize, slow: usize) -> Result<(), BadParam> {
    if fast == 0 {
        return Err(bad("fast", "must be at least 1"));
    }
    if fast >= slow {
        return Err(bad(
            "fast",
            format!("fast ({fast}) must be below slow ({slow})"),
        ));
    }
    if slow > 100_000 {
        return Err(bad("slow", format!("{slow} is above 100000")));
    }
    Ok(())
}

impl StrategyConfig {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SmaCrossover { .. } => "sma_crossover",
            Self::EmaCrossover { .. } => "ema_crossover",
            Self::RsiReversion { .. } => "rsi_reversion",
            Self::Bollinger { .. } => "bollinger",
            Self::Macd { .. } => "macd",
            Self::BuyAndHold {} => "buy_and_hold",
            Self::TechnicalSentiment(_) => "technical_sentiment",
        }
    }

    /// Whether the strategy reads sentiment records: only then does a run load them (and put
    /// them in its data fingerprint). Every kind is listed, so a new one must decide.
    pub fn reads_sentiment(&self) -> bool {
        match self {
            Self::TechnicalSentiment(_) => true,
            Self::SmaCrossover { .. }
            | Self::EmaCrossover { .. }
            | Self::RsiReversion { .. }
            | Self::Bollinger { .. }
            | Self::Macd { .. }
            | Self::BuyAndHold {} => false,
        }
    }

    /// Bars a strategy must see before its first possible signal: its longest indicator's
    /// lookback (a crossover's slow average, an oscillator's period, MACD's slow period plus its
    /// signal line), which `warmup: auto` shows it before a run's first traded bar. With exact
    /// windows (SMA, Bollinger) the signals after that many bars are those of a run over all
    /// the data; exponential smoothing (EMA, RSI, MACD) still carries a little of the older
    /// past, as in every engine that warms up by period (LEAN, NautilusTrader): give
    /// `warmup: N` for more.
    pub fn lookback(&self) -> usize {
        match *self {
            Self::SmaCrossover { slow, .. } | Self::EmaCrossover { slow, .. } => slow,
            Self::RsiReversion { period, .. } | Self::Bollinger { period, .. } => period,
            Self::Macd { slow, signal, .. } => slow + signal,
            Self::BuyAndHold {} => 0,
            Self::TechnicalSentiment(ref c) => c.slow,
        }
    }

    /// Checks parameters without building anything.
    pub fn validate(&self) -> Result<(), BadParam> {
        match *self {
            Self::SmaCrossover { fast, slow } | Self::EmaCrossover { fast, slow } => {
                periods(fast, slow)
            }
            Self::RsiReversion {
                period,
                oversold,
                overbought,
                cooldown_bars,
            } => {
                if cooldown_bars > 100_000 {
                    return Err(bad(
                        "cooldown_bars",
                        format!("{cooldown_bars} is above 100000"),
                    ));
                }
                if !(2..=100_000).contains(&period) {
                    return Err(bad("period", format!("{period} is outside 2..=100000")));
                }
                if !(oversold > 0.0 && oversold < 100.0) {
                    return Err(bad("oversold", format!("{oversold} is outside 0..100")));
                }
                if !(overbought > oversold && overbought < 100.0) {
                    return Err(bad(
                        "overbought",
                        format!("{overbought} must be above oversold ({oversold}) and below 100"),
                    ));
                }
                Ok(())
            }
            Self::Bollinger {
                period,
                k,
                cooldown_bars,
                ..
            } => {
                if cooldown_bars > 100_000 {
                    return Err(bad(
                        "cooldown_bars",
                        format!("{cooldown_bars} is above 100000"),
                    ));
                }
                if !(2..=100_000).contains(&period) {
                    return Err(bad("period", format!("{period} is outside 2..=100000")));
                }
                if !(k.is_finite() && k > 0.0) {
                    return Err(bad("k", format!("{k} must be a positive number")));
                }
                Ok(())
            }
            Self::Macd { fast, slow, signal } => {
                if fast < 2 {
                    return Err(bad("fast", "must be at least 2"));
                }
                periods(fast, slow)?;
                if signal == 0 || signal > 100_000 {
                    return Err(bad("signal", format!("{signal} is outside 1..=100000")));
                }
                Ok(())
            }
            Self::BuyAndHold {} => Ok(()),
            Self::TechnicalSentiment(ref c) => c.validate(),
        }
    }

    /// Builds the strategy for a run over `symbols` symbols.
    pub fn build(&self, symbols: usize) -> Result<Box<dyn Strategy>, BadParam> {
        self.validate()?;
        let to_bad = |e: indicators::ParamError| bad(e.param, e.reason);
        Ok(match *self {
            Self::SmaCrossover { fast, slow } => {
                Box::new(SmaCrossover::new(fast, slow, symbols).map_err(to_bad)?)
            }
            Self::EmaCrossover { fast, slow } => {
                Box::new(EmaCrossover::new(fast, slow, symbols).map_err(to_bad)?)
            }
            Self::RsiReversion {
                period,
                oversold,
                overbought,
                cooldown_bars,
            } => Box::new(
                RsiReversion::new(period, oversold, overbought, symbols)
                    .map_err(to_bad)?
                    .with_cooldown(cooldown_bars),
            ),
            Self::Bollinger {
                period,
                k,
                mode,
                cooldown_bars,
            } => Box::new(
                BollingerStrategy::new(period, k, mode, symbols)
                    .map_err(to_bad)?
                    .with_cooldown(cooldown_bars),
            ),
            Self::Macd { fast, slow, signal } => {
                Box::new(MacdStrategy::new(fast, slow, signal, symbols).map_err(to_bad)?)
            }
            Self::BuyAndHold {} => Box::new(BuyAndHold::new(symbols)),
            Self::TechnicalSentiment(ref c) => {
                Box::new(TechnicalSentiment::new(c.clone(), symbols).map_err(to_bad)?)
            }
        })
    }
}
