//! The journal's eight tables as data, shared by both backends: each record type names its
//! table and columns ([`JournalRow`]), writes itself as [`Cell`]s and reads itself back through a
//! [`Cursor`] over a fetched row. The backends only turn cells into a multi-row INSERT (SQLite)
//! or a COPY (PostgreSQL), and build the SELECT from the column kinds.
//!
//! - this file: [`Kind`], [`Cell`], [`Owner`], [`JournalRow`], [`Cursor`].
//! - `tables`: the eight record types' columns, cells and decoding.

mod tables;

use std::borrow::Cow;
use std::str::FromStr;

use domain::{Money, Price, Quantity, Symbol, UnixNanos};

use crate::StoreError;
use crate::decode::Columns;
use crate::rows::{parse_json, parse_money, parse_price, parse_quantity, parse_symbol};

/// How a column is stored: exact decimals are TEXT in SQLite and NUMERIC in PostgreSQL, lists
/// are JSON text / JSONB, flags INTEGER 0/1 / BOOLEAN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Real,
    Text,
    Decimal,
    Json,
    Bool,
}

/// One value to write.
#[derive(Debug, Clone)]
pub(crate) enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
    /// An exact decimal's text, kept in the cell: a journal writes millions, none allocates.
    Dec(DecimalText),
    Bool(bool),
}

/// The text of an exact decimal (at most 39 digits, a sign and a point).
#[derive(Clone, Copy)]
pub(crate) struct DecimalText {
    bytes: [u8; 48],
    len: u8,
}

impl DecimalText {
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl std::fmt::Debug for DecimalText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Write for DecimalText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let at = usize::from(self.len);
        let end = at + s.len();
        let room = self.bytes.get_mut(at..end).ok_or(std::fmt::Error)?;
        room.copy_from_slice(s.as_bytes());
        self.len = u8::try_from(end).map_err(|_| std::fmt::Error)?;
        Ok(())
    }
}

pub(super) fn dec(v: impl std::fmt::Display) -> Cell<'static> {
    use std::fmt::Write;
    let mut t = DecimalText {
        bytes: [0; 48],
        len: 0,
    };
    match write!(t, "{v}") {
        Ok(()) => Cell::Dec(t),
        // Longer than any fixed-point value: written as text.
        Err(_) => Cell::Text(Cow::Owned(v.to_string())),
    }
}

pub(super) fn opt_dec(v: Option<impl std::fmt::Display>) -> Cell<'static> {
    v.map_or(Cell::Null, dec)
}

pub(super) fn opt_int(v: Option<i64>) -> Cell<'static> {
    v.map_or(Cell::Null, Cell::Int)
}

pub(super) fn opt_text(v: Option<&str>) -> Cell<'_> {
    v.map_or(Cell::Null, |s| Cell::Text(Cow::Borrowed(s)))
}

pub(super) fn text(v: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(v))
}

pub(super) fn id(v: u64) -> Cell<'static> {
    Cell::Int(v as i64)
}

pub(super) fn list(v: &[impl serde::Serialize]) -> Cell<'static> {
    Cell::Text(Cow::Owned(
        serde_json::to_string(v).expect("a list of strings serializes"),
    ))
}

/// Whose rows these are: a backtest run's (`run_id`) or a paper session's (`session_id`); the
/// other column is left NULL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner<'a> {
    Run(i64),
    Session(&'a str),
}

impl Owner<'_> {
    /// The column that holds the owner.
    pub(crate) fn column(self) -> &'static str {
        match self {
            Self::Run(_) => "run_id",
            Self::Session(_) => "session_id",
        }
    }
}

/// The eight journal tables.
pub(crate) const TABLES: [&str; 8] = [
    <domain::journal::SignalRecord as JournalRow>::TABLE,
    <domain::journal::RiskVeto as JournalRow>::TABLE,
    <domain::journal::OrderRecord as JournalRow>::TABLE,
    <domain::journal::OrderEvent as JournalRow>::TABLE,
    <domain::journal::JournalFill as JournalRow>::TABLE,
    <domain::journal::RoundTrip as JournalRow>::TABLE,
    <domain::journal::AccountSnapshot as JournalRow>::TABLE,
    <domain::journal::RiskDay as JournalRow>::TABLE,
];

/// A record of one journal table.
pub(crate) trait JournalRow: Sized {
    const TABLE: &'static str;
    /// After `run_id` and `session_id`; the first is the row's id or seq, the second `ts`.
    const COLUMNS: &'static [(&'static str, Kind)];
    /// The row's cells in `COLUMNS` order; `seq` is its position among its owner's rows.
    fn cells<'a>(&'a self, seq: u64, out: &mut Vec<Cell<'a>>);
    fn decode(c: &mut Cursor<'_>) -> Result<Self, StoreError>;
}

