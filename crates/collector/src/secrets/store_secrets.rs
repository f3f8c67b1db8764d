//! [`StoreSecrets`]: [`SecretStore`] over the store's key tables (`key_vault`, `api_keys`,
//! `key_audit`, migration 0006) through its [`KeyStore`] role, SQLite or PostgreSQL. A thin
//! mapping: the store sees only ciphertext.

use domain::Provider;
use store::{ApiKeyRow, KeyAuditRow, KeyStore, StoreError, VaultHeaderRow};
use vault::{
    AuditAction, AuditEntry, KdfParams, KeyInfo, SealedSecret, SecretStore, StorageError,
    VaultHeader,
};

/// The store's key tables as a [`SecretStore`].
pub struct StoreSecrets<'a>(pub &'a mut dyn KeyStore);

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
