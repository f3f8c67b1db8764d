//! The market-data model every other ztrade crate speaks. Plain types, no IO.
//!
//! - [`fixed`]: exact fixed-point [`Price`], [`Quantity`] and [`Money`], parsed from text, never via f64.
//! - [`time`]: [`UnixNanos`], UTC nanoseconds, and the text formats it reads and writes.
//! - [`symbol`], [`timeframe`]: what a series is keyed by.
//! - [`bar`], [`quote_bar`], [`tick`], [`option`], [`sentiment`], [`corporate_action`]: the records, each with a
//!   validating constructor whose error names the field.
//! - [`calendar`]: the NYSE calendar (holidays, early closes, DST) that gap checks and the scheduler use.
//! - [`span`]: where a bar's period ends, and the days a stored bar may cover.
//! - [`error`]: [`DomainError`], one variant per kind of bad value, always naming the field.

pub mod bar;
pub mod calendar;
pub mod corporate_action;
pub mod error;
pub mod fixed;
pub mod option;
pub mod quote_bar;
pub mod sentiment;
pub mod span;
pub mod symbol;
pub mod tick;
pub mod time;
pub mod timeframe;

pub use bar::Bar;
pub use corporate_action::{CorporateAction, CorporateActionKind};
pub use error::DomainError;
pub use fixed::{Money, Price, Quantity};
pub use option::{OptionQuote, OptionRight};
pub use quote_bar::{Ohlc, QuoteBar};
pub use sentiment::{SentimentLabel, SentimentRecord, SentimentSource};
pub use symbol::Symbol;
pub use tick::{QuoteTick, TradeTick};
pub use time::UnixNanos;
pub use timeframe::Timeframe;
