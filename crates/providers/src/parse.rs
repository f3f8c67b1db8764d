//! Reading response bodies: JSON decoding with a located excerpt on failure, and numbers and
//! times read from their JSON *text* (via `RawValue`), never through f64.
//!
//! - [`decode`]: body → wire struct, or `Malformed` carrying the request and the bytes around
//!   the error.
//! - [`price`], [`quantity`], [`count`], [`epoch`], [`timestamp`]: one field each; errors name
//!   the field.
//! - [`opt`]: any of those for a field that may be absent.
//! - [`RawBar`], [`RawGreeks`]: the shapes both providers share (a bar's fields, an option's
//!   greeks).
//! - [`Code`], [`Codes`]: exchange and condition codes, which Alpaca sends as strings and
//!   Polygon as integers, singly or in arrays.

use std::borrow::Cow;
use std::fmt;

use domain::fixed::parse_decimal;
use domain::{Bar, DomainError, Money, Price, Quantity, UnixNanos};
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::{ProviderError, RequestInfo};
use crate::http::HttpCore;

/// Decodes `body` as `T`. A failure reports serde's reason (with line and column) and up to
/// ~240 bytes around the failing position (the tail, for a truncated body).
pub(crate) fn decode<'a, T: Deserialize<'a>>(
    core: &HttpCore,
    request: &RequestInfo,
    body: &'a [u8],
) -> Result<T, ProviderError> {
    serde_json::from_slice(body).map_err(|e| ProviderError::Malformed {
        request: request.clone(),
        reason: e.to_string(),
        excerpt: core.scrub(&excerpt_at(body, &e)),
    })
}

fn excerpt_at(body: &[u8], e: &serde_json::Error) -> String {
    const SPAN: usize = 120;
    let offset = if e.is_eof() || e.line() == 0 {
        body.len()
    } else {
        let mut line_start = 0;
        for _ in 1..e.line() {
            match body[line_start..].iter().position(|&b| b == b'\n') {
                Some(p) => line_start += p + 1,
                None => break,
            }
        }
        (line_start + e.column()).min(body.len())
    };
    let from = offset.saturating_sub(SPAN);
    let to = (offset + SPAN).min(body.len());
    String::from_utf8_lossy(&body[from..to]).into_owned()
}

/// A number's text; a quoted number is accepted too.
fn text(raw: &RawValue) -> &str {
    let s = raw.get();
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

fn bad(field: &'static str, raw: &RawValue, why: impl fmt::Display) -> DomainError {
    DomainError::new(field, format!("{} is {why}", raw.get()))
}

/// A price, rounded half to even at 10^-9 (only vwap-like floats ever have more digits).
pub(crate) fn price(raw: &RawValue, field: &'static str) -> Result<Price, DomainError> {
    Price::parse_rounded(text(raw)).map_err(|e| bad(field, raw, e))
}

pub(crate) fn quantity(raw: &RawValue, field: &'static str) -> Result<Quantity, DomainError> {
    Quantity::parse_rounded(text(raw)).map_err(|e| bad(field, raw, e))
}

/// A price that must be exact: more decimals than 10^-9 is an error, not a rounding (a
/// broker's order and fill prices, which accounting adds up).
pub(crate) fn exact_price(raw: &RawValue, field: &'static str) -> Result<Price, DomainError> {
    Price::parse(text(raw)).map_err(|e| bad(field, raw, e))
}

/// A quantity that must be exact (a broker's order and fill sizes).
pub(crate) fn exact_quantity(raw: &RawValue, field: &'static str) -> Result<Quantity, DomainError> {
    Quantity::parse(text(raw)).map_err(|e| bad(field, raw, e))
}

/// Cash, exactly (an account's balances).
pub(crate) fn money(raw: &RawValue, field: &'static str) -> Result<Money, DomainError> {
    Money::parse(text(raw)).map_err(|e| bad(field, raw, e))
}

/// A non-negative whole number (`82132` or `82132.0`).
pub(crate) fn count(raw: &RawValue, field: &'static str) -> Result<u64, DomainError> {
    let v = parse_decimal(text(raw), 0, false).map_err(|e| bad(field, raw, e))?;
    u64::try_from(v).map_err(|_| bad(field, raw, "not a count"))
}

/// Units of an epoch timestamp.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Epoch {
    Millis,
    Nanos,
}

/// An epoch number, exactly: the text is scaled by its unit, so `1651181822461979400` stays
/// to the nanosecond (it would not through f64).
pub(crate) fn epoch(
    raw: &RawValue,
    unit: Epoch,
    field: &'static str,
) -> Result<UnixNanos, DomainError> {
    let scale = match unit {
        Epoch::Millis => 6,
        Epoch::Nanos => 0,
    };
    let v = parse_decimal(text(raw), scale, true).map_err(|e| bad(field, raw, e))?;
    i64::try_from(v)
        .map(UnixNanos::new)
        .map_err(|_| bad(field, raw, "outside 1677..2262"))
}

/// RFC 3339 text (Alpaca: `2021-10-04T18:00:14.012577217Z`).
pub(crate) fn timestamp(text: &str, field: &'static str) -> Result<UnixNanos, DomainError> {
    UnixNanos::parse_rfc3339(text).map_err(|e| DomainError::new(field, e.reason))
}

