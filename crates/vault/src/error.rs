//! What can go wrong with keys, split by what the user can do about it. Messages name the
//! provider, field, file or variable, never a secret value.

use std::path::PathBuf;

use domain::Provider;
use thiserror::Error;

/// A failure inside a [`crate::SecretStore`] backend (SQL error, IO…).
#[derive(Debug, Error)]
#[error("key storage: {0}")]
pub struct StorageError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

impl StorageError {
    pub fn msg(text: impl Into<String>) -> Self {
        Self(text.into().into())
    }
}

#[derive(Debug, Error)]
pub enum VaultError {
    #[error("master key does not match the one these keys were stored with")]
    MasterKeyMismatch,
    #[error(
        "no master key: set {var} or pass a key file",
        var = crate::vars::ZTRADE_MASTER_KEY
    )]
    NoMasterKey,
    #[error("master key from {origin} is too short: {len} bytes, at least {min} needed")]
    WeakMasterKey {
        origin: String,
        len: usize,
        min: usize,
    },
    #[error("cannot read key file {}: {source}", path.display())]
    KeyFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "key file {} has permissions {mode:04o}; it must be 0600 (run `chmod 600 {}`)",
        path.display(),
        path.display()
    )]
    KeyFilePermissions { path: PathBuf, mode: u32 },
    #[error("{provider} {field}: {reason}")]
    InvalidSecret {
        provider: Provider,
        field: &'static str,
        reason: &'static str,
    },
    #[error("{provider} keys are already stored; use `keys rotate {provider}` to replace them")]
    AlreadyStored { provider: Provider },
    #[error("no {provider} keys are stored")]
    NotStored { provider: Provider },
    #[error("{present} is set but {missing} is not; set both or neither")]
    EnvIncomplete {
        present: &'static str,
        missing: &'static str,
    },
    #[error("stored key {provider}/{name} is damaged: {reason}")]
    Corrupt {
        provider: Provider,
        name: String,
        reason: String,
    },
    #[error("the key vault uses {kdf:?}, which this binary does not know")]
    UnsupportedVault { kdf: String },
    #[error("key derivation: {0}")]
    Kdf(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}
