//! Streaming range reads. [`BarStream`] and [`QuoteBarStream`] page through a series by keyset
//! (`ts > last seen`), so memory stays at one page however long the range, and several streams
//! can be open on one store at once (the engine merges one per symbol). Made by
//! [`crate::BarStore::bars`] and [`crate::BarStore::quote_bars`].

use domain::{Bar, QuoteBar, UnixNanos};

use crate::StoreError;

/// Rows fetched per round trip. Large enough that per-query overhead is noise.
pub const PAGE_SIZE: usize = 16_384;

/// A row that can be paged by its timestamp.
pub trait Paged: Sized {
    fn ts(&self) -> UnixNanos;
}

impl Paged for Bar {
    fn ts(&self) -> UnixNanos {
        self.ts
    }
}

impl Paged for QuoteBar {
    fn ts(&self) -> UnixNanos {
        self.ts
    }
}

/// Fetches up to `limit` rows with `ts > after`, in timestamp order.
type Fetch<'a, T> = Box<dyn Fn(Option<UnixNanos>, usize) -> Result<Vec<T>, StoreError> + 'a>;

/// Iterator over one series of `T`, one page in memory at a time.
pub struct PagedStream<'a, T> {
    fetch: Fetch<'a, T>,
    after: Option<UnixNanos>,
    page: std::vec::IntoIter<T>,
    done: bool,
}

pub type BarStream<'a> = PagedStream<'a, Bar>;
pub type QuoteBarStream<'a> = PagedStream<'a, QuoteBar>;

impl<'a, T: Paged> PagedStream<'a, T> {
    /// A stream over the pages `fetch(after, limit)` returns; a page shorter than `limit` is
    /// the last.
    pub fn new(
        fetch: impl Fn(Option<UnixNanos>, usize) -> Result<Vec<T>, StoreError> + 'a,
    ) -> Self {
        Self {
            fetch: Box::new(fetch),
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
        match (self.fetch)(self.after, PAGE_SIZE) {
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
