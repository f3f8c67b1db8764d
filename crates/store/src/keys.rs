//! Rows of the key tables (migration 0006: `key_vault`, `api_keys`, `key_audit`). The store only
//! ever holds ciphertext; sealing and opening is the `vault` crate, and `collector::secrets`
//! adapts vault's `SecretStore` trait onto [`crate::KeyStore`], whose methods take these rows.

use domain::UnixNanos;
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// The one row of `key_vault`: how the AES key is derived, and a sealed check value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultHeaderRow {
    pub kdf: String,
    pub salt: Vec<u8>,
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    pub check_nonce: Vec<u8>,
    pub check_value: Vec<u8>,
    pub created_at: UnixNanos,
}

/// One row of `api_keys`: a sealed secret. `provider` is `alpaca` or `polygon`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRow {
    pub provider: String,
    pub name: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub created_at: UnixNanos,
    pub rotated_at: Option<UnixNanos>,
}

/// One row of `key_audit`; `provider` is `None` for vault-wide actions. `action` is one of
/// set, rotate, delete, list, read, denied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyAuditRow {
    pub at: UnixNanos,
    pub provider: Option<String>,
    pub action: String,
}

/// Refuses a key row filed under another provider than the one being replaced.
pub(crate) fn check_provider(provider: &str, rows: &[ApiKeyRow]) -> Result<(), StoreError> {
    if let Some(r) = rows.iter().find(|r| r.provider != provider) {
        return Err(StoreError::Invalid(format!(
            "key {}/{} offered under {provider}",
            r.provider, r.name
        )));
    }
    Ok(())
}
