//! Agreement with quantstats 0.0.86 on the tearsheet figures: `tests/golden/tearsheet/<case>.json`
//! (written by `scripts/golden/quantstats_tearsheet.py`) holds quantstats' values for the input
//! case `tests/golden/<case>.json` (the returns, benchmark and equity curve the empyrical golden
//! test already uses).
//!
//! Tolerance: `|got − want| ≤ 1e-9 · max(1, |want|)`, as in `golden.rs`; an expected `null` must be
//! `None` here, except where docs/METRICS.md lists a deliberate difference, each checked below by
//! what ztrade gives instead.

mod common;

use std::path::{Path, PathBuf};

use analytics::{
    DailyCurve, DailyPoint, DateKey, extended_metrics, histogram, rolling, underwater,
    worst_drawdowns, yearly_returns,
};
use chrono::NaiveDate;
use common::{check, curve, golden_dir};
use serde_json::Value;

struct Case {
    name: String,
    input: Value,
    want: Value,
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cases() -> Vec<Case> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(golden_dir().join("tearsheet"))
        .expect("tests/golden/tearsheet exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 9,
        "tearsheet golden files missing: {paths:?}"
    );
    paths
        .iter()
        .map(|p| {
            let want = read(p);
            let input = read(&golden_dir().join(want["input"].as_str().unwrap()));
            let name = want["case"].as_str().unwrap().to_owned();
            Case { name, input, want }
        })
        .collect()
}

fn date(v: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap()
}

fn dated(values: &Value, dates: &Value) -> Vec<(NaiveDate, f64)> {
    let values = values
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap());
    dates
        .as_array()
        .unwrap()
        .iter()
        .map(date)
        .zip(values)
        .collect()
}

fn returns(input: &Value) -> Vec<(NaiveDate, f64)> {
    dated(&input["returns"], &input["return_dates"])
}

/// The daily curve of the input's equity, when it has one.
fn points(input: &Value) -> Option<Vec<DailyPoint>> {
    input["equity"].as_array()?;
    let curve = curve(&input["equity"]);
    Some(
        DailyCurve::from_curve("equity", &curve, DateKey::Auto)
            .unwrap()
            .points,
    )
}

fn check_extended(case: &str, r: &[(NaiveDate, f64)], want: &Value) {
    let m = extended_metrics(r);
    let c = |what: &str, got: Option<f64>| check("quantstats", case, what, got, &want[what]);
    c("probabilistic_sharpe", m.probabilistic_sharpe);
    c("omega", m.omega);
    c("tail_ratio", m.tail_ratio);
    c("kelly", m.kelly);
    c("skew", m.skew);
    c("kurtosis", m.kurtosis);
    c("best_day", m.best_day);
    c("worst_day", m.worst_day);
    c("best_month", m.best_month);
    c("worst_month", m.worst_month);
    let x: Vec<f64> = r.iter().map(|p| p.1).collect();
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    // Differences: the VaR of identical returns is their mean (quantstats: NaN from scipy's zero
    // scale); the CVaR of one return is undefined (quantstats: that return).
    if want["value_at_risk"].is_null() && x.len() >= 2 && x.iter().all(|&v| v == x[0]) {
        assert_eq!(
            m.value_at_risk,
            Some(mean),
            "{case}: VaR of identical returns"
        );
    } else {
        c("value_at_risk", m.value_at_risk);
    }
    if x.len() == 1 {
        assert_eq!(
            m.conditional_value_at_risk, None,
            "{case}: CVaR of one return"
        );
        check(
            "quantstats",
            case,
            "CVaR (quantstats: the return)",
            Some(x[0]),
            &want["conditional_value_at_risk"],
        );
    } else {
        c("conditional_value_at_risk", m.conditional_value_at_risk);
    }
    assert_eq!(
        m.best_day_date,
        Some(date(&want["best_day_date"])),
        "{case}"
    );
    assert_eq!(
        m.worst_day_date,
        Some(date(&want["worst_day_date"])),
        "{case}"
    );
    let month = |v: &Value| Some((v[0].as_i64().unwrap() as i32, v[1].as_u64().unwrap() as u32));
    assert_eq!(m.best_month_of, month(&want["best_month_of"]), "{case}");
    assert_eq!(m.worst_month_of, month(&want["worst_month_of"]), "{case}");
}

#[test]
fn extended_metrics_match_quantstats() {
    for case in cases() {
        check_extended(&case.name, &returns(&case.input), &case.want["extended"]);
        // The same figures from the equity curve, through the crate's own daily returns.
        if let Some(points) = points(&case.input) {
            let r = DailyCurve { points }.returns();
            check_extended(
                &format!("{} (from equity)", case.name),
                &r,
                &case.want["extended"],
            );
        }
    }
}

#[test]
fn yearly_returns_match_quantstats_eoy() {
    for case in cases() {
        let got = yearly_returns(&returns(&case.input));
        let want = case.want["yearly"].as_array().unwrap();
        assert_eq!(got.len(), want.len(), "{}: years", case.name);
        for ((year, v), w) in got.iter().zip(want) {
            assert_eq!(*year as i64, w[0].as_i64().unwrap(), "{}", case.name);
            check(
                "quantstats",
                &case.name,
                &format!("year {year}"),
                Some(*v),
                &w[1],
            );
        }
    }
}

