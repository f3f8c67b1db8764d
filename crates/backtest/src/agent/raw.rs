//! The agent file as written (stage one). Every field is read by serde_yaml_ng directly, with
//! no buffering, so a wrong value is reported at its own path and line; `strategy` and `sizing`
//! are flat blocks with a `kind` and optional parameters, checked per kind in [`RawAgent::resolve`]
//! (an internally tagged enum would buffer the block and lose every position inside it).

use domain::{Adjustment, Money, Quantity, Symbol, Timeframe};
use serde::Deserialize;

use super::{AgentConfig, Costs, FillTiming, Invalid};
use crate::config::{EquityCurve, IntrabarPolicy, RiskConfig};
use crate::features::Filter;
use crate::pct::Pct;
use crate::serde_exact::{decimal, decimal_opt, symbol_opt, symbols, timeframe};
use crate::sizing::{QuantityMode, Sizing};
use crate::strategies::{BollingerMode, SourceRules, StrategyConfig, TechnicalSentimentConfig};
use crate::warmup::Warmup;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgent {
    id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(deserialize_with = "symbols")]
    symbols: Vec<Symbol>,
    #[serde(deserialize_with = "timeframe")]
    timeframe: Timeframe,
    #[serde(deserialize_with = "decimal")]
    initial_capital: Money,
    strategy: RawStrategy,
    #[serde(default)]
    sizing: Option<RawSizing>,
    #[serde(default)]
    costs: Costs,
    #[serde(default)]
    fill: FillTiming,
    #[serde(default)]
    risk: RiskConfig,
    #[serde(default)]
    allow_short: bool,
    #[serde(default)]
    quantity: QuantityMode,
    #[serde(default)]
    intrabar: IntrabarPolicy,
    #[serde(default)]
    equity_curve: EquityCurve,
    #[serde(default, deserialize_with = "symbol_opt")]
    benchmark: Option<Symbol>,
    #[serde(default)]
    warmup: Warmup,
    #[serde(default)]
    adjustment: Adjustment,
    #[serde(default)]
    features: Vec<String>,
    #[serde(default)]
    filters: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StrategyKind {
    SmaCrossover,
    EmaCrossover,
    RsiReversion,
    Bollinger,
    Macd,
    BuyAndHold,
    TechnicalSentiment,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStrategy {
    kind: StrategyKind,
    fast: Option<usize>,
    slow: Option<usize>,
    signal: Option<usize>,
    period: Option<usize>,
    oversold: Option<f64>,
    overbought: Option<f64>,
    cooldown_bars: Option<usize>,
    k: Option<f64>,
    mode: Option<BollingerMode>,
    min_score: Option<f64>,
    min_confidence: Option<f64>,
    exit_score: Option<f64>,
    max_age_hours: Option<u32>,
    require_sentiment: Option<bool>,
    sources: Option<SourceRules>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum SizingKind {
    AllCash,
    PercentEquity,
    FixedQuantity,
    FixedCash,
    RiskPerTrade,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSizing {
    kind: SizingKind,
    #[serde(default, deserialize_with = "decimal_opt")]
    pct: Option<Pct>,
    #[serde(default, deserialize_with = "decimal_opt")]
    quantity: Option<Quantity>,
    #[serde(default, deserialize_with = "decimal_opt")]
    amount: Option<Money>,
}

fn invalid(field: &str, message: impl Into<String>) -> Invalid {
    Invalid {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// `Some(v)` or "`kind` needs `field`".
fn need<T>(v: Option<T>, block: &str, kind: &str, field: &str) -> Result<T, Invalid> {
    v.ok_or_else(|| invalid(&format!("{block}.{field}"), format!("{kind} needs {field}")))
}

impl RawStrategy {
    fn present(&self) -> [(&'static str, bool); 15] {
        [
            ("fast", self.fast.is_some()),
            ("slow", self.slow.is_some()),
            ("signal", self.signal.is_some()),
            ("period", self.period.is_some()),
            ("oversold", self.oversold.is_some()),
            ("overbought", self.overbought.is_some()),
            ("cooldown_bars", self.cooldown_bars.is_some()),
            ("k", self.k.is_some()),
            ("mode", self.mode.is_some()),
            ("min_score", self.min_score.is_some()),
            ("min_confidence", self.min_confidence.is_some()),
            ("exit_score", self.exit_score.is_some()),
            ("max_age_hours", self.max_age_hours.is_some()),
            ("require_sentiment", self.require_sentiment.is_some()),
            ("sources", self.sources.is_some()),
        ]
    }

    fn resolve(self) -> Result<StrategyConfig, Invalid> {
        use StrategyKind as K;
        let (name, allowed): (&str, &[&str]) = match self.kind {
            K::SmaCrossover => ("sma_crossover", &["fast", "slow"]),
            K::EmaCrossover => ("ema_crossover", &["fast", "slow"]),
            K::RsiReversion => (
                "rsi_reversion",
                &["period", "oversold", "overbought", "cooldown_bars"],
            ),
            K::Bollinger => ("bollinger", &["period", "k", "mode", "cooldown_bars"]),
            K::Macd => ("macd", &["fast", "slow", "signal"]),
            K::BuyAndHold => ("buy_and_hold", &[]),
            K::TechnicalSentiment => (
                "technical_sentiment",
                &[
                    "fast",
                    "slow",
                    "min_score",
                    "min_confidence",
                    "exit_score",
                    "max_age_hours",
                    "require_sentiment",
                    "sources",
                ],
            ),
        };
        if let Some((field, _)) = self
            .present()
            .into_iter()
            .find(|(f, on)| *on && !allowed.contains(f))
        {
            let takes = if allowed.is_empty() {
                "no parameters".to_owned()
            } else {
                allowed.join(", ")
            };
            return Err(invalid(
                &format!("strategy.{field}"),
                format!("{field} is not a parameter of {name} (it takes {takes})"),
            ));
        }
        let need = |v, f| need(v, "strategy", name, f);
        Ok(match self.kind {
            K::SmaCrossover => StrategyConfig::SmaCrossover {
                fast: need(self.fast, "fast")?,
                slow: need(self.slow, "slow")?,
            },
            K::EmaCrossover => StrategyConfig::EmaCrossover {
                fast: need(self.fast, "fast")?,
                slow: need(self.slow, "slow")?,
            },
            K::RsiReversion => StrategyConfig::RsiReversion {
                period: self.period.unwrap_or(14),
                oversold: self.oversold.unwrap_or(30.0),
                overbought: self.overbought.unwrap_or(70.0),
                cooldown_bars: self.cooldown_bars.unwrap_or(0),
            },
            K::Bollinger => StrategyConfig::Bollinger {
                period: self.period.unwrap_or(20),
                k: self.k.unwrap_or(2.0),
                mode: self.mode.ok_or_else(|| {
                    invalid(
                        "strategy.mode",
                        "bollinger needs mode: breakout or reversion",
                    )
                })?,
                cooldown_bars: self.cooldown_bars.unwrap_or(0),
            },
            K::Macd => StrategyConfig::Macd {
                fast: self.fast.unwrap_or(12),
                slow: self.slow.unwrap_or(26),
                signal: self.signal.unwrap_or(9),
            },
            K::BuyAndHold => StrategyConfig::BuyAndHold {},
            K::TechnicalSentiment => StrategyConfig::TechnicalSentiment(TechnicalSentimentConfig {
                fast: need(self.fast, "fast")?,
                slow: need(self.slow, "slow")?,
                min_score: self.min_score.unwrap_or(0.0),
                min_confidence: self.min_confidence.unwrap_or(0.0),
                exit_score: self.exit_score,
                max_age_hours: self.max_age_hours,
                require_sentiment: self.require_sentiment.unwrap_or(false),
                sources: self.sources.unwrap_or_default(),
            }),
        })
    }
}

impl RawSizing {
    fn resolve(self) -> Result<Sizing, Invalid> {
        use SizingKind as K;
        let (name, allowed): (&str, &[&str]) = match self.kind {
            K::AllCash => ("all_cash", &[]),
            K::PercentEquity => ("percent_equity", &["pct"]),
            K::FixedQuantity => ("fixed_quantity", &["quantity"]),
            K::FixedCash => ("fixed_cash", &["amount"]),
            K::RiskPerTrade => ("risk_per_trade", &["pct"]),
        };
        let present = [
            ("pct", self.pct.is_some()),
            ("quantity", self.quantity.is_some()),
            ("amount", self.amount.is_some()),
        ];
        if let Some((field, _)) = present
            .into_iter()
            .find(|(f, on)| *on && !allowed.contains(f))
        {
            return Err(invalid(
                &format!("sizing.{field}"),
                format!("{field} is not a parameter of {name}"),
            ));
        }
        Ok(match self.kind {
            K::AllCash => Sizing::AllCash,
            K::PercentEquity => Sizing::PercentEquity {
                pct: need(self.pct, "sizing", name, "pct")?,
            },
            K::FixedQuantity => Sizing::FixedQuantity {
                quantity: need(self.quantity, "sizing", name, "quantity")?,
            },
            K::FixedCash => Sizing::FixedCash {
                amount: need(self.amount, "sizing", name, "amount")?,
            },
            K::RiskPerTrade => Sizing::RiskPerTrade {
                pct: need(self.pct, "sizing", name, "pct")?,
            },
        })
    }
}

impl RawAgent {
    /// Stage two: per-kind parameters resolved, then [`AgentConfig::validate`].
    pub fn resolve(self) -> Result<AgentConfig, Invalid> {
        let features = crate::features::names::parse(&self.features)
            .map_err(|(i, m)| invalid(&format!("features[{i}]"), m))?;
        let mut filters = Vec::with_capacity(self.filters.len());
        for (i, text) in self.filters.iter().enumerate() {
            let field = format!("filters[{i}]");
            let f: Filter = text.parse().map_err(|m: String| invalid(&field, m))?;
            if let Some(missing) = f.missing_from(&features) {
                return Err(invalid(
                    &field,
                    format!("{text:?} reads {missing}, which is not in features: list it there"),
                ));
            }
            filters.push(f);
        }
        let cfg = AgentConfig {
            id: self.id,
            description: self.description,
            symbols: self.symbols,
            timeframe: self.timeframe,
            initial_capital: self.initial_capital,
            strategy: self.strategy.resolve()?,
            sizing: match self.sizing {
                Some(s) => s.resolve()?,
                None => Sizing::AllCash,
            },
            costs: self.costs,
            fill: self.fill,
            risk: self.risk,
            allow_short: self.allow_short,
            quantity: self.quantity,
            intrabar: self.intrabar,
            equity_curve: self.equity_curve,
            benchmark: self.benchmark,
            warmup: self.warmup,
            adjustment: self.adjustment,
            features,
            filters,
        };
        cfg.validate()?;
        Ok(cfg)
    }
}

impl TryFrom<RawAgent> for AgentConfig {
    type Error = Invalid;
    fn try_from(raw: RawAgent) -> Result<Self, Invalid> {
        raw.resolve()
    }
}
