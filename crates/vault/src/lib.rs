//! API keys: what they are, where they come from, and how they are kept at rest. Pure: no
//! async runtime, database or HTTP; storage sits behind the small [`SecretStore`] trait.
//!
//! - [`vars`]: the environment variables (`APCA_API_KEY_ID`, `APCA_API_SECRET_KEY`,
//!   `POLYGON_API_KEY`, the base URLs, `ZTRADE_MASTER_KEY`), named once.
//! - [`secret`]: [`Secret`], which prints as `***` and is wiped on drop.
//! - [`credentials`]: [`AlpacaCredentials`], [`PolygonCredentials`], [`Credentials`] (one
//!   provider's keys) and [`CredentialSet`] (every provider's), read from a variable lookup.
//! - [`master`]: the [`MasterKey`] from `ZTRADE_MASTER_KEY` or a 0600 key file, and Argon2id
//!   [`KdfParams`].
//! - [`store`]: the [`SecretStore`] trait the database adapters implement (tables `key_vault`,
//!   `api_keys`, `key_audit`; store migration 0006; the collector's `StoreSecrets`), and
//!   [`MemorySecretStore`] for tests.
//! - [`vault`]: [`KeyVault`], set / list / rotate / delete / get, each writing an audit row.
//! - [`resolve`](mod@resolve): environment variables win over stored keys ([`resolve()`],
//!   [`vault_lookup`]).
//! - [`error`]: [`VaultError`]; no message ever contains a secret.
//!
//! Each secret is sealed with AES-256-GCM under its own random 96-bit nonce, with
//! `provider/name` as associated data so a ciphertext cannot be moved to another row. The vault
//! header stores the Argon2 salt and parameters plus a sealed check value: opening with another
//! master key fails on that check with [`VaultError::MasterKeyMismatch`] instead of yielding
//! garbage.

pub mod credentials;
pub mod error;
pub mod master;
pub mod resolve;
pub mod secret;
pub mod store;
pub mod vars;
pub mod vault;

#[cfg(test)]
mod vault_tests;

pub use credentials::{
    AlpacaCredentials, CredentialSet, Credentials, CredentialsError, IncompleteKeys,
    PolygonCredentials,
};
pub use error::{StorageError, VaultError};
pub use master::{KdfParams, MasterKey};
pub use resolve::{KeySource, Lookup, Resolved, credentials_from_env, resolve, vault_lookup};
pub use secret::Secret;
pub use store::{
    AuditAction, AuditEntry, KeyInfo, MemorySecretStore, SealedSecret, SecretStore, VaultHeader,
};
pub use vault::KeyVault;
