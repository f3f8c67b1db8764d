//! Ticker symbols: upper-case, validated once at the edge.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DomainError;

/// A ticker such as `SPY`, `BRK.B`, `BTC-USD` or an OCC option symbol. Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Symbol(Arc<str>);

impl Symbol {
    /// Upper-cases and checks: 1–32 characters of `A-Z 0-9 . - / _ ^ =`.
    pub fn new(text: &str) -> Result<Self, DomainError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(DomainError::new("symbol", "empty"));
        }
        if t.len() > 32 {
            return Err(DomainError::new(
                "symbol",
                format!("{t:?} is longer than 32 characters"),
            ));
        }
        if let Some(c) = t
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || ".-/_^=".contains(*c)))
        {
            return Err(DomainError::new("symbol", format!("{t:?} contains {c:?}")));
        }
        Ok(Self(Arc::from(t.to_ascii_uppercase())))
    }

    /// For literals in tests and examples; panics on a bad symbol.
    pub fn lit(text: &str) -> Self {
        Self::new(text).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses a comma-separated list (`SPY,QQQ`), rejecting duplicates.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, DomainError> {
        let mut out: Vec<Self> = Vec::new();
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let s = Self::new(part)?;
            if out.contains(&s) {
                return Err(DomainError::new("symbols", format!("{s} is listed twice")));
            }
            out.push(s);
        }
        if out.is_empty() {
            return Err(DomainError::new("symbols", "no symbol given"));
        }
        Ok(out)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Symbol {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl Serialize for Symbol {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Symbol {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates() {
        assert_eq!(Symbol::new(" spy ").unwrap().as_str(), "SPY");
        assert_eq!(Symbol::new("brk.b").unwrap().as_str(), "BRK.B");
        assert!(Symbol::new("").is_err());
        assert!(Symbol::new("S P Y").is_err());
        assert_eq!(Symbol::parse_list("SPY,qqq").unwrap().len(), 2);
        assert_eq!(Symbol::parse_list("SPY,spy").unwrap_err().field, "symbols");
    }
}