/// A greek or IV: a model output, a float by the domain's choice.
pub(crate) fn float(raw: &RawValue, field: &'static str) -> Result<f64, DomainError> {
    let v: f64 = text(raw)
        .parse()
        .map_err(|_| bad(field, raw, "not a number"))?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(bad(field, raw, "not finite"))
    }
}

/// `read` applied to a field that may be absent.
pub(crate) fn opt<T>(
    raw: Option<&RawValue>,
    read: fn(&RawValue, &'static str) -> Result<T, DomainError>,
    field: &'static str,
) -> Result<Option<T>, DomainError> {
    raw.map(|v| read(v, field)).transpose()
}

/// RFC 3339 text, borrowed from the body unless it holds escapes.
#[derive(Deserialize)]
#[serde(transparent)]
pub(crate) struct Rfc3339<'a>(#[serde(borrow)] pub Cow<'a, str>);

/// A bar as both providers send it; `T` is the time's wire form (Alpaca [`Rfc3339`] text,
/// Polygon epoch milliseconds).
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub(crate) struct RawBar<'a, T> {
    pub t: T,
    #[serde(borrow)]
    o: &'a RawValue,
    #[serde(borrow)]
    h: &'a RawValue,
    #[serde(borrow)]
    l: &'a RawValue,
    #[serde(borrow)]
    c: &'a RawValue,
    #[serde(borrow)]
    pub v: &'a RawValue,
    #[serde(borrow, default)]
    n: Option<&'a RawValue>,
    #[serde(borrow, default)]
    vw: Option<&'a RawValue>,
}

impl<T> RawBar<'_, T> {
    /// The bar at `ts` (read from `t` by the caller). A daily or longer bar is keyed by its
    /// exchange date, whatever time of day the provider stamps it at (Alpaca: midnight New York).
    pub fn bar(&self, ts: UnixNanos, daily: bool) -> Result<Bar, DomainError> {
        let ts = if daily {
            UnixNanos::try_from_date(ts.exchange_date())?
        } else {
            ts
        };
        Bar::new(
            ts,
            price(self.o, "open")?,
            price(self.h, "high")?,
            price(self.l, "low")?,
            price(self.c, "close")?,
            quantity(self.v, "volume")?,
            opt(self.vw, price, "vwap")?,
            opt(self.n, count, "trade_count")?,
        )
    }
}

/// An option's greeks, each where the provider computed it.
#[derive(Deserialize)]
pub(crate) struct RawGreeks<'a> {
    #[serde(borrow, default)]
    pub delta: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub gamma: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub theta: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub vega: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub rho: Option<&'a RawValue>,
}

/// One code, as text whether sent as a string (`"P"`) or an integer (`11`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Code(pub String);

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Code;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or integer code")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Code, E> {
                Ok(Code(v.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Code, E> {
                Ok(Code(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Code, E> {
                Ok(Code(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A list of codes: an array, a single code (Alpaca options send `"c": "I"`), or null.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Codes(pub Vec<String>);

impl<'de> Deserialize<'de> for Codes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Codes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a code or a list of codes")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Codes, E> {
                Ok(Codes::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Codes, E> {
                Ok(Codes::default())
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Codes, E> {
                Ok(Codes(vec![v.to_owned()]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Codes, E> {
                Ok(Codes(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Codes, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(2));
                while let Some(Code(c)) = seq.next_element()? {
                    out.push(c);
                }
                Ok(Codes(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_owned()).unwrap()
    }

    #[test]
    fn numbers_keep_their_text() {
        assert_eq!(
            price(&raw("173.703516"), "vwap").unwrap().to_string(),
            "173.703516"
        );
        assert_eq!(price(&raw("\"1.5\""), "open").unwrap().to_string(), "1.5");
        // 0.1 + 0.2 style values survive exactly.
        assert_eq!(
            price(&raw("3379.5241"), "open").unwrap().raw(),
            3_379_524_100_000
        );
        assert_eq!(
            quantity(&raw("642646396.0"), "volume").unwrap().to_string(),
            "642646396"
        );
        assert_eq!(count(&raw("82132"), "trade_count").unwrap(), 82132);
        assert_eq!(
            count(&raw("-1"), "trade_count").unwrap_err().field,
            "trade_count"
        );
        let e = price(&raw("null"), "open").unwrap_err();
        assert_eq!(e.to_string(), "open: null is not a decimal number");
    }

    #[test]
    fn epochs_are_exact() {
        let ns = epoch(&raw("1651181822461979400"), Epoch::Nanos, "t").unwrap();
        assert_eq!(ns.as_i64(), 1_651_181_822_461_979_400);
        let ms = epoch(&raw("1112331600000"), Epoch::Millis, "t").unwrap();
        assert_eq!(ms.to_rfc3339(), "2005-04-01T05:00:00Z");
        assert!(epoch(&raw("1e30"), Epoch::Nanos, "t").is_err());
    }

    #[test]
    fn codes_from_either_spelling() {
        let c: Codes = serde_json::from_str(r#"["@", "T", 12]"#).unwrap();
        assert_eq!(c.0, ["@", "T", "12"]);
        let c: Codes = serde_json::from_str(r#""I""#).unwrap();
        assert_eq!(c.0, ["I"]);
        let c: Codes = serde_json::from_str("null").unwrap();
        assert!(c.0.is_empty());
        let x: Code = serde_json::from_str("309").unwrap();
        assert_eq!(x.0, "309");
    }
}
