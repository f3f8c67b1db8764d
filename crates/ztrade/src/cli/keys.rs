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
use collector::secrets::manage;
use domain::UnixNanos;
use vault::{Credentials, Secret};

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
            manage::store_keys(store.as_mut(), &master, &creds, rotate, at)?;
            (p, if rotate { "rotated" } else { "stored" })
        }
        KeysCommand::Delete { provider } => {
            manage::delete_keys(store.as_mut(), Provider::from(provider), at)?;
            (Provider::from(provider), "deleted")
        }
        KeysCommand::List => {
            let keys = manage::list_keys(store.as_mut(), at)?;
            return output::reply(g.json, &keys, |t, k| render::text::keys(t, k));
        }
        KeysCommand::Audit => {
            let log = manage::audit_log(store.as_mut())?;
            return output::reply(g.json, &log, |t, l| render::text::key_audit(t, l));
        }
    };
    let done = serde_json::json!({ "provider": provider, "action": action });
    output::reply(g.json, &done, |t, _| {
        t.line(format!("{action} {provider} keys in {}", store.location()))
    })
}

/// The provider's secrets: prompted without echo on a terminal, else one per line on stdin.
fn read_credentials(p: Provider) -> anyhow::Result<Credentials> {
    let (terminal, stdin) = (std::io::stdin().is_terminal(), std::io::stdin());
    let mut answers = Vec::new();
    for n in Credentials::prompts(p) {
        let mut line = String::new();
        match terminal {
            true => {
                line = rpassword::prompt_password(format!("{n}: "))
                    .with_context(|| format!("reading the {n}"))?
            }
            false => {
                _ = stdin
                    .lock()
                    .read_line(&mut line)
                    .with_context(|| format!("reading the {n} from stdin"))?
            }
        }
        if line.trim().is_empty() {
            bail!("no {n} was given (on stdin, give one value per line)");
        }
        answers.push(Secret::new(line.trim()));
    }
    Ok(Credentials::from_answers(p, answers)?)
}
