//! `backtest list`: standalone runs and sweeps, newest first, a sweep as one line however many
//! runs it holds (`backtest sweeps ID` expands it). Every line shows its parameters.

use serde::Serialize;
use store::{RunFilter, RunStore, RunSummary, StoreError, SweepSummary};

/// One line of the list.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    Run(RunSummary),
    Sweep(SweepSummary),
}

impl Entry {
    pub fn created_at(&self) -> &str {
        match self {
            Self::Run(r) => &r.created_at,
            Self::Sweep(s) => &s.created_at,
        }
    }
}

/// Up to `limit` lines, of `agent` only if given.
pub fn listing(
    store: &(impl RunStore + ?Sized),
    limit: u64,
    agent: Option<&str>,
) -> Result<Vec<Entry>, StoreError> {
    let runs = store.list_runs(&RunFilter {
        agent_id: agent.map(str::to_string),
        limit: Some(limit),
        standalone: true,
        sweep_id: None,
    })?;
    let sweeps = store
        .list_sweeps(None)?
        .into_iter()
        .filter(|s| agent.is_none_or(|a| s.agent_id == a));
    let mut all: Vec<Entry> = runs
        .into_iter()
        .map(Entry::Run)
        .chain(sweeps.map(Entry::Sweep))
        .collect();
    // RFC 3339 UTC with the same precision sorts as time.
    all.sort_by(|a, b| b.created_at().cmp(a.created_at()));
    all.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(all)
}

/// `fast=10 slow=30` from a parameters object; `–` when the run predates stored parameters.
pub fn params_text(params: Option<&serde_json::Value>) -> String {
    match params.and_then(|p| p.as_object()) {
        Some(map) if !map.is_empty() => map
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().map_or(v.to_string(), str::to_string)))
            .collect::<Vec<_>>()
            .join(" "),
        Some(_) => "none".into(),
        None => "–".into(),
    }
}
