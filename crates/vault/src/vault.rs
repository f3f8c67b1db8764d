//! [`KeyVault`]: the operations behind `ztrade keys`, over any [`SecretStore`].

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use domain::{Provider, UnixNanos};
use zeroize::Zeroizing;

use crate::credentials::Credentials;
use crate::error::VaultError;
use crate::master::{KDF_NAME, KdfParams, MasterKey};
use crate::secret::Secret;
use crate::store::{AuditAction, AuditEntry, KeyInfo, SealedSecret, SecretStore, VaultHeader};

const CHECK_PLAINTEXT: &[u8] = b"ztrade key vault v1";
const CHECK_AAD: &[u8] = b"ztrade-vault-check";

/// An opened vault: the store plus the AES key derived from the master key.
pub struct KeyVault<S: SecretStore> {
    store: S,
    cipher: Aes256Gcm,
}

impl<S: SecretStore> std::fmt::Debug for KeyVault<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyVault(***)")
    }
}

impl<S: SecretStore> KeyVault<S> {
    /// Opens the vault in `store`, creating its header with `new_params` on first use. With
    /// another master key than the one the vault was created with, fails with
    /// [`VaultError::MasterKeyMismatch`] and records a `denied` audit row.
    pub fn open(
        mut store: S,
        master: &MasterKey,
        new_params: KdfParams,
        at: UnixNanos,
    ) -> Result<Self, VaultError> {
        let Some(header) = store.header()? else {
            let mut salt = vec![0u8; 16];
            OsRng.fill_bytes(&mut salt);
            let cipher = cipher_for(master, &salt, new_params)?;
            let check_nonce = random_nonce();
            let check = cipher
                .encrypt(
                    Nonce::from_slice(&check_nonce),
                    Payload {
                        msg: CHECK_PLAINTEXT,
                        aad: CHECK_AAD,
                    },
                )
                .map_err(|_| VaultError::Kdf("sealing the check value failed".into()))?;
            store.init_header(&VaultHeader {
                kdf: KDF_NAME.to_string(),
                salt,
                params: new_params,
                check_nonce,
                check,
                created_at: at,
            })?;
            return Ok(Self { store, cipher });
        };
        if header.kdf != KDF_NAME {
            return Err(VaultError::UnsupportedVault { kdf: header.kdf });
        }
        let cipher = cipher_for(master, &header.salt, header.params)?;
        let opened = cipher.decrypt(
            Nonce::from_slice(&header.check_nonce),
            Payload {
                msg: &header.check,
                aad: CHECK_AAD,
            },
        );
        match opened {
            Ok(plain) if plain == CHECK_PLAINTEXT => Ok(Self { store, cipher }),
            _ => {
                // The mismatch is the error the user must see; a failing audit write must not hide it.
                let _ = store.audit(&AuditEntry {
                    at,
                    provider: None,
                    action: AuditAction::Denied,
                });
                Err(VaultError::MasterKeyMismatch)
            }
        }
    }

    /// Stores keys for a provider that has none yet.
    pub fn set(&mut self, creds: &Credentials, at: UnixNanos) -> Result<(), VaultError> {
        creds.validate()?;
        let provider = creds.provider();
        if !self.store.get(provider)?.is_empty() {
            return Err(VaultError::AlreadyStored { provider });
        }
        let rows = self.seal_all(creds, |_| (at, None))?;
        let audit = entry(at, Some(provider), AuditAction::Set);
        self.store.put(provider, &rows, &audit)?;
        Ok(())
    }

    /// Replaces a provider's stored keys, keeping their creation time.
    pub fn rotate(&mut self, creds: &Credentials, at: UnixNanos) -> Result<(), VaultError> {
        creds.validate()?;
        let provider = creds.provider();
        let old = self.store.get(provider)?;
        if old.is_empty() {
            return Err(VaultError::NotStored { provider });
        }
        let first = old.iter().map(|r| r.created_at).min().unwrap_or(at);
        let rows = self.seal_all(creds, |name| {
            let created = old
                .iter()
                .find(|r| r.name == name)
                .map_or(first, |r| r.created_at);
            (created, Some(at))
        })?;
        let audit = entry(at, Some(provider), AuditAction::Rotate);
        self.store.put(provider, &rows, &audit)?;
        Ok(())
    }

