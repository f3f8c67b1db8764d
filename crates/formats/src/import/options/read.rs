//! The read loop: the header picks the layout, each line becomes a snapshot or a refusal (the
//! file's end in strict mode, a skipped line under `skip_invalid`), and the whole file is then
//! checked: one snapshot per (contract, time), the chain's snapshot time, the findings.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use domain::{OptionQuote, Symbol, UnixNanos};

use super::super::reader::for_each_line;
use super::super::split::Splitter;
use super::super::tail;
use super::cells::{Cells, Clock, FieldError};
use super::header::{Columns, columns};
use super::{
    Findings, ImportError, OptionLayout, OptionReadOptions, OptionReadReport, OptionReadResult,
    RowError, lean_quote, lean_trade, yfinance,
};

/// A header read: its layout and names, and the splitter its delimiter set.
struct Header {
    columns: Columns,
    names: Vec<String>,
    splitter: Splitter,
}

/// A row read: its snapshot and the columns it left empty.
struct Parsed {
    quote: OptionQuote,
    empty: Vec<String>,
}

struct Run<'a> {
    name: &'a Path,
    opts: &'a OptionReadOptions,
    line: u64,
    header: Option<Header>,
    clock: Clock,
    /// Kept snapshots with their lines.
    rows: Vec<(u64, OptionQuote)>,
    /// The line of each (contract, time) kept; a yfinance chain's rows share one time.
    keys: HashMap<(Symbol, UnixNanos), u64>,
    findings: Findings,
    skipped: Vec<RowError>,
    warnings: Vec<RowError>,
}

impl Run<'_> {
    fn refuse(&mut self, field: String, reason: String) -> Result<(), ImportError> {
        let e = RowError::new(self.name, self.line, field, reason);
        if self.opts.skip_invalid {
            self.skipped.push(e);
            Ok(())
        } else {
            Err(e.into())
        }
    }

    fn header(&mut self, line: &[u8]) -> Result<(), ImportError> {
        let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        let mut splitter = Splitter::new(Splitter::detect(line));
        let names: Vec<String> = {
            let f = splitter
                .split(line)
                .map_err(|r| RowError::new(self.name, self.line, "header", r))?;
            (0..f.len())
                .map(|i| String::from_utf8_lossy(f.get(i)).into_owned())
                .collect()
        };
        let columns = columns(&names)
            .map_err(|(field, reason)| RowError::new(self.name, self.line, field, reason))?;
        self.header = Some(Header {
            columns,
            names,
            splitter,
        });
        Ok(())
    }

    fn line(&mut self, raw: &[u8], unterminated: bool) -> Result<(), ImportError> {
        self.line += 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let Some(header) = self.header.as_mut() else {
            return self.header(line);
        };
        let parsed = parse(header, &mut self.clock, self.opts, line).and_then(|p| {
            let key = (p.quote.contract.occ.clone(), p.quote.ts);
            let Some(first) = self.keys.get(&key) else {
                self.keys.insert(key, self.line);
                return Ok(p);
            };
            // A chain's rows share one time (not known yet without --at): a contract twice.
            Err(match &header.columns {
                Columns::Yfinance(cols) => (
                    header.names[cols.occ].trim().to_string(),
                    format!("{} again (the first is on line {first})", key.0),
                ),
                _ => (
                    "row".to_string(),
                    format!(
                        "a second snapshot of {} at {} (the first is on line {first})",
                        key.0,
                        key.1.to_rfc3339()
                    ),
                ),
            })
        });
        match parsed {
            Ok(p) => {
                self.findings.note_empty(&p.empty, self.line);
                self.rows.push((self.line, p.quote));
                if unterminated {
                    self.warnings.push(tail::unterminated(self.name, self.line));
                }
                Ok(())
            }
            Err((field, mut reason)) => {
                if unterminated {
                    reason.push_str(tail::CUT_SHORT_HINT);
                }
                self.refuse(field, reason)
            }
        }
    }

    fn finish(mut self) -> Result<OptionReadResult, ImportError> {
        let Some(header) = &self.header else {
            return Err(RowError::new(
                self.name,
                self.line.max(1),
                "header",
                "empty file (expected a header row)",
            )
            .into());
        };
        let layout = header.columns.layout();
        let snapshot_at = match layout {
            OptionLayout::YfinanceChain => {
                let at = self
                    .opts
                    .at
                    .or_else(|| self.rows.iter().filter_map(|(_, q)| q.last_trade_at).max());
                if at.is_none() && !self.rows.is_empty() {
                    return Err(RowError::new(
                        self.name,
                        1,
                        "lastTradeDate",
                        "no snapshot time: no --at was given and no row has a lastTradeDate",
                    )
                    .into());
                }
                at
            }
            OptionLayout::LeanQuoteBars | OptionLayout::LeanTradeBars => None,
        };
        let stale_after = i64::try_from(self.opts.stale_after.as_nanos()).unwrap_or(i64::MAX);
        for (line, q) in &mut self.rows {
            if let Some(at) = snapshot_at {
                q.ts = at;
            }
            self.findings.check(q, *line, stale_after);
        }
        let mut quotes: Vec<OptionQuote> = self.rows.into_iter().map(|(_, q)| q).collect();
        quotes.sort_by(|a, b| (a.ts, &a.contract.occ).cmp(&(b.ts, &b.contract.occ)));
        let report = OptionReadReport {
            layout,
            rows: quotes.len() as u64,
            skipped: self.skipped,
            findings: self.findings,
            snapshot_at,
            warnings: self.warnings,
            bytes: 0,
        };
        Ok(OptionReadResult { quotes, report })
    }
}

/// The snapshot of one data line.
fn parse(
    h: &mut Header,
    clock: &mut Clock,
    opts: &OptionReadOptions,
    line: &[u8],
) -> Result<Parsed, FieldError> {
    let fields = h.splitter.split(line).map_err(|r| ("row".to_string(), r))?;
    if fields.len() != h.names.len() {
        return Err((
            "row".into(),
            format!(
                "expected {} fields as in the header, found {}",
                h.names.len(),
                fields.len()
            ),
        ));
    }
    let c = Cells {
        fields: &fields,
        names: &h.names,
    };
    let underlying = opts.underlying.as_ref();
    let bare = |quote| Parsed {
        quote,
        empty: Vec::new(),
    };
    match &h.columns {
        Columns::Yfinance(cols) => {
            let ts = opts.at.unwrap_or_default();
            yfinance::row(&c, cols, underlying, ts, clock).map(|r| Parsed {
                quote: r.quote,
                empty: r.empty,
            })
        }
        Columns::LeanQuote(cols) => lean_quote::row(&c, cols, underlying, clock).map(bare),
        Columns::LeanTrade(cols) => lean_trade::row(&c, cols, underlying, clock).map(bare),
    }
}

/// Reads the file `reader` holds; `name` is used in error messages.
pub(super) fn run(
    name: &Path,
    reader: &mut dyn Read,
    consumed: &mut dyn FnMut() -> u64,
    opts: &OptionReadOptions,
) -> Result<OptionReadResult, ImportError> {
    let mut st = Run {
        name,
        opts,
        line: 0,
        header: None,
        clock: Clock::new(opts.tz),
        rows: Vec::new(),
        keys: HashMap::new(),
        findings: Findings::default(),
        skipped: Vec::new(),
        warnings: Vec::new(),
    };
    for_each_line(
        name,
        reader,
        consumed,
        &mut |_| {},
        &mut |line, unterminated| st.line(line, unterminated),
    )?;
    st.finish()
}
