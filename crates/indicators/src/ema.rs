//! Exponential moving average, TA-Lib style: the first value (after `period` inputs) is the simple
//! average of those inputs, then `ema += (x − ema) × k` with `k = 2 / (period + 1)`.
//! The float operations are written in TA-Lib's order so results agree to the last bits.

use domain::Price;

use crate::{ParamError, check_period};

#[derive(Debug, Clone)]
pub struct Ema {
    period: usize,
    k: f64,
    count: usize,
    seed_sum: f64,
    value: f64,
}

impl Ema {
    pub fn new(period: usize) -> Result<Self, ParamError> {
        check_period("period", period, 1)?;
        Ok(Self::with_k(period, 2.0 / (period as f64 + 1.0)))
    }

    pub(crate) fn with_k(period: usize, k: f64) -> Self {
        Self {
            period,
            k,
            count: 0,
            seed_sum: 0.0,
            value: f64::NAN,
        }
    }

    pub fn period(&self) -> usize {
        self.period
    }

    /// TA-Lib: `period − 1`.
    pub fn lookback(&self) -> usize {
        self.period - 1
    }

    pub fn update(&mut self, price: Price) -> Option<f64> {
        self.update_f64(price.to_f64())
    }

    /// For derived series (MACD's signal line) whose inputs are already floats.
    #[inline]
    pub fn update_f64(&mut self, x: f64) -> Option<f64> {
        if self.count < self.period {
            self.seed_sum += x;
            self.count += 1;
            if self.count < self.period {
                return None;
            }
            self.value = self.seed_sum / self.period as f64;
        } else {
            self.value = ((x - self.value) * self.k) + self.value;
        }
        Some(self.value)
    }

    pub fn is_ready(&self) -> bool {
        self.count == self.period
    }

    pub fn value(&self) -> Option<f64> {
        self.is_ready().then_some(self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_with_the_simple_average() {
        let mut e = Ema::new(3).unwrap();
        assert_eq!(e.update(Price::lit("1")), None);
        assert_eq!(e.update(Price::lit("2")), None);
        assert_eq!(e.update(Price::lit("3")), Some(2.0));
        // k = 0.5: 2 + (6 − 2) × 0.5
        assert_eq!(e.update(Price::lit("6")), Some(4.0));
        assert_eq!(e.lookback(), 2);
    }
}
