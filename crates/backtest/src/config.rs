//! What the engine is told, resolved and validated: the run's symbols, timeframe and calendar,
//! capital, sizing, risk limits, the intrabar policy and how finely the equity curve is recorded. Agents ([`crate::agent`]) produce one of these;
//! custom callers can build it directly.

use domain::calendar::Calendar;
use domain::{Money, Price, Symbol, Timeframe};
use serde::{Deserialize, Serialize};

use crate::error::EngineError;
use crate::order::{Bracket, Offset};
use crate::pct::Pct;
use crate::serde_exact::decimal_opt;
use crate::sizing::{QuantityMode, Sizing};

/// Which bracket leg wins when one bar reaches both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntrabarPolicy {
    /// Conservative: assume the stop was hit first.
    #[default]
    StopFirst,
    TakeProfitFirst,
    /// Replay the symbol's finer bars (given as extra inputs) to see which came first; stop first
    /// if they are missing or one finer bar reaches both.
    FinerBars,
}

/// Which points of the equity curve a run records in [`crate::BacktestResult::equity`].
///
/// Every metric is computed on daily returns (the analytics resample to the last equity of each
/// New York exchange date), so an intraday run needs one point per date, not one per bar: a
/// million one-minute bars would otherwise store a million points (≈ 48 MB) only to throw them
/// away. On daily and longer timeframes both settings record every bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EquityCurve {
    /// The first bar (the baseline the first date's return is measured from), the last bar of
    /// each New York exchange date ([`domain::UnixNanos::exchange_date`] of the bar stamp) and
    /// the final bar. Resampling it to dates gives the same daily curve as `bar`.
    #[default]
    Session,
    /// Every bar (every timestamp group when several symbols share a stamp).
    Bar,
}

/// Risk limits. Percentages are of the entry price (stops) or of equity (the rest).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskConfig {
    #[serde(
        default,
        deserialize_with = "decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub stop_loss_pct: Option<Pct>,
    #[serde(
        default,
        deserialize_with = "decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub take_profit_pct: Option<Pct>,
    /// Stop-loss as an absolute price distance from the entry.
    #[serde(
        default,
        deserialize_with = "decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub stop_loss_abs: Option<Price>,
    /// Take-profit as an absolute price distance from the entry.
    #[serde(
        default,
        deserialize_with = "decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub take_profit_abs: Option<Price>,
    /// A position's notional may not exceed this share of equity when it is opened or added to.
    #[serde(
        default,
        deserialize_with = "decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_position_pct: Option<Pct>,
    /// Losing this share of the session's opening equity closes everything and blocks entries
    /// until the next session.
    #[serde(
        default,
        deserialize_with = "decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_daily_loss_pct: Option<Pct>,
    /// Falling this far below the equity peak closes everything and ends trading for the run.
    #[serde(
        default,
        deserialize_with = "decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_drawdown_pct: Option<Pct>,
    /// Close every position at the session close of the run's calendar (NYSE's regular close
    /// for US equities) and fill orders only in session.
    #[serde(default)]
    pub flatten_at_close: bool,
}

impl RiskConfig {
    /// The bracket attached to entries that do not bring their own.
    pub fn default_bracket(&self) -> Option<Bracket> {
        let stop_loss = self
            .stop_loss_pct
            .map(Offset::Percent)
            .or(self.stop_loss_abs.map(Offset::Distance));
        let take_profit = self
            .take_profit_pct
            .map(Offset::Percent)
            .or(self.take_profit_abs.map(Offset::Distance));
        let b = Bracket {
            stop_loss,
            take_profit,
        };
        (!b.is_empty()).then_some(b)
    }

