//! The time-ordered merge of every input stream (nautilus `data_iterator` style).
//!
//! The caller hands over one bar iterator per symbol (and optionally finer bars and sentiment
//! records) as [`Inputs`]. [`Feed`] keeps the head of each stream in a binary heap keyed by
//! `(time, rank, symbol, stream)`, where a bar's time is its **close** ([`crate::bartime`]) and a
//! sentiment record's time is its stamp, so every symbol and kind replays in one strict order and
//! ties always break the same way. Streams are read lazily, one bar ahead, so a store can page
//! through years of minutes in constant memory. A run with a single bar stream and no sentiment
//! needs no merge: [`Feed::route`] hands that stream over, with the same checks, as [`Single`].
//!
//! Checks made here, each a clear error rather than a silent skip: a traded symbol without a
//! stream, a stream for or a record about a symbol the run does not trade, a stream with no bars,
//! a stream whose timestamps do not strictly increase, and bars of the wrong timeframe.
//!
//! - this file: [`Feed`], the merge.
//! - `inputs`: [`Inputs`] and where bars come from (iterators, or memory, read ahead of use).
//! - `single`: [`Route`] and [`Single`], the one-stream path.

mod inputs;
mod single;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::collections::binary_heap::PeekMut;

use domain::calendar::Calendar;
use domain::{Bar, SentimentRecord, Symbol, Timeframe, UnixNanos};

use crate::bartime::{BarWindow, WindowRule};
use crate::error::{EngineError, SourceError};
use crate::event::{Event, EventRank, SymbolId};

pub use inputs::{BarIter, Inputs};
pub use single::{Route, Single};

use inputs::Source;

/// An event with the times the engine needs: when it became known and, for a bar, when it opened.
#[derive(Debug, Clone)]
pub struct Timed {
    pub time: UnixNanos,
    pub open: UnixNanos,
    pub event: Event,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    time: i64,
    rank: EventRank,
    symbol: u32,
    stream: u32,
}

struct Stream<'a, E> {
    symbol: SymbolId,
    rank: EventRank,
    rule: WindowRule,
    iter: Source<'a, E>,
    head: Option<(Bar, BarWindow)>,
    last_ts: Option<UnixNanos>,
}

/// The merged, validated event stream of one run.
pub struct Feed<'a, E> {
    symbols: Vec<Symbol>,
    streams: Vec<Stream<'a, E>>,
    sentiment: std::vec::IntoIter<(SymbolId, SentimentRecord)>,
    next_sentiment: Option<(SymbolId, SentimentRecord)>,
    heap: BinaryHeap<Reverse<Key>>,
}

const SENTIMENT_STREAM: u32 = u32::MAX;

