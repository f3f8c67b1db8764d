//! Corporate-action files in: `symbol,ex_date,kind,split_from,split_to,cash_amount` (the layout of
//! `shared/data/actions`), columns in any order and any case.
//!
//! - `kind` is `split` (`split_from` old shares became `split_to` new ones, whole numbers, no
//!   amount) or `dividend` (also `cash_dividend`; `cash_amount` per share, exact decimal, no
//!   split ratio).
//! - `ex_date` is `YYYY-MM-DD`.
//!
//! Every bad line is reported as `FILE:LINE: field: reason` (the header is line 1), all of them,
//! not only the first: the caller refuses the file or, skipping, stores the rest and counts them.
//! A (symbol, ex_date, kind) written twice is an error on the second line.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use domain::{CorporateAction, CorporateActionKind, Price, Symbol};

use crate::import::{ImportError, RowError};

/// The files are a few rows per symbol and year; anything this large is not one.
pub const MAX_FILE: u64 = 64 * 1024 * 1024;

const COLUMNS: [&str; 6] = [
    "symbol",
    "ex_date",
    "kind",
    "split_from",
    "split_to",
    "cash_amount",
];

/// What a file held: the good rows with their line, and every bad line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionsRead {
    pub actions: Vec<(u64, CorporateAction)>,
    pub invalid: Vec<RowError>,
}

/// Reads and checks a whole actions file. A bad header is an error; bad rows are listed in
/// [`ActionsRead::invalid`].
pub fn read_actions(path: &Path) -> Result<ActionsRead, ImportError> {
    let io = |source| ImportError::Io {
        file: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_FILE {
        return Err(ImportError::Unsupported {
            file: path.to_path_buf(),
            reason: format!("{size} bytes; an actions file is at most {MAX_FILE}"),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|e| ImportError::Unsupported {
        file: path.to_path_buf(),
        reason: format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
    })?;
    parse_actions(path, &text)
}

/// [`read_actions`] on text already in memory; `path` names it in errors.
pub fn parse_actions(path: &Path, text: &str) -> Result<ActionsRead, ImportError> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i as u64 + 1, l));
    let header = loop {
        match lines.next() {
            Some((_, l)) if l.trim().is_empty() => continue,
            Some((n, l)) => break (n, l),
            None => {
                return Err(RowError::new(path, 1, "header", "the file is empty").into());
            }
        }
    };
    let pos = columns(path, header.0, header.1)?;
    let mut out = ActionsRead {
        actions: Vec::new(),
        invalid: Vec::new(),
    };
    let mut seen: HashMap<(Symbol, NaiveDate, &'static str), u64> = HashMap::new();
    for (line, text) in lines {
        if text.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = text.split(',').map(clean).collect();
        match row(&fields, &pos) {
            Ok(a) => {
                let key = (a.symbol.clone(), a.ex_date, kind_name(&a.kind));
                if let Some(first) = seen.insert(key, line) {
                    out.invalid.push(RowError::new(
                        path,
                        line,
                        "ex_date",
                        format!(
                            "{} {} on {} repeats line {first}",
                            a.symbol,
                            kind_name(&a.kind),
                            a.ex_date
                        ),
                    ));
                } else {
                    out.actions.push((line, a));
                }
            }
            Err((field, reason)) => out.invalid.push(RowError::new(path, line, field, reason)),
        }
    }
    Ok(out)
}

/// `split` or `dividend`, as the file writes them.
pub fn kind_name(kind: &CorporateActionKind) -> &'static str {
    match kind {
        CorporateActionKind::Split { .. } => "split",
        CorporateActionKind::CashDividend { .. } => "dividend",
    }
}

fn clean(field: &str) -> &str {
    let f = field.trim();
    f.strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .unwrap_or(f)
        .trim()
}

/// The position of each of [`COLUMNS`] in the header.
fn columns(path: &Path, line: u64, header: &str) -> Result<[usize; 6], ImportError> {
    let names: Vec<String> = header
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|h| clean(h).to_ascii_lowercase())
        .collect();
    let mut pos = [0; 6];
    for (i, want) in COLUMNS.iter().enumerate() {
        pos[i] = names.iter().position(|n| n == want).ok_or_else(|| {
            RowError::new(
                path,
                line,
                "header",
                format!(
                    "no `{want}` column (expected {}; found {})",
                    COLUMNS.join(","),
                    names.join(",")
                ),
            )
        })?;
    }
    Ok(pos)
}

type Bad = (&'static str, String);

fn row(fields: &[&str], pos: &[usize; 6]) -> Result<CorporateAction, Bad> {
    let need = pos.iter().max().map_or(0, |m| m + 1);
    if fields.len() < need {
        return Err((
            "line",
            format!("{} fields, the header names {need}", fields.len()),
        ));
    }
    let [symbol, ex_date, kind, from, to, amount] = pos.map(|p| fields[p]);
    let symbol = Symbol::new(symbol).map_err(|e| ("symbol", e.reason))?;
    let ex_date = NaiveDate::parse_from_str(ex_date, "%Y-%m-%d")
        .ok()
        .filter(|_| ex_date.len() == 10)
        .ok_or_else(|| ("ex_date", format!("{ex_date:?} is not a date (YYYY-MM-DD)")))?;
    let kind = match kind.to_ascii_lowercase().as_str() {
        "split" => {
            if !amount.is_empty() {
                return Err(("cash_amount", "a split has no cash amount".into()));
            }
            CorporateActionKind::Split {
                from: ratio("split_from", from)?,
                to: ratio("split_to", to)?,
            }
        }
        "dividend" | "cash_dividend" => {
            for (field, v) in [("split_from", from), ("split_to", to)] {
                if !v.is_empty() {
                    return Err((field, "a dividend has no split ratio".into()));
                }
            }
            if amount.is_empty() {
                return Err(("cash_amount", "a dividend needs an amount".into()));
            }
            let amount = Price::parse(amount)
                .map_err(|e| ("cash_amount", format!("{amount:?}: {e}")))?
                .in_range("cash_amount")
                .map_err(|e| ("cash_amount", e.reason))?;
            CorporateActionKind::CashDividend { amount }
        }
        other => {
            return Err((
                "kind",
                format!("{other:?} is not a kind (expected split or dividend)"),
            ));
        }
    };
    CorporateAction::new(symbol, ex_date, kind).map_err(|e| {
        let field = match e.field {
            "amount" => "cash_amount",
            _ => "split_from",
        };
        (field, e.reason)
    })
}

fn ratio(field: &'static str, v: &str) -> Result<u32, Bad> {
    if v.is_empty() {
        return Err((field, "a split needs both sides of its ratio".into()));
    }
    match v.parse::<u32>() {
        Ok(0) => Err((field, "must be at least 1".into())),
        Ok(n) => Ok(n),
        Err(_) => Err((field, format!("{v:?} is not a whole number of shares"))),
    }
}

#[cfg(test)]
mod tests;
