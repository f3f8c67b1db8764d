//! The route without a merge: a run over one bar stream and no sentiment reads that stream in
//! order, with the checks the merge makes, and lends bars in memory instead of copying them.

use domain::{Bar, Symbol, UnixNanos};

use super::inputs::{Source, prefetch_ahead};
use super::{Feed, Stream};
use crate::bartime::{BarWindow, WindowRule};
use crate::error::{EngineError, SourceError};
use crate::event::SymbolId;

/// How a run reads its feed ([`Feed::route`]).
pub enum Route<'a, E> {
    /// One symbol's bars and nothing else: read in order, no heap.
    Single(SymbolId, Single<'a, E>),
    /// Everything else: the heap merge, one [`super::Timed`] event at a time.
    Merge(Feed<'a, E>),
}

/// The one stream of a run that needs no merge.
pub struct Single<'a, E> {
    pub(super) symbols: Vec<Symbol>,
    pub(super) stream: Stream<'a, E>,
}

impl<E: Into<SourceError>> Single<'_, E> {
    /// Calls `f` with each bar and its window, in order, with the checks [`Feed`] makes; stops at
    /// the first error. Bars in memory are lent, not copied.
    #[inline]
    pub fn try_for_each(
        self,
        mut f: impl FnMut(&Bar, BarWindow) -> Result<(), EngineError>,
    ) -> Result<(), EngineError> {
        let Self {
            symbols,
            mut stream,
        } = self;
        let (rule, id) = (stream.rule, stream.symbol);
        let name = || symbols[id.index()].to_string();
        let disorder = |previous, next| EngineError::OutOfOrder {
            symbol: name(),
            timeframe: rule.timeframe(),
            previous,
            next,
        };
        if let Some((bar, window)) = stream.head.take() {
            f(&bar, window)?;
        }
        let mut last = stream.last_ts.expect("the head was read");
        match stream.iter {
            Source::Vec(it) => in_memory(it.as_slice(), rule, last, disorder, f),
            Source::Slice(it) => in_memory(it.as_slice(), rule, last, disorder, f),
            Source::Iter(it) => {
                for item in it {
                    let bar = item.map_err(|e| EngineError::Data {
                        symbol: name(),
                        timeframe: rule.timeframe(),
                        source: e.into(),
                    })?;
                    if bar.ts <= last {
                        return Err(disorder(last, bar.ts));
                    }
                    last = bar.ts;
                    f(&bar, rule.window(bar.ts))?;
                }
                Ok(())
            }
        }
    }
}

/// [`Single::try_for_each`] over bars in memory, after a head stamped `last`. A million bars
/// are 80 MB, far more than the caches, and the engine does enough work per bar that the hardware
/// prefetcher alone leaves it waiting on memory: asking for the bar a few places on
/// cuts about a third of the time per bar ([`super::inputs::PREFETCH_AHEAD`]).
#[inline]
fn in_memory(
    bars: &[Bar],
    rule: WindowRule,
    mut last: UnixNanos,
    disorder: impl FnOnce(UnixNanos, UnixNanos) -> EngineError,
    mut f: impl FnMut(&Bar, BarWindow) -> Result<(), EngineError>,
) -> Result<(), EngineError> {
    for (k, bar) in bars.iter().enumerate() {
        prefetch_ahead(&bars[k..]);
        if bar.ts <= last {
            return Err(disorder(last, bar.ts));
        }
        last = bar.ts;
        f(bar, rule.window(bar.ts))?;
    }
    Ok(())
}
