//! [`StoreSecrets`]: [`SecretStore`] over the store's key tables (`key_vault`, `api_keys`,
//! `key_audit`, migration 0006), so `ztrade keys` and the collector keep keys in the same
//! database as the data, SQLite or PostgreSQL. A thin mapping: the store sees only ciphertext.
//!
//! [`vault_lookup`] layers a vault's keys under the environment, in the shape
//! [`crate::worker::Clients::from_lookup`] takes.

use domain::UnixNanos;
use store::{ApiKeyRow, KeyAuditRow, Store, StoreError, VaultHeaderRow};

use crate::provider::Provider;
use crate::secrets::env::{APCA_API_KEY_ID, APCA_API_SECRET_KEY, POLYGON_API_KEY};
use crate::secrets::error::{StorageError, VaultError};
use crate::secrets::master::KdfParams;
use crate::secrets::secret::{Credentials, Secret};
use crate::secrets::store::{
    AuditAction, AuditEntry, KeyInfo, SealedSecret, SecretStore, VaultHeader,
};
use crate::secrets::vault::KeyVault;

/// A configuration lookup (variable name → value), e.g. for `Clients::from_lookup`.
pub type Lookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The store's key tables as a [`SecretStore`].
pub struct StoreSecrets<'a>(pub &'a mut dyn Store);

fn storage(e: StoreError) -> StorageError {
    StorageError(Box::new(e))
}

fn nonce(bytes: &[u8], what: &str) -> Result<[u8; 12], StorageError> {
    bytes
        .try_into()
        .map_err(|_| StorageError::msg(format!("{what} nonce is not 12 bytes")))
}

fn provider(text: &str) -> Result<Provider, StorageError> {
    Provider::parse(text).map_err(|e| StorageError(Box::new(e)))
}

fn action(text: &str) -> Result<AuditAction, StorageError> {
    use AuditAction::*;
    [Set, Rotate, Delete, List, Read, Denied]
        .into_iter()
        .find(|a| a.as_str() == text)
        .ok_or_else(|| StorageError::msg(format!("unknown audit action {text:?}")))
}

fn audit_row(a: &AuditEntry) -> KeyAuditRow {
    KeyAuditRow {
        at: a.at,
        provider: a.provider.map(|p| p.as_str().to_string()),
        action: a.action.as_str().to_string(),
    }
}

fn sealed(r: ApiKeyRow) -> Result<SealedSecret, StorageError> {
    Ok(SealedSecret {
        provider: provider(&r.provider)?,
        nonce: nonce(&r.nonce, &format!("{}/{}", r.provider, r.name))?,
        name: r.name,
        ciphertext: r.ciphertext,
        created_at: r.created_at,
        rotated_at: r.rotated_at,
    })
}

impl SecretStore for StoreSecrets<'_> {
    fn header(&self) -> Result<Option<VaultHeader>, StorageError> {
        let Some(h) = self.0.vault_header().map_err(storage)? else {
            return Ok(None);
        };
        Ok(Some(VaultHeader {
            check_nonce: nonce(&h.check_nonce, "vault check")?,
            kdf: h.kdf,
            salt: h.salt,
            params: KdfParams {
                m_cost_kib: h.m_cost_kib,
                t_cost: h.t_cost,
                p_cost: h.p_cost,
            },
            check: h.check_value,
            created_at: h.created_at,
        }))
    }

    fn init_header(&mut self, h: &VaultHeader) -> Result<(), StorageError> {
        self.0
            .init_vault_header(&VaultHeaderRow {
                kdf: h.kdf.clone(),
                salt: h.salt.clone(),
                m_cost_kib: h.params.m_cost_kib,
                t_cost: h.params.t_cost,
                p_cost: h.params.p_cost,
                check_nonce: h.check_nonce.to_vec(),
                check_value: h.check.clone(),
                created_at: h.created_at,
            })
            .map_err(storage)
    }

    fn put(
        &mut self,
        p: Provider,
        rows: &[SealedSecret],
        audit: &AuditEntry,
    ) -> Result<(), StorageError> {
        let rows: Vec<ApiKeyRow> = rows
            .iter()
            .map(|r| ApiKeyRow {
                provider: r.provider.as_str().to_string(),
                name: r.name.clone(),
                nonce: r.nonce.to_vec(),
                ciphertext: r.ciphertext.clone(),
                created_at: r.created_at,
                rotated_at: r.rotated_at,
            })
            .collect();
        self.0
            .put_api_keys(p.as_str(), &rows, &audit_row(audit))
            .map_err(storage)
    }

    fn get(&self, p: Provider) -> Result<Vec<SealedSecret>, StorageError> {
        self.0
            .api_keys(Some(p.as_str()))
            .map_err(storage)?
            .into_iter()
            .map(sealed)
            .collect()
    }

    fn list(&self) -> Result<Vec<KeyInfo>, StorageError> {
        self.0
            .api_keys(None)
            .map_err(storage)?
            .into_iter()
            .map(|r| {
                Ok(KeyInfo {
                    provider: provider(&r.provider)?,
                    name: r.name,
                    created_at: r.created_at,
                    rotated_at: r.rotated_at,
                })
            })
            .collect()
    }

    fn delete(&mut self, p: Provider, audit: &AuditEntry) -> Result<usize, StorageError> {
        self.0
            .delete_api_keys(p.as_str(), &audit_row(audit))
            .map_err(storage)
    }

    fn audit(&mut self, entry: &AuditEntry) -> Result<(), StorageError> {
        self.0.add_key_audit(&audit_row(entry)).map_err(storage)
    }

    fn audit_log(&self) -> Result<Vec<AuditEntry>, StorageError> {
        self.0
            .key_audit()
            .map_err(storage)?
            .into_iter()
            .map(|a| {
                Ok(AuditEntry {
                    at: a.at,
                    provider: a.provider.as_deref().map(provider).transpose()?,
                    action: action(&a.action)?,
                })
            })
            .collect()
    }
}

/// The provider variables (`APCA_API_KEY_ID`, `APCA_API_SECRET_KEY`, `POLYGON_API_KEY`) from
/// `env` where set, else from the vault; every other variable from `env`. Of `providers`, each
/// whose variables are all unset in `env` is read from the vault (and the read audited).
pub fn vault_lookup<S: SecretStore>(
    env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    vault: &mut KeyVault<S>,
    providers: &[Provider],
    at: UnixNanos,
) -> Result<Lookup, VaultError> {
    let set = |k: &str| env(k).is_some_and(|v| !v.trim().is_empty());
    // Held as Secrets: wiped when the lookup is dropped.
    let mut stored: Vec<(&'static str, Secret)> = Vec::new();
    if providers.contains(&Provider::Alpaca)
        && !set(APCA_API_KEY_ID)
        && !set(APCA_API_SECRET_KEY)
        && let Some(Credentials::Alpaca { key_id, secret_key }) = vault.get(Provider::Alpaca, at)?
    {
        stored.push((APCA_API_KEY_ID, key_id));
        stored.push((APCA_API_SECRET_KEY, secret_key));
    }
    if providers.contains(&Provider::Polygon)
        && !set(POLYGON_API_KEY)
        && let Some(Credentials::Polygon { api_key }) = vault.get(Provider::Polygon, at)?
    {
        stored.push((POLYGON_API_KEY, api_key));
    }
    Ok(Box::new(move |k: &str| {
        env(k).filter(|v| !v.trim().is_empty()).or_else(|| {
            stored
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.expose().to_string())
        })
    }))
}
