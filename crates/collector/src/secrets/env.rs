//! Environment variables take precedence over stored keys, so CI and containers can inject keys
//! without a vault, and a stored key can be overridden for one run.
//!
//! The environment is passed in as a lookup function: tests need not touch the process
//! environment (which edition 2024 makes `unsafe` to change).

use domain::UnixNanos;
use serde::Serialize;

use crate::provider::Provider;
use crate::secrets::error::VaultError;
use crate::secrets::secret::{Credentials, Secret};
use crate::secrets::store::SecretStore;
use crate::secrets::vault::KeyVault;

pub const APCA_API_KEY_ID: &str = "APCA_API_KEY_ID";
pub const APCA_API_SECRET_KEY: &str = "APCA_API_SECRET_KEY";
pub const POLYGON_API_KEY: &str = "POLYGON_API_KEY";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeySource {
    Env,
    Vault,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolved {
    pub credentials: Credentials,
    pub source: KeySource,
}

/// The provider's keys from the environment, `None` if its variables are unset. Empty values
/// count as unset. Half of Alpaca's pair is an error rather than a silent fall-back to the vault.
pub fn credentials_from_env(
    provider: Provider,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<Credentials>, VaultError> {
    let get = |k: &str| env(k).filter(|v| !v.is_empty()).map(Secret::new);
    match provider {
        Provider::Alpaca => match (get(APCA_API_KEY_ID), get(APCA_API_SECRET_KEY)) {
            (Some(id), Some(sk)) => Credentials::alpaca(id, sk).map(Some),
            (None, None) => Ok(None),
            (Some(_), None) => Err(VaultError::EnvIncomplete {
                present: APCA_API_KEY_ID,
                missing: APCA_API_SECRET_KEY,
            }),
            (None, Some(_)) => Err(VaultError::EnvIncomplete {
                present: APCA_API_SECRET_KEY,
                missing: APCA_API_KEY_ID,
            }),
        },
        Provider::Polygon => get(POLYGON_API_KEY).map(Credentials::polygon).transpose(),
    }
}

/// Environment first, then the vault (if one is open). `None` when neither has keys.
pub fn resolve<S: SecretStore>(
    provider: Provider,
    env: impl Fn(&str) -> Option<String>,
    vault: Option<&mut KeyVault<S>>,
    at: UnixNanos,
) -> Result<Option<Resolved>, VaultError> {
    if let Some(credentials) = credentials_from_env(provider, env)? {
        return Ok(Some(Resolved {
            credentials,
            source: KeySource::Env,
        }));
    }
    let Some(vault) = vault else {
        return Ok(None);
    };
    Ok(vault.get(provider, at)?.map(|credentials| Resolved {
        credentials,
        source: KeySource::Vault,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{KdfParams, MasterKey, MemorySecretStore};

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn env_wins_over_vault() {
        let master = MasterKey::from_bytes(b"test master key".to_vec(), "test").unwrap();
        let at = UnixNanos::new(1);
        let mut vault = KeyVault::open(
            MemorySecretStore::new(),
            &master,
            KdfParams::insecure_for_tests(),
            at,
        )
        .unwrap();
        vault
            .set(
                &Credentials::polygon(Secret::new("stored-poly")).unwrap(),
                at,
            )
            .unwrap();

        let r = resolve(Provider::Polygon, env_of(&[]), Some(&mut vault), at)
            .unwrap()
            .unwrap();
        assert_eq!(r.source, KeySource::Vault);
        let Credentials::Polygon { api_key } = &r.credentials else {
            panic!()
        };
        assert_eq!(api_key.expose(), "stored-poly");

        let env = env_of(&[(POLYGON_API_KEY, "env-poly")]);
        let r = resolve(Provider::Polygon, env, Some(&mut vault), at)
            .unwrap()
            .unwrap();
        assert_eq!(r.source, KeySource::Env);
        let Credentials::Polygon { api_key } = &r.credentials else {
            panic!()
        };
        assert_eq!(api_key.expose(), "env-poly");

        // Nothing anywhere for Alpaca.
        assert_eq!(
            resolve(Provider::Alpaca, env_of(&[]), Some(&mut vault), at).unwrap(),
            None
        );
        assert_eq!(
            resolve::<MemorySecretStore>(Provider::Polygon, env_of(&[]), None, at).unwrap(),
            None
        );
    }

    #[test]
    fn alpaca_needs_both_variables() {
        let env = env_of(&[(APCA_API_KEY_ID, "AKID"), (APCA_API_SECRET_KEY, "sekrit")]);
        let c = credentials_from_env(Provider::Alpaca, env)
            .unwrap()
            .unwrap();
        assert_eq!(c.provider(), Provider::Alpaca);
        let err = credentials_from_env(Provider::Alpaca, env_of(&[(APCA_API_KEY_ID, "AKID")]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "APCA_API_KEY_ID is set but APCA_API_SECRET_KEY is not; set both or neither"
        );
        // Empty counts as unset.
        let env = env_of(&[(APCA_API_KEY_ID, ""), (APCA_API_SECRET_KEY, "")]);
        assert_eq!(credentials_from_env(Provider::Alpaca, env).unwrap(), None);
    }
}
