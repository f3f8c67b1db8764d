//! Tick files in: trades or quotes, plain or gzipped, into validated ticks in time order.
//!
//! The layouts, matched by header names in any order and case:
//! - LEAN trades: `timestamp_et,price,size,exchange,sale_condition,suspicious`;
//! - LEAN quotes: `timestamp_et,bid_price,bid_size,ask_price,ask_size,exchange,sale_condition,
//!   suspicious`. A side with price 0 and size 0 is absent from that update (a one-sided quote),
//!   stored as 0/0: neither crossed nor a bad price. A price of 0 with a size is refused.
//! - plain: `timestamp,price,size[,exchange,conditions]` and `timestamp,bid,bid_size,ask,
//!   ask_size[,exchange,conditions]` (also `bid_exchange`, `ask_exchange`, `trade_id`).
//!
//! Conditions are kept as given, one code per token (a field may hold several, split at spaces,
//! `;`, `|` or commas inside quotes). Duplicate timestamps are normal and every row is kept, in
//! file order within a timestamp; rows out of time order are sorted (stably) and reported.
//! Errors read `FILE:LINE: field: reason`, as for bars.

use std::cell::Cell;
use std::io::Read;
use std::path::Path;

use chrono_tz::Tz;
use domain::{Price, Quantity, QuoteTick, TradeTick, UnixNanos};

use super::numbers;
use super::reader::{for_each_line, with_file};
use super::split::{Fields, Splitter};
use super::tail;
use super::timestamp::{Stamp, StampReader};
use super::zone::LocalZone;
use super::{ImportError, RowError};

/// Trades or quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TickKind {
    Trades,
    Quotes,
}

impl TickKind {
    /// `trades` and `quotes`, as [`TickKind::name`] writes them and `FromStr` reads them.
    pub const NAMES: [&'static str; 2] = ["trades", "quotes"];

    pub fn name(self) -> &'static str {
        match self {
            Self::Trades => "trades",
            Self::Quotes => "quotes",
        }
    }
}

impl std::str::FromStr for TickKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "trades" => Ok(Self::Trades),
            "quotes" => Ok(Self::Quotes),
            other => Err(format!(
                "unknown tick kind {other:?} (expected trades or quotes)"
            )),
        }
    }
}

/// How to read a tick file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TickOptions {
    pub kind: TickKind,
    /// The zone of timestamps written without an offset.
    pub tz: Tz,
    /// Keep the valid rows and report the others instead of stopping at the first.
    pub skip_invalid: bool,
}

/// What the file held, in time order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TickRows {
    Trades(Vec<TradeTick>),
    Quotes(Vec<QuoteTick>),
}

