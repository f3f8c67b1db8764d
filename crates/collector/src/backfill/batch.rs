//! [`Batch`]: one page's rows as the store takes them, written together with the checkpoint
//! that points past them.

use domain::{Bar, OptionQuote, QuoteTick, Symbol, Timeframe, TradeTick, UnixNanos};
use store::{BarStore, NewsStore, OptionStore, Seq, StoreError, TickStore, UpsertCounts};

/// Rows of one page, ready for the store.
#[derive(Debug, Clone, PartialEq)]
pub enum Batch {
    Bars(Timeframe, Vec<Bar>),
    Trades(Vec<Seq<TradeTick>>),
    Quotes(Vec<Seq<QuoteTick>>),
    /// Articles; the sentiment derived from them is added by the symbol loop.
    News(Vec<domain::NewsArticle>, Vec<domain::SentimentRecord>),
    Options(Vec<OptionQuote>),
}

impl Batch {
    pub fn len(&self) -> usize {
        match self {
            Self::Bars(_, v) => v.len(),
            Self::Trades(v) => v.len(),
            Self::Quotes(v) => v.len(),
            Self::News(v, _) => v.len(),
            Self::Options(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The newest timestamp in the batch.
    pub fn last_ts(&self) -> Option<UnixNanos> {
        match self {
            Self::Bars(_, v) => v.iter().map(|b| b.ts).max(),
            Self::Trades(v) => v.last().map(|t| t.tick.ts),
            Self::Quotes(v) => v.last().map(|q| q.tick.ts),
            Self::News(v, _) => v.iter().map(|n| n.created_at).max(),
            Self::Options(v) => v.iter().map(|q| q.ts).max(),
        }
    }

    /// Writes the batch and `checkpoint` in one transaction. Returns the rows' counts and, for
    /// news, the sentiment's.
    pub fn write(
        &self,
        st: &mut (impl BarStore + TickStore + NewsStore + OptionStore + ?Sized),
        symbol: &Symbol,
        checkpoint: &store::Checkpoint,
    ) -> Result<(UpsertCounts, UpsertCounts), StoreError> {
        let cp = Some(checkpoint);
        Ok(match self {
            Self::Bars(tf, v) => (
                st.upsert_bars_with_checkpoint(symbol, *tf, v, checkpoint)?,
                UpsertCounts::default(),
            ),
            Self::Trades(v) => (st.upsert_trades(symbol, v, cp)?, UpsertCounts::default()),
            Self::Quotes(v) => (st.upsert_quotes(symbol, v, cp)?, UpsertCounts::default()),
            Self::News(items, sentiment) => {
                let c = st.upsert_news(items, sentiment, cp)?;
                (c.news, c.sentiment)
            }
            Self::Options(v) => (st.upsert_options(v, cp)?, UpsertCounts::default()),
        })
    }
}
