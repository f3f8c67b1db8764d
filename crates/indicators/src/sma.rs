//! Simple moving average over an exact integer sum.
//!
//! The window holds raw [`Price`] units (10^-9) and the sum is an `i128`, so the average is never
//! rounded until someone asks for a float. Crossover rules compare `sum_a × n_b` against
//! `sum_b × n_a` ([`Sma::cmp_mean`]), which is exact, so "fast equals slow" is a real tie and not
//! an accident of float rounding.

use std::cmp::Ordering;

use domain::Price;

use crate::{ParamError, check_period};

#[derive(Debug, Clone)]
pub struct Sma {
    window: Box<[i64]>,
    next: usize,
    count: usize,
    sum: i128,
}

impl Sma {
    pub fn new(period: usize) -> Result<Self, ParamError> {
        check_period("period", period, 1)?;
        Ok(Self {
            window: vec![0; period].into_boxed_slice(),
            next: 0,
            count: 0,
            sum: 0,
        })
    }

    pub fn period(&self) -> usize {
        self.window.len()
    }

    /// Inputs consumed before the first value (TA-Lib: `period − 1`).
    pub fn lookback(&self) -> usize {
        self.window.len() - 1
    }

    /// Adds one input; true once the window is full.
    #[inline]
    pub fn update(&mut self, price: Price) -> bool {
        let raw = price.raw();
        let slot = &mut self.window[self.next];
        self.sum += i128::from(raw) - i128::from(*slot);
        *slot = raw;
        self.next += 1;
        if self.next == self.window.len() {
            self.next = 0;
        }
        if self.count < self.window.len() {
            self.count += 1;
        }
        self.is_ready()
    }

    #[inline]
    pub fn is_ready(&self) -> bool {
        self.count == self.window.len()
    }

    /// Exact sum of the window in raw price units (10^-9); partial until ready.
    #[inline]
    pub fn sum(&self) -> i128 {
        self.sum
    }

    /// The raw value the next `update` pushes out of a full window.
    pub fn oldest_raw(&self) -> i64 {
        self.window[self.next]
    }

    /// The average as a float, for display and float-based rules; `None` until ready.
    pub fn value(&self) -> Option<f64> {
        self.is_ready()
            .then(|| self.sum as f64 / self.window.len() as f64 / Price::UNIT as f64)
    }

    /// The average rounded half to even to a [`Price`]; `None` until ready.
    pub fn mean(&self) -> Option<Price> {
        self.is_ready().then(|| {
            let q = domain::fixed::div_round_half_even(self.sum, self.window.len() as i128);
            Price::from_raw(q as i64)
        })
    }

    /// Compares this average with `other`'s exactly (`self.sum × other.n` vs `other.sum × self.n`);
    /// `None` until both are ready.
    #[inline]
    pub fn cmp_mean(&self, other: &Sma) -> Option<Ordering> {
        if !(self.is_ready() && other.is_ready()) {
            return None;
        }
        // |sum| ≤ 100 000 × 2⁶³ and periods ≤ 100 000, so each product stays below 2⁹⁷ and the
        // difference cannot overflow; its sign is one test where comparing two i128s is two.
        let diff = self.sum * other.window.len() as i128 - other.sum * self.window.len() as i128;
        Some(diff.cmp(&0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn averages_the_last_period_inputs() {
        let mut s = Sma::new(3).unwrap();
        assert!(!s.update(Price::lit("1")));
        assert!(!s.update(Price::lit("2")));
        assert_eq!(s.value(), None);
        assert!(s.update(Price::lit("3")));
        assert_eq!(s.mean(), Some(Price::lit("2")));
        s.update(Price::lit("10"));
        assert_eq!(s.sum(), 15 * Price::UNIT as i128);
        assert_eq!(s.value(), Some(5.0));
        assert!(Sma::new(0).is_err());
    }

    #[test]
    fn exact_ties_are_ties() {
        // 0.1 + 0.2 style inputs: float averages would differ in the last bit.
        let mut fast = Sma::new(2).unwrap();
        let mut slow = Sma::new(3).unwrap();
        for p in ["0.3", "0.1", "0.2"] {
            fast.update(Price::lit(p));
            slow.update(Price::lit(p));
        }
        // fast = (0.1+0.2)/2 = 0.15, slow = 0.6/3 = 0.2
        assert_eq!(fast.cmp_mean(&slow), Some(Ordering::Less));
        fast.update(Price::lit("0.3")); // fast = 0.25, slow = 0.2
        slow.update(Price::lit("0.3")); // slow = (0.1+0.2+0.3)/3 = 0.2
        assert_eq!(fast.cmp_mean(&slow), Some(Ordering::Greater));
        let mut a = Sma::new(2).unwrap();
        let mut b = Sma::new(4).unwrap();
        for p in ["0.1", "0.2", "0.1", "0.2"] {
            a.update(Price::lit(p));
            b.update(Price::lit(p));
        }
        assert_eq!(a.cmp_mean(&b), Some(Ordering::Equal));
    }

    proptest! {
        #[test]
        fn sum_matches_a_fresh_sum(xs in proptest::collection::vec(0i64..1_000_000_000_000, 1..200), n in 1usize..20) {
            let mut s = Sma::new(n).unwrap();
            for (i, &x) in xs.iter().enumerate() {
                s.update(Price::from_raw(x));
                let lo = (i + 1).saturating_sub(n);
                let want: i128 = xs[lo..=i].iter().map(|&v| i128::from(v)).sum();
                prop_assert_eq!(s.sum(), want);
                prop_assert_eq!(s.is_ready(), i + 1 >= n);
            }
        }
    }
}
