//! Agents: a YAML file, named by its id, that says what to trade and how.
//!
//! Two stages (ripgrep's low-args → high-args): [`AgentConfig`] is the file as written, parsed
//! strictly (unknown fields are errors) and checked without IO by [`AgentConfig::validate`];
//! [`AgentConfig::engine`] then resolves it into a ready [`Engine`] with its strategy and cost
//! models. Loading and error reporting (file, line, field) live in [`load`].
//!
//! ```yaml
//! id: ref_sma
//! symbols: [SPY]
//! timeframe: 1m
//! initial_capital: 100000
//! strategy: { kind: sma_crossover, fast: 10, slow: 30 }
//! sizing: { kind: all_cash }
//! costs: { commission_per_share: 0, slippage_bps: 0 }
//! fill: next_open
//! equity_curve: session   # or bar; optional, session by default
//! warmup: auto             # or a number of bars, or none; optional, auto by default
//! adjustment: raw          # or split, or all (splits and dividends); optional, raw by default
//! features: [vwap, rvol]   # optional: computed at every bar, readable by strategies, stored
//! filters: ["rvol > 1.5", "close > vwap"]   # optional: every entry must meet them all
//! ```
//!
//! `features` ([`crate::features`]): `vwap`, `vwap_upper`, `vwap_lower`, `ema20`, `ema50`,
//! `ema20_slope`, `rvol`, `hod`, `lod`, `prev_close`, and the tick features `cvd`, `obi` (from
//! the timelines the caller supplies, [`crate::Inputs::tick_features`]). `filters`: `LEFT OP RIGHT` conditions on
//! those features, `close` and numbers; each feature a filter reads must be listed in `features`.
//!
//! `equity_curve` ([`EquityCurve`]) chooses what [`crate::BacktestResult::equity`] holds:
//! `session` (the default) records the first bar, the last bar of each New York exchange date and
//! the final bar, which is all the daily-return metrics read; `bar` records every bar. Daily and
//! longer timeframes record every bar either way.
//!
//! `warmup` ([`Warmup`]): a run with a start shows the strategy the bars before it first (as many
//! as its longest lookback with `auto`), so it begins with its indicators filled.
//!
//! `adjustment` ([`Adjustment`]): the prices the run reads, adjusted on read for the stored
//! splits (and dividends, with `all`) whose ex-date is up to the run's last bar; raw by default.
//!
//! Supported ranges, checked here so a file is refused at the line that asks for too much:
//! `initial_capital` and `sizing.amount` up to [`Money::MAX_CAPITAL`] (1e15), price distances
//! (`risk.*_abs`) up to [`domain::Price::MAX_INPUT`] (1e9), and the [`Costs`] bounds. Within them
//! every percentage, fee and slipped price is exact; a run that still leaves the fixed-point
//! types (a capital that buys more units than a quantity holds) fails with
//! [`EngineError::Overflow`]. YAML reads a bare decimal through f64: quote an amount with more
//! than 15 significant digits (`"123456789012.3456"`).

mod costs;
pub mod load;
mod params;
mod raw;

use domain::calendar::Calendar;
use domain::{Adjustment, Money, Symbol, Timeframe};
use serde::{Deserialize, Serialize};

use crate::config::{EngineConfig, EquityCurve, IntrabarPolicy, RiskConfig};
use crate::engine::Engine;
use crate::error::EngineError;
use crate::features::{FeatureGate, FeatureSet, Filter};
use crate::pct::Pct;
use crate::sizing::{QuantityMode, Sizing};
use crate::strategies::StrategyConfig;
use crate::warmup::Warmup;

pub use costs::Costs;
pub use load::{AgentError, Scanned, load_dir, scan_dir};
pub use params::ParamError;

/// When market orders fill. Only `next_open` today: the open of the bar after the decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FillTiming {
    #[default]
    NextOpen,
}

