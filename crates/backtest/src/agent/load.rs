//! Reading agent files, with errors that name the FILE, the LINE and the FIELD.
//!
//! serde_yaml_ng reports a path (`strategy`) and a position; for an unknown or missing field
//! the field's own name is taken from the message, and the line is refined by looking the key
//! up in the text ([`find_line`]), since errors inside an internally tagged block (`strategy:
//! {kind: …}`) otherwise point at the block. Semantic errors from
//! [`AgentConfig::validate`] carry a dotted path that is looked up the same way.

use std::fmt;
use std::path::{Path, PathBuf};

use super::AgentConfig;
use super::raw::RawAgent;

/// A bad agent file. Displays as `FILE:LINE: FIELD: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentError {
    pub file: PathBuf,
    pub line: Option<usize>,
    /// Dotted path such as `strategy.fast`; empty when the file as a whole is wrong.
    pub field: String,
    pub message: String,
}

impl fmt::Display for AgentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for AgentError {}

impl AgentConfig {
    /// Reads, parses and validates one agent file; its id must equal the file name's stem.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, AgentError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| AgentError {
            file: path.to_owned(),
            line: None,
            field: String::new(),
            message: format!("cannot read the file: {e}"),
        })?;
        Self::parse_file(path, &text)
    }

    /// Every agent in `dir` (see [`load_dir`]).
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<Vec<Self>, AgentError> {
        load_dir(dir)
    }

    /// [`AgentConfig::load`] on text already read (`path` is used for messages and the id).
    pub fn parse_file(path: &Path, text: &str) -> Result<Self, AgentError> {
        let raw: RawAgent =
            serde_yaml_ng::from_str(text).map_err(|e| yaml_error(path, text, &e))?;
        let at = |field: String, message: String| AgentError {
            file: path.to_owned(),
            line: find_line(text, &field),
            field,
            message,
        };
        let cfg = raw.resolve().map_err(|inv| at(inv.field, inv.message))?;
        // `from_yaml` passes a name without extension: there is no file name to match.
        if let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            && path.extension().is_some()
            && stem != cfg.id
        {
            return Err(at(
                "id".into(),
                format!(
                    "id {:?} does not match the file name {stem:?} (an agent file is named by its id)",
                    cfg.id
                ),
            ));
        }
        Ok(cfg)
    }
}

/// Every `*.yaml` / `*.yml` agent in `dir`, sorted by file name; the first bad file is an error,
/// and two files may not share an id.
pub fn load_dir(dir: impl AsRef<Path>) -> Result<Vec<AgentConfig>, AgentError> {
    let mut out: Vec<AgentConfig> = Vec::new();
    for (path, agent) in scan_dir(dir)? {
        let agent = agent?;
        if out.iter().any(|a| a.id == agent.id) {
            return Err(AgentError {
                file: path,
                line: None,
                field: "id".into(),
                message: format!(
                    "another file in the directory already defines agent {:?}",
                    agent.id
                ),
            });
        }
        out.push(agent);
    }
    Ok(out)
}

/// One file of a directory scan and what loading it gave.
pub type Scanned = (PathBuf, Result<AgentConfig, AgentError>);

/// Like [`load_dir`] but keeps going: each agent file with its own result (for listings).
pub fn scan_dir(dir: impl AsRef<Path>) -> Result<Vec<Scanned>, AgentError> {
    let dir = dir.as_ref();
    let read_err = |e: std::io::Error| AgentError {
        file: dir.to_owned(),
        line: None,
        field: String::new(),
        message: format!("cannot read the directory: {e}"),
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let p = entry.map_err(read_err)?.path();
        if p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            paths.push(p);
        }
    }
    paths.sort();
    Ok(paths
        .into_iter()
        .map(|p| {
            let r = AgentConfig::load(&p);
            (p, r)
        })
        .collect())
}

fn yaml_error(path: &Path, text: &str, e: &serde_yaml_ng::Error) -> AgentError {
    let full = e.to_string();
    let msg = full
        .rfind(" at line ")
        .map_or(full.as_str(), |k| &full[..k]);
    let (mut field, msg) = match msg.split_once(": ") {
        Some((p, m)) if !p.is_empty() && !p.contains(' ') => (p.to_owned(), m.to_owned()),
        _ => (String::new(), msg.to_owned()),
    };
    let mut line = e.location().map(|l| l.line());
    for marker in ["unknown field `", "missing field `"] {
        if let Some(rest) = msg.strip_prefix(marker)
            && let Some(name) = rest.split('`').next()
        {
            let parent = field.clone();
            field = if parent.is_empty() {
                name.to_owned()
            } else {
                format!("{parent}.{name}")
            };
            if marker.starts_with("unknown") {
                line = find_line(text, &field).or(line);
            } else {
                line = find_line(text, &parent).or(line);
            }
        }
    }
    if line.is_none() && !field.is_empty() {
        line = find_line(text, &field);
    }
    AgentError {
        file: path.to_owned(),
        line,
        field,
        message: msg,
    }
}

/// The 1-based line of the key at dotted `path` (`strategy.fast`, `symbols[1]`), for block and
/// one-line flow mappings; the deepest key found if the full path is not written out (a default).
pub fn find_line(text: &str, path: &str) -> Option<usize> {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.split(" #").next().unwrap_or(l))
        .collect();
    let (mut start, mut end) = (0, lines.len());
    let mut found = None;
    for seg in path
        .split('.')
        .map(|s| s.split('[').next().unwrap_or(s))
        .filter(|s| !s.is_empty())
    {
        let Some(n) = (start..end).find(|&n| has_key(lines[n], seg)) else {
            return found;
        };
        found = Some(n + 1);
        let indent = indent_of(lines[n]);
        start = n;
        end = (n + 1..lines.len())
            .find(|&k| !lines[k].trim().is_empty() && indent_of(lines[k]) <= indent)
            .unwrap_or(lines.len());
    }
    found
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Whether `line` has `key:` as a mapping key (block `key:`, `- key:`, or `{…, key: …}`).
fn has_key(line: &str, key: &str) -> bool {
    let b = line.as_bytes();
    let mut from = 0;
    while let Some(k) = line[from..].find(key) {
        let at = from + k;
        let before = line[..at].trim_end();
        let starts = before.is_empty() || before.ends_with(['{', ',', '-']);
        let after = line[at + key.len()..].trim_start();
        if starts
            && after.starts_with(':')
            && (at + key.len() >= b.len() || !b[at + key.len()].is_ascii_alphanumeric())
        {
            return true;
        }
        from = at + key.len();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_block_and_flow_keys() {
        let text = "id: x\nstrategy:\n  kind: sma_crossover\n  fast: 10\nrisk: { stop_loss_pct: 2, flatten_at_close: true }\nsymbols:\n  - SPY\n";
        assert_eq!(find_line(text, "id"), Some(1));
        assert_eq!(find_line(text, "strategy.fast"), Some(4));
        assert_eq!(find_line(text, "strategy.slow"), Some(2));
        assert_eq!(find_line(text, "risk.flatten_at_close"), Some(5));
        assert_eq!(find_line(text, "symbols[0]"), Some(6));
        assert_eq!(find_line(text, "costs"), None);
    }
}
