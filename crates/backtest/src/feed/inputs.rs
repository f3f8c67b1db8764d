//! What a run reads: [`Inputs`], one bar source per (symbol, timeframe) plus sentiment and tick
//! features, and how bars in memory are read ahead of use ([`prefetch_ahead`]).

use domain::{Bar, SentimentRecord, Symbol, Timeframe};
use indicators::features::TickTimeline;

/// One symbol's bars in time order, as the store streams them.
pub type BarIter<'a, E> = Box<dyn Iterator<Item = Result<Bar, E>> + 'a>;

/// Everything a run reads, keyed by symbol. Build it, then pass it to [`crate::Engine::run`].
pub struct Inputs<'a, E> {
    pub(super) bars: Vec<(Symbol, Timeframe, Source<'a, E>)>,
    pub(super) sentiment: Vec<SentimentRecord>,
    pub(crate) ticks: Vec<(Symbol, TickTimeline)>,
}

/// Where a stream's bars come from. Bars already in memory are read without a virtual call.
pub(super) enum Source<'a, E> {
    Vec(std::vec::IntoIter<Bar>),
    Slice(std::slice::Iter<'a, Bar>),
    Iter(BarIter<'a, E>),
}

impl<E> Source<'_, E> {
    #[inline]
    pub(super) fn next(&mut self) -> Option<Result<Bar, E>> {
        match self {
            Self::Vec(it) => {
                prefetch_ahead(it.as_slice());
                it.next().map(Ok)
            }
            Self::Slice(it) => {
                prefetch_ahead(it.as_slice());
                it.next().copied().map(Ok)
            }
            Self::Iter(it) => it.next(),
        }
    }

    pub(super) fn size_hint(&self) -> usize {
        match self {
            Self::Vec(it) => it.len(),
            Self::Slice(it) => it.len(),
            Self::Iter(it) => it.size_hint().0,
        }
    }
}

impl<E> Default for Inputs<'_, E> {
    fn default() -> Self {
        Self {
            bars: Vec::new(),
            sentiment: Vec::new(),
            ticks: Vec::new(),
        }
    }
}

impl<'a, E> Inputs<'a, E> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bars of `symbol` in `timeframe`: the run's timeframe drives the strategy; a strictly finer
    /// one supplies intrabar detail for `intrabar: finer_bars`.
    pub fn bars(
        &mut self,
        symbol: Symbol,
        timeframe: Timeframe,
        iter: impl Iterator<Item = Result<Bar, E>> + 'a,
    ) -> &mut Self {
        self.bars
            .push((symbol, timeframe, Source::Iter(Box::new(iter))));
        self
    }

    /// In-memory bars, lent, beside streams whose error type is `E` (see
    /// [`Inputs::bar_slice`]).
    pub fn lend_bars(
        &mut self,
        symbol: Symbol,
        timeframe: Timeframe,
        bars: &'a [Bar],
    ) -> &mut Self {
        self.bars
            .push((symbol, timeframe, Source::Slice(bars.iter())));
        self
    }

    /// Sentiment records in any order; the feed sorts them by time (stable for equal times).
    pub fn sentiment(&mut self, records: impl IntoIterator<Item = SentimentRecord>) -> &mut Self {
        self.sentiment.extend(records);
        self
    }

    /// `symbol`'s tick features (`cvd`, `obi`) as of any instant, built from its stored ticks;
    /// each bar reads them at its close. A symbol without a timeline has no tick values, and a
    /// run whose agent lists no tick feature ignores them.
    pub fn tick_features(&mut self, symbol: Symbol, timeline: TickTimeline) -> &mut Self {
        self.ticks.push((symbol, timeline));
        self
    }
}

impl<'a> Inputs<'a, std::convert::Infallible> {
    /// In-memory bars (tests, examples, files already read).
    pub fn bar_vec(&mut self, symbol: Symbol, timeframe: Timeframe, bars: Vec<Bar>) -> &mut Self {
        self.bars
            .push((symbol, timeframe, Source::Vec(bars.into_iter())));
        self
    }

    /// In-memory bars, lent: nothing is copied, and several runs can share one load.
    pub fn bar_slice(
        &mut self,
        symbol: Symbol,
        timeframe: Timeframe,
        bars: &'a [Bar],
    ) -> &mut Self {
        self.lend_bars(symbol, timeframe, bars)
    }
}

/// How far ahead bars in memory are asked for: far enough to cover a memory access (~100 ns)
/// at the engine's pace, near enough to stay in L1.
pub(super) const PREFETCH_AHEAD: usize = 24;

/// Prefetches the bar [`PREFETCH_AHEAD`] places into `rest`, if there is one.
#[inline(always)]
pub(super) fn prefetch_ahead(rest: &[Bar]) {
    if let Some(ahead) = rest.get(PREFETCH_AHEAD) {
        prefetch(ahead);
    }
}

/// Starts loading the cache line that holds `bar`'s start (the next bar's prefetch covers the
/// line its end may spill into).
#[inline(always)]
fn prefetch(bar: &Bar) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `_mm_prefetch` is only a hint: it reads nothing into the program, cannot fault on
    // any address, and SSE is part of the x86_64 baseline. The pointer comes from a reference.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(bar).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = bar;
}
