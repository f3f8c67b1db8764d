//! Importing a corporate-actions file (`symbol,ex_date,kind,split_from,split_to,cash_amount`):
//! [`read`] checks every line before the store is opened, [`store_actions`] upserts what was
//! kept in one transaction. Strict by default: any bad line refuses the file, listing every bad
//! line as `FILE:LINE: field: reason`; with `skip_invalid` the rest is stored and the bad lines
//! are counted and listed. A re-import of the same file is all `unchanged`.

use std::path::PathBuf;

use formats::actions::ActionsRead;
use serde::Serialize;
use store::{ActionStore, UpsertCounts};

use crate::AppError;

#[derive(Debug, Clone)]
pub struct ActionsImportRequest {
    pub file: PathBuf,
    /// Store the good lines and list the bad ones instead of refusing the file.
    pub skip_invalid: bool,
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ActionsImportReport {
    pub file: String,
    /// The symbols the file holds actions for, sorted.
    pub symbols: Vec<String>,
    pub splits: u64,
    pub dividends: u64,
    /// `skipped` counts the bad lines left out (only with `skip_invalid`).
    pub counts: UpsertCounts,
    /// Each skipped line as `FILE:LINE: field: reason`.
    pub skipped: Vec<String>,
}

/// Reads and checks the whole file. Strict: any bad line is an error listing them all.
pub fn read(req: &ActionsImportRequest) -> Result<ActionsRead, AppError> {
    let read = formats::actions::read_actions(&req.file)?;
    if !req.skip_invalid && !read.invalid.is_empty() {
        let lines: Vec<String> = read.invalid.iter().map(|e| e.to_string()).collect();
        return Err(AppError::Input(format!(
            "{}\n{} invalid line{}; nothing stored (--skip-invalid stores the others)",
            lines.join("\n"),
            lines.len(),
            if lines.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(read)
}

/// Stores what [`read`] kept. A file with no good line is an error, and nothing is written.
pub fn store_actions(
    store: &mut dyn ActionStore,
    req: &ActionsImportRequest,
    read: &ActionsRead,
) -> Result<ActionsImportReport, AppError> {
    if read.actions.is_empty() {
        return Err(AppError::input(match read.invalid.len() {
            0 => format!("{}: no actions after the header", req.file.display()),
            n => format!(
                "{}: all {n} lines are invalid (listed above); nothing stored",
                req.file.display()
            ),
        }));
    }
    let actions: Vec<_> = read.actions.iter().map(|(_, a)| a.clone()).collect();
    let mut counts = store.upsert_actions(&actions)?;
    counts.skipped = read.invalid.len() as u64;
    let mut symbols: Vec<String> = actions.iter().map(|a| a.symbol.to_string()).collect();
    symbols.sort();
    symbols.dedup();
    let splits = actions
        .iter()
        .filter(|a| matches!(a.kind, domain::CorporateActionKind::Split { .. }))
        .count() as u64;
    Ok(ActionsImportReport {
        file: req.file.display().to_string(),
        symbols,
        splits,
        dividends: actions.len() as u64 - splits,
        counts,
        skipped: read.invalid.iter().map(|e| e.to_string()).collect(),
    })
}
