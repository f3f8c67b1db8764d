//! Parameter grids: `NAME=LO..HI[:STEP]` ranges of exact decimals, and every combination of
//! them applied to an agent through its typed setter ([`AgentConfig::set_param`]).

use backtest::AgentConfig;
use domain::Price;

use crate::AppError;

/// The most values one range may have (a typo such as `0..100000` is refused, not run).
pub const MAX_VALUES: i64 = 10_000;

/// One swept parameter: its name as the agent knows it and the values to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamRange {
    pub name: String,
    pub values: Vec<Price>,
}

impl ParamRange {
    /// `NAME=LO..HI` or `NAME=LO..HI:STEP`, inclusive (`fast=5..20`, `k=1.5..2.5:0.5`).
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let bad = || {
            AppError::input(format!(
                "--param {text:?}: expected NAME=LO..HI or NAME=LO..HI:STEP"
            ))
        };
        let (name, range) = text.split_once('=').ok_or_else(bad)?;
        let (range, step) = range.split_once(':').unwrap_or((range, "1"));
        let (lo, hi) = range.split_once("..").ok_or_else(bad)?;
        let num = |s: &str| {
            Price::parse(s.trim())
                .map_err(|e| AppError::input(format!("--param {text:?}: {s:?}: {e}")))
        };
        let (lo, hi, step) = (num(lo)?, num(hi)?, num(step)?);
        if step.raw() <= 0 || hi < lo {
            return Err(AppError::input(format!(
                "--param {text:?}: need LO ≤ HI and a positive STEP"
            )));
        }
        let count = (hi.raw() - lo.raw()) / step.raw() + 1;
        if count > MAX_VALUES {
            return Err(AppError::input(format!(
                "--param {text:?}: {count} values is too many"
            )));
        }
        Ok(Self {
            name: name.trim().to_string(),
            values: (0..count)
                .map(|k| Price::from_raw(lo.raw() + k * step.raw()))
                .collect(),
        })
    }
}

/// One combination: each swept parameter's name and value, and the agent they give.
#[derive(Debug, Clone)]
pub struct Combo {
    pub params: Vec<(String, Price)>,
    pub agent: AgentConfig,
}

impl Combo {
    /// `{"fast": 5, "slow": 20}`: the parameters as exact JSON numbers, strategy ones bare.
    pub fn label(&self) -> serde_json::Map<String, serde_json::Value> {
        self.params
            .iter()
            .map(|(k, v)| {
                let number = serde_json::from_str(&v.to_string())
                    .unwrap_or_else(|_| serde_json::Value::String(v.to_string()));
                (k.trim_start_matches("strategy.").to_string(), number)
            })
            .collect()
    }
}

/// Every combination of `ranges` applied to `base`, in order (the last range varies fastest),
/// and how many the agent's own checks refused (fast ≥ slow, say). An unknown name or a value
/// the field cannot take is an error before anything runs.
pub fn combinations(
    base: &AgentConfig,
    ranges: &[ParamRange],
) -> Result<(Vec<Combo>, usize), AppError> {
    let mut grid: Vec<Vec<(String, Price)>> = vec![vec![]];
    for r in ranges {
        grid = grid
            .into_iter()
            .flat_map(|c| {
                r.values.iter().map(move |v| {
                    let mut c = c.clone();
                    c.push((r.name.clone(), *v));
                    c
                })
            })
            .collect();
    }
    let (mut out, mut invalid) = (Vec::new(), 0);
    for params in grid {
        let mut agent = base.clone();
        for (name, v) in &params {
            agent
                .set_param(name, *v)
                .map_err(|e| AppError::input(e.to_string()))?;
        }
        if agent.validate().is_ok() {
            out.push(Combo { params, agent });
        } else {
            invalid += 1;
        }
    }
    Ok((out, invalid))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent() -> AgentConfig {
        AgentConfig::from_yaml(
            "id: g\nsymbols: [SPY]\ntimeframe: 1d\ninitial_capital: 1000\n\
             strategy: { kind: sma_crossover, fast: 10, slow: 30 }\n",
        )
        .unwrap()
    }

    #[test]
    fn ranges_parse_exactly() {
        let r = ParamRange::parse("k=1.5..2.5:0.5").unwrap();
        assert_eq!(r.values, ["1.5", "2", "2.5"].map(Price::lit).to_vec());
        assert!(ParamRange::parse("fast=5").is_err());
        assert!(ParamRange::parse("fast=9..5").is_err());
        assert!(ParamRange::parse("fast=0..100000:1").is_err());
    }

    #[test]
    fn refused_combinations_are_counted_and_unknown_names_fail() {
        let fast = ParamRange::parse("fast=5..30:5").unwrap();
        let slow = ParamRange::parse("slow=20..30:10").unwrap();
        let (combos, invalid) = combinations(&agent(), &[fast, slow]).unwrap();
        // fast 5..30 × slow {20, 30}: fast < slow holds for 3 + 5 of the 12.
        assert_eq!((combos.len(), invalid), (8, 4));
        assert_eq!(
            serde_json::Value::Object(combos[0].label()).to_string(),
            r#"{"fast":5,"slow":20}"#
        );
        let bad = ParamRange::parse("period=5..6").unwrap();
        let e = combinations(&agent(), &[bad]).unwrap_err().to_string();
        assert!(e.contains("no parameter period"), "{e}");
    }
}
