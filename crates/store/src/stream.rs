//! Streaming range reads. [`BarStream`] pages through a series by keyset (`ts > last seen`), so
//! memory stays at one page however long the range, and several streams can be open on one store
//! at once (the engine merges one per symbol).

use domain::{Bar, UnixNanos};

use crate::{BarQuery, Store, StoreError};

/// Rows fetched per round trip. Large enough that per-query overhead is noise.
pub const PAGE_SIZE: usize = 16_384;

pub struct BarStream<'a> {
    store: &'a dyn Store,
    query: BarQuery,
    after: Option<UnixNanos>,
    page: std::vec::IntoIter<Bar>,
    done: bool,
}

impl<'a> BarStream<'a> {
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

impl Iterator for BarStream<'_> {
    type Item = Result<Bar, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(bar) = self.page.next() {
            return Some(Ok(bar));
        }
        if self.done {
            return None;
        }
        match self.store.bar_page(&self.query, self.after, PAGE_SIZE) {
            Ok(page) => {
                self.done = page.len() < PAGE_SIZE;
                self.after = page.last().map(|b| b.ts);
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
