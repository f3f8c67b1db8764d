//! Decimal fields → fixed point, exactly.
//!
//! Plain text such as `167.65` or `20000` (what every real file holds) is parsed here with integer
//! arithmetic only; anything else (signs, exponents, spaces, more decimals than the scale, very long
//! numbers) goes to the domain's parser, so value and error are always the domain's. The property
//! test below checks that the two agree.

use domain::fixed::{ParseFixedError, parse_decimal};
use domain::{Price, Quantity};

const POW10: [u64; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

/// `digits[.digits]` with at most `18 - scale` integer digits and at most `scale` decimals, so the
/// result stays below 10^18 and fits an i64.
#[inline]
fn fast(b: &[u8], scale: u32) -> Option<i64> {
    let n = b.len();
    let mut i = 0;
    let mut v: u64 = 0;
    while i < n && b[i].is_ascii_digit() {
        v = v * 10 + u64::from(b[i] - b'0');
        i += 1;
        if i > 18 - scale as usize {
            return None;
        }
    }
    let int_digits = i;
    let mut frac_digits = 0usize;
    if i < n {
        if b[i] != b'.' {
            return None;
        }
        i += 1;
        while i < n && b[i].is_ascii_digit() {
            v = v * 10 + u64::from(b[i] - b'0');
            i += 1;
            frac_digits += 1;
            if frac_digits > scale as usize {
                return None;
            }
        }
        if i != n {
            return None;
        }
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    Some((v * POW10[scale as usize - frac_digits]) as i64)
}

fn slow(b: &[u8], scale: u32, round: bool) -> Result<i64, ParseFixedError> {
    let text = std::str::from_utf8(b).map_err(|_| ParseFixedError::Invalid)?;
    let raw = parse_decimal(text, scale, round)?;
    i64::try_from(raw).map_err(|_| ParseFixedError::Overflow)
}

/// Exact price: more than nine decimals is an error unless they are zeros.
#[inline]
pub fn price(b: &[u8]) -> Result<Price, ParseFixedError> {
    match fast(b, Price::SCALE) {
        Some(v) => Ok(Price::from_raw(v)),
        None => slow(b, Price::SCALE, false).map(Price::from_raw),
    }
}

/// Price rounded half to even at nine decimals (vwap: an average, often printed from a float).
pub fn price_rounded(b: &[u8]) -> Result<Price, ParseFixedError> {
    match fast(b, Price::SCALE) {
        Some(v) => Ok(Price::from_raw(v)),
        None => slow(b, Price::SCALE, true).map(Price::from_raw),
    }
}

/// Volume rounded half to even at eight decimals: pandas writes fractional (BTC) volumes from
/// floats, e.g. `397787.41249925003`.
#[inline]
pub fn quantity(b: &[u8]) -> Result<Quantity, ParseFixedError> {
    match fast(b, Quantity::SCALE) {
        Some(v) => Ok(Quantity::from_raw(v)),
        None => slow(b, Quantity::SCALE, true).map(Quantity::from_raw),
    }
}

/// A count. pandas writes an integer column that has gaps as floats (`12.0`), so a zero fraction
/// is accepted.
pub fn count(b: &[u8]) -> Result<u64, String> {
    let t = b.trim_ascii();
    let (int, frac) = match t.iter().position(|&c| c == b'.') {
        Some(p) => (&t[..p], &t[p + 1..]),
        None => (t, &t[t.len()..]),
    };
    let ok =
        !int.is_empty() && int.iter().all(u8::is_ascii_digit) && frac.iter().all(|&c| c == b'0');
    ok.then(|| std::str::from_utf8(int).ok()?.parse::<u64>().ok())
        .flatten()
        .ok_or_else(|| format!("{:?} is not a whole number", String::from_utf8_lossy(b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn real_values() {
        assert_eq!(price(b"209.419998").unwrap(), Price::lit("209.419998"));
        assert_eq!(price(b"100").unwrap(), Price::lit("100"));
        assert_eq!(price(b"1.07083").unwrap().to_string(), "1.07083");
        assert_eq!(
            quantity(b"397787.41249925003").unwrap().to_string(),
            "397787.41249925"
        );
        assert_eq!(price(b"").unwrap_err(), ParseFixedError::Empty);
        assert_eq!(price(b"1.2.3").unwrap_err(), ParseFixedError::Invalid);
        assert_eq!(
            price(b"0.0000000001").unwrap_err(),
            ParseFixedError::TooPrecise { max_decimals: 9 }
        );
        assert_eq!(count(b"12").unwrap(), 12);
        assert_eq!(count(b"12.0").unwrap(), 12);
        assert_eq!(
            count(b"12.5").unwrap_err(),
            "\"12.5\" is not a whole number"
        );
        assert!(count(b"-1").is_err());
    }

    proptest! {
        /// Whatever the fast path accepts, it reads exactly as the domain parser does.
        #[test]
        fn fast_path_is_the_domain_parser(text in "[0-9]{0,20}(\\.[0-9]{0,12})?") {
            for scale in [Price::SCALE, Quantity::SCALE] {
                let want = parse_decimal(&text, scale, false)
                    .ok()
                    .and_then(|v| i64::try_from(v).ok());
                if let Some(v) = fast(text.as_bytes(), scale) {
                    prop_assert_eq!(Some(v), want);
                }
                prop_assert_eq!(slow(text.as_bytes(), scale, false).ok(), want);
            }
            prop_assert_eq!(price(text.as_bytes()).ok(), Price::parse(&text).ok());
        }
    }
}