impl<'a, E> Feed<'a, E>
where
    E: Into<SourceError>,
{
    /// Validates the inputs against the run's symbols and timeframe and reads each stream's first
    /// bar; daily bars close at the sessions of `calendar`.
    pub fn new(
        symbols: &[Symbol],
        run: Timeframe,
        calendar: Calendar,
        inputs: Inputs<'a, E>,
    ) -> Result<Self, EngineError> {
        let known = || {
            symbols
                .iter()
                .map(Symbol::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let id_of = |s: &Symbol, what| {
            symbols
                .iter()
                .position(|x| x == s)
                .map(|i| SymbolId(i as u32))
                .ok_or_else(|| EngineError::UnknownSymbol {
                    what,
                    symbol: s.to_string(),
                    known: known(),
                })
        };
        let mut streams = Vec::with_capacity(inputs.bars.len());
        let mut has_primary = vec![false; symbols.len()];
        for (symbol, tf, iter) in inputs.bars {
            let id = id_of(&symbol, "bars")?;
            let rank = if tf == run {
                if std::mem::replace(&mut has_primary[id.index()], true) {
                    return Err(EngineError::Config(format!(
                        "two {tf} bar streams for {symbol}"
                    )));
                }
                EventRank::Bar
            } else {
                check_finer(&symbol, tf, run)?;
                EventRank::FinerBar
            };
            streams.push(Stream {
                symbol: id,
                rank,
                rule: WindowRule::new(tf, calendar),
                iter,
                head: None,
                last_ts: None,
            });
        }
        if let Some(i) = has_primary.iter().position(|h| !h) {
            return Err(EngineError::MissingData {
                symbol: symbols[i].to_string(),
                timeframe: run,
            });
        }
        let mut sentiment = Vec::with_capacity(inputs.sentiment.len());
        for rec in inputs.sentiment {
            sentiment.push((id_of(&rec.symbol, "sentiment record")?, rec));
        }
        sentiment.sort_by_key(|(id, r)| (r.ts, *id));
        let mut feed = Self {
            symbols: symbols.to_vec(),
            streams,
            sentiment: sentiment.into_iter(),
            next_sentiment: None,
            heap: BinaryHeap::new(),
        };
        for i in 0..feed.streams.len() {
            match feed.pull(i)? {
                Some(key) => feed.heap.push(Reverse(key)),
                None if feed.streams[i].rank == EventRank::Bar => {
                    let s = &feed.streams[i];
                    return Err(EngineError::NoBars {
                        symbol: feed.symbols[s.symbol.index()].to_string(),
                        timeframe: s.rule.timeframe(),
                    });
                }
                None => {}
            }
        }
        if let Some(key) = feed.pull_sentiment() {
            feed.heap.push(Reverse(key));
        }
        Ok(feed)
    }

    /// At least this many distinct bar stamps lie ahead (the longest primary stream's lower
    /// size hint), so the engine can size its equity curve once.
    pub fn bar_stamps_hint(&self) -> usize {
        self.streams
            .iter()
            .filter(|s| s.rank == EventRank::Bar)
            .map(|s| s.iter.size_hint() + usize::from(s.head.is_some()))
            .max()
            .unwrap_or(0)
    }

    /// At least this many bars lie ahead over every primary stream (their lower size hints), so
    /// the journal can project its size ([`crate::journal::recorder::Recorder::expect_bars`]).
    pub fn bars_hint(&self) -> usize {
        self.streams
            .iter()
            .filter(|s| s.rank == EventRank::Bar)
            .map(|s| s.iter.size_hint() + usize::from(s.head.is_some()))
            .fold(0, usize::saturating_add)
    }

    /// Reads stream `i`'s next bar into its head and returns its heap key.
    fn pull(&mut self, i: usize) -> Result<Option<Key>, EngineError> {
        let s = &mut self.streams[i];
        s.head = s.read(&self.symbols)?;
        Ok(s.head.as_ref().map(|(_, window)| Key {
            time: window.close.as_i64(),
            rank: s.rank,
            symbol: s.symbol.0,
            stream: i as u32,
        }))
    }

    /// [`Route::Single`] with one bar stream and no sentiment, else [`Route::Merge`].
    pub fn route(mut self) -> Route<'a, E> {
        if self.streams.len() != 1 || self.next_sentiment.is_some() {
            return Route::Merge(self);
        }
        let stream = self.streams.pop().expect("one stream");
        Route::Single(
            stream.symbol,
            Single {
                symbols: self.symbols,
                stream,
            },
        )
    }

    fn pull_sentiment(&mut self) -> Option<Key> {
        self.next_sentiment = self.sentiment.next();
        self.next_sentiment.as_ref().map(|(id, r)| Key {
            time: r.ts.as_i64(),
            rank: EventRank::Sentiment,
            symbol: id.0,
            stream: SENTIMENT_STREAM,
        })
    }
}

impl<E: Into<SourceError>> Stream<'_, E> {
    /// The next bar and its window, after checking that stamps strictly increase.
    #[inline]
    fn read(&mut self, symbols: &[Symbol]) -> Result<Option<(Bar, BarWindow)>, EngineError> {
        let bar = match self.iter.next() {
            None => return Ok(None),
            Some(Err(e)) => {
                return Err(EngineError::Data {
                    symbol: symbols[self.symbol.index()].to_string(),
                    timeframe: self.rule.timeframe(),
                    source: e.into(),
                });
            }
            Some(Ok(bar)) => bar,
        };
        if let Some(prev) = self.last_ts
            && bar.ts <= prev
        {
            return Err(EngineError::OutOfOrder {
                symbol: symbols[self.symbol.index()].to_string(),
                timeframe: self.rule.timeframe(),
                previous: prev,
                next: bar.ts,
            });
        }
        self.last_ts = Some(bar.ts);
        Ok(Some((bar, self.rule.window(bar.ts))))
    }
}

impl<E> Iterator for Feed<'_, E>
where
    E: Into<SourceError>,
{
    type Item = Result<Timed, EngineError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let top = self.heap.peek()?.0;
        if top.stream == SENTIMENT_STREAM {
            let (_, rec) = self
                .next_sentiment
                .take()
                .expect("heap holds a sentiment head");
            let next = self.pull_sentiment();
            self.replace_top(next);
            return Some(Ok(Timed {
                time: rec.ts,
                open: rec.ts,
                event: Event::Sentiment(rec),
            }));
        }
        let i = top.stream as usize;
        let (bar, window) = self.streams[i].head.take().expect("heap holds a bar head");
        let (symbol, timeframe) = (self.streams[i].symbol, self.streams[i].rule.timeframe());
        match self.pull(i) {
            Ok(next) => self.replace_top(next),
            Err(e) => {
                self.heap.clear();
                return Some(Err(e));
            }
        }
        Some(Ok(Timed {
            time: window.close,
            open: window.open,
            event: Event::Bar {
                symbol,
                timeframe,
                bar,
            },
        }))
    }
}

impl<E> Feed<'_, E>
where
    E: Into<SourceError>,
{
    /// Replaces the heap's top with the same stream's next key (one sift) or drops it.
    #[inline]
    fn replace_top(&mut self, next: Option<Key>) {
        let mut top = self.heap.peek_mut().expect("top exists");
        match next {
            Some(k) => *top = Reverse(k),
            None => {
                PeekMut::pop(top);
            }
        }
    }
}

fn check_finer(symbol: &Symbol, tf: Timeframe, run: Timeframe) -> Result<(), EngineError> {
    let err = |reason| EngineError::Timeframe {
        symbol: symbol.to_string(),
        timeframe: tf,
        run,
        reason,
    };
    let Some(fine) = tf.nanos() else {
        return Err(err("monthly bars cannot refine another timeframe"));
    };
    match run.nanos() {
        Some(coarse) if fine >= coarse => Err(err("only strictly finer bars may be added")),
        Some(coarse) if coarse % fine != 0 => {
            Err(err("finer bars must divide the run's bars evenly"))
        }
        _ => Ok(()),
    }
}
