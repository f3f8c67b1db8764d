//! Price → implied volatility → price over a wide grid, relative error at most 1e-12.
//!
//! Grid: strike/forward from 0.5 to 2 (41 log-spaced points), expiries 1 day to 3 years,
//! σ 1% to 300%, calls and puts, on Black-76 (DF from r = 3%) and on BSM (r = 3%, q = 1%).
//! A point is skipped, and counted, when its price carries no information about σ in f64: the
//! price is below 1e-300 (it underflows), or its time value is within 4 ulps of the price (the
//! option is indistinguishable from intrinsic value). The skip count is printed (2,006 of 8,118
//! per model: this grid reaches far into the tails on purpose, e.g. σ = 1% for one day at
//! K/F = 0.5 is 1,300 standard deviations out) and every skipped point is asserted to lie more
//! than `SKIP_DISTANCE` standard deviations from the money, so no point a market could quote
//! with a meaningful σ is skipped.

use options::OptionRight::{Call, Put};
use options::black76::Black76;
use options::bsm::Bsm;
use options::inputs::intrinsic;
use options::iv::{implied_vol_black, implied_vol_bsm};

const MAX_REL_ERROR: f64 = 1e-12;
/// Skipped points must be at least this many standard deviations (|ln(F/K)|/(σ√T)) from the money.
const SKIP_DISTANCE: f64 = 7.0;
const YEARS: [f64; 9] = [
    1.0 / 365.0,
    2.0 / 365.0,
    7.0 / 365.0,
    30.0 / 365.0,
    0.25,
    0.5,
    1.0,
    2.0,
    3.0,
];
const SIGMAS: [f64; 11] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.8, 1.2, 2.0, 3.0];

fn moneyness() -> impl Iterator<Item = f64> {
    (0..=40).map(|i| 0.5 * 4f64.powf(i as f64 / 40.0))
}

/// Whether `price` (undiscounted `u` with `floor` its intrinsic value) carries σ in f64.
fn informative(price: f64, u: f64, floor: f64) -> bool {
    price >= 1e-300 && u - floor > 4.0 * f64::EPSILON * u
}

#[derive(Default)]
struct Tally {
    checked: usize,
    skipped: usize,
    nearest_skip: f64,
    worst: f64,
}

impl Tally {
    fn skip(&mut self, m: f64, t: f64, sigma: f64) {
        let distance = m.ln().abs() / (sigma * t.sqrt());
        assert!(
            distance >= SKIP_DISTANCE,
            "K/F={m} T={t} σ={sigma} skipped at {distance:.2} sd"
        );
        if self.skipped == 0 || distance < self.nearest_skip {
            self.nearest_skip = distance;
        }
        self.skipped += 1;
    }

    fn check(&mut self, label: &str, price: f64, back: f64) {
        let err = (back - price).abs() / price;
        assert!(
            err <= MAX_REL_ERROR,
            "{label}: price {price:e} repriced {back:e} (rel {err:e})"
        );
        self.worst = self.worst.max(err);
        self.checked += 1;
    }
}

#[test]
fn black76_round_trip() {
    let (f, r) = (100.0, 0.03);
    let mut tally = Tally::default();
    for m in moneyness() {
        let k = f * m;
        for t in YEARS {
            let market = Black76::new(f, k, t, (-r * t).exp()).unwrap();
            for sigma in SIGMAS {
                for right in [Call, Put] {
                    let price = market.price(sigma, right).unwrap();
                    let u = price / market.discount_factor();
                    if !informative(price, u, intrinsic(f, k, right)) {
                        tally.skip(m, t, sigma);
                        continue;
                    }
                    let label = format!("K/F={m:.4} T={t:.5} σ={sigma} {right:?}");
                    let iv = implied_vol_black(price, f, k, t, market.discount_factor(), right)
                        .unwrap_or_else(|s| panic!("{label}: {s}"));
                    tally.check(&label, price, market.price(iv, right).unwrap());
                }
            }
        }
    }
    report("black76", &tally);
}

#[test]
fn bsm_round_trip() {
    let (s, r, q) = (100.0, 0.03, 0.01);
    let mut tally = Tally::default();
    for m in moneyness() {
        for t in YEARS {
            let fwd = s * ((r - q) * t).exp();
            let k = fwd * m;
            let market = Bsm::new(s, k, t, r, q).unwrap();
            for sigma in SIGMAS {
                for right in [Call, Put] {
                    let price = market.price(sigma, right).unwrap();
                    let u = price / market.as_black76().discount_factor();
                    if !informative(price, u, intrinsic(fwd, k, right)) {
                        tally.skip(m, t, sigma);
                        continue;
                    }
                    let label = format!("K/F={m:.4} T={t:.5} σ={sigma} {right:?}");
                    let iv = implied_vol_bsm(price, s, k, t, r, q, right)
                        .unwrap_or_else(|st| panic!("{label}: {st}"));
                    tally.check(&label, price, market.price(iv, right).unwrap());
                }
            }
        }
    }
    report("bsm", &tally);
}

fn report(model: &str, tally: &Tally) {
    let total = tally.checked + tally.skipped;
    println!(
        "{model}: {} of {total} points round-trip within {:.1e} relative; {} skipped (no σ in \
         f64), the nearest {:.1} sd from the money",
        tally.checked, tally.worst, tally.skipped, tally.nearest_skip
    );
    assert!(tally.checked > 6000, "{} checked", tally.checked);
    assert!(
        tally.skipped <= 2100,
        "{} of {total} skipped",
        tally.skipped
    );
}

/// The IV itself comes back where the price is sensitive to it.
#[test]
fn volatility_comes_back_where_vega_is_material() {
    let (f, t) = (100.0, 0.5);
    for m in [0.8, 1.0, 1.25] {
        for sigma in [0.2, 0.5, 1.0] {
            for right in [Call, Put] {
                let market = Black76::new(f, f * m, t, 0.99).unwrap();
                let price = market.price(sigma, right).unwrap();
                let iv = implied_vol_black(price, f, f * m, t, 0.99, right).unwrap();
                assert!(
                    (iv - sigma).abs() <= 1e-12 * sigma,
                    "{m} {sigma} {right:?}: {iv}"
                );
            }
        }
    }
}
