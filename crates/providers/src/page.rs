//! A page of records: the unit of work the collector checkpoints.
//!
//! - [`Cursor`]: an opaque, storable position (Alpaca `page_token`, Polygon `next_url` path).
//! - [`Page`]: the records, the cursor of the next page (`None` on the last), the
//!   [`Issue`]s found on the way (records kept but flagged, or left out and said so) and the
//!   request it answers, for errors about the page found later.
//! - [`OnInvalidRecord`]: fail the page on a record that breaks an invariant, or skip and report.
//! - [`Dedup`]: drops records repeated from the previous page (providers do repeat the boundary
//!   row when a page token is replayed), reporting how many.

use std::collections::HashSet;
use std::hash::Hash;

use domain::{
    Bar, DomainError, NewsArticle, OptionQuote, Price, Quantity, QuoteTick, Symbol, TradeTick,
    UnixNanos,
};

use crate::error::{ProviderError, RequestInfo};

/// Where the next page starts. Safe to store: it never holds a credential.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cursor(String);

impl Cursor {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Something about a page the caller should know. Positions index the page's rows as the
/// provider sent them (flattened symbol by symbol).
#[derive(Debug, Clone, PartialEq)]
pub enum Issue {
    /// Ask below bid. The quote is in `items` as sent; this says so.
    CrossedQuote {
        symbol: Symbol,
        ts: UnixNanos,
        bid: Price,
        ask: Price,
    },
    /// A record that broke an invariant and was left out (`OnInvalidRecord::SkipAndReport`).
    Rejected {
        symbol: String,
        position: usize,
        error: DomainError,
    },
    /// A trade the provider marks as updated (`canceled`, `corrected`, `incorrect`): left out of
    /// `items`, because it is not a print to replay.
    TradeUpdate {
        symbol: Symbol,
        ts: UnixNanos,
        trade_id: Option<String>,
        update: String,
    },
    /// A symbol in a news item that is not a valid ticker; the item is kept without it.
    BadSymbol { item: String, text: String },
    /// Records equal (by key) to records of the previous page, removed by [`Dedup`].
    Repeated { count: usize },
    /// A corporate action of a kind the domain does not model (a merger, a spin-off, a name
    /// change, …; see [`crate::actions`]), left out of `items`. `kind` is the provider's name.
    UnsupportedAction { kind: String, id: String },
}

impl Issue {
    /// [`Issue::CrossedQuote`] when `q`'s ask is below its bid.
    pub(crate) fn crossed(symbol: &Symbol, q: &QuoteTick) -> Option<Self> {
        q.is_crossed().then(|| Self::CrossedQuote {
            symbol: symbol.clone(),
            ts: q.ts,
            bid: q.bid,
            ask: q.ask,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
    pub issues: Vec<Issue>,
    /// The request this page answers, secrets replaced.
    pub request: RequestInfo,
}

impl<T> Page<T> {
    pub fn is_last(&self) -> bool {
        self.next.is_none()
    }
}

/// What to do with a record that breaks a domain invariant (e.g. a bar whose open is above
/// its high). Nothing is ever dropped silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnInvalidRecord {
    /// The whole page fails with [`ProviderError::InvalidRecord`].
    #[default]
    Fail,
    /// The record is left out and an [`Issue::Rejected`] names it.
    SkipAndReport,
}

/// Builds a page row by row, applying the invalid-record policy.
pub(crate) struct PageBuilder<'r, T> {
    pub items: Vec<T>,
    pub issues: Vec<Issue>,
    policy: OnInvalidRecord,
    request: &'r RequestInfo,
}

impl<'r, T> PageBuilder<'r, T> {
    pub fn new(policy: OnInvalidRecord, request: &'r RequestInfo, capacity: usize) -> Self {
        Self {
            items: Vec::with_capacity(capacity),
            issues: Vec::new(),
            policy,
            request,
        }
    }

    /// Keeps `row` or handles its error per policy. `position` is the row's place in the body.
    pub fn push(
        &mut self,
        symbol: &str,
        position: usize,
        row: Result<T, DomainError>,
    ) -> Result<(), ProviderError> {
        match row {
            Ok(v) => self.items.push(v),
            Err(error) => match self.policy {
                OnInvalidRecord::Fail => {
                    return Err(ProviderError::InvalidRecord {
                        request: self.request.clone(),
                        symbol: symbol.to_owned(),
                        index: position,
                        source: error,
                    });
                }
                OnInvalidRecord::SkipAndReport => self.issues.push(Issue::Rejected {
                    symbol: symbol.to_owned(),
                    position,
                    error,
                }),
            },
        }
        Ok(())
    }

