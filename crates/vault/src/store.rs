//! Where sealed keys live. The collector's `StoreSecrets` implements [`SecretStore`] over the
//! tables in the store's migration 0006 (`key_vault`, `api_keys`, `key_audit`), on SQLite and
//! PostgreSQL; [`MemorySecretStore`] backs the tests. A store only ever sees ciphertext.

use std::collections::BTreeMap;

use domain::{Provider, UnixNanos};
use serde::{Deserialize, Serialize};

use crate::error::StorageError;
use crate::master::KdfParams;

/// One row of `key_vault`: how the AES key is derived and a sealed check value that proves a
/// master key is the right one before any secret is touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultHeader {
    pub kdf: String,
    pub salt: Vec<u8>,
    pub params: KdfParams,
    pub check_nonce: [u8; 12],
    pub check: Vec<u8>,
    pub created_at: UnixNanos,
}

/// One row of `api_keys`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSecret {
    pub provider: Provider,
    pub name: String,
    pub nonce: [u8; 12],
    pub ciphertext: Vec<u8>,
    pub created_at: UnixNanos,
    pub rotated_at: Option<UnixNanos>,
}

/// What `keys list` shows: never the secret, nor its ciphertext.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInfo {
    pub provider: Provider,
    pub name: String,
    pub created_at: UnixNanos,
    pub rotated_at: Option<UnixNanos>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Set,
    Rotate,
    Delete,
    List,
    /// Keys were decrypted for use.
    Read,
    /// A master key was refused.
    Denied,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Set => "set",
            Self::Rotate => "rotate",
            Self::Delete => "delete",
            Self::List => "list",
            Self::Read => "read",
            Self::Denied => "denied",
        }
    }
}

/// One row of `key_audit`. `provider` is `None` for vault-wide actions (list, denied).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: UnixNanos,
    pub provider: Option<Provider>,
    pub action: AuditAction,
}

/// Storage for sealed keys. Each method is one transaction; `put` and `delete` write their
/// audit row in the same transaction, so a key never changes without a trace.
pub trait SecretStore {
    fn header(&self) -> Result<Option<VaultHeader>, StorageError>;
    /// Writes the header of a new vault. Fails if one exists (a second header would orphan
    /// every stored key).
    fn init_header(&mut self, header: &VaultHeader) -> Result<(), StorageError>;
    /// Replaces all rows of `provider` with `rows`.
    fn put(
        &mut self,
        provider: Provider,
        rows: &[SealedSecret],
        audit: &AuditEntry,
    ) -> Result<(), StorageError>;
    /// Rows of `provider`, ordered by name.
    fn get(&self, provider: Provider) -> Result<Vec<SealedSecret>, StorageError>;
    /// Every stored key, ordered by provider and name.
    fn list(&self) -> Result<Vec<KeyInfo>, StorageError>;
    /// Deletes the rows of `provider`; returns how many there were.
    fn delete(&mut self, provider: Provider, audit: &AuditEntry) -> Result<usize, StorageError>;
    fn audit(&mut self, entry: &AuditEntry) -> Result<(), StorageError>;
    /// The audit trail, oldest first.
    fn audit_log(&self) -> Result<Vec<AuditEntry>, StorageError>;
}

/// A vault can borrow its store, so the caller keeps it after the vault is dropped.
impl<S: SecretStore + ?Sized> SecretStore for &mut S {
    fn header(&self) -> Result<Option<VaultHeader>, StorageError> {
        (**self).header()
    }
    fn init_header(&mut self, header: &VaultHeader) -> Result<(), StorageError> {
        (**self).init_header(header)
    }
    fn put(
        &mut self,
        provider: Provider,
        rows: &[SealedSecret],
        audit: &AuditEntry,
    ) -> Result<(), StorageError> {
        (**self).put(provider, rows, audit)
    }
    fn get(&self, provider: Provider) -> Result<Vec<SealedSecret>, StorageError> {
        (**self).get(provider)
    }
    fn list(&self) -> Result<Vec<KeyInfo>, StorageError> {
        (**self).list()
    }
    fn delete(&mut self, provider: Provider, audit: &AuditEntry) -> Result<usize, StorageError> {
        (**self).delete(provider, audit)
    }
    fn audit(&mut self, entry: &AuditEntry) -> Result<(), StorageError> {
        (**self).audit(entry)
    }
    fn audit_log(&self) -> Result<Vec<AuditEntry>, StorageError> {
        (**self).audit_log()
    }
}

