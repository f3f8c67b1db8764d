//! One provider page of one symbol, turned into the rows the store takes.
//!
//! [`Fetcher`] holds what lives across the pages of a chunk: the [`Dedup`] of each kind and the
//! tick numbering. [`Fetcher::fetch`] asks for the page after a cursor; [`Fetcher::prepare`]
//! drops repeated rows, rows of another symbol or outside the chunk, counts flagged ones, and
//! numbers ticks, giving a [`Batch`]. A page whose rows are *all* outside the request answers
//! another question (a wrong symbol, a wrong window): it fails, so its range is asked again.

use domain::{Bar, NewsArticle, OptionQuote, QuoteTick, Symbol, Timeframe, TradeTick, UnixNanos};
use providers::{
    BarsRequest, Cursor, Dedup, DedupKey, Issue, NewsRequest, OptionChainRequest, Page,
    Provider as Source, ProviderError, RequestInfo, TicksRequest,
};
use store::{DataKind, Seq, Span};

use crate::backfill::SymbolReport;
use crate::backfill::batch::Batch;
use crate::backfill::judge::Judge;
pub use crate::backfill::judge::PageError;

/// A fetched page of any kind.
pub enum Fetched {
    Bars(Page<(Symbol, Bar)>),
    Trades(Page<(Symbol, TradeTick)>),
    Quotes(Page<(Symbol, QuoteTick)>),
    News(Page<NewsArticle>),
    Options(Page<OptionQuote>),
}

impl Fetched {
    pub fn next(&self) -> Option<&Cursor> {
        match self {
            Self::Bars(p) => p.next.as_ref(),
            Self::Trades(p) => p.next.as_ref(),
            Self::Quotes(p) => p.next.as_ref(),
            Self::News(p) => p.next.as_ref(),
            Self::Options(p) => p.next.as_ref(),
        }
    }

    /// The request the page answers, secrets replaced.
    pub fn request(&self) -> &RequestInfo {
        match self {
            Self::Bars(p) => &p.request,
            Self::Trades(p) => &p.request,
            Self::Quotes(p) => &p.request,
            Self::News(p) => &p.request,
            Self::Options(p) => &p.request,
        }
    }
}

/// Per-chunk state: dedup of the previous page, and tick numbering (the last tick's timestamp
/// and the seq the next tick at that timestamp gets).
#[derive(Default)]
pub struct Fetcher {
    bars: Dedup<(Symbol, UnixNanos)>,
    trades: Dedup<<(Symbol, TradeTick) as DedupKey>::Key>,
    quotes: Dedup<<(Symbol, QuoteTick) as DedupKey>::Key>,
    news: Dedup<String>,
    options: Dedup<(Symbol, UnixNanos)>,
    pub tick_ts: Option<UnixNanos>,
    pub tick_seq: u32,
}

impl Fetcher {
    /// Starts from an interrupted chunk's tick numbering; `last_ticks` (the stored ticks at
    /// `tick_ts`) stand in for the previous page, so a repeat of them is dropped.
    pub fn resume(
        tick_ts: Option<UnixNanos>,
        tick_seq: u32,
        symbol: &Symbol,
        last_trades: Vec<TradeTick>,
        last_quotes: Vec<QuoteTick>,
    ) -> Self {
        let mut f = Self {
            tick_ts,
            tick_seq,
            ..Self::default()
        };
        f.trades.remember(&with_symbol(symbol, last_trades));
        f.quotes.remember(&with_symbol(symbol, last_quotes));
        f
    }

