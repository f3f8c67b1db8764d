//! Bollinger bands: the SMA of the last `period` closes ± `k` population standard deviations.
//!
//! The variance is computed exactly from integer sums (`n·Σx² − (Σx)²) / n²` in raw price units,
//! updated in O(1)) and only then turned into a float, so a long run does not accumulate the
//! cancellation error a running float sum of squares would. TA-Lib (`BBANDS`, `matype=0`) uses the
//! same definition; its own float drift is far below 1e-9 on real prices.

use domain::Price;

use crate::{ParamError, Sma, check_period};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bands {
    pub upper: f64,
    pub middle: f64,
    pub lower: f64,
    /// Population standard deviation of the window.
    pub std_dev: f64,
}

#[derive(Debug, Clone)]
pub struct Bollinger {
    sma: Sma,
    sum_sq: i128,
    k: f64,
    bands: Option<Bands>,
}

impl Bollinger {
    pub fn new(period: usize, k: f64) -> Result<Self, ParamError> {
        check_period("period", period, 2)?;
        if !(k.is_finite() && k > 0.0) {
            return Err(ParamError::new(
                "k",
                format!("{k} is not a positive number"),
            ));
        }
        Ok(Self {
            sma: Sma::new(period)?,
            sum_sq: 0,
            k,
            bands: None,
        })
    }

    pub fn period(&self) -> usize {
        self.sma.period()
    }

    /// TA-Lib: `period − 1`.
    pub fn lookback(&self) -> usize {
        self.sma.lookback()
    }

    pub fn update(&mut self, price: Price) -> Option<Bands> {
        let n = self.sma.period();
        // The value leaving the window is the one `Sma` is about to overwrite.
        let leaving = if self.sma.is_ready() {
            i128::from(self.sma_window_oldest())
        } else {
            0
        };
        let x = i128::from(price.raw());
        self.sum_sq += x * x - leaving * leaving;
        if !self.sma.update(price) {
            return None;
        }
        let n128 = n as i128;
        let sum = self.sma.sum();
        // n²·variance in raw² units; exact and never negative.
        let n2_var = n128 * self.sum_sq - sum * sum;
        let unit = Price::UNIT as f64;
        let std_dev = (n2_var as f64).sqrt() / n as f64 / unit;
        let middle = sum as f64 / n as f64 / unit;
        let width = std_dev * self.k;
        self.bands = Some(Bands {
            upper: middle + width,
            middle,
            lower: middle - width,
            std_dev,
        });
        self.bands
    }

    fn sma_window_oldest(&self) -> i64 {
        self.sma.oldest_raw()
    }

    pub fn value(&self) -> Option<Bands> {
        self.bands
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_of_a_known_window() {
        let mut b = Bollinger::new(4, 2.0).unwrap();
        for p in ["2", "4", "4", "4"] {
            b.update(Price::lit(p));
        }
        // mean 3.5, population variance 0.75
        let v = b.update(Price::lit("5")).unwrap(); // window 4 4 4 5: mean 4.25, var 0.1875
        assert_eq!(v.middle, 4.25);
        assert!((v.std_dev - 0.1875f64.sqrt()).abs() < 1e-15);
        assert!((v.upper - (4.25 + 2.0 * 0.1875f64.sqrt())).abs() < 1e-12);
        assert!(Bollinger::new(4, -1.0).is_err());
    }
}
