//! How a command that calls a provider finds its keys: the environment first (the provider's own
//! variables), then the vault in the store for the providers the environment lacks. Without a
//! vault (or with every key in the environment) no master key is needed.

use domain::{Provider, UnixNanos};
use store::KeyStore;
use vault::vars::{APCA_API_KEY_ID, POLYGON_API_KEY};
use vault::{KdfParams, KeyVault, Lookup, MasterKey, SecretStore, VaultError, vault_lookup};

use super::StoreSecrets;

#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// Keys are stored for a provider the environment lacks, and the vault would not open.
    #[error(
        "keys are stored in the vault but cannot be opened; or set the provider's variables: {0}"
    )]
    Locked(#[source] VaultError),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

/// A lookup for provider configuration: `env`, with the keys of `providers` that it lacks taken
/// from the vault in `store` when it has them (opened with the key `master` gives, asked for only
/// then). A missing key is then reported by the provider's config, naming its variables.
pub fn provider_lookup(
    store: &mut dyn KeyStore,
    providers: &[Provider],
    env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    master: impl FnOnce() -> Result<MasterKey, VaultError>,
    now: UnixNanos,
) -> Result<Lookup, LookupError> {
    let secrets = StoreSecrets(store);
    let set = |k: &str| env(k).is_some_and(|v| !v.trim().is_empty());
    let needed: Vec<Provider> = providers
        .iter()
        .copied()
        .filter(|p| match p {
            Provider::Alpaca => !set(APCA_API_KEY_ID),
            Provider::Polygon => !set(POLYGON_API_KEY),
        })
        .collect();
    let mut stored = false;
    for p in &needed {
        stored |= !secrets.get(*p).map_err(VaultError::from)?.is_empty();
    }
    if !stored {
        return Ok(Box::new(env));
    }
    let master = master().map_err(LookupError::Locked)?;
    let mut vault = KeyVault::open(secrets, &master, KdfParams::default(), now)?;
    Ok(vault_lookup(env, &mut vault, &needed, now)?)
}
