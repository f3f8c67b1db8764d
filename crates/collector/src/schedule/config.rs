//! Stage one of `collect --config FILE`: read the file (TOML or YAML, by extension) and the
//! agent files into raw, unvalidated values. Only syntax and unknown keys fail here, with the
//! parser's line; [`crate::schedule::plan`] validates the values without IO.
//!
//! ```toml
//! symbols = ["SPY", "QQQ"]
//! agents_dir = "agents"          # optional; relative to this file; each *.yaml's `symbols:` is added
//!
//! [[jobs]]
//! kind = "bars"                  # bars | news | options
//! provider = "alpaca"            # alpaca | polygon
//! every = "1m"                   # default 1m for bars, 15m for news; required for options
//! timeframe = "1m"               # bars only, default 1m
//! lookback = "15m"               # bars only: each run re-fetches this window (default 15m)
//! hours = "market"               # market | always; default market, except news: always
//!
//! rollup = ["5m", "1h", "1d"]     # bars only: after each run, roll the series up (upkeep::rollup)
//! rollup_hours = "regular"       # bars only: regular (default) or extended
//! validate = true                # bars only: after each run (and its roll-up), check its quality
//! retain = true                  # bars only: after each run (and its roll-up), apply `retention`
//!
//! [[jobs]]
//! kind = "news"
//! provider = "alpaca"
//! sentiment = "15m"              # news only: aggregate sentiment per interval, or false
//!
//! [[jobs]]
//! kind = "options"
//! provider = "alpaca"
//! every = "30m"
//! strike_range = "20%"           # options only: ± around the underlying's last stored close
//!                                # (default 20%; "all" fetches every strike)
//! expiry_days = 60               # options only: expiries from today to today + N (New York)
//! scan = true                    # options only: after each snapshot, the arbitrage scan
//!                                # (upkeep::arbitrage), its runs recorded; default false
//! scan_fees_per_contract = "0.65" # per leg (default 0.65)
//! scan_min_edge = "0"            # edge per set after fees must be above this (default 0)
//! scan_rate = 0.05               # the fallback rate for an expiry with no parity fit (0.05)
//!
//! [[jobs]]
//! kind = "retain"                # retention on its own schedule; no provider
//! every = "1d"                   # default 1d (New York midnight); hours default always
//!
//! [retention]                    # upkeep::retain::policy: ages per kind and timeframe
//! ticks = "30d"
//! "1m" = "2y"
//! "1d" = "forever"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::schedule::error::ConfigError;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    pub symbols: Vec<String>,
    #[serde(default)]
    pub agents_dir: Option<PathBuf>,
    #[serde(default)]
    pub jobs: Vec<RawJob>,
    /// Retention policies (`ztrade data retain --config`, and the `retain` jobs).
    #[serde(default)]
    pub retention: Option<upkeep::retain::RawRetention>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawJob {
    pub name: Option<String>,
    pub kind: String,
    /// Every kind but `retain` needs one.
    pub provider: Option<String>,
    pub every: Option<String>,
    pub timeframe: Option<String>,
    pub lookback: Option<String>,
    pub hours: Option<String>,
    pub symbols: Option<Vec<String>>,
    pub sentiment: Option<RawSentiment>,
    pub rollup: Option<Vec<String>>,
    pub rollup_hours: Option<String>,
    pub retain: Option<bool>,
    pub validate: Option<bool>,
    /// Options only (`schedule::options`): `"20%"` around the money, or `"all"`.
    pub strike_range: Option<String>,
    /// Options only: expiries from today to today + N days (New York dates).
    pub expiry_days: Option<i64>,
    /// Options only: scan each new snapshot for arbitrage, with the `scan_*` settings.
    pub scan: Option<bool>,
    pub scan_fees_per_contract: Option<String>,
    pub scan_min_edge: Option<String>,
    pub scan_rate: Option<f64>,
}

/// `sentiment = "15m"` or `sentiment = false`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RawSentiment {
    Enabled(bool),
    Interval(String),
}

/// The `symbols:` list of one agent file (every other key is the backtest's business).
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSymbols {
    pub file: PathBuf,
    pub symbols: Vec<String>,
}

#[derive(Deserialize)]
struct AgentFile {
    #[serde(default)]
    symbols: Vec<String>,
}

/// Parses config text; `file` names it in errors and its extension picks the format.
pub fn parse_config(text: &str, file: &Path) -> Result<RawConfig, ConfigError> {
    match extension(file).as_deref() {
        Some("toml") => toml::from_str(text).map_err(|e| toml_error(&e, text, file)),
        Some("yaml" | "yml") => serde_yaml_ng::from_str(text).map_err(|e| yaml_error(&e, file)),
        _ => Err(ConfigError::Format {
            file: file.to_path_buf(),
        }),
    }
}

pub fn read_config(file: &Path) -> Result<RawConfig, ConfigError> {
    parse_config(&read(file)?, file)
}

/// The agent files (`*.yaml`, `*.yml`) in `dir`, in file-name order so the plan is the same on
/// every machine.
pub fn read_agents(dir: &Path) -> Result<Vec<AgentSymbols>, ConfigError> {
    let io = |source| ConfigError::Read {
        file: dir.to_path_buf(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    files.retain(|p| p.is_file() && matches!(extension(p).as_deref(), Some("yaml" | "yml")));
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = read(&file)?;
            let agent: AgentFile =
                serde_yaml_ng::from_str(&text).map_err(|e| yaml_error(&e, &file))?;
            Ok(AgentSymbols {
                file,
                symbols: agent.symbols,
            })
        })
        .collect()
}

fn read(file: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(file).map_err(|source| ConfigError::Read {
        file: file.to_path_buf(),
        source,
    })
}

fn extension(p: &Path) -> Option<String> {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}

fn toml_error(e: &toml::de::Error, text: &str, file: &Path) -> ConfigError {
    let (line, column) = match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            (Some(line), Some(column))
        }
        None => (None, None),
    };
    ConfigError::Parse {
        file: file.to_path_buf(),
        line,
        column,
        message: e.message().trim().to_string(),
    }
}

fn yaml_error(e: &serde_yaml_ng::Error, file: &Path) -> ConfigError {
    let loc = e.location();
    let mut message = e.to_string();
    // The position goes in front, like the TOML errors; drop the parser's own copy of it.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    ConfigError::Parse {
        file: file.to_path_buf(),
        line: loc.as_ref().map(|l| l.line()),
        column: loc.as_ref().map(|l| l.column()),
        message,
    }
}
