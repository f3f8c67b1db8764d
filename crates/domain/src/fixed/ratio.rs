//! Integer ratios rounded half to even, with no intermediate overflow.
//!
//! `a × num / den` is what percentages, basis points and pro-rata costs need. Money's raw `a`
//! reaches 10^38, so `a × num` can overflow i128 long before the result does (at about 1.7e10 in
//! currency for a percentage); [`mul_div_round`] splits `a` by `den` first and is exact for every
//! `a` whose result fits.

/// Integer division rounding half to even. `den` must not be zero, and `|den|` must be below
/// 2^126 (every caller divides by an i64 or a power of ten up to 10^17).
pub fn div_round_half_even(num: i128, den: i128) -> i128 {
    let (q, r) = (num / den, num % den);
    if r == 0 {
        return q;
    }
    let twice = (r.abs()) * 2;
    let away = if num.signum() * den.signum() < 0 {
        -1
    } else {
        1
    };
    match twice.cmp(&den.abs()) {
        std::cmp::Ordering::Greater => q + away,
        std::cmp::Ordering::Equal if q % 2 != 0 => q + away,
        _ => q,
    }
}

/// `a × num / den`, rounded half to even, exactly; `None` when `den` is zero or the result does
/// not fit an i128. The common case (the product fits) costs one multiplication and one division.
#[inline]
pub fn mul_div_round(a: i128, num: i64, den: i64) -> Option<i128> {
    if den == 0 {
        return None;
    }
    match a.checked_mul(i128::from(num)) {
        Some(p) => Some(div_round_half_even(p, i128::from(den))),
        None => mul_div_round_wide(a, num, den),
    }
}

/// The same on magnitudes: with `|a| = q1·d + r1`, `|a|·n = (q1·n + q2)·d + r2` where
/// `r1·n = q2·d + r2`; `r1·n < 2^126` because `r1 < d ≤ 2^63` and `n ≤ 2^63`.
#[cold]
fn mul_div_round_wide(a: i128, num: i64, den: i64) -> Option<i128> {
    let negative = (a < 0) != ((num < 0) != (den < 0));
    let (n, d) = (
        u128::from(num.unsigned_abs()),
        u128::from(den.unsigned_abs()),
    );
    let magnitude = a.unsigned_abs();
    let (q1, r1) = (magnitude / d, magnitude % d);
    let t = r1 * n;
    let (q2, r2) = (t / d, t % d);
    let mut q = q1.checked_mul(n)?.checked_add(q2)?;
    let twice = r2 * 2;
    if twice > d || (twice == d && q % 2 == 1) {
        q = q.checked_add(1)?;
    }
    let q = i128::try_from(q).ok()?;
    Some(if negative { -q } else { q })
}
