//! What a label run asks for, validated before any bar is read.

use backtest::agent::Costs;
use backtest::{IntrabarPolicy, Pct};
use domain::Quantity;
use serde::{Deserialize, Serialize};

use crate::LabelError;

/// Where a horizontal barrier sits from the entry price.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A percent of the entry price (`2.5` = 2.5 %), exact.
    Pct(Pct),
    /// k × σ, σ the standard deviation of the last `vol_window` close-to-close returns up to the
    /// signal bar ([`crate::vol`]).
    Vol(f64),
}

/// The vertical barrier: the earliest of those given; none means the end of the series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeStop {
    /// Held for at most N bars, the entry bar being the first.
    pub max_bars: Option<u32>,
    /// Held in the bars that start before entry time + N minutes.
    pub max_minutes: Option<u32>,
    /// Held in the bars of the entry bar's session (calendar), out at the last one's close.
    pub session_close: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelParams {
    pub take_profit: Option<Level>,
    pub stop_loss: Option<Level>,
    /// Returns σ is measured over, for [`Level::Vol`].
    pub vol_window: usize,
    pub time: TimeStop,
    pub intrabar: IntrabarPolicy,
    pub costs: Costs,
    /// The quantity a label trades when its entry gives none, for the commissions (a per-trade
    /// fee weighs on a return through the notional it is spread over). One unit by default.
    pub quantity: Quantity,
}

impl Default for LabelParams {
    fn default() -> Self {
        Self {
            take_profit: None,
            stop_loss: None,
            vol_window: 20,
            time: TimeStop::default(),
            intrabar: IntrabarPolicy::StopFirst,
            costs: Costs::default(),
            quantity: Quantity::from_int(1),
        }
    }
}

impl LabelParams {
    pub fn validate(&self) -> Result<(), LabelError> {
        let bad = |m: &str| Err(LabelError::Params(m.to_owned()));
        for (name, level) in [
            ("take-profit", self.take_profit),
            ("stop-loss", self.stop_loss),
        ] {
            match level {
                Some(Level::Pct(p)) if p.as_percent().raw() <= 0 => {
                    return Err(LabelError::Params(format!("{name}: {p} must be positive")));
                }
                Some(Level::Pct(p)) if name == "stop-loss" && p >= Pct::lit("100") => {
                    return bad("stop-loss: must be below 100%");
                }
                Some(Level::Vol(k)) if !(k.is_finite() && k > 0.0 && k < 1e6) => {
                    return Err(LabelError::Params(format!(
                        "{name}: k = {k} must be a positive number"
                    )));
                }
                _ => {}
            }
        }
        let vol = matches!(self.take_profit, Some(Level::Vol(_)))
            || matches!(self.stop_loss, Some(Level::Vol(_)));
        if vol && self.vol_window < 2 {
            return bad("vol-window: at least 2 returns");
        }
        if self.time.max_bars == Some(0) || self.time.max_minutes == Some(0) {
            return bad("max-bars and max-minutes must be at least 1");
        }
        if self.quantity.raw() <= 0 {
            return bad("quantity must be positive");
        }
        Ok(())
    }
}
