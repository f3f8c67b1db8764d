//! Prices, greeks and implied volatilities against py_vollib (golden file written by
//! `scripts/golden/options_py_vollib.py`; see its header for the columns and the grid).
//!
//! Tolerances, each the largest error allowed on any row:
//! - price: 1e-12 relative (or 1e-13 absolute, for prices that round to nothing);
//! - greeks: 1e-9 × max(1, |py_vollib's value|);
//! - implied volatility: 1e-10 relative where py_vollib's own IV reprices its price to 1e-12;
//!   where it does not (deep in the money, where the time value is a few ulps of the price),
//!   our IV must reprice at least as well as py_vollib's.

use std::path::Path;

use options::Greeks;
use options::OptionRight;
use options::black76::Black76;
use options::bsm::Bsm;
use options::iv::{implied_vol_black, implied_vol_bsm};

const PRICE_REL: f64 = 1e-12;
const PRICE_ABS: f64 = 1e-13;
const GREEK_TOL: f64 = 1e-9;
const IV_REL: f64 = 1e-10;

struct Row {
    model: String,
    right: OptionRight,
    underlying: f64,
    strike: f64,
    years: f64,
    rate: f64,
    dividend_yield: f64,
    sigma: f64,
    want: Greeks,
    iv: Option<f64>,
}

fn rows() -> Vec<Row> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/py_vollib.csv");
    let text = std::fs::read_to_string(&path).expect("golden file");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let f = |fields: &[&str], name: &str| fields[col(name)].parse::<f64>().expect(name);
    lines
        .map(|line| {
            let x: Vec<&str> = line.split(',').collect();
            Row {
                model: x[col("model")].to_string(),
                right: OptionRight::parse(x[col("flag")]).expect("flag"),
                underlying: f(&x, "underlying"),
                strike: f(&x, "strike"),
                years: f(&x, "years"),
                rate: f(&x, "rate"),
                dividend_yield: f(&x, "dividend_yield"),
                sigma: f(&x, "sigma"),
                want: Greeks {
                    price: f(&x, "price"),
                    delta: f(&x, "delta"),
                    gamma: f(&x, "gamma"),
                    vega: f(&x, "vega"),
                    theta: f(&x, "theta"),
                    rho: f(&x, "rho"),
                },
                iv: x[col("iv")].parse().ok(),
            }
        })
        .collect()
}

/// Prices a row's option at any σ.
type Repricer = Box<dyn Fn(f64) -> f64>;

/// Our price and greeks, our IV of py_vollib's price, and a repricer at any σ.
fn ours(row: &Row) -> (Greeks, Result<f64, options::IvStatus>, Repricer) {
    let (r, q, t) = (row.rate, row.dividend_yield, row.years);
    let right = row.right;
    if row.model == "bsm" {
        let m = Bsm::new(row.underlying, row.strike, t, r, q).unwrap();
        let g = m.greeks(row.sigma, right).unwrap();
        let iv = implied_vol_bsm(row.want.price, row.underlying, row.strike, t, r, q, right);
        (g, iv, Box::new(move |s| m.price(s, right).unwrap()))
    } else {
        let m = Black76::new(row.underlying, row.strike, t, (-r * t).exp()).unwrap();
        let g = m.greeks(row.sigma, right).unwrap();
        let iv = implied_vol_black(
            row.want.price,
            row.underlying,
            row.strike,
            t,
            m.discount_factor(),
            right,
        );
        (g, iv, Box::new(move |s| m.price(s, right).unwrap()))
    }
}

#[test]
fn prices_and_greeks_match_py_vollib() {
    let rows = rows();
    assert!(rows.len() > 2000, "{} rows", rows.len());
    let mut worst = [0.0f64; 6];
    for row in &rows {
        let (g, _, _) = ours(row);
        let w = &row.want;
        let price_err = (g.price - w.price).abs();
        assert!(
            price_err <= PRICE_REL * w.price.abs() || price_err <= PRICE_ABS,
            "{} {:?} S={} K={} T={} σ={}: price {} vs {}",
            row.model,
            row.right,
            row.underlying,
            row.strike,
            row.years,
            row.sigma,
            g.price,
            w.price
        );
        worst[0] = worst[0].max(price_err / w.price.abs().max(1e-300));
        let pairs = [
            (g.delta, w.delta),
            (g.gamma, w.gamma),
            (g.vega, w.vega),
            (g.theta, w.theta),
            (g.rho, w.rho),
        ];
        for (i, (a, b)) in pairs.into_iter().enumerate() {
            let err = (a - b).abs() / b.abs().max(1.0);
            worst[i + 1] = worst[i + 1].max(err);
            assert!(
                err <= GREEK_TOL,
                "{} {:?} S={} K={} T={} σ={} r={} q={}: greek {i} {a} vs {b}",
                row.model,
                row.right,
                row.underlying,
                row.strike,
                row.years,
                row.sigma,
                row.rate,
                row.dividend_yield
            );
        }
    }
    println!(
        "largest errors: price rel {:.1e}, delta {:.1e}, gamma {:.1e}, vega {:.1e}, theta {:.1e}, rho {:.1e}",
        worst[0], worst[1], worst[2], worst[3], worst[4], worst[5]
    );
}

#[test]
fn implied_vols_match_py_vollib() {
    let (mut compared, mut ill_posed, mut worst) = (0, 0, 0.0f64);
    for row in rows() {
        let (_, iv, reprice) = ours(&row);
        let Some(theirs) = row.iv else { continue };
        let price = row.want.price;
        let theirs_back = (reprice(theirs) - price).abs();
        if theirs_back <= 1e-12 * price {
            let mine = iv.unwrap_or_else(|s| {
                panic!(
                    "{} {:?} K={} T={}: {s}",
                    row.model, row.right, row.strike, row.years
                )
            });
            let err = (mine - theirs).abs() / theirs.max(1e-300);
            // Where the price barely depends on σ (vega ~ 0 in the price's last bits), both IVs
            // are equally valid; judge by repricing.
            if err > IV_REL {
                let mine_back = (reprice(mine) - price).abs();
                assert!(
                    mine_back <= theirs_back.max(1e-12 * price),
                    "{} {:?} K={} T={} σ={}: iv {mine} vs {theirs}",
                    row.model,
                    row.right,
                    row.strike,
                    row.years,
                    row.sigma
                );
                ill_posed += 1;
            } else {
                worst = worst.max(err);
                compared += 1;
            }
        } else {
            // py_vollib's IV does not reprice its own price: ours must do at least as well.
            ill_posed += 1;
            if let Ok(mine) = iv {
                let mine_back = (reprice(mine) - price).abs();
                assert!(
                    mine_back <= theirs_back,
                    "{} {:?} K={} T={}: ours {mine_back:e} theirs {theirs_back:e}",
                    row.model,
                    row.right,
                    row.strike,
                    row.years
                );
            }
        }
    }
    println!(
        "IV: {compared} rows within {worst:.1e} relative, {ill_posed} ill-posed rows judged by repricing"
    );
    assert!(compared > 1500, "{compared}");
}
