//! The master key and the Argon2id derivation of the AES key from it.
//!
//! The master key comes from a key file (when one is given, it wins) or from
//! `ZTRADE_MASTER_KEY`. A key file must not be readable by group or others: a world-readable
//! master key would make the encryption decorative, so we refuse it rather than warn.

use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::VaultError;
use crate::vars::ZTRADE_MASTER_KEY;

/// Short keys make Argon2's work factor the only defence; 8 bytes is a floor, not advice.
const MIN_MASTER_KEY_LEN: usize = 8;

/// The name of the KDF recorded in the vault header; a vault with another one is refused.
pub const KDF_NAME: &str = "argon2id-v19";

/// The master key's bytes, zeroed on drop; Debug prints `***`.
pub struct MasterKey(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

impl MasterKey {
    /// `origin` names where the bytes came from, for the error message.
    pub fn from_bytes(bytes: Vec<u8>, origin: &str) -> Result<Self, VaultError> {
        let bytes = Zeroizing::new(bytes);
        if bytes.len() < MIN_MASTER_KEY_LEN {
            return Err(VaultError::WeakMasterKey {
                origin: origin.to_string(),
                len: bytes.len(),
                min: MIN_MASTER_KEY_LEN,
            });
        }
        Ok(Self(bytes))
    }

    /// `Ok(None)` when the variable is unset.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, VaultError> {
        env(ZTRADE_MASTER_KEY)
            .map(|v| Self::from_bytes(v.into_bytes(), ZTRADE_MASTER_KEY))
            .transpose()
    }

    /// Reads a key file, refusing one that group or others may read or write. One trailing
    /// newline is dropped, so `echo KEY > file` works.
    pub fn from_file(path: &Path) -> Result<Self, VaultError> {
        let io = |source| VaultError::KeyFile {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if !meta.is_file() {
            return Err(io(std::io::Error::other("not a regular file")));
        }
        check_permissions(path, &meta)?;
        let mut bytes = Zeroizing::new(std::fs::read(path).map_err(io)?);
        for suffix in [&b"\r\n"[..], b"\n"] {
            if bytes.ends_with(suffix) {
                let n = bytes.len() - suffix.len();
                bytes.truncate(n);
                break;
            }
        }
        Self::from_bytes(std::mem::take(&mut *bytes), &path.display().to_string())
    }

    /// The key file when one is given, else `ZTRADE_MASTER_KEY`, else [`VaultError::NoMasterKey`].
    pub fn resolve(
        key_file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, VaultError> {
        match key_file {
            Some(path) => Self::from_file(path),
            None => Self::from_env(env)?.ok_or(VaultError::NoMasterKey),
        }
    }

    /// Argon2id over the master key; the result keys AES-256-GCM.
    pub(crate) fn derive(
        &self,
        salt: &[u8],
        params: KdfParams,
    ) -> Result<Zeroizing<[u8; 32]>, VaultError> {
        let p = Params::new(params.m_cost_kib, params.t_cost, params.p_cost, Some(32))
            .map_err(|e| VaultError::Kdf(e.to_string()))?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, p)
            .hash_password_into(&self.0, salt, &mut *out)
            .map_err(|e| VaultError::Kdf(e.to_string()))?;
        Ok(out)
    }
}

#[cfg(unix)]
fn check_permissions(path: &Path, meta: &std::fs::Metadata) -> Result<(), VaultError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(VaultError::KeyFilePermissions {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_: &Path, _: &std::fs::Metadata) -> Result<(), VaultError> {
    Ok(())
}

/// Argon2id cost parameters, stored in the vault header so that a vault keeps opening after the
/// defaults change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl Default for KdfParams {
    /// OWASP's Argon2id recommendation: 19 MiB, 2 passes, 1 lane.
    fn default() -> Self {
        Self {
            m_cost_kib: 19 * 1024,
            t_cost: 2,
            p_cost: 1,
        }
    }
}

impl KdfParams {
    /// Cheap parameters for tests only; a real vault uses [`KdfParams::default`].
    pub const fn insecure_for_tests() -> Self {
        Self {
            m_cost_kib: 64,
            t_cost: 1,
            p_cost: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write_key(mode: u32, body: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(body).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(mode)).unwrap();
        }
        f
    }

    #[test]
    fn key_file_must_be_private() {
        let f = write_key(0o644, b"correct horse battery\n");
        let err = MasterKey::from_file(f.path()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("permissions 0644"), "{text}");
        assert!(text.contains("must be 0600"), "{text}");
        assert!(!text.contains("horse"), "{text}");
        let f = write_key(0o600, b"correct horse battery\n");
        let k = MasterKey::from_file(f.path()).unwrap();
        assert_eq!(&k.0[..], b"correct horse battery");
        assert_eq!(format!("{k:?}"), "MasterKey(***)");
    }

    #[test]
    fn sources_and_strength() {
        let env = |v: Option<&'static str>| {
            move |k: &str| {
                (k == ZTRADE_MASTER_KEY)
                    .then_some(v)
                    .flatten()
                    .map(String::from)
            }
        };
        assert!(matches!(
            MasterKey::resolve(None, env(None)),
            Err(VaultError::NoMasterKey)
        ));
        let err = MasterKey::resolve(None, env(Some("short"))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "master key from ZTRADE_MASTER_KEY is too short: 5 bytes, at least 8 needed"
        );
        assert!(MasterKey::resolve(None, env(Some("long enough key"))).is_ok());
        let missing = Path::new("/nonexistent/ztrade.key");
        let err = MasterKey::resolve(Some(missing), env(Some("long enough key"))).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read key file /nonexistent/ztrade.key")
        );
    }

    #[test]
    fn derivation_depends_on_key_salt_and_params() {
        let p = KdfParams::insecure_for_tests();
        let a = MasterKey::from_bytes(b"master-one".to_vec(), "t").unwrap();
        let b = MasterKey::from_bytes(b"master-two".to_vec(), "t").unwrap();
        let salt = [7u8; 16];
        assert_eq!(*a.derive(&salt, p).unwrap(), *a.derive(&salt, p).unwrap());
        assert_ne!(*a.derive(&salt, p).unwrap(), *b.derive(&salt, p).unwrap());
        assert_ne!(
            *a.derive(&salt, p).unwrap(),
            *a.derive(&[8u8; 16], p).unwrap()
        );
        let p2 = KdfParams { t_cost: 2, ..p };
        assert_ne!(*a.derive(&salt, p).unwrap(), *a.derive(&salt, p2).unwrap());
    }
}
