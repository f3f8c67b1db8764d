//! The data vendors ztrade collects from: what a stored article, a collection job and a stored
//! API key belong to.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Alpaca,
    Polygon,
}

/// A provider name that is neither `alpaca` nor `polygon`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not a provider (expected alpaca or polygon)")]
pub struct UnknownProvider(pub String);

impl Provider {
    pub const ALL: [Self; 2] = [Self::Alpaca, Self::Polygon];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Alpaca => "alpaca",
            Self::Polygon => "polygon",
        }
    }

    pub fn parse(text: &str) -> Result<Self, UnknownProvider> {
        match text.trim().to_ascii_lowercase().as_str() {
            "alpaca" => Ok(Self::Alpaca),
            "polygon" => Ok(Self::Polygon),
            other => Err(UnknownProvider(other.to_string())),
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Provider {
    type Err = UnknownProvider;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for p in Provider::ALL {
            assert_eq!(Provider::parse(p.as_str()).unwrap(), p);
        }
        assert_eq!(Provider::parse(" Polygon ").unwrap(), Provider::Polygon);
        assert!(
            Provider::parse("iex")
                .unwrap_err()
                .to_string()
                .contains("alpaca or polygon")
        );
    }
}
