//! API keys at rest.
//!
//! - [`secret`]: [`Secret`] (prints as `***`, wiped on drop) and [`Credentials`], what each
//!   provider needs: Alpaca a key id and a secret key, Polygon one API key.
//! - [`master`]: the [`MasterKey`] from `ZTRADE_MASTER_KEY` or a 0600 key file, and Argon2id
//!   [`KdfParams`].
//! - [`store`]: the [`SecretStore`] trait the database backends implement (tables `key_vault`,
//!   `api_keys`, `key_audit`; store migration 0006), and [`MemorySecretStore`] for tests.
//! - [`vault`]: [`KeyVault`], set / list / rotate / delete / get, each writing an audit row.
//! - [`db`]: [`StoreSecrets`], the [`SecretStore`] over the store's key tables, and
//!   [`vault_lookup`], stored keys layered under the environment.
//! - [`env`]: `APCA_API_KEY_ID`, `APCA_API_SECRET_KEY` and `POLYGON_API_KEY` take precedence
//!   over stored keys.
//! - [`error`]: [`VaultError`]; no message ever contains a secret.
//!
//! Each secret is sealed with AES-256-GCM under its own random 96-bit nonce, with
//! `provider/name` as associated data so a ciphertext cannot be moved to another row. The vault
//! header stores the Argon2 salt and parameters plus a sealed check value: opening with another
//! master key fails on that check with [`VaultError::MasterKeyMismatch`] instead of yielding
//! garbage.

pub mod db;
pub mod env;
pub mod error;
pub mod master;
pub mod secret;
pub mod store;
pub mod vault;

#[cfg(test)]
mod vault_tests;

#[cfg(test)]
mod sql_tests;

pub use db::{Lookup, StoreSecrets, vault_lookup};
pub use env::{KeySource, Resolved, credentials_from_env, resolve};
pub use error::{StorageError, VaultError};
pub use master::{KdfParams, MASTER_KEY_ENV, MasterKey};
pub use secret::{Credentials, Secret};
pub use store::{
    AuditAction, AuditEntry, KeyInfo, MemorySecretStore, SealedSecret, SecretStore, VaultHeader,
};
pub use vault::KeyVault;
