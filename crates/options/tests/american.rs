//! Bjerksund-Stensland 2002 against a 10,000-step Cox-Ross-Rubinstein tree written here.
//!
//! Grid: spot 80/100/120 on strike 100, 1 week / 6 months / 2 years, σ 15% and 50%,
//! (r, q) = (5%, 0), (8%, 6%), (2%, 4%), calls and puts: 108 points. Observed (run with
//! `--nocapture` to see the table): the largest absolute difference is 0.182 (S=120, T=2,
//! σ=50%, r=2%, q=4%, call: BS2002 37.6303 vs tree 37.8122); the largest difference relative
//! to max(tree, 1) is 2.2% (S=120, T=2, σ=15%, r=5%, put: 1.0616 vs 1.0854). BS2002 is a lower
//! bound and is weakest for long expiries. Under 6 months the differences are below 0.05.

use options::OptionRight::{self, Call, Put};
use options::american::{american_greeks, american_price};
use options::bsm::Bsm;
use options::inputs::intrinsic;

/// Largest |BS2002 − CRR(10,000)| allowed on the grid, strike 100.
const TREE_ABS_TOLERANCE: f64 = 0.25;
/// Largest |BS2002 − CRR(10,000)| / max(CRR, 1) allowed on the grid.
const TREE_REL_TOLERANCE: f64 = 0.03;

/// American price by a Cox-Ross-Rubinstein binomial tree with `steps` steps.
///
/// Node `i` of level `n` has spot `S·u^(2i−n)`, read from one precomputed ladder of spots.
#[allow(clippy::too_many_arguments)] // the model's own parameter list, plus the step count
fn crr(s: f64, k: f64, t: f64, r: f64, q: f64, v: f64, right: OptionRight, steps: usize) -> f64 {
    let dt = t / steps as f64;
    let u = (v * dt.sqrt()).exp();
    let d = 1.0 / u;
    let p = (((r - q) * dt).exp() - d) / (u - d);
    let disc = (-r * dt).exp();
    let (up, down) = (disc * p, disc * (1.0 - p));
    // ladder[j] = S·u^(j − steps), j = 0..=2·steps
    let mut ladder = vec![0.0; 2 * steps + 1];
    ladder[steps] = s;
    for j in 1..=steps {
        ladder[steps + j] = ladder[steps + j - 1] * u;
        ladder[steps - j] = ladder[steps - j + 1] * d;
    }
    let mut values: Vec<f64> = (0..=steps)
        .map(|i| intrinsic(ladder[2 * i], k, right))
        .collect();
    for n in (0..steps).rev() {
        let base = steps - n;
        for i in 0..=n {
            let cont = up * values[i + 1] + down * values[i];
            values[i] = cont.max(intrinsic(ladder[base + 2 * i], k, right));
        }
    }
    values[0]
}

fn bs2002(s: f64, k: f64, t: f64, r: f64, q: f64, v: f64, right: OptionRight) -> f64 {
    american_price(&Bsm::new(s, k, t, r, q).unwrap(), v, right).unwrap()
}

/// One grid point of the tree comparison.
struct Point {
    s: f64,
    t: f64,
    v: f64,
    r: f64,
    q: f64,
    right: OptionRight,
}

/// Spot/strike 0.8..1.2, 1 week to 2 years, σ 15%..50%, rates and yields up to 8%.
fn grid() -> Vec<Point> {
    let mut out = Vec::new();
    for s in [80.0, 100.0, 120.0] {
        for t in [7.0 / 365.0, 0.5, 2.0] {
            for v in [0.15, 0.5] {
                for (r, q) in [(0.05, 0.0), (0.08, 0.06), (0.02, 0.04)] {
                    for right in [Call, Put] {
                        out.push(Point {
                            s,
                            t,
                            v,
                            r,
                            q,
                            right,
                        });
                    }
                }
            }
        }
    }
    out
}

#[test]
fn bs2002_is_close_to_a_binomial_tree() {
    let steps: usize = std::env::var("OPTIONS_TREE_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let mut rows: Vec<(f64, f64, String)> = grid()
        .iter()
        .map(|p| {
            let a = bs2002(p.s, 100.0, p.t, p.r, p.q, p.v, p.right);
            let tree = crr(p.s, 100.0, p.t, p.r, p.q, p.v, p.right, steps);
            let label = format!(
                "S={} T={:.4} σ={} r={} q={} {:?}: bs2002 {a:.6} tree {tree:.6}",
                p.s, p.t, p.v, p.r, p.q, p.right
            );
            ((a - tree).abs(), (a - tree).abs() / tree.max(1.0), label)
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!(
        "{} points against CRR({steps}); largest differences:",
        rows.len()
    );
    for (abs, rel, label) in rows.iter().take(8) {
        println!("  abs {abs:.6} rel {rel:.2e}  {label}");
    }
    let worst_abs = rows[0].0;
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!("largest relative differences:");
    for (abs, rel, label) in rows.iter().take(4) {
        println!("  abs {abs:.6} rel {rel:.2e}  {label}");
    }
    let worst_rel = rows[0].1;
    assert!(worst_abs < TREE_ABS_TOLERANCE, "absolute {worst_abs}");
    assert!(worst_rel < TREE_REL_TOLERANCE, "relative {worst_rel:e}");
}

#[test]
fn never_below_european_nor_intrinsic() {
    for s in [30.0, 80.0, 100.0, 120.0, 300.0] {
        for t in [1.0 / 365.0 / 24.0, 1.0 / 365.0, 0.5, 3.0] {
            for v in [0.01, 0.2, 1.0, 3.0] {
                for (r, q) in [(0.0, 0.0), (0.05, 0.02), (-0.01, 0.03), (0.1, 0.0)] {
                    for right in [Call, Put] {
                        let m = Bsm::new(s, 100.0, t, r, q).unwrap();
                        let a = american_price(&m, v, right).unwrap();
                        let e = m.price(v, right).unwrap();
                        assert!(a.is_finite(), "S={s} T={t} σ={v} r={r} q={q} {right:?}");
                        assert!(a >= e, "{a} < european {e}");
                        assert!(a >= intrinsic(s, 100.0, right));
                    }
                }
            }
        }
    }
}

#[test]
fn call_without_dividend_equals_european() {
    for s in [80.0, 100.0, 125.0] {
        for t in [0.1, 1.0] {
            let m = Bsm::new(s, 100.0, t, 0.05, 0.0).unwrap();
            let a = american_price(&m, 0.3, Call).unwrap();
            assert_eq!(a, m.price(0.3, Call).unwrap());
        }
    }
}

#[test]
fn put_with_nonpositive_rate_equals_european() {
    let m = Bsm::new(95.0, 100.0, 1.0, 0.0, 0.02).unwrap();
    assert_eq!(
        american_price(&m, 0.25, Put).unwrap(),
        m.price(0.25, Put).unwrap()
    );
}

#[test]
fn greeks_agree_with_the_european_when_there_is_no_early_exercise() {
    let m = Bsm::new(100.0, 105.0, 0.5, 0.03, 0.0).unwrap();
    let a = american_greeks(&m, 0.25, Call).unwrap();
    let e = m.greeks(0.25, Call).unwrap();
    assert!((a.delta - e.delta).abs() < 1e-6);
    assert!((a.gamma - e.gamma).abs() < 1e-4);
    assert!((a.vega - e.vega).abs() < 1e-7);
    assert!((a.theta - e.theta).abs() < 1e-7);
    assert!((a.rho - e.rho).abs() < 1e-7);
}
