//! `ztrade options scan`: the arbitrage scan over stored chain snapshots, its runs recorded in
//! `arbitrage_opportunities`. The use case lives in `upkeep::arbitrage`, which the collector's
//! option-chain job shares; it is re-exported here.

pub use upkeep::arbitrage::{
    ScanOutcome, ScanRequest, ScanStore, SnapshotScan, Window, scan_chain, underlying,
};

use crate::AppError;

/// [`scan_chain`] with the app's error.
pub fn scan(
    store: &mut (impl ScanStore + ?Sized),
    req: &ScanRequest,
) -> Result<ScanOutcome, AppError> {
    Ok(scan_chain(store, req)?)
}