#[test]
fn histogram_matches_numpy() {
    for case in cases() {
        let x: Vec<f64> = returns(&case.input).iter().map(|p| p.1).collect();
        let want = &case.want["histogram"];
        let bins = histogram(&x, 20);
        if want.is_null() {
            // One distinct value: a single bin (numpy widens the range by ±0.5).
            assert_eq!(bins.len(), 1, "{}", case.name);
            assert_eq!(bins[0].count, x.len());
            continue;
        }
        let counts: Vec<u64> = bins.iter().map(|b| b.count as u64).collect();
        let want_counts: Vec<u64> = want["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        assert_eq!(counts, want_counts, "{}: counts", case.name);
        let edges = want["edges"].as_array().unwrap();
        // Within an ulp only: serde_json's float parser may read an input return an ulp away.
        for (i, b) in bins.iter().enumerate() {
            check(
                "quantstats",
                &case.name,
                &format!("edge {i}"),
                Some(b.lo),
                &edges[i],
            );
            check(
                "quantstats",
                &case.name,
                &format!("edge {}", i + 1),
                Some(b.hi),
                &edges[i + 1],
            );
        }
    }
}

#[test]
fn underwater_matches_to_drawdown_series() {
    for case in cases() {
        let Some(points) = points(&case.input) else {
            continue;
        };
        let u = underwater(&points);
        let dates: Vec<NaiveDate> = case.input["return_dates"]
            .as_array()
            .unwrap()
            .iter()
            .map(date)
            .collect();
        assert_eq!(
            u.iter().map(|p| p.0).collect::<Vec<_>>(),
            dates,
            "{}: dates",
            case.name
        );
        for row in case.want["underwater"].as_array().unwrap() {
            let i = row[0].as_u64().unwrap() as usize;
            check(
                "quantstats",
                &case.name,
                &format!("underwater[{i}]"),
                Some(u[i].1),
                &row[1],
            );
        }
    }
}

#[test]
fn worst_drawdowns_match_drawdown_details() {
    let mut compared = 0;
    for case in cases() {
        let Some(points) = points(&case.input) else {
            continue;
        };
        let name = &case.name;
        let want = &case.want["drawdowns"];
        let all = worst_drawdowns(&points, usize::MAX);
        let u = underwater(&points);
        if want["count"].as_u64() == Some(0) {
            // Difference: quantstats drops an episode that starts on the first return when no
            // later one starts; ztrade reports it.
            assert!(all.len() <= 1, "{name}: {all:?}");
            if let Some(e) = all.first() {
                assert_eq!(e.peak_date, points[0].date, "{name}");
                assert!(u[0].1 < 0.0, "{name}: under water from the first return");
            }
            continue;
        }
        assert_eq!(
            all.len() as u64,
            want["count"].as_u64().unwrap(),
            "{name}: episodes"
        );
        for (e, w) in all.iter().zip(want["worst"].as_array().unwrap()) {
            // quantstats' start is the first date under water after the peak, its end the last
            // one before the recovery (or the last date).
            let start = u
                .iter()
                .find(|p| p.0 >= e.peak_date && p.1 < 0.0)
                .unwrap()
                .0;
            let end = u
                .iter()
                .rev()
                .find(|p| e.recovery_date.is_none_or(|r| p.0 < r))
                .unwrap()
                .0;
            let what = format!("drawdown from {}", e.peak_date);
            assert_eq!(start, date(&w["start"]), "{name}: {what}: start");
            assert_eq!(e.valley_date, date(&w["valley"]), "{name}: {what}: valley");
            assert_eq!(end, date(&w["end"]), "{name}: {what}: end");
            assert_eq!((end - start).num_days() + 1, w["days"].as_i64().unwrap());
            check(
                "quantstats",
                name,
                &what,
                Some(e.depth * 100.0),
                &w["max_drawdown_pct"],
            );
            assert!(e.sessions >= 1 && e.calendar_days >= (end - start).num_days());
            compared += 1;
        }
    }
    assert!(compared >= 30, "only {compared} episodes compared");
}

#[test]
fn rolling_matches_quantstats() {
    let spy = cases()
        .into_iter()
        .find(|c| c.name == "spy_daily")
        .expect("spy_daily case");
    let spy = returns(&spy.input);
    let mut flat_betas = 0;
    for case in cases() {
        let r = returns(&case.input);
        for run in case.want["rolling"].as_array().unwrap() {
            let window = run["window"].as_u64().unwrap() as usize;
            let bench = match run["benchmark"].as_str() {
                Some("factor") => Some(dated(
                    &case.input["factor_returns"],
                    &case.input["return_dates"],
                )),
                Some("spy_daily") => Some(spy.clone()), // the whole series: aligned by date here
                Some(other) => panic!("unknown benchmark {other}"),
                None => None,
            };
            let got = rolling(&r, bench.as_deref(), window);
            assert_eq!(got.len(), r.len());
            for row in run["rows"].as_array().unwrap() {
                let i = row[0].as_u64().unwrap() as usize;
                let what = |f: &str| format!("rolling {f} (window {window}) at {}", got[i].date);
                assert_eq!(got[i].date, r[i].0);
                check(
                    "quantstats",
                    &case.name,
                    &what("sharpe"),
                    got[i].sharpe,
                    &row[1],
                );
                check(
                    "quantstats",
                    &case.name,
                    &what("volatility"),
                    got[i].volatility,
                    &row[2],
                );
                let flat = i + 1 >= window && r[i + 1 - window..=i].iter().all(|p| p.1 == r[i].1);
                if row[3].is_null() && flat && bench.is_some() {
                    // Difference: a strategy that does not move has beta 0 (quantstats: 0/0).
                    assert_eq!(got[i].beta, Some(0.0), "{}: {}", case.name, what("beta"));
                    flat_betas += 1;
                } else {
                    check(
                        "quantstats",
                        &case.name,
                        &what("beta"),
                        got[i].beta,
                        &row[3],
                    );
                }
            }
        }
    }
    assert!(
        flat_betas > 0,
        "the flat stretch should exercise a flat window"
    );
}