    pub async fn fetch(
        kind: DataKind,
        tf: Timeframe,
        client: &dyn Source,
        symbol: &Symbol,
        span: Span,
        cursor: Option<&Cursor>,
    ) -> Result<Fetched, ProviderError> {
        let one = vec![symbol.clone()];
        Ok(match kind {
            DataKind::Bars => {
                let req = BarsRequest::new(one, tf, span.start, span.end);
                Fetched::Bars(client.fetch_bars(&req, cursor).await?)
            }
            DataKind::Trades => {
                let req = TicksRequest::new(one, span.start, span.end);
                Fetched::Trades(client.fetch_trades(&req, cursor).await?)
            }
            DataKind::Quotes => {
                let req = TicksRequest::new(one, span.start, span.end);
                Fetched::Quotes(client.fetch_quotes(&req, cursor).await?)
            }
            DataKind::News => {
                let req = NewsRequest {
                    symbols: one,
                    start: Some(span.start),
                    end: Some(span.end),
                    ..NewsRequest::default()
                };
                Fetched::News(client.fetch_news(&req, cursor).await?)
            }
            DataKind::Options => {
                let req = OptionChainRequest::new(symbol.clone());
                Fetched::Options(client.fetch_option_chain(&req, cursor).await?)
            }
        })
    }

    /// The page's rows for the store. Counts what was dropped or flagged into `report`.
    pub fn prepare(
        &mut self,
        fetched: Fetched,
        symbol: &Symbol,
        tf: Timeframe,
        span: Span,
        report: &mut SymbolReport,
    ) -> Result<Batch, PageError> {
        let inside = |s: &Symbol, ts: UnixNanos| s == symbol && span.start <= ts && ts < span.end;
        let mut judge = Judge {
            request: fetched.request().clone(),
            symbol,
            span,
            report,
        };
        Ok(match fetched {
            Fetched::Bars(mut p) => {
                judge.report.repeated += self.bars.apply(&mut p) as u64;
                let mut bars = judge.keep(p.items, |(s, b)| inside(s, b.ts))?;
                bars.sort_by_key(|b| b.ts);
                Batch::Bars(tf, same_bar_once(bars, judge.report)?)
            }
            Fetched::Trades(mut p) => {
                judge.report.repeated += self.trades.apply(&mut p) as u64;
                judge.report.trade_updates += p
                    .issues
                    .iter()
                    .filter(|i| matches!(i, Issue::TradeUpdate { .. }))
                    .count() as u64;
                let ticks = judge.keep(p.items, |(s, t)| inside(s, t.ts))?;
                Batch::Trades(self.number(ticks, |t| t.ts)?)
            }
            Fetched::Quotes(mut p) => {
                judge.report.repeated += self.quotes.apply(&mut p) as u64;
                let ticks = judge.keep(p.items, |(s, q)| inside(s, q.ts))?;
                judge.report.crossed += ticks.iter().filter(|q| q.is_crossed()).count() as u64;
                Batch::Quotes(self.number(ticks, |q| q.ts)?)
            }
            Fetched::News(mut p) => {
                judge.report.repeated += self.news.apply(&mut p) as u64;
                let in_span =
                    |n: &NewsArticle| span.start <= n.created_at && n.created_at < span.end;
                Batch::News(judge.keep(p.items, |n| in_span(n))?, Vec::new())
            }
            Fetched::Options(mut p) => {
                judge.report.repeated += self.options.apply(&mut p) as u64;
                Batch::Options(judge.keep(p.items, |q| &q.contract.underlying == symbol)?)
            }
        })
    }

    /// Gives each tick its seq: its place among the ticks at its timestamp, counting those on
    /// earlier pages of the chunk. Ticks must come in time order (the request asks for it).
    fn number<T>(
        &mut self,
        ticks: Vec<T>,
        ts: impl Fn(&T) -> UnixNanos,
    ) -> Result<Vec<Seq<T>>, PageError> {
        let mut out = Vec::with_capacity(ticks.len());
        for t in ticks {
            let at = ts(&t);
            match self.tick_ts {
                Some(prev) if at < prev => {
                    return Err(PageError::Data(format!(
                        "ticks out of time order: {at} after {prev}"
                    )));
                }
                Some(prev) if at == prev => {}
                _ => {
                    self.tick_ts = Some(at);
                    self.tick_seq = 0;
                }
            }
            out.push(Seq {
                seq: self.tick_seq,
                tick: t,
            });
            self.tick_seq += 1;
        }
        Ok(out)
    }
}

