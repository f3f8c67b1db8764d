//! Bars out: CSV, JSON or Parquet, streamed from an iterator so memory stays flat.
//!
//! - [`write_csv`], [`write_json`], [`write_parquet`]: to any writer, from an iterator of
//!   `Result<Bar, E>` (the store's `BarStream`); they return the number of bars written.
//! - [`export_file`]: to a path through a temporary file renamed at the end, so a failed export
//!   leaves nothing half-written; a FIFO or device is written in place, and `-` is stdout
//!   (`dest`: [`Destination`], [`export_to`]).
//! - [`export_quotes_to`]: quote bars, as CSV in LEAN's columns.
//! - [`table`]: a table of typed columns (text, times, exact prices, integers, floats) as CSV or
//!   Parquet ([`export_table`]): the dataset of `ztrade ml export`.
//! - [`text`]: the number and time formatting the text writers share.
//!
//! Times are RFC 3339 UTC (`2013-10-04T08:06:00Z`), or the exchange date (`2013-10-04`) for
//! daily-or-longer timeframes. Prices are written from their exact decimal text, except in
//! Parquet, whose DOUBLE columns hold the nearest float (what pandas and polars compute with).

mod csv;
mod dest;
mod json;
#[cfg(feature = "parquet")]
mod parquet;
#[cfg(feature = "parquet")]
mod parquet_table;
mod quotes;
pub mod table;
pub mod text;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use domain::{Bar, Timeframe};
use thiserror::Error;

pub use self::csv::{CSV_HEADER, write_csv};
pub use self::dest::{Destination, export_quotes_to, export_to, write_bytes};
pub use self::json::write_json;
#[cfg(feature = "parquet")]
pub use self::parquet::write_parquet;
#[cfg(feature = "parquet")]
pub use self::parquet_table::write_table_parquet;
pub use self::quotes::{QUOTES_CSV_HEADER, write_quotes_csv};
pub use self::table::{Cells, Column, Table, write_table_csv};

/// An error from the iterator being exported (a store error, say).
pub type SourceError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, Error)]
pub enum ExportError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("{}: {source}", file.display())]
    File {
        file: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The bars could not be read; nothing is left at the destination.
    #[error("{0}")]
    Source(SourceError),
    #[error("parquet: {0}")]
    Parquet(String),
    #[error("this build has no Parquet support (enable the `parquet` feature)")]
    ParquetDisabled,
    #[error("{0:?} is not an export format (csv, json or parquet)")]
    UnknownFormat(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Parquet,
}

impl std::str::FromStr for Format {
    type Err = ExportError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Format {
    /// The names `--format` lists.
    pub const NAMES: [&'static str; 3] = ["csv", "json", "parquet"];

    /// `csv`, `json` or `parquet`, case-insensitively.
    pub fn parse(text: &str) -> Result<Self, ExportError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "json" => Ok(Self::Json),
            "parquet" | "pq" => Ok(Self::Parquet),
            _ => Err(ExportError::UnknownFormat(text.to_string())),
        }
    }

    /// From the file extension (`.csv`, `.json`, `.parquet`/`.pq`).
    pub fn from_path(path: &Path) -> Option<Self> {
        Self::parse(path.extension()?.to_str()?).ok()
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Parquet => "parquet",
        }
    }
}

/// Writes `bars` in `format` to `out`; returns how many were written.
pub fn write_to<W, I, E>(
    out: W,
    format: Format,
    timeframe: Timeframe,
    bars: I,
) -> Result<u64, ExportError>
where
    W: Write + Send,
    I: IntoIterator<Item = Result<Bar, E>>,
    E: Into<SourceError>,
{
    match format {
        Format::Csv => write_csv(out, timeframe, bars),
        Format::Json => write_json(out, timeframe, bars),
        #[cfg(feature = "parquet")]
        Format::Parquet => write_parquet(out, timeframe, bars),
        #[cfg(not(feature = "parquet"))]
        Format::Parquet => {
            let _ = (out, bars);
            Err(ExportError::ParquetDisabled)
        }
    }
}

/// Writes `bars` to `path`: atomically for a regular file (through a symlink to its target),
/// in place for a FIFO or device, and `-` or the process's own stdout to stdout. See
/// [`Destination`].
pub fn export_file<I, E>(
    path: &Path,
    format: Format,
    timeframe: Timeframe,
    bars: I,
) -> Result<u64, ExportError>
where
    I: IntoIterator<Item = Result<Bar, E>>,
    E: Into<SourceError>,
{
    export_to(&Destination::of(path)?, format, timeframe, bars)
}

/// Writes `table` to `dest` (atomically to a file) as CSV or Parquet; returns its rows.
pub fn export_table(dest: &Destination, format: Format, table: &Table) -> Result<u64, ExportError> {
    table.check()?;
    dest::export_with(dest, |w| match format {
        Format::Csv => table::write_table_csv(w, table),
        #[cfg(feature = "parquet")]
        Format::Parquet => parquet_table::write_table_parquet(w, table),
        #[cfg(not(feature = "parquet"))]
        Format::Parquet => Err(ExportError::ParquetDisabled),
        Format::Json => Err(ExportError::UnknownFormat(
            "json (a dataset is csv or parquet)".into(),
        )),
    })
}

#[cfg(test)]
mod tests;
