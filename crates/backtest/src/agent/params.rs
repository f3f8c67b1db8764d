//! Tunable parameters: one field of an agent set by name to an exact decimal, typed, for
//! sweeps and walk-forward (never by patching the agent's JSON).
//!
//! A bare name is a strategy parameter (`fast`, `k`, `min_score`); a dotted one names any
//! other block (`risk.stop_loss_pct`, `sizing.pct`, `costs.slippage_bps`, `initial_capital`).
//! The agent is not re-validated here: the caller runs [`AgentConfig::validate`] on the result
//! (a sweep counts the combinations it refuses, such as fast ≥ slow).

use domain::{Money, Price, Quantity};
use thiserror::Error;

use super::AgentConfig;
use crate::pct::Pct;
use crate::sizing::Sizing;
use crate::strategies::StrategyConfig;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParamError {
    #[error("agent {agent} has no parameter {name} to sweep (it has: {})", known.join(", "))]
    Unknown {
        agent: String,
        name: String,
        known: Vec<String>,
    },
    #[error("{name} = {value}: {reason}")]
    Value {
        name: String,
        value: Price,
        reason: String,
    },
}

impl AgentConfig {
    /// Every name [`AgentConfig::set_param`] accepts for this agent, strategy ones bare.
    pub fn param_names(&self) -> Vec<String> {
        let strategy: &[&str] = match self.strategy {
            StrategyConfig::SmaCrossover { .. } | StrategyConfig::EmaCrossover { .. } => {
                &["fast", "slow"]
            }
            StrategyConfig::RsiReversion { .. } => {
                &["period", "oversold", "overbought", "cooldown_bars"]
            }
            StrategyConfig::Bollinger { .. } => &["period", "k", "cooldown_bars"],
            StrategyConfig::Macd { .. } => &["fast", "slow", "signal"],
            StrategyConfig::BuyAndHold {} => &[],
            StrategyConfig::TechnicalSentiment(_) => &[
                "fast",
                "slow",
                "min_score",
                "min_confidence",
                "exit_score",
                "max_age_hours",
            ],
        };
        let sizing: &[&str] = match self.sizing {
            Sizing::AllCash => &[],
            Sizing::PercentEquity { .. } | Sizing::RiskPerTrade { .. } => &["sizing.pct"],
            Sizing::FixedQuantity { .. } => &["sizing.quantity"],
            Sizing::FixedCash { .. } => &["sizing.amount"],
        };
        let fixed = [
            "initial_capital",
            "risk.stop_loss_pct",
            "risk.take_profit_pct",
            "risk.stop_loss_abs",
            "risk.take_profit_abs",
            "risk.max_position_pct",
            "risk.max_daily_loss_pct",
            "risk.max_drawdown_pct",
            "costs.commission_per_share",
            "costs.commission_min",
            "costs.commission_per_trade",
            "costs.commission_pct",
            "costs.slippage_bps",
            "costs.slippage_ticks",
            "costs.tick_size",
        ];
        strategy
            .iter()
            .chain(sizing)
            .chain(fixed.iter())
            .map(|s| s.to_string())
            .collect()
    }

    /// Sets the parameter `name` (see the module docs) to `value`.
    pub fn set_param(&mut self, name: &str, value: Price) -> Result<(), ParamError> {
        if self.apply(name, value)? {
            return Ok(());
        }
        Err(ParamError::Unknown {
            agent: self.id.clone(),
            name: name.to_string(),
            known: self.param_names(),
        })
    }

