//! The year × month table of compounded returns (empyrical's `aggregate_returns(…, 'monthly')`).
//!
//! Each cell is `Π(1 + r) − 1` over the daily returns dated in that month; a month with no return
//! is `None`. `total` compounds the whole year's daily returns the same way.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearReturns {
    pub year: i32,
    /// January first.
    pub months: [Option<f64>; 12],
    pub total: Option<f64>,
}

/// Rows in year order from returns sorted by date.
pub fn monthly_returns(returns: &[(NaiveDate, f64)]) -> Vec<YearReturns> {
    let mut rows: Vec<YearReturns> = Vec::new();
    // Growth factors, compounded in date order as empyrical's cumprod does.
    let mut growth: Vec<[Option<f64>; 12]> = Vec::new();
    let mut year_growth: Vec<f64> = Vec::new();
    for &(date, r) in returns {
        if rows.last().is_none_or(|row| row.year != date.year()) {
            rows.push(YearReturns {
                year: date.year(),
                months: [None; 12],
                total: None,
            });
            growth.push([None; 12]);
            year_growth.push(1.0);
        }
        let m = date.month0() as usize;
        let cell = &mut growth.last_mut().expect("row")[m];
        *cell = Some(cell.unwrap_or(1.0) * (1.0 + r));
        *year_growth.last_mut().expect("row") *= 1.0 + r;
    }
    for ((row, g), y) in rows.iter_mut().zip(&growth).zip(&year_growth) {
        for (cell, gm) in row.months.iter_mut().zip(g) {
            *cell = gm.map(|v| v - 1.0).filter(|v| v.is_finite());
        }
        row.total = Some(y - 1.0).filter(|v| v.is_finite());
    }
    rows
}

/// Compounded calendar-year returns `(year, Π(1 + r) − 1)` in year order: quantstats' EOY
/// returns (`aggregate_returns(…, "YE")`), the `total` column of [`monthly_returns`]. A year whose
/// product overflows is left out.
pub fn yearly_returns(returns: &[(NaiveDate, f64)]) -> Vec<(i32, f64)> {
    monthly_returns(returns)
        .into_iter()
        .filter_map(|row| row.total.map(|t| (row.year, t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compounds_within_months_and_years() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let r = [
            (d("2020-01-30"), 0.1),
            (d("2020-01-31"), 0.1),
            (d("2020-03-02"), -0.5),
            (d("2021-12-31"), 0.25),
        ];
        let t = monthly_returns(&r);
        assert_eq!(t.len(), 2);
        assert!((t[0].months[0].unwrap() - 0.21).abs() < 1e-15);
        assert_eq!(t[0].months[1], None);
        assert_eq!(t[0].months[2], Some(-0.5));
        assert!((t[0].total.unwrap() - (1.21 * 0.5 - 1.0)).abs() < 1e-15);
        assert_eq!(
            (t[1].year, t[1].months[11], t[1].total),
            (2021, Some(0.25), Some(0.25))
        );
        assert!(monthly_returns(&[]).is_empty());
        let y = yearly_returns(&r);
        assert_eq!((y[0].0, y[1]), (2020, (2021, 0.25)));
        assert!((y[0].1 - (1.21 * 0.5 - 1.0)).abs() < 1e-15);
        assert!(yearly_returns(&[]).is_empty());
    }
}
