//! A fast and a slow simple moving average of one series, for crossover rules.
//!
//! The fast window is the newest `fast` values of the slow one, so one ring of `slow` raw
//! [`Price`] units feeds both exact `i128` sums: each update writes one slot and reads the two
//! values leaving the windows, half the bookkeeping of two [`Sma`](crate::Sma)s. The sums, and so
//! [`SmaPair::cmp_means`], are exactly those of two `Sma`s fed the same values.

use std::cmp::Ordering;

use domain::Price;

use crate::{ParamError, check_period};

#[derive(Debug, Clone)]
pub struct SmaPair {
    /// The last `slow` inputs; slots not yet written hold 0, so the sums need no special start.
    window: Box<[i64]>,
    fast: usize,
    next: usize,
    count: usize,
    fast_sum: i128,
    slow_sum: i128,
}

impl SmaPair {
    /// `fast` must be at least 1 and below `slow`.
    pub fn new(fast: usize, slow: usize) -> Result<Self, ParamError> {
        check_period("fast", fast, 1)?;
        check_period("slow", slow, 2)?;
        if fast >= slow {
            return Err(ParamError::new(
                "fast",
                format!("fast ({fast}) must be below slow ({slow})"),
            ));
        }
        Ok(Self {
            window: vec![0; slow].into_boxed_slice(),
            fast,
            next: 0,
            count: 0,
            fast_sum: 0,
            slow_sum: 0,
        })
    }

    pub fn fast_period(&self) -> usize {
        self.fast
    }

    pub fn slow_period(&self) -> usize {
        self.window.len()
    }

    /// Adds one input; true once both windows are full.
    #[inline]
    pub fn update(&mut self, price: Price) -> bool {
        let n = self.window.len();
        let raw = price.raw();
        // The value `fast` places back leaves the fast window (0 while it is still filling).
        let back = if self.next >= self.fast {
            self.next - self.fast
        } else {
            self.next + n - self.fast
        };
        let leaving_fast = self.window[back];
        let leaving_slow = std::mem::replace(&mut self.window[self.next], raw);
        self.fast_sum += i128::from(raw) - i128::from(leaving_fast);
        self.slow_sum += i128::from(raw) - i128::from(leaving_slow);
        self.next = if self.next + 1 == n { 0 } else { self.next + 1 };
        if self.count < n {
            self.count += 1;
        }
        self.is_ready()
    }

    /// Both windows are full.
    #[inline]
    pub fn is_ready(&self) -> bool {
        self.count == self.window.len()
    }

    /// Exact sum of the fast window in raw price units (10^-9); partial until full.
    pub fn fast_sum(&self) -> i128 {
        self.fast_sum
    }

    /// Exact sum of the slow window in raw price units (10^-9); partial until full.
    pub fn slow_sum(&self) -> i128 {
        self.slow_sum
    }

    /// The fast average against the slow one, exactly (`fast_sum × slow` vs `slow_sum × fast`);
    /// `None` until both windows are full.
    #[inline]
    pub fn cmp_means(&self) -> Option<Ordering> {
        if !self.is_ready() {
            return None;
        }
        // |sum| ≤ 100 000 × 2⁶³ and periods ≤ 100 000, so each product stays below 2⁹⁷ and the
        // difference cannot overflow.
        let diff = self.fast_sum * self.window.len() as i128 - self.slow_sum * self.fast as i128;
        Some(diff.cmp(&0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Sma;
    use proptest::prelude::*;

    #[test]
    fn rejects_bad_periods() {
        assert!(SmaPair::new(0, 3).is_err());
        assert!(SmaPair::new(3, 3).is_err());
        assert!(SmaPair::new(4, 3).is_err());
        assert!(SmaPair::new(1, 100_001).is_err());
        let p = SmaPair::new(1, 2).unwrap();
        assert_eq!((p.fast_period(), p.slow_period()), (1, 2));
    }

    #[test]
    fn ready_with_the_slow_window() {
        let mut p = SmaPair::new(2, 3).unwrap();
        assert!(!p.update(Price::lit("1")));
        assert_eq!(p.cmp_means(), None);
        assert!(!p.update(Price::lit("2")));
        assert!(p.update(Price::lit("6")));
        // fast (2 + 6) / 2 = 4 > slow 9 / 3 = 3
        assert_eq!(p.cmp_means(), Some(Ordering::Greater));
        assert_eq!(p.fast_sum(), 8 * Price::UNIT as i128);
        p.update(Price::lit("1")); // fast (6 + 1) / 2 = 3.5 > slow (2 + 6 + 1) / 3 = 3
        assert_eq!(p.cmp_means(), Some(Ordering::Greater));
        p.update(Price::lit("2")); // fast (1 + 2) / 2 = 1.5 < slow (6 + 1 + 2) / 3 = 3
        assert_eq!(p.cmp_means(), Some(Ordering::Less));
    }

    proptest! {
        /// The pair is two `Sma`s, bit for bit, on any series (negative prices included).
        #[test]
        fn equals_two_smas(
            xs in proptest::collection::vec(-1_000_000_000_000i64..1_000_000_000_000, 1..300),
            fast in 1usize..20,
            extra in 1usize..40,
        ) {
            let slow = fast + extra;
            let mut pair = SmaPair::new(fast, slow).unwrap();
            let (mut f, mut s) = (Sma::new(fast).unwrap(), Sma::new(slow).unwrap());
            for &x in &xs {
                let p = Price::from_raw(x);
                prop_assert_eq!(pair.update(p), { f.update(p); s.update(p) });
                prop_assert_eq!(pair.fast_sum(), f.sum());
                prop_assert_eq!(pair.slow_sum(), s.sum());
                prop_assert_eq!(pair.cmp_means(), f.cmp_mean(&s));
            }
        }
    }
}
