//! The data fingerprint of a run: XXH3-128 over every bar (time, OHLC, volume) of each stream
//! in order, then over the sentiment records and the streams' digests. It detects changed
//! data; it is not a cryptographic seal. The digest depends only on the bytes, not on how they
//! are split, so bars hashed one by one as a store streams them and bars lent from memory hashed
//! in large blocks give the same fingerprint.

use std::cell::RefCell;
use std::rc::Rc;

use domain::Bar;
use store::StoreError;
use xxhash_rust::xxh3::Xxh3;

/// Bars per block when hashing bars in memory: large updates skip XXH3's internal buffer.
const BLOCK: usize = 1024;

/// A stream's share of the fingerprint: hashed up front (lent bars) or on the way (streamed).
pub(super) enum StreamHash {
    Done(u128),
    Streaming(Rc<RefCell<Xxh3>>),
}

impl StreamHash {
    pub(super) fn digest(self) -> u128 {
        match self {
            Self::Done(d) => d,
            Self::Streaming(h) => Rc::try_unwrap(h)
                .map(|c| c.into_inner())
                .unwrap_or_default()
                .digest128(),
        }
    }
}

/// The bytes of a bar the fingerprint covers: time, OHLC and volume, little-endian, in one
/// update (the digest depends only on the bytes, not on how they are split).
#[inline]
pub(super) fn bar_bytes(b: &Bar) -> [u8; 48] {
    let mut out = [0u8; 48];
    let words = [
        b.ts.as_i64(),
        b.open.raw(),
        b.high.raw(),
        b.low.raw(),
        b.close.raw(),
        b.volume.raw(),
    ];
    for (chunk, w) in out.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    out
}

/// The digest of bars in memory, hashed in blocks.
pub fn digest(bars: &[Bar]) -> u128 {
    let mut h = Xxh3::new();
    let mut buf = Vec::with_capacity(48 * BLOCK.min(bars.len()));
    for block in bars.chunks(BLOCK) {
        buf.clear();
        for b in block {
            buf.extend_from_slice(&bar_bytes(b));
        }
        h.update(&buf);
    }
    h.digest128()
}

/// Feeds every bar through an XXH3-128 per stream, so the fingerprint costs no second pass (and
/// a few nanoseconds a bar; it detects changed data, it is not a cryptographic seal).
pub(super) fn hashed<'a, I>(
    it: I,
    h: Rc<RefCell<Xxh3>>,
) -> impl Iterator<Item = Result<Bar, StoreError>> + 'a
where
    I: Iterator<Item = Result<Bar, StoreError>> + 'a,
{
    it.inspect(move |b| {
        if let Ok(b) = b {
            h.borrow_mut().update(&bar_bytes(b));
        }
    })
}
