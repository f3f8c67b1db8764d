//! Warm-up: how many bars before a run's first traded bar its strategy sees, so that a run
//! started in the middle of the data begins with its indicators filled rather than cold.
//!
//! The engine gives warm-up bars to [`crate::Strategy::warm_up`] and nothing else: no fills, no
//! marks, no equity points, no risk sessions. Whatever the strategy would have asked for is
//! dropped. The bars are the run's own past, so there is no look-ahead.
//!
//! In an agent file: `warmup: auto` (the default: as many bars as the strategy's longest
//! lookback, [`crate::strategies::StrategyConfig::lookback`]), `warmup: 250` (that many), or
//! `warmup: none`.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::strategies::StrategyConfig;

/// The most warm-up bars an agent may ask for.
pub const MAX_WARMUP_BARS: u32 = 1_000_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Warmup {
    /// The strategy's longest lookback.
    #[default]
    Auto,
    /// Exactly this many bars per symbol.
    Bars(u32),
    /// None: the first bars of the run fill the indicators, as they would at the data's start.
    Off,
}

impl Warmup {
    pub fn is_auto(&self) -> bool {
        *self == Self::Auto
    }

    /// Bars per symbol to show `strategy` before the first traded bar.
    pub fn bars(self, strategy: &StrategyConfig) -> usize {
        match self {
            Self::Auto => strategy.lookback(),
            Self::Bars(n) => n as usize,
            Self::Off => 0,
        }
    }
}

impl fmt::Display for Warmup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Auto => f.write_str("auto"),
            Self::Bars(n) => write!(f, "{n}"),
            Self::Off => f.write_str("none"),
        }
    }
}

impl Serialize for Warmup {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Bars(n) => s.serialize_u32(*n),
            other => s.serialize_str(&other.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for Warmup {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Warmup;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "auto, none or a number of bars up to {MAX_WARMUP_BARS}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Warmup, E> {
                match v {
                    "auto" => Ok(Warmup::Auto),
                    "none" => Ok(Warmup::Off),
                    other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Warmup, E> {
                u32::try_from(v)
                    .ok()
                    .filter(|n| *n <= MAX_WARMUP_BARS)
                    .map(Warmup::Bars)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Warmup, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_the_three_forms() {
        for (text, want) in [
            ("auto", Warmup::Auto),
            ("none", Warmup::Off),
            ("250", Warmup::Bars(250)),
            ("0", Warmup::Bars(0)),
        ] {
            let w: Warmup = serde_yaml_ng::from_str(text).unwrap();
            assert_eq!(w, want, "{text}");
            assert_eq!(serde_yaml_ng::to_string(&w).unwrap().trim(), text);
        }
        for bad in ["-1", "1000001", "cold", "1.5"] {
            let e = serde_yaml_ng::from_str::<Warmup>(bad).expect_err(bad);
            assert!(
                e.to_string().contains("auto, none or a number of bars"),
                "{e}"
            );
        }
    }
}
