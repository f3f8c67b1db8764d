//! Option pricing speed: European implied volatilities per second (Let's Be Rational), BSM
//! greeks per second, and a chain (IV + all greeks) in milliseconds, medians over repeats.
//! The Python baseline is `scripts/bench/options_py_vollib.py` (py_vollib on the same kind of
//! inputs).
//!
//! `cargo run --release -p bench --example bench_options -- --count 1000000 --chain 5000`

use std::hint::black_box;
use std::time::Instant;

use clap::Parser;
use options::OptionRight;
use options::OptionStyle;
use options::bsm::Bsm;
use options::chain::{Contract, Priced, Underlying, price_chain};
use options::iv::implied_vol_black;

#[derive(Parser)]
struct Args {
    /// European options in the IV and greeks runs.
    #[arg(long, default_value_t = 1_000_000)]
    count: usize,
    /// Contracts in the chain run.
    #[arg(long, default_value_t = 5_000)]
    chain: usize,
    /// American contracts in the American chain run.
    #[arg(long, default_value_t = 500)]
    american: usize,
    /// Repeats of each run; the median is reported.
    #[arg(long, default_value_t = 5)]
    repeats: usize,
    /// Seed of the generated inputs.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// SplitMix64: seeded, dependency-free uniform numbers for the inputs.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        lo + (hi - lo) * ((z >> 11) as f64 / (1u64 << 53) as f64)
    }
}

/// One generated European option with its Black-76 price.
struct Case {
    forward: f64,
    strike: f64,
    years: f64,
    df: f64,
    right: OptionRight,
    price: f64,
    sigma: f64,
}

fn cases(n: usize, rng: &mut Rng) -> Vec<Case> {
    (0..n)
        .map(|_| {
            let forward = 100.0;
            let strike = forward * rng.uniform(0.7f64.ln(), 1.4f64.ln()).exp();
            let years = rng.uniform(7.0 / 365.0, 2.0);
            let sigma = rng.uniform(0.05, 1.0);
            let right = if rng.uniform(0.0, 1.0) < 0.5 {
                OptionRight::Call
            } else {
                OptionRight::Put
            };
            let df = (-0.03 * years).exp();
            let price = options::black76::black76(forward, strike, years, df, sigma, right)
                .map(|g| g.price)
                .unwrap_or(0.0);
            Case {
                forward,
                strike,
                years,
                df,
                right,
                price,
                sigma,
            }
        })
        .collect()
}

/// Median seconds of `repeats` runs of `f`.
fn median_secs(repeats: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..repeats.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let args = Args::parse();
    let mut rng = Rng(args.seed);
    let all = cases(args.count, &mut rng);

    // σ comes back to 1e-8 unless the price has lost it (deep in the money at low σ√T, where
    // the time value is below the price's last bits).
    let (mut failed, mut off) = (0usize, 0usize);
    for c in &all {
        match implied_vol_black(c.price, c.forward, c.strike, c.years, c.df, c.right) {
            Ok(iv) if (iv - c.sigma).abs() > 1e-8 * c.sigma => off += 1,
            Ok(_) => {}
            Err(_) => failed += 1,
        }
    }
    let iv_secs = median_secs(args.repeats, || {
        for c in &all {
            black_box(implied_vol_black(
                black_box(c.price),
                c.forward,
                c.strike,
                c.years,
                c.df,
                c.right,
            ))
            .ok();
        }
    });
    let markets: Vec<Bsm> = all
        .iter()
        .map(|c| Bsm::new(100.0, c.strike, c.years, 0.03, 0.0).expect("valid generated input"))
        .collect();
    let greek_secs = median_secs(args.repeats, || {
        for (m, c) in markets.iter().zip(&all) {
            black_box(m.greeks(black_box(c.sigma), c.right)).ok();
        }
    });

    let underlying = Underlying {
        spot: 100.0,
        rate: 0.03,
        dividend_yield: 0.01,
    };
    let chain = |n: usize, style: OptionStyle, rng: &mut Rng| -> Vec<Contract> {
        (0..n)
            .map(|_| {
                let strike = 100.0 * rng.uniform(0.7, 1.4);
                let years = rng.uniform(7.0 / 365.0, 2.0);
                let sigma = rng.uniform(0.1, 0.8);
                let right = if rng.uniform(0.0, 1.0) < 0.5 {
                    OptionRight::Call
                } else {
                    OptionRight::Put
                };
                let m = Bsm::new(100.0, strike, years, 0.03, 0.01).expect("valid generated input");
                let price = match style {
                    OptionStyle::European => m.price(sigma, right),
                    OptionStyle::American => options::american::american_price(&m, sigma, right),
                }
                .unwrap_or(0.0);
                Contract {
                    strike,
                    years,
                    right,
                    style,
                    price,
                }
            })
            .collect()
    };
    let european = chain(args.chain, OptionStyle::European, &mut rng);
    let american = chain(args.american, OptionStyle::American, &mut rng);
    let mut out: Vec<Priced> = Vec::with_capacity(args.chain.max(args.american));
    let chain_secs = median_secs(args.repeats * 3, || {
        price_chain(&underlying, black_box(&european), &mut out);
        black_box(&out);
    });
    let chain_ok = out.iter().filter(|p| p.iv.is_some()).count();
    let american_secs = median_secs(args.repeats, || {
        price_chain(&underlying, black_box(&american), &mut out);
        black_box(&out);
    });
    let american_ok = out.iter().filter(|p| p.iv.is_some()).count();

    let (scan_secs, checks, found) = scan_run(args.chain, args.repeats);

    println!(
        "options bench (one thread, medians of {} repeats, seed {})",
        args.repeats, args.seed
    );
    println!("{:<44} {:>14} {:>16}", "run", "median", "rate");
    println!(
        "{:<44} {:>11.1} ms {:>12.2} M/s",
        format!("European IV (LBR), {} options", args.count),
        iv_secs * 1e3,
        args.count as f64 / iv_secs / 1e6
    );
    println!(
        "{:<44} {:>11.1} ms {:>12.2} M/s",
        format!("BSM price + 5 greeks, {} options", args.count),
        greek_secs * 1e3,
        args.count as f64 / greek_secs / 1e6
    );
    println!(
        "{:<44} {:>11.3} ms {:>12.2} M/s",
        format!("European chain (IV + greeks), {} contracts", args.chain),
        chain_secs * 1e3,
        args.chain as f64 / chain_secs / 1e6
    );
    println!(
        "{:<44} {:>11.1} ms {:>12.0} /s",
        format!(
            "American chain (IV + FD greeks), {} contracts",
            args.american
        ),
        american_secs * 1e3,
        args.american as f64 / american_secs
    );
    println!(
        "{:<44} {:>11.1} ms {:>12.2} M/s",
        format!(
            "arbitrage scan, {} contracts ({checks} checks, {found} found)",
            args.chain
        ),
        scan_secs * 1e3,
        checks as f64 / scan_secs / 1e6
    );
    println!(
        "IV check: {failed} of {} unsolved, {off} off by more than 1e-8 relative (price below \
         its last bits); chains solved {chain_ok}/{} and {american_ok}/{}",
        args.count, args.chain, args.american
    );
}

