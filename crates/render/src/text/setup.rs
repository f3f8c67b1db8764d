//! Agents and stored keys.

use std::path::Path;

use app::agents::{AgentCheck, AgentListing};
use vault::{AuditEntry, KeyInfo};

use crate::{Text, table};

/// `agent list`: one row per file, its error in place of its strategy when it does not load.
pub fn agents(t: &mut Text, rows: &[AgentListing], dir: &Path) {
    if rows.is_empty() {
        t.line(format!(
            "no agents in {}; `ztrade agent new ID --strategy KIND` writes one, \
             `ztrade demo` writes samples",
            dir.display()
        ));
        return;
    }
    let body = rows.iter().map(|r| match &r.error {
        None => vec![
            r.id.clone().unwrap_or_default(),
            r.symbols.join(","),
            r.timeframe.clone().unwrap_or_default(),
            r.strategy
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_default(),
        ],
        Some(e) => vec![
            r.file.display().to_string(),
            String::new(),
            String::new(),
            format!("ERROR {e}"),
        ],
    });
    t.line(table(&["id", "symbols", "timeframe", "strategy"], body).to_string());
}

/// `keys list`: names and dates only; a secret is never read here.
pub fn keys(t: &mut Text, keys: &[KeyInfo]) {
    if keys.is_empty() {
        t.line("no keys stored; add some with `ztrade keys set alpaca|polygon`");
        return;
    }
    let rows = keys.iter().map(|k| {
        vec![
            k.provider.to_string(),
            k.name.clone(),
            k.created_at.to_rfc3339(),
            k.rotated_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ]
    });
    t.line(table(&["provider", "key", "created", "rotated"], rows).to_string());
}

/// `keys audit`.
pub fn key_audit(t: &mut Text, log: &[AuditEntry]) {
    let rows = log.iter().map(|a| {
        vec![
            a.at.to_rfc3339(),
            a.provider.map(|p| p.to_string()).unwrap_or_default(),
            a.action.as_str().to_string(),
        ]
    });
    t.line(table(&["at", "provider", "action"], rows).to_string());
}

/// `agent validate`: one line per agent file.
pub fn agent_checks(t: &mut Text, checks: &[AgentCheck]) {
    for c in checks {
        t.line(match &c.error {
            None => format!("ok     {}", c.agent),
            Some(e) => format!("error  {e}"),
        });
    }
}