    pub fn finish(self, next: Option<Cursor>) -> Page<T> {
        Page {
            items: self.items,
            next,
            issues: self.issues,
            request: self.request.clone(),
        }
    }
}

/// Identity of a record for [`Dedup`]: two records with equal keys are the same observation.
pub trait DedupKey {
    type Key: Eq + Hash;
    fn dedup_key(&self) -> Self::Key;
}

impl DedupKey for (Symbol, Bar) {
    type Key = (Symbol, UnixNanos);
    fn dedup_key(&self) -> Self::Key {
        (self.0.clone(), self.1.ts)
    }
}

impl DedupKey for (Symbol, TradeTick) {
    type Key = (Symbol, UnixNanos, String, Option<String>, Price, Quantity);
    fn dedup_key(&self) -> Self::Key {
        let t = &self.1;
        (
            self.0.clone(),
            t.ts,
            t.exchange.clone(),
            t.trade_id.clone(),
            t.price,
            t.size,
        )
    }
}

/// Quotes have no id, and distinct quotes can share a nanosecond (the Alpaca fixture has two
/// at 09:00:00.000059), so the key is the whole quote.
impl DedupKey for (Symbol, QuoteTick) {
    type Key = (Symbol, UnixNanos, [i64; 4], String, String, Vec<String>);
    fn dedup_key(&self) -> Self::Key {
        let q = &self.1;
        (
            self.0.clone(),
            q.ts,
            [q.bid.raw(), q.ask.raw(), q.bid_size.raw(), q.ask_size.raw()],
            q.bid_exchange.clone(),
            q.ask_exchange.clone(),
            q.conditions.clone(),
        )
    }
}

impl DedupKey for NewsArticle {
    type Key = String;
    fn dedup_key(&self) -> Self::Key {
        self.id.clone()
    }
}

impl DedupKey for OptionQuote {
    type Key = (Symbol, UnixNanos);
    fn dedup_key(&self) -> Self::Key {
        (self.contract.occ.clone(), self.ts)
    }
}

/// Remembers the keys of the last page of one fetch session (one request, followed page by
/// page) and removes their repeats from the next. Rows repeated *within* a page are kept: only
/// the provider knows whether they are two observations.
#[derive(Debug)]
pub struct Dedup<K> {
    previous: HashSet<K>,
}

impl<K> Default for Dedup<K> {
    fn default() -> Self {
        Self {
            previous: HashSet::new(),
        }
    }
}

impl<K: Eq + Hash> Dedup<K> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Remembers `rows` as the previous page (e.g. the rows stored before a resumed fetch), so
    /// their repeats on the next page are dropped.
    pub fn remember<T: DedupKey<Key = K>>(&mut self, rows: &[T]) {
        self.previous = rows.iter().map(DedupKey::dedup_key).collect();
    }

    /// Drops rows seen on the previous page, adds [`Issue::Repeated`] when any were, and
    /// remembers this page as sent (so a page repeated twice is dropped twice). Returns the
    /// number dropped.
    pub fn apply<T: DedupKey<Key = K>>(&mut self, page: &mut Page<T>) -> usize {
        let before = page.items.len();
        let sent: HashSet<K> = page.items.iter().map(DedupKey::dedup_key).collect();
        let previous = std::mem::replace(&mut self.previous, sent);
        page.items.retain(|r| !previous.contains(&r.dedup_key()));
        let dropped = before - page.items.len();
        if dropped > 0 {
            page.issues.push(Issue::Repeated { count: dropped });
        }
        dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(ts: i64) -> (Symbol, Bar) {
        let p = Price::from_int(1);
        let b = Bar::new(UnixNanos::new(ts), p, p, p, p, Quantity::ZERO, None, None).unwrap();
        (Symbol::lit("AAPL"), b)
    }

    fn page(ts: &[i64]) -> Page<(Symbol, Bar)> {
        Page {
            items: ts.iter().map(|&t| bar(t)).collect(),
            next: None,
            issues: vec![],
            request: RequestInfo {
                method: "GET",
                url: "http://h/v2/stocks/bars".into(),
            },
        }
    }

    #[test]
    fn drops_rows_repeated_from_the_previous_page_only() {
        let mut d = Dedup::new();
        let mut p1 = page(&[1, 2, 3]);
        assert_eq!(d.apply(&mut p1), 0);
        assert!(p1.issues.is_empty());
        let mut p2 = page(&[3, 4, 4, 5]);
        assert_eq!(d.apply(&mut p2), 1);
        let ts: Vec<i64> = p2.items.iter().map(|(_, b)| b.ts.as_i64()).collect();
        assert_eq!(ts, [4, 4, 5]);
        assert_eq!(p2.issues, [Issue::Repeated { count: 1 }]);
        // Only the previous page is remembered.
        let mut p3 = page(&[1, 5, 6]);
        assert_eq!(d.apply(&mut p3), 1);
        assert_eq!(p3.items.len(), 2);
    }

    #[test]
    fn a_page_sent_again_and_again_is_dropped_each_time() {
        let mut d = Dedup::new();
        d.apply(&mut page(&[1, 2]));
        for _ in 0..3 {
            let mut again = page(&[1, 2]);
            assert_eq!(d.apply(&mut again), 2);
            assert!(again.items.is_empty());
        }
    }
}
