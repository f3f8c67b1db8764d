//! [`compute`]: from an equity curve, trades, exposure and an optional benchmark to one
//! serializable [`Metrics`].
//!
//! Every return statistic is taken on the **daily** returns of [`crate::daily`] and annualized with
//! `periods_per_year` (252). Rates and returns are fractions (`0.0123` is 1.23%). A value that is
//! undefined or infinite (Sharpe of a constant series, profit factor with no losses) is `None`,
//! which JSON shows as `null`, never `NaN`.

use domain::{Money, UnixNanos};
use serde::{Deserialize, Serialize};

use crate::daily::{DailyCurve, DateKey, align};
use crate::drawdown::{
    DrawdownEpisode, DrawdownSpan, deepest_drawdown, longest_drawdown, max_drawdown_amount,
};
use crate::error::AnalyticsError;
use crate::monthly::{YearReturns, monthly_returns};
use crate::stats;
use crate::trades::{BarExposure, ClosedTrade, TradeStats};

/// Settings with the conventional defaults: no risk-free rate, 252 periods a year, automatic
/// date keys.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MetricsConfig {
    /// Annual risk-free rate (fraction). Turned into a per-period rate by compounding,
    /// `(1 + rf)^(1/periods_per_year) − 1`, and subtracted from every daily return for Sharpe,
    /// used as the required return for Sortino and as the risk-free rate for alpha.
    pub risk_free_annual: f64,
    pub periods_per_year: u32,
    pub date_key: DateKey,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            risk_free_annual: 0.0,
            periods_per_year: 252,
            date_key: DateKey::Auto,
        }
    }
}

/// Everything [`compute`] reads.
#[derive(Debug, Clone, Copy)]
pub struct MetricsInput<'a> {
    /// `(time, equity)` in time order, at any frequency. The first point is the starting equity.
    pub equity: &'a [(UnixNanos, Money)],
    pub trades: &'a [ClosedTrade],
    pub exposure: Option<BarExposure>,
    /// Buy-and-hold value of the benchmark (prices work too: only ratios matter).
    pub benchmark: Option<&'a [(UnixNanos, Money)]>,
    pub config: MetricsConfig,
}

impl<'a> MetricsInput<'a> {
    /// An equity curve alone, default config.
    pub fn new(equity: &'a [(UnixNanos, Money)]) -> Self {
        Self {
            equity,
            trades: &[],
            exposure: None,
            benchmark: None,
            config: MetricsConfig::default(),
        }
    }
}

/// The performance report. Field names are part of the JSON interface: keep them stable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub start: UnixNanos,
    pub end: UnixNanos,
    pub start_equity: Money,
    pub end_equity: Money,
    /// Number of daily returns the statistics are computed from.
    pub periods: usize,
    pub periods_per_year: u32,
    pub risk_free_annual: f64,
    /// `end_equity / start_equity − 1`.
    pub total_return: Option<f64>,
    /// empyrical `annual_return`.
    pub cagr: Option<f64>,
    pub annual_volatility: Option<f64>,
    pub sharpe: Option<f64>,
    pub sortino: Option<f64>,
    pub downside_risk: Option<f64>,
    pub calmar: Option<f64>,
    /// Deepest daily drawdown, non-positive (`-0.25` = 25% below the peak).
    pub max_drawdown: Option<f64>,
    /// Largest fall from a daily peak in money (non-negative).
    pub max_drawdown_amount: Money,
    /// The longest drawdown episode (which may not be the deepest).
    pub max_drawdown_duration: Option<DrawdownSpan>,
    /// The deepest drawdown's episode: peak, valley, recovery and duration.
    #[serde(default)]
    pub max_drawdown_episode: Option<DrawdownEpisode>,
    /// Fraction of bars with a position held at the close.
    pub exposure: Option<f64>,
    pub trades: TradeStats,
    pub benchmark: Option<BenchmarkMetrics>,
    pub monthly_returns: Vec<YearReturns>,
}

/// The benchmark's own figures and the strategy's alpha and beta against it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkMetrics {
    pub total_return: Option<f64>,
    pub cagr: Option<f64>,
    pub annual_volatility: Option<f64>,
    pub sharpe: Option<f64>,
    pub max_drawdown: Option<f64>,
    /// Dates on which both the strategy and the benchmark have a daily return.
    pub aligned_periods: usize,
    /// empyrical `alpha_beta`, annualized: `(1 + mean(r − rf − β(b − rf)))^ppy − 1`.
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
}

impl Metrics {
    /// Pretty JSON, fields in declaration order.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("metrics always serialize")
    }
}

