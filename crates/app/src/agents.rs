//! The agents directory (`./agents` by default): an agent is `DIR/ID.yaml` (or `.yml`).
//!
//! - [`AgentsDir::load`]: one agent by id, with errors that name the file, line and field.
//! - [`AgentsDir::list`]: every file, parsed or with its error.
//! - [`AgentsDir::validate`]: check ids or paths (or every file) and say which are bad.

use std::path::{Path, PathBuf};

use backtest::AgentConfig;
use backtest::agent::scan_dir;
use serde::Serialize;

use crate::AppError;

#[derive(Debug, Clone)]
pub struct AgentsDir {
    pub dir: PathBuf,
}

/// One file of the directory as `agent list` shows it.
#[derive(Debug, Serialize)]
pub struct AgentListing {
    pub id: Option<String>,
    pub file: PathBuf,
    pub symbols: Vec<String>,
    pub timeframe: Option<String>,
    /// The resolved `strategy:` block.
    pub strategy: Option<serde_json::Value>,
    pub error: Option<String>,
}

/// The result of checking one agent id or file.
#[derive(Debug, Serialize)]
pub struct AgentCheck {
    pub agent: String,
    pub ok: bool,
    pub error: Option<String>,
}

impl AgentsDir {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `DIR/ID.yaml` (or `.yml`).
    pub fn load(&self, id: &str) -> Result<AgentConfig, AppError> {
        let path = ["yaml", "yml"]
            .iter()
            .map(|ext| self.dir.join(format!("{id}.{ext}")))
            .find(|p| p.exists())
            .ok_or_else(|| {
                AppError::input(format!(
                    "no agent {id:?}: {} does not exist (`ztrade agent list` shows the agents there)",
                    self.dir.join(format!("{id}.yaml")).display()
                ))
            })?;
        Ok(AgentConfig::load(&path)?)
    }

    /// Every agent file; none when the directory does not exist yet.
    pub fn list(&self) -> Result<Vec<AgentListing>, AppError> {
        if !self.dir.exists() {
            return Ok(Vec::new());
        }
        Ok(scan_dir(&self.dir)?
            .into_iter()
            .map(|(file, r)| match r {
                Ok(a) => AgentListing {
                    id: Some(a.id.clone()),
                    file,
                    symbols: a.symbols.iter().map(|s| s.to_string()).collect(),
                    timeframe: Some(a.timeframe.to_string()),
                    strategy: Some(a.to_json()["strategy"].clone()),
                    error: None,
                },
                Err(e) => AgentListing {
                    id: None,
                    file,
                    symbols: Vec::new(),
                    timeframe: None,
                    strategy: None,
                    error: Some(e.to_string()),
                },
            })
            .collect())
    }

    /// Writes `DIR/ID.yaml` (creating the directory), refusing to replace a file unless `force`.
    pub fn create(&self, id: &str, text: &str, force: bool) -> Result<PathBuf, AppError> {
        let path = self.dir.join(format!("{id}.yaml"));
        if !force && path.exists() {
            return Err(AppError::input(format!(
                "{} exists; --force replaces it",
                path.display()
            )));
        }
        let io = |e: std::io::Error| AppError::input(format!("{}: {e}", path.display()));
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        std::fs::write(&path, text).map_err(io)?;
        Ok(path)
    }

    /// Checks `targets` (agent ids, or paths ending in .yaml/.yml), or every file of the
    /// directory when there are none.
    pub fn validate(&self, targets: &[String]) -> Result<Vec<AgentCheck>, AppError> {
        let check = |agent: String, r: Result<(), String>| AgentCheck {
            agent,
            ok: r.is_ok(),
            error: r.err(),
        };
        if targets.is_empty() {
            return Ok(scan_dir(&self.dir)?
                .into_iter()
                .map(|(p, r)| {
                    check(
                        p.display().to_string(),
                        r.map(|_| ()).map_err(|e| e.to_string()),
                    )
                })
                .collect());
        }
        Ok(targets
            .iter()
            .map(|t| {
                let r = if is_yaml_path(t) {
                    AgentConfig::load(t).map(|_| ()).map_err(|e| e.to_string())
                } else {
                    self.load(t).map(|_| ()).map_err(|e| e.to_string())
                };
                check(t.clone(), r)
            })
            .collect())
    }
}

fn is_yaml_path(t: &str) -> bool {
    matches!(
        Path::new(t).extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}
