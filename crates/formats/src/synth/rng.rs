//! Seeded randomness for the generators.
//!
//! Each stream is ChaCha8 keyed by (seed, symbol, purpose, extra), with the symbol hashed by
//! FNV-1a (stable across runs and Rust versions, unlike std's `RandomState`). Uniforms and
//! normals are derived from raw `u64`s here rather than through `rand`'s distributions, whose
//! algorithms may change between versions: the same seed must give the same bytes forever.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// FNV-1a, 64 bit.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

pub struct Stream {
    rng: ChaCha8Rng,
    spare: Option<f64>,
}

impl Stream {
    pub fn new(seed: u64, symbol: &str, purpose: &str, extra: u64) -> Self {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&fnv1a(symbol.as_bytes()).to_le_bytes());
        key[16..24].copy_from_slice(&fnv1a(purpose.as_bytes()).to_le_bytes());
        key[24..].copy_from_slice(&extra.to_le_bytes());
        Self {
            rng: ChaCha8Rng::from_seed(key),
            spare: None,
        }
    }

    /// Uniform in [0, 1) with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Uniform integer in 0..n (n > 0); the modulo bias is below 2^-40 for the small n used here.
    pub fn below(&mut self, n: u64) -> u64 {
        self.rng.next_u64() % n
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Standard normal (Marsaglia's polar method; the second value is kept for the next call).
    #[inline]
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let k = (-2.0 * s.ln() / s).sqrt();
                self.spare = Some(v * k);
                return u * k;
            }
        }
    }

    /// Poisson-distributed count with mean `lambda` (Knuth; lambda is small here).
    pub fn poisson(&mut self, lambda: f64) -> u32 {
        let limit = (-lambda).exp();
        let mut k = 0;
        let mut p = self.uniform();
        while p > limit {
            k += 1;
            p *= self.uniform();
        }
        k
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_stable_and_independent() {
        let a: Vec<u64> = (0..4)
            .map(|_| Stream::new(7, "SPY", "day", 0).rng.next_u64())
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut s = Stream::new(7, "SPY", "day", 0);
        let mut t = Stream::new(7, "QQQ", "day", 0);
        assert_ne!(s.rng.next_u64(), t.rng.next_u64());
        assert_eq!(fnv1a(b"SPY"), 0x97fc_9619_fa5d_47fd);
    }

    #[test]
    fn normal_has_unit_variance() {
        let mut s = Stream::new(1, "X", "test", 0);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| s.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");
        let p = (0..n).map(|_| f64::from(s.poisson(4.0))).sum::<f64>() / n as f64;
        assert!((p - 4.0).abs() < 0.05, "{p}");
    }
}
