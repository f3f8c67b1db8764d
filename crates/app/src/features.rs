//! The feature store's use cases: a run's features saved with their provenance
//! ([`crate::run::features`], re-exported here) and read back for `ztrade backtest features RUN`
//! ([`show`]).

use store::{FeatureStore, StoreError, StoredFeatures};

use crate::AppError;
pub use crate::run::features::{FeatureRows, config_hash, provenance, sessions};

/// Run `run_id`'s features, for `ztrade backtest features`.
pub fn show(store: &(impl FeatureStore + ?Sized), run_id: i64) -> Result<StoredFeatures, AppError> {
    store.run_features(run_id).map_err(|e| match e {
        StoreError::NotFound(m) => AppError::NoData(format!(
            "{m}: list features in the agent (features: [vwap, rvol, …]) and run it again"
        )),
        other => AppError::Store(other),
    })
}

/// A feature's value for people: six decimal places, `-` while it warmed up.
pub fn value_text(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |x| format!("{x:.6}"))
}