    /// `Ok(false)` when the agent has no parameter `name`.
    fn apply(&mut self, name: &str, value: Price) -> Result<bool, ParamError> {
        let bad = |reason: &str| ParamError::Value {
            name: name.to_string(),
            value,
            reason: reason.to_string(),
        };
        let count = || -> Result<usize, ParamError> {
            whole(value)
                .and_then(|v| usize::try_from(v).ok())
                .ok_or_else(|| bad("must be a whole number of bars, 0 or more"))
        };
        let hours = || -> Result<u32, ParamError> {
            whole(value)
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| bad("must be a whole number of hours, 0 or more"))
        };
        let real = || -> f64 {
            // The decimal's shortest text read as the nearest f64, as the YAML reader does.
            value.to_string().parse().unwrap_or(f64::NAN)
        };
        let money = || Money::parse(&value.to_string()).map_err(|e| bad(&e.to_string()));
        let quantity = || Quantity::parse(&value.to_string()).map_err(|e| bad(&e.to_string()));
        let pct = || Some(Pct::from_percent(value));
        let bare = name.strip_prefix("strategy.").unwrap_or(name);
        if !bare.contains('.') && bare != "initial_capital" {
            return set_strategy(&mut self.strategy, bare, count, real, hours)
                .map_or(Ok(false), |r| r.map(|()| true));
        }
        match bare {
            "initial_capital" => self.initial_capital = money()?,
            "risk.stop_loss_pct" => self.risk.stop_loss_pct = pct(),
            "risk.take_profit_pct" => self.risk.take_profit_pct = pct(),
            "risk.stop_loss_abs" => self.risk.stop_loss_abs = Some(value),
            "risk.take_profit_abs" => self.risk.take_profit_abs = Some(value),
            "risk.max_position_pct" => self.risk.max_position_pct = pct(),
            "risk.max_daily_loss_pct" => self.risk.max_daily_loss_pct = pct(),
            "risk.max_drawdown_pct" => self.risk.max_drawdown_pct = pct(),
            "costs.commission_per_share" => self.costs.commission_per_share = value,
            "costs.commission_min" => self.costs.commission_min = money()?,
            "costs.commission_per_trade" => self.costs.commission_per_trade = money()?,
            "costs.commission_pct" => self.costs.commission_pct = Pct::from_percent(value),
            "costs.slippage_bps" => self.costs.slippage_bps = value,
            "costs.slippage_ticks" => {
                self.costs.slippage_ticks = whole(value)
                    .and_then(|v| u32::try_from(v).ok())
                    .ok_or_else(|| bad("must be a whole number of ticks, 0 or more"))?
            }
            "costs.tick_size" => self.costs.tick_size = value,
            "sizing.pct" => match &mut self.sizing {
                Sizing::PercentEquity { pct } | Sizing::RiskPerTrade { pct } => {
                    *pct = Pct::from_percent(value)
                }
                _ => return Ok(false),
            },
            "sizing.quantity" => match &mut self.sizing {
                Sizing::FixedQuantity { quantity: q } => *q = quantity()?,
                _ => return Ok(false),
            },
            "sizing.amount" => match &mut self.sizing {
                Sizing::FixedCash { amount } => *amount = money()?,
                _ => return Ok(false),
            },
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// A strategy parameter; `None` when the strategy has no such parameter.
fn set_strategy(
    s: &mut StrategyConfig,
    name: &str,
    count: impl Fn() -> Result<usize, ParamError>,
    real: impl Fn() -> f64,
    hours: impl Fn() -> Result<u32, ParamError>,
) -> Option<Result<(), ParamError>> {
    use StrategyConfig as S;
    let done = |r: Result<(), ParamError>| Some(r);
    match (s, name) {
        (
            S::SmaCrossover { fast, .. } | S::EmaCrossover { fast, .. } | S::Macd { fast, .. },
            "fast",
        ) => done(count().map(|v| *fast = v)),
        (
            S::SmaCrossover { slow, .. } | S::EmaCrossover { slow, .. } | S::Macd { slow, .. },
            "slow",
        ) => done(count().map(|v| *slow = v)),
        (S::Macd { signal, .. }, "signal") => done(count().map(|v| *signal = v)),
        (S::RsiReversion { period, .. } | S::Bollinger { period, .. }, "period") => {
            done(count().map(|v| *period = v))
        }
        (
            S::RsiReversion { cooldown_bars, .. } | S::Bollinger { cooldown_bars, .. },
            "cooldown_bars",
        ) => done(count().map(|v| *cooldown_bars = v)),
        (S::RsiReversion { oversold, .. }, "oversold") => {
            *oversold = real();
            done(Ok(()))
        }
        (S::RsiReversion { overbought, .. }, "overbought") => {
            *overbought = real();
            done(Ok(()))
        }
        (S::Bollinger { k, .. }, "k") => {
            *k = real();
            done(Ok(()))
        }
        (S::TechnicalSentiment(c), "fast") => done(count().map(|v| c.fast = v)),
        (S::TechnicalSentiment(c), "slow") => done(count().map(|v| c.slow = v)),
        (S::TechnicalSentiment(c), "min_score") => {
            c.min_score = real();
            done(Ok(()))
        }
        (S::TechnicalSentiment(c), "min_confidence") => {
            c.min_confidence = real();
            done(Ok(()))
        }
        (S::TechnicalSentiment(c), "exit_score") => {
            c.exit_score = Some(real());
            done(Ok(()))
        }
        (S::TechnicalSentiment(c), "max_age_hours") => {
            done(hours().map(|v| c.max_age_hours = Some(v)))
        }
        _ => None,
    }
}

/// The value as a whole number, when it is one.
fn whole(value: Price) -> Option<i64> {
    (value.raw() % Price::UNIT == 0).then(|| value.raw() / Price::UNIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(strategy: &str, sizing: &str) -> AgentConfig {
        let yaml = format!(
            "id: t\nsymbols: [SPY]\ntimeframe: 1d\ninitial_capital: 1000\nstrategy: {strategy}\nsizing: {sizing}\n"
        );
        AgentConfig::from_yaml(&yaml).unwrap()
    }

    #[test]
    fn strategy_and_block_parameters_are_set_typed() {
        let mut a = agent(
            "{ kind: sma_crossover, fast: 10, slow: 30 }",
            "{ kind: percent_equity, pct: 50 }",
        );
        a.set_param("fast", Price::lit("5")).unwrap();
        a.set_param("strategy.slow", Price::lit("40")).unwrap();
        a.set_param("risk.stop_loss_pct", Price::lit("1.5"))
            .unwrap();
        a.set_param("sizing.pct", Price::lit("25")).unwrap();
        a.set_param("costs.slippage_bps", Price::lit("2")).unwrap();
        assert_eq!(
            a.strategy,
            StrategyConfig::SmaCrossover { fast: 5, slow: 40 }
        );
        assert_eq!(a.risk.stop_loss_pct, Some(Pct::lit("1.5")));
        assert_eq!(
            a.sizing,
            Sizing::PercentEquity {
                pct: Pct::lit("25")
            }
        );
        assert_eq!(a.costs.slippage_bps, Price::lit("2"));
        let mut b = agent(
            "{ kind: bollinger, period: 20, k: 2, mode: breakout }",
            "{ kind: all_cash }",
        );
        b.set_param("k", Price::lit("1.5")).unwrap();
        assert!(matches!(b.strategy, StrategyConfig::Bollinger { k, .. } if k == 1.5));
    }

    #[test]
    fn unknown_names_and_bad_values_are_errors() {
        let mut a = agent(
            "{ kind: sma_crossover, fast: 10, slow: 30 }",
            "{ kind: all_cash }",
        );
        let e = a
            .set_param("period", Price::lit("5"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no parameter period") && e.contains("fast, slow"),
            "{e}"
        );
        let e = a
            .set_param("fast", Price::lit("2.5"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("whole number"), "{e}");
        let e = a
            .set_param("sizing.pct", Price::lit("5"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no parameter sizing.pct"), "{e}");
        assert!(a.set_param("risk.nothing", Price::lit("1")).is_err());
    }
}
