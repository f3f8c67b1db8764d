//! `ztrade keys set|list|rotate|delete|audit`: provider API keys, encrypted in the store.
//!
//! Secrets are read without echo on a terminal (rpassword), or one per line from stdin
//! otherwise (Alpaca: key id, then secret key). They are sealed with AES-256-GCM under a key
//! derived (Argon2id) from the master key: `--key-file` (mode 0600) or `ZTRADE_MASTER_KEY`.
//! Nothing here prints, logs or serializes a secret; every operation writes an audit row.
//! `list`, `delete` and `audit` need no master key: they never decrypt.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use collector::Provider;
use collector::secrets::StoreSecrets;
use domain::UnixNanos;
use vault::{
    AuditAction, AuditEntry, Credentials, KdfParams, KeyVault, MasterKey, Secret, SecretStore,
    VaultError,
};

use super::provider_keys::{MasterArgs, ProviderArg, master_key};
use super::{GlobalArgs, Open};
use crate::output;

#[derive(Debug, Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    command: KeysCommand,
    #[command(flatten)]
    master: MasterArgs,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Store a provider's keys (prompted without echo, or read from stdin one per line).
    Set {
        /// Whose keys: alpaca or polygon.
        provider: ProviderArg,
    },
    /// Provider, key names and when they were stored and rotated; never the secrets.
    List,
    /// Replace a provider's stored keys (same input as `set`).
    Rotate {
        /// Whose keys: alpaca or polygon.
        provider: ProviderArg,
    },
    /// Remove a provider's stored keys.
    Delete {
        /// Whose keys: alpaca or polygon.
        provider: ProviderArg,
    },
    /// The audit trail: what was done to which provider's keys, and when.
    Audit,
}

fn now() -> UnixNanos {
    collector::runtime::Clock::System.now()
}

pub fn run(args: KeysArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let mut store = g.open(Open::Migrated)?;
    let at = now();
    let (provider, action) = match args.command {
        KeysCommand::Set { provider } | KeysCommand::Rotate { provider } => {
            let rotate = matches!(args.command, KeysCommand::Rotate { .. });
            let p = Provider::from(provider);
            let creds = read_credentials(p)?;
            let master = master_key(args.master.key_file.as_deref())?;
            let mut vault = open_vault(store.as_mut(), &master, at)?;
            if rotate {
                vault.rotate(&creds, at)?;
            } else {
                vault.set(&creds, at)?;
            }
            (p, if rotate { "rotated" } else { "stored" })
        }
        KeysCommand::Delete { provider } => {
            let p = Provider::from(provider);
            let mut secrets = StoreSecrets(store.as_mut());
            if secrets.get(p)?.is_empty() {
                return Err(VaultError::NotStored { provider: p }.into());
            }
            secrets.delete(p, &entry(at, Some(p), AuditAction::Delete))?;
            (p, "deleted")
        }
        KeysCommand::List => return list(store.as_mut(), at, g.json),
        KeysCommand::Audit => return audit(store.as_mut(), g.json),
    };
    let done = serde_json::json!({ "provider": provider, "action": action });
    output::reply(g.json, &done, |t, _| {
        t.line(format!("{action} {provider} keys in {}", store.location()))
    })
}

fn entry(at: UnixNanos, provider: Option<Provider>, action: AuditAction) -> AuditEntry {
    AuditEntry {
        at,
        provider,
        action,
    }
}

fn list(store: &mut dyn store::KeyStore, at: UnixNanos, json: bool) -> anyhow::Result<()> {
    let mut secrets = StoreSecrets(store);
    let keys = secrets.list()?;
    secrets.audit(&entry(at, None, AuditAction::List))?;
    output::reply(json, &keys, |t, k| render::text::keys(t, k))
}

fn audit(store: &mut dyn store::KeyStore, json: bool) -> anyhow::Result<()> {
    let log = StoreSecrets(store).audit_log()?;
    output::reply(json, &log, |t, l| render::text::key_audit(t, l))
}

fn open_vault<'a>(
    store: &'a mut dyn store::KeyStore,
    master: &MasterKey,
    at: UnixNanos,
) -> anyhow::Result<KeyVault<StoreSecrets<'a>>> {
    Ok(KeyVault::open(
        StoreSecrets(store),
        master,
        KdfParams::default(),
        at,
    )?)
}

/// The provider's secrets: prompted without echo on a terminal, else one per line on stdin.
fn read_credentials(p: Provider) -> anyhow::Result<Credentials> {
    let names: &[&str] = match p {
        Provider::Alpaca => &["Alpaca key id", "Alpaca secret key"],
        Provider::Polygon => &["Polygon API key"],
    };
    let mut values = Vec::with_capacity(names.len());
    if std::io::stdin().is_terminal() {
        for n in names {
            let v = rpassword::prompt_password(format!("{n}: "))
                .with_context(|| format!("reading the {n}"))?;
            values.push(Secret::new(v.trim()));
        }
    } else {
        let stdin = std::io::stdin();
        let mut lines = stdin.lock();
        for n in names {
            let mut line = String::new();
            lines
                .read_line(&mut line)
                .with_context(|| format!("reading the {n} from stdin"))?;
            if line.trim().is_empty() {
                bail!("stdin ended before the {n} (give one value per line)");
            }
            values.push(Secret::new(line.trim()));
        }
    }
    let mut v = values.into_iter();
    let mut next = || v.next().expect("one value per name");
    Ok(match p {
        Provider::Alpaca => Credentials::alpaca(next(), next())?,
        Provider::Polygon => Credentials::polygon(next())?,
    })
}
