//! A table of typed columns out, as CSV or Parquet: the dataset of `ztrade ml export` (labels,
//! then one column per feature). Every column may hold nulls except text.
//!
//! | cells | CSV | Parquet (pandas / polars read it as) |
//! |---|---|---|
//! | [`Cells::Text`] | the text, quoted when needed | `binary (STRING)` (str) |
//! | [`Cells::Time`] | RFC 3339 UTC | `int64 TIMESTAMP(NANOS, UTC)` (datetime64[ns, UTC]) |
//! | [`Cells::Price`] | exact decimal text | `int64 DECIMAL(18, 9)`: exact (decimal.Decimal / Decimal) |
//! | [`Cells::Int`] | digits | `int64` (int64) |
//! | [`Cells::Float`] | shortest round-trip text | `double` (float64) |
//!
//! A null is an empty CSV field and a Parquet null. The table's metadata goes into the Parquet
//! file's key-value metadata.

use std::io::Write;

use domain::{Price, UnixNanos};

use super::ExportError;
use super::text::{push_fixed, push_rfc3339};

#[derive(Debug, Clone, PartialEq)]
pub enum Cells {
    Text(Vec<String>),
    Time(Vec<Option<UnixNanos>>),
    Price(Vec<Option<Price>>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
}

impl Cells {
    pub fn len(&self) -> usize {
        match self {
            Self::Text(v) => v.len(),
            Self::Time(v) => v.len(),
            Self::Price(v) => v.len(),
            Self::Int(v) => v.len(),
            Self::Float(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Letters, digits and `_`, not starting with a digit.
    pub name: String,
    pub cells: Cells,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub metadata: Vec<(String, String)>,
}

impl Table {
    /// The number of rows; every column must hold as many ([`Table::check`]).
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.cells.len())
    }

    /// Names that are identifiers and unique, columns of one length.
    pub fn check(&self) -> Result<(), ExportError> {
        let rows = self.rows();
        for (i, c) in self.columns.iter().enumerate() {
            let ok = c
                .name
                .chars()
                .next()
                .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
                && c.name
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
            if !ok {
                return Err(ExportError::Parquet(format!(
                    "column name {:?}: letters, digits and _",
                    c.name
                )));
            }
            if self.columns[..i].iter().any(|o| o.name == c.name) {
                return Err(ExportError::Parquet(format!("column {:?} twice", c.name)));
            }
            if c.cells.len() != rows {
                return Err(ExportError::Parquet(format!(
                    "column {:?} has {} rows, not {rows}",
                    c.name,
                    c.cells.len()
                )));
            }
        }
        Ok(())
    }
}

/// A header line, then one line per row.
pub fn write_table_csv<W: Write>(mut out: W, table: &Table) -> Result<u64, ExportError> {
    table.check()?;
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    writeln!(out, "{}", names.join(","))?;
    let mut line = Vec::with_capacity(256);
    for row in 0..table.rows() {
        line.clear();
        for (i, c) in table.columns.iter().enumerate() {
            if i > 0 {
                line.push(b',');
            }
            cell(&mut line, &c.cells, row);
        }
        line.push(b'\n');
        out.write_all(&line)?;
    }
    out.flush()?;
    Ok(table.rows() as u64)
}

fn cell(out: &mut Vec<u8>, cells: &Cells, row: usize) {
    match cells {
        Cells::Text(v) => {
            let s = &v[row];
            if s.contains([',', '"', '\n', '\r']) {
                out.push(b'"');
                out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
                out.push(b'"');
            } else {
                out.extend_from_slice(s.as_bytes());
            }
        }
        Cells::Time(v) => {
            if let Some(t) = v[row] {
                push_rfc3339(out, t);
            }
        }
        Cells::Price(v) => {
            if let Some(p) = v[row] {
                push_fixed(out, p.raw(), Price::SCALE);
            }
        }
        Cells::Int(v) => {
            if let Some(n) = v[row] {
                out.extend_from_slice(n.to_string().as_bytes());
            }
        }
        Cells::Float(v) => {
            if let Some(x) = v[row] {
                out.extend_from_slice(format!("{x}").as_bytes());
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(in crate::export) fn table() -> Table {
        let t = |s: &str| Some(UnixNanos::parse_rfc3339(s).unwrap());
        Table {
            columns: vec![
                Column {
                    name: "symbol".into(),
                    cells: Cells::Text(vec!["SPY".into(), "A,B".into()]),
                },
                Column {
                    name: "t0".into(),
                    cells: Cells::Time(vec![t("2024-01-02T14:30:00Z"), None]),
                },
                Column {
                    name: "price".into(),
                    cells: Cells::Price(vec![Some(Price::lit("100.123456789")), None]),
                },
                Column {
                    name: "label".into(),
                    cells: Cells::Int(vec![Some(-1), Some(1)]),
                },
                Column {
                    name: "ret".into(),
                    cells: Cells::Float(vec![Some(0.1), None]),
                },
            ],
            metadata: vec![("ztrade.kind".into(), "dataset".into())],
        }
    }

    #[test]
    fn csv_rows_with_nulls_and_quotes() {
        let mut out = Vec::new();
        assert_eq!(write_table_csv(&mut out, &table()).unwrap(), 2);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "symbol,t0,price,label,ret\nSPY,2024-01-02T14:30:00Z,100.123456789,-1,0.1\n\"A,B\",,,1,\n"
        );
    }

    #[test]
    fn bad_tables_are_refused() {
        let mut t = table();
        t.columns[1].name = "1st".into();
        assert!(t.check().is_err());
        let mut t = table();
        t.columns[1].name = "symbol".into();
        assert!(t.check().is_err());
        let mut t = table();
        t.columns[3].cells = Cells::Int(vec![]);
        assert!(t.check().is_err());
    }
}