    pub fn delete(&mut self, provider: Provider, at: UnixNanos) -> Result<(), VaultError> {
        if self.store.get(provider)?.is_empty() {
            return Err(VaultError::NotStored { provider });
        }
        self.store
            .delete(provider, &entry(at, Some(provider), AuditAction::Delete))?;
        Ok(())
    }

    /// Provider, name and times of every stored key; never a secret.
    pub fn list(&mut self, at: UnixNanos) -> Result<Vec<KeyInfo>, VaultError> {
        let keys = self.store.list()?;
        self.store.audit(&entry(at, None, AuditAction::List))?;
        Ok(keys)
    }

    /// Decrypts a provider's keys; `None` if none are stored. A read is audited when it
    /// returns keys.
    pub fn get(
        &mut self,
        provider: Provider,
        at: UnixNanos,
    ) -> Result<Option<Credentials>, VaultError> {
        let rows = self.store.get(provider)?;
        if rows.is_empty() {
            return Ok(None);
        }
        let mut parts = Vec::with_capacity(rows.len());
        for r in &rows {
            parts.push((r.name.clone(), self.unseal(r)?));
        }
        let creds =
            Credentials::from_parts(provider, parts).ok_or_else(|| VaultError::Corrupt {
                provider,
                name: Credentials::names(provider).join("+"),
                reason: "a required part is missing".into(),
            })?;
        self.store
            .audit(&entry(at, Some(provider), AuditAction::Read))?;
        Ok(Some(creds))
    }

    pub fn audit_log(&self) -> Result<Vec<AuditEntry>, VaultError> {
        Ok(self.store.audit_log()?)
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn into_store(self) -> S {
        self.store
    }

    fn seal_all(
        &self,
        creds: &Credentials,
        times: impl Fn(&str) -> (UnixNanos, Option<UnixNanos>),
    ) -> Result<Vec<SealedSecret>, VaultError> {
        let provider = creds.provider();
        creds
            .parts()
            .into_iter()
            .map(|(name, secret)| {
                let nonce = random_nonce();
                let aad = aad(provider, name);
                let ciphertext = self
                    .cipher
                    .encrypt(
                        Nonce::from_slice(&nonce),
                        Payload {
                            msg: secret.expose().as_bytes(),
                            aad: &aad,
                        },
                    )
                    .map_err(|_| VaultError::Kdf("AES-GCM refused to seal a key".into()))?;
                let (created_at, rotated_at) = times(name);
                Ok(SealedSecret {
                    provider,
                    name: name.to_string(),
                    nonce,
                    ciphertext,
                    created_at,
                    rotated_at,
                })
            })
            .collect()
    }

    fn unseal(&self, row: &SealedSecret) -> Result<Secret, VaultError> {
        let corrupt = |reason: &str| VaultError::Corrupt {
            provider: row.provider,
            name: row.name.clone(),
            reason: reason.to_string(),
        };
        let aad = aad(row.provider, &row.name);
        let plain = Zeroizing::new(
            self.cipher
                .decrypt(
                    Nonce::from_slice(&row.nonce),
                    Payload {
                        msg: &row.ciphertext,
                        aad: &aad,
                    },
                )
                .map_err(|_| {
                    corrupt("it fails authentication (altered, or moved from another row)")
                })?,
        );
        let text = std::str::from_utf8(&plain).map_err(|_| corrupt("it is not UTF-8"))?;
        Ok(Secret::new(text))
    }
}

fn cipher_for(master: &MasterKey, salt: &[u8], params: KdfParams) -> Result<Aes256Gcm, VaultError> {
    let key = master.derive(salt, params)?;
    Ok(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key[..])))
}

/// Salts and nonces come from the operating system's CSPRNG, never from a seeded generator.
fn random_nonce() -> [u8; 12] {
    let mut n = [0u8; 12];
    OsRng.fill_bytes(&mut n);
    n
}

/// Binds a ciphertext to its row, so swapping two rows' ciphertexts is detected.
fn aad(provider: Provider, name: &str) -> Vec<u8> {
    format!("ztrade-key-v1/{provider}/{name}").into_bytes()
}

fn entry(at: UnixNanos, provider: Option<Provider>, action: AuditAction) -> AuditEntry {
    AuditEntry {
        at,
        provider,
        action,
    }
}
