//! Option chains: the use cases over stored option snapshots.
//!
//! - [`import`]: an option chain file (a yfinance snapshot, LEAN option quote or trade bars)
//!   into the store, merged over the snapshots already there, with the findings reading made.
//! - [`scan`]: the arbitrage scan over stored snapshots (`upkeep::arbitrage`), runs recorded.

pub mod import;
pub mod scan;
