//! Market data in and out of the store.
//!
//! - [`import`]: a CSV file read whole and checked ([`formats::import`]), then stored in one
//!   transaction: a refused file stores nothing.
//! - [`export`]: one series to CSV, JSON or Parquet.
//! - [`seed`]: deterministic synthetic bars and sentiment.
//! - [`status`]: rows, range and missing bars of every stored series.

pub mod export;
pub mod import;
pub mod seed;
pub mod status;
