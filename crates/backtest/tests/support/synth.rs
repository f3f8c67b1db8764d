//! A port of `scripts/peers/synth.py`: deterministic one-minute bars in integer cents from
//! splitmix64, written as the exact CSV bytes the Python writes (the algorithm and format are
//! normative at the top of synth.py). The golden fills of `synth_*` were produced from that
//! CSV, so the port is proven by the sha256 of its text, not by reading the bars back.

use std::fmt::Write as _;

use domain::UnixNanos;

const START_CENTS: i64 = 10_000;
const START_SECS: i64 = 1_704_205_800; // 2024-01-02T14:30:00Z, 09:30 New York
const MINUTE_NS: i64 = 60_000_000_000;

/// splitmix64 (Steele, Lea, Flood 2014), the generator synth.py specifies.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// One generated bar; prices in integer cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CentBar {
    pub ts: UnixNanos,
    pub open: i64,
    pub high: i64,
    pub low: i64,
    pub close: i64,
    pub volume: i64,
}

/// The first `n` bars for `seed`, drawing five numbers per bar in synth.py's order.
pub fn bars(n: usize, seed: u64) -> impl Iterator<Item = CentBar> {
    let mut rng = SplitMix64::new(seed);
    let mut prev_close = START_CENTS;
    let start = UnixNanos::from_secs(START_SECS);
    (0..n).map(move |i| {
        // The remainders are below 900, so the casts are exact.
        let g = (rng.next_u64() % 3) as i64;
        let m = (rng.next_u64() % 7) as i64;
        let h = (rng.next_u64() % 3) as i64;
        let l = (rng.next_u64() % 3) as i64;
        let v = (rng.next_u64() % 900) as i64;
        let open = (prev_close + g - 1).max(1);
        let close = (open + m - 3).max(1);
        prev_close = close;
        CentBar {
            ts: start.plus(i as i64 * MINUTE_NS),
            open,
            high: open.max(close) + h,
            low: (open.min(close) - l).max(1),
            close,
            volume: 100 + v,
        }
    })
}

/// The CSV text of `synth.py N --seed SEED`, byte for byte.
pub fn csv(n: usize, seed: u64) -> String {
    // About 52 bytes a line; one allocation for the 1M case.
    let mut out = String::with_capacity(40 + n * 56);
    out.push_str("timestamp,open,high,low,close,volume\n");
    for b in bars(n, seed) {
        // `to_rfc3339` drops fractions when there are none, matching strftime's `%SZ` here:
        // every stamp is a whole minute.
        let _ = writeln!(
            out,
            "{},{},{},{},{},{}",
            b.ts.to_rfc3339(),
            Cents(b.open),
            Cents(b.high),
            Cents(b.low),
            Cents(b.close),
            b.volume
        );
    }
    out
}

/// synth.py's `cents`: dollars with exactly two decimals (prices are never below one cent).
struct Cents(i64);

impl std::fmt::Display for Cents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}