impl TickRows {
    pub fn len(&self) -> usize {
        match self {
            TickRows::Trades(t) => t.len(),
            TickRows::Quotes(q) => q.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What reading a file found besides its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TickReadReport {
    /// Rows kept (handed over, when streaming).
    pub kept: u64,
    /// Lines left out under `skip_invalid`, in line order.
    pub skipped: Vec<RowError>,
    /// Bytes read from disk (compressed size for `.gz`).
    pub bytes: u64,
    /// The file's timestamps went backwards somewhere (rows read whole were sorted, stably;
    /// streamed rows were handed over as they came).
    pub reordered: bool,
    /// Lines read as they stand but worth a word (a last line without a newline).
    pub warnings: Vec<RowError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TickReadResult {
    pub rows: TickRows,
    /// Lines left out under `skip_invalid`, in line order.
    pub skipped: Vec<RowError>,
    /// Bytes read from disk (compressed size for `.gz`).
    pub bytes: u64,
    /// The file's timestamps went backwards somewhere; rows were sorted (stably).
    pub reordered: bool,
    /// Lines read as they stand but worth a word (a last line without a newline).
    pub warnings: Vec<RowError>,
}

/// Field positions of one file.
#[derive(Debug, Clone, Default)]
struct Layout {
    width: usize,
    names: Vec<String>,
    ts: usize,
    price: Option<usize>,
    size: Option<usize>,
    bid: Option<usize>,
    bid_size: Option<usize>,
    ask: Option<usize>,
    ask_size: Option<usize>,
    exchange: Option<usize>,
    bid_exchange: Option<usize>,
    ask_exchange: Option<usize>,
    conditions: Option<usize>,
    suspicious: Option<usize>,
    trade_id: Option<usize>,
}

fn layout(names: &[String], kind: TickKind) -> Result<Layout, (String, String)> {
    let mut l = Layout {
        width: names.len(),
        names: names.to_vec(),
        ..Layout::default()
    };
    let mut ts = None;
    for (i, raw) in names.iter().enumerate() {
        let name = raw.trim().to_ascii_lowercase();
        let slot = match name.as_str() {
            "timestamp" | "timestamp_et" | "timestamp_utc" | "datetime" | "time" | "ts" | "t" => {
                &mut ts
            }
            "price" | "p" => &mut l.price,
            "size" | "s" | "quantity" | "qty" => &mut l.size,
            "bid_price" | "bid" | "bp" => &mut l.bid,
            "bid_size" | "bs" => &mut l.bid_size,
            "ask_price" | "ask" | "ap" => &mut l.ask,
            "ask_size" | "as" => &mut l.ask_size,
            "exchange" | "x" => &mut l.exchange,
            "bid_exchange" | "bx" => &mut l.bid_exchange,
            "ask_exchange" | "ax" => &mut l.ask_exchange,
            "sale_condition" | "conditions" | "condition" | "c" => &mut l.conditions,
            "suspicious" => &mut l.suspicious,
            "trade_id" | "id" | "i" => &mut l.trade_id,
            _ => {
                return Err((
                    raw.trim().to_string(),
                    "unknown column (tick files have timestamp, price, size, bid_price, bid_size, \
                     ask_price, ask_size, exchange, conditions, suspicious, trade_id)"
                        .into(),
                ));
            }
        };
        if slot.replace(i).is_some() {
            return Err((raw.trim().to_string(), "column given twice".into()));
        }
    }
    l.ts = ts.ok_or_else(|| ("header".to_string(), "no timestamp column".to_string()))?;
    let need = |have: Option<usize>, name: &str, hint: &str| {
        have.map(|_| ())
            .ok_or_else(|| ("header".to_string(), format!("no {name} column{hint}")))
    };
    match kind {
        TickKind::Trades => {
            let hint = if l.bid.is_some() {
                " (this looks like a quote file: --kind quotes)"
            } else {
                ""
            };
            need(l.price, "price", hint)?;
            need(l.size, "size", hint)?;
        }
        TickKind::Quotes => {
            let hint = if l.price.is_some() {
                " (this looks like a trade file: --kind trades)"
            } else {
                ""
            };
            need(l.bid, "bid_price", hint)?;
            need(l.bid_size, "bid_size", hint)?;
            need(l.ask, "ask_price", hint)?;
            need(l.ask_size, "ask_size", hint)?;
        }
    }
    Ok(l)
}

type FieldError = (String, String);

/// Reads fields of one row; keeps the timestamp parser's caches between rows.
struct Parser {
    layout: Layout,
    kind: TickKind,
    stamps: StampReader,
    zone: LocalZone,
}

impl Parser {
    fn err(&self, col: usize, reason: impl Into<String>) -> FieldError {
        (self.layout.names[col].trim().to_string(), reason.into())
    }

    fn text(f: &Fields, col: Option<usize>) -> String {
        col.map(|c| String::from_utf8_lossy(f.get(c).trim_ascii()).into_owned())
            .unwrap_or_default()
    }

    #[inline]
    fn ts(&mut self, f: &Fields) -> Result<UnixNanos, FieldError> {
        let text = f.get(self.layout.ts).trim_ascii();
        let stamp = self
            .stamps
            .parse(text)
            .map_err(|r| self.err(self.layout.ts, r))?;
        let nanos = match stamp {
            Stamp::Instant { nanos, .. } => Ok(nanos),
            Stamp::Naive { days, secs, nanos } => self.zone.instant(days, secs, nanos),
            Stamp::Date { .. } => Err(format!(
                "{:?} is a date without a time of day",
                String::from_utf8_lossy(text)
            )),
        };
        nanos
            .map(UnixNanos::new)
            .map_err(|r| self.err(self.layout.ts, r))
    }

    #[inline]
    fn price(&self, f: &Fields, col: usize) -> Result<Price, FieldError> {
        let text = f.get(col).trim_ascii();
        let p = numbers::price(text)
            .map_err(|e| self.err(col, format!("{:?}: {e}", String::from_utf8_lossy(text))))?;
        p.in_range("price").map_err(|e| self.err(col, e.reason))
    }

    #[inline]
    fn size(&self, f: &Fields, col: usize) -> Result<Quantity, FieldError> {
        let text = f.get(col).trim_ascii();
        let q = numbers::quantity(text)
            .map_err(|e| self.err(col, format!("{:?}: {e}", String::from_utf8_lossy(text))))?;
        if q.is_negative() {
            return Err(self.err(col, format!("negative size {q}")));
        }
        Ok(q)
    }

    fn suspicious(&self, f: &Fields) -> Result<bool, FieldError> {
        let Some(col) = self.layout.suspicious else {
            return Ok(false);
        };
        match f.get(col).trim_ascii() {
            b"" | b"0" | b"false" | b"False" | b"FALSE" => Ok(false),
            b"1" | b"true" | b"True" | b"TRUE" => Ok(true),
            other => Err(self.err(
                col,
                format!("{:?} is not 0 or 1", String::from_utf8_lossy(other)),
            )),
        }
    }

    fn conditions(f: &Fields, col: Option<usize>) -> Vec<String> {
        let Some(col) = col else {
            return Vec::new();
        };
        let text = f.get(col).trim_ascii();
        if text.is_empty() {
            return Vec::new();
        }
        if !text.iter().any(|b| matches!(b, b' ' | b';' | b'|' | b',')) {
            return vec![String::from_utf8_lossy(text).into_owned()];
        }
        text.split(|b| matches!(b, b' ' | b';' | b'|' | b','))
            .filter(|c| !c.is_empty())
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect()
    }

    fn trade(&mut self, f: &Fields) -> Result<TradeTick, FieldError> {
        let l = &self.layout;
        let (pc, sc) = (l.price.expect("checked"), l.size.expect("checked"));
        let ts = self.ts(f)?;
        let price = self.price(f, pc)?;
        if price.is_zero() {
            return Err(self.err(pc, "0 is not a trade price"));
        }
        let size = self.size(f, sc)?;
        let suspicious = self.suspicious(f)?;
        let l = &self.layout;
        let trade_id = l
            .trade_id
            .map(|c| Self::text(f, Some(c)))
            .filter(|t| !t.is_empty());
        Ok(TradeTick {
            ts,
            price,
            size,
            exchange: Self::text(f, l.exchange),
            conditions: Self::conditions(f, l.conditions),
            trade_id,
            suspicious,
        })
    }

    /// One side: (price, size); 0 and 0 is a side absent from this update.
    fn side(&self, f: &Fields, pc: usize, sc: usize) -> Result<(Price, Quantity), FieldError> {
        let price = self.price(f, pc)?;
        let size = self.size(f, sc)?;
        if price.is_zero() && !size.is_zero() {
            return Err(self.err(
                pc,
                format!("0 with size {size}: a quoted side needs a price"),
            ));
        }
        Ok((price, size))
    }

    fn quote(&mut self, f: &Fields) -> Result<QuoteTick, FieldError> {
        let ts = self.ts(f)?;
        let l = &self.layout;
        let (bid, bid_size) =
            self.side(f, l.bid.expect("checked"), l.bid_size.expect("checked"))?;
        let (ask, ask_size) =
            self.side(f, l.ask.expect("checked"), l.ask_size.expect("checked"))?;
        if bid.is_zero() && ask.is_zero() {
            return Err((
                "row".into(),
                "neither side is quoted (both prices are 0)".into(),
            ));
        }
        let suspicious = self.suspicious(f)?;
        let both = Self::text(f, l.exchange);
        let side_ex = |c: Option<usize>| match c {
            Some(_) => Self::text(f, c),
            None => both.clone(),
        };
        Ok(QuoteTick {
            ts,
            bid,
            ask,
            bid_size,
            ask_size,
            bid_exchange: side_ex(l.bid_exchange),
            ask_exchange: side_ex(l.ask_exchange),
            conditions: Self::conditions(f, l.conditions),
            suspicious,
        })
    }
}

/// State of one file being read.
struct Run<'a> {
    name: &'a Path,
    opts: TickOptions,
    line: u64,
    header: Option<(Parser, Splitter)>,
    trades: Vec<TradeTick>,
    quotes: Vec<QuoteTick>,
    last_ts: Option<UnixNanos>,
    reordered: bool,
    skipped: Vec<RowError>,
    warnings: Vec<RowError>,
    /// Streaming: rows are handed to this in batches of about the given size (never splitting
    /// the ticks of one timestamp); `false` from it stops reading.
    sink: Option<(&'a mut dyn FnMut(TickRows) -> bool, usize)>,
    kept: u64,
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

    /// Streaming: hands the rows over once a batch is full and `next` starts a new timestamp.
    #[inline]
    fn hand_over_before(&mut self, next: UnixNanos) -> Result<(), ImportError> {
        let full = match &self.sink {
            Some((_, batch)) => self.trades.len() + self.quotes.len() >= *batch,
            None => false,
        };
        if full && self.last_ts != Some(next) {
            self.hand_over()?;
        }
        Ok(())
    }

    fn hand_over(&mut self) -> Result<(), ImportError> {
        let Some((sink, batch)) = &mut self.sink else {
            return Ok(());
        };
        let rows = match self.opts.kind {
            TickKind::Trades => TickRows::Trades(std::mem::replace(
                &mut self.trades,
                Vec::with_capacity(*batch),
            )),
            TickKind::Quotes => TickRows::Quotes(std::mem::replace(
                &mut self.quotes,
                Vec::with_capacity(*batch),
            )),
        };
        if rows.is_empty() || sink(rows) {
            Ok(())
        } else {
            Err(ImportError::Stopped)
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
        let layout = layout(&names, self.opts.kind)
            .map_err(|(field, reason)| RowError::new(self.name, self.line, field, reason))?;
        let parser = Parser {
            layout,
            kind: self.opts.kind,
            stamps: StampReader::default(),
            zone: LocalZone::new(self.opts.tz),
        };
        self.header = Some((parser, splitter));
        Ok(())
    }

    #[inline]
    fn line(&mut self, raw: &[u8], unterminated: bool) -> Result<(), ImportError> {
        self.line += 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let Some((parser, splitter)) = &mut self.header else {
            return self.header(line);
        };
        let fields = match splitter.split(line) {
            Ok(f) => f,
            Err(reason) => return self.refuse("row".into(), reason),
        };
        let width = parser.layout.width;
        if fields.len() != width {
            let reason = format!(
                "expected {width} fields as in the header, found {}",
                fields.len()
            );
            return self.refuse("row".into(), reason);
        }
        let ts = match parser.kind {
            TickKind::Trades => parser.trade(&fields).map(|t| {
                let ts = t.ts;
                (ts, Some(t), None)
            }),
            TickKind::Quotes => parser.quote(&fields).map(|q| (q.ts, None, Some(q))),
        };
        let ts = match ts {
            Ok((ts, trade, quote)) => {
                self.hand_over_before(ts)?;
                self.trades.extend(trade);
                self.quotes.extend(quote);
                self.kept += 1;
                Ok(ts)
            }
            Err(e) => Err(e),
        };
        match ts {
            Ok(ts) => {
                if self.last_ts.is_some_and(|last| ts < last) {
                    self.reordered = true;
                }
                self.last_ts = Some(ts);
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

    /// The rows kept (none when streaming: all were handed over) and what else was found.
    fn finish(mut self) -> Result<(TickRows, TickReadReport), ImportError> {
        if self.header.is_none() {
            self.line = self.line.max(1);
            return Err(RowError::new(
                self.name,
                self.line,
                "header",
                "empty file (expected a header row)",
            )
            .into());
        }
        self.hand_over()?;
        // Stable: ticks of one timestamp keep their file order, which is their sequence.
        if self.reordered {
            self.trades.sort_by_key(|t| t.ts);
            self.quotes.sort_by_key(|q| q.ts);
        }
        let rows = match self.opts.kind {
            TickKind::Trades => TickRows::Trades(self.trades),
            TickKind::Quotes => TickRows::Quotes(self.quotes),
        };
        let report = TickReadReport {
            kept: self.kept,
            skipped: self.skipped,
            bytes: 0,
            reordered: self.reordered,
            warnings: self.warnings,
        };
        Ok((rows, report))
    }
}

/// Where [`run`] reads from, and where it reports.
struct Source<'a> {
    name: &'a Path,
    reader: &'a mut dyn Read,
    size_hint: Option<u64>,
    consumed: &'a mut dyn FnMut() -> u64,
    progress: &'a mut dyn FnMut(u64),
}

fn run<'a>(
    src: Source<'a>,
    opts: &TickOptions,
    sink: Option<(&'a mut dyn FnMut(TickRows) -> bool, usize)>,
) -> Result<(TickRows, TickReadReport), ImportError> {
    let mut st = Run {
        name: src.name,
        opts: *opts,
        line: 0,
        header: None,
        trades: Vec::new(),
        quotes: Vec::new(),
        last_ts: None,
        reordered: false,
        skipped: Vec::new(),
        warnings: Vec::new(),
        sink,
        kept: 0,
    };
    // About 45 bytes a tick in the files seen; one reservation saves the vector's regrowth.
    let guess = match &st.sink {
        Some((_, batch)) => Some(*batch),
        None => src.size_hint.map(|size| (size / 40) as usize),
    };
    if let Some(guess) = guess {
        match opts.kind {
            TickKind::Trades => st.trades.reserve(guess),
            TickKind::Quotes => st.quotes.reserve(guess),
        }
    }
    for_each_line(
        src.name,
        src.reader,
        src.consumed,
        src.progress,
        &mut |line, unterminated| st.line(line, unterminated),
    )?;
    st.finish()
}

fn whole(rows: TickRows, report: TickReadReport) -> TickReadResult {
    TickReadResult {
        rows,
        skipped: report.skipped,
        bytes: report.bytes,
        reordered: report.reordered,
        warnings: report.warnings,
    }
}

/// Reads a trade or quote tick file (optionally gzipped), keeping every row in memory and
/// sorting them if the file went back in time. `progress` gets the bytes read from disk so
/// far, about once per MiB.
pub fn read_ticks(
    path: &Path,
    opts: &TickOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<TickReadResult, ImportError> {
    let ((rows, mut report), bytes) = with_file(path, |reader, size_hint, consumed| {
        let src = Source {
            name: path,
            reader,
            size_hint,
            consumed,
            progress,
        };
        run(src, opts, None)
    })?;
    report.bytes = bytes;
    Ok(whole(rows, report))
}

/// Reads a tick file as [`read_ticks`] does but hands its rows to `on_batch` as it goes, in
/// file order (not sorted: [`TickReadReport::reordered`] tells), about `batch` rows at a time
/// and never splitting the ticks of one timestamp, with the bytes read from disk so far.
/// `false` from `on_batch` stops reading with [`ImportError::Stopped`].
pub fn stream_ticks(
    path: &Path,
    opts: &TickOptions,
    batch: usize,
    on_batch: &mut dyn FnMut(TickRows, u64) -> bool,
) -> Result<TickReadReport, ImportError> {
    let seen = Cell::new(0u64);
    let mut sink = |rows: TickRows| on_batch(rows, seen.get());
    let ((_, mut report), bytes) = with_file(path, |reader, size_hint, consumed| {
        let src = Source {
            name: path,
            reader,
            size_hint,
            consumed,
            progress: &mut |b| seen.set(b),
        };
        run(src, opts, Some((&mut sink, batch.max(1))))
    })?;
    report.bytes = bytes;
    Ok(report)
}

/// [`read_ticks`] from any reader; `name` is used in error messages.
pub fn read_ticks_from(
    name: &Path,
    reader: &mut dyn Read,
    opts: &TickOptions,
) -> Result<TickReadResult, ImportError> {
    let src = Source {
        name,
        reader,
        size_hint: None,
        consumed: &mut || 0,
        progress: &mut |_| {},
    };
    run(src, opts, None).map(|(rows, report)| whole(rows, report))
}

#[cfg(test)]
mod tests;
