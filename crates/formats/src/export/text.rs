//! Fast text for numbers and times, byte-identical to the domain's `Display`s (the tests check).
//! `Price`'s `Display` allocates a `String` per value and chrono's RFC 3339 goes through a
//! formatter; writing millions of rows through either costs more than the disk.

use domain::UnixNanos;

use domain::civil::civil_from_days;

const NANOS: i64 = 1_000_000_000;

#[inline]
pub fn push_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

/// `raw × 10^-scale` without trailing zeros, as `domain::fixed::format_decimal` writes it.
#[inline]
pub fn push_fixed(out: &mut Vec<u8>, raw: i64, scale: u32) {
    let unit = 10u64.pow(scale);
    let abs = raw.unsigned_abs();
    if raw < 0 {
        out.push(b'-');
    }
    push_u64(out, abs / unit);
    let mut frac = abs % unit;
    if frac != 0 {
        let mut digits = scale as usize;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        out.push(b'.');
        let mut tmp = [b'0'; 20];
        for slot in tmp[..digits].iter_mut().rev() {
            *slot = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        out.extend_from_slice(&tmp[..digits]);
    }
}

#[inline]
fn push2(out: &mut Vec<u8>, v: u32) {
    out.push(b'0' + (v / 10) as u8);
    out.push(b'0' + (v % 10) as u8);
}

fn push_ymd(out: &mut Vec<u8>, days: i64) {
    let (y, m, d) = civil_from_days(days);
    let y = y as u32; // 1677..2262 fits UnixNanos
    push2(out, y / 100);
    push2(out, y % 100);
    out.push(b'-');
    push2(out, m);
    out.push(b'-');
    push2(out, d);
}

/// `YYYY-MM-DD` of the UTC date (daily bars are stamped at midnight UTC of their exchange date).
pub fn push_date(out: &mut Vec<u8>, ts: UnixNanos) {
    push_ymd(out, ts.as_i64().div_euclid(NANOS * 86_400));
}

/// RFC 3339 in UTC with `Z`; fractions of 3, 6 or 9 digits only when present, as
/// [`UnixNanos::to_rfc3339`] writes them.
#[inline]
pub fn push_rfc3339(out: &mut Vec<u8>, ts: UnixNanos) {
    let n = ts.as_i64();
    let secs = n.div_euclid(NANOS);
    let frac = n.rem_euclid(NANOS) as u32;
    push_ymd(out, secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400) as u32;
    out.push(b'T');
    push2(out, sod / 3600);
    out.push(b':');
    push2(out, sod / 60 % 60);
    out.push(b':');
    push2(out, sod % 60);
    if frac != 0 {
        let (digits, mut v) = if frac.is_multiple_of(1_000_000) {
            (3, frac / 1_000_000)
        } else if frac.is_multiple_of(1_000) {
            (6, frac / 1_000)
        } else {
            (9, frac)
        };
        out.push(b'.');
        let mut tmp = [b'0'; 9];
        for slot in tmp[..digits].iter_mut().rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
        out.extend_from_slice(&tmp[..digits]);
    }
    out.push(b'Z');
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{Price, Quantity};
    use proptest::prelude::*;

    fn s(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut v = Vec::new();
        f(&mut v);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn examples() {
        assert_eq!(
            s(|o| push_fixed(o, Price::lit("209.419998").raw(), 9)),
            "209.419998"
        );
        assert_eq!(s(|o| push_fixed(o, Price::lit("-0.5").raw(), 9)), "-0.5");
        assert_eq!(s(|o| push_fixed(o, 0, 9)), "0");
        assert_eq!(s(|o| push_u64(o, u64::MAX)), "18446744073709551615");
        let t = UnixNanos::parse_rfc3339("2013-10-04T04:06:00-04:00").unwrap();
        assert_eq!(s(|o| push_rfc3339(o, t)), "2013-10-04T08:06:00Z");
        assert_eq!(s(|o| push_date(o, t)), "2013-10-04");
    }

    proptest! {
        #[test]
        fn fixed_matches_display(raw in any::<i64>()) {
            prop_assert_eq!(s(|o| push_fixed(o, raw, 9)), Price::from_raw(raw).to_string());
            prop_assert_eq!(s(|o| push_fixed(o, raw, 8)), Quantity::from_raw(raw).to_string());
        }

        #[test]
        fn rfc3339_matches_domain(n in any::<i64>(), round in 0usize..4) {
            let n = [n, n / 1_000 * 1_000, n / 1_000_000 * 1_000_000, n / NANOS * NANOS][round];
            let t = UnixNanos::new(n);
            prop_assert_eq!(s(|o| push_rfc3339(o, t)), t.to_rfc3339());
            prop_assert_eq!(s(|o| push_date(o, t)), t.utc_date().format("%Y-%m-%d").to_string());
        }
    }
}
