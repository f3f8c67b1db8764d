//! Environment variables take precedence over stored keys, so CI and containers can inject keys
//! without a vault, and a stored key can be overridden for one run.
//!
//! - [`resolve`]: one provider's keys, from the environment or else the vault, with their
//!   [`KeySource`].
//! - [`vault_lookup`]: a whole configuration [`Lookup`] (what the provider clients read) with
//!   stored keys layered under the environment.
//!
//! The environment is passed in as a lookup function: tests need not touch the process
//! environment (which edition 2024 makes `unsafe` to change).

use domain::{Provider, UnixNanos};
use serde::Serialize;

use crate::credentials::Credentials;
use crate::error::VaultError;
use crate::secret::Secret;
use crate::store::SecretStore;
use crate::vault::KeyVault;

/// A configuration lookup (variable name → value), e.g. for the collector's client set.
pub type Lookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

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

/// The provider's keys from the environment ([`Credentials::from_lookup`]), validated; `None` if
/// its variables are unset. Half of Alpaca's pair is an error rather than a silent fall-back to
/// the vault.
pub fn credentials_from_env(
    provider: Provider,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<Credentials>, VaultError> {
    let found = Credentials::from_lookup(provider, env).map_err(|e| VaultError::EnvIncomplete {
        present: e.present,
        missing: e.missing,
    })?;
    if let Some(c) = &found {
        c.validate()?;
    }
    Ok(found)
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

/// The provider variables ([`Credentials::variables`]) from `env` where set, else from the
/// vault; every other variable from `env`. Of `providers`, each whose variables are all unset
/// in `env` is read from the vault (and the read audited).
pub fn vault_lookup<S: SecretStore>(
    env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    vault: &mut KeyVault<S>,
    providers: &[Provider],
    at: UnixNanos,
) -> Result<Lookup, VaultError> {
    let set = |k: &str| env(k).is_some_and(|v| !v.trim().is_empty());
    // Held as Secrets: wiped when the lookup is dropped.
    let mut stored: Vec<(&'static str, Secret)> = Vec::new();
    for p in Provider::ALL {
        let variables = Credentials::variables(p);
        if !providers.contains(&p) || variables.iter().any(|v| set(v)) {
            continue;
        }
        if let Some(creds) = vault.get(p, at)? {
            let secrets = creds.parts().into_iter().map(|(_, s)| s.clone());
            stored.extend(variables.iter().copied().zip(secrets));
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::PolygonCredentials;
    use crate::vars::{APCA_API_KEY_ID, APCA_API_SECRET_KEY, POLYGON_API_KEY};
    use crate::{KdfParams, MasterKey, MemorySecretStore};

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
        let Credentials::Polygon(PolygonCredentials { api_key }) = &r.credentials else {
            panic!()
        };
        assert_eq!(api_key.expose(), "stored-poly");

        let env = env_of(&[(POLYGON_API_KEY, "env-poly")]);
        let r = resolve(Provider::Polygon, env, Some(&mut vault), at)
            .unwrap()
            .unwrap();
        assert_eq!(r.source, KeySource::Env);
        let Credentials::Polygon(PolygonCredentials { api_key }) = &r.credentials else {
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