/// Computes every metric; fails only on malformed input (see [`AnalyticsError`]).
pub fn compute(input: &MetricsInput<'_>) -> Result<Metrics, AnalyticsError> {
    let cfg = input.config;
    if cfg.periods_per_year == 0 {
        return Err(config_err("periods_per_year", "must be positive"));
    }
    if !cfg.risk_free_annual.is_finite() || cfg.risk_free_annual <= -1.0 {
        return Err(config_err(
            "risk_free_annual",
            "must be a finite rate above -1",
        ));
    }
    let ppy = f64::from(cfg.periods_per_year);
    let rf = if cfg.risk_free_annual == 0.0 {
        0.0
    } else {
        stats::per_period_rate(cfg.risk_free_annual, ppy)
    };

    let curve = DailyCurve::from_curve("equity", input.equity, cfg.date_key)?;
    let dated = curve.returns();
    let r: Vec<f64> = dated.iter().map(|x| x.1).collect();
    let (first, last) = (curve.first(), curve.last());

    let trades = TradeStats::from_trades(input.trades)?;
    let exposure = match input.exposure {
        Some(e) => e.fraction()?,
        None => None,
    };
    let benchmark = match input.benchmark {
        Some(b) => Some(benchmark_metrics(b, &dated, rf, ppy, cfg.date_key)?),
        None => None,
    };

    Ok(Metrics {
        start: input.equity[0].0,
        end: input.equity[input.equity.len() - 1].0,
        start_equity: first.equity,
        end_equity: last.equity,
        periods: r.len(),
        periods_per_year: cfg.periods_per_year,
        risk_free_annual: cfg.risk_free_annual,
        total_return: total_return(first.equity, last.equity),
        cagr: finite(stats::annual_return(&r, ppy)),
        annual_volatility: finite(stats::annual_volatility(&r, ppy)),
        sharpe: finite(stats::sharpe_ratio(&r, rf, ppy)),
        sortino: finite(stats::sortino_ratio(&r, rf, ppy)),
        downside_risk: finite(stats::downside_risk(&r, rf, ppy)),
        calmar: finite(stats::calmar_ratio(&r, ppy)),
        max_drawdown: finite(stats::max_drawdown(&r)),
        max_drawdown_amount: max_drawdown_amount(&curve.points),
        max_drawdown_duration: longest_drawdown(&curve.points),
        max_drawdown_episode: deepest_drawdown(&curve.points),
        exposure,
        trades,
        benchmark,
        monthly_returns: monthly_returns(&dated),
    })
}

fn benchmark_metrics(
    bench: &[(UnixNanos, Money)],
    strategy: &[(chrono::NaiveDate, f64)],
    rf: f64,
    ppy: f64,
    key: DateKey,
) -> Result<BenchmarkMetrics, AnalyticsError> {
    let curve = DailyCurve::from_curve("benchmark", bench, key)?;
    let dated = curve.returns();
    let b: Vec<f64> = dated.iter().map(|x| x.1).collect();
    let (rs, bs) = align(strategy, &dated);
    let (alpha, beta) = stats::alpha_beta(&rs, &bs, rf, ppy);
    Ok(BenchmarkMetrics {
        total_return: total_return(curve.first().equity, curve.last().equity),
        cagr: finite(stats::annual_return(&b, ppy)),
        annual_volatility: finite(stats::annual_volatility(&b, ppy)),
        sharpe: finite(stats::sharpe_ratio(&b, rf, ppy)),
        max_drawdown: finite(stats::max_drawdown(&b)),
        aligned_periods: rs.len(),
        alpha: finite(alpha),
        beta: finite(beta),
    })
}

fn total_return(start: Money, end: Money) -> Option<f64> {
    finite((end.raw() - start.raw()) as f64 / start.raw() as f64)
}

