//! The speed baseline the engine is held to (`ztrade bench backtest`, `examples/bench_engine`):
//! one pass over a CSV of one-minute bars, parsing open and close by hand into integer units and
//! running the reference SMA(10)/SMA(30) crossover with all-cash whole-share sizing, in about
//! forty lines. No validation, no generality; not used by the engine.

/// Fills of the reference strategy: (bar index, is_buy, quantity, price in 10⁻⁹ units).
pub type HandFill = (usize, bool, i64, i64);

/// Parses `timestamp,open,high,low,close,…` lines: open and close as 10⁻⁹ units.
pub fn parse(csv: &[u8]) -> Vec<(i64, i64)> {
    let mut out = Vec::with_capacity(csv.len() / 48);
    for line in csv.split(|b| *b == b'\n').skip(1).filter(|l| !l.is_empty()) {
        let mut fields = line.split(|b| *b == b',');
        let _ts = fields.next();
        let open = fixed(fields.next().unwrap_or_default());
        let _high = fields.next();
        let _low = fields.next();
        let close = fixed(fields.next().unwrap_or_default());
        out.push((open, close));
    }
    out
}

fn fixed(text: &[u8]) -> i64 {
    let (mut v, mut scale, mut frac) = (0i64, 0u32, false);
    for &c in text {
        if c == b'.' {
            frac = true;
        } else {
            v = v * 10 + i64::from(c - b'0');
            scale += u32::from(frac);
        }
    }
    v * 10i64.pow(9 - scale)
}

/// The reference strategy over (open, close) pairs; returns its fills and final equity (10⁻⁹).
pub fn run(bars: &[(i64, i64)], cash0: i64) -> (Vec<HandFill>, i128) {
    const FAST: usize = 10;
    const SLOW: usize = 30;
    let unit = 1_000_000_000i128;
    let (mut cash, mut qty) = (i128::from(cash0) * unit, 0i64);
    let (mut fast, mut slow, mut prev): (i128, i128, Option<i128>) = (0, 0, None);
    let mut pending: Option<bool> = None;
    let mut fills = Vec::new();
    for (i, &(open, close)) in bars.iter().enumerate() {
        if let Some(buy) = pending.take() {
            if buy {
                let q = (cash / i128::from(open)) as i64;
                cash -= i128::from(q) * i128::from(open);
                qty += q;
                fills.push((i, true, q, open));
            } else {
                cash += i128::from(qty) * i128::from(open);
                fills.push((i, false, qty, open));
                qty = 0;
            }
        }
        fast += i128::from(close);
        slow += i128::from(close);
        if i >= FAST {
            fast -= i128::from(bars[i - FAST].1);
        }
        if i >= SLOW {
            slow -= i128::from(bars[i - SLOW].1);
        }
        if i + 1 >= SLOW {
            let diff = fast * SLOW as i128 - slow * FAST as i128;
            if let Some(p) = prev {
                if p <= 0 && diff > 0 && qty == 0 && i + 1 < bars.len() {
                    pending = Some(true);
                } else if p >= 0 && diff < 0 && qty > 0 && i + 1 < bars.len() {
                    pending = Some(false);
                }
            }
            prev = Some(diff);
        }
    }
    let last = bars.last().map_or(0, |b| b.1);
    (fills, cash + i128::from(qty) * i128::from(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prices_into_nine_decimal_units() {
        let csv = b"timestamp,open,high,low,close,volume\nT,167.65,168,167,167.5,10\nT,1,1,1,1.000000001,1\n";
        assert_eq!(
            parse(csv),
            vec![
                (167_650_000_000, 167_500_000_000),
                (1_000_000_000, 1_000_000_001)
            ]
        );
    }

    /// 30 flat bars, then a rise: fast − slow goes from 0 to > 0 on bar 30 (the 31st), so the buy
    /// fills at bar 31's open with floor(cash / open) shares; nothing fills after the last bar.
    #[test]
    fn buys_at_the_next_open_after_the_first_cross() {
        let unit = 1_000_000_000;
        let mut bars: Vec<(i64, i64)> = vec![(100 * unit, 100 * unit); 30];
        bars.push((100 * unit, 101 * unit));
        bars.push((103 * unit, 103 * unit));
        let (fills, equity) = run(&bars, 100_000);
        assert_eq!(fills, vec![(31, true, 970, 103 * unit)]);
        assert_eq!(equity, i128::from(100_000 * unit));
    }
}
