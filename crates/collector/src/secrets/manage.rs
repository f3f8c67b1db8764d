//! `ztrade keys`' use cases over the store's key tables: store or rotate a provider's keys in
//! the vault, delete them, list them (an audited read) and read the audit log. Reading the
//! keys from a terminal stays with the caller.

use domain::{Provider, UnixNanos};
use store::KeyStore;
use vault::{
    AuditAction, AuditEntry, Credentials, KdfParams, KeyInfo, KeyVault, MasterKey, SecretStore,
    VaultError,
};

use super::StoreSecrets;

fn entry(at: UnixNanos, provider: Option<Provider>, action: AuditAction) -> AuditEntry {
    AuditEntry {
        at,
        provider,
        action,
    }
}

/// Seals `creds` under `master` (creating the vault on first use); `rotate` replaces the
/// provider's keys and says so in the audit log.
pub fn store_keys(
    store: &mut dyn KeyStore,
    master: &MasterKey,
    creds: &Credentials,
    rotate: bool,
    at: UnixNanos,
) -> Result<(), VaultError> {
    let mut vault = KeyVault::open(StoreSecrets(store), master, KdfParams::default(), at)?;
    if rotate {
        vault.rotate(creds, at)
    } else {
        vault.set(creds, at)
    }
}

/// Deletes `provider`'s keys; [`VaultError::NotStored`] when it has none.
pub fn delete_keys(
    store: &mut dyn KeyStore,
    provider: Provider,
    at: UnixNanos,
) -> Result<(), VaultError> {
    let mut secrets = StoreSecrets(store);
    if secrets.get(provider)?.is_empty() {
        return Err(VaultError::NotStored { provider });
    }
    secrets.delete(provider, &entry(at, Some(provider), AuditAction::Delete))?;
    Ok(())
}

/// What keys are stored (never their values); the read is audited.
pub fn list_keys(store: &mut dyn KeyStore, at: UnixNanos) -> Result<Vec<KeyInfo>, VaultError> {
    let mut secrets = StoreSecrets(store);
    let keys = secrets.list()?;
    secrets.audit(&entry(at, None, AuditAction::List))?;
    Ok(keys)
}

pub fn audit_log(store: &mut dyn KeyStore) -> Result<Vec<AuditEntry>, VaultError> {
    Ok(StoreSecrets(store).audit_log()?)
}
