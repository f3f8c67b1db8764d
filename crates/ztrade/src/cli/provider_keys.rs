//! Provider keys as the commands that call a provider find them (`data backfill`, `collect`,
//! `worker`) and as `keys` manages them: the master key's source, the provider flag, and
//! [`provider_lookup`]: the environment first, then the vault in the store.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use collector::Provider;
use collector::secrets::LookupError;
use vault::{Lookup, MasterKey, VaultError};

const NO_MASTER_KEY: &str =
    "no master key: set ZTRADE_MASTER_KEY or pass --key-file (a file of mode 0600)";

/// Where the master key comes from.
#[derive(Debug, Args, Clone, Default)]
pub struct MasterArgs {
    /// File holding the master key (must be mode 0600). Without it, $ZTRADE_MASTER_KEY.
    #[arg(
        long,
        global = true,
        env = "ZTRADE_MASTER_KEY_FILE",
        value_name = "PATH"
    )]
    pub key_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProviderArg {
    Alpaca,
    Polygon,
}

impl From<ProviderArg> for Provider {
    fn from(p: ProviderArg) -> Self {
        match p {
            ProviderArg::Alpaca => Provider::Alpaca,
            ProviderArg::Polygon => Provider::Polygon,
        }
    }
}

/// The master key from `key_file`, else `ZTRADE_MASTER_KEY`.
pub fn master_key(key_file: Option<&Path>) -> anyhow::Result<MasterKey> {
    MasterKey::resolve(key_file, |k| std::env::var(k).ok()).map_err(|e| match e {
        VaultError::NoMasterKey => anyhow::anyhow!(NO_MASTER_KEY),
        other => other.into(),
    })
}

/// Keys of `providers`: the environment, then the vault in `store` (see
/// `collector::secrets::provider_lookup`), the master key from `key_file` or the environment.
pub fn provider_lookup(
    store: &mut dyn store::KeyStore,
    key_file: Option<&Path>,
    providers: &[Provider],
) -> anyhow::Result<Lookup> {
    let key_file = key_file.map(Path::to_path_buf);
    collector::secrets::provider_lookup(
        store,
        providers,
        |k: &str| std::env::var(k).ok(),
        move || MasterKey::resolve(key_file.as_deref(), |k| std::env::var(k).ok()),
        collector::runtime::Clock::System.now(),
    )
    .map_err(|e| match e {
        LookupError::Locked(VaultError::NoMasterKey) => anyhow::anyhow!(
            "keys are stored in the vault but cannot be opened; or set the provider's variables: {NO_MASTER_KEY}"
        ),
        other => other.into(),
    })
}
