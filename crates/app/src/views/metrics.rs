//! A run's metrics as named rows: the text shown, the value compared, and which way is better.
//! The table of `backtest run`/`show` and the columns of `compare` are these rows.

use analytics::Metrics;

use super::fmt::{money, pct, ratio};

/// One metric: its name, how it reads, its value for ranking (`None`: not ranked).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub name: &'static str,
    pub text: String,
    pub value: Option<f64>,
    pub rank: Rank,
}

/// The rows shown for a run, each with how to rank it in `compare`.
pub fn metric_rows(m: &Metrics) -> Vec<MetricRow> {
    let t = &m.trades;
    let b = m.benchmark.as_ref();
    let rows: Vec<(&'static str, String, Option<f64>, Rank)> = vec![
        (
            "total return",
            pct(m.total_return),
            m.total_return,
            Rank::High,
        ),
        ("CAGR", pct(m.cagr), m.cagr, Rank::High),
        (
            "annual volatility",
            pct(m.annual_volatility),
            m.annual_volatility,
            Rank::Low,
        ),
        ("Sharpe", ratio(m.sharpe), m.sharpe, Rank::High),
        ("Sortino", ratio(m.sortino), m.sortino, Rank::High),
        ("Calmar", ratio(m.calmar), m.calmar, Rank::High),
        (
            "max drawdown",
            pct(m.max_drawdown),
            m.max_drawdown,
            Rank::High,
        ),
        (
            "max drawdown $",
            money(m.max_drawdown_amount),
            Some(-m.max_drawdown_amount.to_f64()),
            Rank::High,
        ),
        (
            "max drawdown duration",
            m.max_drawdown_episode.as_ref().map_or("–".into(), episode),
            m.max_drawdown_episode
                .as_ref()
                .map(|e| -(e.sessions as f64)),
            Rank::High,
        ),
        (
            "longest drawdown",
            m.max_drawdown_duration.as_ref().map_or("–".into(), |d| {
                format!("{} sessions, {} days", d.periods, d.calendar_days)
            }),
            m.max_drawdown_duration
                .as_ref()
                .map(|d| -(d.periods as f64)),
            Rank::High,
        ),
        ("trades", t.count.to_string(), None, Rank::None),
        ("win rate", pct(t.win_rate), t.win_rate, Rank::High),
        (
            "avg trade",
            t.average_trade.map_or("–".into(), money),
            t.average_trade.map(|x| x.to_f64()),
            Rank::High,
        ),
        (
            "avg win",
            t.average_win.map_or("–".into(), money),
            None,
            Rank::None,
        ),
        (
            "avg loss",
            t.average_loss.map_or("–".into(), money),
            None,
            Rank::None,
        ),
        (
            "profit factor",
            ratio(t.profit_factor),
            t.profit_factor,
            Rank::High,
        ),
        (
            "expectancy",
            t.expectancy.map_or("–".into(), money),
            t.expectancy.map(|x| x.to_f64()),
            Rank::High,
        ),
        ("exposure", pct(m.exposure), None, Rank::None),
        (
            "alpha",
            ratio(b.and_then(|b| b.alpha)),
            b.and_then(|b| b.alpha),
            Rank::High,
        ),
        ("beta", ratio(b.and_then(|b| b.beta)), None, Rank::None),
    ];
    let short = m.periods < MIN_ANNUALISED_SESSIONS;
    rows.into_iter()
        .map(|(name, text, value, rank)| {
            if short && ANNUALISED.contains(&name) {
                return MetricRow {
                    name,
                    text: "– (short run)".into(),
                    value: None,
                    rank,
                };
            }
            MetricRow {
                name,
                text,
                value,
                rank,
            }
        })
        .collect()
}

/// Runs with fewer daily returns than this show no annualised figures in tables: a one-day
/// run's −38 % CAGR or Calmar of −200 says nothing. `--json` keeps the numbers (as empyrical
/// computes them) with `periods` beside them.
pub const MIN_ANNUALISED_SESSIONS: usize = 20;

/// The rows [`MIN_ANNUALISED_SESSIONS`] hides.
const ANNUALISED: [&str; 5] = ["CAGR", "annual volatility", "Sharpe", "Sortino", "Calmar"];

/// Why a run's annualised figures are not shown, for the line under its table.
pub fn short_run_note(m: &Metrics) -> Option<String> {
    (m.periods < MIN_ANNUALISED_SESSIONS).then(|| {
        format!(
            "annualised figures (CAGR, volatility, Sharpe, Sortino, Calmar) are not shown for \
             runs shorter than {MIN_ANNUALISED_SESSIONS} sessions; this one has {} daily \
             returns",
            m.periods
        )
    })
}

/// `41 sessions, 58 days (peak 2020-02-19, valley 2020-03-23, recovered 2020-05-01)`.
fn episode(e: &analytics::DrawdownEpisode) -> String {
    let end = e
        .recovery_date
        .map_or("not recovered".into(), |d| format!("recovered {d}"));
    format!(
        "{} sessions, {} days (peak {}, valley {}, {end})",
        e.sessions, e.calendar_days, e.peak_date, e.valley_date
    )
}

/// Which value of a row is best when runs are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    High,
    Low,
    None,
}