/// Reads a fetched row's columns in order.
pub(crate) struct Cursor<'a> {
    row: &'a dyn Columns,
    table: &'static str,
    at: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(row: &'a dyn Columns, table: &'static str) -> Self {
        Self { row, table, at: 0 }
    }
    pub(super) fn next(&mut self) -> usize {
        self.at += 1;
        self.at - 1
    }
    pub(super) fn skip(&mut self) {
        self.at += 1;
    }
    pub(super) fn int(&mut self) -> Result<i64, StoreError> {
        self.row.int(self.next())
    }
    pub(super) fn id(&mut self) -> Result<u64, StoreError> {
        let v = self.int()?;
        u64::try_from(v).map_err(|_| self.corrupt(format!("negative id {v}")))
    }
    pub(super) fn opt_id(&mut self) -> Result<Option<u64>, StoreError> {
        match self.row.opt_int(self.next())? {
            None => Ok(None),
            Some(v) => u64::try_from(v)
                .map(Some)
                .map_err(|_| self.corrupt(format!("negative id {v}"))),
        }
    }
    pub(super) fn ts(&mut self) -> Result<UnixNanos, StoreError> {
        Ok(UnixNanos::new(self.int()?))
    }
    pub(super) fn opt_ts(&mut self) -> Result<Option<UnixNanos>, StoreError> {
        Ok(self.row.opt_int(self.next())?.map(UnixNanos::new))
    }
    pub(super) fn opt_real(&mut self) -> Result<Option<f64>, StoreError> {
        self.row.opt_real(self.next())
    }
    /// Text as a `String`, `Arc<str>` or `Cow<'static, str>`.
    pub(super) fn string<T: From<String>>(&mut self) -> Result<T, StoreError> {
        Ok(self.row.string(self.next())?.into())
    }
    pub(super) fn opt_string<T: From<String>>(&mut self) -> Result<Option<T>, StoreError> {
        Ok(self.row.opt_string(self.next())?.map(T::from))
    }
    pub(super) fn symbol(&mut self) -> Result<Symbol, StoreError> {
        let i = self.next();
        parse_symbol(&self.row.text(i)?, self.table)
    }
    pub(super) fn parse<T: FromStr<Err = String>>(&mut self) -> Result<T, StoreError> {
        let i = self.next();
        let t = self.row.text(i)?;
        t.parse().map_err(|e: String| self.corrupt(e))
    }
    pub(super) fn money(&mut self, field: &str) -> Result<Money, StoreError> {
        let i = self.next();
        parse_money(&self.row.text(i)?, self.table, field)
    }
    pub(super) fn price(&mut self, field: &str) -> Result<Price, StoreError> {
        let i = self.next();
        parse_price(&self.row.text(i)?, self.table, field)
    }
    pub(super) fn qty(&mut self, field: &str) -> Result<Quantity, StoreError> {
        let i = self.next();
        parse_quantity(&self.row.text(i)?, self.table, field)
    }
    pub(super) fn opt_money(&mut self, field: &str) -> Result<Option<Money>, StoreError> {
        let i = self.next();
        let t = self.row.opt_text(i)?;
        t.map(|t| parse_money(&t, self.table, field)).transpose()
    }
    pub(super) fn opt_price(&mut self, field: &str) -> Result<Option<Price>, StoreError> {
        let i = self.next();
        let t = self.row.opt_text(i)?;
        t.map(|t| parse_price(&t, self.table, field)).transpose()
    }
    pub(super) fn opt_qty(&mut self, field: &str) -> Result<Option<Quantity>, StoreError> {
        let i = self.next();
        let t = self.row.opt_text(i)?;
        t.map(|t| parse_quantity(&t, self.table, field)).transpose()
    }
    pub(super) fn list<T: serde::de::DeserializeOwned>(
        &mut self,
        field: &str,
    ) -> Result<Vec<T>, StoreError> {
        let i = self.next();
        parse_json(&self.row.text(i)?, self.table, field)
    }
    pub(super) fn flag(&mut self) -> Result<bool, StoreError> {
        Ok(self.int()? != 0)
    }
    pub(super) fn corrupt(&self, reason: String) -> StoreError {
        StoreError::Corrupt {
            table: self.table,
            reason,
        }
    }
}

/// What [`crate::JournalStore::save_journal`] (or [`crate::PaperStore::save_session_journal`])
/// wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct JournalSaved {
    pub rows: u64,
}
