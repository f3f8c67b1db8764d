//! Bounds on following a provider's cursors, so that paging that never ends fails with an
//! error naming the request instead of looping forever: a backfill chunk's, and the scheduled
//! runs' (bars, news, option chains).
//!
//! [`PageGuard::check`] runs after each page, and stops the paging before a next cursor when:
//! - the cursor was already followed in this chunk (A → B → A, or the cursor it was given);
//! - [`MAX_IDLE_PAGES`] pages in a row added no new row (empty pages, or rows already seen);
//! - it took [`page_cap`] pages: twice what its range can need ([`rows_bound`]) at the largest
//!   page the provider has sent in it, plus slack, so real data never meets it.
//!
//! In a backfill, a bar is new when it is later than every bar before it in the chunk (pages
//! come in time order); a tick, article or option quote is new when it survived the previous
//! page's dedup (ticks out of time order are already an error). Callers of
//! [`PageGuard::check_rows`] say themselves how many rows were new.

use std::collections::HashSet;

use domain::time::{NANOS_PER_MINUTE, NANOS_PER_SECOND};
use domain::{Timeframe, UnixNanos};
use providers::{Cursor, RequestInfo};
use store::{DataKind, Span};

use crate::backfill::batch::Batch;

/// Pages in a row without a new row that end the chunk with an error. One such page is
/// ordinary (a provider may page across a stretch with no data); several are a loop.
pub const MAX_IDLE_PAGES: u32 = 3;

/// Far above any US equity's full-day average rate of trades or quotes: bounds a chunk of
/// ticks, whose count the range alone does not.
const MAX_TICKS_PER_SECOND: u64 = 5_000;
/// Far above any ticker's rate of news over a chunk.
const MAX_NEWS_PER_MINUTE: u64 = 1;
/// Far above the largest option chain (SPY's has some tens of thousands of contracts).
pub const MAX_OPTION_CONTRACTS: u64 = 500_000;
/// Pages a chunk may take beyond twice its estimate: small ranges, short last pages, empty
/// pages the provider sends on the way.
const SLACK_PAGES: u64 = 10;

/// The most rows a chunk of `kind` over `span` can hold.
pub fn rows_bound(kind: DataKind, tf: Timeframe, span: Span) -> u64 {
    let nanos = u64::try_from(span.end.as_i64().saturating_sub(span.start.as_i64())).unwrap_or(0);
    let per = |unit: i64| nanos / u64::try_from(unit.max(1)).unwrap_or(1) + 1;
    match kind {
        DataKind::Bars => per(tf.nanos().unwrap_or(NANOS_PER_MINUTE)),
        DataKind::Trades | DataKind::Quotes => {
            per(NANOS_PER_SECOND).saturating_mul(MAX_TICKS_PER_SECOND)
        }
        DataKind::News => per(NANOS_PER_MINUTE).saturating_mul(MAX_NEWS_PER_MINUTE),
        DataKind::Options => MAX_OPTION_CONTRACTS,
    }
}

/// The most pages a chunk may take when the provider's largest page in it held `widest` rows.
pub fn page_cap(kind: DataKind, tf: Timeframe, span: Span, widest: u64) -> u64 {
    cap(rows_bound(kind, tf, span), widest)
}

fn cap(rows: u64, widest: u64) -> u64 {
    rows.div_ceil(widest.max(1))
        .saturating_mul(2)
        .saturating_add(SLACK_PAGES)
}

/// The paging state of one request, from its first page (or a resumed cursor).
pub struct PageGuard {
    /// The most rows the whole request can hold.
    rows: u64,
    seen: HashSet<String>,
    pages: u64,
    widest: u64,
    idle: u32,
    /// Bars: the latest bar so far.
    newest: Option<UnixNanos>,
}

impl PageGuard {
    /// A backfill chunk starting at `from` (a resumed chunk's cursor) or at its beginning.
    pub fn chunk(kind: DataKind, tf: Timeframe, span: Span, from: Option<&Cursor>) -> Self {
        Self::new(rows_bound(kind, tf, span), from)
    }

