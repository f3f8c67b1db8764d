//! Streaming range reads. [`BarStream`] and [`QuoteBarStream`] page through a series by keyset
//! (`ts > last seen`), so memory stays at one page however long the range, and several streams
//! can be open on one store at once (the engine merges one per symbol).

use domain::{Bar, QuoteBar, UnixNanos};

use crate::{BarQuery, Store, StoreError};

/// Rows fetched per round trip. Large enough that per-query overhead is noise.
pub const PAGE_SIZE: usize = 16_384;

/// A row type that can be paged by timestamp.
pub trait Paged: Sized {
    fn ts(&self) -> UnixNanos;
    fn page(
        store: &dyn Store,
        q: &BarQuery,
        after: Option<UnixNanos>,
        limit: usize,
    ) -> Result<Vec<Self>, StoreError>;
}

impl Paged for Bar {
    fn ts(&self) -> UnixNanos {
        self.ts
    }
    fn page(
        store: &dyn Store,
        q: &BarQuery,
        after: Option<UnixNanos>,
        limit: usize,
    ) -> Result<Vec<Self>, StoreError> {
        store.bar_page(q, after, limit)
    }
}

impl Paged for QuoteBar {
    fn ts(&self) -> UnixNanos {
        self.ts
    }
    fn page(
        store: &dyn Store,
        q: &BarQuery,
        after: Option<UnixNanos>,
        limit: usize,
    ) -> Result<Vec<Self>, StoreError> {
        store.quote_bar_page(q, after, limit)
    }
}

/// Iterator over one series of `T`, one page in memory at a time.
pub struct PagedStream<'a, T> {
    store: &'a dyn Store,
    query: BarQuery,
    after: Option<UnixNanos>,
    page: std::vec::IntoIter<T>,
    done: bool,
}

pub type BarStream<'a> = PagedStream<'a, Bar>;
pub type QuoteBarStream<'a> = PagedStream<'a, QuoteBar>;

impl<'a, T: Paged> PagedStream<'a, T> {
    pub fn new(store: &'a dyn Store, query: BarQuery) -> Self {
        Self {
            store,
            query,
            after: None,
            page: Vec::new().into_iter(),
            done: false,
        }
    }
}

impl<T: Paged> Iterator for PagedStream<'_, T> {
    type Item = Result<T, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(row) = self.page.next() {
            return Some(Ok(row));
        }
        if self.done {
            return None;
        }
        match T::page(self.store, &self.query, self.after, PAGE_SIZE) {
            Ok(page) => {
                self.done = page.len() < PAGE_SIZE;
                self.after = page.last().map(T::ts);
                self.page = page.into_iter();
                self.page.next().map(Ok)
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
