//! MACD: EMA(fast) − EMA(slow) and an EMA(signal) of that line, aligned as TA-Lib aligns them.
//!
//! TA-Lib starts both EMAs so that their first values fall on the same bar (index `slow − 1`):
//! the fast EMA is therefore seeded with the simple average of inputs `slow − fast ..= slow − 1`,
//! not of the first `fast` inputs. The signal EMA is seeded with the simple average of the first
//! `signal` MACD values, so the first output needs `slow + signal − 1` inputs
//! (lookback `slow − 1 + signal − 1`).

use domain::Price;

use crate::{Ema, ParamError, check_period};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MacdValue {
    pub macd: f64,
    pub signal: f64,
    pub histogram: f64,
}

#[derive(Debug, Clone)]
pub struct Macd {
    fast: Ema,
    slow: Ema,
    signal: Ema,
    /// Inputs the fast EMA skips so that it lines up with the slow one.
    fast_delay: usize,
    seen: usize,
    line: Option<f64>,
    value: Option<MacdValue>,
}

impl Macd {
    pub fn new(fast: usize, slow: usize, signal: usize) -> Result<Self, ParamError> {
        check_period("fast", fast, 2)?;
        check_period("slow", slow, 2)?;
        check_period("signal", signal, 1)?;
        if fast >= slow {
            return Err(ParamError::new(
                "fast",
                format!("fast period {fast} must be below slow period {slow}"),
            ));
        }
        Ok(Self {
            fast: Ema::new(fast)?,
            slow: Ema::new(slow)?,
            signal: Ema::new(signal)?,
            fast_delay: slow - fast,
            seen: 0,
            line: None,
            value: None,
        })
    }

    /// TA-Lib: `slow − 1 + signal − 1`.
    pub fn lookback(&self) -> usize {
        self.slow.lookback() + self.signal.lookback()
    }

    pub fn update(&mut self, price: Price) -> Option<MacdValue> {
        let x = price.to_f64();
        self.seen += 1;
        let slow = self.slow.update_f64(x);
        let fast = if self.seen > self.fast_delay {
            self.fast.update_f64(x)
        } else {
            None
        };
        let (Some(f), Some(s)) = (fast, slow) else {
            return None;
        };
        let line = f - s;
        self.line = Some(line);
        let signal = self.signal.update_f64(line)?;
        self.value = Some(MacdValue {
            macd: line,
            signal,
            histogram: line - signal,
        });
        self.value
    }

    /// The MACD line alone, available `signal − 1` bars before the full value.
    pub fn line(&self) -> Option<f64> {
        self.line
    }

    pub fn value(&self) -> Option<MacdValue> {
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_value_after_the_lookback() {
        let mut m = Macd::new(2, 4, 3).unwrap();
        assert_eq!(m.lookback(), 5);
        let mut first = None;
        for i in 0..10 {
            let v = m.update(Price::from_int(10 + i));
            if v.is_some() && first.is_none() {
                first = Some(i);
            }
        }
        assert_eq!(first, Some(5));
        // A steady +1 trend: EMA(2) leads EMA(4) by a constant, so the histogram tends to zero.
        let v = m.value().unwrap();
        assert!(v.macd > 0.0 && v.histogram.abs() < 0.1);
        assert!(Macd::new(4, 4, 3).is_err());
    }
}
