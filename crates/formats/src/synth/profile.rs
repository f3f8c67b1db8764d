//! What a symbol looks like: start price, annual volatility and shares traded per day.
//! Known tickers get values near their 2023–24 levels; others are hashed into plausible ranges,
//! so `ZZZ` always looks the same.

use super::rng::fnv1a;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    /// First open, in dollars.
    pub price: f64,
    /// Annualised volatility of log returns.
    pub vol: f64,
    /// Shares traded on an ordinary day.
    pub volume: f64,
    /// Typical shares per trade (sets `trade_count`).
    pub trade_size: f64,
    /// Relative amount of news and chatter (1 = an ordinary large cap).
    pub buzz: f64,
}

const KNOWN: [(&str, f64, f64, f64, f64); 18] = [
    // symbol, price, vol, volume, buzz
    ("SPY", 450.0, 0.15, 80e6, 2.0),
    ("QQQ", 380.0, 0.20, 45e6, 1.5),
    ("IWM", 190.0, 0.22, 30e6, 0.8),
    ("DIA", 350.0, 0.15, 4e6, 0.6),
    ("AAPL", 190.0, 0.25, 55e6, 2.0),
    ("MSFT", 370.0, 0.24, 25e6, 1.6),
    ("NVDA", 480.0, 0.50, 45e6, 2.0),
    ("TSLA", 250.0, 0.55, 110e6, 2.5),
    ("AMZN", 150.0, 0.30, 45e6, 1.6),
    ("GOOG", 140.0, 0.28, 25e6, 1.3),
    ("GOOGL", 140.0, 0.28, 30e6, 1.3),
    ("META", 330.0, 0.35, 18e6, 1.5),
    ("AMD", 120.0, 0.50, 55e6, 1.4),
    ("NFLX", 480.0, 0.38, 5e6, 1.1),
    ("JPM", 160.0, 0.22, 10e6, 1.0),
    ("GME", 20.0, 0.90, 5e6, 2.5),
    ("DBB", 18.0, 0.20, 0.05e6, 0.2),
    ("BTC-USD", 40_000.0, 0.60, 30e3, 2.0),
];

pub fn profile(symbol: &str) -> Profile {
    if let Some(&(_, price, vol, volume, buzz)) = KNOWN.iter().find(|k| k.0 == symbol) {
        return Profile {
            price,
            vol,
            volume,
            trade_size: if price > 1000.0 { 0.2 } else { 120.0 },
            buzz,
        };
    }
    // Unknown symbols: independent fractions of one stable hash.
    let h = fnv1a(symbol.as_bytes());
    let frac = |shift: u32| ((h >> shift) & 0xffff) as f64 / 65_536.0;
    Profile {
        price: 10.0 * 40f64.powf(frac(0)),    // 10..400, log-uniform
        vol: 0.2 + 0.4 * frac(16),            // 20%..60%
        volume: 0.5e6 * 40f64.powf(frac(32)), // 0.5M..20M shares
        trade_size: 80.0 + 80.0 * frac(48),
        buzz: 0.5 + frac(40),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_hashed() {
        assert_eq!(profile("SPY").price, 450.0);
        assert_eq!(profile("TSLA").price, 250.0);
        let z = profile("ZZZQ");
        assert_eq!(z, profile("ZZZQ"));
        assert!((10.0..400.0).contains(&z.price));
        assert!((0.2..0.6).contains(&z.vol));
        assert_ne!(profile("ZZZQ").price, profile("ZZZR").price);
    }
}