/// An in-memory [`SecretStore`] for tests and dry runs.
#[derive(Debug, Default, Clone)]
pub struct MemorySecretStore {
    header: Option<VaultHeader>,
    rows: BTreeMap<(Provider, String), SealedSecret>,
    audit: Vec<AuditEntry>,
}

impl MemorySecretStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every byte the store holds, as a database file would: for tests that look for secrets
    /// in the clear.
    pub fn dump(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(h) = &self.header {
            out.extend_from_slice(h.kdf.as_bytes());
            out.extend_from_slice(&h.salt);
            out.extend_from_slice(&h.check_nonce);
            out.extend_from_slice(&h.check);
        }
        for r in self.rows.values() {
            out.extend_from_slice(r.provider.as_str().as_bytes());
            out.extend_from_slice(r.name.as_bytes());
            out.extend_from_slice(&r.nonce);
            out.extend_from_slice(&r.ciphertext);
        }
        out.extend_from_slice(format!("{:?}", self.audit).as_bytes());
        out
    }

    /// Direct access for tamper tests.
    pub fn rows_mut(&mut self) -> impl Iterator<Item = &mut SealedSecret> {
        self.rows.values_mut()
    }
}

impl SecretStore for MemorySecretStore {
    fn header(&self) -> Result<Option<VaultHeader>, StorageError> {
        Ok(self.header.clone())
    }

    fn init_header(&mut self, header: &VaultHeader) -> Result<(), StorageError> {
        if self.header.is_some() {
            return Err(StorageError::msg("the key vault already has a header"));
        }
        self.header = Some(header.clone());
        Ok(())
    }

    fn put(
        &mut self,
        provider: Provider,
        rows: &[SealedSecret],
        audit: &AuditEntry,
    ) -> Result<(), StorageError> {
        if let Some(r) = rows.iter().find(|r| r.provider != provider) {
            return Err(StorageError::msg(format!(
                "row {}/{} offered under {provider}",
                r.provider, r.name
            )));
        }
        self.rows.retain(|(p, _), _| *p != provider);
        for r in rows {
            self.rows.insert((provider, r.name.clone()), r.clone());
        }
        self.audit.push(*audit);
        Ok(())
    }

    fn get(&self, provider: Provider) -> Result<Vec<SealedSecret>, StorageError> {
        Ok(self
            .rows
            .range((provider, String::new())..)
            .take_while(|((p, _), _)| *p == provider)
            .map(|(_, r)| r.clone())
            .collect())
    }

    fn list(&self) -> Result<Vec<KeyInfo>, StorageError> {
        Ok(self
            .rows
            .values()
            .map(|r| KeyInfo {
                provider: r.provider,
                name: r.name.clone(),
                created_at: r.created_at,
                rotated_at: r.rotated_at,
            })
            .collect())
    }

    fn delete(&mut self, provider: Provider, audit: &AuditEntry) -> Result<usize, StorageError> {
        let before = self.rows.len();
        self.rows.retain(|(p, _), _| *p != provider);
        self.audit.push(*audit);
        Ok(before - self.rows.len())
    }

    fn audit(&mut self, entry: &AuditEntry) -> Result<(), StorageError> {
        self.audit.push(*entry);
        Ok(())
    }

    fn audit_log(&self) -> Result<Vec<AuditEntry>, StorageError> {
        Ok(self.audit.clone())
    }
}
