//! Deserializers for agent files that raise their errors *inside* the YAML deserializer's
//! visitor, so serde_yaml_ng can stamp them with the field's path and line.
//!
//! The domain types' own `Deserialize` impls parse after reading (through a JSON value or a
//! `String`), which is correct but leaves errors without a position. These read the scalar and
//! parse it in the visitor: decimals exactly from their text (a YAML float is printed back at
//! its shortest round-trip form, so `0.1` stays `0.1`), symbols and timeframes validated.

use std::fmt;
use std::marker::PhantomData;

use domain::{Money, Price, Quantity, Symbol, Timeframe};
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use crate::pct::Pct;

/// A fixed-point type parsed exactly from decimal text.
pub trait DecimalText: Sized {
    const WHAT: &'static str;
    fn parse_text(text: &str) -> Result<Self, String>;
}

macro_rules! decimal_text {
    ($t:ty, $what:expr, $parse:expr) => {
        impl DecimalText for $t {
            const WHAT: &'static str = $what;
            fn parse_text(text: &str) -> Result<Self, String> {
                $parse(text).map_err(|e| format!("{text:?} is not a valid {}: {e}", Self::WHAT))
            }
        }
    };
}

decimal_text!(Money, "amount of money", Money::parse);
decimal_text!(Price, "price", Price::parse);
decimal_text!(Quantity, "quantity", Quantity::parse);
decimal_text!(Pct, "percentage", |t| Price::parse(t)
    .map(Pct::from_percent));

struct DecimalVisitor<T>(PhantomData<T>);

impl<T: DecimalText> Visitor<'_> for DecimalVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a decimal {} (number or string)", T::WHAT)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        T::parse_text(v).map_err(E::custom)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        if !v.is_finite() {
            return Err(E::custom(format!("{v} is not a finite {}", T::WHAT)));
        }
        // Rust prints the shortest text that reads back as the same float, without exponent.
        self.visit_str(&format!("{v}"))
    }
}

pub fn decimal<'de, D: Deserializer<'de>, T: DecimalText>(d: D) -> Result<T, D::Error> {
    d.deserialize_any(DecimalVisitor(PhantomData))
}

/// For `Option` fields marked `#[serde(default)]`: present means `Some`.
pub fn decimal_opt<'de, D: Deserializer<'de>, T: DecimalText>(d: D) -> Result<Option<T>, D::Error> {
    decimal(d).map(Some)
}

struct SymbolVisitor;

impl Visitor<'_> for SymbolVisitor {
    type Value = Symbol;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a ticker symbol")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Symbol, E> {
        Symbol::new(v).map_err(|e| E::custom(e.reason))
    }
}

/// A symbol whose error carries its own position (used for list elements).
pub struct SymbolText(pub Symbol);

impl<'de> de::Deserialize<'de> for SymbolText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(SymbolVisitor).map(SymbolText)
    }
}

pub fn symbol_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Symbol>, D::Error> {
    d.deserialize_str(SymbolVisitor).map(Some)
}

pub fn symbols<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Symbol>, D::Error> {
    struct ListVisitor;
    impl<'de> Visitor<'de> for ListVisitor {
        type Value = Vec<Symbol>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of ticker symbols")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Symbol>, A::Error> {
            let mut out = Vec::new();
            while let Some(SymbolText(s)) = seq.next_element()? {
                out.push(s);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(ListVisitor)
}

pub fn timeframe<'de, D: Deserializer<'de>>(d: D) -> Result<Timeframe, D::Error> {
    struct TfVisitor;
    impl Visitor<'_> for TfVisitor {
        type Value = Timeframe;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a timeframe such as 1m, 5m, 1h or 1d")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Timeframe, E> {
            Timeframe::parse(v).map_err(|e| E::custom(e.reason))
        }
    }
    d.deserialize_str(TfVisitor)
}
