//! How numbers are written for people (JSON carries them exact): percentages with two
//! decimals, ratios with three, money rounded to the cent, `–` for a value that is undefined.

use domain::{Money, Timeframe, UnixNanos};

/// `0.1234` → `12.34%`.
pub fn pct(v: Option<f64>) -> String {
    v.map_or("–".into(), |x| format!("{:.2}%", x * 100.0))
}

/// `1.23456` → `1.235`.
pub fn ratio(v: Option<f64>) -> String {
    v.map_or("–".into(), |x| format!("{x:.3}"))
}

/// Rounded to the cent, half to even (as `Money::round_dp`).
pub fn money(m: Money) -> String {
    m.round_dp(2).to_string()
}

/// A bar stamp as people read it: the date for daily and longer bars (stamped at midnight UTC
/// of their date), RFC 3339 otherwise.
pub fn stamp(t: UnixNanos, timeframe: Timeframe) -> String {
    if timeframe.is_daily_or_longer() {
        t.utc_date().to_string()
    } else {
        t.to_rfc3339()
    }
}

/// `money` of an optional amount, empty when there is none.
pub fn money_or_blank(m: Option<Money>) -> String {
    m.map_or(String::new(), money)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_documented() {
        assert_eq!(pct(Some(0.12345)), "12.35%");
        assert_eq!(ratio(Some(1.23456)), "1.235");
        assert_eq!(pct(None), "–");
        assert_eq!(money(Money::lit("1234.565")), "1234.56");
        assert_eq!(money(Money::lit("1234.575")), "1234.58");
    }
}
