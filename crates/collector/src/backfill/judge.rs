//! Which rows of a page the request asked for: the symbol's, inside the chunk's window. The
//! rest are counted as outside; a page with rows and none of them asked for fails, because it
//! answers another question (a wrong symbol, a wrong window) and must not mark a range done.
//!
//! [`PageError`], why a page cannot be stored, lives here rather than in `pages` (which uses
//! the judge), so the two files depend on each other one way.

use domain::{NewsArticle, OptionQuote, Symbol};
use providers::{ProviderError, RequestInfo};
use store::Span;

use crate::backfill::SymbolReport;

/// Why a page cannot be stored.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("{0}")]
    Provider(#[from] ProviderError),
    #[error("{0}")]
    Data(String),
    #[error(
        "{request}: all {rows} rows of the page are outside the request ({symbol} in [{}, {})): \
         none is stored and the range is not marked covered",
        .span.start,
        .span.end
    )]
    Outside {
        request: RequestInfo,
        rows: usize,
        symbol: Symbol,
        span: Span,
    },
}

/// Sorts one page's rows into those the request asked for and the rest, counted as outside.
pub struct Judge<'a> {
    pub request: RequestInfo,
    pub symbol: &'a Symbol,
    pub span: Span,
    pub report: &'a mut SymbolReport,
}

impl Judge<'_> {
    /// The rows `wanted` accepts (without their symbol, where they carry one). A page that
    /// offered rows and none of them wanted fails with [`PageError::Outside`].
    pub fn keep<R: Unpack>(
        &mut self,
        rows: Vec<R>,
        wanted: impl Fn(&R) -> bool,
    ) -> Result<Vec<R::Row>, PageError> {
        let n = rows.len();
        let out: Vec<R::Row> = rows
            .into_iter()
            .filter(|r| wanted(r))
            .map(Unpack::unpack)
            .collect();
        let outside = n - out.len();
        self.report.outside += outside as u64;
        if out.is_empty() && outside > 0 {
            return Err(PageError::Outside {
                request: self.request.clone(),
                rows: outside,
                symbol: self.symbol.clone(),
                span: self.span,
            });
        }
        Ok(out)
    }
}

/// A page row as the store takes it: without the symbol the provider pairs it with.
pub trait Unpack {
    type Row;
    fn unpack(self) -> Self::Row;
}

impl<T> Unpack for (Symbol, T) {
    type Row = T;
    fn unpack(self) -> T {
        self.1
    }
}

impl Unpack for NewsArticle {
    type Row = NewsArticle;
    fn unpack(self) -> NewsArticle {
        self
    }
}

impl Unpack for OptionQuote {
    type Row = OptionQuote;
    fn unpack(self) -> OptionQuote {
        self
    }
}