    /// `(field, message)` of the first bad limit.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let pct = |field, v: Option<Pct>, max_inclusive: bool| {
            if let Some(p) = v {
                let hundred = Pct::lit("100");
                if p.as_percent().raw() <= 0
                    || (if max_inclusive {
                        p > hundred
                    } else {
                        p >= hundred
                    })
                {
                    return Err((
                        field,
                        format!(
                            "{p} must be above 0% and {} 100%",
                            if max_inclusive { "at most" } else { "below" }
                        ),
                    ));
                }
            }
            Ok(())
        };
        pct("stop_loss_pct", self.stop_loss_pct, false)?;
        pct("take_profit_pct", self.take_profit_pct, true)?;
        pct("max_position_pct", self.max_position_pct, true)?;
        pct("max_daily_loss_pct", self.max_daily_loss_pct, false)?;
        pct("max_drawdown_pct", self.max_drawdown_pct, false)?;
        for (field, v) in [
            ("stop_loss_abs", self.stop_loss_abs),
            ("take_profit_abs", self.take_profit_abs),
        ] {
            if v.is_some_and(|d| d.raw() <= 0) {
                return Err((field, "must be a positive price distance".into()));
            }
            if let Some(d) = v.filter(|d| *d > Price::MAX_INPUT) {
                return Err((
                    field,
                    format!(
                        "{d} exceeds the largest supported price {}",
                        Price::MAX_INPUT
                    ),
                ));
            }
        }
        if self.stop_loss_pct.is_some() && self.stop_loss_abs.is_some() {
            return Err((
                "stop_loss_abs",
                "give stop_loss_pct or stop_loss_abs, not both".into(),
            ));
        }
        if self.take_profit_pct.is_some() && self.take_profit_abs.is_some() {
            return Err((
                "take_profit_abs",
                "give take_profit_pct or take_profit_abs, not both".into(),
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineConfig {
    pub symbols: Vec<Symbol>,
    pub timeframe: Timeframe,
    /// The symbols' calendar: where a daily bar opens and closes, the session `flatten_at_close`
    /// closes at, and the trading day `max_daily_loss_pct` resets on. The caller resolves it
    /// from where the symbols are stored (`app` reads each symbol's).
    pub calendar: Calendar,
    pub initial_capital: Money,
    pub allow_short: bool,
    pub quantity: QuantityMode,
    pub sizing: Sizing,
    pub risk: RiskConfig,
    pub intrabar: IntrabarPolicy,
    pub equity_curve: EquityCurve,
}

impl EngineConfig {
    /// Whether the calendar changes the run: daily bars (their window is the session), or
    /// session tracking for `flatten_at_close` or `max_daily_loss_pct`.
    pub fn uses_calendar(&self) -> bool {
        self.timeframe == Timeframe::D1
            || self.risk.flatten_at_close
            || self.risk.max_daily_loss_pct.is_some()
    }

    /// A long-only, all-cash, whole-share, cost-free configuration recording a `session` curve,
    /// on the NYSE calendar (set [`EngineConfig::calendar`] for other markets).
    pub fn new(symbols: Vec<Symbol>, timeframe: Timeframe, initial_capital: Money) -> Self {
        Self {
            symbols,
            timeframe,
            calendar: Calendar::Nyse,
            initial_capital,
            allow_short: false,
            quantity: QuantityMode::Whole,
            sizing: Sizing::AllCash,
            risk: RiskConfig::default(),
            intrabar: IntrabarPolicy::StopFirst,
            equity_curve: EquityCurve::Session,
        }
    }

    pub fn validate(&self) -> Result<(), EngineError> {
        let bad = |m: String| Err(EngineError::Config(m));
        if self.symbols.is_empty() {
            return bad("no symbols".into());
        }
        for (i, s) in self.symbols.iter().enumerate() {
            if self.symbols[..i].contains(s) {
                return bad(format!("symbol {s} is listed twice"));
            }
        }
        if self.initial_capital.raw() <= 0 {
            return bad(format!(
                "initial capital {} must be positive",
                self.initial_capital
            ));
        }
        if self.initial_capital > Money::MAX_CAPITAL {
            return bad(format!(
                "initial capital {} exceeds the largest supported capital {}",
                self.initial_capital,
                Money::MAX_CAPITAL
            ));
        }
        if let Err((field, m)) = self.risk.check() {
            return bad(format!("risk.{field}: {m}"));
        }
        if self.risk.flatten_at_close && !self.calendar.has_sessions() {
            return bad(format!(
                "risk.flatten_at_close: the {} calendar has no session to close",
                self.calendar
            ));
        }
        if matches!(self.sizing, Sizing::RiskPerTrade { .. })
            && self
                .risk
                .default_bracket()
                .and_then(|b| b.stop_loss)
                .is_none()
        {
            return bad(
                "sizing risk_per_trade needs risk.stop_loss_pct or risk.stop_loss_abs".into(),
            );
        }
        Ok(())
    }
}