/// A validated agent. Read it with [`AgentConfig::load`] or [`AgentConfig::from_yaml`] (or any
/// serde format: it deserializes through the same strict file schema); it serializes back to
/// that schema, so a stored snapshot reads back into the same agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "raw::RawAgent")]
pub struct AgentConfig {
    /// Must equal the file name without `.yaml`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub symbols: Vec<Symbol>,
    pub timeframe: Timeframe,
    pub initial_capital: Money,
    pub strategy: StrategyConfig,
    #[serde(default)]
    pub sizing: Sizing,
    #[serde(default)]
    pub costs: Costs,
    #[serde(default)]
    pub fill: FillTiming,
    #[serde(default)]
    pub risk: RiskConfig,
    #[serde(default)]
    pub allow_short: bool,
    #[serde(default)]
    pub quantity: QuantityMode,
    #[serde(default)]
    pub intrabar: IntrabarPolicy,
    /// Which equity points the result keeps (see [`EquityCurve`]).
    #[serde(default)]
    pub equity_curve: EquityCurve,
    /// Symbol to run `buy_and_hold` on for comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<Symbol>,
    /// Bars before a run's start shown to the strategy first ([`crate::warmup`]).
    #[serde(default, skip_serializing_if = "Warmup::is_auto")]
    pub warmup: Warmup,
    /// Prices the run reads: `raw` (the default, as traded), `split` or `all` (splits and
    /// dividends), adjusted on read for the actions with an ex-date up to the run's last bar
    /// ([`domain::adjust`]). Kept in the stored config snapshot of every run that adjusts.
    #[serde(default, skip_serializing_if = "Adjustment::is_raw")]
    pub adjustment: Adjustment,
    /// Features the engine computes at every bar ([`crate::features`]); stored with the run.
    #[serde(
        default,
        skip_serializing_if = "FeatureSet::is_empty",
        serialize_with = "crate::features::names::serialize"
    )]
    pub features: FeatureSet,
    /// Conditions on features every entry must meet ([`crate::features::filter`]).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "filters_as_text"
    )]
    pub filters: Vec<Filter>,
}

fn filters_as_text<S: serde::Serializer>(f: &[Filter], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(f.iter().map(ToString::to_string))
}

