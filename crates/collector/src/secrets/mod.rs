//! API keys in the store: [`StoreSecrets`], the [`vault::SecretStore`] over the store's key
//! tables, so `ztrade keys` and the collector keep keys in the same database as the data.
//!
//! Everything else about keys (the [`vault::Secret`] and [`vault::Credentials`] types, the
//! variables, sealing and the vault's operations) is the pure `vault` crate. This adapter lives
//! here, beside the other code that reaches the store, so `vault` needs no database and the
//! store needs no crypto.
//!
//! - [`store_secrets`]: [`StoreSecrets`], row by row.
//! - [`lookup`]: [`provider_lookup`], the environment first, then the vault.
//! - [`manage`]: `ztrade keys`' use cases (store, rotate, delete, list, audit log).
//! - `sql_tests`: the whole vault over the key tables on real SQLite and PostgreSQL.

pub mod lookup;
pub mod manage;
pub mod store_secrets;

#[cfg(test)]
mod sql_tests;

pub use lookup::{LookupError, provider_lookup};
pub use store_secrets::StoreSecrets;