fn with_symbol<T>(symbol: &Symbol, rows: Vec<T>) -> Vec<(Symbol, T)> {
    rows.into_iter().map(|r| (symbol.clone(), r)).collect()
}

/// One bar per timestamp: an exact repeat within the page is dropped (and counted); two
/// different bars at one time cannot both be right, so the page fails naming it.
fn same_bar_once(bars: Vec<Bar>, report: &mut SymbolReport) -> Result<Vec<Bar>, PageError> {
    let mut out: Vec<Bar> = Vec::with_capacity(bars.len());
    for b in bars {
        match out.last() {
            Some(last) if last.ts == b.ts && *last == b => report.repeated += 1,
            Some(last) if last.ts == b.ts => {
                return Err(PageError::Data(format!(
                    "two different bars at {} in one page",
                    b.ts
                )));
            }
            _ => out.push(b),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{Price, Quantity};

    fn trade(ts: i64, price: i64) -> TradeTick {
        TradeTick {
            ts: UnixNanos::new(ts),
            price: Price::from_int(price),
            size: Quantity::from_int(1),
            exchange: "V".into(),
            conditions: vec![],
            trade_id: Some(format!("{ts}-{price}")),
            suspicious: false,
        }
    }

    #[test]
    fn seq_counts_ticks_per_timestamp_across_pages() {
        let mut f = Fetcher::default();
        let p1 = f
            .number(vec![trade(1, 1), trade(2, 1), trade(2, 2)], |t| t.ts)
            .unwrap();
        assert_eq!(p1.iter().map(|s| s.seq).collect::<Vec<_>>(), [0, 0, 1]);
        let p2 = f.number(vec![trade(2, 3), trade(3, 1)], |t| t.ts).unwrap();
        assert_eq!(p2.iter().map(|s| s.seq).collect::<Vec<_>>(), [2, 0]);
        assert_eq!((f.tick_ts, f.tick_seq), (Some(UnixNanos::new(3)), 1));
        assert!(f.number(vec![trade(2, 9)], |t| t.ts).is_err());
    }

    #[test]
    fn a_resumed_chunk_drops_repeats_of_the_stored_boundary_ticks() {
        let spy = Symbol::lit("SPY");
        let mut f = Fetcher::resume(Some(UnixNanos::new(2)), 2, &spy, vec![trade(2, 1)], vec![]);
        let page = Page {
            items: vec![(spy.clone(), trade(2, 1)), (spy.clone(), trade(2, 5))],
            next: None,
            issues: vec![],
            request: RequestInfo {
                method: "GET",
                url: "http://h/v2/stocks/trades?symbols=SPY".into(),
            },
        };
        let mut r = SymbolReport::default();
        let span = Span {
            start: UnixNanos::new(0),
            end: UnixNanos::new(10),
        };
        let b = f
            .prepare(Fetched::Trades(page), &spy, Timeframe::M1, span, &mut r)
            .unwrap();
        let Batch::Trades(ticks) = b else { panic!() };
        assert_eq!(
            ticks,
            vec![Seq {
                seq: 2,
                tick: trade(2, 5)
            }]
        );
        assert_eq!(r.repeated, 1);
    }

    #[test]
    fn repeated_bars_in_a_page_are_dropped_and_conflicting_ones_refused() {
        let b = |ts: i64, c: i64| {
            let p = Price::from_int(c);
            Bar::new(UnixNanos::new(ts), p, p, p, p, Quantity::ZERO, None, None).unwrap()
        };
        let mut r = SymbolReport::default();
        let out = same_bar_once(vec![b(1, 5), b(1, 5), b(2, 5)], &mut r).unwrap();
        assert_eq!((out.len(), r.repeated), (2, 1));
        assert!(same_bar_once(vec![b(1, 5), b(1, 6)], &mut r).is_err());
    }
}
