//! ztrade's IV and greeks against the providers' own, on the snapshots in
//! `shared/fixtures` (docs/OPTIONS.md tells the story). The model and the units agree; the
//! inputs differ, and each difference is pinned down here:
//!
//! - **Alpaca** (`AAPL240503P00155000`, captured 2024-04-25 20:00 UTC): its greeks are BSM at its
//!   IV with r = 5.3 %, no dividend, the spot its delta implies (169.74) and a clock of exactly
//!   7 days, where ztrade counts 8.0 days to the 16:00 New York close on 2024-05-03. Its IV
//!   prices the last trade (0.34), not the mid (0.335).
//! - **Polygon** (`AAPL230616C00150000`, a documentation sample whose quote, trade and day
//!   times disagree): its IV is BSM on the mid with a rate between 0 and 1 %.

use std::path::{Path, PathBuf};

use options::OptionRight;
use options::bsm::Bsm;
use options::iv::implied_vol_bsm;

fn fixture(rel: &str) -> serde_json::Value {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(rel);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

/// The spot at which BSM's delta at `sigma` is `delta` (bisection; delta rises with the spot).
fn spot_for_delta(delta: f64, k: f64, t: f64, r: f64, sigma: f64, right: OptionRight) -> f64 {
    let (mut lo, mut hi) = (k * 0.5, k * 2.0);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        let d = Bsm::new(mid, k, t, r, 0.0)
            .unwrap()
            .greeks(sigma, right)
            .unwrap()
            .delta;
        if d < delta { lo = mid } else { hi = mid }
    }
    (lo + hi) / 2.0
}

#[test]
fn alpacas_greeks_are_bsm_at_a_seven_day_clock_and_the_last_trade() {
    let body = fixture("alpaca/v1beta1_options_snapshots_AAPL__get_option_chain.json");
    let s = &body["snapshots"]["AAPL240503P00155000"];
    let g = &s["greeks"];
    let theirs = |k: &str| g[k].as_f64().unwrap();
    let iv = s["impliedVolatility"].as_f64().unwrap();
    let (k, r) = (155.0, 0.053);
    let seven_days = 7.0 / 365.0;
    let spot = spot_for_delta(theirs("delta"), k, seven_days, r, iv, OptionRight::Put);
    assert!((spot - 169.74).abs() < 0.01, "{spot}");
    let ours = Bsm::new(spot, k, seven_days, r, 0.0)
        .unwrap()
        .greeks(iv, OptionRight::Put)
        .unwrap();
    let close = |a: f64, b: f64, tol: f64| (a - b).abs() <= tol * b.abs();
    assert!(
        close(ours.gamma, theirs("gamma"), 1e-4),
        "{} {}",
        ours.gamma,
        theirs("gamma")
    );
    assert!(
        close(ours.theta, theirs("theta"), 1e-4),
        "{} {}",
        ours.theta,
        theirs("theta")
    );
    assert!(
        close(ours.vega, theirs("vega"), 1e-4),
        "{} {}",
        ours.vega,
        theirs("vega")
    );
    assert!(
        close(ours.rho, theirs("rho"), 1e-4),
        "{} {}",
        ours.rho,
        theirs("rho")
    );
    // Their IV prices the last trade, 0.34, not the mid.
    assert_eq!(s["latestTrade"]["p"].as_f64(), Some(0.34));
    let from_last = implied_vol_bsm(0.34, spot, k, seven_days, r, 0.0, OptionRight::Put).unwrap();
    assert!((from_last - iv).abs() < 1e-4, "{from_last} vs {iv}");
    // ztrade's conventions: the mid, and 8.0 days to the 16:00 New York close of 2024-05-03.
    let at = domain::UnixNanos::parse_rfc3339("2024-04-25T20:00:00.259610112Z").unwrap();
    let expiry = chrono::NaiveDate::from_ymd_opt(2024, 5, 3).unwrap();
    let years = options::expiry::years_to_expiry(at, expiry).unwrap();
    assert!((years * 365.0 - 8.0).abs() < 1e-5, "{}", years * 365.0);
    let ours = implied_vol_bsm(0.335, spot, k, years, r, 0.0, OptionRight::Put).unwrap();
    // A lower price over a longer life: a lower volatility, 0.4279 against 0.4584.
    assert!((ours - 0.42787).abs() < 1e-4, "{ours} vs {iv}");
}

#[test]
fn polygons_iv_is_the_mid_at_a_rate_under_one_percent() {
    let body = fixture("polygon/v3_snapshot_options_AAPL.json");
    let s = &body["results"][0];
    let iv = s["implied_volatility"].as_f64().unwrap();
    let spot = s["underlying_asset"]["price"].as_f64().unwrap();
    let q = &s["last_quote"];
    let mid = (q["bid"].as_f64().unwrap() + q["ask"].as_f64().unwrap()) / 2.0;
    let at = domain::UnixNanos::new(q["last_updated"].as_i64().unwrap());
    let expiry = chrono::NaiveDate::from_ymd_opt(2023, 6, 16).unwrap();
    let years = options::expiry::years_to_expiry(at, expiry).unwrap();
    let ours =
        |r: f64| implied_vol_bsm(mid, spot, 150.0, years, r, 0.0, OptionRight::Call).unwrap();
    // At r = 0 ours is 0.6 points above; at 1 % it is below: their rate is in between.
    assert!(
        ours(0.0) > iv && ours(0.0) - iv < 0.01,
        "{} vs {iv}",
        ours(0.0)
    );
    assert!(ours(0.01) < iv, "{} vs {iv}", ours(0.01));
    assert!((ours(0.005) - iv).abs() < 1e-3, "{} vs {iv}", ours(0.005));
}