/// The scanner over a chain of `n` European contracts (10 expiries, n/20 strikes each, calls
/// and puts priced by BSM at 20 %, a 10-cent spread, 10 a side): the book built (forwards
/// fitted) and every check priced. Priced without dividends, the chain is fair: nothing found. Returns the median seconds, the checks and the findings.
fn scan_run(n: usize, repeats: usize) -> (f64, usize, usize) {
    use domain::{OptionContract, OptionQuote, Price, Quantity, Symbol, UnixNanos};
    use options::scan::{Book, ScanConfig, book, scan};
    let spy = Symbol::new("SPY").unwrap();
    let at = UnixNanos::parse_rfc3339("2024-03-21T15:00:00Z").unwrap();
    let strikes = (n / 20).max(3);
    let mut quotes = Vec::with_capacity(n);
    let price = |x: f64| Price::from_raw((x.max(0.01) * 1e9).round() as i64);
    for e in 0..10u32 {
        let expiry = chrono::NaiveDate::from_ymd_opt(2024, 4, 19).unwrap()
            + chrono::Days::new(u64::from(e) * 28);
        let years = options::expiry::years_to_expiry(at, expiry).unwrap();
        let market = Bsm::new(500.0, 100.0, years, 0.04, 0.0).unwrap();
        for k in 0..strikes {
            let strike = 500.0 * (0.7 + 0.6 * k as f64 / strikes as f64);
            let strike = (strike * 2.0).round() / 2.0;
            let m = Bsm::new(500.0, strike, years, market.rate(), market.dividend_yield()).unwrap();
            for right in [OptionRight::Call, OptionRight::Put] {
                let mid = m.price(0.2, right).unwrap();
                let c = OptionContract::new(
                    spy.clone(),
                    expiry,
                    right,
                    price(strike),
                    OptionStyle::European,
                    100,
                )
                .unwrap();
                let mut q = OptionQuote::empty(c, at);
                q.bid = Some(price(mid - 0.05));
                q.ask = Some(price(mid + 0.05));
                q.bid_size = Some(Quantity::from_int(10));
                q.ask_size = Some(Quantity::from_int(10));
                quotes.push(q);
            }
        }
    }
    let stock = book::tradable(
        &spy,
        Some(Price::lit("499.99")),
        Some(Price::lit("500.01")),
        (
            Some(Quantity::from_int(1000)),
            Some(Quantity::from_int(1000)),
        ),
        at,
    )
    .ok();
    let config = ScanConfig::default();
    let (mut checks, mut found) = (0, 0);
    let secs = median_secs(repeats, || {
        let b = Book::new(&spy, at, black_box(&quotes), stock.clone(), 0.04, 0.0);
        let r = scan(&b, &config);
        checks = r.checked;
        found = r.findings.len();
        black_box(&r);
    });
    (secs, checks, found)
}
