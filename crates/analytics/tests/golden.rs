//! Agreement with empyrical-reloaded on the golden files of `tests/golden/` (written by
//! `scripts/golden/empyrical_metrics.py`; CI has no Python and only reads them).
//!
//! Each case is checked twice: the [`analytics::stats`] functions on empyrical's own input returns,
//! and the whole [`analytics::compute`] pipeline on the equity curve those returns came from
//! (resampled to daily, returns from exact money). Tolerance: `|got − want| ≤ 1e-9 · max(1, |want|)`;
//! an expected `null` (NaN or infinity in empyrical) must be `None`/non-finite here.

mod common;

use std::path::PathBuf;

use analytics::{Metrics, MetricsConfig, MetricsInput, compute, stats};
use common::{check, curve, golden_dir};
use serde_json::Value;

fn cases() -> Vec<(String, Value)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .expect("tests/golden exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 8, "golden files missing: {paths:?}");
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let v: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.file_stem().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn stats_match_empyrical_on_its_inputs() {
    for (name, case) in cases() {
        let r = floats(&case["returns"]);
        let ppy = case["periods_per_year"].as_f64().unwrap();
        let rf = case["risk_free_per_period"].as_f64().unwrap();
        let e = &case["expected"];
        let c = |what: &str, got: f64| check("empyrical", &name, what, Some(got), &e[what]);
        c("cum_returns_final", stats::cum_returns_final(&r));
        c("annual_return", stats::annual_return(&r, ppy));
        c("annual_volatility", stats::annual_volatility(&r, ppy));
        c("sharpe_ratio", stats::sharpe_ratio(&r, rf, ppy));
        c("sortino_ratio", stats::sortino_ratio(&r, rf, ppy));
        c("downside_risk", stats::downside_risk(&r, rf, ppy));
        c("max_drawdown", stats::max_drawdown(&r));
        c("calmar_ratio", stats::calmar_ratio(&r, ppy));
        if case["factor_returns"].is_array() {
            let f = floats(&case["factor_returns"]);
            let (a, b) = stats::alpha_beta(&r, &f, rf, ppy);
            c("alpha", a);
            c("beta", b);
        }
    }
}

fn run(case: &Value) -> Metrics {
    let equity = curve(&case["equity"]);
    let bench = case["benchmark"]
        .is_array()
        .then(|| curve(&case["benchmark"]));
    let mut input = MetricsInput::new(&equity);
    input.benchmark = bench.as_deref();
    input.config = MetricsConfig {
        risk_free_annual: case["risk_free_annual"].as_f64().unwrap(),
        ..MetricsConfig::default()
    };
    compute(&input).unwrap()
}

#[test]
fn pipeline_from_equity_matches_empyrical() {
    let mut checked = 0;
    for (name, case) in cases() {
        if !case["equity"].is_array() {
            continue;
        }
        checked += 1;
        let m = run(&case);
        let e = &case["expected"];
        let n = case["returns"].as_array().unwrap().len();
        assert_eq!(m.periods, n, "{name}: number of daily returns");
        let c = |what: &str, got: Option<f64>| check("empyrical", &name, what, got, &e[what]);
        c("cum_returns_final", m.total_return);
        c("annual_return", m.cagr);
        c("annual_volatility", m.annual_volatility);
        c("sharpe_ratio", m.sharpe);
        c("sortino_ratio", m.sortino);
        c("downside_risk", m.downside_risk);
        c("max_drawdown", m.max_drawdown);
        c("calmar_ratio", m.calmar);
        if let Some(b) = &m.benchmark {
            assert_eq!(b.aligned_periods, n, "{name}: aligned periods");
            c("alpha", b.alpha);
            c("beta", b.beta);
        } else {
            assert!(
                e["alpha"].is_null(),
                "{name}: no benchmark but alpha expected"
            );
        }
        assert_eq!(
            m.max_drawdown_amount.to_string(),
            e["max_drawdown_amount"].as_str().unwrap(),
            "{name}: max drawdown amount"
        );
        assert_eq!(
            m.max_drawdown_duration.map(|s| s.periods as u64),
            e["max_drawdown_duration_periods"].as_u64(),
            "{name}: drawdown duration"
        );
        let months: Vec<(i32, u32, Option<f64>)> = m
            .monthly_returns
            .iter()
            .flat_map(|row| {
                (0..12)
                    .filter_map(move |i| row.months[i].map(|v| (row.year, i as u32 + 1, Some(v))))
            })
            .collect();
        let want = e["monthly"].as_array().unwrap();
        assert_eq!(months.len(), want.len(), "{name}: months in the table");
        for ((y, mo, got), w) in months.iter().zip(want) {
            assert_eq!(
                (*y as i64, *mo as i64),
                (w[0].as_i64().unwrap(), w[1].as_i64().unwrap())
            );
            check(
                "empyrical",
                &name,
                &format!("monthly {y}-{mo:02}"),
                *got,
                &w[2],
            );
        }
    }
    assert!(checked >= 6, "only {checked} cases carried an equity curve");
}

#[test]
fn intraday_curve_resamples_to_new_york_dates() {
    let (_, case) = cases()
        .into_iter()
        .find(|(n, _)| n == "spy_intraday")
        .expect("spy_intraday.json");
    let m = run(&case);
    let dates: Vec<&str> = case["return_dates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(
        dates.first(),
        Some(&"2013-10-04"),
        "first day's return is kept"
    );
    assert_eq!(m.periods, dates.len());
    assert_eq!(m.start_equity.to_string(), "167.65");
}

#[test]
fn json_has_no_nan_and_stable_names() {
    for (name, case) in cases() {
        if !case["equity"].is_array() {
            continue;
        }
        let json = run(&case).to_json();
        assert!(
            !json.contains("NaN") && !json.contains("inf"),
            "{name}: {json}"
        );
        let v: Value = serde_json::from_str(&json).unwrap();
        for key in [
            "total_return",
            "cagr",
            "annual_volatility",
            "sharpe",
            "sortino",
            "calmar",
            "max_drawdown",
            "max_drawdown_amount",
            "max_drawdown_duration",
            "exposure",
            "trades",
            "benchmark",
            "monthly_returns",
        ] {
            assert!(v.get(key).is_some(), "{name}: field {key} missing");
        }
        // Undefined values are explicit nulls.
        if name == "one_return" {
            assert!(v["sharpe"].is_null() && v["annual_volatility"].is_null());
        }
    }
}
