//! The metric rows a run's table shows (issue 9): annualised figures are hidden on runs shorter
//! than 20 sessions, with a note saying so; the max drawdown is described by its episode (peak,
//! valley, recovery) in sessions and calendar days.

use app::run::{self, Preloaded};
use app::time::Window;
use app::views::{metric_rows, short_run_note};
use backtest::AgentConfig;
use domain::{Bar, Price, Quantity, Symbol, Timeframe, UnixNanos};

const DAY: i64 = 86_400_000_000_000;

/// Daily bars on consecutive days at these closes (open = close).
fn days(closes: &[i64]) -> Vec<Bar> {
    let t0 = UnixNanos::parse_rfc3339("2024-01-01T00:00:00Z").unwrap();
    closes
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let p = Price::from_int(c);
            Bar {
                ts: t0.plus(i as i64 * DAY),
                open: p,
                high: p,
                low: p,
                close: p,
                volume: Quantity::from_int(100),
                vwap: None,
                trade_count: None,
            }
        })
        .collect()
}

fn rows_of(closes: &[i64]) -> (Vec<(String, String)>, Option<String>) {
    let pre = Preloaded::new(
        vec![(Symbol::new("SPY").unwrap(), Timeframe::D1, days(closes))],
        Vec::new(),
    );
    let agent = AgentConfig::from_yaml(
        "id: bh\nsymbols: [SPY]\ntimeframe: 1d\ninitial_capital: 100000\n\
         strategy: { kind: buy_and_hold }\nsizing: { kind: fixed_quantity, quantity: 100 }\n",
    )
    .unwrap();
    let r = run::run(&pre, &agent, Window::default(), None).unwrap();
    let rows = metric_rows(&r.metrics)
        .into_iter()
        .map(|m| (m.name.to_string(), m.text))
        .collect();
    (rows, short_run_note(&r.metrics))
}

fn text<'a>(rows: &'a [(String, String)], name: &str) -> &'a str {
    &rows.iter().find(|(n, _)| n == name).unwrap().1
}

#[test]
fn a_short_run_hides_its_annualised_figures_and_says_why() {
    let (rows, note) = rows_of(&[100, 101, 99, 102, 103]);
    for name in ["CAGR", "annual volatility", "Sharpe", "Sortino", "Calmar"] {
        assert_eq!(text(&rows, name), "– (short run)", "{name}");
    }
    assert_ne!(text(&rows, "total return"), "– (short run)");
    let note = note.unwrap();
    assert!(note.contains("shorter than 20 sessions"), "{note}");

    let long: Vec<i64> = (0..60).map(|i| 100 + (i % 7)).collect();
    let (rows, note) = rows_of(&long);
    assert!(note.is_none());
    assert!(!text(&rows, "CAGR").contains("short run"));
}

#[test]
fn the_max_drawdown_is_told_by_its_episode() {
    // Bought at 100 on day 1's open; peak 110 on day 3, valley 88 on day 5 (−20 %), back to 110
    // on day 8; then a smaller dip that never recovers.
    let (rows, _) = rows_of(&[
        100, 100, 105, 110, 95, 88, 100, 105, 110, 120, 115, 116, 117, 118, 119, 119, 118, 117,
        116, 115, 114, 113,
    ]);
    assert_eq!(
        text(&rows, "max drawdown duration"),
        "5 sessions, 5 days (peak 2024-01-04, valley 2024-01-06, recovered 2024-01-09)"
    );
    assert!(text(&rows, "longest drawdown").ends_with("sessions, 12 days"));
}
