//! Option chains: the use cases over stored option snapshots.
//!
//! - [`import`]: an option chain file (a yfinance snapshot, LEAN option quote or trade bars)
//!   into the store, merged over the snapshots already there, with the findings reading made.
//! - [`chain`]: the chain at a time with ztrade's IV and greeks beside the provider's, and each
//!   expiry's forward and discount factor.
//! - [`iv`]: a CSV of options priced for scripts (`options iv FILE`).
//! - [`scan`]: the arbitrage scan over stored snapshots (`upkeep::arbitrage`), runs recorded.

pub mod chain;
pub mod import;
pub mod iv;
pub mod scan;
