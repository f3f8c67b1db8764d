//! News sentiment, offline.
//!
//! - [`lexicon`]: VADER's word list plus ztrade's finance overlay (sources and licences in
//!   `crates/sentiment/lexicon/README.md`).
//! - [`rules`]: VADER's boosters, negations, idioms and constants.
//! - [`vader`]: [`Scorer`], text → [`Score`] (compound −1..1, label, confidence).
//! - [`aggregate`](mod@aggregate): scored [`domain::NewsArticle`]s → one [`domain::SentimentRecord`] per symbol
//!   and interval, source `news`.
//! - [`agreement`]: how often two labelings agree (rate, Cohen's κ, confusion matrix), used to
//!   compare the scorer with a provider's labels.

pub mod aggregate;
pub mod agreement;
pub mod lexicon;
pub mod rules;
pub mod vader;

#[cfg(test)]
mod vader_tests;

pub use aggregate::{AggregateError, ScoredItem, aggregate, score_items};
pub use agreement::Agreement;
pub use lexicon::{Lexicon, LexiconError};
pub use vader::{NEUTRAL_BAND, Score, Scorer, label_of};