/// `None` for NaN and ±∞, so JSON never carries a value it cannot represent.
pub(crate) fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn config_err(field: &'static str, reason: &str) -> AnalyticsError {
    AnalyticsError::Config {
        field,
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Price;

    fn day(d: &str) -> UnixNanos {
        UnixNanos::parse_rfc3339(d).unwrap()
    }

    fn money(v: i64) -> Money {
        Money::from_price(Price::from_int(v))
    }

    #[test]
    fn full_report_with_trades_exposure_and_benchmark() {
        let equity = [
            (day("2024-01-02"), money(100_000)),
            (day("2024-01-03"), money(101_000)),
            (day("2024-01-04"), money(99_000)),
            (day("2024-01-05"), money(102_000)),
            (day("2024-02-01"), money(103_000)),
        ];
        // The benchmark misses 01-04 and has an extra date: alpha/beta use the common dates.
        let bench = [
            (day("2024-01-02"), money(50)),
            (day("2024-01-03"), money(51)),
            (day("2024-01-05"), money(52)),
            (day("2024-01-08"), money(53)),
            (day("2024-02-01"), money(54)),
        ];
        let trades = [ClosedTrade {
            entry_time: day("2024-01-02"),
            exit_time: day("2024-02-01"),
            pnl: money(3_000),
        }];
        let mut input = MetricsInput::new(&equity);
        input.trades = &trades;
        input.exposure = Some(BarExposure {
            bars_in_market: 4,
            total_bars: 5,
        });
        input.benchmark = Some(&bench);
        let m = compute(&input).unwrap();
        assert_eq!(m.periods, 4);
        assert!((m.total_return.unwrap() - 0.03).abs() < 1e-15);
        assert_eq!(m.max_drawdown_amount, money(2_000));
        let span = m.max_drawdown_duration.unwrap();
        assert_eq!(
            (span.periods, span.calendar_days, span.recovered),
            (2, 2, true)
        );
        let deepest = m.max_drawdown_episode.unwrap();
        assert!((deepest.depth - m.max_drawdown.unwrap()).abs() < 1e-15);
        assert_eq!(deepest.recovery_date.is_some(), span.recovered);
        assert_eq!(m.exposure, Some(0.8));
        assert_eq!(m.trades.count, 1);
        let b = m.benchmark.as_ref().unwrap();
        // Strategy return dates 01-03, 01-04, 01-05, 02-01; benchmark 01-03, 01-05, 01-08, 02-01.
        assert_eq!(b.aligned_periods, 3);
        assert!((b.total_return.unwrap() - 0.08).abs() < 1e-15);
        assert!(b.beta.is_some() && b.alpha.is_some());
        assert_eq!(m.monthly_returns.len(), 1);
        assert!((m.monthly_returns[0].months[0].unwrap() - 0.02).abs() < 1e-15);
        assert!((m.monthly_returns[0].months[1].unwrap() - 1.0 / 102.0).abs() < 1e-15);
        // serde_json reads floats to within an ulp, so compare the exact parts.
        let back: Metrics = serde_json::from_str(&m.to_json()).unwrap();
        assert_eq!(back.trades, m.trades);
        assert_eq!(back.max_drawdown_duration, m.max_drawdown_duration);
        assert_eq!(
            back.max_drawdown_episode.map(|e| e.valley_date),
            m.max_drawdown_episode.map(|e| e.valley_date)
        );
        assert_eq!((back.start, back.end_equity), (m.start, m.end_equity));
    }

    #[test]
    fn a_single_point_gives_nulls_not_nan() {
        let equity = [(day("2024-01-02"), money(100))];
        let m = compute(&MetricsInput::new(&equity)).unwrap();
        assert_eq!(m.periods, 0);
        assert_eq!((m.sharpe, m.cagr, m.max_drawdown), (None, None, None));
        let v: serde_json::Value = serde_json::from_str(&m.to_json()).unwrap();
        assert!(v["sharpe"].is_null() && v["calmar"].is_null());
    }

    #[test]
    fn bad_config_and_inputs_are_named() {
        let equity = [(day("2024-01-02"), money(100))];
        let mut input = MetricsInput::new(&equity);
        input.config.periods_per_year = 0;
        let err = compute(&input).unwrap_err();
        assert_eq!(
            err.to_string(),
            "config: periods_per_year: must be positive"
        );
        input.config = MetricsConfig {
            risk_free_annual: f64::NAN,
            ..MetricsConfig::default()
        };
        assert!(
            compute(&input)
                .unwrap_err()
                .to_string()
                .contains("risk_free_annual")
        );
        input.config = MetricsConfig::default();
        input.exposure = Some(BarExposure {
            bars_in_market: 2,
            total_bars: 1,
        });
        assert!(matches!(
            compute(&input),
            Err(AnalyticsError::Exposure { .. })
        ));
        assert!(matches!(
            compute(&MetricsInput::new(&[])),
            Err(AnalyticsError::EmptyCurve { curve: "equity" })
        ));
    }

    #[test]
    fn risk_free_rate_lowers_sharpe() {
        let equity: Vec<(UnixNanos, Money)> = [100, 101, 103, 102, 105, 107]
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    UnixNanos::new(i as i64 * domain::time::NANOS_PER_DAY),
                    money(*v),
                )
            })
            .collect();
        let base = compute(&MetricsInput::new(&equity)).unwrap();
        let mut input = MetricsInput::new(&equity);
        input.config.risk_free_annual = 0.05;
        let with_rf = compute(&input).unwrap();
        assert!(with_rf.sharpe.unwrap() < base.sharpe.unwrap());
        assert_eq!(with_rf.cagr, base.cagr);
    }
}
