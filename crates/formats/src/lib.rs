//! ztrade's files: what users bring in, what they take out, and made-up data for demos.
//!
//! - [`import`]: bar and quote-bar CSV files (plain or gzipped, the layouts of LEAN, Yahoo,
//!   pandas, backtrader…) into validated [`domain::Bar`]s, and trade/quote tick files
//!   ([`import::ticks`]); errors read `FILE:LINE: field: reason`.
//! - [`actions`]: corporate-action CSV files (splits and dividends) into
//!   [`domain::CorporateAction`]s, every bad line as `FILE:LINE: field: reason`.
//! - [`export`]: bars out as CSV, JSON or Parquet (readable by pandas and polars), streamed from
//!   an iterator so memory stays flat.
//! - [`synth`]: deterministic synthetic bars and sentiment on the NYSE calendar.
pub mod actions;
pub mod export;
pub mod import;
pub mod option_inputs;
pub mod synth;