/// A semantic error found by [`AgentConfig::validate`]: the dotted field path and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl AgentConfig {
    /// Parses and validates YAML text; errors name the field and, when it can be found, the
    /// line (no file: see [`AgentConfig::load`]).
    pub fn from_yaml(text: &str) -> Result<Self, AgentError> {
        Self::parse_file(std::path::Path::new("<agent>"), text)
    }

    /// Checks everything that can be checked without data.
    pub fn validate(&self) -> Result<(), Invalid> {
        let err = |field: &str, message: String| {
            Err(Invalid {
                field: field.to_owned(),
                message,
            })
        };
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return err(
                "id",
                format!("{:?} must be letters, digits, '_' or '-'", self.id),
            );
        }
        if self.symbols.is_empty() {
            return err("symbols", "list at least one symbol".into());
        }
        for (i, s) in self.symbols.iter().enumerate() {
            if self.symbols[..i].contains(s) {
                return err(&format!("symbols[{i}]"), format!("{s} is listed twice"));
            }
        }
        if self.initial_capital.raw() <= 0 {
            return err(
                "initial_capital",
                format!("{} must be positive", self.initial_capital),
            );
        }
        if self.initial_capital > Money::MAX_CAPITAL {
            return err(
                "initial_capital",
                format!(
                    "{} exceeds the largest supported capital {}",
                    self.initial_capital,
                    Money::MAX_CAPITAL
                ),
            );
        }
        if let Err(b) = self.strategy.validate() {
            return err(&format!("strategy.{}", b.field), b.message);
        }
        if let Err((f, m)) = self.risk.check() {
            return err(&format!("risk.{f}"), m);
        }
        if let Err((f, m)) = self.costs.check() {
            return err(&format!("costs.{f}"), m);
        }
        match self.sizing {
            Sizing::PercentEquity { pct }
                if pct.as_percent().raw() <= 0 || pct > Pct::lit("100") =>
            {
                return err(
                    "sizing.pct",
                    format!("{pct} must be above 0% and at most 100%"),
                );
            }
            Sizing::RiskPerTrade { pct }
                if pct.as_percent().raw() <= 0 || pct > Pct::lit("100") =>
            {
                return err(
                    "sizing.pct",
                    format!("{pct} must be above 0% and at most 100%"),
                );
            }
            Sizing::RiskPerTrade { .. }
                if self
                    .risk
                    .default_bracket()
                    .and_then(|b| b.stop_loss)
                    .is_none() =>
            {
                return err(
                    "sizing.kind",
                    "risk_per_trade needs risk.stop_loss_pct or risk.stop_loss_abs".into(),
                );
            }
            Sizing::FixedQuantity { quantity } if quantity.raw() <= 0 => {
                return err("sizing.quantity", "must be positive".into());
            }
            Sizing::FixedCash { amount } if amount.raw() <= 0 => {
                return err("sizing.amount", "must be positive".into());
            }
            Sizing::FixedCash { amount } if amount > Money::MAX_CAPITAL => {
                return err(
                    "sizing.amount",
                    format!(
                        "{amount} exceeds the largest supported capital {}",
                        Money::MAX_CAPITAL
                    ),
                );
            }
            _ => {}
        }
        Ok(())
    }

    /// The engine configuration this agent describes, on its symbols' `calendar`.
    pub fn engine_config(&self, calendar: Calendar) -> EngineConfig {
        EngineConfig {
            symbols: self.symbols.clone(),
            timeframe: self.timeframe,
            calendar,
            initial_capital: self.initial_capital,
            allow_short: self.allow_short,
            quantity: self.quantity,
            sizing: self.sizing,
            risk: self.risk,
            intrabar: self.intrabar,
            equity_curve: self.equity_curve,
        }
    }

    /// A ready engine on the symbols' `calendar`: strategy built, fee and slippage models from
    /// `costs`.
    pub fn engine(&self, calendar: Calendar) -> Result<Engine, EngineError> {
        self.validate()
            .map_err(|e| EngineError::Config(format!("agent {}: {e}", self.id)))?;
        let strategy = self.strategy.build(self.symbols.len()).map_err(|b| {
            EngineError::Config(format!(
                "agent {}: strategy.{}: {}",
                self.id, b.field, b.message
            ))
        })?;
        let strategy = if self.filters.is_empty() {
            strategy
        } else {
            Box::new(FeatureGate::new(strategy, self.filters.clone()))
        };
        Ok(Engine::new(self.engine_config(calendar), strategy)?
            .with_features(self.features.clone())
            .with_fees(self.costs.fee_model())
            .with_slippage(self.costs.slippage_model()))
    }

    /// The buy-and-hold agent for `benchmark`, with this agent's capital, timeframe and costs.
    pub fn benchmark_agent(&self) -> Option<AgentConfig> {
        let symbol = self.benchmark.clone()?;
        Some(AgentConfig {
            id: format!("{}_benchmark", self.id),
            description: Some(format!("buy and hold {symbol}, benchmark of {}", self.id)),
            symbols: vec![symbol],
            timeframe: self.timeframe,
            initial_capital: self.initial_capital,
            strategy: StrategyConfig::BuyAndHold {},
            sizing: Sizing::AllCash,
            costs: self.costs,
            fill: self.fill,
            risk: RiskConfig::default(),
            allow_short: false,
            quantity: self.quantity,
            intrabar: self.intrabar,
            equity_curve: self.equity_curve,
            benchmark: None,
            warmup: Warmup::Off,
            adjustment: self.adjustment,
            features: FeatureSet::default(),
            filters: Vec::new(),
        })
    }

    /// Bars per symbol to show the strategy before a run's first traded bar.
    /// With `warmup: auto`, as many as the strategy's lookback or the features' warm-up in bars,
    /// whichever is more.
    pub fn warmup_bars(&self) -> usize {
        let bars = self.warmup.bars(&self.strategy);
        if self.warmup.is_auto() {
            bars.max(self.features.warmup_bars())
        } else {
            bars
        }
    }

    /// The configuration as JSON, for storing with a run.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("an agent always serializes")
    }
}
