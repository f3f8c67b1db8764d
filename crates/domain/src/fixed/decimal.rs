//! Decimal text ⇄ integer counts of `10^-scale` units, digit by digit, never through f64.

use std::fmt;

/// Why a decimal text could not become a fixed-point value. The caller adds the field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseFixedError {
    Empty,
    Invalid,
    TooPrecise { max_decimals: u32 },
    Overflow,
}

impl fmt::Display for ParseFixedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("empty value"),
            Self::Invalid => f.write_str("not a decimal number"),
            Self::TooPrecise { max_decimals } => {
                write!(f, "more than {max_decimals} decimal places")
            }
            Self::Overflow => f.write_str("out of range"),
        }
    }
}

impl std::error::Error for ParseFixedError {}

/// Parses decimal text (`-12.5`, `1e-3`, `.5`, `+3.`) into an integer count of `10^-scale` units.
/// With `round`, extra digits are rounded half to even; without it they are an error unless zero.
pub fn parse_decimal(text: &str, scale: u32, round: bool) -> Result<i128, ParseFixedError> {
    let b = text.trim().as_bytes();
    if b.is_empty() {
        return Err(ParseFixedError::Empty);
    }
    let (neg, mut i) = match b[0] {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    // Collect significant digits into an i128 mantissa with a decimal exponent.
    let mut mantissa: i128 = 0;
    let mut exp10: i64 = 0;
    let mut digits = 0usize;
    let mut dropped_nonzero = false; // digits past i128 capacity (never in real data)
    let mut seen_dot = false;
    while i < b.len() {
        match b[i] {
            c @ b'0'..=b'9' => {
                digits += 1;
                if mantissa < i128::MAX / 100 {
                    mantissa = mantissa * 10 + i128::from(c - b'0');
                    if seen_dot {
                        exp10 -= 1;
                    }
                } else {
                    dropped_nonzero |= c != b'0';
                    if !seen_dot {
                        exp10 += 1;
                    }
                }
            }
            b'.' if !seen_dot => seen_dot = true,
            b'e' | b'E' => break,
            _ => return Err(ParseFixedError::Invalid),
        }
        i += 1;
    }
    if digits == 0 {
        return Err(ParseFixedError::Invalid);
    }
    if i < b.len() {
        // exponent
        let e: i64 = std::str::from_utf8(&b[i + 1..])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or(ParseFixedError::Invalid)?;
        if e.abs() > 60 {
            return Err(ParseFixedError::Overflow);
        }
        exp10 += e;
    }
    let shift = exp10 + i64::from(scale);
    let value = if shift >= 0 {
        let mut v = mantissa;
        for _ in 0..shift {
            v = v.checked_mul(10).ok_or(ParseFixedError::Overflow)?;
        }
        v
    } else {
        let div = 10i128.checked_pow((-shift) as u32);
        let Some(div) = div else {
            return if mantissa == 0 || round {
                Ok(0)
            } else {
                Err(ParseFixedError::TooPrecise {
                    max_decimals: scale,
                })
            };
        };
        let (q, r) = (mantissa / div, mantissa % div);
        if r == 0 && !dropped_nonzero {
            q
        } else if !round {
            return Err(ParseFixedError::TooPrecise {
                max_decimals: scale,
            });
        } else {
            let twice = r * 2;
            if twice > div || (twice == div && (q % 2 == 1 || dropped_nonzero)) {
                q + 1
            } else {
                q
            }
        }
    };
    Ok(if neg { -value } else { value })
}

/// Writes `raw × 10^-scale` with no trailing zeros (`1.5`, `100`, `-0.000001`), allocating
/// nothing: stores write millions of these.
pub fn format_decimal(raw: i128, scale: u32, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let unit = 10u128.pow(scale);
    let abs = raw.unsigned_abs();
    let (int, frac) = (abs / unit, abs % unit);
    if raw < 0 {
        f.write_str("-")?;
    }
    match u64::try_from(int) {
        Ok(small) => write!(f, "{small}")?,
        Err(_) => write!(f, "{int}")?,
    }
    if frac != 0 {
        // `scale` digits, zero-padded on the left (a scale fits `10u128.pow`: at most 38).
        let mut digits = [b'0'; 39];
        let width = scale as usize;
        let mut at = width;
        let mut rest = frac;
        while rest > 0 && at > 0 {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        let mut end = width;
        while end > 0 && digits[end - 1] == b'0' {
            end -= 1;
        }
        f.write_str(".")?;
        f.write_str(std::str::from_utf8(&digits[..end]).map_err(|_| fmt::Error)?)?;
    }
    Ok(())
}
