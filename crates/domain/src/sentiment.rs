//! Sentiment records: a score per symbol, time and source.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::symbol::Symbol;
use crate::time::UnixNanos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SentimentSource {
    News,
    Reddit,
    Sec,
}

impl SentimentSource {
    pub const ALL: [Self; 3] = [Self::News, Self::Reddit, Self::Sec];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::News => "news",
            Self::Reddit => "reddit",
            Self::Sec => "sec",
        }
    }
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "news" => Ok(Self::News),
            "reddit" => Ok(Self::Reddit),
            "sec" => Ok(Self::Sec),
            other => Err(DomainError::new(
                "source",
                format!("{other:?} is not news, reddit or sec"),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SentimentLabel {
    Positive,
    Negative,
    Neutral,
}

impl SentimentLabel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Positive => "positive",
            Self::Negative => "negative",
            Self::Neutral => "neutral",
        }
    }
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "positive" | "bullish" | "somewhat-bullish" | "somewhat_bullish" => Ok(Self::Positive),
            "negative" | "bearish" | "somewhat-bearish" | "somewhat_bearish" => Ok(Self::Negative),
            "neutral" => Ok(Self::Neutral),
            other => Err(DomainError::new(
                "sentiment",
                format!("{other:?} is not positive, negative or neutral"),
            )),
        }
    }
    /// The label a score implies, with a neutral band of ±`band`.
    pub fn from_score(score: f64, band: f64) -> Self {
        if score > band {
            Self::Positive
        } else if score < -band {
            Self::Negative
        } else {
            Self::Neutral
        }
    }
}

/// `score` in −1..1, `confidence` in 0..1; both are model outputs, not money.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentRecord {
    pub symbol: Symbol,
    pub ts: UnixNanos,
    pub source: SentimentSource,
    pub label: SentimentLabel,
    pub score: f64,
    pub confidence: f64,
    pub metadata: serde_json::Value,
}

impl SentimentRecord {
    pub fn new(
        symbol: Symbol,
        ts: UnixNanos,
        source: SentimentSource,
        label: SentimentLabel,
        score: f64,
        confidence: f64,
        metadata: serde_json::Value,
    ) -> Result<Self, DomainError> {
        let r = Self {
            symbol,
            ts,
            source,
            label,
            score,
            confidence,
            metadata,
        };
        r.validate()?;
        Ok(r)
    }

    pub fn validate(&self) -> Result<(), DomainError> {
        if !(self.score.is_finite() && (-1.0..=1.0).contains(&self.score)) {
            return Err(DomainError::new(
                "score",
                format!("{} is outside -1..1", self.score),
            ));
        }
        if !(self.confidence.is_finite() && (0.0..=1.0).contains(&self.confidence)) {
            return Err(DomainError::new(
                "confidence",
                format!("{} is outside 0..1", self.confidence),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rec(score: f64, confidence: f64) -> Result<SentimentRecord, DomainError> {
        SentimentRecord::new(
            Symbol::lit("SPY"),
            UnixNanos::new(0),
            SentimentSource::News,
            SentimentLabel::from_score(score, 0.05),
            score,
            confidence,
            serde_json::Value::Null,
        )
    }

    #[test]
    fn parses_words() {
        assert_eq!(SentimentSource::parse("SEC").unwrap(), SentimentSource::Sec);
        assert_eq!(
            SentimentLabel::parse("Somewhat-Bullish").unwrap(),
            SentimentLabel::Positive
        );
        assert_eq!(
            SentimentSource::parse("twitter").unwrap_err().field,
            "source"
        );
    }

    proptest! {
        #[test]
        fn ranges(score in -2.0f64..2.0, conf in -1.0f64..2.0) {
            let r = rec(score, conf);
            let ok = (-1.0..=1.0).contains(&score) && (0.0..=1.0).contains(&conf);
            prop_assert_eq!(r.is_ok(), ok);
            if !ok {
                let f = r.unwrap_err().field;
                prop_assert!(f == "score" || f == "confidence");
            }
        }
    }

    #[test]
    fn nan_is_refused() {
        assert_eq!(rec(f64::NAN, 0.5).unwrap_err().field, "score");
        assert_eq!(rec(0.5, f64::NAN).unwrap_err().field, "confidence");
    }
}
