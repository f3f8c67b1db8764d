//! Wilder's RSI, TA-Lib style: the first value needs `period + 1` inputs (lookback `period`) and
//! averages the first `period` gains and losses simply; later values smooth them with
//! `avg = (avg × (period − 1) + x) / period`. A window with neither gains nor losses reads 0, as
//! in TA-Lib.

use domain::Price;

use crate::{ParamError, check_period};

/// TA-Lib's `TA_IS_ZERO` band.
const ZERO_BAND: f64 = 1e-8;

#[derive(Debug, Clone)]
pub struct Rsi {
    period: usize,
    seen: usize,
    prev: f64,
    gain: f64,
    loss: f64,
    value: f64,
}

impl Rsi {
    pub fn new(period: usize) -> Result<Self, ParamError> {
        check_period("period", period, 2)?;
        Ok(Self {
            period,
            seen: 0,
            prev: 0.0,
            gain: 0.0,
            loss: 0.0,
            value: f64::NAN,
        })
    }

    pub fn period(&self) -> usize {
        self.period
    }

    /// TA-Lib: `period`.
    pub fn lookback(&self) -> usize {
        self.period
    }

    pub fn update(&mut self, price: Price) -> Option<f64> {
        let x = price.to_f64();
        self.seen += 1;
        if self.seen == 1 {
            self.prev = x;
            return None;
        }
        let change = x - self.prev;
        self.prev = x;
        let n = self.period as f64;
        if self.seen <= self.period {
            self.accumulate(change);
            return None;
        }
        if self.seen == self.period + 1 {
            self.accumulate(change);
            self.loss /= n;
            self.gain /= n;
        } else {
            self.loss *= n - 1.0;
            self.gain *= n - 1.0;
            self.accumulate(change);
            self.loss /= n;
            self.gain /= n;
        }
        let total = self.gain + self.loss;
        self.value = if -ZERO_BAND < total && total < ZERO_BAND {
            0.0
        } else {
            100.0 * (self.gain / total)
        };
        Some(self.value)
    }

    fn accumulate(&mut self, change: f64) {
        if change < 0.0 {
            self.loss -= change;
        } else {
            self.gain += change;
        }
    }

    pub fn is_ready(&self) -> bool {
        self.seen > self.period
    }

    pub fn value(&self) -> Option<f64> {
        self.is_ready().then_some(self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_value_after_period_plus_one_inputs() {
        let mut r = Rsi::new(2).unwrap();
        assert_eq!(r.update(Price::lit("10")), None);
        assert_eq!(r.update(Price::lit("11")), None);
        // gains 1, losses 1 → 50
        assert_eq!(r.update(Price::lit("10")), Some(50.0));
        // gain = (0.5×1 + 2)/2 = 1.25, loss = 0.5/2 = 0.25 → 83.33…
        let v = r.update(Price::lit("12")).unwrap();
        assert!((v - 100.0 * 1.25 / 1.5).abs() < 1e-12);
        let mut flat = Rsi::new(2).unwrap();
        for _ in 0..3 {
            flat.update(Price::lit("5"));
        }
        assert_eq!(flat.value(), Some(0.0));
        assert!(Rsi::new(1).is_err());
    }
}
