//! The store's upkeep: the use cases that keep stored series in shape, shared by `app` (the
//! CLI's `data rollup` and `data retain`) and `collector` (the scheduled `rollup` and `retain`
//! job kinds), which do not depend on each other. Synchronous, over the store's role traits; no
//! async runtime, no network.
//!
//! - [`rollup`]: a series rolled up into longer timeframes, incrementally, batch by batch with
//!   its checkpoint.
//! - [`retain`]: retention policies: what may go (old enough, held by a coarser series, read by
//!   no stored run), dry run or delete in batches, and the space given back.
//! - [`validate`]: the data-quality report: each selected series checked with
//!   `domain::quality`, the findings stored per series in one transaction (`ztrade data
//!   validate`, and the `validate` job kind after a bars run).
//! - [`arbitrage`]: the option-chain arbitrage scan over stored snapshots, its runs of
//!   opportunities recorded (`ztrade options scan`, and the option-chain job after a snapshot).
//! - [`error`][mod@error]: [`UpkeepError`].

pub mod arbitrage;
pub mod error;
pub mod retain;
pub mod rollup;
pub mod validate;

pub use error::UpkeepError;