    /// Paging that can hold at most `rows` rows.
    pub fn new(rows: u64, from: Option<&Cursor>) -> Self {
        Self {
            rows,
            seen: from.map(|c| c.as_str().to_owned()).into_iter().collect(),
            pages: 0,
            widest: 0,
            idle: 0,
            newest: None,
        }
    }

    /// Records the page `request` answered with `batch` (its rows for the store) and `next`;
    /// an error text when following `next` must not happen.
    pub fn check(
        &mut self,
        request: &RequestInfo,
        batch: &Batch,
        next: Option<&Cursor>,
    ) -> Result<(), String> {
        let fresh = self.new_rows(batch);
        self.check_rows(request, batch.len(), fresh, next)
    }

    /// [`PageGuard::check`] for a page of `rows` rows of which `fresh` were not seen before.
    pub fn check_rows(
        &mut self,
        request: &RequestInfo,
        rows: usize,
        fresh: usize,
        next: Option<&Cursor>,
    ) -> Result<(), String> {
        self.pages += 1;
        self.widest = self.widest.max(rows as u64);
        let Some(next) = next else {
            return Ok(());
        };
        self.idle = if fresh == 0 { self.idle + 1 } else { 0 };
        if self.idle >= MAX_IDLE_PAGES {
            return Err(format!(
                "{request}: {} pages in a row brought no new row but another cursor ({:?}); \
                 the provider's paging does not advance, so the paging stops here",
                self.idle,
                next.as_str()
            ));
        }
        if !self.seen.insert(next.as_str().to_owned()) {
            return Err(format!(
                "{request}: the provider returned cursor {:?} again, on page {}: its paging \
                 loops, so the paging stops here",
                next.as_str(),
                self.pages
            ));
        }
        if self.pages >= cap(self.rows, self.widest) {
            return Err(format!(
                "{request}: still another cursor after {} pages, the most its range can need \
                 (room for {} rows at up to {} per page); stopping rather than paging without end",
                self.pages, self.rows, self.widest
            ));
        }
        Ok(())
    }

    fn new_rows(&mut self, batch: &Batch) -> usize {
        let Batch::Bars(_, bars) = batch else {
            return batch.len();
        };
        let newest = self.newest;
        let fresh = bars
            .iter()
            .filter(|b| newest.is_none_or(|n| b.ts > n))
            .count();
        self.newest = newest.max(bars.iter().map(|b| b.ts).max());
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::time::NANOS_PER_DAY;

    fn day() -> Span {
        Span {
            start: UnixNanos::new(0),
            end: UnixNanos::new(NANOS_PER_DAY),
        }
    }

    #[test]
    fn the_cap_follows_range_and_page_size() {
        let bars = |w| page_cap(DataKind::Bars, Timeframe::M1, day(), w);
        // 1,441 minute bars at most: one page of 10,000, five of 300, 1,441 of one.
        assert_eq!(bars(10_000), 2 + SLACK_PAGES);
        assert_eq!(bars(300), 10 + SLACK_PAGES);
        assert_eq!(bars(0), bars(1));
        assert_eq!(bars(1), 2 * 1_441 + SLACK_PAGES);
        // A day of quotes at Alpaca's 10,000 a page: room for 432 million of them.
        let quotes = page_cap(DataKind::Quotes, Timeframe::M1, day(), 10_000);
        assert_eq!(quotes, 2 * 43_201 + SLACK_PAGES);
        // The widest span there is does not overflow: 9.2e9 seconds of 5,000 ticks.
        let all = Span {
            start: UnixNanos::new(i64::MIN),
            end: UnixNanos::new(i64::MAX),
        };
        let most = 9_223_372_037 * MAX_TICKS_PER_SECOND;
        assert_eq!(
            page_cap(DataKind::Trades, Timeframe::M1, all, 1),
            2 * most + SLACK_PAGES
        );
    }
}
