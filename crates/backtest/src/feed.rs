//! The time-ordered merge of every input stream (nautilus `data_iterator` style).
//!
//! The caller hands over one bar iterator per symbol (and optionally finer bars and sentiment
//! records) as [`Inputs`]. [`Feed`] keeps the head of each stream in a binary heap keyed by
//! `(time, rank, symbol, stream)`, where a bar's time is its **close** ([`crate::bartime`]) and a
//! sentiment record's time is its stamp, so every symbol and kind replays in one strict order and
//! ties always break the same way. Streams are read lazily, one bar ahead, so a store can page
//! through years of minutes in constant memory.
//!
//! Checks made here, each a clear error rather than a silent skip: a traded symbol without a
//! stream, a stream for or a record about a symbol the run does not trade, a stream with no bars,
//! a stream whose timestamps do not strictly increase, and bars of the wrong timeframe.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::collections::binary_heap::PeekMut;

use domain::{Bar, SentimentRecord, Symbol, Timeframe, UnixNanos};

use crate::bartime::{BarWindow, WindowRule};
use crate::error::{EngineError, SourceError};
use crate::event::{Event, EventRank, SymbolId};

/// One symbol's bars in time order, as the store streams them.
pub type BarIter<'a, E> = Box<dyn Iterator<Item = Result<Bar, E>> + 'a>;

/// Everything a run reads, keyed by symbol. Build it, then pass it to [`crate::Engine::run`].
pub struct Inputs<'a, E> {
    bars: Vec<(Symbol, Timeframe, BarIter<'a, E>)>,
    sentiment: Vec<SentimentRecord>,
}

impl<E> Default for Inputs<'_, E> {
    fn default() -> Self {
        Self {
            bars: Vec::new(),
            sentiment: Vec::new(),
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
        self.bars.push((symbol, timeframe, Box::new(iter)));
        self
    }

    /// Sentiment records in any order; the feed sorts them by time (stable for equal times).
    pub fn sentiment(&mut self, records: impl IntoIterator<Item = SentimentRecord>) -> &mut Self {
        self.sentiment.extend(records);
        self
    }
}

impl<'a> Inputs<'a, std::convert::Infallible> {
    /// In-memory bars (tests, examples, files already read).
    pub fn bar_vec(&mut self, symbol: Symbol, timeframe: Timeframe, bars: Vec<Bar>) -> &mut Self {
        self.bars(symbol, timeframe, bars.into_iter().map(Ok))
    }
}

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
    iter: BarIter<'a, E>,
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
    /// bar.
    pub fn new(
        symbols: &[Symbol],
        run: Timeframe,
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
                rule: WindowRule::new(tf),
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
            .map(|s| s.iter.size_hint().0 + usize::from(s.head.is_some()))
            .max()
            .unwrap_or(0)
    }

    /// Reads stream `i`'s next bar into its head and returns its heap key.
    fn pull(&mut self, i: usize) -> Result<Option<Key>, EngineError> {
        let s = &mut self.streams[i];
        let bar = match s.iter.next() {
            None => {
                s.head = None;
                return Ok(None);
            }
            Some(Err(e)) => {
                return Err(EngineError::Data {
                    symbol: self.symbols[s.symbol.index()].to_string(),
                    timeframe: s.rule.timeframe(),
                    source: e.into(),
                });
            }
            Some(Ok(bar)) => bar,
        };
        if let Some(prev) = s.last_ts
            && bar.ts <= prev
        {
            return Err(EngineError::OutOfOrder {
                symbol: self.symbols[s.symbol.index()].to_string(),
                timeframe: s.rule.timeframe(),
                previous: prev,
                next: bar.ts,
            });
        }
        s.last_ts = Some(bar.ts);
        let window = s.rule.window(bar.ts);
        s.head = Some((bar, window));
        Ok(Some(Key {
            time: window.close.as_i64(),
            rank: s.rank,
            symbol: s.symbol.0,
            stream: i as u32,
        }))
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
